"""The build journal: every output file a build may write, noted before it is written.

A build that fails or is killed after writing pages leaves files that its
manifest (saved only at a build's end) does not name. Each output file is
noted in the journal before it is opened, so that the next build that
finishes removes what the unfinished ones wrote and the sources no longer
produce. The journal of a build that finishes is deleted once its manifest
is saved; an unfinished one's lines carry over to the next build.
"""

import os


class Journal:
    def __init__(self, path):
        self.path = path
        self._fd = None

    def unfinished(self):
        """The output files noted by builds that did not finish (a set of relative paths)."""
        try:
            with open(self.path, "rb") as stream:
                data = stream.read()
        except OSError:
            return set()
        return {line.decode("utf-8", "surrogateescape") for line in data.split(b"\n") if line}

    def note(self, *pages):
        """Note output files (relative paths) before they are written."""
        if self._fd is None:
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        os.write(self._fd, "".join(f"{page}\n" for page in pages).encode("utf-8", "surrogateescape"))

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def finish(self):
        """The build finished and its manifest is saved: nothing is left unaccounted for."""
        self.close()
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass
