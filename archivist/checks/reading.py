"""Reading article files for the checks: as far as each file goes, never raising for bad input."""

import dataclasses
import os
import re

from ..errors import FrontMatterError, InputError
from ..frontmatter import parse, read_source
from .findings import ERROR, Finding
from .pelican_reader import body_as_read

ARTICLE, PAGE = "article", "page"


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
    kind: str = ARTICLE  # or PAGE: pages need fewer keys and have no file-name convention

    def line(self, key):
        return self.article.key_lines.get(key, 1) if self.article else 1

    @property
    def body_line(self):
        return self.article.body_line if self.article else 1


def read(path, data, opts, kind=ARTICLE):
    """Decode and parse one article (or page) file's bytes; never raises for bad input.

    The text is read as Pelican reads it: a BOM dropped and every line end
    (CRLF, CR) made a line feed. The keys of ``meta`` are lowercased as
    pelican-yaml-metadata lowercases them, so "Date:" is checked as "date:".
    """
    parsed = Parsed(path, kind=kind)
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
    # Pelican opens the file in text mode: universal newlines.
    text = parsed.text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        article = parse(text, path)
        if body_as_read(text) not in (article.body, "\n" + article.body):
            raise FrontMatterError("the lines '---' around the front matter must hold nothing else "
                                   "(no spaces after them), or the build reads the file differently",
                                   path=path, line=1)
        meta, key_lines = _as_pelican_keys(article, parsed)
        parsed.article = dataclasses.replace(article, meta=meta, key_lines=key_lines)
        parsed.meta, parsed.body, parsed.readable = meta, article.body, True
    except FrontMatterError as exc:
        found(Finding(path, exc.line or 1, ERROR, exc.message, "bad-front-matter"))
    except ValueError as exc:
        # PyYAML builds dates while parsing: 2025-02-30 raises here.
        line = _first_line_matching(text, r"^(?:date|modified)\s*:") or 1
        found(Finding(path, line, ERROR, f"invalid date: {exc}: write a real date as YYYY-MM-DD", "invalid-date"))
    return parsed


def _as_pelican_keys(article, parsed):
    """(meta, key_lines) with keys lowercased as pelican-yaml-metadata lowercases them (``str.lower``).

    Two keys that differ only in case ("Date", "date") are one key to
    Pelican, which keeps the last: an error. A key that is not text (``2025:``)
    makes the reader fail: an error.
    """
    meta, lines = {}, {}
    for key, value in article.meta.items():
        line = article.key_lines.get(str(key), 1)
        if not isinstance(key, str):
            parsed.findings.append(Finding(parsed.path, line, ERROR,
                                           f"front matter key {key!r} is not a name: write a key such as 'title'",
                                           "bad-key", str(key)))
            continue
        name = key.lower()
        if name != key:
            # Pelican reads it, but other readers of the archive (export, updates) compare keys as written.
            parsed.findings.append(Finding(parsed.path, line, ERROR,
                                           f"key '{key}' must be written in lower case: '{name}'", "key-case", name))
        if name in meta:
            parsed.findings.append(Finding(parsed.path, line, ERROR,
                                           f"'{key}' repeats the key '{name}' (keys ignore case): keep one of them",
                                           "duplicate-key", name))
        meta[name], lines[name] = value, line
    return meta, lines


def file_bytes(path, max_bytes=None):
    """The bytes of an article file; InputError, not a traceback, when it cannot be read.

    With ``max_bytes``, the file is stat-ed first (see ``frontmatter.read_source``):
    a FIFO, a device or a file over the limit raises FrontMatterError, unread.
    """
    if max_bytes is not None:
        try:
            return read_source(path, max_bytes)
        except FrontMatterError as exc:
            if exc.message.startswith("cannot be read"):
                raise InputError(f"cannot read this file ({exc.message.split(': ', 1)[-1]}): check that it exists "
                                 "and is readable", path=path) from None
            raise
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"cannot read this file ({exc.strerror or exc}): check that it exists and is readable",
                         path=path) from None


def unreadable(path, exc):
    """The finding for a file ``file_bytes`` refused to read (``exc``, a FrontMatterError)."""
    code = "too-large" if "over the limit" in str(exc.message) else "not-regular-file"
    return Finding(path, 1, ERROR, exc.message, code)


def link_out_of_content(path, settings):
    """A finding when ``path`` is a symbolic link to a place outside the content folder (PATH), else None."""
    if not os.path.islink(path) or not settings.get("PATH"):
        return None
    root = os.path.join(os.path.realpath(settings["PATH"]), "")
    target = os.path.realpath(path)
    if target.startswith(root):
        return None
    return Finding(path, 1, ERROR, f"is a symbolic link to {target}, outside the content folder: the build does not "
                   "follow it; copy the file in instead", "outside-content")


def read_file(path, opts, shown_as=None):
    """``read`` of the file at ``path``, named ``shown_as`` (default: ``path``) in its findings."""
    return read(shown_as or path, file_bytes(path), opts)


def _first_line_matching(text, pattern):
    match = re.search(pattern, text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else None


def walk_files(root, hidden=False):
    """Every file below ``root``, sorted; hidden files and folders are skipped unless ``hidden``."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if hidden or not d.startswith("."))
        found.extend(os.path.join(dirpath, f) for f in filenames if hidden or not f.startswith("."))
    return sorted(found)


def archive_files(settings):
    """Every file under the archive's article folders, sorted (hidden ones left out)."""
    folders = settings.get("ARTICLE_PATHS") or [""]
    return sorted(f for folder in folders for f in walk_files(os.path.join(settings["PATH"], folder)))


def page_folders(settings):
    """The absolute folders of the site's pages (PAGE_PATHS under PATH)."""
    if not settings.get("PATH"):
        return []
    root = os.path.abspath(settings["PATH"])
    return [os.path.join(root, folder) for folder in settings.get("PAGE_PATHS") or ()]


def content_files(settings):
    """Every file ``archivist check`` and the build check, sorted: articles, pages, hidden Markdown files.

    Hidden Markdown files (``.x.md``, ``.drafts/x.md``) are included so that
    they are reported: Pelican reads any file its IGNORE_FILES does not name.
    Other hidden files (``.DS_Store``) are no reader's.
    """
    folders = [os.path.join(settings["PATH"], f) for f in settings.get("ARTICLE_PATHS") or [""]]
    folders += [os.path.join(settings["PATH"], f) for f in settings.get("PAGE_PATHS") or ()]
    return sorted({f for folder in folders for f in walk_files(folder, hidden=True)
                   if f.endswith(".md") or not is_hidden(f)})


def kind_of(path, settings):
    """PAGE for a file under PAGE_PATHS, else ARTICLE."""
    where = os.path.abspath(path)
    return PAGE if any(where.startswith(folder + os.sep) for folder in page_folders(settings)) else ARTICLE


def is_hidden(path):
    """True when the file or one of its folders (below the current one) starts with a dot."""
    return any(part.startswith(".") and part not in (".", "..") for part in display_path(path).split(os.sep))


def display_path(path):
    """A path as shown in messages: relative to the current folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
