"""The archive site: every article, topic, tag and period page exists and lists the right articles.

Both a small made-up archive (tests/fixtures/archive) and the real content/ are
built with the real `pelican` command; expectations are derived from the
articles' front matter, not written down by hand.
"""

import collections
import datetime
import html.parser
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import hypothesis
import pytest
from hypothesis import strategies as st
from pelican.utils import SafeDatetime, slugify

from archivist import frontmatter
from archivist.settings import load_settings

from .conftest import ROOT, build_site, copy_content

FIXTURE_ARCHIVE = ROOT / "tests" / "fixtures" / "archive"
SETTINGS = load_settings(str(ROOT / "pelicanconf.py"))


def load_articles(content):
    """The published articles of a content folder, with the URLs the site must give them."""
    articles = []
    for path in sorted(Path(content, "articles").rglob("*.md")):
        meta = frontmatter.parse(path.read_text(encoding="utf-8"), path).meta
        date = meta["date"]
        articles.append(
            {
                "title": meta["title"],
                "date": date,
                "topic": slugify(meta["category"], regex_subs=SETTINGS.get("CATEGORY_REGEX_SUBSTITUTIONS", SETTINGS["SLUG_REGEX_SUBSTITUTIONS"])),
                "tags": {slugify(t, regex_subs=SETTINGS.get("TAG_REGEX_SUBSTITUTIONS", SETTINGS["SLUG_REGEX_SUBSTITUTIONS"])) for t in meta["tags"]},
                "url": SETTINGS["ARTICLE_URL"].format(date=date, slug=meta["slug"]),
            }
        )
    return articles


class LinkCollector(html.parser.HTMLParser):
    """Collect the hrefs inside <main>, and the <title>."""

    def __init__(self):
        super().__init__()
        self.in_main = 0
        self.hrefs = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        elif tag == "a" and self.in_main and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse_page(site, page):
    collector = LinkCollector()
    collector.feed((site / page).read_text(encoding="utf-8"))
    return collector


def listed_articles(site, page, article_urls):
    """Article URLs linked from <main> of ``page`` and of its later pages (pagination)."""
    list_root = posixpath.dirname(page)
    later_pages = f"{list_root}/page/" if list_root else "page/"
    found = set()
    pending, seen = [page], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        base = posixpath.dirname(current)
        for href in parse_page(site, current).hrefs:
            if "://" in href or href.startswith(("#", "mailto:")):
                continue
            target = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
            if target in article_urls:
                found.add(target)
            elif target.startswith(later_pages) and target.endswith("/index.html"):
                pending.append(target)
    return found


@pytest.fixture(scope="module", params=["fixture", "content"])
def archive(request, tmp_path_factory):
    """(built site, its articles) for the made-up fixture archive and for the real content/."""
    content = FIXTURE_ARCHIVE if request.param == "fixture" else ROOT / "content"
    output = tmp_path_factory.mktemp(f"site-{request.param}") / "output"
    build_site(output, content=content)
    return output, load_articles(content)


def test_archive_has_articles(archive):
    _, articles = archive
    assert len(articles) >= 5


def test_every_article_has_its_page(archive):
    site, articles = archive
    for article in articles:
        page = site / article["url"]
        assert page.is_file(), f"missing article page {article['url']}"
        assert article["title"] in parse_page(site, article["url"]).title.replace("&amp;", "&")


def test_home_lists_the_latest_articles(archive):
    site, articles = archive
    urls = {a["url"] for a in articles}
    assert listed_articles(site, "index.html", urls) == urls


def test_each_topic_page_lists_exactly_its_articles(archive):
    site, articles = archive
    urls = {a["url"] for a in articles}
    by_topic = collections.defaultdict(set)
    for article in articles:
        by_topic[article["topic"]].add(article["url"])
    for topic, expected in by_topic.items():
        page = SETTINGS["CATEGORY_SAVE_AS"].format(slug=topic)
        assert listed_articles(site, page, urls) == expected, page
    assert {
        posixpath.normpath(posixpath.join("topics", h))
        for h in parse_page(site, "topics/index.html").hrefs
    } >= {SETTINGS["CATEGORY_SAVE_AS"].format(slug=t) for t in by_topic}


