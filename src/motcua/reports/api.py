"""The reports API: an agency's (or the province's) dashboard for officials, the public statistics."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema

from motcua.accounts.auth import API_AUTH
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.core.errors import ERROR_RESPONSES, NotFoundError
from motcua.reports import indices, selectors
from motcua.reports.views import visible_agencies

router = Router(tags=["reports"], auth=API_AUTH)


class PeriodQuery(Schema):
    agency: str = SchemaField("", max_length=20, description="Empty: the whole province (if allowed)")
    date_from: dt.date
    date_to: dt.date


class DashboardOut(Schema):
    agency: str | None
    date_from: dt.date
    date_to: dt.date
    procedures: int
    procedures_full_online: int
    procedures_partial_online: int
    procedures_level_4: int
    received: int
    received_online: int
    online_share_percent: float | None
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    on_time_percent: float | None
    open_now: int
    overdue_now: int
    average_rating: float | None
    documents_issued: int
    documents_received: int
    documents_electronic_percent: float | None
    dossiers_with_digitised: int
    dossiers_with_electronic_result: int
    dossiers_reusing: int
    feedback_received: int
    feedback_answered_on_time: int


class AgencyRowOut(Schema):
    agency: str
    received: int
    received_online: int
    resolved: int
    resolved_in_time: int
    on_time_percent: float | None
    online_share_percent: float | None


def _pct(value: Fraction | None) -> float | None:
    return None if value is None else float(indices.percent(value))


@router.get("/dashboard", response={200: DashboardOut, **ERROR_RESPONSES}, summary="An agency's dashboard")
def dashboard(request: HttpRequest, query: Query[PeriodQuery]) -> DashboardOut:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    period = selectors.Period.checked(query.date_from, query.date_to)
    agencies, province = visible_agencies(user)
    agency: Agency | None = None
    if query.agency:
        agency = next((a for a in agencies if a.identifier == query.agency), None)
        if agency is None:
            raise NotFoundError(f"Không tìm thấy cơ quan {query.agency}.")
    elif not province:
        raise NotFoundError("Chỉ lãnh đạo cấp tỉnh xem được báo cáo toàn tỉnh.")
    board = selectors.dashboard(agency=agency, period=period)
    d = board.dossiers
    return DashboardOut(
        agency=agency.identifier if agency else None,
        date_from=period.date_from,
        date_to=period.date_to,
        procedures=board.procedures.total,
        procedures_full_online=board.procedures.full_online,
        procedures_partial_online=board.procedures.partial_online,
        procedures_level_4=board.procedures.level_4,
        received=d.received,
        received_online=d.received_online,
        online_share_percent=_pct(d.online_share),
        resolved_early=d.resolution.early,
        resolved_on_time=d.resolution.on_time,
        resolved_late=d.resolution.late,
        on_time_percent=_pct(d.resolution.on_time_rate),
        open_now=d.open_now,
        overdue_now=d.overdue_now,
        average_rating=d.average_rating,
        documents_issued=board.documents.issued,
        documents_received=board.documents.received,
        documents_electronic_percent=_pct(board.documents.electronic_share),
        dossiers_with_digitised=board.store.with_digitised,
        dossiers_with_electronic_result=board.store.with_electronic_result,
        dossiers_reusing=board.store.reusing,
        feedback_received=board.feedback.received,
        feedback_answered_on_time=board.feedback.answered_on_time,
    )


@router.get(
    "/public", response={200: list[AgencyRowOut], **ERROR_RESPONSES}, summary="Public statistics", auth=None
)
def public(request: HttpRequest) -> list[AgencyRowOut]:
    today = clock.today()
    rows = selectors.by_agency(selectors.Period(dt.date(today.year, 1, 1), today))
    return [
        AgencyRowOut(
            agency=r.label,
            received=r.received,
            received_online=r.received_online,
            resolved=r.resolved,
            resolved_in_time=r.resolved_in_time,
            on_time_percent=_pct(r.on_time_rate),
            online_share_percent=_pct(r.online_share),
        )
        for r in rows
    ]
