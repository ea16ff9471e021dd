"""archive_site: reading time, previous/next, related articles, topic descriptions,
robots.txt, summary-only Atom feeds and a deterministic sitemap for the Archivist theme.

The receivers below only adapt Pelican objects to the plain functions of
``core`` (tested without Pelican) and put the results where templates see them:

- ``article.reading_time`` (minutes; the word count itself is not kept on
  the article: fast_build digests every attribute of an article shown in a
  list, and a count that changes with every typo fix would re-render them;
  counts are kept in CACHE_PATH by a hash of each body's HTML, so a rebuild
  turns only new or edited bodies into text);
- ``article.prev_article`` / ``article.next_article`` (older / newer, or None);
- ``article.related_articles`` (list of articles, best first);
- ``article.standfirst``: the summary, or None when it only repeats the lead's opening;
- ``archive_topics`` in the template context: dicts with name, description,
  count, url and slug, in ARCHIVE_TOPICS order; ``topic_descriptions``:
  topic name -> description.

Year, month and day pages, each topic by year, the entity pages and their index
are written by ``pages.BrowsingPagesGenerator`` (see ``pages``).

Pelican's tag, topic and author pages are written by its own methods, called
once per group so that each filters only that group's articles (see
``write_each_group_alone``), and its period archives one year at a time
(``build_period_archives_per_year``).

Setting: ARCHIVE_SITE = {...} merged over ``core.DEFAULTS``.
"""

import itertools
import logging
import os

from pelican import signals

from archivist import build_cache, pelican_compat

from . import core, pages

log = logging.getLogger(__name__)


def _plain(article):
    return {
        "slug": article.slug,
        "date": article.date,
        "modified": getattr(article, "modified", None),
        "topic": getattr(getattr(article, "category", None), "name", None),
        "tags": [tag.name for tag in getattr(article, "tags", [])],
    }


def speed_up_sitemap_dates():
    """pelican-sitemap formats the date of every page with Pelican's slow strftime: use
    ``core.sitemap_date`` (same text, tested) while its ``format_date`` is the one we know."""
    global SITEMAP_FORMAT_DATE
    original = pelican_compat.replace_sitemap_format_date(core.sitemap_date)
    if original is not None:
        SITEMAP_FORMAT_DATE = original


SITEMAP_FORMAT_DATE = None  # pelican-sitemap's own format_date, once replaced


# In CACHE_PATH: the word count of each body, by a hash of its HTML.
WORD_COUNTS_FILE = os.path.join("archive_site", "word_counts.pickle")


def _word_counts(articles, settings):
    """The word count of each article's body, counting only bodies the last build did not."""
    path = os.path.join(settings["CACHE_PATH"], WORD_COUNTS_FILE)
    rules = core.counting_rules()
    # Loaded when Pelican loads its content cache (not with `pelican --ignore-cache`).
    known = core.load_word_counts(path, rules) if settings.get("LOAD_CONTENT_CACHE") else {}
    counts, fresh = core.word_counts([pelican_compat.body_html(article) for article in articles], known)
    if rules is not None and fresh.keys() != known.keys():  # same keys: the same counts
        core.save_word_counts(path, rules, fresh)
    return counts


RELATED_FILE = os.path.join("archive_site", "related.pickle")


def _related(items, limit, settings):
    """``core.related_all``, kept in CACHE_PATH while what it reads is the same."""
    path = os.path.join(settings["CACHE_PATH"], RELATED_FILE)
    rules = core.related_rules(items, limit)
    kept = build_cache.load(path, rules) if settings.get("LOAD_CONTENT_CACHE") else None
    if isinstance(kept, dict):
        return kept
    related = core.related_all(items, limit)
    build_cache.save(path, rules, related)
    return related


def enrich_articles(generator):
    """article_generator_finalized: everything the templates read from the articles."""
    settings = core.merge_settings(generator.settings.get("ARCHIVE_SITE"))
    articles = list(generator.articles)
    plain = [_plain(article) for article in articles]
    by_slug = {article.slug: article for article in articles}

    around = core.neighbours(plain)
    related = _related(plain, settings["related_max"], generator.settings)
    words = _word_counts(articles, generator.settings)
    for article, item, count in zip(articles, plain, words):
        article.reading_time = core.reading_time(count, settings["words_per_minute"])
        older, newer = around[item["slug"]]
        article.prev_article = by_slug.get(older)
        article.next_article = by_slug.get(newer)
        article.related_articles = [by_slug[slug] for slug in related[item["slug"]]]
        article.standfirst = core.standfirst(article.metadata.get("summary"), pelican_compat.body_html(article))

    topics = generator.settings.get("ARCHIVE_TOPICS", {})
    categories = {category.name: (category, len(items)) for category, items in generator.categories}
    summaries = core.topic_summaries(topics, {name: count for name, (_, count) in categories.items()})
    for summary in summaries:
        category = categories[summary["name"]][0]
        summary["url"] = category.url
        summary["slug"] = category.slug
    generator.context["archive_topics"] = summaries
    generator.context["topic_descriptions"] = dict(topics)

    pelican_compat.set_sitemap_clock(core.newest_date(plain))


