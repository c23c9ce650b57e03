"""A running ``motcua worker`` recovers a delivery whose task was lost without being restarted.

A worker killed mid-delivery leaves its task RUNNING for ever; the surviving workers started before that,
so their start-up recovery never sees it. Their periodic job ``outbox_requeue_lost`` must.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.core import periodic
from motcua.integrations.models import Delivery, DeliveryStatus
from motcua.integrations.tests.test_kill import Processes, _enqueue_change, processes  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _only(job: str, seconds: int) -> str:
    return json.dumps({j.name: (seconds if j.name == job else 0) for j in periodic.jobs()})


def _lost_change() -> Delivery:
    """A change whose task a killed worker holds: committed RUNNING, never READY for a live worker."""
    with transaction.atomic():
        _enqueue_change(1, 1)
        delivery = Delivery.objects.latest("pk")
        DBTaskResult.objects.filter(pk=str(delivery.task_id)).update(
            status=TaskResultStatus.RUNNING, worker_ids=["killed-worker"]
        )
    return delivery


def _worker_running(running: Processes) -> None:
    """Start a worker and wait until it has delivered one ordinary change: past its start-up recovery."""
    running.start_simulator()
    running.start_worker()
    _enqueue_change(2, 1)
    assert _wait_sent(Delivery.objects.get(), 120), "the worker did not start"


def _wait_sent(delivery: Delivery, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status == DeliveryStatus.SENT:
            return True
        time.sleep(0.2)
    return False


def test_a_running_worker_recovers_a_lost_delivery(processes: Processes) -> None:  # noqa: F811
    processes.env.update(PERIODIC_TICK="0.2", PERIODIC_INTERVALS=_only("outbox_requeue_lost", 1))
    _worker_running(processes)

    delivery = _lost_change()
    assert _wait_sent(delivery, 60), "the running worker never recovered the lost delivery"
    code = "000.00.32.H37-260302-0001"
    applied = httpx.get(f"{processes.url}/_messages", params={"MaHoSo": code}, timeout=5).json()
    assert len(applied) == 1


def test_without_the_periodic_job_the_lost_delivery_waits(processes: Processes) -> None:  # noqa: F811
    processes.env.update(PERIODIC_TICK="0.2", PERIODIC_INTERVALS=_only("outbox_requeue_lost", 0))
    _worker_running(processes)

    delivery = _lost_change()
    assert not _wait_sent(delivery, 5)  # what the first test's recovery is needed for
