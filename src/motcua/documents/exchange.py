"""Sending documents between agencies and the exchange status each recipient reports back.

Inside MotCua a dispatched document is registered in the recipient's incoming register in the same
transaction and the sender sees it acknowledged (status 03 of Decision 28/2018/QĐ-TTg); later handling at
the recipient moves the sender's status on (04 assigned, 05 in progress, 06 completed, 02 refused).
Outside MotCua the document leaves as an edXML package (QCVN 102:2016). Confidential documents never
leave electronically (Decree 30 Art. 18; the state-secrets law): only paper delivery is recorded.
"""

from __future__ import annotations

import re
from typing import cast

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.documents import arrivals, edxml, signals, symbols
from motcua.documents.edxml import ExchangeStatus
from motcua.documents.models import (
    Delivery,
    IncomingDocument,
    IssuerProfile,
    OutgoingDocument,
    OutgoingRecipient,
)

#: The largest edXML package accepted for import (the signed PDF and attachments, base64-encoded).
MAX_PACKAGE_BYTES = 50 * 1024 * 1024


#: edXML ``DocumentType/Type`` of an official letter, which has no abbreviation: the exchange SDK's samples
#: send "1". Other types send their Decree 30 abbreviation; a receiver that wants the SDK's numeric table
#: needs a mapping here (no public copy of that table was found).
OFFICIAL_LETTER_TYPE_CODE = "1"


class ConfidentialExchangeError(DomainError):
    code = "confidential_not_electronic"
    status = 409


def _signed_pdf(document: OutgoingDocument) -> bytes:
    with document.signed_file.open("rb") as handle:
        data: bytes = handle.read()
    return data


def dispatch(*, document: OutgoingDocument, actor: User) -> None:
    """Deliver an issued document to each recipient (inside the dispatching transaction)."""
    recipients = list(document.recipients.select_related("agency"))
    if not recipients:
        raise DomainError("Văn bản chưa có nơi nhận.", fields={"recipients": ["required"]})
    electronic = [r for r in recipients if r.delivery != Delivery.PAPER]
    if document.is_confidential and electronic:
        raise ConfidentialExchangeError(
            "Văn bản mật không được gửi qua mạng: chỉ được gửi bản giấy theo quy định bảo vệ bí mật nhà nước."
        )
    today = clock.today()
    pdf = _signed_pdf(document) if electronic else b""
    now = clock.now()
    for recipient in recipients:
        if recipient.delivery == Delivery.INTERNAL:
            assert recipient.agency is not None
            if not recipient.agency.is_valid_on(today):
                raise DomainError(f"Cơ quan nhận “{recipient.agency.name}” không còn hoạt động.")
            recipient.incoming = arrivals.register(
                agency=recipient.agency,
                arrival=arrival_of(document),
                delivery=Delivery.INTERNAL,
                sender_agency=document.agency,
                source=document,
                pdf=pdf,
                file_name=f"{document.agency.identifier}-{document.year}-{document.number}.pdf",
            )
            recipient.exchange_status = ExchangeStatus.REGISTERED
            recipient.status_at = now
            recipient.save(update_fields=["incoming", "exchange_status", "status_at"])
    outside = [r for r in electronic if r.delivery == Delivery.EDXML]
    if outside:
        signals.dispatched_outside.send(sender=OutgoingDocument, document=document, recipients=outside)


def arrival_of(document: OutgoingDocument) -> arrivals.Arrival:
    assert document.issued_at is not None
    return arrivals.Arrival(
        sender_name=document.agency.name,
        sender_organ_id=document.agency.identifier[:13],
        number_symbol=document.number_symbol,
        issued_on=document.issued_at.astimezone(clock.local_zone()).date(),
        type_name=document.document_type.name,
        subject=document.subject,
        urgency=document.urgency,
        confidentiality=document.confidentiality,
        signer_name=document.signer.get_full_name(),
        page_count=document.page_count,
    )