def write_each_group_alone(generator):
    """article_generator_finalized: Pelican writes each tag's and topic's page seeing that group only.

    For every group, Pelican's method picks the group's dates out of the whole
    archive (``[article for article in self.dates if article in articles]``):
    tags times articles membership tests, which grows with the square of the
    archive. A faster ``in`` does not help (the scan of the whole archive per
    tag is the cost), so on this generator each
    method is replaced by one that calls Pelican's own once per group, on a
    copy of the generator holding that group alone and, as ``dates``, the
    group's articles in date order: Pelican's code then writes the same pages
    from the same values, scanning a few articles per tag.

    Pelican's Content defines no ``__eq__``, so its ``in`` is an identity
    test, which an index by ``id`` answers; articles of a class that defines
    one are left to Pelican's own filtering.
    """
    pelican_compat.write_groups_one_at_a_time(generator, _group_plan)


def _group_plan(dates, pairs):
    """(group, articles, the group's dates) of each group with a page; None when ``in`` is not identity."""
    if not core.equal_only_to_themselves(itertools.chain(dates, *(articles for _, articles in pairs))):
        return None  # Pelican's `in` is not an identity test here: let it filter
    index = core.index_by_identity(dates)
    # A group without a page: Pelican's method would pick the group's dates,
    # then write to no file (AUTHOR_SAVE_AS = ""): for one author of every
    # article, a quadratic scan.
    return ((group, articles, core.members_in_order(dates, index, articles))
            for group, articles in pairs if getattr(group, "save_as", True))


def build_period_archives_per_year(generator):
    """article_generator_init: Pelican builds its year and month archives one year at a time.

    For each month Pelican picks the month's articles out of the whole archive
    (``[a for a in articles if a in dates]``, a scan of every article per
    period, growing with the square of the archive). Called on each year's articles alone, Pelican's own method builds the same
    archives, in the same order, scanning one year per period.
    """
    pelican_compat.build_period_archives_in_parts(generator, _year_parts)


def _year_parts(sorted_articles, articles):
    """The (sorted articles, articles) of each year in turn; None when ``in`` is not identity."""
    if not core.equal_only_to_themselves(itertools.chain(sorted_articles, articles)):
        return None
    return _each_year(sorted_articles, articles)


def _each_year(sorted_articles, articles):
    for year, dated in itertools.groupby(sorted_articles, key=lambda article: article.date.year):
        yield list(dated), [article for article in articles if article.date.year == year]


_CONTENT_GROUPS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                   "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def freeze_urls(generators):
    """all_generators_finalized: compute each article's and page's URL once.

    Pelican formats ``Content.url`` from the URL setting (dates, source path)
    on every access, and list pages read it some thirty times per article;
    nothing changes it once the generators are done. ``override_url`` is the
    attribute Pelican itself reads first (set from a ``url`` metadata key).
    ``save_as`` is left alone: overriding it would let a page overwrite
    another without Pelican's warning.
    """
    for generator in generators:
        for group in _CONTENT_GROUPS:
            for content in getattr(generator, group, ()) or ():
                pelican_compat.freeze_url(content)


def freeze_article_urls(generator):
    """article_generator_finalized: :func:`freeze_urls` for the articles, before the search
    index (forked at this signal, connected after this plugin) reads them all."""
    freeze_urls([generator])


def write_robots_txt(pelican):
    """finalized: robots.txt at the root of the output."""
    settings = core.merge_settings(pelican.settings.get("ARCHIVE_SITE"))
    if not settings["robots_txt"]:
        return
    path = os.path.join(pelican.output_path, "robots.txt")
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(core.robots_txt(pelican.settings.get("SITEURL", "")))
    log.debug("archive_site: wrote %s", path)


def trim_feed(context, feed):
    """feed_generated: Atom entries keep their summary and lose the full text."""
    if not core.merge_settings(context.get("ARCHIVE_SITE"))["feed_summary_only"]:
        return
    for entry in feed.items:
        entry["description"], entry["content"] = core.summary_only(entry.get("description"), entry.get("content"))


def start(pelican):
    """initialized: stop unless the patched packages are the versions the patches were written for."""
    pelican_compat.stop_unless_written_for(("pelican", "pelican-sitemap"))
    speed_up_sitemap_dates()


def register():
    signals.initialized.connect(start)
    signals.article_generator_init.connect(build_period_archives_per_year)
    signals.article_generator_finalized.connect(enrich_articles)
    signals.article_generator_finalized.connect(write_each_group_alone)
    signals.article_generator_finalized.connect(freeze_article_urls)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.feed_generated.connect(trim_feed)
    signals.finalized.connect(write_robots_txt)
    signals.get_generators.connect(pages.get_generators)
