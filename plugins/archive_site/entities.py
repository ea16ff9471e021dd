"""Tags as entities, as plain functions on plain data: their types, which of them get a
page, how often and when they are used, and which others they appear with.

Types come from an entities file in the content folder (``ENTITIES_FILE``,
default ``entities.yml``), a YAML mapping of type to tag names::

    person:
      - Mao Ning
    organisation:
      - Chinese Foreign Ministry
    place:
      - Ukraine

A curator edits one line to retype an entity everywhere, and the articles'
``tags`` stay a plain list. A tag the file does not name is a subject.
Names are matched by slug, as Pelican matches tags, so "Hong Kong" in the
file types the tag "Hong kong" too.
"""

import collections
import unicodedata

import yaml

TYPES = ("person", "organisation", "place", "subject")
UNTYPED = "subject"
TYPE_NAMES = {"person": "Person", "organisation": "Organisation", "place": "Place", "subject": "Subject"}
TYPE_LABELS = {"person": "People", "organisation": "Organisations", "place": "Places", "subject": "Subjects"}
LETTERS = tuple("abcdefghijklmnopqrstuvwxyz") + ("other",)


class EntitiesFileError(ValueError):
    """A bad entities file; the message is ``path:line: error: ...`` with the fix."""


def parse_entity_types(text, path, slug_of):
    """{tag slug: type} from the text of an entities file; raises EntitiesFileError.

    ``slug_of`` turns a name into the slug Pelican gives that tag.
    """
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise EntitiesFileError(f"{path}:{line}: error: not valid YAML ({getattr(error, 'problem', error)}): "
                                f"write a mapping of type to a list of names") from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise EntitiesFileError(f"{path}:{root.start_mark.line + 1}: error: the entities file must map each type "
                                f"({', '.join(TYPES)}) to a list of names")
    types = {}
    where = {}
    for key, value in root.value:
        line = key.start_mark.line + 1
        kind = key.value if isinstance(key, yaml.ScalarNode) else None
        if kind not in TYPES:
            raise EntitiesFileError(f"{path}:{line}: error: unknown entity type {kind!r}: use one of {', '.join(TYPES)}")
        if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            raise EntitiesFileError(f"{path}:{line}: error: {kind} must be a list of names (lines starting with '- ')")
        for item in value.value:
            item_line = item.start_mark.line + 1
            if not isinstance(item, yaml.ScalarNode) or not item.value.strip():
                raise EntitiesFileError(f"{path}:{item_line}: error: each {kind} entry must be a name")
            slug = slug_of(item.value.strip())
            if slug in types and types[slug] != kind:
                raise EntitiesFileError(f"{path}:{item_line}: error: {item.value.strip()!r} is already a "
                                        f"{types[slug]} (line {where[slug]}): keep it under one type")
            types[slug] = kind
            where.setdefault(slug, item_line)
    return types


def letter_of(name):
    """The A-Z letter a name is filed under ("Émile" under "e"), or "other"."""
    for char in unicodedata.normalize("NFKD", name).lower():
        if char.isalnum():
            return char if "a" <= char <= "z" else "other"
    return "other"


def tag_usage(tagged):
    """Counts for ``tagged``, one (year, [tag slugs]) per article.

    Returns ({slug: articles}, {slug: {year: articles}}).
    """
    counts = collections.Counter()
    years = collections.defaultdict(collections.Counter)
    for year, slugs in tagged:
        for slug in set(slugs):
            counts[slug] += 1
            years[slug][year] += 1
    return dict(counts), {slug: dict(by_year) for slug, by_year in years.items()}


def with_pages(counts, minimum):
    """The slugs used by at least ``minimum`` articles: the entities that get a page."""
    return {slug for slug, count in counts.items() if count >= minimum}


def co_occurring(tagged, paged, counts, limit):
    """{slug: [other slugs]} for every slug of ``paged``: the paged entities seen with it
    most often, then the most used, then by slug; at most ``limit``."""
    together = collections.defaultdict(collections.Counter)
    for _, slugs in tagged:
        kept = sorted(set(slugs) & paged)
        for slug in kept:
            for other in kept:
                if other != slug:
                    together[slug][other] += 1
    result = {}
    for slug in paged:
        ranked = sorted(together[slug].items(), key=lambda pair: (-pair[1], -counts[pair[0]], pair[0]))
        result[slug] = [other for other, _ in ranked[:limit]]
    return result


def most_used_first(slugs, counts, names):
    """``slugs`` ordered by use, most used first, then by name (case-insensitively), then slug."""
    return sorted(slugs, key=lambda slug: (-counts[slug], names[slug].casefold(), slug))


def alphabetical(slugs, names):
    return sorted(slugs, key=lambda slug: (names[slug].casefold(), slug))
