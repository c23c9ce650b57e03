"""The dashboard's figures for one agency (or the whole province) and one period, read from aggregates.

Dossier counts come from ``DossierMonthStat`` and ``DossierDayStat`` (whole months from the month rows, the
edge days from the day rows; never the dossier table), the store's digitisation shares, the ratings and
the fees paid online too; the open and overdue counts are read live through the open-dossier partial index
and the lifetime index; procedure, document and feedback figures come from their apps' selectors. Nothing
here writes.

The selectors the report pages and the API call are decorated with ``reading_from_replica``: with a read
replica configured they read it (a report may lag the primary by the replica's delay), otherwise nothing
changes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from django.db import connection
from django.db.models import BooleanField, Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL

from motcua.agencies.models import Agency
from motcua.agencies.selectors import agency_subtree_ids
from motcua.catalog.models import Field, OnlineMode, Procedure, ProcedureAssignment, PublicationState
from motcua.core import clock
from motcua.core.dbrouter import reading_from_replica
from motcua.core.errors import DomainError
from motcua.core.periods import local_midnights, valid_on
from motcua.datastore.selectors import StoreFigures
from motcua.documents.selectors import DocumentFigures, document_figures
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.workflow import Status
from motcua.feedback.selectors import FeedbackFigures, feedback_figures
from motcua.reports import configuration, indices
from motcua.reports.aggregates import COUNTERS, RATINGS
from motcua.reports.models import DossierDayStat, DossierMonthStat, EvaluationMonth

ONLINE_CHANNELS = (Channel.ONLINE, Channel.NATIONAL_PORTAL)
OPEN_STATUSES = (
    Status.NEW,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.FEES_REQUESTED,
)
MAX_PERIOD_DAYS = 3660
SATISFIED_FROM = 4  # of the 1-5 rating: 4 and 5 are "satisfied" (hài lòng, rất hài lòng)


class InvalidPeriodError(DomainError):
    code = "invalid_period"


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date

    @classmethod
    def checked(cls, date_from: dt.date, date_to: dt.date) -> Period:
        if date_from > date_to:
            raise InvalidPeriodError(
                "Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.",
                fields={"date_from": ["after date_to"]},
            )
        if (date_to - date_from).days > MAX_PERIOD_DAYS:
            raise InvalidPeriodError("Khoảng thời gian tối đa là 10 năm.", fields={"date_to": ["too long"]})
        return cls(date_from, date_to)

    @classmethod
    def named(cls, kind: str, *, year: int, number: int = 1) -> Period:
        """A month (number 1-12), a quarter (1-4) or a year."""
        if kind == "month" and 1 <= number <= 12:
            start = dt.date(year, number, 1)
            end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return cls(start, end)
        if kind == "quarter" and 1 <= number <= 4:
            start = dt.date(year, 3 * number - 2, 1)
            return cls(start, cls.named("month", year=year, number=3 * number).date_to)
        if kind == "year":
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))
        raise InvalidPeriodError("Kỳ báo cáo không hợp lệ.", fields={"period": ["unknown"]})


def agency_scope(agency: Agency | None) -> list[int] | None:
    """The agency and the agencies under it (a district and its communes), one query; None for the whole
    province. A page computes it once (``Dashboard.scope``) and hands it on."""
    return None if agency is None else agency_subtree_ids(agency=agency)


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as local instants [start, end): timestamp ranges use the indexes, ``__date`` casts don't."""
    return local_midnights(period.date_from, period.date_to)


def measured_at(period: Period) -> dt.datetime:
    """Where open dossiers are measured: the period's end, or now while the period is not over."""
    return min(period_bounds(period)[1], clock.now())


def open_at(moment: dt.datetime) -> Q:
    """Dossiers being processed at ``moment``: received before it, not finished before it.

    On PostgreSQL the dossier's lifetime ``(received_at, finished_at]`` is a range with a GiST index
    (``dossier_lifetime_idx``), so "open at the end of March 2024" reads the few thousand dossiers open then
    instead of every dossier received before it; elsewhere the same condition is spelt with comparisons.
    """
    if connection.vendor == "postgresql":
        contains = RawSQL(
            "tstzrange(received_at, CASE WHEN finished_at < received_at THEN received_at"
            " ELSE finished_at END, '(]') @> %s::timestamptz",
            (moment,),
            output_field=BooleanField(),
        )
        return Q(received_at__isnull=False) & Q(contains)
    return Q(received_at__lt=moment) & (Q(finished_at__isnull=True) | Q(finished_at__gte=moment))


def open_at_end(scope: list[int] | None, period: Period) -> tuple[int, int]:
    """(not yet due, already past due) among dossiers still open at the period's end (DOMAIN.md §4.4); a
    period not over yet is measured now."""
    end = measured_at(period)
    qs = Dossier.objects.filter(open_at(end))
    if scope is not None:
        qs = qs.filter(processing_agency_id__in=scope)
    counts = qs.aggregate(open=Count("pk"), late=Count("pk", filter=Q(due_at__lt=end)))
    return counts["open"] - counts["late"], counts["late"]


StatRows = QuerySet[DossierDayStat] | QuerySet[DossierMonthStat]


def _stats(scope: list[int] | None, period: Period) -> list[StatRows]:
    """The aggregate rows that add up to the period: its whole months from the month rows, the days before
    the first and after the last whole month from the day rows (one or two querysets, never overlapping)."""
    start, end = period.date_from, period.date_to
    first_month = start if start.day == 1 else _next_month(start)
    after_months = _next_month(end) if (end + dt.timedelta(days=1)).day == 1 else end.replace(day=1)
    parts: list[StatRows] = []
    if first_month < after_months:
        parts.append(DossierMonthStat.objects.filter(month__gte=first_month, month__lt=after_months))
        edges = Q(day__gte=start, day__lt=first_month) | Q(day__gte=after_months, day__lte=end)
        if start < first_month or after_months <= end:
            parts.append(DossierDayStat.objects.filter(edges))
    else:
        parts.append(DossierDayStat.objects.filter(day__gte=start, day__lte=end))
    return parts if scope is None else [qs.filter(agency_id__in=scope) for qs in parts]


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_totals(scope: list[int] | None, period: Period) -> dict[str, int]:
    """Every counter of the aggregates summed over the scope and period (a query on the month rows, one on
    the edge days); plus the online receptions (``online``) and those of procedures fully / partially
    online (``full``, ``partial``)."""
    online = Q(channel__in=ONLINE_CHANNELS)
    sums = {
        "online": Sum("received", filter=online, default=0),
        "full": Sum("received", filter=online & Q(procedure__online_mode=OnlineMode.FULL), default=0),
        "partial": Sum("received", filter=online & Q(procedure__online_mode=OnlineMode.PARTIAL), default=0),
        **{counter: Sum(counter, default=0) for counter in COUNTERS},
    }
    totals = dict.fromkeys(sums, 0)
    for rows in _stats(scope, period):
        for name, value in rows.aggregate(**sums).items():
            totals[name] += value
    return totals


@dataclass(frozen=True)
class DossierFigures:
    received: int
    received_online: int
    received_full_online: int  # of procedures offered fully online (toàn trình)
    received_partial_online: int
    resolution: indices.ResolutionCounts
    open_now: int
    overdue_now: int
    rated: int
    satisfied: int  # rated SATISFIED_FROM or more
    average_rating: float | None
    fees_paid: int  # dossiers whose fees were paid in the period
    fees_paid_online: int  # of those, paid through the payment gateway

    @property
    def satisfaction_share(self) -> Fraction | None:
        return Fraction(self.satisfied, self.rated) if self.rated else None

    @property
    def online_share(self) -> Fraction | None:
        return Fraction(self.received_online, self.received) if self.received else None

    @property
    def paid_online_share(self) -> Fraction | None:
        return Fraction(self.fees_paid_online, self.fees_paid) if self.fees_paid else None


