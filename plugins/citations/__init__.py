"""citations: an archive others can cite, link and follow.

- JSON-LD (schema.org NewsArticle, CollectionPage, BreadcrumbList), Open
  Graph and Twitter card tags: ``article.structured_data``,
  ``article.open_graph`` and the Jinja filters ``json_ld`` (JSON that stays
  inert inside ``<script>``) and ``collection_page`` (a list page's
  CollectionPage from its breadcrumb trail);
- "Cite this article": ``article.citations`` ({apa, bibtex, ris, csl_json}:
  text), ``article.citation_files`` (label, path, media type) and the files
  themselves beside each article page (``YYYY/MM/slug.bib``, ``.ris``, ``.json``);
- JSON Feed 1.1 of the archive and of each topic, beside the Atom feeds;
- corrections: ``article.corrections`` (the valid ``updates:`` items, oldest
  first, as dicts), ``article.date_modified`` and the "Updates and
  corrections" page (template ``updates.html``).

Citation files and feeds are rewritten only when their bytes change, and
those of a removed article or topic are deleted (the list of what was
written is kept in CACHE_PATH). The receivers only adapt Pelican objects
to ``core``. Setting: CITATIONS = {...} merged over ``core.DEFAULTS``.
"""

import functools
import json
import os

from markupsafe import Markup
from pelican import signals

from archivist import pelican_compat, updates
from archivist.files import remove_unlisted, write_if_changed

from . import core


def _settings(pelican_settings):
    return core.merge_settings(pelican_settings.get("CITATIONS"))


def json_ld(value):
    return Markup(core.json_for_script(value))


def _collection_page(site_name, siteurl, trail, description):
    return core.collection_page([list(step) for step in trail], str(description), site_name, siteurl)


def add_filters(generator):
    """generator_init: the Jinja filters and the JSON Feed paths the theme reads."""
    settings = generator.settings
    options = _settings(settings)
    generator.env.filters["json_ld"] = json_ld
    generator.env.filters["collection_page"] = functools.partial(
        _collection_page, settings.get("SITENAME", ""), settings.get("SITEURL", ""))
    generator.context["JSON_FEED_ALL"] = options["json_feed_all"] or ""
    generator.context["JSON_FEED_TOPIC"] = options["json_feed_topic"] or ""
    generator.context["UPDATES_URL"] = options["updates_save_as"] or ""


def record_of(article, siteurl):
    """The plain record ``core`` reads (see its docstring) of a Pelican article."""
    site_author = article.settings.get("AUTHOR")
    return {
        "slug": article.slug,
        "title": str(article.title),
        "date": article.date,
        "modified": getattr(article, "modified", None),
        "summary": core.plain_text(getattr(article, "summary", "") or ""),
        "topic": getattr(getattr(article, "category", None), "name", None),
        "tags": [tag.name for tag in getattr(article, "tags", None) or ()],
        "authors": [author.name for author in getattr(article, "authors", None) or () if author.name != site_author],
        "source": str(getattr(article, "source", "") or ""),
        "source_url": str(getattr(article, "source_url", "") or ""),
        "url": article.url,
        "permalink": core.absolute_url(siteurl, article.url),
        "lang": getattr(article, "lang", None) or article.settings.get("DEFAULT_LANG", "en"),
        "updates": updates.parse(getattr(article, "updates", None)),
    }


def describe_articles(generator):
    """article_generator_finalized: everything the article template and the writers read."""
    settings = generator.settings
    site_name, siteurl = settings.get("SITENAME", ""), settings.get("SITEURL", "")
    date_format = settings.get("DEFAULT_DATE_FORMAT", "%Y-%m-%d")
    records = []
    for article in generator.articles:
        record = record_of(article, siteurl)
        records.append(record)
        modified = core.date_modified(record)
        article.permalink = record["permalink"]
        article.date_modified = modified
        article.date_modified_text = modified.strftime(date_format)
        article.corrections = [{"date": update.date, "note": update.note,
                                "date_text": update.date.strftime(date_format)} for update in record["updates"]]
        article.structured_data = core.news_article(record, site_name, siteurl)
        topic = getattr(article, "category", None)
        article.breadcrumb_data = core.article_breadcrumbs(record, settings.get("CATEGORIES_URL", ""),
                                                           getattr(topic, "url", ""), siteurl)
        article.open_graph = core.open_graph(record, site_name)
        article.citations = core.citations(record, site_name)
        article.citation_files = [(name, core.file_path(article.url, suffix), media)
                                  for name, suffix, media in core.FILE_FORMATS]
    by_slug = {article.slug: article for article in generator.articles}
    generator.context["updates_log"] = [
        {"date": entry["date"], "date_text": entry["date"].strftime(date_format), "note": entry["note"],
         "article": by_slug[entry["record"]["slug"]]}
        for entry in core.updates_log(records)
    ]


