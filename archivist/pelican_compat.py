"""Every use of Pelican's and pelican-sitemap's private parts, in one module.

The plugins speed the build up and skip unchanged work by reaching into code
those packages do not promise to keep: private attributes, methods replaced
on an instance, module globals rebound. Each such touch is a named function
here, saying why it is needed; nothing else in ``plugins/`` or ``archivist/``
uses a private name of Pelican or of a Pelican plugin.

They were written against the versions in ``WRITTEN_FOR`` (the ones
pyproject.toml pins). :func:`stop_unless_written_for` runs when a build
starts: with another version installed the build stops with one line saying
which package, both versions and what to do, instead of a wrong site or a
traceback from deep inside Pelican.
"""

import collections
import contextlib
import copy
import fnmatch
import functools
import importlib.metadata
import io
import logging
import os
import pickle
import re
import sys

from pelican import signals
from pelican.readers import _filter_discardable_metadata
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer

from archivist.errors import ArchivistError

# The versions the functions below were written for and checked against.
WRITTEN_FOR = {"pelican": "4.12.0", "pelican-sitemap": "1.2.2"}


class PelicanVersionError(ArchivistError):
    """A package whose internals this module uses is installed in another version."""


def installed_version(package):
    """The installed version of ``package``, None when it is not installed."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def require_written_for(packages, installed=installed_version):
    """Raise PelicanVersionError unless each installed package of ``packages`` is its WRITTEN_FOR version.

    A package that is not installed is not checked: the functions that touch
    it do nothing then.
    """
    for package in packages:
        found, expected = installed(package), WRITTEN_FOR[package]
        if found is not None and found != expected:
            raise PelicanVersionError(
                f"{package} {found} is installed, but archivist/pelican_compat.py uses the internals of "
                f"{package} {expected}: install {package}=={expected} (`make deps`), or check every function "
                f"of archivist/pelican_compat.py against {package} {found} and set WRITTEN_FOR[{package!r}] "
                f"to {found!r}"
            )


def stop_unless_written_for(packages):
    """``initialized`` receivers: stop the build with one line unless the versions are WRITTEN_FOR's.

    Pelican logs an exception raised by a plugin with its whole traceback; a
    version mismatch has one cause and one fix, so it exits with the message
    alone (exit status 1).
    """
    try:
        require_written_for(packages)
    except PelicanVersionError as exc:
        raise SystemExit(f"error: {exc}") from None


# --- Content objects ---------------------------------------------------------

# Content keeps its body's HTML in ``_content`` (the ``content`` property
# rewrites links on every read) and a summary set by a plugin or cut from the
# body in ``_summary``; ``_context`` is the generators' shared context.
CONTENT_PRIVATE_ATTRIBUTES = frozenset({"_context", "_content", "_summary"})
# Attributes of a content object that read its body, and those that cut the
# summary from it when the metadata gives none.
_BODY_ATTRIBUTES = frozenset({"content", "_content", "get_content"})
_SUMMARY_ATTRIBUTES = frozenset({"summary", "get_summary"})


def body_html(content):
    """A content object's body as read (no link rewriting): what word counts and digests need."""
    return getattr(content, "_content", None)


def set_body_html(content, html):
    """Replace the body before any page shows it (content_object_init), as Pelican stores it."""
    content._content = html


def summary_set(content):
    """The summary a plugin or Pelican set on the object (None when it is cut from the body on reading)."""
    return getattr(content, "_summary", None)


def set_summary_html(content, html):
    """Replace the summary Pelican stored on the object (content_object_init), as it stores it."""
    content._summary = html


def reads_body(content, attribute):
    """Does reading ``attribute`` of ``content`` read its body?"""
    if attribute in _BODY_ATTRIBUTES:
        return True
    return attribute in _SUMMARY_ATTRIBUTES and "summary" not in content.metadata


def freeze_url(content):
    """Compute ``content.url`` once: Pelican formats it from the URL setting on every access.

    ``override_url`` is the attribute Pelican's ``url`` property reads first
    (set from a ``url`` metadata key), so an explicit URL is kept.
    """
    if not hasattr(content, "override_url"):
        content.override_url = content.url


