"""``archivist new "Headline" --category TOPIC``: start an article from the template."""

import datetime

from ..errors import InputError
from ..new import new_article
from ..settings import DEFAULT_SETTINGS_FILE, load_settings
from ..checks import display_path


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--date {text!r} is not a date: write it as YYYY-MM-DD") from None


def configure(subparsers):
    parser = subparsers.add_parser(
        "new",
        help="start a new article with complete front matter",
        description=(
            "Write a new article at content/articles/YYYY/YYYY-MM-DD-<slug>.md and print its "
            "path. Replace the TODO placeholders, then run 'archivist check'."
        ),
    )
    parser.add_argument("title", metavar="HEADLINE", help="the article's headline, in quotes")
    parser.add_argument("--category", required=True, metavar="TOPIC",
                        help="one of the topics of ARCHIVE_TOPICS in the settings")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="publication date (default: today in the archive's TIMEZONE)")
    parser.add_argument("--source", help="the publication the article comes from")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS_FILE,
                        help="Pelican settings file (default: %(default)s)")
    parser.set_defaults(func=run)


def run(args):
    settings = load_settings(args.settings)
    date = _date(args.date) if args.date else None
    print(display_path(new_article(args.title, args.category, settings, date=date, source=args.source)))
    return 0
