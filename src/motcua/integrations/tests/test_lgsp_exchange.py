"""Official documents between two agencies over the LGSP simulator: dispatched at one, queued in the
outbox, delivered by the worker, taken in by ``lgsp_receive`` at the other, statuses back the same way."""

from __future__ import annotations

import base64
import io
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.core import clock
from motcua.core.models import AuditEvent
from motcua.documents import services
from motcua.documents.edxml import ExchangeStatus
from motcua.documents.exchange import ConfidentialExchangeError
from motcua.documents.models import (
    Delivery as DocumentDelivery,
)
from motcua.documents.models import (
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
)
from motcua.documents.services import DraftInput, HandlingInput, OutgoingInput
from motcua.documents.tests import conftest as documents
from motcua.documents.tests.conftest import PASSPHRASE, Office
from motcua.documents.workflow import IncomingAction, IncomingStatus, OutgoingAction
from motcua.integrations.lgsp import send, wire
from motcua.integrations.models import Delivery, DeliveryStatus
from motcua.integrations.tests.conftest import run_worker
from motcua.integrations.tests.test_lgsp_contract import TOKEN, Sim, package, start, stop

pytestmark = pytest.mark.django_db(transaction=True)

# The document office's two agencies, their certificates and document types.
pki, sender, receiver = documents.pki, documents.sender, documents.receiver
official_letter = documents.official_letter


@pytest.fixture
def axis(tmp_path: Path, settings: Any) -> Iterator[Sim]:
    server = start(tmp_path / "lgsp.sqlite3")
    settings.MOTCUA_LGSP_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MOTCUA_LGSP_TOKEN = TOKEN
    settings.MOTCUA_LGSP_TIMEOUT = 2.0
    settings.MOTCUA_LGSP_AGENCIES = ""
    sim = Sim(server, tmp_path / "lgsp.sqlite3")
    yield sim
    stop(sim.server)


def outside(office: Office) -> str:
    """How a clerk writes a recipient outside MotCua: its identifier, then its name."""
    return f"{office.agency.identifier} {office.agency.name}"


def issued(sender: Office, doc_type: DocumentType, *, to: Office, **kw: Any) -> OutgoingDocument:
    data = DraftInput(
        document_type=doc_type,
        subject="V/v hướng dẫn chứng thực bản sao điện tử",
        content="Sở Tư pháp hướng dẫn việc chứng thực bản sao từ bản chính như sau.",
        signer=sender.leader,
        signer_title="Giám đốc",
        symbol_unit="HCTP",
        urgency="khan",
        external_recipients=[outside(to)],
        **kw,
    )
    document = services.outgoing_create_draft(actor=sender.drafter, agency=sender.agency, data=data)
    services.outgoing_act(document=document, actor=sender.drafter, action=OutgoingAction.SUBMIT)
    services.outgoing_act(document=document, actor=sender.leader, action=OutgoingAction.APPROVE)
    return services.outgoing_act(
        document=document,
        actor=sender.clerk,
        action=OutgoingAction.ISSUE,
        data=OutgoingInput(passphrase=PASSPHRASE),
    )


def dispatch(sender: Office, document: OutgoingDocument) -> OutgoingDocument:
    return services.outgoing_act(document=document, actor=sender.clerk, action=OutgoingAction.DISPATCH)


def receive(*agencies: Office) -> str:
    out = io.StringIO()
    options = [arg for office in agencies for arg in ("--agency", office.agency.identifier)]
    call_command("lgsp_receive", *options, stdout=out, stderr=out)
    return out.getvalue()


def exchange_status(document: OutgoingDocument) -> str:
    return str(document.recipients.get().exchange_status)


