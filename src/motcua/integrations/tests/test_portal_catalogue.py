"""Pulling the national portal's catalogue (LayDanhSachTTHC) into procedure versions, against the simulator
over real HTTP on loopback, on real procedures imported from the national database's export."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import socket
import threading
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from tests.factories import make_user

from motcua.catalog.importer import CatalogueImport
from motcua.catalog.models import (
    CatalogueSync,
    Field,
    OnlineMode,
    Procedure,
    ProcedureAssignment,
    ProcedureVersion,
)
from motcua.catalog.sources import read_procedure_details_jsonl
from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.dossiers.services import Applicant, dossier_register_at_desk
from motcua.dossiers.tests.conftest import MONDAY, World
from motcua.integrations.portal import wire
from motcua.integrations.portal.catalogue import catalogue_pull
from motcua.integrations.portal.client import PortalClient, PortalError
from motcua.integrations.simulators import base
from motcua.integrations.simulators import portal as portal_simulator
from motcua.integrations.tests.conftest import TOKEN, Portal

pytestmark = pytest.mark.django_db

IMPORTED = ("1.001193", "1.000656", "3.000333", "2.000815")
CHUNG_THUC = (
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; "
    "cơ quan, tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết "
    "với cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận"
)
LY_LICH = (
    "Cấp Phiếu Lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam, "
    "người Việt Nam đang cư trú ở nước ngoài"
)


def entry(code: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"MaTTHC": code, "TenTTHC": name, "NgayCapNhat": "20250701000000", **fields}


# The imported procedures as the portal lists them (their published values in the national database).
LISTED = {
    "1.001193": entry(
        "1.001193",
        "Thủ tục đăng ký khai sinh",
        LinhVuc="Hộ tịch",
        CapThucHien="Cấp xã",
        MucDoDVC="mot_phan",
        ThoiGianGiaiQuyet=1,
        DonViTinh="Ngày làm việc",
        LePhi=0,
        KetQua=[{"TenKetQua": "Giấy khai sinh", "MaKetQua": "KQ.G15.000031"}],
        QuyetDinhCongBo="163/QĐ-BTP",
    ),
    "1.000656": entry(
        "1.000656",
        "Thủ tục đăng ký khai tử",
        LinhVuc="Hộ tịch",
        CapThucHien="Cấp xã",
        MucDoDVC="mot_phan",
        ThoiGianGiaiQuyet=1,
        DonViTinh="Ngày làm việc",
        LePhi=0,
        KetQua=[{"TenKetQua": "Trích lục khai tử", "MaKetQua": "KQ.G15.000034"}],
        QuyetDinhCongBo="163/QĐ-BTP",
    ),
    "3.000333": entry(
        "3.000333",
        LY_LICH,
        LinhVuc="Lý lịch tư pháp",
        CapThucHien="Cấp tỉnh",
        MucDoDVC="mot_phan",
        ThoiGianGiaiQuyet=10,
        DonViTinh="Ngày",
        LePhi=0,
        KetQua=[
            {"TenKetQua": "Phiếu Lý lịch tư pháp số 2 (Cấp tỉnh)", "MaKetQua": "KQ.G01.000199"},
            {"TenKetQua": "Phiếu Lý lịch tư pháp số 1 (Cấp tỉnh)", "MaKetQua": "KQ.G01.000200"},
        ],
        QuyetDinhCongBo="1025/QĐ-BCA",
    ),
    "2.000815": entry(
        "2.000815",
        CHUNG_THUC,
        LinhVuc="Chứng thực",
        CapThucHien="Cấp xã, Cơ quan khác",
        LePhi=2000,
        KetQua=[{"TenKetQua": "Bản sao được chứng thực từ bản chính", "MaKetQua": "KQ.G15.000021"}],
        QuyetDinhCongBo="3152/QĐ-BTP",
    ),
}
KET_HON = entry(
    "1.000894",
    "Thủ tục đăng ký kết hôn",
    LinhVuc="Hộ tịch",
    CapThucHien="Cấp xã",
    MucDoDVC="toan_trinh",
    ThoiGianGiaiQuyet=1,
    DonViTinh="Ngày làm việc",
    LePhi=0,
    KetQua=[{"TenKetQua": "Giấy chứng nhận kết hôn", "MaKetQua": "KQ.G15.000032"}],
    QuyetDinhCongBo="163/QĐ-BTP",
)


@pytest.fixture(scope="module")
def real_details(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The national export's records of IMPORTED, as a small JSONL file."""
    source = shared_data / "tthc-dvcqg" / "tthc_details_6ministries.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        records = [line for line in lines if json.loads(line)["ma_thu_tuc"] in IMPORTED]
    path = tmp_path_factory.mktemp("catalogue") / "details.jsonl"
    path.write_text("".join(records), encoding="utf-8")
    return path


