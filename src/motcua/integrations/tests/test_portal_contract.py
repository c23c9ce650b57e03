"""The national portal client against the simulator, over real HTTP on loopback (no database)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from motcua.integrations.portal import wire
from motcua.integrations.portal.client import PortalClient, PortalError
from motcua.integrations.tests.conftest import TOKEN, start_simulator, stop_simulator

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = dt.datetime(2026, 3, 2, 8, 15, tzinfo=ZONE)
CODE = "000.00.32.H37-260302-0001"


class Sim:
    def __init__(self, server: Any, data_path: Path) -> None:
        self.server = server
        self.data_path = data_path
        self.url = f"http://127.0.0.1:{server.server_port}"

    def control(self, **orders: Any) -> dict[str, Any]:
        return httpx.post(f"{self.url}/_control", json=orders, timeout=5).json()  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/_state", timeout=5).json()  # type: ignore[no-any-return]


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Sim]:
    server = start_simulator(tmp_path / "portal.sqlite3")
    yield Sim(server, tmp_path / "portal.sqlite3")
    stop_simulator(server)


@pytest.fixture
def client(sim: Sim) -> PortalClient:
    return PortalClient(base_url=sim.url, token=TOKEN, timeout=1.0)


def snapshot(status: int = 2, **changes: Any) -> wire.DossierSnapshot:
    values: dict[str, Any] = {
        "code": CODE,
        "procedure_code": "1.001193",
        "procedure_name": "Thủ tục đăng ký khai sinh",
        "agency_code": "000.00.32.H37",
        "agency_name": "UBND phường Đông Kinh",
        "processing_agency_code": "000.00.32.H37",
        "channel": 1,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "020090001234",
        "applicant_kind": "person",
        "status": status,
        "status_label": "Được tiếp nhận",
        "submitted_at": T0,
        "received_at": T0,
        "due_at": T0 + dt.timedelta(days=3),
        "finished_at": None,
        "returned_at": None,
        "duration_value": Decimal(3),
        "duration_unit": "working_days",
        "fee_amount": Decimal(8000),
        "fees_paid": False,
        "paid_online": False,
        "result_codes": ("KQ.G15.000001",),
        "result_url": "",
        "digitised_components": 1,
        "reused_components": 0,
        "electronic_result": False,
        "vneid_authenticated": True,
        "history": (wire.HistoryEntry(T0, "register", "Tiếp nhận hồ sơ giấy", None, 2),),
    }
    return wire.DossierSnapshot(**{**values, **changes})


def create(seq: int = 1, key: str = "k1") -> dict[str, Any]:
    return wire.envelope(wire.dossier_message(snapshot()), request_key=key, seq=seq)


def progress(seq: int, key: str, status: int = 4, code: str = CODE) -> dict[str, Any]:
    entry = wire.HistoryEntry(T0 + dt.timedelta(hours=seq), "forward", "Chuyển xử lý", 2, status)
    body = wire.progress_message(snapshot(status=status, code=code, status_label="Đang xử lý"), entry)
    return wire.envelope(body, request_key=key, seq=seq)


def test_a_dossier_pushed_then_updated_is_looked_up_with_its_whole_history(client: PortalClient) -> None:
    assert client.push(wire.PUSH_DOSSIER, create()).ok
    assert client.push(wire.PUSH_PROGRESS, progress(2, "k2")).ok

    record = client.lookup(CODE)

    assert record is not None
    assert record["MaHoSo"] == CODE
    assert record["MaTTHC"] == "1.001193"
    assert record["MaCoQuan"] == "000.00.32.H37"
    assert record["TrangThai"] == 4
    assert record["NgayTiepNhan"] == "20260302081500"
    assert record["NgayHenTra"] == "20260305081500"
    assert (record["ThoiGianGiaiQuyet"], record["DonViTinh"]) == (3.0, "Ngày làm việc")
    assert record["KenhThucHien"] == 1
    assert record["LePhi"] == {"TongTien": 8000, "DaNop": False, "ThanhToanTrucTuyen": False}
    assert record["KetQua"]["MaKetQua"] == ["KQ.G15.000001"]
    assert record["SoHoa"] == {"SoThanhPhanSoHoa": 1, "SoThanhPhanTaiSuDung": 0}
    assert record["ChuHoSo"]["XacThucVNeID"] is True
    assert [(h["TuTrangThai"], h["DenTrangThai"]) for h in record["QuaTrinhXuLy"]] == [(None, 2), (2, 4)]
    assert client.lookup("000.00.32.H37-260302-9999") is None


def test_a_repeated_request_key_is_a_success_applied_once_and_counted(client: PortalClient, sim: Sim) -> None:
    client.push(wire.PUSH_DOSSIER, create())
    client.push(wire.PUSH_PROGRESS, progress(2, "k2"))

    again = client.push(wire.PUSH_PROGRESS, progress(2, "k2"))

    assert again.ok
    assert again.duplicate
    state = sim.state()
    assert (state["applied"], state["duplicates"], state["errors"]) == (2, 1, [])
    assert len(client.lookup(CODE)["QuaTrinhXuLy"]) == 2  # type: ignore[index]


def test_an_update_out_of_order_is_refused_and_recorded(client: PortalClient, sim: Sim) -> None:
    client.push(wire.PUSH_DOSSIER, create())

    with pytest.raises(PortalError, match="SAI_THU_TU"):
        client.push(wire.PUSH_PROGRESS, progress(3, "k3"))

    [error] = sim.state()["errors"]
    assert (error["dossier"], error["seq"], error["reason"]) == (
        CODE,
        3,
        "out of order: SoThuTu 3, expected 2",
    )
    assert client.push(wire.PUSH_PROGRESS, progress(2, "k2")).ok  # the gap filled, the order holds


def test_an_update_for_an_unknown_dossier_is_refused_and_recorded(client: PortalClient, sim: Sim) -> None:
    with pytest.raises(PortalError, match="HS_KHONG_TON_TAI"):
        client.push(wire.PUSH_PROGRESS, progress(1, "k1"))

    assert sim.state()["errors"][0]["reason"] == "update for an unknown dossier"


def test_a_wrong_token_is_refused_and_never_shown(sim: Sim) -> None:
    intruder = PortalClient(base_url=sim.url, token="not-the-token-42", timeout=1.0)

    with pytest.raises(PortalError) as refused:
        intruder.push(wire.PUSH_DOSSIER, create())

    assert "XAC_THUC" in str(refused.value)
    assert "not-the-token-42" not in str(refused.value)
    assert sim.state()["applied"] == 0


def test_a_busy_portal_is_a_failure_and_nothing_is_applied(client: PortalClient, sim: Sim) -> None:
    sim.control(fail=1, fail_status=503)

    with pytest.raises(PortalError, match="HE_THONG_BAN"):
        client.push(wire.PUSH_DOSSIER, create())

    assert sim.state()["applied"] == 0
    assert client.push(wire.PUSH_DOSSIER, create()).ok


def test_a_malformed_answer_is_a_failure_with_its_reason(client: PortalClient, sim: Sim) -> None:
    sim.control(malformed=1)

    with pytest.raises(PortalError, match="malformed answer: HTTP 200, body is not JSON"):
        client.push(wire.PUSH_DOSSIER, create())


def test_a_slow_answer_is_a_failure_and_the_retry_is_a_recognised_duplicate(
    client: PortalClient, sim: Sim
) -> None:
    sim.control(delay=1.5)

    with pytest.raises(PortalError, match=r"no answer within 1 s"):
        client.push(wire.PUSH_DOSSIER, create())

    sim.control(delay=0)
    retry = client.push(wire.PUSH_DOSSIER, create())
    assert retry.duplicate  # the slow portal had applied it: the retry changes nothing
    assert sim.state()["applied"] == 1


def test_an_unreachable_portal_is_a_failure() -> None:
    unreachable = PortalClient(base_url="http://127.0.0.1:9", token=TOKEN, timeout=1.0)

    with pytest.raises(PortalError, match="portal unreachable"):
        unreachable.push(wire.PUSH_DOSSIER, create())


def test_the_simulator_keeps_what_it_received_across_a_restart(sim: Sim) -> None:
    client = PortalClient(base_url=sim.url, token=TOKEN, timeout=1.0)
    client.push(wire.PUSH_DOSSIER, create())
    stop_simulator(sim.server)

    sim.server = start_simulator(sim.data_path)
    client = PortalClient(base_url=f"http://127.0.0.1:{sim.server.server_port}", token=TOKEN, timeout=1.0)

    assert client.lookup(CODE) is not None
    assert client.push(wire.PUSH_DOSSIER, create()).duplicate
    assert client.push(wire.PUSH_PROGRESS, progress(2, "k2")).ok


def test_the_catalogue_lists_procedures_and_filters_by_change_date(client: PortalClient, sim: Sim) -> None:
    entries = [e for e in client.catalogue() if isinstance(e, wire.CatalogueEntry)]
    birth = next(e for e in entries if e.code == "1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh"
    assert (birth.duration_value, birth.duration_unit) == (Decimal(1), "working_days")
    assert birth.results == (("Giấy khai sinh", "KQ.G15.000001"),)

    sim.control(catalogue=[{**_row("1.001193"), "NgayCapNhat": "20260301000000"}, _row("2.000815")])

    assert [
        e.portal_code if isinstance(e, wire.MalformedEntry) else e.code
        for e in client.catalogue(since="20260101")
    ] == ["1.001193"]
    with pytest.raises(PortalError, match="TuNgay"):
        client.catalogue(since="2026-01-01")


def _row(code: str) -> dict[str, Any]:
    return {"MaTTHC": code, "TenTTHC": f"Thủ tục {code}", "NgayCapNhat": "20250101000000"}


def test_a_malformed_catalogue_row_is_read_as_such_and_the_others_as_entries(
    client: PortalClient, sim: Sim
) -> None:
    sim.control(catalogue=[{"MaTTHC": "1.000001", "TenTTHC": ""}, _row("2.000815")])

    first, second = client.catalogue()

    assert first == wire.MalformedEntry("1.000001", "TenTTHC missing")
    assert isinstance(second, wire.CatalogueEntry)
    assert second.code == "2.000815"
    assert wire.parse_catalogue({"DanhSachTTHC": [["not", "a", "row"]]}) == [
        wire.MalformedEntry("", "a row without MaTTHC: ['not', 'a', 'row']")
    ]


def test_the_page_lists_received_dossiers(client: PortalClient, sim: Sim) -> None:
    client.push(wire.PUSH_DOSSIER, create())

    page = httpx.get(sim.url + "/", timeout=5).text

    assert CODE in page
    assert "Được tiếp nhận" in page


def test_motcua_simulate_portal_serves_on_the_port_it_is_given(tmp_path: Path) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "motcua", "simulate", "portal", "--port", str(port)]
    env = {**os.environ, "NATIONAL_PORTAL_TOKEN": TOKEN}
    process = subprocess.Popen(
        [*command, "--data", str(tmp_path / "p.sqlite3")], env=env, stdout=subprocess.DEVNULL
    )
    try:
        client = PortalClient(base_url=f"http://127.0.0.1:{port}", token=TOKEN, timeout=1.0)
        for _ in range(100):
            try:
                assert client.push(wire.PUSH_DOSSIER, create()).ok
                break
            except PortalError:
                time.sleep(0.1)
        else:
            pytest.fail("the simulator did not start")
    finally:
        process.terminate()
        process.wait(10)
    assert (tmp_path / "p.sqlite3").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
