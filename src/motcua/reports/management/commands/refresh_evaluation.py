"""``motcua refresh_evaluation``: re-score the Circular 01/2018 evaluation (nightly, from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core import clock
from motcua.reports import evaluation


class Command(BaseCommand):
    help = (
        "Re-score the evaluation indices (Circular 01/2018) of the dossiers resolved in a month. Without "
        "arguments: this month and the previous one (ratings and feedback arrive after the finish); "
        "--month YYYY-MM for one month; --all for every month since the first resolved dossier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--all", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            rows = evaluation.refresh_all()
            self.stdout.write(f"{rows} evaluation rows written for every month.")
            return
        if options["month"]:
            try:
                year, number = (int(part) for part in options["month"].split("-"))
                months = [dt.date(year, number, 1)]
            except ValueError:
                raise CommandError("--month takes YYYY-MM, e.g. 2026-03.") from None
        else:
            this = evaluation.month_start(clock.today())
            months = [evaluation.month_start(this - dt.timedelta(days=1)), this]
        for month in months:
            rows = evaluation.refresh(month)
            self.stdout.write(f"{month:%Y-%m}: {rows} evaluation rows written.")
