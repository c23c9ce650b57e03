"""Writes to the agency tree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from motcua.agencies.langson import AgencySpec, Succession
from motcua.agencies.models import Agency, AgencySuccession

_SYNCED_FIELDS = ("name", "short_name", "kind", "parent_id", "valid_from", "valid_to", "admin_unit_code")


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0


def agencies_sync(*, specs: Sequence[AgencySpec], successions: Sequence[Succession] = ()) -> SyncReport:
    """Create or update agencies by identifier, then their succession links; idempotent.

    A spec may appear twice (the 2020 tree and its closed copy from the 2025 reform): the last wins,
    so callers pass the older view first. Parents must come before their children.
    """
    report = SyncReport()
    latest = {str(spec.identifier): spec for spec in specs}
    with transaction.atomic():
        existing = {a.identifier: a for a in Agency.objects.filter(identifier__in=latest)}
        for identifier, spec in latest.items():
            agency = existing.get(identifier) or Agency(identifier=identifier)
            parent = existing.get(str(spec.parent_identifier)) if spec.parent_identifier else None
            if spec.parent_identifier and parent is None:
                parent = Agency.objects.get(identifier=str(spec.parent_identifier))
            values = {
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "parent_id": parent.pk if parent else None,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "admin_unit_code": spec.admin_unit_code or "",
            }
            if agency.pk and all(getattr(agency, name) == values[name] for name in _SYNCED_FIELDS):
                report.unchanged += 1
                continue
            for name, value in values.items():
                setattr(agency, name, value)
            if agency.pk:
                report.updated += 1
            else:
                report.created += 1
            agency.save()
            existing[identifier] = agency
        report.successions_created = _sync_successions(successions, existing)
    return report


def _sync_successions(successions: Sequence[Succession], agencies: dict[str, Agency]) -> int:
    known = set(AgencySuccession.objects.values_list("predecessor__identifier", "successor__identifier"))
    rows = [
        AgencySuccession(
            predecessor=agencies[str(s.old_identifier)],
            successor=agencies[str(s.new_identifier)],
            effective_on=s.effective_on,
            is_whole=s.is_whole,
        )
        for s in successions
        if (str(s.old_identifier), str(s.new_identifier)) not in known
    ]
    AgencySuccession.objects.bulk_create(rows)
    return len(rows)
