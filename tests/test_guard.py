"""archive_guard and offline_download: pure functions, then real Pelican builds of a tiny archive."""

import json
import subprocess
import sys
import types

import pytest

from plugins.archive_guard import guard
from plugins.offline_download import link
from tests.conftest import ROOT, build_site
from tests.test_check import FERRY, FERRY_NAME, FORGED, GOOD, GOOD_NAME


def item(save_as, source):
    return types.SimpleNamespace(save_as=save_as, source_path=source)


def generators(articles=(), pages=(), direct=("index", "search")):
    settings = {"DIRECT_TEMPLATES": list(direct), "SEARCH_SAVE_AS": "search.html"}
    return [
        types.SimpleNamespace(settings=settings, articles=list(articles), translations=[]),
        types.SimpleNamespace(settings=settings, pages=list(pages), hidden_pages=[]),
    ]


def test_distinct_outputs_pass():
    guard.check_outputs(generators([item("2025/01/a.html", "/c/a.md")], [item("about.html", "/c/about.md")]))


def test_two_articles_on_one_page_are_refused(capfd):
    gens = generators([item("2025/01/a.html", "/c/a.md"), item("2025/01/./a.html", "/c/b.md")])
    with pytest.raises(guard.ArchiveGuardError, match="two sources would write the same page"):
        guard.check_outputs(gens)
    err = capfd.readouterr().err
    assert "/c/a.md:1: error: writes 2025/01/a.html, which /c/b.md also writes: change its slug" in err
    assert "/c/b.md:1: error: writes 2025/01/a.html, which /c/a.md also writes" in err


def test_a_page_cannot_replace_a_theme_page(capfd):
    with pytest.raises(guard.ArchiveGuardError):
        guard.check_outputs(generators(pages=[item("search.html", "/c/pages/search.md")]))
    assert "/c/pages/search.md:1: error: writes search.html, which the 'search' page of the theme also writes" in (
        capfd.readouterr().err
    )


def fake_article_generator(content, read=()):
    """What check_articles uses of Pelican's ArticlesGenerator; ``read`` = articles Pelican produced."""
    settings = {"ARTICLE_PATHS": ["articles"], "ARTICLE_EXCLUDES": [], "PATH": str(content),
                "ARCHIVE_TOPICS": {"Science": "", "Society": ""}, "SLUG_REGEX_SUBSTITUTIONS": []}
    return types.SimpleNamespace(
        settings=settings, path=str(content),
        articles=[types.SimpleNamespace(source_path=str(content / f)) for f in read],
    )


def test_an_article_pelican_did_not_read_stops_the_build(content, capfd):
    good = f"articles/2025/{GOOD_NAME}"
    (content / "articles" / ".DS_Store").write_bytes(b"\0")  # hidden files are not articles
    guard.check_articles(fake_article_generator(content, read=[good, f"articles/2025/{FERRY_NAME}"]))
    with pytest.raises(guard.ArchiveGuardError, match="1 error"):
        guard.check_articles(fake_article_generator(content, read=[good]))
    err = capfd.readouterr().err
    assert f"{content / 'articles' / '2025' / FERRY_NAME}:1: error: Pelican could not read this file" in err


def test_the_checks_of_unchanged_files_are_kept_in_the_cache_folder(content, tmp_path, monkeypatch):
    settings = {**fake_article_generator(content).settings, "CACHE_PATH": str(tmp_path / "cache"),
                "LOAD_CONTENT_CACHE": True}
    sources = sorted(str(p) for p in (content / "articles").rglob("*.md"))
    first = guard.check_sources(sources, settings)
    assert (tmp_path / "cache" / guard.CACHE_FILE).is_file()
    monkeypatch.setattr(guard.checks.files, "check_file_alone", lambda *args: pytest.fail("checked again"))
    assert guard.check_sources(sources, settings) == first


@pytest.mark.parametrize("url, page_url, href", [
    ("downloads/archive.zip", "about.html", "downloads/archive.zip"),
    ("downloads/archive.zip", "help/about.html", "../downloads/archive.zip"),
    ("https://example.org/a.zip", "help/about.html", "https://example.org/a.zip"),
])
def test_the_download_link_is_relative_to_its_page(url, page_url, href):
    html = link.replace_marker(f"<p>Intro</p>\n{link.MARKER}\n", url, page_url)
    assert f'<a href="{href}" download>Download the archive for offline reading</a>' in html
    assert link.MARKER not in html


