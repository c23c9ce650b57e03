"""Rules of feedback that need no database: deadlines in working days, removing personal data, abuse.

Circular 22/2019/TT-BTTTT and Decree 20/2008/NĐ-CP: accept or refuse within 2 working days, request more
information within 5, answer within 15, publish within 2 of answering. The numbers are settings
(``FEEDBACK_DEADLINES``), read into ``Deadlines``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadline import add_duration


@dataclass(frozen=True)
class Deadlines:
    accept: int = 2
    info: int = 5
    answer: int = 15
    publish: int = 2

    @classmethod
    def parse(cls, text: str) -> Deadlines:
        """``"accept=2,info=5,answer=15,publish=2"``; missing keys keep the legal defaults."""
        values: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, number = part.partition("=")
            if key.strip() not in ("accept", "info", "answer", "publish") or not number.strip().isdigit():
                raise ValueError(f"FEEDBACK_DEADLINES: cannot read {part!r} (expected e.g. answer=15)")
            values[key.strip()] = int(number)
        return cls(**values)


def due(calendar: WorkCalendar, start: dt.datetime, working_days: int) -> dt.datetime:
    """The end of the ``working_days``-th working day after ``start`` (received after hours: next opening)."""
    return add_duration(calendar, start, working_days, "working_days")


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{9,12}(?!\d)")


def anonymise(text: str, *, names: tuple[str, ...] = ()) -> str:
    """The text with e-mail addresses, phone and ID numbers, and the given names replaced by "***"."""
    masked = _EMAIL.sub("***", text)
    masked = _PHONE.sub("***", masked)
    masked = _ID_NUMBER.sub("***", masked)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        masked = re.sub(re.escape(name), "***", masked, flags=re.IGNORECASE)
    return masked


# Insults a public answer page must not carry; feedback containing them is refused at submission. Matched
# with their diacritics ("đó ngu", "that one is slow", is not "đồ ngu"), on whole words.
_ABUSIVE = ("địt", "đụ", "đéo", "đồ ngu", "thằng chó", "khốn nạn", "mất dạy", "óc chó", "vô học")
_WORDS = re.compile(r"\w+")


def is_abusive(text: str) -> bool:
    words = " ".join(_WORDS.findall(unicodedata.normalize("NFC", text).lower()))
    return any(re.search(rf"(?<!\w){re.escape(insult)}(?!\w)", words) for insult in _ABUSIVE)
