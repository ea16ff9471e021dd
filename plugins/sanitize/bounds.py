"""Bounded reading: no source file makes the build hang, fill memory or leave content/.

Pelican follows symbolic links when it lists the content, hashes each file
whole for its cache and parses front matter with aliases expanded;
fast_build digests every content file and archive_guard's checks read every
article. So before any of that, on ``initialized`` (Pelican's signals call
receivers in the order they were connected, and ``sanitize`` comes before
those plugins in PLUGINS), the content folder is walked without following
links and each file is stat-ed; then every reader reads through
``frontmatter.read_source`` and refuses YAML aliases.
"""

import fnmatch
import os
import re
import stat
import sys

from archivist import checks, frontmatter
from archivist.errors import ArchivistError, FrontMatterError


class UnreadableSourceError(ArchivistError):
    """A content file that the build must not read: it would hang, fill memory or leave content/."""

    exitcode = 1


def source_problems(root, sized_folders, ignores, max_bytes):
    """``(path, message)`` for each file under ``root`` the build must not read, sorted.

    Links are not followed: a link to a place outside ``root``, or to a
    folder (Pelican would walk into it, loops included), is refused; so is
    anything but a regular file (a FIFO blocks whoever opens it), and a
    file over ``max_bytes`` inside one of ``sized_folders`` (the article and
    page folders: other files may be large images). Names matching
    ``ignores`` (IGNORE_FILES) are skipped, as Pelican skips them.
    """
    inside = os.path.realpath(root) + os.sep
    sized = tuple(os.path.join(os.path.realpath(folder), "") for folder in sized_folders)
    ignored = re.compile("|".join(fnmatch.translate(pattern) for pattern in ignores) or "(?!)").match
    problems = []
    folders = [(root, os.path.join(os.path.realpath(root), "").startswith(sized))]
    while folders:
        folder, limited = folders.pop()
        # scandir: the kind of each entry comes with the listing; one stat per file for its size.
        with os.scandir(folder) as entries:
            for entry in entries:
                if ignored(entry.name):
                    continue
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not target.startswith(inside):
                        problems.append((entry.path, f"is a symbolic link to {target}, outside the content "
                                                     "folder: the build does not follow it; copy the file in instead"))
                        continue
                    if os.path.isdir(entry.path):
                        problems.append((entry.path, "is a symbolic link to a folder: the build does not follow "
                                                     "it; move the folder here instead"))
                        continue
                elif entry.is_dir():
                    path = os.path.join(os.path.realpath(folder), entry.name, "")
                    folders.append((entry.path, limited or path.startswith(sized)))
                    continue
                try:
                    info = entry.stat()
                except OSError as exc:
                    problems.append((entry.path, f"cannot be read: {exc.strerror}"))
                    continue
                if not stat.S_ISREG(info.st_mode):
                    problems.append((entry.path, f"is not a regular file ({frontmatter.file_kind(info.st_mode)}): "
                                                 "the build reads only regular files; remove it"))
                elif info.st_size > max_bytes and (limited or os.path.realpath(entry.path).startswith(sized)):
                    problems.append((entry.path, frontmatter.too_large(info.st_size, max_bytes)))
    return sorted(problems)


def refuse_unreadable_sources(pelican):
    """initialized: stop the build, naming each content file it must not read.

    ``initialized`` comes before anything reads the content: fast_build's
    digest of the inputs, the archive checks, Pelican's readers.
    """
    settings = pelican.settings
    root = settings["PATH"]
    folders = [os.path.join(root, folder) for key in ("ARTICLE_PATHS", "PAGE_PATHS")
               for folder in settings.get(key) or [""]]
    problems = source_problems(root, folders, settings.get("IGNORE_FILES", ()),
                               checks.options(settings)["max_bytes"])
    if not problems:
        return
    # The original stream: Pelican's rich console would wrap long paths.
    stream = sys.__stderr__ or sys.stderr
    stream.write("".join(f"{checks.display_path(path)}:1: error: {message}\n" for path, message in problems))
    stream.flush()
    raise UnreadableSourceError(
        f"the build stopped: {len(problems)} content file(s) it must not read (listed above, "
        "as path:line: error: ...). Fix them, then build again."
    )


def bound_readers(readers):
    """readers_init: every reader reads its file within the size limit and refuses YAML aliases.

    Connected after pelican-yaml-metadata's receiver (PLUGINS order), so its
    reader is the one wrapped.
    """
    for extension, reader_class in list(readers.reader_classes.items()):
        if reader_class is not None and not getattr(reader_class, "_bounded", False):
            readers.reader_classes[extension] = _bounded(reader_class)


def _bounded(reader_class):
    def read(self, source_path):
        shown = checks.display_path(source_path)
        try:
            data = frontmatter.read_source(source_path, checks.options(self.settings)["max_bytes"])
            text = data.decode("utf-8-sig", errors="replace")
            if frontmatter.HEADER_RE.match(text):
                # Anchors and invalid YAML stop here with one line, before pelican-yaml-metadata
                # logs its parser's traceback (some 280 lines) for the same file.
                frontmatter.parse(text, shown)
        except FrontMatterError as exc:
            # One line on the original stream, and the build stops: raised to Pelican, the error
            # came back with its traceback (--fatal errors).
            stream = sys.__stderr__ or sys.stderr
            stream.write(f"{shown}:{exc.line or 1}: error: {exc.message}\n")
            stream.flush()
            raise SystemExit(1) from None
        return reader_class.read(self, source_path)

    return type(reader_class.__name__, (reader_class,), {"read": read, "_bounded": True,
                                                         "__doc__": reader_class.__doc__})
