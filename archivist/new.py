"""Start a new article: complete front matter at the archive's conventional path.

The article is a draft (``status: draft``): ``make site`` and ``make serve``
show it, marked as a draft, and ``make publish`` leaves it out. Fields the
contributor must write (tags, summary, the text) are TODO placeholders:
warnings in a draft, so that it can be previewed; ``archivist check
--strict`` (CI on pull requests) fails until they are replaced and the
status line is deleted.
"""

import difflib
import os

from .errors import InputError, write_error
from .frontmatter import render
from .settings import articles_dir
from .checks import PLACEHOLDER_RE, archive_files, archive_today, options, read_file
from .checks.rules import DRAFT
from .slugs import article_slug, effective_slug

PLACEHOLDER_BODY = (
    "TODO: write the article here, one paragraph per line, in Markdown.\n\n"
    "Start with the most important facts; keep the source's wording for quotes."
)


def topic(name, settings):
    """The topic named ``name`` (case-insensitive), or InputError suggesting the closest."""
    topics = list(settings["ARCHIVE_TOPICS"])
    by_fold = {t.casefold(): t for t in topics}
    if name.casefold() in by_fold:
        return by_fold[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(by_fold), n=1, cutoff=0.6)
    hint = f"did you mean '{by_fold[close[0]]}'? " if close else ""
    raise InputError(f"unknown topic '{name}': {hint}use one of {', '.join(topics)}")


def article_path(settings, date, slug):
    """``<articles>/YYYY/YYYY-MM-DD-<slug>.md``."""
    return os.path.join(articles_dir(settings), f"{date:%Y}", f"{date.isoformat()}-{slug}.md")


def new_article(title, category, settings, date=None, source=None):
    """Write a new article file and return its path; never overwrites.

    Raises InputError for an empty headline, an unknown topic, a slug that
    another article already uses, or an existing file.
    """
    title = " ".join(str(title).split())
    if not title or PLACEHOLDER_RE.search(title):
        raise InputError("the headline is empty: pass the article's headline in quotes")
    date = date or archive_today(settings)  # the day archivist check takes for today
    meta = {
        "title": title,
        "date": date,
        "category": topic(category, settings),
        "tags": ["TODO"],
        "summary": "TODO: one or two sentences saying what happened.",
        "source": source or "TODO: the publication the article comes from",
        "slug": None,
        "status": DRAFT,
    }
    slug = article_slug(title, settings)
    if not slug:
        raise InputError(f"cannot make a web address (slug) from the headline {title!r}: use letters or digits")
    meta["slug"] = slug
    opts = options(settings)
    for path in archive_files(settings):
        if not path.endswith(".md"):
            continue
        parsed = read_file(path, opts)
        if parsed.readable and effective_slug(parsed.meta, settings) == slug:
            raise InputError(
                f"the slug '{slug}' is already used by {path}: change the headline or edit that article",
            )
    path = article_path(settings, date, slug)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            try:
                handle.write(render(meta, PLACEHOLDER_BODY))
                handle.flush()
            except OSError:
                os.unlink(path)  # a full disk: no half-written article left behind
                raise
    except FileExistsError:
        raise InputError("already exists: edit it, or choose another headline or date", path=path) from None
    except OSError as exc:
        raise write_error(exc, path) from None
    return path
