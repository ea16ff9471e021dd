"""What the last build wrote, kept in Pelican's cache folder between builds.

For each output file, the ``Record`` of what its page read; for each call of
Pelican's writer, its key and pages; for each article and page, the digests
of its values and body. Saved through ``archivist.build_cache`` (atomic: a
crash leaves the old file or the new one); a missing, damaged or older
manifest is an empty one, and every page is rendered.
"""

import collections
import os

from pelican.utils import clean_output_dir

from archivist import build_cache

from .digests import FORMAT, hash_parts

# One output file of the last build: the template that rendered it (None: not
# a template's page, never reused), the names it read, the source paths of
# the bodies it read, the numbers (positions in Manifest.contents, as the bytes
# of an array of unsigned ints) of the articles and pages whose other values
# its values show, the reference digests of the names it
# took from the shared context or the template globals (None: never reused),
# and the file's size and time as written.
Record = collections.namedtuple("Record", "template names bodies sources shape size mtime_ns")

# What the last build left: its site fingerprint, its pages ({output file:
# Record}), its calls of the writer ({first output file: (call key, output
# files)}), the state of each article and page ({source path: (digest of
# its values, digest of its body)}, in source path order: a Record's sources
# are positions in that order) and the files Pelican copied (theme and
# content static files: a frozenset of output files).
Manifest = collections.namedtuple("Manifest", "fingerprint pages calls contents copied")
NO_MANIFEST = Manifest(None, {}, {}, {}, frozenset())

# What is kept between builds is trusted only under the same FORMAT.
RULES = ("fast_build", FORMAT)


def output_cache_path(settings, file_name):
    """A file of CACHE_PATH that belongs to one output folder: ``file_name`` with the folder's hash."""
    output = os.path.realpath(settings["OUTPUT_PATH"])
    stem, ext = os.path.splitext(file_name)
    return os.path.join(settings["CACHE_PATH"], f"{stem}-{hash_parts(output).hex()[:12]}{ext}")


def manifest_path(settings, options):
    """Where the manifest of an output folder is kept: CACHE_PATH, one file per output folder."""
    return output_cache_path(settings, options["manifest"])


def load_manifest(path):
    """The Manifest of the last build, or NO_MANIFEST if absent, unreadable or of another FORMAT."""
    data = build_cache.load(path, RULES)
    try:
        return Manifest(data["fingerprint"], {page: Record(*record) for page, record in data["pages"].items()},
                        dict(data["calls"]), dict(data["contents"]), frozenset(data["copied"]))
    except (KeyError, TypeError, AttributeError, ValueError):
        return NO_MANIFEST


def save_manifest(path, manifest):
    build_cache.save(path, RULES, {
        "fingerprint": manifest.fingerprint,
        "pages": {page: tuple(record) for page, record in sorted(manifest.pages.items())},
        "calls": manifest.calls, "contents": manifest.contents, "copied": sorted(manifest.copied),
    })


def file_matches(path, record):
    """Is the file at ``path`` still the one the recorded build wrote?"""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return stat.st_size == record.size and stat.st_mtime_ns == record.mtime_ns


def remove_stale(output_path, previous, current):
    """Delete the files of ``previous`` (output files a build wrote) not in ``current``; return them.

    ``previous`` is what the last finished build wrote and what builds since
    (failed or killed) noted in the journal; ``current`` is everything this
    build wrote or left in place. A generated file no source produces any
    more goes, even if changed by hand: a clean build would not hold it.
    """
    removed = []
    root = os.path.realpath(output_path)
    for page in sorted(set(previous) - set(current)):
        path = os.path.join(output_path, page)
        if not os.path.realpath(path).startswith(root + os.sep) or not os.path.isfile(path):
            continue
        os.remove(path)
        removed.append(page)
        folder = os.path.dirname(path)
        while os.path.realpath(folder) != root and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
    return removed


def clear_output(settings):
    """Empty the output folder as Pelican's DELETE_OUTPUT_DIRECTORY does (keeping OUTPUT_RETENTION).

    For a build with no manifest (the first, or after the cache was deleted
    or damaged): what the folder holds cannot be told apart from what the
    sources produce, and a clean build starts from an empty folder. Refused
    (False) when the folder holds the content, the theme or the cache.
    """
    output = os.path.realpath(settings["OUTPUT_PATH"])
    if not os.path.isdir(output) or not os.listdir(output):
        return True
    for inside in (settings["PATH"], settings["THEME"], settings["CACHE_PATH"], os.curdir):
        if os.path.commonpath([output, os.path.realpath(inside)]) == output:
            return False
    clean_output_dir(output, settings.get("OUTPUT_RETENTION", []))
    return True
