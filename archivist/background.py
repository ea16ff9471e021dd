"""Work that runs in a forked process while the build goes on.

Pelican builds on one core. Work that needs nothing more from the build once
it starts (the search index once the articles are read; the archive checks,
which read the source files themselves) runs in a forked child on another
core meanwhile. The child's result, what it logs and any error it meets come
back through a pipe and are returned, logged or raised in the build process
when the build waits for it, so that Pelican's --fatal option, its warning
count and its exit status see them as if the work had run in the build.
"""

import logging
import multiprocessing
import os
import traceback

from .errors import ArchivistError


class BackgroundError(ArchivistError):
    """The background work failed: the child's error, as ``path:line: <work> failed: message``.

    ``error_type`` is the qualified name of the child's exception class
    ("archivist.errors.InputError"); ``path`` and ``line`` are those of the
    child's error when it was an ArchivistError.
    """

    def __init__(self, message, path=None, line=None, error_type=None):
        super().__init__(message, path=path, line=line)
        self.error_type = error_type


def _described(exc):
    """What the build process needs of the child's exception: its type, message, path and line."""
    kind = type(exc)
    if isinstance(exc, ArchivistError):
        message, path, line = exc.message, exc.path, exc.line
    else:  # a bug rather than bad input: keep the type in the message, as a traceback's last line
        message, path, line = "".join(traceback.format_exception_only(kind, exc)).strip(), None, None
    return {"type": f"{kind.__module__}.{kind.__qualname__}", "message": message, "path": path, "line": line}


class _Capture(logging.Handler):
    """Keeps the child's log records as (logger name, level, message)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()))


def _child(work, connection):
    capture = _Capture()
    logging.getLogger().handlers[:] = [capture]  # the build process prints them
    error = result = None
    try:
        result = work()
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the build
        error = _described(exc)
        capture.records.append((__name__, logging.DEBUG, traceback.format_exc()))
    connection.send((capture.records, error, result))
    connection.close()


class Running:
    """Work running in a child process."""

    def __init__(self, process, connection, name):
        self.process = process
        self.connection = connection
        self.name = name

    def wait(self):
        """Wait for the child; log its records here; return its result or raise BackgroundError."""
        try:
            records, error, result = self.connection.recv()
        except EOFError:
            records, error, result = [], None, None
        finally:
            self.connection.close()
        self.process.join()
        if error is None and self.process.exitcode != 0:
            error = {"type": None, "path": None, "line": None,
                     "message": f"the background process ended with exit code {self.process.exitcode}"}
        for name, level, message in records:
            logging.getLogger(name).log(level, "%s", message)
        if error is not None:
            raise BackgroundError(f"{self.name} failed: {error['message']}", path=error["path"],
                                  line=error["line"], error_type=error["type"])
        return result


class Done:
    """Work that already ran in this process."""

    def __init__(self, result):
        self.result = result

    def wait(self):
        return self.result


def usable_cpus():
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork():
    """Whether work can go to a forked process on a CPU of its own."""
    return "fork" in multiprocessing.get_all_start_methods() and usable_cpus() > 1


def start(work, parallel=True, name="background work"):
    """Run ``work()`` in a forked child when ``parallel`` and possible, else here and now.

    Returns an object whose ``wait()`` returns the work's result (pickled
    across) once it is done, or raises BackgroundError if it failed; the
    inline case raises at once.
    """
    if not (parallel and can_fork()):
        return Done(work())
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, send), name=name)
    process.start()
    send.close()
    return Running(process, receive, name)
