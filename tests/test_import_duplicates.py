"""A story told twice is one article: near-duplicates become updates (or skips), never a refused import."""

import json
from pathlib import Path

import pytest

from archivist import checks, frontmatter, importer
from archivist.cli import main
from archivist.settings import load_settings
from .conftest import ROOT, build_site, copy_content

SETTINGS = str(ROOT / "pelicanconf.py")
FIRST = [
    "Harbour City mayor Elena Marsh said on Tuesday that the council will rebuild the flooded ferry terminal "
    "before the summer tourist season, at a cost of 4 million dollars.",
    "The terminal was closed in January after storms broke the harbour wall and flooded the ticket hall, "
    "leaving commuters to take a longer bus route around the bay.",
    "Marsh told reporters that the work would start next month and that the contractor had agreed to finish "
    "the sea defences first, so that the new hall would stay dry.",
]
# The wire's correction: one name fixed, one paragraph added.
LATER = [FIRST[0].replace("Elena Marsh", "Helena Marsh"), FIRST[1], FIRST[2],
         "The council will vote on the budget on Thursday."]
OTHER = ["Striker Jonas Berg scored twice as Valley Rovers beat Coastal United 3-1 in the cup semi-final on "
         "Saturday, sending the club to its first final in twenty years.",
         "Berg, who joined from Northern Athletic in the summer, has now scored eleven goals in the competition."]


def run(source, out, *args):
    return main(["import", str(source), "--settings", SETTINGS, "--out", str(out), "--date", "2025-03-16",
                 "--source", "Newswire", *args])


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def articles(folder):
    return sorted(str(p) for p in Path(folder).rglob("*.md"))


def errors_of(paths):
    found = checks.check_files(paths, load_settings(SETTINGS), archive=paths)
    return [f for f in found if f.severity == checks.ERROR]


def test_a_corrected_story_in_the_input_is_one_article_with_an_update(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [
        {"paragraphs": FIRST, "date": "2025-03-11"},
        {"paragraphs": OTHER, "date": "2025-03-12"},
        {"paragraphs": LATER, "date": "2025-03-14"},
    ])
    out = tmp_path / "articles"
    assert run(source, out) == 0
    report = capsys.readouterr().out
    assert f"update {source}:3-3: a later version of {source}:1 (" in report
    assert "2 article(s) written, 0 skipped (already imported or repeated), 1 update(s) of a story" in report
    written = articles(out)
    assert len(written) == 2 and errors_of(written) == []
    story = next(p for p in written if "2025-03-11-" in p)
    text = Path(story).read_text(encoding="utf-8")
    assert ("updates:\n  - date: 2025-03-14\n    note: Updated to a later version of the story, "
            "with 1 paragraph changed and 1 added.\n---\n") in text
    article = frontmatter.parse(text)
    assert article.meta["date"].isoformat() == "2025-03-11"
    assert article.meta["modified"].isoformat() == "2025-03-14"
    assert "Helena Marsh" in article.body and "vote on the budget" in article.body
    assert "Elena Marsh said" not in article.body


def test_the_later_version_is_the_later_date_whatever_the_input_order(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [
        {"paragraphs": LATER, "date": "2025-03-14"},
        {"paragraphs": FIRST, "date": "2025-03-11"},
    ])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(tmp_path / "a"), source="Newswire")
    story, update = proposed[1], proposed[0]
    assert (story.action, update.action, update.duplicate_of) == ("new", "update", f"{source}:2")
    assert "Helena Marsh" in story.body and story.meta["modified"].isoformat() == "2025-03-14"
    assert 0.8 <= update.similarity < 1


def test_skip_keeps_the_first_version_and_reports_the_repeat(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"},
                                                 {"paragraphs": LATER, "date": "2025-03-14"}])
    out = tmp_path / "articles"
    assert run(source, out, "--duplicates", "skip") == 0
    report = capsys.readouterr().out
    assert f"skipped {source}:2-2: repeats {source}:1 (" in report
    written = articles(out)
    assert len(written) == 1 and errors_of(written) == []
    text = Path(written[0]).read_text(encoding="utf-8")
    assert "Elena Marsh said" in text and "updates:" not in text and "modified" not in text


def test_error_keeps_the_old_strictness(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"},
                                                 {"paragraphs": LATER, "date": "2025-03-14"}])
    out = tmp_path / "articles"
    assert run(source, out, "--duplicates", "error") == 1
    assert "near-duplicate of" in capsys.readouterr().err
    assert articles(out) == []
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(out), source="N", duplicates="error")
    assert {p.finding.code for p in importer.problems(proposed, settings, str(out))} == {"near-duplicate"}


