"""Real dumps at real size import in one go and pass the check (the data is read at run time, never committed)."""

import os

import pytest

from bench import import_dump

pytestmark = pytest.mark.skipif(
    not (import_dump.BBC.exists() and import_dump.REUTERS.exists()),
    reason=f"the development data is not in {import_dump.DATA} (shared/ must sit beside the repository)",
)


def test_3000_real_stories_and_glued_wire_copy_import_and_pass_check():
    # The site build of 3,400 articles takes minutes: ARCHIVIST_REAL_BUILD=1 adds it (bench.import_dump does).
    rows = import_dump.run(stories=3000, glued=600, overlap=100, build=os.environ.get("ARCHIVIST_REAL_BUILD") == "1")
    assert [(row["step"], row["exit"]) for row in rows if row["exit"] != 0] == []
    dump, glued, check = rows[:3]
    assert dump["written"] + dump["updates"] + dump["skipped"] == 3000
    assert dump["updates"] >= 5  # the dump's corrected wire stories and re-filed BBC stories
    assert glued["written"] > 400 and glued["skipped"] > 0  # the 100 stories the archive holds already
    assert check["check errors"] == 0 and check["checked"] >= dump["written"] + glued["written"]
