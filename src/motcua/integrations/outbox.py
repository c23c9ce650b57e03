"""The outbound delivery outbox: how MotCua calls external systems without losing or reordering anything.

Use it in three steps:

1. Register a handler per (system, kind): a function that makes ONE call for one ``Delivery`` and raises
   ``DeliveryError`` (with a reason an administrator can read) when the call did not succeed::

       @outbox.handler("portal", "DongBoHoSoMC")
       def push_dossier(delivery: Delivery) -> None: ...

   It must send ``delivery.request_key`` along (a header or a field) so the receiver can drop repeats, and
   may send ``delivery.seq`` so the receiver can check the order.
2. Call ``enqueue(system=, kind=, key=, payload=, request_key=)`` INSIDE the business transaction that
   makes the change to announce: the row and its task (django-tasks-db, same database) commit or roll back
   with the change, so there is no lost and no phantom message.
3. Run ``motcua worker``: it delivers, retries, and at start recovers deliveries whose worker died.

Guarantees:

- **At least once.** A committed delivery is attempted until the receiver accepts it or it becomes a dead
  letter. Each attempt runs with its row locked (SELECT ... FOR UPDATE), so two workers never attempt one
  message at once; a task that finds the row sent, dead or not yet due does nothing. If a worker dies
  during a call, its transaction rolls back (the attempt is not counted) and django-tasks-db leaves the
  task RUNNING for ever: ``requeue_lost()`` (run by ``motcua worker`` at start) gives such rows a new task.
  A message the receiver applied just before the worker died is therefore sent again.
- **Effectively once**, with the receiver's help: every attempt of one message carries the same
  ``request_key``; the receiver applies a key once and answers a repeat with success. ``enqueue`` itself
  is idempotent on ``request_key`` (a second call returns the first row and queues nothing).
- **Ordered per key.** Messages of one (system, key) are numbered 1, 2, 3... in enqueue order (the
  stream row is locked while numbering, so concurrent writers of one key queue up) and message n is
  attempted only after messages 1..n-1 were delivered. A failing message blocks its own key only; other
  keys flow. When message n is delivered, message n+1 is woken in the same transaction.
- **Retries with exponential backoff**: after the k-th failed attempt the next one waits
  ``first × 2^(k-1)``, at most ``longest`` (setting ``INTEGRATIONS_RETRY``). After ``attempts`` failures
  the message is a **dead letter**: it stays, with its last error, blocking its key, until an
  administrator replays it (``replay()``: the admin action, or the sync page's re-send), which gives it a
  fresh round of attempts.

Any exception from a handler is a failed attempt (logged with its reason, stored in ``last_error``); a
handler must never log secrets (tokens) and its errors must not contain them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.accounts.models import User
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError
from motcua.integrations.models import Delivery, DeliveryStatus, DeliveryStream, StreamState

logger = logging.getLogger(__name__)

_ERROR_LENGTH = 2000

Handler = Callable[[Delivery], None]
_HANDLERS: dict[tuple[str, str], Handler] = {}


class DeliveryError(Exception):
    """A call that did not succeed; the message is the reason shown to administrators (no secrets)."""


# -- the handler registry ------------------------------------------------------------------------------------


def handler(system: str, kind: str) -> Callable[[Handler], Handler]:
    """Register the function that delivers messages of ``kind`` to ``system`` (a decorator)."""

    def register(function: Handler) -> Handler:
        _HANDLERS[(system, kind)] = function
        return function

    return register


def handler_for(system: str, kind: str) -> Handler:
    try:
        return _HANDLERS[(system, kind)]
    except KeyError:
        raise DeliveryError(f"no handler registered for {system}/{kind}") from None


# -- the retry policy ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    first: dt.timedelta
    longest: dt.timedelta
    attempts: int

    def delay(self, failed_attempts: int) -> dt.timedelta:
        """The wait after the ``failed_attempts``-th failure: first, 2×first, 4×first... at most longest."""
        if failed_attempts < 1:
            raise ValueError("delay() counts failed attempts from 1")
        doublings = min(failed_attempts - 1, 30)  # bounded: no overflow however many attempts
        return min(self.first * (1 << doublings), self.longest)


def parse_retry_policy(text: str) -> RetryPolicy:
    """``first=30,longest=3600,attempts=10`` (seconds, seconds, count); missing parts keep the default."""
    values = {"first": 30, "longest": 3600, "attempts": 10}
    for part in text.split(","):
        if not part.strip():
            continue
        name, _, number = part.partition("=")
        name = name.strip()
        if name not in values or not number.strip().isdigit() or int(number) < 1:
            raise ValueError(f"INTEGRATIONS_RETRY: bad part {part!r} (first=S,longest=S,attempts=N)")
        values[name] = int(number)
    return RetryPolicy(
        first=dt.timedelta(seconds=values["first"]),
        longest=dt.timedelta(seconds=max(values["longest"], values["first"])),
        attempts=values["attempts"],
    )


def retry_policy() -> RetryPolicy:
    return parse_retry_policy(getattr(settings, "MOTCUA_INTEGRATIONS_RETRY", ""))


# -- writes --------------------------------------------------------------------------------------------------


def enqueue(*, system: str, kind: str, key: str, payload: dict[str, Any], request_key: str) -> Delivery:
    """Queue one message after every earlier message of ``(system, key)``; call it inside the transaction of
    the change it announces. Idempotent on ``request_key`` (the first writer wins)."""
    if not (system and kind and key and request_key):
        raise ValueError("enqueue() needs a system, a kind, a key and a request_key")
    with transaction.atomic():
        existing = Delivery.objects.filter(request_key=request_key).first()
        if existing is not None:
            return existing
        DeliveryStream.objects.bulk_create(
            [DeliveryStream(system=system, key=key)], ignore_conflicts=True
        )  # then lock it: the numbering below is the order, so writers of one key take turns
        stream = DeliveryStream.objects.select_for_update().get(system=system, key=key)
        stream.last_seq += 1
        if stream.state != StreamState.FAILED:
            stream.state = StreamState.PENDING
        stream.updated_at = clock.now()
        stream.save(update_fields=["last_seq", "state", "updated_at"])
        delivery = Delivery.objects.create(
            stream=stream,
            seq=stream.last_seq,
            kind=kind,
            request_key=request_key,
            payload=payload,
            next_attempt_at=clock.now(),
        )
        # Only the head of the stream can be attempted now; later ones are woken by their predecessor.
        if stream.delivered_seq == delivery.seq - 1:
            _schedule(delivery)
    return delivery


def deliver(*, delivery_id: int) -> Delivery | None:
    """One attempt: the body of the delivery task. Returns the row as left (None if it is gone).

    The handler runs with the row locked, inside the transaction that records the outcome: a second task
    for the same row waits, then finds it sent (or not due) and does nothing.
    """
    with transaction.atomic(durable=True):
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("stream")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery
        now = clock.now()
        if delivery.next_attempt_at > now:
            return delivery  # a superseded duplicate task: the row's own task is due later
        delivered = DeliveryStream.objects.filter(pk=delivery.stream_id).values_list(
            "delivered_seq", flat=True
        )
        if delivered.get() != delivery.seq - 1:
            return delivery  # an earlier message of the key is not delivered: it wakes this one when it is
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            handler_for(delivery.stream.system, delivery.kind)(delivery)
        except Exception as error:  # any failure is a failed attempt; escaping would strand the row
            _record_failure(delivery, error, now=now)
        else:
            _record_success(delivery, now=now)
    return delivery


def replay(*, delivery: Delivery, actor: User) -> Delivery:
    """Give a dead letter a fresh round of attempts, starting now (audit-recorded)."""
    with transaction.atomic(durable=True):
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status != DeliveryStatus.DEAD:
            raise DomainError("Chỉ gửi lại được thông điệp đã gửi không thành công.")
        locked.status = DeliveryStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = clock.now()
        stream = DeliveryStream.objects.select_for_update().get(pk=locked.stream_id)
        stream.state = StreamState.PENDING
        stream.updated_at = clock.now()
        stream.save(update_fields=["state", "updated_at"])
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        _schedule(locked)
        audit_record(
            actor=actor,
            action="integrations.replay",
            obj=locked,
            system=stream.system,
            key=stream.key,
            kind=locked.kind,
            request_key=locked.request_key,
        )
    return locked


def requeue_lost() -> int:
    """Give a new task to each deliverable row whose task was lost; returns how many.

    Deliverable: pending, due, the head of its stream, and not locked by a worker attempting it now. Lost:
    its task is not waiting to run (django-tasks-db leaves the task of a killed worker RUNNING for ever;
    a task that crashed is FAILED). A row whose worker is alive but has not locked it yet may get a second
    task: the lock and the status/due checks make the later one a no-op.
    """
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).values("id")
    with transaction.atomic(durable=True):
        lost = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=clock.now(),
                seq=F("stream__delivered_seq") + 1,
            )
            .exclude(task_id__in=waiting)
            .order_by("pk")
        )
        for delivery in lost:
            logger.warning("delivery %s (%s) lost its task: requeued", delivery.pk, delivery.request_key)
            _schedule(delivery)
    return len(lost)


# -- reads ---------------------------------------------------------------------------------------------------


def dead_letters(*, system: str = "") -> QuerySet[Delivery]:
    qs = Delivery.objects.filter(status=DeliveryStatus.DEAD).select_related("stream")
    if system:
        qs = qs.filter(stream__system=system)
    return qs.order_by("-last_attempt_at", "-pk")


# -- internals -----------------------------------------------------------------------------------------------


def _record_success(delivery: Delivery, *, now: dt.datetime) -> None:
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "last_attempt_at", "sent_at", "last_error"])
    stream = DeliveryStream.objects.select_for_update().get(pk=delivery.stream_id)
    stream.delivered_seq = delivery.seq
    stream.state = StreamState.SENT if stream.delivered_seq == stream.last_seq else StreamState.PENDING
    stream.last_error = ""
    stream.updated_at = now
    stream.save(update_fields=["delivered_seq", "state", "last_error", "updated_at"])
    successor = (
        Delivery.objects.select_for_update()
        .filter(stream_id=stream.pk, seq=delivery.seq + 1, status=DeliveryStatus.PENDING)
        .first()
    )
    if successor is not None and not _has_waiting_task(successor):
        successor.next_attempt_at = now
        successor.save(update_fields=["next_attempt_at"])
        _schedule(successor)


def _record_failure(delivery: Delivery, error: Exception, *, now: dt.datetime) -> None:
    if isinstance(error, DeliveryError):
        logger.warning(
            "delivery %s (%s #%s) attempt %s failed: %s",
            delivery.pk,
            delivery.kind,
            delivery.seq,
            delivery.attempts,
            error,
        )
        message = str(error)
    else:
        logger.exception("delivery %s attempt %s crashed", delivery.pk, delivery.attempts)
        message = f"{type(error).__name__}: {error}"
    delivery.last_error = message[:_ERROR_LENGTH]
    policy = retry_policy()
    stream = DeliveryStream.objects.select_for_update().get(pk=delivery.stream_id)
    if delivery.attempts >= policy.attempts:
        delivery.status = DeliveryStatus.DEAD
        stream.state = StreamState.FAILED
        logger.error(
            "delivery %s (%s) is a dead letter after %s attempts",
            delivery.pk,
            delivery.request_key,
            delivery.attempts,
        )
    else:
        delivery.next_attempt_at = now + policy.delay(delivery.attempts)
        _schedule(delivery)
    delivery.save(update_fields=["status", "attempts", "last_attempt_at", "next_attempt_at", "last_error"])
    stream.last_error = delivery.last_error
    stream.updated_at = now
    stream.save(update_fields=["state", "last_error", "updated_at"])


def _has_waiting_task(delivery: Delivery) -> bool:
    return delivery.task_id is not None and (
        DBTaskResult.objects.filter(pk=delivery.task_id, status=TaskResultStatus.READY).exists()
    )


def _schedule(delivery: Delivery) -> None:
    """Enqueue the delivery task due at ``next_attempt_at`` in the current transaction; remember its id."""
    from motcua.integrations.tasks import deliver_message  # the task module calls back into this one

    result = deliver_message.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    delivery.task_id = result.id
    Delivery.objects.filter(pk=delivery.pk).update(task_id=result.id)
