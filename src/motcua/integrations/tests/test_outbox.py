"""The delivery outbox: one transaction with the change, order per key, backoff, dead letters, recovery.

The external system here is a recording handler registered for the system ``outbox-test``: it stands
for the other side, the outbox around it is the real one, run by the real database worker.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from tests.factories import make_user

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.integrations import outbox
from motcua.integrations.models import Delivery, DeliveryStatus, DeliveryStream, StreamState
from motcua.integrations.tests.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# In the real past: django-tasks-db decides what is due by the real clock, the outbox by core.clock.
T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SYSTEM = "outbox-test"


class Receiver:
    """The other side: records what it accepted, refuses while ``failing`` names the key of a message."""

    accepted: ClassVar[list[str]] = []
    failing: ClassVar[dict[str, int]] = {}  # request key -> failures left

    @classmethod
    def reset(cls) -> None:
        cls.accepted = []
        cls.failing = {}


@outbox.handler(SYSTEM, "note")
def _deliver_note(delivery: Delivery) -> None:
    left = Receiver.failing.get(delivery.request_key, 0)
    if left:
        Receiver.failing[delivery.request_key] = left - 1
        raise outbox.DeliveryError("receiver busy")
    Receiver.accepted.append(delivery.request_key)


@outbox.handler(SYSTEM, "crash")
def _crash(delivery: Delivery) -> None:
    raise KeyError("bug in a handler")


@pytest.fixture(autouse=True)
def receiver(settings: Any) -> type[Receiver]:
    settings.MOTCUA_INTEGRATIONS_RETRY = "first=30,longest=120,attempts=5"
    Receiver.reset()
    return Receiver


def put(key: str, name: str, kind: str = "note") -> Delivery:
    with transaction.atomic():
        return outbox.enqueue(system=SYSTEM, kind=kind, key=key, payload={"n": name}, request_key=name)


def run_due_until_quiet(limit: int = 100) -> list[dt.datetime]:
    """Run the waiting tasks one at a time, the clock set to each one's due moment; the moments run."""
    moments: list[dt.datetime] = []
    for _ in range(limit):
        task = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            .order_by("run_after", "enqueued_at")
            .first()
        )
        if task is None:
            break
        if not moments or moments[-1] != task.run_after:
            moments.append(task.run_after)
        with clock.frozen(task.run_after):
            run_worker("--max-tasks", "1")
    return moments


def ready_tasks() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))


def test_enqueue_commits_the_row_and_its_task_together() -> None:
    delivery = put("HS-1", "a1")

    [task] = ready_tasks()
    assert task.task_path == "motcua.integrations.tasks.deliver_message"
    assert task.args_kwargs == {"args": [delivery.pk], "kwargs": {}}
    assert str(delivery.task_id) == str(task.id)
    assert (delivery.seq, delivery.status, delivery.stream.state) == (1, DeliveryStatus.PENDING, "pending")


def test_a_rolled_back_change_leaves_no_message_and_no_task() -> None:
    class ChangeFailedError(Exception):
        pass

    def change() -> None:
        with transaction.atomic():
            outbox.enqueue(system=SYSTEM, kind="note", key="HS-1", payload={}, request_key="a1")
            raise ChangeFailedError  # a later step of the same change fails

    with pytest.raises(ChangeFailedError):
        change()

    assert not Delivery.objects.exists()
    assert not DeliveryStream.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_enqueue_is_idempotent_on_the_request_key() -> None:
    first = put("HS-1", "a1")
    again = put("HS-1", "a1")

    run_worker()

    assert again.pk == first.pk
    assert DBTaskResult.objects.count() == 1
    assert Receiver.accepted == ["a1"]
    assert DeliveryStream.objects.get().last_seq == 1


def test_messages_of_one_key_are_numbered_and_delivered_in_order() -> None:
    for name in ("a1", "a2", "a3"):
        put("HS-A", name)
    put("HS-B", "b1")

    run_worker()

    assert [name for name in Receiver.accepted if name.startswith("a")] == ["a1", "a2", "a3"]
    assert sorted(Receiver.accepted) == ["a1", "a2", "a3", "b1"]
    assert list(Delivery.objects.order_by("pk").values_list("seq", flat=True)) == [1, 2, 3, 1]
    stream = DeliveryStream.objects.get(key="HS-A")
    assert (stream.delivered_seq, stream.last_seq, stream.state) == (3, 3, StreamState.SENT)


def test_a_failing_head_blocks_its_key_only_and_the_rest_follows_in_order() -> None:
    Receiver.failing = {"a1": 2}
    with clock.frozen(T0):
        put("HS-A", "a1")
        put("HS-A", "a2")
        put("HS-B", "b1")
        put("HS-A", "a3")

    moments = run_due_until_quiet()

    assert moments[:3] == [T0, T0 + dt.timedelta(seconds=30), T0 + dt.timedelta(seconds=90)]
    assert Receiver.accepted == ["b1", "a1", "a2", "a3"]  # b1 did not wait for HS-A's trouble
    a2 = Delivery.objects.get(request_key="a2")
    assert a2.attempts == 1  # never tried while a1 was failing
    a1 = Delivery.objects.get(request_key="a1")
    assert (a1.attempts, a1.status, a1.last_error) == (3, DeliveryStatus.SENT, "")
    assert ready_tasks() == []


