"""Check articles before they reach the site: pure functions over text and settings.

``check_files(paths, settings)`` reads every article of the archive once, then
checks each requested file against the others and returns a sorted list of
``Finding``s. ``check_article`` does the same for one article's bytes and a
prebuilt ``ArchiveIndex``. Both ``archivist check`` and the ``archive_guard``
build plugin call these, so the command line and the build agree.

Errors make ``archivist check`` exit 1 and stop the build; warnings are
advice (``--strict`` turns them into failures).
"""

import array
import collections
import dataclasses
import datetime
import difflib
import hashlib
import itertools
import math
import os
import re
import unicodedata
import zlib

from .frontmatter import FIELD_ORDER, parse
from .errors import FrontMatterError
from .settings import merge_options
from .updates import problems as update_problems

ERROR = "error"
WARNING = "warning"

# ARCHIVE_GUARD = {...} in pelicanconf.py is merged over these.
DEFAULTS = {
    # Larger article files are refused: a news article is a few kilobytes.
    "max_bytes": 1_000_000,
    # Two bodies sharing this fraction of their word 5-grams are near-duplicates
    # (Jaccard similarity); None turns the comparison off.
    "duplicate_threshold": 0.8,
    # Tags whose spelling keys are this similar (difflib ratio) are flagged.
    "tag_similarity": 0.9,
    # Dates up to this many days after today (UTC) are accepted: time zones.
    "future_days": 1,
}

REQUIRED = ("title", "date", "category", "tags", "summary", "source")
TEXT_FIELDS = ("title", "category", "summary", "source", "slug", "source_url")
KNOWN_KEYS = frozenset(FIELD_ORDER) | {"status"}
PLACEHOLDER_RE = re.compile(r"\bTODO\b")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SHINGLE_SIZE = 5
# Bodies with fewer distinct 5-grams than this are too short to compare.
MIN_SHINGLES = 20
# Shorter tag keys are compared exactly only ("Steve" / "Steven" are two people).
MIN_FUZZY_TAG = 8

_CODE_RE = re.compile(r"^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`", re.MULTILINE | re.DOTALL)
_RAW_TAG_RE = re.compile(r"<\s*(script|iframe|object|embed)\b", re.IGNORECASE)
_EVENT_RE = re.compile(r"<[a-zA-Z][^>]*?[\s\"'/](on[a-zA-Z]+)\s*=", re.DOTALL)
_JS_URL_RES = (
    # HTML attributes: href="javascript:...", src=javascript:...
    re.compile(r"\b(?:href|src|action|formaction|data)\s*=\s*[\"']?\s*javascript\s*:", re.IGNORECASE),
    # Markdown links and images: [text](javascript:...)
    re.compile(r"\]\(\s*<?\s*javascript\s*:", re.IGNORECASE),
    # Markdown reference definitions: [id]: javascript:...
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?\s*javascript\s*:", re.IGNORECASE | re.MULTILINE),
    # Autolinks: <javascript:...>
    re.compile(r"<\s*javascript\s*:", re.IGNORECASE),
)
_WORD_RE = re.compile(r"\w+")
_TAG_KEY_RE = re.compile(r"[\W_]+")
_HTML_TAG_RE = re.compile(r"<[^>]*>")


@dataclasses.dataclass(frozen=True, order=True)
class Finding:
    """One problem with an article; ``str()`` gives ``path:line: severity: message``."""

    path: str
    line: int
    severity: str
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def github(self):
        """The finding as a GitHub Actions workflow command (an annotation on the file)."""
        return f"::{self.severity} file={_escape_property(self.path)},line={self.line}::{_escape_data(self.message)}"


def _escape_data(text):
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text):
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def options(settings):
    """The validation options: ``ARCHIVE_GUARD`` from the settings over DEFAULTS."""
    return merge_options("ARCHIVE_GUARD", settings.get("ARCHIVE_GUARD"), DEFAULTS)


# --- Reading ---------------------------------------------------------------


