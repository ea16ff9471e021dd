"""Make a benchmark archive: N articles built from the BBC dev set, in a temp folder.

The 1,065 BBC articles of ``../shared/data/bbc-dev.jsonl`` are replicated
until there are N, each copy with its own title suffix and slug, a date spread
deterministically over ten years, 3-6 proper-noun tags taken from its text and
the summary cut at a sentence of its first paragraph. Files are written with
``archivist.frontmatter.render`` as ``articles/YYYY/YYYY-MM-DD-slug.md``, the
layout of the real archive. The same N always gives the same bytes.

The corpus is third-party text: it is only ever written outside the
repository (a temp folder) and never committed or published.

    python -m bench.corpus 1000 /tmp/bench-1000
"""

import argparse
import collections
import datetime
import hashlib
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

from archivist import frontmatter
from archivist.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
# CI clones the repository with a copy of shared/ beside it.
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "data" / "bbc-dev.jsonl"

# BBC category -> topic of ARCHIVE_TOPICS in pelicanconf.py.
TOPICS = {
    "business": "Business",
    "entertainment": "Culture",
    "politics": "Politics",
    "sport": "Sport",
    "tech": "Technology",
}
SOURCE = "BBC News"
FIRST_DAY = datetime.date(2016, 1, 1)
DAYS = (datetime.date(2026, 1, 1) - FIRST_DAY).days  # ten years
MIN_TAGS, MAX_TAGS = 3, 6
SUMMARY_TARGET = 200  # characters: stop adding sentences once past this

# Capitalised words that start sentences or clauses rather than name things.
_NOT_NAMES = frozenset(
    """
    A An And As At But By For From He Her His How I If In It Its Mr Mrs Ms Dr
    No Not Of On Or She So That The Their There These They This Those To We
    What When Where Which While Who Why With You Yet After Before Since Some
    Many Most Much One Two Three Four Five Also However Although Despite Under
    Over About Into Than Then Now Our Your My Last Next Speaking Meanwhile
    Once Even Only Just Both Each Every Other All Any Such Here Still Already
    We're It's I'm He's She's They're There's That's Let's Don't
    January February March April May June July August September October
    November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    """.split()
)
_NAME_RE = re.compile(r"\b[A-Z][\w'&.-]*[\w](?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w'&.-]*[\w])*")
_SENTENCE_START_RE = re.compile(r"(?:\A|[.!?]['\"]?\s+|\A['\"])\Z")
_SENTENCE_END_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]['\"]))\s+(?=[A-Z0-9'\"])")


def load(path=DEFAULT_DATA):
    """The BBC rows of a JSON Lines file, in file order; InputError names a bad line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "BBC data set not found: put shared/data/bbc-dev.jsonl beside the repository "
            "or pass --data PATH",
            path=str(path),
        )
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                row["title"], row["paragraphs"], row["category"]  # noqa: B018 - required keys
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    f"not a BBC article row ({exc}): each line must be a JSON object with "
                    "title, category and paragraphs",
                    path=str(path),
                    line=number,
                ) from None
            if row["category"] not in TOPICS:
                raise InputError(
                    f"unknown BBC category {row['category']!r}: add it to bench.corpus.TOPICS",
                    path=str(path),
                    line=number,
                )
            rows.append(row)
    return rows


def slugify(text):
    """ASCII, lower case, words joined by hyphens."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "article"


def sentences(paragraph):
    """A paragraph split after ., ! or ? followed by a capital or a digit."""
    return [part.strip() for part in _SENTENCE_END_RE.split(paragraph) if part.strip()]


def summary(paragraphs, target=SUMMARY_TARGET):
    """The first paragraph's sentences up to about ``target`` characters, never cut mid-sentence."""
    first = next((p for p in paragraphs if p.strip()), "")
    kept = []
    for sentence in sentences(first):
        kept.append(sentence)
        if len(" ".join(kept)) >= target:
            break
    return " ".join(kept)


def tags(title, paragraphs, topic, limit=MAX_TAGS):
    """3-6 proper-noun phrases of the text, most frequent first (ties: first seen)."""
    counts = collections.Counter()
    first_seen = {}
    for text in [title, *paragraphs]:
        for match in _NAME_RE.finditer(text):
            words = match.group(0).split()
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
            while words and words[-1] in {"of", "the", "de"}:
                words = words[:-1]
            phrase = re.sub(r"'s?$", "", " ".join(words).rstrip("."))
            # One capitalised word opening a sentence is usually not a name.
            opens_sentence = _SENTENCE_START_RE.search(text[: match.start()]) is not None
            if len(phrase) < 3 or (len(words) == 1 and opens_sentence):
                continue
            counts[phrase] += 1
            first_seen.setdefault(phrase, len(first_seen))
    ranked = sorted(counts, key=lambda phrase: (-counts[phrase], first_seen[phrase]))
    chosen = []
    for phrase in ranked:
        # "TimeWarner" and "Time Warner" are one tag (the archive guard refuses both).
        if _tag_key(phrase) not in {_tag_key(c) for c in chosen}:
            chosen.append(phrase)
        if len(chosen) == limit:
            break
    for filler in (topic, SOURCE, "Archive"):
        if len(chosen) >= MIN_TAGS:
            break
        if _tag_key(filler) not in {_tag_key(c) for c in chosen}:
            chosen.append(filler)
    return chosen


def _tag_key(tag):
    return re.sub(r"[\W_]+", "", tag.casefold())


def _stable_int(*parts):
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def article_date(row_id, copy):
    """A date and time in the ten years from 2016, fixed by the row and copy number."""
    number = _stable_int(row_id, copy)
    day = FIRST_DAY + datetime.timedelta(days=number % DAYS)
    minute = (number // DAYS) % (24 * 60)
    return datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60))


def _shingles(paragraphs):
    words = re.findall(r"\w+", " ".join(paragraphs).casefold())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def unique_rows(rows, threshold=0.5):
    """The rows without repeats: the BBC set holds a few stories twice, retitled or not.

    A row is dropped when its title repeats an earlier one or when half of its
    word 5-grams (Jaccard) are shared with an earlier row.
    """
    titles = set()
    postings = collections.defaultdict(list)  # 5-gram -> indexes of kept rows
    sizes = []
    kept = []
    for row in rows:
        title = row["title"].strip().casefold()
        grams = _shingles(row["paragraphs"])
        shared = collections.Counter(i for gram in grams for i in postings.get(gram, ()))
        if title in titles or any(
            count / (len(grams) + sizes[i] - count) >= threshold for i, count in shared.items()
        ):
            continue
        titles.add(title)
        for gram in grams:
            postings[gram].append(len(kept))
        sizes.append(len(grams))
        kept.append(row)
    return kept


def _clean(paragraphs):
    return [p.strip() for p in paragraphs if p.strip()]


def sentence_pools(rows):
    """Category -> every sentence of its stories, in row order."""
    pools = collections.defaultdict(list)
    for row in rows:
        for paragraph in _clean(row["paragraphs"]):
            pools[row["category"]].extend(sentences(paragraph))
    return pools


def replica_paragraphs(rows, index, pools, min_paragraphs=4, per_paragraph=3):
    """The body of article ``index``: a row's own text, or for a replica a new mix.

    A replica keeps its row's first paragraph (the lede its title and summary
    speak of); each later paragraph is made of sentences of stories of the
    same category, chosen by a hash, so that no two articles are
    near-duplicates (the archive guard refuses those) while the text stays
    real news prose of the right topic and length.
    """
    row = rows[index % len(rows)]
    copy = index // len(rows)
    own = _clean(row["paragraphs"])
    if copy == 0:
        return own
    pool = pools[row["category"]]
    body = own[:1]
    for position in range(1, max(len(own), min_paragraphs)):
        picks = (_stable_int(row.get("id"), copy, position, k) % len(pool) for k in range(per_paragraph))
        body.append(" ".join(pool[pick] for pick in picks))
    return body


def articles(rows, count):
    """Yield ``count`` (relative path, file text) pairs: rows replicated with distinct slugs."""
    rows = unique_rows(rows)
    if not rows:
        raise InputError("no BBC articles to replicate: the data set is empty")
    pools = sentence_pools(rows)
    used_slugs = set()
    for index in range(count):
        row = rows[index % len(rows)]
        copy = index // len(rows)
        title = row["title"].strip() if copy == 0 else f"{row['title'].strip()} (part {copy + 1})"
        slug = slugify(title)
        if slug in used_slugs:
            slug = f"{slug}-{index}"
        used_slugs.add(slug)
        topic = TOPICS[row["category"]]
        paragraphs = replica_paragraphs(rows, index, pools)
        date = article_date(row.get("id", index), copy)
        meta = {
            "title": title,
            "date": date,
            "category": topic,
            "tags": tags(row["title"], paragraphs, topic),
            "summary": summary(paragraphs),
            "source": SOURCE,
            "slug": slug,
        }
        body = "\n\n".join(_escape_markdown(p) for p in paragraphs)
        path = f"articles/{date:%Y}/{date:%Y-%m-%d}-{slug}.md"
        yield path, frontmatter.render(meta, body)


def _escape_markdown(paragraph):
    """Keep a paragraph plain text: a leading #, >, -, + or digit-dot is not Markdown."""
    return re.sub(r"^([#>*+-]|\d+\.)", r"\\\1", paragraph)


def write(target, count, data=DEFAULT_DATA, pages=ROOT / "content" / "pages"):
    """Write an archive of ``count`` articles into ``target`` (outside the repository).

    The folder is emptied first; the repository's pages (About) are copied in
    so that the site is complete. Returns the list of article paths written.
    """
    target = Path(target).resolve()
    if target == ROOT or ROOT in target.parents:
        raise InputError(
            "the benchmark corpus is third-party text and must not go into the repository: "
            "choose a folder outside it (e.g. under /tmp)",
            path=str(target),
        )
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if pages and Path(pages).is_dir():
        shutil.copytree(pages, target / "pages")
    written = []
    for relative, text in articles(load(data), count):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of articles")
    parser.add_argument("target", help="content folder to create (outside the repository)")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="BBC JSON Lines file")
    args = parser.parse_args(argv)
    try:
        written = write(args.target, args.count, data=args.data)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} articles written to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