def test_dry_run_shows_what_becomes_of_each_duplicate(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"},
                                                 {"paragraphs": LATER, "date": "2025-03-14"}])
    assert run(source, tmp_path / "a", "--dry-run", "--json") == 0
    story, update = json.loads(capsys.readouterr().out)["articles"]
    assert story["action"] == "new" and story["modified"] == "2025-03-14"
    assert story["updates"] == [{"date": "2025-03-14", "note": "Updated to a later version of the story, "
                                 "with 1 paragraph changed and 1 added."}]
    assert update["action"] == "update" and update["duplicate_of"] == f"{source}:1"
    assert 0.8 <= update["similarity"] < 1
    assert run(source, tmp_path / "a", "--dry-run") == 0
    table = capsys.readouterr().out
    assert f"(update of {source}:1, " in table and "(1 update(s) below)" in table


def test_a_later_version_of_an_archived_article_rewrites_it_with_a_backup(tmp_path, capsys):
    out = tmp_path / "articles"
    assert run(write_jsonl(tmp_path / "first.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"}]), out) == 0
    [filed] = articles(out)
    before = Path(filed).read_bytes()
    # A curator's edit of the filed article is kept: only the text, 'modified' and 'updates' change.
    curated = before.decode().replace("title: ", "title: Curated ", 1)
    Path(filed).write_text(curated, encoding="utf-8")
    source = write_jsonl(tmp_path / "later.jsonl", [{"paragraphs": LATER, "date": "2025-03-14"}])
    capsys.readouterr()
    assert run(source, out, "--dry-run", "--json") == 0
    [row] = json.loads(capsys.readouterr().out)["articles"]
    assert (row["action"], row["rewrites"]) == ("update", filed)
    assert row["backup"] == str(Path(filed).parent / f".{Path(filed).name}.bak")
    assert run(source, out) == 0
    report = capsys.readouterr().out
    assert f"a later version of {checks.display_path(filed)}" in report and ".bak" in report
    assert articles(out) == [filed] and errors_of([filed]) == []
    assert (Path(filed).parent / f".{Path(filed).name}.bak").read_text(encoding="utf-8") == curated
    article = frontmatter.parse(Path(filed).read_text(encoding="utf-8"))
    assert article.meta["title"].startswith("Curated ")
    assert article.meta["summary"].startswith("Harbour City mayor Helena Marsh")  # the importer's, made anew
    assert "Helena Marsh" in article.body and article.meta["modified"].isoformat() == "2025-03-14"
    assert [u["date"].isoformat() for u in article.meta["updates"]] == ["2025-03-14"]
    # Importing the same correction again adds nothing; a second backup never replaces the first.
    assert run(source, out) == 0
    assert "0 article(s) written, 1 skipped" in capsys.readouterr().out


def test_an_older_version_of_an_archived_article_is_skipped(tmp_path, capsys):
    out = tmp_path / "articles"
    assert run(write_jsonl(tmp_path / "later.jsonl", [{"paragraphs": LATER, "date": "2025-03-14"}]), out) == 0
    [filed] = articles(out)
    before = Path(filed).read_bytes()
    source = write_jsonl(tmp_path / "first.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"}])
    assert run(source, out) == 0
    assert f"skipped {source}:1-1: repeats {checks.display_path(filed)}" in capsys.readouterr().out
    assert Path(filed).read_bytes() == before and articles(out) == [filed]


def test_a_failed_write_puts_the_archived_article_back(tmp_path, monkeypatch):
    out = tmp_path / "articles"
    assert run(write_jsonl(tmp_path / "first.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"}]), out) == 0
    [filed] = articles(out)
    before = Path(filed).read_bytes()
    source = write_jsonl(tmp_path / "later.jsonl", [{"paragraphs": LATER, "date": "2025-03-14"},
                                                    {"paragraphs": OTHER, "date": "2025-03-14"}])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(out), source="Newswire")
    assert [p.action for p in proposed] == ["update", "new"]
    real_link = importer.os.link

    def link(src, dst):  # the new article's name is taken by the time it is linked
        if not dst.endswith(".bak"):
            raise FileExistsError(dst)
        return real_link(src, dst)

    monkeypatch.setattr(importer.os, "link", link)
    with pytest.raises(importer.ArchivistError):
        importer.write(proposed)
    assert Path(filed).read_bytes() == before
    assert sorted(p.name for p in Path(filed).parent.iterdir()) == [Path(filed).name]
    assert articles(out) == [filed]


def test_tags_keep_one_spelling_across_the_import(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [
        {"paragraphs": OTHER, "tags": ["GenCorp Inc", "Time Warner", "CeBit"]},
        {"paragraphs": FIRST, "tags": ["Gencorp Inc", "TimeWarner", "Cebit", "cebit"]},
    ])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(tmp_path / "a"), source="N")
    assert proposed[1].meta["tags"] == ["GenCorp Inc", "Time Warner", "CeBit"]


