"""The search index of the archive: plain functions, no Pelican.

Design (why the index is term-partitioned)
-----------------------------------------
A single lunr index of a 10,000-article archive is tens of megabytes: far too
much to load before the first search, and lunr.js freezes while parsing it.
So the index that lunr.py builds is cut into *term shards*: the terms, in
sorted order, are packed into contiguous ranges of about ``shard_bytes``
each; every shard is itself a complete serialized lunr index holding only
its terms' postings and the matching entries of the field vectors. A query
loads only the shards of its own terms (one per word, a short range for the
prefix of the word being typed), so the first search of a big archive loads
a few hundred kilobytes however large the archive grows.

Splitting is exact for whole words because lunr scores a clause as
``dot(query, field vector) / |query|``: a document's contribution from one
term needs only that term's entry of the field vector. (The prefix of the
word being typed expands to several terms, and each shard divides by the
length of its own expansion, so prefix scores, a tenth of a whole word's,
depend a little on where the shard boundaries fall.) Both engines (lunr.py here, lunr.js in the
browser) run one clause per query word against that word's shards and sum
``boost * score``; the merge (require every word first, then fall back to
any word) is written twice, :func:`search` below and ``search-engine.js``,
and the agreement test runs both over the same query set.

Common words: lunr.js spends about 15 microseconds per matching (field,
document) pair on a query in a fresh page (a FieldRef string, a MatchData
and its maps for each), so a word found in 4,700 of 10,000 articles ("new")
takes 70-90 ms by itself. For a word in at least ``common_docs`` articles
the build therefore computes the whole-word clause once: lunr's score of a
single-term clause is the sum, over the word fields, of that term's entry in
each field vector (the query vector is the boost alone), and that sum, in
lunr's field order, is stored as the shard's ``exact`` results. The body
postings and body vector entries of those words are then left out of the
shard's lunr index (nothing else queries them: prefixes look in the short
fields only), so the shard is smaller, and lunr.js still answers prefixes,
titles and every word below the threshold. The tests check the stored
results against lunr's own query of the full index.

Common prefixes: the last word of a query is also matched as a prefix in
the short fields ("sat" finds "satellite"), and in a fresh page lunr.js takes
15-20 ms for a prefix found in 400 articles' titles and summaries ("brown").
So for each word of the index whose prefix clause matches at least
``common_prefix_docs`` articles in a shard, that shard stores the clause's
results: lunr scores a wildcard clause, per field, as the dot product of the
field vector with a query vector holding 1 for each expanded term, divided by
that query vector's length; so a result is stored as the sum of its field
vectors' entries for the expanded terms, with the number of those terms, and
both engines divide by its square root as lunr does. Only whole words are
candidates (a first search, from a link or the header's form, ends with a
whole word; a prefix typed in the search page is searched by lunr.js, warm).

Text analysis is ours, not lunr's: lunr.py and lunr.js disagree on
tokenizing, trimming and stemming (e.g. "money"), so documents and queries
go through one analyzer (:func:`analyze`), written in Python and in
``theme/static/js/search-engine.js`` from the same data (stop words, stemming
exceptions), which the manifest hands to the browser. Terms reach lunr
already analyzed and the index pipelines are empty, so nothing is left for
the two lunr ports to disagree on.

Build time: lunr.py's Builder copies every token and inserts vector
elements one at a time (minutes for 10,000 articles). A subclass with the
same configuration and arithmetic (:class:`_TermListBuilder`), which the tests
prove gives output identical to lunr.py's own, still took 10 s at 5,000
articles with its dicts of every posting and its Python loop over every
vector element. So the build computes the same shards on numpy arrays, one
element per (document, field, term) posting: the same float operations in the
same order, Python's rounding and the same order of additions, so the bytes
are the same too (see "the index on arrays" below; the tests compare the two
on random archives, and the subclass stays as their reference). After an edit
at 5,000 articles the search files are made in about 3 s. The analysis of
each article (its terms per field) is cached in
``CACHE_PATH/search/analysis.pickle`` keyed by a hash of its text, so a
rebuild analyzes only new or changed articles.

A small manifest (term shard boundaries, field names, analyzer data, each
document's topic and the year ranges for the filters) is always loaded; the
document store (url, title, date, topic, summary) is cut into *document
shards* of ``doc_shard_size`` articles loaded for the results shown.

Snippets: a result shows its summary when the summary holds a word the query
matched, else a short passage of the body around the first matched word (the
browser finds it with the same analyzer as the index). For that the body is
kept in *passage shards* of ``passage_shard_size`` documents, each body cut
by :func:`excerpt` to at most ``snippet_chars`` characters at a sentence end;
a passage shard is loaded only for a shown result whose summary has no
match, so the bytes of a first search grow by a few kilobytes, not by the
bodies of the whole archive. A word found only past that cap leaves the
summary as the snippet, unhighlighted.

Every file is a JavaScript file that assigns into ``window.ARCHIVE_SEARCH``
so that it can be loaded with ``<script>`` from disk (file://), where fetch is
forbidden. Files are written with sorted keys and compact separators: the
same articles always give the same bytes.
"""

import contextlib
import datetime
import functools
import gc
import hashlib
import json
import logging
import math
import os
import re
import sys
import time
import unicodedata
from bisect import bisect_right
from collections import Counter, namedtuple
from pathlib import Path

import orjson
from lunr import __TARGET_JS_VERSION__ as LUNR_VERSION
from lunr.builder import Builder
from lunr.idf import idf as Idf
from lunr.index import Index
from lunr.query import Query
from lunr.stop_word_filter import WORDS as LUNR_STOP_WORDS

from archivist import background, build_cache, html_text
from archivist.html_text import html_to_text, reused_by_markup
from archivist.errors import PluginSettingsError
from archivist.settings import merge_options

logger = logging.getLogger(__name__)

REF = "id"
# Field name -> index-time boost. "fulltitle" holds the whole analyzed title
# as one term, so that a query equal to a title ranks that article first.
FIELDS = {"title": 10, "tags": 5, "topic": 2, "summary": 3, "body": 1, "fulltitle": 1}
WORD_FIELDS = ["title", "tags", "topic", "summary", "body"]
# The prefix of the word being typed is looked up in the short fields only:
# in the body a prefix matches thousands of articles and doubles the work.
PREFIX_FIELDS = ["title", "tags", "topic", "summary"]
TITLE_FIELD = "fulltitle"
# Query clause boosts: a whole word, the prefix of the word being typed, the
# whole query equal to a title.
QUERY = {"exactBoost": 10, "prefixBoost": 1, "titleBoost": 100}
STOP_WORDS = sorted(LUNR_STOP_WORDS)
# Words the plural stemmer must leave alone.
STEM_EXCEPTIONS = sorted(
    {"news", "series", "species", "politics", "economics", "physics", "athletics",
     "aids", "always", "perhaps", "whereas", "towards", "texas", "paris", "christmas"}
)
DIRECTORY = "search"
REGISTRY = "ARCHIVE_SEARCH"
_MANIFEST_HEAD = f"window.{REGISTRY}={{manifest:"
_MANIFEST_TAIL = ",terms:{},docs:{},passages:{}};\n"

DEFAULTS = {
    "shard_bytes": 48_000,  # target raw size of one term shard
    "doc_shard_size": 25,  # documents per document-store shard
    "prefix_min": 3,  # shortest word that is also matched as a prefix
    # A word in at least this many articles has its whole-word results
    # computed at build time (see "Common words" above): stored results are
    # smaller than the postings they replace, and read, not searched.
    "common_docs": 100,
    # A word whose prefix clause matches at least this many articles in the
    # prefix fields of a shard has that clause's results stored too.
    "common_prefix_docs": 100,
    "prefix_max_shards": 8,  # skip prefix matching that would load more
    "snippet_chars": 1500,  # body text kept per document for snippets (cut at a sentence end)
    "passage_shard_size": 5,  # documents per passage shard (loaded only when a summary has no match)
    "lunr_js": None,  # path of lunr.js; None: node_modules/lunr/lunr.js of the repository
    "cache_path": None,  # folder of analyzed-article cache; None: <CACHE_PATH>/search
    # Build the index in a forked process while Pelican writes the pages
    # (where fork exists and there is more than one CPU); False: in the build.
    "parallel": True,
    # Processes that make and write the search files once the index is built
    # (with "parallel"; see write_files): 1 = the index's own process only. Since
    # the index is built on arrays it is done before the pages, and a second
    # writer only took a core from the build (0.25 s of a 1,000-article rebuild).
    "writers": 1,
}

