"""Incremental page rendering: a page whose inputs did not change is not rendered again.

Pelican renders and rewrites every page on every build. This module keeps, in
Pelican's cache folder, a manifest of what the last build wrote: for each
call of Pelican's writer (one page, or the pages of one paginated list) a
digest of the values it passed, and for each output file the template
variables the page read while it was rendered (recorded by a Jinja context
class), the file's size and modification time. On the next build a call is
left alone, before Pelican's writer prepares anything for it, when:

- the site-wide fingerprint (Pelican and Jinja versions, theme files, plugin
  sources, settings, every article's metadata) is the same;
- the call passes the same values, articles standing for their source paths;
- each name a page read from the shared context or the template globals has
  the same value, articles again by source path (the page's ``shape``);
- none of the articles whose values the page shows (``sources``: the ones in
  the values it read, and those they point to: related, previous, next)
  changed a value: what plugins attached, a summary; metadata changes are in
  the fingerprint;
- none of the bodies the page read changed: the Jinja environment notes every
  ``.content`` (or a summary cut from the body) a page reads;
- its files are still the ones written.

So fixing a typo in one article renders its own page, not every list that
shows its title, and the other pages cost a few dictionary lookups each.
Anything the digests cannot describe makes the page always rendered: the
error policy is "when unsure, render". Files the last build wrote that this
build did not are deleted, so nothing stale remains after an article, tag or
topic is removed.

Before any of that, a whole build is skipped when nothing it reads changed
since the last successful build (see "Up-to-date builds" below): the bytes of
the content folder, theme, plugins and ``inputs``, the settings, the
installed packages, and every file of the output folder as that build left it.
"""

import array
import bisect
import collections
import datetime
import functools
import gc
import hashlib
import io
import logging
import os
import pickle
import re
import sys
import types

import jinja2
from jinja2.runtime import Context
from pelican import __version__ as pelican_version
from pelican import signals
from pelican.contents import Content
from pelican.log import console
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from archivist import background
from archivist.settings import merge_options

log = logging.getLogger(__name__)

# FAST_BUILD = {...} in pelicanconf.py is merged over these.
DEFAULTS = {
    # Skip rendering unchanged pages (False: plain Pelican writing).
    "enabled": True,
    # Delete output files the previous build wrote and this one did not.
    "delete_stale": True,
    # Manifest file name inside CACHE_PATH.
    "manifest": "fast_build.pickle",
    # Processes that read (Markdown to HTML) the articles missing from the
    # content cache: 0 = one per CPU, 1 = read in the build process only.
    "processes": 0,
    # Fewer uncached articles than this are read in the build process.
    "parallel_min": 64,
    # Skip the whole build when no input changed and the output is as the
    # last successful build left it (never with DELETE_OUTPUT_DIRECTORY).
    "skip_unchanged_builds": True,
    # Other files or folders the build reads (code the plugins import, files
    # they copy): a change to them means "build again".
    "inputs": [],
}
# Bump when the manifest layout or the digest rules change.
FORMAT = 6
# Content attributes that are not page inputs of their own.
_SKIPPED_ATTRIBUTES = frozenset({"settings", "_context", "metadata", "_content", "_summary"})
_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")
_SIMPLE = (str, int, float, bool, type(None), bytes)

# One output file of the last build: the template that rendered it (None: not
# a template's page, never reused), the names it read, the source paths of
# the bodies it read, the numbers (positions in Manifest.contents, as the bytes
# of an array of unsigned ints) of the articles and pages whose other values
# its values show, the reference digests of the names it
# took from the shared context or the template globals (None: never reused),
# and the file's size and time as written.
Record = collections.namedtuple("Record", "template names bodies sources shape size mtime_ns")
# Content attributes that give the body (or a summary cut from it).
_BODY_ATTRIBUTES = frozenset({"content", "_content", "get_content"})
_SUMMARY_ATTRIBUTES = frozenset({"summary", "get_summary"})


def merge_settings(value):
    """FAST_BUILD merged over DEFAULTS; ValueError names an unknown key and the fix."""
    return merge_options("FAST_BUILD", value, DEFAULTS)


# --- Digests -----------------------------------------------------------------


class Unknown(Exception):
    """A value the digest rules cannot describe: the page must be rendered."""


def _hash(*parts):
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\x1f")
    return hasher.digest()


def _digest_of(head, digests=()):
    """16 bytes for ``repr(head)`` followed by 16-byte digests (a fixed size: joined, unambiguous)."""
    hasher = hashlib.blake2b(repr(head).encode("utf-8", "surrogatepass"), digest_size=16)
    if digests:
        hasher.update(b"".join(digests))
    return hasher.digest()


def _plain(value):
    """Text, numbers, dates and tags as the tuple their digest is made of (type and value); None for others."""
    if isinstance(value, _SIMPLE):
        return (type(value).__name__, value)
    if isinstance(value, (datetime.date, datetime.time)):
        return (type(value).__name__, value.isoformat(), str(getattr(value, "tzinfo", None)))
    if isinstance(value, URLWrapper):
        return (type(value).__name__, value.name, value.slug)
    return None


