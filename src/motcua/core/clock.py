"""The only source of the current time: inject, never call datetime.now() elsewhere.

Tests freeze it with ``clock.frozen(moment)``; everything else calls ``now()`` / ``today()``,
which are aware and in the province's time zone (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# The active freezes, innermost last. A list rather than a saved "previous" value: threads that freeze and
# thaw in any order (concurrency tests) must leave the clock running once every freeze has ended.
_freezes: list[tuple[object, dt.datetime]] = []
_freezes_lock = threading.Lock()


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def now() -> dt.datetime:
    """The current moment, aware, in the local time zone."""
    freezes = _freezes
    moment = freezes[-1][1] if freezes else timezone.now()
    return moment.astimezone(local_zone())


def today() -> dt.date:
    return now().date()


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Freeze now() at an aware moment for the duration of the block (tests, replays).

    Nested blocks freeze at the innermost moment; blocks in several threads may end in any order, the clock
    runs again when the last one ends.
    """
    if moment.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    token = object()
    with _freezes_lock:
        _freezes.append((token, moment))
    try:
        yield
    finally:
        with _freezes_lock:
            _freezes[:] = [entry for entry in _freezes if entry[0] is not token]
