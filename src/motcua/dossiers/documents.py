"""The printable forms of a dossier, built from the database for ``printing`` (Forms 01-07)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.dossiers import printing
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.workflow import Action

_CHANNEL_LABELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Dịch vụ bưu chính", 4: "Cổng Dịch vụ công quốc gia"}


def _header(agency: Agency) -> printing.AgencyHeader:
    parent = agency.parent.name.upper() if agency.parent else "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"
    return printing.AgencyHeader(parent_name=parent, name=agency.name.upper(), place="Lạng Sơn")


def _applicant(dossier: Dossier) -> printing.Party:
    return printing.Party(
        name=dossier.applicant_name,
        id_number=dossier.applicant_id_number,
        address=dossier.applicant_address,
        phone=dossier.applicant_phone,
        email=dossier.applicant_email,
    )


def receipt(dossier: Dossier, *, base_url: str) -> printing.ReceiptForm:
    """Form 01 for an accepted dossier; ``base_url`` makes the QR code's absolute tracking link."""
    inputs = dossier.files.filter(kind=DossierFile.Kind.INPUT, is_current=True).select_related("component")
    lines = [printing.ComponentLine(f.label, f.component.originals if f.component else 1, 0) for f in inputs]
    if not lines:
        lines = [
            printing.ComponentLine(c.name, c.originals, c.copies)
            for c in dossier.procedure_version.components.all()
        ]
    officer = dossier.received_by
    return printing.ReceiptForm(
        code=dossier.code or "",
        header=_header(dossier.receiving_agency),
        desk_name=f"Bộ phận Một cửa - {dossier.receiving_agency.name}",
        applicant=_applicant(dossier),
        procedure=dossier.procedure_version.name,
        components=lines,
        received_at=dossier.received_at or clock.now(),
        appointment_at=dossier.due_at or dossier.received_at or clock.now(),
        return_place=f"Bộ phận Một cửa - {dossier.receiving_agency.name} hoặc nhận trực tuyến",
        channel=_CHANNEL_LABELS.get(dossier.channel, ""),
        officer=officer.get_full_name() if officer else "",
        tracking_url=base_url.rstrip("/") + reverse("dossiers:track", args=[dossier.code]),
        fee=f"{dossier.fee_amount:,.0f} đồng".replace(",", ".") if dossier.fee_amount else "Không thu phí",
    )


def render_receipt_pdf(dossier: Dossier, *, base_url: str) -> bytes:
    form_set = printing.form_set_for((dossier.received_at or clock.now()).date())
    return printing.render_pdf(receipt(dossier, base_url=base_url), form_set=form_set)


def _letter_heading(dossier: Dossier, agency: Agency) -> dict[str, Any]:
    """What every form about one dossier opens with: its code, the issuing agency, applicant, procedure."""
    return {
        "code": dossier.code or "",
        "header": _header(agency),
        "applicant": _applicant(dossier),
        "procedure": dossier.procedure_version.name,
    }


def _last_note(dossier: Dossier, action: str) -> tuple[str, dt.datetime, str]:
    """The reasons, time and officer of the latest ``action`` on the dossier (for Forms 02-05)."""
    event = dossier.events.filter(action=action).select_related("actor").order_by("-at", "-pk").first()
    if event is None:
        raise DomainError("Hồ sơ chưa có thao tác tương ứng với phiếu này.")
    officer = event.actor.get_full_name() if event.actor else ""
    return event.note, event.at, officer


def _reasons(note: str) -> list[str]:
    return [part.strip() for part in note.replace("\n", ";").split(";") if part.strip()] or ["—"]


def supplement(dossier: Dossier) -> printing.SupplementForm:
    note, at, officer = _last_note(dossier, Action.REQUEST_SUPPLEMENT)
    return printing.SupplementForm(
        **_letter_heading(dossier, dossier.receiving_agency),
        reasons=_reasons(note),
        items=_reasons(note),
        round_number=dossier.supplement_rounds,
        officer=officer,
        issued_at=at,
        desk_name=f"Bộ phận Một cửa - {dossier.receiving_agency.name}",
    )


