"""Reading form and query parameters: a bad value is "not given", never an exception in a view."""

from __future__ import annotations

import datetime as dt


def int_param(value: str | None) -> int | None:
    """A non-negative whole number, or None for anything else (empty, text, a sign)."""
    return int(value) if value and value.strip().isdigit() else None


def date_param(value: str | None) -> dt.date | None:
    """An ISO date (the value of ``<input type="date">``), or None."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
