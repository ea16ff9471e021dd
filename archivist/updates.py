"""Corrections and updates of an article: the ``updates:`` front matter key.

An article that was corrected or updated after publication says so in its
front matter, one item per change::

    updates:
      - date: 2025-03-14
        note: Corrected the name of the ministry's spokesperson.

The site shows the latest change near the top of the article and every change
in a log at its end; the importer writes the same form when a later version
of a story arrives. Pure functions, no Pelican: ``problems`` is the rule
``archivist check`` and the build apply, ``parse`` what the site reads.
"""

import dataclasses
import datetime

KEY = "updates"
EXAMPLE = "write 'updates:' then items '  - date: YYYY-MM-DD' with '    note: What changed.'"


@dataclasses.dataclass(frozen=True, order=True)
class Update:
    date: datetime.date
    note: str


def as_date(value):
    """A date from a YAML value (date, datetime or ISO text), else None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def problems(value, published=None, today=None):
    """What is wrong with the ``updates`` value ``value``: a list of messages, each with its fix.

    ``published``: the article's own date (an update cannot come before it);
    ``today``: the latest date accepted (None: no bound). ``None`` (no key) is fine.
    """
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        return [f"'updates' must be a list of changes: {EXAMPLE}"]
    found = []
    published = as_date(published)
    for number, item in enumerate(value, start=1):
        where = f"update {number}"
        if not isinstance(item, dict) or set(item) != {"date", "note"}:
            keys = ", ".join(sorted(map(str, item))) if isinstance(item, dict) else type(item).__name__
            found.append(f"{where} has {keys}, not exactly 'date' and 'note': {EXAMPLE}")
            continue
        when = as_date(item["date"])
        note = item["note"]
        if when is None:
            found.append(f"{where}: date {item['date']!r} is not a real date: write it as YYYY-MM-DD")
        elif published is not None and when < published:
            found.append(f"{where}: date {when.isoformat()} is before the article's date "
                         f"{published.isoformat()}: an update comes after publication")
        elif today is not None and when > today:
            found.append(f"{where}: date {when.isoformat()} is in the future: use the day of the change")
        if not isinstance(note, str) or not note.strip():
            found.append(f"{where}: the note must be text saying what changed: write it after 'note:'")
        elif note != note.strip():
            found.append(f"{where}: the note has spaces around it: remove them")
    return found


def parse(value):
    """The valid changes of an ``updates`` value as Updates, oldest first (invalid items left out)."""
    if not isinstance(value, list):
        return []
    found = []
    for item in value:
        if isinstance(item, dict):
            when, note = as_date(item.get("date")), item.get("note")
            if when is not None and isinstance(note, str) and note.strip():
                found.append(Update(when, " ".join(note.split())))
    return sorted(found)


def latest_change(published, modified=None, updates=()):
    """The date of the article's latest change: its newest update, ``modified`` or ``published``
    (dates or datetimes; the result is the latest as a date)."""
    dates = [as_date(published)] + [as_date(modified)] * (modified is not None) + [u.date for u in updates]
    return max(date for date in dates if date is not None)
