"""The archive around an article: its slugs, tags and bodies, and the rules that need them.

``ArchiveIndex`` holds what the archive-wide rules need to know about every
article; ``findings_in_archive`` applies the tag and slug rules against it,
``near_duplicate_findings`` reports the bodies it finds nearly the same.
"""

import array
import collections
import difflib
import functools
import itertools
import math
import unicodedata
import re
import zlib

from ..slugs import effective_slug
from .findings import ERROR, WARNING, Finding
from .options import options
from .reading import PAGE
from .rules import PLACEHOLDER_RE, as_draft, finding

SHINGLE_SIZE = 5
# Bodies with fewer distinct 5-grams than this are too short to compare.
MIN_SHINGLES = 20
# Shorter tag keys are compared exactly only ("Steve" / "Steven" are two people).
MIN_FUZZY_TAG = 8

_WORD_RE = re.compile(r"\w+")
_TAG_KEY_RE = re.compile(r"[\W_]+")
_HTML_TAG_RE = re.compile(r"<[^>]*>")


def tag_key(tag):
    """Spelling-insensitive key of a tag: "Hong Kong", "hong-kong", "Hongkong" -> "hongkong"."""
    return _TAG_KEY_RE.sub("", unicodedata.normalize("NFKC", str(tag)).casefold())


def shingles(body):
    """The set of hashed word 5-grams of a Markdown body (markup and case ignored).

    The same in every process (the build caches them): words are numbered by
    CRC-32, and Python's hash of a tuple of numbers, unlike that of text, is
    not salted per process.
    """
    words = _WORD_RE.findall(_HTML_TAG_RE.sub(" ", body).casefold())
    numbers = [zlib.crc32(word.encode("utf-8", "surrogatepass")) for word in words]
    return frozenset(map(hash, zip(*(numbers[i:] for i in range(SHINGLE_SIZE)))))


def shingle_prefix(grams, threshold, ordered=False):
    """The first shingles of ``grams`` in one global order (by value) that any set at least
    ``threshold`` alike (Jaccard) must share at least one of: prefix filtering.

    If J(A, B) >= t then |A & B| >= t|A|, so A's first |A| - t|A| + 1 elements
    (in any order fixed for all sets) cannot all miss B's first |B| - t|B| + 1.
    floor() instead of ceil() keeps the prefix one longer at worst: never too short.
    ``ordered``: ``grams`` is sorted already.
    """
    ordered = grams if ordered else sorted(grams)
    return ordered[: min(len(ordered), len(ordered) - math.floor(threshold * len(ordered)) + 1)]


