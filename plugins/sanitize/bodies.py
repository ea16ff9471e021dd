"""Run every rendered body and summary through the allowlist before anything uses it.

Cleaning costs about half a millisecond per article body, on every build:
Pelican caches what its readers return, but content objects are made anew.
So the cleaned HTML is kept between builds in ``CACHE_PATH/sanitize/``,
by the digest of the HTML it came from, under the rules of the sanitiser's
code and nh3's version (see ``archivist.build_cache``): a change to either
cleans everything again.
"""

import hashlib
import importlib.metadata
import os

from archivist import build_cache, pelican_compat, sanitize

CACHE_FILE = os.path.join("sanitize", "cleaned.pickle")

_known = {}  # digest of HTML -> cleaned HTML, from the last build
_used = {}  # the same, for this build
_cache_path = None  # where _known was loaded from


def sanitize_content(content):
    """content_object_init: clean the HTML of an article or page (static files have none).

    Runs before any generator, plugin or template sees the content; the
    summary is Markdown rendered to HTML too (``FORMATTED_FIELDS``), and is
    what the Atom feeds publish.
    """
    _load(content.settings)
    body = pelican_compat.body_html(content)
    if isinstance(body, str):
        pelican_compat.set_body_html(content, _clean(body))
    summary = pelican_compat.summary_set(content)
    if isinstance(summary, str):
        pelican_compat.set_summary_html(content, _clean(summary))
    for field in content.settings.get("FORMATTED_FIELDS", ()):
        value = content.metadata.get(field)
        if isinstance(value, str):
            content.metadata[field] = _clean(value)


def _clean(markup):
    key = hashlib.blake2b(markup.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    cleaned = _used.get(key)
    if cleaned is None:
        cleaned = _known.get(key)
        if cleaned is None:
            cleaned = sanitize.clean(markup)
        _used[key] = cleaned
    return cleaned


def _rules():
    return build_cache.code_rules(sanitize.__file__, extra=(importlib.metadata.version("nh3"),))


def _path(settings):
    return os.path.join(settings["CACHE_PATH"], CACHE_FILE) if settings.get("CACHE_PATH") else None


def _load(settings):
    global _cache_path, _known
    path = _path(settings)
    if path == _cache_path:
        return
    _cache_path = path
    _used.clear()
    loaded = build_cache.load(path, _rules()) if path and settings.get("LOAD_CONTENT_CACHE") else None
    _known = loaded if isinstance(loaded, dict) else {}


def save_cleaned(pelican):
    """finalized: keep what this build cleaned, and only that, for the next one."""
    global _cache_path
    path = _path(pelican.settings)
    if path and path == _cache_path and _used != _known:
        build_cache.save(path, _rules(), dict(_used))
    _cache_path = None  # the next build in this process (autoreload) loads it again
