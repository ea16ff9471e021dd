"""Reading article files for the checks: as far as each file goes, never raising for bad input."""

import dataclasses
import os
import re

from ..errors import FrontMatterError, InputError
from ..frontmatter import parse
from .findings import ERROR, Finding


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
        found(Finding(path, 1, ERROR, "not a Markdown file, so the build ignores it: rename it to end in .md",
                      "not-markdown"))
        return parsed
    if len(data) > opts["max_bytes"]:
        found(Finding(path, 1, ERROR,
                      f"file is {len(data):,} bytes, over the limit of {opts['max_bytes']:,} "
                      "(ARCHIVE_GUARD max_bytes): trim it or split it into several articles", "too-large"))
        return parsed
    try:
        text = parsed.text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        found(Finding(path, line, ERROR,
                      f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8", "not-utf8"))
        return parsed
    if not text.strip():
        found(Finding(path, 1, ERROR, "file is empty: write the front matter and the article, or delete it",
                      "empty-file"))
        return parsed
    try:
        parsed.article = parse(text, path)
        parsed.meta, parsed.body, parsed.readable = parsed.article.meta, parsed.article.body, True
    except FrontMatterError as exc:
        found(Finding(path, exc.line or 1, ERROR, exc.message, "bad-front-matter"))
    except ValueError as exc:
        # PyYAML builds dates while parsing: 2025-02-30 raises here.
        line = _first_line_matching(text, r"^(?:date|modified)\s*:") or 1
        found(Finding(path, line, ERROR, f"invalid date: {exc}: write a real date as YYYY-MM-DD", "invalid-date"))
    return parsed


def file_bytes(path):
    """The bytes of an article file; InputError, not a traceback, when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"cannot read this file ({exc.strerror or exc}): check that it exists and is readable",
                         path=path) from None


def read_file(path, opts, shown_as=None):
    """``read`` of the file at ``path``, named ``shown_as`` (default: ``path``) in its findings."""
    return read(shown_as or path, file_bytes(path), opts)


def _first_line_matching(text, pattern):
    match = re.search(pattern, text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else None


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