@pytest.fixture
def catalogue(real_details: Path, db: None) -> dict[str, Procedure]:
    """The real procedures imported the way ``motcua load_demo`` imports them (version 1 each)."""
    run = CatalogueImport()
    run.add_details(read_procedure_details_jsonl(real_details))
    report = run.finish()
    assert (report.created, report.problems) == (len(IMPORTED), [])
    return {p.code: p for p in Procedure.objects.filter(code__in=IMPORTED)}


def listing(portal: Portal, *changed: dict[str, Any]) -> None:
    """The portal lists the imported procedures as they are, but for ``changed`` (replaced or added)."""
    rows = {**LISTED, **{row["MaTTHC"]: row for row in changed}}
    portal.control(catalogue=list(rows.values()))


def terms_of(version: ProcedureVersion) -> list[tuple[str, Decimal | None, str, Decimal | None]]:
    return [
        (t.channel, t.duration_value, t.duration_unit, t.fee_amount)
        for t in version.channel_terms.order_by("order")
    ]


def counts() -> tuple[int, int, int, int]:
    return (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        Field.objects.count(),
        AuditEvent.objects.filter(action="procedure.version_add").count(),
    )


# -- applying entries ------------------------------------------------------------------------------------


def test_the_real_catalogue_as_the_portal_lists_it_changes_nothing(
    catalogue: dict[str, Procedure], portal: Portal
) -> None:
    # The same name spelled with combining marks and a double space is the same name.
    spelled = unicodedata.normalize("NFD", "Thủ tục  đăng ký khai sinh")
    listing(portal, {**LISTED["1.001193"], "TenTTHC": spelled})
    before = counts()

    report = catalogue_pull()

    assert (report.received, report.unchanged, report.created, report.new_versions) == (4, 4, [], [])
    assert counts() == before
    run = CatalogueSync.objects.get()
    assert (run.received, run.unchanged, run.refused, run.error, run.is_complete) == (4, 4, 0, "", True)
    assert run.finished_at is not None


def test_an_unknown_procedure_is_created_with_version_1(
    catalogue: dict[str, Procedure], portal: Portal
) -> None:
    listing(portal, KET_HON, entry("9.000001", "Thủ tục thử nghiệm", LinhVuc="Lĩnh vực mới", LePhi=50000))

    report = catalogue_pull()

    assert sorted(report.created) == ["1.000894", "9.000001"]
    ket_hon = Procedure.objects.get(code="1.000894")
    version = ket_hon.current_version
    assert version is not None
    assert version.number == 1
    assert (ket_hon.name, ket_hon.online_mode, ket_hon.at_commune) == (
        "Thủ tục đăng ký kết hôn",
        OnlineMode.FULL,
        True,
    )
    assert ket_hon.field == catalogue["1.001193"].field  # the existing "Hộ tịch"
    assert terms_of(version) == [
        ("in_person", Decimal(1), "working_days", Decimal(0)),
        ("online", Decimal(1), "working_days", Decimal(0)),
    ]
    term = version.channel_terms.get(channel="in_person")
    assert (term.working_hours, term.duration_text, term.fee_text) == (
        Decimal(8),
        "1 Ngày làm việc",
        "Miễn phí",
    )
    assert version.results == [{"name": "Giấy chứng nhận kết hôn", "result_code": "KQ.G15.000032"}]
    assert (version.publishing_decision, version.levels_text) == ("163/QĐ-BTP", "Cấp xã")
    trial = Procedure.objects.get(code="9.000001")
    assert trial.field is not None
    assert trial.field.name == "Lĩnh vực mới"
    assert trial.current_version is not None
    assert terms_of(trial.current_version) == [("in_person", None, "", Decimal(50000))]
    assert trial.current_version.channel_terms.get().fee_text == "50.000 đồng"
    assert AuditEvent.objects.filter(action="procedure.version_add", object_id=str(ket_hon.pk)).exists()


