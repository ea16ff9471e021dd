"""Writing generated files so that a rebuild leaves unchanged ones untouched."""

import os


def write_if_changed(path, data):
    """Write the bytes ``data`` to ``path`` unless it already holds them; return True if written.

    An untouched file keeps its time, so tools that compare times (rsync, the
    up-to-date check of fast_build) see no change. Missing folders are made.
    """
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data:
                return False
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    return True


def remove_unlisted(root, previous, current):
    """Delete the files of ``previous`` (paths relative to ``root``) not in ``current``; return them.

    For generators that keep their own list of what they wrote: files of an
    article or topic that is gone do not outlive it.
    """
    removed = []
    for relative in sorted(set(previous) - set(current)):
        path = os.path.join(root, relative)
        if os.path.isfile(path):
            os.remove(path)
            removed.append(relative)
    return removed
