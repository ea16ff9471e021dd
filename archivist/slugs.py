"""ASCII slugs for article file names and URLs, unique within the archive."""

import re

from unidecode import unidecode

MAX_WORDS = 10
MAX_LENGTH = 80
_WORD = re.compile(r"[a-z0-9]+")


def slugify(text):
    """Lower-case ASCII words joined by hyphens: 'Café Müller's 5G' -> 'cafe-mullers-5g'."""
    ascii_text = unidecode(text).lower().replace("'", "")
    words = _WORD.findall(ascii_text)[:MAX_WORDS]
    slug = "-".join(words)
    while len(slug) > MAX_LENGTH and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug or "article"


def unique_slug(text, taken):
    """``slugify(text)``, with -2, -3, ... added when the slug is in ``taken``."""
    base = slugify(text)
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug
