"""Versions of a story: the near-duplicates of an import folded into updates (or skips).

A record of an import is a later *version* of a story when it is as alike as
the ``near-duplicate`` check finds (``duplicate_threshold``) to an earlier
record (by date, then input order) or to an archived article. ``fold``
decides what becomes of each (``Proposed.action``: "update" or "skip") and
rewrites the story: docs/importer.md says what an update keeps, and why.
"""

import difflib
import os

from . import checks, enrich, titles


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


def fold(proposed, existing, settings, mode):
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
            chain = chains.setdefault(story if isinstance(story, str) else id(story), [story])
            chain.append(item)
            if id(item) in chains:  # a story with versions of its own (an earlier pass): they are this one's
                chain.extend(chains.pop(id(item))[1:])
                item.body = first_bodies.pop(id(item))
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
    if keeps_lead(last.body, first_body):  # the title and summary made from the lead still hold
        meta["title"], meta["summary"] = story.meta["title"], story.meta["summary"]
    meta["date"] = story.meta["date"]
    meta["modified"] = last.meta["date"]
    meta["updates"] = updates
    story.meta, story.body = meta, last.body


def _update_archived(path, meta, later, existing):
    """An archived article told again by ``later`` items: the last of them rewrites the file, with a backup.

    The front matter a curator may have edited (title, summary, tags, topic,
    slug) is kept; the text is the last version's, ``modified`` its date, and
    one ``updates`` entry is added per version.
    """
    body = next(b for p, _m, b in existing if p == path)
    meta = dict(meta)
    # When the lead was rewritten, a title or summary the importer made from the earlier lead is made
    # anew (it may repeat what the update corrects); one a curator wrote is kept.
    texts = [p for p in paragraphs_of(body) if not p.startswith("## ")]
    if texts and not keeps_lead(later[-1].body, body):
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


def keeps_lead(later, earlier):
    """Whether the lead of ``earlier`` (its first paragraph that is not a subheading) is still in ``later``.

    Paragraphs put before it (the splitter may leave an earnings table of
    the item before glued to a story) leave the story's title and summary true.
    """
    lead = next((p for p in paragraphs_of(earlier) if not p.startswith("## ")), "")
    return lead in paragraphs_of(later)


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
