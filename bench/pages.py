"""Page weight at archive scale: every generated page <= 100 KB and <= 1,500 DOM elements.

Builds an archive of N articles from the BBC dev set (``bench.corpus``) with
the repository's settings, in a temporary folder, then reads every HTML file
of the output: its bytes and its elements (every start tag, as the browser's
DOM counts them), grouped by page kind. Prints a table per kind (pages,
median and largest size, most elements), the pages over the limits, the
output's bytes per article and how many articles fit in GitHub Pages' 1 GB,
and, after one article's body is edited, how many pages the rebuild rendered
(fast_build must leave the date, topic and entity pages alone).

    python -m bench.pages                 # 10,000 articles
    python -m bench.pages --articles 20000 --keep /tmp/pages-20000
    python -m bench.pages --lighthouse node_modules/.bin/lighthouse

``--lighthouse CLI`` also serves the output on 127.0.0.1 and runs that
Lighthouse command (npm ``lighthouse``, with Debian's /usr/bin/chromium as
CHROME_PATH) on the first page of each kind: performance, accessibility, best
practices and SEO scores in a second table.

Exit status 1 when a page is over a limit.
"""

import argparse
import functools
import html.parser
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import build, corpus

MAX_BYTES = 100 * 1024
MAX_ELEMENTS = 1500
GITHUB_PAGES_BYTES = 1024 ** 3

# (kind, pattern of the path in the output), first match wins.
KINDS = [
    ("home", r"index\.html"),
    ("home page N", r"page/\d+/index\.html"),
    ("day", r"\d{4}/\d\d/\d\d/index\.html"),
    ("month", r"\d{4}/\d\d/index\.html"),
    ("year", r"\d{4}/index\.html"),
    ("article", r"\d{4}/\d\d/[^/]+\.html"),
    ("archives", r"archives/index\.html"),
    ("topics index", r"topics/index\.html"),
    ("topic year", r"topics/[^/]+/\d{4}/(page/\d+/)?index\.html"),
    ("topic", r"topics/[^/]+/(page/\d+/)?index\.html"),
    ("entity index", r"tags/index\.html"),
    ("entity", r"tags/[^/]+/(page/\d+/)?index\.html"),
    ("entity type", r"entities/[^/]+/(page/\d+/)?index\.html"),
    ("entity letter", r"entities/[^/]+/[^/]+/(page/\d+/)?index\.html"),
    ("search", r"search\.html"),
    ("other", r".*"),
]
_KINDS = [(kind, re.compile(pattern)) for kind, pattern in KINDS]


def kind_of(path):
    for kind, pattern in _KINDS:
        if pattern.fullmatch(path):
            return kind
    return "other"


