"""Browsing by date, as plain functions on plain data: counts per year, month and day,
calendars, the neighbouring periods that have articles and "on this day".

A period is a tuple of ints: ``(year,)``, ``(year, month)`` or ``(year, month,
day)``. Nothing here imports Pelican or reads a clock: every answer follows
from the articles' dates, so the same archive always gives the same pages.
"""

import calendar
import collections
import datetime

# English whatever the locale (calendar.month_name follows it).
_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def month_name(month):
    return _MONTH_NAMES[month]


def count_periods(days):
    """({(year,): n}, {(year, month): n}, {(year, month, day): n}) for ``days``, (y, m, d) per article."""
    by_day = collections.Counter(days)
    by_month = collections.Counter()
    by_year = collections.Counter()
    for (year, month, _), count in by_day.items():
        by_month[year, month] += count
        by_year[year,] += count
    return dict(by_year), dict(by_month), dict(by_day)


def neighbours(periods):
    """{period: (earlier, later)} among ``periods`` (those that have articles), None at the ends."""
    ordered = sorted(periods)
    return {period: (ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None)
            for i, period in enumerate(ordered)}


def month_weeks(year, month, day_counts):
    """The month as weeks Monday to Sunday: each cell (day, count) or None outside the month.

    ``day_counts``: {(year, month, day): n}; days without articles have count 0.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    return [[(day, day_counts.get((year, month, day), 0)) if day else None for day in week] for week in weeks]


def same_day_other_years(period, day_counts):
    """[(year, count)] of the days with articles on ``period``'s month and day in other years, newest first."""
    year, month, day = period
    found = [(other, count) for (other, m, d), count in day_counts.items() if m == month and d == day and other != year]
    return sorted(found, reverse=True)


def newest_day(day_counts):
    """The latest (year, month, day) with articles, or None: "today" for the home page,
    from the archive rather than the clock."""
    return max(day_counts, default=None)


def day_label(period):
    """"14 March 2016" for (2016, 3, 14)."""
    year, month, day = period
    return f"{day} {month_name(month)} {year}"


def period_label(period):
    """"2016", "March 2016" or "14 March 2016"."""
    if len(period) == 1:
        return str(period[0])
    if len(period) == 2:
        return f"{month_name(period[1])} {period[0]}"
    return day_label(period)


def weekday_name(period):
    return WEEKDAY_NAMES[datetime.date(*period).weekday()]


def period_url(period, urls):
    """The URL of a period's page: ``urls`` maps 1, 2, 3 (the period's length) to a format
    string with ``year``, ``month`` and ``day`` fields."""
    fields = dict(zip(("year", "month", "day"), period))
    return urls[len(period)].format(**fields)


def trail(period, urls):
    """The breadcrumb trail of a date page down to ``period``: [(label, url)], year first."""
    steps = []
    for depth in range(1, len(period) + 1):
        part = period[:depth]
        label = str(part[0]) if depth == 1 else month_name(part[1]) if depth == 2 else str(part[2])
        steps.append((label, period_url(part, urls)))
    return steps
