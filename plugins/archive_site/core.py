"""What the theme needs beyond Pelican's context, as plain functions on plain data.

Nothing here imports Pelican: the plugin's signal receivers (``__init__.py``)
adapt Pelican objects to these functions and back.
"""

import collections
import heapq
import itertools
import math
import re
import time
from datetime import datetime, timezone

from archivist import build_cache, html_text
from archivist.html_text import NOT_TEXT, html_to_text, markup_key, reused_by_markup  # noqa: F401
from archivist.settings import merge_options

# The one namespaced setting of the plugin, ARCHIVE_SITE = {...}, is merged
# over these defaults.
DEFAULTS = {
    # Reading time: words of the body / words_per_minute, at least one minute.
    "words_per_minute": 200,
    # At most this many related articles under each article.
    "related_max": 5,
    # Write robots.txt at the root of the output.
    "robots_txt": True,
    # Atom entries carry the summary only, never the full text (Pelican's
    # RSS_FEED_SUMMARY_ONLY does not apply to Atom).
    "feed_summary_only": True,
}

WHOLE_NUMBER_MINIMUMS = {"words_per_minute": 1, "related_max": 0}

# Used for the sitemap's index pages when the archive has no article at all.
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# Code is not read at reading speed: left out of the word count.
NOT_READ = NOT_TEXT | {"pre", "code"}

WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def merge_settings(user):
    """DEFAULTS with the user's ARCHIVE_SITE values over them; a new dict.

    Raises PluginSettingsError naming the bad key or value and how to fix it.
    """
    return merge_options("ARCHIVE_SITE", user, DEFAULTS, minimums=WHOLE_NUMBER_MINIMUMS,
                         flags=("robots_txt", "feed_summary_only"))


def count_words(markup):
    """Words in the text of an HTML fragment; "don't" and "30-day" are one word each."""
    return len(WORD.findall(html_to_text(markup, skipped=NOT_READ)))


def word_counts(markups, known):
    """(word count of each of ``markups``, {markup_key: count} of them all), reusing ``known``."""
    return reused_by_markup(markups, known, count_words)


def counting_rules():
    """A digest of what a word count depends on besides the HTML: the counting code and Python.

    Stored with the cached counts, so a change to this module or to
    archivist.html_text counts every body again. None if a source is unreadable.
    """
    return build_cache.code_rules(__file__, html_text.__file__)


def load_word_counts(path, rules):
    """{markup_key: count} saved at ``path`` under the same ``rules``; {} for anything else.

    A missing, damaged or outdated cache only means counting again.
    """
    counts = build_cache.load(path, rules)
    if isinstance(counts, dict) and all(type(count) is int for count in counts.values()):
        return dict(counts)
    return {}


def save_word_counts(path, rules, counts):
    """Write the counts atomically: a crash leaves the old file or the new one, never half of one."""
    build_cache.save(path, rules, counts)


def reading_time(words, words_per_minute=DEFAULTS["words_per_minute"]):
    """Whole minutes to read ``words`` words, rounded up, at least 1."""
    return max(1, math.ceil(words / words_per_minute))


def sort_key(item):
    """Date order with a stable tie-break: (date, slug)."""
    return (item["date"], item["slug"])


def neighbours(items):
    """{slug: (previous, next)} in date order: previous is older, next is newer (or None)."""
    ordered = sorted(items, key=sort_key)
    result = {}
    for index, item in enumerate(ordered):
        older = ordered[index - 1]["slug"] if index > 0 else None
        newer = ordered[index + 1]["slug"] if index + 1 < len(ordered) else None
        result[item["slug"]] = (older, newer)
    return result


def equal_only_to_themselves(objects):
    """Do all ``objects`` compare equal only to themselves (their classes define no ``__eq__``)?

    Then ``x in some_list`` is an identity test, which an index by ``id`` can answer.
    """
    return all(cls.__eq__ is object.__eq__ for cls in {type(item) for item in objects})


def index_by_identity(ordered):
    """{id(item): [its positions in ``ordered``]}, for ``members_in_order``."""
    index = {}
    for position, item in enumerate(ordered):
        index.setdefault(id(item), []).append(position)
    return index


def members_in_order(ordered, index, members):
    """``[item for item in ordered if item in members]`` for items equal only to themselves.

    ``index`` is ``index_by_identity(ordered)``. The comprehension scans all
    of ``ordered`` for each call; this looks each member up instead, so the
    cost follows the length of ``members``.
    """
    positions = sorted({position for member in members for position in index.get(id(member), ())})
    return [ordered[position] for position in positions]


def relatedness(a, b):
    """Shared tags, plus one for the same topic."""
    return len(set(a["tags"]) & set(b["tags"])) + (1 if a["topic"] == b["topic"] else 0)


def related(item, items, limit=DEFAULTS["related_max"]):
    """Slugs of the articles most related to ``item``, best first, at most ``limit``.

    Score: shared tags plus one for the same topic; articles that share
    nothing are left out. Ties go to the newer article, then to the smaller slug.
    """
    scored = []
    for other in items:
        if other["slug"] == item["slug"]:
            continue
        score = relatedness(item, other)
        if score > 0:
            scored.append((score, other))
    scored.sort(key=lambda pair: _ranking(*pair))
    return [other["slug"] for _, other in scored[:limit]]


def _ranking(score, other):
    """Sort key: higher score first, then newer, then smaller slug."""
    return (-score, -other["date"].timestamp(), other["slug"])


