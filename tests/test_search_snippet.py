"""Result snippets (search-engine.js under Node): the summary when it holds a
matched word, else a passage of the body around the first matched word."""

import json
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "plugins"))

from search import output as search_output, settings as search_settings  # noqa: E402

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (Node 20 is required)")

MANIFEST = search_output.manifest(["a"], [], [], search_settings.settings_from({}))
SUMMARY = "The harbour board met the ferry operators on Monday."
BODY = (
    "Officials met in the harbour office on Monday morning. " * 6
    + "The owners do not only want money from the sale, they said. "
    + "Two Satellites and one satellite dish watched the harbour. "
    + "More talks are planned for the spring, officials said. " * 6
)
CHARS = 200


def snippets(*cases):
    payload = {"manifest": MANIFEST, "cases": [
        {"summary": summary, "passage": passage, "query": query, "chars": CHARS}
        for summary, passage, query in cases]}
    result = subprocess.run([NODE, str(ROOT / "tests" / "js" / "snippet.js")], input=json.dumps(payload),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def text(pieces):
    return "".join(piece["text"] for piece in pieces)


def marks(pieces):
    return [piece["text"] for piece in pieces if piece["mark"]]


def test_a_summary_with_a_matched_word_is_the_snippet():
    [pieces] = snippets((SUMMARY, BODY, "ferries"))
    assert text(pieces) == SUMMARY
    assert marks(pieces) == ["ferry"]


def test_a_word_only_in_the_body_gives_a_passage_cut_at_word_boundaries():
    [pieces] = snippets((SUMMARY, BODY, "money"))
    assert marks(pieces) == ["money"]
    shown = text(pieces)
    assert shown.startswith("… ") and shown.endswith(" …")
    inner = shown[2:-2]
    start = BODY.index(inner)
    assert BODY[start - 1] == " " and BODY[start + len(inner)] == " "
    assert CHARS * 0.8 <= len(inner) <= CHARS
    # The passage starts at the beginning of the matched word's sentence.
    assert inner.startswith("The owners do not only want money")


def test_the_body_is_matched_with_the_index_analyzer():
    [plural, prefix] = snippets((SUMMARY, BODY, "satellites"), (SUMMARY, BODY, "sat"))
    assert marks(plural) == ["Satellites", "satellite"]
    assert marks(prefix) == ["Satellites", "satellite"]


def test_a_passage_at_the_start_of_the_body_has_no_leading_ellipsis():
    body = "Money talks in the harbour. " + "Officials said more. " * 20
    [pieces] = snippets((SUMMARY, body, "money"))
    assert marks(pieces) == ["Money"]
    assert text(pieces).startswith("Money talks") and text(pieces).endswith(" …")


def test_without_a_match_in_the_passage_the_summary_stays():
    [missing, absent] = snippets((SUMMARY, BODY, "zeppelin"), (SUMMARY, None, "money"))
    assert text(missing) == SUMMARY and marks(missing) == []
    assert text(absent) == SUMMARY and marks(absent) == []


def test_a_quoted_phrase_is_marked_as_one_piece_and_its_words_only_there():
    [pieces] = snippets((SUMMARY, BODY, '"ferry operators" monday'))
    assert marks(pieces) == ["ferry operators", "Monday"]
    [pieces] = snippets(("Operators of the ferry met. The ferry operators agreed.", BODY, '“ferry operators”'))
    assert marks(pieces) == ["ferry operators"]


def test_a_phrase_not_in_the_summary_is_found_in_the_body():
    [pieces] = snippets((SUMMARY, BODY, '"satellite dish"'))
    assert marks(pieces) == ["satellite dish"]
    assert text(pieces).startswith("… ")
