"""``archivist export``: the archive as data (archive.jsonl, archive.sqlite)."""

import os
import sys

from ..export import export
from ..settings import DEFAULT_SETTINGS_FILE, load_settings
from ..checks import display_path


def configure(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="write the archive as JSON Lines and SQLite (full-text searchable)",
        description=(
            "Write archive.jsonl (one article per line: front matter, URL, plain text) and "
            "archive.sqlite (tables articles, tags, updates and the FTS5 table articles_fts, "
            "ready for Datasette or sqlite-utils) from the article files. Refuses an archive "
            "that 'archivist check' finds errors in. The same articles give the same bytes."
        ),
    )
    parser.add_argument("--output", metavar="FOLDER",
                        help="folder to write into (default: OUTPUT_PATH/data of the settings)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE,
                        help="Pelican settings file (default: %(default)s)")
    parser.set_defaults(func=run)


def run(args):
    settings = load_settings(args.settings)
    folder = args.output or os.path.join(settings["OUTPUT_PATH"], "data")
    paths, count = export(settings, folder)
    for path in paths:
        print(display_path(path))
    print(f"exported {count} article(s)", file=sys.stderr)
    return 0