def related_all(items, limit=DEFAULTS["related_max"]):
    """{slug: related slugs} for every item: the same answer as ``related``, faster.

    ``related`` compares every pair (quadratic: 10^8 pairs at 10,000
    articles). Here only articles that share a tag are scored, through an
    index from tag to articles; articles that share only the topic all score
    1, so each topic's best ones in ranking order fill the rest. Slugs are
    unique (archive_guard refuses a duplicate).

    Items are numbered once in ranking order (newer first, then smaller
    slug), so a candidate is the pair (-score, number) and the best ``limit``
    are picked by ``heapq.nsmallest``: each date's timestamp is taken once,
    not for every candidate of every article (900,000 times at 5,000
    articles), and candidate lists are not sorted whole to keep five.
    """
    ranked = sorted(items, key=lambda item: _ranking(0, item))
    topics = [item["topic"] for item in ranked]
    by_tag = {}
    by_topic = {}
    for number, item in enumerate(ranked):
        for tag in set(item["tags"]):
            by_tag.setdefault(tag, []).append(number)
        by_topic.setdefault(item["topic"], []).append(number)

    result = {}
    for number, item in enumerate(ranked):
        shared = collections.Counter(itertools.chain.from_iterable(by_tag[tag] for tag in set(item["tags"])))
        del shared[number]
        topic = item["topic"]
        candidates = [(-count - (topics[other] == topic), other) for other, count in shared.items()]
        # Topic-only matches (score 1): the best `limit` of them are enough.
        taken = 0
        for other in by_topic[topic]:
            if taken >= limit:
                break
            if other != number and other not in shared:
                candidates.append((-1, other))
                taken += 1
        result[item["slug"]] = [ranked[other]["slug"] for _, other in heapq.nsmallest(limit, candidates)]
    return {item["slug"]: result[item["slug"]] for item in items}


def related_rules(items, limit):
    """The rules under which kept related lists hold: what ``related_all`` reads, and its code.

    Every item's slug, date (with its zone), topic and tags in order, the
    limit, and the machine's zone (a naive date's timestamp depends on it).
    An edit of an article's body changes none of them, so the lists are kept;
    a new article or a retagged one changes them and all are computed again.
    """
    read = [(item["slug"], item["date"].isoformat(), str(item["date"].tzinfo), item["topic"], tuple(item["tags"]))
            for item in items]
    return build_cache.code_rules(__file__, extra=(limit, read, time.timezone, time.altzone, time.tzname))


def _words(text):
    return [word.casefold() for word in WORD.findall(text)]


def standfirst(summary, body_markup):
    """The summary to show under the headline, or None when it only repeats the lead's opening.

    The importer's summary is often the lead's first sentences word for word:
    shown above the lead, the reader reads it twice. Words are compared (case,
    spacing and punctuation aside); only the body's first paragraphs are read.
    """
    summary = html_to_text(summary or "").strip()
    if not summary:
        return None
    wanted = _words(summary)
    opening = _words(html_to_text(body_markup[:len(summary) * 4 + 2000]))
    return None if opening[:len(wanted)] == wanted else summary


def summary_only(description, content):
    """(description, content) of a feed entry without its full text.

    Pelican drops an Atom entry's summary when it equals the full text; the
    text then stands in as the summary.
    """
    return (content if description is None else description), None


def newest_date(items):
    """The latest of each item's ``modified`` or ``date``; EPOCH for no items."""
    dates = [item.get("modified") or item["date"] for item in items]
    return max(dates, default=EPOCH)


_SITEMAP_DATES = {}  # (naive date and time, UTC offset) -> lastmod text


def sitemap_date(when):
    """pelican-sitemap's ``format_date``: the same text, made once per distinct date.

    Its ``date.strftime`` is Pelican's SafeDatetime.strftime, which formats
    each directive apart in Python: 1.2 s of every build at 5,000 articles,
    where the sitemap dates some 15,000 pages, most of them index pages with
    one same date. The text depends on the date's fields and UTC offset
    alone, so that pair is the key (equal instants in other zones differ).
    """
    key = (when.replace(tzinfo=None), when.utcoffset())
    found = _SITEMAP_DATES.get(key)
    if found is None:
        # datetime's own strftime: for these directives Pelican's gives the same text.
        if key[1] is not None:
            zone = datetime.strftime(when, "%z")
            zone = zone[:-2] + ":" + zone[-2:]
        else:
            zone = "-00:00"
        found = _SITEMAP_DATES[key] = datetime.strftime(when, "%Y-%m-%dT%H:%M:%S") + zone
    return found


def is_absolute_url(url):
    return bool(re.match(r"^https?://[^/]", url or ""))


def robots_txt(siteurl, sitemap="sitemap.xml"):
    """robots.txt allowing everything; it names the sitemap only at an absolute address.

    robots.txt requires an absolute sitemap URL, so a relative build (SITEURL
    empty or relative) leaves the Sitemap line out rather than guess one.
    """
    lines = ["User-agent: *", "Allow: /"]
    if is_absolute_url(siteurl):
        lines += ["", f"Sitemap: {siteurl.rstrip('/')}/{sitemap}"]
    return "\n".join(lines) + "\n"


def topic_summaries(topics, counts):
    """One entry per topic of the taxonomy that has articles, in taxonomy order.

    ``topics``: ARCHIVE_TOPICS (name -> description); ``counts``: name ->
    number of articles. Returns dicts with name, description and count; a
    topic with articles but missing from the taxonomy gets an empty description.
    """
    names = [name for name in topics if counts.get(name)]
    names += sorted(name for name in counts if name not in topics and counts[name])
    return [{"name": name, "description": topics.get(name, ""), "count": counts[name]} for name in names]
