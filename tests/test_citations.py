"""plugins/citations: structured data, citations, JSON Feeds and corrections, on real builds.

The real archive (content/) plus two fixture articles (tests/fixtures/citations):
one whose every metadata field is hostile markup, one with two corrections
and a source_url. It is built twice with the real `pelican` command: relative
(as `make site`) and with an absolute SITEURL through publishconf.py (as `make
publish`). Every JSON-LD block of both builds is parsed; the BibTeX files are
parsed by bibtexparser, the CSL-JSON files checked against a schema of the
fields written and rendered by citeproc-py (a real CSL processor); the hostile
page is opened in Chromium.
"""

import html.parser
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, build_site, copy_content

sys.path.insert(0, str(ROOT / "plugins"))
from citations import core  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "citations"
SITEURL = "https://example.org/archive"
HOSTILE = "2025/03/hostile-metadata-stays-inert"
CORRECTED = "2025/03/port-authority-revises-cargo-figures"
HOSTILE_TITLE = ("Hostile </script><script>window.pwned = 1</script> <!-- & {braces} 100% $x_1 #2 ~^ \\ "
                 "\u2028 end")


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    folder = copy_content(tmp_path_factory.mktemp("citations-content"))
    for article in FIXTURES.glob("*.md"):
        shutil.copy(article, folder / "articles" / "2025" / article.name)
    return folder


@pytest.fixture(scope="module")
def relative_site(content, tmp_path_factory):
    output = tmp_path_factory.mktemp("citations-relative") / "output"
    build_site(output, content)
    return output


@pytest.fixture(scope="module")
def published_site(content, tmp_path_factory):
    output = tmp_path_factory.mktemp("citations-published") / "output"
    build_site(output, content, settings="publishconf.py", env={"SITEURL": SITEURL})
    return output


@pytest.fixture(scope="module", params=["relative", "published"])
def any_site(request, relative_site, published_site):
    return request.param, relative_site if request.param == "relative" else published_site


