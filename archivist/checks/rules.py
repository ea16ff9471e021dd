"""The rules one article must follow on its own: keys, values, dates, topic, slug, body, file name."""

import datetime
import difflib
import os
import re
import urllib.parse
import zoneinfo

from .. import sanitize
from ..errors import SettingsError
from ..frontmatter import FIELD_ORDER
from ..slugs import SLUG_RE, effective_slug
from ..updates import as_date, problems as update_problems
from .findings import ERROR, WARNING, Finding
from .options import options
from .reading import PAGE

REQUIRED = ("title", "date", "category", "tags", "summary", "source")
REQUIRED_ON_PAGES = ("title",)
TEXT_FIELDS = ("title", "category", "summary", "source", "slug", "source_url")
# Every front matter key the site reads; any other is an error, since Pelican
# acts on keys the checks never see (save_as, url, template, lang...). A new
# key (updates: the corrections of an article) is added here and nowhere else.
ALLOWED_KEYS = frozenset(FIELD_ORDER) | {"status", "updates"}
# The status values allowed besides none: "draft" is built for preview only.
DRAFT = "draft"
STATUSES = ("published", DRAFT)
# No archive of news holds a story older than this; Pelican fails on years before 1000.
EARLIEST_DATE = datetime.date(1900, 1, 1)
PLACEHOLDER_RE = re.compile(r"\bTODO\b")
# Slugs naming folders and pages the site generates besides articles.
# "updates": the citations plugin's page of corrections (updates.html).
RESERVED_SLUGS = frozenset({"index", "drafts", "feeds", "theme", "search", "tags", "topics", "archives",
                            "sitemap", "robots", "404", "downloads", "pages", "updates"})

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


def archive_today(settings):
    """Today's date in the archive's time zone (the TIMEZONE setting, as Pelican dates articles)."""
    name = settings.get("TIMEZONE") or "UTC"
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TIMEZONE {name!r} is not a time zone: use a name such as 'Europe/London'") from None
    return datetime.datetime.now(zone).date()


def is_draft(parsed):
    """True when the front matter says ``status: draft`` (in any case, as Pelican reads it)."""
    status = parsed.meta.get("status")
    return isinstance(status, str) and status.strip().lower() == DRAFT


def findings_alone(parsed, settings, today=None):
    """The findings of a read article (or page) that need no other file.

    ``today`` (a date, default today in the archive's time zone) bounds the publication date.
    """
    findings = list(parsed.findings)
    if not parsed.readable:
        return findings
    today = today or archive_today(settings)
    for check in (_check_keys, _check_characters, _check_text_fields, _check_dates, _check_updates,
                  _check_category, _check_slug, _check_body, _check_rendered):
        findings.extend(check(parsed, settings, today))
    if parsed.kind != PAGE:
        findings.extend(_check_file_name(parsed, settings))
    return as_draft(parsed, findings)


def as_draft(parsed, findings):
    """``findings``, with placeholders left in a draft made warnings: a draft is built in preview only.

    ``archivist check --strict`` (CI on pull requests) still fails on them.
    """
    if not is_draft(parsed):
        return findings
    return [Finding(f.path, f.line, WARNING, f.message, f.code, f.key) if f.code == "placeholder" else f
            for f in findings]


def finding(parsed, key, severity, message, code):
    """A finding at the line of front matter ``key``."""
    return Finding(parsed.path, parsed.line(key), severity, message, code, key)