def test_a_changed_time_and_fee_become_a_new_current_version_and_a_received_dossier_keeps_its_own(
    catalogue: dict[str, Procedure], portal: Portal, world: World
) -> None:
    khai_sinh = catalogue["1.001193"]
    ProcedureAssignment.objects.create(
        procedure=khai_sinh, agency=world.agency, valid_from=dt.date(2020, 1, 1)
    )
    with clock.frozen(MONDAY):
        dossier = dossier_register_at_desk(
            procedure=khai_sinh,
            agency=world.agency,
            officer=world.reception,
            applicant=Applicant(name="Nguyễn Văn An", id_number="020090001234"),
        )
    first = khai_sinh.current_version
    assert first is not None
    first_terms = terms_of(first)
    received = (dossier.procedure_version_id, dossier.due_at, dossier.fee_amount)
    assert received[0] == first.pk
    listing(portal, {**LISTED["1.001193"], "ThoiGianGiaiQuyet": 3, "LePhi": 8000})

    report = catalogue_pull()

    assert report.new_versions == [("1.001193", 2, ("duration", "fee"))]
    assert report.unchanged == 3
    khai_sinh.refresh_from_db()
    second = khai_sinh.current_version
    assert second is not None
    assert second.number == 2
    assert terms_of(second) == [
        (channel, Decimal(3), "working_days", Decimal(8000)) for channel in ("online", "postal", "in_person")
    ]
    assert {t.working_hours for t in second.channel_terms.all()} == {24}
    # Everything the portal does not list is carried over from version 1.
    assert list(second.components.values_list("name", "originals", "copies")) == list(
        first.components.values_list("name", "originals", "copies")
    )
    assert second.components.count() > 5
    assert list(second.legal_bases.values_list("title", "number_symbol")) == list(
        first.legal_bases.values_list("title", "number_symbol")
    )
    assert (second.steps, second.implementing_agency) == (first.steps, first.implementing_agency)
    # Version 1 and the dossier received under it stay as they were.
    assert terms_of(ProcedureVersion.objects.get(pk=first.pk)) == first_terms
    dossier.refresh_from_db()
    assert (dossier.procedure_version_id, dossier.due_at, dossier.fee_amount) == received
    event = AuditEvent.objects.get(action="procedure.version_add")
    assert event.details == {"number": 2, "source": "national_portal", "changed": ["duration", "fee"]}

    again = catalogue_pull(full=True)

    assert (again.new_versions, again.unchanged) == ([], 4)
    assert ProcedureVersion.objects.filter(procedure=khai_sinh).count() == 2


def test_a_channel_with_its_own_fee_keeps_it_when_the_listed_fee_changes(
    catalogue: dict[str, Procedure], portal: Portal
) -> None:
    # 2.000815 is charged 2,000 VND a page, or 10 USD a copy for foreign documents (no VND amount).
    first = catalogue["2.000815"].current_version
    assert first is not None
    assert [fee for *_, fee in terms_of(first)] == [Decimal(2000), None]
    listing(portal, {**LISTED["2.000815"], "LePhi": 3000})

    report = catalogue_pull()

    assert report.new_versions == [("2.000815", 2, ("fee",))]
    second = Procedure.objects.get(code="2.000815").current_version
    assert second is not None
    assert [fee for *_, fee in terms_of(second)] == [Decimal(3000), None]
    assert list(second.channel_terms.values_list("fee_text", flat=True)) == [
        "3.000 đồng",
        first.channel_terms.order_by("order")[1].fee_text,
    ]


