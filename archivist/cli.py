"""The ``archivist`` command: a thin layer over the library.

Each subcommand lives in ``archivist.commands.<name>`` and exposes
``configure(subparsers)``, which adds its parser and sets ``func`` to a function
taking the parsed arguments and returning an exit status.
"""

import argparse
import importlib
import sys

from . import __version__
from .errors import ArchivistError

COMMANDS = ("import_", "new", "check", "dist", "export")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="archivist",
        description="Import, curate and check the articles of a news archive.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"archivist.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"archivist.commands.{name}":
                raise
            continue
        module.configure(subparsers)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ArchivistError as exc:
        print(f"archivist: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("archivist: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
