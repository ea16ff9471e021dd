"""Digests of what a page reads: template values, articles, the whole site.

A page is left as the last build wrote it only when the digests of what it
read are the same (see ``state``). Anything these rules cannot describe
raises :class:`Unknown`, and the page is rendered: when unsure, render.
"""

import bisect
import datetime
import hashlib
import os
import re
import sys
import types

import jinja2
from pelican import __version__ as pelican_version
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from archivist import pelican_compat

# Bump when the digest rules or the layout of what is kept between builds
# (manifest, stamp) change: what an earlier format kept is then not used.
FORMAT = 8
# Content attributes that are not page inputs of their own.
_SKIPPED_ATTRIBUTES = frozenset({"settings", "metadata", *pelican_compat.CONTENT_PRIVATE_ATTRIBUTES})
_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")
_SIMPLE = (str, int, float, bool, type(None), bytes)


class Unknown(Exception):
    """A value the digest rules cannot describe: the page must be rendered."""


def hash_parts(*parts):
    """16 bytes for ``parts``: bytes as they are, anything else by its ``repr``."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\x1f")
    return hasher.digest()


def hash_joined(head, digests=()):
    """16 bytes for ``repr(head)`` followed by 16-byte digests (a fixed size: joined, unambiguous)."""
    hasher = hashlib.blake2b(repr(head).encode("utf-8", "surrogatepass"), digest_size=16)
    if digests:
        hasher.update(b"".join(digests))
    return hasher.digest()


def plain_parts(value):
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
        plain = plain_parts(value)
        if plain is not None:
            return hash_parts(*plain)
        if isinstance(value, Content):
            return self.content_full(value) if depth == 0 else self.content_own(value)
        if isinstance(value, (list, tuple)):
            return hash_parts(type(value).__name__, *(self.digest(i, depth) for i in value))
        if isinstance(value, (set, frozenset)):
            return hash_parts("set", *sorted(self.digest(i, depth) for i in value))
        if isinstance(value, dict):
            return hash_parts("dict", *sorted((self.digest(k, depth), self.digest(i, depth)) for k, i in value.items()))
        if isinstance(value, Page):
            return hash_parts(
                "page", value.number, value.base_name, self.digest(value.paginator, depth),
                *(self.digest(i, depth) for i in value.object_list),
            )
        if isinstance(value, Paginator):
            return hash_parts("paginator", value.name, value.count, value.num_pages, value.per_page, value.orphans,
                         *(getattr(i, "source_path", repr(i)) for i in value.object_list))
        if isinstance(value, types.FunctionType):
            return self.function(value, depth)
        if isinstance(value, (types.BuiltinFunctionType, type, types.ModuleType)):
            return hash_parts("code", getattr(value, "__module__", None), getattr(value, "__qualname__", value.__name__))
        if isinstance(value, jinja2.Undefined) or value is jinja2.utils.missing:
            return hash_parts("undefined")
        if isinstance(value, datetime.tzinfo):
            return hash_parts("tz", str(value))
        if isinstance(value, re.Pattern):
            return hash_parts("re", value.pattern, value.flags)
        if self.lenient:
            return hash_parts(type(value).__qualname__, _ADDRESS_RE.sub("", repr(value)))
        raise Unknown(f"{type(value).__module__}.{type(value).__qualname__}")

    def function(self, function, depth=0):
        """A function by what it does: its code (bytecode, constants, names), defaults and closure.

        By module and name alone, a changed body of a function in the
        settings (a sort key) built nothing again. What it reads from its
        module's globals is not followed.
        """
        cells = []
        for cell in function.__closure__ or ():
            try:
                cells.append(self.digest(cell.cell_contents, depth))
            except (Unknown, ValueError):  # ValueError: an empty cell
                cells.append(type(getattr(cell, "cell_contents", None)).__qualname__)
        defaults = [function.__defaults__ or (), function.__kwdefaults__ or {}]
        try:
            defaults = self.digest(defaults, depth)
        except Unknown:
            defaults = repr(type(defaults))
        return hash_parts("function", function.__module__, function.__qualname__, code_digest(function.__code__),
                          defaults, *cells)

    def content_own(self, content):
        """An article or page alone: source, HTML, metadata, attributes (references by path)."""

        def compute(obj):
            metadata = sorted((k, self._reference(v)) for k, v in obj.metadata.items())
            # Not the body: the pages that read it are checked against its body's digest.
            return hash_parts(type(obj).__name__, obj.source_path, pelican_compat.summary_set(obj), metadata,
                         self._attributes(obj))

        return self._memoised(content, compute, "own")

    def content_state(self, content):
        """What the site fingerprint does not hold of an article or page: what Pelican and the
        plugins attached to it besides its metadata (references by path), and its summary.

        For telling which contents changed between two builds with the same
        fingerprint (the same metadata): the attributes Pelican sets from the
        metadata, the same objects, are left out, half of content_own's work.
        """
        return hash_parts(type(content).__name__, content.source_path, pelican_compat.summary_set(content),
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

        Text, numbers, dates and tags stand as themselves (``plain_parts``), so
        that the object's one hash covers them: hashing each apart first (some
        twenty hashes per article) made content_own the largest part of a
        rebuild's page checks (see docs/fast-build.md).
        """
        plain = plain_parts(value)
        if plain is not None:
            return plain
        if isinstance(value, Content):
            return ("content", value.source_path)
        if isinstance(value, (list, tuple)):
            if any(isinstance(i, Content) for i in value):
                return tuple(self._reference(i) for i in value)
            return (type(value).__name__, *(plain_parts(i) or self.digest(i, depth=1) for i in value))
        return self.digest(value, depth=1)

    def content_full(self, content):
        """An article with the articles it points to (related, previous, next, translations)."""
        return hash_parts("full", self.content_own(content), *(self.content_own(i) for i in _pointed_to(content)))

    def reference(self, value):
        """A digest of a value in which each article or page stands for its source path alone.

        What a page shows of an article's values is checked apart (BuildState's
        changed articles against the page's ``sources``), so the lists of a
        call are digested by their members and order only. Every result is
        16 bytes, so a list's digest hashes its items' digests joined: one
        hash per list, the cost of a rebuild's thousands of writer calls.
        """
        found = self._references.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        plain = plain_parts(value)
        if plain is not None:
            result = hash_joined(plain)
        elif isinstance(value, Content):
            result = hash_joined(("content", value.source_path))
        elif isinstance(value, (list, tuple)):
            result = hash_joined(type(value).__name__, [self.reference(i) for i in value])
        elif isinstance(value, (set, frozenset)):
            result = hash_joined("set", sorted(self.reference(i) for i in value))
        elif isinstance(value, dict):
            result = hash_joined("dict", sorted(self.reference(k) + self.reference(i) for k, i in value.items()))
        elif isinstance(value, Page):
            result = hash_joined(("page", value.number, value.base_name),
                                [self.reference(value.paginator), *(self.reference(i) for i in value.object_list)])
        elif isinstance(value, Paginator):
            result = hash_joined(("paginator", value.name, value.url, value.count, value.num_pages, value.per_page,
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
        made again for every page, they cost more than the rest of the
        checks); what each page makes (its page of a list, a few articles)
        is quick to make again, and keeping those sets for every page takes
        memory in proportion to pages times articles.
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


def code_digest(code):
    """A code object's bytecode, constants (nested functions' code too), names and arguments."""
    constants = tuple(code_digest(item) if isinstance(item, types.CodeType) else (type(item).__name__, repr(item))
                      for item in code.co_consts)
    return hash_parts("code", code.co_code, constants, code.co_names, code.co_varnames, code.co_freevars,
                      code.co_cellvars, code.co_argcount, code.co_kwonlyargcount, code.co_flags)


def _pointed_to(content):
    """The contents an article's attributes hold (related, previous, next, translations), in name order."""
    for name, item in sorted(vars(content).items()):
        if name not in _SKIPPED_ATTRIBUTES:
            for i in item if isinstance(item, (list, tuple)) else (item,):
                if isinstance(i, Content):
                    yield i


_NO_SOURCES = frozenset()
_KEPT_LENGTH = 64  # lists at least this long keep their sources for the build (Digester.sources)


def holds_any(ordered, wanted):
    """Does the sorted sequence ``ordered`` hold any item of the set ``wanted``?

    A page's sources and bodies are kept sorted, and after an edit ``wanted``
    (the changed articles) holds one or two: a binary search each, rather than
    a pass over every source of every page (a lists page shows thousands).
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


def body_digest(content):
    """The digest of a content object's body (None for no object)."""
    if content is None:
        return None
    body = pelican_compat.body_html(content)
    # The text's bytes, not its repr: a copy with escapes of every body.
    return hash_parts("body", body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body)


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
    return hash_parts(*found)


def _metadata_value(value, digester):
    """A metadata value as the fingerprint holds it: text, numbers, dates and lists of them (the
    tags) as themselves, in the fingerprint's one hash; anything else by its digest.

    Hashing each tag, then each list, was a hash per tag of every article
    on every build.
    """
    plain = plain_parts(value)
    if plain is not None:
        return plain
    if isinstance(value, (list, tuple)):
        items = tuple(map(plain_parts, value))
        if None not in items:
            return (type(value).__name__, items)
    return digester.digest(value, depth=1)


def site_fingerprint(settings, context, plugin_modules):
    """Everything a page may depend on without naming it: code, theme, settings, all metadata."""
    digester = Digester(lenient=True)
    theme_dirs, plugin_dirs = code_folders(settings, plugin_modules)
    contents = []
    for key in ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                "drafts_translations", "pages", "hidden_pages", "draft_pages", "translations_pages"):
        for content in context.get(key) or []:
            metadata = sorted((k, _metadata_value(v, digester)) for k, v in content.metadata.items())
            # Not save_as: Pelican formats it anew on each access, and each call's key holds the file
            # it writes.
            contents.append((key, content.source_path, content.url, metadata))
    return hash_parts(
        FORMAT, pelican_version, jinja2.__version__, sys.version_info[:2],
        _files_digest(theme_dirs), _files_digest(plugin_dirs, suffixes=(".py",)),
        settings_digest(settings), *contents,
    )


def settings_digest(settings):
    """The settings as one digest: values by content, objects by their repr without addresses."""
    return Digester(lenient=True).digest(settings)


def code_folders(settings, plugin_modules):
    """(theme folders, plugin folders) of a build."""
    plugin_dirs = sorted(
        {os.path.dirname(module.__file__) for module in plugin_modules if getattr(module, "__file__", None)}
    )
    return [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", [])], plugin_dirs

