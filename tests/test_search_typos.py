"""Misspelt query words: corrected from the word list, in search-engine.js under Node.

A small archive (the fixture articles, the seed stories and a few written for
this test) is built by the real `pelican`; tests/js/agreement.js then searches
it as search.html does: words found in no article, or in very few, are looked
up again as the index words one or two edits away, loading only the word-list
shards of their first letter.
"""

import random
import shutil
import textwrap

import pytest

from bench.relevance import misspelt

from .conftest import ROOT, build_site, copy_content
from .test_search_agreement import NODE, node_search
from . import search_reference as reference
from .search_reference import js_assigned

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (Node 20 is required)")

TARIFFS = [
    ("2025-03-01", "Steel tariffs raised again", "Tariffs on steel imports rose for the third time."),
    ("2025-03-02", "Tariffs hit car makers", "Car makers said the new tariffs would raise prices."),
    ("2025-03-03", "Farmers fear tariffs on grain", "Grain exporters expect tariffs within weeks."),
    # The misspelling itself, once: found as written, it comes first.
    ("2025-03-04", "Port traffic slows", "Shippers blamed the tarrifs for a quiet month at the docks."),
]


def _article(date, title, body):
    slug = title.lower().replace(" ", "-")
    return slug, textwrap.dedent(f"""\
        ---
        title: {title}
        date: {date}
        category: Business
        tags:
          - Trade
        summary: {body}
        source: Valley Gazette
        slug: {slug}
        ---

        {body}
        """)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("typos")
    content = copy_content(tmp, ROOT / "tests" / "fixtures" / "archive")
    for path in (ROOT / "content" / "articles").rglob("*.md"):
        target = content / "articles" / path.relative_to(ROOT / "content" / "articles")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    for date, title, body in TARIFFS:
        slug, text = _article(date, title, body)
        (content / "articles" / f"{date}-{slug}.md").write_text(text, encoding="utf-8")
    settings = tmp / "small_word_shards.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "SEARCH = {'shard_bytes': 2000, 'word_shard_bytes': 300}\n",
        encoding="utf-8",
    )
    output = tmp / "output"
    build_site(output, content, settings=str(settings))
    return output


def titles(site):
    """Title of each ref, from the document shards."""
    search_dir = site / "search"
    found = []
    for number in range(len(list((search_dir / "d").glob("*.js")))):
        text = (search_dir / "d" / f"{number}.js").read_text(encoding="utf-8")
        found += [entry["title"] for entry in js_assigned(text)]
    return found


def test_a_word_found_nowhere_is_corrected_to_the_nearest_frequent_word(site):
    named = titles(site)
    found = node_search(site, [], typos=["tatiffs", "steel tatiffs"])["typos"]
    tariff_titles = {title for _, title, _ in TARIFFS[:3]}
    assert found["tatiffs"]["exact"] == []
    assert found["tatiffs"]["corrections"] == [{"text": "tatiffs", "written": "tariffs", "terms": ["tariff"]}]
    assert {named[int(ref)] for ref in found["tatiffs"]["refs"]} == tariff_titles
    assert [named[int(ref)] for ref in found["steel tatiffs"]["refs"]] == ["Steel tariffs raised again"]
    assert found["steel tatiffs"]["mode"] == "all"


def test_a_rare_misspelling_found_as_written_comes_first_and_the_word_meant_follows(site):
    named = titles(site)
    found = node_search(site, [], typos=["tarrifs"])["typos"]["tarrifs"]
    assert [named[int(ref)] for ref in found["exact"]] == ["Port traffic slows"]
    assert found["corrections"] == [{"text": "tarrifs", "written": "tariffs", "terms": ["tariff"]}]
    assert named[int(found["refs"][0])] == "Port traffic slows"
    assert {named[int(ref)] for ref in found["refs"][1:]} == {title for _, title, _ in TARIFFS[:3]}


def test_words_found_often_enough_short_words_and_nonsense_are_left_alone(site):
    found = node_search(site, [], typos=["ferry", "fery", "eferry", "fer", "zzzzqqq", "tariffs"])["typos"]
    assert found["ferry"]["corrections"] == [] and found["tariffs"]["corrections"] == []
    assert found["fery"]["corrections"][0]["written"] == "ferry" and found["fery"]["refs"]
    assert found["eferry"]["corrections"] == []  # a first letter is never corrected
    assert found["fer"]["corrections"] == []  # too short
    assert found["zzzzqqq"] == {"refs": [], "mode": "all", "exact": [], "corrections": []}


def test_a_word_being_typed_that_starts_words_is_corrected_only_once_submitted(site):
    typed = node_search(site, [], typos=["ferr"], typing=True)["typos"]["ferr"]
    assert typed["corrections"] == [] and typed["refs"]  # "ferry" is on its way
    submitted = node_search(site, [], typos=["ferr"])["typos"]["ferr"]
    assert submitted["corrections"][0]["written"] == "ferry"


def test_each_title_word_misspelt_once_finds_its_article_in_the_first_ten(site):
    named = titles(site)
    manifest = reference.read_manifest(site / "search")
    assert len(manifest["wordShards"]) > 20
    generator = random.Random(19)
    queries = {}
    for ref, title in enumerate(named):
        words = [word for word in title.split() if word.isalpha() and len(word) >= 6]
        if words:
            word = generator.choice(words).lower()
            queries[misspelt(word, generator)] = ref
    assert len(queries) >= 10
    found = node_search(site, [], typos=sorted(queries))["typos"]
    missed = {query: [named[int(ref)] for ref in found[query]["refs"][:3]]
              for query, ref in queries.items() if str(ref) not in found[query]["refs"][:10]}
    assert missed == {}
