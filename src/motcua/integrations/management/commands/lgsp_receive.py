"""``motcua lgsp_receive``: take in what arrived over the integration axis for each agency on it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.integrations.lgsp.client import LgspClient, LgspError
from motcua.integrations.lgsp.receive import lgsp_receive


class Command(BaseCommand):
    help = (
        "Poll the integration axis (LGSP) for each agency on it: register the edXML packages that arrived, "
        "record the exchange statuses, acknowledge each item (run it every few minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--agency",
            action="append",
            default=[],
            help="an agency identifier (repeatable); default: LGSP_AGENCIES, else every agency in operation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = LgspClient.from_settings()
        except LgspError as error:
            raise CommandError(str(error)) from None
        outcome = lgsp_receive(client=client, agencies=self._agencies(options["agency"]))
        for document in outcome.imported:
            self.stdout.write(
                f"{document.agency.identifier}: số đến {document.arrival_number} – {document.number_symbol} "
                f"({document.sender_name})"
            )
        for refusal in outcome.refused:
            self.stderr.write(f"refused {refusal}")
        for failure in outcome.errors:
            self.stderr.write(f"error {failure}")
        self.stdout.write(
            f"{len(outcome.imported)} registered, {outcome.repeated} already registered, "
            f"{outcome.statuses} statuses, {len(outcome.refused)} refused, {len(outcome.errors)} errors"
        )

    def _agencies(self, identifiers: list[str]) -> list[Agency]:
        wanted = identifiers or [i.strip() for i in settings.MOTCUA_LGSP_AGENCIES.split(",") if i.strip()]
        agencies = Agency.objects.valid_on(clock.today()).exclude(identifier="").order_by("identifier")
        if not wanted:
            return list(agencies)
        found = list(agencies.filter(identifier__in=wanted))
        unknown = sorted(set(wanted) - {a.identifier for a in found})
        if unknown:
            raise CommandError(f"Unknown or dissolved agencies: {', '.join(unknown)}")
        return found
