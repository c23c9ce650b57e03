"""The SMS and Zalo adapters against their simulators over real HTTP on loopback (no database)."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest

from motcua.notifications.backends import DeliveryError, OutgoingMessage, PermanentDeliveryError
from motcua.notifications.events import EVENTS
from motcua.notifications.gateways import SmsGatewayBackend, ZaloZnsBackend
from motcua.notifications.tests.conftest import SMS_KEY, ZALO_TOKEN, Simulator

TEXT = "Hồ sơ 000.00.12.H37-250915-0007 đã được tiếp nhận. Ngày hẹn trả kết quả: 17:30 05/03/2026."
PARAMS = {**EVENTS["dossier.received"].sample}


def sms(
    recipient: str = "0912 345 678", body: str = TEXT, request_id: str = "dossier-event:1:sms"
) -> OutgoingMessage:
    return OutgoingMessage(recipient=recipient, subject="", body=body, request_id=request_id)


def zalo(recipient: str = "0912345678", template: str = "250002", **params: str) -> OutgoingMessage:
    return OutgoingMessage(
        recipient=recipient,
        subject="",
        body="",
        request_id="dossier-event:1:zalo",
        params=params or PARAMS,
        external_template_id=template,
    )


def test_an_sms_goes_out_with_the_brandname_the_normalised_phone_and_no_diacritics(
    sms_simulator: Simulator, settings: Any
) -> None:
    settings.MOTCUA_SMS_BRANDNAME = "UBNDLANGSON"

    message_id = SmsGatewayBackend().send(sms())

    [stored] = sms_simulator.messages()
    assert stored["message_id"] == message_id
    assert stored["phone"] == "84912345678"
    assert stored["request_id"] == "dossier-event:1:sms"
    assert stored["content"] == (
        "Ho so 000.00.12.H37-250915-0007 da duoc tiep nhan. Ngay hen tra ket qua: 17:30 05/03/2026."
    )
    assert '"brandname": "UBNDLANGSON"' in stored["meta"]
    assert '"segments": 1' in stored["meta"]


def test_with_ascii_off_the_sms_keeps_its_diacritics_as_unicode(
    sms_simulator: Simulator, settings: Any
) -> None:
    settings.MOTCUA_SMS_ASCII = False

    SmsGatewayBackend().send(sms())

    [stored] = sms_simulator.messages()
    assert stored["content"] == TEXT
    assert '"encoding": "UCS-2"' in stored["meta"]
    assert '"segments": 2' in stored["meta"]


def test_the_same_request_id_twice_is_one_message_with_one_id(sms_simulator: Simulator) -> None:
    first = SmsGatewayBackend().send(sms())
    second = SmsGatewayBackend().send(sms(body="another wording"))

    assert second == first
    assert len(sms_simulator.messages()) == 1


def test_an_invalid_phone_is_a_permanent_failure_sent_nowhere(sms_simulator: Simulator) -> None:
    with pytest.raises(PermanentDeliveryError, match="not a Vietnamese mobile number"):
        SmsGatewayBackend().send(sms(recipient="0205 3812 345"))  # a landline

    assert sms_simulator.messages() == []


def test_a_gateway_refusing_the_text_is_a_permanent_failure(sms_simulator: Simulator, settings: Any) -> None:
    settings.MOTCUA_SMS_ASCII = False

    with pytest.raises(PermanentDeliveryError, match="HTTP 400 too_long"):
        SmsGatewayBackend().send(sms(body="ồ" * 400))


@pytest.mark.parametrize(
    ("hooks", "reason"),
    [
        ({"fail_next": 1, "fail_status": 503}, "HTTP 503 unavailable"),
        ({"fail_next": 1, "fail_status": 429}, "HTTP 429"),
        ({"malformed_next": 1}, "not a JSON object"),
        ({"slow_next": 1, "slow_seconds": 2}, "did not answer within 1 s"),
    ],
)
def test_errors_malformed_and_slow_answers_are_retryable_delivery_errors(
    sms_simulator: Simulator, hooks: dict[str, Any], reason: str
) -> None:
    sms_simulator.control(**hooks)

    with pytest.raises(DeliveryError, match=reason) as caught:
        SmsGatewayBackend().send(sms())

    assert not isinstance(caught.value, PermanentDeliveryError)
    assert SmsGatewayBackend().send(sms())  # the next attempt goes through


def test_an_answer_lost_to_a_timeout_is_not_sent_twice_on_retry(sms_simulator: Simulator) -> None:
    sms_simulator.control(slow_next=1, slow_seconds=1.5)
    with pytest.raises(DeliveryError):
        SmsGatewayBackend().send(sms())  # the gateway took it; only the answer was late
    time.sleep(0.6)

    message_id = SmsGatewayBackend().send(sms())

    [stored] = sms_simulator.messages()
    assert stored["message_id"] == message_id


def test_an_unreachable_gateway_is_a_delivery_error(settings: Any) -> None:
    settings.MOTCUA_SMS_GATEWAY_URL = "http://127.0.0.1:9"  # the discard port: nobody listens on loopback
    settings.MOTCUA_SMS_API_KEY = SMS_KEY

    with pytest.raises(DeliveryError, match="SMS gateway unreachable"):
        SmsGatewayBackend().send(sms())


def test_secrets_never_reach_logs_or_errors(
    sms_simulator: Simulator, zalo_simulator: Simulator, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    errors = []
    with caplog.at_level(logging.DEBUG):
        settings.MOTCUA_SMS_API_KEY = "wrong-" + SMS_KEY
        settings.MOTCUA_ZALO_ACCESS_TOKEN = "wrong-" + ZALO_TOKEN
        with pytest.raises(DeliveryError) as caught:
            SmsGatewayBackend().send(sms())
        errors.append(str(caught.value))
        with pytest.raises(DeliveryError) as caught:
            ZaloZnsBackend().send(zalo())
        errors.append(str(caught.value))
        sms_simulator.control(slow_next=1, slow_seconds=2)
        settings.MOTCUA_SMS_API_KEY = SMS_KEY
        with pytest.raises(DeliveryError) as caught:
            SmsGatewayBackend().send(sms())
        errors.append(str(caught.value))

    assert errors[0].startswith("SMS gateway refused the message: HTTP 401 unauthorized")
    assert errors[1].startswith("Zalo ZNS refused the message: HTTP 200 error -124")
    assert "did not answer" in errors[2]
    for secret in (SMS_KEY, ZALO_TOKEN):
        assert secret not in caplog.text
        assert all(secret not in error for error in errors)


def test_a_missing_credential_is_named_not_sent(sms_simulator: Simulator, settings: Any) -> None:
    settings.MOTCUA_SMS_API_KEY = ""

    with pytest.raises(DeliveryError, match="SMS_API_KEY is not set"):
        SmsGatewayBackend().send(sms())
    assert sms_simulator.messages() == []


def test_a_zalo_message_is_a_template_id_its_parameters_and_the_phone(zalo_simulator: Simulator) -> None:
    message_id = ZaloZnsBackend().send(zalo())

    [stored] = zalo_simulator.messages()
    assert stored["message_id"] == message_id
    assert stored["phone"] == "84912345678"
    assert stored["content"].startswith("[250002] ")
    assert "code=000.00.12.H37-250915-0007" in stored["content"]
    assert ZaloZnsBackend().send(zalo()) == message_id  # the tracking id deduplicates


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (zalo(template="999999"), "error -109"),
        (zalo(code="000.00.12.H37-250915-0007"), "error -115 Template data is missing: due, link"),
        (zalo(recipient="0205381234"), "not a Vietnamese mobile number"),
        (zalo(template=""), "no Zalo ZNS template id"),
    ],
)
def test_zalo_refusals_that_no_retry_changes_are_permanent(
    zalo_simulator: Simulator, message: OutgoingMessage, error: str
) -> None:
    with pytest.raises(PermanentDeliveryError, match=error):
        ZaloZnsBackend().send(message)
    assert zalo_simulator.messages() == []


def test_the_simulators_list_their_messages_on_a_page(sms_simulator: Simulator) -> None:
    SmsGatewayBackend().send(sms())

    page = httpx.get(sms_simulator.url + "/", timeout=5)

    assert page.headers["content-type"].startswith("text/html")
    assert "84912345678" in page.text
    assert "Ho so 000.00.12.H37-250915-0007" in page.text
