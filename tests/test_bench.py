"""bench.corpus makes a small valid archive that builds; bench.build measures real builds."""

from pathlib import Path

import pytest

from archivist import frontmatter
from archivist.errors import InputError
from archivist.settings import load_settings
from bench import build as bench_build
from bench import corpus
from .conftest import ROOT, build_site

COUNT = 20

pytestmark = pytest.mark.skipif(
    not corpus.DEFAULT_DATA.is_file(),
    reason=f"BBC dev set not found at {corpus.DEFAULT_DATA} (shared/ must sit beside the repository)",
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """20 BBC articles, replicated past the end of a 15-row slice to exercise the suffixes."""
    return corpus.write(tmp_path_factory.mktemp("corpus") / "content", COUNT)


def _parsed(paths):
    return [frontmatter.parse(Path(p).read_text(encoding="utf-8"), str(p)) for p in paths]


def test_corpus_has_valid_distinct_articles(archive):
    topics = load_settings(str(ROOT / "pelicanconf.py"))["ARCHIVE_TOPICS"]
    articles = _parsed(archive)
    assert len(articles) == COUNT
    slugs = [a.meta["slug"] for a in articles]
    titles = [a.meta["title"] for a in articles]
    assert len(set(slugs)) == COUNT and len(set(titles)) == COUNT
    for path, article in zip(archive, articles):
        meta = article.meta
        assert meta["category"] in topics
        assert meta["source"] == "BBC News"
        assert 3 <= len(meta["tags"]) <= 6
        assert meta["summary"][-1] in ".!?\"'" and meta["summary"] in article.body
        assert path.name == f"{meta['date']:%Y-%m-%d}-{meta['slug']}.md"
        assert path.parent.name == f"{meta['date']:%Y}"


def test_replicas_get_suffixes_and_dates_spread_over_ten_years():
    rows = corpus.unique_rows(corpus.load())[:15]
    articles = [frontmatter.parse(text) for _path, text in corpus.articles(rows, 40)]
    assert articles[15].meta["title"] == f"{rows[0]['title']} (part 2)"
    assert articles[30].meta["slug"].endswith("-part-3")
    years = {a.meta["date"].year for a in articles}
    assert years <= set(range(2016, 2026)) and len(years) >= 5


def test_corpus_is_deterministic(archive, tmp_path):
    again = corpus.write(tmp_path / "content", COUNT)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in archive]


def test_corpus_refuses_the_repository():
    with pytest.raises(InputError, match="outside"):
        corpus.write(ROOT / "content" / "bench", 1)


def test_tags_are_proper_nouns_not_sentence_openers():
    found = corpus.tags(
        "Ofcom fines Acme Telecom",
        ["Regulators said on Monday that Ofcom fined Acme Telecom. Acme Telecom missed targets in London."],
        "Business",
    )
    assert found == ["Acme Telecom", "Ofcom", "London"]


def test_summary_stops_at_a_sentence():
    paragraph = "First sentence here. " * 30
    assert corpus.summary([paragraph]).endswith("here.")
    assert corpus.summary(["Only one sentence, long enough."]) == "Only one sentence, long enough."


def test_corpus_builds_with_our_settings(archive, tmp_path):
    content = archive[0].parents[2]
    output = tmp_path / "output"
    build_site(output, content=content)
    pages = sorted(output.glob("20[12][0-9]/[01][0-9]/*.html"))
    built = {p.stem for p in pages if p.name != "index.html"}
    assert built == {a.meta["slug"] for a in _parsed(archive)}


def test_harness_measures_vanilla_builds(archive, tmp_path):
    content = archive[0].parents[2]
    results = bench_build.bench_flavour(tmp_path, "vanilla", content, scenarios=("full", "edit"))
    assert results["files"] > COUNT and results["bytes"] > 0
    for scenario in ("full", "edit"):
        run = results[scenario]
        assert run.wall > 0 and run.cpu > 0 and run.rss > 10 * 1024**2


def test_repeated_full_builds_count_the_median_run(archive, tmp_path):
    content = archive[0].parents[2]
    results = bench_build.bench_flavour(tmp_path, "vanilla", content, scenarios=("full",), repeat=3)
    assert results["full"].wall > 0 and results["files"] > COUNT
    runs = [bench_build.Run(wall=w, cpu=1.0, rss=1) for w in (3.0, 1.0, 2.0, 9.0)]
    assert bench_build.median_run(runs).wall == 2.0
    assert bench_build.median_run(runs[:3]).wall == 2.0
