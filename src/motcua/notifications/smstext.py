"""SMS text rules: how many segments a text costs, Vietnamese without diacritics, fitting a length budget.

A text made only of GSM 03.38 characters travels in 7-bit septets: 160 in one message, 153 per part of a
concatenated one (the rest carries the part header); ``^{}\\[~]|€`` take two septets. Anything else (every
Vietnamese letter with a tone mark except à, è, é, ì, ò, ù) switches the whole text to UCS-2: 70 characters
in one message, 67 per part. Brandname gateways often refuse UCS-2, hence ``fold_diacritics``.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
_PUNCTUATION = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
    }
)


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    @property
    def is_unicode(self) -> bool:
        return self.encoding == "UCS-2"


def measure(text: str) -> SmsLength:
    """The encoding and the number of segments an SMS of this text costs (0 for an empty text)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        septets = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        return SmsLength("GSM-7", septets, _segments(septets, single=160, part=153))
    units = len(text.encode("utf-16-le")) // 2
    return SmsLength("UCS-2", units, _segments(units, single=70, part=67))


def _segments(units: int, *, single: int, part: int) -> int:
    if units == 0:
        return 0
    return 1 if units <= single else math.ceil(units / part)


def fold_diacritics(text: str) -> str:
    """Vietnamese without tone marks (``Hồ sơ đã được tiếp nhận`` → ``Ho so da duoc tiep nhan``),
    typographic punctuation made plain; what is still outside GSM 03.38 after that becomes ``?``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_PUNCTUATION))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = unicodedata.normalize("NFC", plain)
    return "".join(ch if ch in GSM_BASIC or ch in GSM_EXTENSION else "?" for ch in plain)


def wire_text(text: str, *, ascii_only: bool) -> str:
    """The text as it goes to the gateway: folded when the gateway takes GSM characters only."""
    return fold_diacritics(text) if ascii_only else text


def fits(text: str, *, ascii_only: bool, max_segments: int) -> bool:
    return measure(wire_text(text, ascii_only=ascii_only)).segments <= max_segments


def truncate(text: str, *, ascii_only: bool, max_segments: int) -> str:
    """The longest prefix of ``text`` (cut at a word when possible, ending in "…") that fits the budget."""
    if fits(text, ascii_only=ascii_only, max_segments=max_segments):
        return text
    low, high = 0, len(text)  # the longest prefix length whose shortened form fits: binary search
    while low < high:
        middle = (low + high + 1) // 2
        if fits(_shorten(text, middle), ascii_only=ascii_only, max_segments=max_segments):
            low = middle
        else:
            high = middle - 1
    return _shorten(text, low)


def _shorten(text: str, length: int) -> str:
    if length >= len(text):
        return text
    cut = text[:length]
    space = cut.rfind(" ")
    if space > length * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"
