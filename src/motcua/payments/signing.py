"""HMAC-SHA256 signatures of the payment gateway's messages (pure: no Django, the simulator uses it too).

The signed text is every parameter except ``signature`` itself, sorted by name, as ``name=value`` joined by
``&`` (values as sent, not URL-encoded), the way national payment gateways sign their redirects and
notifications. The signature is the lowercase hex digest. Verification compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE = "signature"


def canonical(params: Mapping[str, object]) -> str:
    """The text that is signed: the parameters other than the signature, sorted, ``name=value&...``."""
    return "&".join(f"{name}={params[name]}" for name in sorted(params) if name != SIGNATURE)


def sign(params: Mapping[str, object], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha256).hexdigest()


def signed(params: Mapping[str, object], secret: str) -> dict[str, str]:
    """The parameters as strings with their signature added."""
    values = {name: str(value) for name, value in params.items() if name != SIGNATURE}
    return {**values, SIGNATURE: sign(values, secret)}


def verify(params: Mapping[str, object], secret: str) -> bool:
    """True when ``params[signature]`` is the signature of the other parameters (constant-time compare)."""
    given = params.get(SIGNATURE)
    if not isinstance(given, str) or not secret:
        return False
    return hmac.compare_digest(given.lower().encode(), sign(params, secret).encode())


def sign_body(body: bytes, secret: str) -> str:
    """The signature of a whole response body (the reconciliation list), sent in a header."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_body(body: bytes, signature: str, secret: str) -> bool:
    return bool(secret) and hmac.compare_digest(signature.lower().encode(), sign_body(body, secret).encode())
