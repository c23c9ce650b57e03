"""THE KILL TEST: workers and the portal simulator killed (SIGKILL) mid-delivery lose and duplicate nothing.

Real processes against the test's PostgreSQL database: the portal simulator (``python -m
motcua.integrations.simulators.portal``) and two ``motcua worker`` processes. While status changes of many
dossiers are queued, a worker is killed and restarted every few moments and the simulator now and then.
At the end every message must have been applied exactly once on the simulator (repeats refused by their
request key are allowed and counted), in order per dossier, none lost.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection, transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from motcua.integrations import outbox
from motcua.integrations.models import Delivery, DeliveryStatus
from motcua.integrations.portal import sync, wire
from motcua.integrations.tests.conftest import TOKEN
from motcua.integrations.tests.test_portal_contract import snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DOSSIERS = 40
CHANGES_PER_DOSSIER = 8  # 320 messages
REPO = Path(__file__).resolve().parents[4]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Processes:
    """The simulator and the workers, each restartable and killable by its own process id."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        db = connection.settings_dict
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}",
            "NATIONAL_PORTAL_URL": self.url,
            "NATIONAL_PORTAL_TOKEN": TOKEN,
            "NATIONAL_PORTAL_TIMEOUT": "2",
            "INTEGRATIONS_RETRY": "first=1,longest=2,attempts=1000",
            "LOG_LEVEL": "ERROR",
            "DEBUG": "false",
        }
        self.simulator: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self._started = 0
        self.worker_kills = self.simulator_kills = 0
        self._logs = 0

    def _log(self, name: str) -> Any:
        self._logs += 1
        return (self.tmp_path / f"{self._logs:03d}-{name}.log").open("wb")

    def start_simulator(self) -> None:
        command = [sys.executable, "-m", "motcua.integrations.simulators.portal", "--port", str(self.port)]
        command += ["--data", str(self.tmp_path / "portal.sqlite3")]
        self.simulator = subprocess.Popen(
            command, env=self.env, stdout=self._log("sim"), stderr=subprocess.STDOUT
        )
        for _ in range(200):
            try:
                httpx.get(f"{self.url}/_state", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("the simulator did not start")

    def kill_simulator(self) -> None:
        assert self.simulator is not None
        os.kill(self.simulator.pid, signal.SIGKILL)
        self.simulator.wait()
        self.simulator_kills += 1

    def start_worker(self) -> None:
        self._started += 1
        worker_id = f"kill-test-{self._started}"
        command = [sys.executable, "-m", "motcua", "worker", "--no-reload", "--no-startup-delay"]
        command += ["--interval", "0.05", "--verbosity", "0", "--worker-id", worker_id]
        self.workers[worker_id] = subprocess.Popen(
            command, env=self.env, cwd=REPO, stdout=self._log("worker"), stderr=subprocess.STDOUT
        )

    def kill_worker(self, worker_id: str) -> None:
        worker = self.workers.pop(worker_id)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        self.worker_kills += 1

    def kill_a_busy_worker(self, wait: float = 20.0) -> bool:
        """SIGKILL a worker while it runs a delivery task (True), or any worker after ``wait`` s (False)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
                "worker_ids", flat=True
            )
            busy = {ids[-1] for ids in running if ids} & set(self.workers)
            if busy:
                self.kill_worker(sorted(busy)[0])
                return True
            time.sleep(0.01)
        self.kill_worker(next(iter(self.workers)))
        return False

    def control(self, **orders: Any) -> None:
        httpx.post(f"{self.url}/_control", json=orders, timeout=5)

    def stop_all(self) -> None:
        for process in [*self.workers.values(), self.simulator]:
            if process is not None and process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        self.workers = {}


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    if connection.vendor != "postgresql":
        pytest.skip("the kill test needs PostgreSQL (worker processes share the test database)")
    running = Processes(tmp_path)
    yield running
    running.stop_all()


def _message(dossier: int, step: int) -> tuple[str, str, dict[str, Any]]:
    code = f"000.00.32.H37-260302-{dossier:04d}"
    if step == 1:
        return code, wire.PUSH_DOSSIER, wire.dossier_message(snapshot(code=code))
    at = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC) + dt.timedelta(minutes=step)
    entry = wire.HistoryEntry(at, f"step{step}", f"Bước {step}", 4, 4)
    return code, wire.PUSH_PROGRESS, wire.progress_message(snapshot(code=code, status=4), entry)


def _enqueue_change(dossier: int, step: int) -> None:
    code, kind, body = _message(dossier, step)
    with transaction.atomic():  # like a status change: its own transaction
        outbox.enqueue(
            system=sync.SYSTEM, kind=kind, key=code, payload=body, request_key=f"portal:{code}:event:{step}"
        )


def test_killing_workers_and_the_portal_mid_delivery_loses_and_duplicates_nothing(
    processes: Processes,
) -> None:
    chaos = random.Random(20260302)
    processes.start_simulator()
    processes.control(delay=0.05)  # each call takes a while: kills land inside calls
    processes.start_worker()
    processes.start_worker()

    busy_kills = 0
    for step in range(1, CHANGES_PER_DOSSIER + 1):
        for dossier in range(1, DOSSIERS + 1):
            _enqueue_change(dossier, step)
        time.sleep(chaos.uniform(0.0, 0.5))
        busy_kills += processes.kill_a_busy_worker()
        processes.start_worker()
        if step % 3 == 0:
            processes.kill_simulator()
            time.sleep(chaos.uniform(0.1, 0.5))
            processes.start_simulator()
            processes.control(delay=0.05)

    total = DOSSIERS * CHANGES_PER_DOSSIER
    deadline = time.monotonic() + 240
    sent, last_progress = 0, time.monotonic()
    while sent < total and time.monotonic() < deadline:
        time.sleep(0.5)
        now_sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
        if now_sent > sent:
            sent, last_progress = now_sent, time.monotonic()
        elif time.monotonic() - last_progress > 8:
            # A worker killed just as another started can leave a task the start-up recovery did not see
            # (its row still locked by the dying connection): a restart recovers it, as cron would.
            processes.kill_worker(next(iter(processes.workers)))
            processes.start_worker()
            last_progress = time.monotonic()
    processes.stop_all()

    # Kills landed mid-task: tasks left RUNNING for ever by killed workers, each recovered by a restart.
    assert busy_kills >= 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    assert processes.worker_kills >= CHANGES_PER_DOSSIER
    assert processes.simulator_kills >= 2
    assert sent == total, f"{total - sent} messages not delivered"
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()

    processes.start_simulator()
    state = httpx.get(f"{processes.url}/_state", timeout=5).json()
    applied = httpx.get(f"{processes.url}/_messages", timeout=10).json()
    assert state["errors"] == []  # never out of order, never an update before its dossier
    keys = [m["MaGiaoDich"] for m in applied]
    assert len(keys) == len(set(keys)) == total  # each applied exactly once, none lost
    assert set(keys) == set(Delivery.objects.values_list("request_key", flat=True))
    by_dossier: dict[str, list[int]] = defaultdict(list)
    for message in applied:  # in the order the simulator applied them
        by_dossier[message["MaHoSo"]].append(message["SoThuTu"])
    assert len(by_dossier) == DOSSIERS
    assert all(seqs == list(range(1, CHANGES_PER_DOSSIER + 1)) for seqs in by_dossier.values())
    print(
        f"kill test: {total} messages, {processes.worker_kills} worker kills ({busy_kills} mid-task), "
        f"{processes.simulator_kills} simulator kills, {state['duplicates']} repeats refused by request key"
    )
