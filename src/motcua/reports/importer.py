"""``motcua import_dossiers``: legacy dossiers into MotCua, then the aggregates rebuilt from them.

Rows are checked against the catalogue and the agency tree; a row with an unknown procedure or agency, a
code already used or a code repeated in the file is reported and skipped, the others are imported in
batches (one transaction each). Imported dossiers keep their code, channel, times, status, supplement
pauses and rating; their outcome follows DOMAIN.md §4.4 (``legacy.LegacyDossier.outcome``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierPause
from motcua.reports import evaluation, legacy
from motcua.reports.aggregates import stats_rebuild

BATCH = 2000
LEGACY_APPLICANT = "(nhập từ hệ thống cũ)"


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[legacy.RowError] = field(default_factory=list)
    stat_rows: int = 0


def dossiers_import(lines: Iterable[str]) -> ImportReport:
    report = ImportReport()
    procedures = {
        p.code: p
        for p in Procedure.objects.filter(current_version__isnull=False).select_related("current_version")
    }
    agencies = {a.identifier: a for a in Agency.objects.all()}
    seen: set[str] = set()
    batch: list[legacy.LegacyDossier] = []
    for item in legacy.read_csv(lines, clock.local_zone()):
        if isinstance(item, legacy.RowError):
            report.errors.append(item)
            continue
        problem = ""
        if item.procedure not in procedures:
            problem = f"procedure: không có thủ tục mã {item.procedure}"
        elif item.agency not in agencies:
            problem = f"agency: không có cơ quan mã {item.agency}"
        elif item.code in seen:
            problem = "code: mã hồ sơ lặp lại trong tệp"
        if problem:
            report.errors.append(legacy.RowError(item.line, item.code, problem))
            continue
        seen.add(item.code)
        batch.append(item)
        if len(batch) >= BATCH:
            _save(batch, procedures, agencies, report)
            batch = []
    if batch:
        _save(batch, procedures, agencies, report)
    report.stat_rows = stats_rebuild()
    evaluation.refresh_all()
    return report


def _save(
    batch: list[legacy.LegacyDossier],
    procedures: dict[str, Procedure],
    agencies: dict[str, Agency],
    report: ImportReport,
) -> None:
    taken = set(Dossier.objects.filter(code__in=[d.code for d in batch]).values_list("code", flat=True))
    rows: list[Dossier] = []
    for item in batch:
        if item.code in taken:
            report.errors.append(legacy.RowError(item.line, item.code, "code: mã hồ sơ đã có trong MotCua"))
            continue
        procedure = procedures[item.procedure]
        agency = agencies[item.agency]
        rows.append(
            Dossier(
                code=item.code,
                status=item.status,
                channel=item.channel,
                procedure=procedure,
                procedure_version=procedure.current_version,
                receiving_agency=agency,
                processing_agency=agency,
                applicant_name=LEGACY_APPLICANT,
                created_at=item.submitted_at or item.received_at,
                submitted_at=item.submitted_at or item.received_at,
                received_at=item.received_at,
                due_at=item.extended_due_at or item.due_at,
                original_due_at=item.due_at,
                finished_at=item.finished_at,
                returned_at=item.returned_at,
                outcome=item.outcome,
                supplement_rounds=len(item.supplements),
                apologies=1 if item.extended_due_at else 0,
                rating=item.rating,
                updated_at=item.returned_at or item.finished_at or item.received_at,
            )
        )
    with transaction.atomic():
        Dossier.objects.bulk_create(rows)
        codes = {d.code: d for d in Dossier.objects.filter(code__in=[r.code for r in rows])}
        pauses = [
            DossierPause(dossier=codes[item.code], reason="supplement", started_at=start, ended_at=end)
            for item in batch
            if item.code in codes
            for start, end in item.supplements
        ]
        DossierPause.objects.bulk_create(pauses)
    report.imported += len(rows)
