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
    zone = clock.local_zone()
    return Q(
        **{
            f"{field}__gte": dt.datetime.combine(date_from, dt.time(), tzinfo=zone),
            f"{field}__lt": dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=zone),
        }
    )
