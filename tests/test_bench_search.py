"""bench.search measures first searches in a real browser, from disk and over HTTP."""

from bench import search as bench_search
from .conftest import serve_directory


def test_first_searches_report_bytes_and_timings_of_each_query(site, browser):
    # Words of two seed stories' bodies; the second also ends in a prefix.
    queries = ["satellite", "ports hutch"]
    with serve_directory(site) as url:
        for base in (site.as_uri() + "/", url):
            rows = bench_search.first_searches(browser, base, site, queries)
            assert [row["query"] for row in rows] == queries
            for row in rows:
                assert row["results"] >= 1, row
                assert row["index_raw"] > row["index_gzip"] > 0
                assert row["lunr_gzip"] > 0
                assert row["load_ms"] >= 0 and row["search_ms"] >= 0 and row["work_ms"] > 0
            summary = bench_search.summarize(rows)
            assert summary["search_ms_p95"] >= summary["search_ms_p50"]


def test_the_lighthouse_bench_finds_one_page_of_each_kind_and_marks_scores_below_target(site):
    # Lighthouse itself runs only in the benchmark (make bench-lighthouse), never in the suite.
    from bench import lighthouse

    pages = lighthouse.pages_of(site)
    # No tag of the five seed articles reaches TAG_MIN_ARTICLES, so the seed site has no tag page.
    assert {"home", "article", "topic", "year", "month", "search", "updates", "about"} <= pages.keys()
    assert all((site / path).is_file() for path in pages.values())
    assert pages["month"].endswith("/index.html") and pages["article"].count("/") == 2
    row = {"kind": "search", "path": "search.html?q=x", "performance": 94, "accessibility": 100,
           "best-practices": 100, "seo": 100, "failed": ["total-blocking-time 90 ms"]}
    assert "| search `search.html?q=x` | 94 ! | 100 | 100 | 100 | total-blocking-time 90 ms |" in lighthouse.table([row])
