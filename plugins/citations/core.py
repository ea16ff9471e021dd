"""Structured data, citations and JSON Feeds as plain functions on plain data.

Nothing here imports Pelican: the plugin's receivers (``__init__.py``) turn
each article into a plain ``record`` (dict) and hand it to these functions.
A record has: slug, title, date and modified (datetimes with a zone), summary
(plain text), topic, tags, authors (bylines), source, source_url, url (the
site-relative path of its page), permalink (absolute, or None in a relative
build), lang, updates (``archivist.updates.Update`` list, oldest first).

URLs: a build with an absolute SITEURL (``make publish``) gives permalinks;
a relative build (``make site``, the offline zip) has no origin, so every
field that needs an absolute URL is left out rather than guessed.
"""

import json
import posixpath
import re

from archivist.html_text import html_to_text as plain_text  # noqa: F401 (the receivers' summaries)
from archivist.settings import merge_options

# CITATIONS = {...} in pelicanconf.py is merged over these.
DEFAULTS = {
    # JSON Feed 1.1 of the whole archive and of each topic ("" or None: none).
    "json_feed_all": "feeds/all.json",
    "json_feed_topic": "feeds/topics/{slug}.json",
    # The "Updates and corrections" page.
    "updates_save_as": "updates.html",
    # Citation files beside each article page (YYYY/MM/slug.bib, .ris, .json).
    "citation_files": True,
    # Where the archive's data files (make data: archive.jsonl, archive.sqlite)
    # are published, relative to the site root ("" = not published: no link).
    "data_url": "",
}

# The About page marks where the data links go; a build without data shows nothing there.
DATA_MARKER = "<!-- archive-data -->"

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# The citation formats, their file suffixes and media types, in the order the page shows them.
FILE_FORMATS = (("bibtex", ".bib", "application/x-bibtex"), ("ris", ".ris", "application/x-research-info-systems"),
                ("csl_json", ".json", "application/vnd.citationstyles.csl+json"))

# Characters that must not appear raw in JSON inside <script>: "</script>" and
# "<!--" end or change the script element, "&" begins a character reference in
# some parsers, U+2028 and U+2029 end a line in older JavaScript engines.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def merge_settings(user):
    """DEFAULTS with the user's CITATIONS values over them; PluginSettingsError names a bad key."""
    return merge_options("CITATIONS", user, DEFAULTS, flags=("citation_files",))


def data_links_html(data_url, page_url):
    """The About page's paragraph linking the data files, relative to the page at ``page_url``."""
    import html

    folder = posixpath.relpath(data_url.rstrip("/") or ".", posixpath.dirname(page_url or "") or ".")
    links = [f'<a href="{html.escape(folder)}/{name}" download>{label}</a>'
             for name, label in (("archive.jsonl", "JSON Lines"), ("archive.sqlite", "SQLite"))]
    return (f"<p class=\"archive-data\">Download the archive as data: {links[0]} (one article per line) or "
            f"{links[1]} (with a full-text index, ready for Datasette).</p>")


def is_absolute(siteurl):
    return bool(re.match(r"^https?://[^/]", siteurl or ""))


def absolute_url(siteurl, path):
    """``path`` (site-relative) under an absolute ``siteurl``; None when the site has no origin."""
    if not is_absolute(siteurl):
        return None
    return f"{siteurl.rstrip('/')}/{path.lstrip('/')}" if path else f"{siteurl.rstrip('/')}/"


def json_for_script(value):
    """``value`` as JSON that is inert inside an HTML ``<script>`` element, with sorted keys.

    ``json.dumps`` leaves "<", ">", "&", U+2028 and U+2029 as they are: each
    becomes a JSON escape, which every JSON parser reads back as the same text.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _SCRIPT_UNSAFE_RE.sub(lambda match: _SCRIPT_UNSAFE[match.group()], text)


def file_path(url, suffix):
    """The site-relative path of a citation file beside the page at ``url``."""
    return posixpath.splitext(url)[0] + suffix


def _iso(when):
    return when.isoformat()


def date_modified(record):
    """The article's last change as a datetime: its newest update, ``modified`` or its date."""
    latest = record["modified"] or record["date"]
    if record["updates"]:
        newest = record["updates"][-1].date
        if newest > latest.date():
            latest = latest.replace(year=newest.year, month=newest.month, day=newest.day, hour=0, minute=0,
                                    second=0, microsecond=0)
    return latest


# --- schema.org ---------------------------------------------------------------


def publisher(site_name, siteurl):
    found = {"@type": "Organization", "name": site_name}
    home = absolute_url(siteurl, "")
    if home:
        found["url"] = home
    return found