class HeadData(html.parser.HTMLParser):
    """JSON-LD blocks, meta tags and links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.json_ld, self.meta, self.links, self.scripts = [], {}, [], []
        self._in_ld = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            if attrs.get("type") == "application/ld+json":
                self._in_ld = []
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs.get("name"), []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)

    def handle_data(self, data):
        if self._in_ld is not None:
            self._in_ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld is not None:
            self.json_ld.append("".join(self._in_ld))
            self._in_ld = None


def head_data(path):
    parser = HeadData()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def article_pages(site):
    return sorted(page for page in site.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*.html") if page.name != "index.html")


# --- Pure functions ----------------------------------------------------------


@pytest.mark.parametrize("text", [HOSTILE_TITLE, "</SCRIPT >", "<!--<script>", "a\u2029b & c", "plain"])
def test_json_for_script_is_inert_and_reads_back(text):
    dumped = core.json_for_script({"headline": text})
    assert not re.search("[<>&\u2028\u2029]", dumped)
    assert json.loads(dumped) == {"headline": text}


def test_bibtex_text_escapes_latex_specials():
    assert core.bibtex_text("A & B {x} 100% $5 #1 a_b ~ ^ \\") == (
        r"A \& B \{x\} 100\% \$5 \#1 a\_b \textasciitilde{} \textasciicircum{} \textbackslash{}")


def test_json_feed_is_capped_and_summary_only():
    from datetime import datetime, timezone

    records = [{"slug": f"s{n}", "title": f"T{n}", "date": datetime(2025, 1, n + 1, tzinfo=timezone.utc),
                "modified": None, "summary": "S", "topic": "World", "tags": [], "authors": [], "source": "",
                "source_url": "", "url": f"2025/01/s{n}.html", "permalink": None, "lang": "en", "updates": []}
               for n in range(5)]
    feed = json.loads(core.json_feed(records, "T", "D", "en", "", "feeds/all.json", limit=3))
    assert [item["id"] for item in feed["items"]] == ["2025/01/s0.html", "2025/01/s1.html", "2025/01/s2.html"]
    assert feed["items"][0]["url"] == "../2025/01/s0.html"
    assert all("content_html" not in item and item["content_text"] == "S" for item in feed["items"])


def test_merge_settings_names_a_bad_key_and_keeps_the_defaults():
    from archivist.errors import PluginSettingsError

    assert core.merge_settings(None) == core.DEFAULTS
    assert core.merge_settings({"json_feed_all": ""})["json_feed_topic"] == core.DEFAULTS["json_feed_topic"]
    with pytest.raises(PluginSettingsError, match="unknown CITATIONS key.*'json_feed'"):
        core.merge_settings({"json_feed": "x.json"})
    with pytest.raises(PluginSettingsError, match=r"CITATIONS\['citation_files'\] must be True or False"):
        core.merge_settings({"citation_files": "yes"})


def test_data_links_are_relative_to_the_page():
    assert 'href="data/archive.sqlite"' in core.data_links_html("data/", "about.html")
    assert 'href="../data/archive.jsonl"' in core.data_links_html("data", "pages/about.html")


# --- Structured data -----------------------------------------------------------


def test_the_theme_builds_without_the_plugin(tmp_path):
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    output = tmp_path / "output"
    build_site(output, PLUGINS=[name for name in pelicanconf.PLUGINS if name != "citations"])
    page = (output / "2025" / "03").glob("*.html")
    assert not [path for path in page if '"NewsArticle"' in path.read_text(encoding="utf-8")]
    assert not (output / "feeds" / "all.json").exists()


def test_every_json_ld_block_of_the_site_parses(any_site):
    kind, site = any_site
    pages = sorted(site.rglob("*.html"))
    blocks = 0
    for page in pages:
        for block in head_data(page).json_ld:
            assert not re.search("[<>\u2028\u2029]", block), f"{page}: unescaped markup in JSON-LD"
            data = json.loads(block)
            assert data["@context"] == "https://schema.org"
            blocks += 1
    assert blocks >= len(article_pages(site)) + 5


NEWS_ARTICLE_FIELDS = {"headline", "datePublished", "dateModified", "description", "articleSection", "keywords",
                       "publisher"}


def test_every_article_has_news_article_data_and_previews(any_site):
    kind, site = any_site
    for page in article_pages(site):
        found = head_data(page)
        data, *breadcrumbs = map(json.loads, found.json_ld)
        assert data["@type"] == "NewsArticle"
        assert NEWS_ARTICLE_FIELDS <= data.keys(), f"{page}: missing {NEWS_ARTICLE_FIELDS - data.keys()}"
        assert data["datePublished"] <= data["dateModified"]
        for prop in ("og:type", "og:title", "og:description", "og:site_name", "article:published_time",
                     "twitter:card", "twitter:title"):
            assert found.meta.get(prop), f"{page}: no {prop}"
        assert found.meta["og:title"] == [data["headline"]]
        canonical = [link["href"] for link in found.links if link.get("rel") == "canonical"]
        if kind == "published":
            url = f"{SITEURL}/{page.relative_to(site).as_posix()}"
            assert data["mainEntityOfPage"]["@id"] == data["url"] == url
            assert canonical == [url] and found.meta["og:url"] == [url]
            assert data["publisher"]["url"] == f"{SITEURL}/"
            (crumbs,) = breadcrumbs
            steps = crumbs["itemListElement"]
            # The visible trail: Home > the article's topic > its year in that topic > the article.
            assert crumbs["@type"] == "BreadcrumbList" and steps[0]["name"] == "Home"
            assert steps[1]["name"] == data["articleSection"] and steps[2]["name"] == data["datePublished"][:4]
            assert steps[3]["item"] == url
        else:
            # A relative build has no origin: no field that needs an absolute URL.
            assert not canonical and "og:url" not in found.meta
            assert not {"url", "mainEntityOfPage"} & data.keys() and "url" not in data["publisher"]
            # Only the visible trail's BreadcrumbList, with addresses relative to the page.
            assert all(not step["item"].startswith(("http:", "https:", "/"))
                       for crumbs in breadcrumbs for step in crumbs["itemListElement"])


def test_source_url_is_the_article_basis(published_site):
    data = json.loads(head_data(published_site / f"{CORRECTED}.html").json_ld[0])
    assert data["isBasedOn"] == data["sameAs"] == "https://example.com/port-authority-revises-cargo-figures"
    assert data["dateModified"].startswith("2025-03-25")


def test_list_pages_are_collection_pages_with_breadcrumbs(published_site, relative_site):
    topic = json.loads(head_data(published_site / "topics" / "business" / "index.html").json_ld[0])
    assert topic["@type"] == "CollectionPage" and topic["name"] == "Business"
    assert [(item["position"], item["name"], item["item"]) for item in topic["breadcrumb"]["itemListElement"]] == [
        (1, "Home", f"{SITEURL}/index.html"), (2, "Topics", f"{SITEURL}/topics/index.html"),
        (3, "Business", f"{SITEURL}/topics/business/index.html")]
    # Date pages give their trail with the visible breadcrumbs (includes/macros.html).
    month = [json.loads(block) for block in head_data(published_site / "2025" / "03" / "index.html").json_ld]
    (trail,) = [block for block in month if block["@type"] == "BreadcrumbList"]
    assert [item["name"] for item in trail["itemListElement"]][:3] == ["Home", "Archives", "2025"]
    assert trail["itemListElement"][-1]["item"] == f"{SITEURL}/2025/03/index.html"
    relative = json.loads(head_data(relative_site / "topics" / "business" / "index.html").json_ld[0])
    assert relative["@type"] == "CollectionPage" and not {"url", "breadcrumb"} & relative.keys()


def test_hostile_metadata_is_escaped_everywhere(relative_site):
    page = (relative_site / f"{HOSTILE}.html").read_text(encoding="utf-8")
    found = head_data(relative_site / f"{HOSTILE}.html")
    # The article's NewsArticle, then the BreadcrumbList of its visible trail, which names it too.
    article, trail = map(json.loads, found.json_ld)
    assert article["headline"] == HOSTILE_TITLE and trail["itemListElement"][-1]["name"] == HOSTILE_TITLE
    assert found.meta["og:title"] == [HOSTILE_TITLE]
    # Only the theme's own scripts: none of the metadata became an element.
    assert [script.get("src", script.get("type")) for script in found.scripts] == [
        "application/ld+json", "application/ld+json", "../../theme/js/search-key.js", "../../theme/js/cite.js"]
    assert "<script>window" not in page and "<img src=x" not in page


@pytest.mark.browser
def test_hostile_metadata_stays_inert_in_chromium(watched_page, relative_site):
    dialogs = []
    watched_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched_page.goto((relative_site / f"{HOSTILE}.html").as_uri())
    assert watched_page.evaluate("window.pwned") is None
    data = watched_page.evaluate(
        "[...document.querySelectorAll('script[type=\"application/ld+json\"]')].map(s => JSON.parse(s.textContent))")
    assert [block.get("headline") or block["itemListElement"][-1]["name"] for block in data] == [HOSTILE_TITLE] * 2
    assert watched_page.title().startswith("Hostile window.pwned = 1 <!-- &")  # tags stripped, as text
    assert not dialogs and not watched_page.console_errors and not watched_page.network_requests


# --- Citations -----------------------------------------------------------------


def test_bibtex_files_parse_with_bibtexparser(any_site):
    import bibtexparser

    kind, site = any_site
    for page in article_pages(site):
        path = page.with_suffix(".bib")
        library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
        assert not library.failed_blocks, f"{path}: {library.failed_blocks}"
        (entry,) = library.entries
        assert entry.key == page.stem and entry.entry_type == "article"
        fields = entry.fields_dict
        assert fields["year"].value == "2025" and fields["title"].value.startswith("{")
        if kind == "published":
            assert fields["url"].value == f"{SITEURL}/{page.relative_to(site).as_posix()}"
    hostile = bibtexparser.parse_string((site / f"{HOSTILE}.bib").read_text(encoding="utf-8")).entries[0]
    assert hostile.fields_dict["title"].value == "{" + core.bibtex_text(HOSTILE_TITLE) + "}"
    assert hostile.fields_dict["author"].value == r"Ann O'Neil \& \{Sons\}"


# The CSL-JSON fields the site writes, with the types the CSL-JSON schema gives them.
CSL_ITEMS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type", "title", "issued"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {"enum": ["article-newspaper"]},
            "title": {"type": "string"}, "container-title": {"type": "string"}, "abstract": {"type": "string"},
            "keyword": {"type": "string"}, "section": {"type": "string"}, "archive": {"type": "string"},
            "language": {"type": "string"}, "URL": {"type": "string", "pattern": "^https?://"},
            "author": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                  "properties": {"literal": {"type": "string"}}}},
            "issued": {"type": "object", "additionalProperties": False, "properties": {"date-parts": {
                "type": "array", "minItems": 1, "maxItems": 2,
                "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": ["string", "number"]}}}}},
        },
    },
}


def test_csl_json_files_validate_and_render_in_citeproc(any_site):
    import jsonschema
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    kind, site = any_site
    style = CitationStylesStyle("harvard-cite-them-right", validate=True)
    for page in article_pages(site):
        items = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        jsonschema.validate(items, CSL_ITEMS)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        (rendered,) = [str(entry) for entry in bibliography.bibliography()]
        assert items[0]["title"] in rendered and "2025" in rendered
        if kind == "published":
            assert f"{SITEURL}/{page.relative_to(site).as_posix()}" in rendered


def test_ris_files_are_well_formed(relative_site):
    for page in article_pages(relative_site):
        text = page.with_suffix(".ris").read_bytes().decode("utf-8")
        lines = text.split("\r\n")
        assert lines[0] == "TY  - NEWS" and lines[-2] == "ER  -" and lines[-1] == ""
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*|ER  -", line) for line in lines[:-1]), text


def test_cite_block_shows_every_file_and_needs_no_script(relative_site):
    page = (relative_site / f"{CORRECTED}.html").read_text(encoding="utf-8")
    block = page[page.index('<details class="cite"'):page.index("</details>")]
    for suffix in (".bib", ".ris", ".json"):
        assert f'href="../../{CORRECTED}{suffix}"' in block
        assert (relative_site / f"{CORRECTED}{suffix}").is_file()
    bibtex = (relative_site / f"{CORRECTED}.bib").read_text(encoding="utf-8")
    assert bibtex.replace("&", "&amp;").strip() in block  # the same text, ready to select
    assert "<script" not in block


@pytest.mark.browser
def test_copy_button_copies_or_selects_a_citation(watched_page, relative_site):
    watched_page.goto((relative_site / f"{CORRECTED}.html").as_uri())
    watched_page.click("details.cite summary")
    watched_page.click("text=Copy BibTeX")
    status = watched_page.locator(".cite__status").nth(1)
    status.wait_for()
    assert watched_page.wait_for_function(
        "document.querySelectorAll('.cite__status')[1].textContent !== ''") is not None
    assert not watched_page.console_errors


# --- JSON Feed -----------------------------------------------------------------


def test_json_feeds_have_the_required_fields_and_permalinks(published_site, relative_site, content):
    article_count = len(list((content / "articles").rglob("*.md")))
    for name in ("feeds/all.json", "feeds/topics/business.json"):
        feed = json.loads((published_site / name).read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
        assert feed["feed_url"] == f"{SITEURL}/{name}"
        assert feed["items"]
        for item in feed["items"]:
            assert item["id"] == item["url"] and item["id"].startswith(f"{SITEURL}/")
            assert (published_site / item["id"][len(SITEURL) + 1:]).is_file()
            assert item["content_text"] and "content_html" not in item
            assert item["date_published"][:10] <= item["date_modified"][:10]
    everything = json.loads((published_site / "feeds/all.json").read_text(encoding="utf-8"))
    assert len(everything["items"]) == article_count
    dates = [item["date_published"] for item in everything["items"]]
    assert dates == sorted(dates, reverse=True)
    relative = json.loads((relative_site / "feeds/all.json").read_text(encoding="utf-8"))
    # The same articles, each under its path: ids do not depend on where the site is served.
    assert [f"{SITEURL}/{item['id']}" for item in relative["items"]] == [item["id"] for item in everything["items"]]
    for page in ("index.html", "topics/business/index.html"):
        types = [link.get("type") for link in head_data(published_site / page).links if link.get("rel") == "alternate"]
        assert "application/feed+json" in types


# --- Corrections and updates ------------------------------------------------------


def test_corrected_article_shows_its_latest_update_and_log(relative_site):
    page = (relative_site / f"{CORRECTED}.html").read_text(encoding="utf-8")
    top = page.index('class="story__update"')
    assert top < page.index('class="story__body"') < page.index('id="corrections-heading"')
    assert "Updated <time datetime=\"2025-03-25\">25 March 2025</time>:</strong> Added the authority" in page
    log = page[page.index('id="corrections-heading"'):page.index("</section>", page.index('id="corrections-heading"'))]
    assert log.index("2025-03-20") < log.index("2025-03-25")
    assert "1.2 million, not 2.1 million" in log


def test_updates_page_lists_changes_newest_first(relative_site):
    page = (relative_site / "updates.html").read_text(encoding="utf-8")
    dates = re.findall(r'<li><time datetime="([0-9-]+)"', page)
    assert dates == ["2025-03-25", "2025-03-20"]
    assert f'href="./{CORRECTED}.html"' in page
    assert 'href="./updates.html"' in (relative_site / "index.html").read_text(encoding="utf-8")


def test_outputs_are_byte_identical_across_builds(content, relative_site, tmp_path):
    again = tmp_path / "again"
    build_site(again, content)
    for name in ("feeds/all.json", f"{CORRECTED}.bib", f"{CORRECTED}.ris", f"{CORRECTED}.json", "updates.html",
                 f"{HOSTILE}.html"):
        assert (again / name).read_bytes() == (relative_site / name).read_bytes(), name


def test_a_rebuild_keeps_unchanged_files_and_drops_those_of_a_removed_article(content, tmp_path):
    edited = copy_content(tmp_path / "edited", content)
    output = tmp_path / "output"
    cache = str(tmp_path / "cache")
    build_site(output, edited, CACHE_PATH=cache)
    kept = output / f"{CORRECTED}.bib"
    stamp = kept.stat().st_mtime_ns
    next((edited / "articles").rglob("*hostile-metadata-stays-inert.md")).unlink()
    build_site(output, edited, CACHE_PATH=cache)
    assert not [path for path in output.rglob("hostile-metadata-stays-inert.*") if path.suffix != ".html"]
    assert kept.stat().st_mtime_ns == stamp
    assert not (output / "feeds" / "topics" / "society.json").exists() or "Hostile" not in (
        output / "feeds" / "topics" / "society.json").read_text(encoding="utf-8")


def test_sitemap_lists_pages_not_data(published_site):
    sitemap = (published_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{SITEURL}/updates.html" in sitemap
    assert not re.search(r"\.(bib|ris|json)</loc>", sitemap)


# --- The new pages pass the HTML and accessibility checks -------------------------


def test_new_pages_are_valid_html(relative_site, published_site):
    from .test_accessibility import vnu_errors

    files = [relative_site / f"{HOSTILE}.html", relative_site / f"{CORRECTED}.html", relative_site / "updates.html",
             published_site / f"{CORRECTED}.html", published_site / "topics" / "business" / "index.html"]
    errors = vnu_errors(files)
    assert not errors, "\n".join(errors)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_new_pages_have_no_serious_axe_violations(browser, relative_site, scheme):
    from axe_playwright_python.sync_playwright import Axe

    from .test_accessibility import BLOCKING, WCAG_TAGS, describe

    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    failures = []
    try:
        for path in (f"{CORRECTED}.html", f"{HOSTILE}.html", "updates.html"):
            page.goto((relative_site / path).as_uri())
            if page.locator("details.cite").count():
                page.click("details.cite summary")  # axe checks only what is shown
            violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}}).response
            blocking = [v for v in violations["violations"] if v["impact"] in BLOCKING]
            if blocking:
                failures.append(f"{path} ({scheme}):\n{describe(blocking)}")
    finally:
        context.close()
    assert not failures, "\n".join(failures)