def report_status(*, incoming: IncomingDocument, status: str) -> None:
    """The recipient's handling, reported back to the sender's recipient row."""
    OutgoingRecipient.objects.filter(incoming=incoming).update(exchange_status=status, status_at=clock.now())
    signals.exchange_status_reported.send(sender=IncomingDocument, incoming=incoming, status=status)


# -- edXML packages ------------------------------------------------------------------------------------------


_ORGAN_ID = re.compile(r"^[0-9A-Z][0-9A-Z.]{4,12}$")


def split_external(line: str) -> tuple[str, str]:
    """``"000.00.00.G22 Bộ Nội vụ"`` → (identifier, name); a line without an identifier keeps it empty."""
    head, _, rest = line.strip().partition(" ")
    if _ORGAN_ID.match(head) and rest.strip():
        return head, rest.strip()
    return "", line.strip()


def _organ(agency: Agency) -> edxml.Organ:
    return edxml.Organ(organ_id=agency.identifier[:13], organ_name=agency.name[:200])


def package_for(*, document: OutgoingDocument, recipient: OutgoingRecipient | None = None) -> bytes:
    """The edXML package of an issued document, for one recipient or all its electronic ones."""
    if document.is_confidential:
        raise ConfidentialExchangeError("Văn bản mật không được đóng gói để gửi qua mạng.")
    if document.number is None or document.issued_at is None:
        raise DomainError("Chỉ đóng gói được văn bản đã phát hành.")
    targets = (
        [recipient]
        if recipient is not None
        else [r for r in document.recipients.select_related("agency") if r.delivery != Delivery.PAPER]
    )
    unnamed = [r.organ_name for r in targets if not r.organ_id]
    if unnamed or not targets:
        raise DomainError(
            "Nơi nhận ngoài hệ thống cần có mã định danh cơ quan để gửi gói edXML: " + ", ".join(unnamed),
            fields={"recipients": unnamed},
        )
    profile = IssuerProfile.objects.filter(agency=document.agency).first()
    try:
        package = edxml.EdxmlDocument(
            from_organ=_organ(document.agency),
            to_organs=tuple(edxml.Organ(organ_id=r.organ_id, organ_name=r.organ_name[:200]) for r in targets),
            code_number=symbols.format_number(document.number),
            code_notation=document.number_symbol.split("/", 1)[-1][:30],
            place=profile.place if profile else document.agency.name,
            promulgation_date=document.issued_at.astimezone(clock.local_zone()).date(),
            type_code=document.document_type.abbreviation or OFFICIAL_LETTER_TYPE_CODE,
            type_name=document.document_type.name[:100],
            subject=document.subject[:500],
            signer_position=document.signer_title[:100],
            signer_full_name=document.signer.get_full_name()[:50],
            urgency=cast(edxml.Urgency, document.urgency),
            document_id=document_id(document),
            due_date=document.due_on,
            page_amount=document.page_count,
            promulgation_amount=None,
            to_places=tuple(r.organ_name for r in document.recipients.all()),
            attachments=(
                edxml.Attachment(
                    name=f"{document.number_symbol.replace('/', '_')}.pdf",
                    content_type="application/pdf",
                    data=_signed_pdf(document),
                    description=document.subject[:200],
                ),
            ),
        )
        return edxml.build_package(package)
    except edxml.EdxmlError as error:
        raise DomainError(f"Không đóng gói được văn bản: {error}") from error


