"""Importing the national TTHC database's exports into the catalogue.

Each record is imported in its own savepoint: a record that fails is reported with its code and the
reason and the others go on. Re-running is idempotent: a record whose content hash matches the current
version changes nothing; a changed record becomes a new version (dossiers keep the one they used).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from motcua.catalog import parsing
from motcua.catalog.models import (
    ChannelTerm,
    Component,
    Field,
    LegalBasis,
    OnlineMode,
    Procedure,
    ProcedureVersion,
)
from motcua.catalog.services import search_text_for
from motcua.core import clock

# The detail record's fields that make up a version's content (the hash ignores everything else).
CONTENT_FIELDS = (
    "ten_thu_tuc",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "co_quan_thuc_hien",
    "dia_chi_tiep_nhan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
)
LEVEL_FLAGS = {
    "Cấp bộ": "at_ministry",
    "Cấp tỉnh": "at_province",
    "Cấp huyện": "at_district",
    "Cấp xã": "at_commune",
}
BATCH = 200


@dataclass
class RecordProblem:
    source: str
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.code or '?'}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    problems: list[RecordProblem] = field(default_factory=list)
    with_time_and_fee: int = 0
    detail_records: int = 0

    @property
    def failed(self) -> int:
        return len({(p.source, p.code) for p in self.problems if p.field != "warning"})


class RecordError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(key, f"expected text, got {type(value).__name__}")
    text = parsing.normalize_text(value)
    return "" if text == parsing.NO_INFO else text


def _paragraphs(record: Mapping[str, Any], key: str) -> str:
    """Like _text but keeps line breaks (steps, conditions read better with them)."""
    value = record.get(key)
    if not isinstance(value, str):
        return ""
    lines = [parsing.normalize_text(line) for line in value.splitlines()]
    text = "\n".join(line for line in lines if line)
    return "" if text == parsing.NO_INFO else text


def content_hash(record: Mapping[str, Any]) -> str:
    payload = json.dumps({k: record.get(k) for k in CONTENT_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class FieldCache:
    """Fields (lĩnh vực) by name, created on first use, with unique slugs."""

    def __init__(self) -> None:
        self._by_name = {f.name: f for f in Field.objects.all()}
        self._slugs = {f.slug for f in self._by_name.values()}

    def get(self, name: str) -> Field | None:
        if not name:
            return None
        if name not in self._by_name:
            base = slugify(parsing.fold(name))[:190] or "linh-vuc"
            slug, n = base, 1
            while slug in self._slugs:
                n += 1
                slug = f"{base}-{n}"
            self._slugs.add(slug)
            self._by_name[name] = Field.objects.create(name=name[:200], slug=slug)
        return self._by_name[name]


def import_details(
    records: Iterable[Mapping[str, Any] | RecordProblem], *, source: str, report: ImportReport | None = None
) -> ImportReport:
    """Import detail records (dicts of the JSONL export); problems are collected, never raised."""
    report = report or ImportReport()
    fields = FieldCache()
    batch: list[Mapping[str, Any]] = []
    for record in records:
        if isinstance(record, RecordProblem):
            report.problems.append(record)
            continue
        batch.append(record)
        if len(batch) >= BATCH:
            _import_batch(batch, source, fields, report)
            batch = []
    if batch:
        _import_batch(batch, source, fields, report)
    return report


def _import_batch(
    batch: list[Mapping[str, Any]], source: str, fields: FieldCache, report: ImportReport
) -> None:
    with transaction.atomic():
        for record in batch:
            code = str(record.get("ma_thu_tuc") or "").strip()
            report.detail_records += 1
            try:
                with transaction.atomic():
                    _import_record(code, record, fields, report)
            except RecordError as exc:
                report.problems.append(RecordProblem(source, code, exc.field, str(exc)))


def _import_record(code: str, record: Mapping[str, Any], fields: FieldCache, report: ImportReport) -> None:
    if not code:
        raise RecordError("ma_thu_tuc", "missing procedure code")
    name = _text(record, "ten_thu_tuc")
    if not name:
        raise RecordError("ten_thu_tuc", "missing procedure name")
    channels = parsing.parse_channels(str(record.get("cach_thuc_thuc_hien") or ""))
    if channels and all(c.duration_value is not None and c.fee_amount is not None for c in channels):
        report.with_time_and_fee += 1
    digest = content_hash(record)
    procedure = Procedure.objects.filter(code=code).select_related("current_version").first()
    if procedure and procedure.current_version and procedure.current_version.content_hash == digest:
        report.unchanged += 1
        return
    is_new = procedure is None
    procedure = procedure or Procedure(code=code, online_mode=_online_mode(channels))
    procedure.name = name[:1000]
    procedure.name_folded = parsing.fold(name)[:1000]
    procedure.field = fields.get(_text(record, "linh_vuc"))
    levels = parsing.parse_levels(str(record.get("cap_thuc_hien") or ""))
    for level, flag in LEVEL_FLAGS.items():
        setattr(procedure, flag, level in levels)
    procedure.updated_at = clock.now()
    procedure.save()
    version = _create_version(procedure, record, digest, channels, levels)
    procedure.current_version = version
    procedure.search_folded = search_text_for(procedure=procedure, version=version)
    procedure.save(update_fields=["current_version", "search_folded"])
    if is_new:
        report.created += 1
    else:
        report.new_versions += 1


def _online_mode(channels: list[parsing.ChannelTerm]) -> str:
    """An imported procedure offered online starts as "partially online"; an administrator sets "full"."""
    return OnlineMode.PARTIAL if any(c.channel == "online" for c in channels) else OnlineMode.NONE


def _create_version(
    procedure: Procedure,
    record: Mapping[str, Any],
    digest: str,
    channels: list[parsing.ChannelTerm],
    levels: list[str],
) -> ProcedureVersion:
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        content_hash=digest,
        name=procedure.name,
        procedure_type=_text(record, "loai_thu_tuc")[:200],
        levels_text=", ".join(levels)[:300],
        applicant_types=_text(record, "doi_tuong_thuc_hien"),
        competent_agency=_text(record, "co_quan_co_tham_quyen"),
        implementing_agency=_text(record, "co_quan_thuc_hien"),
        receiving_address=_paragraphs(record, "dia_chi_tiep_nhan"),
        steps=[
            {"order": s.order, "title": s.title, "detail": s.detail}
            for s in parsing.parse_steps(str(record.get("trinh_tu_thuc_hien") or ""))
        ],
        conditions=_paragraphs(record, "yeu_cau_dieu_kien"),
        results=[
            {"name": r.name, "result_code": r.result_code}
            for r in parsing.parse_result(str(record.get("ket_qua_xu_ly") or ""))
        ],
        publishing_decision=_text(record, "so_quyet_dinh")[:200],
        source_url=str(record.get("detail_url") or "")[:300],
    )
    ChannelTerm.objects.bulk_create(_channel_rows(version, channels))
    Component.objects.bulk_create(_component_rows(version, str(record.get("thanh_phan_ho_so") or "")))
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, order=i, title=ref.title, number_symbol=ref.number_symbol[:100])
        for i, ref in enumerate(parsing.parse_legal_basis(str(record.get("can_cu_phap_ly") or "")))
    )
    return version


def _channel_rows(version: ProcedureVersion, channels: list[parsing.ChannelTerm]) -> list[ChannelTerm]:
    return [
        ChannelTerm(
            version=version,
            order=i,
            channel=c.channel,
            duration_value=c.duration_value,
            duration_unit=c.duration_unit or "",
            duration_text=c.duration_text[:500],
            working_hours=parsing.duration_to_working_hours(c.duration_value, c.duration_unit),
            fee_amount=c.fee_amount,
            fee_is_specified=c.fee_is_specified,
            fee_text=c.fee_text,
            description=c.description,
        )
        for i, c in enumerate(channels)
    ]


def _component_rows(version: ProcedureVersion, text: str) -> list[Component]:
    rows: list[Component] = []
    for group in parsing.parse_components(text):
        for c in group.components:
            rows.append(
                Component(
                    version=version,
                    order=len(rows),
                    group=group.name[:500],
                    name=c.name,
                    originals=c.originals,
                    copies=c.copies,
                    template_name=(c.template_name or "")[:300],
                )
            )
    return rows
