"""The dossier API: public tracking, the officials' queue, one dossier, workflow actions."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field as SchemaField
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from motcua.accounts.auth import API_AUTH
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.catalog.models import Component, Procedure
from motcua.core import clock
from motcua.core.errors import ERROR_RESPONSES, DomainError, NotFoundError
from motcua.dossiers import documents, selectors, services
from motcua.dossiers.access import (
    RoleContext,
    access_dossier_by_code,
    access_draft,
    actor_roles,
    role_context,
)
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.schemas import (
    ActionIn,
    DossierIn,
    DossierOut,
    DossierPageOut,
    FileOut,
    TaskOut,
    TrackingEventOut,
    TrackingOut,
)
from motcua.dossiers.workflow import STATUS_LABELS, Action, Status

tracking_router = Router(tags=["tracking"])
router = Router(tags=["dossiers"], auth=API_AUTH)


@tracking_router.get(
    "/{code}", response={200: TrackingOut, **ERROR_RESPONSES}, summary="Track a dossier by code"
)
def track(request: HttpRequest, code: str) -> TrackingOut:
    dossier = (
        Dossier.objects.filter(code=code)
        .exclude(status=Status.DRAFT)
        .select_related("procedure", "receiving_agency")
        .first()
    )
    if dossier is None:
        raise NotFoundError("Không tìm thấy hồ sơ.")
    return TrackingOut(
        code=code,
        status=dossier.status,
        status_label=dossier.status_label,
        procedure=dossier.procedure.name,
        receiving_agency=dossier.receiving_agency.name,
        submitted_at=dossier.submitted_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        timeline=[
            TrackingEventOut(at=e.at, status=e.to_status, status_label=STATUS_LABELS[Status(e.to_status)])
            for e in selectors.public_timeline(dossier=dossier)
        ],
    )


class QueueQuery(Schema):
    status: int | None = SchemaField(None, ge=0, le=10)
    procedure: str = SchemaField("", max_length=30)
    channel: int | None = SchemaField(None, ge=1, le=4)
    applicant: str = SchemaField("", max_length=200)
    due_before: dt.datetime | None = None
    mine: bool = False
    page: int = SchemaField(1, ge=1, le=100_000)
    page_size: int = SchemaField(50, ge=1, le=200)


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)  # guaranteed by API_AUTH
    return user


def _out(dossier: Dossier, user: User, context: RoleContext | None = None) -> DossierOut:
    """``context`` (the caller's roles read once) keeps a list free of per-dossier role queries."""
    roles = context.roles_for(dossier) if context else actor_roles(dossier=dossier, user=user)
    return DossierOut(
        id=dossier.pk,
        code=dossier.code,
        status=dossier.status,
        status_label=dossier.status_label,
        channel=dossier.channel,
        procedure_code=dossier.procedure.code,
        procedure_version=dossier.procedure_version.number,
        receiving_agency=dossier.receiving_agency.identifier,
        processing_agency=dossier.processing_agency.identifier,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        applicant_phone=dossier.applicant_phone,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        outcome=dossier.outcome,
        current_step=dossier.current_task.name if dossier.current_task else None,
        allowed_actions=[a.value for a in selectors.offered_actions(dossier=dossier, roles=roles)],
        tasks=[TaskOut.from_orm(t) for t in dossier.tasks.all()],
    )


@router.get("", response={200: DossierPageOut, **ERROR_RESPONSES}, summary="The official's open dossiers")
def queue(request: HttpRequest, query: Query[QueueQuery]) -> DossierPageOut:
    user = _user(request)
    filters = selectors.QueueFilters(
        status=query.status,
        procedure_code=query.procedure,
        channel=query.channel,
        applicant=query.applicant,
        due_before=query.due_before,
        mine_only=query.mine,
    )
    qs = selectors.official_queue(user=user, filters=filters, now=clock.now()).select_related(
        "procedure_version", "receiving_agency", "processing_agency"
    )
    start = (query.page - 1) * query.page_size
    rows = list(qs.prefetch_related("tasks")[start : start + query.page_size])
    context = role_context(user)
    return DossierPageOut(count=qs.count(), results=[_out(d, user, context) for d in rows])


@router.post("", response={201: DossierOut, **ERROR_RESPONSES}, summary="Create a draft or receive a dossier")
def create(request: HttpRequest, payload: DossierIn) -> tuple[int, DossierOut]:
    user = _user(request)
    procedure = Procedure.objects.filter(code=payload.procedure).first()
    agency = Agency.objects.filter(identifier=payload.agency).first()
    if procedure is None or agency is None:
        raise NotFoundError("Không tìm thấy thủ tục hoặc cơ quan.", fields={"procedure": ["unknown"]})
    applicant = services.Applicant(**payload.applicant.dict())
    if user.kind == User.Kind.OFFICIAL:
        dossier = services.dossier_register_at_desk(
            procedure=procedure,
            agency=agency,
            officer=user,
            applicant=applicant,
            channel=payload.channel,
            immediate=payload.immediate,
        )
    else:
        dossier = services.dossier_create_draft(
            procedure=procedure, agency=agency, owner=user, applicant=applicant, channel=payload.channel
        )
    return 201, _out(_loaded(dossier.pk), user)


def _loaded(pk: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure", "procedure_version", "receiving_agency", "processing_agency", "current_task"
    ).get(pk=pk)


def _by_ref(user: User, ref: str) -> Dossier:
    """A dossier by its code, or a draft (no code yet) of the caller's by its id."""
    if ref.isdigit():
        return access_draft(user=user, pk=int(ref))
    return access_dossier_by_code(user=user, code=ref)


@router.get(
    "/{ref}", response={200: DossierOut, **ERROR_RESPONSES}, summary="One dossier (code, or a draft's id)"
)
def get_dossier(request: HttpRequest, ref: str) -> DossierOut:
    user = _user(request)
    return _out(_loaded(_by_ref(user, ref).pk), user)


@router.post("/{ref}/files", response={201: FileOut, **ERROR_RESPONSES}, summary="Add a file to a dossier")
def add_file(
    request: HttpRequest,
    ref: str,
    file: File[UploadedFile],
    component: Form[int | None] = None,
    kind: Form[str] = "input",
) -> tuple[int, FileOut]:
    user = _user(request)
    dossier = _by_ref(user, ref)
    if kind not in DossierFile.Kind.values:
        raise DomainError("Loại tệp phải là input hoặc result.", fields={"kind": ["invalid"]})
    chosen = None
    if component is not None:
        chosen = Component.objects.filter(pk=component, version_id=dossier.procedure_version_id).first()
    if component is not None and chosen is None:
        raise NotFoundError("Không tìm thấy thành phần hồ sơ.", fields={"component": ["unknown"]})
    stored = services.dossier_attach_file(
        dossier=dossier, actor=user, upload=file, component=chosen, kind=kind
    )
    return 201, FileOut.from_orm(stored)


@router.post(
    "/{ref}/actions/{action}", response={200: DossierOut, **ERROR_RESPONSES}, summary="Act on a dossier"
)
def act(request: HttpRequest, ref: str, action: Action, payload: ActionIn) -> DossierOut:
    user = _user(request)
    dossier = _by_ref(user, ref)
    assignee = User.objects.filter(username=payload.assignee).first() if payload.assignee else None
    agency = Agency.objects.filter(identifier=payload.agency).first() if payload.agency else None
    data = services.ActionInput(
        note=payload.note, assignee=assignee, new_due_at=payload.new_due_at, agency=agency
    )
    services.dossier_act(dossier=dossier, actor=user, action=action, data=data)
    return _out(_loaded(dossier.pk), user)


PDF_RESPONSE = {"200": {"description": "The form as a PDF", "content": {"application/pdf": {}}}}


@router.get(
    "/{ref}/forms/{which}",
    response={**ERROR_RESPONSES},
    openapi_extra={"responses": PDF_RESPONSE},
    summary="A printable form: 01 receipt, 02, 03, 04, dung (stop), kiem-soat (control sheet)",
)
def form(request: HttpRequest, ref: str, which: str) -> HttpResponse:
    dossier = _by_ref(_user(request), ref)
    if which == "01":
        if dossier.received_at is None:
            raise DomainError("Hồ sơ chưa được tiếp nhận: chưa có giấy tiếp nhận.")
        pdf = documents.render_receipt_pdf(dossier, base_url=request.build_absolute_uri("/"))
    else:
        pdf = documents.render_form_pdf(dossier, which)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{which}-{dossier.code}.pdf"'
    return response