@reading_from_replica()
def dossier_figures(
    scope: list[int] | None, period: Period, totals: dict[str, int] | None = None
) -> DossierFigures:
    """The dossier figures: counts and ratings from the aggregates (``totals`` if already summed), dossiers
    open now and at the period's end live from the dossiers (through their indexes)."""
    totals = period_totals(scope, period) if totals is None else totals
    now = clock.now()
    open_dossiers = Dossier.objects.filter(status__in=OPEN_STATUSES)
    if scope is not None:
        open_dossiers = open_dossiers.filter(processing_agency_id__in=scope)
    live = open_dossiers.aggregate(open_now=Count("pk"), overdue_now=Count("pk", filter=Q(due_at__lt=now)))
    ratings = {n: totals[f"rated_{n}"] for n in RATINGS}
    rated = sum(ratings.values())
    open_on_time, open_late = open_at_end(scope, period)
    return DossierFigures(
        received=totals["received"],
        received_online=totals["online"],
        received_full_online=totals["full"],
        received_partial_online=totals["partial"],
        resolution=indices.ResolutionCounts(
            early=totals["resolved_early"],
            on_time=totals["resolved_on_time"],
            late=totals["resolved_late"],
            open_on_time=open_on_time,
            open_late=open_late,
        ),
        open_now=live["open_now"],
        overdue_now=live["overdue_now"],
        rated=rated,
        satisfied=sum(count for n, count in ratings.items() if n >= SATISFIED_FROM),
        average_rating=sum(n * count for n, count in ratings.items()) / rated if rated else None,
        fees_paid=totals["fees_paid"],
        fees_paid_online=totals["fees_paid_online"],
    )


def store_figures(totals: dict[str, int]) -> StoreFigures:
    """The store's shares of the period's receptions, from the aggregates' counters (``period_totals``)."""
    return StoreFigures(
        received=totals["received"],
        with_digitised=totals["received_digitised"],
        with_electronic_result=totals["received_with_result"],
        reusing=totals["received_reusing"],
    )


@dataclass(frozen=True)
class ProcedureFigures:
    total: int  # published
    assigned: int  # published or not, implemented by the scope's agencies
    full_online: int
    partial_online: int
    level_4: int
    level_3: int

    def share(self, count: int) -> Fraction | None:
        return Fraction(count, self.total) if self.total else None


def procedure_figures(scope: list[int] | None, on: dt.date) -> ProcedureFigures:
    """Published procedures (those the scope's agencies implement on ``on``) by online mode and old level."""
    qs = Procedure.objects.all()
    if scope is not None:
        assigned = ProcedureAssignment.objects.filter(valid_on(on), agency_id__in=scope)
        qs = qs.filter(pk__in=assigned.values("procedure_id"))
    published = Q(state=PublicationState.PUBLISHED)
    counts = qs.aggregate(
        assigned=Count("pk"),
        total=Count("pk", filter=published),
        full=Count("pk", filter=published & Q(online_mode=OnlineMode.FULL)),
        partial=Count("pk", filter=published & Q(online_mode=OnlineMode.PARTIAL)),
        level_4=Count("pk", filter=published & Q(legacy_level=4)),
        level_3=Count("pk", filter=published & Q(legacy_level=3)),
    )
    return ProcedureFigures(
        total=counts["total"],
        assigned=counts["assigned"],
        full_online=counts["full"],
        partial_online=counts["partial"],
        level_4=counts["level_4"],
        level_3=counts["level_3"],
    )


@dataclass(frozen=True)
class Dashboard:
    agency: Agency | None
    scope: list[int] | None  # ``agency_scope(agency)``, computed once for the page
    period: Period
    procedures: ProcedureFigures
    dossiers: DossierFigures
    documents: DocumentFigures
    store: StoreFigures
    feedback: FeedbackFigures


@reading_from_replica()
def dashboard(*, agency: Agency | None, period: Period) -> Dashboard:
    scope = agency_scope(agency)
    agency_ids = scope if scope is not None else list(Agency.objects.values_list("pk", flat=True))
    totals = period_totals(scope, period)
    return Dashboard(
        agency=agency,
        scope=scope,
        period=period,
        procedures=procedure_figures(scope, period.date_to),
        dossiers=dossier_figures(scope, period, totals),
        documents=document_figures(agency_ids=agency_ids, date_from=period.date_from, date_to=period.date_to),
        store=store_figures(totals),
        feedback=feedback_figures(agency_ids=scope, date_from=period.date_from, date_to=period.date_to),
    )


