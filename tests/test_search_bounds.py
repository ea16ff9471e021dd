"""Bounded costs of the index: no term longer than analysis.TERM_MAX, whatever an article holds.

A word longer than that (a hash, a URL, a run of garbage or an attack) is cut
to its first TERM_MAX characters, in the build and in the browser (the
agreement test runs long words through both), so its query still finds it;
the whole-title term is cut the same way.
"""

import sys

from .conftest import ROOT, build_site, copy_content

sys.path.insert(0, str(ROOT / "plugins"))

from search import analysis, documents, output as search_output, settings as search_settings  # noqa: E402
from search import shards as term_shards  # noqa: E402
from . import search_reference as reference  # noqa: E402

CAP = analysis.TERM_MAX
# One word of 200,000 letters: each of its prefixes was a copy and a hash in the prefix clauses.
LONG_WORD = ("q" + "wertyuiop" * 22_223)[:200_000]


def doc(url, title, body="", summary=""):
    return documents.document(url, title, "2025-03-10", "10 March", "World", [], summary, body)


def test_a_long_word_is_cut_to_the_cap_as_written_and_as_a_term():
    assert analysis.words(f"a {LONG_WORD} b") == ["a", LONG_WORD[:CAP], "b"]
    assert analysis.analyze(LONG_WORD) == [analysis.stem(LONG_WORD[:CAP])]
    assert all(len(term) <= CAP for term in analysis.analyze("x" * 500 + " " + "-".join(["y" * 100] * 3)))


def test_the_cap_counts_characters_not_utf16_units_and_cuts_the_lower_case_too():
    astral = "\U00020000" * 100  # a CJK letter past U+FFFF: two UTF-16 units each
    assert analysis.words(astral) == ["\U00020000" * CAP]
    # "İ" lower-cased is two characters: the lower case is cut again.
    assert analysis.words("İ" * CAP) == [("İ" * CAP).lower()[:CAP]]


def test_the_whole_title_term_is_cut_to_the_cap():
    title = " ".join(["harbour ferries"] * 40)
    assert analysis.title_term(title) == " ".join(analysis.analyze(title))[:CAP]
    assert documents.analyzed_fields(doc("a.html", title))["fulltitle"] == [analysis.title_term(title)]
    assert analysis.plan_query(title)["title"] == analysis.title_term(title)
    assert analysis.title_term("the of") is None


def test_the_manifest_hands_the_cap_to_the_browser():
    options = search_settings.settings_from(None)
    manifest = search_output.manifest([], [], [], options)
    assert manifest["analysis"]["termMax"] == CAP


def test_an_article_with_a_long_word_is_found_by_that_word_and_its_index_holds_no_longer_term():
    archive = documents.order([
        doc("long.html", LONG_WORD, body="Ferries sail at dawn."),
        doc("other.html", "Harbour ferries", body=f"A {LONG_WORD[:CAP]}x word and ferries."),
        doc("third.html", "Comet seen", body="Nothing long here."),
    ])
    options = search_settings.settings_from({"shard_bytes": 200})
    files = search_output.search_files(archive, ["World"], options)
    manifest = reference.read_manifest_text(files["manifest.js"])
    loaded = {int(name[2:-3]): reference.load_shard(search_output.js_assigned(text))
              for name, text in files.items() if name.startswith("t/")}
    terms = {term for shard in loaded.values() for term in shard.index.inverted_index}
    assert max(map(len, terms)) == CAP
    assert max(map(len, manifest["termShards"])) <= CAP
    refs, _ = reference.search(LONG_WORD, manifest, loaded.__getitem__)
    # The article whose title it is first; the other holds a word with the same first TERM_MAX letters.
    assert [archive[int(ref)]["url"] for ref in refs] == ["long.html", "other.html"]


def test_prefix_clauses_of_a_shard_whose_first_term_is_long_try_only_prefixes_up_to_the_cap():
    # A vocabulary of words (none longer than the cap) and a shard starting at a title term.
    title = analysis.title_term(" ".join(["ferries"] * 20))
    vocabulary = {"ferri", title}
    groups = [[("ferri", 0)], [(title, 1)]]
    rule = term_shards.PrefixRule(docs=1, min_length=3, max_shards=8)
    selected, aliases = term_shards.prefix_clauses(
        groups, ["ferri", title], rule, vocabulary, lambda number: 1 if number == 0 else 0, lambda numbers: 1)
    # "ferri" expands to itself in its shard; no title term is a candidate.
    assert selected == {(0, "ferri"): [0]}
    assert aliases == {}


def test_a_200000_character_one_word_title_builds_and_its_index_holds_no_longer_term(tmp_path):
    content = copy_content(tmp_path, ROOT / "tests" / "fixtures" / "archive")
    article = next((ROOT / "content" / "articles").rglob("*.md"))
    text = article.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    lines = [line for line in front.splitlines() if not line.startswith(("title:", "slug:"))]
    target = content / "articles" / "2025" / "long-title.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join([*lines, f"title: {LONG_WORD}", "slug: long-title"]) + "\n---\n" + body,
                      encoding="utf-8")
    output = tmp_path / "output"
    build_site(output, content)
    search_dir = output / "search"
    manifest = reference.read_manifest(search_dir)
    loaded = [reference.read_shard(search_dir, number) for number in range(len(manifest["termShards"]))]
    terms = {term for shard in loaded for term in shard.index.inverted_index}
    assert analysis.stem(LONG_WORD[:CAP]) in terms
    assert max(map(len, terms)) <= CAP
    written = [search_output.js_assigned(path.read_text(encoding="utf-8"))[0].split(" ")
               for path in (search_dir / "w").iterdir()]
    assert LONG_WORD[:CAP] in {word for shard in written for word in shard}
    assert max(len(word) for shard in written for word in shard) <= CAP
    refs, _ = reference.search(LONG_WORD, manifest, loaded.__getitem__)
    assert refs, "the long title's own word finds its article"
