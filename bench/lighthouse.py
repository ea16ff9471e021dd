"""Lighthouse scores of each kind of page (`make bench-lighthouse`).

Builds the site (the repository's content/, or --content, with the real
`pelican`) into a temp folder outside the repository, or takes one already
built (--site), serves it on 127.0.0.1 under a subpath, and runs Lighthouse
(npm `lighthouse`, LIGHTHOUSE_VERSION, its default mobile configuration:
a phone's screen, simulated slow 4G and a 4x slower CPU) in headless
Chromium on one page of each kind the site has: home, article, topic, tag,
year, month, day, the topic and tag lists, the archives, search with a
query, updates, about, and the first page of any other folder of pages
(entities, say). Prints performance, accessibility, best practices and SEO
per page with the targets beside them, and writes them to
bench/results/lighthouse.json (git-ignored).

    python -m bench.lighthouse                        # the seed site
    python -m bench.lighthouse --content /tmp/c1000   # e.g. made by python -m bench.corpus 1000 /tmp/c1000
    python -m bench.lighthouse --site output          # a site already built

Lighthouse is installed at first use into .cache/lighthouse (git-ignored),
a folder of its own: it is a benchmark tool, not a dependency of the site or
its tests. Nothing else reaches the network: pages are served from loopback.

Performance comes from a simulation over what the page did, but the CPU part
of it is the time its tasks took here: on a machine busy with other work it
reads lower than on an idle one.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from bench.search import build
from tests.conftest import CHROMIUM, serve_directory

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs Node 22
INSTALL = ROOT / ".cache" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
PREFIX = "news-archive"

# (kind, pattern of its pages' paths relative to the site), in the order of the table.
KINDS = [
    ("home", r"index\.html"),
    ("article", r"\d{4}/\d{2}/[^/]+\.html"),
    ("topic", r"topics/[^/]+/index\.html"),
    ("topics", r"topics/index\.html"),
    ("tag", r"tags/[^/]+/index\.html"),
    ("tags", r"tags/index\.html"),
    ("year", r"\d{4}/index\.html"),
    ("month", r"\d{4}/\d{2}/index\.html"),
    ("day", r"\d{4}/\d{2}/\d{2}/index\.html"),
    ("archives", r"archives/index\.html"),
    ("search", r"search\.html"),
    ("updates", r"updates\.html"),
    ("about", r"about\.html"),
]
# Folders whose pages are no kind of their own (or are not pages).
NOT_KINDS = {"search", "static", "theme", "data", "feeds", "drafts"}


def lighthouse_bin():
    """The Lighthouse command, installed into INSTALL (once) when missing or of another version."""
    package = INSTALL / "node_modules" / "lighthouse" / "package.json"
    installed = json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else None
    if installed != LIGHTHOUSE_VERSION:
        print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {INSTALL.relative_to(ROOT)}/ ...", file=sys.stderr)
        INSTALL.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(INSTALL), "--no-audit", "--no-fund",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return INSTALL / "node_modules" / ".bin" / "lighthouse"


def pages_of(site):
    """{kind: path relative to ``site``}: the first page of each kind the site has, in table order."""
    paths = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    found = {}
    for kind, pattern in KINDS:
        match = next((path for path in paths if re.fullmatch(pattern, path)), None)
        if match:
            found[kind] = match
    known = [pattern for _, pattern in KINDS]
    for path in paths:
        folder = path.split("/")[0]
        if "/" in path and folder not in NOT_KINDS and not folder.isdigit() \
                and folder not in found and not any(re.fullmatch(pattern, path) for pattern in known):
            found[folder] = path
    return found


def search_query(site, article):
    """A word of the article's title: a query the search page finds results for."""
    title = re.search(r"<title>([^<]*)</title>", (site / article).read_text(encoding="utf-8"))
    words = re.findall(r"[A-Za-z]{5,}", title.group(1) if title else "")
    return words[0].lower() if words else "news"


def run_lighthouse(command, url, report):
    """Lighthouse's JSON report of ``url`` (written to ``report``): {category: score 0-100}."""
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(
        [str(command), url, "--output=json", f"--output-path={report}", f"--chrome-flags={CHROME_FLAGS}",
         f"--only-categories={','.join(CATEGORIES)}", "--quiet"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    data = json.loads(Path(report).read_text(encoding="utf-8"))
    scores = {name: round(100 * data["categories"][name]["score"]) for name in CATEGORIES}
    # The audits that cost the scores points: those weighed in a category, below full marks.
    failed = {ref["id"] for name in CATEGORIES for ref in data["categories"][name]["auditRefs"]
              if ref["weight"] > 0 and (data["audits"][ref["id"]].get("score") or 0) < 1}
    return scores, sorted(f"{audit} {data['audits'][audit].get('displayValue', '')}".strip() for audit in failed)


def bench(site, workdir, kinds=None):
    """The rows of the table: one per page kind of ``site`` (or of ``kinds`` only)."""
    command = lighthouse_bin()
    every = pages_of(site)
    query = search_query(site, every["article"]) if "article" in every else "news"
    pages = {kind: path for kind, path in every.items() if not kinds or kind in kinds}
    rows = []
    with serve_directory(site, PREFIX) as base:
        for kind, path in pages.items():
            url = base + path + (f"?q={quote(query)}" if kind == "search" else "")
            scores, failed = run_lighthouse(command, url, workdir / f"{kind}.json")
            rows.append({"kind": kind, "path": path + (f"?q={query}" if kind == "search" else ""),
                         **scores, "failed": failed})
            print(f"  {kind}: {scores}", file=sys.stderr)
    return rows


def table(rows):
    header = "| page | " + " | ".join(f"{name} (>= {TARGETS[name]})" for name in CATEGORIES) + " | audits that cost points |"
    lines = [header, "|" + " --- |" * (len(CATEGORIES) + 2)]
    for row in rows:
        cells = [f"{row[name]}" + ("" if row[name] >= TARGETS[name] else " !") for name in CATEGORIES]
        lines.append(f"| {row['kind']} `{row['path']}` | " + " | ".join(cells) + " | "
                     + (", ".join(row["failed"]) or "-") + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__.split("\n")[0])
    parser.add_argument("--content", help="content folder to build (default: the repository's content/)")
    parser.add_argument("--site", help="a built site to score instead of building one")
    parser.add_argument("--keep", help="work in this folder (outside the repository) and keep it")
    parser.add_argument("--kinds", nargs="+", help="only these kinds of page (home, article, search, ...)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as temp:
        workdir = Path(args.keep or temp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.site:
            site = Path(args.site).resolve()
        else:
            site = workdir / "output"
            wall, _ = build(Path(args.content or ROOT / "content").resolve(), site, workdir / "cache")
            print(f"Built {site} in {wall:.1f} s", file=sys.stderr)
        rows = bench(site, workdir, args.kinds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps({"lighthouse": LIGHTHOUSE_VERSION, "rows": rows},
                                                        indent=2) + "\n", encoding="utf-8")
    print(f"Lighthouse {LIGHTHOUSE_VERSION}, mobile, {len(rows)} pages (! below target):")
    print(table(rows))


if __name__ == "__main__":
    main()
