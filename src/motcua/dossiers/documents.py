"""The printable forms of a dossier, built from the database for ``printing`` (Forms 01-07)."""

from __future__ import annotations

from django.urls import reverse

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.dossiers import printing
from motcua.dossiers.models import Dossier, DossierFile

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
