"""Drill-down: province → agency → field → procedure → the dossiers behind a number; open at period end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from tests.factories import make_user

from motcua.accounts.models import Role, RoleAssignment
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActionInput, Applicant, dossier_act, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action
from motcua.reports import selectors

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())
AN = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")
MARCH = selectors.Period.named("month", year=2026, number=3)


def _receive(world: World, at: dt.datetime) -> Dossier:
    with clock.frozen(at):
        return dossier_register_at_desk(
            procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=AN
        )


def _resolve(world: World, dossier: Dossier, at: dt.datetime) -> Dossier:
    steps = (
        (world.reception, Action.FORWARD),
        (world.specialist, Action.COMPLETE_STEP),
        (world.head, Action.COMPLETE_STEP),
        (world.leader, Action.COMPLETE_STEP),
    )
    for minutes, (actor, action) in enumerate(steps):
        with clock.frozen(at + dt.timedelta(minutes=minutes)):
            dossier = dossier_act(dossier=dossier, actor=actor, action=action, data=ActionInput())
    return dossier


def _history(world: World) -> dict[str, Dossier]:
    """March 2026: one resolved early; one received 27/3, open at 31/3, not yet due (3 working days); one
    received 2/3, open and past due at the end of March, resolved late in April; one received in April."""
    early = _resolve(world, _receive(world, MONDAY), MONDAY + dt.timedelta(hours=1))
    not_due = _receive(world, dt.datetime(2026, 3, 27, 9, 0, tzinfo=clock.local_zone()))
    overdue = _receive(world, MONDAY + dt.timedelta(hours=2))
    overdue = _resolve(world, overdue, dt.datetime(2026, 4, 2, 9, 0, tzinfo=clock.local_zone()))
    april = _receive(world, dt.datetime(2026, 4, 1, 9, 0, tzinfo=clock.local_zone()))
    return {"early": early, "not_due": not_due, "overdue": overdue, "april": april}


def test_open_dossiers_are_measured_at_the_period_end(world: World) -> None:
    dossiers = _history(world)
    assert selectors.open_at_end([world.agency.pk], MARCH) == (1, 1)
    resolution = selectors.dossier_figures([world.agency.pk], MARCH).resolution
    assert (resolution.early, resolution.late, resolution.open_on_time, resolution.open_late) == (1, 0, 1, 1)
    behind = selectors.dossiers_behind([world.agency.pk], MARCH, selectors.Measure.OPEN_LATE)
    assert [d.pk for d in behind] == [dossiers["overdue"].pk]
    # April: the late one is resolved (late), the 27/3 one is still open and now past due.
    april = selectors.Period.named("month", year=2026, number=4)
    figures = selectors.dossier_figures([world.agency.pk], april).resolution
    assert (figures.late, figures.open_on_time, figures.open_late) == (1, 0, 2)
    # Another agency's scope sees none of it.
    assert selectors.open_at_end([world.other_agency.pk], MARCH) == (0, 0)
    # A period not over yet is measured now: on 30/3 the 27/3 dossier (3 working days) is not yet due.
    with clock.frozen(dt.datetime(2026, 3, 30, 9, 0, tzinfo=clock.local_zone())):
        assert selectors.open_at_end([world.agency.pk], MARCH) == (1, 1)
    with clock.frozen(dt.datetime(2026, 3, 27, 8, 0, tzinfo=clock.local_zone())):
        assert selectors.open_at_end([world.agency.pk], MARCH) == (0, 1)  # the 27/3 one not received yet


def test_a_finish_recorded_before_the_reception_is_never_open(world: World) -> None:
    dossier = _receive(world, MONDAY)
    Dossier.objects.filter(pk=dossier.pk).update(finished_at=MONDAY - dt.timedelta(days=1))
    assert selectors.open_at_end([world.agency.pk], MARCH) == (0, 0)


def test_breakdown_by_agency_field_and_procedure(world: World) -> None:
    _history(world)
    by_agency = selectors.breakdown(None, MARCH, selectors.Level.AGENCY)
    assert [(r.label, r.received, r.early, r.late) for r in by_agency] == [(world.agency.name, 3, 1, 0)]
    by_field = selectors.breakdown([world.agency.pk], MARCH, selectors.Level.FIELD)
    field = world.procedure.field
    assert [(r.key, r.received) for r in by_field] == [(field.pk if field else 0, 3)]
    by_procedure = selectors.breakdown(
        [world.agency.pk], MARCH, selectors.Level.PROCEDURE, field_id=field.pk if field else None
    )
    assert [(r.key, r.label, r.received, r.resolved) for r in by_procedure] == [
        (world.procedure.pk, world.procedure.name, 3, 1)
    ]


def test_each_number_opens_the_dossiers_it_counts(world: World) -> None:
    dossiers = _history(world)
    scope = [world.agency.pk]
    expected = {
        selectors.Measure.RECEIVED: {"early", "not_due", "overdue"},
        selectors.Measure.RECEIVED_ONLINE: set(),
        selectors.Measure.RESOLVED: {"early"},
        selectors.Measure.EARLY: {"early"},
        selectors.Measure.ON_TIME: set(),
        selectors.Measure.LATE: set(),
        selectors.Measure.OPEN_ON_TIME: {"not_due"},
        selectors.Measure.OPEN_LATE: {"overdue"},
    }
    names = {d.pk: name for name, d in dossiers.items()}
    for measure, wanted in expected.items():
        found = {names[d.pk] for d in selectors.dossiers_behind(scope, MARCH, measure)}
        assert found == wanted, measure
    board = selectors.dossier_figures(scope, MARCH)
    assert board.received == len(expected[selectors.Measure.RECEIVED])


def test_the_drill_down_pages_and_who_sees_the_list(client: Client, world: World) -> None:
    dossiers = _history(world)
    query = {"period": "month", "year": "2026", "number": "3"}
    client.force_login(world.leader)
    page = client.get("/bao-cao/", query).content.decode()
    # The chart's geometry is SVG numbers, never localised ("66,67" would draw nothing in Vietnamese).
    widths = re.findall(r'<rect x="([^"]*)" y="0" width="([^"]*)"', page)
    assert widths
    assert all(re.fullmatch(r"\d+(\.\d+)?", value) for pair in widths for value in pair)
    assert "measure=open_late" in page
    assert f"agency={world.agency.pk}" in page
    listing = client.get("/bao-cao/ho-so/", {**query, "measure": "open_late"}).content.decode()
    assert str(dossiers["overdue"].code) in listing
    assert str(dossiers["early"].code) not in listing
    by_procedure = client.get(
        "/bao-cao/ho-so/", {**query, "measure": "received", "procedure": str(world.procedure.pk)}
    ).content.decode()
    assert all(str(dossiers[n].code) in by_procedure for n in ("early", "not_due", "overdue"))
    bad = client.get("/bao-cao/ho-so/", {**query, "measure": "everything"})
    assert bad.status_code == 302
    # An official of the other commune asking for this commune gets their own agency's (empty) list.
    stranger = make_user()
    RoleAssignment.objects.create(user=stranger, agency=world.other_agency, role=Role.AGENCY_LEADER)
    client.force_login(stranger)
    foreign = client.get(
        "/bao-cao/ho-so/", {**query, "measure": "received", "agency": str(world.agency.pk)}
    ).content.decode()
    assert str(dossiers["early"].code) not in foreign
    client.force_login(make_user())
    assert client.get("/bao-cao/ho-so/", {**query, "measure": "received"}).status_code == 302
