"""Up-to-date builds: a build whose inputs did not change is skipped (``run`` decides).

A build with no change still costs Pelican's whole cached pass (reading the
cache, every generator, every page context). When the inputs are the same
bytes as at the last successful build (the content folder, theme, plugins,
the FAST_BUILD ``inputs``, the settings, the installed packages) and the
output folder is exactly as that build left it, running again could only
write the same files: the run is skipped.
"""

import hashlib
import logging
import os
import sys

from archivist import build_cache

from .digests import FORMAT, code_folders, hash_parts, settings_digest
from .manifest import RULES, output_cache_path


class Noticed(logging.Handler):
    """Notes whether anything logged a warning or an error."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record):
        self.seen = True


def tree_digest(root, skip=(), digests=None):
    """A digest of the names and bytes of every file under ``root`` (a file or folder).

    Folders in ``skip`` (real paths) are left out: an output or cache folder
    kept inside the content folder is not an input. Each file's bytes are
    digested with MD5, the digest Pelican's content cache stamps files with
    (CHECK_MODIFIED_METHOD = "md5"); with ``digests`` (a dict) each is kept
    there under the file's absolute path below ``root`` as given, for
    ``pelican_compat.reuse_file_stamps``.
    """
    given = os.path.abspath(root)
    root = os.path.realpath(root)
    if os.path.isfile(root):
        return hash_parts("file", _file_md5(root, given, digests))
    found = []
    skipped = {os.path.realpath(path) for path in skip}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and os.path.join(folder, d) not in skipped)
        # One os.path.relpath per folder, not one per file.
        relative = "" if folder == root else os.path.relpath(folder, root)
        for name in sorted(files):
            inside = os.path.join(relative, name) if relative else name
            found.append((inside, _file_md5(os.path.join(folder, name), os.path.join(given, inside), digests)))
    return hash_parts("tree", *found)


def _file_md5(path, key, digests):
    with open(path, "rb") as handle:
        digest = hashlib.md5(handle.read(), usedforsecurity=False).digest()
    if digests is not None:
        digests[key] = digest
    return digest



def _input_roots(settings, plugin_modules, options):
    """The files and folders a build reads, with the folders to leave out of each."""
    theme_dirs, plugin_dirs = code_folders(settings, plugin_modules)
    not_content = (settings["OUTPUT_PATH"], settings["CACHE_PATH"])
    return [(settings["PATH"], not_content), *((folder, ()) for folder in theme_dirs),
            *((folder, ()) for folder in plugin_dirs), *((path, ()) for path in options["inputs"])]


def inputs_listing(settings, plugin_modules, options):
    """The size and time of every input file: did anything change while the build ran?

    Compared before and after a run, much cheaper than digesting the
    inputs' bytes again.
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
    which is what an upgrade changes, without reading every METADATA file
    through importlib.metadata.
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


def inputs_digest(settings, plugin_modules, options, digest_of_settings, digests=None):
    """Everything a build reads, as one digest: code, packages, settings, theme, content.

    ``digest_of_settings`` is taken before the build: Pelican's readers add
    their defaults to the settings while it runs. ``digests``: see
    :func:`tree_digest`.
    """
    return hash_parts(
        FORMAT, sys.version_info[:3], installed_packages(), digest_of_settings,
        *(tree_digest(path, skip=skip, digests=digests) if os.path.exists(path) else hash_parts("missing", path)
          for path, skip in _input_roots(settings, plugin_modules, options)),
    )


def output_listing(output_path, skip=()):
    """{relative path: (size, mtime_ns)} of every file in the output folder, as os.walk finds them.

    One os.scandir per folder, and relative paths made by joining names
    (os.walk with os.path.relpath per file took three times as long).
    Symbolic links to folders
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
    return output_cache_path(settings, "fast_build-stamp.pickle")


def load_stamp(path):
    """(inputs digest, output listing) of the last successful build, or (None, None)."""
    data = build_cache.load(path, RULES)
    if not isinstance(data, dict):
        data = {}
    return data.get("inputs"), data.get("outputs")


def save_stamp(path, inputs, outputs):
    build_cache.save(path, RULES, {"inputs": inputs, "outputs": outputs})


def up_to_date(settings, inputs):
    """Is the output folder as the last successful build left it, from the same ``inputs`` digest?"""
    old_inputs, old_outputs = load_stamp(stamp_path(settings))
    return old_inputs == inputs and old_outputs == output_listing(settings["OUTPUT_PATH"])


def forget_stamp(settings):
    """A build is starting: until it succeeds, the output folder is not up to date."""
    try:
        os.remove(stamp_path(settings))
    except FileNotFoundError:
        pass


def stamp(settings, inputs):
    """The build succeeded: its inputs digest and the output folder it left."""
    save_stamp(stamp_path(settings), inputs, output_listing(settings["OUTPUT_PATH"]))
