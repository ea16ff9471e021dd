"""``archivist dist [OUTPUT]``: the offline copy of the site as one zip (``make dist``)."""

from ..dist import DEFAULT_OUTPUT, make_dist
from ..settings import DEFAULT_SETTINGS_FILE


def configure(subparsers):
    parser = subparsers.add_parser(
        "dist",
        help="build the site for reading from disk and zip it",
        description=(
            "Build the archive for reading from disk (relative links, search included) and zip it "
            "as OUTPUT/<archive>-<date>.zip, dated by the newest article; the same content always "
            "gives the same bytes. Prints the zip's path."
        ),
    )
    parser.add_argument("output", nargs="?", default=DEFAULT_OUTPUT, metavar="OUTPUT",
                        help="folder for the zip (default: %(default)s)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE,
                        help="Pelican settings file (default: %(default)s)")
    parser.add_argument("--content", help="content folder (default: PATH of the settings)")
    parser.set_defaults(func=run)


def run(args):
    print(make_dist(args.output, args.settings, args.content))
    return 0
