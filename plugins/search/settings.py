"""The SEARCH setting: its defaults, their check, and where lunr.js comes from."""

from pathlib import Path

from archivist.errors import PluginSettingsError
from archivist.settings import merge_options

DEFAULTS = {
    "shard_bytes": 48_000,  # target raw size of one term shard
    "doc_shard_size": 25,  # documents per document-store shard
    "prefix_min": 3,  # shortest word that is also matched as a prefix
    # A word in at least this many articles has its whole-word results
    # computed at build time (see docs/search.md, "Common words"): stored results
    # are smaller than the postings they replace, and read, not searched.
    "common_docs": 100,
    # A word whose prefix clause matches at least this many articles in the
    # prefix fields of a shard has that clause's results stored too.
    "common_prefix_docs": 100,
    "prefix_max_shards": 8,  # skip prefix matching that would load more
    "word_shard_bytes": 16_000,  # target raw size of one shard of the word list typos are corrected against
    "snippet_chars": 1500,  # body text kept per document for snippets (cut at a sentence end)
    "passage_shard_size": 5,  # documents per passage shard (loaded only when a summary has no match)
    "lunr_js": None,  # path of lunr.js; None: node_modules/lunr/lunr.min.js of the repository
    "porter2_js": None,  # path of the porter2 stemmer; None: node_modules/porter2/dist/index.js
    "cache_path": None,  # folder of analyzed-article cache; None: <CACHE_PATH>/search
    # Build the index in a forked process while Pelican writes the pages
    # (where fork exists and there is more than one CPU); False: in the build.
    "parallel": True,
    # Processes that make and write the search files once the index is built
    # (with "parallel"; see output.write_files): 1 = the index's own process only.
    # The index is usually done before the pages, and a second writer then only
    # takes a core from the build.
    "writers": 1,
}

MISSING_LUNR_JS = "lunr.js not found; run `npm ci` in the repository (or set SEARCH['lunr_js'] to the path of lunr.js 2.3.9)"
MISSING_PORTER2_JS = ("the porter2 stemmer not found; run `npm ci` in the repository "
                      "(or set SEARCH['porter2_js'] to the path of porter2 1.1.0's dist/index.js)")


# A bad SEARCH value is reported as every plugin's is (archivist.settings).
SearchSettingsError = PluginSettingsError

_POSITIVE = ("shard_bytes", "word_shard_bytes", "doc_shard_size", "prefix_min", "prefix_max_shards", "snippet_chars",
             "passage_shard_size", "common_docs", "common_prefix_docs", "writers")


def settings_from(value):
    """The SEARCH setting merged over DEFAULTS (a new dict); unknown keys are an error."""
    return merge_options("SEARCH", value, DEFAULTS, minimums=dict.fromkeys(_POSITIVE, 1), flags=("parallel",))


def lunr_js_path(options):
    """The lunr.js to copy into the site; SearchSettingsError says how to get it when it is missing."""
    return _script_path(options["lunr_js"], ("lunr", "lunr.min.js"), MISSING_LUNR_JS)


def porter2_js_path(options):
    """The stemmer the browser runs (the same algorithm as the build's); SearchSettingsError says how to get it."""
    return _script_path(options["porter2_js"], ("porter2", "dist", "index.js"), MISSING_PORTER2_JS)


def _script_path(given, installed, missing):
    path = Path(given) if given else Path(__file__).resolve().parents[2].joinpath("node_modules", *installed)
    if not path.is_file():
        raise SearchSettingsError(f"{path}: {missing}")
    return path
