"""Effective dating: rows valid on a day have ``valid_from`` ≤ day ≤ ``valid_to`` (either may be open)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from motcua.core import clock


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """Filter for rows valid on ``day``; ``prefix`` reaches through a relation, e.g. ``"assignments__"``."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def day_range(date_from: dt.date, date_to: dt.date, field: str) -> Q:
    """``field`` (a timestamp) on local days ``date_from``..``date_to``, as a range from local midnights:
    an index on the column serves it, where ``__date`` casts each row and reads them all."""
    start, end = local_midnights(date_from, date_to)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# The days whose local midnights every database can store in UTC (year 1 minus 7 hours cannot be).
FIRST_DAY = dt.date(1, 1, 2)
LAST_DAY = dt.date(9999, 12, 30)


def local_midnights(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end): the local midnight opening ``date_from`` and the one closing ``date_to``, the dates
    clamped to what a timestamp column holds (an absurd year gives an empty or whole range, not an error)."""
    zone = clock.local_zone()
    first = min(max(date_from, FIRST_DAY), LAST_DAY)
    last = min(max(date_to, FIRST_DAY), LAST_DAY)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )
