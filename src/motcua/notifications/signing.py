"""Signatures of the gateways' delivery-report callbacks: HMAC-SHA256 over the timestamp and the body.

Headers: ``X-Timestamp`` (Unix seconds) and ``X-Signature``, the hex digest of
HMAC-SHA256(secret, "<timestamp>.<body>").
A report older or newer than ``MAX_SKEW`` is refused, so a captured request cannot be replayed later; replays
inside the window are harmless because recording a report is idempotent.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_SKEW = 300  # seconds
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"


class BadSignatureError(Exception):
    """Why a callback was refused (no secret in the message)."""


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(*, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret=secret, timestamp=timestamp, body=body),
    }


def verify(*, secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> None:
    """Raise BadSignatureError unless the signature is the secret's and the timestamp is recent."""
    if not secret:
        raise BadSignatureError("no callback secret is configured for this channel")
    if not timestamp or not signature:
        raise BadSignatureError("missing signature headers")
    try:
        moment = int(timestamp)
    except ValueError:
        raise BadSignatureError("the timestamp is not a number") from None
    if abs(now - moment) > MAX_SKEW:
        raise BadSignatureError("the timestamp is too old or in the future")
    expected = sign(secret=secret, timestamp=moment, body=body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise BadSignatureError("the signature does not match")