class Level(StrEnum):
    """The drill-down's levels: the province by agency, an agency by field, a field by procedure."""

    AGENCY = "agency"
    FIELD = "field"
    PROCEDURE = "procedure"


_GROUPING: dict[Level, tuple[str, type[Agency | Field | Procedure]]] = {
    Level.AGENCY: ("agency_id", Agency),
    Level.FIELD: ("procedure__field_id", Field),
    Level.PROCEDURE: ("procedure_id", Procedure),
}


@dataclass(frozen=True)
class BreakdownRow:
    key: int
    label: str
    received: int
    received_online: int
    early: int
    on_time: int
    late: int

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def resolved_in_time(self) -> int:
        return self.early + self.on_time

    @property
    def on_time_rate(self) -> Fraction | None:
        return Fraction(self.resolved_in_time, self.resolved) if self.resolved else None

    @property
    def online_share(self) -> Fraction | None:
        return Fraction(self.received_online, self.received) if self.received else None


@reading_from_replica()
def breakdown(
    scope: list[int] | None, period: Period, level: Level, *, field_id: int | None = None
) -> list[BreakdownRow]:
    """Grouped queries over the aggregates (month rows, edge days): a row per agency, field or procedure
    with any activity."""
    key, model = _GROUPING[level]
    grouped: dict[int | None, Counter[str]] = defaultdict(Counter)
    for stats in _stats(scope, period):
        if field_id is not None:
            stats = stats.filter(procedure__field_id=field_id)
        # Grouped by the key alone (a hash aggregate over the rows), the few labels fetched afterwards.
        rows = (
            stats.values(key)
            .annotate(
                received_all=Sum("received"),
                online=Sum("received", filter=Q(channel__in=ONLINE_CHANNELS)),
                early=Sum("resolved_early"),
                on_time=Sum("resolved_on_time"),
                late=Sum("resolved_late"),
            )
            .order_by()
        )
        for r in rows:
            grouped[r.pop(key)].update({name: value or 0 for name, value in r.items()})
    labels = dict(model.objects.filter(pk__in=set(grouped)).values_list("pk", "name"))
    result = [
        BreakdownRow(
            key=k or 0,  # procedures without a field group under 0
            label=labels.get(k, ""),
            received=r["received_all"],
            received_online=r["online"],
            early=r["early"],
            on_time=r["on_time"],
            late=r["late"],
        )
        for k, r in grouped.items()
    ]
    return sorted((r for r in result if r.received or r.resolved), key=lambda r: (r.label, r.key))


def by_agency(period: Period) -> list[BreakdownRow]:
    """The public page's table: every agency of the province."""
    return breakdown(None, period, Level.AGENCY)


class Measure(StrEnum):
    """The numbers of the dashboard a reader can open as the list of dossiers behind them."""

    RECEIVED = "received"
    RECEIVED_ONLINE = "received_online"
    RESOLVED = "resolved"
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    OPEN_ON_TIME = "open_on_time"
    OPEN_LATE = "open_late"


MEASURE_LABELS = {
    Measure.RECEIVED: "Hồ sơ tiếp nhận",
    Measure.RECEIVED_ONLINE: "Hồ sơ tiếp nhận trực tuyến",
    Measure.RESOLVED: "Hồ sơ đã giải quyết",
    Measure.EARLY: "Hồ sơ giải quyết trước hạn",
    Measure.ON_TIME: "Hồ sơ giải quyết đúng hạn",
    Measure.LATE: "Hồ sơ giải quyết quá hạn",
    Measure.OPEN_ON_TIME: "Hồ sơ đang giải quyết trong hạn (cuối kỳ)",
    Measure.OPEN_LATE: "Hồ sơ đang giải quyết quá hạn (cuối kỳ)",
}


