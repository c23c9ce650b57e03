"""The outbox end to end: enqueue in the caller's transaction, the real database worker, retries, recovery."""

from __future__ import annotations

import datetime as dt
import itertools
import signal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from tests.factories import make_user

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.notifications.backends import DeliveryError, OutgoingMessage
from motcua.notifications.models import Notification, NotificationStatus
from motcua.notifications.services import (
    MAX_ATTEMPTS,
    STALLED_AFTER,
    notification_enqueue,
    notification_resend,
)
from motcua.notifications.tasks import send_notification

pytestmark = pytest.mark.django_db(transaction=True)

# A moment in the real past: django-tasks-db decides which tasks are due by the real clock, while the
# outbox reads motcua.core.clock, so frozen moments must not lie in the future or nothing would run.
T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
FLAKY = "motcua.notifications.tests.test_outbox.FlakyBackend"


class FlakyBackend:
    """An SMS gateway that refuses the first ``failures`` messages."""

    failures: ClassVar[int] = 0
    delivered: ClassVar[list[str]] = []

    def send(self, message: OutgoingMessage) -> str:
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise DeliveryError("gateway busy")
        FlakyBackend.delivered.append(message.recipient)
        return f"flaky-{len(FlakyBackend.delivered)}"


@pytest.fixture
def flaky_sms(settings: Any) -> type[FlakyBackend]:
    settings.MOTCUA_SMS_BACKEND = FLAKY
    FlakyBackend.failures = 0
    FlakyBackend.delivered = []
    return FlakyBackend