class Digester:
    """Content digests of template values, memoised for one build.

    ``lenient`` digests unknown objects by their repr without addresses
    (used for settings); otherwise an unknown object raises Unknown.
    """

    def __init__(self, lenient=False):
        self.lenient = lenient
        self._memo = {}  # (id, kind) -> (object kept alive, digest)
        self._references = {}  # id -> (object kept alive, reference digest)
        self._kept_sources = {}  # id -> a frozenset of sources kept in _memo

    def _memoised(self, value, compute, depth=0):
        key = (id(value), depth)
        found = self._memo.get(key)
        if found is not None and found[0] is value:
            return found[1]
        result = compute(value)
        self._memo[key] = (value, result)
        return result

    def digest(self, value, depth=0):
        """The digest of any template value (raises Unknown unless lenient), memoised by identity.

        Pages share most of their values (settings, the article lists), so
        each object is digested once per build.
        """
        key = (id(value), depth)
        found = self._memo.get(key)
        if found is not None and found[0] is value:
            return found[1]
        result = self._digest(value, depth)
        self._memo[key] = (value, result)
        return result

    def _digest(self, value, depth):
        plain = _plain(value)
        if plain is not None:
            return _hash(*plain)
        if isinstance(value, Content):
            return self.content_full(value) if depth == 0 else self.content_own(value)
        if isinstance(value, (list, tuple)):
            return _hash(type(value).__name__, *(self.digest(i, depth) for i in value))
        if isinstance(value, (set, frozenset)):
            return _hash("set", *sorted(self.digest(i, depth) for i in value))
        if isinstance(value, dict):
            return _hash("dict", *sorted((self.digest(k, depth), self.digest(i, depth)) for k, i in value.items()))
        if isinstance(value, Page):
            return _hash(
                "page", value.number, value.base_name, self.digest(value.paginator, depth),
                *(self.digest(i, depth) for i in value.object_list),
            )
        if isinstance(value, Paginator):
            return _hash("paginator", value.name, value.count, value.num_pages, value.per_page, value.orphans,
                         *(getattr(i, "source_path", repr(i)) for i in value.object_list))
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType)):
            return _hash("code", getattr(value, "__module__", None), getattr(value, "__qualname__", value.__name__))
        if isinstance(value, jinja2.Undefined) or value is jinja2.utils.missing:
            return _hash("undefined")
        if isinstance(value, datetime.tzinfo):
            return _hash("tz", str(value))
        if isinstance(value, re.Pattern):
            return _hash("re", value.pattern, value.flags)
        if self.lenient:
            return _hash(type(value).__qualname__, _ADDRESS_RE.sub("", repr(value)))
        raise Unknown(f"{type(value).__module__}.{type(value).__qualname__}")

    def content_own(self, content):
        """An article or page alone: source, HTML, metadata, attributes (references by path)."""

        def compute(obj):
            metadata = sorted((k, self._reference(v)) for k, v in obj.metadata.items())
            # Not the body: the pages that read it are checked against its body's digest.
            return _hash(type(obj).__name__, obj.source_path, getattr(obj, "_summary", None), metadata,
                         self._attributes(obj))

        return self._memoised(content, compute, "own")

    def content_state(self, content):
        """What the site fingerprint does not hold of an article or page: what Pelican and the
        plugins attached to it besides its metadata (references by path), and its summary.

        For telling which contents changed between two builds with the same
        fingerprint (the same metadata): the attributes Pelican sets from the
        metadata, the same objects, are left out, half of content_own's work.
        """
        return _hash(type(content).__name__, content.source_path, getattr(content, "_summary", None),
                     self._attributes(content, content.metadata))

    def _attributes(self, content, metadata=None):
        """(name, reference) of a content's attributes, but those holding the very objects of ``metadata``."""
        attributes = []
        for name, item in sorted(vars(content).items()):
            if name in _SKIPPED_ATTRIBUTES or (metadata is not None and name in metadata and metadata[name] is item):
                continue
            attributes.append((name, self._reference(item)))
        return attributes

    def _reference(self, value):
        """Attribute values of a content object: other contents by source path only.

        Text, numbers, dates and tags stand as themselves (``_plain``), so
        that the object's one hash covers them: hashing each apart first (some
        twenty hashes per article) made content_own 3 s of the page checks of a
        5,000-article rebuild, profiled.
        """
        plain = _plain(value)
        if plain is not None:
            return plain
        if isinstance(value, Content):
            return ("content", value.source_path)
        if isinstance(value, (list, tuple)):
            if any(isinstance(i, Content) for i in value):
                return tuple(self._reference(i) for i in value)
            return (type(value).__name__, *(_plain(i) or self.digest(i, depth=1) for i in value))
        return self.digest(value, depth=1)

    def content_full(self, content):
        """An article with the articles it points to (related, previous, next, translations)."""
        return _hash("full", self.content_own(content), *(self.content_own(i) for i in _pointed_to(content)))

    def reference(self, value):
        """A digest of a value in which each article or page stands for its source path alone.

        What a page shows of an article's values is checked apart (Build's
        changed articles against the page's ``sources``), so the lists of a
        call are digested by their members and order only. Every result is
        16 bytes, so a list's digest hashes its items' digests joined: one
        hash per list, the cost of a rebuild's thousands of writer calls.
        """
        found = self._references.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        plain = _plain(value)
        if plain is not None:
            result = _digest_of(plain)
        elif isinstance(value, Content):
            result = _digest_of(("content", value.source_path))
        elif isinstance(value, (list, tuple)):
            result = _digest_of(type(value).__name__, [self.reference(i) for i in value])
        elif isinstance(value, (set, frozenset)):
            result = _digest_of("set", sorted(self.reference(i) for i in value))
        elif isinstance(value, dict):
            result = _digest_of("dict", sorted(self.reference(k) + self.reference(i) for k, i in value.items()))
        elif isinstance(value, Page):
            result = _digest_of(("page", value.number, value.base_name),
                                [self.reference(value.paginator), *(self.reference(i) for i in value.object_list)])
        elif isinstance(value, Paginator):
            result = _digest_of(("paginator", value.name, value.url, value.count, value.num_pages, value.per_page,
                                 value.orphans), [self.reference(i) for i in value.object_list])
        else:
            result = self.digest(value, depth=1)
        self._references[id(value)] = (value, result)
        return result

    def sources(self, value):
        """The source paths of the articles and pages whose values ``value`` shows (a frozenset).

        An article shows its own values and those of the articles it points
        to (related, previous, next); a list, its items'; a page of a list,
        its items' and its paginator's (``articles_paginator.object_list``).

        Kept for articles, long lists and whatever shows many articles (the
        whole archive, a big tag's articles, the topics with their articles:
        made again for each of 43,000 pages at 20,000 articles, they cost
        minutes); what each page makes (its page of a list, a few articles)
        is quick to make again, and keeping those sets for every page of a
        5,000-article build took 250 MB.
        """
        key = (id(value), "sources")
        found = self._memo.get(key)
        if found is not None and found[0] is value:
            return found[1]
        kept = True
        if isinstance(value, _SIMPLE):
            return _NO_SOURCES
        elif isinstance(value, Content):
            result = frozenset([value.source_path, *(i.source_path for i in _pointed_to(value))])
        elif isinstance(value, (list, tuple, set, frozenset)):
            result = union(self.sources(i) for i in value)
            kept = len(value) >= _KEPT_LENGTH or len(result) >= 4 * _KEPT_LENGTH
        elif isinstance(value, dict):
            result = union(self.sources(i) for pair in value.items() for i in pair)
            kept = len(value) >= _KEPT_LENGTH or len(result) >= 4 * _KEPT_LENGTH
        elif isinstance(value, Page):
            return union([self.sources(value.object_list), self.sources(value.paginator)])
        elif isinstance(value, Paginator):
            return self.sources(value.object_list)
        else:
            return _NO_SOURCES
        if kept:
            self._memo[key] = (value, result)
            self._kept_sources[id(result)] = result
        return result

    def kept_sources(self, sources):
        """Is ``sources`` a set this digester keeps for the build (an article's, a long list's)?"""
        return self._kept_sources.get(id(sources)) is sources


def _pointed_to(content):
    """The contents an article's attributes hold (related, previous, next, translations), in name order."""
    for name, item in sorted(vars(content).items()):
        if name not in _SKIPPED_ATTRIBUTES:
            for i in item if isinstance(item, (list, tuple)) else (item,):
                if isinstance(i, Content):
                    yield i


_NO_SOURCES = frozenset()
_KEPT_LENGTH = 64  # lists at least this long keep their sources for the build (Digester.sources)


def _numbers_in(data):
    """The source numbers of a Record's ``sources`` (the bytes of an array of unsigned ints)."""
    numbers = array.array("I")
    numbers.frombytes(data)
    return numbers


def holds_any(ordered, wanted):
    """Does the sorted sequence ``ordered`` hold any item of the set ``wanted``?

    A page's sources and bodies are kept sorted, and after an edit ``wanted``
    (the changed articles) holds one or two: a binary search each, rather than
    a pass over every source of every page (a lists page shows thousands:
    half a second of a 5,000-article rebuild).
    """
    if len(wanted) * 16 >= len(ordered):
        return not wanted.isdisjoint(ordered)
    for item in wanted:
        position = bisect.bisect_left(ordered, item)
        if position < len(ordered) and ordered[position] == item:
            return True
    return False


def union(sets):
    """The union of frozensets; the largest one itself when it holds all the others.

    The lists pages read are mostly the same few objects (every index page
    reads ``articles``), so their sources stay one shared frozenset.
    """
    sets = [found for found in sets if found]
    if not sets:
        return _NO_SOURCES
    largest = max(sets, key=len)
    if all(found is largest or found <= largest for found in sets):
        return largest
    return frozenset().union(*sets)


def reads_body(content, attribute):
    """Does reading ``attribute`` of ``content`` read its body?"""
    if attribute in _BODY_ATTRIBUTES:
        return True
    return attribute in _SUMMARY_ATTRIBUTES and "summary" not in content.metadata


def body_digest(content):
    """The digest of a content object's body (None for no object)."""
    if content is None:
        return None
    body = getattr(content, "_content", None)
    # The text's bytes, not its repr: a copy with escapes of each of 5,000 bodies.
    return _hash("body", body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body)


def _files_digest(folders, suffixes=None):
    """(relative path, bytes digest) of every file under ``folders``, sorted."""
    found = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if suffixes and not name.endswith(suffixes):
                    continue
                path = os.path.join(root, name)
                with open(path, "rb") as handle:
                    found.append((os.path.relpath(path, folder), hashlib.blake2b(handle.read()).digest()))
    return _hash(*found)


def _metadata_value(value, digester):
    """A metadata value as the fingerprint holds it: text, numbers, dates and lists of them (the
    tags) as themselves, in the fingerprint's one hash; anything else by its digest.

    Hashing each tag, then each list (30,000 hashes at 5,000 articles), was
    half a second of every build.
    """
    plain = _plain(value)
    if plain is not None:
        return plain
    if isinstance(value, (list, tuple)):
        items = tuple(map(_plain, value))
        if None not in items:
            return (type(value).__name__, items)
    return digester.digest(value, depth=1)


def site_fingerprint(settings, context, plugin_modules):
    """Everything a page may depend on without naming it: code, theme, settings, all metadata."""
    digester = Digester(lenient=True)
    theme_dirs, plugin_dirs = _code_dirs(settings, plugin_modules)
    contents = []
    for key in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                "drafts_translations", "pages", "hidden_pages", "draft_pages", "translations_pages"):
        for content in context.get(key) or []:
            metadata = sorted((k, _metadata_value(v, digester)) for k, v in content.metadata.items())
            # Not save_as: Pelican formats it anew on each access (a second at 5,000 articles), and each
            # call's key holds the file it writes.
            contents.append((key, content.source_path, content.url, metadata))
    return _hash(
        FORMAT, pelican_version, jinja2.__version__, sys.version_info[:2],
        _files_digest(theme_dirs), _files_digest(plugin_dirs, suffixes=(".py",)),
        digester.digest(settings), *contents,
    )


# --- Manifest ------------------------------------------------------------------


def manifest_path(settings, options):
    """Where the manifest of an output folder is kept: CACHE_PATH, one file per output folder."""
    output = os.path.realpath(settings["OUTPUT_PATH"])
    stem, ext = os.path.splitext(options["manifest"])
    return os.path.join(settings["CACHE_PATH"], f"{stem}-{_hash(output).hex()[:12]}{ext}")


def _load(path, what):
    """The dict pickled at ``path`` by ``_save``, or None if absent, unreadable or of another FORMAT."""
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
        if isinstance(data, dict) and data.get("format") == FORMAT:
            return data
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError) as exc:
        log.debug("fast_build: no usable %s at %s (%s)", what, path, exc)
    return None


