"""The import pipeline: read -> split -> enrich -> render -> write.

``plan`` does everything but writing and returns the proposed articles;
``write`` stores the new ones. Safety rules:

- An article whose normalised body text (lower case, letters and digits only)
  has the fingerprint of an article already in the archive, or of an earlier
  article of the same import, is skipped and reported, never written twice.
- A near-duplicate (as alike as the ``near-duplicate`` check finds) of an
  earlier record of the input or of an archived article is the same story
  told again (``archivist.versions``): with ``duplicates="update"`` it becomes
  an update of that story, with ``"skip"`` it is skipped, with ``"error"`` it
  is left for the check to refuse.
- A new article never overwrites a file: a taken slug gets -2, -3, ...; each
  file is written to a temporary file in the target folder, then linked to
  its final name (which fails if the name exists) and the temporary removed.
- Every new article passes the checks of the build (``archivist.checks``,
  the same as ``archivist check``) against the archive and the other new
  articles before anything is written: ``problems`` lists each error as
  ``INPUT:FIRST-LAST: message``, and the command writes nothing when there
  is one.
- Nothing is half-written: all files are staged first; if any step fails, the
  files this run created are removed and the error is raised. An archived
  article updated in place is first kept whole as a hidden backup beside it
  (``.NAME.md.bak``, which neither Pelican nor the checks read), and put back
  if the import fails.
"""

import dataclasses
import datetime
import hashlib
import os
import re

import yaml

from . import checks, enrich, frontmatter, reading, slugs, splitting, tags, versions
from .errors import ArchivistError, FrontMatterError, InputError


@dataclasses.dataclass
class Proposed:
    """One article the import would write."""

    meta: dict
    body: str
    path: str  # input file
    lines: tuple  # (first, last) 1-based input lines
    fingerprint: str
    target: str = ""  # file it is written to (empty when skipped)
    confidence: float = 1.0  # of the cut before it (splitting.split_scored); 1.0 when the input separates articles
    skipped_as: str = ""  # existing file with the same text
    duplicate_of: str = ""  # the story this record repeats: an archived file or INPUT:LINE of an earlier record
    similarity: float = 0.0  # how alike (Jaccard of the word 5-grams, as the near-duplicate check measures)
    action: str = "new"  # "new", "update" (of duplicate_of) or "skip"
    backup: str = ""  # when target is an archived file updated in place: where its earlier bytes are kept


DUPLICATE_MODES = ("update", "skip", "error")


@dataclasses.dataclass
class Problem:
    """An error ``archivist check`` would report on a new article; ``str()`` names the input lines."""

    item: Proposed
    finding: object  # an archivist.checks.Finding: its code says which rule

    def __str__(self):
        message = self.finding.message
        if self.finding.code == "missing-key" and self.finding.key == "source":
            message = "missing 'source': pass --source NAME (or give 'source' in each JSON line)"
        first, last = self.item.lines
        return f"{self.item.path}:{first}-{last}: {message} (the article would be {self.finding.path})"


def fingerprint(body):
    """SHA-256 of the body's letters and digits in lower case: formatting does not count."""
    normal = re.sub(r"[^0-9a-z]+", "", body.lower())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def as_markdown_text(text):
    """Input text as Markdown that renders to the same text.

    The input is text, not markup: a '<' is written as '&lt;' so that a wire's
    ticker code ("<EXCO>") reads as written instead of becoming an HTML tag
    that the build's sanitiser would strip (and `archivist check` refuse).
    """
    return text.replace("<", "&lt;")


def render_body(paragraphs):
    """Markdown body: paragraphs separated by blank lines, subheadings as '## '."""
    return "\n\n".join(f"## {as_markdown_text(p.text)}" if p.heading else as_markdown_text(p.text)
                         for p in paragraphs) + "\n"