_TOKEN_RE = re.compile(r"[^\W_]+(?:['.][^\W_]+)*")
_STOP = frozenset(STOP_WORDS)
_EXCEPTIONS = frozenset(STEM_EXCEPTIONS)


MISSING_LUNR_JS = "lunr.js not found; run `npm ci` in the repository (or set SEARCH['lunr_js'] to the path of lunr.js 2.3.9)"


# A bad SEARCH value is reported as every plugin's is (archivist.settings).
SearchSettingsError = PluginSettingsError

_POSITIVE = ("shard_bytes", "doc_shard_size", "prefix_min", "prefix_max_shards", "snippet_chars",
             "passage_shard_size", "common_docs", "common_prefix_docs", "writers")


def settings_from(value):
    """The SEARCH setting merged over DEFAULTS (a new dict); unknown keys are an error."""
    return merge_options("SEARCH", value, DEFAULTS, minimums=dict.fromkeys(_POSITIVE, 1), flags=("parallel",))


# -- analysis (twin: search-engine.js) ---------------------------------------

def words(text):
    """Lower-cased words of ``text``: letters and digits, with inner ' and . kept."""
    text = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    return _TOKEN_RE.findall(text)


def strip_possessive(word):
    return word[:-2] if word.endswith("'s") else word


def stem(word):
    """A light plural stemmer (after Harman's S-stemmer): cities -> city, launches -> launch."""
    if len(word) <= 3 or word in _EXCEPTIONS:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def analyze(text):
    """Index terms of ``text``: words without possessive 's and stop words, stemmed."""
    terms = []
    for word in words(text):
        word = strip_possessive(word)
        if word and word not in _STOP:
            # Interned: an archive repeats each term thousands of times.
            terms.append(sys.intern(stem(word)))
    return terms


def plan_query(text, prefix_min=DEFAULTS["prefix_min"]):
    """What to look up for a query: per word its term and, for the last word, its prefix.

    Returns {"words": [{"term": str|None, "prefix": str|None}], "title": str|None}.
    """
    raw = [strip_possessive(word) for word in words(text)]
    raw = [word for word in raw if word]
    planned = []
    for position, word in enumerate(raw):
        last = position == len(raw) - 1
        term = None if word in _STOP else stem(word)
        prefix = word if last and len(word) >= prefix_min else None
        if term or prefix:
            planned.append({"term": term, "prefix": prefix})
    title = " ".join(analyze(text)) or None
    return {"words": planned, "title": title}


# -- documents ----------------------------------------------------------------

def document(url, title, date, date_label, topic, tags, summary, body):
    """One article as the index sees it (plain strings; ``body`` is text, not HTML)."""
    return {
        "url": url, "title": title, "date": date, "dateLabel": date_label,
        "topic": topic, "tags": list(tags), "summary": summary, "body": body,
    }


def order(documents):
    """Newest first, then by URL: the position in this order is the document's ref."""
    return sorted(documents, key=lambda doc: (_neg_date(doc["date"]), doc["url"]))


def _neg_date(iso):
    # Sort descending by an ISO date string while the URL sorts ascending.
    return tuple(-ord(char) for char in iso)


def analyzed_fields(doc):
    """The lunr fields of a document, each a list of analyzed terms."""
    return {
        "title": analyze(doc["title"]),
        "tags": [term for tag in doc["tags"] for term in analyze(tag)],
        "topic": analyze(doc["topic"]),
        "summary": analyze(doc["summary"]),
        "body": analyze(doc["body"]),
        "fulltitle": [" ".join(analyze(doc["title"]))] if analyze(doc["title"]) else [],
    }


