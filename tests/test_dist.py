"""`make dist`: a deterministic zip of the site that opens from disk, search included."""

import subprocess
import sys
import zipfile

import pytest

from archivist import frontmatter
from tests.conftest import ROOT


def make_dist(output):
    result = subprocess.run([sys.executable, "-m", "archivist.cli", "dist", str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return ROOT / result.stdout.strip()  # an absolute path stays as it is


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """The zip of the real archive, and the folder it was unpacked into."""
    folder = tmp_path_factory.mktemp("dist")
    path = make_dist(folder / "zips")
    unpacked = folder / "unpacked"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(unpacked)
    return path, unpacked


def newest_article_date():
    dates = []
    for path in (ROOT / "content" / "articles").rglob("*.md"):
        dates.append(frontmatter.parse(path.read_text(encoding="utf-8"), str(path)).meta["date"])
    return max(dates)


def test_the_zip_is_named_after_the_archive_and_its_newest_article(dist):
    path, _ = dist
    assert path.name == f"archivist-{newest_article_date().isoformat()}.zip"


def test_the_zip_holds_one_folder_with_the_site_in_a_fixed_order(dist):
    path, _ = dist
    top = path.name.removesuffix(".zip")
    date = newest_article_date()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert f"{top}/index.html" in names and f"{top}/search.html" in names
    assert all(name.startswith(f"{top}/") for name in names)
    assert {info.date_time for info in infos} == {(date.year, date.month, date.day, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o644}


def test_the_same_content_gives_the_same_bytes(dist, tmp_path):
    path, _ = dist
    again = make_dist(tmp_path)
    assert again.name == path.name
    assert again.read_bytes() == path.read_bytes()


@pytest.mark.browser
def test_the_unpacked_zip_opens_from_disk_and_search_finds_a_story(dist, watched_page):
    path, unpacked = dist
    site = unpacked / path.name.removesuffix(".zip")
    page = watched_page
    page.goto((site / "index.html").as_uri())
    assert page.title()
    page.goto((site / "search.html").as_uri() + "?q=asteroid")
    result = page.locator("#search-results li a").first
    result.wait_for(timeout=10_000)
    assert "Asteroid" in result.inner_text()
    result.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://")
    assert page.url.endswith("/wu-weiren-calls-for-global-asteroid-defense-cooperation.html")
    assert "Asteroid Defense" in page.locator("h1").first.inner_text()
    assert page.console_errors == []
    assert page.network_requests == []


def test_zip_entries_never_leave_their_folder(tmp_path):
    import datetime

    from archivist import dist
    from archivist.errors import ArchivistError

    assert dist.entry_name("2025/03/a.html") == "2025/03/a.html"
    for name in ("..\\evil.html", "a/../../evil.html", "../evil.html", "/etc/evil", "a//b", "./a"):
        with pytest.raises(ArchivistError, match="cannot go into the offline zip"):
            dist.entry_name(name)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (site / "..\\evil.html").write_text("<p>evil</p>", encoding="utf-8")  # a legal name on Linux
    with pytest.raises(ArchivistError, match=r"\.\.\\evil\.html: cannot go into the offline zip"):
        dist.write_zip(str(site), str(tmp_path / "out.zip"), "archive", datetime.date(2025, 3, 1))
    assert not (tmp_path / "out.zip").exists()


def test_links_are_refused_not_followed(tmp_path):
    import datetime
    import os

    from archivist import dist
    from archivist.errors import ArchivistError

    static = tmp_path / "theme" / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "a.css").write_text("p {}", encoding="utf-8")
    dist.refuse_links([str(static)])
    os.symlink("/etc/passwd", static / "css" / "passwd.css")
    with pytest.raises(ArchivistError, match=r"css/passwd.css: is a symbolic link: the offline copy does not follow"):
        dist.refuse_links([str(static)])
    with pytest.raises(ArchivistError, match="is a symbolic link"):
        dist.write_zip(str(static), str(tmp_path / "out.zip"), "archive", datetime.date(2025, 3, 1))
    settings = {"THEME": "theme", "PATH": str(tmp_path / "content"), "STATIC_PATHS": ["images"]}
    assert dist.static_folders(settings, str(tmp_path / "pelicanconf.py")) == [str(static)]
