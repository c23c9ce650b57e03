"""Report pages: the officials' dashboard (with exports) and the public statistics page."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from openpyxl import Workbook

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, AgencyKind
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.params import date_param, int_param
from motcua.documents.rendering import html_to_pdf
from motcua.reports import indices, selectors


def period_from(query: dict[str, str]) -> selectors.Period:
    """month/quarter/year with year and number, or any range with date_from and date_to."""
    today = clock.today()
    kind = query.get("period", "year")
    if kind == "range":
        start, end = date_param(query.get("date_from")), date_param(query.get("date_to"))
        if start is None or end is None:
            raise selectors.InvalidPeriodError("Hãy nhập ngày bắt đầu và ngày kết thúc.")
        return selectors.Period.checked(start, end)
    year = int_param(query.get("year")) or today.year
    if not 2000 <= year <= 2100:
        raise selectors.InvalidPeriodError("Năm báo cáo không hợp lệ.", fields={"year": ["range"]})
    default = today.month if kind == "month" else (today.month - 1) // 3 + 1
    return selectors.Period.named(kind, year=year, number=int_param(query.get("number")) or default)


def visible_agencies(user: User) -> tuple[list[Agency], bool]:
    """The agencies whose dashboards the user may open, and whether the whole province too."""
    held = RoleAssignment.objects.active_on().filter(user=user).select_related("agency")
    province = user.is_superuser or any(
        a.role == Role.ADMINISTRATOR or a.agency.kind == AgencyKind.PROVINCIAL_COMMITTEE for a in held
    )
    if province:
        return list(Agency.objects.valid_on(clock.today()).order_by("kind", "name")), True
    return sorted({a.agency for a in held}, key=lambda a: a.name), False


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{indices.percent(value)}%".replace(".", ",")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    agencies, province = visible_agencies(user)
    if not agencies:
        messages.info(request, "Trang này dành cho cán bộ, công chức.")
        return redirect("portal:home")
    query = request.GET.dict()
    chosen = next((a for a in agencies if a.pk == int_param(query.get("agency"))), None)
    if chosen is None and not province:
        chosen = agencies[0]
    try:
        period = period_from(query)
    except DomainError as error:
        messages.error(request, error.message)
        period = selectors.Period.named("year", year=clock.today().year)
    board = selectors.dashboard(agency=chosen, period=period)
    rows = selectors.by_agency(period) if chosen is None else []
    context = {
        "board": board,
        "agencies": agencies,
        "province": province,
        "query": query,
        "rows": rows,
        "pct": _percentages(board),
        "chart": _resolution_chart(board.dossiers.resolution),
    }
    if query.get("format") == "xlsx":
        return _xlsx(board, rows)
    if query.get("format") == "pdf":
        html = render_to_string("reports/print.html", context, request=request)
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="bao-cao.pdf"'
        return response
    return render(request, "reports/dashboard.html", context)


def _percentages(board: selectors.Dashboard) -> dict[str, str]:
    d, p = board.dossiers, board.procedures
    return {
        "on_time": percent(d.resolution.on_time_rate),
        "online": percent(d.online_share),
        "full_online_procedures": percent(p.share(p.full_online)),
        "partial_online_procedures": percent(p.share(p.partial_online)),
        "level_4": percent(p.share(p.level_4)),
        "documents_electronic": percent(board.documents.electronic_share),
        "feedback_on_time": percent(board.feedback.on_time_share),
        "digitised": percent(
            Fraction(board.store.with_digitised, board.store.received) if board.store.received else None
        ),
        "electronic_results": percent(
            Fraction(board.store.with_electronic_result, board.store.received)
            if board.store.received
            else None
        ),
        "reusing": percent(
            Fraction(board.store.reusing, board.store.received) if board.store.received else None
        ),
    }


def _resolution_chart(counts: indices.ResolutionCounts) -> list[dict[str, object]]:
    """Stacked bar segments (share of the width) with colours readable by colour-blind readers."""
    total = counts.resolved
    if not total:
        return []
    parts = (
        ("Trước hạn", counts.early, "#1b7837"),
        ("Đúng hạn", counts.on_time, "#5aae61"),
        ("Quá hạn", counts.late, "#c51b7d"),
    )
    x = 0.0
    segments = []
    for label, value, colour in parts:
        width = 100 * value / total
        segments.append(
            {"label": label, "value": value, "x": round(x, 2), "width": round(width, 2), "colour": colour}
        )
        x += width
    return segments


def _xlsx(board: selectors.Dashboard, rows: list[selectors.AgencyRow]) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    scope = board.agency.name if board.agency else "Toàn tỉnh"
    sheet.append([f"Báo cáo {scope}", f"{board.period.date_from:%d/%m/%Y} - {board.period.date_to:%d/%m/%Y}"])
    d = board.dossiers
    for label, value in (
        ("Hồ sơ tiếp nhận", d.received),
        ("Tiếp nhận trực tuyến", d.received_online),
        ("Đã giải quyết trước hạn", d.resolution.early),
        ("Đã giải quyết đúng hạn", d.resolution.on_time),
        ("Đã giải quyết quá hạn", d.resolution.late),
        ("Đang giải quyết", d.open_now),
        ("Đang quá hạn", d.overdue_now),
        ("Thủ tục đang áp dụng", board.procedures.total),
        ("Thủ tục trực tuyến toàn trình", board.procedures.full_online),
        ("Thủ tục trực tuyến một phần", board.procedures.partial_online),
        ("Văn bản đi đã phát hành", board.documents.issued),
        ("Văn bản đến", board.documents.received),
        ("Phản ánh, kiến nghị tiếp nhận", board.feedback.received),
    ):
        sheet.append([label, value])
    if rows:
        agencies = book.create_sheet("Theo cơ quan")
        agencies.append(["Cơ quan", "Tiếp nhận", "Trực tuyến", "Đã giải quyết", "Trước hạn và đúng hạn"])
        for r in rows:
            agencies.append([r.agency, r.received, r.received_online, r.resolved, r.resolved_in_time])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="bao-cao.xlsx"'
    return response


def public(request: HttpRequest) -> HttpResponse:
    """Without login: each agency's on-time rate and online share this year, live from the aggregates."""
    today = clock.today()
    period = selectors.Period(dt.date(today.year, 1, 1), today)
    province = selectors.dossier_figures(None, period)
    context = {
        "period": period,
        "rows": [
            {"row": r, "on_time": percent(r.on_time_rate), "online": percent(r.online_share)}
            for r in selectors.by_agency(period)
        ],
        "province": province,
        "province_on_time": percent(province.resolution.on_time_rate),
        "province_online": percent(province.online_share),
    }
    return render(request, "reports/public.html", context)
