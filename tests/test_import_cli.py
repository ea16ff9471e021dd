"""`archivist import` end to end: bad inputs, dry runs, re-imports, and a real build."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archivist import frontmatter, importer
from archivist.cli import main
from archivist.errors import ArchivistError
from archivist.settings import load_settings
from .conftest import ROOT, build_site, copy_content

SEED = ROOT.parent / "shared" / "seeds" / "000_4ad95e05db3ab67a.txt"
SETTINGS = str(ROOT / "pelicanconf.py")
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside the repository")

STORIES = (
    "Harbour City mayor Elena Marsh said on Tuesday that the council will rebuild the flooded ferry terminal before the summer tourist season.\n"
    "Marsh said the ferry terminal repairs would cost the council about 4 million dollars, paid from the harbour reserve fund.\n"
    "---\n"
    "Striker Jonas Berg scored twice as Valley Rovers beat Coastal United 3-1 in the cup semi-final on Saturday.\n"
    "Berg, who joined the club last season, now has 20 goals for Rovers, whose manager praised the team's defending.\n"
)


def run_import(*args, out):
    # A later --source in ``args`` wins over this one.
    return main(["import", "--source", "Test Wire", *map(str, args), "--settings", SETTINGS, "--out", str(out),
                 "--date", "2025-03-16"])


def written(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("missing.txt", None, "missing.txt: no such file"),
        ("empty.txt", b"  \n\n", "empty.txt: is empty"),
        ("binary.txt", b"News line\n\x81\x00\xff", "binary.txt:2: is not UTF-8"),
        ("bom.txt", b"\xff\xfe\x00bad", "bom.txt: decoded as UTF-16 (with BOM), but does not read as Latin"),
        ("short.txt", b"Rain on Monday.\n", "short.txt: holds only 3 word(s): too short to be an article"),
        ("broken.jsonl", b'{"text": "Fine."}\n{"text": "broken\n', "broken.jsonl:2: broken JSON line"),
        ("shape.jsonl", b'{"body": "no text field"}\n', "shape.jsonl:1: needs 'paragraphs'"),
        ("date.jsonl", b'{"text": "The harbour council met on Monday evening to vote on the ferry plans, and after a long debate it chose to rebuild the terminal.", "date": "2025-02-30"}\n',
         "date.jsonl:1: date must be a date like 2025-03-16, not '2025-02-30'"),
    ],
)
def test_bad_input_is_one_line_error_and_writes_nothing(tmp_path, capsys, name, data, expected):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    out = tmp_path / "articles"
    assert run_import(path, out=out) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert not out.exists() or written(out) == []


def test_bad_input_from_the_console_script_has_no_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "archivist.cli", "import", str(tmp_path / "nope.txt"), "--settings", SETTINGS],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("archivist: error: ") and "Traceback" not in result.stderr


def test_import_writes_articles_then_reimport_adds_nothing(tmp_path, capsys):
    source = tmp_path / "stories.txt"
    source.write_text(STORIES, encoding="utf-8")
    out = tmp_path / "articles"
    assert run_import(source, "--source", "Newswire", out=out) == 0
    files = written(out)
    assert len(files) == 2 and all(f.startswith("2025/2025-03-1") for f in files)
    article = frontmatter.parse((out / files[0]).read_text(encoding="utf-8"))
    assert set(article.meta) <= set(frontmatter.FIELD_ORDER)
    assert article.meta["source"] == "Newswire"
    capsys.readouterr()
    before = {f: (out / f).read_bytes() for f in files}
    assert run_import(source, "--source", "Newswire", out=out) == 0
    report = capsys.readouterr().out
    assert "0 article(s) written, 2 skipped" in report
    assert {f: (out / f).read_bytes() for f in written(out)} == before


def test_a_failed_write_leaves_nothing_behind(tmp_path, capsys):
    source = tmp_path / "stories.txt"
    source.write_text(STORIES, encoding="utf-8")
    out = tmp_path / "articles"
    assert main(["import", str(source), "--settings", SETTINGS, "--out", str(out), "--date", "2025-03-16",
                 "--source", "Test Wire", "--dry-run", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)["articles"][1]
    # Something else takes the second file's name between planning and writing.
    blocker = out / second["date"][:4] / f"{second['date']}-{second['slug']}.md"
    proposed, _notes = importer.plan([str(source)], load_settings(SETTINGS), str(out),
                                     reference_date=datetime.date(2025, 3, 16))
    blocker.parent.mkdir(parents=True)
    blocker.write_text("someone else's file\n", encoding="utf-8")
    with pytest.raises(ArchivistError, match="already exists; not overwritten"):
        importer.write(proposed)
    assert written(out) == [str(blocker.relative_to(out))]
    assert blocker.read_text(encoding="utf-8") == "someone else's file\n"


def test_jsonl_values_win_and_lines_are_record_lines(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    records = [
        {"paragraphs": ["Striker Jonas Berg scored twice in the cup semi-final on Saturday.", "Berg has 20 goals."],
         "title": "Berg Sends Rovers to the Final", "category": "Culture", "date": "2025-01-02"},
        {"text": "Mayor Elena Marsh said the council will rebuild the ferry terminal.\n\nMarsh said it costs 4 million."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert run_import(path, "--dry-run", "--json", out=tmp_path / "a") == 0
    articles = json.loads(capsys.readouterr().out)["articles"]
    assert articles[0]["title"] == "Berg Sends Rovers to the Final"
    assert articles[0]["category"] == "Culture" and articles[0]["date"] == "2025-01-02"
    assert [a["lines"] for a in articles] == [[1, 1], [2, 2]]
    assert set(articles[0]) == {"title", "slug", "date", "category", "tags", "summary", "source", "lines",
                                "confidence", "action"}


def test_category_option_is_checked(tmp_path, capsys):
    source = tmp_path / "s.txt"
    source.write_text(STORIES, encoding="utf-8")
    assert run_import(source, "--category", "Nope", "--dry-run", out=tmp_path / "a") == 1
    assert "not one of ARCHIVE_TOPICS" in capsys.readouterr().err


def test_dry_run_table(tmp_path, capsys):
    source = tmp_path / "s.txt"
    source.write_text(STORIES, encoding="utf-8")
    assert run_import(source, "--dry-run", "--category", "Sport", out=tmp_path / "a") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["lines", "cut", "date", "topic", "title", "tags"]
    assert lines[1].startswith("1-2 ") and lines[2].startswith("4-5 ")
    assert not (tmp_path / "a").exists()


@needs_seed
def test_seed_dry_run_json_shows_the_five_true_articles(tmp_path, capsys):
    assert main(["import", str(SEED), "--source", "Global Times", "--date", "2025-03-16", "--settings", SETTINGS,
                 "--out", str(tmp_path / "empty"), "--dry-run", "--json"]) == 0
    articles = json.loads(capsys.readouterr().out)["articles"]
    assert [a["lines"][0] for a in articles] == [1, 3, 19, 23, 43]
    assert [a["date"] for a in articles] == ["2025-03-12", "2025-03-13", "2025-03-14", "2025-03-16", "2025-03-13"]
    assert all(len(a["title"]) <= 90 and len(a["summary"]) <= 300 and 3 <= len(a["tags"]) <= 8 for a in articles)


@needs_seed
def test_seed_imports_into_a_temporary_archive_that_builds(tmp_path, capsys):
    content = copy_content(tmp_path)
    articles = content / "articles"
    for path in articles.rglob("*.md"):
        path.unlink()
    assert main(["import", str(SEED), "--source", "Global Times", "--date", "2025-03-16",
                 "--settings", SETTINGS, "--out", str(articles)]) == 0
    files = sorted(articles.rglob("*.md"))
    assert len(files) == 5
    body = (next(f for f in files if "2025-03-13-wu" in f.name)).read_text(encoding="utf-8")
    assert "\n## Tackle challenges\n" in body
    output = tmp_path / "output"
    build_site(output, content=content)
    pages = sorted(p.name for p in (output / "2025" / "03").glob("*.html") if p.name != "index.html")
    assert pages == sorted(f.name[len("2025-03-12-"):-3] + ".html" for f in files)
    capsys.readouterr()
    assert main(["import", str(SEED), "--source", "Global Times", "--date", "2025-03-16",
                 "--settings", SETTINGS, "--out", str(articles)]) == 0
    assert "0 article(s) written, 5 skipped" in capsys.readouterr().out
    assert len(list(articles.rglob("*.md"))) == 5
    assert not [p for p in articles.rglob("*") if p.name.startswith(".import-")]
    assert os.listdir(articles) == ["2025"]


def test_import_help_lists_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = capsys.readouterr().out
    for option in ("--source", "--date", "--category", "--out", "--settings", "--dry-run", "--json", "--format",
                   "--duplicates"):
        assert option in text


def test_cp1252_input_is_imported_with_a_note(tmp_path, capsys):
    source = tmp_path / "latin.txt"
    source.write_bytes(STORIES.replace("Marsh", "M\u00e1rsh").encode("cp1252"))
    assert run_import(source, "--dry-run", out=tmp_path / "a") == 0
    captured = capsys.readouterr()
    assert "decoded as Windows-1252" in captured.err and "latin.txt" in captured.err


def test_bad_date_option(tmp_path, capsys):
    source = tmp_path / "s.txt"
    source.write_text(STORIES, encoding="utf-8")
    assert main(["import", str(source), "--settings", SETTINGS, "--date", "16/03/2025"]) == 1
    assert "--date must be a date like 2025-03-16" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal(tmp_path):
    import pty

    path = tmp_path / "many.jsonl"
    lines = [json.dumps({"text": f"Story number {n} about the harbour council and its ferry plans."}) for n in range(25)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "archivist.cli", "import", str(path), "--settings", SETTINGS,
               "--source", "Test Wire", "--date", "2025-03-16", "--out", str(tmp_path / "a"), "--dry-run"]
    piped = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, cwd=ROOT,
                               env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(follower)
    chunks = []
    try:
        while True:  # read while the child writes, so a full terminal buffer never blocks it
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert process.wait(timeout=60) == 0
    assert b"importing" in b"".join(chunks)
