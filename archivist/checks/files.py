"""Checking files: one article against an index, or many files against the archive, with a cache."""

import array
import dataclasses
import glob
import hashlib
import os

from .. import build_cache, frontmatter, slugs
from .index import (ArchiveIndex, check_near_duplicates, findings_in_archive, first_text_line,
                    near_duplicate_findings, near_duplicates_since, shingles)
from .options import options
from ..errors import FrontMatterError
from .reading import (PAGE, Parsed, content_files, display_path, file_bytes, is_hidden, kind_of, link_out_of_content,
                      read, unreadable)
from .findings import ERROR, Finding
from .rules import archive_today, findings_alone


def check_article(parsed, index, settings, today=None):
    """Findings for one read article (see ``read``) against the archive ``index``.

    ``today`` (a date, default today in the archive's time zone) bounds the publication date.
    """
    opts = options(settings)
    findings = findings_alone(parsed, settings, today)
    if parsed.readable:
        findings.extend(findings_in_archive(parsed, index, settings))
        if parsed.kind != PAGE:
            findings.extend(check_near_duplicates(parsed, index, opts))
    return findings


@dataclasses.dataclass
class FileChecks:
    """What one file's bytes tell without the rest of the archive: kept between builds.

    ``parsed`` without its text and body (the index needs the metadata and
    the lines of keys), the body's shingles as a sorted array, the line of
    the body's first text, and the findings of :func:`findings_alone`.
    """

    parsed: Parsed
    shingles: array.array
    first_line: int
    findings: list


def check_file_alone(path, data, settings, today):
    """The :class:`FileChecks` of one file's bytes."""
    opts = options(settings)
    parsed = read(path, data, opts, kind_of(path, settings))
    if is_hidden(path):
        parsed.findings.append(Finding(
            path, 1, ERROR, "hidden file (its name or folder starts with a dot): rename it without the dot, "
            "or delete it; the archive holds no file it does not check", "hidden-file"))
    compared = parsed.readable and parsed.kind != PAGE and opts["duplicate_threshold"] is not None
    grams = shingles(parsed.body) if compared else ()
    kept = dataclasses.replace(parsed, text=None, body="")
    if parsed.article is not None:
        kept.article = dataclasses.replace(parsed.article, body="")
    return FileChecks(kept, array.array("q", sorted(grams)), first_text_line(parsed),
                      findings_alone(parsed, settings, today))


def cache_rules(settings, today):
    """What the checks of a file depend on besides its bytes and path: for ``check_files``' cache."""
    sources = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "*.py")))
    return build_cache.code_rules(*sources, frontmatter.__file__, slugs.__file__, extra=(
        sorted(options(settings).items()), list(settings.get("ARCHIVE_TOPICS") or ()),
        [settings.get(name) for name in slugs.SETTINGS], today.isoformat(),
    ))


def check_files(paths, settings, today=None, archive=None, cache=None):
    """Check ``paths`` against the archive (default: ``content_files(settings)``: articles and pages).

    Returns the sorted findings. Paths in messages are relative to the
    current folder.

    ``cache`` (a dict, empty at first) keeps between calls what each file's
    bytes tell on their own and the near-duplicates of every file of the
    archive; it is updated in place, and the caller saves it (under
    :func:`cache_rules`). With it, files whose bytes did not change are not
    parsed again, and only changed files are compared with the others.
    """
    opts = options(settings)
    archive = content_files(settings) if archive is None else archive
    today = today or archive_today(settings)
    shown = {path: display_path(path) for path in dict.fromkeys([*archive, *paths])}
    wanted = list(dict.fromkeys(shown[p] for p in paths))
    known = cache.get("files", {}) if cache else {}
    files, digests = {}, {}
    for path in dict.fromkeys(shown.values()):
        refused = link_out_of_content(path, settings)
        try:
            data = file_bytes(path, opts["max_bytes"]) if refused is None else b""
        except FrontMatterError as exc:  # a FIFO, a device, a file over the limit: never read
            refused, data = unreadable(path, exc), b""
        if refused is not None:
            data = str(refused).encode("utf-8", "surrogatepass")  # its digest: the cache keeps the finding
            files[path] = FileChecks(Parsed(path, findings=[refused]), array.array("q"), 1, [refused])
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if refused is None:
            files[path] = known.get((path, digest)) or check_file_alone(path, data, settings, today)
        digests[path] = digest
    grams = {path: checked.shingles for path, checked in files.items()}
    index = ArchiveIndex([checked.parsed for checked in files.values()], settings, known_shingles=grams)
    # The tag most like a new tag depends on the archive's tags alone.
    tag_keys = hashlib.blake2b(repr(sorted(index.tags)).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if cache and cache.get("tag_keys") == tag_keys:
        index.similar_keys.update(cache.get("similar_keys", {}))
    threshold = opts["duplicate_threshold"]
    if threshold is None:
        near = {}
    elif cache is None:
        near = {path: index.near_duplicates(path, frozenset(grams[path]), threshold) for path in wanted}
    else:
        near = near_duplicates_since(index, grams, threshold, digests, cache.get("digests"), cache.get("near"))
    findings = []
    for path in wanted:
        checked = files[path]
        findings.extend(checked.findings)
        if checked.parsed.readable:
            findings.extend(findings_in_archive(checked.parsed, index, settings))
            findings.extend(near_duplicate_findings(path, checked.first_line, near.get(path, ())))
    if cache is not None:
        cache.clear()
        cache.update(files={(path, digests[path]): checked for path, checked in files.items()},
                     digests=digests, near=near, tag_keys=tag_keys, similar_keys=index.similar_keys)
    return sorted(set(findings))