def test_without_an_address_the_marker_just_goes():
    assert link.replace_marker(f"<p>Intro</p>{link.MARKER}", "", "about.html") == "<p>Intro</p>"


# Real builds.

@pytest.fixture
def content(tmp_path):
    """A tiny archive: two good articles and an About page with the download marker."""
    articles = tmp_path / "content" / "articles" / "2025"
    articles.mkdir(parents=True)
    (articles / GOOD_NAME).write_text(GOOD, encoding="utf-8")
    (articles / FERRY_NAME).write_text(FERRY, encoding="utf-8")
    pages = tmp_path / "content" / "pages"
    pages.mkdir()
    (pages / "about.md").write_text(f"---\ntitle: About\nslug: about\n---\n\nHello.\n\n{link.MARKER}\n")
    return tmp_path / "content"


def plain_pelican(content, output):
    """`pelican` as a user runs it by hand: without --fatal, so only the guard can stop it."""
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"),
           "-e", f"CACHE_PATH={json.dumps(str(output.parent / 'cache'))}"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_a_good_archive_builds_with_the_download_link(content, tmp_path):
    build_site(tmp_path / "out", content, OFFLINE_DOWNLOAD_URL="downloads/archive.zip")
    about = (tmp_path / "out" / "about.html").read_text()
    assert '<a href="downloads/archive.zip" download>Download the archive for offline reading</a>' in about
    assert (tmp_path / "out" / "2025" / "02" / "observatory-opens-its-dome-to-the-public.html").exists()


def test_the_real_about_page_has_no_link_without_a_zip(site):
    about = (site / "about.html").read_text()
    assert "Reading offline" in about
    assert "archive.zip" not in about and link.MARKER not in about


def test_invalid_yaml_stops_even_a_plain_pelican_run(content, tmp_path):
    bad = content / "articles" / "2025" / GOOD_NAME
    bad.write_text(GOOD.replace("category: Science", "category: [Science"), encoding="utf-8")
    result = plain_pelican(content, tmp_path / "out")
    assert result.returncode == 1
    assert f"{bad}:5: error: invalid YAML front matter" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr  # the one line, stopped in the reader
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.parametrize("old, new, message", [
    ("category: Science", "category: Astrology", ":4: error: unknown category 'Astrology'"),
    ("category: Science\n", "", ":1: error: missing 'category'"),
    ("slug: observatory-opens-its-dome-to-the-public", "slug: ferry-crew-rescues-stranded-kayakers",
     ":10: error: slug 'ferry-crew-rescues-stranded-kayakers' is also used by"),
], ids=["unknown category", "missing category", "duplicate slug"])
def test_the_build_refuses_a_bad_article(content, tmp_path, old, new, message):
    bad = content / "articles" / "2025" / GOOD_NAME
    bad.write_text(GOOD.replace(old, new), encoding="utf-8")
    result = build_site(tmp_path / "out", content, check=False)
    assert result.returncode != 0
    assert f"{bad}{message}" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_page_over_a_theme_page_stops_the_build(content, tmp_path):
    page = content / "pages" / "search.md"
    page.write_text("---\ntitle: Search tips\nslug: search\n---\n\nUse quotes.\n")
    result = build_site(tmp_path / "out", content, check=False)
    assert result.returncode != 0
    # Refused by the checks, before the guard's last line of defence (shared-output) is reached.
    assert f"{page}:3: error: slug 'search' is the name of a page or folder the site generates" in result.stderr


def test_a_bad_archive_guard_value_stops_the_build_before_reading(content, tmp_path):
    result = build_site(tmp_path / "out", content, check=False, ARCHIVE_GUARD={"duplicate_threshold": 80})
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "ARCHIVE_GUARD['duplicate_threshold'] must be a number above 0 and at most 1" in output
    assert "the archive checks failed" not in output  # raised by the build process itself
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.parametrize("save_as, outside", [
    ("2025/01/a.html", False), ("../output-sibling/evil.html", True), ("../output/../x.html", True),
    ("/etc/x.html", True), ("a/../../x.html", True), ("a/../b.html", False), ("", True), (".", True),
])
def test_outside_output_compares_whole_folders_not_string_prefixes(tmp_path, save_as, outside):
    assert guard.outside_output(save_as, str(tmp_path / "output")) is outside


