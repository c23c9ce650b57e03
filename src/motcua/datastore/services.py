"""Use cases of the electronic document store: digitise at reception, file results, reuse, open, purge.

Digitising joins the scanned pages into one PDF, has the receiving officer certify it matches the original
with the agency's digital signature, attaches it to the dossier and files it under its owner, in one
transaction. A reuse checks the stored document is the owner's, still valid, of a reusable kind, and that
its signature validates, then attaches a copy to the new dossier; across agencies it needs the owner's
consent, which is recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.catalog.models import Component
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError, NotFoundError, PermissionDeniedError
from motcua.core.uploads import max_upload_bytes
from motcua.datastore import access, kinds, scans
from motcua.datastore.models import DocumentKind, Origin, Reuse, StoredDocument, StoredDocumentAccess
from motcua.documents import issuing, signing, text, trust
from motcua.dossiers import services as dossier_services
from motcua.dossiers.access import actor_roles
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.workflow import FINISHED, RECEPTION, Status

CERTIFY_REASON = "Bản điện tử đã được đối chiếu, khớp đúng với bản chính"


class StoreError(DomainError):
    code = "store_refused"


@dataclass(frozen=True)
class Tagging:
    """What the receiving officer records of a paper component being digitised."""

    owner_number: str
    owner_name: str
    owner_kind: str = "person"
    issuing_body: str = ""
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None


def document_kind(code: str) -> DocumentKind:
    """The kind row (created from ``kinds.KINDS`` the first time it is needed)."""
    spec = kinds.BY_CODE.get(code, kinds.BY_CODE[kinds.OTHER])
    kind, _ = DocumentKind.objects.get_or_create(
        code=spec.code,
        defaults={"name": spec.name, "retention_years": spec.retention_years, "is_reusable": spec.reusable},
    )
    return kind


def _retain_until(kind: DocumentKind, today: dt.date) -> dt.date | None:
    if kind.retention_years is None:
        return None
    try:
        return today.replace(year=today.year + kind.retention_years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + kind.retention_years, day=28)


def _check_tagging(tag: Tagging) -> None:
    errors: dict[str, list[str]] = {}
    number = tag.owner_number.strip()
    if tag.owner_kind == "person" and not (number.isdigit() and len(number) == 12):
        errors["owner_number"] = ["Số định danh cá nhân phải gồm 12 chữ số."]
    if tag.owner_kind == "organisation" and not (
        number.replace("-", "").isdigit() and 10 <= len(number) <= 14
    ):
        errors["owner_number"] = ["Mã số thuế, mã số doanh nghiệp gồm 10 hoặc 13 chữ số."]
    if not tag.owner_name.strip():
        errors["owner_name"] = ["Cần ghi tên chủ sở hữu giấy tờ."]
    if tag.issued_on and tag.issued_on > clock.today():
        errors["issued_on"] = ["Ngày cấp không thể sau ngày hôm nay."]
    if tag.issued_on and tag.expires_on and tag.expires_on < tag.issued_on:
        errors["expires_on"] = ["Ngày hết hạn không thể trước ngày cấp."]
    if errors:
        raise StoreError(next(iter(errors.values()))[0], fields=errors)


def _upload(name: str, pdf: bytes) -> UploadedFile:
    return SimpleUploadedFile(name, pdf, content_type="application/pdf")


def dossier_digitise(
    *,
    dossier: Dossier,
    actor: User,
    component: Component,
    pages: Sequence[scans.ScanPage],
    tagging: Tagging,
    passphrase: str,
) -> StoredDocument:
    """Join the scanned pages, certify them with the agency's signature, attach and file them."""
    if RECEPTION not in actor_roles(dossier=dossier, user=actor):
        raise PermissionDeniedError("Chỉ cán bộ tiếp nhận của hồ sơ được số hóa thành phần hồ sơ.")
    if Status(dossier.status) in FINISHED or dossier.status == Status.DRAFT:
        raise StoreError("Hồ sơ không ở giai đoạn tiếp nhận, xử lý: không số hóa được.")
    if component.version_id != dossier.procedure_version_id:
        raise StoreError("Thành phần hồ sơ không thuộc thủ tục này.", fields={"component": ["unknown"]})
    _check_tagging(tagging)
    if not pages:
        raise StoreError("Cần ít nhất một trang quét.", fields={"pages": ["required"]})
    try:
        joined = scans.join_pages(pages, max_bytes_per_page=max_upload_bytes())
    except scans.ScanError as error:
        raise StoreError(str(error), fields={"pages": [error.code]}) from error
    agency = dossier.receiving_agency
    now = clock.now()
    signed = _certify(
        joined.pdf, agency_name=agency.name, actor=actor, passphrase=passphrase, at=now, dossier=dossier
    )
    kind = document_kind(kinds.classify(component.name))
    with transaction.atomic(durable=True):
        file = dossier_services.dossier_attach_file(
            dossier=dossier, actor=actor, upload=_upload("so-hoa.pdf", signed), component=component
        )
        stored = _file(
            file=file,
            dossier=dossier,
            agency=agency,
            actor=actor,
            origin=Origin.DIGITISED,
            kind=kind,
            title=component.name,
            tagging=tagging,
            pdf=signed,
            signer=actor.get_full_name(),
            signed_at=now,
        )
        audit_record(
            actor=actor, action="store.digitise", obj=stored, dossier=dossier.code, pages=joined.page_count
        )
    return stored


