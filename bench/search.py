"""Search at archive scale (`make bench-search`).

For each archive size (1,000 and 10,000 articles by default) a corpus is made
from the BBC dev set in a temp folder outside the repository (bench.corpus:
distinct slugs, topics mapped to ARCHIVE_TOPICS), built by the real `pelican`
with the repository's settings, then measured:

- build: the whole site build, and the search plugin's share of it (its own
  log line), cold (no cache) and again with the analysis cache warm;
- index: bytes of the generated search files, raw and gzip (term shards,
  document shards, passage shards, manifest), the number of files and the largest shard;
- relevance (for an archive of distinct stories, the 1,000 articles): MRR@10
  and hit@10 of known-item queries per kind, typos, word forms and phrases
  among them (bench/relevance.py);
- browser: for a fixed set of queries, each in a fresh headless Chromium
  context (a first search: nothing cached), the index bytes the search page
  loaded (raw and gzip, lunr.js counted apart), the time to load them and the
  time from "all loaded" to results on screen (p50, p95), from disk (file://)
  and over HTTP under a subpath.

    python -m bench.search                   # 1,000 and 10,000 articles
    python -m bench.search --sizes 1000 --keep /tmp/bench-search

Results are printed as a table and written to bench/results/search.json
(git-ignored). The corpus never enters the repository.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from bench import corpus, relevance
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
QUERIES = [
    "government", "election labour", "film award", "mobile phone", "economy growth",
    "music", "football", "oil prices", "sat", "broadband", "world cup", "bank interest rates",
    "microsoft", "olympic", "chancellor brown", "games console", "strike", "china",
    "box office", "the best new phone",
    # Misspelt (their word-list shards are loaded too) and a quoted phrase.
    "goverment", "tarrifs", "\"interest rates\"",
]
_SEARCH_LOG = re.compile(r"Search index: (\d+) articles, (\d+) term shards, (\d+) files in ([\d.]+) s")


def build(content, output, cache):
    """Build with the real pelican; return (wall seconds, search plugin seconds)."""
    cmd = [
        sys.executable, "-m", "pelican", str(content), "-o", str(output),
        "-s", str(ROOT / "pelicanconf.py"), "--fatal", "errors", "--verbose",
        "-e", f"CACHE_PATH={json.dumps(str(cache))}",
    ]
    started = time.perf_counter()
    # A wide console, so that the plugin's log line is not wrapped.
    env = {**os.environ, "COLUMNS": "400"}
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"pelican failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    found = _SEARCH_LOG.search(" ".join((result.stdout + result.stderr).split()))
    return wall, float(found.group(4)) if found else float("nan")


def gz(data):
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def index_sizes(search_dir):
    sizes = {}
    for label, pattern in (("terms", "t/*.js"), ("docs", "d/*.js"), ("passages", "x/*.js"), ("words", "w/*.js"),
                           ("manifest", "manifest.js"), ("lunr", "lunr.js")):
        files = sorted(search_dir.glob(pattern))
        blobs = [path.read_bytes() for path in files]
        sizes[label] = {
            "files": len(files),
            "raw": sum(map(len, blobs)),
            "gzip": sum(gz(blob) for blob in blobs),
            "largest_raw": max(map(len, blobs), default=0),
        }
    return sizes


def wait_until_searched(session, query, timeout=120.0):
    """Poll the page, over the DevTools protocol, until its search for ``query`` is done.

    Not Playwright's wait_for_function: its first use in a page evaluates
    Playwright's injected script there (about 40 ms of main-thread work on
    this machine), just when the index files arrive, and that wait would be
    counted as the page's. A Runtime.evaluate of one expression costs the
    page next to nothing.
    """
    expression = (
        "document.getElementById('search').dataset.state === 'done'"
        f" && document.getElementById('search-status').textContent.includes({json.dumps('“' + query + '”')})"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = session.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if found.get("result", {}).get("value") is True:
            return
        time.sleep(0.02)
    raise TimeoutError(f"the search for {query!r} did not finish in {timeout:.0f} s")


def first_searches(browser, base_url, output, queries=QUERIES):
    """Each query in a fresh context: bytes loaded and timings of a first search."""
    rows = []
    for query in queries:
        context = browser.new_context()
        page = context.new_page()
        session = context.new_cdp_session(page)
        page.goto(f"{base_url}search.html?q={query}")
        wait_until_searched(session, query)
        names = page.evaluate(
            "Array.from(document.scripts, s => s.src).filter(n => n.includes('/search/'))"
        )
        index_raw = index_gzip = lunr_gzip = passage_gzip = 0
        for name in names:
            relative = unquote(urlparse(name).path).split("/search/", 1)[1]
            data = (output / "search" / relative).read_bytes()
            if relative == "lunr.js":
                lunr_gzip = gz(data)
            else:
                index_raw += len(data)
                index_gzip += gz(data)
                if relative.startswith("x/"):
                    passage_gzip += gz(data)
        root = page.locator("#search")
        rows.append({
            "query": query,
            "results": page.locator(".search-result").count(),
            "index_raw": index_raw,
            "index_gzip": index_gzip,
            "lunr_gzip": lunr_gzip,
            "passage_gzip": passage_gzip,
            "load_ms": float(root.get_attribute("data-load-ms")),
            "search_ms": float(root.get_attribute("data-search-ms")),
            "work_ms": float(root.get_attribute("data-work-ms")),
        })
        context.close()
    return rows


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarize(rows):
    return {
        "bytes_raw_p50": percentile([r["index_raw"] for r in rows], 0.5),
        "bytes_raw_max": max(r["index_raw"] for r in rows),
        "bytes_gzip_p50": percentile([r["index_gzip"] for r in rows], 0.5),
        "bytes_gzip_max": max(r["index_gzip"] for r in rows),
        "load_ms_p50": percentile([r["load_ms"] for r in rows], 0.5),
        "load_ms_p95": percentile([r["load_ms"] for r in rows], 0.95),
        "search_ms_p50": percentile([r["search_ms"] for r in rows], 0.5),
        "search_ms_p95": percentile([r["search_ms"] for r in rows], 0.95),
        "work_ms_p50": percentile([r["work_ms"] for r in rows], 0.5),
        "work_ms_p95": percentile([r["work_ms"] for r in rows], 0.95),
        "lunr_gzip": max(r["lunr_gzip"] for r in rows),
        "passages_gzip_max": max(r["passage_gzip"] for r in rows),
        "load_average": os.getloadavg()[0],
    }


def bench_size(count, workdir, browser, rebuild=True):
    content = workdir / f"content-{count}"
    output = workdir / f"output-{count}"
    cache = workdir / f"cache-{count}"
    corpus.write(content, count)
    cold_wall, cold_search = build(content, output, cache)
    warm_wall, warm_search = build(content, output, cache) if rebuild else (float("nan"), float("nan"))
    result = {
        "articles": count,
        "build_s": cold_wall, "search_s": cold_search,
        "rebuild_s": warm_wall, "rebuild_search_s": warm_search,
        "index": index_sizes(output / "search"),
        "browser": {},
    }
    if count <= len(corpus.unique_rows(corpus.load())):  # no replicas: every article its own story
        result["relevance"] = relevance.measure(content, output)
    result["browser"]["file"] = summarize(first_searches(browser, output.as_uri() + "/", output))
    with serve_directory(output, prefix="news-archive") as url:
        result["browser"]["http"] = summarize(first_searches(browser, url, output))
    return result


def _kb(value):
    return f"{value / 1024:,.0f} KB"


def table(results):
    lines = []
    for r in results:
        index = r["index"]
        lines += [
            f"== {r['articles']:,} articles",
            f"build {r['build_s']:.1f} s (search {r['search_s']:.1f} s); "
            f"rebuild {r['rebuild_s']:.1f} s (search {r['rebuild_search_s']:.1f} s, analysis cached)",
            f"index: {index['terms']['files']:,} term shards {_kb(index['terms']['raw'])} raw / "
            f"{_kb(index['terms']['gzip'])} gzip (largest {_kb(index['terms']['largest_raw'])}); "
            f"{index['docs']['files']:,} doc shards {_kb(index['docs']['raw'])} / {_kb(index['docs']['gzip'])}; "
            f"{index['passages']['files']:,} passage shards {_kb(index['passages']['raw'])} / "
            f"{_kb(index['passages']['gzip'])}; "
            f"{index['words']['files']:,} word shards {_kb(index['words']['raw'])} / {_kb(index['words']['gzip'])}; "
            f"manifest {_kb(index['manifest']['raw'])} / {_kb(index['manifest']['gzip'])}; "
            f"lunr.js {_kb(index['lunr']['raw'])} / {_kb(index['lunr']['gzip'])}",
            f"{'first search':<14}{'raw p50':>10}{'raw max':>10}{'gzip p50':>10}{'gzip max':>10}"
            f"{'load p50':>10}{'load p95':>10}{'search p50':>12}{'search p95':>12}{'work p50':>10}{'work p95':>10}",
        ]
        for where, s in r["browser"].items():
            lines.append(
                f"{where:<14}{_kb(s['bytes_raw_p50']):>10}{_kb(s['bytes_raw_max']):>10}"
                f"{_kb(s['bytes_gzip_p50']):>10}{_kb(s['bytes_gzip_max']):>10}"
                f"{s['load_ms_p50']:>8.0f}ms{s['load_ms_p95']:>8.0f}ms{s['search_ms_p50']:>10.1f}ms{s['search_ms_p95']:>10.1f}ms"
                f"{s['work_ms_p50']:>8.1f}ms{s['work_ms_p95']:>8.1f}ms"
                f"  (passages <= {_kb(s['passages_gzip_max'])} gzip; load average {s['load_average']:.1f})"
            )
        if "relevance" in r:
            lines.append(relevance.table(r["relevance"]))
    lines.append("Targets at 10,000 articles: first search <= 300 KB gzip (~1 MB raw) of index files, "
                 "results <= 100 ms after they are loaded.")
    lines.append("search: from the last index file's arrival to results on screen (shards are searched as "
                 "they arrive; arrival from Resource Timing over HTTP, from the load event on file://); "
                 "work: all the search work of the query (lunr, filters, rendering), wherever it fell.")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", help="work in this folder (outside the repository) and keep it")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the second (cached) build")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="archivist-bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for count in args.sizes:
                results.append(bench_size(count, workdir, browser, rebuild=not args.no_rebuild))
                print(table(results[-1:]), flush=True)
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