def dossiers_behind(
    scope: list[int] | None,
    period: Period,
    measure: Measure,
    *,
    field_id: int | None = None,
    procedure_id: int | None = None,
) -> QuerySet[Dossier]:
    """The dossiers a dashboard number counts, newest first; the same rules as the aggregates.

    Received numbers count by receiving agency and reception time, resolved ones by processing agency and
    finish time, open ones by processing agency at the period's end. Ordered on an indexed column so a
    page of them is an index range scan.
    """
    start, end = period_bounds(period)
    agency = "receiving_agency_id" if measure in (Measure.RECEIVED, Measure.RECEIVED_ONLINE) else None
    qs = Dossier.objects.all()
    if agency:
        qs = qs.filter(received_at__gte=start, received_at__lt=end).order_by("-received_at", "-pk")
        if measure == Measure.RECEIVED_ONLINE:
            qs = qs.filter(channel__in=ONLINE_CHANNELS)
    elif measure in (Measure.OPEN_ON_TIME, Measure.OPEN_LATE):
        agency = "processing_agency_id"
        moment = measured_at(period)
        late = Q(due_at__lt=moment)
        qs = qs.filter(open_at(moment), late if measure == Measure.OPEN_LATE else ~late)
        # Found through the lifetime index (a few thousand dossiers open at the moment), then sorted. Nulls
        # first, as SQLite sorts them anyway: no btree index gives that order, so PostgreSQL cannot walk the
        # due_at index instead, hoping to meet 50 open dossiers early among all those ever past due.
        qs = qs.order_by(F("due_at").asc(nulls_first=True), "pk")
    else:
        agency = "processing_agency_id"
        outcomes = {
            Measure.RESOLVED: ["early", "on_time", "late"],
            Measure.EARLY: ["early"],
            Measure.ON_TIME: ["on_time"],
            Measure.LATE: ["late"],
        }[measure]
        qs = qs.filter(finished_at__gte=start, finished_at__lt=end, outcome__in=outcomes)
        qs = qs.order_by("-finished_at", "-pk")
    if scope is not None:
        qs = qs.filter(**{f"{agency}__in": scope})
    if field_id is not None:
        qs = qs.filter(procedure__field_id=field_id)
    if procedure_id is not None:
        qs = qs.filter(procedure_id=procedure_id)
    return qs.select_related("procedure", "processing_agency")


@dataclass(frozen=True)
class EvaluationRow:
    """One agency's (or officer's) Circular 01/2018 result over the whole months of a period."""

    key: int
    label: str
    averaged: indices.AveragedIndices
    points: Decimal
    grade: str


def _evaluation_months(period: Period) -> Q:
    return Q(month__gte=period.date_from.replace(day=1), month__lte=period.date_to)


@reading_from_replica()
def evaluation_by_agency(scope: list[int] | None, period: Period) -> list[EvaluationRow]:
    """Each agency's nine averaged indices, points and grade, from the monthly table (whole months)."""
    config = configuration.current()
    rows = EvaluationMonth.objects.filter(_evaluation_months(period), officer__isnull=True)
    if scope is not None:
        rows = rows.filter(agency_id__in=scope)
    grouped = (
        rows.values("agency_id", "agency__name")
        .annotate(n=Sum("dossiers"), **{name: Sum(name) for name in indices.INDEX_NAMES})
        .order_by("agency__name")
    )
    result = []
    for r in grouped:
        averaged = indices.averaged_from_sums({name: r[name] for name in indices.INDEX_NAMES}, r["n"])
        grade = indices.unit_rating(averaged.total, config.unit_rating)
        result.append(EvaluationRow(r["agency_id"], r["agency__name"], averaged, averaged.total, grade.label))
    return result


