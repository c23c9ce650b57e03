"""Applying a procedure's *summary* to the catalogue, as the importer applies a full record.

A national listing such as the portal's LayDanhSachTTHC publishes only identity, time, fee, results and
decision: a changed summary becomes a new current version that carries the current version's components,
legal bases and channel terms over (``summary_apply``); an unchanged one changes nothing; versions are only
ever added, so a dossier keeps the one it was received under.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import cast

from django.db import transaction

from motcua.catalog import parsing
from motcua.catalog.importer import LEVEL_FLAGS, FieldCache, RecordError, _make_current, _set_identity
from motcua.catalog.models import (
    Channel,
    ChannelTerm,
    Component,
    DurationUnit,
    LegalBasis,
    OnlineMode,
    Procedure,
    ProcedureVersion,
)
from motcua.catalog.selectors import forget_filter_choices
from motcua.core.audit import audit_record

SUMMARY_CODE = re.compile(r"\d+\.\d+")
_MAX_DURATION = Decimal("999999.99")  # ChannelTerm.duration_value: 8 digits, 2 decimals
_MAX_FEE = Decimal(10) ** 14 - 1  # ChannelTerm.fee_amount: 14 digits, no decimals
_CARRIED = (
    "procedure_type",
    "applicant_types",
    "competent_agency",
    "implementing_agency",
    "receiving_address",
    "steps",
    "conditions",
    "source_url",
)
_TERM_FIELDS = (
    "order",
    "channel",
    "duration_value",
    "duration_unit",
    "duration_text",
    "working_hours",
    "fee_amount",
    "fee_is_specified",
    "fee_text",
    "description",
)


@dataclass(frozen=True)
class PublishedSummary:
    """What a national listing publishes about one procedure; no components, steps or legal bases.

    One processing time and one fee, those of the reference channel (in person, else the first). Empty
    values (``""``, ``()``, ``None``) mean "not published here": they never erase what the catalogue knows.
    """

    code: str
    name: str
    field: str = ""
    levels: tuple[str, ...] = ()  # canonical names, as parsing.parse_levels gives them
    online_mode: str = ""  # an OnlineMode value
    duration_value: Decimal | None = None
    duration_unit: str = ""  # a DurationUnit value, required with a duration
    duration_text: str = ""
    fee_amount: Decimal | None = None  # VND
    fee_text: str = ""
    results: tuple[tuple[str, str], ...] = ()  # (name, result code or "")
    publishing_decision: str = ""


class SummaryOutcome(enum.StrEnum):
    CREATED = "created"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SummaryResult:
    outcome: SummaryOutcome
    version: int  # the current version's number afterwards
    changed: tuple[str, ...] = ()  # the summary's fields that differed from the current version


def summary_check(summary: PublishedSummary) -> None:
    """The catalogue's rules for a summary; ``RecordError`` names the first one broken."""
    s = summary
    if len(s.code) > 30 or not SUMMARY_CODE.fullmatch(s.code):
        raise RecordError("code", f"bad procedure code {s.code!r} (want digits.digits)")
    if not s.name.strip() or len(s.name) > 1000:
        raise RecordError("name", "the name is empty or longer than 1000 characters")
    for name, text, longest in (
        ("field", s.field, 200),
        ("levels", ", ".join(s.levels), 300),
        ("duration_text", s.duration_text, 500),
        ("publishing_decision", s.publishing_decision, 200),
    ):
        if len(text) > longest:
            raise RecordError(name, f"longer than {longest} characters")
    if s.online_mode and s.online_mode not in OnlineMode.values:
        raise RecordError("online_mode", f"unknown online mode {s.online_mode!r}")
    if s.duration_value is not None:
        value = s.duration_value
        if (
            not value.is_finite()
            or not 0 <= value <= _MAX_DURATION
            or value != value.quantize(Decimal("0.01"))
        ):
            raise RecordError("duration_value", f"bad processing time {value}")
        if s.duration_unit not in DurationUnit.values:
            raise RecordError("duration_unit", f"unknown processing-time unit {s.duration_unit!r}")
    if s.fee_amount is not None:
        fee = s.fee_amount
        if not fee.is_finite() or not 0 <= fee <= _MAX_FEE or fee != fee.to_integral_value():
            raise RecordError("fee_amount", f"bad fee {fee} (whole VND, not negative)")
    if any(not name.strip() for name, _code in s.results):
        raise RecordError("results", "a result without a name")


