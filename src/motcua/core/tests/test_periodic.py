"""Periodic jobs: each runs once per interval whatever the number of workers, failures are recorded."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from motcua.core import periodic
from motcua.core.models import PeriodicRun

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def only_test_jobs(settings: Any) -> Iterator[list[str]]:
    """Replace the registry with test jobs for the test; the apps' jobs come back after it."""
    saved = dict(periodic._JOBS)
    periodic._JOBS.clear()
    calls: list[str] = []
    periodic.register(
        "tick", every=dt.timedelta(minutes=5), run=lambda: calls.append("tick"), description="t"
    )
    periodic.register("daily", every=dt.timedelta(days=1), run=lambda: calls.append("daily"), description="d")
    settings.MOTCUA_PERIODIC_INTERVALS = ""
    yield calls
    periodic._JOBS.clear()
    periodic._JOBS.update(saved)


def test_the_apps_register_their_recoveries_polls_and_nightly_jobs() -> None:
    names = {job.name for job in periodic.jobs()}
    assert {
        "outbox_requeue_lost",
        "notifications_requeue_stalled",
        "lgsp_receive",
        "reconcile_payments",
        "pull_catalogue",
        "portal_receive",
        "refresh_evaluation",
        "remind_documents",
        "remind_feedback",
    } <= names


def test_a_due_job_runs_once_per_interval(only_test_jobs: list[str]) -> None:
    assert periodic.run_due(now=T0) == ["daily", "tick"]
    assert periodic.run_due(now=T0 + dt.timedelta(minutes=4)) == []
    assert periodic.run_due(now=T0 + dt.timedelta(minutes=5)) == ["tick"]
    assert only_test_jobs == ["daily", "tick", "tick"]
    run = PeriodicRun.objects.get(name="tick")
    assert run.next_run_at == T0 + dt.timedelta(minutes=10)
    assert run.started_at == T0 + dt.timedelta(minutes=5)
    assert run.finished_at is not None
    assert not run.failed


def test_only_one_of_several_workers_claims_a_run(only_test_jobs: list[str]) -> None:
    job = next(j for j in periodic.jobs() if j.name == "tick")
    assert periodic.claim(job, now=T0) is True
    assert periodic.claim(job, now=T0) is False  # the second worker, at the same moment
    assert periodic.claim(job, now=T0 + dt.timedelta(minutes=5)) is True


def test_a_failing_job_is_recorded_and_the_others_still_run(only_test_jobs: list[str]) -> None:
    def broken() -> None:
        raise RuntimeError("the portal answered 502")

    periodic.register("broken", every=dt.timedelta(minutes=1), run=broken, description="b")
    assert periodic.run_due(now=T0) == ["broken", "daily", "tick"]
    run = PeriodicRun.objects.get(name="broken")
    assert run.failed
    assert run.result == "RuntimeError: the portal answered 502"
    assert only_test_jobs == ["daily", "tick"]


def test_intervals_are_settings_and_zero_turns_a_job_off(only_test_jobs: list[str], settings: Any) -> None:
    settings.MOTCUA_PERIODIC_INTERVALS = '{"tick": 60, "daily": 0}'
    assert [(j.name, j.every) for j in periodic.jobs()] == [("tick", dt.timedelta(seconds=60))]
    for bad in ('{"nope": 5}', "[1]", '{"tick": -1}', '{"tick": "5"}', "{tick"):
        settings.MOTCUA_PERIODIC_INTERVALS = bad
        with pytest.raises(ImproperlyConfigured):
            periodic.jobs()


def test_the_scheduler_thread_ticks_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    # The thread's own database connection would commit outside the test's transaction: the ticks are
    # counted here; a real worker process running the jobs is tested in integrations/test_periodic_worker.py.
    ticks = threading.Semaphore(0)

    def tick() -> list[str]:
        ticks.release()
        return []

    monkeypatch.setattr(periodic, "run_due", tick)
    scheduler = periodic.Scheduler(tick=0.01)
    scheduler.start()
    try:
        assert all(ticks.acquire(timeout=30) for _ in range(3))
    finally:
        scheduler.stop()
        scheduler.join(timeout=30)
    assert not scheduler.is_alive()


def test_the_command_lists_jobs_and_runs_one_now(only_test_jobs: list[str], capsys: Any) -> None:
    call_command("periodic")
    listing = capsys.readouterr().out
    assert "tick: every 0:05:00, next at the next tick, last never - t" in listing
    call_command("periodic", "--run", "daily")
    assert only_test_jobs == ["daily"]
    call_command("periodic", "--run", "daily")  # now, whatever the schedule
    assert only_test_jobs == ["daily", "daily"]
    with pytest.raises(CommandError, match="Unknown or disabled jobs: nope"):
        call_command("periodic", "--run", "nope")


def test_the_command_fails_when_a_job_fails(only_test_jobs: list[str]) -> None:
    periodic.register("broken", every=dt.timedelta(minutes=1), run=lambda: 1 / 0, description="b")
    with pytest.raises(CommandError, match="Failed: broken"):
        call_command("periodic", "--run", "broken")
