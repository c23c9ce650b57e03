"""Dossiers submitted on the national portal, taken into the reception queue: against the simulator over
real HTTP on loopback, with the real services, selectors and worker."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
from dataclasses import replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from tests.factories import make_agency, make_procedure

from motcua.accounts.models import User
from motcua.catalog.models import Component
from motcua.core import clock
from motcua.dossiers.models import ApplicantKind, Channel, Dossier, DossierFile
from motcua.dossiers.selectors import QueueFilters, citizen_dossiers, official_queue
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.conftest import MONDAY, PDF, World
from motcua.dossiers.workflow import Action, Status
from motcua.integrations.models import Delivery
from motcua.integrations.portal import wire
from motcua.integrations.portal.client import PortalClient, PortalError
from motcua.integrations.portal.receive import ReceiveReport, portal_receive
from motcua.integrations.simulators.portal import SAMPLE_PDF
from motcua.integrations.tests.conftest import TOKEN, Portal, run_worker

#: Each dossier is taken in a durable transaction of its own: the tests run outside one.
with_db = pytest.mark.django_db(transaction=True)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SUBMITTED = dt.datetime(2026, 3, 1, 20, 30, tzinfo=ZONE)  # a Sunday evening, on the portal
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def incoming(world: World | None = None, **changes: Any) -> wire.IncomingDossier:
    values: dict[str, Any] = {
        "portal_code": "G22.99-260301-000017",
        "procedure_code": world.procedure.code if world else "1.001193",
        "agency_code": world.agency.identifier if world else "000.00.32.H37",
        "applicant": wire.IncomingApplicant(
            name="Trần Thị Cúc",
            kind="person",
            id_number="020190004321",
            birth_date=dt.date(1990, 5, 17),
            phone="0912345678",
            email="cuc@example.vn",
            address="Số 5 Lê Lợi, phường Đông Kinh",
        ),
        "submitted_at": SUBMITTED,
        "files": (wire.IncomingFile("Tờ khai", "to-khai.pdf", content=PDF),),
        "vneid_authenticated": True,
        "fee_amount": Decimal(0),
    }
    return wire.IncomingDossier(**{**values, **changes})


def submit(portal: Portal, record: dict[str, Any]) -> str:
    """A citizen submits on the portal (the simulator's own endpoint); returns the portal's code."""
    answer = httpx.post(f"{portal.url}/_sim/submit", json=record, timeout=5).json()
    assert answer["MaLoi"] == "0", answer
    return str(answer["MaHoSo"])


def on_portal(portal: Portal, code: str) -> dict[str, Any]:
    [row] = httpx.get(f"{portal.url}/_sim/submissions", params={"MaHoSo": code}, timeout=5).json()
    return row  # type: ignore[no-any-return]


def receive(**kwargs: Any) -> ReceiveReport:
    with clock.frozen(MONDAY):
        return portal_receive(**kwargs)


def reception_queue(user: User) -> list[Dossier]:
    with clock.frozen(MONDAY):
        return list(official_queue(user=user, filters=QueueFilters(status=Status.NEW), now=clock.now()))


# -- taken in ------------------------------------------------------------------------------------------------


@with_db
def test_a_dossier_submitted_on_the_portal_lands_in_the_agencys_reception_queue(
    world: World, portal: Portal
) -> None:
    given = [_inline(PDF, "Tờ khai", "to-khai.pdf"), _linked(PNG, "  giấy CHỨNG  sinh ")]
    code = submit(portal, wire.incoming_record(incoming(world)) | {"ThanhPhanHoSo": given})
    birth_certificate = Component.objects.create(
        version=world.component.version,
        name="- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng",
        copies=1,
        order=2,
    )

    report = receive()

    [dossier] = report.created
    assert (report.refused, report.errors) == ([], [])
    assert reception_queue(world.reception) == [dossier]
    assert reception_queue(world.outsider) == []  # another commune's desk does not see it
    dossier.refresh_from_db()
    assert dossier.portal_code == code
    assert (dossier.status, dossier.channel) == (Status.NEW, Channel.NATIONAL_PORTAL)
    assert dossier.code is not None
    assert dossier.code.startswith("000.00.32.H37-260302-")
    assert dossier.receiving_agency == dossier.processing_agency == world.agency
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Trần Thị Cúc", "020190004321")
    assert (dossier.applicant_phone, dossier.applicant_email) == ("0912345678", "cuc@example.vn")
    assert dossier.applicant_birth_date == dt.date(1990, 5, 17)
    assert dossier.submitted_at == MONDAY
    files = {f.component_id: f for f in dossier.files.filter(kind=DossierFile.Kind.INPUT, is_current=True)}
    assert set(files) == {world.component.pk, birth_certificate.pk}
    assert files[world.component.pk].sha256 == hashlib.sha256(PDF).hexdigest()
    assert files[birth_certificate.pk].sha256 == hashlib.sha256(PNG).hexdigest()  # fetched by its link
    assert files[birth_certificate.pk].content_type == "image/png"
    owner = dossier.owner
    assert owner is not None
    assert (owner.id_number, owner.full_name, owner.kind) == ("020190004321", "Trần Thị Cúc", "citizen")
    assert not owner.has_usable_password()  # VNeID (same ID number) or a password reset opens it
    assert list(citizen_dossiers(user=owner)) == [dossier]
    confirmed = on_portal(portal, code)
    assert (confirmed["TrangThai"], confirmed["MaHoSoMC"]) == ("taken", dossier.code)
    assert portal.state()["submissions"] == {"waiting": 0, "taken": 1, "refused": 0}


def _inline(content: bytes, component: str, name: str) -> dict[str, Any]:
    return {"TenThanhPhan": component, "TenTep": name, "NoiDung": base64.b64encode(content).decode()}


def _linked(content: bytes, component: str) -> dict[str, Any]:
    return {**_inline(content, component, "tep.png"), "QuaDuongDan": True}


@with_db
def test_the_applicants_existing_account_is_used(world: World, portal: Portal) -> None:
    citizen = world.citizen  # ID number 020090001234
    applicant = replace(incoming(world).applicant, name="Nguyễn Văn An", id_number="020090001234")
    submit(portal, wire.incoming_record(incoming(world, applicant=applicant)))
    accounts = User.objects.count()

    [dossier] = receive().created

    assert dossier.owner == citizen
    assert User.objects.count() == accounts


@with_db
def test_an_organisations_dossier_belongs_to_the_person_who_submitted_it(
    world: World, portal: Portal
) -> None:
    company = wire.IncomingApplicant(
        name="Công ty TNHH Hữu Nghị", kind="organisation", id_number="4900123456"
    )
    entry = incoming(
        world, applicant=company, submitter_name="Lý Văn Đức", submitter_id_number="020085000111"
    )
    submit(portal, wire.incoming_record(entry))

    [dossier] = receive().created

    assert (dossier.applicant_kind, dossier.applicant_id_number) == (ApplicantKind.ORGANISATION, "4900123456")
    assert dossier.submitted_by_name == "Lý Văn Đức"
    assert dossier.owner is not None
    assert (dossier.owner.id_number, dossier.owner.full_name) == ("020085000111", "Lý Văn Đức")


@with_db
def test_the_sync_pushes_it_back_and_the_desk_receives_it_normally(world: World, portal: Portal) -> None:
    submit(portal, wire.incoming_record(incoming(world)))
    [dossier] = receive().created
    assert dossier.code is not None

    with clock.frozen(MONDAY + dt.timedelta(hours=1)):
        received = dossier_act(dossier=dossier, actor=world.reception, action=Action.ACCEPT)
    run_worker()

    assert received.status == Status.RECEIVED
    assert received.due_at is not None
    assert reception_queue(world.reception) == []
    record = _lookup(portal, dossier.code)
    assert record["KenhThucHien"] == 2  # online: the portal's own channel word for it
    assert record["ChuHoSo"]["SoGiayTo"] == "020190004321"
    assert [(h["TuTrangThai"], h["DenTrangThai"]) for h in record["QuaTrinhXuLy"]] == [(0, 1), (1, 2)]
    assert [m["SoThuTu"] for m in portal.messages(dossier.code)] == [1, 2]


def _lookup(portal: Portal, code: str) -> dict[str, Any]:
    response = httpx.get(
        f"{portal.url}/{wire.LOOKUP}", params={"MaHoSo": code}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    return response.json()["HoSo"]  # type: ignore[no-any-return]


@with_db
def test_a_second_run_creates_nothing(world: World, portal: Portal) -> None:
    submit(portal, wire.incoming_record(incoming(world)))
    receive()

    again = receive()

    assert (again.created, again.confirmed_again, again.refused, again.errors) == ([], [], [], [])
    assert Dossier.objects.count() == 1
    assert Delivery.objects.count() == 1  # the submission's DongBoHoSoMC, once


@with_db
def test_a_lost_confirmation_is_sent_again_and_nothing_is_created_twice(world: World, portal: Portal) -> None:
    code = submit(portal, wire.incoming_record(incoming(world)))
    portal.control(call=wire.CONFIRM_RECEPTION, fail=1, fail_status=503)

    first = receive()

    [dossier] = first.created
    assert len(first.errors) == 1
    assert "HE_THONG_BAN" in first.errors[0]
    assert on_portal(portal, code)["TrangThai"] == "waiting"  # listed again next time

    second = receive()

    assert second.created == []
    assert [d.pk for d in second.confirmed_again] == [dossier.pk]
    assert second.errors == []
    assert Dossier.objects.count() == 1
    assert (on_portal(portal, code)["TrangThai"], on_portal(portal, code)["MaHoSoMC"]) == (
        "taken",
        dossier.code,
    )


@with_db
def test_a_confirmation_applied_but_answered_too_late_is_not_repeated(world: World, portal: Portal) -> None:
    code = submit(portal, wire.incoming_record(incoming(world)))
    portal.control(call=wire.CONFIRM_RECEPTION, delay=1.0)
    slow_client = PortalClient(base_url=portal.url, token=TOKEN, timeout=0.5)

    first = receive(client=slow_client)

    assert len(first.created) == 1
    assert "no answer within 0.5 s" in first.errors[0]
    assert on_portal(portal, code)["TrangThai"] == "taken"  # the portal had applied it
    portal.control(call=wire.CONFIRM_RECEPTION, delay=0)
    assert receive() == ReceiveReport()
    assert Dossier.objects.count() == 1


@with_db
def test_two_runs_at_once_take_a_dossier_once(world: World, portal: Portal) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time: there is no race to lose")
    code = submit(portal, wire.incoming_record(incoming(world)))
    reports: list[ReceiveReport] = []

    def run() -> None:
        try:
            reports.append(portal_receive())
        finally:
            connections.close_all()

    with clock.frozen(MONDAY):
        runs = [threading.Thread(target=run) for _ in range(2)]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(30)

    assert len(reports) == 2
    assert [r.errors + r.refused for r in reports] == [[], []]
    assert sum(len(r.created) for r in reports) == 1
    [dossier] = Dossier.objects.all()
    assert on_portal(portal, code)["MaHoSoMC"] == dossier.code


def test_a_confirmation_repeated_with_its_request_key_is_a_duplicate_success(
    portal: Portal,
) -> None:
    code = submit(portal, wire.incoming_record(incoming()))
    client = PortalClient(base_url=portal.url, token=TOKEN, timeout=2)
    confirm: dict[str, Any] = {"portal_code": code, "at": MONDAY, "motcua_code": "000.00.32.H37-260302-0001"}

    assert not client.confirm_reception(request_key="k1", **confirm).duplicate
    assert client.confirm_reception(request_key="k1", **confirm).duplicate
    with pytest.raises(PortalError, match="HS_DA_XAC_NHAN"):
        client.confirm_reception(request_key="k2", portal_code=code, at=MONDAY, refusal="Sai cơ quan")
    with pytest.raises(PortalError, match="HS_KHONG_TON_TAI"):
        client.confirm_reception(request_key="k3", **{**confirm, "portal_code": "G22-KHONG-CO"})
    assert portal.state()["confirmation_duplicates"] == 1


# -- refused -------------------------------------------------------------------------------------------------


def _refused(world: World, portal: Portal, record: dict[str, Any], reason: str) -> None:
    code = submit(portal, record)
    accounts = User.objects.count()

    report = receive()

    assert report.created == []
    assert report.errors == []
    assert len(report.refused) == 1
    assert report.refused[0].startswith(f"{code}: ")
    assert reason in report.refused[0]
    assert not Dossier.objects.exists()
    assert not Delivery.objects.exists()
    assert User.objects.count() == accounts
    on = on_portal(portal, code)
    assert on["TrangThai"] == "refused"
    assert reason in on["LyDo"]
    assert receive() == ReceiveReport()  # refused once: no longer listed


@with_db
def test_an_unknown_procedure_is_refused(world: World, portal: Portal) -> None:
    _refused(world, portal, wire.incoming_record(incoming(world, procedure_code="9.999999")), "9.999999")


@with_db
def test_an_unknown_agency_is_refused(world: World, portal: Portal) -> None:
    record = wire.incoming_record(incoming(world, agency_code="000.00.99.H37"))
    _refused(world, portal, record, "000.00.99.H37")


@with_db
def test_an_agency_that_does_not_implement_the_procedure_is_refused(world: World, portal: Portal) -> None:
    elsewhere = make_agency(identifier="000.00.34.H37", name="UBND xã Mai Pha", kind="commune_committee")
    make_procedure(code="1.000999", agencies=[elsewhere])  # it implements others, not this one
    record = wire.incoming_record(incoming(world, agency_code=elsewhere.identifier))
    _refused(world, portal, record, "UBND xã Mai Pha không thực hiện thủ tục")


@with_db
def test_a_dissolved_agency_is_refused(world: World, portal: Portal) -> None:
    world.other_agency.valid_to = dt.date(2025, 6, 30)
    world.other_agency.save()
    record = wire.incoming_record(incoming(world, agency_code=world.other_agency.identifier))
    _refused(world, portal, record, "không còn hoạt động")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"NgayNopHoSo": "01/03/2026"}, "bad moment"),
        ({"ChuHoSo": {"HoTen": "Trần Thị Cúc", "LoaiDoiTuong": "CongDan", "SoGiayTo": "12345"}}, "SoGiayTo"),
        ({"ThanhPhanHoSo": [{"TenThanhPhan": "Tờ khai", "TenTep": "a.pdf", "NoiDung": "%%%"}]}, "not base64"),
        ({"ThanhPhanHoSo": [{"TenThanhPhan": "Tờ khai", "TenTep": "../a.pdf", "NoiDung": "JVBE"}]}, "TenTep"),
        ({"LePhi": {"TongTien": -5}}, "TongTien"),
        ({"MaTTHC": None}, "MaTTHC"),
    ],
)
@with_db
def test_a_malformed_dossier_is_refused(
    world: World, portal: Portal, change: dict[str, Any], reason: str
) -> None:
    _refused(world, portal, wire.incoming_record(incoming(world)) | change, reason)


@with_db
def test_a_missing_required_component_is_refused(world: World, portal: Portal) -> None:
    files = (wire.IncomingFile("Giấy tờ khác", "khac.pdf", content=PDF),)
    _refused(world, portal, wire.incoming_record(incoming(world, files=files)), "Còn thiếu thành phần hồ sơ")


@with_db
def test_a_file_matching_two_components_matches_none(world: World, portal: Portal) -> None:
    for name in ("Giấy tờ tùy thân của người yêu cầu", "Giấy tờ chứng minh nơi cư trú"):
        Component.objects.create(version=world.component.version, name=name, copies=1)
    files = (*incoming(world).files, wire.IncomingFile("giấy tờ", "giay-to.pdf", content=PDF))
    _refused(world, portal, wire.incoming_record(incoming(world, files=files)), "Còn thiếu thành phần hồ sơ")


@with_db
def test_a_file_of_an_unsupported_type_is_refused(world: World, portal: Portal) -> None:
    files = (wire.IncomingFile("Tờ khai", "to-khai.exe", content=b"MZ\x90\x00 not a document"),)
    _refused(world, portal, wire.incoming_record(incoming(world, files=files)), "không đúng định dạng")


@with_db
def test_a_file_linked_off_the_portal_is_refused_and_never_fetched(world: World, portal: Portal) -> None:
    files = (wire.IncomingFile("Tờ khai", "to-khai.pdf", url="http://127.0.0.1:9/tep.pdf"),)
    _refused(world, portal, wire.incoming_record(incoming(world, files=files)), "không nằm trên Cổng")


@with_db
def test_a_file_larger_than_the_upload_limit_is_refused(world: World, portal: Portal, settings: Any) -> None:
    settings.MOTCUA_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    record = wire.incoming_record(incoming(world)) | {"ThanhPhanHoSo": [_linked(big, "Tờ khai")]}
    _refused(world, portal, record, "lớn hơn 1 MB")


@with_db
def test_a_row_without_a_usable_portal_code_is_counted_and_left_alone(world: World, portal: Portal) -> None:
    submit(portal, wire.incoming_record(incoming(world)) | {"MaHoSo": 42})

    report = receive()

    assert report.refused == [
        "(no MaHoSo): Dữ liệu hồ sơ không đúng định dạng: HoSo.MaHoSo: expected a string"
    ]
    assert not Dossier.objects.exists()
    assert portal.state()["submissions"]["waiting"] == 1


# -- the portal failing --------------------------------------------------------------------------------------


@with_db
def test_a_busy_portal_is_an_error_and_the_dossier_waits_for_the_next_run(
    world: World, portal: Portal
) -> None:
    code = submit(portal, wire.incoming_record(incoming(world)))
    portal.control(call=wire.NEW_DOSSIERS, fail=1, fail_status=503)

    failed = receive()

    assert failed.failed
    assert failed.errors == [
        f"{wire.NEW_DOSSIERS} refused: MaLoi HE_THONG_BAN: Hệ thống đang bận (simulated)"
    ]
    assert not Dossier.objects.exists()
    [dossier] = receive().created
    assert dossier.portal_code == code


@with_db
def test_a_slow_portal_is_an_error(world: World, portal: Portal) -> None:
    submit(portal, wire.incoming_record(incoming(world)))
    portal.control(call=wire.NEW_DOSSIERS, delay=1.0)

    report = receive(client=PortalClient(base_url=portal.url, token=TOKEN, timeout=0.5))

    assert report.errors == [f"{wire.NEW_DOSSIERS}: no answer within 0.5 s"]
    assert not Dossier.objects.exists()


@with_db
def test_a_malformed_answer_is_an_error(world: World, portal: Portal) -> None:
    submit(portal, wire.incoming_record(incoming(world)))
    portal.control(call=wire.NEW_DOSSIERS, malformed=1)

    report = receive()

    [error] = report.errors
    assert error.startswith(f"{wire.NEW_DOSSIERS}: malformed answer: HTTP 200, body is not JSON: b'<html>")
    assert not Dossier.objects.exists()


@with_db
def test_a_file_the_portal_cannot_serve_now_is_an_error_not_a_refusal(world: World, portal: Portal) -> None:
    code = submit(
        portal, wire.incoming_record(incoming(world)) | {"ThanhPhanHoSo": [_linked(PDF, "Tờ khai")]}
    )
    portal.control(call=wire.FETCH_FILE, fail=1, fail_status=503)

    report = receive()

    assert report.refused == []
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"{code}: {wire.FETCH_FILE}: HTTP 503: MaLoi HE_THONG_BAN")
    assert not Dossier.objects.exists()
    assert len(receive().created) == 1


def test_a_wrong_token_is_an_error_that_never_shows_the_token(portal: Portal) -> None:
    report = receive(client=PortalClient(base_url=portal.url, token="secret-not-the-token-77", timeout=2))

    assert "XAC_THUC" in report.errors[0]
    assert "secret-not-the-token-77" not in " ".join(report.errors)


def test_an_unset_portal_is_an_error(settings: Any) -> None:
    settings.MOTCUA_NATIONAL_PORTAL_URL = ""

    assert portal_receive().errors == ["NATIONAL_PORTAL_URL is not set"]


@with_db
def test_pages_are_followed_in_order(world: World, portal: Portal) -> None:
    codes = [
        submit(portal, wire.incoming_record(incoming(world, portal_code=f"G22.99-260301-00010{n}")))
        for n in range(5)
    ]

    report = receive(page_size=2)

    assert [d.portal_code for d in report.created] == codes
    assert [d.code for d in report.created] == [f"000.00.32.H37-260302-000{n}" for n in range(1, 6)]


# -- the command and the demo form ---------------------------------------------------------------------------


@with_db
def test_the_command_prints_the_report_and_fails_when_the_portal_does(
    world: World, portal: Portal, capsys: pytest.CaptureFixture[str]
) -> None:
    code = submit(portal, wire.incoming_record(incoming(world)))
    with clock.frozen(MONDAY):
        call_command("portal_receive")
    out = capsys.readouterr().out
    assert f"{code} → 000.00.32.H37-260302-0001 (000.00.32.H37, {world.procedure.code}, Trần Thị Cúc)" in out
    assert "1 taken, 0 confirmed again, 0 refused, 0 errors" in out

    portal.control(call=wire.NEW_DOSSIERS, fail=1)
    with pytest.raises(CommandError, match="failed 1 time"):
        call_command("portal_receive")
    assert "HE_THONG_BAN" in capsys.readouterr().err


@with_db
def test_the_demo_form_submits_a_dossier_motcua_takes(world: World, portal: Portal) -> None:
    form = {
        "MaTTHC": world.procedure.code,
        "MaCoQuan": world.agency.identifier,
        "HoTen": "Phạm Văn Dũng",
        "SoGiayTo": "020070000999",
        "ThanhPhan": "Tờ khai",
    }
    page = httpx.post(f"{portal.url}/_sim/nop", data=form, timeout=5)
    assert page.status_code == 200
    assert "DVCQG-" in page.text

    [dossier] = receive().created

    assert dossier.applicant_name == "Phạm Văn Dũng"
    assert dossier.files.get().sha256 == hashlib.sha256(SAMPLE_PDF).hexdigest()
    assert "Đã tiếp nhận" in httpx.get(f"{portal.url}/", timeout=5).text


# -- the format ----------------------------------------------------------------------------------------------


def test_a_row_reads_back_as_written() -> None:
    entry = incoming(
        files=(
            wire.IncomingFile("Tờ khai", "to-khai.pdf", content=PDF),
            wire.IncomingFile("Giấy chứng sinh", "cs.png", url="http://portal.example/TaiTepHoSo?MaTep=1"),
        ),
        fee_amount=Decimal(8000),
        fees_paid=True,
        paid_online=True,
        submitter_name="Trần Văn Bảo",
        submitter_id_number="020088000222",
    )

    assert wire.parse_incoming(wire.incoming_record(entry)) == entry
    assert entry.account_id_number == "020088000222"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"MaHoSo": "bad code with spaces"}, "MaHoSo"),
        ({"ChuHoSo": None}, "ChuHoSo: expected an object"),
        ({"ChuHoSo": {"HoTen": "A", "LoaiDoiTuong": "Khac", "SoGiayTo": "020190004321"}}, "LoaiDoiTuong"),
        ({"ChuHoSo": {"HoTen": "B", "LoaiDoiTuong": "ToChuc", "SoGiayTo": "4900123456"}}, "NguoiNop"),
        (
            {
                "ChuHoSo": {
                    "HoTen": "C",
                    "LoaiDoiTuong": "CongDan",
                    "SoGiayTo": "020190004321",
                    "XacThucVNeID": 1,
                }
            },
            "XacThucVNeID",
        ),
        ({"ThanhPhanHoSo": "to-khai.pdf"}, "expected a list"),
        ({"ThanhPhanHoSo": [{"TenThanhPhan": "Tờ khai", "TenTep": "a.pdf"}]}, "exactly one of"),
        (
            {"ThanhPhanHoSo": [{"TenThanhPhan": "Tờ khai", "TenTep": "a.pdf", "DuongDan": "ftp://x/a"}]},
            "http",
        ),
        ({"NgayNopHoSo": ""}, "NgayNopHoSo: required"),
        ({"MaCoQuan": "x" * 21}, "longer than 20"),
    ],
)
def test_a_malformed_row_is_a_wire_error(change: dict[str, Any], message: str) -> None:
    with pytest.raises(wire.WireError, match=message):
        wire.parse_incoming(wire.incoming_record(incoming()) | change)


def test_a_malformed_page_is_a_wire_error_and_a_malformed_row_is_only_that_row() -> None:
    good = wire.incoming_record(incoming())
    page = wire.parse_new_dossiers(
        {
            "DanhSachHoSo": [good, {**good, "MaHoSo": "G22-2", "NgayNopHoSo": "x"}],
            "ConTroTiep": "7",
            "ConTiep": False,
        }
    )
    assert page.entries[0] == incoming()
    assert page.entries[1] == wire.MalformedEntry("G22-2", "bad moment 'x' (want yyyyMMddHHmmss)")
    with pytest.raises(wire.WireError, match="ConTiep"):
        wire.parse_new_dossiers({"DanhSachHoSo": [], "ConTroTiep": "7"})
    with pytest.raises(wire.WireError, match="DanhSachHoSo"):
        wire.parse_new_dossiers({"ConTroTiep": "", "ConTiep": False})