def test_other_national_fields_make_a_version_too_and_the_procedure_follows(
    catalogue: dict[str, Procedure], portal: Portal
) -> None:
    renamed = {
        **LISTED["1.000656"],
        "TenTTHC": "Thủ tục đăng ký khai tử (sửa đổi)",
        "CapThucHien": "Cấp xã, Cấp tỉnh",
        "MucDoDVC": "toan_trinh",
        "KetQua": [{"TenKetQua": "Trích lục khai tử", "MaKetQua": "KQ.G15.000099"}],
        "QuyetDinhCongBo": "200/QĐ-BTP",
    }
    listing(portal, renamed)

    [(code, number, changed)] = catalogue_pull().new_versions

    assert (code, number) == ("1.000656", 2)
    assert set(changed) == {"name", "levels", "online_mode", "results", "publishing_decision"}
    procedure = Procedure.objects.get(code="1.000656")
    assert (procedure.name, procedure.online_mode, procedure.at_province, procedure.at_commune) == (
        "Thủ tục đăng ký khai tử (sửa đổi)",
        OnlineMode.FULL,
        True,
        True,
    )
    assert "sua doi" in procedure.name_folded
    version = procedure.current_version
    assert version is not None
    assert (version.name, version.publishing_decision) == (procedure.name, "200/QĐ-BTP")
    assert version.results == [{"name": "Trích lục khai tử", "result_code": "KQ.G15.000099"}]


def test_pulling_twice_adds_nothing_the_second_time(catalogue: dict[str, Procedure], portal: Portal) -> None:
    listing(portal, KET_HON, {**LISTED["3.000333"], "ThoiGianGiaiQuyet": 15})
    first = catalogue_pull(full=True)
    after_first = counts()

    second = catalogue_pull(full=True)

    assert (len(first.created), len(first.new_versions)) == (1, 1)
    assert (second.created, second.new_versions, second.unchanged) == ([], [], 5)
    assert counts() == after_first


# -- since when ------------------------------------------------------------------------------------------


def test_the_next_pull_asks_only_for_changes_since_the_last_complete_one(
    catalogue: dict[str, Procedure], portal: Portal
) -> None:
    listing(portal)
    with clock.frozen(MONDAY):
        assert catalogue_pull().since is None  # nothing pulled yet: the whole list
    listing(
        portal,
        {**LISTED["1.001193"], "ThoiGianGiaiQuyet": 2, "NgayCapNhat": "20260303100000"},
        {**LISTED["1.000656"], "LePhi": 5000, "NgayCapNhat": "20260301000000"},  # changed before Monday
    )

    with clock.frozen(MONDAY + dt.timedelta(days=2)):
        report = catalogue_pull()

    assert (report.since, report.received) == (MONDAY.date(), 1)
    assert [code for code, *_ in report.new_versions] == ["1.001193"]
    assert Procedure.objects.get(code="1.000656").versions.count() == 1
    assert CatalogueSync.objects.next_since() == dt.date(2026, 3, 4)

    with clock.frozen(MONDAY + dt.timedelta(days=3)):
        explicit = catalogue_pull(since=dt.date(2026, 3, 1))

    assert (explicit.since, explicit.received) == (dt.date(2026, 3, 1), 2)
    assert [code for code, *_ in explicit.new_versions] == ["1.000656"]
    assert CatalogueSync.objects.next_since() == dt.date(2026, 3, 5)


def test_a_pull_from_a_later_day_or_with_refusals_does_not_move_the_next_start(
    catalogue: dict[str, Procedure], portal: Portal
) -> None:
    listing(portal)
    with clock.frozen(MONDAY):
        catalogue_pull()
    with clock.frozen(MONDAY + dt.timedelta(days=7)):
        later = catalogue_pull(since=dt.date(2026, 3, 8))  # skips what changed from the 2nd to the 7th
        listing(portal, entry("not-a-code", "Thủ tục lỗi", NgayCapNhat="20260309000000"))
        refused = catalogue_pull()

    assert (later.received, len(refused.refused)) == (0, 1)
    assert [r.is_complete for r in CatalogueSync.objects.order_by("started_at")] == [True, False, False]
    assert CatalogueSync.objects.next_since() == MONDAY.date()


# -- refusals and failures -------------------------------------------------------------------------------


