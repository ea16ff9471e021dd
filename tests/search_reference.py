"""The reference implementations the search plugin's production code is tested against.

- :func:`build_index`: lunr.py's own Builder over analyzed fields;
- :class:`_TermListBuilder`: the same index from dicts, faster, with lunr.py's
  arithmetic in lunr.py's order (tested against :func:`build_index`);
- :func:`partition` and :func:`sharded_makers`: that index cut into term
  shards with the results of common words and prefixes stored, on dicts
  (the array builder in ``plugins/search/shards.py`` must give the same bytes);
- :func:`search`: the browser's search (``search-engine.js``) over the shards,
  with lunr.py answering what is not stored (the agreement test runs both).

None of it runs in a build.
"""

import functools
import json
import math
import sys
from pathlib import Path

from lunr.builder import Builder
from lunr.idf import idf as Idf
from lunr.index import Index
from lunr.query import Query

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from search.analysis import PREFIX_FIELDS, REF, WORD_FIELDS, plan_query  # noqa: E402
from search.documents import count_terms  # noqa: E402
from search.lunr_compat import LUNR_VERSION, configured, index_head  # noqa: E402
from search.output import MANIFEST_HEAD, MANIFEST_TAIL, js_assigned  # noqa: E402, F401 (js_assigned: for the tests)
from search.shards import (  # noqa: E402
    NO_METADATA, js_order, packed, prefix_clauses, shard_data, shard_for, shard_range)


def build_index(analyzed):
    """A lunr.py index over ``analyzed`` (a list of field dicts; ref = position).

    The pipelines are empty: terms arrive analyzed by ``analysis.analyze``. This
    is lunr.py's own Builder; :func:`serialized_index` gives the same result faster.
    """
    builder = configured(Builder())
    for ref, fields in enumerate(analyzed):
        builder.add({REF: str(ref), **fields})
    return builder.build()


class _TermListBuilder(Builder):
    """lunr.py's Builder for documents whose fields are lists of analyzed terms.

    Same configuration (ref, fields, boosts, b, k1), same idf and BM25 sums
    in the same order, same serialized form: but no per-token Token copies,
    no per-element vector insertion and no token set (the serialized form
    has none), which make lunr.py's Builder slow on a large archive.
    The tests assert output identical to :func:`build_index`.
    """

    def add(self, doc, attributes=None):
        """Add a document whose fields are lists of terms, or (length, counts) from :func:`counted_fields`."""
        doc_ref = str(doc[self._ref])
        self._documents[doc_ref] = attributes or {}
        self.document_count += 1
        for field_name in self._fields:
            value = doc[field_name]
            length, frequencies = value if type(value) is tuple else count_terms(value)
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
                field_posting[doc_ref] = NO_METADATA

    def complete_postings(self):
        """Give every posting all fields, as lunr expects: one shared empty dict for the
        fields a term never occurs in (most terms occur in one or two of six)."""
        for posting in self.inverted_index.values():
            for name in self._fields:
                if name not in posting:
                    posting[name] = NO_METADATA

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
    builder = configured(_TermListBuilder())
    for ref, fields in enumerate(analyzed):
        builder.add({REF: str(ref), **fields})
    builder.complete_postings()
    return builder


def serialized_index(analyzed):
    """The serialized lunr index of ``analyzed``: ``build_index(analyzed).serialize()``, fast."""
    return _term_list_builder(analyzed).serialize()


def sharded_makers(analyzed, shard_bytes, common_docs=None, prefixes=None):
    """What ``shards.shard_makers`` computes, from :class:`_TermListBuilder`'s dicts (slower,
    and its code reads as lunr's)."""
    builder = _term_list_builder(analyzed)
    head = index_head(builder)
    return _shard_makers(head, builder.inverted_index.items(), builder.field_vector_pairs(), shard_bytes,
                         common_docs, prefixes)


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


def _common_prefixes(groups, firsts, rule):
    """The prefix clauses to store: ({(shard, word): expanded terms}, {term index: [(shard, word)]},
    {(shard, word): another word of the shard with the same expansion}).

    The rule is ``shards.prefix_clauses``, asked with the postings of these dicts.
    """
    posting_at = {posting["_index"]: posting for group in groups for _, posting in group}

    def postings_of(number):
        return sum(len(posting_at[number].get(field, ())) for field in PREFIX_FIELDS)

    def documents_of(numbers):
        return len(set().union(*(posting_at[number].get(field, ()) for number in numbers for field in PREFIX_FIELDS)))

    numbered = [[(term, posting["_index"]) for term, posting in group] for group in groups]
    vocabulary = {term for group in groups for term, _ in group}
    expansions, aliases = prefix_clauses(numbered, firsts, rule, vocabulary, postings_of, documents_of)
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

    def weighed():
        for term, posting in postings:
            documents = len(_word_docs(posting)) if common_docs is not None else 0
            if common_docs is not None and documents >= common_docs:
                common[posting["_index"]] = {}
                # Body postings are left out; each document costs an exact result.
                yield (term, posting), len(term) + _posting_size({**posting, "body": ()}) + 14 * documents
            else:
                yield (term, posting), len(term) + _posting_size(posting)

    groups = packed(weighed(), shard_bytes)

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
        shard_vectors, vectors[number] = vectors[number], None
        exact_results = {}
        inverted = []
        for term, posting in group:
            scores = common.pop(posting["_index"], None)
            if scores is None:
                inverted.append([term, posting])
                continue
            inverted.append([term, {**posting, "body": NO_METADATA}])
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
        return shard_data(head, [[ref, shard_vectors[ref]] for ref in sorted(shard_vectors)], sorted(inverted),
                          exact_results, prefix_results)

    words_of, aliases_of = {}, {}  # shard -> its words with stored prefix results, its aliases
    for number, word in expanded:
        words_of.setdefault(number, []).append(word)
    for number, word in aliases:
        aliases_of.setdefault(number, []).append(word)
    # Each shard is made from its own part of the vectors: the shards can be
    # made in any order, or some of them in another process.
    return firsts, [functools.partial(shard, number) for number in range(len(groups))]


# -- the search (twin: search-engine.js) ---------------------------------------------

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
    return read_manifest_text((Path(search_dir) / "manifest.js").read_text(encoding="utf-8"))


def read_manifest_text(text):
    """The manifest dict of the text of manifest.js."""
    return json.loads(text.removeprefix(MANIFEST_HEAD).removesuffix(MANIFEST_TAIL))


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
