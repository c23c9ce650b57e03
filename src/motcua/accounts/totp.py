"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), pure functions, no database.

Officials confirm their password with a 6-digit code from an authenticator app. The secret is shared once
(as base32 in an ``otpauth://`` URI, shown as a QR code); both sides then compute
``HOTP(secret, floor(unix_time / 30))``. Only SHA-1 and 30-second steps are used for enrolled devices,
because that is all common authenticator apps read from the URI; SHA-256/512 are here for the RFC's vectors.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits, the size RFC 4226 recommends for HMAC-SHA1
_ALGORITHMS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def new_secret() -> str:
    """A random secret, base32 without padding (32 characters), as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret_b32: str) -> bytes:
    """Decode a base32 secret, tolerating lower case, spaces and missing padding; ValueError if invalid."""
    cleaned = "".join(secret_b32.split()).upper()
    if not cleaned:
        raise ValueError("empty secret")
    try:
        return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as error:  # binascii.Error is a ValueError
        raise ValueError("not a base32 secret") from error


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, the low ``digits`` decimal digits."""
    digest = hmac.new(key, struct.pack(">Q", counter), _ALGORITHMS[algorithm]).digest()
    offset = digest[-1] & 0x0F
    binary = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def time_step(moment: dt.datetime, *, step_seconds: int = STEP_SECONDS) -> int:
    """The RFC 6238 counter T = floor((unix time - T0) / X), with T0 = 0."""
    if moment.tzinfo is None:
        raise ValueError("time_step() needs an aware datetime")
    return int(moment.timestamp()) // step_seconds


def totp(
    key: bytes,
    moment: dt.datetime,
    *,
    digits: int = DIGITS,
    algorithm: str = "SHA1",
    step_seconds: int = STEP_SECONDS,
) -> str:
    return hotp(key, time_step(moment, step_seconds=step_seconds), digits=digits, algorithm=algorithm)


def code_for_step(secret_b32: str, step: int) -> str:
    """The 6-digit SHA-1 code of one time step (what an enrolled official's app shows during it)."""
    return hotp(secret_bytes(secret_b32), step)


def matching_step(secret_b32: str, code: str, moment: dt.datetime, *, window: int = 1) -> int | None:
    """The time step within ``window`` steps of ``moment`` whose code equals ``code``, or None.

    The window absorbs clock drift between the phone and the server and the seconds the user takes to
    type (RFC 6238 §5.2 recommends at most one step back). Every candidate is compared in constant time.
    """
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = secret_bytes(secret_b32)
    current = time_step(moment)
    # The current step first: if two steps of the window share a code, the present one is meant.
    candidates = [current] + [current + d for offset in range(1, window + 1) for d in (-offset, offset)]
    found: int | None = None
    for step in (s for s in candidates if s >= 0):
        if hmac.compare_digest(hotp(key, step), code) and found is None:
            found = step
    return found


def provisioning_uri(secret_b32: str, *, account: str, issuer: str) -> str:
    """The ``otpauth://totp/`` URI an authenticator app reads from the enrolment QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {
            "secret": secret_b32,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"