@dataclasses.dataclass
class Parsed:
    """An article file read as far as it would go, with the problems met on the way."""

    path: str
    text: str = None
    meta: dict = dataclasses.field(default_factory=dict)
    body: str = ""
    readable: bool = False
    findings: list = dataclasses.field(default_factory=list)
    article: object = None

    def line(self, key):
        return self.article.key_lines.get(key, 1) if self.article else 1

    @property
    def body_line(self):
        return self.article.body_line if self.article else 1


def read(path, data, opts):
    """Decode and parse one article file's bytes; never raises for bad input."""
    parsed = Parsed(path)
    found = parsed.findings.append
    if not path.endswith(".md"):
        found(Finding(path, 1, ERROR, "not a Markdown file, so the build ignores it: rename it to end in .md"))
        return parsed
    if len(data) > opts["max_bytes"]:
        found(Finding(path, 1, ERROR,
                      f"file is {len(data):,} bytes, over the limit of {opts['max_bytes']:,} "
                      "(ARCHIVE_GUARD max_bytes): trim it or split it into several articles"))
        return parsed
    try:
        text = parsed.text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found(Finding(path, line, ERROR,
                      f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8"))
        return parsed
    if not text.strip():
        found(Finding(path, 1, ERROR, "file is empty: write the front matter and the article, or delete it"))
        return parsed
    try:
        parsed.article = parse(text, path)
        parsed.meta, parsed.body, parsed.readable = parsed.article.meta, parsed.article.body, True
    except FrontMatterError as exc:
        found(Finding(path, exc.line or 1, ERROR, exc.message))
    except ValueError as exc:
        # PyYAML builds dates while parsing: 2025-02-30 raises here.
        line = _first_line_matching(text, r"^(?:date|modified)\s*:") or 1
        found(Finding(path, line, ERROR, f"invalid date: {exc}: write a real date as YYYY-MM-DD"))
    return parsed


def _first_line_matching(text, pattern):
    match = re.search(pattern, text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else None


# --- The archive around an article ------------------------------------------


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


def effective_slug(meta, settings):
    """The slug Pelican will use: the ``slug`` key, else the title slugified as Pelican does."""
    slug = meta.get("slug")
    if slug not in (None, ""):
        return str(slug).strip()
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    from pelican.utils import slugify

    return slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()))


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
            for tag in _tag_list(parsed.meta.get("tags")):
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
        self._affixes = collections.defaultdict(set)  # "<abc" / ">xyz" -> keys

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
        """An existing tag key spelled almost like ``key`` (difflib ratio >= cutoff), or None.

        Only keys sharing the first or the last three letters are compared:
        a misspelling rarely changes both ends, and comparing every pair of
        tags would be quadratic in the size of the archive.
        """
        if key not in self.similar_keys:
            if not self._affixes:
                for other in self.tags:
                    self._affixes["<" + other[:3]].add(other)
                    self._affixes[">" + other[-3:]].add(other)
            candidates = self._affixes.get("<" + key[:3], set()) | self._affixes.get(">" + key[-3:], set())
            best, best_ratio = None, cutoff
            matcher = difflib.SequenceMatcher(b=key)
            for other in sorted(candidates):
                if other == key or not _lengths_allow(len(key), len(other), best_ratio):
                    continue
                matcher.set_seq1(other)
                if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
                    ratio = matcher.ratio()
                    if ratio > best_ratio or (ratio == best_ratio and best is None):
                        best, best_ratio = other, ratio
            self.similar_keys[key] = best
        return self.similar_keys[key]


def _lengths_allow(a, b, cutoff):
    return 2 * min(a, b) / (a + b) >= cutoff


def _tag_list(tags):
    if isinstance(tags, list):
        return [tag for tag in tags if isinstance(tag, str)]
    return []


# --- Checks of one article ----------------------------------------------------


def check_article(parsed, index, settings, today=None):
    """Findings for one read article (see ``read``) against the archive ``index``.

    ``today`` (a date, default today in UTC) bounds the publication date.
    """
    opts = options(settings)
    findings = findings_alone(parsed, settings, today)
    if parsed.readable:
        findings.extend(findings_in_archive(parsed, index, settings))
        findings.extend(_check_near_duplicates(parsed, index, opts))
    return findings


def findings_alone(parsed, settings, today=None):
    """The findings of a read article that need no other article (``today`` as in check_article)."""
    findings = list(parsed.findings)
    if not parsed.readable:
        return findings
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    for check in (_check_keys, _check_text_fields, _check_dates, _check_category,
                  _check_slug, _check_body):
        findings.extend(check(parsed, settings, today))
    findings.extend(_check_file_name(parsed, settings))
    findings.extend(_finding(parsed, "updates", ERROR, message)
                    for message in update_problems(parsed.meta.get("updates"), parsed.meta.get("date"), today))
    return findings


def findings_in_archive(parsed, index, settings):
    """The findings of a read article against the others (tags, slug), near-duplicates aside."""
    findings = list(_check_tags(parsed, index, options(settings)))
    findings.extend(_check_unique_slug(parsed, index, settings))
    return findings


def _finding(parsed, key, severity, message):
    return Finding(parsed.path, parsed.line(key), severity, message)


def _check_keys(parsed, settings, today):
    meta = parsed.meta
    for key in REQUIRED:
        if key not in meta or meta[key] is None or meta[key] == "" or meta[key] == []:
            hint = {
                "tags": "add 'tags:' with one '  - Tag' line per tag",
                "date": "add 'date: YYYY-MM-DD' (the publication date)",
                "category": f"add 'category: TOPIC', one of {', '.join(settings['ARCHIVE_TOPICS'])}",
            }.get(key, f"add '{key}: ...' to the front matter")
            yield Finding(parsed.path, parsed.line(key), ERROR, f"missing '{key}': {hint}")
    for key in sorted(set(meta) - KNOWN_KEYS, key=str):
        close = difflib.get_close_matches(str(key), sorted(KNOWN_KEYS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys are {', '.join(FIELD_ORDER)}"
        yield _finding(parsed, str(key), WARNING, f"unknown front matter key '{key}': {hint}")
    status = meta.get("status")
    if status in ("draft", "hidden"):
        yield _finding(parsed, "status", WARNING,
                       f"status '{status}': this article will not be listed; remove the line to publish it")
    elif status not in (None, "published"):
        yield _finding(parsed, "status", ERROR,
                       f"status {status!r} would make the build skip this file: remove the line "
                       "(or use draft or hidden)")


def _check_text_fields(parsed, settings, today):
    meta = parsed.meta
    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            yield _finding(parsed, key, ERROR,
                           f"'{key}' must be text, not {type(value).__name__} {value!r}: put it in quotes")
        elif value != value.strip() or not value.strip():
            yield _finding(parsed, key, ERROR, f"'{key}' has spaces around it: remove them")
        elif PLACEHOLDER_RE.search(value):
            yield _finding(parsed, key, ERROR, f"'{key}' still holds the TODO placeholder: write the real {key}")
    url = meta.get("source_url")
    if isinstance(url, str) and url and not re.match(r"https?://[^\s/]+", url):
        yield _finding(parsed, "source_url", ERROR,
                       f"source_url {url!r} is not a web address: write the full https:// address")
    authors = meta.get("authors")
    if authors is not None and not (
        isinstance(authors, str) or (isinstance(authors, list) and all(isinstance(a, str) for a in authors))
    ):
        yield _finding(parsed, "authors", ERROR, "'authors' must be a YAML list of names")


def _as_date(value):
    """A date from a YAML value (date, datetime or ISO text), else None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def _check_dates(parsed, settings, today):
    meta = parsed.meta
    latest = today + datetime.timedelta(days=options(settings)["future_days"])
    dates = {}
    for key in ("date", "modified"):
        if meta.get(key) in (None, ""):
            continue
        value = _as_date(meta[key])
        if value is None:
            yield _finding(parsed, key, ERROR, f"'{key}' {meta[key]!r} is not a date: write it as YYYY-MM-DD")
            continue
        dates[key] = value
        if value > latest:
            yield _finding(parsed, key, ERROR,
                           f"'{key}' {value.isoformat()} is in the future (today is {today.isoformat()}): "
                           "use the publication date")
    if "date" in dates and "modified" in dates and dates["modified"] < dates["date"]:
        yield _finding(parsed, "modified", ERROR,
                       f"'modified' {dates['modified']} is before 'date' {dates['date']}: fix one of them")


def _check_category(parsed, settings, today):
    category = parsed.meta.get("category")
    topics = list(settings["ARCHIVE_TOPICS"])
    if not isinstance(category, str) or not category.strip() or category in topics:
        return
    if PLACEHOLDER_RE.search(category):
        return  # reported as a placeholder
    by_fold = {topic.casefold(): topic for topic in topics}
    close = difflib.get_close_matches(category.casefold(), list(by_fold), n=1, cutoff=0.6)
    hint = f"did you mean '{by_fold[close[0]]}'? " if close else ""
    yield _finding(parsed, "category", ERROR,
                   f"unknown category '{category}': {hint}use one of {', '.join(topics)} "
                   "(new topics are added to ARCHIVE_TOPICS in pelicanconf.py)")


def _check_slug(parsed, settings, today):
    slug = effective_slug(parsed.meta, settings)
    if slug is None or not isinstance(parsed.meta.get("slug", ""), (str, type(None))):
        return
    if "/" in slug or ".." in slug or "\\" in slug:
        yield _finding(parsed, "slug", ERROR,
                       f"slug '{slug}' would write outside its folder: use only a-z, 0-9 and hyphens")
    elif not slug.isascii():
        yield _finding(parsed, "slug", ERROR,
                       f"slug '{slug}' is not ASCII: use only a-z, 0-9 and hyphens")
    elif not SLUG_RE.match(slug):
        yield _finding(parsed, "slug", ERROR,
                       f"slug '{slug}' is not of the form words-like-this: use only a-z, 0-9 and single hyphens")


def _masked_body(body):
    """The body with code spans and fenced blocks blanked out (line breaks kept)."""
    return _CODE_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def _check_body(parsed, settings, today):
    body = _masked_body(parsed.body)

    def at(offset):
        return parsed.body_line + body[:offset].count("\n")

    if not body.strip():
        yield Finding(parsed.path, parsed.body_line, ERROR, "the article has no text: write it below the front matter")
        return
    for match in _RAW_TAG_RE.finditer(body):
        name = match.group(1).lower()
        yield Finding(parsed.path, at(match.start()), ERROR,
                      f"raw <{name}> in the body: remove it; articles may not embed scripts or frames")
    for match in _EVENT_RE.finditer(body):
        yield Finding(parsed.path, at(match.start(1)), ERROR,
                      f"event-handler attribute '{match.group(1)}=' in the body: remove it")
    for pattern in _JS_URL_RES:
        for match in pattern.finditer(body):
            yield Finding(parsed.path, at(match.start()), ERROR,
                          "javascript: URL in the body: link to an https:// address instead")
    for match in PLACEHOLDER_RE.finditer(body):
        yield Finding(parsed.path, at(match.start()), ERROR,
                      "the body still holds a TODO placeholder: replace it with the article text")


def _check_tags(parsed, index, opts):
    tags = parsed.meta.get("tags")
    if tags in (None, "", []):
        return
    if not isinstance(tags, list):
        yield _finding(parsed, "tags", ERROR,
                       "'tags' must be a YAML list: write 'tags:' then one '  - Tag' line per tag")
        return
    seen = {}
    for tag in tags:
        if not isinstance(tag, str):
            yield _finding(parsed, "tags", ERROR, f"tag {tag!r} must be text: put it in quotes")
            continue
        if not tag.strip():
            yield _finding(parsed, "tags", ERROR, "empty tag: remove the empty '-' line")
            continue
        if tag != tag.strip() or "  " in tag:
            yield _finding(parsed, "tags", ERROR, f"tag {tag!r} has extra spaces: write {' '.join(tag.split())!r}")
        if PLACEHOLDER_RE.search(tag):
            yield _finding(parsed, "tags", ERROR, "tags still hold the TODO placeholder: write 4-8 real tags")
            continue
        key = tag_key(tag)
        if key in seen:
            yield _finding(parsed, "tags", ERROR,
                           f"duplicate tag '{tag.strip()}' (same as '{seen[key]}'): keep only one")
            continue
        seen[key] = tag.strip()
        yield from _tag_spelling(parsed, tag.strip(), key, index, opts)


def _tag_spelling(parsed, tag, key, index, opts):
    example = next((p for p in index.tag_paths.get(key, ()) if p != parsed.path), None)
    if example:
        spellings = [s for s in index.spellings(key) if s != tag]
        if spellings:
            yield _finding(parsed, "tags", WARNING,
                           f"tag '{tag}' is spelled '{spellings[0]}' elsewhere in the archive "
                           f"(e.g. {example}): use the same spelling")
        return
    similar = index.similar_key(key, opts["tag_similarity"]) if len(key) >= MIN_FUZZY_TAG else None
    if similar:
        spelling = index.tags[similar].most_common(1)[0][0]
        yield _finding(parsed, "tags", WARNING,
                       f"new tag '{tag}' looks like the existing tag '{spelling}' "
                       f"(e.g. {index.tag_paths[similar][0]}): use that one if it means the same")


def _check_unique_slug(parsed, index, settings):
    slug = effective_slug(parsed.meta, settings)
    if not slug:
        return
    for other in index.slugs.get(slug, ()):
        if other.path != parsed.path:
            yield _finding(parsed, "slug", ERROR,
                           f"slug '{slug}' is also used by {other.path}:{other.line('slug')}; two articles would share "
                           "one page: give this one another slug")


def _check_near_duplicates(parsed, index, opts):
    if opts["duplicate_threshold"] is None:
        return []
    grams = shingles(parsed.body)
    near = index.near_duplicates(parsed.path, grams, opts["duplicate_threshold"])
    return near_duplicate_findings(parsed.path, _first_text_line(parsed), near)


def _first_text_line(parsed):
    body = parsed.body
    return parsed.body_line + body[: len(body) - len(body.lstrip())].count("\n")


def near_duplicate_findings(path, line, near):
    """One error per (other path, similarity) of ``near``, at ``line`` (the body's first)."""
    return [
        Finding(path, line, ERROR,
                f"near-duplicate of {other} ({similarity:.0%} of the text is the same): "
                "keep one of them, or merge them")
        for other, similarity in near
    ]


def _check_file_name(parsed, settings):
    date = _as_date(parsed.meta.get("date"))
    slug = effective_slug(parsed.meta, settings)
    if date is None or not slug or not SLUG_RE.match(slug):
        return
    expected = f"{date.isoformat()}-{slug}.md"
    if os.path.basename(parsed.path) != expected:
        yield Finding(parsed.path, 1, WARNING,
                      f"file name does not follow the convention: rename it to {expected}")


# --- Many files ---------------------------------------------------------------


def walk_files(root):
    """Every file below ``root``, sorted; hidden files and folders are skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(os.path.join(dirpath, f) for f in filenames if not f.startswith("."))
    return sorted(found)


def archive_files(settings):
    """Every file under the archive's article folders, sorted."""
    folders = settings.get("ARTICLE_PATHS") or [""]
    return sorted(f for folder in folders for f in walk_files(os.path.join(settings["PATH"], folder)))


def display_path(path):
    """A path as shown in messages: relative to the current folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


@dataclasses.dataclass
class FileChecks:
    """What one file's bytes tell without the rest of the archive: kept between builds.

    ``parsed`` without its text and body (the index needs the metadata and
    the lines of keys), the body's shingles as a sorted array, the line of
    the body's first text, and the findings of :func:`findings_alone`.
    """

    parsed: Parsed
    shingles: array.array
    first_line: int
    findings: list


def check_file_alone(path, data, settings, today):
    """The :class:`FileChecks` of one file's bytes."""
    opts = options(settings)
    parsed = read(path, data, opts)
    grams = shingles(parsed.body) if parsed.readable and opts["duplicate_threshold"] is not None else ()
    kept = dataclasses.replace(parsed, text=None, body="")
    if parsed.article is not None:
        kept.article = dataclasses.replace(parsed.article, body="")
    return FileChecks(kept, array.array("q", sorted(grams)), _first_text_line(parsed),
                      findings_alone(parsed, settings, today))


def cache_rules(settings, today):
    """What the checks of a file depend on besides its bytes and path: for ``check_files``' cache."""
    from . import build_cache, frontmatter

    return build_cache.code_rules(__file__, frontmatter.__file__, extra=(
        sorted(options(settings).items()), list(settings.get("ARCHIVE_TOPICS") or ()),
        settings.get("SLUG_REGEX_SUBSTITUTIONS"), today.isoformat(),
    ))


def check_files(paths, settings, today=None, archive=None, cache=None):
    """Check ``paths`` against the archive (default: ``archive_files(settings)``).

    Returns the sorted findings. Paths in messages are relative to the
    current folder.

    ``cache`` (a dict, empty at first) keeps between calls what each file's
    bytes tell on their own and the near-duplicates of every file of the
    archive; it is updated in place, and the caller saves it (under
    :func:`cache_rules`). With it, files whose bytes did not change are not
    parsed again, and only changed files are compared with the others.
    """
    opts = options(settings)
    archive = archive_files(settings) if archive is None else archive
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    shown = {path: display_path(path) for path in dict.fromkeys([*archive, *paths])}
    wanted = list(dict.fromkeys(shown[p] for p in paths))
    known = cache.get("files", {}) if cache else {}
    files, digests = {}, {}
    for path in dict.fromkeys(shown.values()):
        with open(path, "rb") as handle:
            data = handle.read()
        digest = hashlib.blake2b(data, digest_size=16).digest()
        files[path] = known.get((path, digest)) or check_file_alone(path, data, settings, today)
        digests[path] = digest
    grams = {path: checked.shingles for path, checked in files.items()}
    index = ArchiveIndex([checked.parsed for checked in files.values()], settings, known_shingles=grams)
    # The tag most like a new tag depends on the archive's tags alone.
    tag_keys = hashlib.blake2b(repr(sorted(index.tags)).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if cache and cache.get("tag_keys") == tag_keys:
        index.similar_keys.update(cache.get("similar_keys", {}))
    threshold = opts["duplicate_threshold"]
    if threshold is None:
        near = {}
    elif cache is None:
        near = {path: index.near_duplicates(path, frozenset(grams[path]), threshold) for path in wanted}
    else:
        near = near_duplicates_since(index, grams, threshold, digests, cache.get("digests"), cache.get("near"))
    findings = []
    for path in wanted:
        checked = files[path]
        findings.extend(checked.findings)
        if checked.parsed.readable:
            findings.extend(findings_in_archive(checked.parsed, index, settings))
            findings.extend(near_duplicate_findings(path, checked.first_line, near.get(path, ())))
    if cache is not None:
        cache.clear()
        cache.update(files={(path, digests[path]): checked for path, checked in files.items()},
                     digests=digests, near=near, tag_keys=tag_keys, similar_keys=index.similar_keys)
    return sorted(set(findings))


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


def counts(findings):
    """(errors, warnings) in a list of findings."""
    errors = sum(1 for f in findings if f.severity == ERROR)
    return errors, len(findings) - errors
