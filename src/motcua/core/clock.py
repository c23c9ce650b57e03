"""The only source of the current time: inject, never call datetime.now() elsewhere.

Tests freeze it with ``clock.frozen(moment)``; everything else calls ``now()`` / ``today()``,
which are aware and in the province's time zone (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_frozen: dt.datetime | None = None


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def now() -> dt.datetime:
    """The current moment, aware, in the local time zone."""
    moment = _frozen if _frozen is not None else timezone.now()
    return moment.astimezone(local_zone())


def today() -> dt.date:
    return now().date()


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Freeze now() at an aware moment for the duration of the block (tests, replays)."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous
