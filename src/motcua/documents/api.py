"""The document office API: registers, drafting and issuing, exchange, handling, tasks, figures."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.http import HttpRequest, HttpResponse
from ninja import Field as SchemaField
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from motcua.accounts.auth import API_AUTH
from motcua.accounts.models import User
from motcua.agencies.models import Agency, OrgUnit
from motcua.core.errors import ERROR_RESPONSES, DomainError, NotFoundError
from motcua.core.pagination import capped_count
from motcua.documents import exchange, registers_export, selectors, services
from motcua.documents.access import (
    access_incoming,
    access_outgoing,
    document_agency_roles,
    outgoing_visible_to,
)
from motcua.documents.arrivals import Arrival
from motcua.documents.models import (
    EXCHANGE_STATUS_CHOICES,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    TaskStatus,
    WorkTask,
)
from motcua.documents.schemas import (
    DocumentTypeOut,
    DraftIn,
    EventOut,
    FiguresOut,
    IncomingActionIn,
    IncomingDetailOut,
    IncomingIn,
    IncomingOut,
    IncomingPageOut,
    OutgoingActionIn,
    OutgoingDetailOut,
    OutgoingOut,
    OutgoingPageOut,
    RecipientOut,
    TaskIn,
    TaskOut,
    TaskProgressIn,
)
from motcua.documents.workflow import (
    INCOMING_STATUS_LABELS,
    OUTGOING_STATUS_LABELS,
    IncomingAction,
    IncomingStatus,
    OutgoingAction,
    OutgoingStatus,
)

router = Router(tags=["documents"], auth=API_AUTH)

EXCHANGE_LABELS = dict(EXCHANGE_STATUS_CHOICES)


def _float(share: Fraction | None) -> float | None:
    return None if share is None else float(share)


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)  # guaranteed by API_AUTH
    return user


def _agency(identifier: str) -> Agency:
    agency = Agency.objects.filter(identifier=identifier).first()
    if agency is None:
        raise NotFoundError(f"Không tìm thấy cơ quan {identifier}.", fields={"agency": ["unknown"]})
    return agency


def _agencies(identifiers: list[str], field: str) -> list[Agency]:
    found = {a.identifier: a for a in Agency.objects.filter(identifier__in=identifiers)}
    missing = [i for i in identifiers if i not in found]
    if missing:
        raise DomainError(f"Không tìm thấy cơ quan nhận: {', '.join(missing)}.", fields={field: missing})
    return [found[i] for i in identifiers]


def _user_by_id(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise DomainError("Không tìm thấy cán bộ.", fields={field: ["unknown"]})
    return user


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _events(qs: object) -> list[EventOut]:
    return [
        EventOut(action=e.action, actor=_name(e.actor), at=e.at, note=e.note, status_after=e.status_after)
        for e in qs.select_related("actor")  # type: ignore[attr-defined]
    ]


# -- document types ------------------------------------------------------------------------------------------


@router.get("/types", response={200: list[DocumentTypeOut], **ERROR_RESPONSES}, summary="Document types")
def document_types(request: HttpRequest) -> list[DocumentType]:
    return list(DocumentType.objects.filter(is_active=True).order_by("name"))


# -- outgoing ------------------------------------------------------------------------------------------------


class SearchQuery(Schema):
    q: str = SchemaField("", max_length=200)
    agency: str = SchemaField("", max_length=20)
    status: str = SchemaField("", max_length=12)
    type: str = SchemaField("", max_length=100, description="Outgoing: type id; incoming: type name")
    urgency: str = SchemaField("", max_length=12)
    year: int | None = SchemaField(None, ge=1990, le=2100)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = SchemaField(1, ge=1, le=100_000)
    page_size: int = SchemaField(50, ge=1, le=200)


def _filter(query: SearchQuery) -> selectors.DocumentFilter:
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise DomainError(
            "Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.",
            fields={"date_from": ["after date_to"]},
        )
    agency_id = _agency(query.agency).pk if query.agency else None
    return selectors.DocumentFilter(
        q=query.q,
        agency_id=agency_id,
        status=query.status,
        type_name=query.type,
        urgency=query.urgency,
        date_from=query.date_from,
        date_to=query.date_to,
        year=query.year,
    )


def _outgoing_out(document: OutgoingDocument, user: User, roles: dict[int, set[str]]) -> OutgoingOut:
    return OutgoingOut(
        id=document.pk,
        agency=document.agency.identifier,
        status=document.status,
        status_label=OUTGOING_STATUS_LABELS[OutgoingStatus(document.status)],
        number=document.number,
        number_symbol=document.number_symbol,
        year=document.year,
        series=document.series,
        document_type=document.document_type.name,
        subject=document.subject,
        urgency=document.urgency,
        confidentiality=document.confidentiality,
        drafter=_name(document.drafter),
        signer=_name(document.signer),
        signer_title=document.signer_title,
        waiting_for=_name(document.reviewer) if document.reviewer_id else None,
        issued_at=document.issued_at,
        dispatched_at=document.dispatched_at,
        page_count=document.page_count,
        has_signed_pdf=bool(document.signed_file),
        recipients=[
            RecipientOut(
                organ_id=r.organ_id,
                organ_name=r.organ_name,
                delivery=r.delivery,
                exchange_status=r.exchange_status,
                exchange_status_label=str(EXCHANGE_LABELS.get(r.exchange_status, "")),
                status_at=r.status_at,
            )
            for r in document.recipients.all()
        ],
        allowed_actions=[
            a.value for a in selectors.offered_outgoing_actions(document=document, user=user, roles=roles)
        ],
    )


def _outgoing_detail(document: OutgoingDocument, user: User) -> OutgoingDetailOut:
    base = _outgoing_out(document, user, document_agency_roles(user))
    return OutgoingDetailOut(
        **base.dict(),
        content=document.content,
        versions=[f"v{v.number}: {v.original_name}" for v in document.versions.all()],
        events=_events(document.events.all()),
    )


@router.get(
    "/outgoing", response={200: OutgoingPageOut, **ERROR_RESPONSES}, summary="Search outgoing documents"
)
def outgoing_list(request: HttpRequest, query: Query[SearchQuery]) -> OutgoingPageOut:
    user = _user(request)
    qs = (
        selectors.outgoing_search(user, _filter(query))
        .select_related("reviewer")
        .prefetch_related("recipients")
    )
    start = (query.page - 1) * query.page_size
    roles = document_agency_roles(user)
    items = [_outgoing_out(d, user, roles) for d in qs[start : start + query.page_size]]
    count, more = capped_count(qs)
    return OutgoingPageOut(count=count, count_is_capped=more, items=items)


def _draft_input(payload: DraftIn, agency: Agency) -> services.DraftInput:
    document_type = DocumentType.objects.filter(pk=payload.document_type_id).first()
    if document_type is None:
        raise DomainError("Không tìm thấy loại văn bản.", fields={"document_type_id": ["unknown"]})
    signer = _user_by_id(payload.signer_id, "signer_id")
    assert signer is not None
    reply_to = corrects = None
    if payload.reply_to_id is not None:
        reply_to = IncomingDocument.objects.filter(pk=payload.reply_to_id, agency=agency).first()
        if reply_to is None:
            raise DomainError("Không tìm thấy văn bản đến được trả lời.", fields={"reply_to_id": ["unknown"]})
    if payload.corrects_id is not None:
        corrects = OutgoingDocument.objects.filter(pk=payload.corrects_id, agency=agency).first()
        if corrects is None:
            raise DomainError("Không tìm thấy văn bản được đính chính.", fields={"corrects_id": ["unknown"]})
    return services.DraftInput(
        document_type=document_type,
        subject=payload.subject,
        content=payload.content,
        signer=signer,
        signer_title=payload.signer_title,
        urgency=payload.urgency,
        confidentiality=payload.confidentiality,
        symbol_unit=payload.symbol_unit,
        recipients=_agencies(payload.recipients, "recipients"),
        paper_recipients=_agencies(payload.paper_recipients, "paper_recipients"),
        external_recipients=payload.external_recipients,
        due_on=payload.due_on,
        reply_to=reply_to,
        corrects=corrects,
    )


@router.post(
    "/outgoing",
    response={201: OutgoingDetailOut, **ERROR_RESPONSES},
    summary="Start a draft (JSON or multipart)",
)
def outgoing_create(
    request: HttpRequest, payload: Form[DraftIn], file: File[UploadedFile] | None = None
) -> tuple[int, OutgoingDetailOut]:
    user = _user(request)
    agency = _agency(payload.agency)
    document = services.outgoing_create_draft(
        actor=user, agency=agency, data=_draft_input(payload, agency), file=file
    )
    return 201, _outgoing_detail(access_outgoing(user=user, pk=document.pk), user)


@router.get(
    "/outgoing/{pk}", response={200: OutgoingDetailOut, **ERROR_RESPONSES}, summary="One outgoing document"
)
def outgoing_detail(request: HttpRequest, pk: int) -> OutgoingDetailOut:
    user = _user(request)
    return _outgoing_detail(access_outgoing(user=user, pk=pk), user)


@router.put("/outgoing/{pk}", response={200: OutgoingDetailOut, **ERROR_RESPONSES}, summary="Edit a draft")
def outgoing_update(request: HttpRequest, pk: int, payload: DraftIn) -> OutgoingDetailOut:
    user = _user(request)
    document = access_outgoing(user=user, pk=pk)
    services.outgoing_update_draft(document=document, actor=user, data=_draft_input(payload, document.agency))
    return _outgoing_detail(access_outgoing(user=user, pk=pk), user)


@router.post(
    "/outgoing/{pk}/versions",
    response={201: OutgoingDetailOut, **ERROR_RESPONSES},
    summary="Upload a new version",
)
def outgoing_version(
    request: HttpRequest, pk: int, file: File[UploadedFile], note: Form[str] = ""
) -> tuple[int, OutgoingDetailOut]:
    user = _user(request)
    document = access_outgoing(user=user, pk=pk)
    services.outgoing_add_version(document=document, actor=user, file=file, note=note)
    return 201, _outgoing_detail(access_outgoing(user=user, pk=pk), user)


@router.post(
    "/outgoing/{pk}/actions",
    response={200: OutgoingDetailOut, **ERROR_RESPONSES},
    summary="Act on a document",
)
def outgoing_action(request: HttpRequest, pk: int, payload: OutgoingActionIn) -> OutgoingDetailOut:
    user = _user(request)
    document = access_outgoing(user=user, pk=pk)
    services.outgoing_act(
        document=document,
        actor=user,
        action=OutgoingAction(payload.action),
        data=services.OutgoingInput(
            note=payload.note,
            reviewer=_user_by_id(payload.reviewer_id, "reviewer_id"),
            passphrase=payload.passphrase,
        ),
    )
    return _outgoing_detail(access_outgoing(user=user, pk=pk), user)


@router.get(
    "/outgoing/{pk}/pdf",
    response={200: None, **ERROR_RESPONSES},
    summary="The signed PDF of an issued document",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def outgoing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_outgoing(user=_user(request), pk=pk)
    if not document.signed_file:
        raise NotFoundError("Văn bản chưa được ký số và phát hành.")
    with document.signed_file.open("rb") as handle:
        data = handle.read()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number_symbol.replace("/", "_")}.pdf"'
    return response


@router.get(
    "/outgoing/{pk}/edxml",
    response={200: None, **ERROR_RESPONSES},
    summary="The edXML package (QCVN 102:2016) of an issued document",
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def outgoing_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_outgoing(user=_user(request), pk=pk)
    response = HttpResponse(exchange.package_for(document=document), content_type="application/xml")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.number_symbol.replace("/", "_")}.edxml"'
    )
    return response


@router.post(
    "/outgoing/{pk}/status",
    response={200: OutgoingDetailOut, **ERROR_RESPONSES},
    summary="Record an edXML status message from a recipient outside MotCua",
)
def outgoing_status(request: HttpRequest, pk: int, message: File[UploadedFile]) -> OutgoingDetailOut:
    user = _user(request)
    document = access_outgoing(user=user, pk=pk)
    services.outgoing_record_status(document=document, actor=user, data=message.read(1024 * 1024 + 1))
    return _outgoing_detail(access_outgoing(user=user, pk=pk), user)


# -- incoming ------------------------------------------------------------------------------------------------


def _incoming_out(document: IncomingDocument, user: User, roles: dict[int, set[str]]) -> IncomingOut:
    return IncomingOut(
        id=document.pk,
        agency=document.agency.identifier,
        status=document.status,
        status_label=INCOMING_STATUS_LABELS[IncomingStatus(document.status)],
        year=document.year,
        series=document.series,
        arrival_number=document.arrival_number,
        arrived_at=document.arrived_at,
        delivery=document.delivery,
        sender_name=document.sender_name,
        number_symbol=document.number_symbol,
        issued_on=document.issued_on,
        type_name=document.type_name,
        subject=document.subject,
        urgency=document.urgency,
        confidentiality=document.confidentiality,
        handler=_name(document.handler) if document.handler_id else None,
        lead_unit=document.lead_unit.name if document.lead_unit_id and document.lead_unit else None,
        handling_due_on=document.handling_due_on,
        direction=document.direction,
        is_overdue=selectors.is_overdue(document),
        has_file=bool(document.file),
        allowed_actions=[
            a.value for a in selectors.offered_incoming_actions(document=document, user=user, roles=roles)
        ],
    )


def _incoming_detail(document: IncomingDocument, user: User) -> IncomingDetailOut:
    base = _incoming_out(document, user, document_agency_roles(user))
    return IncomingDetailOut(
        **base.dict(),
        events=_events(document.events.all()),
        replies=[r.number_symbol or f"Dự thảo #{r.pk}" for r in document.replies.all()],
    )


@router.get(
    "/incoming", response={200: IncomingPageOut, **ERROR_RESPONSES}, summary="Search incoming documents"
)
def incoming_list(request: HttpRequest, query: Query[SearchQuery]) -> IncomingPageOut:
    user = _user(request)
    qs = selectors.incoming_search(user, _filter(query))
    start = (query.page - 1) * query.page_size
    roles = document_agency_roles(user)
    items = [_incoming_out(d, user, roles) for d in qs[start : start + query.page_size]]
    count, more = capped_count(qs)
    return IncomingPageOut(count=count, count_is_capped=more, items=items)


@router.post(
    "/incoming", response={201: IncomingDetailOut, **ERROR_RESPONSES}, summary="Register a paper document"
)
def incoming_register(
    request: HttpRequest, payload: Form[IncomingIn], scan: File[UploadedFile] | None = None
) -> tuple[int, IncomingDetailOut]:
    user = _user(request)
    arrival = Arrival(
        sender_name=payload.sender_name,
        number_symbol=payload.number_symbol,
        issued_on=payload.issued_on,
        type_name=payload.type_name,
        subject=payload.subject,
        urgency=payload.urgency,
        confidentiality=payload.confidentiality,
        signer_name=payload.signer_name,
        page_count=payload.page_count,
    )
    document = services.incoming_register_paper(
        actor=user,
        agency=_agency(payload.agency),
        arrival=arrival,
        scan=scan,
        confirm_duplicate=payload.confirm_duplicate,
    )
    return 201, _incoming_detail(access_incoming(user=user, pk=document.pk), user)


@router.post(
    "/incoming/edxml", response={201: IncomingDetailOut, **ERROR_RESPONSES}, summary="Import an edXML package"
)
def incoming_edxml(
    request: HttpRequest, agency: Form[str], package: File[UploadedFile]
) -> tuple[int, IncomingDetailOut]:
    user = _user(request)
    data = package.read(exchange.MAX_PACKAGE_BYTES + 1)
    document = services.incoming_import_edxml(actor=user, agency=_agency(agency), data=data)
    return 201, _incoming_detail(access_incoming(user=user, pk=document.pk), user)


@router.get(
    "/incoming/{pk}", response={200: IncomingDetailOut, **ERROR_RESPONSES}, summary="One incoming document"
)
def incoming_detail(request: HttpRequest, pk: int) -> IncomingDetailOut:
    user = _user(request)
    return _incoming_detail(access_incoming(user=user, pk=pk), user)


def _unit(pk: int | None, agency_id: int) -> OrgUnit | None:
    if pk is None:
        return None
    unit = OrgUnit.objects.filter(pk=pk, agency_id=agency_id).first()
    if unit is None:
        raise DomainError("Không tìm thấy đơn vị trong cơ quan.", fields={"unit": [str(pk)]})
    return unit


@router.post(
    "/incoming/{pk}/actions",
    response={200: IncomingDetailOut, **ERROR_RESPONSES},
    summary="Handle a document",
)
def incoming_action(request: HttpRequest, pk: int, payload: IncomingActionIn) -> IncomingDetailOut:
    user = _user(request)
    document = access_incoming(user=user, pk=pk)
    reply = None
    if payload.reply_id is not None:
        reply = outgoing_visible_to(user).filter(pk=payload.reply_id).first()
        if reply is None:
            raise DomainError("Không tìm thấy văn bản trả lời.", fields={"reply_id": ["unknown"]})
    units = [u for u in (_unit(i, document.agency_id) for i in payload.coordinating_unit_ids) if u]
    services.incoming_act(
        document=document,
        actor=user,
        action=IncomingAction(payload.action),
        data=services.HandlingInput(
            note=payload.note,
            handler=_user_by_id(payload.handler_id, "handler_id"),
            lead_unit=_unit(payload.lead_unit_id, document.agency_id),
            coordinating_units=units,
            due_on=payload.due_on,
            reply=reply,
        ),
    )
    return _incoming_detail(access_incoming(user=user, pk=pk), user)


@router.get(
    "/incoming/{pk}/file",
    response={200: None, **ERROR_RESPONSES},
    summary="The document's file (scan or PDF)",
    openapi_extra={"responses": {200: {"content": {"application/octet-stream": {}}}}},
)
def incoming_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_incoming(user=_user(request), pk=pk)
    if not document.file:
        raise NotFoundError("Văn bản không có tệp đính kèm.")
    with document.file.open("rb") as handle:
        data = handle.read()
    content_type = "application/pdf" if data.startswith(b"%PDF-") else "application/octet-stream"
    return HttpResponse(data, content_type=content_type)


class GrantIn(Schema):
    user_id: int


@router.post(
    "/{kind}/{pk}/grants",
    response={201: None, **ERROR_RESPONSES},
    summary="Let one more official see a confidential document (agency leaders)",
)
def grant(request: HttpRequest, kind: str, pk: int, payload: GrantIn) -> tuple[int, None]:
    user = _user(request)
    grantee = _user_by_id(payload.user_id, "user_id")
    assert grantee is not None
    if kind == "outgoing":
        services.confidential_grant(actor=user, user=grantee, outgoing=access_outgoing(user=user, pk=pk))
    elif kind == "incoming":
        services.confidential_grant(actor=user, user=grantee, incoming=access_incoming(user=user, pk=pk))
    else:
        raise NotFoundError("Không có loại văn bản này.")
    return 201, None


@router.get(
    "/incoming/{pk}/status-edxml",
    response={200: None, **ERROR_RESPONSES},
    summary="The edXML status message to send back to the outside sender",
    openapi_extra={"responses": {200: {"content": {"application/xml": {}}}}},
)
def incoming_status(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_incoming(user=_user(request), pk=pk)
    return HttpResponse(exchange.status_for(incoming=document), content_type="application/xml")


# -- registers -----------------------------------------------------------------------------------------------


class RegisterQuery(Schema):
    agency: str = SchemaField(..., max_length=20)
    year: int = SchemaField(..., ge=1990, le=2100)
    series: str = SchemaField("regular", pattern="^(regular|confidential)$")
    format: str = SchemaField("pdf", pattern="^(pdf|xlsx)$")


@router.get(
    "/registers/{kind}",
    response={200: None, **ERROR_RESPONSES},
    summary="The outgoing or incoming register book of a year (PDF or xlsx)",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def register_book(request: HttpRequest, kind: str, query: Query[RegisterQuery]) -> HttpResponse:
    if kind not in ("outgoing", "incoming"):
        raise NotFoundError("Không có sổ này.")
    book = registers_export.register_file(
        user=_user(request),
        agency=_agency(query.agency),
        kind=kind,
        year=query.year,
        series=query.series,
        file_format=query.format,
    )
    response = HttpResponse(book.data, content_type=book.content_type)
    response["Content-Disposition"] = f'attachment; filename="{book.file_name}"'
    return response


# -- work list, tasks, figures -------------------------------------------------------------------------------


def _task_out(task: WorkTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        title=task.title,
        owner=_name(task.owner),
        due_on=task.due_on,
        progress=task.progress,
        status=task.status,
        incoming_id=task.incoming_id,
        outgoing_id=task.outgoing_id,
    )


@router.get("/tasks", response={200: list[TaskOut], **ERROR_RESPONSES}, summary="My open tasks")
def task_list(request: HttpRequest) -> list[TaskOut]:
    user = _user(request)
    tasks = (
        WorkTask.objects.filter(owner=user, status=TaskStatus.OPEN).select_related("owner").order_by("due_on")
    )
    return [_task_out(t) for t in tasks[:200]]


@router.post("/tasks", response={201: TaskOut, **ERROR_RESPONSES}, summary="Give a task")
def task_create(request: HttpRequest, payload: TaskIn) -> tuple[int, TaskOut]:
    user = _user(request)
    owner = _user_by_id(payload.owner_id, "owner_id")
    assert owner is not None
    incoming = access_incoming(user=user, pk=payload.incoming_id) if payload.incoming_id else None
    outgoing = access_outgoing(user=user, pk=payload.outgoing_id) if payload.outgoing_id else None
    task = services.task_create(
        actor=user,
        agency=_agency(payload.agency),
        title=payload.title,
        description=payload.description,
        owner=owner,
        due_on=payload.due_on,
        incoming=incoming,
        outgoing=outgoing,
    )
    return 201, _task_out(task)


@router.post("/tasks/{pk}/progress", response={200: TaskOut, **ERROR_RESPONSES}, summary="Report progress")
def task_progress(request: HttpRequest, pk: int, payload: TaskProgressIn) -> TaskOut:
    user = _user(request)
    task = WorkTask.objects.filter(pk=pk, owner=user).select_related("owner").first()
    if task is None:
        raise NotFoundError("Không tìm thấy công việc.")
    return _task_out(
        services.task_report(task=task, actor=user, progress=payload.progress, note=payload.note)
    )


class FiguresQuery(Schema):
    agency: str = SchemaField(..., max_length=20)
    date_from: dt.date
    date_to: dt.date


@router.get("/figures", response={200: FiguresOut, **ERROR_RESPONSES}, summary="Document office figures")
def figures(request: HttpRequest, query: Query[FiguresQuery]) -> FiguresOut:
    user = _user(request)
    agency = _agency(query.agency)
    if agency.pk not in document_agency_roles(user):
        raise NotFoundError(f"Không tìm thấy cơ quan {query.agency}.")
    if query.date_from > query.date_to or (query.date_to - query.date_from).days > 3660:
        raise DomainError("Khoảng thời gian không hợp lệ.", fields={"date_from": ["invalid period"]})
    result = selectors.document_figures(
        agency_ids=[agency.pk], date_from=query.date_from, date_to=query.date_to
    )
    return FiguresOut(
        date_from=query.date_from,
        date_to=query.date_to,
        electronic_share=_float(result.electronic_share),
        on_time_share=_float(result.on_time_share),
        **{
            k: getattr(result, k)
            for k in (
                "issued",
                "issued_confidential",
                "issued_electronic",
                "received",
                "received_confidential",
                "received_electronic",
                "handled",
                "handled_on_time",
                "overdue_now",
                "accounts",
            )
        },
    )
