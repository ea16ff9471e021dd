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
