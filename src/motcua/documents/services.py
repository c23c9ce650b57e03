"""Use cases of the document office, one transaction each.

Every status change goes through ``outgoing_act`` or ``incoming_act``: they lock the row, check the
tables in ``workflow``, apply the action's own rule, write the history row and the audit row in the same
transaction. Numbers are taken inside that transaction (``numbering``), so a failed issue leaves no gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, OrgUnit
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError, NotFoundError, PermissionDeniedError
from motcua.core.uploads import check_upload
from motcua.documents import arrivals, exchange, issuing, numbering, records, symbols, text
from motcua.documents.access import incoming_actors, outgoing_actors
from motcua.documents.edxml import ExchangeStatus
from motcua.documents.models import (
    CONFIDENTIAL_LEVELS,
    ConfidentialGrant,
    Delivery,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    RegisterKind,
    TaskStatus,
    TaskUpdate,
    WorkTask,
)
from motcua.documents.workflow import (
    FROZEN,
    INCOMING,
    INCOMING_ACTION_LABELS,
    INCOMING_STATUS_LABELS,
    OUTGOING,
    OUTGOING_ACTION_LABELS,
    OUTGOING_STATUS_LABELS,
    IncomingAction,
    IncomingStatus,
    OutgoingAction,
    OutgoingStatus,
    allowed_incoming,
    allowed_outgoing,
)


class DocumentWorkflowError(DomainError):
    code = "action_not_allowed"
    status = 409


class DuplicateDocumentError(DomainError):
    """Decree 30 Art. 20: the clerk is warned of a document registered twice."""

    code = "duplicate"
    status = 409


OFFICIAL_ROLES = frozenset({Role.SPECIALIST, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER, Role.CLERK})
SIGNER_ROLES = frozenset({Role.AGENCY_LEADER, Role.HEAD_OF_UNIT})


@dataclass
class DraftInput:
    document_type: DocumentType
    subject: str
    signer: User
    signer_title: str
    content: str = ""
    urgency: str = "thuong"
    confidentiality: str = "thuong"
    symbol_unit: str = ""
    drafting_unit: OrgUnit | None = None
    recipients: list[Agency] = field(default_factory=list)
    external_recipients: list[str] = field(default_factory=list)
    paper_recipients: list[Agency] = field(default_factory=list)
    due_on: dt.date | None = None
    reply_to: IncomingDocument | None = None
    corrects: OutgoingDocument | None = None


@dataclass
class HandlingInput:
    """What an incoming-document action may carry."""

    note: str = ""
    handler: User | None = None
    lead_unit: OrgUnit | None = None
    coordinating_units: list[OrgUnit] = field(default_factory=list)
    due_on: dt.date | None = None
    reply: OutgoingDocument | None = None


# -- helpers -------------------------------------------------------------------------------------------------


def _holds(user: User, agency: Agency, roles: frozenset[str] = OFFICIAL_ROLES) -> bool:
    """Whether ``user`` holds one of ``roles`` in ``agency`` today (one EXISTS query)."""
    return RoleAssignment.objects.active_on().filter(user=user, agency=agency, role__in=roles).exists()


def _require_official(user: User, agency: Agency) -> None:
    if not _holds(user, agency, OFFICIAL_ROLES):
        raise PermissionDeniedError("Bạn không thuộc cơ quan này nên không thể thao tác trên văn bản.")


# -- document types ------------------------------------------------------------------------------------------


def document_types_seed() -> int:
    """Make sure the Decree 30 Appendix III types exist (the migration seeds them; a flushed database not)."""
    created = 0
    for abbreviation, name in symbols.DOCUMENT_TYPES:
        created += DocumentType.objects.get_or_create(name=name, defaults={"abbreviation": abbreviation})[1]
    for abbreviation, name in (
        ("NQ", "Nghị quyết (quy phạm pháp luật)"),
        ("QĐ", "Quyết định (quy phạm pháp luật)"),
    ):
        created += DocumentType.objects.get_or_create(
            name=name, defaults={"abbreviation": abbreviation, "is_legal_normative": True}
        )[1]
    return created


# -- outgoing: drafting --------------------------------------------------------------------------------------


def _check_draft(agency: Agency, data: DraftInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.subject.strip():
        errors["subject"] = ["Cần nhập trích yếu văn bản."]
    if not data.document_type.is_active:
        errors["document_type"] = ["Loại văn bản này không còn được dùng."]
    if not data.signer_title.strip():
        errors["signer_title"] = ["Cần nhập chức vụ người ký."]
    if not _holds(data.signer, agency, SIGNER_ROLES):
        errors["signer"] = ["Người ký phải là lãnh đạo của cơ quan ban hành."]
    if data.drafting_unit is not None and data.drafting_unit.agency_id != agency.pk:
        errors["drafting_unit"] = ["Đơn vị soạn thảo không thuộc cơ quan ban hành."]
    today = clock.today()
    for recipient in [*data.recipients, *data.paper_recipients]:
        if recipient.pk == agency.pk:
            errors["recipients"] = ["Không gửi văn bản cho chính cơ quan ban hành."]
        elif not recipient.is_valid_on(today):
            errors["recipients"] = [f"Cơ quan nhận “{recipient.name}” không còn hoạt động."]
    if data.confidentiality in CONFIDENTIAL_LEVELS and data.recipients:
        errors["recipients"] = ["Văn bản mật không được gửi qua mạng: chỉ chọn nơi nhận bản giấy."]
    if data.reply_to is not None and data.reply_to.agency_id != agency.pk:
        errors["reply_to"] = ["Văn bản đến được trả lời không thuộc cơ quan này."]
    if data.corrects is not None and (
        data.corrects.agency_id != agency.pk or data.corrects.status not in FROZEN
    ):
        errors["corrects"] = ["Chỉ đính chính được văn bản đã phát hành của chính cơ quan."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, fields=errors)


def outgoing_create_draft(
    *, actor: User, agency: Agency, data: DraftInput, file: UploadedFile | None = None
) -> OutgoingDocument:
    """Start a draft (dự thảo): metadata, recipients and, optionally, the first version of its text."""
    _require_official(actor, agency)
    _check_draft(agency, data)
    if file is None and not data.content.strip():
        raise DomainError(
            "Cần tải lên tệp dự thảo hoặc nhập nội dung văn bản.", fields={"file": ["required"]}
        )
    checked = check_upload(file) if file is not None else None
    now = clock.now()
    with transaction.atomic(durable=True):
        document = OutgoingDocument(
            agency=agency,
            drafter=actor,
            created_at=now,
            updated_at=now,
        )
        _apply_draft(document, data)
        document.search_folded = records.outgoing_search_text(document)
        document.save()
        _set_recipients(document, data)
        if file is not None and checked is not None:
            _add_version(document, actor, file, checked.content_type, note="")
        records.document_event(actor=actor, action="create", status_after=document.status, outgoing=document)
        audit_record(actor=actor, action="outgoing.create", obj=document)
    return document


def _apply_draft(document: OutgoingDocument, data: DraftInput) -> None:
    document.document_type = data.document_type
    document.subject = data.subject.strip()
    document.content = data.content.strip()
    document.signer = data.signer
    document.signer_title = data.signer_title.strip()
    document.urgency = data.urgency
    document.confidentiality = data.confidentiality
    document.series = numbering.series_for(data.confidentiality)
    document.symbol_unit = data.symbol_unit.strip().upper()
    document.drafting_unit = data.drafting_unit
    document.external_recipients = "\n".join(r.strip() for r in data.external_recipients if r.strip())
    document.due_on = data.due_on
    document.reply_to = data.reply_to
    document.corrects = data.corrects


def _set_recipients(document: OutgoingDocument, data: DraftInput) -> None:
    document.recipients.all().delete()
    rows = [
        OutgoingRecipient(
            document=document,
            agency=agency,
            organ_id=agency.identifier[:13],
            organ_name=agency.name,
            delivery=Delivery.INTERNAL,
        )
        for agency in data.recipients
    ]
    rows += [
        OutgoingRecipient(
            document=document,
            agency=agency,
            organ_id=agency.identifier[:13],
            organ_name=agency.name,
            delivery=Delivery.PAPER,
        )
        for agency in data.paper_recipients
        if agency not in data.recipients
    ]
    delivery = Delivery.PAPER if document.is_confidential else Delivery.EDXML
    rows += [
        OutgoingRecipient(document=document, organ_id=organ_id, organ_name=name[:200], delivery=delivery)
        for organ_id, name in map(exchange.split_external, document.external_recipients.splitlines())
    ]
    OutgoingRecipient.objects.bulk_create(rows)


def outgoing_update_draft(*, document: OutgoingDocument, actor: User, data: DraftInput) -> OutgoingDocument:
    """Change a draft's metadata; only its drafter, only while it is a draft."""
    with transaction.atomic(durable=True):
        locked = (
            OutgoingDocument.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=document.pk)
        )
        _check_editable(locked, actor)
        _check_draft(locked.agency, data)
        _apply_draft(locked, data)
        locked.updated_at = clock.now()
        locked.search_folded = records.outgoing_search_text(locked)
        locked.save()
        _set_recipients(locked, data)
        records.document_event(actor=actor, action="edit", status_after=locked.status, outgoing=locked)
        audit_record(actor=actor, action="outgoing.edit", obj=locked)
    return locked


