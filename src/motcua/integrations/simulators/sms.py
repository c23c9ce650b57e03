"""A brandname SMS gateway for tests, demos and development (``motcua simulate sms``, port 8704).

``POST /v1/messages`` (``Authorization: Bearer <SMS_API_KEY>``) with
``{"brandname", "phone": "84xxxxxxxxx", "text", "unicode": bool, "request_id", "callback_url"?}`` answers
``{"message_id", "segments", "duplicate"}``; a repeated ``request_id`` gets the first message's id back and
sends nothing. A second later the delivery report is POSTed, HMAC-signed with ``SMS_CALLBACK_SECRET``, to
the request's ``callback_url`` (or MotCua's). ``GET /v1/messages?id=`` answers the message's state
(polling); ``GET /`` lists the messages. Stored in ``var/sms-simulator.sqlite3``. Wire format and the
control hooks: docs/integrations/messaging.md and ``_messaging``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from motcua.integrations.simulators import _messaging, base
from motcua.notifications import smstext

DEFAULT_PORT = 8704
MAX_SEGMENTS = 5
_PHONE = re.compile(r"84[35789]\d{8}")
_BRANDNAME = re.compile(r"[A-Za-z0-9 ._-]{1,11}")


def _refuse(status: int, code: str, message: str) -> base.HttpError:
    return base.HttpError(status, {"error": {"code": code, "message": message}})


def parse_send(request: base.Request, config: _messaging.GatewayConfig) -> _messaging.Accepted:
    if not config.credential or _messaging.bearer(request) != config.credential:
        raise _refuse(401, "unauthorized", "invalid API key")
    data = request.json()
    if not isinstance(data, dict):
        raise _refuse(400, "invalid_request", "a JSON object is expected")
    brandname, phone, text, request_id = (data.get(k) for k in ("brandname", "phone", "text", "request_id"))
    if not isinstance(brandname, str) or not _BRANDNAME.fullmatch(brandname):
        raise _refuse(400, "invalid_brandname", "brandname: 1-11 letters, digits, space . _ -")
    if not isinstance(phone, str) or not _PHONE.fullmatch(phone):
        raise _refuse(400, "invalid_phone", "phone: 84 and nine digits of a mobile number")
    if not isinstance(text, str) or not text.strip():
        raise _refuse(400, "invalid_text", "text is required")
    if not isinstance(request_id, str) or not 0 < len(request_id) <= 200:
        raise _refuse(400, "invalid_request_id", "request_id: 1-200 characters")
    length = smstext.measure(text)
    if length.is_unicode and data.get("unicode") is not True:
        raise _refuse(400, "invalid_text", "text outside GSM 03.38 needs unicode: true")
    if length.segments > MAX_SEGMENTS:
        raise _refuse(400, "too_long", f"at most {MAX_SEGMENTS} segments")
    callback = data.get("callback_url") or ""
    return _messaging.Accepted(
        request_id=request_id,
        phone=phone,
        content=text,
        meta={"brandname": brandname, "segments": length.segments, "encoding": length.encoding},
        callback_url=callback if isinstance(callback, str) else "",
    )


def _answer(message_id: str, duplicate: bool) -> base.Response:
    return base.json_response({"message_id": message_id, "status": "accepted", "duplicate": duplicate})


def _report(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "message_id": row["message_id"],
        "request_id": row["request_id"],
        "status": row["report"],
        "reason": row["reason"],
        "reported_at": row["reported_at"],
    }


def _status(row: dict[str, Any]) -> dict[str, Any]:
    return {**_report(row), "status": row["report"] or "accepted"}


DIALECT = _messaging.Dialect(
    name="SMS",
    send_path="/v1/messages",
    status_path="/v1/messages",
    parse_send=parse_send,
    answer=_answer,
    report_body=_report,
    status_body=_status,
)


def default_config() -> _messaging.GatewayConfig:
    """The simulator configured like MotCua (same settings), so the two agree with no set-up."""
    from django.conf import settings

    return _messaging.GatewayConfig(
        db_path=Path(settings.BASE_DIR) / "var" / "sms-simulator.sqlite3",
        credential=settings.MOTCUA_SMS_API_KEY,
        callback_secret=settings.MOTCUA_SMS_CALLBACK_SECRET,
        callback_url=settings.MOTCUA_PUBLIC_URL.rstrip("/") + "/callbacks/messaging/sms/",
    )


def serve(host: str, port: int) -> None:
    _messaging.run(DIALECT, default_config(), host, port)
