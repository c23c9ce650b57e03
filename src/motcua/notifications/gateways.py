"""HTTP adapters of the SMS brandname gateway and of Zalo ZNS; wire formats in docs/integrations/messaging.md.

Every way a call can go wrong (unreachable, slow, an error status, a body that is not the expected JSON)
becomes a ``DeliveryError`` whose text names the cause and never a credential: the API key and the access
token travel only in request headers, and neither the headers nor the exception texts of the HTTP library
are copied into errors or logs. Answers that will never change on a retry (an invalid phone number, an
unknown template) are ``PermanentDeliveryError``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from motcua.notifications import smstext
from motcua.notifications.backends import DeliveryError, OutgoingMessage, PermanentDeliveryError
from motcua.notifications.phones import InvalidPhoneError, normalize_mobile

ZALO_PARAM_MAX = 200  # characters of one ZNS parameter value


def callback_url(channel: str) -> str:
    """MotCua's delivery-report endpoint for the channel, as the gateway must call it ("" if not routed)."""
    try:
        path = reverse("notifications:delivery_report", kwargs={"channel": channel})
    except NoReverseMatch:
        return ""
    return settings.MOTCUA_PUBLIC_URL.rstrip("/") + path


def _phone(recipient: str) -> str:
    try:
        return normalize_mobile(recipient)
    except InvalidPhoneError:
        raise PermanentDeliveryError("the recipient is not a Vietnamese mobile number") from None


def _scrubbed(reason: str, secret: str) -> str:
    """The reason, shortened, with the credential masked should a gateway ever echo it back."""
    return reason.replace(secret, "***").strip()[:500] if secret else reason.strip()[:500]


def _post(
    *, system: str, url: str, headers: dict[str, str], payload: dict[str, Any], timeout: float
) -> tuple[int, dict[str, Any]]:
    """POST JSON, return (status, JSON object answered); DeliveryError for anything else."""
    try:
        response = httpx.post(url, json=payload, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise DeliveryError(f"{system} did not answer within {timeout:g} s") from None
    except httpx.HTTPError as error:
        raise DeliveryError(f"{system} unreachable ({type(error).__name__})") from None
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise DeliveryError(
            f"{system} answered HTTP {response.status_code} with a body that is not a JSON object"
        )
    return response.status_code, body


class SmsGatewayBackend:
    """A brandname SMS gateway over HTTP JSON (``SMS_GATEWAY_URL``): one POST per message."""

    system = "SMS gateway"

    def send(self, message: OutgoingMessage) -> str:
        api_key = settings.MOTCUA_SMS_API_KEY
        if not api_key:
            raise DeliveryError("SMS_API_KEY is not set")
        ascii_only = settings.MOTCUA_SMS_ASCII
        text = smstext.wire_text(message.body, ascii_only=ascii_only)
        payload = {
            "brandname": settings.MOTCUA_SMS_BRANDNAME,
            "phone": _phone(message.recipient),
            "text": text,
            "unicode": smstext.measure(text).is_unicode,
            "request_id": message.request_id,
            "callback_url": callback_url("sms"),
        }
        status, body = _post(
            system=self.system,
            url=settings.MOTCUA_SMS_GATEWAY_URL.rstrip("/") + "/v1/messages",
            headers={"Authorization": f"Bearer {api_key}"},
            payload=payload,
            timeout=settings.MOTCUA_SMS_TIMEOUT,
        )
        if status == 200:
            message_id = body.get("message_id")
            if not isinstance(message_id, str) or not message_id:
                raise DeliveryError(f"{self.system} accepted the message without a message_id")
            return message_id
        error = body.get("error")
        if not isinstance(error, dict):
            error = {}
        detail = f"{error.get('code', '')} {error.get('message', '')}"
        reason = f"{self.system} refused the message: HTTP {status} {detail}"
        if status in (400, 422):
            raise PermanentDeliveryError(_scrubbed(reason, api_key))
        raise DeliveryError(_scrubbed(reason, api_key))


# Zalo ZNS error codes that no retry will change (the simulator's set; see the wire-format document).
ZALO_PERMANENT_ERRORS = frozenset({-108, -109, -115, -118})


class ZaloZnsBackend:
    """Zalo Notification Service: a template registered with Zalo, its parameters and the phone number."""

    system = "Zalo ZNS"

    def send(self, message: OutgoingMessage) -> str:
        token = settings.MOTCUA_ZALO_ACCESS_TOKEN
        if not token:
            raise DeliveryError("ZALO_ACCESS_TOKEN is not set")
        if not message.external_template_id:
            raise PermanentDeliveryError("the message has no Zalo ZNS template id")
        payload = {
            "phone": _phone(message.recipient),
            "template_id": message.external_template_id,
            "template_data": {key: str(value)[:ZALO_PARAM_MAX] for key, value in message.params.items()},
            "tracking_id": message.request_id,
        }
        status, body = _post(
            system=self.system,
            url=settings.MOTCUA_ZALO_API_URL.rstrip("/") + "/message/template",
            headers={"access_token": token},
            payload=payload,
            timeout=settings.MOTCUA_ZALO_TIMEOUT,
        )
        code = body.get("error")
        if status == 200 and code == 0:
            data = body.get("data")
            message_id = data.get("msg_id") if isinstance(data, dict) else None
            if not isinstance(message_id, str) or not message_id:
                raise DeliveryError(f"{self.system} accepted the message without a msg_id")
            return message_id
        reason = f"{self.system} refused the message: HTTP {status} error {code} {body.get('message', '')}"
        if isinstance(code, int) and code in ZALO_PERMANENT_ERRORS:
            raise PermanentDeliveryError(_scrubbed(reason, token))
        raise DeliveryError(_scrubbed(reason, token))
