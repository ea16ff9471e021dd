"""The archive as data: ``archive.jsonl`` and ``archive.sqlite`` from the article files.

``export(settings, folder)`` reads the same files the build reads, refuses them
as the build does (``archivist check``'s errors), and writes:

- ``archive.jsonl``: one published article per line, oldest first: its front
  matter (dates as ISO text), its URL, the plain text of its body;
- ``archive.sqlite``: tables ``articles``, ``tags`` and ``updates`` and the
  full-text table ``articles_fts`` (FTS5 over title, summary and text, with
  ``articles`` as its content table: the layout sqlite-utils and Datasette
  look for).

Both are deterministic: the same articles give the same bytes (fixed order,
sorted keys, no timestamps, the database VACUUMed) with one SQLite version.
Each file is written beside its final name and moved into place, so a failed
export never leaves half a file.
"""

import datetime
import json
import os
import sqlite3

from . import checks
from .slugs import effective_slug
from .errors import InputError
from .frontmatter import parse
from .html_text import html_to_text
from .updates import parse as parse_updates

JSONL_NAME = "archive.jsonl"
SQLITE_NAME = "archive.sqlite"
# Statuses whose articles the build does not publish.
UNPUBLISHED = ("draft", "hidden")

SCHEMA = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    modified TEXT,
    category TEXT NOT NULL,
    summary TEXT,
    source TEXT,
    source_url TEXT,
    authors TEXT,
    text TEXT NOT NULL,
    file TEXT NOT NULL
);
CREATE TABLE tags (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE TABLE updates (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    date TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX tags_by_tag ON tags(tag);
CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, text, content='articles', content_rowid='id');
"""


def _text(value):
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def _markdown(settings):
    """A Markdown converter configured as Pelican's reader (the MARKDOWN setting)."""
    import markdown

    config = settings.get("MARKDOWN") or {}
    extensions = config.get("extension_configs") or {}
    return markdown.Markdown(extensions=list(extensions) + list(config.get("extensions", ())),
                             extension_configs=extensions, output_format=config.get("output_format", "html5"))


def article_url(settings, meta, slug):
    """The article's site-relative URL, from ARTICLE_URL as Pelican formats it."""
    date = meta["date"]
    if not isinstance(date, datetime.datetime):
        date = datetime.datetime(date.year, date.month, date.day)
    try:
        return settings["ARTICLE_URL"].format(slug=slug, date=date, lang=meta.get("lang", settings.get("DEFAULT_LANG")),
                                              category=meta.get("category"))
    except (KeyError, AttributeError, IndexError) as exc:
        raise InputError(f"ARTICLE_URL uses {exc}, which export does not know: use slug, date, lang or category",
                         path="ARTICLE_URL") from None


def read_articles(settings, files=None):
    """The published articles of the archive as records (dicts), oldest first, then by slug.

    Raises InputError naming the first problem when ``archivist check`` finds errors.
    """
    files = checks.archive_files(settings) if files is None else files
    errors = [finding for finding in checks.check_files(files, settings) if finding.severity == checks.ERROR]
    if errors:
        raise InputError(f"{len(errors)} error(s) in the articles, first {errors[0]}: "
                         "fix them (archivist check lists them all) and export again")
    convert = _markdown(settings)
    content = os.path.abspath(settings["PATH"])
    records = []
    for path in files:
        with open(path, encoding="utf-8-sig") as handle:
            article = parse(handle.read(), path)
        meta = article.meta
        if meta.get("status") in UNPUBLISHED:
            continue
        slug = effective_slug(meta, settings)
        tags = meta.get("tags") or []
        authors = meta.get("authors") or []
        records.append({
            "slug": slug,
            "url": article_url(settings, meta, slug),
            "title": meta["title"],
            "date": _text(meta["date"]),
            "modified": _text(meta.get("modified")),
            "category": meta["category"],
            "tags": [tags] if isinstance(tags, str) else list(tags),
            "summary": meta.get("summary"),
            "source": meta.get("source"),
            "source_url": meta.get("source_url"),
            "authors": [authors] if isinstance(authors, str) else list(authors),
            "updates": [{"date": update.date.isoformat(), "note": update.note}
                        for update in parse_updates(meta.get("updates"))],
            "text": html_to_text(convert.reset().convert(article.body)),
            "file": os.path.relpath(os.path.abspath(path), content).replace(os.sep, "/"),
        })
    records.sort(key=lambda record: (record["date"], record["slug"]))
    return records


def jsonl(records):
    """The JSON Lines text of ``records``: sorted keys, UTF-8 as is, one line each."""
    return "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in records)


def _replace(path, write):
    """Call ``write(partial path)``, then move the result to ``path``."""
    partial = path + ".partial"
    if os.path.exists(partial):
        os.remove(partial)
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def write_sqlite(records, path):
    """The SQLite database of ``records`` at ``path`` (replaced whole)."""
    def write(target):
        connection = sqlite3.connect(target, isolation_level=None)
        try:
            # executescript commits whatever is pending: the schema first, then one transaction.
            connection.executescript("PRAGMA page_size = 4096; PRAGMA journal_mode = DELETE;" + SCHEMA)
            connection.execute("BEGIN")
            for number, record in enumerate(records, start=1):
                connection.execute(
                    "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (number, record["slug"], record["url"], record["title"], record["date"], record["modified"],
                     record["category"], record["summary"], record["source"], record["source_url"],
                     json.dumps(record["authors"], ensure_ascii=False), record["text"], record["file"]))
                connection.executemany("INSERT INTO tags VALUES (?, ?)",
                                       [(number, tag) for tag in dict.fromkeys(record["tags"])])
                connection.executemany("INSERT INTO updates VALUES (?, ?, ?)",
                                       [(number, update["date"], update["note"]) for update in record["updates"]])
            connection.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
            connection.execute("COMMIT")
            connection.execute("VACUUM")
        finally:
            connection.close()

    _replace(path, write)


def write_jsonl(records, path):
    def write(target):
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(jsonl(records))

    _replace(path, write)


def export(settings, folder, files=None):
    """Write archive.jsonl and archive.sqlite into ``folder``; return (their paths, article count)."""
    records = read_articles(settings, files)
    os.makedirs(folder, exist_ok=True)
    paths = (os.path.join(folder, JSONL_NAME), os.path.join(folder, SQLITE_NAME))
    write_jsonl(records, paths[0])
    write_sqlite(records, paths[1])
    return paths, len(records)
