"""Periodic jobs run inside every ``motcua worker``: recoveries, polls of other systems, nightly refreshes.

Apps register their jobs in ``AppConfig.ready()`` with :func:`register`; each worker runs a scheduler
thread that wakes every ``PERIODIC_TICK`` seconds and runs the jobs that are due. With several workers on
several machines a job still runs once per interval: a worker claims a run by moving the job's
``next_run_at`` forward with a conditional UPDATE, which exactly one worker wins. A worker killed during a
job loses that run only; the next one comes at the next interval (every job here is safe to repeat).

``PERIODIC_INTERVALS`` (JSON, seconds per job name, 0 turns a job off) replaces the registered intervals.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import close_old_connections, connection

from motcua.core import clock

logger = logging.getLogger(__name__)

_RESULT_LENGTH = 2000


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], str]
    description: str


_JOBS: dict[str, Job] = {}


def register(name: str, *, every: dt.timedelta, run: Callable[[], object], description: str) -> None:
    """Add a job (called from AppConfig.ready(); registering a name twice replaces it)."""
    _JOBS[name] = Job(name=name, every=every, run=lambda: str(run() or ""), description=description)


def command(name: str, *args: str) -> Callable[[], str]:
    """A job that runs a management command and returns what it printed."""

    def run() -> str:
        out, err = io.StringIO(), io.StringIO()
        call_command(name, *args, stdout=out, stderr=err)
        return (out.getvalue() + err.getvalue()).strip()

    return run


def jobs() -> list[Job]:
    """The registered jobs with their configured intervals; jobs turned off are left out."""
    overrides = _overrides()
    unknown = sorted(set(overrides) - set(_JOBS))
    if unknown:
        raise ImproperlyConfigured(f"PERIODIC_INTERVALS names unknown jobs: {', '.join(unknown)}")
    configured = []
    for job in sorted(_JOBS.values(), key=lambda j: j.name):
        if job.name in overrides:
            if overrides[job.name] == 0:
                continue
            job = Job(job.name, dt.timedelta(seconds=overrides[job.name]), job.run, job.description)
        configured.append(job)
    return configured


def _overrides() -> dict[str, int]:
    text = settings.MOTCUA_PERIODIC_INTERVALS.strip()
    if not text:
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"PERIODIC_INTERVALS is not JSON: {error}") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in data.values()
    ):
        raise ImproperlyConfigured('PERIODIC_INTERVALS must map job names to seconds >= 0: {"name": 300}')
    return {str(k): v for k, v in data.items()}


def claim(job: Job, *, now: dt.datetime) -> bool:
    """Take this run of ``job`` if it is due and no other worker took it; True when this caller won."""
    from motcua.core.models import PeriodicRun

    PeriodicRun.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    won = PeriodicRun.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, started_at=now, worker=_worker_name()
    )
    return won == 1


def run_due(*, now: dt.datetime | None = None, only: set[str] | None = None) -> list[str]:
    """Run every due job (of ``only`` when given) this worker could claim, one after another; their names."""
    from motcua.core.models import PeriodicRun

    ran = []
    for job in jobs():
        if only is not None and job.name not in only:
            continue
        moment = now or clock.now()
        if not claim(job, now=moment):
            continue
        ran.append(job.name)
        try:
            result, failed = job.run(), False
        except Exception as error:  # one job failing must not stop the others or the worker
            logger.exception("periodic job %s failed", job.name)
            result, failed = f"{type(error).__name__}: {error}", True
        else:
            logger.info("periodic job %s: %s", job.name, result.replace("\n", " | ")[:300])
        PeriodicRun.objects.filter(name=job.name).update(
            finished_at=clock.now(), failed=failed, result=result[-_RESULT_LENGTH:]
        )
    return ran


class Scheduler(threading.Thread):
    """The worker's scheduler thread (a daemon: it dies with the worker; its own database connection)."""

    def __init__(self, *, tick: float) -> None:
        super().__init__(name="motcua-periodic", daemon=True)
        self.tick = tick
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            try:
                run_due()
            except Exception:  # e.g. the database away for a moment: try again at the next tick
                logger.exception("periodic scheduler tick failed")
            finally:
                connection.close()
            self.stopped.wait(self.tick)

    def stop(self) -> None:
        self.stopped.set()


def _worker_name() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"[:100]
