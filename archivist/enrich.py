"""Step 3 of the import: give an article its title, summary, topic, tags and date.

Pure functions of the article's paragraphs and a ``Context`` (topic profiles,
the archive's tags, the reference date, the source). Values given in the
input (JSON Lines fields) win over inferred ones; ``--category`` wins over the
topic model. See ``archivist.dates`` for the date rule and
``archivist.topics`` for the topic rule.

Title: ``archivist.titles.headline`` (the lead made into a headline, or an
earnings table's net row).

Summary: the lead paragraph's sentences, as many as fit in 300 characters
(a first sentence longer than that is cut at its last comma or word that
fits, and ends with an ellipsis).

Tags: at least three (``tags.top_up``), even when the input gives fewer or
the text is short: then names and key phrases, then the topic and the source complete them.
"""

import dataclasses
import datetime

from . import dates, tags, titles, topics
from .words import sentences

SUMMARY_MAX = 300


@dataclasses.dataclass(frozen=True)
class Context:
    """What enrichment needs to know about the archive and the import."""

    profiles: dict
    existing_tags: tuple
    reference_date: datetime.date
    source: str = ""
    category: str = None  # --category: forces the topic

    @classmethod
    def create(cls, archive_topics, existing, reference_date, source="", category=None):
        """Build a context; ``existing`` is a list of (category, tags, body text) of filed articles."""
        filed = {}
        all_tags = []
        for category_name, article_tags, text in existing:
            filed.setdefault(category_name, []).append(text)
            for tag in article_tags or ():
                if tag not in all_tags:
                    all_tags.append(tag)
        profiles = topics.build_profiles(archive_topics, filed)
        return cls(profiles, tuple(all_tags), reference_date, source, category)


def enrich(paragraphs, context, given=None):
    """Front matter for an article (without slug): inferred values under the ``given`` ones."""
    given = dict(given or {})
    texts = [p.text for p in paragraphs if not p.heading]
    body_text = "\n".join(texts)
    meta = {
        "title": given.get("title") or titles.headline(texts),
        "date": dates.parse_date(given["date"], "date") if given.get("date")
        else dates.article_date(texts, context.reference_date),
        "category": given.get("category") or context.category or topics.classify(body_text, context.profiles),
        "tags": given.get("tags") or tags.choose(texts, context.existing_tags, exclude=(context.source,)),
        "summary": given.get("summary") or make_summary(texts[0] if texts else ""),
        "source": given.get("source") or context.source,
    }
    if len(meta["tags"]) < tags.MIN_TAGS:
        meta["tags"] = tags.top_up(meta["tags"], texts, context.existing_tags, (context.source,),
                                   (meta["category"], meta["source"]))
    if given.get("source_url"):
        meta["source_url"] = given["source_url"]
    return meta


def make_summary(lead, limit=SUMMARY_MAX):
    """The lead's first sentences within ``limit`` characters (see the module docstring)."""
    parts = sentences(lead) or [lead]
    summary = ""
    for sentence in parts:
        candidate = f"{summary} {sentence}".strip()
        if len(candidate) > limit:
            break
        summary = candidate
    if summary:
        return summary
    cut = parts[0][: limit - 1]
    cut = cut[: cut.rfind(",")] if "," in cut[limit // 2:] else cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "\u2026"
