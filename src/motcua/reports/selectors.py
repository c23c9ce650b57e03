"""The dashboard's figures for one agency (or the whole province) and one period, read from aggregates.

Dossier counts come from ``DossierDayStat`` (a few rows per agency and day, never the dossier table); the
open and overdue counts are read live through the open-dossier partial index; procedure, document,
store and feedback figures come from their apps' selectors. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Avg, Count, Q, QuerySet, Sum

from motcua.agencies.models import Agency
from motcua.catalog.models import OnlineMode, Procedure, ProcedureAssignment, PublicationState
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.periods import valid_on
from motcua.datastore.selectors import StoreFigures, store_figures
from motcua.documents.selectors import DocumentFigures, document_figures
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.workflow import Status
from motcua.feedback.selectors import FeedbackFigures, feedback_figures
from motcua.reports import indices
from motcua.reports.models import DossierDayStat

ONLINE_CHANNELS = (Channel.ONLINE, Channel.NATIONAL_PORTAL)
OPEN_STATUSES = (
    Status.NEW,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.FEES_REQUESTED,
)
MAX_PERIOD_DAYS = 3660


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
    """The agency and its children (a district and its communes); None for the whole province."""
    if agency is None:
        return None
    ids = [agency.pk]
    frontier = [agency.pk]
    while frontier:
        frontier = list(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def _stats(scope: list[int] | None, period: Period) -> QuerySet[DossierDayStat]:
    qs = DossierDayStat.objects.filter(day__gte=period.date_from, day__lte=period.date_to)
    return qs if scope is None else qs.filter(agency_id__in=scope)


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
    average_rating: float | None

    @property
    def online_share(self) -> Fraction | None:
        return Fraction(self.received_online, self.received) if self.received else None


def dossier_figures(scope: list[int] | None, period: Period) -> DossierFigures:
    stats = _stats(scope, period)
    totals = stats.aggregate(
        all_received=Sum("received", default=0),
        online=Sum("received", filter=Q(channel__in=ONLINE_CHANNELS), default=0),
        full=Sum(
            "received",
            filter=Q(channel__in=ONLINE_CHANNELS, procedure__online_mode=OnlineMode.FULL),
            default=0,
        ),
        partial=Sum(
            "received",
            filter=Q(channel__in=ONLINE_CHANNELS, procedure__online_mode=OnlineMode.PARTIAL),
            default=0,
        ),
        early=Sum("resolved_early", default=0),
        on_time=Sum("resolved_on_time", default=0),
        late=Sum("resolved_late", default=0),
    )
    now = clock.now()
    open_dossiers = Dossier.objects.filter(status__in=OPEN_STATUSES)
    if scope is not None:
        open_dossiers = open_dossiers.filter(processing_agency_id__in=scope)
    live = open_dossiers.aggregate(open_now=Count("pk"), overdue_now=Count("pk", filter=Q(due_at__lt=now)))
    ratings = Dossier.objects.filter(
        rating__isnull=False, finished_at__date__gte=period.date_from, finished_at__date__lte=period.date_to
    )
    if scope is not None:
        ratings = ratings.filter(processing_agency_id__in=scope)
    rated = ratings.aggregate(rated=Count("pk"), average=Avg("rating"))
    return DossierFigures(
        received=totals["all_received"],
        received_online=totals["online"],
        received_full_online=totals["full"],
        received_partial_online=totals["partial"],
        resolution=indices.ResolutionCounts(
            early=totals["early"], on_time=totals["on_time"], late=totals["late"]
        ),
        open_now=live["open_now"],
        overdue_now=live["overdue_now"],
        rated=rated["rated"],
        average_rating=rated["average"],
    )


@dataclass(frozen=True)
class ProcedureFigures:
    total: int
    full_online: int
    partial_online: int
    level_4: int
    level_3: int

    def share(self, count: int) -> Fraction | None:
        return Fraction(count, self.total) if self.total else None


def procedure_figures(scope: list[int] | None, on: dt.date) -> ProcedureFigures:
    """Published procedures (those the scope's agencies implement on ``on``) by online mode and old level."""
    qs = Procedure.objects.filter(state=PublicationState.PUBLISHED)
    if scope is not None:
        assigned = ProcedureAssignment.objects.filter(valid_on(on), agency_id__in=scope)
        qs = qs.filter(pk__in=assigned.values("procedure_id"))
    counts = qs.aggregate(
        total=Count("pk"),
        full=Count("pk", filter=Q(online_mode=OnlineMode.FULL)),
        partial=Count("pk", filter=Q(online_mode=OnlineMode.PARTIAL)),
        level_4=Count("pk", filter=Q(legacy_level=4)),
        level_3=Count("pk", filter=Q(legacy_level=3)),
    )
    return ProcedureFigures(
        total=counts["total"],
        full_online=counts["full"],
        partial_online=counts["partial"],
        level_4=counts["level_4"],
        level_3=counts["level_3"],
    )


@dataclass(frozen=True)
class Dashboard:
    agency: Agency | None
    period: Period
    procedures: ProcedureFigures
    dossiers: DossierFigures
    documents: DocumentFigures
    store: StoreFigures
    feedback: FeedbackFigures


def dashboard(*, agency: Agency | None, period: Period) -> Dashboard:
    scope = agency_scope(agency)
    agency_ids = scope if scope is not None else list(Agency.objects.values_list("pk", flat=True))
    return Dashboard(
        agency=agency,
        period=period,
        procedures=procedure_figures(scope, period.date_to),
        dossiers=dossier_figures(scope, period),
        documents=document_figures(agency_ids=agency_ids, date_from=period.date_from, date_to=period.date_to),
        store=store_figures(agency_ids=agency_ids, date_from=period.date_from, date_to=period.date_to),
        feedback=feedback_figures(agency_ids=scope, date_from=period.date_from, date_to=period.date_to),
    )


@dataclass(frozen=True)
class AgencyRow:
    agency_id: int
    agency: str
    received: int
    received_online: int
    resolved: int
    resolved_in_time: int

    @property
    def on_time_rate(self) -> Fraction | None:
        return Fraction(self.resolved_in_time, self.resolved) if self.resolved else None

    @property
    def online_share(self) -> Fraction | None:
        return Fraction(self.received_online, self.received) if self.received else None


def by_agency(period: Period) -> list[AgencyRow]:
    """One grouped query over the aggregates: the public page's and the drill-down's table."""
    rows = (
        _stats(None, period)
        .values("agency_id", "agency__name")
        .annotate(
            all_received=Sum("received"),
            online=Sum("received", filter=Q(channel__in=ONLINE_CHANNELS)),
            early=Sum("resolved_early"),
            on_time=Sum("resolved_on_time"),
            late=Sum("resolved_late"),
        )
        .order_by("agency__name")
    )
    return [
        AgencyRow(
            agency_id=r["agency_id"],
            agency=r["agency__name"],
            received=r["all_received"] or 0,
            received_online=r["online"] or 0,
            resolved=(r["early"] or 0) + (r["on_time"] or 0) + (r["late"] or 0),
            resolved_in_time=(r["early"] or 0) + (r["on_time"] or 0),
        )
        for r in rows
        if (r["all_received"] or 0) + (r["early"] or 0) + (r["on_time"] or 0) + (r["late"] or 0)
    ]