def render_article(meta, body):
    """The article file: ``frontmatter.render``, with ``updates`` written as a block list of
    ``date:``/``note:`` pairs (the corrections log's form) after the other keys."""
    updates = meta.get("updates") or []
    text = frontmatter.render({k: v for k, v in meta.items() if k != "updates"}, body)
    if not updates:
        return text
    lines = ["updates:"]
    for update in updates:
        date = update["date"]
        lines.append(f"  - date: {date.isoformat() if hasattr(date, 'isoformat') else date}")
        note = yaml.safe_dump(update["note"], allow_unicode=True, width=10**9).removesuffix("\n...\n").rstrip("\n")
        lines.append(f"    note: {note}")
    head, rest = text.split("\n---\n", 1)
    return head + "\n" + "\n".join(lines) + "\n---\n" + rest


def scan_archive(folder):
    """Existing articles under ``folder``: list of (path, meta, body); bad files are skipped."""
    found = []
    if not os.path.isdir(folder):
        return found
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            path = os.path.join(directory, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    article = frontmatter.parse(handle.read(), path)
            except (OSError, UnicodeDecodeError, FrontMatterError):
                continue
            found.append((path, article.meta, article.body))
    return found


def articles_of(documents):
    """Yield (document, paragraphs, confidence) per article: raw text is split, other documents are one article."""
    for document in documents:
        paragraphs = splitting.recover_subheadings(document.paragraphs)
        if document.split:
            for part, confidence in splitting.split_scored(paragraphs):
                yield document, part, confidence
        else:
            yield document, paragraphs, 1.0


def plan(inputs, settings, out_dir, reference_date=None, source="", category=None, fmt=None,
         progress=None, duplicates="update"):
    """Read, split and enrich ``inputs``; return (proposed articles, notes).

    ``progress(total)`` may return a callable advanced once per article.
    ``duplicates`` says what becomes of a near-duplicate: one of DUPLICATE_MODES.
    """
    topics = settings["ARCHIVE_TOPICS"]
    if category is not None and category not in topics:
        raise ArchivistError(f"--category {category!r} is not one of ARCHIVE_TOPICS: {', '.join(topics)}")
    if duplicates not in DUPLICATE_MODES:
        raise ArchivistError(f"duplicates must be one of {', '.join(DUPLICATE_MODES)}, not {duplicates!r}")
    documents, notes = [], []
    for path in inputs:
        read, read_notes = reading.read_input(path, fmt)
        documents.extend(read)
        notes.extend(read_notes)
    existing = scan_archive(out_dir)
    known = {fingerprint(body): (path, meta.get("slug", "")) for path, meta, body in existing}
    context = enrich.Context.create(
        topics,
        [(m.get("category"), m.get("tags") if isinstance(m.get("tags"), list) else [], b) for _p, m, b in existing],
        reference_date or datetime.datetime.now(datetime.timezone.utc).date(),
        source,
        category,
    )
    # One spelling per tag: the archive's first, then the first met in this import.
    spellings = tags.Spellings(context.existing_tags)
    context = dataclasses.replace(context, existing_tags=spellings)
    taken = {os.path.splitext(name)[0].split("-", 3)[-1] for path, _m, _b in existing for name in [os.path.basename(path)]}
    taken |= {str(m.get("slug")) for _p, m, _b in existing if m.get("slug")}
    units = list(articles_of(documents))
    advance = progress(len(units)) if progress else None
    proposed = []
    for document, paragraphs, confidence in units:
        body = render_body(paragraphs)
        lines = (paragraphs[0].line, paragraphs[-1].last_line)
        item = Proposed({}, body, document.path, lines, fingerprint(body), confidence=confidence)
        try:
            meta = enrich.enrich(paragraphs, context, document.meta)
        except InputError as exc:  # a value of the input record, such as 'date': '2025-02-30'
            raise InputError(exc.message, path=document.path, line=lines[0]) from None
        given_category = document.meta.get("category")
        if given_category and given_category not in topics:
            raise InputError(f"category {given_category!r} is not one of ARCHIVE_TOPICS: {', '.join(topics)}",
                             path=document.path, line=lines[0])
        item.meta = tidy(meta, spellings)
        spellings.add(item.meta["tags"])
        if item.fingerprint in known:
            item.skipped_as, meta["slug"] = known[item.fingerprint]
            item.action = "skip"
        else:
            known[item.fingerprint] = (f"{document.path}:{lines[0]}", "")
        proposed.append(item)
        if advance:
            advance()
    if duplicates != "error":
        versions.fold(proposed, existing, settings, duplicates)
    for item in proposed:
        item.fingerprint = fingerprint(item.body)  # an updated story's text is its last version's
    for item in proposed:
        if item.action == "new":
            meta = item.meta
            meta["slug"] = slugs.unique_slug(meta["title"], settings, taken)
            taken.add(meta["slug"])
            item.target = os.path.join(out_dir, f"{meta['date']:%Y}", f"{meta['date']:%Y-%m-%d}-{meta['slug']}.md")
    return proposed, notes


def tidy(meta, spellings):
    """``meta`` as the checks want it: text values trimmed, one spelling per tag, each tag once."""
    for key in ("title", "summary", "source", "source_url", "category"):
        if isinstance(meta.get(key), str):
            meta[key] = " ".join(meta[key].split())
    if isinstance(meta.get("summary"), str):  # rendered as Markdown (FORMATTED_FIELDS), like the body
        meta["summary"] = as_markdown_text(meta["summary"])
    meta["tags"] = spellings.reuse([tags.normalise(t) for t in meta["tags"] if tags.normalise(t)])
    return meta


def problems(proposed, settings, out_dir, today=None):
    """The ``Problem``s: errors ``archivist check`` would report on the new articles.

    The new articles are checked as the files they would become, against the
    archive they go into (the build's article folders when ``out_dir`` is
    inside them, else the Markdown files under ``out_dir``) and each other.
    """
    opts = checks.options(settings)
    content = os.path.abspath(settings["PATH"])
    if os.path.abspath(out_dir).startswith(content + os.sep) or os.path.abspath(out_dir) == content:
        archive = checks.archive_files(settings)
    else:
        archive = [f for f in checks.walk_files(out_dir) if f.endswith(".md")] if os.path.isdir(out_dir) else []
    new = [item for item in proposed if item.target]
    rewritten = {os.path.abspath(item.target) for item in new if item.backup}
    existing = [checks.read_file(path, opts, shown_as=checks.display_path(path)) for path in archive
                if os.path.abspath(path) not in rewritten]
    planned = [
        checks.read(checks.display_path(item.target), render_article(item.meta, item.body).encode("utf-8"), opts)
        for item in new
    ]
    index = checks.ArchiveIndex(existing + planned, settings)
    return [
        Problem(item, finding)
        for item, parsed in zip(new, planned)
        for finding in checks.check_article(parsed, index, settings, today=today)
        if finding.severity == checks.ERROR
    ]


def write(proposed):
    """Write the new articles of ``proposed`` all or nothing; return the paths written.

    A new article never replaces a file; an archived article being updated
    (``item.backup`` set) is first linked to its backup name, then replaced.
    """
    staged, written, replaced = [], [], []
    try:
        for item in proposed:
            if not item.target:
                continue
            folder = os.path.dirname(item.target)
            os.makedirs(folder, exist_ok=True)
            # The name is recorded before the file exists, so that an interrupt
            # (^C) at any point leaves no temporary file behind: with
            # tempfile.mkstemp one could come between creating it and
            # recording its name.
            temp = os.path.join(folder, f".import-{os.getpid()}-{len(staged)}.tmp")
            staged.append((temp, item))
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(render_article(item.meta, item.body))
        for temp, item in staged:
            if item.backup:
                os.link(item.target, item.backup)  # fails if the backup name is taken: nothing is lost
                replaced.append(item)
                os.replace(temp, item.target)
                written.append(item.target)
                continue
            if os.path.lexists(item.target):
                raise ArchivistError("already exists; not overwritten (nothing was written)", path=item.target)
            try:
                os.link(temp, item.target)
            except FileExistsError:
                raise ArchivistError("already exists; not overwritten (nothing was written)",
                                     path=item.target) from None
            except OSError:  # a file system without hard links: the check above guards it
                os.replace(temp, item.target)
            written.append(item.target)
    except BaseException:
        restored = {item.target for item in replaced}
        for target in written:
            if target not in restored:
                os.unlink(target)
        for item in replaced:
            os.replace(item.backup, item.target)
        raise
    finally:
        for temp, _item in staged:
            if os.path.exists(temp):
                os.unlink(temp)
    return written
