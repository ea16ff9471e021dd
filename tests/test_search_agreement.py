"""lunr.py and lunr.js agree on the index our plugin builds.

A small archive is built by the real `pelican` with tiny term shards (so that
queries cross shard boundaries) and a low threshold for common words (so that
many whole-word results are stored, not searched); tests/js/agreement.js then searches it with
lunr.js from node_modules and theme/static/js/search-engine.js under Node,
and the refs must equal those of lunr.py (Index.load + the reference search
in tests/search_reference.py) for every query of the set.
"""

import json
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, build_site, copy_content

sys.path.insert(0, str(ROOT / "plugins"))

from search import analysis  # noqa: E402
from . import search_reference as reference  # noqa: E402

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (Node 20 is required)")

TRICKY_TEXTS = [
    "Money, money: the monies of the U.S. & China’s banks",
    "Café naïve résumé São Paulo Zürich ŒUVRE",
    "e-mail co-operation re-election 3.5% £20bn 1,000,000 2025-03-12",
    "Σίσυφος ΣΟΦΟΣ Москва 北京 東京 한국어 हिन्दी العربية",
    "it's don't won't they're China’s Reuters' ‘quoted’ “double”",
    "cities launches classes boxes buzzes series species news virus crisis gas",
    "_under_score__ x² ½ ⅔ Ⅻ ９ fullwidth ＡＢＣ",
    "\u00a0non\u2009breaking\u2028line\u2029para\ufeffbom",
    "E-Mail e\u2010mail U.S.-China US us IT it 2,850 1,000,000 1,2,3 3G A380 e.g. bbc.co.uk U.S.'s",
    "talked talking talks merged mergers generously yelling added happy happiness",
    # Longer than analysis.TERM_MAX: cut by characters (not UTF-16 units), the lower case cut again.
    "x" * 200 + " " + "talking" * 12 + " " + "a" * 63 + "'s " + "b" * 62 + "'s U." * 40,
    "\U00020000" * 70 + " " + "\U0001d400" * 65 + "b " + "İ" * 40 + " " + "ΣΑΣ" * 30,
    "-".join(["co"] * 40) + " " + "e-" + "mail" * 20 + " 1" + ",000" * 30 + " 3." + "5" * 80,
]
# An article of words longer than analysis.TERM_MAX (its title one of them): the index holds them cut.
LONG_WORDS = ["Ferries" * 12, "harbour" * 10 + "'s", "e-" + "timetable" * 8, "\U00020000" * 70, "1" + ",000" * 30]
LONG_WORDS_ARTICLE = f"""---
title: {LONG_WORDS[0]}
date: 2025-04-02
category: Politics
tags:
  - Ferries
summary: The {LONG_WORDS[1]} pier and its {LONG_WORDS[2]} were shown.
source: Valley Gazette
slug: long-words
---

A body of long words: {" ".join(LONG_WORDS)}, and short ones.
"""


def build_small_site(tmp, common_docs=3, common_prefix_docs=1, parallel=True, check=True):
    content = copy_content(tmp, ROOT / "tests" / "fixtures" / "archive")
    for path in (ROOT / "content" / "articles").rglob("*.md"):
        target = content / "articles" / path.relative_to(ROOT / "content" / "articles")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    (content / "articles" / "2025" / "long-words.md").write_text(LONG_WORDS_ARTICLE, encoding="utf-8")
    # A settings file, not `-e SEARCH=...`: build_site passes each extra setting
    # as its own `-e`, and Pelican keeps only the last one (CACHE_PATH).
    settings = tmp / "tiny_shards.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        f"SEARCH = {{'shard_bytes': 2000, 'doc_shard_size': 3, 'common_docs': {common_docs}, "
        f"'common_prefix_docs': {common_prefix_docs}, 'parallel': {parallel}}}\n",
        encoding="utf-8",
    )
    output = tmp / "output"
    result = build_site(output, content, settings=str(settings), check=check)
    return output if check else result


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    return build_small_site(tmp_path_factory.mktemp("agreement"))


def node_search(site, queries, texts=(), words=(), hits=(), typos=(), typing=False):
    payload = json.dumps({"site": str(site), "queries": list(queries), "texts": list(texts), "words": list(words),
                          "hits": list(hits), "typos": list(typos), "typing": typing})
    result = subprocess.run(
        [NODE, str(ROOT / "tests" / "js" / "agreement.js")],
        input=payload, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def query_set(search_dir, manifest):
    """Every word term of the index, its 3-letter prefix, neighbours paired, and some misses."""
    terms = set()
    for number in range(len(manifest["termShards"])):
        index = reference.read_shard(search_dir, number)
        terms.update(term for term in index.index.inverted_index if " " not in term)
    terms = sorted(terms)
    queries = set(terms)
    queries.update(term[:3] for term in terms)
    queries.update(f"{a} {b}" for a, b in zip(terms[::7], terms[3::7]))
    # "constructor": a plain object's lookup would find Object.prototype.constructor.
    queries.update(["money", "monies", "China’s satellites", "the", "zzzz nothing", "u.s. ports", "sat", "e-mail",
                    "US trade", "talked", "2,850",
                    "constructor", "the constructor", "constructor rule", *LONG_WORDS, " ".join(LONG_WORDS[:2])])
    return sorted(queries)


def test_every_shard_loads_in_lunr_py_and_the_site_has_many(small_site):
    search_dir = small_site / "search"
    manifest = reference.read_manifest(search_dir)
    assert len(manifest["termShards"]) >= 20
    for number in range(len(manifest["termShards"])):
        assert reference.read_shard(search_dir, number).index.fields == list(analysis.FIELDS)
    assert (search_dir / "lunr.js").read_bytes() == (ROOT / "node_modules" / "lunr" / "lunr.min.js").read_bytes()
    assert b"exports.stem" in (search_dir / "porter2.js").read_bytes()


def test_lunr_js_and_lunr_py_give_the_same_refs(small_site):
    search_dir = small_site / "search"
    manifest = reference.read_manifest(search_dir)
    cache = {}

    def load(number):
        if number not in cache:
            cache[number] = reference.read_shard(search_dir, number)
        return cache[number]

    queries = query_set(search_dir, manifest)
    assert len(queries) > 200
    node = node_search(small_site, queries)
    from_node = node["searches"]
    # Shards searched in another order (as they arrive in the browser) give the same results.
    assert node["arrivals"] == from_node
    assert any(len(shards) > 1 for shards in node["shards"].values())
    differences = []
    hits = 0
    for query in queries:
        refs, mode = reference.search(query, manifest, load)
        hits += bool(refs)
        if from_node[query] != {"refs": refs, "mode": mode}:
            differences.append((query, from_node[query], refs, mode))
    assert differences == []
    assert hits > len(queries) * 0.6


def test_stored_results_of_common_words_equal_lunr_js_searching_the_whole_index(small_site, tmp_path):
    # The same archive with no common words: lunr.js scores every word itself.
    searched = build_small_site(tmp_path, common_docs=10**6)
    search_dir = small_site / "search"
    manifest = reference.read_manifest(search_dir)
    stored = set()
    for number in range(len(manifest["termShards"])):
        stored.update(reference.read_shard(search_dir, number).exact)
    assert len(stored) > 20
    # (Whole queries are not compared: the prefix clause of the last word is
    # normalized per shard, and the two builds cut their shards differently.)
    words = sorted(stored)
    from_stored = node_search(small_site, [], words=words)["words"]
    from_lunr = node_search(searched, [], words=words)["words"]
    for word in words:
        assert {ref: reference._round(score) for ref, score in from_stored[word].items()} == \
            {ref: reference._round(score) for ref, score in from_lunr[word].items()}, word
        assert len(from_lunr[word]) >= 3


def test_stored_prefix_results_equal_lunr_js_searching_the_same_shards(small_site, tmp_path):
    # The same archive with no stored prefixes: the same shards (prefixes are
    # stored after the terms are cut into shards), lunr.js expands every prefix.
    searched = build_small_site(tmp_path, common_prefix_docs=10**6)
    search_dir = small_site / "search"
    manifest = reference.read_manifest(search_dir)
    assert reference.read_manifest(searched / "search") == manifest
    stored = set()
    for number in range(len(manifest["termShards"])):
        stored.update(reference.read_shard(search_dir, number).prefixes)
    assert len(stored) > 20
    queries = sorted(stored) + [f"the {word}" for word in sorted(stored)[::5]]
    with_stored = node_search(small_site, queries, hits=queries)
    with_lunr = node_search(searched, queries, hits=queries)
    assert with_stored["searches"] == with_lunr["searches"]
    rounded = {query: {key: {ref: reference._round(score) for ref, score in results.items()} for key, results in hits.items()}
               for query, hits in with_stored["hits"].items()}
    assert rounded == {query: {key: {ref: reference._round(score) for ref, score in results.items()}
                               for key, results in hits.items()} for query, hits in with_lunr["hits"].items()}


def test_analyzers_agree_on_tricky_text_the_vocabulary_and_every_word(small_site):
    search_dir = small_site / "search"
    manifest = reference.read_manifest(search_dir)
    vocabulary = set()
    for number in range(len(manifest["termShards"])):
        vocabulary.update(reference.read_shard(search_dir, number).index.inverted_index)
    # Every word of the articles indexed, as written: the two stemmers meet each one.
    written = set()
    for path in [*(ROOT / "content" / "articles").rglob("*.md"), *(ROOT / "tests" / "fixtures" / "archive").rglob("*.md")]:
        written.update(analysis.words(path.read_text(encoding="utf-8")))
    assert len(written) > 1000
    texts = TRICKY_TEXTS + sorted(vocabulary) + sorted(written - vocabulary)
    from_node = node_search(small_site, [], texts)
    assert {text: analysis.analyze(text) for text in texts} == from_node["analyze"]
    assert {text: analysis.words(text) for text in texts} == from_node["written"]
    assert {text: analysis.title_term(text) for text in texts} == from_node["titles"]
    # The long words are cut, and the index holds them so.
    assert {len(term) for text in TRICKY_TEXTS for term in analysis.analyze(text)} >= {analysis.TERM_MAX}
    assert max(map(len, vocabulary)) == analysis.TERM_MAX


def test_the_same_articles_give_byte_identical_search_files(small_site, tmp_path):
    # small_site's index was made in a background process (the default), this one in the build.
    again = build_small_site(tmp_path, parallel=False)

    def files(site):
        root = site / "search"
        return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}

    first, second = files(small_site), files(again)
    assert len(first) > 20
    assert first == second


def test_an_index_that_fails_in_the_background_fails_the_build_and_says_why(tmp_path):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    settings_text = f"SEARCH = {{'cache_path': {str(blocker / 'search')!r}}}\n"
    content = copy_content(tmp_path, ROOT / "tests" / "fixtures" / "archive")
    settings = tmp_path / "failing.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n" + settings_text,
        encoding="utf-8",
    )
    # A wide console: Pelican's wraps long paths, even inside a word.
    result = build_site(tmp_path / "output", content, settings=str(settings), check=False, env={"COLUMNS": "1000"})
    said = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert "the search index failed: NotADirectoryError" in said, said[-2000:]
    assert f"{blocker}/search" in said, said[-2000:]
