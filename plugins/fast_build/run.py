"""The wrapped run of Pelican: one build at a time, caches that cannot hurt, an honest exit.

Pelican has no signal before its generators start nor one saying a build
ended without errors, so ``pelican.run`` is wrapped (through
``pelican_compat.wrap_run``). Around Pelican's run it

- takes the output folder's lock (``lock``): two builds never interleave;
- digests every input, and skips the run when they and the output folder
  are as the last successful build left them (``uptodate``);
- keys Pelican's content cache on the settings: a changed setting (a
  Markdown extension, a URL pattern: the cache holds Tag objects made with
  the old one) drops it, since the cache cannot prove the change harmless;
- turns Ctrl-C into exit status 130 and a line saying the next build
  repairs the output (Pelican exits 0);
- after the run, compares the inputs' sizes and times with those taken
  before: a file edited while Pelican read it may sit in the content cache
  under the stamp of its other version, so the cache is dropped and the
  build is not stamped; the next build reads everything again.
"""

import logging
import os

from pelican.log import console

from archivist import build_cache, pelican_compat

from . import uptodate
from .digests import settings_digest
from .lock import OutputLock, OutputLocked
from .manifest import RULES
from .uptodate import Noticed

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted: output may be incomplete; the next build repairs it"


def _damaged_cache(path, error):
    log.warning("%s: damaged (%s: %s), read as empty: the build reads every file again",
                path, type(error).__name__, error)


def drop_content_cache(settings):
    for path in pelican_compat.content_cache_files(settings):
        os.remove(path)


def key_content_cache(settings, digest_of_settings):
    """Drop Pelican's content cache unless it was made under the same settings."""
    path = os.path.join(settings["CACHE_PATH"], "fast_build-content-settings.pickle")
    if build_cache.load(path, RULES) != digest_of_settings:
        if pelican_compat.content_cache_files(settings):
            log.info("fast_build: settings changed: Pelican's content cache is read again")
        drop_content_cache(settings)
        build_cache.save(path, RULES, digest_of_settings)


def guard_runs(pelican, options, job, skip_unchanged):
    """Wrap ``pelican.run`` as the module says; ``skip_unchanged``: skip up-to-date builds."""
    settings = pelican.settings
    plugin_modules = list(getattr(pelican, "plugins", []))
    pelican_compat.make_content_cache_safe(_damaged_cache)

    def run_once(run):
        digest_of_settings = settings_digest(settings)
        listed = uptodate.inputs_listing(settings, plugin_modules, options)  # before the bytes: a later edit shows
        digests = {}
        before = uptodate.inputs_digest(settings, plugin_modules, options, digest_of_settings, digests)
        if skip_unchanged and uptodate.up_to_date(settings, before):
            # Printed like Pelican's own "Done: ..." line, which a skipped run never reaches.
            console.print(f"Done: nothing changed since the last build, {settings['OUTPUT_PATH']} is up to date.")
            return
        uptodate.forget_stamp(settings)
        key_content_cache(settings, digest_of_settings)
        noticed = Noticed()
        logging.getLogger().addHandler(noticed)
        if settings.get("CHECK_MODIFIED_METHOD") == "md5":
            job.file_stamps = digests
        try:
            run()
        finally:
            job.file_stamps = None
            logging.getLogger().removeHandler(noticed)
        if uptodate.inputs_listing(settings, plugin_modules, options) != listed:
            log.warning("fast_build: an input changed while the build ran: the next build reads every file again")
            drop_content_cache(settings)
        elif skip_unchanged and not noticed.seen:
            uptodate.stamp(settings, before)

    def guarded(run):
        lock = OutputLock(settings["OUTPUT_PATH"])
        try:
            lock.acquire()
        except OutputLocked as exc:
            raise SystemExit(str(exc)) from None
        try:
            return pelican_compat.exit_on_interrupt(lambda: run_once(run), INTERRUPTED)
        finally:
            lock.release()

    pelican_compat.wrap_run(pelican, guarded)