def test_a_malformed_entry_is_refused_with_its_reason_and_the_others_apply(
    catalogue: dict[str, Procedure], portal: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    bad = [
        entry("", "Thủ tục không mã"),
        entry("1.000X", "Mã sai dạng"),
        entry("9.000002", "Mức độ lạ", MucDoDVC="muc_do_4"),
        entry("9.000003", "Đơn vị lạ", ThoiGianGiaiQuyet=2, DonViTinh="Tuần"),
        entry("9.000004", "Phí âm", LePhi=-5000),
        entry("9.000005", "Phí lẻ", LePhi=1500.5),
        entry("9.000006", "Thời hạn không phải số", ThoiGianGiaiQuyet="NaN", DonViTinh="Ngày"),
        entry("9.000007", "Kết quả không tên", KetQua=[{"TenKetQua": "", "MaKetQua": "KQ.1"}]),
        entry("9.000008", "Lĩnh vực quá dài", LinhVuc="x" * 201),
        entry("9.000009", ""),
        entry("9.000010", "Phí không phải số", LePhi="hai nghìn"),
        entry("9.000011", "Kết quả không phải danh sách", KetQua="KQ.1"),
    ]
    listing(portal, KET_HON, {**LISTED["1.001193"], "LePhi": 8000}, *bad)
    before = counts()

    with caplog.at_level(logging.WARNING, logger="motcua.integrations.portal.catalogue"):
        report = catalogue_pull()

    reasons = {r.code: r.reason for r in report.refused}
    assert sorted(reasons) == sorted(row["MaTTHC"] for row in bad)
    assert "code" in reasons[""]
    assert "1.000X" in reasons["1.000X"]
    assert "MucDoDVC" in reasons["9.000002"]
    assert "DonViTinh" in reasons["9.000003"]
    assert reasons["9.000004"].startswith("fee_amount")
    assert reasons["9.000005"].startswith("fee_amount")
    assert reasons["9.000006"] == "malformed: ThoiGianGiaiQuyet is not a finite number: NaN"
    assert reasons["9.000007"].startswith("results")
    assert reasons["9.000008"].startswith("field")
    assert reasons["9.000009"] == "malformed: TenTTHC missing"
    assert reasons["9.000010"] == "malformed: LePhi is not a number: hai nghìn"
    assert reasons["9.000011"] == "malformed: KetQua is not a list"
    assert not Procedure.objects.filter(code__startswith="9.").exists()
    assert not Field.objects.filter(name__startswith="xxx").exists()
    assert (report.created, [c for c, *_ in report.new_versions]) == (["1.000894"], ["1.001193"])
    assert counts()[:2] == (before[0] + 1, before[1] + 2)
    run = CatalogueSync.objects.get()
    assert (run.refused, run.created, run.new_versions, run.is_complete) == (len(bad), 1, 1, False)
    assert {r["code"] for r in run.refusals} == set(reasons)
    assert sum("refused" in message for message in caplog.messages) == len(bad)


@pytest.fixture
def odd_portal(tmp_path: Path, settings: Any) -> Iterator[dict[str, str]]:
    """The simulator with its LayDanhSachTTHC answer replaced: it answers in HTML, or only when released
    (its own switches apply to pushes only)."""
    simulator = portal_simulator.PortalSimulator(data_path=tmp_path / "odd.sqlite3", token=TOKEN)
    release = threading.Event()
    mode = {"answer": "slow"}

    def catalogue(request: base.Request) -> base.Response:
        if mode["answer"] == "html":
            return base.html_response("<html><body>502 Bad Gateway</body></html>")
        release.wait(30)
        return simulator.catalogue(request)

    routes = {**simulator.routes(), ("GET", f"/{wire.CATALOGUE}"): catalogue}
    server = base.make_server("127.0.0.1", 0, routes, name="portal")
    base.start_in_thread(server)
    settings.MOTCUA_NATIONAL_PORTAL_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = TOKEN
    settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT = 0.3
    yield mode
    release.set()
    server.shutdown()
    server.server_close()
    simulator.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("wrong_token", "MaLoi XAC_THUC"),
        ("unreachable", "portal unreachable"),
        ("too_slow", "no answer within 0.3 s"),
        ("not_json", "body is not JSON"),
    ],
)
def test_a_failing_portal_is_a_clear_error_and_changes_nothing(
    catalogue: dict[str, Procedure], request: pytest.FixtureRequest, settings: Any, failure: str, message: str
) -> None:
    if failure in ("too_slow", "not_json"):
        request.getfixturevalue("odd_portal")["answer"] = "slow" if failure == "too_slow" else "html"
    else:
        portal: Portal = request.getfixturevalue("portal")
        listing(portal, KET_HON, {**LISTED["1.001193"], "LePhi": 8000})
        if failure == "wrong_token":
            settings.MOTCUA_NATIONAL_PORTAL_TOKEN = "a-secret-that-must-not-leak"
        elif failure == "unreachable":
            settings.MOTCUA_NATIONAL_PORTAL_URL = f"http://127.0.0.1:{_closed_port()}"
    before = counts()

    with pytest.raises(PortalError, match=message) as raised:
        catalogue_pull()

    assert counts() == before
    run = CatalogueSync.objects.get()
    assert message in run.error
    assert run.finished_at is not None
    assert (run.is_complete, run.created, run.new_versions) == (False, 0, 0)
    assert "a-secret-that-must-not-leak" not in str(raised.value) + run.error
    assert CatalogueSync.objects.next_since() is None


