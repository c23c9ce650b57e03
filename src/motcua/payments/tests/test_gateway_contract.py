"""Contract tests against the gateway simulator over real HTTP on loopback: the payment page, the signed
notification to MotCua (live server), the control hooks, retries while the merchant is down, persistence
across restarts and the signed reconciliation list."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.conf import settings
from django.core.management import call_command

from motcua.core import clock
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action, Status
from motcua.integrations.simulators import base
from motcua.payments import signing
from motcua.payments.models import Payment, PaymentCallback, PaymentStatus, Reconciliation
from motcua.payments.services import payment_send, payment_start
from motcua.payments.tests.conftest import FEE, Gateway, fees_requested, start_gateway, stop_gateway

pytestmark = pytest.mark.django_db(transaction=True)


def _wait(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def motcua(live_server: Any, settings: Any) -> str:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    return str(live_server.url)


def _open(gateway: Gateway, world: World, dossier: Dossier) -> tuple[Payment, str]:
    """Start the citizen's payment; open the gateway's page; the transaction id shown on it."""
    payment = payment_start(dossier=dossier, actor=world.citizen)
    page = httpx.get(payment_send(payment=payment, actor=world.citizen))
    assert page.status_code == 200, page.text
    assert "150.000 đ" in page.text
    assert f"Nộp phí, lệ phí hồ sơ {dossier.code}" in page.text
    found = re.search(r'name="transaction_id" value="([^"]+)"', page.text)
    assert found is not None
    return payment, found.group(1)


def _pay(gateway: Gateway, transaction_id: str, action: str = "confirm") -> httpx.Response:
    return httpx.post(f"{gateway.url}/pay/{action}", data={"transaction_id": transaction_id})


def test_paying_notifies_motcua_which_resumes_the_dossier_then_returns_the_browser(
    gateway: Gateway, motcua: str, world: World, dossier: Dossier
) -> None:
    payment, transaction_id = _open(gateway, world, dossier)

    answer = _pay(gateway, transaction_id)

    assert answer.status_code == 303
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{motcua}/thanh-toan/{payment.order_id}/ket-qua/"
    returned = dict(parse_qsl(back.query))
    assert signing.verify(returned, settings.MOTCUA_PAYMENT_SECRET)
    assert (returned["status"], returned["transaction_id"]) == ("paid", transaction_id)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID  # the IPN was delivered before the browser was sent back
    assert payment.transaction_id == transaction_id
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    assert [row["state"] for row in gateway.outbox()] == ["delivered"]


def test_the_duplicate_hook_sends_the_notification_twice_and_the_dossier_resumes_once(
    gateway: Gateway, motcua: str, world: World, dossier: Dossier
) -> None:
    _payment, transaction_id = _open(gateway, world, dossier)
    gateway.hook(duplicate=True)

    _pay(gateway, transaction_id)

    assert [row["state"] for row in gateway.outbox()] == ["delivered", "delivered"]
    verdicts = sorted(PaymentCallback.objects.filter(kind="ipn").values_list("verdict", flat=True))
    assert verdicts == ["accepted", "duplicate"]
    assert DossierEvent.objects.filter(dossier=dossier, action=Action.CONFIRM_FEES).count() == 1


def test_a_notification_with_a_bad_signature_is_refused_and_not_retried(
    gateway: Gateway, motcua: str, world: World, dossier: Dossier
) -> None:
    payment, transaction_id = _open(gateway, world, dossier)
    gateway.hook(bad_signature=True)

    _pay(gateway, transaction_id)

    (row,) = gateway.outbox()
    assert (row["state"], row["attempts"]) == ("refused", 1)
    assert row["last_error"].startswith("HTTP 401")
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert Dossier.objects.get(pk=dossier.pk).status == Status.FEES_REQUESTED
    assert PaymentCallback.objects.get(kind="ipn").reason == "bad_signature"


def test_a_misstated_amount_is_refused(gateway: Gateway, motcua: str, world: World, dossier: Dossier) -> None:
    payment, transaction_id = _open(gateway, world, dossier)
    gateway.hook(amount=FEE // 10)

    _pay(gateway, transaction_id)

    assert PaymentCallback.objects.get(kind="ipn").reason == "amount_mismatch"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_cancelling_at_the_gateway_cancels_the_payment(
    gateway: Gateway, motcua: str, world: World, dossier: Dossier
) -> None:
    payment, transaction_id = _open(gateway, world, dossier)

    answer = _pay(gateway, transaction_id, "cancel")

    assert dict(parse_qsl(urlsplit(answer.headers["Location"]).query))["status"] == "cancelled"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    assert Dossier.objects.get(pk=dossier.pk).status == Status.FEES_REQUESTED
    assert _pay(gateway, transaction_id).status_code == 409  # a finished transaction stays finished


def _request(merchant: str = "", **changes: Any) -> dict[str, str]:
    now = int(time.time())
    params: dict[str, Any] = {
        "merchant": merchant or settings.MOTCUA_PAYMENT_MERCHANT_CODE,
        "order_id": f"MCTEST{now}{len(changes)}",
        "amount": 50_000,
        "description": "Nộp phí thử",
        "return_url": "http://127.0.0.1:9/back",
        "ipn_url": "http://127.0.0.1:9/ipn",
        "timestamp": now,
        "expires_at": now + 600,
    }
    params.update(changes)
    return signing.signed(params, settings.MOTCUA_PAYMENT_SECRET)


@pytest.mark.parametrize(
    ("spoil", "status"),
    [
        (lambda p: {**p, "amount": "1"}, 401),
        (lambda p: {**p, "signature": "0" * 64}, 401),
        (lambda p: _request(expires_at=int(time.time()) - 1), 400),
        (lambda p: _request(timestamp=int(time.time()) - 3600), 400),
        (lambda p: _request(merchant="SOMEONE-ELSE"), 400),
        (lambda p: {k: v for k, v in p.items() if k != "ipn_url"}, 400),
    ],
    ids=["tampered", "bad signature", "expired", "old", "unknown merchant", "missing ipn_url"],
)
def test_the_gateway_refuses_a_bad_payment_request(gateway: Gateway, spoil: Any, status: int) -> None:
    answer = httpx.get(f"{gateway.url}/pay?{urlencode(spoil(_request()))}")

    assert answer.status_code == status
    assert "Không thực hiện được" in answer.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _paid_with_merchant_down(gateway: Gateway, port: int) -> dict[str, str]:
    request = _request(ipn_url=f"http://127.0.0.1:{port}/ipn")
    page = httpx.get(f"{gateway.url}/pay?{urlencode(request)}").text
    found = re.search(r'name="transaction_id" value="([^"]+)"', page)
    assert found is not None
    assert _pay(gateway, found.group(1)).status_code == 303  # the browser goes back even so
    return request


def _merchant(port: int, received: list[dict[str, Any]]) -> Any:
    def ipn(request: base.Request) -> base.Response:
        received.append(request.json())
        return base.json_response({"code": "accepted"})

    server = base.make_server("127.0.0.1", port, {("POST", "/ipn"): ipn}, name="merchant")
    base.start_in_thread(server)
    return server


def test_a_notification_is_retried_until_the_merchant_is_back(gateway: Gateway) -> None:
    port = _free_port()
    _paid_with_merchant_down(gateway, port)
    (row,) = gateway.outbox()
    assert row["state"] in {"pending", "sending"}  # "sending": the retry loop is at it right now
    assert "ConnectError" in row["last_error"]

    received: list[dict[str, Any]] = []
    merchant = _merchant(port, received)
    try:
        _wait(lambda: gateway.outbox()[0]["state"] == "delivered")
    finally:
        merchant.shutdown()
        merchant.server_close()
    assert len(received) == 1
    assert signing.verify(received[0], settings.MOTCUA_PAYMENT_SECRET)
    assert gateway.outbox()[0]["attempts"] >= 2


def test_transactions_and_undelivered_notifications_survive_a_restart(tmp_path: Path, settings: Any) -> None:
    db = tmp_path / "gateway.sqlite3"
    first = start_gateway(db)
    port = _free_port()
    first.hook(queue_only=True)
    try:
        request = _paid_with_merchant_down(first, port)
    finally:
        stop_gateway(first)
    received: list[dict[str, Any]] = []
    merchant = _merchant(port, received)
    second = start_gateway(db)
    settings.MOTCUA_PAYMENT_GATEWAY_URL = second.url
    try:
        _wait(lambda: len(received) == 1)
        listing = _signed_listing(second)
    finally:
        stop_gateway(second)
        merchant.shutdown()
        merchant.server_close()
    assert received[0]["order_id"] == request["order_id"]
    assert [(t["order_id"], t["status"]) for t in listing.json()["transactions"]] == [
        (request["order_id"], "paid")
    ]


def _signed_listing(gateway: Gateway, **changes: Any) -> httpx.Response:
    params = {
        "merchant": settings.MOTCUA_PAYMENT_MERCHANT_CODE,
        "date": clock.today().isoformat(),
        "timestamp": int(time.time()),
        **changes,
    }
    return httpx.get(
        f"{gateway.url}/api/transactions", params=signing.signed(params, settings.MOTCUA_PAYMENT_SECRET)
    )


def test_the_reconciliation_list_is_signed_both_ways(gateway: Gateway) -> None:
    good = _signed_listing(gateway)
    assert good.status_code == 200
    assert signing.verify_body(good.content, good.headers["X-Signature"], settings.MOTCUA_PAYMENT_SECRET)

    forged = dict(parse_qsl(urlsplit(str(good.request.url)).query), merchant="OTHER")
    assert httpx.get(f"{gateway.url}/api/transactions", params=forged).status_code == 401
    assert _signed_listing(gateway, timestamp=int(time.time()) - 3600).status_code == 401


def test_reconciliation_finds_planted_mismatches_and_is_idempotent_per_day(
    gateway: Gateway, motcua: str, world: World, dossier: Dossier, capsys: Any
) -> None:
    # 1. paid on both sides: matches
    _payment, transaction_id = _open(gateway, world, dossier)
    _pay(gateway, transaction_id)
    # 2. paid at the gateway, notification lost: MotCua still waits
    lost, lost_tid = _open(gateway, world, fees_requested(world))
    gateway.hook(drop=True)
    _pay(gateway, lost_tid)
    # 3. paid on both sides, then the gateway's amount differs
    changed, changed_tid = _open(gateway, world, fees_requested(world))
    _pay(gateway, changed_tid)
    httpx.post(f"{gateway.url}/_control/tamper", json={"transaction_id": changed_tid, "amount": FEE + 1000})
    # 4. paid in MotCua only (planted)
    ghost = payment_start(dossier=fees_requested(world), actor=world.citizen)
    Payment.objects.filter(pk=ghost.pk).update(
        status=PaymentStatus.PAID, transaction_id="GW-GHOST", paid_amount=FEE, paid_at=clock.now()
    )
    # 5. a transaction at the gateway for an order MotCua never made
    stranger = _request()
    httpx.get(f"{gateway.url}/pay?{urlencode(stranger)}")

    call_command("reconcile_payments", date=clock.today().isoformat())
    call_command("reconcile_payments", date=clock.today().isoformat())

    report = Reconciliation.objects.get()
    assert sorted((m["kind"], m["order_id"]) for m in report.mismatches) == sorted(
        [
            ("status_mismatch", lost.order_id),
            ("amount_mismatch", changed.order_id),
            ("missing_at_gateway", ghost.order_id),
            ("missing_in_motcua", stranger["order_id"]),
        ]
    )
    assert (report.gateway_count, report.local_count, report.matched_count) == (4, 4, 1)
    out = capsys.readouterr().out
    assert "4 mismatches" in out
    assert f"status_mismatch: order {lost.order_id}" in out


def test_reconciliation_with_the_gateway_down_fails_and_stores_nothing(settings: Any, world: World) -> None:
    settings.MOTCUA_PAYMENT_GATEWAY_URL = f"http://127.0.0.1:{_free_port()}"

    with pytest.raises(Exception, match="Không kết nối được cổng thanh toán"):
        call_command("reconcile_payments", date="2026-03-02")
    assert not Reconciliation.objects.exists()
