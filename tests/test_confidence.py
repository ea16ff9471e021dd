"""A confidence for every cut in the dry-run table and its JSON (split_scored: test_split_short)."""

import datetime

from archivist import importer
from archivist.commands import import_
from archivist.reading import Document, Paragraph


def _proposed(confidence, first):
    meta = {"title": f"Story {first}", "date": datetime.date(2025, 3, 16), "category": "World",
            "tags": ["A", "B", "C"], "summary": "S.", "source": "Wire", "slug": f"story-{first}"}
    return importer.Proposed(meta, "Body.\n", "in.txt", (first, first + 1), "f", confidence=confidence)


def test_the_dry_run_table_marks_unsure_cuts_and_the_json_gives_every_confidence():
    proposed = [_proposed(1.0, 1), _proposed(0.93, 3), _proposed(0.21, 5)]
    rows = import_.as_table(proposed).splitlines()
    assert rows[1].split()[1] == "1.00" and rows[2].split()[1] == "0.93"
    assert rows[3].split()[1:3] == ["0.21", "?"]
    assert rows[-1].startswith("1 cut(s) marked '?' are unsure")
    assert '"confidence": 0.21' in import_.as_json(proposed)


def test_records_of_json_lines_are_certain(tmp_path):
    units = list(importer.articles_of([
        Document("in.jsonl", (Paragraph("One.", 1, 1),)),
        Document("in.jsonl", (Paragraph("Two.", 2, 2),)),
    ]))
    assert [confidence for _d, _p, confidence in units] == [1.0, 1.0]
