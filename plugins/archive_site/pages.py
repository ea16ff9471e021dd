"""The browsing pages of the archive, written through Pelican's writer (so fast_build
leaves unchanged ones alone): year, month and day pages, each topic by year, the
entity pages and the entity index; and what the other pages show of them (the
home page's blocks, the Archives index, each topic's side column).

``BrowsingPagesGenerator`` only adapts: the work is in ``periods`` and
``entities`` (plain functions). Its context is computed after the articles'
generator is final; its pages are written after Pelican's.

Settings (pelicanconf.py): YEAR_PAGE_URL, MONTH_PAGE_URL, DAY_PAGE_URL,
TOPIC_YEAR_URL, TAG_URL, TAGS_URL, ENTITY_TYPE_URL, ENTITY_LETTER_URL (each
page is saved as its URL), TAG_MIN_ARTICLES, ENTITIES_FILE.
"""

import collections
import functools
import itertools
import logging
import os
import sys

from pelican.generators import Generator
from pelican.utils import slugify

from . import entities, periods

log = logging.getLogger(__name__)

DEFAULTS = {
    "YEAR_PAGE_URL": "{year}/index.html",
    "MONTH_PAGE_URL": "{year}/{month:02d}/index.html",
    "DAY_PAGE_URL": "{year}/{month:02d}/{day:02d}/index.html",
    "TOPIC_YEAR_URL": "topics/{slug}/{year}/index.html",
    "ENTITY_TYPE_URL": "entities/{type}/index.html",
    "ENTITY_LETTER_URL": "entities/{type}/{letter}/index.html",
    "TAG_MIN_ARTICLES": 2,
    "ENTITIES_FILE": "entities.yml",
}
# How much of each list the light pages show.
HOME_TOPIC_ARTICLES = 3
ON_THIS_DAY_YEARS = 5
ON_THIS_DAY_ARTICLES = 2
SIDEBAR_ENTITIES = 12
RELATED_ENTITIES = 10
INDEX_TOP_ENTITIES = 24


def setting(settings, name):
    return settings.get(name, DEFAULTS[name])


def _day(article):
    date = article.date
    return (date.year, date.month, date.day)


def _period_urls(settings):
    return {1: setting(settings, "YEAR_PAGE_URL"), 2: setting(settings, "MONTH_PAGE_URL"),
            3: setting(settings, "DAY_PAGE_URL")}


def _link(label, url, **more):
    return {"label": label, "url": url, **more}


