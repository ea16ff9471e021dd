"""Every article the importer writes passes the build's checks (archivist.checks); else nothing is written."""

import json
from pathlib import Path

from archivist import checks, importer, tags
from archivist.cli import main
from archivist.settings import load_settings
from .conftest import ROOT

SETTINGS = str(ROOT / "pelicanconf.py")
MARSH = ("Harbour City mayor Elena Marsh said on Tuesday that the council will rebuild the flooded ferry "
         "terminal before the summer tourist season.")
BERG = "Striker Jonas Berg scored twice as Valley Rovers beat Coastal United 3-1 in the cup semi-final on Saturday."


def run(path, out, *args):
    return main(["import", str(path), "--settings", SETTINGS, "--out", str(out), "--date", "2025-03-16", *args])


def files(folder):
    return sorted(p for p in Path(folder).rglob("*") if p.is_file())


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_articles_that_would_fail_the_checks_refuse_the_whole_import(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [
        {"text": MARSH},
        {"text": BERG, "title": "TODO"},
        {"text": MARSH.replace("Tuesday", "Friday") + " More next week.", "date": "2999-01-01"},
    ])
    out = tmp_path / "articles"
    assert run(source, out, "--source", "Newswire") == 1
    err = capsys.readouterr().err.splitlines()
    problems = [line for line in err if line.startswith("archivist: error: ")]
    assert len(problems) == 2
    assert problems[0].startswith(f"archivist: error: {source}:2-2: ") and "TODO" in problems[0]
    assert problems[1].startswith(f"archivist: error: {source}:3-3: 'date' 2999-01-01 is in the future")
    assert "nothing was imported" in err[-1]
    assert files(tmp_path / "articles") == []


def test_each_problem_carries_the_code_of_the_rule_it_breaks(tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [
        {"text": BERG, "title": "TODO"},
        {"text": MARSH, "date": "2999-01-01"},
    ])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(tmp_path / "articles"), source="")
    found = importer.problems(proposed, settings, str(tmp_path / "articles"))
    assert sorted((p.item.lines, p.finding.code) for p in found) == [
        ((1, 1), "missing-key"), ((1, 1), "placeholder"), ((2, 2), "future-date"), ((2, 2), "missing-key"),
    ]
    for problem in found:
        if problem.finding.code == "missing-key":
            line = problem.item.lines[0]
            assert str(problem) == (f"{source}:{line}-{line}: missing 'source': pass --source NAME (or give "
                                    f"'source' in each JSON line) (the article would be {problem.finding.path})")


def test_a_missing_source_is_one_line_per_article_naming_the_option(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text(f"{MARSH}\nMarsh said the repairs would cost 4 million dollars.\n", encoding="utf-8")
    assert run(source, tmp_path / "a", "--dry-run") == 1
    err = capsys.readouterr().err
    assert f"archivist: error: {source}:1-2: missing 'source': pass --source NAME" in err


def test_too_few_tags_are_topped_up_and_the_written_files_pass_check(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [
        {"text": MARSH, "tags": ["Ferries"]},
        {"text": "Rain fell across the coast.", "title": "Rain on the Coast"},
        {"text": BERG},
    ])
    out = tmp_path / "articles"
    assert run(source, out, "--source", "Newswire") == 0
    written = [str(p) for p in files(out)]
    assert len(written) == 3
    findings = checks.check_files(written, load_settings(SETTINGS), archive=written)
    assert [f for f in findings if f.severity == checks.ERROR] == []
    first = next(p for p in written if "ferry-terminal" in p)
    text = Path(first).read_text(encoding="utf-8")
    assert "  - Ferries\n" in text and text.count("\n  - ") >= tags.MIN_TAGS


def test_top_up_completes_tags_without_repeating_words():
    out = tags.top_up(["Weather"], ["Rain fell on the harbour town of Port Aldean on Monday."],
                      extra=("World", "Newswire"))
    assert out[0] == "Weather" and len(out) == tags.MIN_TAGS
    assert "Aldean" not in out and len({t.lower() for t in out}) == len(out)
    assert tags.top_up(["A", "B", "C", "D"], ["Text."]) == ["A", "B", "C", "D"]


def test_angle_brackets_in_the_text_are_written_as_text(tmp_path):
    """Wire copy names companies by ticker code in angle brackets ("<EXCO>"): text, not HTML tags
    for the sanitiser to strip, so the article passes the checks and reads as written."""
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"text": BERG.replace("Valley Rovers", "Valley Rovers <VRFC.L>") + " <script>x</script>"}])
    out = tmp_path / "articles"
    assert run(source, out, "--source", "Newswire") == 0
    (written,) = files(out)
    findings = checks.check_files([str(written)], load_settings(SETTINGS), archive=[str(written)])
    assert [f for f in findings if f.severity == checks.ERROR] == []
    body = written.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "&lt;VRFC.L>" in body and "&lt;script>" in body and "<script>" not in body
