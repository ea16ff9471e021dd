"""The error hierarchy of the library; the CLI turns these into one-line messages."""


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
        return f"{where}{self.message}"


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
