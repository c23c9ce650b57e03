"""The reports listen to the dossier core: each reception and each finish adds one to a daily row."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from motcua.dossiers.models import Dossier
from motcua.dossiers.signals import dossier_finished, dossier_received


@receiver(dossier_received, sender=Dossier, dispatch_uid="reports.count_received")
def count_received(sender: type[Dossier], dossier: Dossier, **kwargs: Any) -> None:
    from motcua.reports.aggregates import stat_add

    assert dossier.received_at is not None
    stat_add(
        moment=dossier.received_at,
        agency_id=dossier.receiving_agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        counter="received",
    )


@receiver(dossier_finished, sender=Dossier, dispatch_uid="reports.count_finished")
def count_finished(sender: type[Dossier], dossier: Dossier, **kwargs: Any) -> None:
    from motcua.reports.aggregates import stat_add

    if dossier.outcome not in ("early", "on_time", "late") or dossier.finished_at is None:
        return  # refused before reception, or without an appointment: not a resolved dossier
    stat_add(
        moment=dossier.finished_at,
        agency_id=dossier.processing_agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        counter=f"resolved_{dossier.outcome}",
    )
