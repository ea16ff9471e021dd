"""The term shards of the index, computed on numpy arrays: the one index builder of the build."""

import functools
import math
from bisect import bisect_right
from collections import namedtuple

from . import lunr_compat
from .analysis import FIELDS, PREFIX_FIELDS, TERM_MAX, WORD_FIELDS
from .documents import count_terms

# The metadata of every posting, and the posting of a field a term does not
# occur in: none is kept, and one shared empty dict instead of one each saves
# an object per posting. Nothing writes into it.
NO_METADATA = {}


def js_order(term):
    """Sort key matching JavaScript's string order (UTF-16 code units)."""
    return term.encode("utf-16-be")


# When the prefix clause of a word has its results stored (see docs/search.md,
# "Common prefixes"): it matches at least ``docs`` documents in the prefix
# fields of one shard, the word is at least ``min_length`` long (shorter ones
# are never searched as prefixes) and its prefix needs at most ``max_shards``.
PrefixRule = namedtuple("PrefixRule", "docs min_length max_shards")


def prefix_rule(options):
    """The PrefixRule of the SEARCH options."""
    return PrefixRule(options["common_prefix_docs"], options["prefix_min"], options["prefix_max_shards"])


def packed(weighed, shard_bytes):
    """The items of ``weighed``, (item, cost) pairs in order, in groups: a group ends where the
    next item would take its cost past ``shard_bytes`` (how the terms are cut into shards)."""
    groups, current, size = [], [], 0
    for item, cost in weighed:
        if current and size + cost > shard_bytes:
            groups.append(current)
            current, size = [], 0
        current.append(item)
        size += cost
    if current:
        groups.append(current)
    return groups


def shard_data(head, field_vectors, inverted_index, exact, prefixes):
    """A term shard as the browser loads it: a serialized lunr index of its terms (``head`` from
    :func:`lunr_compat.index_head`), the stored results of its common words and prefixes."""
    return {
        "index": {
            "version": head["version"],
            "fields": head["fields"],
            "fieldVectors": field_vectors,
            "invertedIndex": inverted_index,
            "pipeline": head["pipeline"],
        },
        "exact": exact,
        "prefixes": prefixes,
    }


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
# The shards of the reference builder (tests/search_reference.py, whose code reads as
# lunr.py's), computed on flat numpy arrays holding one element per posting, a
# (document, field, term) triple, instead of a dict or tuple each (the tests compare
# the two on random archives, and the reference with lunr.py's own Builder). Three
# rules keep every byte the same:
# - float arithmetic is elementwise +, -, *, / (IEEE-rounded, as Python's) in the
#   order of the reference code; logarithms are Python's (numpy's may differ in the
#   last bit);
# - round(x, 3) is Python's (:func:`_rounded`);
# - scores are summed one by one in the order the reference code adds them
#   (:func:`_ordered_sums`).
# Orders are argsorts of one int64 key made of several numbers (term, field ref, shard,
# ...): far from overflowing even at a million articles.

# _NUMPY: the functions below import numpy themselves: importing it is slow, and
# every build paid for it at start, a build that is up to date or whose index is
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
            length, counts = value if type(value) is tuple else count_terms(value)
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


