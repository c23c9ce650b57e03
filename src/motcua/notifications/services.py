"""Writes of the notifications outbox.

Invariant: every pending notification has a send task, committed in the same transaction that last set its
``next_attempt_at``, due at that moment. Enqueue, retry, resend and recovery all keep it; a task that finds
the row not yet due is a superseded duplicate and does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.db import transaction

from motcua.accounts.models import User
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError, NotFoundError
from motcua.notifications.backends import DeliveryError, OutgoingMessage, PermanentDeliveryError, get_backend
from motcua.notifications.events import EVENTS
from motcua.notifications.models import (
    Channel,
    DeliveryStatus,
    MessageTemplate,
    Notification,
    NotificationStatus,
)
from motcua.notifications.ratelimit import rate_acquire
from motcua.notifications.rendering import render_event, sms_segments

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
    template: str = "",
    params: Mapping[str, str] | None = None,
    external_template_id: str = "",
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
                "template": template,
                "params": dict(params or {}),
                "external_template_id": external_template_id,
                "segments": sms_segments(body) if channel == Channel.SMS else 0,
                "next_attempt_at": clock.now(),
            },
        )
        if created:
            _schedule(notification)
    return notification


def notification_enqueue_event(
    *,
    event: str,
    channel: str,
    recipient: str,
    params: Mapping[str, str],
    dedupe_key: str,
    related_type: str = "",
    related_id: str = "",
) -> Notification | None:
    """Put the message announcing ``event`` (a code of ``events.EVENTS``) in the outbox, worded by its
    template for the channel. None when there is no recipient, or the event sends nothing on this channel
    (switched off by an administrator, or no Zalo template). Idempotent on ``dedupe_key`` like
    notification_enqueue, which it calls: the same transaction rules apply."""
    if not recipient.strip():
        return None
    rendered = render_event(code=event, channel=channel, params=params)
    if rendered is None:
        return None
    return notification_enqueue(
        channel=channel,
        recipient=recipient,
        subject=rendered.subject,
        body=rendered.body,
        dedupe_key=dedupe_key,
        related_type=related_type,
        related_id=related_id,
        template=event,
        params=params,
        external_template_id=rendered.external_template_id,
    )


def notification_deliver(*, notification_id: int) -> Notification | None:
    """One delivery attempt: the body of the send task. Returns the row as left, None if it is gone.

    First the channel's rate limit: over it, the row is postponed to the next minute without counting an
    attempt (never dropped). Then the backend is called while the row is locked (SELECT ... FOR UPDATE on
    PostgreSQL; on SQLite the IMMEDIATE transaction holds the database write lock), so a second worker
    running a duplicate task for the same row waits, then sees it sent and does nothing: two workers never
    both send a message.

    What the lock cannot do: if the process dies, or the database connection drops, after the backend
    accepted the message but before COMMIT, the transaction rolls back and the row is still pending with
    its attempt uncounted; notification_requeue_stalled() later gives it a new task and the message is
    handed over a second time. The same happens when a gateway took the message yet the answer was lost (a
    timeout). The SMS and Zalo gateways close that gap: the request carries the dedupe key as its request
    id, and the gateway answers a repeat with the first message's id instead of sending it again; its
    delivery report, which names the request id, also marks the row sent. E-mail stays at-least-once.
    """
    now = clock.now()
    peek = Notification.objects.filter(pk=notification_id).first()
    if peek is None or peek.status != NotificationStatus.PENDING or peek.next_attempt_at > now:
        return peek  # sent, given up, or a superseded duplicate task: the row's own task is due later
    reopens_at = rate_acquire(channel=peek.channel, now=now)
    if reopens_at is not None:
        return _postpone(notification_id, until=reopens_at, now=now)
    with transaction.atomic(durable=True):
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != NotificationStatus.PENDING:
            return notification
        if notification.next_attempt_at > now:
            return notification
        notification.attempts += 1
        try:
            backend = get_backend(notification.channel)
            message_id = backend.send(
                OutgoingMessage(
                    recipient=notification.recipient,
                    subject=notification.subject,
                    body=notification.body,
                    request_id=notification.dedupe_key,
                    params=notification.params,
                    external_template_id=notification.external_template_id,
                )
            )
        except Exception as error:  # any failure is a failed attempt; escaping would strand the row
            _record_failure(notification, error, now=now)
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = now
            notification.last_error = ""
            notification.provider_message_id = message_id or notification.provider_message_id
        notification.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "last_error",
                "sent_at",
                "provider_message_id",
            ]
        )
    return notification


def _postpone(notification_id: int, *, until: dt.datetime, now: dt.datetime) -> Notification | None:
    """The channel is over its rate: try again when the next window opens; no attempt is counted."""
    with transaction.atomic(durable=True):
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != NotificationStatus.PENDING:
            return notification
        if notification.next_attempt_at > now:
            return notification
        logger.info(
            "notification %s postponed to %s: %s rate limit", notification.pk, until, notification.channel
        )
        notification.next_attempt_at = until
        notification.save(update_fields=["next_attempt_at"])
        _schedule(notification)
    return notification


def notification_record_delivery(
    *,
    channel: str,
    message_id: str,
    request_id: str,
    delivered: bool,
    reason: str,
    at: dt.datetime,
) -> Notification:
    """Record a gateway's delivery report (the callback endpoint calls it; polling could too).

    The message is found by the provider's id, else by the request id (our dedupe key): a report may come
    for a message whose send answer was lost, and then it proves the send, so the row becomes sent.
    Idempotent, and a report older than the one recorded changes nothing. NotFoundError for a report
    naming no message of ours on that channel.
    """
    with transaction.atomic(durable=True):
        matching = Notification.objects.select_for_update().filter(channel=channel)
        notification = None
        if message_id:
            notification = matching.filter(provider_message_id=message_id).first()
        if notification is None and request_id:
            notification = matching.filter(dedupe_key=request_id).first()
            if notification is not None and notification.provider_message_id not in ("", message_id):
                notification = None  # that request was answered with another message
        if notification is None:
            raise NotFoundError("Không tìm thấy tin nhắn của báo cáo gửi tin.")
        if notification.delivery_reported_at is not None and notification.delivery_reported_at > at:
            return notification  # an older report arriving late
        if notification.status != NotificationStatus.SENT:
            logger.info("notification %s: a delivery report proves the send", notification.pk)
            notification.status = NotificationStatus.SENT
            notification.sent_at = clock.now()
            notification.last_error = ""
        notification.provider_message_id = message_id or notification.provider_message_id
        notification.delivery_status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.FAILED
        notification.delivery_error = "" if delivered else (reason or "không rõ lý do")[:500]
        notification.delivery_reported_at = at
        notification.save(
            update_fields=[
                "status",
                "sent_at",
                "last_error",
                "provider_message_id",
                "delivery_status",
                "delivery_error",
                "delivery_reported_at",
            ]
        )
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
    if notification.attempts >= MAX_ATTEMPTS or isinstance(error, PermanentDeliveryError):
        notification.status = NotificationStatus.FAILED
        return
    notification.next_attempt_at = now + retry_delay(notification.attempts)
    _schedule(notification)


def _schedule(notification: Notification) -> None:
    """Enqueue the send task due at ``next_attempt_at``, in the current transaction."""
    # Imported here: the task module calls back into this one.
    from motcua.notifications.tasks import send_notification

    send_notification.using(run_after=notification.next_attempt_at).enqueue(notification.pk)


def message_templates_create_missing(*, using: str = "default") -> int:
    """Create the template row of each event that has none, from the defaults; returns how many."""
    existing = set(MessageTemplate.objects.using(using).values_list("code", flat=True))
    rows = [
        MessageTemplate(
            code=event.code,
            name=event.name,
            subject=event.subject,
            email_body=event.email_template,
            sms_text=event.sms_text,
            zalo_text=event.zalo_text if event.zalo_template_id else "",
            zalo_template_id=event.zalo_template_id,
        )
        for event in EVENTS.values()
        if event.code not in existing
    ]
    MessageTemplate.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(rows)
