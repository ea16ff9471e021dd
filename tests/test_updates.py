"""archivist.updates: the ``updates:`` rule on plain values, then as `archivist check` reports it."""

import datetime

import pytest
import yaml

from archivist import checks, frontmatter, updates

from .test_check import GOOD

PUBLISHED = datetime.date(2025, 2, 10)
TODAY = datetime.date(2025, 6, 1)


def changes(text):
    return yaml.safe_load(text)


def test_valid_updates_have_no_problems_and_parse_oldest_first():
    value = changes("- {date: 2025-03-01, note: Added a statement.}\n- {date: 2025-02-11, note: '  Fixed   a name.'}")
    value[1]["note"] = "Fixed   a name."
    assert updates.problems(value, PUBLISHED, TODAY) == []
    assert updates.problems(None, PUBLISHED, TODAY) == []
    assert updates.parse(value) == [updates.Update(datetime.date(2025, 2, 11), "Fixed a name."),
                                    updates.Update(datetime.date(2025, 3, 1), "Added a statement.")]


def test_an_update_on_the_day_of_publication_is_fine():
    assert updates.problems([{"date": PUBLISHED, "note": "Same-day fix."}], PUBLISHED) == []


@pytest.mark.parametrize("value, expected", [
    ("Fixed a name.", "must be a list of changes"),
    ("[]", "must be a list of changes"),
    ("- Fixed a name.", "update 1 has str, not exactly 'date' and 'note'"),
    ("- {date: 2025-03-01}", "update 1 has date, not exactly 'date' and 'note'"),
    ("- {date: 2025-03-01, note: x, by: me}", "update 1 has by, date, note"),
    ("- {date: 'March 3rd', note: x}", "update 1: date 'March 3rd' is not a real date"),
    ("- {date: '2025-02-30', note: x}", "update 1: date '2025-02-30' is not a real date"),
    ("- {date: 2025-02-01, note: x}", "before the article's date 2025-02-10"),
    ("- {date: 2025-07-01, note: x}", "update 1: date 2025-07-01 is in the future"),
    ("- {date: 2025-03-01, note: ''}", "update 1: the note must be text"),
    ("- {date: 2025-03-01, note: 12}", "update 1: the note must be text"),
    ("- {date: 2025-03-01, note: ok}\n- {date: 2025-03-02, note: ' x '}", "update 2: the note has spaces around it"),
])
def test_each_problem_is_named_with_its_fix(value, expected):
    found = updates.problems(changes(value), PUBLISHED, TODAY)
    assert len(found) == 1 and expected in found[0], found
    assert ":" in found[0]


def test_latest_change_takes_the_newest_of_date_modified_and_updates():
    later = [updates.Update(datetime.date(2025, 3, 1), "x")]
    assert updates.latest_change(PUBLISHED) == PUBLISHED
    assert updates.latest_change(PUBLISHED, datetime.date(2025, 2, 20), later) == datetime.date(2025, 3, 1)
    assert updates.latest_change(PUBLISHED, datetime.datetime(2025, 4, 1, 9), later) == datetime.date(2025, 4, 1)


def test_the_frontmatter_writer_keeps_updates_readable():
    """The importer writes updates with frontmatter.render: they must read back as the same changes."""
    meta = frontmatter.parse(GOOD).meta
    meta["updates"] = [{"date": datetime.date(2025, 2, 12), "note": "Corrected the curator's name: it is Lee."}]
    text = frontmatter.render(meta, "Body.")
    assert text.index("updates:") < text.index("category:")
    again = frontmatter.parse(text).meta["updates"]
    assert again == meta["updates"] and updates.problems(again, meta["date"]) == []


def test_check_reports_a_bad_update_at_its_key(tmp_path):
    lines = GOOD.splitlines(keepends=True)
    at = next(number for number, line in enumerate(lines) if line.startswith("category:"))
    lines[at:at] = ["updates:\n", "  - date: 2025-01-01\n", "    note: Too early.\n"]
    path = tmp_path / "2025-02-10-observatory-opens-its-dome-to-the-public.md"
    path.write_text("".join(lines), encoding="utf-8")
    settings = {"ARCHIVE_TOPICS": {"Science": "Space."}, "PATH": str(tmp_path), "ARTICLE_PATHS": [""]}
    found = [finding for finding in checks.check_files([str(path)], settings, today=TODAY)
             if "update" in finding.message]
    assert [(finding.line, finding.severity, finding.code) for finding in found] == [(at + 1, "error", "bad-updates")]
    assert "before the article's date 2025-02-10" in found[0].message
    assert not [finding for finding in checks.check_files([str(path)], settings, today=TODAY)
                if "unknown front matter key" in finding.message]
