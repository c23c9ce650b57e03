"""Importing the national TTHC database's exports into the catalogue.

Each record is imported in its own savepoint: a record that fails is reported with its code and the
reason and the others go on. Re-running is idempotent: a record whose content hash matches the current
version changes nothing; a changed record becomes a new version (dossiers keep the one they used).

A national listing that publishes only a procedure's summary (the portal's LayDanhSachTTHC) is applied by
``catalog.summaries`` with the same rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

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
from motcua.catalog.selectors import forget_filter_choices
from motcua.catalog.services import search_text_for
from motcua.catalog.sources import DETAIL_FIELDS, DetailRecord, ListRow, RowError
from motcua.core import clock

# The detail record's fields that make up a version's content (the hash ignores the page's address).
CONTENT_FIELDS = tuple(name for name in DETAIL_FIELDS if name not in ("detail_url", "formality_id"))
LEVEL_FLAGS = {
    "Cấp bộ": "at_ministry",
    "Cấp tỉnh": "at_province",
    "Cấp huyện": "at_district",
    "Cấp xã": "at_commune",
}
BATCH = 200


@dataclass
class ImportReport:
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    list_rows: int = 0
    detail_records: int = 0
    problems: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len({(p.file, p.line) for p in self.problems})


class RecordError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def content_hash(raw: Mapping[str, str]) -> str:
    payload = json.dumps({k: raw.get(k, "") for k in CONTENT_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _clean(text: str) -> str:
    text = parsing.normalize_text(text)
    return "" if text == parsing.NO_INFO else text


def _paragraphs(text: str) -> str:
    """Like _clean but keeps line breaks (steps, conditions read better with them)."""
    lines = [parsing.normalize_text(line) for line in text.splitlines()]
    return _clean("\n".join(line for line in lines if line))


class FieldCache:
    """Fields (lĩnh vực) by name, created on first use, with unique slugs."""

    def __init__(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the fields again (after a rolled-back transaction that created some)."""
        self._by_name = {f.name: f for f in Field.objects.all()}
        self._slugs = {f.slug for f in self._by_name.values()}

    def get(self, name: str) -> Field | None:
        name = name[:200]
        if not name:
            return None
        if name not in self._by_name:
            base = slugify(parsing.fold(name))[:190] or "linh-vuc"
            slug, n = base, 1
            while slug in self._slugs:
                n += 1
                slug = f"{base}-{n}"
            self._slugs.add(slug)
            self._by_name[name] = Field.objects.create(name=name, slug=slug)
        return self._by_name[name]


class CatalogueImport:
    """One import run: list rows first (names, issuing authorities), then detail records."""

    def __init__(self, on_progress: Callable[[int], object] = lambda _n: None) -> None:
        self.report = ImportReport()
        self.fields = FieldCache()
        self.listed: dict[str, ListRow] = {}
        self.on_progress = on_progress

    def add_list(self, rows: Iterable[ListRow | RowError]) -> None:
        """Remember the list rows; they name procedures and their issuing authority."""
        for row in rows:
            if isinstance(row, RowError):
                self.report.problems.append(row)
            else:
                self.listed[row.code] = row
                self.report.list_rows += 1

    def add_details(self, records: Iterable[DetailRecord | RowError]) -> None:
        batch: list[DetailRecord] = []
        for record in records:
            if isinstance(record, RowError):
                self.report.problems.append(record)
                continue
            batch.append(record)
            if len(batch) >= BATCH:
                self._import_batch(batch)
                batch = []
        if batch:
            self._import_batch(batch)

    def finish(self) -> ImportReport:
        """Listed procedures without a detail record get a version from their list row."""
        with transaction.atomic():
            known = set(Procedure.objects.filter(code__in=self.listed).values_list("code", flat=True))
            for code, row in self.listed.items():
                if code not in known:
                    self._import_list_only(row)
            self._apply_issuing_authorities()
            transaction.on_commit(forget_filter_choices)
        return self.report

    def _import_batch(self, batch: list[DetailRecord]) -> None:
        with transaction.atomic():
            for record in batch:
                self.report.detail_records += 1
                self.report.warnings.extend(record.errors)
                try:
                    with transaction.atomic():
                        self._import_record(record)
                except RecordError as exc:
                    self.report.problems.append(
                        RowError(record.file, record.line, exc.field, str(exc), record.code)
                    )
        self.on_progress(len(batch))

    def _import_record(self, record: DetailRecord) -> None:
        listed = self.listed.get(record.code)
        if not record.name:
            raise RecordError("ten_thu_tuc", "missing procedure name")
        if listed and parsing.fold(listed.name) != parsing.fold(record.name):
            # The crawler stored some placeholder pages under another procedure's code: the list is right.
            raise RecordError("ten_thu_tuc", f"name differs from the list ({listed.name!r}): not imported")
        self._warn_small_fees(record)
        digest = content_hash(record.raw)
        procedure = Procedure.objects.filter(code=record.code).select_related("current_version").first()
        if procedure and procedure.current_version and procedure.current_version.content_hash == digest:
            self.report.unchanged += 1
            return
        is_new = procedure is None
        procedure = procedure or Procedure(code=record.code, online_mode=_online_mode(record.channels))
        _set_identity(
            procedure, name=record.name, field=self.fields.get(record.text("linh_vuc")), levels=record.levels
        )
        version = _create_version(procedure, record, digest)
        _make_current(procedure, version)
        if is_new:
            self.report.created += 1
        else:
            self.report.new_versions += 1

    def _warn_small_fees(self, record: DetailRecord) -> None:
        """Amounts under 1,000 VND are usually thousands written short ("20 VNĐ" for 20.000): flag them."""
        for channel in record.channels:
            if channel.fee_amount is not None and 0 < channel.fee_amount < 1000:
                message = f"fee of {channel.fee_amount} VND looks like thousands written short"
                self.report.warnings.append(RowError(record.file, record.line, "fee", message, record.code))
                return

    def _import_list_only(self, row: ListRow) -> None:
        procedure = Procedure(code=row.code, online_mode=OnlineMode.NONE)
        _set_identity(procedure, name=row.name, field=self.fields.get(row.field), levels=())
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            content_hash=content_hash({"ten_thu_tuc": row.name, "linh_vuc": row.field}),
            name=procedure.name,
            implementing_agency=", ".join(row.implementing_agencies),
        )
        _make_current(procedure, version)
        self.report.created += 1

    def _apply_issuing_authorities(self) -> None:
        by_authority: dict[str, list[str]] = {}
        for code, row in self.listed.items():
            by_authority.setdefault(row.issuing_authority[:200], []).append(code)
        for authority, codes in by_authority.items():
            Procedure.objects.filter(code__in=codes).exclude(issuing_authority=authority).update(
                issuing_authority=authority
            )


