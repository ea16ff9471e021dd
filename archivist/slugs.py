"""The one slug rule: Pelican's ``slugify`` with the settings' substitutions.

``pelican_slug`` is the slug Pelican gives an article without a ``slug`` key
(``archivist check`` compares those). ``article_slug`` is the slug ``archivist
import`` and ``archivist new`` write into the front matter: the same rule,
kept to ASCII words (the form ``archivist check`` accepts) and to at most
MAX_WORDS words and MAX_LENGTH characters, so that a long headline still
gives a short address.
"""

import functools
import re

MAX_WORDS = 10
MAX_LENGTH = 80
# The form of a slug ``archivist check`` accepts: a-z, 0-9 and single hyphens.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FALLBACK = "article"
# The settings Pelican slugs a title with.
SETTINGS = ("SLUG_REGEX_SUBSTITUTIONS", "SLUGIFY_PRESERVE_CASE", "SLUGIFY_USE_UNICODE")
_WORD = re.compile(r"[a-z0-9]+")


def pelican_slug(text, settings, use_unicode=None, preserve_case=None):
    """``text`` slugified as Pelican slugs a title under ``settings``."""
    from pelican.utils import slugify

    return slugify(
        text,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False) if preserve_case is None else preserve_case,
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False) if use_unicode is None else use_unicode,
    )


def effective_slug(meta, settings):
    """The slug Pelican will use: the ``slug`` key, else the title slugified as Pelican does."""
    slug = meta.get("slug")
    if slug not in (None, ""):
        return str(slug).strip()
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    return pelican_slug(title, settings)


def article_slug(title, settings):
    """The slug written for a new article: 'Café Müller's 5G' -> 'cafe-mullers-5g'.

    Pelican's rule in ASCII and lower case whatever SLUGIFY_USE_UNICODE and
    SLUGIFY_PRESERVE_CASE say (``archivist check`` requires that form), cut
    to whole words; empty when the title has no letter or digit.
    """
    words = _WORD.findall(pelican_slug(title, settings, use_unicode=False, preserve_case=False))
    slug = "-".join(words[:MAX_WORDS])
    while len(slug) > MAX_LENGTH and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug


def unique_slug(title, settings, taken):
    """``article_slug(title, settings)`` (or FALLBACK), with -2, -3, ... added when in ``taken``."""
    base = article_slug(title, settings) or FALLBACK
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


@functools.lru_cache(maxsize=65536)
def text_key(text):
    """``article_slug`` under Pelican's default settings: how the importer compares tags.

    The importer picks tags without the archive's settings at hand; two
    spellings with one key ("U.S." and "US") would share one tag page.
    """
    from pelican.settings import DEFAULT_CONFIG

    return article_slug(text, DEFAULT_CONFIG)
