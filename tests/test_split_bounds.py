"""The splitter's costs are bounded: no article past the search window, long dumps split."""

import json
import time
from pathlib import Path

import pytest

from archivist import splitting
from archivist.reading import Paragraph

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-dev.jsonl"


def test_forbidden_starts_never_leave_a_span_without_a_segmentation():
    """Every start forbidden for likeness (as merge rounds leave a long dump) still cuts at the window."""
    bags = [["harbour", "ferry", "council"]] * 300
    cues = [0.0] + [-float("inf")] * 299
    starts = splitting.best_starts(bags, cues)
    lengths = [b - a for a, b in zip(starts, starts[1:] + [len(bags)])]
    assert len(starts) > 1
    assert max(lengths) <= splitting.MAX_PARAGRAPHS


def test_an_article_is_cut_at_the_word_window():
    bags = [[f"word{i}" for i in range(100)]] * 100
    starts = splitting.best_starts(bags, [0.0] + [-float("inf")] * 99, max_words=1000)
    lengths = [b - a for a, b in zip(starts, starts[1:] + [len(bags)])]
    assert max(lengths) * 100 <= 1000 + 100


@pytest.mark.skipif(not BBC.exists(), reason="the BBC development set (shared/data/bbc-dev.jsonl) is not beside the repository")
def test_three_hundred_glued_bbc_stories_are_found():
    """300 BBC stories glued into one stream: at least 80% of their starts are found.

    The time bound is coarse on purpose: it guards against the quadratic merge
    rounds (44 s for this stream) and the collapse into one article, not a speed
    figure (those are in bench/importer.py).
    """
    with open(BBC, encoding="utf-8") as handle:
        stories = [json.loads(line) for line in handle if line.strip()][:300]
    texts, starts = [], []
    for story in stories:
        starts.append(len(texts))
        texts.extend(story["paragraphs"])
    paragraphs = [Paragraph(text, number, number) for number, text in enumerate(texts, 1)]
    began = time.process_time()
    found = {part[0].line - 1 for part in splitting.split(paragraphs)}
    seconds = time.process_time() - began
    recall = len(found & set(starts)) / len(starts)
    assert recall >= 0.8, f"{recall:.2f} of the starts found"
    assert seconds < 60, f"{seconds:.0f} s"
