"""Whatever the input, what the importer writes passes `archivist check`: it never refuses its own output."""

import datetime
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist import checks, importer
from archivist.settings import load_settings
from .conftest import ROOT

SETTINGS = load_settings(str(ROOT / "pelicanconf.py"))
REFERENCE = datetime.date(2025, 3, 16)
# Names a wire spells in more than one casing, as real dumps do.
NAMES = ["GenCorp Inc", "Gencorp Inc", "CeBit", "Cebit", "Sands of Time", "Sands Of Time", "Time Warner",
         "TimeWarner", "McDonald's", "MCDONALD'S", "Hong Kong", "HongKong", "Elena Marsh", "ELENA MARSH",
         "United Arab Emirates (UAE)", "iPhone", "De Beers", "de Beers"]
VERBS = ["said", "announced", "reported", "denied", "confirmed", "warned"]
NOUNS = ["the council", "the bank", "shares", "the ferry terminal", "exports", "the new plant", "talks",
         "its results", "the merger", "prices"]
WORDS = st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9).filter(lambda w: w != "todo")
NAME = st.one_of(st.sampled_from(NAMES), WORDS.map(str.capitalize),
                 st.tuples(WORDS, WORDS).map(lambda p: f"{p[0].upper()} {p[1].capitalize()}"))


@st.composite
def paragraph(draw):
    sentences = []
    for _ in range(draw(st.integers(1, 3))):
        filler = " ".join(draw(st.lists(WORDS, min_size=2, max_size=8)))
        sentences.append(f"{draw(NAME)} {draw(st.sampled_from(VERBS))} on Tuesday that {draw(NAME)} "
                         f"would review {draw(st.sampled_from(NOUNS))} in {draw(NAME)} after {filler}.")
    return " ".join(sentences)


@st.composite
def records(draw):
    """JSON Lines records: stories, some told again later with a change, some given odd values."""
    stories = draw(st.lists(st.lists(paragraph(), min_size=2, max_size=4), min_size=2, max_size=5))
    out = []
    for story in stories:
        day = draw(st.integers(1, 60))
        out.append((story, day))
        for _ in range(draw(st.integers(0, 2))):  # the wire's corrections of the story
            changed = list(story)
            index = draw(st.integers(0, len(changed) - 1))
            changed[index] = changed[index].replace(" would ", " will ", 1) + " " + draw(paragraph())
            if draw(st.booleans()):
                changed.append(draw(paragraph()))
            day = min(74, day + draw(st.integers(0, 5)))
            out.append((changed, day))
            story = changed
    order = draw(st.permutations(range(len(out))))
    result = []
    for position in order:
        paragraphs, day = out[position]
        record = {"paragraphs": paragraphs, "date": (datetime.date(2025, 1, 1) + datetime.timedelta(day)).isoformat()}
        if draw(st.booleans()):
            record["title"] = f"  {draw(NAME)}  {draw(st.sampled_from(VERBS))} {draw(WORDS)} "
        if draw(st.booleans()):
            record["tags"] = draw(st.lists(NAME, min_size=1, max_size=5))
        result.append(record)
    return result


def import_and_check(records_, folder, duplicates):
    source = Path(folder) / f"in-{len(list(Path(folder).glob('in-*')))}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records_), encoding="utf-8")
    out = str(Path(folder) / "articles")
    proposed, _notes = importer.plan([str(source)], SETTINGS, out, REFERENCE, source=" Newswire ",
                                     duplicates=duplicates)
    assert [str(p) for p in importer.problems(proposed, SETTINGS, out)] == []
    importer.write(proposed)
    written = [str(p) for p in sorted(Path(out).rglob("*.md"))]
    found = checks.check_files(written, SETTINGS, archive=written)
    assert [str(f) for f in found if f.severity == checks.ERROR] == []
    return proposed, written


# Two imports of up to 15 stories for each of 25 examples: seconds of CPU, so in the slow tier.
@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=records(), second=records(), duplicates=st.sampled_from(["update", "skip"]))
def test_the_importer_never_writes_what_check_refuses(first, second, duplicates):
    with tempfile.TemporaryDirectory() as folder:
        proposed, written = import_and_check(first, folder, duplicates)
        assert len(written) == sum(1 for p in proposed if p.action == "new")
        for item in proposed:
            updates = item.meta.get("updates") or []
            assert all(item.meta["date"] <= u["date"] <= item.meta["modified"] for u in updates)
        # The second dump meets the first in the archive: a story told again there is an update or a skip.
        import_and_check(second + first[:2], folder, duplicates)
