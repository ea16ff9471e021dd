"""``archivist import INPUT...``: raw news text into curated Markdown articles."""

import json
import logging
import os
import re
import sys
import warnings

from .. import importer, reading
from ..dates import parse_date
from ..errors import ArchivistError, InputError, log_line, write_error
from ..settings import DEFAULT_SETTINGS_FILE, articles_dir, load_settings

PROGRESS_MIN = 20  # articles: fewer than this never shows a progress bar
LOW_CONFIDENCE = 0.5  # a cut less sure than this is marked in the dry-run table
_SURROGATE = re.compile("[\ud800-\udfff]")


def configure(subparsers):
    parser = subparsers.add_parser(
        "import",
        help="turn raw news text into articles of the archive",
        description="Read raw text, JSON Lines or a folder of text files, split glued-together "
        "articles, give each a title, summary, topic, tags, date and slug, and write them as "
        "Markdown files with YAML front matter. Never overwrites; re-importing adds nothing.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="text file, JSON Lines file or folder")
    parser.add_argument("--source", default="", help="the publisher, written as 'source' (e.g. 'Global Times')")
    parser.add_argument("--date", help="publication (reference) date YYYY-MM-DD; default today (UTC)")
    parser.add_argument("--category", help="force this topic (one of ARCHIVE_TOPICS) for every article")
    parser.add_argument("--out", help="folder to write to (default: the archive's articles folder)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE, help="Pelican settings (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; print the proposed articles")
    parser.add_argument("--json", action="store_true", help="with --dry-run, print JSON instead of a table")
    parser.add_argument("--duplicates", choices=importer.DUPLICATE_MODES, default="update",
                        help="a record nearly the same as an earlier one or an archived article: make it an "
                        "update of that story, skip it, or refuse the import (default: %(default)s)")
    parser.add_argument("--format", choices=("auto",) + reading.FORMATS, default="auto",
                        help="input format (default: detected)")
    parser.set_defaults(func=run)


def run(args):
    if args.json and not args.dry_run:
        raise ArchivistError("--json only goes with --dry-run")
    reference = parse_date(args.date) if args.date else None
    # Pelican warns about feed URLs while reading settings: irrelevant to an import.
    logging.getLogger("pelican.settings").setLevel(logging.ERROR)
    settings = load_settings(args.settings)
    out_dir = args.out or articles_dir(settings)
    with _progress() as progress, warnings.catch_warnings():
        # unidecode warns of each lone surrogate it drops while slugging: refused below, by line.
        warnings.filterwarnings("ignore", "Surrogate character", RuntimeWarning)
        proposed, notes = importer.plan(
            args.inputs, settings, out_dir, reference, args.source, args.category,
            None if args.format == "auto" else args.format, progress, args.duplicates,
        )
    refuse_surrogates(proposed)
    for note in notes:
        print(f"archivist: note: {log_line(note)}", file=sys.stderr)
    found = importer.problems(proposed, settings, out_dir)
    if args.dry_run:
        print(as_json(proposed) if args.json else as_table(proposed))
    for problem in found:
        print(f"archivist: error: {log_line(problem)}", file=sys.stderr)
    if found:
        print(f"archivist: {len(found)} problem(s): nothing was imported; fix the input and run again",
              file=sys.stderr)
        return 1
    if args.dry_run:
        return 0
    try:
        written = importer.write(proposed)
    except OSError as exc:  # a full disk, a folder we may not write to: nothing was written
        raise write_error(exc) from None
    for item in proposed:
        if item.action != "new" and not item.target:
            print(log_line(describe(item)))
        elif item.backup:
            print(log_line(f"{describe(item)}; the earlier file is kept as {os.path.relpath(item.backup)}"))
    for path in written:
        print(log_line(f"wrote {os.path.relpath(path)}"))
    updates = sum(1 for item in proposed if item.action == "update")
    skipped = sum(1 for item in proposed if item.action == "skip")
    print(f"{len(written)} article(s) written, {skipped} skipped (already imported or repeated), "
          f"{updates} update(s) of a story")
    return 0


def describe(item):
    """One line on what becomes of a record that repeats a story."""
    where = f"{item.path}:{item.lines[0]}-{item.lines[1]}"
    if item.skipped_as:
        return f"skipped {where}: already imported as {item.skipped_as}"
    alike = f"{item.similarity:.0%} alike"
    if item.action == "skip":
        return f"skipped {where}: repeats {item.duplicate_of} ({alike})"
    return f"update {where}: a later version of {item.duplicate_of} ({alike})"


def refuse_surrogates(proposed):
    """InputError at the first article holding a lone surrogate: a "\\ud800" escape in JSON input
    gives half of a character, which no file can hold."""
    for item in proposed:
        for key, value in [*item.meta.items(), ("text", item.body)]:
            for text in value if isinstance(value, list) else [value]:
                match = _SURROGATE.search(text) if isinstance(text, str) else None
                if match:
                    raise InputError(f"'{key}' holds \\u{ord(match.group(0)):04x}, half of a character pair: "
                                     "fix the escapes of the input (a character above \\uffff is written as a "
                                     "pair such as \\ud83d\\ude00)", path=item.path, line=item.lines[0])


def as_json(proposed):
    articles = [
        {
            "title": item.meta["title"],
            "slug": item.meta.get("slug", ""),
            "date": item.meta["date"].isoformat(),
            "category": item.meta["category"],
            "tags": list(item.meta["tags"]),
            "summary": item.meta["summary"],
            "source": item.meta["source"],
            "lines": list(item.lines),
            "confidence": item.confidence,
            "action": item.action,
            **({"duplicate_of": item.skipped_as or item.duplicate_of,
                "similarity": round(item.similarity if item.duplicate_of else 1.0, 3)}
               if item.action != "new" else {}),
            **({"modified": item.meta["modified"].isoformat(), "updates": [
                {"date": u["date"].isoformat(), "note": u["note"]} for u in item.meta["updates"]]}
               if item.meta.get("updates") and item.target else {}),
            **({"rewrites": item.target, "backup": item.backup} if item.backup else {}),
        }
        for item in proposed
    ]
    return json.dumps({"articles": articles}, indent=2, ensure_ascii=False)


def as_table(proposed):
    """One row per article; the cut column is the confidence of the cut before it, '?' when low."""
    rows = [("lines", "cut", "date", "topic", "title", "tags")]
    for item in proposed:
        title = item.meta["title"]
        if item.skipped_as:
            title += " (skipped: already imported)"
        elif item.action == "skip":
            title += f" (skipped: repeats {item.duplicate_of}, {item.similarity:.0%} alike)"
        elif item.action == "update":
            title += f" (update of {item.duplicate_of}, {item.similarity:.0%} alike"
            title += f"; rewrites it, backup {item.backup})" if item.backup else ")"
        elif item.meta.get("updates"):
            title += f" ({len(item.meta['updates'])} update(s) below)"
        rows.append((
            f"{item.lines[0]}-{item.lines[1]}",
            f"{item.confidence:.2f}" + (" ?" if item.confidence < LOW_CONFIDENCE else ""),
            item.meta["date"].isoformat(),
            item.meta["category"],
            title,
            ", ".join(item.meta["tags"]),
        ))
    rows = [tuple(log_line(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    table = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths)) + "  " + row[5] for row in rows
    )
    unsure = sum(1 for item in proposed if item.confidence < LOW_CONFIDENCE)
    if unsure:
        table += f"\n{unsure} cut(s) marked '?' are unsure (confidence < {LOW_CONFIDENCE}): check those first"
    return table


class _progress:
    """A rich progress bar on stderr for long imports, only when stderr is a terminal."""

    def __enter__(self):
        self.bar = None
        return self.start if sys.stderr.isatty() else None

    def start(self, total):
        if total < PROGRESS_MIN:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("importing", total=total)
        return lambda: self.bar.advance(task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