def linked_pages(site, page):
    """The site paths that <main> of ``page`` links to."""
    base = posixpath.dirname(page)
    return {posixpath.normpath(posixpath.join(base, href.split("#")[0]))
            for href in parse_page(site, page).hrefs if "://" not in href and not href.startswith(("#", "mailto:"))}


def test_each_tag_page_lists_exactly_its_articles(archive):
    """A tag of TAG_MIN_ARTICLES articles or more has a page listing them; a rarer one has none
    and is named, not linked, on its articles; the tags index reaches every tag page."""
    site, articles = archive
    urls = {a["url"] for a in articles}
    by_tag = collections.defaultdict(set)
    for article in articles:
        for tag in article["tags"]:
            by_tag[tag].add(article["url"])
    paged = {tag for tag, tagged in by_tag.items() if len(tagged) >= SETTINGS["TAG_MIN_ARTICLES"]}
    for tag, expected in by_tag.items():
        page = SETTINGS["TAG_URL"].format(slug=tag)
        if tag in paged:
            assert listed_articles(site, page, urls) == expected, page
        else:
            assert not (site / page).exists(), page
            for url in expected:
                assert page not in linked_pages(site, url), (url, page)
    reached = linked_pages(site, "tags/index.html")
    for type_page in [page for page in reached if page.startswith("entities/")]:
        reached |= linked_pages(site, type_page)
    assert {page for page in reached if page.startswith("tags/") and page != "tags/index.html"} == {
        SETTINGS["TAG_URL"].format(slug=t) for t in paged}


def test_each_day_month_and_year_page_reaches_exactly_its_articles(archive):
    site, articles = archive
    urls = {a["url"] for a in articles}
    by_period = collections.defaultdict(set)
    for article in articles:
        for pattern in ("%Y/%m/%d", "%Y/%m", "%Y"):
            by_period[article["date"].strftime(pattern)].add(article["url"])
    for period, expected in by_period.items():
        page = f"{period}/index.html"
        if period.count("/") == 0:  # a year page links to its months, and they to the articles
            months = {p for p in linked_pages(site, page) if p.startswith(f"{period}/") and p.count("/") == 2}
            assert months == {f"{p}/index.html" for p in by_period if p.startswith(f"{period}/") and p.count("/") == 1}
            assert set().union(*(listed_articles(site, month, urls) for month in months)) == expected, period
        else:
            assert listed_articles(site, page, urls) == expected, period
    months = {p for p in linked_pages(site, "archives/index.html") if p.count("/") == 2}
    assert months == {f"{p}/index.html" for p in by_period if p.count("/") == 1}


