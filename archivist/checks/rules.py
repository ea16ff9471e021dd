"""The rules one article must follow on its own: keys, values, dates, topic, slug, body, file name."""

import datetime
import difflib
import os
import re

from ..frontmatter import FIELD_ORDER
from ..slugs import SLUG_RE, effective_slug
from ..updates import as_date, problems as update_problems
from .findings import ERROR, WARNING, Finding
from .options import options

REQUIRED = ("title", "date", "category", "tags", "summary", "source")
TEXT_FIELDS = ("title", "category", "summary", "source", "slug", "source_url")
KNOWN_KEYS = frozenset(FIELD_ORDER) | {"status"}
PLACEHOLDER_RE = re.compile(r"\bTODO\b")

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


def findings_alone(parsed, settings, today=None):
    """The findings of a read article that need no other article.

    ``today`` (a date, default today in UTC) bounds the publication date.
    """
    findings = list(parsed.findings)
    if not parsed.readable:
        return findings
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    for check in (_check_keys, _check_text_fields, _check_dates, _check_updates, _check_category,
                  _check_slug, _check_body):
        findings.extend(check(parsed, settings, today))
    findings.extend(_check_file_name(parsed, settings))
    return findings


def finding(parsed, key, severity, message, code):
    """A finding at the line of front matter ``key``."""
    return Finding(parsed.path, parsed.line(key), severity, message, code, key)


def _check_keys(parsed, settings, today):
    meta = parsed.meta
    for key in REQUIRED:
        if key not in meta or meta[key] is None or meta[key] == "" or meta[key] == []:
            hint = {
                "tags": "add 'tags:' with one '  - Tag' line per tag",
                "date": "add 'date: YYYY-MM-DD' (the publication date)",
                "category": f"add 'category: TOPIC', one of {', '.join(settings['ARCHIVE_TOPICS'])}",
            }.get(key, f"add '{key}: ...' to the front matter")
            yield finding(parsed, key, ERROR, f"missing '{key}': {hint}", "missing-key")
    for key in sorted(set(meta) - KNOWN_KEYS, key=str):
        close = difflib.get_close_matches(str(key), sorted(KNOWN_KEYS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys are {', '.join(FIELD_ORDER)}"
        yield finding(parsed, str(key), WARNING, f"unknown front matter key '{key}': {hint}", "unknown-key")
    status = meta.get("status")
    if status in ("draft", "hidden"):
        yield finding(parsed, "status", WARNING,
                      f"status '{status}': this article will not be listed; remove the line to publish it",
                      "not-listed")
    elif status not in (None, "published"):
        yield finding(parsed, "status", ERROR,
                      f"status {status!r} would make the build skip this file: remove the line "
                      "(or use draft or hidden)", "bad-status")


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
    if isinstance(url, str) and url and not re.match(r"https?://[^\s/]+", url):
        yield finding(parsed, "source_url", ERROR,
                      f"source_url {url!r} is not a web address: write the full https:// address",
                      "bad-source-url")
    authors = meta.get("authors")
    if authors is not None and not (
        isinstance(authors, str) or (isinstance(authors, list) and all(isinstance(a, str) for a in authors))
    ):
        yield finding(parsed, "authors", ERROR, "'authors' must be a YAML list of names", "bad-authors")


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
        if value > latest:
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


def _check_slug(parsed, settings, today):
    slug = effective_slug(parsed.meta, settings)
    if slug is None or not isinstance(parsed.meta.get("slug", ""), (str, type(None))):
        return
    if "/" in slug or ".." in slug or "\\" in slug:
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


def _check_file_name(parsed, settings):
    date = as_date(parsed.meta.get("date"))
    slug = effective_slug(parsed.meta, settings)
    if date is None or not slug or not SLUG_RE.match(slug):
        return
    expected = f"{date.isoformat()}-{slug}.md"
    if os.path.basename(parsed.path) != expected:
        yield Finding(parsed.path, 1, WARNING,
                      f"file name does not follow the convention: rename it to {expected}", "file-name")
