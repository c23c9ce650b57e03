"""The dossier API: tracking without personal data, the queue and actions with tokens, documented errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.tokens import api_token_create
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(world: World) -> Dossier:
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())):
        return dossier_register_at_desk(
            procedure=world.procedure,
            agency=world.agency,
            officer=world.reception,
            applicant=Applicant(name="Hoàng Thị Bình", phone="0912000002", id_number="020195004321"),
        )


def _bearer(user: object) -> dict[str, str]:
    _, secret = api_token_create(user=user, name="test", actor=user)  # type: ignore[arg-type]
    return {"authorization": f"Bearer {secret}"}


def test_tracking_shows_the_timeline_and_no_personal_data(client: Client, received: Dossier) -> None:
    body = client.get(f"/api/v1/tracking/{received.code}").json()

    assert body["status"] == Status.RECEIVED
    assert body["status_label"] == "Được tiếp nhận"
    assert [e["status"] for e in body["timeline"]] == [Status.RECEIVED]
    text = str(body)
    assert "Hoàng Thị Bình" not in text
    assert "0912000002" not in text
    assert client.get("/api/v1/tracking/000.00.32.H37-260302-9999").status_code == 404


def test_the_queue_and_actions_through_the_api(client: Client, world: World, received: Dossier) -> None:
    headers = _bearer(world.reception)

    queue = client.get("/api/v1/dossiers", headers=headers).json()
    forwarded = client.post(
        f"/api/v1/dossiers/{received.code}/actions/forward",
        {},
        content_type="application/json",
        headers=headers,
    )
    again = client.post(
        f"/api/v1/dossiers/{received.code}/actions/forward",
        {},
        content_type="application/json",
        headers=headers,
    )

    assert [d["code"] for d in queue["results"]] == [received.code]
    assert "forward" in queue["results"][0]["allowed_actions"]
    assert forwarded.status_code == 200
    assert forwarded.json()["status"] == Status.PROCESSING
    assert forwarded.json()["current_step"] == "Thẩm định"
    assert again.status_code == 409
    assert again.json()["code"] == "action_not_allowed"


def test_another_agency_gets_404_and_anonymous_401(client: Client, world: World, received: Dossier) -> None:
    outsider = client.get(f"/api/v1/dossiers/{received.code}", headers=_bearer(world.outsider))
    anonymous = client.get(f"/api/v1/dossiers/{received.code}")
    refused = client.post(
        f"/api/v1/dossiers/{received.code}/actions/stop",
        {"note": "x"},
        content_type="application/json",
        headers=_bearer(world.specialist),
    )

    assert outsider.status_code == 404
    assert anonymous.status_code == 401
    assert refused.status_code == 403
    received.refresh_from_db()
    assert received.status == Status.RECEIVED


def test_a_citizen_applies_entirely_through_the_api(client: Client, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.tests.conftest import PDF

    headers = _bearer(world.citizen)
    created = client.post(
        "/api/v1/dossiers",
        {"procedure": world.procedure.code, "agency": world.agency.identifier, "applicant": {"name": "An"}},
        content_type="application/json",
        headers=headers,
    )
    draft_id = created.json()["id"]
    early = client.post(
        f"/api/v1/dossiers/{draft_id}/actions/submit", {}, content_type="application/json", headers=headers
    )
    upload = client.post(
        f"/api/v1/dossiers/{draft_id}/files",
        {"component": world.component.pk, "file": SimpleUploadedFile("to-khai.pdf", PDF)},
        headers=headers,
    )
    bad = client.post(
        f"/api/v1/dossiers/{draft_id}/files", {"file": SimpleUploadedFile("x.exe", b"MZ")}, headers=headers
    )
    submitted = client.post(
        f"/api/v1/dossiers/{draft_id}/actions/submit", {}, content_type="application/json", headers=headers
    )

    assert created.status_code == 201
    assert created.json()["status"] == Status.DRAFT
    assert early.status_code == 400
    assert "Còn thiếu thành phần hồ sơ" in early.json()["message"]
    assert upload.status_code == 201
    assert upload.json()["version"] == 1
    assert bad.status_code == 400
    assert submitted.json()["status"] == Status.NEW
    assert submitted.json()["code"].startswith("000.00.32.H37-")
    other = client.get(f"/api/v1/dossiers/{draft_id}", headers=_bearer(world.other_citizen))
    assert other.status_code == 404


def test_the_queue_costs_the_same_queries_for_3_or_12_dossiers(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    headers = _bearer(world.reception)

    def receive(n: int) -> None:
        with clock.frozen(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())):
            for _ in range(n):
                dossier_register_at_desk(
                    procedure=world.procedure,
                    agency=world.agency,
                    officer=world.reception,
                    applicant=Applicant("An"),
                )

    receive(3)
    client.get("/api/v1/dossiers", headers=headers)  # the token's first use is recorded once
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/dossiers", headers=headers)
    receive(9)
    with django_assert_max_num_queries(12) as many:
        body = client.get("/api/v1/dossiers", headers=headers).json()

    assert body["count"] == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_forms_print_through_the_api(client: Client, world: World, received: Dossier) -> None:
    headers = _bearer(world.reception)

    receipt = client.get(f"/api/v1/dossiers/{received.code}/forms/01", headers=headers)
    unknown = client.get(f"/api/v1/dossiers/{received.code}/forms/99", headers=headers)
    outsider = client.get(f"/api/v1/dossiers/{received.code}/forms/01", headers=_bearer(world.outsider))

    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert unknown.status_code == 400
    assert outsider.status_code == 404
