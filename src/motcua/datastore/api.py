"""The store API: a person's documents and their access log, opening files, digitising, reuse, figures."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field as SchemaField
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from motcua.accounts.auth import API_AUTH
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.catalog.models import Component
from motcua.core.errors import ERROR_RESPONSES, DomainError, NotFoundError
from motcua.core.pagination import capped_count
from motcua.datastore import access, scans, selectors, services
from motcua.datastore.models import StoredDocument
from motcua.dossiers.access import access_dossier_by_code, access_draft, official_agency_ids
from motcua.dossiers.models import Dossier

router = Router(tags=["store"], auth=API_AUTH)


class StoredOut(Schema):
    id: int
    title: str
    kind: str
    kind_name: str
    owner_number: str
    owner_name: str
    origin: str
    issuing_body: str
    issued_on: dt.date | None
    expires_on: dt.date | None
    page_count: int
    sha256: str
    dossier_code: str | None
    agency: str
    filed_at: dt.datetime
    signer_name: str
    signed_at: dt.datetime | None


class AccessOut(Schema):
    at: dt.datetime
    user: str
    opened_as: str
    dossier_code: str | None
    reason: str


class StoredDetailOut(StoredOut):
    accesses: list[AccessOut]
    used_in: list[str]


class OfferOut(Schema):
    component_id: int
    component: str
    documents: list[StoredOut]
    reused_document_id: int | None


class ReuseIn(Schema):
    document_id: int
    component_id: int
    consent: bool = False


class DigitiseIn(Schema):
    component_id: int
    owner_number: str = SchemaField(..., max_length=20)
    owner_name: str = SchemaField(..., max_length=200)
    owner_kind: str = SchemaField("person", pattern="^(person|organisation)$")
    issuing_body: str = SchemaField("", max_length=200)
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    passphrase: str = SchemaField(..., max_length=200)


class FiguresOut(Schema):
    received: int
    with_digitised: int
    with_electronic_result: int
    reusing: int
    digitised_share: float | None
    electronic_result_share: float | None
    reuse_share: float | None


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)  # guaranteed by API_AUTH
    return user


def _dossier(user: User, ref: str) -> Dossier:
    """A dossier by its code, or a draft (no code yet) of the caller by its id."""
    if ref.isdigit():
        return access_draft(user=user, pk=int(ref))
    return access_dossier_by_code(user=user, code=ref)


def _out(d: StoredDocument) -> StoredOut:
    return StoredOut(
        id=d.pk,
        title=d.title,
        kind=d.kind.code,
        kind_name=d.kind.name,
        owner_number=d.owner_number,
        owner_name=d.owner_name,
        origin=d.origin,
        issuing_body=d.issuing_body,
        issued_on=d.issued_on,
        expires_on=d.expires_on,
        page_count=d.page_count,
        sha256=d.sha256,
        dossier_code=d.dossier.code,
        agency=d.agency.identifier,
        filed_at=d.filed_at,
        signer_name=d.signer_name,
        signed_at=d.signed_at,
    )


class ListQuery(Schema):
    page: int = SchemaField(1, ge=1, le=10_000)
    page_size: int = SchemaField(50, ge=1, le=200)


class StoredPageOut(Schema):
    count: int = SchemaField(..., description="Documents, counted up to 1,000")
    count_is_capped: bool
    items: list[StoredOut]


@router.get("", response={200: StoredPageOut, **ERROR_RESPONSES}, summary="My stored documents, newest first")
def mine(request: HttpRequest, query: Query[ListQuery]) -> StoredPageOut:
    documents = (
        access.owned_by(_user(request)).select_related("kind", "agency", "dossier").order_by("-filed_at")
    )
    start = (query.page - 1) * query.page_size
    count, more = capped_count(documents)
    return StoredPageOut(
        count=count, count_is_capped=more, items=[_out(d) for d in documents[start : start + query.page_size]]
    )


@router.get("/{pk}", response={200: StoredDetailOut, **ERROR_RESPONSES}, summary="One of my documents")
def detail(request: HttpRequest, pk: int) -> StoredDetailOut:
    document = access.access_owned(user=_user(request), pk=pk)
    return StoredDetailOut(
        **_out(document).dict(),
        accesses=[
            AccessOut(
                at=a.at,
                user=a.user.get_full_name(),
                opened_as=a.opened_as,
                dossier_code=a.dossier.code if a.dossier else None,
                reason=a.reason,
            )
            for a in document.accesses.select_related("user", "dossier")[:200]
        ],
        used_in=[str(r.dossier.code or r.dossier.pk) for r in document.reuses.select_related("dossier")],
    )


@router.get(
    "/{pk}/file",
    response={200: None, **ERROR_RESPONSES},
    summary="Open a stored file (logged); administrators give a reason",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def open_file(request: HttpRequest, pk: int, reason: str = "") -> HttpResponse:
    document = StoredDocument.objects.filter(pk=pk).first()
    if document is None:
        raise NotFoundError("Không tìm thấy giấy tờ.")
    data = services.store_open(document=document, user=_user(request), reason=reason[:500])
    return HttpResponse(data, content_type="application/pdf")


@router.get(
    "/dossiers/{ref}/offers",
    response={200: list[OfferOut], **ERROR_RESPONSES},
    summary="Stored documents the applicant could use, per component (a dossier code or a draft id)",
)
def offers(request: HttpRequest, ref: str) -> list[OfferOut]:
    dossier = _dossier(_user(request), ref)
    return [
        OfferOut(
            component_id=o.component.pk,
            component=o.component.name,
            documents=[_out(d) for d in o.documents],
            reused_document_id=o.reused.pk if o.reused else None,
        )
        for o in selectors.reuse_offers(dossier=dossier)
    ]


def _component(dossier_version_id: int, pk: int) -> Component:
    component = Component.objects.filter(pk=pk, version_id=dossier_version_id).first()
    if component is None:
        raise DomainError("Thành phần hồ sơ không thuộc thủ tục này.", fields={"component_id": ["unknown"]})
    return component


@router.post(
    "/dossiers/{ref}/reuse", response={201: OfferOut, **ERROR_RESPONSES}, summary="Use a stored document"
)
def reuse(request: HttpRequest, ref: str, payload: ReuseIn) -> tuple[int, OfferOut]:
    user = _user(request)
    dossier = _dossier(user, ref)
    document = StoredDocument.objects.filter(pk=payload.document_id).select_related("kind").first()
    if document is None:
        raise NotFoundError("Không tìm thấy giấy tờ trong kho dữ liệu của người nộp hồ sơ.")
    component = _component(dossier.procedure_version_id, payload.component_id)
    services.store_reuse(
        dossier=dossier, actor=user, document=document, component=component, consent=payload.consent
    )
    [offer] = [o for o in selectors.reuse_offers(dossier=dossier) if o.component.pk == payload.component_id]
    return 201, OfferOut(
        component_id=offer.component.pk,
        component=offer.component.name,
        documents=[_out(d) for d in offer.documents],
        reused_document_id=offer.reused.pk if offer.reused else None,
    )


@router.post(
    "/dossiers/{ref}/digitise",
    response={201: StoredOut, **ERROR_RESPONSES},
    summary="Digitise a paper component at reception (several pages, certified with a signature)",
)
def digitise(
    request: HttpRequest, ref: str, payload: Form[DigitiseIn], pages: File[list[UploadedFile]]
) -> tuple[int, StoredOut]:
    user = _user(request)
    dossier = _dossier(user, ref)
    component = _component(dossier.procedure_version_id, payload.component_id)
    stored = services.dossier_digitise(
        dossier=dossier,
        actor=user,
        component=component,
        pages=[scans.ScanPage(name=p.name or "trang", data=p.read()) for p in pages],
        tagging=services.Tagging(
            owner_number=payload.owner_number,
            owner_name=payload.owner_name,
            owner_kind=payload.owner_kind,
            issuing_body=payload.issuing_body,
            issued_on=payload.issued_on,
            expires_on=payload.expires_on,
        ),
        passphrase=payload.passphrase,
    )
    stored = StoredDocument.objects.select_related("kind", "agency", "dossier").get(pk=stored.pk)
    return 201, _out(stored)


class FiguresQuery(Schema):
    agency: str = SchemaField(..., max_length=20)
    date_from: dt.date
    date_to: dt.date


@router.get("/figures/digitisation", response={200: FiguresOut, **ERROR_RESPONSES}, summary="Store figures")
def figures(request: HttpRequest, query: Query[FiguresQuery]) -> FiguresOut:
    agency = Agency.objects.filter(identifier=query.agency).first()
    if agency is None or agency.pk not in official_agency_ids(_user(request)):
        raise NotFoundError(f"Không tìm thấy cơ quan {query.agency}.")
    if query.date_from > query.date_to:
        raise DomainError("Khoảng thời gian không hợp lệ.", fields={"date_from": ["after date_to"]})
    result = selectors.store_figures(agency_ids=[agency.pk], date_from=query.date_from, date_to=query.date_to)
    return FiguresOut(
        received=result.received,
        with_digitised=result.with_digitised,
        with_electronic_result=result.with_electronic_result,
        reusing=result.reusing,
        digitised_share=result.share(result.with_digitised),
        electronic_result_share=result.share(result.with_electronic_result),
        reuse_share=result.share(result.reusing),
    )
