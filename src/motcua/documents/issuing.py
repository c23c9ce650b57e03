"""The issued PDF: the approved text with its number, signed with the agency's certificate.

Decree 30/2020 Art. 13-15: the number and date are given at issue, and the agency's digital signature
(its electronic seal) is applied by the clerk. The signature block carries the number-symbol, so an
uploaded PDF needs no rewriting; a document written in MotCua is rendered in the Appendix I layout with
its number. Everything runs inside the issuing transaction: a refused signature returns the number.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.documents import rendering, signing, text
from motcua.documents.models import IssuerProfile, OutgoingDocument, Urgency

URGENCY_MARKS = {Urgency.URGENT: "KHẨN", Urgency.VERY_URGENT: "THƯỢNG KHẨN", Urgency.FLASH: "HỎA TỐC"}
CONFIDENTIALITY_MARKS = {"mat": "MẬT", "toi_mat": "TỐI MẬT", "tuyet_mat": "TUYỆT MẬT"}


class SignatureRefusedError(DomainError):
    code = "signature_refused"
    status = 400


@dataclass(frozen=True)
class SignedDocument:
    pdf: bytes
    page_count: int


def issuer_profile(agency: Agency) -> IssuerProfile:
    profile = IssuerProfile.objects.filter(agency=agency).first()
    if profile is None or not profile.certificate:
        raise DomainError(
            "Cơ quan chưa được cấu hình ký hiệu văn bản và chứng thư số: liên hệ quản trị hệ thống."
        )
    return profile


def document_text(document: OutgoingDocument, *, place: str, is_draft: bool) -> rendering.DocumentText:
    """The Appendix I fields of a document written in MotCua."""
    agency = document.agency
    parent = agency.parent.name.upper() if agency.parent is not None else ""
    recipients = [r.organ_name for r in document.recipients.all()]
    recipients.append("Lưu: VT")
    signer = document.signer
    return rendering.DocumentText(
        issuing_body_parent=parent,
        issuing_body=agency.name.upper(),
        number_symbol=document.number_symbol,
        place=place,
        issued_on=document.issued_at.astimezone(clock.local_zone()).date() if document.issued_at else None,
        type_name=document.document_type.name,
        # "V/v" is printed by the layout for an official letter; drafters often type it too.
        subject=document.subject.removeprefix("V/v").strip()
        if document.document_type.abbreviation == ""
        else document.subject,
        content=document.content,
        recipients=(*tuple(f"- {name};" for name in recipients[:-1]), f"- {recipients[-1]}."),
        signer_authority="",
        signer_title=document.signer_title.upper(),
        signer_name=signer.get_full_name() or signer.get_username(),
        urgency_mark=URGENCY_MARKS.get(Urgency(document.urgency), ""),
        confidentiality_mark=CONFIDENTIALITY_MARKS.get(document.confidentiality, ""),
        is_draft=is_draft,
    )


def _source_pdf(document: OutgoingDocument, place: str) -> tuple[bytes, signing.Box | None, int]:
    """The PDF to sign, the signature block's place (None: the bottom-right corner) and its page."""
    latest = document.versions.order_by("-number").first()
    if latest is not None and latest.is_pdf:
        with latest.file.open("rb") as handle:
            return handle.read(), None, -1
    if document.content.strip():
        pdf = rendering.render_document_pdf(document_text(document, place=place, is_draft=False))
        page, x1, y1, x2, y2 = rendering.signature_box(pdf)
        return pdf, (x1, y1, x2, y2), page
    raise DomainError(
        "Cần bản PDF của văn bản để ký số: hãy tải lên bản PDF hoặc nhập nội dung văn bản.",
        fields={"file": ["pdf required"]},
    )


def sign_issued(*, document: OutgoingDocument, profile: IssuerProfile, passphrase: str) -> SignedDocument:
    if not passphrase:
        raise SignatureRefusedError(
            "Cần nhập mật khẩu chứng thư số của cơ quan.", fields={"passphrase": ["required"]}
        )
    assert document.issued_at is not None
    pdf, box, page = _source_pdf(document, profile.place)
    with profile.certificate.open("rb") as handle:
        pkcs12 = handle.read()
    appearance = signing.SignatureAppearance(
        signer_name=document.signer.get_full_name() or document.signer.get_username(),
        signer_title=document.signer_title,
        organization=document.agency.name,
        signed_at=document.issued_at,
        location=profile.place,
        reason=f"Ban hành văn bản số {document.number_symbol}",
        extra_lines=(f"Số: {document.number_symbol}",),
        page=page,
        box=box,
    )
    try:
        signed = signing.sign_pdf(pdf, pkcs12=pkcs12, passphrase=passphrase, appearance=appearance)
    except signing.SigningError as error:
        raise SignatureRefusedError(_vietnamese(error), fields={"passphrase": [str(error)]}) from error
    return SignedDocument(pdf=signed, page_count=text.pdf_page_count(signed) or 1)


def _vietnamese(error: signing.SigningError) -> str:
    messages = {
        "wrong_passphrase": "Mật khẩu chứng thư số không đúng.",
        "expired": "Chứng thư số của cơ quan đã hết hạn: không thể ký.",
        "not_yet_valid": "Chứng thư số của cơ quan chưa có hiệu lực.",
        "not_for_signing": "Chứng thư số này không được phép dùng để ký văn bản.",
        "bad_pdf": "Tệp văn bản không phải PDF hợp lệ.",
    }
    return messages.get(getattr(error, "kind", ""), f"Không ký số được văn bản ({error}).")
