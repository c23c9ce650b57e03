"""``motcua portal_receive``: take the dossiers citizens submitted on the national portal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.integrations.portal import receive, wire


class Command(BaseCommand):
    help = (
        "Take the dossiers citizens submitted on the national public service portal into the receiving "
        "agencies' reception queues and confirm each to the portal (run it every few minutes). Exits with "
        "status 1 when a call to the portal failed (those dossiers wait for the next run)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--page-size",
            type=int,
            default=receive.PAGE_SIZE,
            help=f"dossiers asked for per call (1-{wire.MAX_PAGE_SIZE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["page_size"] <= wire.MAX_PAGE_SIZE:
            raise CommandError(f"--page-size: from 1 to {wire.MAX_PAGE_SIZE}")
        report = receive.portal_receive(page_size=options["page_size"])
        for dossier in report.created:
            self.stdout.write(
                f"{dossier.portal_code} → {dossier.code} ({dossier.receiving_agency.identifier}, "
                f"{dossier.procedure.code}, {dossier.applicant_name})"
            )
        for dossier in report.confirmed_again:
            self.stdout.write(f"{dossier.portal_code} → {dossier.code}: taken before, confirmed again")
        for refusal in report.refused:
            self.stderr.write(f"refused {refusal}")
        for failure in report.errors:
            self.stderr.write(f"error {failure}")
        self.stdout.write(
            f"{len(report.created)} taken, {len(report.confirmed_again)} confirmed again, "
            f"{len(report.refused)} refused, {len(report.errors)} errors"
        )
        if report.failed:
            raise CommandError(
                f"the national portal failed {len(report.errors)} time(s); see the errors above"
            )