class ArchiveIndex:
    """What checks need to know about the other articles: slugs, tags and bodies.

    For the near-duplicate check only the prefix shingles of each body are
    indexed (see ``shingle_prefix``), and each body's shingles are kept as a
    packed array: as sets and full postings, the shingles of a 20,000-article
    archive took close to a gigabyte of memory. ``known_shingles`` ({path:
    shingles as a sorted array}) saves computing them again.
    """

    def __init__(self, parsed_articles, settings, known_shingles=None):
        self.slugs = collections.defaultdict(list)  # slug -> [Parsed]
        self.tags = collections.defaultdict(collections.Counter)  # key -> Counter(spelling)
        self.tag_paths = collections.defaultdict(list)  # key -> [path]
        self.threshold = options(settings)["duplicate_threshold"]
        self.sizes = {}  # path -> number of shingles
        self.grams = {}  # path -> its shingles, packed
        self.postings = collections.defaultdict(list)  # prefix shingle -> [path]
        for parsed in parsed_articles:
            if not parsed.readable:
                continue
            slug = effective_slug(parsed.meta, settings)
            if slug:
                self.slugs[slug].append(parsed)
            for tag in _tag_list(parsed.meta.get("tags")) if parsed.kind != PAGE else ():
                key = tag_key(tag)
                if key:
                    self.tags[key][tag.strip()] += 1
                    self.tag_paths[key].append(parsed.path)
            if self.threshold is None:
                continue
            grams = shingles(parsed.body) if known_shingles is None else known_shingles[parsed.path]
            if len(grams) >= MIN_SHINGLES:
                self.sizes[parsed.path] = len(grams)
                self.grams[parsed.path] = grams if isinstance(grams, array.array) else array.array("q", grams)
                for gram in shingle_prefix(grams, self.threshold, ordered=known_shingles is not None):
                    self.postings[gram].append(parsed.path)
        self.similar_keys = {}  # tag key -> the key most like it (see similar_key)
        self._spellings = {}
        self._variants = None  # a key with one letter dropped (or whole) -> keys, "\0"-joined (see similar_key)
        self.comparisons = 0  # keys compared by similar_key

    def near_duplicates(self, path, grams, threshold):
        """(other path, Jaccard similarity) of bodies at least ``threshold`` alike."""
        if self.threshold is None or threshold < self.threshold:
            raise ValueError(f"this index finds bodies at least {self.threshold} alike, not {threshold}")
        if len(grams) < MIN_SHINGLES:
            return []
        postings = self.postings
        candidates = set(itertools.chain.from_iterable(
            postings[g] for g in shingle_prefix(grams, threshold) if g in postings))
        candidates.discard(path)
        found = []
        for other in candidates:
            size = self.sizes[other]
            if min(size, len(grams)) < threshold * max(size, len(grams)) - 1e-9:
                continue  # sizes too far apart to be that alike
            common = len(grams.intersection(self.grams[other]))
            jaccard = common / (len(grams) + size - common)
            if jaccard >= threshold:
                found.append((other, jaccard))
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def spellings(self, key):
        """The spellings of a tag key in the archive, most used first."""
        if key not in self._spellings:
            self._spellings[key] = [spelling for spelling, _ in self.tags[key].most_common()]
        return self._spellings[key]

    def similar_key(self, key, cutoff):
        """An existing tag key one edit from ``key`` and spelled alike (difflib ratio >= cutoff), or None.

        One edit: a letter changed, added or dropped, or two letters swapped,
        as most misspellings are. Such keys share a "deletion variant" (the
        key with one letter dropped, or itself), so every key of the archive
        is indexed under its variants once; a search then looks up the
        len(key) + 1 variants of ``key`` and compares only the keys found
        there, never the whole archive. ``comparisons`` counts the keys
        compared (tests bound it).
        """
        if key not in self.similar_keys:
            if self._variants is None:
                # Keys joined in one string per variant, not a set per variant:
                # building that many sets took over twice the time.
                self._variants = {}
                for other in self.tags:
                    if len(other) >= MIN_FUZZY_TAG - 1:
                        for variant in _deletion_variants(other):
                            known = self._variants.get(variant)
                            self._variants[variant] = other if known is None else f"{known}\0{other}"
            candidates = set()
            for variant in _deletion_variants(key):
                if variant in self._variants:
                    candidates.update(self._variants[variant].split("\0"))
            candidates.discard(key)
            best, best_ratio = None, cutoff
            matcher = difflib.SequenceMatcher(b=key)
            for other in sorted(candidates):
                self.comparisons += 1
                matcher.set_seq1(other)
                ratio = matcher.ratio()
                if ratio > best_ratio or (ratio == best_ratio and best is None):
                    best, best_ratio = other, ratio
            self.similar_keys[key] = best
        return self.similar_keys[key]


def _deletion_variants(key):
    """``key`` and every string made by dropping one of its letters."""
    return {key, *(key[:i] + key[i + 1:] for i in range(len(key)))}


def _tag_list(tags):
    if isinstance(tags, list):
        return [tag for tag in tags if isinstance(tag, str)]
    return []


def findings_in_archive(parsed, index, settings):
    """The findings of a read article against the others (tags, slug), near-duplicates aside."""
    findings = list(_check_tags(parsed, index, settings, options(settings)))
    findings.extend(_check_unique_slug(parsed, index, settings))
    return as_draft(parsed, findings)


def tag_slug(tag, settings):
    """The slug Pelican gives a tag's page (TAG_REGEX_SUBSTITUTIONS, else SLUG_REGEX_SUBSTITUTIONS)."""
    subs = settings.get("TAG_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", ()))
    return _slugify(tag, tuple(map(tuple, subs)), bool(settings.get("SLUGIFY_PRESERVE_CASE", False)),
                    bool(settings.get("SLUGIFY_USE_UNICODE", False)))


@functools.lru_cache(maxsize=65536)
def _slugify(text, subs, preserve_case, use_unicode):
    # Kept: tags repeat across articles, and slugifying one takes some 10 microseconds.
    from pelican.utils import slugify

    return slugify(text, regex_subs=subs, preserve_case=preserve_case, use_unicode=use_unicode)