def test_a_client_can_be_given_explicitly(
    catalogue: dict[str, Procedure], portal: Portal, settings: Any
) -> None:
    listing(portal, KET_HON)
    settings.MOTCUA_NATIONAL_PORTAL_URL = f"http://127.0.0.1:{_closed_port()}"

    report = catalogue_pull(client=PortalClient(base_url=portal.url, token=TOKEN, timeout=2.0))

    assert report.created == ["1.000894"]


# -- the command and the admin ---------------------------------------------------------------------------


def test_the_command_prints_the_report(catalogue: dict[str, Procedure], portal: Portal) -> None:
    listing(portal, KET_HON, {**LISTED["1.001193"], "LePhi": 8000}, entry("", "Không mã"))
    out, err = StringIO(), StringIO()

    call_command("pull_catalogue", "--since", "2025-01-01", stdout=out, stderr=err)

    printed = out.getvalue()
    assert "1.000894: thủ tục mới (phiên bản 1)" in printed
    assert "1.001193: phiên bản mới 2 (fee)" in printed
    assert "thay đổi từ ngày 01/01/2025; nhận 6 thủ tục" in printed
    assert "không đổi: 3; bị từ chối: 1." in printed
    assert "(không có mã): bị từ chối: code:" in err.getvalue()
    assert CatalogueSync.objects.get().since == dt.date(2025, 1, 1)


def test_the_command_fails_without_the_token_in_its_message(
    catalogue: dict[str, Procedure], portal: Portal, settings: Any
) -> None:
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = "a-secret-that-must-not-leak"

    with pytest.raises(CommandError, match="XAC_THUC") as raised:
        call_command("pull_catalogue", "--full", stdout=StringIO())

    assert "a-secret-that-must-not-leak" not in str(raised.value)
    assert Procedure.objects.count() == len(IMPORTED)


@pytest.mark.parametrize("arguments", [("--since", "01/03/2026"), ("--since", "2026-01-01", "--full")])
def test_the_command_refuses_bad_arguments(arguments: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        call_command("pull_catalogue", *arguments, stdout=StringIO())

    assert not CatalogueSync.objects.exists()


def test_administrators_read_the_pulls_in_the_admin(
    catalogue: dict[str, Procedure], portal: Portal, client: Client
) -> None:
    listing(portal, entry("", "Không mã"))
    catalogue_pull()
    run = CatalogueSync.objects.get()
    client.force_login(make_user(is_staff=True, is_superuser=True))

    listed = client.get("/admin/catalog/cataloguesync/")
    detail = client.get(f"/admin/catalog/cataloguesync/{run.pk}/change/")

    assert listed.status_code == 200
    assert detail.status_code == 200
    assert "bad procedure code" in detail.content.decode()
    assert client.get("/admin/catalog/cataloguesync/add/").status_code == 403
    assert client.post(f"/admin/catalog/cataloguesync/{run.pk}/delete/").status_code == 403
    assert CatalogueSync.objects.filter(pk=run.pk).exists()