# --- Reading and Pelican's content cache -------------------------------------


def caches_reads(readers):
    """Does Pelican's reader cache keep what it reads (CACHE_CONTENT with the "reader" policy)?"""
    return bool(getattr(readers, "_cache_data_policy", False))


def _format(path):
    return os.path.splitext(path)[1][1:]


def reads_format(readers, path):
    """Has Pelican a reader for the file at ``path``?"""
    return _format(path) in readers.readers


def is_read_cached(readers, path):
    """Does Pelican's content cache hold the reading of ``path`` (its stamp matching the file)?"""
    return readers.get_cached_data(path, None) is not None


def read_as_cached(readers, path):
    """(HTML, metadata) of the file at ``path`` as Pelican's ``Readers.read_file`` puts them in its cache.

    Pelican drops the metadata it recomputes on every read with the private
    ``_filter_discardable_metadata`` before caching them; a reading made
    elsewhere (a forked worker) must be cached in the same form.
    """
    content, metadata = readers.readers[_format(path)].read(path)
    return content, _filter_discardable_metadata(metadata)


def cache_read(readers, path, data):
    """Put a reading made by :func:`read_as_cached` into Pelican's content cache."""
    readers.cache_data(path, data)


def reuse_file_stamps(generator, digests):
    """Stamp files with the MD5 ``digests`` already taken ({absolute path: digest}) where known.

    Pelican's content cache stamps each source file through a private
    ``_filestamp_func`` of the generator and of its readers, asking for the
    MD5 of every file more than once per build; files missing from
    ``digests`` are stamped by Pelican's own function. Applied once.
    """
    for cacher in (generator, getattr(generator, "readers", None)):
        stamp = getattr(cacher, "_filestamp_func", None)
        if stamp is not None and not getattr(stamp, "reuses", False):
            cacher._filestamp_func = _stamp_reusing(stamp, digests)


def _stamp_reusing(stamp, digests):
    def file_stamp(filename):
        found = digests.get(filename)
        return found if found is not None else stamp(filename)

    file_stamp.reuses = True
    return file_stamp


def wrap_run(pelican, wrapper):
    """Make ``pelican.run()`` call ``wrapper(run)``, ``run`` being Pelican's own bound method.

    Pelican has no signal before its generators start, nor one that says the
    build ended without errors; the whole run is wrapped instead.
    """
    pelican.run = functools.partial(wrapper, pelican.run)


# --- The writer ----------------------------------------------------------------


class WriterLeavingFiles(Writer):
    """Pelican's writer that can leave a page's file as it is inside a call it otherwise writes.

    Pelican renders and writes every page of a (paginated) call in one
    private loop and opens each file through the private ``_open_w``; a page
    whose render was skipped is then not opened (its file keeps its bytes and
    time) but still noted as written, so that a later write of the same file
    is refused as Pelican refuses it.
    """

    def leaves_alone(self, path):
        """Overridden: should the file at ``path`` be kept as it is?"""
        return False

    def _open_w(self, filename, encoding, override=False):
        if self.leaves_alone(filename):
            _note_written(self, filename, override)
            return io.StringIO()  # takes Pelican's write of "" (no file opened)
        return super()._open_w(filename, encoding, override=override)


def _note_written(writer, path, override):
    """Pelican's writer notes each file it writes (private sets) to refuse a second write of it."""
    if override:
        writer._overridden_files.add(path)
    writer._written_files.add(path)


def act_as_written(writer, pages, context, relative_urls, override_output, kwargs):
    """Do what ``Writer.write_file`` does for a call's ``pages`` (output files) except render and write them.

    Its bookkeeping of written files, the ``content_written`` signal (the
    sitemap lists the pages it is sent for) with each page's context as
    Pelican makes it (but for the pagination variables), and the
    ``localsiteurl`` it leaves in the shared context. False, doing nothing,
    when a page was already written in this build: Pelican's writer then
    decides what a second write does.
    """
    paths = [sanitised_join(writer.output_path, page) for page in pages]
    if not paths or any(path in writer._written_files or path in writer._overridden_files for path in paths):
        return False
    for page, path in zip(pages, paths):
        _note_written(writer, path, override_output)
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