def test_a_document_travels_to_another_agency_and_its_statuses_come_back(
    axis: Sim, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    document = dispatch(sender, issued(sender, official_letter, to=receiver))

    [queued] = Delivery.objects.all()
    assert (queued.stream.system, queued.kind) == ("lgsp", send.KIND_EDOC)
    assert axis.mailbox(receiver.agency.identifier) == []  # nothing leaves before the worker runs

    run_worker()
    report = receive()  # every agency in operation: the sender's mailbox is empty

    arrival = IncomingDocument.objects.get(agency=receiver.agency)
    assert "1 registered" in report
    assert (arrival.arrival_number, arrival.number_symbol, arrival.delivery) == (1, "01/STP-HCTP", "edxml")
    assert (arrival.sender_name, arrival.sender_organ_id) == (sender.agency.name, sender.agency.identifier)
    assert arrival.subject == document.subject
    assert arrival.urgency == "khan"
    assert arrival.type_name == "Công văn"
    assert arrival.signer_name == sender.leader.get_full_name()
    assert document.issued_at is not None
    assert arrival.issued_on == document.issued_at.astimezone(clock.local_zone()).date()
    assert arrival.registered_by is not None
    assert arrival.registered_by.username == send.LGSP_USERNAME
    with arrival.file.open("rb") as arrived, document.signed_file.open("rb") as signed:
        assert arrived.read() == signed.read()
    [item] = axis.mailbox(receiver.agency.identifier)
    assert item["state"] == "done"
    assert document.events.filter(action="lgsp_send").exists()

    # 03 registered, queued with the registration, reaches the sender's recipient row.
    run_worker()
    receive()
    assert exchange_status(document) == ExchangeStatus.REGISTERED

    services.incoming_act(
        document=arrival,
        actor=receiver.leader,
        action=IncomingAction.ASSIGN,
        data=HandlingInput(handler=receiver.drafter, note="Văn phòng nghiên cứu, trả lời"),
    )
    run_worker()
    receive()
    assert exchange_status(document) == ExchangeStatus.ASSIGNED

    services.incoming_act(
        document=arrival,
        actor=receiver.drafter,
        action=IncomingAction.REPORT,
        data=HandlingInput(note="Đang soạn"),
    )
    services.incoming_act(
        document=arrival,
        actor=receiver.drafter,
        action=IncomingAction.COMPLETE,
        data=HandlingInput(note="Xong"),
    )
    run_worker()
    receive()

    assert exchange_status(document) == ExchangeStatus.COMPLETED
    statuses = Delivery.objects.filter(kind=send.KIND_STATUS).order_by("seq")
    assert [(d.seq, d.payload["status"], d.status) for d in statuses] == [
        (1, "03", DeliveryStatus.SENT),
        (2, "04", DeliveryStatus.SENT),
        (3, "05", DeliveryStatus.SENT),
        (4, "06", DeliveryStatus.SENT),
    ]
    notes = list(document.events.filter(action="exchange_status").values_list("note", flat=True))
    assert notes == [
        f"{receiver.agency.name}: {s.label}"
        for s in (
            ExchangeStatus.REGISTERED,
            ExchangeStatus.ASSIGNED,
            ExchangeStatus.IN_PROGRESS,
            ExchangeStatus.COMPLETED,
        )
    ]
    assert axis.state()["errors"] == []


def test_a_refusal_goes_back_as_status_02(
    axis: Sim, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    document = dispatch(sender, issued(sender, official_letter, to=receiver))
    run_worker()
    receive(receiver)
    arrival = IncomingDocument.objects.get(agency=receiver.agency)

    services.incoming_act(
        document=arrival,
        actor=receiver.clerk,
        action=IncomingAction.REFUSE,
        data=HandlingInput(note="Không thuộc thẩm quyền của phường"),
    )
    run_worker()
    receive(sender)

    assert exchange_status(document) == ExchangeStatus.REFUSED
    last = Delivery.objects.filter(kind=send.KIND_STATUS).order_by("-seq").first()
    assert last is not None
    assert "Không thuộc thẩm quyền của phường" in last.payload["message"]


def test_repeats_are_taken_in_once(
    axis: Sim, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    document = dispatch(sender, issued(sender, official_letter, to=receiver))
    run_worker()
    run_worker()  # a second worker run sends nothing twice
    assert axis.state()["counters"]["sent_edoc"] == 1
    axis.control(fail=1, fail_call=wire.UPDATE_STATUS)  # registered, then the acknowledgement is lost

    first = receive(receiver)
    second = receive(receiver)  # the axis gives the same item again
    axis.control(
        inject={
            "to": receiver.agency.identifier,
            "from": sender.agency.identifier,
            "data": base64.b64encode(send_package(document)).decode(),
        }
    )
    third = receive(receiver)  # and the same package a second time as a new item

    assert "1 registered" in first
    assert "1 errors" in first
    assert "1 already registered" in second
    assert "1 already registered" in third
    assert IncomingDocument.objects.filter(agency=receiver.agency).count() == 1
    assert [i["state"] for i in axis.mailbox(receiver.agency.identifier)] == ["done", "done"]
    assert Delivery.objects.filter(kind=send.KIND_STATUS).count() == 1  # one 03


def send_package(document: OutgoingDocument) -> bytes:
    from motcua.documents.exchange import package_for

    return package_for(document=document)


def test_an_invalid_package_is_refused_registered_nowhere_and_the_reason_sent_back(
    axis: Sim, sender: Office, receiver: Office, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    mailbox = receiver.agency.identifier
    axis.control(
        inject={
            "to": mailbox,
            "from": sender.agency.identifier,
            "data": base64.b64encode(b"<edXML><oops").decode(),
        }
    )
    # Valid, but addressed to another organ: not for this agency.
    axis.control(
        inject={
            "to": mailbox,
            "from": "000.00.01.H37",
            "data": base64.b64encode(package(to=("000.00.99.H37",))).decode(),
        }
    )

    report = receive(receiver)

    assert "2 refused" in report
    assert not IncomingDocument.objects.exists()
    malformed, misaddressed = axis.mailbox(mailbox)
    assert malformed["state"] == "fail"
    assert "Gói edXML không hợp lệ" in malformed["description"]
    assert misaddressed["state"] == "fail"
    assert "không gửi cho cơ quan này" in misaddressed["description"]
    reasons = list(
        AuditEvent.objects.filter(action="integrations.lgsp_refused")
        .order_by("pk")
        .values_list("details", flat=True)
    )
    assert len(reasons) == 2
    assert "Gói edXML không hợp lệ" in reasons[0]["reason"]
    assert "refused" in caplog.text
    assert TOKEN not in caplog.text
    assert not Delivery.objects.exists()  # no status is owed for what was not registered


def test_confidential_documents_never_leave(
    axis: Sim, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    secret = issued(sender, official_letter, to=receiver, confidentiality="mat")
    assert secret.recipients.get().delivery == DocumentDelivery.PAPER  # the clerk's line becomes paper
    dispatch(sender, secret)
    assert not Delivery.objects.exists()

    # A recipient row slipped to edXML by other means: the dispatch itself is refused.
    again = issued(sender, official_letter, to=receiver, confidentiality="toi_mat")
    again.recipients.update(delivery=DocumentDelivery.EDXML)
    with pytest.raises(ConfidentialExchangeError):
        dispatch(sender, again)
    with pytest.raises(ConfidentialExchangeError):
        send.lgsp_enqueue_edoc(document=again, recipient=again.recipients.get())

    # A document marked confidential after its message was queued: the delivery refuses it.
    normal = dispatch(sender, issued(sender, official_letter, to=receiver))
    OutgoingDocument.objects.filter(pk=normal.pk).update(confidentiality="mat")
    run_worker("--max-tasks", "1")

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "confidential" in delivery.last_error
    assert axis.state()["counters"] == {}
    assert axis.mailbox(receiver.agency.identifier) == []


def attempt_until(delivery: Delivery, done: Callable[[Delivery], bool]) -> None:
    """Run the queue until ``done(delivery)`` (the retry is due 1 s after a failure, and other tasks, e.g.
    notifications, may be taken first): bounded, then fails."""
    for _ in range(60):
        run_worker("--max-tasks", "1")
        delivery.refresh_from_db()
        if done(delivery):
            return
        time.sleep(0.2)
    raise AssertionError(f"delivery {delivery.pk} stuck: {delivery.status}, {delivery.attempts} attempts")


def test_the_axis_down_is_retried_through_the_outbox(
    tmp_path: Path, settings: Any, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    settings.MOTCUA_INTEGRATIONS_RETRY = "first=1,longest=1,attempts=5"
    path = tmp_path / "lgsp.sqlite3"
    server = start(path)
    port = server.server_port
    stop(server)  # the axis is down
    settings.MOTCUA_LGSP_URL = f"http://127.0.0.1:{port}"
    settings.MOTCUA_LGSP_TOKEN = TOKEN
    settings.MOTCUA_LGSP_TIMEOUT = 2.0
    dispatch(sender, issued(sender, official_letter, to=receiver))

    delivery = Delivery.objects.get()
    attempt_until(delivery, lambda d: d.attempts >= 1)
    assert delivery.status == DeliveryStatus.PENDING
    assert "axis unreachable" in delivery.last_error

    server = start(path, port=port)  # back up
    try:
        sim = Sim(server, path)
        sim.control(fail=1, fail_status=503)  # and busy once more
        attempt_until(delivery, lambda d: d.status == DeliveryStatus.SENT)
        assert delivery.attempts >= 3  # down, busy, delivered
        receive(receiver)
        assert IncomingDocument.objects.filter(agency=receiver.agency, delivery="edxml").count() == 1
    finally:
        stop(server)


def test_documents_not_from_the_axis_send_no_status(axis: Sim, receiver: Office) -> None:
    import datetime as dt

    from motcua.documents.arrivals import Arrival

    paper = services.incoming_register_paper(
        actor=receiver.clerk,
        agency=receiver.agency,
        arrival=Arrival(
            sender_name="Bộ Tư pháp",
            number_symbol="12/BTP-HTQTCT",
            issued_on=dt.date(2026, 11, 2),
            type_name="Công văn",
            subject="V/v chứng thực",
        ),
        scan=None,
    )
    services.incoming_act(
        document=paper,
        actor=receiver.leader,
        action=IncomingAction.ASSIGN,
        data=HandlingInput(handler=receiver.drafter),
    )

    assert IncomingDocument.objects.get().status == IncomingStatus.ASSIGNED
    assert not Delivery.objects.exists()