# In CACHE_PATH: the files the last build wrote, so that those of removed articles go too.
WRITTEN_FILE = os.path.join("citations", "written.json")


def write_files(generator, writer):
    """article_writer_finalized: citation files, JSON Feeds and the updates page.

    The citation files and feeds are written directly, and only when their
    bytes change: through Pelican's writer they cost a template render and
    the writer's bookkeeping each, a quarter of a 1,000-article build's CPU
    time (measured by make bench). The updates page is a page: the writer's.
    """
    settings = generator.settings
    options = _settings(settings)
    files = {}
    if options["citation_files"]:
        for article in generator.articles:
            for name, path, _ in article.citation_files:
                files[path] = article.citations[name]
    files.update(_json_feeds(generator, options))
    output = generator.output_path
    for path, text in files.items():
        write_if_changed(os.path.join(output, path), text.encode("utf-8"))
    listing = os.path.join(settings["CACHE_PATH"], WRITTEN_FILE)
    remove_unlisted(output, _load_listing(listing), files)
    _save_listing(listing, sorted(files))
    if options["updates_save_as"]:
        writer.write_file(options["updates_save_as"], generator.get_template("updates"), generator.context,
                          relative_urls=settings.get("RELATIVE_URLS", False))


def _load_listing(path):
    try:
        with open(path, encoding="utf-8") as handle:
            found = json.load(handle)
    except (OSError, ValueError):
        return []
    return [item for item in found if isinstance(item, str)] if isinstance(found, list) else []


def _save_listing(path, paths):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_if_changed(path, json.dumps(paths, indent=0).encode("utf-8"))


def _json_feeds(generator, options):
    """{path: JSON Feed text} of the archive and of each topic."""
    settings = generator.settings
    siteurl, site_name = settings.get("SITEURL", ""), settings.get("SITENAME", "")
    lang, limit = settings.get("DEFAULT_LANG", "en"), settings.get("FEED_MAX_ITEMS")
    description = settings.get("SITESUBTITLE", "") or site_name
    articles = generator.articles  # newest first (ARTICLE_ORDER_BY)
    feeds = {}
    if options["json_feed_all"]:
        records = [record_of(article, siteurl) for article in articles[:limit]]
        feeds[options["json_feed_all"]] = core.json_feed(records, f"{site_name}: all articles", description, lang,
                                                         siteurl, options["json_feed_all"], limit)
    if options["json_feed_topic"]:
        topics = settings.get("ARCHIVE_TOPICS", {})
        for category, members in generator.categories:
            path = options["json_feed_topic"].format(slug=category.slug)
            members = {id(article) for article in members}
            chosen = [record_of(article, siteurl) for article in
                      [article for article in articles if id(article) in members][:limit]]
            feeds[path] = core.json_feed(chosen, f"{site_name}: {category.name}",
                                         topics.get(category.name) or description, lang, siteurl, path, limit)
    return feeds


def link_data(content):
    """content_object_init: the About page's data marker becomes links to the published data, or nothing."""
    text = pelican_compat.body_html(content)
    if text and core.DATA_MARKER in text:
        data_url = _settings(content.settings)["data_url"]
        pelican_compat.set_body_html(content, text.replace(
            core.DATA_MARKER, core.data_links_html(data_url, content.url) if data_url else ""))


def register():
    signals.content_object_init.connect(link_data)
    signals.generator_init.connect(add_filters)
    signals.article_generator_finalized.connect(describe_articles)
    signals.article_writer_finalized.connect(write_files)
