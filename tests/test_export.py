"""`archivist export` and `make data`: the archive as JSON Lines and SQLite, byte for byte the same."""

import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archivist import export
from archivist.cli import main
from archivist.settings import load_settings

from .conftest import ROOT, copy_content
from .test_links import broken_links

FIXTURES = ROOT / "tests" / "fixtures" / "citations"
CORRECTED = "port-authority-revises-cargo-figures"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Settings of a copy of the real archive plus the corrected fixture article."""
    content = copy_content(tmp_path_factory.mktemp("export-content"))
    shutil.copy(next(FIXTURES.glob(f"*{CORRECTED}.md")), content / "articles" / "2025")
    settings = load_settings(str(ROOT / "pelicanconf.py"))
    return {**settings, "PATH": str(content)}


def exported(settings, folder):
    return export.export(settings, str(folder))


def test_two_exports_are_byte_identical(archive, tmp_path):
    first, count = exported(archive, tmp_path / "one")
    second, _ = exported(archive, tmp_path / "two")
    assert count == 6
    for a, b in zip(first, second):
        assert open(a, "rb").read() == open(b, "rb").read(), a
    assert not list((tmp_path / "one").glob("*.partial"))


def test_jsonl_holds_front_matter_url_and_text(archive, tmp_path):
    (jsonl, _), _ = exported(archive, tmp_path)
    lines = open(jsonl, encoding="utf-8").read().splitlines()
    records = [json.loads(line) for line in lines]
    assert [record["date"] for record in records] == sorted(record["date"] for record in records)
    corrected = next(record for record in records if record["slug"] == CORRECTED)
    assert corrected["url"] == f"2025/03/{CORRECTED}.html"
    assert corrected["updates"][0] == {"date": "2025-03-20", "note": corrected["updates"][0]["note"]}
    assert corrected["source_url"].startswith("https://") and corrected["tags"] == ["Ports", "Shipping"]
    assert corrected["text"].startswith("The port authority revised its cargo figures")
    assert "<" not in corrected["text"] and "\n" not in lines[0]


def test_sqlite_opens_and_answers_a_full_text_query(archive, tmp_path):
    (_, database), _ = exported(archive, tmp_path)
    with sqlite3.connect(database) as connection:
        found = connection.execute(
            "SELECT articles.slug FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank", ("containers february",)).fetchall()
        assert found == [(CORRECTED,)]
        tags = connection.execute("SELECT tag FROM tags JOIN articles ON articles.id = tags.article_id "
                                  "WHERE slug = ? ORDER BY tag", (CORRECTED,)).fetchall()
        assert tags == [("Ports",), ("Shipping",)]
        assert connection.execute("SELECT count(*) FROM updates").fetchone() == (2,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_an_archive_with_errors_is_refused_and_nothing_written(archive, tmp_path, capsys):
    broken = tmp_path / "content"
    shutil.copytree(archive["PATH"], broken)
    article = next((broken / "articles").rglob(f"*{CORRECTED}.md"))
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2025-03-20", "date: 2025-01-01"),
                       encoding="utf-8")
    with pytest.raises(export.InputError, match=r"1 error\(s\).*before the article's date.*archivist check"):
        export.export({**archive, "PATH": str(broken)}, str(tmp_path / "data"))
    assert not (tmp_path / "data").exists()


def test_the_command_writes_into_the_output_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["export", "--output", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [str(tmp_path / "archive.jsonl"), str(tmp_path / "archive.sqlite")]
    assert err.strip() == f"exported {len(list((ROOT / 'content' / 'articles').rglob('*.md')))} article(s)"
    result = subprocess.run([sys.executable, "-m", "archivist.cli", "export", "--help"], capture_output=True,
                            text=True, cwd=ROOT)
    assert "FTS5" in result.stdout


def test_the_offline_zip_holds_the_data_and_the_about_page_links_it(tmp_path):
    from archivist.dist import make_dist

    path = Path(make_dist(str(tmp_path / "zips")))
    top = path.name.removesuffix(".zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "unpacked")
    assert {f"{top}/data/archive.jsonl", f"{top}/data/archive.sqlite"} <= names
    site = tmp_path / "unpacked" / top
    about = (site / "about.html").read_text(encoding="utf-8")
    assert 'href="data/archive.sqlite"' in about and 'href="data/archive.jsonl"' in about
    assert broken_links(site) == []