def test_titles_and_values_are_trimmed(tmp_path):
    source = write_jsonl(tmp_path / "in.jsonl", [{"paragraphs": OTHER, "title": "  Berg  Sends Rovers Through ",
                                                  "summary": " Two goals. ", "tags": [" Jonas  Berg ", "Cup", "Rovers"]}])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(tmp_path / "a"), source=" Newswire ")
    meta = proposed[0].meta
    assert (meta["title"], meta["summary"], meta["source"]) == ("Berg Sends Rovers Through", "Two goals.", "Newswire")
    assert meta["tags"] == ["Jonas Berg", "Cup", "Rovers"]
    assert importer.problems(proposed, settings, str(tmp_path / "a")) == []


def test_an_archive_with_updates_builds(tmp_path, capsys):
    content = copy_content(tmp_path)
    folder = content / "articles"
    first = write_jsonl(tmp_path / "first.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"},
                                                   {"paragraphs": OTHER, "date": "2025-03-12"}])
    later = write_jsonl(tmp_path / "later.jsonl", [{"paragraphs": LATER, "date": "2025-03-14"}])
    assert run(first, folder) == 0 and run(later, folder) == 0
    assert "1 update(s) of a story" in capsys.readouterr().out
    output = tmp_path / "output"
    build_site(output, content=content)
    page = next((output / "2025" / "03").glob("council-*.html")).read_text(encoding="utf-8")
    assert "Helena Marsh" in page and "Elena Marsh said" not in page


def test_a_later_version_that_only_drops_paragraphs_is_skipped(tmp_path, capsys):
    # A wire's short repeat, or a story cut short in glued text: as an update it would lose text.
    out = tmp_path / "articles"
    assert run(write_jsonl(tmp_path / "first.jsonl", [{"paragraphs": LATER, "date": "2025-03-11"}]), out) == 0
    [filed] = articles(out)
    before = Path(filed).read_bytes()
    source = write_jsonl(tmp_path / "later.jsonl", [{"paragraphs": LATER[:3], "date": "2025-03-14"}])
    assert run(source, out) == 0
    assert f"skipped {source}:1-1: repeats {checks.display_path(filed)}" in capsys.readouterr().out
    assert Path(filed).read_bytes() == before and articles(out) == [filed]
    both = write_jsonl(tmp_path / "both.jsonl", [{"paragraphs": LATER, "date": "2025-03-11"},
                                                 {"paragraphs": LATER[:3], "date": "2025-03-14"}])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(both)], settings, str(tmp_path / "b"), source="N")
    assert [p.action for p in proposed] == ["new", "skip"] and "updates" not in proposed[0].meta


def test_a_version_with_the_same_lead_keeps_the_title_and_summary(tmp_path):
    # The splitter may leave the item before's earnings table glued to a story: the title stays the story's.
    table = ["Qtly div 54 cts vs 54 cts prior", "Pay May One", "Record April 10"]
    source = write_jsonl(tmp_path / "in.jsonl", [{"paragraphs": FIRST, "date": "2025-03-11"},
                                                 {"paragraphs": table + FIRST, "date": "2025-03-14",
                                                  "title": "Qtly Div 54 Cts vs 54", "summary": "Qtly div."}])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(tmp_path / "a"), source="N")
    story = proposed[0]
    assert story.meta["title"] != "Qtly Div 54 Cts vs 54" and story.meta["summary"].startswith("Harbour City")
    assert story.body.startswith("Qtly div") and len(story.meta["updates"]) == 1


def test_a_story_found_to_be_a_version_brings_its_own_versions_along(tmp_path):
    # B is not alike enough to A, C is a version of B, and once B's text is C's, B is a version of A:
    # one article, with both updates.
    words = [f"word{n}" for n in range(100)]

    def changed(positions):
        return " ".join(f"other{n}" if n in positions else w for n, w in enumerate(words)) + "."

    a, b, c = changed(set()), changed({20, 50, 80}), changed({20, 50})
    source = write_jsonl(tmp_path / "in.jsonl", [{"paragraphs": [a], "date": "2025-03-10"},
                                                 {"paragraphs": [b], "date": "2025-03-11"},
                                                 {"paragraphs": [c], "date": "2025-03-12"}])
    settings = load_settings(SETTINGS)
    proposed, _ = importer.plan([str(source)], settings, str(tmp_path / "a"), source="N")
    assert [p.action for p in proposed] == ["new", "update", "update"]
    story = proposed[0]
    assert [u["date"].isoformat() for u in story.meta["updates"]] == ["2025-03-11", "2025-03-12"]
    assert story.body == c + "\n" and importer.problems(proposed, settings, str(tmp_path / "a")) == []
