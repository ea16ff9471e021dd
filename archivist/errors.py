"""The error hierarchy of the library; the CLI turns these into one-line messages.

``log_line`` is the one place a message is made safe for a log: every
message that can reach a CI log (``archivist check``, the build's guard,
``archivist import``) goes through it.
"""

import errno
import re

# Line breaks of any kind, other control characters, lone surrogates (which
# cannot be printed as UTF-8), and a colon followed by a colon: GitHub Actions
# reads a line starting with "::" as a workflow command (::error, ::add-mask).
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|:(?=:)")
_NAMED = {"\n": "\\n", "\r": "\\r", ":": ":\\"}


def log_line(text):
    """``text`` as one line that no log reader takes for a command.

    Line breaks become ``\\n``/``\\r``, other control characters and lone
    surrogates ``\\xNN``/``\\uNNNN``, and every "::" becomes ":\\:".
    """
    def escape(match):
        char = match.group(0)
        if char in _NAMED:
            return _NAMED[char]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _UNSAFE.sub(escape, str(text))



class ArchivistError(Exception):
    """A problem with the user's input, reported as ``path:line: message``."""

    def __init__(self, message, path=None, line=None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self):
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return log_line(f"{where}{self.message}")


class SettingsError(ArchivistError):
    """The settings file is missing or lacks what the command needs."""


class PluginSettingsError(SettingsError, ValueError):
    """A plugin's namespaced setting (SEARCH, FAST_BUILD, ...) has a bad key or value.

    Also a ValueError, as Pelican's own settings errors are.
    """


class FrontMatterError(ArchivistError):
    """An article's YAML front matter is missing or does not parse."""


class InputError(ArchivistError):
    """An input file cannot be read, decoded or parsed."""


# What to do about a file that could not be written, by errno.
_WRITE_FIXES = {
    errno.ENOSPC: "the disk is full: free some space, then run again",
    errno.EDQUOT: "the disk quota is used up: free some space, then run again",
    errno.EACCES: "permission denied: check that you may write to that folder",
    errno.EPERM: "permission denied: check that you may write to that folder",
    errno.EROFS: "the file system is read-only: write somewhere else",
}


def write_error(exc, path=None):
    """An ArchivistError for an OSError met while writing: one line naming the file and the fix."""
    where = path or exc.filename or ""
    fix = _WRITE_FIXES.get(exc.errno, f"{exc.strerror or exc}: check the folder and run again")
    return ArchivistError(f"cannot write here: {fix}", path=where or None)
