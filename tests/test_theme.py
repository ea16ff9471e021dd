"""The theme and its plugin (plugins/archive_site).

Unit tests of the plugin's plain functions on plain data, then one tiny
made-up archive (tests/fixtures/theme_archive) built with the real `pelican`
command: the article page, topic and tag pages, pagination, the
`topic-2`/`topic-22` tags, byte-identical rebuilds and a 320 px viewport.
"""

import contextlib
import filecmp
import functools
import html.parser
import http.server
import math
import posixpath
import re
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist import frontmatter

from .conftest import ROOT, build_site, serve_directory
from .test_links import broken_links

sys.path.insert(0, str(ROOT / "plugins"))
from archive_site import core  # noqa: E402

THEME_ARCHIVE = ROOT / "tests" / "fixtures" / "theme_archive"
PER_PAGE = 2


def day(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def item(slug, date, topic="World", tags=(), modified=None):
    return {"slug": slug, "date": day(date), "topic": topic, "tags": list(tags), "modified": modified}


# --- plain functions -------------------------------------------------------


def test_merge_settings_keeps_defaults_and_does_not_mutate():
    user = {"related_max": 3}
    merged = core.merge_settings(user)
    assert merged == {**core.DEFAULTS, "related_max": 3}
    assert user == {"related_max": 3}
    assert core.merge_settings(None) == core.DEFAULTS
    assert merged is not core.DEFAULTS


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"related": 3}, "unknown ARCHIVE_SITE key(s) 'related'"),
        ({"words_per_minute": 0}, "words_per_minute"),
        ({"related_max": -1}, "related_max"),
        ({"related_max": True}, "related_max"),
        ({"robots_txt": "yes"}, "robots_txt"),
        (["related_max"], "must be a dict"),
    ],
)
def test_merge_settings_rejects_bad_values_with_the_fix(bad, words):
    with pytest.raises(ValueError) as error:
        core.merge_settings(bad)
    assert words in str(error.value)
    assert "pelicanconf.py" in str(error.value)


def test_count_words_reads_text_only():
    markup = "<p>Mao said on <em>Wednesday</em> the 30-day ceasefire wasn't final.</p><pre>skip me</pre><script>x = 1</script>"
    # Mao said on Wednesday the 30-day ceasefire wasn't final: nine words.
    assert core.count_words(markup) == 9
    assert core.count_words("") == 0
    # Inline markup inside a word does not split it; paragraphs do separate words.
    assert core.count_words("<p>un<em>fair</em></p><p>play</p>") == 2


@pytest.mark.parametrize("words, minutes", [(0, 1), (1, 1), (200, 1), (201, 2), (450, 3), (1000, 5)])
def test_reading_time_rounds_up_with_a_minimum_of_one(words, minutes):
    assert core.reading_time(words) == minutes


def test_reading_time_uses_the_given_speed():
    assert core.reading_time(300, words_per_minute=100) == 3


def test_neighbours_follow_date_then_slug():
    items = [
        item("c", "2024-06-03"),
        item("a", "2024-05-01"),
        item("b", "2024-06-03"),
        item("d", "2025-01-01"),
    ]
    assert core.neighbours(items) == {
        "a": (None, "b"),
        "b": ("a", "c"),
        "c": ("b", "d"),
        "d": ("c", None),
    }
    assert core.neighbours([]) == {}