def test_after_the_last_attempt_a_message_is_a_dead_letter_that_blocks_its_key() -> None:
    Receiver.failing = {"a1": 100}
    with clock.frozen(T0):
        put("HS-A", "a1")
        put("HS-A", "a2")

    moments = run_due_until_quiet()

    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(moments)]
    assert gaps == [30, 60, 120, 120]  # doubling, at most "longest"; 5 attempts
    a1, a2 = Delivery.objects.order_by("seq")
    assert (a1.status, a1.attempts, a1.last_error) == (DeliveryStatus.DEAD, 5, "receiver busy")
    assert (a2.status, a2.attempts) == (DeliveryStatus.PENDING, 0)
    stream = DeliveryStream.objects.get()
    assert (stream.state, stream.last_error, stream.delivered_seq) == (StreamState.FAILED, "receiver busy", 0)
    assert list(outbox.dead_letters(system=SYSTEM)) == [a1]
    assert ready_tasks() == []


def test_replaying_a_dead_letter_delivers_it_then_its_followers() -> None:
    Receiver.failing = {"a1": 5}
    with clock.frozen(T0):
        put("HS-A", "a1")
        put("HS-A", "a2")
    run_due_until_quiet()
    dead = Delivery.objects.get(request_key="a1")
    assert dead.status == DeliveryStatus.DEAD
    admin = make_user(is_staff=True)

    with clock.frozen(T0 + dt.timedelta(days=1)):
        outbox.replay(delivery=dead, actor=admin)
        run_worker()

    assert Receiver.accepted == ["a1", "a2"]
    assert DeliveryStream.objects.get().state == StreamState.SENT
    assert AuditEvent.objects.filter(action="integrations.replay", actor=admin).count() == 1
    with pytest.raises(DomainError):
        outbox.replay(delivery=dead, actor=admin)  # sent now: nothing to replay


def test_the_admin_replays_dead_letters_only(client: Client) -> None:
    Receiver.failing = {"a1": 5}
    with clock.frozen(T0):
        put("HS-A", "a1")
    run_due_until_quiet()
    pending = put("HS-B", "b1")
    client.force_login(make_user(is_staff=True, is_superuser=True))

    listing = client.get("/admin/integrations/delivery/?status__exact=dead")
    response = client.post(
        "/admin/integrations/delivery/",
        {"action": "replay_now", "_selected_action": [Delivery.objects.get(request_key="a1").pk, pending.pk]},
        follow=True,
    )

    assert listing.status_code == 200
    assert "receiver busy" in listing.content.decode()
    assert response.status_code == 200
    a1 = Delivery.objects.get(request_key="a1")
    assert (a1.status, a1.attempts) == (DeliveryStatus.PENDING, 0)
    assert len(list(response.context["messages"])) == 2  # one replayed, one skipped


def test_a_delivery_whose_worker_died_is_recovered_when_a_worker_starts() -> None:
    put("HS-A", "a1")
    put("HS-A", "a2")
    # A worker claimed a1's task and was killed mid-call: the task stays RUNNING, the row stays pending.
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(status=TaskResultStatus.RUNNING)

    run_worker()
    assert Receiver.accepted == []  # nothing runs a RUNNING task again

    run_worker(command="worker")

    assert Receiver.accepted == ["a1", "a2"]
    assert outbox.requeue_lost() == 0


def test_the_recovery_leaves_rows_whose_task_is_waiting_alone() -> None:
    put("HS-A", "a1")
    put("HS-A", "a2")  # not the head: its predecessor wakes it

    assert outbox.requeue_lost() == 0
    assert DBTaskResult.objects.count() == 1


def test_a_duplicate_task_for_a_delivered_message_does_nothing() -> None:
    from motcua.integrations.tasks import deliver_message

    delivery = put("HS-A", "a1")
    run_worker()
    with transaction.atomic():
        deliver_message.enqueue(delivery.pk)

    run_worker()

    assert Receiver.accepted == ["a1"]
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_crashing_handler_is_a_failed_attempt_with_its_reason() -> None:
    with clock.frozen(T0):
        put("HS-A", "c1", kind="crash")
        run_worker("--max-tasks", "1")

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error.startswith("KeyError")
    assert len(ready_tasks()) == 1  # its retry: never stranded


def test_a_message_without_a_handler_fails_with_that_reason() -> None:
    with clock.frozen(T0):
        put("HS-A", "x1", kind="unknown-kind")
        run_worker("--max-tasks", "1")

    assert Delivery.objects.get().last_error == f"no handler registered for {SYSTEM}/unknown-kind"