def dossier_result_sign(
    *, dossier: Dossier, actor: User, upload: UploadedFile, passphrase: str
) -> DossierFile:
    """Sign an electronic result (PDF) with the processing agency's certificate and attach it to the dossier.

    A result signed so is filed in the store when returned and can be reused: its signature verifies.
    """
    if not actor_roles(dossier=dossier, user=actor) - {"applicant"}:
        raise PermissionDeniedError("Bạn không có quyền trên hồ sơ này.")
    upload.seek(0)
    pdf: bytes = upload.read()
    if not pdf.startswith(b"%PDF-"):
        raise StoreError("Kết quả điện tử cần ký số phải là tệp PDF.", fields={"result": ["not a pdf"]})
    profile = issuing.issuer_profile(dossier.processing_agency)
    with profile.certificate.open("rb") as handle:
        pkcs12 = handle.read()
    appearance = signing.SignatureAppearance(
        signer_name=actor.get_full_name(),
        signer_title="",
        organization=dossier.processing_agency.name,
        signed_at=clock.now(),
        reason=f"Kết quả giải quyết hồ sơ {dossier.code}",
        extra_lines=(f"Hồ sơ: {dossier.code}",),
    )
    try:
        signed = signing.sign_pdf(pdf, pkcs12=pkcs12, passphrase=passphrase, appearance=appearance)
    except signing.SigningError as error:
        message = (
            "Mật khẩu chứng thư số không đúng."
            if getattr(error, "kind", "") == "wrong_passphrase"
            else f"Không ký số được kết quả: {error}"
        )
        raise StoreError(message, fields={"passphrase": [str(error)]}) from error
    return dossier_services.dossier_attach_file(
        dossier=dossier,
        actor=actor,
        upload=_upload(upload.name or "ket-qua.pdf", signed),
        component=None,
        kind=DossierFile.Kind.RESULT,
    )


def _certify(
    pdf: bytes, *, agency_name: str, actor: User, passphrase: str, at: dt.datetime, dossier: Dossier
) -> bytes:
    """The receiving agency's signature stating the scan matches the original (Decree 45/2020 Art. 25)."""
    profile = issuing.issuer_profile(dossier.receiving_agency)
    if not passphrase:
        raise StoreError(
            "Cần nhập mật khẩu chứng thư số để xác nhận bản số hóa.", fields={"passphrase": ["required"]}
        )
    with profile.certificate.open("rb") as handle:
        pkcs12 = handle.read()
    appearance = signing.SignatureAppearance(
        signer_name=actor.get_full_name(),
        signer_title="Cán bộ tiếp nhận",
        organization=agency_name,
        signed_at=at,
        reason=CERTIFY_REASON,
        extra_lines=(f"Hồ sơ: {dossier.code}", "Đã đối chiếu với bản chính"),
    )
    try:
        return signing.sign_pdf(pdf, pkcs12=pkcs12, passphrase=passphrase, appearance=appearance)
    except signing.SigningError as error:
        message = (
            "Mật khẩu chứng thư số không đúng."
            if getattr(error, "kind", "") == "wrong_passphrase"
            else f"Không ký số được bản số hóa: {error}"
        )
        raise StoreError(message, fields={"passphrase": [str(error)]}) from error


