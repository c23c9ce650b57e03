from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from motcua.accounts.auth import API_AUTH, is_administrator
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.catalog import selectors, services
from motcua.catalog.models import Field, Level, Procedure
from motcua.catalog.schemas import (
    AgencyRefOut,
    ChannelTermOut,
    ComponentOut,
    LegalBasisOut,
    ProcedureOut,
    ProcedurePageOut,
    ProcedureSummaryOut,
    ProcedureUpdateIn,
)
from motcua.core import clock
from motcua.core.errors import ERROR_RESPONSES, NotFoundError, PermissionDeniedError

router = Router(tags=["procedures"])

MAX_PAGE_SIZE = 100


class ProcedureQuery(Schema):
    q: str = SchemaField("", max_length=200, description="Words to find; diacritics and case are ignored")
    field: str | None = SchemaField(None, max_length=200, description="Field slug")
    level: Level | None = None
    agency: str | None = SchemaField(None, max_length=20, description="Agency identifier, e.g. 000.00.12.H37")
    page: int = SchemaField(1, ge=1, le=100_000)
    page_size: int = SchemaField(20, ge=1, le=MAX_PAGE_SIZE)


def _summary(p: Procedure) -> ProcedureSummaryOut:
    return ProcedureSummaryOut(
        code=p.code,
        name=p.name,
        field=p.field.name if p.field else None,
        levels=p.levels,
        online_mode=p.online_mode,
    )


@router.get("", response={200: ProcedurePageOut, **ERROR_RESPONSES}, summary="Search the procedure catalogue")
def list_procedures(request: HttpRequest, query: Query[ProcedureQuery]) -> ProcedurePageOut:
    field = None
    if query.field:
        field = Field.objects.filter(slug=query.field).first()
        if field is None:
            raise NotFoundError("Không tìm thấy lĩnh vực.", fields={"field": ["unknown field"]})
    agency = None
    if query.agency:
        agency = Agency.objects.filter(identifier=query.agency).first()
        if agency is None:
            raise NotFoundError("Không tìm thấy cơ quan.", fields={"agency": ["unknown identifier"]})
    qs = selectors.procedure_search(
        q=query.q, field=field, level=query.level, agency=agency, on=clock.today()
    )
    start = (query.page - 1) * query.page_size
    rows = list(qs[start : start + query.page_size])
    return ProcedurePageOut(
        count=qs.count(), page=query.page, page_size=query.page_size, results=[_summary(p) for p in rows]
    )


def _procedure_out(p: Procedure) -> ProcedureOut:
    v = p.current_version
    return ProcedureOut(
        **_summary(p).dict(),
        version=v.number if v else None,
        issuing_authority=p.issuing_authority,
        legacy_level=p.legacy_level,
        state=p.state,
        procedure_type=v.procedure_type if v else "",
        applicant_types=v.applicant_types if v else "",
        competent_agency=v.competent_agency if v else "",
        implementing_agency=v.implementing_agency if v else "",
        receiving_address=v.receiving_address if v else "",
        steps=v.steps if v else [],
        conditions=v.conditions if v else "",
        results=v.results if v else [],
        publishing_decision=v.publishing_decision if v else "",
        channels=[ChannelTermOut.from_orm(t) for t in v.channel_terms.all()] if v else [],
        components=[
            ComponentOut(
                group=c.group,
                name=c.name,
                originals=c.originals,
                copies=c.copies,
                template_name=c.template_name,
                template_url=reverse("portal:template", args=[p.code, c.pk]) if c.template_file else None,
            )
            for c in (v.components.all() if v else [])
        ],
        legal_bases=[LegalBasisOut.from_orm(b) for b in v.legal_bases.all()] if v else [],
        agencies=[
            AgencyRefOut(identifier=a.agency.identifier, name=a.agency.name, is_boundless=a.is_boundless)
            for a in getattr(p, "current_assignments", [])
        ],
    )


@router.get("/{code}", response={200: ProcedureOut, **ERROR_RESPONSES}, summary="One procedure, in full")
def get_procedure(request: HttpRequest, code: str) -> ProcedureOut:
    procedure = selectors.procedure_detail(code=code, on=clock.today())
    if procedure is None:
        raise NotFoundError("Không tìm thấy thủ tục.")
    return _procedure_out(procedure)


@router.patch(
    "/{code}",
    auth=API_AUTH,
    response={200: ProcedureOut, **ERROR_RESPONSES},
    summary="Publish, withdraw or set online mode",
)
def update_procedure(request: HttpRequest, code: str, payload: ProcedureUpdateIn) -> ProcedureOut:
    user = getattr(request, "auth", None)  # set by TokenAuth / SessionAuth: an authenticated User
    if not isinstance(user, User) or not is_administrator(user):
        raise PermissionDeniedError("Chỉ quản trị viên được sửa danh mục thủ tục.")
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise NotFoundError("Không tìm thấy thủ tục.")
    services.procedure_update(
        procedure=procedure,
        actor=user,
        state=payload.state,
        online_mode=payload.online_mode,
    )
    updated = selectors.procedure_detail(code=code, on=clock.today())
    return _procedure_out(updated or procedure)
