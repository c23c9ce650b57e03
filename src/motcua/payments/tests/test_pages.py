"""The citizen's pages and the permissions: start, the browser's return, the state, the receipt."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from tests.factories import make_user

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Status
from motcua.payments import signing
from motcua.payments.models import Payment, PaymentCallback, PaymentStatus
from motcua.payments.services import payment_start
from motcua.payments.tests.conftest import FEE, ipn_params

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start(user: User, dossier: Dossier) -> Any:
    return _client(user).post(f"/ho-so/{dossier.code}/thanh-toan/")


def test_the_applicant_sees_the_button_on_the_dossier_page(world: World, dossier: Dossier) -> None:
    page = _client(world.citizen).get(f"/tra-cuu/{dossier.code}/").content.decode()

    assert "Thanh toán trực tuyến" in page or "Pay online" in page
    assert "150.000" in page or "150,000" in page
    other = _client(world.other_citizen).get(f"/tra-cuu/{dossier.code}/").content.decode()
    assert f"/ho-so/{dossier.code}/thanh-toan/" not in other


def test_starting_sends_the_browser_to_the_gateway_with_a_signed_request(
    world: World, dossier: Dossier
) -> None:
    answer = _start(world.citizen, dossier)

    assert answer.status_code == 302
    target = urlsplit(answer["Location"])
    assert f"{target.scheme}://{target.netloc}" == settings.MOTCUA_PAYMENT_GATEWAY_URL
    assert target.path == "/pay"
    params = dict(parse_qsl(target.query))
    assert signing.verify(params, settings.MOTCUA_PAYMENT_SECRET)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PENDING
    assert params["order_id"] == payment.order_id
    assert params["amount"] == str(FEE)
    assert params["merchant"] == settings.MOTCUA_PAYMENT_MERCHANT_CODE
    assert params["ipn_url"].endswith("/api/v1/payments/ipn")
    assert params["return_url"].endswith(f"/thanh-toan/{payment.order_id}/ket-qua/")
    assert int(params["expires_at"]) > int(params["timestamp"]) >= int(time.time()) - 5
    assert settings.MOTCUA_PAYMENT_SECRET not in answer["Location"]


def test_starting_again_reuses_the_open_payment(world: World, dossier: Dossier) -> None:
    _start(world.citizen, dossier)
    _start(world.citizen, dossier)

    assert Payment.objects.count() == 1


def test_only_the_applicant_may_pay(world: World, dossier: Dossier) -> None:
    assert _start(world.other_citizen, dossier).status_code == 404
    # an official of the agency sees the dossier but does not pay for the citizen
    answer = _start(world.reception, dossier)
    assert answer.status_code == 302
    assert answer["Location"] == f"/tra-cuu/{dossier.code}/"
    assert not Payment.objects.exists()


def test_no_payment_unless_fees_are_requested(world: World, dossier: Dossier) -> None:
    Payment.objects.create(
        dossier=dossier,
        payer=world.citizen,
        order_id="MCX",
        amount=1,
        description="x",
        expires_at=dossier.created_at,
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.PROCESSING)

    answer = _start(world.citizen, dossier)

    assert answer.status_code == 302
    assert Payment.objects.count() == 1


def test_the_return_page_shows_waiting_until_the_ipn_arrives(world: World, dossier: Dossier) -> None:
    payment = payment_start(dossier=dossier, actor=world.citizen)
    client = _client(world.citizen)
    claimed_paid = {k: v for k, v in ipn_params(payment).items() if k not in {"callback_id", "paid_at"}}
    claimed_paid = signing.signed(claimed_paid, settings.MOTCUA_PAYMENT_SECRET)

    answer = client.get(f"/thanh-toan/{payment.order_id}/ket-qua/", claimed_paid, follow=True)

    page = answer.content.decode()
    assert "Đang chờ xác nhận" in page or "Waiting for confirmation" in page
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED
    assert PaymentCallback.objects.get().kind == "return"

    Client().post("/api/v1/payments/ipn", ipn_params(payment), content_type="application/json")
    page = client.get(f"/thanh-toan/{payment.order_id}/").content.decode()
    assert "Waiting for confirmation" not in page
    assert "Đang chờ xác nhận" not in page
    assert "bien-lai.pdf" in page


def test_a_forged_return_is_logged_as_refused_and_trusted_for_nothing(world: World, dossier: Dossier) -> None:
    payment = payment_start(dossier=dossier, actor=world.citizen)
    forged = {**ipn_params(payment), "signature": "0" * 64}

    _client(world.citizen).get(f"/thanh-toan/{payment.order_id}/ket-qua/", forged)

    log = PaymentCallback.objects.get()
    assert (log.kind, log.verdict, log.reason) == ("return", "refused", "bad_signature")
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CREATED


def _paid(world: World, dossier: Dossier) -> Payment:
    payment = payment_start(dossier=dossier, actor=world.citizen)
    Client().post("/api/v1/payments/ipn", ipn_params(payment), content_type="application/json")
    return Payment.objects.get(pk=payment.pk)


def test_the_receipt_is_a_pdf_for_the_applicant_and_the_agencys_officials(
    world: World, dossier: Dossier
) -> None:
    payment = _paid(world, dossier)
    url = f"/thanh-toan/{payment.order_id}/bien-lai.pdf"

    for user in (world.citizen, world.reception, world.leader):
        answer = _client(user).get(url)
        assert answer.status_code == 200, user
        assert answer["Content-Type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF")
    for user in (world.other_citizen, world.outsider, make_user(kind="official")):
        assert _client(user).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_no_receipt_before_payment(world: World, dossier: Dossier) -> None:
    payment = payment_start(dossier=dossier, actor=world.citizen)

    assert _client(world.citizen).get(f"/thanh-toan/{payment.order_id}/bien-lai.pdf").status_code == 404


def test_the_receipt_names_the_payer_dossier_procedure_amount_in_words_and_transaction(
    world: World, dossier: Dossier
) -> None:
    from motcua.payments.receipts import receipt_context

    payment = _paid(world, dossier)
    context = receipt_context(payment)
    from django.template.loader import render_to_string

    text = render_to_string("payments/receipt.html", context)

    for expected in (
        "Nguyễn Văn An",
        dossier.code,
        "Đăng ký khai sinh",
        "150.000 đồng",
        "Một trăm năm mươi nghìn đồng",
        payment.transaction_id,
        "BIÊN LAI ĐIỆN TỬ",
    ):
        assert str(expected) in text


def test_the_api_starts_a_payment_for_the_applicant(world: World, dossier: Dossier) -> None:
    client = _client(world.citizen)
    answer = client.post(f"/api/v1/payments/dossiers/{dossier.code}")

    assert answer.status_code == 201
    assert answer.json()["payment_url"].startswith(settings.MOTCUA_PAYMENT_GATEWAY_URL + "/pay?")
    assert answer.json()["status"] == "pending"
    assert client.get(f"/api/v1/payments/dossiers/{dossier.code}").json()[0]["amount"] == FEE
    refused = _client(world.other_citizen).post(f"/api/v1/payments/dossiers/{dossier.code}")
    assert refused.status_code == 404
    assert set(refused.json()) == {"code", "message", "fields"}