def _check_editable(document: OutgoingDocument, actor: User) -> None:
    if document.status in FROZEN:
        raise DocumentWorkflowError(
            "Văn bản đã phát hành không được sửa: hãy soạn văn bản đính chính hoặc thay thế."
        )
    if document.status != OutgoingStatus.DRAFT:
        raise DocumentWorkflowError("Chỉ sửa được văn bản đang ở trạng thái dự thảo.")
    if document.drafter_id != actor.pk:
        raise PermissionDeniedError("Chỉ người soạn thảo được sửa dự thảo.")


def outgoing_add_version(
    *, document: OutgoingDocument, actor: User, file: UploadedFile, note: str = ""
) -> OutgoingVersion:
    """A new version of the text: by the drafter on a draft, or by the reviewer it waits for."""
    checked = check_upload(file)
    with transaction.atomic(durable=True):
        locked = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status in FROZEN:
            raise DocumentWorkflowError("Văn bản đã phát hành không được sửa.")
        may = (locked.status == OutgoingStatus.DRAFT and locked.drafter_id == actor.pk) or (
            locked.status == OutgoingStatus.IN_REVIEW and locked.reviewer_id == actor.pk
        )
        if not may:
            raise PermissionDeniedError("Bạn không thể cập nhật dự thảo ở bước này.")
        version = _add_version(locked, actor, file, checked.content_type, note=note)
        locked.updated_at = clock.now()
        locked.save(update_fields=["updated_at"])
        records.document_event(
            actor=actor, action="version", status_after=locked.status, note=note, outgoing=locked
        )
        audit_record(actor=actor, action="outgoing.version", obj=locked, version=version.number)
    return version