def _file(
    *,
    file: DossierFile,
    dossier: Dossier,
    agency: Agency,
    actor: User | None,
    origin: str,
    kind: DocumentKind,
    title: str,
    tagging: Tagging,
    pdf: bytes,
    signer: str,
    signed_at: dt.datetime | None,
) -> StoredDocument:
    now = clock.now()
    stored = StoredDocument(
        owner_kind=tagging.owner_kind,
        owner_number=tagging.owner_number.strip(),
        owner_name=tagging.owner_name.strip()[:200],
        kind=kind,
        title=title[:500],
        issuing_body=tagging.issuing_body.strip()[:200],
        issued_on=tagging.issued_on,
        expires_on=tagging.expires_on,
        origin=origin,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        page_count=text.pdf_page_count(pdf) or 1,
        dossier=dossier,
        source_file=file,
        agency=agency,
        filed_by=actor,
        filed_at=now,
        signer_name=signer[:200],
        signed_at=signed_at,
        retain_until=_retain_until(kind, now.date()),
    )
    stored.file.save(f"{tagging.owner_number.strip()}-{kind.code}.pdf", ContentFile(pdf), save=False)
    stored.save()
    return stored


def store_file_results(*, dossier: Dossier) -> list[StoredDocument]:
    """File the dossier's current electronic results under the applicant (inside the return transaction)."""
    number = dossier.applicant_id_number.strip()
    if not number:
        return []  # no owner to file under: the result stays with the dossier only
    filed = []
    results = dossier.files.filter(
        kind=DossierFile.Kind.RESULT, is_current=True, stored_document__isnull=True
    )
    for file in results:
        with file.file.open("rb") as handle:
            pdf = handle.read()
        name = _result_title(dossier)
        reports = _signatures(pdf)
        signer = reports[-1].signer_common_name if reports else ""
        signed_at = reports[-1].signed_at if reports else None
        tagging = Tagging(
            owner_number=number,
            owner_name=dossier.applicant_name,
            owner_kind=dossier.applicant_kind,
            issuing_body=dossier.processing_agency.name,
            issued_on=clock.today(),
        )
        filed.append(
            _file(
                file=file,
                dossier=dossier,
                agency=dossier.processing_agency,
                actor=file.uploaded_by,
                origin=Origin.RESULT,
                kind=document_kind(kinds.classify(name)),
                title=name,
                tagging=tagging,
                pdf=pdf,
                signer=signer,
                signed_at=signed_at,
            )
        )
    return filed


def _signatures(pdf: bytes) -> list[signing.SignatureReport]:
    """The signatures of a PDF; an unreadable or unsigned file gives none."""
    if not pdf.startswith(b"%PDF-"):
        return []
    try:
        return signing.validate_pdf(pdf, trust_roots=trust.trust_roots())
    except signing.SigningError:
        return []


def _result_title(dossier: Dossier) -> str:
    """The procedure's first declared result ("Giấy khai sinh"), else "Kết quả: <procedure>"."""
    results = dossier.procedure_version.results or []
    first = results[0].get("name", "") if results and isinstance(results[0], dict) else ""
    return str(first).strip() or f"Kết quả: {dossier.procedure_version.name}"


