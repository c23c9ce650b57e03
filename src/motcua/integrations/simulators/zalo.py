"""A Zalo Notification Service (ZNS) API for tests, demos, development (``motcua simulate zalo``, port 8705).

``POST /message/template`` (header ``access_token: <ZALO_ACCESS_TOKEN>``) with
``{"phone": "84xxxxxxxxx", "template_id", "template_data": {name: value}, "tracking_id"}`` answers, like
Zalo, HTTP 200 with ``{"error": 0, "message": "Success", "data": {"msg_id", "sent_time"}}`` or a negative
``error``: -124 bad access token, -108 invalid phone, -109 unknown template, -115 missing or invalid
template data. A repeated ``tracking_id`` gets the first message's id back. The approved templates are
MotCua's default ZNS templates (``motcua.notifications.events``) with the parameters their text uses.
About a second later a ``user_received_message`` (or, for numbers ending 0000,
``user_not_received_message``) event is POSTed, HMAC-signed with ``ZALO_CALLBACK_SECRET``, to MotCua.
``GET /message/status?msg_id=`` answers the message's state; ``GET /`` lists the messages. Stored in
``var/zalo-simulator.sqlite3``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from pathlib import Path
from typing import Any

from motcua.integrations.simulators import _messaging, base
from motcua.notifications.events import EVENTS

DEFAULT_PORT = 8705
PARAM_MAX = 200
_PHONE = re.compile(r"84[35789]\d{8}")
_VARIABLE = re.compile(r"{{\s*(\w+)")


def approved_templates() -> dict[str, frozenset[str]]:
    """Template id -> the parameters it needs."""
    return {
        event.zalo_template_id: frozenset(_VARIABLE.findall(event.zalo_text))
        for event in EVENTS.values()
        if event.zalo_template_id
    }


def _error(code: int, message: str) -> base.HttpError:
    return base.HttpError(200, {"error": code, "message": message})


def parse_send(request: base.Request, config: _messaging.GatewayConfig) -> _messaging.Accepted:
    if not config.credential or (request.headers.get("access_token") or "") != config.credential:
        raise _error(-124, "Access token is invalid")
    data = request.json()
    if not isinstance(data, dict):
        raise _error(-115, "Body is invalid")
    phone, template_id, template_data, tracking_id = (
        data.get(k) for k in ("phone", "template_id", "template_data", "tracking_id")
    )
    if not isinstance(phone, str) or not _PHONE.fullmatch(phone):
        raise _error(-108, "Phone number is invalid")
    templates = approved_templates()
    if not isinstance(template_id, str) or template_id not in templates:
        raise _error(-109, "Template id is invalid")
    if not isinstance(template_data, dict) or not all(
        isinstance(value, str) and len(value) <= PARAM_MAX for value in template_data.values()
    ):
        raise _error(-115, "Template data is invalid")
    missing = sorted(templates[template_id] - {k for k, v in template_data.items() if v})
    if missing:
        raise _error(-115, f"Template data is missing: {', '.join(missing)}")
    if not isinstance(tracking_id, str) or not 0 < len(tracking_id) <= 200:
        raise _error(-115, "tracking_id is invalid")
    content = f"[{template_id}] " + "; ".join(f"{k}={v}" for k, v in sorted(template_data.items()))
    return _messaging.Accepted(
        request_id=tracking_id,
        phone=phone,
        content=content,
        meta={"template_id": template_id},
        callback_url="",
    )


def _answer(message_id: str, duplicate: bool) -> base.Response:
    sent = str(int(time.time() * 1000))
    return base.json_response(
        {"error": 0, "message": "Success", "data": {"msg_id": message_id, "sent_time": sent}}
    )


def _millis(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


def _report(row: dict[str, Any]) -> dict[str, Any]:
    delivered = row["report"] == "delivered"
    return {
        "event_name": "user_received_message" if delivered else "user_not_received_message",
        "message": {
            "msg_id": row["message_id"],
            "tracking_id": row["request_id"],
            "delivery_time": _millis(row["reported_at"]),
            "reason": row["reason"],
        },
    }


def _status(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "error": 0,
        "data": {"msg_id": row["message_id"], "status": row["report"] or "sent", "reason": row["reason"]},
    }


DIALECT = _messaging.Dialect(
    name="Zalo",
    send_path="/message/template",
    status_path="/message/status",
    parse_send=parse_send,
    answer=_answer,
    report_body=_report,
    status_body=_status,
    new_message_id=lambda: secrets.token_hex(16),
)


def default_config() -> _messaging.GatewayConfig:
    from django.conf import settings

    return _messaging.GatewayConfig(
        db_path=Path(settings.BASE_DIR) / "var" / "zalo-simulator.sqlite3",
        credential=settings.MOTCUA_ZALO_ACCESS_TOKEN,
        callback_secret=settings.MOTCUA_ZALO_CALLBACK_SECRET,
        callback_url=settings.MOTCUA_PUBLIC_URL.rstrip("/") + "/callbacks/messaging/zalo/",
    )


def serve(host: str, port: int) -> None:
    _messaging.run(DIALECT, default_config(), host, port)
