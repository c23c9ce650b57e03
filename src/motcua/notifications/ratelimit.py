"""Per-channel rate limits: a counter per channel and minute in the database, shared by every worker.

A slot is taken in its own short transaction before the delivery attempt, so the counter's row lock is
held for one UPDATE, never across a gateway call. A slot taken by an attempt that then finds nothing to do
(a duplicate task) is not given back: the limit errs on the side of sending fewer.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from motcua.notifications.models import RateWindow

WINDOW = dt.timedelta(minutes=1)
_KEEP = dt.timedelta(hours=1)


def limit_per_minute(channel: str) -> int:
    """Messages per minute allowed on the channel; 0 means no limit."""
    limits: dict[str, int] = settings.MOTCUA_RATE_PER_MINUTE
    return limits.get(channel, 0)


def window_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def rate_acquire(*, channel: str, now: dt.datetime) -> dt.datetime | None:
    """Take one slot of the current minute: None when granted, else when the next window opens."""
    limit = limit_per_minute(channel)
    if limit <= 0:
        return None
    start = window_start(now)
    with transaction.atomic(durable=True):
        taken = RateWindow.objects.filter(channel=channel, starts_at=start, used__lt=limit).update(
            used=F("used") + 1
        )
        if taken:
            return None
        if RateWindow.objects.filter(channel=channel, starts_at=start).exists():
            return start + WINDOW  # full
        try:
            with transaction.atomic():  # a savepoint: a concurrent worker may create the same window
                RateWindow.objects.create(channel=channel, starts_at=start, used=1)
        except IntegrityError:
            taken = RateWindow.objects.filter(channel=channel, starts_at=start, used__lt=limit).update(
                used=F("used") + 1
            )
            return None if taken else start + WINDOW
        RateWindow.objects.filter(channel=channel, starts_at__lt=start - _KEEP).delete()  # old counters
    return None