def test_related_scores_shared_tags_plus_topic_and_breaks_ties_by_date_then_slug():
    target = item("target", "2024-06-01", "Science", ["coast", "tides", "lighthouse"])
    others = [
        item("same-topic-only", "2024-01-01", "Science", []),             # 1
        item("two-tags-old", "2023-01-01", "Society", ["coast", "tides"]),  # 2
        item("two-tags-new", "2024-03-01", "Society", ["coast", "tides"]),  # 2, newer
        item("b-tie", "2024-02-01", "Society", ["coast"]),                  # 1
        item("a-tie", "2024-02-01", "Society", ["tides"]),                  # 1, same date: slug
        item("three", "2020-01-01", "Science", ["coast", "lighthouse"]),    # 3
        item("nothing", "2024-05-01", "Culture", ["museum"]),               # 0: left out
        target,
    ]
    assert core.related(target, others, limit=10) == [
        "three",
        "two-tags-new",
        "two-tags-old",
        "a-tie",
        "b-tie",
        "same-topic-only",
    ]
    assert core.related(target, others, limit=2) == ["three", "two-tags-new"]
    assert core.related(target, others, limit=0) == []
    # Order of the input does not matter.
    assert core.related(target, list(reversed(others)), limit=10) == core.related(target, others, limit=10)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),  # day
            st.sampled_from(["World", "Science", "Culture"]),
            st.sets(st.sampled_from(["coast", "tides", "rail", "museum", "ships"]), max_size=3),
        ),
        max_size=14,
    ),
    st.integers(0, 4),
)
def test_related_all_agrees_with_the_pairwise_definition(rows, limit):
    items = [
        item(f"s{index:02d}", f"2024-01-{day + 1:02d}", topic, sorted(tags))
        for index, (day, topic, tags) in enumerate(rows)
    ]
    fast = core.related_all(items, limit)
    assert fast == {it["slug"]: core.related(it, items, limit) for it in items}


def test_summary_only_drops_the_full_text_and_keeps_a_summary():
    assert core.summary_only("<p>Short.</p>", "<p>Short.</p><p>Long.</p>") == ("<p>Short.</p>", None)
    # Pelican leaves the summary out when it equals the text: the text stands in.
    assert core.summary_only(None, "<p>Short.</p>") == ("<p>Short.</p>", None)


def test_newest_date_prefers_modified():
    items = [item("a", "2024-01-01"), item("b", "2024-02-01", modified=day("2024-09-09")), item("c", "2024-03-01")]
    assert core.newest_date(items) == day("2024-09-09")
    assert core.newest_date([]) == core.EPOCH


def test_robots_txt_names_the_sitemap_only_at_an_absolute_address():
    assert core.robots_txt("") == "User-agent: *\nAllow: /\n"
    assert core.robots_txt("..") == "User-agent: *\nAllow: /\n"
    assert core.robots_txt("https://example.org/news-archive/") == (
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/news-archive/sitemap.xml\n"
    )


def test_urls_are_frozen_to_what_pelican_computes_and_explicit_urls_are_kept():
    import types

    import archive_site
    from pelican.contents import Article, Page
    from pelican.settings import DEFAULT_CONFIG

    from archivist.settings import load_settings

    settings = {**DEFAULT_CONFIG, **load_settings(str(ROOT / "pelicanconf.py"))}
    metadata = {"title": "A Story", "slug": "a-story", "date": day("2024-05-01")}
    article = Article("<p>Text</p>", metadata=dict(metadata), settings=settings)
    explicit = Page("<p>About</p>", metadata={"title": "About", "url": "about/"}, settings=settings)
    expected = article.url
    archive_site.freeze_urls([types.SimpleNamespace(articles=[article], pages=[explicit])])
    assert article.override_url == expected == "2024/05/a-story.html"
    assert explicit.url == "about/"
    article.slug = "renamed"  # nothing may rename an article after the generators are done
    assert article.url == expected


def test_topic_summaries_follow_the_taxonomy_and_skip_empty_topics():
    topics = {"World": "Abroad.", "Politics": "At home.", "Science": "Research."}
    counts = {"Science": 2, "World": 1, "Politics": 0, "Misc": 1}
    assert core.topic_summaries(topics, counts) == [
        {"name": "World", "description": "Abroad.", "count": 1},
        {"name": "Science", "description": "Research.", "count": 2},
        {"name": "Misc", "description": "", "count": 1},
    ]


# --- a tiny archive built with the real pelican ----------------------------


class Page(html.parser.HTMLParser):
    """Links (href, rel, text, inside which landmark/class) and <time> values of a built page."""

    def __init__(self, text):
        super().__init__()
        self.links = []
        self.times = []
        self.text = text
        self._stack = []
        self._link = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = " ".join(filter(None, [frame[1] for frame in self._stack] + [attrs.get("class", "")]))
        if tag not in {"meta", "link", "input", "br", "img"}:
            self._stack.append((tag, attrs.get("class", "")))
        if tag == "a" and "href" in attrs:
            self._link = {
                "href": attrs["href"],
                "rel": attrs.get("rel", ""),
                "current": attrs.get("aria-current"),
                "within": classes,
                "text": "",
            }
            self.links.append(self._link)
        elif tag == "time":
            self.times.append(attrs.get("datetime"))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def within(self, css_class):
        return [link for link in self.links if css_class in link["within"].split()]


def read_page(site, path):
    return Page((site / path).read_text(encoding="utf-8"))


def resolve(page_path, href):
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href))


def fixture_articles():
    articles = {}
    for path in sorted((THEME_ARCHIVE / "articles").glob("*.md")):
        parsed = frontmatter.parse(path.read_text(encoding="utf-8"), path)
        meta = dict(parsed.meta)
        meta["body"] = parsed.body
        meta["url"] = f"{meta['date']:%Y/%m}/{meta['slug']}.html"
        articles[meta["slug"]] = meta
    return articles


ARTICLES = fixture_articles()
TIDES = "tide-gauge-network-records-highest-spring-tide"


def build_theme_site(output):
    """Build the fixture archive with DEFAULT_PAGINATION = PER_PAGE.

    A settings file on top of pelicanconf.py rather than `-e` overrides:
    pelican keeps only the last `-e` option, and build_site already passes
    one (CACHE_PATH). Relative paths in a settings file are resolved from its
    folder, hence the absolute THEME and PLUGIN_PATHS.
    """
    output = Path(output)
    settings = output.parent / f"{output.name}-settings.py"
    settings.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa: F401,F403\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        f"DEFAULT_PAGINATION = {PER_PAGE}\n"
        # Every tag gets a page, so that the one-article tags topic-2 and topic-22 have pages.
        "TAG_MIN_ARTICLES = 1\n",
        encoding="utf-8",
    )
    return build_site(output, content=THEME_ARCHIVE, settings=settings)


@pytest.fixture(scope="module")
def theme_site(tmp_path_factory):
    output = tmp_path_factory.mktemp("theme") / "output"
    build_theme_site(output)
    return output


def test_article_page_shows_everything_about_the_article(theme_site):
    article = ARTICLES[TIDES]
    path = article["url"]
    page = read_page(theme_site, path)
    text = page.text
    assert re.search(r"<h1>\s*Tide Gauge Network Records Highest Spring Tide\s*</h1>", text)
    assert "2024-06-03" in page.times
    assert f'class="standfirst">{markupsafe.escape(article["summary"])}</p>' in text
    topic_links = [resolve(path, link["href"]) for link in page.within("eyebrow")]
    assert topic_links == ["topics/science/index.html"]
    tags = [(resolve(path, link["href"]), link["text"]) for link in page.links if link["rel"] == "tag"]
    assert tags == [(f"tags/{t.lower()}/index.html", t) for t in article["tags"]]
    words = len(article["body"].split())
    assert words > 400
    assert f"<dt>Reading time</dt><dd>{math.ceil(words / 200)} min</dd>" in text
    assert "<dt>Source</dt><dd>Bay Science Notes</dd>" in text


def test_article_page_links_previous_next_and_related(theme_site):
    path = ARTICLES[TIDES]["url"]
    page = read_page(theme_site, path)
    older = [resolve(path, link["href"]) for link in page.within("story__pager-older")]
    newer = [resolve(path, link["href"]) for link in page.within("story__pager-newer")]
    # Same date as the museum article: the tie is broken by slug.
    assert older == [ARTICLES["museum-opens-gallery-of-ship-models"]["url"]]
    assert newer == [ARTICLES["ferry-crews-train-for-winter-rescues"]["url"]]
    # Newer first (on the left), as on every list.
    assert page.text.index("story__pager-newer") < page.text.index("story__pager-older")
    related = [resolve(path, link["href"]) for link in page.within("related")]
    # lighthouse: 3 shared tags; ferry and rail: 2 each, ferry is newer; museum: nothing shared.
    assert related == [
        ARTICLES["lighthouse-keepers-log-a-calm-spring"]["url"],
        ARTICLES["ferry-crews-train-for-winter-rescues"]["url"],
        ARTICLES["coastal-rail-line-reopens-after-storm-repairs"]["url"],
    ]
    oldest = read_page(theme_site, ARTICLES["lighthouse-keepers-log-a-calm-spring"]["url"])
    assert not oldest.within("story__pager-older") and oldest.within("story__pager-newer")


def test_article_page_shows_source_link_and_authors(theme_site):
    path = ARTICLES["lighthouse-keepers-log-a-calm-spring"]["url"]
    text = (theme_site / path).read_text(encoding="utf-8")
    assert '<a href="https://example.org/harbour-herald/lighthouse-spring" rel="external noopener">Harbour Herald</a>' in text
    assert "<dt>By</dt><dd>Mira Holm</dd>" in text
    # The site's default AUTHOR is not shown as a byline.
    assert "<dt>By</dt>" not in (theme_site / ARTICLES[TIDES]["url"]).read_text(encoding="utf-8")


def test_topic_page_shows_its_description(theme_site):
    from archivist.settings import load_settings

    topics = load_settings(str(ROOT / "pelicanconf.py"))["ARCHIVE_TOPICS"]
    text = (theme_site / "topics" / "science" / "index.html").read_text(encoding="utf-8")
    assert f'<p class="page-intro">{topics["Science"]}</p>' in text
    index = (theme_site / "topics" / "index.html").read_text(encoding="utf-8")
    for name in ("Science", "Society", "Business", "Culture"):
        assert f"<p>{topics[name]}</p>" in index
    assert "Politics" not in index  # no articles, no entry


def test_every_page_marks_its_section_in_the_navigation(theme_site):
    expected = {
        "index.html": "index.html",
        "page/2/index.html": "index.html",
        "topics/index.html": "topics/index.html",
        "topics/society/index.html": "topics/index.html",
        "tags/index.html": "tags/index.html",
        "tags/coast/index.html": "tags/index.html",
        "archives/index.html": "archives/index.html",
        "2024/index.html": "archives/index.html",
        "2024/06/index.html": "archives/index.html",
        "about.html": "about.html",
    }
    for path, section in expected.items():
        page = read_page(theme_site, path)
        current = [resolve(path, link["href"]) for link in page.within("site-nav") if link["current"] == "page"]
        assert current == [section], path
        assert '<form class="site-search" role="search"' in page.text
        assert 'name="q" id="search-box"' in page.text
    article = read_page(theme_site, ARTICLES[TIDES]["url"])
    assert [link for link in article.within("site-nav") if link["current"]] == []


def test_long_lists_paginate_into_folders_with_working_links(theme_site):
    # 5 articles at 2 per page: the home page has 3 pages; tag "topic" has 4 articles.
    assert (theme_site / "page" / "2" / "index.html").is_file()
    assert (theme_site / "page" / "3" / "index.html").is_file()
    assert not (theme_site / "page" / "4").exists()
    assert (theme_site / "tags" / "topic" / "page" / "2" / "index.html").is_file()
    seen = set()
    for path in ("index.html", "page/2/index.html", "page/3/index.html"):
        page = read_page(theme_site, path)
        listed = [resolve(path, link["href"]) for link in page.within("card__title")]
        assert 1 <= len(listed) <= PER_PAGE, path
        seen.update(listed)
        pages = {resolve(path, link["href"]) for link in page.within("pagination")}
        assert {"index.html", "page/2/index.html", "page/3/index.html"} <= pages, path
    assert seen == {a["url"] for a in ARTICLES.values()}
    newer = [link for link in read_page(theme_site, "page/2/index.html").links if link["rel"] == "prev"]
    assert [resolve("page/2/index.html", link["href"]) for link in newer] == ["index.html"]
    assert broken_links(theme_site) == []


def test_tags_topic_2_and_topic_22_coexist_with_paginated_topic(theme_site):
    for slug in ("topic", "topic-2", "topic-22"):
        assert (theme_site / "tags" / slug / "index.html").is_file(), slug
    rail = ARTICLES["coastal-rail-line-reopens-after-storm-repairs"]["url"]
    museum = ARTICLES["museum-opens-gallery-of-ship-models"]["url"]
    for slug, expected in (("topic-2", rail), ("topic-22", museum)):
        path = f"tags/{slug}/index.html"
        listed = [resolve(path, link["href"]) for link in read_page(theme_site, path).within("card__title")]
        assert listed == [expected], slug


