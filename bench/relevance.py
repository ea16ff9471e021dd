"""Known-item relevance of the search: MRR@10 and hit@10 per kind of query (`make bench-search`).

A reader looks for an article they have seen. From a built archive of
distinct articles (the benchmark's 1,000-article build, each article its own
BBC story), a fixed sample of articles is taken and, for each, the queries a
reader types to find it again are made with a seeded random generator:

- three words of its title;
- the same, one of them misspelt (one edit: a letter dropped, doubled,
  replaced or swapped with the next, never the first);
- its rarest title word alone, misspelt;
- three title words, one in another form found in the archive (talk/talks/talked);
- three medium-rare words of its body (in 3 to 30 articles), not in its title;
- two neighbouring words of its body, quoted.

The queries are searched by search-engine.js under Node, as the search page
searches (tests/js/agreement.js: words as written, corrections, phrases first),
and the article's rank in the first ten results is scored: MRR@10 (the mean of
1/rank, 0 when not in the ten) and hit@10 (the share found in the ten).

    python -m bench.relevance CONTENT_DIR OUTPUT_DIR
"""

import argparse
import collections
import json
import random
import subprocess
import sys
from pathlib import Path

from archivist import frontmatter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from search import analysis  # noqa: E402

KINDS = ["title words", "title words, one misspelt", "one rare title word, misspelt",
         "title words, one in another form", "body words", "quoted body phrase"]
SAMPLE = 200
SEED = 19
TOP = 10


def misspelt(word, generator):
    """``word`` with one edit: a letter dropped, doubled, replaced or swapped with the next (not the first)."""
    position = generator.randrange(1, len(word) - 1)
    kind = generator.choice(["drop", "double", "replace", "swap"])
    if kind == "drop":
        return word[:position] + word[position + 1:]
    if kind == "double":
        return word[:position] + word[position] + word[position:]
    if kind == "replace":
        letter = generator.choice([c for c in "aeioulnrst" if c != word[position]])
        return word[:position] + letter + word[position + 1:]
    return word[:position] + word[position + 1] + word[position] + word[position + 2:]


def other_forms(word):
    """Inflections and stems of ``word`` a reader might type instead."""
    forms = {word + "s", word + "es", word + "ed", word + "ing", word + "d", word + "er"}
    for suffix in ("s", "es", "ed", "d", "ing", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[:-len(suffix)]
            forms |= {stem, stem + "s", stem + "ed", stem + "ing", stem + "e", stem + "es"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    forms.discard(word)
    return sorted(forms)


def _content_words(text):
    return [word for word in analysis.words(text)
            if len(word) >= 3 and word.isalpha() and word not in analysis.STOP_WORDS]


def read_articles(content):
    """(url, title, body) of each article of a content folder, in path order."""
    found = []
    for path in sorted(Path(content).rglob("*.md")):
        if "articles" not in path.parts:
            continue
        parsed = frontmatter.parse(path.read_text(encoding="utf-8"), str(path))
        meta = parsed.meta
        found.append((f"{meta['date']:%Y}/{meta['date']:%m}/{meta['slug']}.html", meta["title"], parsed.body))
    return found


def make_queries(articles, sample=SAMPLE, seed=SEED):
    """[(kind, query, url)]: the queries of the sampled articles (see the module's docstring)."""
    documents = collections.Counter()
    for _, title, body in articles:
        documents.update(set(_content_words(title + " " + body)))
    generator = random.Random(seed)
    chosen = sorted(generator.sample(range(len(articles)), min(sample, len(articles))))
    queries = []
    for number in chosen:
        url, title, body = articles[number]
        local = random.Random(f"{seed}/{url}")
        title_words = list(dict.fromkeys(_content_words(title)))
        if len(title_words) >= 3:
            picks = sorted(local.sample(range(len(title_words)), 3))
            three = [title_words[pick] for pick in picks]
            queries.append(("title words", " ".join(three), url))
            long = [position for position, word in enumerate(three) if len(word) >= 5]
            if long:
                position = local.choice(long)
                typo = [*three]
                typo[position] = misspelt(three[position], local)
                queries.append(("title words, one misspelt", " ".join(typo), url))
            formed = [(position, form) for position, word in enumerate(three)
                      for form in other_forms(word) if documents[form]]
            if formed:
                position, form = local.choice(formed)
                queries.append(("title words, one in another form",
                                " ".join(form if at == position else word for at, word in enumerate(three)), url))
        rare = [word for word in title_words if len(word) >= 6]
        if rare:
            word = min(rare, key=lambda item: (documents[item], item))
            queries.append(("one rare title word, misspelt", misspelt(word, local), url))
        body_words = [word for word in dict.fromkeys(_content_words(body))
                      if 3 <= documents[word] <= 30 and word not in title_words]
        if len(body_words) >= 3:
            picks = sorted(local.sample(range(len(body_words)), 3))
            queries.append(("body words", " ".join(body_words[pick] for pick in picks), url))
        tokens = analysis.words(body[:1000])
        pairs = [(a, b) for a, b in zip(tokens, tokens[1:])
                 if all(len(w) >= 3 and w.isalpha() and w not in analysis.STOP_WORDS and documents[w] <= 100
                        for w in (a, b))]
        if pairs:
            a, b = local.choice(pairs)
            queries.append(("quoted body phrase", f'"{a} {b}"', url))
    return queries


def urls_of_refs(output):
    """The URL of each ref, from the document shards of a built site."""
    from search.output import js_assigned

    found = []
    search_dir = Path(output) / "search"
    for number in range(len(list((search_dir / "d").glob("*.js")))):
        found += [entry["url"] for entry in js_assigned((search_dir / "d" / f"{number}.js").read_text(encoding="utf-8"))]
    return found


def search(output, texts):
    """The first TOP refs of each query, searched as the search page does (under Node)."""
    payload = json.dumps({"site": str(output), "queries": [], "typos": list(texts), "top": TOP})
    result = subprocess.run(["node", str(ROOT / "tests" / "js" / "agreement.js")], input=payload,
                            capture_output=True, text=True, cwd=ROOT, check=True)
    return {query: found["refs"] for query, found in json.loads(result.stdout)["typos"].items()}


def measure(content, output, sample=SAMPLE):
    """{kind: {"queries", "mrr", "hit"}} and "all", for the archive built from ``content`` into ``output``."""
    queries = make_queries(read_articles(content), sample)
    urls = urls_of_refs(output)
    found = search(output, sorted({query for _, query, _ in queries}))
    scores = collections.defaultdict(list)
    for kind, query, url in queries:
        ranked = [urls[int(ref)] for ref in found[query]]
        rank = ranked.index(url) + 1 if url in ranked else 0
        scores[kind].append(rank)
        scores["all"].append(rank)
    return {kind: {"queries": len(ranks), "mrr": sum(1 / r for r in ranks if r) / len(ranks),
                   "hit": sum(1 for r in ranks if r) / len(ranks)}
            for kind, ranks in scores.items()}


def table(result):
    lines = [f"{'known-item query':<36}{'queries':>8}{'MRR@10':>8}{'hit@10':>8}"]
    for kind in [*KINDS, "all"]:
        if kind in result:
            row = result[kind]
            lines.append(f"{kind:<36}{row['queries']:>8}{row['mrr']:>8.3f}{row['hit']:>8.3f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.split("\n")[0])
    parser.add_argument("content", help="the content folder the site was built from")
    parser.add_argument("output", help="the built site")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="articles sampled")
    args = parser.parse_args(argv)
    print(table(measure(args.content, args.output, args.sample)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