def entity_types(settings):
    """{tag slug: type} from ENTITIES_FILE in the content folder ({} when there is none)."""
    path = os.path.join(settings["PATH"], setting(settings, "ENTITIES_FILE"))
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except FileNotFoundError:
        return {}
    regex_subs = settings.get("TAG_REGEX_SUBSTITUTIONS", settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    preserve_case = settings.get("SLUGIFY_PRESERVE_CASE", False)
    slug_of = functools.partial(slugify, regex_subs=regex_subs, preserve_case=preserve_case)
    try:
        return entities.parse_entity_types(text, os.path.relpath(path), slug_of)
    except entities.EntitiesFileError as error:
        # One unwrapped line, as archive_guard prints (Pelican's console would wrap the path).
        stream = sys.__stderr__ or sys.stderr
        stream.write(f"{error}\n")
        stream.flush()
        raise


class BrowsingPagesGenerator(Generator):
    """Date, topic-by-year and entity pages (see the module's docstring)."""

    def generate_context(self):
        settings = self.settings
        articles = list(self.context.get("articles") or [])  # newest first (ARTICLE_ORDER_BY)
        self.urls = _period_urls(settings)
        self.articles = articles
        by_year, by_month, by_day = periods.count_periods([_day(article) for article in articles])
        self.counts = (by_year, by_month, by_day)
        self.context["date_years"] = self._date_years(by_year, by_month)
        self.context["on_this_day"] = self._on_this_day(by_day)
        self._entities(articles)
        self.context["latest_by_topic"] = self._latest_by_topic()
        self.context["topic_sidebars"] = self._topic_sidebars()

    # --- dates ---------------------------------------------------------------

    def _date_years(self, by_year, by_month):
        """Newest year first, each with its twelve months (count 0 and no URL when empty)."""
        years = []
        for (year,) in sorted(by_year, reverse=True):
            months = [{"month": month, "name": periods.month_name(month), "count": by_month.get((year, month), 0),
                       "url": periods.period_url((year, month), self.urls) if (year, month) in by_month else None}
                      for month in range(1, 13)]
            years.append({"year": year, "count": by_year[year,], "url": periods.period_url((year,), self.urls),
                          "months": months})
        return years

    def _on_this_day(self, by_day):
        """The newest day's calendar day in other years, for the home page: the archive's own
        "today", so the page does not depend on when it was built."""
        today = periods.newest_day(by_day)
        if today is None:
            return None
        years = []
        for year, count in periods.same_day_other_years(today, by_day)[:ON_THIS_DAY_YEARS]:
            period = (year, today[1], today[2])
            years.append({"year": year, "count": count, "url": periods.period_url(period, self.urls),
                          "articles": self._day_groups[period][:ON_THIS_DAY_ARTICLES]})
        return {"label": f"{today[2]} {periods.month_name(today[1])}", "years": years}

    @functools.cached_property
    def _day_groups(self):
        """{(year, month, day): its articles, newest first}."""
        groups = collections.defaultdict(list)
        for article in self.articles:
            groups[_day(article)].append(article)
        return dict(groups)

    @functools.cached_property
    def _topic_groups(self):
        """[(category, its articles newest first)], in the order of Pelican's categories."""
        members = collections.defaultdict(list)
        for article in self.articles:
            category = getattr(article, "category", None)
            if category is not None:
                members[category.slug].append(article)
        return [(category, members[category.slug]) for category, _ in self.context.get("categories") or []]

    # --- topics --------------------------------------------------------------

    def _latest_by_topic(self):
        by_name = {category.name: articles for category, articles in self._topic_groups}
        found = []
        for topic in self.context.get("archive_topics") or []:
            articles = by_name.get(topic["name"]) or []
            found.append({"name": topic["name"], "url": topic["url"], "articles": articles[:HOME_TOPIC_ARTICLES]})
        return found

    def _topic_sidebars(self):
        """{topic slug: {"years": [...], "entities": [...]}} for the topic pages' side column."""
        url = setting(self.settings, "TOPIC_YEAR_URL")
        sidebars = {}
        for category, articles in self._topic_groups:
            years = collections.Counter(article.date.year for article in articles)
            listed = [{"year": year, "name": str(year), "count": years[year], "url": url.format(slug=category.slug, year=year)}
                      for year in sorted(years, reverse=True)]
            used = collections.Counter(tag.slug for article in articles for tag in getattr(article, "tags", ()))
            top = entities.most_used_first([slug for slug in used if slug in self.paged], used, self.tag_names)
            sidebars[category.slug] = {
                "years": listed,
                "entities": [self._entity_link(slug, used[slug]) for slug in top[:SIDEBAR_ENTITIES]],
            }
        return sidebars

    # --- entities ------------------------------------------------------------

    def _entities(self, articles):
        settings = self.settings
        members = collections.defaultdict(list)
        for article in articles:
            for tag in dict.fromkeys(getattr(article, "tags", ())):
                members[tag.slug].append(article)
        tags = {tag.slug: (tag, members[tag.slug]) for tag, _ in self.context.get("tags") or []}
        self.tags = tags
        self.tag_names = {slug: tag.name for slug, (tag, _) in tags.items()}
        types = entity_types(settings)
        self.types = {slug: types.get(slug, entities.UNTYPED) for slug in tags}
        tagged = [(article.date.year, [tag.slug for tag in getattr(article, "tags", ())]) for article in articles]
        counts, years = entities.tag_usage(tagged)
        self.tag_counts = counts
        self.tag_years = years
        self.paged = entities.with_pages(counts, setting(settings, "TAG_MIN_ARTICLES"))
        self.related = entities.co_occurring(tagged, self.paged, counts, RELATED_ENTITIES)
        self.context["entity_pages"] = {slug: self.types[slug] for slug in sorted(self.paged)}
        self.context["entity_index"] = self._entity_index()

    def _entity_link(self, slug, count=None):
        tag = self.tags[slug][0]
        return {"name": tag.name, "url": tag.url, "count": self.tag_counts[slug] if count is None else count,
                "type": self.types[slug]}

    def _by_type(self):
        grouped = collections.defaultdict(list)
        for slug in self.paged:
            grouped[self.types[slug]].append(slug)
        return grouped

    def _entity_index(self):
        grouped = self._by_type()
        index = []
        for kind in entities.TYPES:
            slugs = grouped.get(kind)
            if not slugs:
                continue
            top = entities.most_used_first(slugs, self.tag_counts, self.tag_names)[:INDEX_TOP_ENTITIES]
            index.append({"type": kind, "label": entities.TYPE_LABELS[kind], "count": len(slugs),
                          "url": setting(self.settings, "ENTITY_TYPE_URL").format(type=kind),
                          "top": [self._entity_link(slug) for slug in top]})
        return index

    # --- writing -------------------------------------------------------------

    def generate_output(self, writer):
        write = functools.partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        self._write_dates(write)
        self._write_topic_years(write)
        self._write_entities(write)

    def _write_dates(self, write):
        by_year, by_month, by_day = self.counts
        urls = self.urls
        home = _link("Home", "index.html")
        archives = _link("Archives", self.settings["ARCHIVES_URL"])

        def neighbour_links(period, around):
            older, newer = around[period]
            return ({"label": periods.period_label(newer), "url": periods.period_url(newer, urls)} if newer else None,
                    {"label": periods.period_label(older), "url": periods.period_url(older, urls)} if older else None)

        def crumbs(period):
            return [home, archives] + [_link(label, url) for label, url in periods.trail(period, urls)]

        template = self.get_template("year")
        around = periods.neighbours(by_year)
        for period in sorted(by_year):
            year = period[0]
            newer, older = neighbour_links(period, around)
            months = next(entry for entry in self.context["date_years"] if entry["year"] == year)["months"]
            write(periods.period_url(period, urls), template, self.context, template_name="year",
                  url=periods.period_url(period, urls), period=period, period_label=str(year),
                  period_count=by_year[period], months=months, newer_period=newer, older_period=older,
                  trail=crumbs(period))

        template = self.get_template("month")
        around = periods.neighbours(by_month)
        groups = self._day_groups
        for (year, month), of_month in itertools.groupby(self._oldest_first_days(), key=lambda day: day[:2]):
            period = (year, month)
            newer, older = neighbour_links(period, around)
            days = [{"label": periods.day_label(day), "weekday": periods.weekday_name(day), "day": day[2],
                     "url": periods.period_url(day, urls), "articles": groups[day]}
                    for day in sorted(of_month, reverse=True)]
            write(periods.period_url(period, urls), template, self.context, template_name="month",
                  url=periods.period_url(period, urls), period=period,
                  period_label=periods.period_label(period), period_count=by_month[period],
                  weeks=periods.month_weeks(year, month, by_day), days=days,
                  day_url=urls[3], newer_period=newer, older_period=older, trail=crumbs(period))

        template = self.get_template("day")
        around = periods.neighbours(by_day)
        for day in self._oldest_first_days():
            newer, older = neighbour_links(day, around)
            other_years = [{"year": year, "count": count, "url": periods.period_url((year, day[1], day[2]), urls),
                            "name": periods.day_label((year, day[1], day[2]))}
                           for year, count in periods.same_day_other_years(day, by_day)]
            write(periods.period_url(day, urls), template, self.context, template_name="day",
                  url=periods.period_url(day, urls), period=day, period_label=periods.day_label(day),
                  weekday=periods.weekday_name(day), articles=groups[day], period_count=by_day[day],
                  other_years=other_years, newer_period=newer, older_period=older, trail=crumbs(day))

    def _oldest_first_days(self):
        return sorted(self._day_groups)

    def _write_topic_years(self, write):
        template = self.get_template("topic_year")
        url = setting(self.settings, "TOPIC_YEAR_URL")
        sidebars = self.context["topic_sidebars"]
        for category, articles in self._topic_groups:
            for year, of_year in itertools.groupby(articles, key=lambda article: article.date.year):
                of_year = list(of_year)
                page_url = url.format(slug=category.slug, year=year)
                crumbs = [_link("Home", "index.html"), _link("Topics", self.settings["CATEGORIES_URL"]),
                          _link(category.name, category.url), _link(str(year), page_url)]
                write(page_url, template, self.context, template_name="topic_year", url=page_url,
                      category=category, year=year, articles=of_year, dates=of_year,
                      paginated={"articles": of_year}, sidebar=sidebars[category.slug], trail=crumbs)

    def _write_entities(self, write):
        settings = self.settings
        index_url = settings["TAGS_URL"]
        home, index = _link("Home", "index.html"), _link("Tags", index_url)
        write(index_url, self.get_template("tags"), self.context, template_name="tags", url=index_url,
              trail=[home, index])

        template = self.get_template("tag")
        for slug in sorted(self.paged):
            tag, articles = self.tags[slug]
            kind = self.types[slug]
            entity = {
                "type": kind, "type_name": entities.TYPE_NAMES[kind], "type_label": entities.TYPE_LABELS[kind],
                "type_url": setting(settings, "ENTITY_TYPE_URL").format(type=kind),
                "years": sorted(self.tag_years[slug].items(), reverse=True),
                "related": [self._entity_link(other) for other in self.related[slug]],
            }
            crumbs = [home, index, _link(entity["type_label"], entity["type_url"]), _link(tag.name, tag.url)]
            write(tag.url, template, self.context, template_name="tag", url=tag.url, tag=tag,
                  articles=articles, dates=articles, paginated={"articles": articles}, entity=entity,
                  trail=crumbs)

        template = self.get_template("entities")
        type_url = setting(settings, "ENTITY_TYPE_URL")
        letter_url = setting(settings, "ENTITY_LETTER_URL")
        for kind, slugs in sorted(self._by_type().items()):
            label = entities.TYPE_LABELS[kind]
            letters = collections.defaultdict(list)
            for slug in slugs:
                letters[entities.letter_of(self.tag_names[slug])].append(slug)
            jump = [{"letter": letter, "label": "0-9 …" if letter == "other" else letter.upper(),
                     "url": letter_url.format(type=kind, letter=letter) if letter in letters else None}
                    for letter in entities.LETTERS]
            base = {"entity_type": kind, "type_label": label, "type_url": type_url.format(type=kind),
                    "letters": jump, "type_count": len(slugs)}
            listed = [self._entity_link(slug) for slug in entities.most_used_first(slugs, self.tag_counts,
                                                                                   self.tag_names)]
            page_url = type_url.format(type=kind)
            write(page_url, template, self.context, template_name="entities", url=page_url, letter=None,
                  paginated={"entities": listed}, trail=[home, index, _link(label, page_url)], **base)
            for letter, of_letter in sorted(letters.items()):
                page_url = letter_url.format(type=kind, letter=letter)
                listed = [self._entity_link(slug) for slug in entities.alphabetical(of_letter, self.tag_names)]
                letter_label = "0-9 …" if letter == "other" else letter.upper()
                write(page_url, template, self.context, template_name="entities", url=page_url,
                      letter=letter_label, paginated={"entities": listed},
                      trail=[home, index, _link(label, base["type_url"]), _link(letter_label, page_url)],
                      **base)


def get_generators(pelican):
    """get_generators: add the browsing pages' generator (after Pelican's articles and pages)."""
    return BrowsingPagesGenerator