def summary_hash(summary: PublishedSummary) -> str:
    payload = json.dumps(asdict(summary), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def summary_apply(*, summary: PublishedSummary, fields: FieldCache, source: str) -> SummaryResult:
    """Apply one summary in its own transaction: a new procedure (version 1), a new current version, or
    nothing when it says what the current version says (so applying it again adds nothing).

    Raises ``RecordError`` before writing anything when the summary breaks the catalogue's rules. Versions
    are only ever added, so a dossier keeps the version it was received under.
    """
    summary_check(summary)
    try:
        with transaction.atomic(durable=True):
            procedure, result = _apply_summary(summary, fields)
            if result.outcome != SummaryOutcome.UNCHANGED:
                audit_record(
                    actor=None,
                    action="procedure.version_add",
                    obj=procedure,
                    number=result.version,
                    source=source,
                    changed=list(result.changed),
                )
                transaction.on_commit(forget_filter_choices)
            return result
    except Exception:
        fields.reload()  # fields it created were rolled back with the transaction
        raise


def _apply_summary(s: PublishedSummary, fields: FieldCache) -> tuple[Procedure, SummaryResult]:
    procedure = Procedure.objects.select_for_update().filter(code=s.code).first()
    if procedure is None:
        procedure = Procedure(code=s.code, online_mode=s.online_mode or OnlineMode.NONE)
        _set_identity(procedure, name=s.name, field=fields.get(s.field), levels=s.levels)
        version = _summary_version(procedure, None, [], s)
        _make_current(procedure, version)
        return procedure, SummaryResult(SummaryOutcome.CREATED, version.number)
    current = procedure.current_version
    terms = list(current.channel_terms.order_by("order", "pk")) if current else []
    changed = _summary_changes(procedure, current, terms, s)
    if not changed:
        return procedure, SummaryResult(SummaryOutcome.UNCHANGED, current.number if current else 0)
    if s.online_mode:
        procedure.online_mode = s.online_mode
    levels = s.levels or [level for level, flag in LEVEL_FLAGS.items() if getattr(procedure, flag)]
    _set_identity(
        procedure, name=s.name, field=fields.get(s.field) if s.field else procedure.field, levels=levels
    )
    version = _summary_version(procedure, current, terms, s)
    _make_current(procedure, version)
    return procedure, SummaryResult(SummaryOutcome.NEW_VERSION, version.number, changed)


def _reference_term(terms: list[ChannelTerm]) -> ChannelTerm | None:
    """The channel a listing's single time and fee describe: in person (what deadlines fall back to)."""
    return next((t for t in terms if t.channel == Channel.IN_PERSON), terms[0] if terms else None)


def _duration(term: ChannelTerm | None) -> tuple[Decimal, str] | None:
    if term is None or term.duration_value is None:
        return None
    # A number without a unit counts in working days (the portal's default; dossiers.deadlines agrees).
    return term.duration_value, term.duration_unit or DurationUnit.WORKING_DAYS


def _results(stored: object) -> list[tuple[str, str]]:
    rows = stored if isinstance(stored, list) else []
    return [(str(r.get("name", "")), str(r.get("result_code") or "")) for r in rows if isinstance(r, dict)]


def _summary_changes(
    procedure: Procedure, current: ProcedureVersion | None, terms: list[ChannelTerm], s: PublishedSummary
) -> tuple[str, ...]:
    if current is None:
        return ("version",)
    reference = _reference_term(terms)
    differs = {
        "name": s.name != current.name,
        "field": bool(s.field) and s.field != (procedure.field.name if procedure.field else ""),
        "levels": bool(s.levels) and set(s.levels) != set(parsing.parse_levels(current.levels_text)),
        "online_mode": bool(s.online_mode) and s.online_mode != procedure.online_mode,
        "duration": s.duration_value is not None
        and _duration(reference) != (s.duration_value, s.duration_unit),
        "fee": s.fee_amount is not None and (reference.fee_amount if reference else None) != s.fee_amount,
        "results": bool(s.results) and _results(current.results) != list(s.results),
        "publishing_decision": bool(s.publishing_decision)
        and s.publishing_decision != current.publishing_decision,
    }
    return tuple(name for name, changed in differs.items() if changed)


def _summary_version(
    procedure: Procedure, current: ProcedureVersion | None, terms: list[ChannelTerm], s: PublishedSummary
) -> ProcedureVersion:
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        content_hash=summary_hash(s),
        name=s.name,
        levels_text=", ".join(s.levels) if s.levels else (current.levels_text if current else ""),
        results=[{"name": n, "result_code": c or None} for n, c in s.results]
        if s.results
        else (current.results if current else []),
        publishing_decision=s.publishing_decision or (current.publishing_decision if current else ""),
        **{name: getattr(current, name) for name in _CARRIED if current is not None},
    )
    ChannelTerm.objects.bulk_create(_summary_terms(version, terms, s, procedure.online_mode))
    if current is not None:
        Component.objects.bulk_create(
            Component(
                version=version,
                order=c.order,
                group=c.group,
                name=c.name,
                originals=c.originals,
                copies=c.copies,
                template_name=c.template_name,
                template_file=c.template_file.name,
            )
            for c in current.components.order_by("order", "pk")
        )
        LegalBasis.objects.bulk_create(
            LegalBasis(version=version, order=b.order, title=b.title, number_symbol=b.number_symbol)
            for b in current.legal_bases.order_by("order", "pk")
        )
    return version


def _summary_terms(
    version: ProcedureVersion, terms: list[ChannelTerm], s: PublishedSummary, online_mode: str
) -> list[ChannelTerm]:
    """The current terms with the summary's time and fee put where the reference channel's were.

    A channel with its own time or fee (a cheaper online fee, a fee in USD) keeps it. A version without
    terms gets one in person, and one online when the procedure is offered online.
    """
    if not terms:
        if s.duration_value is None and s.fee_amount is None:
            return []
        channels = [Channel.IN_PERSON]
        if online_mode in (OnlineMode.FULL, OnlineMode.PARTIAL):
            channels.append(Channel.ONLINE)
        terms = [ChannelTerm(order=i, channel=channel) for i, channel in enumerate(channels)]
    reference = _reference_term(terms)
    old_duration, old_fee = _duration(reference), reference.fee_amount if reference else None
    rows = []
    for term in terms:
        row = ChannelTerm(version=version, **{name: getattr(term, name) for name in _TERM_FIELDS})
        if s.duration_value is not None and _duration(term) == old_duration:
            row.duration_value, row.duration_unit = s.duration_value, s.duration_unit
            row.duration_text = s.duration_text
            row.working_hours = parsing.duration_to_working_hours(
                s.duration_value, cast("parsing.DurationUnit", s.duration_unit)
            )
        if s.fee_amount is not None and term.fee_amount == old_fee:
            row.fee_amount, row.fee_is_specified, row.fee_text = s.fee_amount, True, s.fee_text
        rows.append(row)
    return rows
