"""Circular 01/2018 evaluation, materialised per month: each resolved dossier scored from its record.

The nine indices of a dossier depend on facts that arrive after its finish (the applicant's rating,
feedback about it), so they are not counted at the finish like the daily aggregates: ``refresh(month)``
re-scores the month's resolved dossiers (``indices.score_dossier``) and replaces that month's rows, one
transaction. ``motcua refresh_evaluation`` runs it nightly for the current and previous month; reports
read only ``EvaluationMonth`` (a few rows per agency and month).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery

from motcua.accounts.models import Role
from motcua.catalog.models import PublicationState
from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierTask
from motcua.feedback.models import Feedback
from motcua.reports import indices
from motcua.reports.models import EvaluationMonth

RESOLVED = ("early", "on_time", "late")
Key = tuple[int, int | None]  # agency, officer (None: the agency's row)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = month_start(first)
    while month <= last:
        yield month
        month = next_month(month)


def dossier_facts(month: dt.date) -> Iterator[tuple[int, int | None, indices.DossierFacts]]:
    """(processing agency, officer, facts) of every dossier resolved in the month, streamed.

    The officer is whoever finished the dossier's last specialist step. One query with three correlated
    EXISTS/subqueries answered by the tasks' and feedback's foreign-key indexes.
    """
    zone = clock.local_zone()
    start = dt.datetime.combine(month, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(next_month(month), dt.time(), tzinfo=zone)
    now = clock.now()
    about = Feedback.objects.filter(dossier=OuterRef("pk"))
    late_feedback = about.filter(
        Q(answered_at__gt=F("answer_due_at")) | Q(answered_at__isnull=True, answer_due_at__lt=now)
    )
    officer = (
        DossierTask.objects.filter(dossier=OuterRef("pk"), role=Role.SPECIALIST, finished_by__isnull=False)
        .order_by("-order", "-pk")
        .values("finished_by")[:1]
    )
    rows = (
        Dossier.objects.filter(finished_at__gte=start, finished_at__lt=end, outcome__in=RESOLVED)
        .annotate(
            late_step=Exists(DossierTask.objects.filter(dossier=OuterRef("pk"), finished_at__gt=F("due_at"))),
            has_feedback=Exists(about),
            feedback_late=Exists(late_feedback),
            officer_id=Subquery(officer),
        )
        .values_list(
            "processing_agency_id",
            "officer_id",
            "outcome",
            "late_step",
            "supplement_rounds",
            "procedure__state",
            "procedure__online_mode",
            "rating",
            "has_feedback",
            "feedback_late",
        )
        .order_by()
    )
    for (
        agency,
        officer_id,
        outcome,
        late,
        rounds,
        state,
        mode,
        rating,
        has_feedback,
        late_fb,
    ) in rows.iterator(chunk_size=5000):
        yield (
            agency,
            officer_id,
            indices.DossierFacts(
                outcome=indices.Outcome(outcome),
                late_steps=1 if late else 0,
                contacts=rounds,
                agencies_contacted=1,  # a one-stop dossier: the desk deals with every other agency
                at_desk=True,  # received through the one-stop desk or its online portal
                published=state == PublicationState.PUBLISHED,
                rating=rating,
                feedback=None if not has_feedback else not late_fb,
                online_mode=mode,
            ),
        )


def refresh(month: dt.date, scoring: indices.EvaluationScoring = indices.DEFAULT_SCORING) -> int:
    """Re-score the month's resolved dossiers and replace its rows; returns how many rows were written."""
    month = month_start(month)
    sums: dict[Key, Counter[str]] = defaultdict(Counter)
    for agency, officer, facts in dossier_facts(month):
        scored = indices.score_dossier(facts, scoring)
        keys: list[Key] = [(agency, None)] if officer is None else [(agency, None), (agency, officer)]
        for key in keys:
            bucket = sums[key]
            bucket["dossiers"] += 1
            for name in indices.INDEX_NAMES:
                bucket[name] += getattr(scored, name)
    now = clock.now()
    rows = [
        EvaluationMonth(
            month=month,
            agency_id=agency,
            officer_id=officer,
            refreshed_at=now,
            dossiers=bucket["dossiers"],
            **{name: bucket[name] for name in indices.INDEX_NAMES},
        )
        for (agency, officer), bucket in sums.items()
    ]
    with transaction.atomic():
        EvaluationMonth.objects.filter(month=month).delete()
        EvaluationMonth.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def refresh_all() -> int:
    """Every month from the first resolved dossier to this one (after an import or a rebuild)."""
    first = Dossier.objects.filter(outcome__in=RESOLVED, finished_at__isnull=False).order_by("finished_at")
    earliest = first.values_list("finished_at", flat=True).first()
    if earliest is None:
        EvaluationMonth.objects.all().delete()
        return 0
    today = clock.today()
    return sum(refresh(m) for m in months_between(earliest.astimezone(clock.local_zone()).date(), today))