def _check_keys(parsed, settings, today):
    meta = parsed.meta
    for key in REQUIRED_ON_PAGES if parsed.kind == PAGE else REQUIRED:
        if key not in meta or meta[key] is None or meta[key] == "" or meta[key] == []:
            hint = {
                "tags": "add 'tags:' with one '  - Tag' line per tag",
                "date": "add 'date: YYYY-MM-DD' (the publication date)",
                "category": f"add 'category: TOPIC', one of {', '.join(settings['ARCHIVE_TOPICS'])}",
            }.get(key, f"add '{key}: ...' to the front matter")
            yield finding(parsed, key, ERROR, f"missing '{key}': {hint}", "missing-key")
    for key in sorted(set(meta) - ALLOWED_KEYS):
        close = difflib.get_close_matches(key, sorted(ALLOWED_KEYS), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        yield finding(parsed, key, ERROR,
                      f"unknown front matter key '{key}': {hint}remove it; the site reads only "
                      f"{', '.join(sorted(ALLOWED_KEYS))}", "unknown-key")
    status = meta.get("status")
    if is_draft(parsed):
        yield finding(parsed, "status", WARNING,
                      "draft: built only for preview (make site, make serve), never published; to finish it, "
                      "replace every TODO, then delete the line 'status: draft'", "draft")
    elif status is not None and str(status).strip().lower() not in STATUSES:
        yield finding(parsed, "status", ERROR,
                      f"status {status!r} would hide this file or make the build skip it: remove the line "
                      "(or write 'status: draft' while the article is unfinished)", "bad-status")
    if status is not None and status not in STATUSES and str(status).strip().lower() in STATUSES:
        yield finding(parsed, "status", ERROR,
                      f"status {status!r} must be written '{str(status).strip().lower()}', in lower case",
                      "bad-status")


# What a YAML escape ("\ud800", "\x1b") can put in a value that no text holds:
# lone surrogates cannot be written as UTF-8 (the build would stop with a
# traceback), and control characters are invisible.
_NOT_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _check_characters(parsed, settings, today):
    for key, value in parsed.meta.items():
        for text in _strings(value):
            match = _NOT_CHARACTERS_RE.search(text)
            if match:
                yield finding(parsed, key, ERROR,
                              f"'{key}' holds {match.group(0)!r}, which is not a printable character "
                              "(a YAML escape such as \\ud800 or \\x1b?): remove it", "bad-character")
                break


def _check_text_fields(parsed, settings, today):
    meta = parsed.meta
    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            yield finding(parsed, key, ERROR,
                          f"'{key}' must be text, not {type(value).__name__} {value!r}: put it in quotes",
                          "not-text")
        elif value != value.strip() or not value.strip():
            yield finding(parsed, key, ERROR, f"'{key}' has spaces around it: remove them", "extra-spaces")
        elif PLACEHOLDER_RE.search(value):
            yield finding(parsed, key, ERROR, f"'{key}' still holds the TODO placeholder: write the real {key}",
                          "placeholder")
    url = meta.get("source_url")
    if isinstance(url, str) and url and not is_web_address(url):
        yield finding(parsed, "source_url", ERROR,
                      f"source_url {url!r} is not a web address: write the full https:// address",
                      "bad-source-url")
    authors = meta.get("authors")
    if authors is not None and not (
        isinstance(authors, str) or (isinstance(authors, list) and all(isinstance(a, str) for a in authors))
    ):
        yield finding(parsed, "authors", ERROR, "'authors' must be a YAML list of names", "bad-authors")


def is_web_address(url):
    """True for an absolute http(s) address with a host and no space or control character."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and url.startswith(parts.scheme + "://")


def _check_dates(parsed, settings, today):
    meta = parsed.meta
    latest = today + datetime.timedelta(days=options(settings)["future_days"])
    dates = {}
    for key in ("date", "modified"):
        if meta.get(key) in (None, ""):
            continue
        value = as_date(meta[key])
        if value is None:
            yield finding(parsed, key, ERROR, f"'{key}' {meta[key]!r} is not a date: write it as YYYY-MM-DD",
                          "invalid-date")
            continue
        dates[key] = value
        if value < EARLIEST_DATE:
            yield finding(parsed, key, ERROR,
                          f"'{key}' {value.isoformat()} is before {EARLIEST_DATE.year}: "
                          "write the publication date as YYYY-MM-DD", "date-too-early")
        elif value > latest:
            yield finding(parsed, key, ERROR,
                          f"'{key}' {value.isoformat()} is in the future (today is {today.isoformat()}): "
                          "use the publication date", "future-date")
    if "date" in dates and "modified" in dates and dates["modified"] < dates["date"]:
        yield finding(parsed, "modified", ERROR,
                      f"'modified' {dates['modified']} is before 'date' {dates['date']}: fix one of them",
                      "modified-before-date")


def _check_updates(parsed, settings, today):
    for message in update_problems(parsed.meta.get("updates"), parsed.meta.get("date"), today):
        yield finding(parsed, "updates", ERROR, message, "bad-updates")


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
    yield finding(parsed, "category", ERROR,
                  f"unknown category '{category}': {hint}use one of {', '.join(topics)} "
                  "(new topics are added to ARCHIVE_TOPICS in pelicanconf.py)", "unknown-topic")


# The pages Pelican writes besides articles: the first folder or file name of
# each one's *_SAVE_AS setting is taken ('topics' of 'topics/{slug}/index.html').
_SAVE_AS_SETTINGS = ("PAGE", "DRAFT", "DRAFT_PAGE", "CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS",
                     "ARCHIVES", "YEAR_ARCHIVE", "MONTH_ARCHIVE", "DAY_ARCHIVE", "INDEX")


def reserved_slugs(settings):
    """Slugs that name what the site generates besides articles: 'index', 'tags', the theme's pages...

    RESERVED_SLUGS, the direct templates, the theme's static folder, and the
    first folder or page name of the *_SAVE_AS setting of every other kind of
    page, when it holds no placeholder.
    """
    names = set(RESERVED_SLUGS) | {str(name) for name in settings.get("DIRECT_TEMPLATES", ())}
    names.add(str(settings.get("THEME_STATIC_DIR") or "theme"))
    kinds = _SAVE_AS_SETTINGS + tuple(str(name).upper() for name in settings.get("DIRECT_TEMPLATES", ()))
    for kind in kinds:
        value = settings.get(f"{kind}_SAVE_AS")
        if isinstance(value, str) and value:
            first = value.split("/")[0]
            if "{" not in first:
                names.add(first if "/" in value else first.rsplit(".", 1)[0])
    return names


def _check_slug(parsed, settings, today):
    slug = effective_slug(parsed.meta, settings)
    if slug is None or not isinstance(parsed.meta.get("slug", ""), (str, type(None))):
        return
    given = "slug" in parsed.meta
    fix = "" if given else " (made from the title): add a 'slug:' line with another"
    if "/" in slug or ".." in slug or "\\" in slug or slug.startswith("."):
        yield finding(parsed, "slug", ERROR,
                      f"slug '{slug}' would write outside its folder: use only a-z, 0-9 and hyphens",
                      "unsafe-slug")
    elif not slug.isascii():
        yield finding(parsed, "slug", ERROR,
                      f"slug '{slug}' is not ASCII: use only a-z, 0-9 and hyphens", "non-ascii-slug")
    elif not SLUG_RE.match(slug):
        yield finding(parsed, "slug", ERROR,
                      f"slug '{slug}' is not of the form words-like-this: use only a-z, 0-9 and single hyphens",
                      "bad-slug")
    elif slug in reserved_slugs(settings) or slug.isdigit():
        what = "a year, month or day folder" if slug.isdigit() else "a page or folder the site generates"
        yield finding(parsed, "slug", ERROR,
                      f"slug '{slug}' is the name of {what}{fix}: use words of the headline, "
                      "e.g. harbour-wall-repairs", "reserved-slug")


def _masked_body(body):
    """The body with code spans and fenced blocks blanked out (line breaks kept)."""
    return _CODE_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def _check_body(parsed, settings, today):
    body = _masked_body(parsed.body)

    def at(offset, message, code):
        return Finding(parsed.path, parsed.body_line + body[:offset].count("\n"), ERROR, message, code)

    if not body.strip():
        yield Finding(parsed.path, parsed.body_line, ERROR, "the article has no text: write it below the front matter",
                      "no-text")
        return
    for match in _RAW_TAG_RE.finditer(body):
        name = match.group(1).lower()
        yield at(match.start(), f"raw <{name}> in the body: remove it; articles may not embed scripts or frames",
                 "raw-element")
    for match in _EVENT_RE.finditer(body):
        yield at(match.start(1), f"event-handler attribute '{match.group(1)}=' in the body: remove it",
                 "event-handler")
    for pattern in _JS_URL_RES:
        for match in pattern.finditer(body):
            yield at(match.start(), "javascript: URL in the body: link to an https:// address instead",
                     "javascript-url")
    for match in PLACEHOLDER_RE.finditer(body):
        yield at(match.start(), "the body still holds a TODO placeholder: replace it with the article text",
                 "placeholder")


# Markdown renders markup the sanitiser could remove only from text holding one
# of these: raw HTML and autolinks (<), entities (&), links, images, reference
# definitions and footnotes ([), attribute lists ({), aligned tables (|, whose
# cells get a style). Rendering a plain body takes a millisecond: skipped.
_MARKUP_RE = re.compile(r"[<&\[{|]")


def _check_rendered(parsed, settings, today):
    """What the build's sanitiser would remove from the rendered body and summary, by line.

    An article the rules of ``_check_body`` already refuse is left to them
    (the sanitiser would report the same script again, in the body and in a
    summary made from it): their errors come first, then, once those are
    fixed, the sanitiser's.
    """
    if any(True for _ in _check_body(parsed, settings, today)):
        return
    sources = [(parsed.body, parsed.body_line)]
    summary = parsed.meta.get("summary")
    if isinstance(summary, str):
        sources.append((summary, parsed.line("summary")))
    for text, first_line in sources:
        if not _MARKUP_RE.search(text):
            continue
        reported = set()
        for line, message in sanitize.markdown_removals(text, settings.get("MARKDOWN"), first_line):
            line = first_line if text is summary else line
            if (line, message) not in reported:
                reported.add((line, message))
                yield Finding(parsed.path, line, ERROR, f"unsafe markup: {message}", "unsafe-markup")


def _check_file_name(parsed, settings):
    date = as_date(parsed.meta.get("date"))
    slug = effective_slug(parsed.meta, settings)
    if date is None or not slug or not SLUG_RE.match(slug):
        return
    expected = f"{date.isoformat()}-{slug}.md"
    if os.path.basename(parsed.path) != expected:
        yield Finding(parsed.path, 1, WARNING,
                      f"file name does not follow the convention: rename it to {expected}", "file-name")
