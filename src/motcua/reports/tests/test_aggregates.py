"""The daily aggregates follow the dossiers through random histories, and equal a full recount; the month
rows equal their days, and a period is read from whole months plus its edge days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActionInput, Applicant, dossier_act, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action
from motcua.reports import selectors
from motcua.reports.aggregates import COUNTERS, stats_rebuild, stats_verify
from motcua.reports.models import DossierDayStat, DossierMonthStat

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())
AN = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")

# A history step: (days after Monday, hour, what happens to a dossier).
STEPS = st.lists(
    st.tuples(st.integers(0, 70), st.integers(8, 16), st.sampled_from(["register", "process", "stop"])),
    min_size=1,
    max_size=8,
)


def _at(days: int, hour: int) -> dt.datetime:
    return (MONDAY + dt.timedelta(days=days)).replace(hour=hour)


def _process(world: World, dossier: Dossier, start: dt.datetime) -> Dossier:
    for offset, (actor, action) in enumerate(
        (
            (world.reception, Action.FORWARD),
            (world.specialist, Action.COMPLETE_STEP),
            (world.head, Action.COMPLETE_STEP),
            (world.leader, Action.COMPLETE_STEP),
        )
    ):
        with clock.frozen(start + dt.timedelta(hours=offset)):
            dossier = dossier_act(dossier=dossier, actor=actor, action=action, data=ActionInput())
    return dossier


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=STEPS)
def test_the_aggregates_equal_a_recount_after_any_history(
    world: World, steps: list[tuple[int, int, str]]
) -> None:
    DossierDayStat.objects.all().delete()
    DossierMonthStat.objects.all().delete()
    Dossier.objects.all().delete()
    for days, hour, what in steps:
        with clock.frozen(_at(days, hour)):
            dossier = dossier_register_at_desk(
                procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=AN
            )
        if what == "process":
            _process(world, dossier, _at(days, hour) + dt.timedelta(days=days % 5))
        elif what == "stop":
            with clock.frozen(_at(days, hour) + dt.timedelta(hours=1)):
                dossier_act(
                    dossier=dossier,
                    actor=world.leader,
                    action=Action.STOP,
                    data=ActionInput(note="Hồ sơ không đủ điều kiện giải quyết"),
                )
    check = stats_verify()
    assert check.ok, check.differences
    assert DossierDayStat.objects.filter(received__gt=0).exists()


def test_rebuild_restores_what_a_bulk_import_bypassed(world: World) -> None:
    with clock.frozen(MONDAY):
        dossier_register_at_desk(
            procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=AN
        )
    DossierDayStat.objects.all().delete()  # as after a COPY that bypasses the services
    assert not stats_verify().ok
    assert stats_rebuild() == 1
    assert stats_verify().ok
    row = DossierDayStat.objects.get()
    assert (row.day, row.received, row.channel) == (MONDAY.date(), 1, 1)


def test_a_period_reads_whole_months_and_its_edge_days_as_the_days_add_up(world: World) -> None:
    # Dossiers received (and some processed) from late February to early May.
    for days in (-3, 0, 4, 29, 30, 31, 44, 59, 60, 61, 63):
        with clock.frozen(_at(days, 9)):
            dossier = dossier_register_at_desk(
                procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=AN
            )
        if days % 2:
            _process(world, dossier, _at(days, 10))
    assert stats_verify().ok
    assert DossierMonthStat.objects.values("month").distinct().count() == 4  # February to May
    periods = [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),  # one whole month
        (dt.date(2026, 2, 27), dt.date(2026, 5, 4)),  # edge days on both sides of two months
        (dt.date(2026, 3, 5), dt.date(2026, 3, 20)),  # inside a month: days only
        (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),  # one edge day, then a month
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),  # the year
    ]
    for start, end in periods:
        period = selectors.Period(start, end)
        in_period = DossierDayStat.objects.filter(day__gte=start, day__lte=end)
        expected = in_period.aggregate(**{c: Sum(c, default=0) for c in COUNTERS})
        totals = selectors.period_totals([world.agency.pk], period)
        assert {c: totals[c] for c in COUNTERS} == expected, (start, end)
        rows = selectors.breakdown(None, period, selectors.Level.AGENCY)
        resolved = expected["resolved_early"] + expected["resolved_on_time"] + expected["resolved_late"]
        assert [(r.key, r.received, r.resolved) for r in rows] == [
            (world.agency.pk, expected["received"], resolved)
        ], (start, end)
