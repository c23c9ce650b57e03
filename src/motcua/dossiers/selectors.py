"""Reads of dossiers: the officials' queue by urgency, a citizen's list, public tracking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers.access import dossiers_visible_to, official_agency_ids
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.workflow import FINISHED, Action, Status, available_actions
from motcua.worktime.deadline import add_duration
from motcua.worktime.selectors import work_calendar

OPEN_STATUSES = [s.value for s in Status if s not in FINISHED and s != Status.DRAFT]


@dataclass(frozen=True)
class QueueFilters:
    """Everything the queue can be narrowed by; ``is_empty`` when nothing narrows it."""

    status: int | None = None
    procedure_code: str = ""
    channel: int | None = None
    applicant: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    due_before: dt.datetime | None = None
    mine_only: bool = False

    @property
    def is_empty(self) -> bool:
        return self == QueueFilters()


@dataclass(frozen=True)
class UrgencyLimits:
    now: dt.datetime
    one_day: dt.datetime
    three_days: dt.datetime


def urgency_limits(now: dt.datetime) -> UrgencyLimits:
    calendar = work_calendar()
    return UrgencyLimits(
        now=now,
        one_day=add_duration(calendar, now, 8, "working_hours"),
        three_days=add_duration(calendar, now, 24, "working_hours"),
    )


def _urgency(limits: UrgencyLimits) -> Case:
    """0 overdue, 1 due within a working day, 2 within three, 3 later, 4 no appointment."""
    return Case(
        When(due_at__isnull=True, then=Value(4)),
        When(due_at__lt=limits.now, then=Value(0)),
        When(due_at__lte=limits.one_day, then=Value(1)),
        When(due_at__lte=limits.three_days, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def _open_in(agencies: set[int]) -> QuerySet[Dossier]:
    """Open dossiers processed by these agencies: one index range (``dossier_open_queue_idx``), no OR.

    Reception and processing agencies are the same until a liên thông transfer; dossiers a desk still
    watches after handing them to another level are listed by ``watched_elsewhere``.
    """
    return Dossier.objects.filter(processing_agency_id__in=agencies, status__in=OPEN_STATUSES)


def official_queue(*, user: User, filters: QueueFilters, now: dt.datetime) -> QuerySet[Dossier]:
    """Open dossiers of the official's agencies, most urgent first, in one query with what a list shows.

    Urgency rises with the appointment, so ordering by ``due_at`` (empty last) is ordering by urgency, and
    the partial index hands the rows over already sorted; ``urgency`` is kept for the page's colours.
    """
    qs = _filtered(_open_in(official_agency_ids(user)), filters, user)
    return (
        qs.select_related("procedure", "current_task", "current_handler")
        .annotate(urgency=_urgency(urgency_limits(now)))
        .order_by(F("due_at").asc(nulls_last=True), "pk")
    )


def watched_elsewhere(*, user: User) -> QuerySet[Dossier]:
    """Dossiers received by the official's desk and transferred to another agency, still open or awaiting
    return: the receiving desk keeps watching them (Decree 61/2018 Art. 19, liên thông between levels).
    The flag keeps this on its own small partial index (``dossier_transferred_idx``)."""
    agencies = official_agency_ids(user)
    watched = [*OPEN_STATUSES, Status.PROCESSED.value]
    return (
        Dossier.objects.filter(receiving_agency_id__in=agencies, is_transferred=True, status__in=watched)
        .exclude(processing_agency_id__in=agencies)
        .select_related("procedure", "processing_agency")
        .order_by("due_at", "pk")
    )


def _filtered(qs: QuerySet[Dossier], f: QueueFilters, user: User) -> QuerySet[Dossier]:
    if f.status is not None:
        qs = qs.filter(status=f.status)
    if f.procedure_code:
        qs = qs.filter(procedure__code=f.procedure_code)
    if f.channel is not None:
        qs = qs.filter(channel=f.channel)
    if f.applicant:
        qs = qs.filter(Q(applicant_name__icontains=f.applicant) | Q(applicant_id_number=f.applicant))
    if f.received_from:
        qs = qs.filter(received_at__date__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_at__date__lte=f.received_to)
    if f.due_before:
        qs = qs.filter(due_at__lt=f.due_before)
    if f.mine_only:
        qs = qs.filter(current_handler=user)
    return qs


def queue_counters(*, user: User, now: dt.datetime) -> dict[str, int]:
    """Open dossiers overdue, due within 1 and 3 working days, later, and per status: one grouped query."""
    limits = urgency_limits(now)
    rows = (
        _open_in(official_agency_ids(user))
        .values("status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=limits.now)),
            within_1=Count("pk", filter=Q(due_at__gte=limits.now, due_at__lte=limits.one_day)),
            within_3=Count("pk", filter=Q(due_at__gt=limits.one_day, due_at__lte=limits.three_days)),
            later=Count("pk", filter=Q(due_at__gt=limits.three_days) | Q(due_at__isnull=True)),
        )
        .order_by()
    )
    counts = dict.fromkeys(("overdue", "within_1", "within_3", "later", "total"), 0)
    for row in rows:
        counts[f"status_{row['status']}"] = row["n"]
        counts["total"] += row["n"]
        for bucket in ("overdue", "within_1", "within_3", "later"):
            counts[bucket] += row[bucket]
    return counts


def citizen_dossiers(*, user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(owner=user).select_related("procedure").order_by("-created_at")


def dossier_for_page(*, user: User, code: str) -> Dossier | None:
    return (
        dossiers_visible_to(user)
        .filter(code=code)
        .select_related(
            "procedure", "procedure_version", "receiving_agency", "processing_agency", "current_task"
        )
        .prefetch_related("files", "tasks", "events__actor")
        .first()
    )


def public_timeline(*, dossier: Dossier) -> list[DossierEvent]:
    """The status changes a citizen sees (no officials' names, no notes)."""
    return list(dossier.events.exclude(from_status=F("to_status")).order_by("at", "pk"))


def register_rows(*, agency: Agency, start: dt.date, end: dt.date) -> QuerySet[Dossier]:
    """Dossiers an agency's desk received in [start, end], in reception order (Form 06/07)."""
    return (
        Dossier.objects.filter(
            receiving_agency=agency, received_at__date__gte=start, received_at__date__lte=end
        )
        .select_related("procedure")
        .order_by("received_at", "pk")
    )


def offered_actions(*, dossier: Dossier, roles: set[str]) -> list[Action]:
    """The actions to show: what the table allows these roles, less what the dossier's own state rules out
    (confirming a withdrawal nobody asked for, asking twice, a second apology)."""
    hidden: set[Action] = set()
    if dossier.withdrawal_requested_at is None:
        hidden.add(Action.CONFIRM_WITHDRAWAL)
    else:
        hidden.add(Action.REQUEST_WITHDRAWAL)
    if dossier.apologies:
        hidden.add(Action.APOLOGIZE)
    return [a for a in available_actions(Status(dossier.status), roles) if a not in hidden]