def run_worker(*extra: str, command: str = "db_worker") -> None:
    """Run the queue in this process until nothing is due, keeping pytest's signal handlers."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(command, "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0", *extra)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def run_attempts_at_their_due_time(notification: Notification, *, limit: int) -> list[dt.datetime]:
    """Run one task at a time with the clock set to the row's next attempt; returns each attempt's moment."""
    moments = []
    for _ in range(limit):
        notification.refresh_from_db()
        if notification.status != NotificationStatus.PENDING:
            break
        moments.append(notification.next_attempt_at)
        with clock.frozen(notification.next_attempt_at):
            run_worker("--max-tasks", "1")
    notification.refresh_from_db()
    return moments


def enqueue(**overrides: str) -> Notification:
    arguments: dict[str, Any] = {
        "channel": "email",
        "recipient": "an@example.vn",
        "subject": "Hồ sơ 000.00.01.H49-250303-0001 đã được tiếp nhận",
        "body": "Kính gửi ông/bà Nguyễn Văn An, hồ sơ của ông/bà đã được tiếp nhận.",
        "dedupe_key": "dossier:000.00.01.H49-250303-0001:received:email",
        "related_type": "dossier",
        "related_id": "000.00.01.H49-250303-0001",
        **overrides,
    }
    with transaction.atomic():
        notification = notification_enqueue(**arguments)
    assert notification is not None
    return notification


def ready_tasks() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))


def test_enqueue_commits_the_row_and_its_send_task_together() -> None:
    notification = enqueue()

    [queued] = ready_tasks()
    assert queued.task_path == "motcua.notifications.tasks.send_notification"
    assert queued.args_kwargs == {"args": [notification.pk], "kwargs": {}}
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 0


def test_enqueue_in_a_transaction_that_rolls_back_leaves_no_row_and_no_task() -> None:
    class DossierChangeFailedError(Exception):
        pass

    def dossier_use_case() -> None:
        with transaction.atomic():
            notification_enqueue(
                channel="email", recipient="an@example.vn", subject="s", body="b", dedupe_key="dossier:X:ok"
            )
            raise DossierChangeFailedError  # a later step of the same use case fails

    with pytest.raises(DossierChangeFailedError):
        dossier_use_case()

    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_same_business_event_twice_gives_one_row_and_one_message() -> None:
    first = enqueue()
    second = enqueue(body="a second wording of the same event")

    run_worker()

    assert second.pk == first.pk
    assert Notification.objects.get().body == first.body  # the first writer wins
    assert DBTaskResult.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_worker_delivers_an_email_and_marks_it_sent() -> None:
    notification = enqueue()

    run_worker(command="worker")

    [message] = mail.outbox
    assert message.to == ["an@example.vn"]
    assert message.subject == notification.subject
    assert message.body == notification.body
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert [t.status for t in DBTaskResult.objects.all()] == [TaskResultStatus.SUCCESSFUL]


def test_a_duplicate_task_for_a_sent_row_sends_nothing() -> None:
    notification = enqueue()
    run_worker()
    with transaction.atomic():
        send_notification.enqueue(notification.pk)  # e.g. a late task left by the stall recovery

    run_worker()

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_failing_channel_is_retried_with_exponential_backoff_until_it_accepts(
    flaky_sms: type[FlakyBackend],
) -> None:
    flaky_sms.failures = 2
    with clock.frozen(T0):
        notification = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")

    moments = run_attempts_at_their_due_time(notification, limit=10)

    assert moments == [T0, T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(minutes=3)]
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 3
    assert notification.sent_at == T0 + dt.timedelta(minutes=3)
    assert notification.last_error == ""
    assert flaky_sms.delivered == ["0912345678"]
    assert ready_tasks() == []


def test_a_retry_is_a_task_deferred_to_the_next_attempt(flaky_sms: type[FlakyBackend]) -> None:
    flaky_sms.failures = 1
    with clock.frozen(T0):
        notification = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")
        run_worker("--max-tasks", "1")

    notification.refresh_from_db()
    [retry] = ready_tasks()
    assert notification.status == NotificationStatus.PENDING
    assert notification.last_error == "gateway busy"
    assert notification.next_attempt_at == T0 + dt.timedelta(minutes=1)
    assert retry.run_after == notification.next_attempt_at
    assert retry.args_kwargs["args"] == [notification.pk]


def test_after_max_attempts_the_outbox_gives_up(flaky_sms: type[FlakyBackend]) -> None:
    flaky_sms.failures = 100
    with clock.frozen(T0):
        notification = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")

    moments = run_attempts_at_their_due_time(notification, limit=MAX_ATTEMPTS + 3)

    gaps = [(later - earlier) / dt.timedelta(minutes=1) for earlier, later in itertools.pairwise(moments)]
    assert gaps == [1, 2, 4, 8, 16, 32, 60]
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert notification.sent_at is None
    assert notification.last_error == "gateway busy"
    assert flaky_sms.delivered == []
    assert ready_tasks() == []


def test_resending_a_failed_notification_gives_it_a_fresh_round(flaky_sms: type[FlakyBackend]) -> None:
    flaky_sms.failures = MAX_ATTEMPTS
    with clock.frozen(T0):
        notification = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")
    run_attempts_at_their_due_time(notification, limit=MAX_ATTEMPTS)
    assert notification.status == NotificationStatus.FAILED
    officer = make_user(is_staff=True)

    with clock.frozen(T0 + dt.timedelta(days=1)):
        notification_resend(notification=notification, actor=officer)
        run_worker()

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 1
    assert flaky_sms.delivered == ["0912345678"]
    assert AuditEvent.objects.filter(action="notification.resend", actor=officer).count() == 1


def test_the_admin_resends_failed_notifications_only(flaky_sms: type[FlakyBackend], client: Client) -> None:
    flaky_sms.failures = MAX_ATTEMPTS
    with clock.frozen(T0):
        failed = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")
    run_attempts_at_their_due_time(failed, limit=MAX_ATTEMPTS)
    pending = enqueue()
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/notifications/notification/",
        {"action": "resend_now", "_selected_action": [failed.pk, pending.pk]},
        follow=True,
    )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.PENDING
    assert failed.attempts == 0
    # English msgids until the Vietnamese catalogue has them.
    assert [str(m) for m in response.context["messages"]] == [
        "Đã đưa 1 thông báo vào hàng đợi gửi lại.",
        "Bỏ qua 1 thông báo: chỉ gửi lại thông báo bị lỗi.",
    ]


def test_a_send_task_lost_with_its_worker_is_recovered_when_a_worker_starts() -> None:
    with clock.frozen(T0):
        notification = enqueue()
    # A worker claimed the task and died mid-send: django-tasks-db leaves it RUNNING, never to run again.
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)

    with clock.frozen(T0 + STALLED_AFTER - dt.timedelta(minutes=1)):
        run_worker(command="worker")
    assert mail.outbox == []  # not stalled yet: its task may just be late

    with clock.frozen(T0 + STALLED_AFTER + dt.timedelta(minutes=1)):
        run_worker(command="worker")
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_a_late_task_and_its_recovery_twin_make_one_attempt(flaky_sms: type[FlakyBackend]) -> None:
    flaky_sms.failures = 1
    with clock.frozen(T0):
        notification = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")
    later = T0 + STALLED_AFTER + dt.timedelta(minutes=5)

    # The original task was only late (a long queue): the recovery at worker start gives the row a second one.
    with clock.frozen(later):
        run_worker("--max-tasks", "2", command="worker")

    notification.refresh_from_db()
    assert notification.attempts == 1  # the original failed and scheduled a retry; the twin saw it not due
    assert notification.next_attempt_at == later + dt.timedelta(minutes=1)
    assert [t.run_after for t in ready_tasks()] == [notification.next_attempt_at]


def test_a_crashing_backend_counts_as_a_failed_attempt(settings: Any) -> None:
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.no_such_module.Backend"  # misconfigured
    with clock.frozen(T0):
        notification = enqueue(channel="sms", recipient="0912345678", dedupe_key="dossier:X:received:sms")
        run_worker("--max-tasks", "1")

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.last_error.startswith("ModuleNotFoundError")
    assert len(ready_tasks()) == 1  # the retry: the row is not stranded


@pytest.mark.parametrize("recipient", ["", "   "])
def test_no_recipient_means_no_message(recipient: str) -> None:
    with transaction.atomic():
        notification = notification_enqueue(
            channel="email", recipient=recipient, subject="s", body="b", dedupe_key="dossier:X:received"
        )

    assert notification is None
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()
