"""Check articles before they reach the site: pure functions over text and settings.

``check_files(paths, settings)`` reads every article of the archive once, then
checks each requested file against the others and returns a sorted list of
``Finding``s. ``check_article`` does the same for one article's bytes (see
``read``) and a prebuilt ``ArchiveIndex``. Both ``archivist check`` and the
``archive_guard`` build plugin call these, so the command line and the build
agree.

Errors make ``archivist check`` exit 1 and stop the build; warnings are
advice (``--strict`` turns them into failures).

The modules, by role: ``reading`` (a file read as far as it goes), ``rules``
(what one article must follow on its own), ``index`` (the archive around an
article: duplicate slugs, near-duplicates, tag spellings), ``findings`` (codes
and output formats), ``options`` (the ARCHIVE_GUARD setting) and ``files``
(many files, with the build's cache).
"""

from .files import FileChecks, cache_rules, check_article, check_file_alone, check_files
from .findings import CODES, ERROR, FORMATS, WARNING, Finding, counts
from .index import ArchiveIndex, MIN_SHINGLES, near_duplicates_since, shingles, tag_key
from .options import DEFAULTS, options
from .reading import (ARTICLE, PAGE, Parsed, archive_files, content_files, display_path, file_bytes, is_hidden, kind_of,
                      read, read_file, walk_files)
from .rules import ALLOWED_KEYS, PLACEHOLDER_RE, archive_today, is_draft

__all__ = [
    "ALLOWED_KEYS", "ARTICLE", "PAGE", "archive_today", "content_files", "is_draft", "is_hidden", "kind_of",
    "ArchiveIndex", "CODES", "DEFAULTS", "ERROR", "FORMATS", "FileChecks", "Finding", "MIN_SHINGLES",
    "PLACEHOLDER_RE", "Parsed", "WARNING", "archive_files", "cache_rules", "check_article",
    "check_file_alone", "check_files", "counts", "display_path", "file_bytes", "near_duplicates_since",
    "options", "read", "read_file", "shingles", "tag_key", "walk_files",
]
