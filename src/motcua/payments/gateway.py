"""The payment gateway's wire format, in one module (docs/integrations/payment.md).

Outbound: the signed redirect that sends the citizen's browser to the gateway, and the signed request for
a day's transactions (reconciliation). Inbound callbacks are parsed by ``parse_callback``. Amounts are whole
đồng, times are Unix seconds, signatures are HMAC-SHA256 over the sorted parameters (``signing``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from django.conf import settings

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.payments import signing

#: What a callback must carry (IPN); the browser return carries the same without ``callback_id``/``paid_at``.
IPN_FIELDS = ("merchant", "order_id", "amount", "transaction_id", "status", "callback_id", "timestamp")
RETURN_FIELDS = ("merchant", "order_id", "amount", "transaction_id", "status", "timestamp")
CALLBACK_STATUSES = frozenset({"paid", "failed", "cancelled"})
#: A callback stamped later than now by more than this is refused (clocks are never exactly equal).
CLOCK_SKEW_SECONDS = 5
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class GatewayError(DomainError):
    code = "gateway_unavailable"
    status = 502


@dataclass(frozen=True)
class GatewayConfig:
    url: str
    merchant: str
    secret: str
    timeout: float
    callback_max_age: int

    @property
    def is_enabled(self) -> bool:
        return bool(self.secret)


def config() -> GatewayConfig:
    return GatewayConfig(
        url=settings.MOTCUA_PAYMENT_GATEWAY_URL,
        merchant=settings.MOTCUA_PAYMENT_MERCHANT_CODE,
        secret=settings.MOTCUA_PAYMENT_SECRET,
        timeout=settings.MOTCUA_PAYMENT_TIMEOUT,
        callback_max_age=settings.MOTCUA_PAYMENT_CALLBACK_MAX_AGE,
    )


def public_url(path: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{path}"


def payment_url(
    *,
    order_id: str,
    amount: int,
    description: str,
    return_url: str,
    ipn_url: str,
    expires_at: dt.datetime,
    now: dt.datetime,
) -> str:
    """Where to send the browser: the gateway's payment page with the signed request."""
    gateway = config()
    params = {
        "merchant": gateway.merchant,
        "order_id": order_id,
        "amount": amount,
        "description": description,
        "return_url": return_url,
        "ipn_url": ipn_url,
        "timestamp": int(now.timestamp()),
        "expires_at": int(expires_at.timestamp()),
    }
    return f"{gateway.url}/pay?{urlencode(signing.signed(params, gateway.secret))}"


@dataclass(frozen=True)
class GatewayTransaction:
    order_id: str
    transaction_id: str
    amount: int
    status: str
    paid_at: dt.datetime | None


def fetch_transactions(day: dt.date) -> list[GatewayTransaction]:
    """The gateway's list of MotCua's transactions created on ``day`` (signed request and answer)."""
    gateway = config()
    if not gateway.is_enabled:
        raise GatewayError("Chưa cấu hình cổng thanh toán (PAYMENT_SECRET).")
    params = {
        "merchant": gateway.merchant,
        "date": day.isoformat(),
        "timestamp": int(clock.now().timestamp()),
    }
    try:
        answer = httpx.get(
            f"{gateway.url}/api/transactions",
            params=signing.signed(params, gateway.secret),
            timeout=gateway.timeout,
        )
    except httpx.HTTPError as exc:
        raise GatewayError(f"Không kết nối được cổng thanh toán: {type(exc).__name__}.") from exc
    if answer.status_code != 200:
        raise GatewayError(f"Cổng thanh toán trả lời lỗi HTTP {answer.status_code}.")
    if not signing.verify_body(answer.content, answer.headers.get("X-Signature", ""), gateway.secret):
        raise GatewayError("Chữ ký của danh sách giao dịch không hợp lệ.")
    try:
        rows = answer.json()["transactions"]
        return [
            GatewayTransaction(
                order_id=str(row["order_id"]),
                transaction_id=str(row["transaction_id"]),
                amount=int(row["amount"]),
                status=str(row["status"]),
                paid_at=_moment(row.get("paid_at")),
            )
            for row in rows
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise GatewayError("Danh sách giao dịch của cổng thanh toán không đúng định dạng.") from exc


def _moment(epoch: object) -> dt.datetime | None:
    if epoch in (None, ""):
        return None
    return dt.datetime.fromtimestamp(int(str(epoch)), dt.UTC).astimezone(clock.local_zone())


@dataclass(frozen=True)
class Callback:
    """A callback's parameters, checked for shape (not yet for signature, time or order)."""

    order_id: str
    amount: int
    transaction_id: str
    status: str
    callback_id: str
    timestamp: int
    paid_at: dt.datetime | None


class CallbackRefusedError(Exception):
    """Why a callback is refused: a stable ``reason`` code, a message, and the HTTP status to answer."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = status


def parse_callback(params: dict[str, str], *, fields: tuple[str, ...]) -> Callback:
    """Checks a callback's shape, signature, merchant and timestamp; raises ``CallbackRefusedError``."""
    missing = [name for name in (*fields, signing.SIGNATURE) if not params.get(name)]
    if missing:
        raise CallbackRefusedError("malformed", f"Thiếu tham số: {', '.join(missing)}.")
    texts = [params[name] for name in ("order_id", "transaction_id") if name in fields]
    if not all(_TOKEN.match(text) for text in texts) or not params["amount"].isdigit():
        raise CallbackRefusedError("malformed", "Tham số không đúng định dạng.")
    if not params["timestamp"].isdigit() or params["status"] not in CALLBACK_STATUSES:
        raise CallbackRefusedError("malformed", "Tham số không đúng định dạng.")
    gateway = config()
    if not signing.verify(params, gateway.secret):
        raise CallbackRefusedError("bad_signature", "Chữ ký không hợp lệ.", 401)
    if params["merchant"] != gateway.merchant:
        raise CallbackRefusedError("wrong_merchant", "Mã đơn vị chấp nhận thanh toán không đúng.", 400)
    stamp = int(params["timestamp"])
    age = int(clock.now().timestamp()) - stamp
    if age > gateway.callback_max_age:
        raise CallbackRefusedError("stale_timestamp", "Thông báo đã quá thời gian cho phép.")
    if age < -CLOCK_SKEW_SECONDS:
        raise CallbackRefusedError("future_timestamp", "Thời điểm của thông báo ở tương lai.")
    try:
        paid_at = _moment(params["paid_at"]) if params.get("paid_at", "").isdigit() else None
    except (OverflowError, ValueError, OSError):
        raise CallbackRefusedError("malformed", "Thời điểm thanh toán không hợp lệ.") from None
    return Callback(
        order_id=params["order_id"],
        amount=int(params["amount"]),
        transaction_id=params["transaction_id"],
        status=params["status"],
        callback_id=params.get("callback_id", ""),
        timestamp=stamp,
        paid_at=paid_at,
    )
