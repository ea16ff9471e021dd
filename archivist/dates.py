"""Decide an imported article's date from the reference date and the weekdays it names.

Exactly what happens:

1. A date given for the article (a JSON Lines ``date`` field) is used as is.
2. Otherwise the reference date R is ``--date`` (the day the text was
   published or received), or today's date (UTC) when ``--date`` is not given.
3. The article's own date is pinned by a weekday in its text, looked for in
   this order, the first found winning:
   a. the first weekday named in the lead paragraph ("said on Wednesday",
      "refuted viral rumors on Friday", "which convened on Thursday");
   b. else a weekday in the second or third paragraph in a sentence with a
      reporting verb or an interview ("told the Global Times on Thursday",
      "in an interview ... on Thursday", "said on Monday").
   The weekday W gives the latest date on or before R that falls on W (R
   itself when R is a W; a week earlier at most): news reports what happened
   in the days before publication.
4. With no such weekday the date is R.

Other dates in the text ("December 27, 2024", "on March 5", "in April 2023")
are never used: they are usually background, not the day of the news. A
weekday followed by a date ("Wednesday, March 12") is still only a weekday.
"""

import datetime
import re

from .errors import InputError
from .words import sentences

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_RE = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_REPORTING_RE = re.compile(
    r"\b(?:said|says|told|tells|announced|announces|stated|revealed|confirmed|disclosed|"
    r"reported|interview|briefing|press conference|statement)\b",
    re.IGNORECASE,
)


def parse_date(value, what="--date"):
    """A ``datetime.date`` from 'YYYY-MM-DD'; InputError names the expected form."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(f"{what} must be a date like 2025-03-16, not {value!r}") from None


def weekday_before(reference, weekday):
    """The latest date on or before ``reference`` falling on ``weekday`` (0 = Monday)."""
    return reference - datetime.timedelta(days=(reference.weekday() - weekday) % 7)


def pinned_weekday(paragraphs):
    """The weekday (0 = Monday) that dates the article, or None (steps 3a and 3b)."""
    if not paragraphs:
        return None
    match = _WEEKDAY_RE.search(paragraphs[0])
    if match:
        return WEEKDAYS.index(match.group(1).lower())
    for paragraph in paragraphs[1:3]:
        for sentence in sentences(paragraph):
            match = _WEEKDAY_RE.search(sentence)
            if match and _REPORTING_RE.search(sentence):
                return WEEKDAYS.index(match.group(1).lower())
    return None


def article_date(paragraphs, reference):
    """The article's date from its paragraph texts and the reference date (steps 2-4)."""
    weekday = pinned_weekday(paragraphs)
    return reference if weekday is None else weekday_before(reference, weekday)
