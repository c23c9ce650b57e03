"""Channel backends and the retry schedule: no database."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from motcua.notifications.backends import (
    DeliveryError,
    EmailBackend,
    LoggingBackend,
    OutgoingMessage,
    get_backend,
)
from motcua.notifications.gateways import SmsGatewayBackend, ZaloZnsBackend
from motcua.notifications.services import retry_delay


def outgoing(recipient: str, subject: str = "s", body: str = "b") -> OutgoingMessage:
    return OutgoingMessage(recipient=recipient, subject=subject, body=body, request_id="test:1")


class RefusingSmtp(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_the_email_backend_sends_through_django_mail() -> None:
    EmailBackend().send(outgoing("an@example.vn", "Tiếp nhận hồ sơ", "Nội dung"))

    [message] = mail.outbox
    assert (message.to, message.subject, message.body) == (["an@example.vn"], "Tiếp nhận hồ sơ", "Nội dung")


def test_an_smtp_failure_is_a_delivery_error(settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingSmtp"

    with pytest.raises(DeliveryError, match="SMTPServerDisconnected"):
        EmailBackend().send(outgoing("an@example.vn"))


def test_the_logging_backend_logs_the_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="motcua.notifications.backends"):
        LoggingBackend().send(outgoing("0912345678", "", "Hồ sơ đã có kết quả"))

    assert "0912345678" in caplog.text
    assert "Hồ sơ đã có kết quả" in caplog.text


def test_each_channel_resolves_its_configured_backend(settings: Any) -> None:
    assert isinstance(get_backend("sms"), SmsGatewayBackend)  # the defaults: the HTTP gateways
    assert isinstance(get_backend("zalo"), ZaloZnsBackend)
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.backends.LoggingBackend"
    settings.MOTCUA_ZALO_BACKEND = f"{__name__}.RefusingSmtp"

    assert isinstance(get_backend("email"), EmailBackend)
    assert isinstance(get_backend("sms"), LoggingBackend)
    assert isinstance(get_backend("zalo"), RefusingSmtp)
    with pytest.raises(ValueError, match="fax"):
        get_backend("fax")


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 32), (7, 60), (8, 60), (100, 60)]
)
def test_retries_back_off_exponentially_up_to_an_hour(attempts: int, minutes: int) -> None:
    assert retry_delay(attempts) == dt.timedelta(minutes=minutes)
