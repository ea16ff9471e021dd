"""Real dumps import in one go: `python -m bench.import_dump` prints what each step did and took.

In a temporary copy of the archive (content/ and a settings file that is
pelicanconf.py with its paths pointed there), with the real commands as
subprocesses, one after the other:

1. ``archivist import`` of a JSON Lines dump of ``--stories`` real stories,
   two thirds of the first Reuters stories of ``reuters-dev.jsonl`` and one
   third of the first BBC stories of ``bbc-dev.jsonl``, shuffled (paragraphs,
   source and the Reuters date; titles are the importer's);
2. ``archivist import`` of a glued text dump of ``--glued`` Reuters stories
   (one paragraph a line, no titles or datelines, as the wire prints them),
   the first ``--overlap`` of them also in the first dump, so that the
   archive already holds them (dated by ``--glued-date``);
3. ``archivist check`` of the whole archive;
4. the site build (``pelican ... --fatal errors``, as ``make site``), unless
   ``--no-build``.

Each must exit 0. The table gives the wall and CPU time of each step, the
articles written, the updates (of a story of the same dump, and of archived
articles rewritten with a backup) and the records skipped as repeats. The
data is read from ``../shared/data/`` at run time and never written into the
repository.

    python -m bench.import_dump [--stories 3000] [--glued 600] [--overlap 100] [--no-build]
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
BBC, REUTERS = DATA / "bbc-dev.jsonl", DATA / "reuters-dev.jsonl"
SETTINGS = """\
# pelicanconf.py of the repository, with its folders made absolute and the content here.
import sys
sys.path.insert(0, {root!r})
from pelicanconf import *  # noqa: F401,F403

PATH = "content"
THEME = {theme!r}
PLUGIN_PATHS = [{plugins!r}]
CACHE_PATH = ".cache/pelican"
"""
_SUMMARY = re.compile(r"(\d+) article\(s\) written, (\d+) skipped .*?, (\d+) update\(s\) of a story")
_CHECKED = re.compile(r"checked (\d+) (?:article|file)\(s\): (\d+) error\(s\), (\d+) warning\(s\)")


def load(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def make_archive(folder):
    """A copy of the archive's content and a settings file for it; return the settings path."""
    folder = Path(folder)
    shutil.copytree(ROOT / "content", folder / "content")
    settings = folder / "dumpconf.py"  # not pelicanconf.py: it imports that module
    settings.write_text(SETTINGS.format(root=str(ROOT), theme=str(ROOT / "theme"), plugins=str(ROOT / "plugins")),
                        encoding="utf-8")
    return settings


def jsonl_dump(path, stories, seed):
    """The mixed JSON Lines dump; return the number of records."""
    reuters, bbc = load(REUTERS), load(BBC)
    rows = reuters[: stories - stories // 3] + bbc[: stories // 3]
    random.Random(seed).shuffle(rows)
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            record = {"paragraphs": row["paragraphs"],
                      "source": "Reuters" if row["id"].startswith("reuters") else "BBC News"}
            if row.get("date"):
                record["date"] = row["date"][:10]
            handle.write(json.dumps(record) + "\n")
    return len(rows)


def glued_dump(path, first, count):
    """Reuters stories ``first`` to ``first + count`` glued into one text, one paragraph a line."""
    stories = load(REUTERS)[first:first + count]
    with open(path, "w", encoding="utf-8") as handle:
        for story in stories:
            handle.write("".join(paragraph.replace("\n", " ") + "\n" for paragraph in story["paragraphs"]))
    return len(stories)


def timed(command, cwd):
    """(CompletedProcess, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, wall, cpu


def archivist(*args):
    return [sys.executable, "-m", "archivist.cli", *args]


def run(stories=3000, glued=600, overlap=100, glued_date="1987-04-30", build=True, seed=7, keep=None):
    """The steps' rows: dicts of step, exit, wall, cpu and the counts parsed from the output."""
    folder = keep or tempfile.mkdtemp(prefix="import-dump-")
    try:
        settings = make_archive(folder)
        dump, text = Path(folder) / "dump.jsonl", Path(folder) / "wire.txt"
        records = jsonl_dump(dump, stories, seed)
        glued_count = glued_dump(text, stories - stories // 3 - overlap, glued)
        rows = []
        for step, command in (
            (f"import {records} JSON Lines records", archivist(
                "import", str(dump), "--settings", str(settings), "--date", "2005-06-01")),
            (f"import {glued_count} glued wire stories", archivist(
                "import", str(text), "--settings", str(settings), "--date", glued_date, "--source", "Reuters")),
            ("archivist check", archivist("check", "--settings", str(settings))),
        ) + ((("site build", [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", str(settings),
                             "--fatal", "errors"]),) if build else ()):
            result, wall, cpu = timed(command, folder)
            row = {"step": step, "exit": result.returncode, "wall": wall, "cpu": cpu, "output": result.stdout,
                   "errors": result.stderr}
            summary = _SUMMARY.search(result.stdout)
            if summary:
                row["written"], row["skipped"], row["updates"] = map(int, summary.groups())
                row["rewritten"] = result.stdout.count("the earlier file is kept as")
            checked = _CHECKED.search(result.stderr)
            if checked:
                row["checked"], row["check errors"], row["check warnings"] = map(int, checked.groups())
            rows.append(row)
        return rows
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=3000)
    parser.add_argument("--glued", type=int, default=600)
    parser.add_argument("--overlap", type=int, default=100)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--keep", help="work in this (empty) folder and leave it there")
    args = parser.parse_args(argv)
    if not BBC.exists() or not REUTERS.exists():
        print(f"bench.import_dump: {DATA} not found (shared/ must sit beside the repository)", file=sys.stderr)
        return 1
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    rows = run(args.stories, args.glued, args.overlap, build=not args.no_build, keep=args.keep)
    header = ("step", "exit", "wall s", "CPU s", "written", "updates", "rewritten", "skipped", "check")
    table = [header]
    for row in rows:
        check = (f"{row['checked']} checked, {row['check errors']} errors, {row['check warnings']} warnings"
                 if "checked" in row else "")
        table.append((row["step"], str(row["exit"]), f"{row['wall']:.1f}", f"{row['cpu']:.1f}",
                      *(str(row.get(key, "")) for key in ("written", "updates", "rewritten", "skipped")), check))
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    print("\nupdates: records folded into an earlier story (of the same dump or archived); rewritten: archived "
          "articles updated in place, each with a hidden backup; skipped: exact repeats and older versions.")
    failed = [row for row in rows if row["exit"] != 0]
    for row in failed:
        print(f"\n{row['step']} exited {row['exit']}:\n{row['errors'][-3000:]}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
