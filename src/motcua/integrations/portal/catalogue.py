"""Pulling the national portal's procedure catalogue (LayDanhSachTTHC) into the catalogue as new versions.

The portal lists, per procedure, what a summary holds (``catalog.summaries.PublishedSummary``): name, field,
levels, online mode, one processing time and fee, results, publishing decision. This module turns the
portal's entries into summaries (the portal's words stay here) and lets the catalogue apply each one in its
own transaction (``summary_apply``: a new procedure, a new current version, or nothing). A bad entry is
refused with its reason and the others still apply. Each run is recorded (``catalog.CatalogueSync``), so
the next one asks only for what changed since the last complete run (``TuNgay``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError

from motcua.catalog import parsing
from motcua.catalog.importer import FieldCache, RecordError
from motcua.catalog.models import CatalogueSync, OnlineMode
from motcua.catalog.summaries import (
    PublishedSummary,
    SummaryOutcome,
    summary_apply,
)
from motcua.integrations.portal import wire
from motcua.integrations.portal.client import PortalClient, PortalError

logger = logging.getLogger(__name__)

SOURCE = "national_portal"
#: MucDoDVC -> the catalogue's online mode ("" = not published: the procedure keeps its own).
ONLINE_MODES = {"toan_trinh": OnlineMode.FULL, "mot_phan": OnlineMode.PARTIAL, "": ""}


class EntryError(ValueError):
    """An entry the catalogue cannot take (the reason names the portal's field)."""


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str


@dataclass
class PullReport:
    since: dt.date | None  # None: the whole list was asked for
    received: int = 0
    created: list[str] = field(default_factory=list)  # procedure codes
    new_versions: list[tuple[str, int, tuple[str, ...]]] = field(default_factory=list)  # code, number, what
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)


def catalogue_pull(
    *, client: PortalClient | None = None, since: dt.date | None = None, full: bool = False
) -> PullReport:
    """Ask the portal for the procedures changed since ``since`` (default: the start of the last complete
    pull; ``full``: all of them) and apply each; raises ``PortalError`` (recorded, nothing changed) when the
    portal fails or answers something malformed."""
    if full and since is not None:
        raise ValueError("a pull is either full or since a day")
    automatic = CatalogueSync.objects.next_since()
    asked = None if full else since or automatic
    # A pull with a later day than the automatic one skips changes: it must not move the next pull's start.
    covers_previous = asked is None or (automatic is not None and asked <= automatic)
    run = CatalogueSync.objects.create(since=asked)
    report = PullReport(since=asked)
    try:
        entries = _fetch(client or PortalClient.from_settings(), asked)
        report.received = len(entries)
        fields = FieldCache()
        seen: set[str] = set()
        for entry in entries:
            _apply(entry, report, fields, seen)
    except PortalError as error:
        logger.warning("catalogue pull failed: %s", error)
        run.finish(error=str(error))
        raise
    except Exception as error:
        run.finish(error=f"interrupted: {type(error).__name__}: {error}"[:2000])
        raise
    run.finish(
        received=report.received,
        created=len(report.created),
        new_versions=len(report.new_versions),
        unchanged=report.unchanged,
        refusals=[{"code": r.code, "reason": r.reason} for r in report.refused],
        covers_previous=covers_previous,
    )
    return report


def _fetch(client: PortalClient, since: dt.date | None) -> list[wire.CatalogueEntry | wire.MalformedEntry]:
    return client.catalogue(since=since.strftime("%Y%m%d") if since else "")


def _apply(
    entry: wire.CatalogueEntry | wire.MalformedEntry, report: PullReport, fields: FieldCache, seen: set[str]
) -> None:
    if isinstance(entry, wire.MalformedEntry):
        logger.warning("%s: entry %r refused: %s", wire.CATALOGUE, entry.portal_code, entry.reason)
        report.refused.append(Refusal(entry.portal_code, f"malformed: {entry.reason}"[:500]))
        return
    try:
        if entry.code in seen:
            raise EntryError("MaTTHC listed twice in one answer: the second is ignored")
        seen.add(entry.code)
        result = summary_apply(summary=summary_of(entry), fields=fields, source=SOURCE)
    except (EntryError, RecordError, IntegrityError) as error:
        reason = f"{error.field}: {error}" if isinstance(error, RecordError) else str(error)
        if isinstance(error, IntegrityError):
            reason = f"changed by someone else meanwhile ({error}); asked again next time"
        logger.warning("%s: entry %r refused: %s", wire.CATALOGUE, entry.code, reason)
        report.refused.append(Refusal(entry.code, reason[:500]))
        return
    if result.outcome == SummaryOutcome.CREATED:
        report.created.append(entry.code)
    elif result.outcome == SummaryOutcome.NEW_VERSION:
        report.new_versions.append((entry.code, result.version, result.changed))
    else:
        report.unchanged += 1


def summary_of(entry: wire.CatalogueEntry) -> PublishedSummary:
    """The catalogue's reading of one portal entry; ``EntryError`` for what it cannot read."""
    if entry.online_mode not in ONLINE_MODES:
        raise EntryError(f"MucDoDVC: unknown value {entry.online_mode!r}")
    duration_text = ""
    if entry.duration_value is not None:
        if not entry.duration_unit:
            raise EntryError("ThoiGianGiaiQuyet without a known DonViTinh")
        if entry.duration_value.is_finite():
            duration_text = f"{_number(entry.duration_value)} {wire.DURATION_UNITS[entry.duration_unit]}"
    text = parsing.normalize_text  # NFC and single spaces, as the importer stores texts
    return PublishedSummary(
        code=entry.code,
        name=text(entry.name),
        field=text(entry.field),
        levels=tuple(parsing.parse_levels(entry.levels)),
        online_mode=ONLINE_MODES[entry.online_mode],
        duration_value=entry.duration_value,
        duration_unit=entry.duration_unit,
        duration_text=duration_text,
        fee_amount=entry.fee_amount,
        fee_text=_fee_text(entry.fee_amount),
        results=tuple((text(name), text(code)) for name, code in entry.results),
        publishing_decision=text(entry.publishing_decision),
    )


def _number(value: Decimal) -> str:
    """1 -> "1", 0.5 -> "0,5" (Vietnamese decimal comma)."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _fee_text(amount: Decimal | None) -> str:
    if amount is None or not amount.is_finite():
        return ""
    if amount == 0:
        return "Miễn phí"
    return f"{amount:,.0f} đồng".replace(",", ".")
