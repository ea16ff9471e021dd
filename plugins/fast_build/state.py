"""The state of one build: which pages may be left as the last build wrote them.

A page is left alone when the site fingerprint is the same, its writer call
passes the same values (articles by source path), the names it took from
the shared context have the same values, none of the articles whose values
it shows changed them, none of the bodies it read changed, and its file is
the one written. The :class:`BuildState` of a run holds the last manifest,
the digests made so far and the records of the pages written; the writer
(``writer``) and the templates' recorder (``recording``) are given it.
"""

import array
import logging
import os

import jinja2
from pelican.contents import Content

from .digests import Digester, Unknown, body_digest, hash_joined, holds_any, plain_parts
from archivist import pelican_compat

from .journal import Journal
from .manifest import (NO_MANIFEST, Manifest, Record, clear_output, file_matches, load_manifest, manifest_path,
                       output_cache_path, remove_stale, save_manifest)
from .recording import Recorder

log = logging.getLogger(__name__)


def _numbers_in(data):
    """The source numbers of a Record's ``sources`` (the bytes of an array of unsigned ints)."""
    numbers = array.array("I")
    numbers.frombytes(data)
    return numbers


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


class BuildState:
    """The state of one Pelican run (autoreload runs several in one process).

    A page is left as the last build wrote it when the site fingerprint is
    the same, its writer call passes the same values (articles by source
    path), the names it took from the shared context have the same values,
    none of the articles whose values it shows changed them (``sources``),
    none of the bodies it read changed, and its file is the one written. A
    call whose pages all pass is not handed to Pelican's writer at all: no
    context copy, no pagination, no template.
    """

    def __init__(self, settings, options, plugin_modules=()):
        self.settings = settings
        self.options = options
        self.output_path = settings["OUTPUT_PATH"]
        self.manifest = manifest_path(settings, options)
        self.last = load_manifest(self.manifest)
        self.journal = Journal(output_cache_path(settings, "fast_build-journal.txt"))
        # What builds since the last finished one (failed or killed) may have written.
        self.unfinished = self.journal.unfinished()
        if self.last is NO_MANIFEST and options["delete_stale"] and not clear_output(settings):
            log.warning("fast_build: no manifest of %s, and it holds the content, theme or cache folder: "
                        "files no source produces any more are not deleted", self.output_path)
        self.copied = frozenset()  # output files Pelican copies (theme and content static files)
        self.fingerprint = None
        self.context = None
        self.plugin_modules = list(plugin_modules)
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
        self.recorder = Recorder()  # what the page being rendered reads
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
        plain = tuple(map(plain_parts, (kwargs[keyword] for keyword in keywords)))
        try:
            key = hash_joined(("call", name, template.name, *options.values(), keywords, lists, plain),
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
        once, and the union of the sets is never kept (keeping each page's
        took memory in proportion to pages times articles).
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
        recorder = self.recorder
        recorder.start()
        try:
            output = template.render(localcontext)
            names, bodies = frozenset(recorder.names), tuple(sorted(recorder.bodies))
        finally:
            recorder.stop()
        self.rendered += 1
        self.journal.note(page)
        sources, shape = self.describe(names, localcontext, call, template)
        self.pending[path] = (page, template.name, self._one(names), bodies, sources, shape)
        return output

    def end_call(self, call):
        self.calls[call.name] = (call.key, tuple(call.pages))

    def copies(self, context):
        """get_writer, before Pelican copies anything: the theme's and the content's static files."""
        self.copied = frozenset(pelican_compat.theme_static_outputs(self.settings)
                                + pelican_compat.static_outputs(context))
        self.journal.note(*sorted(self.copied))

    def written(self, path):
        """content_written: remember the file's size and time once it is on disk."""
        entry = self.pending.pop(path, None)
        if entry is None:
            if path not in self.skipped:
                self.produced(os.path.relpath(path, self.output_path))
            return
        stat = os.stat(path)
        self.current[entry[0]] = Record(*entry[1:], stat.st_size, stat.st_mtime_ns)

    def producing(self, page):
        """A file about to be written outside templates (a feed): noted in the journal."""
        self.journal.note(page)

    def produced(self, page):
        """A file written outside templates (a feed): kept out of the stale files, never reused."""
        if page in self.current and self.current[page].template is not None:
            return
        stat = os.stat(os.path.join(self.output_path, page))
        self.current[page] = Record(None, frozenset(), (), b"", None, stat.st_size, stat.st_mtime_ns)

    def finish(self):
        """Delete stale files, save the manifest; return (rendered, left alone, removed)."""
        removed = []
        if self.options["delete_stale"]:
            previous = {*self.last.pages, *self.last.copied, *self.unfinished}
            removed = remove_stale(self.output_path, previous, {*self.current, *self.copied})
        if self.fingerprint is not None:
            save_manifest(self.manifest, Manifest(self.fingerprint, self.current, self.calls, self.contents or {},
                                                  self.copied))
            self.journal.finish()  # the manifest names everything now
        else:
            self.journal.close()
        return self.rendered, len(self.skipped) + self.kept, removed

