"""Reads of feedback: the officials' queue by urgency, the public page (anonymised), figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Avg, Count, F, Q, QuerySet

from motcua.accounts.models import RoleAssignment, User
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.core.periods import day_range
from motcua.feedback import rules
from motcua.feedback.models import Feedback
from motcua.feedback.workflow import OPEN, Status


def queue(user: User, *, status: str = "", overdue_only: bool = False) -> QuerySet[Feedback]:
    """Open feedback of the user's agencies, the nearest deadline first (index ``feedback_queue_idx``)."""
    agencies = RoleAssignment.objects.active_on().filter(user=user).values("agency_id")
    qs = Feedback.objects.filter(agency_id__in=agencies)
    qs = qs.filter(status=status) if status else qs.filter(status__in=[*list(OPEN), Status.ANSWERED])
    if overdue_only:
        qs = qs.filter(next_due_at__lt=clock.now())
    return qs.select_related("agency", "handler").order_by(
        F("next_due_at").asc(nulls_last=True), "received_at"
    )


@dataclass(frozen=True)
class PublicAnswer:
    code: str
    agency: str
    title: str
    content: str
    answer: str
    received_on: dt.date
    answered_on: dt.date | None


def published(*, q: str = "", agency_id: int | None = None) -> QuerySet[Feedback]:
    qs = Feedback.objects.filter(status=Status.PUBLISHED).select_related("agency")
    for word in fold(q).split()[:8]:
        qs = qs.filter(search_folded__contains=word)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs.order_by("-published_at")


def public_view(feedback: Feedback) -> PublicAnswer:
    """What the public page shows: no name, phone, e-mail, address or ID numbers."""
    names = (feedback.sender_name, feedback.sender_address)
    return PublicAnswer(
        code=feedback.code,
        agency=feedback.agency.name,
        title=rules.anonymise(feedback.title, names=names),
        content=rules.anonymise(feedback.content, names=names),
        answer=rules.anonymise(feedback.answer, names=names),
        received_on=feedback.received_at.astimezone(clock.local_zone()).date(),
        answered_on=feedback.answered_at.astimezone(clock.local_zone()).date()
        if feedback.answered_at
        else None,
    )


@dataclass(frozen=True)
class FeedbackFigures:
    received: int
    answered: int
    answered_on_time: int
    overdue_open: int
    rated: int
    satisfied: int  # rated 4 or 5
    average_rating: float | None

    @property
    def on_time_share(self) -> Fraction | None:
        return Fraction(self.answered_on_time, self.answered) if self.answered else None

    @property
    def satisfaction_share(self) -> Fraction | None:
        return Fraction(self.satisfied, self.rated) if self.rated else None


def feedback_figures(
    *, agency_ids: list[int] | None, date_from: dt.date, date_to: dt.date
) -> FeedbackFigures:
    """Feedback received in the period (per agency, or all when ``agency_ids`` is None), one query."""
    qs = Feedback.objects.filter(day_range(date_from, date_to, "received_at"))
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    answered = Q(answered_at__isnull=False)
    counts = qs.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=answered),
        answered_on_time=Count("pk", filter=answered & Q(answered_at__lte=F("answer_due_at"))),
        overdue_open=Count("pk", filter=Q(status__in=list(OPEN), next_due_at__lt=clock.now())),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
        average_rating=Avg("rating"),
    )
    return FeedbackFigures(**counts)


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    received: int
    answered: int
    answered_on_time: int
    average_rating: float | None

    @property
    def on_time_share(self) -> Fraction | None:
        return Fraction(self.answered_on_time, self.answered) if self.answered else None


def figures_by_agency(*, date_from: dt.date, date_to: dt.date) -> list[AgencyRow]:
    """The public page's table: one grouped query over the period's feedback."""
    rows = (
        Feedback.objects.filter(day_range(date_from, date_to, "received_at"))
        .values("agency__name")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            answered_on_time=Count("pk", filter=Q(answered_at__lte=F("answer_due_at"))),
            average_rating=Avg("rating"),
        )
        .order_by("-received", "agency__name")
    )
    return [
        AgencyRow(
            agency=r["agency__name"],
            received=r["received"],
            answered=r["answered"],
            answered_on_time=r["answered_on_time"],
            average_rating=r["average_rating"],
        )
        for r in rows
    ]
