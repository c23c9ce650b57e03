"""``motcua periodic``: list the periodic jobs the workers run, or run some now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.core import clock, periodic
from motcua.core.models import PeriodicRun


class Command(BaseCommand):
    help = (
        "List the periodic jobs every `motcua worker` runs (interval, next and last run), or with --run NAME "
        "run jobs now in this process, whatever their schedule (--run all: every job)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", action="append", default=[], metavar="NAME", help="a job to run now")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = {job.name: job for job in periodic.jobs()}
        wanted = list(jobs) if options["run"] == ["all"] else options["run"]
        unknown = sorted(set(wanted) - set(jobs))
        if unknown:
            raise CommandError(f"Unknown or disabled jobs: {', '.join(unknown)} (known: {', '.join(jobs)})")
        if wanted:
            for name in wanted:
                PeriodicRun.objects.update_or_create(name=name, defaults={"next_run_at": clock.now()})
            ran = periodic.run_due(only=set(wanted))
            failed = PeriodicRun.objects.filter(name__in=ran, failed=True).values_list("name", flat=True)
            for done in PeriodicRun.objects.filter(name__in=ran):
                self.stdout.write(f"{done.name}: {'FAILED ' if done.failed else ''}{done.result}")
            if failed:
                raise CommandError(f"Failed: {', '.join(failed)}")
            return
        runs = PeriodicRun.objects.in_bulk(list(jobs))
        for name, job in jobs.items():
            run = runs.get(name)
            last = "never" if run is None or run.started_at is None else _local(run.started_at)
            state = "" if run is None or not run.failed else " FAILED"
            following = "at the next tick" if run is None else _local(run.next_run_at)
            self.stdout.write(
                f"{name}: every {job.every}, next {following}, last {last}{state} - {job.description}"
            )


def _local(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"
