"""Per-channel rate limits: over the limit a message waits for the next minute, no attempt counted."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from motcua.core import clock
from motcua.notifications.models import Notification, NotificationStatus, RateWindow
from motcua.notifications.ratelimit import rate_acquire
from motcua.notifications.services import notification_enqueue
from motcua.notifications.tests.conftest import Simulator, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2025, 3, 3, 8, 0, 20, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # in the real past: tasks run


def enqueue(index: int, channel: str = "sms") -> Notification:
    with transaction.atomic():
        notification = notification_enqueue(
            channel=channel,
            recipient=f"091234567{index}",
            subject="",
            body=f"Tin nhắn {index}",
            dedupe_key=f"test:{channel}:{index}",
        )
    assert notification is not None
    return notification


def test_a_window_grants_the_limit_then_names_the_next_minute(settings: Any) -> None:
    settings.MOTCUA_RATE_PER_MINUTE = {"sms": 2, "zalo": 0}

    grants = [rate_acquire(channel="sms", now=T0 + dt.timedelta(seconds=s)) for s in (0, 10, 20)]

    next_minute = dt.datetime(2025, 3, 3, 8, 1, tzinfo=T0.tzinfo)
    assert grants == [None, None, next_minute]
    assert rate_acquire(channel="sms", now=next_minute) is None  # a new window
    assert all(rate_acquire(channel="zalo", now=T0) is None for _ in range(5))  # 0: no limit
    assert rate_acquire(channel="email", now=T0) is None  # not configured: no limit
    assert list(RateWindow.objects.order_by("starts_at").values_list("used", flat=True)) == [2, 1]


def test_over_the_limit_a_message_is_postponed_not_failed_and_goes_out_later(
    sms_simulator: Simulator, settings: Any
) -> None:
    settings.MOTCUA_RATE_PER_MINUTE = {"sms": 2}
    with clock.frozen(T0):
        notifications = [enqueue(i) for i in range(3)]
        run_worker("--max-tasks", "3")

    for notification in notifications:
        notification.refresh_from_db()
    sent = [n for n in notifications if n.status == NotificationStatus.SENT]
    [waiting] = [n for n in notifications if n.status == NotificationStatus.PENDING]
    assert len(sent) == 2
    assert waiting.attempts == 0
    assert waiting.last_error == ""
    assert waiting.next_attempt_at == dt.datetime(2025, 3, 3, 8, 1, tzinfo=T0.tzinfo)
    assert len(sms_simulator.messages()) == 2

    with clock.frozen(waiting.next_attempt_at):
        run_worker()

    waiting.refresh_from_db()
    assert waiting.status == NotificationStatus.SENT
    assert waiting.attempts == 1
    assert len(sms_simulator.messages()) == 3


def test_channels_have_separate_limits(settings: Any) -> None:
    settings.MOTCUA_RATE_PER_MINUTE = {"sms": 1, "zalo": 1}

    assert rate_acquire(channel="sms", now=T0) is None
    assert rate_acquire(channel="zalo", now=T0) is None
    assert rate_acquire(channel="sms", now=T0) is not None
