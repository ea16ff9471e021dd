"""The similar-tag search against archives of many distinct tags: `python -m bench.tags`.

Prints, for each number of tags, the keys compared per search and the time
to search every tag once (what `archivist check` does for an archive whose
tags are all used once). Comparisons per search stay flat as the archive
grows: the search looks up one-letter-deletion variants, never the whole list.
"""

import random
import string
import sys
import time

from archivist.checks import ArchiveIndex

SIZES = (1_000, 10_000, 50_000)
CUTOFF = 0.9


def tag_keys(count, seed=7):
    """``count`` distinct tag keys: words of 8-16 letters, one in ten a one-letter misspelling of another."""
    rng = random.Random(seed)
    keys = []
    seen = set()
    while len(keys) < count:
        if keys and rng.random() < 0.1:
            base = rng.choice(keys)
            at = rng.randrange(len(base))
            key = base[:at] + rng.choice(string.ascii_lowercase) + base[at + 1:]
        else:
            key = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(8, 16)))
        if key not in seen:
            seen.add(key)
            keys.append(key)
    return keys


def index_of(keys):
    """An ArchiveIndex holding ``keys`` as the tags of the archive."""
    index = ArchiveIndex([], {})
    for key in keys:
        index.tags[key][key] += 1
    return index


def measure(count):
    """(comparisons per search, CPU seconds, keys with a similar key found) for searching each of ``count`` keys."""
    keys = tag_keys(count)
    index = index_of(keys)
    start = time.process_time()  # CPU time: the machine may be busy with other work
    found = sum(1 for key in keys if index.similar_key(key, CUTOFF))
    return index.comparisons / count, time.process_time() - start, found


def main():
    print(f"{'tags':>8}  {'compared per search':>20}  {'CPU seconds':>11}  {'similar found':>13}")
    for count in SIZES:
        per_search, seconds, found = measure(count)
        print(f"{count:>8,}  {per_search:>20.2f}  {seconds:>11.2f}  {found:>13,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
