"""fast_build's signal receivers (connected in ``__init__``) and the Job they share.

Pelican's signals carry a generator, a path or the Pelican object, never a
plugin's state: the receivers find it in ``_job``, the one module global,
made at ``initialized`` for each Pelican object. Everything below the
receivers is given the state explicitly: the writer class and the templates'
recorder are made for one build, the forked readers get Pelican's readers
from their pool.
"""

import logging

from archivist import pelican_compat

from . import collector, reading, recording, run, writer
from .digests import site_fingerprint
from .options import merge_settings
from .state import BuildState
from .template_cache import keep_compiled_templates

log = logging.getLogger(__name__)


class Job:
    """fast_build for one Pelican object: its options and the state of the build running.

    ``pelican --autoreload`` runs several builds with one Pelican object;
    each gets its own :class:`BuildState`, made at its first signal.
    """

    def __init__(self, pelican, options):
        self.pelican = pelican
        self.options = options
        self.state = None  # the BuildState of the build running
        # The MD5 of each input file taken by the up-to-date check ({absolute
        # path: digest}) while the build it was taken for runs.
        self.file_stamps = None

    def current(self):
        """The BuildState of the running build, made at its first call."""
        if self.state is None:
            if self.options["gc_freeze"]:
                collector.free_earlier_builds()
            self.state = BuildState(self.pelican.settings, self.options, getattr(self.pelican, "plugins", []))
            self.settle()
        return self.state

    def settle(self):
        if self.state is not None and self.options["gc_freeze"]:
            collector.settle()


_job = None  # the Job of the Pelican object being built (None: FAST_BUILD disabled)


def _running():
    return _job.state if _job is not None else None


def start(pelican):
    """initialized: check Pelican's version, read FAST_BUILD (once per Pelican object)."""
    global _job
    pelican_compat.stop_unless_written_for(("pelican",))
    options = merge_settings(pelican.settings.get("FAST_BUILD"))
    _job = Job(pelican, options) if options["enabled"] else None
    # Never skipped: a build asked to start from an empty output folder, and
    # one that dates articles by file times (the digests see bytes only).
    settings = pelican.settings
    if _job is not None:
        run.guard_runs(pelican, options, _job, options["skip_unchanged_builds"]
                       and not settings.get("DELETE_OUTPUT_DIRECTORY") and settings.get("DEFAULT_DATE") != "fs")


def track_generator(generator):
    """generator_init (the first signal of each build): record what templates read."""
    if _job is None:
        return
    state = _job.current()
    recording.record(generator.env, state.recorder)
    state.context = generator.context
    if _job.options["template_cache"]:
        keep_compiled_templates(generator.env, generator.settings)


def settle(sender=None):
    """article_generator_init (Pelican's content cache is loaded), article_generator_finalized:
    exempt the objects made so far from the cycle collector until the build ends."""
    if _job is not None:
        _job.settle()


def reuse_file_stamps(generator):
    """article_generator_init, page_generator_init: Pelican's content cache stamps files with the
    MD5 digests the up-to-date check has just taken, instead of reading every file again."""
    if _job is not None and _job.file_stamps:
        pelican_compat.reuse_file_stamps(generator, _job.file_stamps)


def preread_articles(generator):
    """article_generator_init: read uncached articles on every core before Pelican asks."""
    state = _running()
    if state is not None and state.options["processes"] != 1:
        count = reading.read_in_parallel(generator, state.options)
        if count:
            log.info("fast_build: %d articles read in parallel", count)


def writer_class(pelican):
    """get_writer: every generator content is known; fix the site fingerprint."""
    state = _running()
    if state is None:
        return None
    state.fingerprint = site_fingerprint(pelican.settings, state.context or {}, state.plugin_modules)
    state.copies(state.context or {})
    if state.fingerprint != state.last.fingerprint and state.last.pages:
        log.info("fast_build: theme, plugins, settings or metadata changed: rendering every page")
    _job.settle()  # the last manifest, loaded by now
    return writer.writer_for(state)


def content_written(path, context=None):
    state = _running()
    if state is not None:
        state.written(path)


def finish(pelican):
    """finalized: delete what the last build wrote and this one did not, save the manifest."""
    state = _running()
    if state is None:
        return
    rendered, skipped, removed = state.finish()
    log.info("fast_build: %d pages rendered, %d unchanged, %d stale removed", rendered, skipped, len(removed))
    _job.state = None
    if _job.options["gc_freeze"]:
        # Else the interpreter's last collection walks and frees the build's objects after "Done".
        collector.settle()
