"""Report pages: the officials' dashboard (with exports) and the public statistics page."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from openpyxl import Workbook

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, AgencyKind
from motcua.catalog.models import Field, Procedure
from motcua.core import clock
from motcua.core.dbrouter import reading_from_replica
from motcua.core.errors import DomainError
from motcua.core.pagination import CappedPaginator
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


PERIOD_KEYS = ("period", "year", "number", "date_from", "date_to")


class Scope:
    """What a reader asked to see (agency, field, period) once checked against what they may see."""

    def __init__(self, request: HttpRequest) -> None:
        user = request.user
        assert isinstance(user, User)
        self.agencies, self.province = visible_agencies(user)
        self.query = request.GET.dict()
        self.agency = next((a for a in self.agencies if a.pk == int_param(self.query.get("agency"))), None)
        if self.agency is None and not self.province and self.agencies:
            self.agency = self.agencies[0]
        self.field = None
        if self.agency is not None and (field_id := int_param(self.query.get("field"))):
            self.field = Field.objects.filter(pk=field_id).first()
        self.error = ""
        try:
            self.period = period_from(self.query)
        except DomainError as error:
            self.error = error.message
            self.period = selectors.Period.named("year", year=clock.today().year)

    def link(self, **extra: object) -> str:
        """The query string of this scope (period, agency, field) with ``extra`` keys set or cleared."""
        params = {k: self.query[k] for k in PERIOD_KEYS if self.query.get(k)}
        if self.agency is not None:
            params["agency"] = str(self.agency.pk)
        if self.field is not None:
            params["field"] = str(self.field.pk)
        for key, value in extra.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode(params)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = Scope(request)
    if not scope.agencies:
        messages.info(request, "Trang này dành cho cán bộ, công chức.")
        return redirect("portal:home")
    if scope.error:
        messages.error(request, scope.error)
    board = selectors.dashboard(agency=scope.agency, period=scope.period)
    level, rows = _drill(scope, board.scope)
    context = {
        "board": board,
        "scope": scope,
        "agencies": scope.agencies,
        "province": scope.province,
        "query": scope.query,
        "level": level,
        "rows": [_drill_row(scope.link(), level, r) for r in rows],
        "pct": _percentages(board),
        "chart": _resolution_chart(board.dossiers.resolution),
        "list_link": scope.link(),
        "list_url": reverse("reports:dossiers"),
        "service_index": (index := selectors.service_index(board)),
        "index_inputs": [
            (label, None if index.inputs[name] is None else percent(index.inputs[name]))
            for name, label in SERVICE_INDEX_INPUTS.items()
        ],
        "evaluation": selectors.evaluation_by_agency(board.scope, scope.period),
        "officers": (
            selectors.evaluation_by_officer([scope.agency.pk], scope.period) if scope.agency else []
        ),
        "evaluated_at": selectors.evaluation_refreshed_at(scope.period),
        "agency_link": scope.link(field=None),
        "period_link": scope.link(agency=None, field=None),
    }
    if scope.query.get("format") == "xlsx":
        return _xlsx(board, level, rows, context)
    if scope.query.get("format") == "pdf":
        html = render_to_string("reports/print.html", context, request=request)
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="bao-cao.pdf"'
        return response
    return render(request, "reports/dashboard.html", context)


SERVICE_INDEX_INPUTS = {
    "procedures_published": "Thủ tục được công khai đầy đủ",
    "dossiers_synced": "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
    "progress_published": "Hồ sơ được công khai tiến độ",
    "on_time_rate": "Hồ sơ giải quyết trước hạn và đúng hạn",
    "procedures_offered_online": "Thủ tục cung cấp trực tuyến",
    "online_services_used": "Dịch vụ trực tuyến có phát sinh hồ sơ",
    "dossiers_submitted_online": "Hồ sơ nộp trực tuyến",
    "paid_online": "Hồ sơ có phí thanh toán trực tuyến",
    "electronic_results": "Hồ sơ có kết quả điện tử",
    "digitised_inputs": "Hồ sơ được số hóa thành phần",
    "reused_data": "Hồ sơ tái sử dụng dữ liệu số",
    "receipt_satisfaction": "Người dân hài lòng (đánh giá 4-5)",
    "feedback_on_time": "Phản ánh, kiến nghị xử lý đúng hạn",
    "feedback_satisfaction": "Hài lòng với trả lời phản ánh, kiến nghị",
}

LEVEL_LABELS = {
    selectors.Level.AGENCY: "Cơ quan",
    selectors.Level.FIELD: "Lĩnh vực",
    selectors.Level.PROCEDURE: "Thủ tục",
}


def _drill(
    scope: Scope, agency_ids: list[int] | None
) -> tuple[selectors.Level, list[selectors.BreakdownRow]]:
    """The province by agency; an agency by field; a field of an agency by procedure (``agency_ids``: the
    agency's scope, as the dashboard computed it)."""
    if scope.agency is None:
        level = selectors.Level.AGENCY
    elif scope.field is None:
        level = selectors.Level.FIELD
    else:
        level = selectors.Level.PROCEDURE
    field_id = scope.field.pk if scope.field else None
    return level, selectors.breakdown(agency_ids, scope.period, level, field_id=field_id)


# The numbers of a drill-down row that open their dossiers (the table's columns).
ROW_MEASURES = (
    selectors.Measure.RECEIVED,
    selectors.Measure.RECEIVED_ONLINE,
    selectors.Measure.EARLY,
    selectors.Measure.ON_TIME,
    selectors.Measure.LATE,
)


_ROW_KEYS = {
    selectors.Level.AGENCY: "agency",
    selectors.Level.FIELD: "field",
    selectors.Level.PROCEDURE: "procedure",
}


def _drill_row(base: str, level: selectors.Level, row: selectors.BreakdownRow) -> dict[str, object]:
    """A table row with its links: the next level down, and the dossier list behind each number.

    ``base`` is the scope's query string (``Scope.link()``), encoded once for the table: the row's key is
    the level below the scope, never in it, so it is appended (a province has hundreds of rows).
    """
    narrow = f"{_ROW_KEYS[level]}={row.key}" if row.key else ""  # field 0: "no field", i.e. all of them
    down = "" if level == selectors.Level.PROCEDURE else "&".join(p for p in (base, narrow) if p)
    return {
        "row": row,
        "down": down,
        "on_time": percent(row.on_time_rate),
        "online": percent(row.online_share),
        "lists": {
            m.value: "&".join(p for p in (base, f"measure={m.value}", narrow) if p) for m in ROW_MEASURES
        },
    }


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one number of the dashboard, 50 a page, only within the reader's agencies."""
    scope = Scope(request)
    if not scope.agencies:
        messages.info(request, "Trang này dành cho cán bộ, công chức.")
        return redirect("portal:home")
    if scope.error:
        messages.error(request, scope.error)
    try:
        measure = selectors.Measure(scope.query.get("measure", ""))
    except ValueError:
        messages.error(request, "Chỉ tiêu báo cáo không hợp lệ.")
        return redirect(f"{reverse('reports:dashboard')}?{scope.link()}")
    procedure = None
    if procedure_id := int_param(scope.query.get("procedure")):
        procedure = Procedure.objects.filter(pk=procedure_id).first()
    with reading_from_replica():  # the page is read here, not lazily in the template, to read the replica
        dossiers = selectors.dossiers_behind(
            selectors.agency_scope(scope.agency),
            scope.period,
            measure,
            field_id=scope.field.pk if scope.field else None,
            procedure_id=procedure.pk if procedure else None,
        )
        page = CappedPaginator(dossiers, 50).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    context = {
        "scope": scope,
        "measure": measure,
        "measure_label": selectors.MEASURE_LABELS[measure],
        "procedure": procedure,
        "page": page,
        "back": scope.link(),
        "paging": scope.link(measure=measure.value, procedure=procedure.pk if procedure else None),
    }
    return render(request, "reports/dossiers.html", context)


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


def _xlsx(
    board: selectors.Dashboard,
    level: selectors.Level,
    rows: list[selectors.BreakdownRow],
    context: dict[str, Any],
) -> HttpResponse:
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
        ("Đang giải quyết cuối kỳ, trong hạn", d.resolution.open_on_time),
        ("Đang giải quyết cuối kỳ, quá hạn", d.resolution.open_late),
        ("Đang giải quyết hiện nay", d.open_now),
        ("Đang quá hạn hiện nay", d.overdue_now),
        ("Thủ tục đang áp dụng", board.procedures.total),
        ("Thủ tục trực tuyến toàn trình", board.procedures.full_online),
        ("Thủ tục trực tuyến một phần", board.procedures.partial_online),
        ("Văn bản đi đã phát hành", board.documents.issued),
        ("Văn bản đến", board.documents.received),
        ("Phản ánh, kiến nghị tiếp nhận", board.feedback.received),
    ):
        sheet.append([label, value])
    if rows:
        table = book.create_sheet(f"Theo {LEVEL_LABELS[level].lower()}")
        table.append(
            [
                LEVEL_LABELS[level],
                "Tiếp nhận",
                "Trực tuyến",
                "Trước hạn",
                "Đúng hạn",
                "Quá hạn",
                "Tỷ lệ đúng hạn",
            ]
        )
        for r in rows:
            rate = None if r.on_time_rate is None else float(indices.percent(r.on_time_rate))
            table.append([r.label, r.received, r.received_online, r.early, r.on_time, r.late, rate])
    report: selectors.ServiceIndexReport = context["service_index"]
    if report.index is not None:
        sheet = book.create_sheet("Chỉ số phục vụ")
        sheet.append(["Nhóm", "Điểm"])
        for label, points in (
            ("Công khai, minh bạch", report.index.publicity),
            ("Tiến độ, kết quả giải quyết", report.index.progress),
            ("Dịch vụ trực tuyến, thanh toán", report.index.online),
            ("Số hóa hồ sơ, kết quả", report.index.digitisation),
            ("Mức độ hài lòng", report.index.satisfaction),
            ("Tổng điểm", report.index.total),
        ):
            sheet.append([label, float(points)])
    for title, evaluated in (
        ("Đánh giá cơ quan", context["evaluation"]),
        ("Đánh giá cán bộ", context["officers"]),
    ):
        if evaluated:
            sheet = book.create_sheet(title)
            sheet.append(["Tên", "Số hồ sơ", *[str(n) for n in range(1, 10)], "Điểm", "Xếp loại"])
            for e in evaluated:
                averages = [float(getattr(e.averaged, name)) for name in indices.INDEX_NAMES]
                sheet.append([e.label, e.averaged.dossier_count, *averages, float(e.points), e.grade])
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