def refusal(dossier: Dossier) -> printing.RefusalForm:
    note, at, officer = _last_note(dossier, Action.REFUSE)
    return printing.RefusalForm(
        **_letter_heading(dossier, dossier.receiving_agency),
        reasons=_reasons(note),
        officer=officer,
        issued_at=at,
    )


def apology(dossier: Dossier) -> printing.ApologyForm:
    note, at, officer = _last_note(dossier, Action.APOLOGIZE)
    return printing.ApologyForm(
        **_letter_heading(dossier, dossier.processing_agency),
        received_at=dossier.received_at or at,
        reason=note,
        old_appointment_at=dossier.original_due_at or at,
        new_appointment_at=dossier.due_at or at,
        signer=officer,
        issued_at=at,
    )


def stop(dossier: Dossier) -> printing.StopForm:
    note, at, officer = _last_note(dossier, Action.STOP)
    return printing.StopForm(
        **_letter_heading(dossier, dossier.processing_agency),
        received_at=dossier.received_at or at,
        reason=note,
        signer=officer,
        issued_at=at,
    )


def control_sheet(dossier: Dossier) -> printing.ControlSheet:
    """Form 05/06: each hand-over of the dossier, from whom to whom, when, by when, with what result."""
    rows: list[printing.ControlRow] = []
    previous = dossier.received_by.get_full_name() if dossier.received_by else "Bộ phận Một cửa"
    for task in dossier.tasks.select_related("finished_by", "assignee", "org_unit").order_by(
        "started_at", "pk"
    ):
        if task.started_at is None:
            continue
        holder = task.finished_by or task.assignee
        receiver = holder.get_full_name() if holder else (task.org_unit.name if task.org_unit else task.name)
        result = "Hoàn thành" if task.finished_at else "Đang xử lý"
        if task.finished_at and task.due_at:
            result += " đúng hạn" if task.finished_at <= task.due_at else " quá hạn"
        rows.append(
            printing.ControlRow(
                handed_over_by=previous,
                received_by=receiver,
                at=task.started_at,
                due_at=task.due_at,
                result=result,
                note=task.note,
            )
        )
        previous = receiver
    return printing.ControlSheet(
        code=dossier.code or "",
        header=_header(dossier.processing_agency),
        procedure=dossier.procedure_version.name,
        applicant=_applicant(dossier),
        received_at=dossier.received_at or clock.now(),
        appointment_at=dossier.due_at or clock.now(),
        rows=rows,
    )


FORM_BUILDERS: dict[str, Callable[[Dossier], printing.PrintableForm]] = {
    "02": supplement,
    "03": refusal,
    "04": apology,
    "dung": stop,
    "kiem-soat": control_sheet,
}


def render_form_pdf(dossier: Dossier, which: str) -> bytes:
    builder = FORM_BUILDERS.get(which)
    if builder is None:
        raise DomainError("Không có mẫu phiếu này.")
    form_set = printing.form_set_for((dossier.received_at or dossier.created_at).date())
    return printing.render_pdf(builder(dossier), form_set=form_set)


def register(agency: Agency, dossiers: list[Dossier], period_label: str) -> printing.Register:
    """Form 06/07: the desk's register of the dossiers it received in a period."""
    return printing.Register(
        header=_header(agency),
        period_label=period_label,
        desk_name=f"Bộ phận Một cửa - {agency.name}",
        rows=[
            printing.RegisterRow(
                code=d.code or "",
                applicant=_applicant(d),
                procedure=d.procedure.name,
                received_at=d.received_at or d.created_at,
                appointment_at=d.due_at or d.received_at or d.created_at,
                finished_at=d.finished_at,
                returned_at=d.returned_at,
                status=d.status_label,
                note=d.get_outcome_display() if d.outcome else "",
            )
            for d in dossiers
        ],
    )