def import_package(*, agency: Agency, actor: User, data: bytes) -> IncomingDocument:
    """Register an edXML package received from outside MotCua (inside the caller's transaction)."""
    try:
        package = edxml.parse_package(data, max_bytes=MAX_PACKAGE_BYTES)
    except edxml.EdxmlError as error:
        raise DomainError(f"Gói edXML không hợp lệ: {error}", fields={"file": [str(error)]}) from error
    if package.to_organs and agency.identifier[:13] not in {o.organ_id for o in package.to_organs}:
        raise DomainError("Gói edXML không gửi cho cơ quan này.", fields={"file": ["wrong recipient"]})
    pdf = next((a for a in package.attachments if a.content_type == "application/pdf"), None)
    number_symbol = (
        f"{package.code_number}/{package.code_notation}" if package.code_number else package.code_notation
    )
    arrival = arrivals.Arrival(
        sender_name=package.from_organ.organ_name,
        sender_organ_id=package.from_organ.organ_id,
        number_symbol=number_symbol,
        issued_on=package.promulgation_date,
        type_name=package.type_name,
        subject=package.subject,
        urgency=package.urgency,
        signer_name=package.signer_full_name,
        page_count=package.page_amount,
        external_id=package.document_id,
    )
    sender = Agency.objects.filter(identifier=package.from_organ.organ_id).first()
    return arrivals.register(
        agency=agency,
        arrival=arrival,
        delivery=Delivery.EDXML,
        actor=actor,
        sender_agency=sender,
        pdf=pdf.data if pdf is not None else None,
        file_name=pdf.name if pdf is not None else "",
    )


def document_id(document: OutgoingDocument) -> str:
    """The edXML DocumentId of an issued document: sender identifier, issue date, number-symbol."""
    assert document.issued_at is not None
    issued = document.issued_at.astimezone(clock.local_zone())
    return f"{document.agency.identifier},{issued:%Y/%m/%d},{document.number_symbol}"


#: The exchange status an incoming document's handling reports to its sender.
HANDLING_STATUS = {
    "registered": ExchangeStatus.REGISTERED,
    "assigned": ExchangeStatus.ASSIGNED,
    "in_progress": ExchangeStatus.IN_PROGRESS,
    "completed": ExchangeStatus.COMPLETED,
    "refused": ExchangeStatus.REFUSED,
}


def status_for(*, incoming: IncomingDocument) -> bytes:
    """The edXML status message telling an outside sender how far its document has got here."""
    if incoming.delivery != Delivery.EDXML or not incoming.sender_organ_id or not incoming.external_id:
        raise DomainError("Chỉ gửi trạng thái cho văn bản nhận qua gói edXML từ hệ thống khác.")
    last = incoming.events.order_by("-at", "-pk").first()
    staff = (
        (incoming.handler or incoming.registered_by)
        if incoming.handler_id or incoming.registered_by_id
        else None
    )
    try:
        message = edxml.StatusMessage(
            from_organ=_organ(incoming.agency),
            response_for_organ_id=incoming.sender_organ_id,
            response_for_code=incoming.number_symbol,
            response_for_promulgation_date=incoming.issued_on,
            response_for_document_id=incoming.external_id,
            status=HANDLING_STATUS[incoming.status],
            description=(last.note if last is not None and last.note else incoming.get_status_display())[
                :500
            ],
            timestamp=clock.now(),
            staff_department=incoming.agency.name[:200],
            staff_name=staff.get_full_name()[:100] if staff is not None else "Văn thư",
        )
        return edxml.build_status(message)
    except edxml.EdxmlError as error:
        raise DomainError(f"Không tạo được thông điệp trạng thái: {error}") from error


def apply_status(*, document: OutgoingDocument, data: bytes) -> OutgoingRecipient:
    """Record a status message from an outside recipient on its recipient row (inside a transaction)."""
    try:
        message = edxml.parse_status(data, max_bytes=1024 * 1024)
    except edxml.EdxmlError as error:
        raise DomainError(
            f"Thông điệp trạng thái không hợp lệ: {error}", fields={"file": [str(error)]}
        ) from error
    if document.issued_at is None or message.response_for_document_id != document_id(document):
        raise DomainError(
            "Thông điệp trạng thái không nói về văn bản này.", fields={"file": ["other document"]}
        )
    recipient = document.recipients.filter(
        organ_id=message.from_organ.organ_id, delivery=Delivery.EDXML
    ).first()
    if recipient is None:
        raise DomainError(
            f"Cơ quan {message.from_organ.organ_id} không có trong nơi nhận qua edXML của văn bản.",
            fields={"file": ["unknown recipient"]},
        )
    recipient.exchange_status = message.status.value
    recipient.status_at = message.timestamp
    recipient.save(update_fields=["exchange_status", "status_at"])
    return recipient
