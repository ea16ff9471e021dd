"""lunr.py and lunr.js agree on the index our plugin builds.

A small archive is built by the real `pelican` with tiny term shards (so that
queries cross shard boundaries); tests/js/agreement.js then searches it with
lunr.js from node_modules and theme/static/js/search-engine.js under Node,
and the refs must equal those of lunr.py (Index.load + the reference search
in plugins/search/search_index.py) for every query of the set.
"""

import json
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, build_site, copy_content

sys.path.insert(0, str(ROOT / "plugins"))

from search import search_index as si  # noqa: E402

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
]


def build_small_site(tmp):
    content = copy_content(tmp, ROOT / "tests" / "fixtures" / "archive")
    for path in (ROOT / "content" / "articles").rglob("*.md"):
        target = content / "articles" / path.relative_to(ROOT / "content" / "articles")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    # A settings file, not `-e SEARCH=...`: build_site passes each extra setting
    # as its own `-e`, and Pelican keeps only the last one (CACHE_PATH).
    settings = tmp / "tiny_shards.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "SEARCH = {'shard_bytes': 2000, 'doc_shard_size': 3}\n",
        encoding="utf-8",
    )
    output = tmp / "output"
    build_site(output, content, settings=str(settings))
    return output


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    return build_small_site(tmp_path_factory.mktemp("agreement"))


def node_search(site, queries, texts=()):
    payload = json.dumps({"site": str(site), "queries": list(queries), "texts": list(texts)})
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
        index = si.read_shard(search_dir, number)
        terms.update(term for term in index.inverted_index if " " not in term)
    terms = sorted(terms)
    queries = set(terms)
    queries.update(term[:3] for term in terms)
    queries.update(f"{a} {b}" for a, b in zip(terms[::7], terms[3::7]))
    queries.update(["money", "monies", "China’s satellites", "the", "zzzz nothing", "u.s. ports", "sat"])
    return sorted(queries)


def test_every_shard_loads_in_lunr_py_and_the_site_has_many(small_site):
    search_dir = small_site / "search"
    manifest = si.read_manifest(search_dir)
    assert len(manifest["termShards"]) >= 20
    for number in range(len(manifest["termShards"])):
        assert si.read_shard(search_dir, number).fields == list(si.FIELDS)
    assert (search_dir / "lunr.js").read_bytes() == (ROOT / "node_modules" / "lunr" / "lunr.js").read_bytes()


def test_lunr_js_and_lunr_py_give_the_same_refs(small_site):
    search_dir = small_site / "search"
    manifest = si.read_manifest(search_dir)
    cache = {}

    def load(number):
        if number not in cache:
            cache[number] = si.read_shard(search_dir, number)
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
        refs, mode = si.search(query, manifest, load)
        hits += bool(refs)
        if from_node[query] != {"refs": refs, "mode": mode}:
            differences.append((query, from_node[query], refs, mode))
    assert differences == []
    assert hits > len(queries) * 0.6


def test_analyzers_agree_on_tricky_text_and_the_vocabulary(small_site):
    search_dir = small_site / "search"
    manifest = si.read_manifest(search_dir)
    vocabulary = set()
    for number in range(len(manifest["termShards"])):
        vocabulary.update(si.read_shard(search_dir, number).inverted_index)
    texts = TRICKY_TEXTS + sorted(vocabulary)
    from_node = node_search(small_site, [], texts)["analyze"]
    assert {text: si.analyze(text) for text in texts} == from_node


def test_the_same_articles_give_byte_identical_search_files(small_site, tmp_path):
    again = build_small_site(tmp_path)

    def files(site):
        root = site / "search"
        return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}

    first, second = files(small_site), files(again)
    assert len(first) > 20
    assert first == second
