"""Dossier changes to the national portal: queued with the change, delivered to the simulator in order;
the sync page, the re-send and the share synced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from django.db import transaction
from django.test import Client
from tests.factories import make_user

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    ActionInput,
    Applicant,
    dossier_act,
    dossier_attach_file,
    dossier_create_draft,
    dossier_register_at_desk,
)
from motcua.dossiers.tests.conftest import MONDAY, World, pdf
from motcua.dossiers.workflow import Action
from motcua.integrations.models import Delivery, DeliveryStatus, DeliveryStream, StreamState
from motcua.integrations.portal import wire
from motcua.integrations.selectors import portal_synced_share
from motcua.integrations.tests.conftest import TOKEN, Portal, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

APPLICANT = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")


def register(world: World, when: dt.datetime = MONDAY) -> Dossier:
    with clock.frozen(when):
        return dossier_register_at_desk(
            procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=APPLICANT
        )


def act(dossier: Dossier, actor: Any, action: Action, hours: float, **data: Any) -> Dossier:
    with clock.frozen(MONDAY + dt.timedelta(hours=hours)):
        return dossier_act(dossier=dossier, actor=actor, action=action, data=ActionInput(**data))


def lookup(portal: Portal, code: str) -> dict[str, Any]:
    response = httpx.get(
        f"{portal.url}/{wire.LOOKUP}", params={"MaHoSo": code}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    return response.json()["HoSo"]  # type: ignore[no-any-return]


def test_a_received_dossier_is_queued_with_its_reception_and_reaches_the_portal(
    world: World, portal: Portal
) -> None:
    dossier = register(world)

    [delivery] = Delivery.objects.all()
    assert (delivery.kind, delivery.seq, delivery.stream.key) == (wire.PUSH_DOSSIER, 1, dossier.code)
    record = delivery.payload["HoSo"]
    assert record["MaTTHC"] == world.procedure.code
    assert record["MaCoQuan"] == "000.00.32.H37"
    assert (record["TrangThai"], record["KenhThucHien"]) == (2, 1)
    assert record["NgayTiepNhan"] == "20260302090000"
    assert (record["ThoiGianGiaiQuyet"], record["DonViTinh"]) == (3.0, "Ngày làm việc")

    run_worker()

    on_portal = lookup(portal, dossier.code or "")
    assert on_portal["ChuHoSo"]["HoTen"] == "Nguyễn Văn An"
    assert on_portal["NgayHenTra"] == "20260305173000"
    assert [h["HanhDong"] for h in on_portal["QuaTrinhXuLy"]] == ["register"]
    assert DeliveryStream.objects.get().state == StreamState.SENT


def test_each_status_change_follows_in_order_and_internal_steps_do_not(world: World, portal: Portal) -> None:
    with clock.frozen(MONDAY):
        draft = dossier_create_draft(
            procedure=world.procedure, agency=world.agency, owner=world.citizen, applicant=APPLICANT
        )
        dossier_attach_file(dossier=draft, actor=world.citizen, upload=pdf(), component=world.component)
    assert not Delivery.objects.exists()  # a draft is nobody's business yet
    dossier = act(draft, world.citizen, Action.SUBMIT, 0)
    dossier = act(dossier, world.reception, Action.ACCEPT, 1)
    dossier = act(dossier, world.reception, Action.FORWARD, 1)
    dossier = act(dossier, world.specialist, Action.COMPLETE_STEP, 2)  # a hand-over: internal
    dossier = act(dossier, world.head, Action.COMPLETE_STEP, 3)
    dossier = act(dossier, world.leader, Action.COMPLETE_STEP, 4)  # the last step: processed

    run_worker()

    kinds = list(Delivery.objects.order_by("seq").values_list("seq", "kind"))
    assert kinds == [
        (1, wire.PUSH_DOSSIER),
        (2, wire.PUSH_PROGRESS),
        (3, wire.PUSH_PROGRESS),
        (4, wire.PUSH_PROGRESS),
    ]
    on_portal = lookup(portal, dossier.code or "")
    assert [(h["TuTrangThai"], h["DenTrangThai"]) for h in on_portal["QuaTrinhXuLy"]] == [
        (0, 1),
        (1, 2),
        (2, 4),
        (4, 9),
    ]
    assert on_portal["TrangThai"] == 9
    assert on_portal["NgayKetThucXuLy"] == "20260302130000"
    assert [m["SoThuTu"] for m in portal.messages(dossier.code or "")] == [1, 2, 3, 4]
    assert portal.state()["errors"] == []


def test_a_refused_action_queues_nothing(world: World, portal: Portal) -> None:
    dossier = register(world)

    with pytest.raises(DomainError):
        act(dossier, world.reception, Action.RETURN_RESULT, 1)  # not processed yet

    assert Delivery.objects.count() == 1


def test_a_rolled_back_change_leaves_no_message(world: World, portal: Portal) -> None:
    class LaterStepFailedError(Exception):
        pass

    def change() -> None:
        with transaction.atomic():
            register(world)
            raise LaterStepFailedError

    with pytest.raises(LaterStepFailedError):
        change()

    assert not Dossier.objects.exists()
    assert not Delivery.objects.exists()


def test_a_failing_portal_shows_on_the_sync_page_and_the_resend_is_audited(
    world: World, portal: Portal, client: Client, settings: Any
) -> None:
    settings.MOTCUA_INTEGRATIONS_RETRY = "first=30,longest=30,attempts=1"
    dossier = register(world)
    portal.control(malformed=1)
    with clock.frozen(MONDAY):
        run_worker("--max-tasks", "1")
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEAD
    assert "malformed answer" in delivery.last_error
    client.force_login(world.reception)

    page = client.get("/dong-bo/?state=failed").content.decode()
    assert str(dossier.code) in page
    assert "malformed answer" in page
    assert TOKEN not in page

    response = client.post(f"/dong-bo/ho-so/{dossier.code}/gui-lai/")
    assert response.status_code == 302
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert lookup(portal, dossier.code or "")["TrangThai"] == 2
    assert AuditEvent.objects.filter(action="integrations.replay", actor=world.reception).count() == 1
    assert "0/1" not in client.get("/dong-bo/").content.decode()


def test_resending_a_synced_dossier_pushes_its_whole_record_again(
    world: World, portal: Portal, client: Client
) -> None:
    dossier = register(world)
    run_worker()
    client.force_login(world.reception)

    client.post(f"/dong-bo/ho-so/{dossier.code}/gui-lai/")
    run_worker()

    assert [(m["SoThuTu"], m["call"]) for m in portal.messages(dossier.code or "")] == [
        (1, wire.PUSH_DOSSIER),
        (2, wire.PUSH_DOSSIER),
    ]
    assert AuditEvent.objects.filter(action="integrations.portal_resend").count() == 1


def test_the_sync_page_shows_an_agency_its_own_dossiers_only(
    world: World, portal: Portal, client: Client
) -> None:
    dossier = register(world)
    administrator = make_user(is_superuser=True, is_staff=True)

    client.force_login(world.outsider)  # an official of the other commune
    assert str(dossier.code) not in client.get("/dong-bo/").content.decode()
    assert client.post(f"/dong-bo/ho-so/{dossier.code}/gui-lai/").status_code == 404
    client.force_login(world.citizen)
    assert client.get("/dong-bo/").status_code == 404
    client.force_login(administrator)
    assert str(dossier.code) in client.get("/dong-bo/").content.decode()
    assert client.get("/dong-bo/loi/").status_code == 200


def test_the_sync_page_reads_a_page_in_a_fixed_number_of_queries(
    world: World, portal: Portal, client: Client, django_assert_max_num_queries: Any
) -> None:
    for hour in range(6):
        register(world, MONDAY + dt.timedelta(hours=hour))
    client.force_login(world.reception)

    with django_assert_max_num_queries(12):
        response = client.get("/dong-bo/")

    assert response.content.decode().count("gui-lai/") == 6


def test_the_share_synced_counts_dossiers_received_in_the_period(world: World, portal: Portal) -> None:
    first = register(world)
    register(world, MONDAY + dt.timedelta(days=1))
    register(world, MONDAY + dt.timedelta(days=10))  # outside the period
    run_worker()
    with clock.frozen(MONDAY + dt.timedelta(days=1, hours=1)):
        second = Dossier.objects.exclude(pk=first.pk).order_by("pk")[0]
        act(second, world.reception, Action.FORWARD, 25)

    share = portal_synced_share([world.agency.pk], dt.date(2026, 3, 2), dt.date(2026, 3, 8))

    assert share == (1, 2)  # the second one's latest change is not delivered yet
    assert portal_synced_share([world.other_agency.pk], dt.date(2026, 3, 2), dt.date(2026, 3, 8)) == (0, 0)
    assert portal_synced_share(None, dt.date(2026, 3, 2), dt.date(2026, 3, 31)) == (2, 3)