def fingerprint(doc):
    """A content hash of what the analyzer reads (the key of the analysis cache)."""
    keyed = {key: doc[key] for key in ("title", "tags", "topic", "summary", "body")}
    return hashlib.sha256(orjson.dumps(keyed, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _configure(builder):
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref(REF)
    for name, boost in FIELDS.items():
        builder.field(name, boost=boost)
    return builder


def build_index(analyzed):
    """A lunr.py index over ``analyzed`` (a list of field dicts; ref = position).

    The pipelines are empty: terms arrive analyzed by :func:`analyze`. This
    is lunr.py's own Builder; :func:`serialized_index` gives the same result
    faster and is what the build uses.
    """
    builder = _configure(Builder())
    for ref, fields in enumerate(analyzed):
        builder.add({REF: str(ref), **fields})
    return builder.build()


# The metadata of every posting, and the posting of a field a term does not
# occur in: none is kept, and one shared empty dict instead of one each saves
# millions of objects at 10,000 articles. Nothing writes into it.
_NO_METADATA = {}


def _counted(terms):
    """(length, {term: count}) of one field as lunr.py's Builder counts it: lower-cased terms in
    first-seen order. Interned: str.lower() makes a new string even of a lower-case term, and
    millions of copies were most of the index's memory. A dict, not the Counter: the analysis
    cache pickles and loads plain dicts two to three times faster (0.4 s of a rebuild at 5,000 articles)."""
    return len(terms), dict(Counter([sys.intern(term.lower()) for term in terms]))


def counted_fields(fields):
    """The fields of :func:`analyzed_fields` as the index builder counts them (what the analysis
    cache keeps: a rebuild then counts the terms of changed articles only)."""
    return {name: _counted(terms) for name, terms in fields.items()}


class _TermListBuilder(Builder):
    """lunr.py's Builder for documents whose fields are lists of analyzed terms.

    Same configuration (ref, fields, boosts, b, k1), same idf and BM25 sums
    in the same order, same serialized form: but no per-token Token copies,
    no per-element vector insertion and no token set (the serialized form
    has none), which make lunr.py's Builder take minutes on 10,000 articles.
    The tests assert output identical to :func:`build_index`.
    """

    def add(self, doc, attributes=None):
        """Add a document whose fields are lists of terms, or (length, counts) from :func:`counted_fields`."""
        doc_ref = str(doc[self._ref])
        self._documents[doc_ref] = attributes or {}
        self.document_count += 1
        for field_name in self._fields:
            value = doc[field_name]
            length, frequencies = value if type(value) is tuple else _counted(value)
            field_ref = f"{field_name}/{doc_ref}"
            self.field_term_frequencies[field_ref] = frequencies
            self.field_lengths[field_ref] = length
            for term in frequencies:
                posting = self.inverted_index.get(term)
                if posting is None:
                    posting = {"_index": self.term_index}  # fields added as they occur
                    self.term_index += 1
                    self.inverted_index[term] = posting
                field_posting = posting.get(field_name)
                if field_posting is None:
                    field_posting = posting[field_name] = {}
                field_posting[doc_ref] = _NO_METADATA

    def complete_postings(self):
        """Give every posting all fields, as lunr expects: one shared empty dict for the
        fields a term never occurs in (most terms occur in one or two of six)."""
        for posting in self.inverted_index.values():
            for name in self._fields:
                if name not in posting:
                    posting[name] = _NO_METADATA

    def field_vector_pairs(self):
        """(field ref, [(term index, score), ...]) in lunr.py's order, once.

        The term frequencies are dropped as their vectors are made, so that
        the builder and the vectors are never both whole in memory.
        """
        self._calculate_average_field_lengths()
        k1, b, count = self._k1, self._b, self.document_count
        k1_plus_1 = k1 + 1
        index_of = {term: posting["_index"] for term, posting in self.inverted_index.items()}
        idf_of = {term: Idf(posting, count) for term, posting in self.inverted_index.items()}
        pending = list(self.field_term_frequencies.items())
        self.field_term_frequencies.clear()
        for position, (field_ref, frequencies) in enumerate(pending):
            pending[position] = None
            if not frequencies:
                # lunr divides by the average length for each term only: a field that is empty
                # in every document (no article has tags) has an average of 0 and no terms.
                yield field_ref, []
                continue
            field_name, doc_ref = field_ref.split("/", 1)
            length_ratio = self.field_lengths[field_ref] / self.average_field_length[field_name]
            # lunr's k1 * (1 - b + b * length / average length): one float per field, not per term.
            saturation = k1 * (1 - b + b * length_ratio)
            field_boost = self._fields[field_name].boost
            doc_boost = self._documents[doc_ref].get("boost", 1)
            # lunr's arithmetic in lunr's order: idf * ((k1 + 1) * tf) / (saturation + tf),
            # times the field boost, times the document boost.
            pairs = [(index_of[term], round(idf_of[term] * (k1_plus_1 * tf) / (saturation + tf)
                                            * field_boost * doc_boost, 3))
                     for term, tf in frequencies.items()]
            pairs.sort()
            yield field_ref, pairs

    def field_vectors(self):
        """(field ref, [term index, score, ...]): lunr's serialized field vectors."""
        for field_ref, pairs in self.field_vector_pairs():
            yield field_ref, [value for pair in pairs for value in pair]

    def serialize(self):
        return {
            "version": LUNR_VERSION,
            "fields": list(self._fields),
            "fieldVectors": [[field_ref, elements] for field_ref, elements in self.field_vectors()],
            "invertedIndex": [[term, self.inverted_index[term]] for term in sorted(self.inverted_index)],
            "pipeline": self.search_pipeline.serialize(),
        }


def _term_list_builder(analyzed):
    builder = _configure(_TermListBuilder())
    for ref, fields in enumerate(analyzed):
        builder.add({REF: str(ref), **fields})
    builder.complete_postings()
    return builder


def serialized_index(analyzed):
    """The serialized lunr index of ``analyzed``: ``build_index(analyzed).serialize()``, fast."""
    return _term_list_builder(analyzed).serialize()


def sharded_index(analyzed, shard_bytes, common_docs=None, prefixes=None):
    """``partition(serialized_index(analyzed), shard_bytes, common_docs, prefixes)``, without
    the whole index in memory.

    Returns (firsts, shards) with shards an iterator: the field vectors go
    straight into their shards as they are made, and each shard becomes a
    serialized index only when it is asked for.
    """
    firsts, makers = _sharded_makers(analyzed, shard_bytes, common_docs, prefixes)
    return firsts, (make() for make in makers)


def _sharded_makers(analyzed, shard_bytes, common_docs=None, prefixes=None):
    return _array_shard_makers(analyzed, shard_bytes, common_docs, prefixes)


def _reference_sharded_makers(analyzed, shard_bytes, common_docs=None, prefixes=None):
    """What :func:`_array_shard_makers` computes, from :class:`_TermListBuilder`'s dicts (the tests'
    reference: slower, and its code reads as lunr's)."""
    builder = _term_list_builder(analyzed)
    head = {"version": LUNR_VERSION, "fields": list(builder._fields), "pipeline": builder.search_pipeline.serialize()}
    return _shard_makers(head, builder.inverted_index.items(), builder.field_vector_pairs(), shard_bytes,
                         common_docs, prefixes)


# -- sharding ------------------------------------------------------------------

def js_order(term):
    """Sort key matching JavaScript's string order (UTF-16 code units)."""
    return term.encode("utf-16-be")


def _posting_size(posting):
    size = 0
    for field, refs in posting.items():
        if field != "_index":
            # The posting entry plus the field vector entry of each document.
            size += 2 * sum(map(len, refs)) + (len(field) + 20) * len(refs)
    return size + 16


def partition(serialized, shard_bytes, common_docs=None, prefixes=None):
    """Cut a serialized lunr index into term shards of about ``shard_bytes``.

    Returns (firsts, shards): the first term of each shard in JavaScript
    string order, and each shard as ``{"index": a serialized lunr index of its
    own, "exact": {common word: [refs, scores]}, "prefixes": {common prefix:
    [expanded terms, refs, sums], or the word whose results it shares}}``; a word is common when it occurs in the
    word fields of at least ``common_docs`` documents (None: no word is); a
    prefix as :class:`PrefixRule` ``prefixes`` says (None: no prefix is).
    """
    head = {key: serialized[key] for key in ("version", "fields", "pipeline")}
    pairs = ((ref, list(zip(elements[0::2], elements[1::2]))) for ref, elements in serialized["fieldVectors"])
    firsts, shards = _shards(head, serialized["invertedIndex"], pairs, shard_bytes, common_docs, prefixes)
    return firsts, list(shards)


def _word_docs(posting):
    """The refs of the documents whose word fields hold the term of ``posting``."""
    docs = set()
    for field in WORD_FIELDS:
        docs.update(posting.get(field, ()))
    return docs


# When the prefix clause of a word has its results stored (see "Common
# prefixes" above): it matches at least ``docs`` documents in the prefix
# fields of one shard, the word is at least ``min_length`` long (shorter ones
# are never searched as prefixes) and its prefix needs at most ``max_shards``.
PrefixRule = namedtuple("PrefixRule", "docs min_length max_shards")


def prefix_rule(options):
    """The PrefixRule of the SEARCH options."""
    return PrefixRule(options["common_prefix_docs"], options["prefix_min"], options["prefix_max_shards"])


def _common_prefixes(groups, firsts, rule):
    """The prefix clauses to store: ({(shard, word): expanded terms}, {term index: [(shard, word)]},
    {(shard, word): another word of the shard with the same expansion}).

    Candidates are the words of the index (a query's last word is usually a
    whole word), each in every shard its prefix range covers. A word's
    expansion in a shard is the run of the shard's terms starting with it
    (terms are in JavaScript order, so the run is contiguous), exactly the
    terms lunr's wildcard query finds in that shard's token set. Words with
    the same expansion ("par" and "part" when no other term of the shard
    starts with "par") have the same results, stored once.
    """
    posting_at = {posting["_index"]: posting for group in groups for _, posting in group}

    def postings_of(number):
        return sum(len(posting_at[number].get(field, ())) for field in PREFIX_FIELDS)

    def documents_of(numbers):
        return len(set().union(*(posting_at[number].get(field, ()) for number in numbers for field in PREFIX_FIELDS)))

    numbered = [[(term, posting["_index"]) for term, posting in group] for group in groups]
    vocabulary = {term for group in groups for term, _ in group}
    expansions, aliases = _prefix_clauses(numbered, firsts, rule, vocabulary, postings_of, documents_of)
    selected, members = {}, {}
    for key, numbers in expansions.items():
        selected[key] = len(numbers)
        for number in numbers:
            members.setdefault(number, []).append(key)
    return selected, members, aliases


def _shards(head, postings, field_vectors, shard_bytes, common_docs=None, prefixes=None):
    """(firsts, iterator of shards) from (term, posting) pairs and (field ref, [(term index,
    score), ...]) vectors."""
    firsts, makers = _shard_makers(head, postings, field_vectors, shard_bytes, common_docs, prefixes)
    return firsts, (make() for make in makers)


def _shard_makers(head, postings, field_vectors, shard_bytes, common_docs=None, prefixes=None):
    """(firsts, [function making shard n]) for :func:`_shards`; each function is called once."""
    postings = sorted(postings, key=lambda pair: js_order(pair[0]))
    common = {}  # term index -> {doc ref: whole-word score}
    groups, current, size = [], [], 0
    for term, posting in postings:
        documents = len(_word_docs(posting)) if common_docs is not None else 0
        if common_docs is not None and documents >= common_docs:
            common[posting["_index"]] = {}
            # Body postings are left out; each document costs an exact result.
            cost = len(term) + _posting_size({**posting, "body": ()}) + 14 * documents
        else:
            cost = len(term) + _posting_size(posting)
        if current and size + cost > shard_bytes:
            groups.append(current)
            current, size = [], 0
        current.append((term, posting))
        size += cost
    if current:
        groups.append(current)

    firsts = [group[0][0] for group in groups]
    shard_of = [0] * len(postings)
    for number, group in enumerate(groups):
        for _, posting in group:
            shard_of[posting["_index"]] = number
    expanded, members, aliases = _common_prefixes(groups, firsts, prefixes) if prefixes and groups else ({}, {}, {})
    prefix_sums = {key: {} for key in expanded}  # (shard, word) -> {doc ref: sum of vector entries}
    prefix_fields = frozenset(PREFIX_FIELDS) if members else frozenset()
    # By term index, as lists: the loop below runs once per vector entry.
    common_at = [None] * len(postings)
    for term_index, scores in common.items():
        common_at[term_index] = scores
    sums_at = [()] * len(postings)
    for term_index, keys in members.items():
        sums_at[term_index] = [prefix_sums[key] for key in keys]
    vectors = [{} for _ in groups]
    word_fields = frozenset(WORD_FIELDS)
    for field_ref, pairs in field_vectors:
        field, doc_ref = field_ref.split("/", 1)
        in_prefixes = field in prefix_fields
        in_words = bool(common) and field in word_fields
        in_body = field == "body"
        for term_index, score in pairs:
            if in_prefixes:
                # lunr.js scores a wildcard clause per field as dot(query, field
                # vector) / |query|: every expanded term weighs 1 in the query.
                for sums in sums_at[term_index]:
                    sums[doc_ref] = sums.get(doc_ref, 0.0) + score
            if in_words:
                exact = common_at[term_index]
                if exact is not None:
                    # Summed as lunr.js sums a document's fields: in field order
                    # (the builder makes a document's vectors in that order).
                    exact[doc_ref] = exact.get(doc_ref, 0.0) + score
                    if in_body:
                        continue
            bucket = vectors[shard_of[term_index]]
            entry = bucket.get(field_ref)
            if entry is None:
                entry = bucket[field_ref] = []
            entry += (term_index, score)

    def shard(number):
        group = groups[number]
        packed, vectors[number] = vectors[number], None
        exact_results = {}
        inverted = []
        for term, posting in group:
            scores = common.pop(posting["_index"], None)
            if scores is None:
                inverted.append([term, posting])
                continue
            inverted.append([term, {**posting, "body": _NO_METADATA}])
            ranked = sorted([(int(ref), score) for ref, score in scores.items()])  # refs are unique
            exact_results[term] = [[ref for ref, _ in ranked], [round(score, 3) for _, score in ranked]]
        prefix_results = {}
        for word in words_of.get(number, ()):
            sums = prefix_sums.pop((number, word))
            ranked = sorted([(int(ref), total) for ref, total in sums.items()])
            prefix_results[word] = [expanded[(number, word)], [ref for ref, _ in ranked],
                                    [round(total, 3) for _, total in ranked]]
        for word in aliases_of.get(number, ()):
            prefix_results[word] = aliases[(number, word)]
        return {
            "index": {
                "version": head["version"],
                "fields": head["fields"],
                "fieldVectors": [[ref, packed[ref]] for ref in sorted(packed)],
                "invertedIndex": sorted(inverted),
                "pipeline": head["pipeline"],
            },
            "exact": exact_results,
            "prefixes": prefix_results,
        }

    words_of, aliases_of = {}, {}  # shard -> its words with stored prefix results, its aliases
    for number, word in expanded:
        words_of.setdefault(number, []).append(word)
    for number, word in aliases:
        aliases_of.setdefault(number, []).append(word)
    # Each shard is made from its own part of the vectors: the shards can be
    # made in any order, or some of them in another process.
    return firsts, [functools.partial(shard, number) for number in range(len(groups))]


def shard_for(term, firsts):
    """The number of the shard whose range holds ``term``."""
    keys = [js_order(first) for first in firsts]
    return max(bisect_right(keys, js_order(term)) - 1, 0)


def shard_range(prefix, firsts):
    """The numbers of the shards that may hold terms starting with ``prefix``."""
    return _shard_range(prefix, firsts, [js_order(first) for first in firsts])


def _shard_range(prefix, firsts, keys):
    low = max(bisect_right(keys, js_order(prefix)) - 1, 0)
    high = low
    while high + 1 < len(firsts) and firsts[high + 1].startswith(prefix):
        high += 1
    return list(range(low, high + 1))


# -- the index on arrays --------------------------------------------------------------
#
# What the build runs: the shards of :func:`_reference_sharded_makers`, computed on
# flat numpy arrays holding one element per posting, a (document, field, term)
# triple, instead of millions of dicts and tuples (the tests compare the two on
# random archives, and the reference with lunr.py's own Builder). Three rules keep
# every byte the same:
# - float arithmetic is elementwise +, -, *, / (IEEE-rounded, as Python's) in the
#   order of the reference code; logarithms are Python's (numpy's may differ in the
#   last bit);
# - round(x, 3) is Python's (:func:`_rounded`);
# - scores are summed one by one in the order the reference code adds them
#   (:func:`_ordered_sums`).
# Orders are argsorts of one int64 key made of several numbers (term, field ref, shard,
# ...): far from overflowing even at a million articles.

# _NUMPY: the functions below import numpy themselves: importing it takes 0.2 s,
# which every build paid at start, a build that is up to date or whose index is
# made in a forked process (which imports it there) as well.

_FIELD_NAMES = list(FIELDS)
_FIELD_COUNT = len(FIELDS)
_FIELD_NUMBER = {name: number for number, name in enumerate(FIELDS)}
_BODY_FIELD = _FIELD_NUMBER["body"]


def _postings(analyzed):
    """(terms, term, frequency, field_ref, lengths): the postings of ``analyzed``, an array
    element each, in lunr.py's order (documents by ref, fields in FIELDS order, terms as counted).

    ``terms`` are the distinct terms in the order of their first posting, so a term's number
    is its ``_index`` in lunr's index; ``term`` and ``frequency`` are each posting's term
    number and count, ``field_ref`` the number of its field ref, ``document * len(FIELDS) +
    field``, which indexes ``lengths``, the number of terms in each field ref.
    """
    import numpy as np  # see _NUMPY
    terms, frequencies, sizes, lengths = [], [], [], []
    for fields in analyzed:
        for name in FIELDS:
            value = fields[name]
            length, counts = value if type(value) is tuple else _counted(value)
            lengths.append(length)
            sizes.append(len(counts))
            terms += counts
            frequencies += counts.values()
    vocabulary = list(dict.fromkeys(terms))
    number_of = {term: number for number, term in enumerate(vocabulary)}
    term = np.array(list(map(number_of.__getitem__, terms)), dtype=np.int64)
    del terms, number_of
    frequency = np.array(frequencies, dtype=np.float64)
    del frequencies
    field_ref = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    return vocabulary, term, frequency, field_ref, np.array(lengths, dtype=np.int64)


def _bm25_scores(builder, term, frequency, field_ref, lengths, term_count):
    """The score of each posting, its element in its field vector, as the reference builder computes it."""
    import numpy as np  # see _NUMPY
    document_count = len(lengths) // _FIELD_COUNT
    # lunr's average field length: a Python int, the field's total length, over the number of documents.
    averages = [int(total) / document_count for total in lengths.reshape(document_count, _FIELD_COUNT).sum(axis=0)]
    # A field empty in every document has an average of 0 and no postings to score.
    with np.errstate(divide="ignore", invalid="ignore"):
        length_ratio = lengths / np.tile(averages, document_count)
    k1, b = builder._k1, builder._b
    saturation = k1 * (1 - b + b * length_ratio)
    # lunr's idf (lunr.idf) of each term's number of (field, document) postings: few distinct counts.
    postings_of = np.bincount(term, minlength=term_count).tolist()
    idf_of_count = {count: math.log(1 + abs((document_count - count + 0.5) / (count + 0.5)))
                    for count in set(postings_of)}
    idf = np.array([idf_of_count[count] for count in postings_of], dtype=np.float64)
    boost = np.array([field.boost for field in builder._fields.values()], dtype=np.float64)
    # The reference's expression, left to right; no document has a boost (lunr's default, 1).
    score = idf[term] * ((k1 + 1) * frequency) / (saturation[field_ref] + frequency)
    score *= boost[field_ref % _FIELD_COUNT]
    return _rounded(score)


def _rounded(values):
    """``round(value, 3)`` of each of ``values`` (a float64 array), as Python rounds.

    numpy rounds ``value * 1000``, a float, to an integer k and divides: k / 1000 is the
    float nearest the decimal k/1000, as Python's result is. But Python rounds the exact
    value, and the product can round across a half (numpy gives 0.002 for 0.0025, whose
    exact value is a little above): where the product lies within its rounding error of
    a half, the value is rounded again by Python.
    """
    import numpy as np  # see _NUMPY
    scaled = values * 1000.0
    rounded = np.rint(scaled) / 1000.0
    fraction = scaled - np.floor(scaled)
    doubtful = np.flatnonzero(np.abs(fraction - 0.5) <= 1e-9 + 2 * np.spacing(scaled))
    for position in doubtful.tolist():
        rounded[position] = round(float(values[position]), 3)
    return rounded


def _ordered_sums(values, starts):
    """The sum of each run of ``values`` (run i from ``starts[i]`` to the next start), added
    one by one from 0.0 in array order, as the reference code adds a document's scores:
    the order of float additions decides the last bits."""
    import numpy as np  # see _NUMPY
    sizes = np.diff(np.append(starts, len(values)))
    sums = np.zeros(len(starts), dtype=np.float64)
    for offset in range(int(sizes.max(initial=0))):
        longer = np.flatnonzero(sizes > offset)
        sums[longer] += values[starts[longer] + offset]
    return sums


def _run_starts(keys):
    """Where each run of equal neighbours in ``keys`` starts."""
    import numpy as np  # see _NUMPY
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


def _term_groups(vocabulary, document_count, term, document, field, by_term, shard_bytes, common_docs):
    """(groups, common): the terms of each shard, as (term, number) pairs in JavaScript order,
    packed as :func:`_shard_makers` packs them; whether each term is a common word."""
    import numpy as np  # see _NUMPY
    term_count = len(vocabulary)
    # _posting_size of each term's posting: a sum over its postings (bincount's float sums
    # of integers are exact).
    ref_chars = np.array([len(str(number)) for number in range(document_count)], dtype=np.int64)
    field_chars = np.array([len(name) for name in FIELDS], dtype=np.int64)
    posting_cost = 2 * ref_chars[document] + field_chars[field] + 20
    cost = (np.bincount(term, weights=posting_cost, minlength=term_count).astype(np.int64) + 16).tolist()
    in_body = field == _BODY_FIELD
    body_cost = np.bincount(term[in_body], weights=posting_cost[in_body], minlength=term_count)
    body_cost = body_cost.astype(np.int64).tolist()
    del posting_cost, in_body
    if common_docs is not None:
        in_word_fields = np.isin(field, [_FIELD_NUMBER[name] for name in WORD_FIELDS])
        word_postings = by_term[in_word_fields[by_term]]
        pair_starts = _run_starts(term[word_postings] * document_count + document[word_postings])
        word_docs = np.bincount(term[word_postings[pair_starts]], minlength=term_count).tolist()
        del in_word_fields, word_postings, pair_starts
    js_keys = [js_order(text) for text in vocabulary]
    common = [False] * term_count
    groups, current, size = [], [], 0
    for number in sorted(range(term_count), key=js_keys.__getitem__):
        text = vocabulary[number]
        if common_docs is not None and word_docs[number] >= common_docs:
            common[number] = True
            # Body postings are left out; each document costs an exact result.
            term_cost = len(text) + cost[number] - body_cost[number] + 14 * word_docs[number]
        else:
            term_cost = len(text) + cost[number]
        if current and size + term_cost > shard_bytes:
            groups.append(current)
            current, size = [], 0
        current.append((text, number))
        size += term_cost
    if current:
        groups.append(current)
    return groups, np.array(common, dtype=bool)


def _exact_sums(common, document_count, by_term, term, document, field, score):
    """(docs, sums, bounds): the whole-word results of the common words; term n's are
    ``docs[bounds[n]:bounds[n + 1]]`` and the sums of their scores in the word fields,
    added in field order as lunr.js adds a document's fields, rounded."""
    import numpy as np  # see _NUMPY
    in_word_fields = np.isin(field, [_FIELD_NUMBER[name] for name in WORD_FIELDS])
    chosen = by_term[common[term[by_term]] & in_word_fields[by_term]]  # by term, document, field
    starts = _run_starts(term[chosen] * document_count + document[chosen])
    sums = _rounded(_ordered_sums(score[chosen], starts))
    return document[chosen[starts]], sums, np.searchsorted(term[chosen[starts]], np.arange(len(common) + 1))


def _prefix_clauses(groups, firsts, rule, vocabulary, postings_of, documents_of):
    """The rule of :func:`_common_prefixes` on term numbers, for the dict builder and the arrays:
    ({(shard, word): the term numbers of its expansion}, {(shard, word): the word of the shard with
    the same expansion}); ``groups`` hold (term, term number) pairs.

    ``postings_of(n)`` is the number of (prefix field, document) postings of term n,
    ``documents_of(numbers)`` the number of documents holding any of those terms in a prefix field.
    """
    keys = [js_order(first) for first in firsts]
    selected, aliases = {}, {}
    for number, group in enumerate(groups):
        terms = [term for term, _ in group]
        first = terms[0]
        # Words of earlier shards whose prefix range reaches into this one.
        candidates = [(first[:length], 0) for length in range(rule.min_length, len(first))
                      if first[:length] in vocabulary]
        candidates += [(term, position) for position, term in enumerate(terms) if len(term) >= rule.min_length]
        stored = {}  # (start, end) -> the word stored with that expansion
        for word, start in candidates:
            end = start
            while end < len(terms) and terms[end].startswith(word):
                end += 1
            if (start, end) in stored:
                aliases[(number, word)] = stored[(start, end)]
                continue
            expansion = [term_number for _, term_number in group[start:end]]
            if sum(map(postings_of, expansion)) < rule.docs:
                continue  # not even counting each document once per field
            if documents_of(expansion) < rule.docs or len(_shard_range(word, firsts, keys)) > rule.max_shards:
                continue
            selected[(number, word)] = expansion
            stored[(start, end)] = word
    return selected, aliases


def _stored_prefix_sums(groups, firsts, rule, vocabulary, document_count, by_term, term, document, field, score):
    """(selected, aliases, docs, sums, bounds): the prefix clauses to store (see
    :func:`_prefix_clauses`) and their results; the i-th selected clause's are
    ``docs[bounds[i]:bounds[i + 1]]`` and the sums of their scores in the expansion's
    terms and the prefix fields, added as the reference adds them (by field, then by
    term number), rounded."""
    import numpy as np  # see _NUMPY
    in_prefix_fields = np.isin(field, [_FIELD_NUMBER[name] for name in PREFIX_FIELDS])
    prefix_postings = by_term[in_prefix_fields[by_term]]  # by term, then document
    term_bounds = np.searchsorted(term[prefix_postings], np.arange(len(vocabulary) + 1))

    def documents_of(numbers):
        found = [document[prefix_postings[term_bounds[number]:term_bounds[number + 1]]] for number in numbers]
        return len(np.unique(np.concatenate(found)))

    postings_of = np.diff(term_bounds).tolist()
    selected, aliases = _prefix_clauses(groups, firsts, rule, set(vocabulary), postings_of.__getitem__, documents_of)
    # Every (clause, posting of one of its terms in a prefix field), in the order of the sums.
    clause_terms = np.array([number for numbers in selected.values() for number in numbers], dtype=np.int64)
    counts = term_bounds[clause_terms + 1] - term_bounds[clause_terms]
    ends = np.cumsum(counts)
    within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)
    members = prefix_postings[np.repeat(term_bounds[clause_terms], counts) + within]
    clause = np.repeat(np.repeat(np.arange(len(selected)), [len(numbers) for numbers in selected.values()]), counts)
    term_count = len(vocabulary)
    in_order = np.argsort(((clause * document_count + document[members]) * _FIELD_COUNT + field[members])
                          * term_count + term[members])
    members, clause = members[in_order], clause[in_order]
    starts = _run_starts(clause * document_count + document[members])
    sums = _rounded(_ordered_sums(score[members], starts))
    bounds = np.searchsorted(clause[starts], np.arange(len(selected) + 1))
    return selected, aliases, document[members[starts]], sums, bounds


def _array_shard_makers(analyzed, shard_bytes, common_docs=None, prefixes=None):
    """(firsts, [function making shard n]): what :func:`_reference_sharded_makers` returns,
    computed on arrays. Each function is called once, maybe in a forked process, which
    shares the arrays rather than copying them."""
    import numpy as np  # see _NUMPY
    builder = _configure(Builder())
    head = {"version": LUNR_VERSION, "fields": list(builder._fields), "pipeline": builder.search_pipeline.serialize()}
    vocabulary, term, frequency, field_ref, lengths = _postings(analyzed)
    term_count, ref_count = len(vocabulary), len(lengths)
    document_count = ref_count // _FIELD_COUNT
    score = _bm25_scores(builder, term, frequency, field_ref, lengths, term_count)
    del frequency, lengths
    document, field = np.divmod(field_ref, _FIELD_COUNT)
    by_term = np.argsort(term * ref_count + field_ref)  # the postings by term, then document, then field
    groups, common = _term_groups(vocabulary, document_count, term, document, field, by_term, shard_bytes, common_docs)
    firsts = [group[0][0] for group in groups]
    shard_of = np.zeros(term_count, dtype=np.int64)
    for number, group in enumerate(groups):
        shard_of[[term_number for _, term_number in group]] = number
    exact_docs, exact_sums, exact_bounds = _exact_sums(common, document_count, by_term, term, document, field, score)
    if prefixes and groups:
        selected, aliases, prefix_docs, prefix_sums, prefix_bounds = _stored_prefix_sums(
            groups, firsts, prefixes, vocabulary, document_count, by_term, term, document, field, score)
    else:
        selected, aliases = {}, {}
    del by_term

    # Each shard's lunr index: the postings and vector elements of its terms, less the body
    # ones of common words; vectors by field ref in string order, postings by term.
    kept = np.flatnonzero(~(common[term] & (field == _BODY_FIELD)))
    ref_names = [f"{name}/{number}" for number in range(document_count) for name in FIELDS]
    ref_rank = np.empty(ref_count, dtype=np.int64)
    ref_rank[sorted(range(ref_count), key=ref_names.__getitem__)] = np.arange(ref_count)
    in_vectors = kept[np.argsort((shard_of[term[kept]] * ref_count + ref_rank[field_ref[kept]]) * term_count
                                 + term[kept])]
    del ref_rank
    vector_term, vector_score, vector_ref = term[in_vectors], score[in_vectors], field_ref[in_vectors]
    vector_bounds = np.searchsorted(shard_of[vector_term], np.arange(len(groups) + 1)).tolist()
    del in_vectors
    in_postings = kept[np.argsort((shard_of[term[kept]] * term_count + term[kept]) * ref_count
                                  + field[kept] * document_count + document[kept])]
    posting_term, posting_field, posting_doc = term[in_postings], field[in_postings], document[in_postings]
    posting_bounds = np.searchsorted(shard_of[posting_term], np.arange(len(groups) + 1)).tolist()
    del in_postings, kept, term, score, field_ref, document, field
    doc_refs = np.array([str(number) for number in range(document_count)], dtype=object)
    clauses_of, aliases_of = {}, {}  # shard -> [(word, position in selected)], [its aliases]
    for position, (number, word) in enumerate(selected):
        clauses_of.setdefault(number, []).append((word, position))
    for number, word in aliases:
        aliases_of.setdefault(number, []).append(word)

    def shard(number):
        low, high = vector_bounds[number], vector_bounds[number + 1]
        elements = [None] * (2 * (high - low))
        elements[0::2] = vector_term[low:high].tolist()
        elements[1::2] = vector_score[low:high].tolist()
        refs = vector_ref[low:high]
        starts = _run_starts(refs)
        bounds = (2 * np.append(starts, high - low)).tolist()
        # map and zip, not a loop in Python: a shard has a vector for each of thousands of field refs.
        field_vectors = list(map(list, zip(map(ref_names.__getitem__, refs[starts].tolist()),
                                           map(elements.__getitem__, map(slice, bounds, bounds[1:])))))

        postings = {term_number: {"_index": term_number} for _, term_number in groups[number]}
        low, high = posting_bounds[number], posting_bounds[number + 1]
        terms, fields = posting_term[low:high], posting_field[low:high]
        refs = doc_refs[posting_doc[low:high]].tolist()
        starts = _run_starts(terms * _FIELD_COUNT + fields).tolist()
        for term_number, field_number, start, end in zip(terms[starts].tolist(), fields[starts].tolist(),
                                                          starts, starts[1:] + [high - low]):
            postings[term_number][_FIELD_NAMES[field_number]] = dict.fromkeys(refs[start:end], _NO_METADATA)
        inverted, exact_results = [], {}
        for text, term_number in sorted(groups[number]):
            posting = postings[term_number]
            for name in FIELDS:
                posting.setdefault(name, _NO_METADATA)
            inverted.append([text, posting])
            if common[term_number]:
                low, high = exact_bounds[term_number], exact_bounds[term_number + 1]
                exact_results[text] = [exact_docs[low:high].tolist(), exact_sums[low:high].tolist()]
        prefix_results = {}
        for word, position in clauses_of.get(number, ()):
            low, high = prefix_bounds[position], prefix_bounds[position + 1]
            prefix_results[word] = [len(selected[(number, word)]), prefix_docs[low:high].tolist(),
                                    prefix_sums[low:high].tolist()]
        for word in aliases_of.get(number, ()):
            prefix_results[word] = aliases[(number, word)]
        return {
            "index": {
                "version": head["version"],
                "fields": head["fields"],
                "fieldVectors": field_vectors,
                "invertedIndex": inverted,
                "pipeline": head["pipeline"],
            },
            "exact": exact_results,
            "prefixes": prefix_results,
        }

    return firsts, [functools.partial(shard, number) for number in range(len(groups))]


def doc_entries(documents):
    """The document store: what a result shows, per document, in ref order."""
    keys = ("url", "title", "date", "dateLabel", "topic", "summary")
    return [{key: doc[key] for key in keys} for doc in documents]


_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")


def excerpt(body, chars):
    """The start of ``body`` kept for snippets: at most ``chars`` characters.

    Cut after the last sentence end that fits, or at the last space when
    that sentence end comes before half of ``chars`` (a long first sentence).
    """
    if len(body) <= chars:
        return body
    head = body[:chars + 1]
    cut = max((match.end() for match in _SENTENCE_END.finditer(head)), default=0)
    if cut < chars // 2:
        cut = head.rfind(" ")
        if cut <= 0:
            cut = chars
    return body[:cut].rstrip()


def passages(documents, chars):
    """The body excerpt of each document (see :func:`excerpt`), in ref order."""
    return [excerpt(doc["body"], chars) for doc in documents]


def facets(documents, topics):
    """Topic of each document (index into ``topics``) and [year, first ref, last ref] ranges."""
    positions = {topic: number for number, topic in enumerate(topics)}
    doc_topics = [positions[doc["topic"]] for doc in documents]
    years = []
    for ref, doc in enumerate(documents):
        year = int(doc["date"][:4])
        if years and years[-1][0] == year:
            years[-1][2] = ref
        else:
            years.append([year, ref, ref])
    return doc_topics, years


def manifest(firsts, documents, topics, options):
    """Everything the browser loads before the first search (see the module docstring)."""
    doc_topics, years = facets(documents, topics)
    return {
        "version": LUNR_VERSION,
        "ref": REF,
        "fields": list(FIELDS),
        "wordFields": WORD_FIELDS,
        "prefixFields": PREFIX_FIELDS,
        "titleField": TITLE_FIELD,
        "query": {**QUERY, "prefixMin": options["prefix_min"],
                  "prefixMaxShards": options["prefix_max_shards"]},
        "analysis": {"stopWords": STOP_WORDS, "stemExceptions": STEM_EXCEPTIONS},
        "termShards": firsts,
        "docShardSize": options["doc_shard_size"],
        "passageShardSize": options["passage_shard_size"],
        "docCount": len(documents),
        "topics": topics,
        "docTopics": doc_topics,
        "years": years,
    }


def _json(value):
    """Compact JSON with sorted keys (orjson: the shards of 5,000 articles took Python's json
    three seconds of every build)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def dumps(value):
    """Deterministic compact JSON that is also a valid JavaScript expression."""
    return _json(value).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# JSON text inside a single-quoted JavaScript string: V8 parses a large JSON
# string with JSON.parse about twice as fast as the same object literal,
# and shards are parsed while a reader waits for results.
_JS_STRING_ESCAPED = re.compile(r"\\(\\|'|u2028|u2029)")
_JS_STRING_UNESCAPES = {"\\": "\\", "'": "'", "u2028": "\u2028", "u2029": "\u2029"}


def js_assign(target, value):
    """``ARCHIVE_SEARCH.<target>=JSON.parse('<value as JSON>');``"""
    text = _json(value)
    # str.replace, not a regular expression: six times faster on a shard's text.
    # Backslashes first: the escapes after them bring their own.
    literal = text.replace("\\", "\\\\").replace("'", "\\'").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{REGISTRY}.{target}=JSON.parse('{literal}');\n"


def js_assigned(text):
    """The value of a file written by :func:`js_assign`."""
    literal = text[text.index("=JSON.parse('") + len("=JSON.parse('"):text.rindex("');")]
    return json.loads(_JS_STRING_ESCAPED.sub(lambda match: _JS_STRING_UNESCAPES[match.group(1)], literal))


def _chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def search_files(documents, topics, options, analyzed=None):
    """All generated search files: {relative path: text}. ``documents`` must be in ref order."""
    return {relative: make() for relative, make in search_file_makers(documents, topics, options, analyzed)}


def search_file_makers(documents, topics, options, analyzed=None):
    """(relative path, function making its text) of each search file, in order.

    Each text is made when its function is called (once), so that a large
    archive's index is never all in memory as text, and the files can be
    shared between processes (:func:`write_files`).
    """
    if analyzed is None:
        analyzed = [analyzed_fields(doc) for doc in documents]
    firsts, shards = _sharded_makers(analyzed, options["shard_bytes"], options["common_docs"], prefix_rule(options))
    head = _MANIFEST_HEAD + dumps(manifest(firsts, documents, topics, options)) + _MANIFEST_TAIL
    files = [("manifest.js", functools.partial(str, head))]
    files += [(f"t/{number}.js", functools.partial(_js_shard, f"terms[{number}]", make))
              for number, make in enumerate(shards)]
    files += [(f"d/{number}.js", functools.partial(js_assign, f"docs[{number}]", chunk))
              for number, chunk in enumerate(_chunks(doc_entries(documents), options["doc_shard_size"]))]
    texts = passages(documents, options["snippet_chars"])
    files += [(f"x/{number}.js", functools.partial(js_assign, f"passages[{number}]", chunk))
              for number, chunk in enumerate(_chunks(texts, options["passage_shard_size"]))]
    return files


def _js_shard(target, make):
    return js_assign(target, make())


# -- the analysis cache ------------------------------------------------------------

def _analysis_rules():
    """A digest of the analyzer's code (this module) and lunr's version: analyses by other code are not used."""
    return build_cache.code_rules(__file__, extra=(LUNR_VERSION,))


def load_cache(path):
    """{fingerprint: analyzed fields} from ``path`` (missing, unreadable, by other code or not a cache: empty)."""
    cache = build_cache.load(path, _analysis_rules())
    return cache if isinstance(cache, dict) else {}


def save_cache(path, cache):
    """Write the analysis cache atomically (a pickle: it loads and saves about four times faster than
    the same JSON, and it is read on every build)."""
    build_cache.save(path, _analysis_rules(), cache)


def _text_rules():
    """A digest of the code that turns HTML into text: cached texts made by other code are not used."""
    return build_cache.code_rules(html_text.__file__)


def load_texts(path):
    """{digest of a body's HTML: its text} from ``path``; empty when missing, damaged or made by other code."""
    texts = build_cache.load(path, _text_rules())
    return texts if isinstance(texts, dict) else {}


def save_texts(path, texts):
    build_cache.save(path, _text_rules(), texts)


def body_texts(htmls, known):
    """The text of each HTML body, reusing ``known`` (see :func:`load_texts`); returns (texts, fresh).

    Turning 5,000 bodies into text took a second of every build; a rebuild
    after an edit now does it for the edited body alone.
    """
    return reused_by_markup(htmls, known, html_to_text)


def analyze_all(documents, cache):
    """Counted fields (:func:`counted_fields`) of each document, reusing ``cache``; returns
    (counted, new cache)."""
    analyzed, fresh = [], {}
    for doc in documents:
        key = fingerprint(doc)
        fields = cache.get(key) or counted_fields(analyzed_fields(doc))
        fresh[key] = fields
        analyzed.append(fields)
    return analyzed, fresh


# -- the reference search (twin: search-engine.js) ---------------------------------

def _lunr_query(index, term, fields, wildcard):
    query = index.create_query(fields)
    query.term(term, use_pipeline=False, wildcard=wildcard, fields=fields, boost=1)
    return index.query(query)


def _word_results(shard, term, fields):
    """The results of a whole word over the word fields: stored when the word is common."""
    exact = shard.exact.get(term)
    if exact is None:
        return _lunr_query(shard.index, term, fields, Query.WILDCARD_NONE)
    return [{"ref": str(ref), "score": score} for ref, score in zip(*exact)]


def _prefix_results(shard, prefix, fields):
    """The results of the prefix clause of ``prefix`` in one shard: stored when it is common."""
    stored = shard.prefixes.get(prefix)
    if isinstance(stored, str):  # the same expansion as another word's
        stored = shard.prefixes[stored]
    if stored is None:
        return _lunr_query(shard.index, prefix, fields, Query.WILDCARD_TRAILING)
    expanded, refs, sums = stored
    norm = math.sqrt(expanded)
    return [{"ref": str(ref), "score": total / norm} for ref, total in zip(refs, sums)]


def search(text, manifest_data, load_shard):
    """Search the sharded index as the browser does; ``load_shard(n)`` returns a :class:`Shard`.

    Returns (refs, mode): refs best first; mode "all" when every word matched,
    "any" when the search fell back to documents with some of the words.
    """
    query = manifest_data["query"]
    firsts = manifest_data["termShards"]
    plan = plan_query(text, query["prefixMin"])
    scores, matched = {}, {}

    def add(results, boost, word):
        for result in results:
            ref = result["ref"]
            scores[ref] = scores.get(ref, 0.0) + boost * result["score"]
            if word is not None:
                matched.setdefault(ref, set()).add(word)

    for number, planned in enumerate(plan["words"]):
        if planned["term"]:
            shard = shard_for(planned["term"], firsts)
            add(_word_results(load_shard(shard), planned["term"], manifest_data["wordFields"]),
                query["exactBoost"], number)
        if planned["prefix"]:
            shards = shard_range(planned["prefix"], firsts)
            if len(shards) <= query["prefixMaxShards"]:
                for shard in shards:
                    add(_prefix_results(load_shard(shard), planned["prefix"], manifest_data["prefixFields"]),
                        query["prefixBoost"], number)
    if plan["title"]:
        shard = shard_for(plan["title"], firsts)
        add(_lunr_query(load_shard(shard).index, plan["title"], [manifest_data["titleField"]],
                        Query.WILDCARD_NONE), query["titleBoost"], None)

    wanted = len(plan["words"])
    every = [ref for ref in scores if len(matched.get(ref, ())) == wanted]
    mode = "all" if every or not scores else "any"
    refs = every if every else list(scores)
    refs.sort(key=lambda ref: (-_round(scores[ref]), int(ref)))
    return refs, mode


def _round(score):
    # Math.round(score * 1e6) / 1e6 in JavaScript.
    return math.floor(score * 1e6 + 0.5) / 1e6


def read_manifest(search_dir):
    """The manifest dict of a built site's search/ folder."""
    text = (Path(search_dir) / "manifest.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix(_MANIFEST_HEAD).removesuffix(_MANIFEST_TAIL))


def read_shard(search_dir, number):
    """Term shard ``number`` of a built site's search/ folder, loaded (see :func:`load_shard`)."""
    return load_shard(js_assigned((Path(search_dir) / "t" / f"{number}.js").read_text(encoding="utf-8")))


class Shard:
    """A loaded term shard: its lunr.py Index and the stored results of its common words and prefixes."""

    def __init__(self, index, exact, prefixes):
        self.index = index
        self.exact = exact
        self.prefixes = prefixes


def load_shard(shard):
    """A :class:`Shard` from a shard as :func:`partition` makes it."""
    return Shard(Index.load(shard["index"]), shard["exact"], shard["prefixes"])


# -- the Pelican adapter ---------------------------------------------------------------

def _articles(generators):
    for generator in generators:
        if hasattr(generator, "articles") and hasattr(generator, "drafts"):
            return list(generator.articles)
    return []


def article_document(article, body=None, summary=None):
    """The index document of a Pelican article (duck-typed: title, url, date, ...); ``body``
    and ``summary``: the text of their HTML if known."""
    return document(
        url=article.url,
        title=article.title,
        # datetime's own strftime: Pelican's SafeDatetime formats in Python, 10x slower.
        date=datetime.date.strftime(article.date, "%Y-%m-%d"),
        date_label=article.locale_date,
        topic=article.category.name,
        tags=[tag.name for tag in getattr(article, "tags", None) or []],
        summary=html_to_text(_summary_html(article)) if summary is None else summary,
        body=html_to_text(article.content) if body is None else body,
    )


def _summary_html(article):
    return getattr(article, "summary", "") or ""


def lunr_js_path(options):
    """The lunr.js to copy into the site; SearchSettingsError says how to get it when it is missing."""
    lunr_js = Path(options["lunr_js"]) if options["lunr_js"] else (
        Path(__file__).resolve().parents[2] / "node_modules" / "lunr" / "lunr.js")
    if not lunr_js.is_file():
        raise SearchSettingsError(f"{lunr_js}: {MISSING_LUNR_JS}")
    return lunr_js


def write_files(output_path, files, lunr_js, writers=1):
    """Write ``files``, (relative path, text or function making it) pairs, under
    ``output_path``/search/ with a copy of ``lunr_js`` (from :func:`lunr_js_path`);
    return the relative paths written.

    A file that already holds the same bytes is left alone: after one edit
    most shards are the same, and rewriting all of them (1,600 files at
    5,000 articles) cost seconds of every rebuild. Shards of an earlier,
    larger build are deleted.

    With ``writers`` > 1 (and fork), forked processes make and write every
    ``writers``-th file each, this process the rest: making the shards' text
    is the last third of the index's time, and by then the build's own
    process is mostly done with the pages and waits, a CPU left idle.
    """
    root = Path(output_path) / DIRECTORY
    files = list(files)
    written = [relative for relative, _ in files]
    helpers = []
    if writers > 1 and len(files) >= WRITERS_MIN_FILES and background.can_fork():
        helpers = [background.start(functools.partial(_write_share, root, files, part, writers),
                                    name="writing the search files") for part in range(1, writers)]
        _write_share(root, files, 0, writers)
    else:
        _write_share(root, files, 0, 1)
    for helper in helpers:
        helper.wait()
    _write_if_changed(root / "lunr.js", lunr_js.read_bytes())
    produced = set(written)
    for folder in ("t", "d", "x"):
        if (root / folder).is_dir():
            for path in sorted((root / folder).iterdir()):
                if f"{folder}/{path.name}" not in produced:
                    path.unlink()
    return written + ["lunr.js"]


# Fewer files than this are written by one process (a fork costs more than it saves).
WRITERS_MIN_FILES = 200


def _write_share(root, files, part, parts):
    """Make and write the files at positions ``part``, ``part + parts``, ..."""
    for position in range(part, len(files), parts):
        relative, text = files[position]
        files[position] = None  # this process's copy: the text's data is not needed again
        _write_if_changed(root / relative, (text() if callable(text) else text).encode("utf-8"))


def _write_if_changed(path, data):
    try:
        stream = open(path, "r+b")
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    with stream:
        if os.fstat(stream.fileno()).st_size == len(data) and stream.read() == data:
            return
        # Overwritten, then cut to length: opening to write first truncates to nothing, and ext4 then
        # flushes the file when it is closed (auto_da_alloc): 0.3 ms a file against 0.06 ms, measured,
        # and after an edit nearly every term shard changes (each score depends on every article).
        stream.seek(0)
        stream.write(data)
        stream.truncate()


def _handed_over(items):
    """Yield the items of a list, removing each from it: the consumer is their last user."""
    for position, item in enumerate(items):
        items[position] = None
        yield item


_running = None  # the index of the build in progress, while it is made in the background


def generate_for_articles(generator):
    """Signal receiver (article_generator_finalized): :func:`generate` for the articles' generator.

    The articles are final once their generator is (the archive checks,
    connected before, have passed them); the index starts there rather than
    after the other generators and the output checks, which at 5,000 articles
    put half a second more before the slowest part of a rebuild.
    """
    generate([generator])


def generate(generators):
    """Index the articles of ``generators``, write search/.

    The index is made in a forked process (``parallel``) while Pelican goes
    on and writes the pages; :func:`finish` waits for it before the build ends.
    """
    global _running
    finish()  # the index of an earlier run in this process (pelican --autoreload)
    if not generators:
        return
    settings = generators[0].settings
    options = settings_from(settings.get("SEARCH"))
    lunr_js = lunr_js_path(options)  # a missing lunr.js is said before any page is written
    _running = background.start(
        lambda: index_articles(generators, settings, options, lunr_js), options["parallel"], "the search index"
    )


def finish(pelican=None):
    """Signal receiver (finalized): wait for the index; its log lines and errors surface here."""
    global _running
    running, _running = _running, None
    if running is not None:
        running.wait()


@contextlib.contextmanager
def cycle_collection_paused():
    """Python's cycle collector off for a while, then as it was.

    The index builder makes millions of lists and dicts and no reference
    cycles (refcounting frees all of them), and the collector walked them
    again and again as they piled up: a third of the index's build time at
    5,000 articles, measured.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def index_articles(generators, settings, options, lunr_js):
    """Index the articles of ``generators`` and write the search files."""
    with cycle_collection_paused():
        _index_articles(generators, settings, options, lunr_js)


def _index_articles(generators, settings, options, lunr_js):
    started = time.perf_counter()
    cache_dir = Path(options["cache_path"] or Path(settings["CACHE_PATH"]) / "search")
    articles = _articles(generators)
    known = load_texts(cache_dir / "texts.pickle")
    # Summaries too: the same HTML to text, a fifth of a second at 5,000 articles.
    texts, fresh = body_texts([article.content for article in articles] + [_summary_html(a) for a in articles],
                              known)
    if fresh.keys() != known.keys():
        save_texts(cache_dir / "texts.pickle", fresh)
    bodies, summaries = texts[:len(articles)], texts[len(articles):]
    documents = order(article_document(article, body, summary)
                      for article, body, summary in zip(articles, bodies, summaries))
    del known, fresh, texts, bodies, summaries
    topics = sorted({*settings.get("ARCHIVE_TOPICS", {}), *(doc["topic"] for doc in documents)})
    cache_file = cache_dir / "analysis.pickle"
    cache = load_cache(cache_file)
    analyzed, fresh = analyze_all(documents, cache)
    reused = len(cache.keys() & fresh.keys())
    if fresh.keys() != cache.keys():  # same keys: the same articles, the same analyses
        save_cache(cache_file, fresh)
    del cache, fresh
    # The builder keeps its own counts of each article's terms: hand the
    # analyzed lists over one by one so that both are never whole at once.
    files = search_file_makers(documents, topics, options, _handed_over(analyzed))
    writers = options["writers"] if options["parallel"] else 1
    written = write_files(settings["OUTPUT_PATH"], files, lunr_js, writers)
    logger.info(
        "Search index: %d articles, %d term shards, %d files in %.2f s (%d analyses cached)",
        len(documents), sum(name.startswith("t/") for name in written), len(written),
        time.perf_counter() - started, reused,
    )
