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
            "Check article files as the build does: front matter, topic, tags, slug, "
            "date, unsafe HTML and near-duplicates. Exits 1 on any error "
            "(and on warnings with --strict)."
        ),
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="article files or folders to check (default: every article)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE,
                        help="Pelican settings file (default: %(default)s)")
    parser.add_argument("--format", choices=tuple(checks.FORMATS), default="text",
                        help="'github' prints GitHub Actions annotations (default: text)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.set_defaults(func=run)


def expand(paths, settings):
    """Files named by ``paths``: files as given; folders walked, leaving out pages."""
    pages = [os.path.join(os.path.abspath(settings["PATH"]), p) for p in settings.get("PAGE_PATHS", ())]
    files = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(
                f for f in checks.walk_files(path)
                if not any(os.path.abspath(f).startswith(page + os.sep) for page in pages)
            )
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise InputError("no such file or folder: check the path", path=path)
    return sorted(files)


def run(args):
    settings = load_settings(args.settings)
    archive = checks.archive_files(settings)
    targets = expand(args.paths, settings) if args.paths else archive
    findings = checks.check_files(targets, settings, archive=archive)
    for finding in findings:
        print(checks.FORMATS[args.format](finding))
    errors, warnings = checks.counts(findings)
    print(f"checked {len(targets)} article(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0
