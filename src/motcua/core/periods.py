"""Effective dating: rows valid on a day have ``valid_from`` ≤ day ≤ ``valid_to`` (either may be open)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """Filter for rows valid on ``day``; ``prefix`` reaches through a relation, e.g. ``"assignments__"``."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )
