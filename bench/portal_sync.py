"""National portal sync throughput and lag (run by bench/portal_sync.sh against a migrated scratch database).

Starts the portal simulator and BENCH_WORKERS ``motcua worker`` processes, then queues BENCH_CHANGES status
changes over BENCH_DOSSIERS dossiers through the outbox, each in its own transaction, at BENCH_RATE changes
per second (0: as fast as possible), exactly as the dossier services do. Measures, once everything is
delivered: status changes delivered per second (first enqueue to last delivery) and the lag between a
change's commit and its delivery (p50/p95/p99/max). Writes a JSON line to stdout.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
django.setup()

import httpx  # noqa: E402
from django.db import transaction  # noqa: E402

from motcua.integrations import outbox  # noqa: E402
from motcua.integrations.models import Delivery, DeliveryStatus  # noqa: E402
from motcua.integrations.portal import sync, wire  # noqa: E402
from motcua.integrations.tests.test_portal_contract import snapshot  # noqa: E402

CHANGES = int(os.environ.get("BENCH_CHANGES", "1000"))
DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "100"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
RATE = float(os.environ.get("BENCH_RATE", "0"))
PORT = int(os.environ["BENCH_PORT"])
WORK = Path(os.environ["BENCH_WORK"])
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    env = {**os.environ, "NATIONAL_PORTAL_URL": f"http://127.0.0.1:{PORT}", "LOG_LEVEL": "ERROR"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "motcua.integrations.simulators.portal",
                "--port",
                str(PORT),
                "--data",
                str(WORK / "portal.sqlite3"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/_state", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        for _ in range(WORKERS):
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "motcua",
                        "worker",
                        "--no-reload",
                        "--no-startup-delay",
                        "--interval",
                        "0.05",
                        "--verbosity",
                        "0",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        committed: dict[str, float] = {}
        started = time.time()
        for n in range(CHANGES):
            dossier, step = n % DOSSIERS + 1, n // DOSSIERS + 1
            code = f"000.00.32.H37-260302-{dossier:04d}"
            if step == 1:
                kind, body = wire.PUSH_DOSSIER, wire.dossier_message(snapshot(code=code))
            else:
                entry = wire.HistoryEntry(snapshot().received_at, f"step{step}", "Bước", 4, 4)  # type: ignore[arg-type]
                kind, body = wire.PUSH_PROGRESS, wire.progress_message(snapshot(code=code, status=4), entry)
            key = f"bench:{code}:{step}"
            with transaction.atomic():
                outbox.enqueue(system=sync.SYSTEM, kind=kind, key=code, payload=body, request_key=key)
            committed[key] = time.time()
            if RATE:
                time.sleep(max(0.0, started + (n + 1) / RATE - time.time()))
        enqueued = time.time()
        while Delivery.objects.exclude(status=DeliveryStatus.SENT).exists():
            if time.time() - started > TIMEOUT:
                raise SystemExit("bench: not everything was delivered in time")
            time.sleep(0.2)
        rows = list(Delivery.objects.values_list("request_key", "sent_at"))
        lags = [sent_at.timestamp() - committed[key] for key, sent_at in rows]
        last = max(sent_at.timestamp() for _, sent_at in rows)
        state = httpx.get(f"http://127.0.0.1:{PORT}/_state", timeout=5).json()
        print(
            json.dumps(
                {
                    "changes": CHANGES,
                    "dossiers": DOSSIERS,
                    "workers": WORKERS,
                    "rate_asked": RATE or "max",
                    "enqueue_per_s": round(CHANGES / (enqueued - started), 1),
                    "delivered_per_s": round(CHANGES / (last - started), 1),
                    "lag_s": {
                        "p50": round(statistics.median(lags), 3),
                        "p95": round(percentile(lags, 95), 3),
                        "p99": round(percentile(lags, 99), 3),
                        "max": round(max(lags), 3),
                    },
                    "portal_applied": state["applied"],
                    "portal_errors": len(state["errors"]),
                    "portal_duplicates": state["duplicates"],
                }
            )
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
