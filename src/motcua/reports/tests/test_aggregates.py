"""The daily aggregates follow the dossiers through random histories, and equal a full recount."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActionInput, Applicant, dossier_act, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action
from motcua.reports.aggregates import stats_rebuild, stats_verify
from motcua.reports.models import DossierDayStat

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())
AN = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")

# A history step: (days after Monday, hour, what happens to a dossier).
STEPS = st.lists(
    st.tuples(st.integers(0, 20), st.integers(8, 16), st.sampled_from(["register", "process", "stop"])),
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
