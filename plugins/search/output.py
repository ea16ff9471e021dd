"""The search files: the manifest and the shards as JavaScript, written into the site; the caches.

Every file is a JavaScript file that assigns into ``window.ARCHIVE_SEARCH``,
so that it loads with ``<script>`` from disk (file://), where fetch is
forbidden; written with sorted keys and compact separators, the same articles
always give the same bytes.
"""

import functools
import json
from collections import Counter
import re
from pathlib import Path

import orjson

from archivist import background, build_cache, html_text
from archivist.files import write_if_changed
from archivist.html_text import html_to_text, reused_by_markup

from . import analysis
from . import documents as documents_module
from .analysis import (CORRECTION, FIELDS, PREFIX_FIELDS, QUERY, REF, STOP_WORDS, TERM_MAX, TITLE_FIELD,
                       WORD_FIELDS)
from .documents import WRITTEN, analysis_of, doc_entries, facets, passages
from .lunr_compat import LUNR_VERSION
from .shards import js_order, packed, prefix_rule, shard_makers

DIRECTORY = "search"
REGISTRY = "ARCHIVE_SEARCH"
MANIFEST_HEAD = f"window.{REGISTRY}={{manifest:"
MANIFEST_TAIL = ",terms:{},docs:{},passages:{},words:{}};\n"


def manifest(firsts, documents, topics, options, word_firsts=()):
    """Everything the browser loads before the first search (see docs/search.md)."""
    doc_topics, years, months = facets(documents, topics)
    return {
        "version": LUNR_VERSION,
        "ref": REF,
        "fields": list(FIELDS),
        "wordFields": WORD_FIELDS,
        "prefixFields": PREFIX_FIELDS,
        "titleField": TITLE_FIELD,
        "query": {**QUERY, "prefixMin": options["prefix_min"],
                  "prefixMaxShards": options["prefix_max_shards"]},
        "analysis": {"stopWords": STOP_WORDS, "termMax": TERM_MAX},
        "termShards": firsts,
        "wordShards": list(word_firsts),
        "correction": CORRECTION,
        "docShardSize": options["doc_shard_size"],
        "passageShardSize": options["passage_shard_size"],
        "docCount": len(documents),
        "topics": topics,
        "docTopics": doc_topics,
        "years": years,
        "months": months,
    }


def _json(value):
    """Compact JSON with sorted keys (orjson: Python's json took seconds of every build on the shards)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def dumps(value):
    """Deterministic compact JSON that is also a valid JavaScript expression."""
    return _json(value).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# JSON text inside a single-quoted JavaScript string: V8 parses a large JSON
# string with JSON.parse faster than the same object literal (docs/search.md),
# and shards are parsed while a reader waits for results.
_JS_STRING_ESCAPED = re.compile(r"\\(\\|'|u2028|u2029)")
_JS_STRING_UNESCAPES = {"\\": "\\", "'": "'", "u2028": "\u2028", "u2029": "\u2029"}


def js_assign(target, value):
    """``ARCHIVE_SEARCH.<target>=JSON.parse('<value as JSON>');``"""
    text = _json(value)
    # str.replace, not a regular expression: several times faster on a shard's text.
    # Backslashes first: the escapes after them bring their own.
    literal = text.replace("\\", "\\\\").replace("'", "\\'").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"{REGISTRY}.{target}=JSON.parse('{literal}');\n"


def js_assigned(text):
    """The value of a file written by :func:`js_assign`."""
    literal = text[text.index("=JSON.parse('") + len("=JSON.parse('"):text.rindex("');")]
    return json.loads(_JS_STRING_ESCAPED.sub(lambda match: _JS_STRING_UNESCAPES[match.group(1)], literal))


def _chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


def search_files(documents, topics, options, analyzed=None):
    """All generated search files: {relative path: text}. ``documents`` must be in ref order."""
    return {relative: make() for relative, make in search_file_makers(documents, topics, options, analyzed)}


def search_file_makers(documents, topics, options, analyzed=None):
    """(relative path, function making its text) of each search file, in order.

    Each text is made when its function is called (once), so that a large
    archive's index is never all in memory as text, and the files can be
    shared between processes (:func:`write_files`).
    """
    if analyzed is None:
        analyzed = [analysis_of(doc) for doc in documents]
    written = Counter()

    def counted(analyses):
        for fields in analyses:
            written.update(fields[WRITTEN])
            yield fields

    # The builder reads every analysis before it returns.
    firsts, makers = shard_makers(counted(analyzed), options["shard_bytes"], options["common_docs"],
                                  prefix_rule(options))
    word_firsts, word_shards = word_list_shards(written, options["word_shard_bytes"])
    del written
    head = MANIFEST_HEAD + dumps(manifest(firsts, documents, topics, options, word_firsts)) + MANIFEST_TAIL
    files = [("manifest.js", functools.partial(str, head))]
    files += [(f"t/{number}.js", functools.partial(_js_shard, f"terms[{number}]", make))
              for number, make in enumerate(makers)]
    files += [(f"w/{number}.js", functools.partial(js_assign, f"words[{number}]", shard))
              for number, shard in enumerate(word_shards)]
    files += [(f"d/{number}.js", functools.partial(js_assign, f"docs[{number}]", chunk))
              for number, chunk in enumerate(_chunks(doc_entries(documents), options["doc_shard_size"]))]
    texts = passages(documents, options["snippet_chars"])
    files += [(f"x/{number}.js", functools.partial(js_assign, f"passages[{number}]", chunk))
              for number, chunk in enumerate(_chunks(texts, options["passage_shard_size"]))]
    return files


def word_list_shards(counts, shard_bytes):
    """(firsts, shards): the written words of ``counts`` ({word: number of documents}), which
    misspelt query words are corrected against, in JavaScript order, in shards of about
    ``shard_bytes``: ``[the words joined by spaces, [their numbers of documents]]`` each.
    The browser loads the shards of a word's first letter when it needs a correction."""
    pairs = sorted(counts.items(), key=lambda pair: js_order(pair[0]))
    groups = packed(((pair, len(pair[0]) + len(str(pair[1])) + 2) for pair in pairs), shard_bytes)
    firsts = [group[0][0] for group in groups]
    return firsts, [[" ".join(word for word, _ in group), [docs for _, docs in group]] for group in groups]


