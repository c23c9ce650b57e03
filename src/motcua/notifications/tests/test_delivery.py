"""End to end: an event's message enqueued, the worker hands it to the simulator over HTTP, the simulator's
signed delivery report comes back to MotCua's callback (a live server) and is recorded on the row."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.db import transaction
from pytest_django.live_server_helper import LiveServer

from motcua.core import clock
from motcua.notifications import signing
from motcua.notifications.models import DeliveryStatus, Notification, NotificationStatus
from motcua.notifications.services import notification_enqueue_event
from motcua.notifications.tests.conftest import SMS_SECRET, ZALO_SECRET, Simulator, run_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a real past: tasks are due
PARAMS = {
    "code": "000.00.12.H37-250915-0007",
    "agency": "UBND phường Đông Kinh",
    "due": "17:30 05/03/2026",
    "note": "",
    "fee": "0 đồng",
    "status": "Được tiếp nhận",
    "link": "http://127.0.0.1:8000/tra-cuu/000.00.12.H37-250915-0007/",
}


@pytest.fixture
def callbacks(settings: Any, live_server: LiveServer) -> str:
    settings.MOTCUA_PUBLIC_URL = live_server.url
    settings.MOTCUA_SMS_CALLBACK_SECRET = SMS_SECRET
    settings.MOTCUA_ZALO_CALLBACK_SECRET = ZALO_SECRET
    return live_server.url


def enqueue(channel: str, phone: str = "0912345678", event: str = "dossier.received") -> Notification:
    with transaction.atomic():
        notification = notification_enqueue_event(
            event=event,
            channel=channel,
            recipient=phone,
            params=PARAMS,
            dedupe_key=f"dossier-event:{phone}:{event}:{channel}",
            related_type="dossier",
            related_id=PARAMS["code"],
        )
    assert notification is not None
    return notification


def reported(notification: Notification) -> bool:
    notification.refresh_from_db()
    return notification.delivery_status != DeliveryStatus.UNKNOWN


def test_an_sms_is_sent_and_its_delivery_report_recorded(sms_simulator: Simulator, callbacks: str) -> None:
    notification = enqueue("sms")
    assert (
        notification.body
        == "Hồ sơ 000.00.12.H37-250915-0007 đã được tiếp nhận. Ngày hẹn trả kết quả: 17:30 05/03/2026."
    )
    assert notification.segments == 1  # sent without diacritics

    run_worker()
    notification.refresh_from_db()
    [stored] = sms_simulator.messages()
    assert notification.status == NotificationStatus.SENT
    assert notification.provider_message_id == stored["message_id"]

    wait_for(lambda: reported(notification))
    assert notification.delivery_status == DeliveryStatus.DELIVERED
    assert notification.delivery_error == ""
    assert notification.delivery_reported_at is not None


def test_an_undelivered_sms_is_reported_with_its_reason(sms_simulator: Simulator, callbacks: str) -> None:
    notification = enqueue("sms", phone="0912340000")  # the simulator never reaches numbers ending 0000

    run_worker()
    wait_for(lambda: reported(notification))

    assert notification.status == NotificationStatus.SENT
    assert notification.delivery_status == DeliveryStatus.FAILED
    assert notification.delivery_error == "thuê bao không liên lạc được"


def test_a_zalo_message_is_sent_and_reported(
    zalo_simulator: Simulator, callbacks: str, settings: Any
) -> None:
    zalo_simulator.gateway.config.callback_url = f"{callbacks}/callbacks/messaging/zalo/"
    notification = enqueue("zalo")
    assert notification.external_template_id == "250002"
    assert notification.params["code"] == PARAMS["code"]

    run_worker()
    wait_for(lambda: reported(notification))

    [stored] = zalo_simulator.messages()
    assert notification.provider_message_id == stored["message_id"]
    assert notification.delivery_status == DeliveryStatus.DELIVERED


def test_a_failing_gateway_is_retried_and_the_row_shows_why(sms_simulator: Simulator, callbacks: str) -> None:
    sms_simulator.control(fail_next=2, fail_status=503)
    with clock.frozen(T0):
        notification = enqueue("sms")
        run_worker("--max-tasks", "1")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert notification.attempts == 1
    assert notification.last_error == "SMS gateway refused the message: HTTP 503 unavailable"

    for _ in range(2):  # each retry at its due moment (T0 is in the real past, so the queue runs it)
        with clock.frozen(notification.next_attempt_at):
            run_worker("--max-tasks", "1")
        notification.refresh_from_db()

    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 3
    assert notification.sent_at == T0 + dt.timedelta(minutes=3)
    assert len(sms_simulator.messages()) == 1


def test_an_invalid_phone_fails_at_once_without_retries(sms_simulator: Simulator) -> None:
    notification = enqueue("sms", phone="02053812345")

    run_worker()

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 1
    assert notification.last_error == "the recipient is not a Vietnamese mobile number"


def test_a_report_for_a_send_whose_answer_was_lost_marks_it_sent(
    sms_simulator: Simulator, callbacks: str
) -> None:
    sms_simulator.control(slow_next=1, slow_seconds=1.5)  # accepted, but answered after our 1 s timeout
    notification = enqueue("sms")

    run_worker("--max-tasks", "1")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    assert "did not answer" in notification.last_error

    wait_for(lambda: reported(notification))
    [stored] = sms_simulator.messages()
    assert notification.status == NotificationStatus.SENT
    assert notification.provider_message_id == stored["message_id"]
    assert notification.delivery_status == DeliveryStatus.DELIVERED


def _post_report(
    url: str, body: dict[str, Any], *, secret: str, timestamp: int | None = None
) -> httpx.Response:
    raw = json.dumps(body).encode()
    headers = signing.signed_headers(secret=secret, timestamp=timestamp or int(time.time()), body=raw)
    return httpx.post(url, content=raw, headers={**headers, "Content-Type": "application/json"}, timeout=5)


def _sms_report(
    message_id: str, status: str = "delivered", at: str = "2026-03-05T10:00:00+07:00"
) -> dict[str, str]:
    return {"message_id": message_id, "request_id": "", "status": status, "reason": "", "reported_at": at}


def test_reports_with_a_bad_signature_an_old_timestamp_or_bad_content_change_nothing(
    callbacks: str, caplog: pytest.LogCaptureFixture
) -> None:
    notification = enqueue("sms")
    Notification.objects.filter(pk=notification.pk).update(provider_message_id="m-1")
    url = f"{callbacks}/callbacks/messaging/sms/"

    refusals = [
        _post_report(url, _sms_report("m-1"), secret="not-the-secret"),
        _post_report(url, _sms_report("m-1"), secret=SMS_SECRET, timestamp=int(time.time()) - 3600),
        _post_report(url, _sms_report("m-1", status="read"), secret=SMS_SECRET),
        _post_report(url, _sms_report("m-unknown"), secret=SMS_SECRET),
        httpx.post(url, json=_sms_report("m-1"), timeout=5),  # unsigned
        _post_report(f"{callbacks}/callbacks/messaging/sms/", _sms_report("m-1"), secret=ZALO_SECRET),
    ]

    assert [r.status_code for r in refusals] == [401, 401, 400, 404, 401, 401]
    assert {r.json()["code"] for r in refusals} == {"unauthorized", "invalid", "not_found"}
    assert reported(notification) is False
    assert "the signature does not match" in caplog.text
    assert SMS_SECRET not in caplog.text


def test_recording_a_report_is_idempotent_and_an_older_one_does_not_win(callbacks: str) -> None:
    notification = enqueue("sms")
    Notification.objects.filter(pk=notification.pk).update(provider_message_id="m-1")
    url = f"{callbacks}/callbacks/messaging/sms/"

    answers = [
        _post_report(url, _sms_report("m-1", "failed", "2026-03-05T10:05:00+07:00"), secret=SMS_SECRET),
        _post_report(url, _sms_report("m-1", "failed", "2026-03-05T10:05:00+07:00"), secret=SMS_SECRET),
        _post_report(url, _sms_report("m-1", "delivered", "2026-03-05T10:00:00+07:00"), secret=SMS_SECRET),
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.FAILED
    assert notification.delivery_reported_at == dt.datetime.fromisoformat("2026-03-05T10:05:00+07:00")
    assert notification.status == NotificationStatus.SENT  # the report proves the send
