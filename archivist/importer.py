"""The import pipeline: read -> split -> enrich -> render -> write.

``plan`` does everything but writing and returns the proposed articles;
``write`` stores the new ones. Safety rules:

- An article whose normalised body text (lower case, letters and digits only)
  has the fingerprint of an article already in the archive, or of an earlier
  article of the same import, is skipped and reported, never written twice.
- A near-duplicate (``near_duplicates``: as alike as the ``near-duplicate``
  check finds) of an earlier record of the input or of an archived article
  is the same story told again: with ``duplicates="update"`` it becomes an
  update of that story, with ``"skip"`` it is skipped, with ``"error"`` it is
  left for the check to refuse. See docs/importer.md for what an update
  keeps and why.
- An existing file is never overwritten silently: a taken slug gets -2, -3, ...; each
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
import difflib
import hashlib
import os
import re

import yaml

from . import checks, enrich, frontmatter, reading, slugs, splitting, tags, titles
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


def render_body(paragraphs):
    """Markdown body: paragraphs separated by blank lines, subheadings as '## '."""
    return "\n\n".join(f"## {p.text}" if p.heading else p.text for p in paragraphs) + "\n"


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
        fold_duplicates(proposed, existing, settings, duplicates)
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
    meta["tags"] = spellings.reuse([tags.normalise(t) for t in meta["tags"] if tags.normalise(t)])
    return meta


def near_duplicates(proposed, existing, settings):
    """Yield (item, story, similarity) for each new item as alike as the near-duplicate check finds.

    A story is an archived file's path or an earlier item of ``proposed``
    (by date, then input order) that is itself no duplicate; ``existing`` is
    the archive as ``scan_archive`` gives it. Each item is given once, with
    the story most like it. Only the items still "new" are compared.
    """
    threshold = checks.options(settings)["duplicate_threshold"]
    if threshold is None:
        return
    fresh = sorted((i for i, item in enumerate(proposed) if item.action == "new"),
                   key=lambda i: (proposed[i].meta["date"], i))
    rank = {i: position for position, i in enumerate(fresh)}
    parsed = [checks.Parsed(path, meta={}, body=body, readable=True) for path, _meta, body in existing]
    parsed += [checks.Parsed(f"\0{i}", meta={}, body=proposed[i].body, readable=True) for i in fresh]
    index = checks.ArchiveIndex(parsed, settings)
    gone = set()
    for i in fresh:
        for other, similarity in index.near_duplicates(f"\0{i}", checks.shingles(proposed[i].body), threshold):
            if not other.startswith("\0"):
                gone.add(i)
                yield proposed[i], other, similarity
                break
            j = int(other[1:])
            if rank[j] < rank[i] and j not in gone:
                gone.add(i)
                yield proposed[i], proposed[j], similarity
                break


def fold_duplicates(proposed, existing, settings, mode):
    """Turn each near-duplicate of ``proposed`` into an update of its story (``mode`` "update") or a skip.

    Repeated until no two stories are alike: an update changes a story's
    text, which may then be like another.
    """
    archived = {path: (meta, body) for path, meta, body in existing}
    chains, first_bodies = {}, {}  # story key -> [story, later items]; item story key -> its own text

    def order(item):
        return item.meta["date"], proposed.index(item)

    while True:
        found = list(near_duplicates(proposed, [(p, m, b) for p, (m, b) in archived.items()], settings))
        if not found:
            break
        for item, story, similarity in found:
            item.similarity = similarity
            current = archived[story][1] if isinstance(story, str) else story.body
            if mode == "skip" or adds_nothing(item.body, current):
                item.action = "skip"
            if isinstance(story, str):
                item.duplicate_of = checks.display_path(story)
                meta = archived[story][0]
                filed = checks.rules.as_date(meta.get("modified") or meta.get("date"))
                if filed and item.meta["date"] < filed:
                    item.action = "skip"  # an older version than the archived one is not an update of it
            else:
                item.duplicate_of = f"{story.path}:{story.lines[0]}"
            if item.action == "skip":
                continue
            if not isinstance(story, str):
                first_bodies.setdefault(id(story), story.body)
            item.action = "update"
            chains.setdefault(story if isinstance(story, str) else id(story), [story]).append(item)
        for chain in chains.values():
            story, latest = chain[0], max(chain[1:], key=order)
            if isinstance(story, str):
                archived[story] = (archived[story][0], latest.body)
            else:
                story.body = latest.body
    for key, chain in chains.items():
        story, later = chain[0], sorted(chain[1:], key=order)
        if isinstance(story, str):
            _update_archived(story, archived[story][0], later, existing)
        else:
            _update_new(story, first_bodies[key], later)


def _update_new(story, first_body, later):
    """``story`` (a new item) told again by ``later`` items: its text and front matter become the last
    version's, with the story's first date and an ``updates`` entry per later version."""
    updates, previous = [], first_body
    for version in later:
        updates.append({"date": version.meta["date"], "note": update_note(previous, version.body)})
        previous = version.body
    last = later[-1]
    meta = dict(last.meta)
    if lead(last.body) == lead(first_body):  # the title and summary made from the lead still hold
        meta["title"], meta["summary"] = story.meta["title"], story.meta["summary"]
    meta["date"] = story.meta["date"]
    meta["modified"] = last.meta["date"]
    meta["updates"] = updates
    story.meta, story.body, story.fingerprint = meta, last.body, fingerprint(last.body)


def _update_archived(path, meta, later, existing):
    """An archived article told again by ``later`` items: the last of them rewrites the file, with a backup.

    The front matter a curator may have edited (title, summary, tags, topic,
    slug) is kept; the text is the last version's, ``modified`` its date, and
    one ``updates`` entry is added per version.
    """
    body = next(b for p, _m, b in existing if p == path)
    meta = dict(meta)
    # When the lead changed, a title or summary the importer made from the earlier lead is made anew
    # (it may repeat what the update corrects); one a curator wrote is kept.
    texts = [p for p in paragraphs_of(body) if not p.startswith("## ")]
    if texts and lead(later[-1].body) != lead(body):
        if meta.get("summary") == enrich.make_summary(texts[0]):
            meta["summary"] = later[-1].meta["summary"]
        if meta.get("title") == titles.headline(texts):
            meta["title"] = later[-1].meta["title"]
    updates = list(meta.get("updates") or [])
    for version in later:
        updates.append({"date": version.meta["date"], "note": update_note(body, version.body)})
        body = version.body
    meta["updates"] = updates
    old = checks.rules.as_date(meta.get("modified"))
    meta["modified"] = max(later[-1].meta["date"], old) if old else later[-1].meta["date"]
    carrier = later[-1]
    carrier.meta, carrier.body, carrier.target = meta, body, path
    folder, name = os.path.split(path)
    carrier.backup = os.path.join(folder, f".{name}.bak")
    number = 2
    while os.path.lexists(carrier.backup):
        carrier.backup = os.path.join(folder, f".{name}.bak-{number}")
        number += 1


def paragraphs_of(body):
    """The paragraphs of a Markdown body, stripped."""
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def lead(body):
    """The first paragraph of a Markdown body that is not a subheading."""
    return next((p for p in paragraphs_of(body) if not p.startswith("## ")), "")


def adds_nothing(later, earlier):
    """Whether every paragraph of ``later`` is one of ``earlier``: a shorter repeat, or a piece of the
    story cut from glued text; as an update it would only drop paragraphs."""
    return set(paragraphs_of(later)) <= set(paragraphs_of(earlier))


def update_note(before, after):
    """What changed from one version of a story's text to the next, in a sentence."""
    old, new = paragraphs_of(before), paragraphs_of(after)
    counts = {"changed": 0, "added": 0, "removed": 0}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "insert", "delete"):
            counts["changed"] += min(i2 - i1, j2 - j1)
            counts["added" if j2 - j1 > i2 - i1 else "removed"] += abs((j2 - j1) - (i2 - i1))
    changes = [(n, what) for what, n in counts.items() if n]
    if not changes:
        return "Updated to a later version of the story, with the wording revised."
    # "2 paragraphs changed and 1 added": the noun once, after the first number.
    parts = [f"{n} {'paragraph' if n == 1 else 'paragraphs'} {what}" if position == 0 else f"{n} {what}"
             for position, (n, what) in enumerate(changes)]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Updated to a later version of the story, with {listed}."


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
