"""Results kept between builds in the cache folder, trusted only under the same rules.

A rebuild after one edit should redo the work of one article. The plugins
keep what they computed per article (word counts, body texts, the checks of
one file) in pickles under Pelican's ``CACHE_PATH``. Each pickle is saved with
its *rules*: a digest of everything besides the article that the results
depend on (the code that made them, Python's version, settings). A cache
made under other rules, or a missing or damaged one, is never an error, only
a slower build.

``save`` is the project's one way to keep a file between builds: a pickle
written to a temporary file and renamed over the old one.
"""

import hashlib
import logging
import os
import pickle
import sys

log = logging.getLogger(__name__)


def code_rules(*sources, extra=()):
    """A digest of Python's version, the bytes of the ``sources`` files and ``repr`` of ``extra``.

    None when a source cannot be read: then nothing is cached.
    """
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(sys.version.encode("utf-8"))
    try:
        for path in sources:
            with open(path, "rb") as source:
                hasher.update(source.read())
    except OSError:
        return None
    for value in extra:
        hasher.update(b"\x1f" + repr(value).encode("utf-8", "surrogatepass"))
    return hasher.digest()


def load(path, rules):
    """The data saved at ``path`` under the same ``rules``; None for anything else.

    A file that cannot be unpickled (cut short by a crash of something that
    wrote it in place, or by hand) logs one warning and is read as empty.
    """
    if rules is None:
        return None
    try:
        with open(path, "rb") as stream:
            saved = pickle.load(stream)
        if isinstance(saved, dict) and saved.get("rules") == rules:
            return saved["data"]
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - any damage (a truncated file): compute again
        log.warning("%s: damaged (%s: %s), read as empty: computed again", path, type(exc).__name__, exc)
    return None


def save(path, rules, data):
    """Pickle ``data`` with its ``rules`` atomically: a crash leaves the old file or the new one.

    Nothing is saved under rules None (a source was unreadable).
    """
    if rules is None:
        return
    path = os.path.abspath(path)  # "site/../cache" opens only once "site" exists: resolve it
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "wb") as stream:
        pickle.dump({"rules": rules, "data": data}, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)