def _js_shard(target, make):
    return js_assign(target, make())


# -- caches ---------------------------------------------------------------------------

def _analysis_rules():
    """A digest of the analyzer's code and lunr's version: analyses by other code are not used."""
    return build_cache.code_rules(analysis.__file__, documents_module.__file__, extra=(LUNR_VERSION,))


def load_cache(path):
    """{fingerprint: analyzed fields} from ``path`` (missing, unreadable, by other code or not a cache: empty)."""
    cache = build_cache.load(path, _analysis_rules())
    return cache if isinstance(cache, dict) else {}


def save_cache(path, cache):
    """Write the analysis cache atomically (a pickle: it loads and saves several times faster than
    the same JSON, and it is read on every build)."""
    build_cache.save(path, _analysis_rules(), cache)


def _text_rules():
    """A digest of the code that turns HTML into text: cached texts made by other code are not used."""
    return build_cache.code_rules(html_text.__file__)


def load_texts(path):
    """{digest of a body's HTML: its text} from ``path``; empty when missing, damaged or made by other code."""
    texts = build_cache.load(path, _text_rules())
    return texts if isinstance(texts, dict) else {}


def save_texts(path, texts):
    build_cache.save(path, _text_rules(), texts)


def body_texts(htmls, known):
    """The text of each HTML body, reusing ``known`` (see :func:`load_texts`); returns (texts, fresh).

    Turning every body into text was a large part of each build; a rebuild
    after an edit does it for the edited body alone.
    """
    return reused_by_markup(htmls, known, html_to_text)


def write_files(output_path, files, lunr_js, writers=1, porter2_js=None):
    """Write ``files``, (relative path, text or function making it) pairs, under
    ``output_path``/search/ with a copy of ``lunr_js`` (from :func:`settings.lunr_js_path`)
    and the stemmer ``porter2_js`` wrapped for a script tag (:func:`script_of_module`);
    return the relative paths written.

    A file that already holds the same bytes is left alone: after one edit
    most document and passage shards are the same, and rewriting thousands
    of files cost seconds of every rebuild. Shards of an earlier,
    larger build are deleted.

    With ``writers`` > 1 (and fork), forked processes make and write every
    ``writers``-th file each, this process the rest: making the shards' text
    is a large part of the index's time, and by then the build's own
    process is mostly done with the pages and waits, a CPU left idle.
    """
    root = Path(output_path) / DIRECTORY
    files = list(files)
    written = [relative for relative, _ in files]
    helpers = []
    if writers > 1 and len(files) >= WRITERS_MIN_FILES and background.can_fork():
        helpers = [background.start(functools.partial(_write_share, root, files, part, writers),
                                    name="writing the search files") for part in range(1, writers)]
        _write_share(root, files, 0, writers)
    else:
        _write_share(root, files, 0, 1)
    for helper in helpers:
        helper.wait()
    write_if_changed(root / "lunr.js", lunr_js.read_bytes())
    if porter2_js is not None:
        write_if_changed(root / "porter2.js", script_of_module(porter2_js.read_text(encoding="utf-8"), "porter2"))
    produced = set(written)
    for folder in ("t", "d", "x", "w"):
        if (root / folder).is_dir():
            for path in sorted((root / folder).iterdir()):
                if f"{folder}/{path.name}" not in produced:
                    path.unlink()
    return written + ["lunr.js"] + (["porter2.js"] if porter2_js is not None else [])


def script_of_module(source, name):
    """A CommonJS module's ``source`` as a classic script that sets ``self[name]`` to its exports.

    The page loads its scripts with <script> tags (from file://, where modules
    and fetch are refused); the module is wrapped as it is copied, never edited.
    """
    wrapped = (f"/* The npm package {name}, wrapped for a <script> tag by the search plugin: self.{name} = its exports. */\n"
               "(function (exports) {\n" + source.rstrip("\n") + f"\n}})(self.{name} = {{}});\n")
    return wrapped.encode("utf-8")


# Fewer files than this are written by one process (a fork costs more than it saves).
WRITERS_MIN_FILES = 200


def _write_share(root, files, part, parts):
    """Make and write the files at positions ``part``, ``part + parts``, ..."""
    for position in range(part, len(files), parts):
        relative, text = files[position]
        files[position] = None  # this process's copy: the text's data is not needed again
        write_if_changed(root / relative, (text() if callable(text) else text).encode("utf-8"))
