"""The LGSP client against the simulator, over real HTTP on loopback (no database)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua.documents import edxml
from motcua.integrations.lgsp import wire
from motcua.integrations.lgsp.client import LgspClient, LgspError
from motcua.integrations.simulators import base
from motcua.integrations.simulators import lgsp as lgsp_simulator

TOKEN = "test-lgsp-token"
SENDER = "000.00.01.H37"
RECEIVER = "000.00.32.H37"
OTHER = "000.00.33.H37"
PDF = b"%PDF-1.7\n% a signed document\n%%EOF\n"


def package(*, sender: str = SENDER, to: tuple[str, ...] = (RECEIVER,), number: str = "05") -> bytes:
    return edxml.build_package(
        edxml.EdxmlDocument(
            from_organ=edxml.Organ(sender, "Sở Tư pháp"),
            to_organs=tuple(edxml.Organ(organ, f"Cơ quan {organ}") for organ in to),
            code_number=number,
            code_notation="STP-VP",
            place="Lạng Sơn",
            promulgation_date=dt.date(2026, 11, 20),
            type_code="1",
            type_name="Công văn",
            subject="V/v hướng dẫn chứng thực bản sao điện tử",
            signer_position="Giám đốc",
            signer_full_name="Hoàng Văn Bình",
            urgency="khan",
            document_id=f"{sender},2026/11/20,{number}/STP-VP",
            attachments=(edxml.Attachment("05_STP-VP.pdf", "application/pdf", PDF),),
        )
    )


def status_message(code: edxml.ExchangeStatus = edxml.ExchangeStatus.REGISTERED) -> bytes:
    return edxml.build_status(
        edxml.StatusMessage(
            from_organ=edxml.Organ(RECEIVER, "UBND phường Đông Kinh"),
            response_for_organ_id=SENDER,
            response_for_code="05/STP-VP",
            response_for_promulgation_date=dt.date(2026, 11, 20),
            response_for_document_id=f"{SENDER},2026/11/20,05/STP-VP",
            status=code,
            description="Đã vào sổ",
            timestamp=dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC),
            staff_department="Văn phòng",
            staff_name="Văn thư",
        )
    )


class Sim:
    def __init__(self, server: Any, data_path: Path) -> None:
        self.server = server
        self.data_path = data_path
        self.url = f"http://127.0.0.1:{server.server_port}"

    def control(self, **orders: Any) -> dict[str, Any]:
        return httpx.post(f"{self.url}/_control", json=orders, timeout=5).json()  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/_state", timeout=5).json()  # type: ignore[no-any-return]

    def mailbox(self, organ: str) -> list[dict[str, Any]]:
        return httpx.get(f"{self.url}/_mailbox", params={"organ": organ}, timeout=5).json()  # type: ignore[no-any-return]

    def trace(self, doc_id: str) -> list[dict[str, Any]]:
        return httpx.get(f"{self.url}/_trace", params={"docId": doc_id}, timeout=5).json()  # type: ignore[no-any-return]


def start(data_path: Path, port: int = 0) -> Any:
    server = lgsp_simulator.make_server("127.0.0.1", port, data_path=data_path, token=TOKEN)
    base.start_in_thread(server)
    return server


def stop(server: Any) -> None:
    server.shutdown()
    server.server_close()
    server.simulator.close()


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Sim]:
    server = start(tmp_path / "lgsp.sqlite3")
    yield Sim(server, tmp_path / "lgsp.sqlite3")
    stop(server)


@pytest.fixture
def client(sim: Sim) -> LgspClient:
    return LgspClient(base_url=sim.url, token=TOKEN, timeout=2.0)


def test_a_package_reaches_each_recipients_mailbox_once_and_leaves_it_when_acknowledged(
    client: LgspClient, sim: Sim
) -> None:
    data = package(to=(RECEIVER, OTHER))
    doc_id = client.send_edoc(organ_id=SENDER, message_type=wire.EDOC, content=data, request_key="k1")
    again = client.send_edoc(organ_id=SENDER, message_type=wire.EDOC, content=data, request_key="k1")

    assert again == doc_id
    [item] = client.received(organ_id=RECEIVER)
    assert (item.from_organ, item.message_type) == (SENDER, wire.EDOC)
    assert len(client.received(organ_id=OTHER)) == 1
    assert client.received(organ_id=SENDER) == []
    assert client.get_edoc(organ_id=RECEIVER, doc_id=item.doc_id) == data

    client.update_status(organ_id=RECEIVER, doc_id=item.doc_id, status=wire.DONE)

    assert client.received(organ_id=RECEIVER) == []
    assert [(t["to"], t["state"]) for t in sim.trace(doc_id)] == [(RECEIVER, "done"), (OTHER, "pending")]
    assert sim.state()["duplicates"] == 1


def test_status_messages_go_to_the_sender_and_can_be_listed_by_type(client: LgspClient) -> None:
    client.send_edoc(organ_id=SENDER, message_type=wire.EDOC, content=package(), request_key="k1")
    client.send_edoc(organ_id=RECEIVER, message_type=wire.STATUS, content=status_message(), request_key="s1")

    [item] = client.received(organ_id=SENDER, message_type=wire.STATUS)
    assert client.received(organ_id=SENDER, message_type=wire.EDOC) == []
    message = edxml.parse_status(client.get_edoc(organ_id=SENDER, doc_id=item.doc_id))
    assert (message.status, message.from_organ.organ_id) == (edxml.ExchangeStatus.REGISTERED, RECEIVER)


@pytest.mark.parametrize(
    ("organ", "content", "reason"),
    [
        (SENDER, b"<edXML><oops", "invalid edoc"),
        (OTHER, package(), "From is 000.00.01.H37, but the caller is 000.00.33.H37"),
        (
            SENDER,
            package().replace(
                b"<edXML:Priority>", b"<edXML:SecurityLevel>Mat</edXML:SecurityLevel><edXML:Priority>"
            ),
            "confidential",
        ),
    ],
    ids=["malformed", "someone-elses-package", "confidential"],
)
def test_the_axis_refuses_what_it_must_not_carry(
    client: LgspClient, sim: Sim, organ: str, content: bytes, reason: str
) -> None:
    with pytest.raises(LgspError, match=reason):
        client.send_edoc(organ_id=organ, message_type=wire.EDOC, content=content, request_key="bad")

    assert client.received(organ_id=RECEIVER) == []
    [error] = sim.state()["errors"]
    assert reason in error["reason"]


def test_an_item_is_given_only_to_its_mailboxs_owner(client: LgspClient) -> None:
    client.send_edoc(organ_id=SENDER, message_type=wire.EDOC, content=package(), request_key="k1")
    [item] = client.received(organ_id=RECEIVER)

    with pytest.raises(LgspError, match="KHONG_TON_TAI"):
        client.get_edoc(organ_id=OTHER, doc_id=item.doc_id)
    with pytest.raises(LgspError, match="KHONG_TON_TAI"):
        client.update_status(organ_id=OTHER, doc_id=item.doc_id, status=wire.DONE)
    assert len(client.received(organ_id=RECEIVER)) == 1


def test_failures_are_reasons_without_the_token(
    client: LgspClient, sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim.control(fail=1)
    with pytest.raises(LgspError, match="HTTP 503") as busy:
        client.received(organ_id=RECEIVER)
    sim.control(malformed=1)
    with pytest.raises(LgspError, match="malformed answer") as malformed:
        client.received(organ_id=RECEIVER)
    wrong = LgspClient(base_url=sim.url, token="not-the-token", timeout=2.0)
    with pytest.raises(LgspError, match="XAC_THUC") as refused:
        wrong.received(organ_id=RECEIVER)
    sim.control(delay=0.5)
    with pytest.raises(LgspError, match="no answer within"):
        LgspClient(base_url=sim.url, token=TOKEN, timeout=0.2).received(organ_id=RECEIVER)
    sim.control(delay=0)

    for error in (busy.value, malformed.value, refused.value):
        assert TOKEN not in str(error)
    assert TOKEN not in caplog.text


def test_an_unreachable_axis_is_a_clear_error(tmp_path: Path) -> None:
    server = start(tmp_path / "gone.sqlite3")
    url = f"http://127.0.0.1:{server.server_port}"
    stop(server)

    with pytest.raises(LgspError, match="axis unreachable"):
        LgspClient(base_url=url, token=TOKEN, timeout=1.0).received(organ_id=RECEIVER)


def test_mailboxes_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "lgsp.sqlite3"
    server = start(path)
    client = LgspClient(base_url=f"http://127.0.0.1:{server.server_port}", token=TOKEN, timeout=2.0)
    client.send_edoc(organ_id=SENDER, message_type=wire.EDOC, content=package(), request_key="k1")
    stop(server)

    server = start(path)
    try:
        client = LgspClient(base_url=f"http://127.0.0.1:{server.server_port}", token=TOKEN, timeout=2.0)
        [item] = client.received(organ_id=RECEIVER)
        assert client.get_edoc(organ_id=RECEIVER, doc_id=item.doc_id) == package()
        again = client.send_edoc(organ_id=SENDER, message_type=wire.EDOC, content=package(), request_key="k1")
        assert len(client.received(organ_id=RECEIVER)) == 1
        assert again
    finally:
        stop(server)