def _add_version(
    document: OutgoingDocument, actor: User, file: UploadedFile, content_type: str, *, note: str
) -> OutgoingVersion:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return OutgoingVersion.objects.create(
        document=document,
        number=last + 1,
        file=file,
        original_name=(file.name or "du-thao")[:200],
        content_type=content_type,
        note=note[:500],
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )


# -- outgoing: the workflow ----------------------------------------------------------------------------------


@dataclass
class OutgoingInput:
    note: str = ""
    reviewer: User | None = None
    passphrase: str = ""


OutgoingHandler = Callable[[OutgoingDocument, User, OutgoingInput], None]


def outgoing_act(
    *, document: OutgoingDocument, actor: User, action: OutgoingAction, data: OutgoingInput | None = None
) -> OutgoingDocument:
    """Apply one action to an outgoing document; refuse (and change nothing) when it is not allowed."""
    data = data or OutgoingInput()
    with transaction.atomic(durable=True):
        locked = (
            OutgoingDocument.objects.select_for_update(of=("self",))
            .select_related("agency", "document_type", "signer")
            .get(pk=document.pk)
        )
        if locked.status not in OUTGOING[action].source:
            label = OUTGOING_STATUS_LABELS[OutgoingStatus(locked.status)]
            raise DocumentWorkflowError(
                f"Không thể “{OUTGOING_ACTION_LABELS[action]}” khi văn bản đang ở trạng thái “{label}”."
            )
        if not allowed_outgoing(action, locked.status, outgoing_actors(document=locked, user=actor)):
            raise PermissionDeniedError("Bạn không có quyền thực hiện thao tác này trên văn bản.")
        OUTGOING_HANDLERS[action](locked, actor, data)
        target = OUTGOING[action].target
        if target is not None:
            locked.status = target
        locked.updated_at = clock.now()
        locked.save()
        records.document_event(
            actor=actor, action=action.value, status_after=locked.status, note=data.note, outgoing=locked
        )
        audit_record(actor=actor, action=f"outgoing.{action.value}", obj=locked, status=locked.status)
    return locked