def test_a_page_outside_the_output_folder_stops_the_build(content, tmp_path):
    # Settings, not an article, can still do it: the guard checks every output path.
    result = build_site(tmp_path / "output", content, check=False,
                        ARTICLE_SAVE_AS="../output-sibling/{slug}.html", ARTICLE_URL="{slug}.html")
    assert result.returncode != 0
    bad = content / "articles" / "2025" / GOOD_NAME
    assert (f"{bad}:1: error: would write ../output-sibling/observatory-opens-its-dome-to-the-public.html, "
            "outside the output folder: change its slug") in result.stderr
    assert not (tmp_path / "output-sibling").exists()


HOSTILE = {  # file name -> (how the good article is changed, the error the build names it by)
    "2025-02-11-capital-date.md": (("date: 2025-02-10", "Date: 9999-12-31"), ":3: error: 'date' 9999-12-31 is in the future"),
    "2025-02-12-capital-category.md": (("category: Science", "Category: Not A Topic"),
                                       ":4: error: unknown category 'Not A Topic'"),
    "2025-02-13-capital-slug.md": (("slug: observatory-opens-its-dome-to-the-public",
                                    "Slug: ../../../output-sibling/evil"),
                                   ":10: error: slug '../../../output-sibling/evil' would write outside its folder"),
    "2025-02-14-capital-source-url.md": (("source: Test Gazette", "source: Test Gazette\nSource_URL: 'javascript:x()'"),
                                         ":10: error: source_url 'javascript:x()' is not a web address"),
    "2025-02-15-capital-status.md": (("source: Test Gazette", "source: Test Gazette\nStatus: hidden"),
                                     ":10: error: status 'hidden' would hide this file"),
    "2025-02-16-save-as.md": (("source: Test Gazette", "source: Test Gazette\nsave_as: topics/world/index.html"),
                              ":10: error: unknown front matter key 'save_as'"),
    "2025-02-17-old-date.md": (("date: 2025-02-10", "date: 0999-01-01"), ":3: error: 'date' 0999-01-01 is before 1900"),
    "2025-02-18-index.md": (("slug: observatory-opens-its-dome-to-the-public", "slug: index"),
                            ":10: error: slug 'index' is the name of a page or folder the site generates"),
    "2025-02-19-bang-tag.md": (("  - Astronomy", "  - '!!!'"), ":5: error: tag '!!!' gives its page an empty address"),
    ".2025-02-20-hidden.md": (("slug: observatory-opens-its-dome-to-the-public", "slug: hidden-dome"),
                              ":1: error: hidden file (its name or folder starts with a dot)"),
    "2025-02-22-base-href.md": (("Children queued", '<base href="https://evil.example/">\n\nChildren queued'),
                                ":16: error: unsafe markup: <base> is not allowed in an article"),
    "2025-02-21-forged-command.md": (("slug: observatory-opens-its-dome-to-the-public", f"slug: {json.dumps(FORGED)}"),
                                     ":10: error: slug 'x\\n:\\:error file=README.md,line=1:\\:Forged\\r:\\:add-mask"),
}


def test_the_build_refuses_each_crafted_article_by_name(content, tmp_path):
    folder = content / "articles" / "2025"
    for index, (name, ((old, new), _message)) in enumerate(HOSTILE.items()):
        assert old in GOOD
        text = GOOD.replace(old, new).replace("observatory-opens-its-dome-to-the-public", f"dome-{index}")
        (folder / name).write_text(text.replace("Observatory Opens", f"Observatory {index} Opens"), encoding="utf-8")
    (content / "pages" / "script.md").write_text("---\nTitle: Tips\n---\n\n<script>alert(1)</script>\n")
    result = build_site(tmp_path / "out", content, check=False)
    assert result.returncode != 0
    for name, (_change, message) in HOSTILE.items():
        assert f"{folder / name}{message}" in result.stderr
    assert f"{content / 'pages' / 'script.md'}:5: error: raw <script> in the body" in result.stderr
    assert not [line for line in result.stderr.splitlines() if "::" in line]
    assert not (tmp_path / "out" / "index.html").exists()
    assert not (tmp_path / "output-sibling").exists()


def test_a_crlf_article_builds(content, tmp_path):
    article = content / "articles" / "2025" / GOOD_NAME
    article.write_bytes(GOOD.replace("\n", "\r\n").encode())
    build_site(tmp_path / "out", content)
    assert (tmp_path / "out" / "2025" / "02" / "observatory-opens-its-dome-to-the-public.html").exists()
