"""Parallel reading: articles missing from Pelican's content cache are read on every core.

Pelican reads (Markdown to HTML) each article the content cache does not
hold, one after the other, when its generator asks. Before it asks, the
uncached files are read by a pool of forked processes and put into the
cache, where Pelican then finds them. A file whose reading failed or logged
anything is left out: the build process reads it again and reports it.

Settings: FAST_BUILD "processes" (0: one per usable CPU; 1: read in the
build process only) and "parallel_min" (fewer uncached articles than this
are read in the build process).
"""

import logging
import multiprocessing
import os
import sys

from archivist import background, pelican_compat

from .uptodate import Noticed

# Pelican's readers, set in each forked worker by its pool's initializer.
_worker_readers = None


def _start_worker(readers):
    global _worker_readers
    _worker_readers = readers
    # Readers that refuse a file print their one line to the original stream: the build prints it.
    sys.__stderr__ = open(os.devnull, "w")  # noqa: SIM115 - for the worker's life


def _read_in_worker(path):
    """Read one file in a worker; None if it logged anything or failed (re-read in the build)."""
    noticed = Noticed()
    root = logging.getLogger()
    root.handlers[:] = [noticed]  # the worker prints nothing: the build re-reads and reports
    try:
        result = pelican_compat.read_as_cached(_worker_readers, path)
    except (Exception, SystemExit):  # noqa: BLE001 - reported by the build process when it reads the file again
        return path, None
    return path, None if noticed.seen else result


def uncached_sources(generator):
    """Absolute paths of the generator's articles that the content cache does not hold."""
    readers = generator.readers
    if not pelican_compat.caches_reads(readers):
        return []
    found = []
    for relative in sorted(generator.get_files(generator.settings["ARTICLE_PATHS"],
                                               exclude=generator.settings["ARTICLE_EXCLUDES"])):
        path = os.path.abspath(os.path.join(generator.path, relative))
        if pelican_compat.reads_format(readers, path) and not pelican_compat.is_read_cached(readers, path):
            found.append(path)
    return found


def read_in_parallel(generator, options):
    """Fill the reader cache of ``generator`` using a pool of forked processes; return the count."""
    processes = options["processes"] or background.usable_cpus()
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    paths = uncached_sources(generator)
    if len(paths) < options["parallel_min"]:
        return 0
    # Forked, the workers get Pelican's readers without pickling them.
    with multiprocessing.get_context("fork").Pool(processes, initializer=_start_worker,
                                                  initargs=(generator.readers,)) as pool:
        results = pool.map(_read_in_worker, paths, chunksize=max(1, len(paths) // (processes * 8)))
    done = 0
    for path, data in results:
        if data is not None:
            pelican_compat.cache_read(generator.readers, path, data)
            done += 1
    return done