def test_robots_txt_and_sitemap_dates_come_from_the_archive(theme_site):
    assert (theme_site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    sitemap = (theme_site / "sitemap.xml").read_text(encoding="utf-8")
    stamps = set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap))
    newest = max(a["date"] for a in ARTICLES.values())
    # Index pages carry the newest article's date, never the build time.
    assert stamps == {f"{a['date']:%Y-%m-%d}T00:00:00+00:00" for a in ARTICLES.values()}
    home = re.search(r"<loc>/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert home and home.group(1) == f"{newest:%Y-%m-%d}T00:00:00+00:00"


def test_atom_feeds_carry_summaries_not_full_text(theme_site):
    for feed in ("feeds/all.atom.xml", "feeds/topics/science.atom.xml"):
        text = (theme_site / feed).read_text(encoding="utf-8")
        assert text.count("<entry>") == text.count("<summary") > 0, feed
        assert "<content" not in text, feed
    assert "in section 5" not in (theme_site / "feeds/all.atom.xml").read_text(encoding="utf-8")


def test_building_twice_gives_identical_files(theme_site, tmp_path):
    again = tmp_path / "again"
    build_theme_site(again)
    first = sorted(p.relative_to(theme_site).as_posix() for p in theme_site.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    assert first == second
    for name in ("sitemap.xml", "robots.txt", "feeds/all.atom.xml", "feeds/topics/science.atom.xml"):
        assert name in first
    _, mismatch, errors = filecmp.cmpfiles(theme_site, again, first, shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.browser
def test_narrow_screen_has_no_horizontal_scroll(theme_site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        wide = {}
        for path in (
            "index.html",
            ARTICLES[TIDES]["url"],
            "topics/index.html",
            "tags/index.html",
            "tags/topic/page/2/index.html",
            "archives/index.html",
            "2024/index.html",
            "404.html",
        ):
            page.goto((theme_site / path).as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
        assert wide == {}, f"pages wider than a 320 px screen: {wide}"
    finally:
        context.close()


@contextlib.contextmanager
def serve_at_root(directory):
    """Serve ``directory`` at the root of a loopback HTTP server; yield the base URL."""
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("where", ["disk", "root", "subpath"])
def test_styles_and_pagination_work_from_disk_at_root_and_under_a_subpath(theme_site, browser, where):
    places = {
        "disk": contextlib.nullcontext(theme_site.as_uri() + "/"),
        "root": serve_at_root(theme_site),
        "subpath": serve_directory(theme_site, prefix="news-archive"),
    }
    context = browser.new_context()
    page = context.new_page()
    failures = []
    # A request cut short by our own click (the favicon still loading when the next
    # page is asked for) fails with net::ERR_ABORTED; that is not a broken link.
    page.on(
        "requestfailed",
        lambda request: request.failure != "net::ERR_ABORTED" and failures.append(request.url),
    )
    page.on("response", lambda response: response.status >= 400 and failures.append(response.url))
    try:
        with places[where] as base:
            page.goto(base + "tags/topic/index.html")
            # The stylesheets loaded: the header has the theme's dark background.
            header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
            assert header == "rgb(29, 31, 34)"
            page.locator(".pagination a[rel=next]").click()
            page.wait_for_load_state()
            assert page.url == base + "tags/topic/page/2/index.html"
            page.locator(".card__title a").first.click()
            page.wait_for_load_state()
            assert re.fullmatch(re.escape(base) + r"\d{4}/\d{2}/[a-z0-9-]+\.html", page.url)
            page.locator(".site-nav a", has_text="Archives").click()
            page.wait_for_load_state()
            assert page.url == base + "archives/index.html"
            page.locator(".site-title a").click()
            page.wait_for_load_state()
            assert page.url == base + "index.html"
            # Let the last page's late requests (the favicon) finish before the
            # server stops: a request cut by the shutdown is not a broken link.
            page.wait_for_load_state("networkidle")
            seen = list(failures)
    finally:
        context.close()
    assert seen == []
