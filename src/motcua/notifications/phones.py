"""Vietnamese mobile numbers as SMS and Zalo gateways want them: ``84`` + nine digits.

Since the 2018 renumbering every mobile number is ``0`` + nine digits starting 3, 5, 7, 8 or 9; fixed lines
(``02x``) cannot receive SMS. People write them with spaces, dots, dashes, ``+84`` or ``84``.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789]\d{8}")


class InvalidPhoneError(ValueError):
    """Not a Vietnamese mobile number."""


def normalize_mobile(raw: str) -> str:
    """``0912 345 678``, ``+84912345678``, ``84-912-345-678`` → ``84912345678``; else InvalidPhoneError."""
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _MOBILE.fullmatch(digits):
        raise InvalidPhoneError(f"not a Vietnamese mobile number: {raw!r}")
    return "84" + digits[1:]
