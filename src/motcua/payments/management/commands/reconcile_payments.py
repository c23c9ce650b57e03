"""``motcua reconcile_payments [--date YYYY-MM-DD]``: compare a day (default: yesterday) with the gateway."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.payments.services import reconciliation_run


class Command(BaseCommand):
    help = "Compare one day's online payments with the payment gateway's list and store the report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to reconcile, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']!r}") from None
        day = day or clock.today() - dt.timedelta(days=1)
        try:
            report = reconciliation_run(day=day)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{day}: gateway {report.gateway_count} transactions ({report.gateway_paid_total:,} VND paid), "
            f"MotCua {report.local_count} payments ({report.local_paid_total:,} VND paid), "
            f"{report.matched_count} matching, {len(report.mismatches)} mismatches"
        )
        for mismatch in report.mismatches:
            self.stdout.write(
                f"  {mismatch['kind']}: order {mismatch['order_id']} transaction {mismatch['transaction_id']}"
                f" gateway {mismatch['gateway_status'] or '-'}/{mismatch['gateway_amount']}"
                f" MotCua {mismatch['local_status'] or '-'}/{mismatch['local_amount']}"
            )
