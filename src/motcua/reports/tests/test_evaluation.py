"""Circular 01/2018 evaluation scored from dossiers, Decision 766 index from live figures, the settings."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db.models import F
from django.test import Client, override_settings

from motcua.accounts.models import Role
from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierTask
from motcua.dossiers.services import ActionInput, Applicant, dossier_act, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action
from motcua.reports import configuration, evaluation, indices, selectors
from motcua.reports.models import EvaluationMonth

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())
AN = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")
MARCH = selectors.Period.named("month", year=2026, number=3)


def facts(**changes: object) -> indices.DossierFacts:
    base: dict[str, object] = {
        "outcome": indices.Outcome.EARLY,
        "late_steps": 0,
        "contacts": 0,
        "agencies_contacted": 1,
        "at_desk": True,
        "published": True,
        "rating": None,
        "feedback": None,
        "online_mode": "full",
    }
    return indices.DossierFacts(**{**base, **changes})  # type: ignore[arg-type]


# Worked by hand from the scoring rules (indices.EvaluationScoring's docstring): the nine points in order.
SCORING_TABLE: list[tuple[dict[str, Any], tuple[int, ...]]] = [
    ({}, (2, 2, 2, 2, 2, 2, 2, 2, 2)),  # a model dossier, unrated: 18
    ({"outcome": indices.Outcome.ON_TIME}, (1, 2, 2, 2, 2, 2, 2, 2, 2)),
    ({"outcome": indices.Outcome.LATE, "late_steps": 2}, (0, 0, 2, 2, 2, 2, 2, 2, 2)),
    ({"contacts": 1}, (2, 2, 2, 2, 2, 2, 2, 2, 2)),  # one supplement, asked once and fully: lawful
    ({"contacts": 2}, (2, 2, 1, 2, 2, 2, 2, 2, 2)),
    ({"contacts": 3, "agencies_contacted": 3}, (2, 2, 0, 0, 2, 2, 2, 2, 2)),
    ({"rating": 5}, (2, 2, 2, 2, 2, 2, 2, 2, 2)),
    ({"rating": 3}, (2, 2, 2, 2, 2, 2, 1, 2, 2)),
    ({"rating": 2, "feedback": False}, (2, 2, 2, 2, 2, 2, 0, 0, 2)),
    ({"feedback": True, "online_mode": "partial"}, (2, 2, 2, 2, 2, 2, 2, 2, 1)),
    ({"at_desk": False, "published": False, "online_mode": "none"}, (2, 2, 2, 2, 0, 0, 2, 2, 0)),
]


@pytest.mark.parametrize(("changes", "points"), SCORING_TABLE)
def test_score_dossier(changes: dict[str, object], points: tuple[int, ...]) -> None:
    scored = indices.score_dossier(facts(**changes))
    assert tuple(getattr(scored, name) for name in indices.INDEX_NAMES) == points


def test_scoring_settings_are_checked_and_change_the_score() -> None:
    strict = indices.EvaluationScoring(contacts_limits=(0, 1), unrated_points=1)
    scored = indices.score_dossier(facts(contacts=1), strict)
    assert (scored.contacts, scored.officer_conduct) == (1, 1)
    bad_settings: list[dict[str, Any]] = [
        {"contacts_limits": (2, 1)},
        {"unrated_points": 3},
        {"officer_indices": ("speed",)},
    ]
    for bad in bad_settings:
        with pytest.raises(indices.InvalidConfigError):
            indices.EvaluationScoring(**bad)


def test_averages_from_sums_match_the_per_dossier_averages() -> None:
    scored = [indices.score_dossier(facts(**changes)) for changes, _ in SCORING_TABLE]
    sums = {name: sum(getattr(s, name) for s in scored) for name in indices.INDEX_NAMES}
    assert indices.averaged_from_sums(sums, len(scored)) == indices.average_indices(scored)
    with pytest.raises(indices.InvalidIndexError):
        indices.averaged_from_sums(sums, 0)
    # 11 dossiers: index 1 sums 2*9 + 1 + 0 = 19 → 1.727… → 1.7.
    assert indices.average_indices(scored).total_time == Decimal("1.7")


def test_officer_points_use_the_officer_indices() -> None:
    averaged = indices.average_indices([indices.score_dossier(facts(rating=3, contacts=2))])
    # unit_time 2 + contacts 1 + conduct 1 = 4 points: "70% to under 100%".
    assert indices.officer_points(averaged) == Decimal("4.0")
    assert indices.officer_rating(Decimal("4.0")) is indices.OfficerGrade.MOSTLY_COMPLETE


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


@pytest.mark.django_db
def test_a_month_is_scored_from_the_dossiers_and_read_by_agency_and_officer(world: World) -> None:
    early = _resolve(world, _receive(world, MONDAY), MONDAY + dt.timedelta(hours=1))
    late = _resolve(world, _receive(world, MONDAY), MONDAY + dt.timedelta(days=10))
    Dossier.objects.filter(pk=early.pk).update(rating=5)
    Dossier.objects.filter(pk=late.pk).update(rating=2)
    # The specialist overran the step's allotment in the late dossier.
    DossierTask.objects.filter(dossier=late, role=Role.SPECIALIST).update(
        due_at=F("finished_at") - dt.timedelta(hours=1)
    )
    _receive(world, MONDAY)  # still open: not scored
    assert evaluation.refresh(dt.date(2026, 3, 17)) == 2  # the agency's row and the specialist's
    row = EvaluationMonth.objects.get(month=dt.date(2026, 3, 1), officer__isnull=True)
    assert row.dossiers == 2
    assert (row.total_time, row.officer_conduct) == (2 + 0, 2 + 0)
    (agency,) = selectors.evaluation_by_agency([world.agency.pk], MARCH)
    assert agency.averaged.total_time == Decimal("1.0")
    procedure_online = {"full": 2, "partial": 1}.get(world.procedure.online_mode, 0)
    # 1: (2+0)/2; 2: steps late only in the late dossier → (2+0)/2; 3-6: 2; 7: (2+0)/2; 8: 2; 9: mode.
    expected = Decimal("1.0") * 3 + Decimal("2.0") * 5 + Decimal(procedure_online)
    assert agency.points == expected
    (officer,) = selectors.evaluation_by_officer([world.agency.pk], MARCH)
    assert officer.key == world.specialist.pk
    # Refreshing again replaces the month's rows instead of adding to them.
    evaluation.refresh(dt.date(2026, 3, 1))
    assert EvaluationMonth.objects.filter(month=dt.date(2026, 3, 1)).count() == 2
    call_command("refresh_evaluation", "--month", "2026-03", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert selectors.evaluation_by_agency([world.agency.pk], MARCH)[0].points == expected
    assert selectors.evaluation_by_agency([world.other_agency.pk], MARCH) == []


@pytest.mark.django_db
def test_the_service_index_from_the_live_figures(world: World, client: Client) -> None:
    _resolve(world, _receive(world, MONDAY), MONDAY + dt.timedelta(hours=1))
    board = selectors.dashboard(agency=world.agency, period=MARCH)
    report = selectors.service_index(board)
    assert report.index is not None
    assert report.inputs["on_time_rate"] == 1
    assert report.index.progress == Decimal("20.00")  # 20 x the on-time rate
    assert report.inputs["dossiers_submitted_online"] == 0  # received at the desk
    assert "paid_online" in report.missing  # no fee was paid
    # The national portal sync queued the dossier; no worker ran, so it is not synced yet.
    assert report.inputs["dossiers_synced"] == 0
    assert report.index.total == sum(
        (report.index.publicity, report.index.progress, report.index.online),
        report.index.digitisation + report.index.satisfaction,
    )
    empty = selectors.service_index(selectors.dashboard(agency=world.other_agency, period=MARCH))
    assert empty.index is None
    client.force_login(world.leader)
    page = client.get("/bao-cao/", {"period": "month", "year": "2026", "number": "3"}).content.decode()
    assert "20.00" in page or "20,00" in page


def test_reports_config_file_overrides_and_refuses_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "reports.json"
    good.write_text(
        json.dumps(
            {
                "service_index": {
                    "weights": {"progress": 30, "satisfaction": 8},
                    "satisfaction": {
                        "receipt_satisfaction": 4,
                        "feedback_on_time": 2,
                        "feedback_satisfaction": 2,
                    },
                },
                "unit_rating": {"excellent_from": "16"},
                "scoring": {"contacts_limits": [0, 1]},
            }
        )
    )
    with override_settings(REPORTS_CONFIG=str(good)):
        config = configuration.current()
    assert config.service_index.weights.progress == Decimal(30)
    assert config.unit_rating.excellent_from == Decimal(16)
    assert config.scoring.contacts_limits == (0, 1)
    assert configuration.parse({}) == configuration.ReportsConfig()
    for bad in (
        {"service_index": {"weights": {"progress": 30}}},  # no longer adds up to 100
        {"unit_rating": {"excellent_from": "many"}},
        {"colour": "red"},
        {"scoring": {"unrated_points": "two"}},
    ):
        with pytest.raises(ImproperlyConfigured):
            configuration.parse(bad)
    missing = tmp_path / "nowhere.json"
    with override_settings(REPORTS_CONFIG=str(missing)), pytest.raises(ImproperlyConfigured):
        configuration.current()