def news_article(record, site_name, siteurl):
    """The schema.org NewsArticle of an article, as a dict for JSON-LD."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": record["title"],
        "datePublished": _iso(record["date"]),
        "dateModified": _iso(date_modified(record)),
        "description": record["summary"],
        "keywords": list(record["tags"]),
        "inLanguage": record["lang"],
        "publisher": publisher(site_name, siteurl),
    }
    if record["topic"]:
        data["articleSection"] = record["topic"]
    if record["authors"]:
        data["author"] = [{"@type": "Person", "name": name} for name in record["authors"]]
    if record["source"]:
        data["sourceOrganization"] = {"@type": "Organization", "name": record["source"]}
    if record["source_url"]:
        data["isBasedOn"] = record["source_url"]
        data["sameAs"] = record["source_url"]
    if record["permalink"]:
        data["url"] = record["permalink"]
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": record["permalink"]}
    return data


def breadcrumb_list(trail, siteurl):
    """A schema.org BreadcrumbList for ``trail`` ([name, site-relative path] from the home page
    to this page), or None: a breadcrumb needs absolute URLs and at least two steps."""
    if len(trail) < 2 or not is_absolute(siteurl):
        return None
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute_url(siteurl, path)}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_breadcrumbs(record, topics_url, topic_url, siteurl):
    """The BreadcrumbList of an article page (Home > Topics > its topic > itself) as a JSON-LD
    document, or None (a relative build, or an article without a topic)."""
    if not record["topic"]:
        return None
    crumbs = breadcrumb_list([["Home", "index.html"], ["Topics", topics_url], [record["topic"], topic_url],
                              [record["title"], record["url"]]], siteurl)
    return {"@context": "https://schema.org", **crumbs} if crumbs else None


def collection_page(trail, description, site_name, siteurl):
    """The schema.org CollectionPage of a list page whose breadcrumb ``trail`` ends with itself."""
    name, path = trail[-1]
    data = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "isPartOf": {"@type": "WebSite", "name": site_name, **({"url": absolute_url(siteurl, "")}
                                                                 if is_absolute(siteurl) else {})},
    }
    if is_absolute(siteurl):
        data["url"] = absolute_url(siteurl, path)
    crumbs = breadcrumb_list(trail, siteurl)
    if crumbs:
        data["breadcrumb"] = crumbs
    return data


def open_graph(record, site_name):
    """(property, content) pairs of the Open Graph and Twitter card tags, in page order."""
    tags = [("og:type", "article"), ("og:site_name", site_name), ("og:title", record["title"]),
            ("og:description", record["summary"])]
    if record["permalink"]:
        tags.append(("og:url", record["permalink"]))
    tags += [("article:published_time", _iso(record["date"])),
             ("article:modified_time", _iso(date_modified(record)))]
    if record["topic"]:
        tags.append(("article:section", record["topic"]))
    tags += [("article:tag", tag) for tag in record["tags"]]
    tags += [("twitter:card", "summary"), ("twitter:title", record["title"]),
             ("twitter:description", record["summary"])]
    return tags


# --- Citations ----------------------------------------------------------------


def _one_line(text):
    return " ".join(str(text).split())


def cited_url(record):
    """The URL a citation gives: the permalink, else the original's ``source_url``, else None."""
    return record["permalink"] or record["source_url"] or None


def apa(record, site_name):
    """An APA-like reference: Author(s). (Year, Month Day). Title. Source. Site. URL"""
    date = record["date"]
    when = f"({date.year}, {date.strftime('%B')} {date.day})"
    title = _one_line(record["title"])
    parts = []
    if record["authors"]:
        parts += [", ".join(record["authors"]) + ".", when + ".", title + "."]
    else:
        parts += [title + ".", when + "."]
    if record["source"]:
        parts.append(_one_line(record["source"]) + ".")
    parts.append(f"Archived in {site_name}.")
    url = cited_url(record)
    if url:
        parts.append(url)
    return " ".join(parts)


_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                   "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")


def bibtex_text(text):
    """Text as a BibTeX field value: one line, LaTeX's special characters escaped, braces balanced."""
    return _BIBTEX_SPECIAL_RE.sub(lambda match: _BIBTEX_SPECIAL[match.group()], _one_line(text))


