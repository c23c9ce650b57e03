"""The gateways' delivery-report callbacks (machine to machine: HMAC-signed, no session, no CSRF).

Every refusal is logged with its reason and answered in the API's error shape {code, message, fields};
nothing is changed by a refused report. Formats in docs/integrations/messaging.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.core import clock
from motcua.core.errors import NotFoundError
from motcua.notifications import signing
from motcua.notifications.models import Channel
from motcua.notifications.services import notification_record_delivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    message_id: str
    request_id: str
    delivered: bool
    reason: str
    at: dt.datetime


class MalformedReportError(ValueError):
    pass


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise MalformedReportError(f"{key} must be a string")
    return value


def parse_sms_report(data: dict[str, Any]) -> Report:
    """``{"message_id", "request_id", "status": "delivered"|"failed", "reason", "reported_at": ISO 8601}``"""
    status = data.get("status")
    if status not in ("delivered", "failed"):
        raise MalformedReportError("status must be delivered or failed")
    at = parse_datetime(_text(data, "reported_at"))
    if at is None or at.tzinfo is None:
        raise MalformedReportError("reported_at must be an ISO 8601 time with its offset")
    return Report(
        _text(data, "message_id"), _text(data, "request_id"), status == "delivered", _text(data, "reason"), at
    )


_ZALO_EVENTS = {"user_received_message": True, "user_not_received_message": False}


def parse_zalo_report(data: dict[str, Any]) -> Report:
    """``{"event_name": "user_received_message"|"user_not_received_message",
    "message": {"msg_id", "tracking_id", "delivery_time": ms since the epoch, "reason"}}``"""
    event = data.get("event_name")
    message = data.get("message")
    if event not in _ZALO_EVENTS or not isinstance(message, dict):
        raise MalformedReportError("event_name and message are required")
    millis = message.get("delivery_time")
    if not isinstance(millis, int) or isinstance(millis, bool):
        raise MalformedReportError("delivery_time must be milliseconds since the epoch")
    at = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    return Report(
        _text(message, "msg_id"),
        _text(message, "tracking_id"),
        _ZALO_EVENTS[event],
        _text(message, "reason"),
        at,
    )


_PARSERS = {Channel.SMS: parse_sms_report, Channel.ZALO: parse_zalo_report}


def _refuse(channel: str, status: int, code: str, message: str, reason: str) -> JsonResponse:
    logger.warning("%s delivery report refused: %s", channel, reason)
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


@csrf_exempt
@require_POST
def delivery_report(request: HttpRequest, channel: str) -> JsonResponse:
    parser = _PARSERS.get(channel)  # type: ignore[call-overload]
    if parser is None:
        return _refuse(channel, 404, "not_found", "Không có kênh này.", "unknown channel")
    secrets = {
        Channel.SMS: settings.MOTCUA_SMS_CALLBACK_SECRET,
        Channel.ZALO: settings.MOTCUA_ZALO_CALLBACK_SECRET,
    }
    try:
        signing.verify(
            secret=secrets[Channel(channel)],
            timestamp=request.headers.get(signing.TIMESTAMP_HEADER),
            signature=request.headers.get(signing.SIGNATURE_HEADER),
            body=request.body,
            now=time.time(),
        )
    except signing.BadSignatureError as error:
        return _refuse(channel, 401, "unauthorized", "Chữ ký không hợp lệ.", str(error))
    try:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise MalformedReportError("the body must be a JSON object")
        report = parser(data)
    except (json.JSONDecodeError, UnicodeDecodeError, MalformedReportError) as error:
        return _refuse(channel, 400, "invalid", "Báo cáo gửi tin không hợp lệ.", f"malformed: {error}")
    try:
        notification = notification_record_delivery(
            channel=channel,
            message_id=report.message_id,
            request_id=report.request_id,
            delivered=report.delivered,
            reason=report.reason,
            at=report.at.astimezone(clock.local_zone()),
        )
    except NotFoundError as error:
        return _refuse(channel, 404, error.code, error.message, f"unknown message {report.message_id!r}")
    return JsonResponse({"id": notification.pk, "delivery_status": notification.delivery_status})
