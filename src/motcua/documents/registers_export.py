"""The register books of one agency and year, from the database to PDF or xlsx (``registers``).

Only officials of the agency may print its books; the confidential books only its leaders and clerks,
who keep them under the state-secrets law.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.core.errors import DomainError, NotFoundError
from motcua.documents import registers
from motcua.documents.access import document_agency_roles
from motcua.documents.models import Delivery, IncomingDocument, OutgoingDocument, Series

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIDENTIAL_BOOK_ROLES = frozenset({Role.AGENCY_LEADER, Role.CLERK})


@dataclass(frozen=True)
class BookFile:
    data: bytes
    content_type: str
    file_name: str


def _book(agency: Agency, kind: str, year: int, series: str) -> registers.RegisterBook:
    title = "SỔ ĐĂNG KÝ VĂN BẢN ĐI" if kind == "outgoing" else "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    if series == Series.CONFIDENTIAL:
        title += " MẬT"
    parent = agency.parent.name.upper() if agency.parent is not None else ""
    return registers.RegisterBook(agency_name=agency.name.upper(), parent_name=parent, year=year, title=title)


def _outgoing_rows(agency: Agency, year: int, series: str) -> Iterator[registers.OutgoingRegisterRow]:
    documents = (
        OutgoingDocument.objects.filter(agency=agency, year=year, series=series, number__isnull=False)
        .select_related("document_type", "signer", "drafting_unit")
        .prefetch_related("recipients")
        .order_by("number")
    )
    for d in documents.iterator(chunk_size=2000):
        assert d.issued_at is not None
        names = [r.organ_name for r in d.recipients.all()]
        paper = sum(1 for r in d.recipients.all() if r.delivery == Delivery.PAPER)
        yield registers.OutgoingRegisterRow(
            number_symbol=d.number_symbol,
            issued_on=d.issued_at.astimezone(clock.local_zone()).date(),
            type_and_subject=f"{d.document_type.name}: {d.subject}",
            signer=d.signer.get_full_name(),
            recipients="; ".join(names),
            file_keeper=d.drafting_unit.name if d.drafting_unit else "VT",
            copies=paper or None,
            dispatched_on=d.dispatched_at.astimezone(clock.local_zone()).date() if d.dispatched_at else None,
            confidentiality_label=d.get_confidentiality_display() if d.is_confidential else "",
        )


def _incoming_rows(agency: Agency, year: int, series: str) -> Iterator[registers.IncomingRegisterRow]:
    documents = (
        IncomingDocument.objects.filter(agency=agency, year=year, series=series)
        .select_related("handler", "lead_unit")
        .order_by("arrival_number")
    )
    for d in documents.iterator(chunk_size=2000):
        handler = d.lead_unit.name if d.lead_unit else ""
        if d.handler is not None:
            handler = f"{handler} – {d.handler.get_full_name()}".strip(" –")
        yield registers.IncomingRegisterRow(
            arrived_on=d.arrived_at.astimezone(clock.local_zone()).date(),
            arrival_number=d.arrival_number,
            sender=d.sender_name,
            number_symbol=d.number_symbol,
            issued_on=d.issued_on,
            type_and_subject=f"{d.type_name}: {d.subject}",
            handler=handler,
            forwarded_on=d.assigned_at.astimezone(clock.local_zone()).date() if d.assigned_at else None,
            confidentiality_label=d.get_confidentiality_display() if d.is_confidential else "",
        )


def register_file(
    *, user: User, agency: Agency, kind: str, year: int, series: str, file_format: str
) -> BookFile:
    roles = document_agency_roles(user).get(agency.pk)
    if not roles:
        raise NotFoundError("Không tìm thấy sổ văn bản.")
    if (
        series not in Series.values
        or file_format not in ("pdf", "xlsx")
        or kind not in ("outgoing", "incoming")
    ):
        raise DomainError("Sổ, loại sổ hoặc định dạng không hợp lệ.")
    if series == Series.CONFIDENTIAL and not roles & CONFIDENTIAL_BOOK_ROLES:
        raise NotFoundError("Không tìm thấy sổ văn bản.")
    book = _book(agency, kind, year, series)
    stem = f"so-van-ban-{'di' if kind == 'outgoing' else 'den'}-{agency.identifier}-{year}"
    if series == Series.CONFIDENTIAL:
        stem += "-mat"
    if kind == "outgoing":
        out_rows = _outgoing_rows(agency, year, series)
        if file_format == "pdf":
            return BookFile(registers.outgoing_register_pdf(book, out_rows), "application/pdf", f"{stem}.pdf")
        return BookFile(registers.outgoing_register_xlsx(book, out_rows), XLSX, f"{stem}.xlsx")
    in_rows = _incoming_rows(agency, year, series)
    if file_format == "pdf":
        return BookFile(registers.incoming_register_pdf(book, in_rows), "application/pdf", f"{stem}.pdf")
    return BookFile(registers.incoming_register_xlsx(book, in_rows), XLSX, f"{stem}.xlsx")