@functools.lru_cache(maxsize=64)
def _root_url(depth):
    return path_to_url(get_relative_path("/".join(["folder"] * depth + ["page.html"])))


def _relative_url(page):
    """Pelican's relative URL of the site root from ``page`` (it depends on the page's depth alone)."""
    return _root_url(os.path.normpath(page).count(os.sep))


# --- Pelican's article generator -----------------------------------------------

# Pelican's methods that write one page per group (tag, topic, author), and
# the generator attribute holding their groups.
GROUP_WRITERS = {"generate_tags": "tags", "generate_categories": "categories", "generate_authors": "authors"}


def write_groups_one_at_a_time(generator, plan):
    """Make Pelican's tag, topic and author writers of ``generator`` write each group from a copy
    of the generator holding that group alone.

    Each of Pelican's methods picks a group's articles out of the generator's
    ``dates`` and reads its groups from one attribute: a copy holding one group
    and, as ``dates``, that group's articles runs Pelican's own code on a few
    articles. ``plan(dates, pairs)`` (``pairs``: (group, articles) in Pelican's
    order) gives, for each group to write, (group, articles, its dates), or
    None to let Pelican's method do all of it.
    """
    for name, attribute in GROUP_WRITERS.items():
        method = getattr(type(generator), name, None)
        if method is not None:
            setattr(generator, name, functools.partial(_write_groups, generator, method, attribute, plan))


def _write_groups(generator, method, attribute, plan, write):
    groups = getattr(generator, attribute)
    pairs = list(groups.items() if isinstance(groups, dict) else groups)
    planned = plan(generator.dates, pairs)
    if planned is None:
        method(generator, write)
        return
    for group, articles, dates in planned:
        alone = copy.copy(generator)
        setattr(alone, attribute, {group: articles} if isinstance(groups, dict) else [(group, articles)])
        alone.dates = dates
        method(alone, write)


def build_period_archives_in_parts(generator, parts):
    """Make the generator's private ``_build_period_archives`` build the archives of each part apart.

    Pelican's method picks each period's articles out of every article given;
    called on parts (a year's articles) it builds the same archives scanning
    one part per period. ``parts(sorted_articles, articles)`` gives the
    (sorted articles, articles) of each part in order, or None to call
    Pelican's method once on everything.
    """
    method = getattr(type(generator), "_build_period_archives", None)
    if method is not None:
        generator._build_period_archives = functools.partial(_period_archives_in_parts, generator, method, parts)


def _period_archives_in_parts(generator, method, parts, sorted_articles, articles, settings):
    planned = parts(sorted_articles, articles)
    if planned is None:
        return method(generator, sorted_articles, articles, settings)
    archives = collections.defaultdict(list)
    for part_sorted, part in planned:
        for granularity, found in method(generator, part_sorted, part, settings).items():
            archives[granularity].extend(found)
    return archives


# --- pelican-sitemap -------------------------------------------------------------


def _sitemap_module():
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return None
    return sitemap


def set_sitemap_clock(when):
    """pelican-sitemap stamps index pages with its module's import time (a global ``now`` of its
    generator module): set it, so that the sitemap is the same on every build."""
    sitemap = _sitemap_module()
    if sitemap is not None:
        sitemap.generator.now = when


def replace_sitemap_format_date(format_date):
    """Make pelican-sitemap format every page's date with ``format_date`` (its module global
    ``format_date``); return its own function, or None when it is not installed or already replaced."""
    sitemap = _sitemap_module()
    if sitemap is None or getattr(sitemap.format_date, "__module__", None) != sitemap.__name__:
        return None
    original, sitemap.format_date = sitemap.format_date, format_date
    return original



# --- Pelican's content cache and its static copies --------------------------------

# The files Pelican's FileDataCacher keeps in CACHE_PATH: one per caching
# generator class ("ArticlesGenerator") and one per generator's readers
# ("ArticlesGenerator-Readers"), named by the private ``cache_name`` each
# generator passes.
_CONTENT_CACHE_NAME = re.compile(r"\A\w+Generator(-Readers)?\Z")


