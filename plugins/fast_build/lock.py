"""One build at a time per output folder: a lock file beside the folder.

Two builds writing one folder at once (``make site`` while ``make publish``
deletes the output folder) leave a mix of both, or a half-deleted folder
that the next build takes for up to date. The lock is ``.<folder>.lock``
next to the output folder (inside it, Pelican's DELETE_OUTPUT_DIRECTORY
would delete it), holding the pid of the build. It is held with
``flock``, which the system releases when the holder dies: a lock left by
a killed build is taken over, never waited for.
"""

import fcntl
import os

from archivist.errors import ArchivistError


class OutputLocked(ArchivistError):
    """Another build is writing the output folder."""


def lock_path(output_path):
    folder = os.path.abspath(output_path)
    return os.path.join(os.path.dirname(folder), f".{os.path.basename(folder)}.lock")


def _holder(fd):
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return int(os.read(fd, 32).split()[0])
    except (OSError, ValueError, IndexError):
        return None


class OutputLock:
    """The lock of one output folder, taken by :meth:`acquire`, given back by :meth:`release`."""

    def __init__(self, output_path):
        self.output_path = output_path
        self.path = lock_path(output_path)
        self._fd = None

    def acquire(self):
        """Take the lock, or raise OutputLocked naming the holder's pid and what to do."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                who = f"pid {holder}" if holder is not None else "another process"
                raise OutputLocked(
                    f"{self.path}: error: another build ({who}) is writing {self.output_path}/; "
                    f"wait for it or remove the stale lock {self.path}") from None
            # A holder that released it may have deleted the file we opened: lock the one at the path.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self):
        if self._fd is None:
            return
        try:
            os.remove(self.path)  # while still held: the next build locks a new file
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None
