"""``archivist check [PATH...]``: validate articles as the build will."""

import os
import sys

from ..errors import InputError
from ..settings import DEFAULT_SETTINGS_FILE, load_settings
from .. import checks


def configure(subparsers):
    parser = subparsers.add_parser(
        "check",
        help="validate articles (default: the whole archive)",
        description=(
            "Check article and page files as the build does: front matter, topic, tags, slug, "
            "date, unsafe HTML and near-duplicates. Exits 1 on any error "
            "(and on warnings, drafts among them, with --strict)."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders to check (default: every article and page)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE,
                        help="Pelican settings file (default: %(default)s)")
    parser.add_argument("--format", choices=tuple(checks.FORMATS), default="text",
                        help="'github' prints GitHub Actions annotations (default: text)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on warnings too: drafts and their TODOs (CI uses it on pull requests)")
    parser.set_defaults(func=run)


def expand(paths):
    """Files named by ``paths``: files as given; folders walked, hidden Markdown files included (they are reported)."""
    files = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(f for f in checks.walk_files(path, hidden=True)
                         if f.endswith(".md") or not checks.is_hidden(f))
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise InputError("no such file or folder: check the path", path=path)
    return sorted(files)


def run(args):
    settings = load_settings(args.settings)
    archive = checks.content_files(settings)
    targets = expand(args.paths) if args.paths else archive
    findings = checks.check_files(targets, settings, archive=archive)
    for finding in findings:
        print(checks.FORMATS[args.format](finding))
    errors, warnings = checks.counts(findings)
    print(f"checked {len(targets)} file(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0