def _set_identity(procedure: Procedure, *, name: str, field: Field | None, levels: Iterable[str]) -> None:
    procedure.name = name[:1000]
    procedure.name_folded = parsing.fold(name)[:1000]
    procedure.field = field
    chosen = set(levels)
    for level, flag in LEVEL_FLAGS.items():
        setattr(procedure, flag, level in chosen)
    procedure.updated_at = clock.now()
    procedure.save()


def _make_current(procedure: Procedure, version: ProcedureVersion) -> None:
    procedure.current_version = version
    procedure.search_folded = search_text_for(procedure=procedure, version=version)
    procedure.save(update_fields=["current_version", "search_folded"])


def _online_mode(channels: Iterable[parsing.ChannelTerm]) -> str:
    """An imported procedure offered online starts as "partially online"; an administrator sets "full"."""
    return OnlineMode.PARTIAL if any(c.channel == "online" for c in channels) else OnlineMode.NONE


def _create_version(procedure: Procedure, record: DetailRecord, digest: str) -> ProcedureVersion:
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        content_hash=digest,
        name=procedure.name,
        procedure_type=_clean(record.text("loai_thu_tuc"))[:200],
        levels_text=", ".join(record.levels)[:300],
        applicant_types=_clean(record.text("doi_tuong_thuc_hien")),
        competent_agency=_clean(record.text("co_quan_co_tham_quyen")),
        implementing_agency=_clean(record.text("co_quan_thuc_hien")),
        receiving_address=_paragraphs(record.raw.get("dia_chi_tiep_nhan", "")),
        steps=[{"order": s.order, "title": s.title, "detail": s.detail} for s in record.steps],
        conditions=_paragraphs(record.raw.get("yeu_cau_dieu_kien", "")),
        results=[{"name": r.name, "result_code": r.result_code} for r in record.results],
        publishing_decision=_clean(record.text("so_quyet_dinh"))[:200],
        source_url=record.raw.get("detail_url", "")[:300],
    )
    ChannelTerm.objects.bulk_create(_channel_rows(version, record.channels))
    Component.objects.bulk_create(_component_rows(version, record.component_groups))
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, order=i, title=ref.title, number_symbol=ref.number_symbol[:100])
        for i, ref in enumerate(record.legal_basis)
    )
    return version


def _channel_rows(version: ProcedureVersion, channels: Iterable[parsing.ChannelTerm]) -> list[ChannelTerm]:
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


def _component_rows(version: ProcedureVersion, groups: Iterable[parsing.ComponentGroup]) -> list[Component]:
    rows: list[Component] = []
    for group in groups:
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
