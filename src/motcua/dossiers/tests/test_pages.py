"""The dossier pages: a citizen applies online, the desk works the dossier, anyone tracks it by code."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client

from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World, pdf
from motcua.dossiers.workflow import Status

pytestmark = pytest.mark.django_db


def _login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _apply_online(client: Client, world: World) -> Dossier:
    _login(client, world.citizen)
    response = client.post(
        f"/thu-tuc/{world.procedure.code}/nop-ho-so/",
        {"agency": world.agency.pk, "applicant_name": "Nguyễn Văn An", "applicant_phone": "0912000001"},
    )
    draft = Dossier.objects.get(owner=world.citizen)
    assert response["Location"] == f"/ho-so/nhap/{draft.pk}/"
    client.post(f"/ho-so/nhap/{draft.pk}/tai-len/", {"component": world.component.pk, "file": pdf()})
    client.post(f"/ho-so/nhap/{draft.pk}/nop/", {"declaration": "on"})
    draft.refresh_from_db()
    return draft


def test_a_citizen_applies_online_and_lands_on_the_tracking_page(client: Client, world: World) -> None:
    dossier = _apply_online(client, world)

    assert dossier.status == Status.NEW
    page = client.get(f"/tra-cuu/{dossier.code}/").content.decode()
    assert "Mới đăng ký" in page
    assert "Nguyễn Văn An" in page  # the owner sees the details
    assert str(dossier.code) in client.get("/ho-so/").content.decode()


def test_submitting_without_the_declaration_changes_nothing(client: Client, world: World) -> None:
    _login(client, world.citizen)
    client.post(
        f"/thu-tuc/{world.procedure.code}/nop-ho-so/", {"agency": world.agency.pk, "applicant_name": "An"}
    )
    draft = Dossier.objects.get(owner=world.citizen)

    response = client.post(f"/ho-so/nhap/{draft.pk}/nop/", {}, follow=True)

    assert "Hãy xác nhận lời cam đoan" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_wrong_file_type_is_refused_with_a_message(client: Client, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, world.citizen)
    client.post(
        f"/thu-tuc/{world.procedure.code}/nop-ho-so/", {"agency": world.agency.pk, "applicant_name": "An"}
    )
    draft = Dossier.objects.get(owner=world.citizen)
    bad = SimpleUploadedFile("x.pdf", b"GIF89a not a pdf")

    response = client.post(
        f"/ho-so/nhap/{draft.pk}/tai-len/", {"component": world.component.pk, "file": bad}, follow=True
    )

    assert "không đúng định dạng" in response.content.decode()
    assert not draft.files.exists()


def test_public_tracking_hides_personal_data_until_the_phone_is_given(world: World) -> None:
    dossier = _apply_online(Client(), world)
    anonymous = Client()

    hidden = anonymous.get(f"/tra-cuu/{dossier.code}/").content.decode()
    wrong = anonymous.post(f"/tra-cuu/{dossier.code}/", {"secret": "0000000000"}).content.decode()
    shown = anonymous.post(f"/tra-cuu/{dossier.code}/", {"secret": "0912000001"}).content.decode()

    assert "Mới đăng ký" in hidden
    assert "Nguyễn Văn An" not in hidden
    assert "không khớp" in wrong
    assert "Nguyễn Văn An" in shown
    assert anonymous.get("/tra-cuu/000.00.32.H37-260302-9999/").status_code == 404


def test_the_desk_accepts_forwards_and_prints_the_receipt(client: Client, world: World) -> None:
    dossier = _apply_online(Client(), world)
    _login(client, world.reception)

    queue = client.get("/mot-cua/").content.decode()
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/accept/", {"note": ""})
    client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/forward/", {"note": ""})
    receipt = client.get(f"/mot-cua/ho-so/{dossier.code}/giay-tiep-nhan.pdf")

    assert str(dossier.code) in queue
    assert "Tiếp nhận" in page
    assert "Từ chối" in page
    assert "Xác nhận rút hồ sơ" not in page  # nobody asked to withdraw it
    assert "Nộp hồ sơ · " in page  # the history speaks Vietnamese
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_an_official_of_another_agency_sees_nothing(client: Client, world: World) -> None:
    dossier = _apply_online(Client(), world)
    _login(client, world.outsider)

    assert str(dossier.code) not in client.get("/mot-cua/").content.decode()
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/").status_code == 404
    assert client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/accept/").status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW


def test_desk_registration_of_a_paper_dossier(client: Client, world: World) -> None:
    _login(client, world.reception)
    with clock.frozen(dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())):
        response = client.post(
            "/mot-cua/tiep-nhan/",
            {
                "procedure": world.procedure.code,
                "agency": world.agency.pk,
                "channel": "1",
                "applicant_name": "Hoàng Thị Bình",
                "applicant_birth_date": "1995-09-02",
            },
        )
    dossier = Dossier.objects.get()

    assert response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_birth_date == dt.date(1995, 9, 2)


def test_forms_02_and_control_sheet_and_the_register_print(client: Client, world: World) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    dossier = _apply_online(Client(), world)
    _login(client, world.reception)
    client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/request_supplement/", {"note": "Thiếu bản sao CCCD"})
    supplement = client.get(f"/mot-cua/ho-so/{dossier.code}/phieu/02.pdf")
    missing = client.get(f"/mot-cua/ho-so/{dossier.code}/phieu/03.pdf")
    today = clock.today().isoformat()
    book = client.get("/mot-cua/so-theo-doi/", {"from": today, "to": today, "format": "xlsx"})
    page = client.get("/mot-cua/so-theo-doi/").content.decode()

    assert supplement.content.startswith(b"%PDF")
    assert missing.status_code == 404  # never refused: no Form 03 to print
    assert "Sổ theo dõi hồ sơ" in page
    sheet = load_workbook(BytesIO(book.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][0] == "Mã hồ sơ"
    assert rows[3:] == []  # received dossiers only: this one was sent back for a supplement, never accepted


def test_the_desk_scans_a_paper_component_into_the_dossier(client: Client, world: World) -> None:
    dossier = _apply_online(Client(), world)
    _login(client, world.reception)
    client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/accept/")

    client.post(
        f"/mot-cua/ho-so/{dossier.code}/ban-quet/", {"component": world.component.pk, "file": pdf("scan.pdf")}
    )

    versions = list(dossier.files.filter(component=world.component).values_list("version", "uploaded_by"))
    assert versions == [(2, world.reception.pk), (1, world.citizen.pk)]
    citizen = _login(Client(), world.citizen)
    late = citizen.post(
        f"/ho-so/nhap/{dossier.pk}/tai-len/", {"component": world.component.pk, "file": pdf()}, follow=True
    )
    assert (
        "Không thể thêm tệp" in late.content.decode()
    )  # the citizen cannot change a dossier being processed


def test_the_desk_watches_what_it_transferred_and_the_queue_counts_match(
    client: Client, world: World
) -> None:
    from motcua.dossiers.selectors import QueueFilters, official_queue, queue_counters
    from motcua.dossiers.services import Applicant, dossier_register_at_desk

    first = _apply_online(Client(), world)
    second = dossier_register_at_desk(
        procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=Applicant("Bình")
    )
    _login(client, world.reception)
    client.post(f"/mot-cua/ho-so/{first.code}/thao-tac/accept/")
    client.post(f"/mot-cua/ho-so/{first.code}/thao-tac/forward/")
    first.refresh_from_db()
    first.processing_agency = world.other_agency  # as a liên thông transfer leaves it
    first.is_transferred = True
    first.save(update_fields=["processing_agency", "is_transferred"])

    page = client.get("/mot-cua/").content.decode()
    counters = queue_counters(user=world.reception, now=clock.now())
    queue = list(official_queue(user=world.reception, filters=QueueFilters(), now=clock.now()))

    assert [d.code for d in queue] == [second.code]
    assert counters["total"] == 1
    assert counters["status_2"] == 1
    assert "Chuyển cơ quan khác xử lý, Bộ phận Một cửa theo dõi" in page
    assert str(first.code) in page


def test_the_apology_and_stop_letters_print_with_their_reasons(client: Client, world: World) -> None:
    from pypdf import PdfReader

    from motcua.dossiers.tests.conftest import MONDAY

    with clock.frozen(MONDAY):
        dossier = _apply_online(Client(), world)
        _login(client, world.reception)
        client.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/accept/")
        leader = _login(Client(), world.leader)
        leader.post(
            f"/mot-cua/ho-so/{dossier.code}/thao-tac/apologize/",
            {"note": "Chờ xác minh nơi cư trú", "new_due_at": "2026-03-10T17:30"},
        )
        leader.post(f"/mot-cua/ho-so/{dossier.code}/thao-tac/stop/", {"note": "Người nộp không bổ sung"})
        apology = leader.get(f"/mot-cua/ho-so/{dossier.code}/phieu/04.pdf")
        stop = leader.get(f"/mot-cua/ho-so/{dossier.code}/phieu/dung.pdf")

    def text(response: object) -> str:
        return " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)  # type: ignore[attr-defined]

    assert "Chờ xác minh nơi cư trú" in text(apology)
    assert "10/03/2026" in text(apology)
    assert "Người nộp không bổ sung" in text(stop)