def bibtex(record, site_name):
    """A BibTeX ``@article`` entry keyed by the slug (unique in the archive)."""
    date = record["date"]
    fields = [("title", "{" + bibtex_text(record["title"]) + "}")]
    if record["authors"]:
        fields.append(("author", " and ".join(bibtex_text(name) for name in record["authors"])))
    if record["source"]:
        fields.append(("journal", bibtex_text(record["source"])))
    fields += [("year", str(date.year)), ("month", str(date.month)), ("day", str(date.day)),
               ("date", date.date().isoformat())]
    url = cited_url(record)
    if url:
        fields.append(("url", url.replace("%", r"\%").replace("{", "%7B").replace("}", "%7D")))
    if record["tags"]:
        fields.append(("keywords", bibtex_text(", ".join(record["tags"]))))
    fields.append(("note", bibtex_text(f"Archived in {site_name}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{record['slug']},\n{body}\n}}\n"


def ris(record, site_name):
    """An RIS record (TY NEWS), lines ending CR LF as the format asks."""
    date = record["date"]
    lines = [("TY", "NEWS"), ("TI", _one_line(record["title"]))]
    lines += [("AU", _one_line(name)) for name in record["authors"]]
    if record["source"]:
        lines.append(("T2", _one_line(record["source"])))
    lines += [("PY", str(date.year)), ("DA", date.strftime("%Y/%m/%d/"))]
    if record["summary"]:
        lines.append(("AB", _one_line(record["summary"])))
    lines += [("KW", _one_line(tag)) for tag in record["tags"]]
    url = cited_url(record)
    if url:
        lines.append(("UR", url))
    lines += [("DB", _one_line(site_name)), ("LA", record["lang"]), ("ID", record["slug"]), ("ER", "")]
    return "".join(f"{tag}  - {value}".rstrip(" ") + "\r\n" for tag, value in lines)


def csl_item(record, site_name):
    """The CSL-JSON item (type article-newspaper) of an article, as a dict."""
    date = record["date"]
    item = {
        "id": record["slug"],
        "type": "article-newspaper",
        "title": _one_line(record["title"]),
        "issued": {"date-parts": [[date.year, date.month, date.day]]},
        "archive": site_name,
        "language": record["lang"],
    }
    if record["authors"]:
        item["author"] = [{"literal": _one_line(name)} for name in record["authors"]]
    if record["source"]:
        item["container-title"] = _one_line(record["source"])
    if record["summary"]:
        item["abstract"] = _one_line(record["summary"])
    if record["tags"]:
        item["keyword"] = ", ".join(_one_line(tag) for tag in record["tags"])
    if record["topic"]:
        item["section"] = record["topic"]
    url = cited_url(record)
    if url:
        item["URL"] = url
    return item


def csl_json(record, site_name):
    """CSL-JSON text: a list holding the article's one item, indented, sorted keys, final newline."""
    return json.dumps([csl_item(record, site_name)], ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def citations(record, site_name):
    """{format: text} of every citation style the article page shows."""
    return {"apa": apa(record, site_name), "bibtex": bibtex(record, site_name), "ris": ris(record, site_name),
            "csl_json": csl_json(record, site_name)}


# --- JSON Feed ----------------------------------------------------------------


def json_feed(records, title, description, lang, siteurl, feed_path, limit=None):
    """A JSON Feed 1.1 (text) of ``records`` (newest first), summaries only, at most ``limit`` items.

    Each item's ``id`` is its permalink when the site has an absolute address,
    else its site-relative path: either way it never changes while the
    article keeps its URL. ``url`` is the permalink, or in a relative build
    the page's path relative to the feed's own folder.
    """
    feed = {"version": JSON_FEED_VERSION, "title": title, "description": description, "language": lang,
            "items": []}
    if is_absolute(siteurl):
        feed["home_page_url"] = absolute_url(siteurl, "index.html")
        feed["feed_url"] = absolute_url(siteurl, feed_path)
    for record in records[:limit]:
        item = {
            "id": record["permalink"] or record["url"],
            "url": record["permalink"] or posixpath.relpath(record["url"], posixpath.dirname(feed_path) or "."),
            "title": record["title"],
            "content_text": record["summary"],
            "date_published": _iso(record["date"]),
            "date_modified": _iso(date_modified(record)),
            "language": record["lang"],
        }
        if record["tags"]:
            item["tags"] = list(record["tags"])
        if record["authors"]:
            item["authors"] = [{"name": name} for name in record["authors"]]
        if record["source_url"]:
            item["external_url"] = record["source_url"]
        feed["items"].append(item)
    return json.dumps(feed, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- Updates and corrections ----------------------------------------------------


def updates_log(records):
    """Every update of every article, newest first: dicts with date, note and the article's record.

    Ties (same day) keep the newer article first, then the slug.
    """
    found = [{"date": update.date, "note": update.note, "record": record}
             for record in records for update in record["updates"]]
    found.sort(key=lambda entry: (entry["date"], entry["record"]["date"], entry["record"]["slug"]), reverse=True)
    return found