@reading_from_replica()
def evaluation_by_officer(scope: list[int], period: Period) -> list[EvaluationRow]:
    """Each officer's averaged indices and rating (on the scoring's officer indices) within ``scope``."""
    config = configuration.current()
    grouped = (
        EvaluationMonth.objects.filter(_evaluation_months(period), agency_id__in=scope, officer__isnull=False)
        .values("officer_id", "officer__first_name", "officer__last_name", "officer__username")
        .annotate(n=Sum("dossiers"), **{name: Sum(name) for name in indices.INDEX_NAMES})
        .order_by("officer__last_name", "officer__first_name", "officer_id")
    )
    result = []
    for r in grouped:
        averaged = indices.averaged_from_sums({name: r[name] for name in indices.INDEX_NAMES}, r["n"])
        points = indices.officer_points(averaged, config.scoring)
        grade = indices.officer_rating(points, config.officer_rating)
        name = f"{r['officer__last_name']} {r['officer__first_name']}".strip() or r["officer__username"]
        result.append(EvaluationRow(r["officer_id"], name, averaged, points, grade.label))
    return result


@reading_from_replica()
def evaluation_refreshed_at(period: Period) -> dt.datetime | None:
    return (
        EvaluationMonth.objects.filter(_evaluation_months(period))
        .order_by("refreshed_at")
        .values_list("refreshed_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class ServiceIndexReport:
    """The Decision 766 index of a scope and period with the shares it was computed from.

    ``missing`` names the inputs MotCua has no figure for yet (scored 0, shown as such on the page).
    """

    index: indices.ServiceIndex | None
    inputs: dict[str, Fraction | None]
    missing: tuple[str, ...]


def online_procedures_used(scope: list[int] | None, period: Period) -> int:
    """Online procedures (full or partial) that received at least one online dossier in the period."""
    used: set[int] = set()
    for rows in _stats(scope, period):
        used.update(
            rows.filter(
                channel__in=ONLINE_CHANNELS,
                received__gt=0,
                procedure__online_mode__in=[OnlineMode.FULL, OnlineMode.PARTIAL],
            )
            .values_list("procedure_id", flat=True)
            .distinct()
        )
    return len(used)


@reading_from_replica()
def service_index(board: Dashboard) -> ServiceIndexReport:
    """Decision 766's service index from the dashboard's live figures (DOMAIN.md §6, README "Reports")."""
    p, d, store, feedback = board.procedures, board.dossiers, board.store, board.feedback
    online_procedures = p.full_online + p.partial_online

    def share(count: int, total: int) -> Fraction | None:
        return Fraction(count, total) if total else None

    inputs: dict[str, Fraction | None] = {
        "procedures_published": share(p.total, p.assigned),
        "dossiers_synced": None,
        "progress_published": Fraction(1) if d.received else None,  # every received dossier is trackable
        "on_time_rate": d.resolution.on_time_rate,
        "procedures_offered_online": share(online_procedures, p.total),
        "online_services_used": share(online_procedures_used(board.scope, board.period), online_procedures),
        "dossiers_submitted_online": d.online_share,
        "paid_online": d.paid_online_share,
        "electronic_results": share(store.with_electronic_result, store.received),
        "digitised_inputs": share(store.with_digitised, store.received),
        "reused_data": share(store.reusing, store.received),
        "receipt_satisfaction": d.satisfaction_share,
        "feedback_on_time": feedback.on_time_share,
        "feedback_satisfaction": feedback.satisfaction_share,
    }
    for name, provider in SERVICE_INDEX_PROVIDERS.items():
        inputs[name] = provider(board)
    missing = tuple(name for name, value in inputs.items() if value is None)
    if d.received == 0 and d.resolution.resolved == 0:
        return ServiceIndexReport(index=None, inputs=inputs, missing=missing)
    values = {name: value if value is not None else Fraction(0) for name, value in inputs.items()}
    index = indices.service_index(indices.ServiceIndexInputs(**values), configuration.current().service_index)
    return ServiceIndexReport(index=index, inputs=inputs, missing=missing)


# Inputs other apps compute (the national portal sync share): each registers a function (the dashboard, with
# its scope, period and figures) -> share or None here from its AppConfig.ready().
SERVICE_INDEX_PROVIDERS: dict[str, Callable[[Dashboard], Fraction | None]] = {}
