"""Delivery channels: one small class per way of reaching a citizen, chosen by settings.

E-mail goes through Django's mail framework (``EMAIL_BACKEND``); SMS and Zalo through the classes named by
``MOTCUA_SMS_BACKEND`` / ``MOTCUA_ZALO_BACKEND``: the HTTP gateway adapters of ``gateways.py`` (pointing at
the loopback simulators in development), or the logging backend, which sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from motcua.notifications.models import Channel

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel did not accept the message; the outbox retries it later.

    The message is shown to administrators and logged: it names the cause, never a credential.
    """


class PermanentDeliveryError(DeliveryError):
    """The channel will never accept this message as it is (an invalid phone number, a refused template):
    the outbox gives up at once instead of retrying."""


@dataclass(frozen=True)
class OutgoingMessage:
    recipient: str
    subject: str
    body: str
    request_id: str  # the notification's dedupe key: a gateway drops a repeated request
    params: Mapping[str, str] = field(default_factory=dict)
    external_template_id: str = ""


class MessageBackend(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Hand the message to the channel and return the provider's message id ("" when it has none),
        or raise ``DeliveryError``."""


class EmailBackend:
    def send(self, message: OutgoingMessage) -> str:
        try:
            send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        return ""


class LoggingBackend:
    """Writes the message to the log instead of sending it: development without the simulators."""

    def send(self, message: OutgoingMessage) -> str:
        logger.info("message to %s: %s\n%s", message.recipient, message.subject, message.body)
        return ""


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