class _Elements(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1

    def handle_startendtag(self, tag, attrs):
        self.count += 1


def elements(text):
    """The number of elements of an HTML page (its start tags)."""
    parser = _Elements()
    parser.feed(text)
    parser.close()
    return parser.count


def measure(output):
    """[(path, kind, bytes, elements)] for every HTML file under ``output``."""
    pages = []
    for path in sorted(Path(output).rglob("*.html")):
        relative = path.relative_to(output).as_posix()
        data = path.read_bytes()
        pages.append((relative, kind_of(relative), len(data), elements(data.decode("utf-8"))))
    return pages


def tree_bytes(output):
    return sum(path.stat().st_size for path in Path(output).rglob("*") if path.is_file())


def table(pages):
    lines = [f"| page kind | pages | median KB | largest KB | most elements | over a limit |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    kinds = {}
    for page in pages:
        kinds.setdefault(page[1], []).append(page)
    order = [kind for kind, _ in KINDS]
    for kind in sorted(kinds, key=order.index):
        found = kinds[kind]
        sizes = [size for _, _, size, _ in found]
        over = sum(1 for _, _, size, count in found if size > MAX_BYTES or count > MAX_ELEMENTS)
        lines.append(f"| {kind} | {len(found):,} | {statistics.median(sizes) / 1024:.1f} | {max(sizes) / 1024:.1f} "
                     f"| {max(count for *_, count in found):,} | {over} |")
    return "\n".join(lines)


def rebuild_after_one_edit(settings, content):
    """Edit one article's body, build again; return (seconds, pages rendered, pages left alone)."""
    build.edit_one(content)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pelican", "-s", str(settings), "--fatal", "errors", "-v"],
                            cwd=build.ROOT, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    log = " ".join((result.stdout + result.stderr).split())  # Pelican's console wraps long lines
    found = re.search(r"fast_build: (\d+) pages rendered, (\d+) unchanged", log)
    return seconds, *(map(int, found.groups()) if found else (None, None))


LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROMIUM = "/usr/bin/chromium"


def sample_pages(pages):
    """The first page (in path order) of each kind but "other"."""
    first = {}
    for path, kind, *_ in pages:
        if kind != "other":
            first.setdefault(kind, path)
    order = [kind for kind, _ in KINDS]
    return sorted(first.items(), key=lambda pair: order.index(pair[0]))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def lighthouse(cli, output, pages):
    """[(kind, path, {category: score})] of Lighthouse on each sample page, the site served locally."""
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results = []
    try:
        for kind, path in sample_pages(pages):
            url = f"http://127.0.0.1:{server.server_port}/{path}"
            result = subprocess.run(
                [cli, url, "--output=json", "--quiet", f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
                 "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
            if result.returncode != 0:
                raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
            categories = json.loads(result.stdout)["categories"]
            results.append((kind, path, {name: round(categories[name]["score"] * 100) for name in LIGHTHOUSE_CATEGORIES}))
    finally:
        server.shutdown()
    return results


def lighthouse_table(results):
    lines = ["| page kind | page | " + " | ".join(LIGHTHOUSE_CATEGORIES) + " |",
             "| --- | --- |" + " ---: |" * len(LIGHTHOUSE_CATEGORIES)]
    for kind, path, scores in results:
        lines.append(f"| {kind} | {path} | " + " | ".join(str(scores[name]) for name in LIGHTHOUSE_CATEGORIES) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="archive size (default 10,000)")
    parser.add_argument("--data", default=str(corpus.DEFAULT_DATA), help="BBC JSON Lines file")
    parser.add_argument("--keep", help="build in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the one-edit rebuild")
    parser.add_argument("--lighthouse", metavar="CLI", help="run this Lighthouse command on one page of each kind")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as temporary:
        workdir = Path(args.keep or temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        content = workdir / f"corpus-{args.articles}"
        if not content.is_dir():
            corpus.write(content, args.articles, data=args.data)
        settings = build.prepare(workdir, "ours", content)
        run = build.run_pelican(settings)
        output = settings.parent / "output"
        pages = measure(output)
        total = tree_bytes(output)
        print(f"\n{args.articles:,} articles: {len(pages):,} HTML pages, built in {run.wall:.1f} s\n")
        print(table(pages))
        over = [page for page in pages if page[2] > MAX_BYTES or page[3] > MAX_ELEMENTS]
        for path, kind, size, count in over[:20]:
            print(f"over a limit: {path} ({kind}): {size / 1024:.1f} KB, {count:,} elements")
        per_article = total / args.articles
        print(f"\noutput: {total / 1024 ** 2:,.1f} MB, {per_article / 1024:.1f} KB per article; "
              f"GitHub Pages' 1 GB holds about {GITHUB_PAGES_BYTES / per_article:,.0f} articles at this rate")
        if args.lighthouse:
            print("\nLighthouse, served from 127.0.0.1:\n")
            print(lighthouse_table(lighthouse(args.lighthouse, output, pages)))
        if not args.no_rebuild:
            seconds, rendered, unchanged = rebuild_after_one_edit(settings, settings.parent / "content")
            print(f"one-edit rebuild: {seconds:.1f} s, {rendered} pages rendered, {unchanged} left alone "
                  f"(full build {run.wall:.1f} s)")
        return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