def _bm25_scores(parameters, boosts, term, frequency, field_ref, lengths, term_count):
    """The score of each posting, its element in its field vector, as the reference builder computes it;
    ``parameters`` are BM25's (k1, b), ``boosts`` the fields' (see :mod:`lunr_compat`)."""
    import numpy as np  # see _NUMPY
    document_count = len(lengths) // _FIELD_COUNT
    # lunr's average field length: a Python int, the field's total length, over the number of documents.
    averages = [int(total) / document_count for total in lengths.reshape(document_count, _FIELD_COUNT).sum(axis=0)]
    # A field empty in every document has an average of 0 and no postings to score.
    with np.errstate(divide="ignore", invalid="ignore"):
        length_ratio = lengths / np.tile(averages, document_count)
    k1, b = parameters
    saturation = k1 * (1 - b + b * length_ratio)
    # lunr's idf (lunr.idf) of each term's number of (field, document) postings: few distinct counts.
    postings_of = np.bincount(term, minlength=term_count).tolist()
    idf_of_count = {count: math.log(1 + abs((document_count - count + 0.5) / (count + 0.5)))
                    for count in set(postings_of)}
    idf = np.array([idf_of_count[count] for count in postings_of], dtype=np.float64)
    boost = np.array(boosts, dtype=np.float64)
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
    packed as the reference builder packs them; whether each term is a common word."""
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

    def weighed():
        for number in sorted(range(term_count), key=js_keys.__getitem__):
            text = vocabulary[number]
            if common_docs is not None and word_docs[number] >= common_docs:
                common[number] = True
                # Body postings are left out; each document costs an exact result.
                yield (text, number), len(text) + cost[number] - body_cost[number] + 14 * word_docs[number]
            else:
                yield (text, number), len(text) + cost[number]

    groups = packed(weighed(), shard_bytes)
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


def prefix_clauses(groups, firsts, rule, vocabulary, postings_of, documents_of):
    """Which prefix clauses to store, on term numbers, for the arrays here and the reference builder:
    ({(shard, word): the term numbers of its expansion}, {(shard, word): the word of the shard with
    the same expansion}); ``groups`` hold (term, term number) pairs.

    Candidates are the words of the index (a query's last word is usually a
    whole word), each in every shard its prefix range covers; not the
    whole-title terms (a query's last word holds no space, and their
    expansions hold only title terms, in no prefix field). A word's
    expansion in a shard is the run of the shard's terms starting with it
    (terms are in JavaScript order, so the run is contiguous), exactly the
    terms lunr's wildcard query finds in that shard's token set. Words with
    the same expansion ("par" and "part" when no other term of the shard
    starts with "par") have the same results, stored once.

    ``postings_of(n)`` is the number of (prefix field, document) postings of term n,
    ``documents_of(numbers)`` the number of documents holding any of those terms in a prefix field.
    """
    keys = [js_order(first) for first in firsts]
    selected, aliases = {}, {}
    for number, group in enumerate(groups):
        terms = [term for term, _ in group]
        first = terms[0]
        # Words of earlier shards whose prefix range reaches into this one: prefixes of its
        # first term, up to that term's first space and at most TERM_MAX characters long (as
        # every word is): a few dozen slices, however long the term (each prefix of a
        # million-character term was a copy and a hash: minutes).
        space = first.find(" ")
        reach = min(len(first) - 1, TERM_MAX, len(first) if space < 0 else space)
        candidates = [(first[:length], 0) for length in range(rule.min_length, reach + 1)
                      if first[:length] in vocabulary]
        candidates += [(term, position) for position, term in enumerate(terms)
                       if len(term) >= rule.min_length and " " not in term]
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
    :func:`prefix_clauses`) and their results; the i-th selected clause's are
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
    selected, aliases = prefix_clauses(groups, firsts, rule, set(vocabulary), postings_of.__getitem__, documents_of)
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


def shard_makers(analyzed, shard_bytes, common_docs=None, prefixes=None):
    """(firsts, [function making shard n]): the term shards of the lunr index of ``analyzed``
    (field dicts as :func:`documents.analyzed_fields` or :func:`documents.counted_fields` make
    them; ref = position), cut at about ``shard_bytes``.

    ``firsts`` is the first term of each shard in JavaScript string order; a shard is
    ``{"index": a serialized lunr index of its own, "exact": {common word: [refs, scores]},
    "prefixes": {common prefix: [expanded terms, refs, sums], or the word whose results it
    shares}}``; a word is common when it occurs in the word fields of at least
    ``common_docs`` documents (None: no word is); a prefix as :class:`PrefixRule`
    ``prefixes`` says (None: no prefix is).

    Each function is called once, maybe in a forked process, which shares the arrays
    rather than copying them.
    """
    import numpy as np  # see _NUMPY
    head, boosts, parameters = lunr_compat.index_parameters()
    vocabulary, term, frequency, field_ref, lengths = _postings(analyzed)
    term_count, ref_count = len(vocabulary), len(lengths)
    document_count = ref_count // _FIELD_COUNT
    score = _bm25_scores(parameters, boosts, term, frequency, field_ref, lengths, term_count)
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
            postings[term_number][_FIELD_NAMES[field_number]] = dict.fromkeys(refs[start:end], NO_METADATA)
        inverted, exact_results = [], {}
        for text, term_number in sorted(groups[number]):
            posting = postings[term_number]
            for name in FIELDS:
                posting.setdefault(name, NO_METADATA)
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
        return shard_data(head, field_vectors, inverted, exact_results, prefix_results)

    return firsts, [functools.partial(shard, number) for number in range(len(groups))]
