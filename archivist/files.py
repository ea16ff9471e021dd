"""Writing generated files so that a rebuild leaves unchanged ones untouched."""

import os


def write_if_changed(path, data):
    """Write the bytes ``data`` to ``path`` unless it already holds them; return True if written.

    An untouched file keeps its time, so tools that compare times (rsync, the
    up-to-date check of fast_build) see no change. Missing folders are made.
    """
    try:
        stream = open(path, "r+b")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        return True
    with stream:
        if os.fstat(stream.fileno()).st_size == len(data) and stream.read() == data:
            return False
        # Overwritten, then cut to length: opening to write first truncates to nothing, and ext4
        # then flushes the file when it is closed (auto_da_alloc), several times slower (0.3 ms
        # a file against 0.06 ms, docs/search.md), and a rebuild rewrites thousands of shards.
        stream.seek(0)
        stream.write(data)
        stream.truncate()
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