def content_cache_files(settings):
    """The paths of Pelican's content cache files in CACHE_PATH (those that exist)."""
    folder = settings["CACHE_PATH"]
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(os.path.join(folder, name) for name in names if _CONTENT_CACHE_NAME.match(name))


def make_content_cache_safe(warn):
    """Pelican's content cache written atomically, and loaded as empty when damaged.

    Pelican pickles its cache straight into the file (a build killed while
    it writes leaves it truncated) and, loading it, catches OSError and
    PickleError only: a truncated file raises EOFError ("Ran out of input")
    and every later build fails until the file is deleted by hand. The
    class's ``save_cache`` becomes a write to a temporary file renamed over
    the cache; its ``__init__`` deletes a cache it cannot load, calls
    ``warn(path, error)`` and starts from an empty one. Applied once.
    """
    from pelican.cache import FileDataCacher

    if getattr(FileDataCacher, "_archivist_safe", False):
        return
    load, FileDataCacher._archivist_safe = FileDataCacher.__init__, True

    def init(self, settings, cache_name, caching_policy, load_policy):
        try:
            load(self, settings, cache_name, caching_policy, load_policy)
        except Exception as exc:  # noqa: BLE001 - any damage: an empty cache
            path = os.path.join(settings["CACHE_PATH"], cache_name)
            warn(path, exc)
            with contextlib.suppress(OSError):
                os.remove(path)
            load(self, settings, cache_name, caching_policy, load_policy)

    def save_cache(self):
        if not self._cache_data_policy:
            return
        path = os.path.abspath(self._cache_path)
        temporary = f"{path}.tmp{os.getpid()}"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with self._cache_open(temporary, "wb") as stream:
                pickle.dump(self._cache, stream)
            os.replace(temporary, path)
        except (OSError, pickle.PicklingError, TypeError) as err:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            logging.getLogger("pelican.cache").warning("Could not save cache %s\n ... %s", path, err)

    FileDataCacher.__init__ = init
    FileDataCacher.save_cache = save_cache


def theme_static_outputs(settings):
    """The output files (relative paths) Pelican's static generator copies from the theme.

    Mirrors ``StaticGenerator._copy_paths`` (with ``final_path`` ".", as
    Pelican calls it for THEME_STATIC_PATHS) and ``pelican.utils.copy``:
    a file lands in THEME_STATIC_DIR under its name, a folder's files under
    their path inside it, names matching IGNORE_FILES left out. Pelican
    copies and never deletes: these are what a clean build would hold.
    """
    ignores = settings.get("IGNORE_FILES") or []
    target = settings.get("THEME_STATIC_DIR", "theme")
    ignored = lambda name: any(fnmatch.fnmatch(name, pattern) for pattern in ignores)  # noqa: E731
    found = []
    for path in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = os.path.abspath(os.path.join(settings["THEME"], path))
        if ignored(os.path.basename(os.path.join(settings["THEME"], path))):
            continue
        if os.path.isfile(source):
            found.append(os.path.normpath(os.path.join(target, os.path.basename(path))))
        elif os.path.isdir(source):
            for folder, subdirs, files in os.walk(source, followlinks=True):
                subdirs[:] = [name for name in subdirs if not ignored(name)]
                inside = os.path.relpath(folder, source)
                found.extend(os.path.normpath(os.path.join(target, inside, name)) for name in files if not ignored(name))
    return sorted(set(found))


def static_outputs(context):
    """The output files (relative paths) of the static files Pelican copies from the content."""
    return sorted({item.save_as for item in context.get("staticfiles", ()) if getattr(item, "save_as", None)})


def exit_on_interrupt(run, message):
    """Run Pelican's ``run``; Ctrl-C prints ``message`` and exits 130.

    Pelican's command line catches KeyboardInterrupt, logs a warning and
    exits 0: an interrupted ``make site`` looked successful.
    """
    try:
        return run()
    except KeyboardInterrupt:
        sys.stderr.write(message + "\n")
        raise SystemExit(130) from None
