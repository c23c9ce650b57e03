"""The gateway's notification (IPN): what is accepted, what is refused, and that a refusal changes nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action, Status
from motcua.payments import services, signing
from motcua.payments.models import Payment, PaymentCallback, PaymentStatus, Verdict
from motcua.payments.services import payment_start
from motcua.payments.tests.conftest import FEE, ipn_params

pytestmark = pytest.mark.django_db

IPN = "/api/v1/payments/ipn"


def _post(params: dict[str, Any]) -> Any:
    return Client().post(IPN, params, content_type="application/json")


@pytest.fixture
def payment(world: World, dossier: Dossier) -> Payment:
    return payment_start(dossier=dossier, actor=world.citizen)


def _confirmations(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier, action=Action.CONFIRM_FEES).count()


def test_a_valid_paid_notification_marks_the_payment_paid_and_resumes_the_dossier(payment: Payment) -> None:
    params = ipn_params(payment)

    answer = _post(params)

    assert answer.status_code == 200
    assert answer.json() == {"code": "accepted", "message": "Đã ghi nhận."}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_amount == FEE
    assert payment.transaction_id == params["transaction_id"]
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    assert dossier.status == Status.PROCESSING
    assert dossier.fees_paid_at is not None
    assert dossier.pauses.get(reason="fees").ended_at is not None
    event = DossierEvent.objects.get(dossier=dossier, action=Action.CONFIRM_FEES)
    assert event.actor is not None
    assert event.actor.username == "cong-thanh-toan"
    assert params["transaction_id"] in event.note
    log = PaymentCallback.objects.get()
    assert (log.verdict, log.reason, log.params["signature"]) == (
        "accepted",
        "dossier_resumed",
        params["signature"],
    )


def _resigned(params: dict[str, str], **changes: Any) -> dict[str, str]:
    return signing.signed({**params, **changes}, settings.MOTCUA_PAYMENT_SECRET)


REFUSALS: list[tuple[str, Any, int, str]] = [
    ("bad signature", lambda p: {**p, "signature": "0" * 64}, 401, "bad_signature"),
    ("tampered amount", lambda p: {**p, "amount": "1000"}, 401, "bad_signature"),
    ("signed with another key", lambda p: signing.signed(p, "not-the-secret"), 401, "bad_signature"),
    ("old timestamp", lambda p: _resigned(p, timestamp=int(time.time()) - 901), 400, "stale_timestamp"),
    ("future timestamp", lambda p: _resigned(p, timestamp=int(time.time()) + 120), 400, "future_timestamp"),
    ("unknown order", lambda p: _resigned(p, order_id="MC000000NOPE"), 404, "unknown_order"),
    ("wrong amount", lambda p: _resigned(p, amount=FEE - 1), 409, "amount_mismatch"),
    ("other merchant", lambda p: _resigned(p, merchant="OTHER"), 400, "wrong_merchant"),
    (
        "missing field",
        lambda p: _resigned({k: v for k, v in p.items() if k != "callback_id"}),
        400,
        "malformed",
    ),
    ("unknown status", lambda p: _resigned(p, status="refunded"), 400, "malformed"),
]


@pytest.mark.parametrize(("case", "spoil", "status", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_bad_notification_is_refused_logged_and_changes_nothing(
    payment: Payment, case: str, spoil: Any, status: int, reason: str
) -> None:
    answer = _post(spoil(ipn_params(payment)))

    assert answer.status_code == status
    assert answer.json()["code"] == reason
    assert set(answer.json()) == {"code", "message", "fields"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED
    assert payment.transaction_id == ""
    dossier = Dossier.objects.get(pk=payment.dossier_id)
    assert dossier.status == Status.FEES_REQUESTED
    assert dossier.fees_paid_at is None
    assert _confirmations(dossier) == 0
    log = PaymentCallback.objects.get()
    assert (log.verdict, log.reason) == (Verdict.REFUSED, reason)


def test_a_body_that_is_not_json_is_refused_and_logged(payment: Payment) -> None:
    answer = Client().post(IPN, "merchant=x&amount=1", content_type="application/x-www-form-urlencoded")

    assert answer.status_code == 400
    assert answer.json()["code"] == "malformed"
    assert PaymentCallback.objects.get().params == {"_body": "merchant=x&amount=1"}


def test_the_same_notification_twice_is_applied_once_and_answered_ok_both_times(payment: Payment) -> None:
    params = ipn_params(payment)

    first, second = _post(params), _post(params)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["code"] == "duplicate"
    assert _confirmations(payment.dossier) == 1
    verdicts = list(PaymentCallback.objects.order_by("pk").values_list("verdict", "reason"))
    assert verdicts == [("accepted", "dossier_resumed"), ("duplicate", "already_applied")]


def test_a_retry_resigned_later_with_the_same_callback_id_is_a_duplicate(payment: Payment) -> None:
    first = ipn_params(payment)
    retry = _resigned(first, timestamp=int(first["timestamp"]) + 3)

    assert _post(first).json()["code"] == "accepted"
    assert _post(retry).json()["code"] == "duplicate"
    assert _confirmations(payment.dossier) == 1


def test_another_notification_for_the_same_paid_transaction_changes_nothing(payment: Payment) -> None:
    _post(ipn_params(payment))
    paid_at = Payment.objects.get(pk=payment.pk).paid_at

    answer = _post(ipn_params(payment, callback_id="cb-second", paid_at=int(time.time()) + 60))

    assert answer.status_code == 200
    assert answer.json()["code"] == "duplicate"
    assert Payment.objects.get(pk=payment.pk).paid_at == paid_at
    assert _confirmations(payment.dossier) == 1


def test_a_replayed_callback_id_with_other_content_is_refused(payment: Payment) -> None:
    _post(ipn_params(payment, callback_id="cb-A", status="failed", transaction_id="GW-T1"))

    answer = _post(ipn_params(payment, callback_id="cb-A", status="paid", transaction_id="GW-T1"))

    assert answer.status_code == 409
    assert answer.json()["code"] == "callback_id_reused"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    assert _confirmations(payment.dossier) == 0


def test_after_payment_a_notification_of_another_outcome_is_refused(payment: Payment) -> None:
    _post(ipn_params(payment))

    answer = _post(ipn_params(payment, callback_id="cb-late", status="cancelled"))

    assert answer.status_code == 409
    assert answer.json()["code"] == "already_paid"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID


def test_a_cancelled_payment_leaves_the_dossier_waiting(payment: Payment) -> None:
    answer = _post(ipn_params(payment, status="cancelled", paid_at=""))

    assert answer.json()["code"] == "accepted"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    assert Dossier.objects.get(pk=payment.dossier_id).status == Status.FEES_REQUESTED


def test_a_payment_arriving_after_the_desk_confirmed_is_recorded_without_a_second_resume(
    world: World, payment: Payment
) -> None:
    from motcua.dossiers.services import dossier_act

    dossier_act(dossier=payment.dossier, actor=world.reception, action=Action.CONFIRM_FEES)

    answer = _post(ipn_params(payment))

    assert answer.json()["code"] == "accepted"
    assert PaymentCallback.objects.get().reason == "dossier_not_waiting"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID
    assert _confirmations(payment.dossier) == 1


def test_administrators_see_refused_callbacks_with_their_reason(
    payment: Payment, admin_client: Client
) -> None:
    _post({**ipn_params(payment), "signature": "f" * 64})

    page = admin_client.get("/admin/payments/paymentcallback/?verdict=refused")

    assert page.status_code == 200
    assert "bad_signature" in page.content.decode()
    assert payment.order_id in page.content.decode()


def test_the_secret_never_appears_in_the_log_or_the_admin(payment: Payment, admin_client: Client) -> None:
    _post(ipn_params(payment))
    _post({**ipn_params(payment), "signature": "f" * 64})

    for log in PaymentCallback.objects.all():
        assert settings.MOTCUA_PAYMENT_SECRET not in str(log.params)
    first = PaymentCallback.objects.earliest("pk")
    page = admin_client.get(f"/admin/payments/paymentcallback/{first.pk}/change/")
    assert settings.MOTCUA_PAYMENT_SECRET not in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_notifications_at_the_same_moment_resume_the_dossier_exactly_once(payment: Payment) -> None:
    import threading

    from django.db import connection

    gate = threading.Barrier(2)
    answers: list[str] = []

    def deliver(callback_id: str) -> None:
        params = ipn_params(payment, callback_id=callback_id)
        gate.wait()
        try:
            answers.append(services.payment_callback_receive(params=params).verdict)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(f"cb-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == ["accepted", "duplicate"]
    assert _confirmations(payment.dossier) == 1