def _save(path, data):
    """Pickle ``data`` (plus FORMAT) atomically: a crash never leaves half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as handle:
        pickle.dump({"format": FORMAT, **data}, handle)
    os.replace(temporary, path)


# What the last build left: its site fingerprint, its pages ({output file:
# Record}), its calls of the writer ({first output file: (call key, output
# files)}) and the state of each article and page ({source path: (digest of
# its values, digest of its body)}, in source path order: a Record's sources
# are positions in that order).
Manifest = collections.namedtuple("Manifest", "fingerprint pages calls contents")
NO_MANIFEST = Manifest(None, {}, {}, {})


def load_manifest(path):
    """The Manifest of the last build, or NO_MANIFEST if absent or unreadable."""
    data = _load(path, "manifest")
    try:
        return Manifest(data["fingerprint"], {page: Record(*record) for page, record in data["pages"].items()},
                        dict(data["calls"]), dict(data["contents"]))
    except (KeyError, TypeError, AttributeError, ValueError):
        return NO_MANIFEST


def save_manifest(path, manifest):
    _save(path, {"fingerprint": manifest.fingerprint,
                 "pages": {page: tuple(record) for page, record in sorted(manifest.pages.items())},
                 "calls": manifest.calls, "contents": manifest.contents})


def file_matches(path, record):
    """Is the file at ``path`` still the one the recorded build wrote?"""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return stat.st_size == record.size and stat.st_mtime_ns == record.mtime_ns


def remove_stale(output_path, previous, current):
    """Delete files of ``previous`` not in ``current`` (unless changed since); return them."""
    removed = []
    for page in sorted(set(previous) - set(current)):
        path = os.path.join(output_path, page)
        if file_matches(path, previous[page]):
            os.remove(path)
            removed.append(page)
            folder = os.path.dirname(path)
            while os.path.realpath(folder) != os.path.realpath(output_path) and not os.listdir(folder):
                os.rmdir(folder)
                folder = os.path.dirname(folder)
    return removed


# --- Up-to-date builds -------------------------------------------------------
#
# A build with no change still costs Pelican's whole cached pass (reading the
# cache, every generator, every page context). When the inputs are the same
# bytes as at the last successful build and the output folder is exactly as
# that build left it, running again could only write the same files: skip it.


def tree_digest(root, skip=(), digests=None):
    """A digest of the names and bytes of every file under ``root`` (a file or folder).

    Folders in ``skip`` (real paths) are left out: an output or cache folder
    kept inside the content folder is not an input. Each file's bytes are
    digested with MD5, the digest Pelican's content cache stamps files with
    (CHECK_MODIFIED_METHOD = "md5"); with ``digests`` (a dict) each is kept
    there under the file's absolute path below ``root`` as given, for
    :func:`reuse_file_stamps`.
    """
    given = os.path.abspath(root)
    root = os.path.realpath(root)
    if os.path.isfile(root):
        return _hash("file", _file_md5(root, given, digests))
    found = []
    skipped = {os.path.realpath(path) for path in skip}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and os.path.join(folder, d) not in skipped)
        # One os.path.relpath per folder: one per file cost a tenth of a second at 5,000 articles.
        relative = "" if folder == root else os.path.relpath(folder, root)
        for name in sorted(files):
            inside = os.path.join(relative, name) if relative else name
            found.append((inside, _file_md5(os.path.join(folder, name), os.path.join(given, inside), digests)))
    return _hash("tree", *found)


def _file_md5(path, key, digests):
    with open(path, "rb") as handle:
        digest = hashlib.md5(handle.read(), usedforsecurity=False).digest()
    if digests is not None:
        digests[key] = digest
    return digest


def _code_dirs(settings, plugin_modules):
    """(theme folders, plugin folders) of a build."""
    plugin_dirs = sorted(
        {os.path.dirname(module.__file__) for module in plugin_modules if getattr(module, "__file__", None)}
    )
    return [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", [])], plugin_dirs


def _input_roots(settings, plugin_modules, options):
    """The files and folders a build reads, with the folders to leave out of each."""
    theme_dirs, plugin_dirs = _code_dirs(settings, plugin_modules)
    not_content = (settings["OUTPUT_PATH"], settings["CACHE_PATH"])
    return [(settings["PATH"], not_content), *((folder, ()) for folder in theme_dirs),
            *((folder, ()) for folder in plugin_dirs), *((path, ()) for path in options["inputs"])]


def inputs_listing(settings, plugin_modules, options):
    """The size and time of every input file: did anything change while the build ran?

    Compared before and after a run, a tenth of the cost of digesting the
    inputs' bytes again (0.4 s at 5,000 articles).
    """
    found = []
    for root, skip in _input_roots(settings, plugin_modules, options):
        if os.path.isdir(root):
            # Python may write bytecode into the plugins while the build imports them.
            found.append({path: stat for path, stat in output_listing(root, skip=skip).items()
                          if "__pycache__" not in path.split(os.sep)})
        else:
            try:
                stat = os.stat(root)
                found.append((stat.st_size, stat.st_mtime_ns))
            except OSError:
                found.append(None)
    return found


def installed_packages():
    """The metadata folders of every installed distribution (Pelican, Markdown, plugins...), sorted.

    Their names hold each distribution's name and version ("pelican-4.12.0.dist-info"),
    which is what an upgrade changes: reading every METADATA file through
    importlib.metadata took a tenth of a second of every build.
    """
    found = set()
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            found.update(entry.name for entry in entries if entry.name.endswith((".dist-info", ".egg-info")))
    return sorted(found)


def inputs_digest(settings, plugin_modules, options, settings_digest, digests=None):
    """Everything a build reads, as one digest: code, packages, settings, theme, content.

    ``settings_digest`` is taken before the build: Pelican's readers add
    their defaults to the settings while it runs. ``digests``: see
    :func:`tree_digest`.
    """
    return _hash(
        FORMAT, sys.version_info[:3], installed_packages(), settings_digest,
        *(tree_digest(path, skip=skip, digests=digests) if os.path.exists(path) else _hash("missing", path)
          for path, skip in _input_roots(settings, plugin_modules, options)),
    )


def output_listing(output_path, skip=()):
    """{relative path: (size, mtime_ns)} of every file in the output folder, as os.walk finds them.

    One os.scandir per folder, and relative paths made by joining names:
    os.walk with os.path.relpath per file took 1.5 s (profiled) for the 13,000
    files of 5,000 articles, three times as long. Symbolic links to folders
    are not followed; an unreadable folder is left out, and so are the
    folders in ``skip`` (real paths).
    """
    listing = {}
    skipped = {os.path.realpath(path) for path in skip}
    folders = [(output_path, "")]
    while folders:
        folder, relative = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                if not entry.is_symlink() and not (skipped and os.path.realpath(entry.path) in skipped):
                    folders.append((entry.path, relative + entry.name + os.sep))
                continue
            stat = entry.stat()
            listing[relative + entry.name] = (stat.st_size, stat.st_mtime_ns)
    return listing


def stamp_path(settings):
    """Where the stamp of the last successful build of this output folder is kept."""
    output = os.path.realpath(settings["OUTPUT_PATH"])
    return os.path.join(settings["CACHE_PATH"], f"fast_build-stamp-{_hash(output).hex()[:12]}.pickle")


def load_stamp(path):
    """(inputs digest, output listing) of the last successful build, or (None, None)."""
    data = _load(path, "stamp") or {}
    return data.get("inputs"), data.get("outputs")


def save_stamp(path, inputs, outputs):
    _save(path, {"inputs": inputs, "outputs": outputs})


def skip_unchanged_builds(pelican, options):
    """Wrap ``pelican.run``: skip the build when it is up to date, stamp it when it succeeds.

    A build is stamped only if it logged no warning or error, so that a
    problem is reported again on the next run rather than hidden by a skip,
    and only if its inputs did not change while it ran.
    """
    settings = pelican.settings
    run = pelican.run
    plugin_modules = list(getattr(pelican, "plugins", []))

    def run_unless_up_to_date():
        path = stamp_path(settings)
        settings_digest = Digester(lenient=True).digest(settings)
        global _input_md5
        listed = inputs_listing(settings, plugin_modules, options)  # before the bytes: a later edit shows
        digests = {}
        before = inputs_digest(settings, plugin_modules, options, settings_digest, digests)
        old_inputs, old_outputs = load_stamp(path)
        if old_inputs == before and old_outputs == output_listing(settings["OUTPUT_PATH"]):
            # Printed like Pelican's own "Done: ..." line, which a skipped run never reaches.
            console.print(f"Done: nothing changed since the last build, {settings['OUTPUT_PATH']} is up to date.")
            return
        if os.path.exists(path):
            os.remove(path)
        noticed = _Noticed()
        logging.getLogger().addHandler(noticed)
        if settings.get("CHECK_MODIFIED_METHOD") == "md5":
            _input_md5 = digests
        try:
            run()
        finally:
            _input_md5 = None
            logging.getLogger().removeHandler(noticed)
        if not noticed.seen and inputs_listing(settings, plugin_modules, options) == listed:
            save_stamp(path, before, output_listing(settings["OUTPUT_PATH"]))

    pelican.run = run_unless_up_to_date


# The MD5 digests of the input files taken for the up-to-date check, by
# absolute path, while the build they were taken for runs.
_input_md5 = None


def reuse_file_stamps(generator):
    """article_generator_init, page_generator_init: stamp files with the digests already taken.

    Pelican's content cache stamps each source file with the MD5 of its
    bytes, and asks for the stamp of every file twice (the generator's
    cache, then the readers'), a third time when the reading is spread over
    the cores: at 5,000 articles, reading and hashing 15,000 files for
    digests the up-to-date check has just taken. A file not digested
    there (or by another method) is stamped by Pelican's own function.
    """
    if not _input_md5:
        return
    for cacher in (generator, getattr(generator, "readers", None)):
        stamp = getattr(cacher, "_filestamp_func", None)
        if stamp is not None and not getattr(stamp, "reuses", False):
            cacher._filestamp_func = _stamp_reusing(stamp, _input_md5)


def _stamp_reusing(stamp, digests):
    def file_stamp(filename):
        found = digests.get(filename)
        return found if found is not None else stamp(filename)

    file_stamp.reuses = True
    return file_stamp


# --- Parallel reading ----------------------------------------------------------

_reading = None  # (readers, base path) inherited by forked reader processes


class _Noticed(logging.Handler):
    """Catches any warning or error a reader logs in a worker process."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record):
        self.seen = True


def _read_in_worker(path):
    """Read one file in a worker; None if it logged anything or failed (re-read in the build)."""
    from pelican.readers import _filter_discardable_metadata

    readers = _reading
    noticed = _Noticed()
    root = logging.getLogger()
    root.handlers[:] = [noticed]  # the worker prints nothing: the build re-reads and reports
    try:
        content, metadata = readers.readers[os.path.splitext(path)[1][1:]].read(path)
        result = (content, _filter_discardable_metadata(metadata))
    except Exception:  # noqa: BLE001 - reported by the build process when it reads the file again
        return path, None
    return path, None if noticed.seen else result


def uncached_sources(generator):
    """Absolute paths of the generator's articles that the content cache does not hold."""
    readers = generator.readers
    if not getattr(readers, "_cache_data_policy", False):
        return []
    found = []
    for relative in sorted(generator.get_files(generator.settings["ARTICLE_PATHS"],
                                               exclude=generator.settings["ARTICLE_EXCLUDES"])):
        path = os.path.abspath(os.path.join(generator.path, relative))
        fmt = os.path.splitext(path)[1][1:]
        if fmt in readers.readers and readers.get_cached_data(path, None) is None:
            found.append(path)
    return found


def read_in_parallel(generator, options):
    """Fill the reader cache of ``generator`` using a pool of forked processes; return the count."""
    global _reading
    import multiprocessing

    processes = options["processes"] or background.usable_cpus()
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    paths = uncached_sources(generator)
    if len(paths) < options["parallel_min"]:
        return 0
    _reading = generator.readers
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            results = pool.map(_read_in_worker, paths, chunksize=max(1, len(paths) // (processes * 8)))
    finally:
        _reading = None
    done = 0
    for path, data in results:
        if data is not None:
            generator.readers.cache_data(path, data)
            done += 1
    return done


# --- One build ---------------------------------------------------------------


class Call:
    """One call of Pelican's writer: one page, or the pages of one paginated list."""

    __slots__ = ("name", "key", "given", "context", "pages")

    def __init__(self, name, key, given, context):
        self.name = name  # the first page's output file
        self.key = key  # digest of everything the call passes (None: never reused)
        self.given = given  # the names its pages take from the call, not the shared context
        self.context = context
        self.pages = []  # output files, as they are written


def given_names(kwargs, paginated):
    """The names a call's pages take from the call: its keywords, the page's own URL and its pagination."""
    lists = paginated.keys() if paginated is not None else {"articles", "dates"} & kwargs.keys()
    return frozenset({*kwargs, "output_file", "SITEURL", "localsiteurl",
                      *(f"{key}_{part}" for key in lists for part in ("paginator", "page", "previous_page", "next_page"))})


class Build:
    """The state of one Pelican run (autoreload runs several in one process).

    A page is left as the last build wrote it when the site fingerprint is
    the same, its writer call passes the same values (articles by source
    path), the names it took from the shared context have the same values,
    none of the articles whose values it shows changed them (``sources``),
    none of the bodies it read changed, and its file is the one written. A
    call whose pages all pass is not handed to Pelican's writer at all: no
    context copy, no pagination, no template.
    """

    def __init__(self, settings, options):
        self.settings = settings
        self.options = options
        self.output_path = settings["OUTPUT_PATH"]
        self.manifest = manifest_path(settings, options)
        self.last = load_manifest(self.manifest)
        self.fingerprint = None
        self.context = None
        self.plugin_modules = []
        self.digester = Digester()
        self.current = {}  # page -> Record (kept or written and stat-ed)
        self.calls = {}  # first page of a call -> (call key, pages)
        self.contents = None  # source path -> (values digest, body digest), made at the first write
        self.numbers = {}  # source path -> its position in self.contents
        self.changed_values = frozenset()  # numbers of the contents whose values changed since the last build
        self.changed_bodies = frozenset()  # source paths of the contents whose bodies changed
        self.same_site = False
        self.pending = {}  # absolute path -> the Record fields known before the file is written
        self.skipped = set()  # absolute paths of pages left alone inside a rendered call
        self.kept = 0  # pages of calls left alone
        self.call = None  # the Call being written
        self.recording = None  # set of names read by the page being rendered
        self.bodies = None  # source paths of the bodies the page being rendered read
        self.rendered = 0
        self._canonical = {}  # one object per distinct names set, shape and sources
        self._numbered = {}  # id(a kept frozenset of paths) -> (that set, array of its sorted numbers)
        self._globals = {}  # template name -> (template, its globals as a dict)
        self._given = {}  # (keywords, paginated lists) of a call -> given_names

    def content_objects(self):
        """{source path: content object} of every article and page in the context."""
        found = {}
        for value in (self.context or {}).values():
            if isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Content):
                        found.setdefault(item.source_path, item)
        return found

    def prepare(self):
        """At the first write: the state of every content, and which changed since the last build."""
        if self.contents is not None:
            return
        contents = {}
        for source, content in sorted(self.content_objects().items()):
            try:
                values = self.digester.content_state(content)
            except Unknown:
                values = None
            contents[source] = (values, body_digest(content))
        self.contents = contents
        self.numbers = {source: number for number, source in enumerate(contents)}
        last = self.last.contents
        self.same_site = (self.fingerprint is not None and self.fingerprint == self.last.fingerprint
                          and last.keys() == contents.keys())
        if self.same_site:
            self.changed_values = frozenset(self.numbers[source] for source, (values, _) in contents.items()
                                            if values is None or values != last[source][0])
            self.changed_bodies = frozenset(source for source, (_, body) in contents.items()
                                            if body != last[source][1])

    def start_call(self, name, template, context, kwargs, paginated, **options):
        """The Call of one write_file: its key digests its name, template, options and keywords."""
        self.prepare()
        reference = self.digester.reference
        keywords = tuple(sorted(kwargs))
        lists = None if paginated is None else tuple(sorted(paginated))
        # Text and numbers (a tag's URL, its page name) stand as themselves in the key's head: each
        # call formats them anew, so a digest of each was made, and kept, thousands of times.
        plain = tuple(map(_plain, (kwargs[keyword] for keyword in keywords)))
        try:
            key = _digest_of(("call", name, template.name, *options.values(), keywords, lists, plain),
                             [reference(kwargs[keyword]) for keyword, value in zip(keywords, plain) if value is None]
                             + ([] if paginated is None else [reference(paginated[key]) for key in lists]))
        except Unknown:
            key = None
        given = self._given.get((keywords, lists))
        if given is None:
            given = self._given[(keywords, lists)] = given_names(kwargs, paginated)
        return Call(name, key, given, context)

    def same_call(self, call):
        """Did the last build make the same call (same key)?"""
        last = self.last.calls.get(call.name)
        return self.same_site and call.key is not None and last is not None and last[0] == call.key

    def shared_value(self, name, call, template):
        """A name's value on the call's pages when the call does not give it: Jinja's order."""
        if name in call.context:
            return call.context[name]
        return self.template_globals(template).get(name, jinja2.utils.missing)

    def template_globals(self, template):
        """A template's globals as one dict (Jinja's ChainMap costs a lookup per map), once per build."""
        found = self._globals.get(template.name)
        if found is None or found[0] is not template:
            found = self._globals[template.name] = (template, dict(template.globals))
        return found[1]

    def page_unchanged(self, page, template, call):
        """May ``page`` of a call equal to the last build's be left as that build wrote it?"""
        old = self.last.pages.get(page)
        if old is None or old.shape is None or old.template != template.name:
            return False
        if self.changed_values and holds_any(_numbers_in(old.sources), self.changed_values):
            return False
        if self.changed_bodies and holds_any(old.bodies, self.changed_bodies):
            return False
        if not self.shape_holds(old.shape, call.context, template):
            return False
        return file_matches(os.path.join(self.output_path, page), old)

    def shape_holds(self, shape, context, template):
        """Do the names of a page's shape have the same values (by reference) here?

        :meth:`shared_value` and :meth:`Digester.reference` written out in
        one loop: it runs for some twenty names of every page of a rebuild.
        """
        template_globals = self.template_globals(template)
        references = self.digester._references
        reference = self.digester.reference
        missing = jinja2.utils.missing
        try:
            for name, digest in shape:
                value = context[name] if name in context else template_globals.get(name, missing)
                found = references.get(id(value))
                if (found[1] if found is not None and found[0] is value else reference(value)) != digest:
                    return False
        except Unknown:
            return False
        return True

    def unchanged_call(self, call, template):
        """The pages of ``call`` if every one of them may be left as it is, else None."""
        if not self.same_call(call):
            return None
        pages = self.last.calls[call.name][1]
        return pages if all(self.page_unchanged(page, template, call) for page in pages) else None

    def keep(self, call, pages):
        """The pages of a call left alone: their records carry over."""
        for page in pages:
            self.current[page] = self.last.pages[page]
        self.kept += len(pages)
        self.calls[call.name] = (call.key, tuple(pages))

    def _one(self, value):
        """The one object equal to ``value`` kept in the manifest (pickle writes it once)."""
        return self._canonical.setdefault(value, value)

    def _numbers(self, parts):
        """The sources of a page (the union of ``parts``, frozensets of source paths) as the
        bytes of their sorted numbers; KeyError for a path not in the context.

        Four bytes a source, not a set's fifty: a page's sources stay in the
        manifest, some hundred per tag page. A page's sources are mostly one
        set the build keeps (the whole archive, a tag's articles) plus a few
        others (the site's pages, in the menu): that set's numbers are made
        once, and the union of the sets is never kept (at 5,000 articles,
        keeping each page's took 300 MB).
        """
        parts = [part for part in parts if part]
        if not parts:
            return b""
        largest = max(parts, key=len)
        found = self._numbered.get(id(largest))
        if found is None or found[0] is not largest:
            numbers = array.array("I", sorted(self.numbers[source] for source in largest))
            found = (largest, numbers)
            if self.digester.kept_sources(largest):
                self._numbered[id(largest)] = found
        rest = {self.numbers[source] for part in parts if part is not largest and not part <= largest
                for source in part}
        if not rest:
            return self._one(found[1].tobytes())
        return self._one(array.array("I", sorted(rest.union(found[1]))).tobytes())

    def describe(self, names, localcontext, call, template):
        """(sources, shape) of a page just rendered, or (no sources, None) if a value is unknown."""
        template_globals = self.template_globals(template)
        try:
            sources = [self.digester.sources(localcontext[name] if name in localcontext
                                             else template_globals.get(name)) for name in names]
            shape = tuple((name, self.digester.reference(self.shared_value(name, call, template)))
                          for name in sorted(names - call.given))
            return self._numbers(sources), self._one(shape)
        except (Unknown, KeyError) as exc:
            log.debug("fast_build: %s reads a value it cannot be checked by (%s): always rendered",
                      localcontext.get("output_file"), exc)
            return b"", None

    def render(self, template, localcontext):
        """Render a page, or return "" and mark it skipped when the last build's page may stay."""
        page = localcontext["output_file"]
        path = os.path.join(self.output_path, page)
        call = self.call
        call.pages.append(page)
        if self.same_call(call) and self.page_unchanged(page, template, call):
            self.skipped.add(path)
            self.current[page] = self.last.pages[page]
            return ""
        self.recording, self.bodies = set(), set()
        try:
            output = template.render(localcontext)
            names, bodies = frozenset(self.recording), tuple(sorted(self.bodies))
        finally:
            self.recording = self.bodies = None
        self.rendered += 1
        sources, shape = self.describe(names, localcontext, call, template)
        self.pending[path] = (page, template.name, self._one(names), bodies, sources, shape)
        return output

    def end_call(self, call):
        self.calls[call.name] = (call.key, tuple(call.pages))

    def written(self, path):
        """content_written: remember the file's size and time once it is on disk."""
        entry = self.pending.pop(path, None)
        if entry is None:
            return
        stat = os.stat(path)
        self.current[entry[0]] = Record(*entry[1:], stat.st_size, stat.st_mtime_ns)

    def produced(self, page):
        """A file written outside templates (a feed): kept out of the stale files, never reused."""
        stat = os.stat(os.path.join(self.output_path, page))
        self.current[page] = Record(None, frozenset(), (), b"", None, stat.st_size, stat.st_mtime_ns)

    def finish(self):
        """Delete stale files, save the manifest; return (rendered, left alone, removed)."""
        removed = []
        if self.options["delete_stale"]:
            removed = remove_stale(self.output_path, self.last.pages, self.current)
        if self.fingerprint is not None:
            save_manifest(self.manifest, Manifest(self.fingerprint, self.current, self.calls, self.contents or {}))
        return self.rendered, len(self.skipped) + self.kept, removed


_build = None  # the Build in progress
_pelican = None  # the Pelican object, while FAST_BUILD is enabled


class RecordingContext(Context):
    """A Jinja context that notes every template variable a page looks up."""

    def resolve_or_missing(self, key):
        if _build is not None and _build.recording is not None:
            _build.recording.add(key)
        return super().resolve_or_missing(key)


class _TemplateProxy:
    """What the writer renders: the real template behind Build.render."""

    def __init__(self, template, build):
        self._template = template
        self._build = build

    def render(self, localcontext):
        return self._build.render(self._template, localcontext)

    def __getattr__(self, name):
        return getattr(self._template, name)


@functools.lru_cache(maxsize=64)
def _root_url(depth):
    return path_to_url(get_relative_path("/".join(["folder"] * depth + ["page.html"])))


def _relative_url(page):
    """Pelican's relative URL of the site root from ``page`` (it depends on the page's depth alone)."""
    return _root_url(os.path.normpath(page).count(os.sep))


class FastWriter(Writer):
    """Pelican's writer, which leaves up-to-date pages untouched on disk."""

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        build = _build
        options = {"relative_urls": relative_urls, "template_name": template_name,
                   "override_output": override_output, "url": url}
        if build is None or template is None or not name:
            return super().write_file(name, template, context, paginated=paginated, **options, **kwargs)
        call = build.start_call(name, template, context, kwargs, paginated, **options)
        pages = build.unchanged_call(call, template)
        if pages is not None and self._leave_alone(pages, context, relative_urls, override_output, kwargs):
            build.keep(call, pages)
            return None
        build.call = call
        try:
            super().write_file(name, _TemplateProxy(template, build), context, paginated=paginated, **options,
                               **kwargs)
        finally:
            build.call = None
        build.end_call(call)
        return None

    def _leave_alone(self, pages, context, relative_urls, override_output, kwargs):
        """Do what Pelican's writer does for written pages, except rendering and writing them.

        Its bookkeeping of written files (so that a later write of the same
        file is still refused), the ``content_written`` signal (the sitemap
        lists the pages it is sent for) with the call's values over the
        context, and the ``localsiteurl`` it leaves in the context.
        """
        paths = [sanitised_join(self.output_path, page) for page in pages]
        if not paths or any(path in self._written_files or path in self._overridden_files for path in paths):
            return False  # a second write of a file: Pelican's writer decides what it does
        for page, path in zip(pages, paths):
            if override_output:
                self._overridden_files.add(path)
            self._written_files.add(path)
            # The page's context as Pelican's writer makes it, but for the pagination variables.
            page_context = context.copy()
            page_context["localsiteurl"] = page_context.get("localsiteurl", None)
            if relative_urls:
                page_context["SITEURL"] = page_context["localsiteurl"] = _relative_url(page)
            page_context["output_file"] = page
            page_context.update(kwargs)
            signals.content_written.send(path, context=page_context)
        if relative_urls:
            context["localsiteurl"] = _relative_url(pages[-1])
        return True

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        feed = super().write_feed(elements, context, path, *args, **kwargs)
        if _build is not None and path:
            _build.produced(path)
        return feed

    def _open_w(self, filename, encoding, override=False):
        if _build is not None and filename in _build.skipped:
            # Keep Pelican's bookkeeping of written files, but do not truncate the page.
            if override:
                self._overridden_files.add(filename)
            self._written_files.add(filename)
            return io.StringIO()  # takes Pelican's write of "" (no file opened)
        return super()._open_w(filename, encoding, override=override)


# --- Signal receivers (connected in __init__.py) ---------------------------


def start(pelican):
    """initialized: read FAST_BUILD and the last manifest (once per Pelican object)."""
    global _build, _pelican
    options = merge_settings(pelican.settings.get("FAST_BUILD"))
    _pelican = pelican if options["enabled"] else None
    _build = None
    # Never skipped: a build asked to start from an empty output folder, and
    # one that dates articles by file times (the digests see bytes only).
    settings = pelican.settings
    if (options["enabled"] and options["skip_unchanged_builds"] and not settings.get("DELETE_OUTPUT_DIRECTORY")
            and settings.get("DEFAULT_DATE") != "fs"):
        skip_unchanged_builds(pelican, options)


def _current():
    """The Build of the running build; `pelican --autoreload` runs several with one Pelican object."""
    global _build
    if _build is None and _pelican is not None:
        if gc.get_freeze_count():  # an earlier build in this process (see settle): free its garbage
            gc.unfreeze()
            gc.collect()
        _build = Build(_pelican.settings, merge_settings(_pelican.settings.get("FAST_BUILD")))
        _build.plugin_modules = list(getattr(_pelican, "plugins", []))
        settle()
    return _build


def _recording_getattr(getattr_):
    """Jinja's attribute lookup, noting the content bodies the page being rendered reads."""

    def recording_getattr(obj, attribute):
        if (_build is not None and _build.bodies is not None and isinstance(obj, Content)
                and reads_body(obj, attribute)):
            _build.bodies.add(obj.source_path)
        return getattr_(obj, attribute)

    recording_getattr.recording = True
    return recording_getattr


def track_generator(generator):
    """generator_init (the first signal of each build): record what templates read."""
    if _current() is not None:
        env = generator.env
        env.context_class = RecordingContext
        # Templates look attributes up through these (article.content, article["content"]).
        for name in ("getattr", "getitem"):
            if not getattr(getattr(env, name), "recording", False):
                setattr(env, name, _recording_getattr(getattr(env, name)))
        _build.context = generator.context
        if env.bytecode_cache is None and generator.settings.get("CACHE_CONTENT"):
            env.bytecode_cache = template_cache(generator.settings["CACHE_PATH"])


def template_cache(cache_path):
    """Jinja's compiled templates kept in ``cache_path``/jinja: every build loads the
    templates (a skipped page's too), and compiling them was a quarter of a second of a rebuild.

    Jinja checks each entry against its template's source and its own and
    Python's versions, so an edited template is compiled again.
    """
    folder = os.path.join(cache_path, "jinja")
    os.makedirs(folder, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(folder)


def preread_articles(generator):
    """article_generator_init: read uncached articles on every core before Pelican asks."""
    if _build is not None and _build.options["processes"] != 1:
        count = read_in_parallel(generator, _build.options)
        if count:
            log.info("fast_build: %d articles read in parallel", count)


def writer_class(pelican):
    """get_writer: every generator content is known; fix the site fingerprint."""
    if _build is None:
        return None
    _build.fingerprint = site_fingerprint(pelican.settings, _build.context or {}, _build.plugin_modules)
    if _build.fingerprint != _build.last.fingerprint and _build.last.pages:
        log.info("fast_build: theme, plugins, settings or metadata changed: rendering every page")
    settle()
    return FastWriter


def content_written(path, context=None):
    if _build is not None:
        _build.written(path)


def finish(pelican):
    """finalized: delete what the last build wrote and this one did not, save the manifest."""
    global _build
    if _build is None:
        return
    rendered, skipped, removed = _build.finish()
    log.info("fast_build: %d pages rendered, %d unchanged, %d stale removed", rendered, skipped, len(removed))
    _build = None
    # The interpreter's last cycle collection walked and freed the build's
    # objects: 0.8 s after "Done" at 5,000 articles.
    gc.freeze()


def settle(sender=None):
    """article_generator_init, article_generator_finalized (and get_writer, the last manifest's
    load): exempt the objects made so far from the cycle collector until the build ends.

    A build's objects mostly live as long as it does (the last manifest,
    Pelican's content cache, the articles, the contexts), and Python's full
    collections walked all of them again whenever the new ones had grown by a
    quarter: 1.2 s of a 5,000-article rebuild's main process, measured, 0.4 s
    now. gc.freeze() is one list splice; cyclic garbage among the frozen
    objects waits for the next build's unfreeze (_current) or the process's end.
    """
    if _build is not None:
        gc.freeze()