def _check_tags(parsed, index, settings, opts):
    # The form of each tag, then its spelling against the archive's: one pass over the tags.
    tags = parsed.meta.get("tags")
    if tags in (None, "", []):
        return
    if not isinstance(tags, list):
        yield finding(parsed, "tags", ERROR,
                      "'tags' must be a YAML list: write 'tags:' then one '  - Tag' line per tag", "tags-not-list")
        return
    if len(tags) > opts["max_tags"]:
        yield finding(parsed, "tags", ERROR,
                      f"{len(tags):,} tags, over the limit of {opts['max_tags']} (ARCHIVE_GUARD max_tags): "
                      "keep the few that say what the article is about", "too-many-tags")
        tags = tags[: opts["max_tags"]]
    seen = {}
    for tag in tags:
        if not isinstance(tag, str):
            yield finding(parsed, "tags", ERROR, f"tag {tag!r} must be text: put it in quotes", "tag-not-text")
            continue
        if not tag.strip():
            yield finding(parsed, "tags", ERROR, "empty tag: remove the empty '-' line", "empty-tag")
            continue
        if tag != tag.strip() or "  " in tag:
            yield finding(parsed, "tags", ERROR, f"tag {tag!r} has extra spaces: write {' '.join(tag.split())!r}",
                          "extra-spaces")
        if PLACEHOLDER_RE.search(tag):
            yield finding(parsed, "tags", ERROR, "tags still hold the TODO placeholder: write 4-8 real tags",
                          "placeholder")
            continue
        if not tag_slug(tag, settings):
            yield finding(parsed, "tags", ERROR,
                          f"tag {tag.strip()!r} gives its page an empty address (slug): use letters or digits",
                          "empty-tag-slug")
            continue
        key = tag_key(tag)
        if key in seen:
            yield finding(parsed, "tags", ERROR,
                          f"duplicate tag '{tag.strip()}' (same as '{seen[key]}'): keep only one", "duplicate-tag")
            continue
        seen[key] = tag.strip()
        yield from _tag_spelling(parsed, tag.strip(), key, index, opts)


def _tag_spelling(parsed, tag, key, index, opts):
    example = next((p for p in index.tag_paths.get(key, ()) if p != parsed.path), None)
    if example:
        spellings = [s for s in index.spellings(key) if s != tag]
        if spellings:
            yield finding(parsed, "tags", WARNING,
                          f"tag '{tag}' is spelled '{spellings[0]}' elsewhere in the archive "
                          f"(e.g. {example}): use the same spelling", "tag-spelling")
        return
    similar = index.similar_key(key, opts["tag_similarity"]) if len(key) >= MIN_FUZZY_TAG else None
    if similar:
        spelling = index.tags[similar].most_common(1)[0][0]
        yield finding(parsed, "tags", WARNING,
                      f"new tag '{tag}' looks like the existing tag '{spelling}' "
                      f"(e.g. {index.tag_paths[similar][0]}): use that one if it means the same", "similar-tag")


def _check_unique_slug(parsed, index, settings):
    slug = effective_slug(parsed.meta, settings)
    if not slug:
        return
    for other in index.slugs.get(slug, ()):
        if other.path != parsed.path:
            yield finding(parsed, "slug", ERROR,
                          f"slug '{slug}' is also used by {other.path}:{other.line('slug')}; two articles would share "
                          "one page: give this one another slug", "duplicate-slug")


def check_near_duplicates(parsed, index, opts):
    """The near-duplicate errors of a read article against the archive ``index``."""
    if opts["duplicate_threshold"] is None:
        return []
    grams = shingles(parsed.body)
    near = index.near_duplicates(parsed.path, grams, opts["duplicate_threshold"])
    return near_duplicate_findings(parsed.path, first_text_line(parsed), near)


def first_text_line(parsed):
    """The line of the first text of the body (its near-duplicate errors point there)."""
    body = parsed.body
    return parsed.body_line + body[: len(body) - len(body.lstrip())].count("\n")


def near_duplicate_findings(path, line, near):
    """One error per (other path, similarity) of ``near``, at ``line`` (the body's first)."""
    return [
        Finding(path, line, ERROR,
                f"near-duplicate of {other} ({similarity:.0%} of the text is the same): "
                "keep one of them, or merge them", "near-duplicate")
        for other, similarity in near
    ]


def near_duplicates_since(index, grams, threshold, digests, old_digests=None, old_near=None):
    """{path: near-duplicates} of every file of ``digests`` ({path: digest of its bytes}).

    Given the result of an earlier call (``old_near`` for ``old_digests``),
    only files whose bytes changed are compared with the archive: the
    similarity of two unchanged files is unchanged, and a pair with a
    changed file is found from the changed side (Jaccard similarity is
    symmetric, and ``ArchiveIndex.near_duplicates`` finds every pair).
    """
    if old_digests is None or old_near is None:
        old_digests, old_near = {}, {}
    changed = [path for path, digest in digests.items() if old_digests.get(path) != digest]
    stale = set(changed) | (old_digests.keys() - digests.keys())
    near = {path: index.near_duplicates(path, frozenset(grams[path]), threshold) for path in changed}
    found_from = collections.defaultdict(list)  # unchanged path -> pairs with changed files
    for path in changed:
        for other, similarity in near[path]:
            found_from[other].append((path, similarity))
    for path in digests.keys() - set(changed):
        pairs = [(other, similarity) for other, similarity in old_near.get(path, ()) if other not in stale]
        near[path] = sorted(pairs + found_from.get(path, []), key=lambda item: (-item[1], item[0]))
    return near
