"""Writes of the notifications outbox.

Invariant: every pending notification has a send task, committed in the same transaction that last set its
``next_attempt_at``, due at that moment. Enqueue, retry, resend and recovery all keep it; a task that finds
the row not yet due is a superseded duplicate and does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from motcua.accounts.models import User
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError
from motcua.notifications.backends import DeliveryError, get_backend
from motcua.notifications.models import Channel, Notification, NotificationStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_DELAY = dt.timedelta(minutes=1)
LONGEST_RETRY_DELAY = dt.timedelta(hours=1)
# A pending row this long past due has lost its task (a worker died mid-send): notification_requeue_stalled.
STALLED_AFTER = dt.timedelta(minutes=15)
_ERROR_LENGTH = 2000


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8 … minutes, at most one hour."""
    if attempts < 1:
        raise ValueError("retry_delay() counts failed attempts from 1")
    doublings = min(attempts - 1, 30)  # a bounded exponent: no timedelta overflow however many attempts
    return min(FIRST_RETRY_DELAY * (1 << doublings), LONGEST_RETRY_DELAY)


def notification_enqueue(
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    dedupe_key: str,
    related_type: str = "",
    related_id: str = "",
) -> Notification | None:
    """Put one message in the outbox; call it inside the transaction of the business event it announces.

    Idempotent on ``dedupe_key``: the first call creates the row and its send task, later calls return that
    row unchanged (first writer wins) and enqueue nothing. No recipient (a citizen without an e-mail
    address) means no message: returns None.
    """
    recipient = recipient.strip()
    if not recipient:
        return None
    if not dedupe_key:
        raise ValueError("notification_enqueue() needs a dedupe_key naming the business event")
    channel = Channel(channel).value
    # Joins the caller's transaction when there is one, so the row and its task row (django-tasks-db writes
    # it in the same database) commit or roll back with the business change; alone, it is still one
    # transaction for both. get_or_create turns a concurrent duplicate (unique dedupe_key) into a read.
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "channel": channel,
                "recipient": recipient,
                "subject": subject,
                "body": body,
                "related_type": related_type,
                "related_id": related_id,
                "next_attempt_at": clock.now(),
            },
        )
        if created:
            _schedule(notification)
    return notification


def notification_deliver(*, notification_id: int) -> Notification | None:
    """One delivery attempt: the body of the send task. Returns the row as left, None if it is gone.

    The backend is called while the row is locked (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the
    IMMEDIATE transaction holds the database write lock), so a second worker running a duplicate task for
    the same row waits, then sees it sent and does nothing: two workers never both send a message.

    What the lock cannot do: if the process dies, or the database connection drops, after the backend
    accepted the message but before COMMIT, the transaction rolls back and the row is still pending with
    its attempt uncounted, as if nothing had been sent. django-tasks-db leaves that task RUNNING for ever,
    so notification_requeue_stalled() later gives the row a new task and the message goes out a second
    time. So delivery is at-least-once, not exactly-once: a duplicate needs a crash in that window, or a
    channel that took the message yet reported a failure (a timeout after the server accepted it); no
    channel here takes an idempotency key that would close either gap. Duplicate tasks never duplicate.
    """
    with transaction.atomic(durable=True):
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != NotificationStatus.PENDING:
            return notification
        now = clock.now()
        if notification.next_attempt_at > now:
            return notification  # a superseded duplicate task: the row's own task is due later
        notification.attempts += 1
        try:
            backend = get_backend(notification.channel)
            backend.send(
                recipient=notification.recipient, subject=notification.subject, body=notification.body
            )
        except Exception as error:  # any failure is a failed attempt; escaping would strand the row
            _record_failure(notification, error, now=now)
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            notification.last_error = ""
        notification.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
    return notification


def notification_resend(*, notification: Notification, actor: User) -> Notification:
    """Give a notification that failed a fresh round of attempts, starting now (the admin's "resend now")."""
    with transaction.atomic(durable=True):
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.FAILED:
            raise DomainError("Chỉ gửi lại được thông báo đã gửi không thành công.")
        locked.status = NotificationStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = clock.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        _schedule(locked)
        audit_record(actor=actor, action="notification.resend", obj=locked, dedupe_key=locked.dedupe_key)
    return locked


def notification_requeue_stalled(*, stalled_before: dt.datetime) -> int:
    """Give a new send task to pending rows due before ``stalled_before``; returns how many.

    django-tasks-db has no lease on running tasks: a worker that dies mid-task leaves it RUNNING for ever
    and the row's retry chain ends there. This is the recovery (``motcua worker`` runs it at start). A row
    whose task is merely late (a long queue) may get a second task; the lock and the due check in
    notification_deliver() make the extra one a no-op.
    """
    with transaction.atomic(durable=True):
        stalled = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING, next_attempt_at__lt=stalled_before)
            .order_by("next_attempt_at")
        )
        now = clock.now()
        for notification in stalled:
            logger.warning(
                "notification %s stalled since %s: requeued", notification.pk, notification.next_attempt_at
            )
            notification.next_attempt_at = now
            notification.save(update_fields=["next_attempt_at"])
            _schedule(notification)
    return len(stalled)


def _record_failure(notification: Notification, error: Exception, *, now: dt.datetime) -> None:
    if isinstance(error, DeliveryError):
        logger.warning("notification %s attempt %s failed: %s", notification.pk, notification.attempts, error)
        message = str(error)
    else:
        logger.exception("notification %s attempt %s crashed", notification.pk, notification.attempts)
        message = f"{type(error).__name__}: {error}"
    notification.last_error = message[:_ERROR_LENGTH]
    if notification.attempts >= MAX_ATTEMPTS:
        notification.status = NotificationStatus.FAILED
        return
    notification.next_attempt_at = now + retry_delay(notification.attempts)
    _schedule(notification)


def _schedule(notification: Notification) -> None:
    """Enqueue the send task due at ``next_attempt_at``, in the current transaction."""
    # Imported here: the task module calls back into this one.
    from motcua.notifications.tasks import send_notification

    send_notification.using(run_after=notification.next_attempt_at).enqueue(notification.pk)
