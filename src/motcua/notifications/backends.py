"""Delivery channels: one small class per way of reaching a citizen, chosen by settings.

E-mail goes through Django's mail framework (``EMAIL_BACKEND``); SMS and Zalo through the classes named by
``MOTCUA_SMS_BACKEND`` / ``MOTCUA_ZALO_BACKEND`` (the logging backend until a provider adapter exists).
"""

from __future__ import annotations

import logging
import smtplib
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from motcua.notifications.models import Channel

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel did not accept the message; the outbox retries it later."""


class MessageBackend(Protocol):
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        """Hand the message to the channel, or raise ``DeliveryError``."""


class EmailBackend:
    def send(self, *, recipient: str, subject: str, body: str) -> None:
        try:
            send_mail(subject, body, None, [recipient], fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error


class LoggingBackend:
    """Writes the message to the log instead of sending it: development, and channels with no provider yet."""

    def send(self, *, recipient: str, subject: str, body: str) -> None:
        logger.info("message to %s: %s\n%s", recipient, subject, body)


def get_backend(channel: str) -> MessageBackend:
    """The backend configured for a channel, freshly built (settings may change in tests)."""
    paths = {
        Channel.EMAIL: "motcua.notifications.backends.EmailBackend",
        Channel.SMS: settings.MOTCUA_SMS_BACKEND,
        Channel.ZALO: settings.MOTCUA_ZALO_BACKEND,
    }
    backend_class = import_string(paths[Channel(channel)])
    backend: MessageBackend = backend_class()
    return backend
