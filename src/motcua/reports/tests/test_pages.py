"""The dashboard and the public statistics: figures from the aggregates, exports, who sees what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader
from tests.factories import make_user

from motcua.core import clock
from motcua.dossiers.services import ActionInput, Applicant, dossier_act, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action
from motcua.reports import selectors

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())
AN = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")


def _history(world: World) -> None:
    """Three dossiers received on Monday: one resolved early, one stopped late, one still open."""
    received = []
    with clock.frozen(MONDAY):
        for _ in range(3):
            received.append(
                dossier_register_at_desk(
                    procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=AN
                )
            )
    steps = (
        (world.reception, Action.FORWARD),
        (world.specialist, Action.COMPLETE_STEP),
        (world.head, Action.COMPLETE_STEP),
        (world.leader, Action.COMPLETE_STEP),
    )
    for hour, (actor, action) in enumerate(steps, start=1):
        with clock.frozen(MONDAY + dt.timedelta(hours=hour)):
            received[0] = dossier_act(dossier=received[0], actor=actor, action=action, data=ActionInput())
    with clock.frozen(MONDAY + dt.timedelta(days=10)):  # the 3-working-day appointment has passed
        dossier_act(
            dossier=received[1], actor=world.leader, action=Action.STOP, data=ActionInput(note="Dừng")
        )


def test_the_dashboard_counts_from_the_aggregates(world: World) -> None:
    _history(world)
    march = selectors.Period.named("month", year=2026, number=3)
    board = selectors.dashboard(agency=world.agency, period=march)
    resolution = board.dossiers.resolution
    assert (board.dossiers.received, resolution.early, resolution.on_time, resolution.late) == (3, 1, 0, 1)
    assert resolution.on_time_rate == 0.5
    with clock.frozen(MONDAY + dt.timedelta(days=10)):
        assert selectors.dossier_figures([world.agency.pk], march).overdue_now == 1
    assert selectors.Period.named("quarter", year=2026, number=1) == selectors.Period(
        dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    )
    with pytest.raises(selectors.InvalidPeriodError):
        selectors.Period.checked(dt.date(2026, 5, 1), dt.date(2026, 4, 1))


def test_dashboard_page_exports_and_the_public_page(client: Client, world: World) -> None:
    _history(world)
    client.force_login(world.leader)
    query = {"period": "month", "year": "2026", "number": "3"}
    page = client.get("/bao-cao/", query).content.decode()
    assert "50,0%" in page  # early or on time: 1 of 2 resolved
    xlsx = client.get("/bao-cao/", {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert ["Hồ sơ tiếp nhận", 3] in [list(r) for r in sheet.iter_rows(values_only=True)]
    pdf = client.get("/bao-cao/", {**query, "format": "pdf"})
    assert "Hồ sơ" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    inverted = client.get(
        "/bao-cao/", {"period": "range", "date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "ngày bắt đầu sau ngày kết thúc" in inverted.content.decode()
    client.force_login(make_user())
    assert client.get("/bao-cao/").status_code == 302  # citizens have no dashboard
    client.logout()
    with clock.frozen(MONDAY + dt.timedelta(days=10)):
        public = client.get("/thong-ke/").content.decode()
    assert world.agency.name in public
    assert "50,0%" in public