def _next_reviewer(document: OutgoingDocument, data: OutgoingInput) -> User:
    reviewer = data.reviewer or document.signer
    if not _holds(reviewer, document.agency):
        raise DomainError(
            "Người duyệt phải là cán bộ của cơ quan ban hành.", fields={"reviewer": ["invalid"]}
        )
    return reviewer


def _submit(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    if not document.versions.exists() and not document.content:
        raise DomainError("Dự thảo chưa có nội dung hoặc tệp văn bản.")
    document.reviewer = _next_reviewer(document, data)


def _forward(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    if data.reviewer is None or data.reviewer.pk == actor.pk:
        raise DomainError("Cần chọn người duyệt tiếp theo.", fields={"reviewer": ["required"]})
    document.reviewer = _next_reviewer(document, data)


def _return(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    if not data.note.strip():
        raise DomainError("Cần ghi ý kiến khi trả lại dự thảo.", fields={"note": ["required"]})
    document.reviewer = None


def _approve(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    document.reviewer = None
    document.approved_at = clock.now()


def _issue(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    """Take the number, build the final PDF and sign it with the agency's certificate, all or nothing."""
    now = clock.now()
    profile = issuing.issuer_profile(document.agency)
    document.year = now.year
    document.number = numbering.register_take_number(
        agency=document.agency, year=now.year, kind=RegisterKind.OUTGOING, series=document.series
    )
    document.number_symbol = numbering.number_symbol(
        number=document.number,
        type_abbreviation=document.document_type.abbreviation,
        issuer=profile.symbol,
        unit=document.symbol_unit,
        year=now.year,
        legal_normative=document.document_type.is_legal_normative,
    )
    document.issued_at = now
    document.issued_by = actor
    signed = issuing.sign_issued(document=document, profile=profile, passphrase=data.passphrase)
    document.page_count = signed.page_count
    document.signed_file.save(
        f"{document.agency.identifier}-{document.year}-{document.number}.pdf",
        ContentFile(signed.pdf),
        save=False,
    )
    document.search_folded = records.outgoing_search_text(document, text.pdf_text(signed.pdf))


def _dispatch(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    exchange.dispatch(document=document, actor=actor)
    document.dispatched_at = clock.now()


def _cancel(document: OutgoingDocument, actor: User, data: OutgoingInput) -> None:
    if not data.note.strip():
        raise DomainError("Cần ghi lý do hủy dự thảo.", fields={"note": ["required"]})


OUTGOING_HANDLERS: dict[OutgoingAction, OutgoingHandler] = {
    OutgoingAction.SUBMIT: _submit,
    OutgoingAction.FORWARD: _forward,
    OutgoingAction.RETURN: _return,
    OutgoingAction.APPROVE: _approve,
    OutgoingAction.ISSUE: _issue,
    OutgoingAction.DISPATCH: _dispatch,
    OutgoingAction.CANCEL: _cancel,
}


# -- incoming ------------------------------------------------------------------------------------------------


def find_duplicate(
    *, agency: Agency, sender_name: str, number_symbol: str, issued_on: dt.date, exclude: int | None = None
) -> int | None:
    """The arrival number of the same document (number-symbol, issuing body, year) already registered."""
    candidates = (
        IncomingDocument.objects.filter(
            agency=agency, number_symbol__iexact=number_symbol.strip(), issued_on__year=issued_on.year
        )
        .exclude(pk=exclude or 0)
        .values_list("arrival_number", "sender_name")
    )
    for arrival_number, name in candidates:
        if fold(name) == fold(sender_name):
            return arrival_number
    return None


def incoming_register_paper(
    *,
    actor: User,
    agency: Agency,
    arrival: arrivals.Arrival,
    scan: UploadedFile | None,
    confirm_duplicate: bool = False,
) -> IncomingDocument:
    """The clerk registers a paper document with its scan and the next arrival number."""
    if not _holds(actor, agency, frozenset({Role.CLERK})):
        raise PermissionDeniedError("Chỉ văn thư của cơ quan được vào sổ văn bản đến.")
    errors: dict[str, list[str]] = {}
    for name in ("sender_name", "number_symbol", "type_name", "subject"):
        if not str(getattr(arrival, name)).strip():
            errors[name] = ["Trường này là bắt buộc."]
    if arrival.issued_on > clock.today():
        errors["issued_on"] = ["Ngày văn bản không thể sau ngày hôm nay."]
    if errors:
        raise DomainError("Thông tin văn bản đến chưa đủ hoặc chưa đúng.", fields=errors)
    if scan is not None:
        check_upload(scan)
    duplicate = find_duplicate(
        agency=agency,
        sender_name=arrival.sender_name,
        number_symbol=arrival.number_symbol,
        issued_on=arrival.issued_on,
    )
    if duplicate is not None and not confirm_duplicate:
        raise DuplicateDocumentError(
            f"Văn bản {arrival.number_symbol} của {arrival.sender_name} đã vào sổ với số đến {duplicate}. "
            "Xác nhận nếu vẫn muốn vào sổ lần nữa.",
            fields={"number_symbol": ["duplicate"]},
        )
    with transaction.atomic(durable=True):
        document = arrivals.register(
            agency=agency,
            arrival=arrival,
            delivery=Delivery.PAPER,
            actor=actor,
            pdf=_read_upload(scan) if scan is not None else None,
            file_name=scan.name or "" if scan is not None else "",
        )
        audit_record(actor=actor, action="incoming.register", obj=document)
    return document


def _read_upload(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data: bytes = upload.read()
    return data


def incoming_import_edxml(*, actor: User, agency: Agency, data: bytes) -> IncomingDocument:
    """The clerk imports an edXML package received from a system outside MotCua."""
    if not _holds(actor, agency, frozenset({Role.CLERK})):
        raise PermissionDeniedError("Chỉ văn thư của cơ quan được vào sổ văn bản đến.")
    with transaction.atomic(durable=True):
        document = exchange.import_package(agency=agency, actor=actor, data=data)
        duplicate = find_duplicate(
            agency=agency,
            sender_name=document.sender_name,
            number_symbol=document.number_symbol,
            issued_on=document.issued_on,
            exclude=document.pk,
        )
        if duplicate is not None:
            raise DuplicateDocumentError(
                f"Văn bản {document.number_symbol} của {document.sender_name} "
                f"đã vào sổ với số đến {duplicate}.",
                fields={"file": ["duplicate"]},
            )
        audit_record(actor=actor, action="incoming.import_edxml", obj=document)
    return document


def outgoing_record_status(*, document: OutgoingDocument, actor: User, data: bytes) -> OutgoingRecipient:
    """The clerk records an edXML status message received from a recipient outside MotCua."""
    if not _holds(actor, document.agency, frozenset({Role.CLERK})):
        raise PermissionDeniedError("Chỉ văn thư của cơ quan cập nhật trạng thái liên thông.")
    with transaction.atomic(durable=True):
        recipient = exchange.apply_status(document=document, data=data)
        records.document_event(
            actor=actor,
            action="exchange_status",
            status_after=document.status,
            note=f"{recipient.organ_name}: {recipient.get_exchange_status_display()}",
            outgoing=document,
        )
        audit_record(
            actor=actor, action="outgoing.exchange_status", obj=document, status=recipient.exchange_status
        )
    return recipient


IncomingHandler = Callable[[IncomingDocument, User, HandlingInput], None]


def incoming_act(
    *, document: IncomingDocument, actor: User, action: IncomingAction, data: HandlingInput | None = None
) -> IncomingDocument:
    """Apply one handling action to an incoming document; refuse (and change nothing) when not allowed."""
    data = data or HandlingInput()
    with transaction.atomic(durable=True):
        locked = (
            IncomingDocument.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=document.pk)
        )
        if locked.status not in INCOMING[action].source:
            label = INCOMING_STATUS_LABELS[IncomingStatus(locked.status)]
            raise DocumentWorkflowError(
                f"Không thể “{INCOMING_ACTION_LABELS[action]}” khi văn bản đang ở trạng thái “{label}”."
            )
        if not allowed_incoming(action, locked.status, incoming_actors(document=locked, user=actor)):
            raise PermissionDeniedError("Bạn không có quyền thực hiện thao tác này trên văn bản.")
        INCOMING_HANDLERS[action](locked, actor, data)
        target = INCOMING[action].target
        if target is not None:
            locked.status = target
        locked.save()
        records.document_event(
            actor=actor, action=action.value, status_after=locked.status, note=data.note, incoming=locked
        )
        exchange.report_status(incoming=locked, status=_EXCHANGE_STATUS[action])
        audit_record(actor=actor, action=f"incoming.{action.value}", obj=locked, status=locked.status)
    return locked


_EXCHANGE_STATUS: dict[IncomingAction, str] = {
    IncomingAction.ASSIGN: ExchangeStatus.ASSIGNED,
    IncomingAction.REPORT: ExchangeStatus.IN_PROGRESS,
    IncomingAction.COMPLETE: ExchangeStatus.COMPLETED,
    IncomingAction.REFUSE: ExchangeStatus.REFUSED,
}


def _assign(document: IncomingDocument, actor: User, data: HandlingInput) -> None:
    errors: dict[str, list[str]] = {}
    if data.handler is None and data.lead_unit is None:
        errors["handler"] = ["Cần chọn đơn vị hoặc người chủ trì xử lý."]
    if data.handler is not None and not _holds(data.handler, document.agency):
        errors["handler"] = ["Người xử lý phải là cán bộ của cơ quan."]
    for unit in [u for u in [data.lead_unit, *data.coordinating_units] if u is not None]:
        if unit.agency_id != document.agency_id:
            errors["lead_unit"] = [f"Đơn vị “{unit.name}” không thuộc cơ quan."]
    if data.due_on is not None and data.due_on < clock.today():
        errors["due_on"] = ["Hạn xử lý không thể trước ngày hôm nay."]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    document.handler = data.handler
    document.lead_unit = data.lead_unit
    document.handling_due_on = data.due_on
    document.direction = data.note.strip()
    document.assigned_at = clock.now()
    document.coordinating_units.set(data.coordinating_units)


def _report(document: IncomingDocument, actor: User, data: HandlingInput) -> None:
    if not data.note.strip():
        raise DomainError("Cần nhập nội dung báo cáo tiến độ.", fields={"note": ["required"]})


def _complete(document: IncomingDocument, actor: User, data: HandlingInput) -> None:
    if data.reply is not None and (
        data.reply.agency_id != document.agency_id or data.reply.reply_to_id != document.pk
    ):
        raise DomainError("Văn bản trả lời phải là văn bản đi của cơ quan, trả lời văn bản này.")
    document.completed_at = clock.now()


def _refuse(document: IncomingDocument, actor: User, data: HandlingInput) -> None:
    if not data.note.strip():
        raise DomainError("Cần ghi lý do từ chối tiếp nhận.", fields={"note": ["required"]})
    document.completed_at = clock.now()


INCOMING_HANDLERS: dict[IncomingAction, IncomingHandler] = {
    IncomingAction.ASSIGN: _assign,
    IncomingAction.REPORT: _report,
    IncomingAction.COMPLETE: _complete,
    IncomingAction.REFUSE: _refuse,
}


# -- confidential grants -------------------------------------------------------------------------------------


def confidential_grant(
    *,
    actor: User,
    user: User,
    outgoing: OutgoingDocument | None = None,
    incoming: IncomingDocument | None = None,
) -> ConfidentialGrant:
    """A leader lets one more official see a confidential document of their agency."""
    document: OutgoingDocument | IncomingDocument | None = outgoing or incoming
    if document is None or (outgoing is None) == (incoming is None):
        raise DomainError("Cần chọn đúng một văn bản.")
    agency = document.agency
    if not _holds(actor, agency, frozenset({Role.AGENCY_LEADER})):
        raise PermissionDeniedError("Chỉ lãnh đạo cơ quan được cấp quyền xem văn bản mật.")
    if not document.is_confidential:
        raise DomainError("Văn bản này không phải văn bản mật.")
    if not _holds(user, agency):
        raise DomainError("Chỉ cấp quyền cho cán bộ của cơ quan.")
    with transaction.atomic(durable=True):
        grant, _ = ConfidentialGrant.objects.get_or_create(
            outgoing=outgoing,
            incoming=incoming,
            user=user,
            defaults={"granted_by": actor, "granted_at": clock.now()},
        )
        audit_record(actor=actor, action="document.grant", obj=document, user=user.pk)
    return grant


# -- tasks (giao việc) ---------------------------------------------------------------------------------------


def task_create(
    *,
    actor: User,
    agency: Agency,
    title: str,
    owner: User,
    due_on: dt.date,
    description: str = "",
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
) -> WorkTask:
    if not _holds(actor, agency, frozenset({Role.AGENCY_LEADER, Role.HEAD_OF_UNIT})):
        raise PermissionDeniedError("Chỉ lãnh đạo được giao việc.")
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Cần nhập nội dung công việc."]
    if not _holds(owner, agency):
        errors["owner"] = ["Người được giao phải là cán bộ của cơ quan."]
    if due_on < clock.today():
        errors["due_on"] = ["Hạn hoàn thành không thể trước ngày hôm nay."]
    for document in (incoming, outgoing):
        if document is not None and document.agency_id != agency.pk:
            errors["document"] = ["Văn bản không thuộc cơ quan."]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic(durable=True):
        task = WorkTask.objects.create(
            agency=agency,
            title=title.strip()[:300],
            description=description.strip(),
            owner=owner,
            assigned_by=actor,
            incoming=incoming,
            outgoing=outgoing,
            due_on=due_on,
            created_at=clock.now(),
        )
        audit_record(actor=actor, action="task.create", obj=task)
    return task


def task_report(*, task: WorkTask, actor: User, progress: int, note: str = "") -> WorkTask:
    """The owner reports progress; 100 % closes the task."""
    if not 0 <= progress <= 100:
        raise DomainError("Tiến độ phải từ 0 đến 100%.", fields={"progress": ["range"]})
    with transaction.atomic(durable=True):
        locked = WorkTask.objects.select_for_update().get(pk=task.pk)
        if locked.owner_id != actor.pk:
            raise PermissionDeniedError("Chỉ người được giao việc báo cáo tiến độ.")
        if locked.status != TaskStatus.OPEN:
            raise DocumentWorkflowError("Công việc đã kết thúc.")
        if progress < locked.progress:
            raise DomainError("Tiến độ không thể giảm.", fields={"progress": ["decreasing"]})
        locked.progress = progress
        if progress == 100:
            locked.status = TaskStatus.DONE
            locked.completed_at = clock.now()
        locked.save()
        TaskUpdate.objects.create(task=locked, author=actor, at=clock.now(), progress=progress, note=note)
        audit_record(actor=actor, action="task.report", obj=locked, progress=progress)
    return locked


def recipients_from_ids(ids: Sequence[int]) -> list[Agency]:
    """Resolve recipient agency ids; an unknown one is a clear error, not a silent drop."""
    found = {agency.pk: agency for agency in Agency.objects.filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFoundError(
            f"Không tìm thấy cơ quan nhận: {', '.join(missing)}.", fields={"recipients": missing}
        )
    return [found[i] for i in ids]