def test_feeds_sitemap_and_robots(archive):
    site, articles = archive
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feeds" / "all.atom.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == min(len(articles), SETTINGS["FEED_MAX_ITEMS"])
    for entry in entries:
        # Summary-only feeds: no full text.
        assert entry.find(f"{atom}content") is None
        assert entry.find(f"{atom}summary") is not None
    for topic in {a["topic"] for a in articles}:
        assert (site / "feeds" / "topics" / f"{topic}.atom.xml").is_file()
    assert not (site / "feeds" / "tags").exists(), "no per-tag feeds (size)"
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locations = {loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for article in articles:
        assert any(loc.endswith(article["url"]) for loc in locations), article["url"]
    assert (site / "robots.txt").is_file()
    assert (site / "404.html").is_file()
    assert (site / "about.html").is_file()


def test_publish_build_uses_the_subpath_everywhere(tmp_path):
    """`SITEURL=https://USER.github.io/REPO make publish`: links, feeds and sitemap carry the subpath."""
    siteurl = "https://example.org/news-archive"
    output = tmp_path / "output"
    build_site(output, content=FIXTURE_ARCHIVE, settings="publishconf.py", env={"SITEURL": siteurl})
    articles = load_articles(FIXTURE_ARCHIVE)
    home = parse_page(output, "index.html")
    for article in articles:
        assert f"{siteurl}/{article['url']}" in home.hrefs
    feed = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert f'href="{siteurl}/{articles[0]["url"]}"' in feed
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{siteurl}/{articles[0]['url']}</loc>" in sitemap
    assert f"Sitemap: {siteurl}/sitemap.xml" in (output / "robots.txt").read_text(encoding="utf-8")


def test_markup_in_front_matter_is_shown_as_text(tmp_path):
    """Titles, tags and summaries are text: a payload in them is escaped on every page."""
    content = copy_content(tmp_path, FIXTURE_ARCHIVE)
    payload = '<img src=x onerror="document.title=1">'
    meta = {
        "title": f"Council Minutes {payload}",
        "date": datetime.date(2025, 3, 1),
        "category": "Politics",
        "tags": [f"Minutes {payload}", "Harbour Council", "Transport"],
        "summary": f"The council published its minutes. {payload}",
        "source": "Valley Gazette",
        "slug": "council-minutes",
    }
    path = content / "articles" / "2025" / "2025-03-01-council-minutes.md"
    path.write_text(frontmatter.render(meta, "The council published its minutes on Saturday."), encoding="utf-8")
    output = tmp_path / "output"
    # The summary is Markdown, and the checks refuse markup the sanitiser would remove from it
    # (unsafe-markup): built without them, as if they had missed it, the page still shows text.
    refused = build_site(output, content=content, check=False)
    assert f"{path}:9: error: unsafe markup: attribute 'onerror' of <img> is not allowed" in refused.stderr
    build_site(output, content=content, PLUGINS=[p for p in SETTINGS["PLUGINS"] if p != "archive_guard"])
    for page in ["2025/03/council-minutes.html", "index.html", "topics/politics/index.html", "2025/03/index.html"]:
        text = (output / page).read_text(encoding="utf-8")
        assert "<img src=x" not in text, page
        assert "&lt;img src=x" in text, page


@hypothesis.given(st.datetimes(min_value=datetime.datetime(1000, 1, 1), max_value=datetime.datetime(9999, 12, 31),
                               timezones=st.none() | st.just(datetime.timezone.utc)))
def test_article_urls_are_the_publication_year_and_month(when):
    # ARTICLE_URL reads the date's fields instead of Pelican's strftime: the same text.
    date = SafeDatetime.combine(when.date(), when.timetz())
    url = SETTINGS["ARTICLE_URL"].format(date=date, slug="ferry-timetable")
    assert url == "{date:%Y}/{date:%m}/{slug}.html".format(date=date, slug="ferry-timetable")
    assert SETTINGS["ARTICLE_SAVE_AS"] == SETTINGS["ARTICLE_URL"]


@hypothesis.given(st.lists(st.tuples(st.integers(0, 5), st.text("abc-", min_size=1, max_size=4)), unique_by=lambda x: x[1]))
def test_articles_are_ordered_newest_first_then_by_slug_as_pelican_s_translation_pass_left_them(items):
    import types

    from pelican.utils import order_content

    zone = datetime.timezone.utc
    articles = [types.SimpleNamespace(date=SafeDatetime(2025, 3, 1 + day, tzinfo=zone), slug=slug)
                for day, slug in items]
    ours = order_content(list(reversed(articles)), SETTINGS["ARTICLE_ORDER_BY"])
    # What ARTICLE_TRANSLATION_ID = "slug" and "reversed-date" gave: sorted by slug, then stably by date.
    pelican_s = order_content(sorted(articles, key=lambda article: article.slug), "reversed-date")
    assert ours == pelican_s
    assert SETTINGS["ARTICLE_TRANSLATION_ID"] is None