def store_reuse(
    *, dossier: Dossier, actor: User, document: StoredDocument, component: Component, consent: bool = False
) -> Reuse:
    """Use a stored document as ``component`` of ``dossier`` instead of an upload."""
    roles = actor_roles(dossier=dossier, user=actor)
    if not roles:
        raise NotFoundError("Không tìm thấy hồ sơ.")
    if component.version_id != dossier.procedure_version_id:
        raise StoreError("Thành phần hồ sơ không thuộc thủ tục này.", fields={"component": ["unknown"]})
    if (document.owner_kind, document.owner_number) != (
        dossier.applicant_kind,
        dossier.applicant_id_number.strip(),
    ):
        raise NotFoundError("Không tìm thấy giấy tờ trong kho dữ liệu của người nộp hồ sơ.")
    today = clock.today()
    if document.expires_on is not None and document.expires_on < today:
        raise StoreError(
            f"Giấy tờ “{document.title[:80]}” đã hết hạn ngày {document.expires_on:%d/%m/%Y}: "
            "không dùng lại được.",
            fields={"document": ["expired"]},
        )
    if not document.kind.is_reusable:
        raise StoreError(
            "Loại giấy tờ này (tờ khai, đơn) không dùng lại cho hồ sơ khác.", fields={"document": ["kind"]}
        )
    other_agency = document.agency_id != dossier.receiving_agency_id
    if other_agency and not consent:
        raise StoreError(
            "Giấy tờ do cơ quan khác lưu: cần sự đồng ý của chủ sở hữu để dùng cho hồ sơ này.",
            fields={"consent": ["required"]},
        )
    with document.file.open("rb") as handle:
        pdf = handle.read()
    if hashlib.sha256(pdf).hexdigest() != document.sha256:
        raise StoreError(
            "Tệp trong kho không còn nguyên vẹn: không dùng lại được.", fields={"document": ["digest"]}
        )
    reports = _signatures(pdf)
    if not reports or not all(r.intact and r.valid and r.trusted for r in reports):
        raise StoreError(
            "Chữ ký số trên giấy tờ không hợp lệ: không dùng lại được.", fields={"document": ["signature"]}
        )
    now = clock.now()
    with transaction.atomic(durable=True):
        if Reuse.objects.filter(document=document, dossier=dossier).exists():
            raise StoreError("Giấy tờ này đã được dùng cho hồ sơ.", fields={"document": ["already used"]})
        file = dossier_services.dossier_attach_file(
            dossier=dossier, actor=actor, upload=_upload(f"kho-{document.pk}.pdf", pdf), component=component
        )
        reuse = Reuse.objects.create(
            document=document,
            dossier=dossier,
            dossier_file=file,
            agency=dossier.receiving_agency,
            used_by=actor,
            used_at=now,
            signature_checked_at=now,
            consent_at=now if other_agency else None,
        )
        audit_record(
            actor=actor, action="store.reuse", obj=document, dossier=dossier.code, consent=other_agency
        )
    return reuse


def store_open(*, document: StoredDocument, user: User, reason: str = "") -> bytes:
    """The file's bytes for someone allowed to open it; the opening is logged in the same transaction."""
    grant = access.opening_grant(document=document, user=user, reason=reason)
    with transaction.atomic():
        StoredDocumentAccess.objects.create(
            document=document,
            user=user,
            opened_as=grant.opened_as,
            dossier=grant.dossier,
            reason=reason.strip()[:500],
            at=clock.now(),
        )
        with document.file.open("rb") as handle:
            data: bytes = handle.read()
    return data


def store_purge(*, today: dt.date | None = None) -> int:
    """Delete documents past their retention that no open dossier uses."""
    day = today or clock.today()
    in_use = Reuse.objects.exclude(dossier__status__in=list(FINISHED)).values("document_id")
    expired = StoredDocument.objects.filter(retain_until__lt=day).exclude(pk__in=in_use)
    count = 0
    for document in expired.iterator():
        with transaction.atomic():
            document.file.delete(save=False)
            StoredDocumentAccess.objects.filter(document=document).delete()
            Reuse.objects.filter(document=document).delete()
            document.delete()
            count += 1
    return count
