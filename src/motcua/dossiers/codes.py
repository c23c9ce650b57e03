"""Dossier codes (Circular 01/2018/TT-VPCP Art. 19): ``<agency identifier>-YYMMDD-NNNN``.

The identifier is the receiving agency's electronic identifier, the date the reception date and the
number a 4-digit sequence within that agency and day, e.g. ``000.00.12.H37-200915-0007``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MAX_DAILY_NUMBER = 9999
_CODE = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<day>\d{6})-(?P<number>\d{4})$")


class DossierCodeError(ValueError):
    """A dossier code that does not follow the national format."""


class SequenceExhaustedError(DossierCodeError):
    """An agency received more dossiers in one day than four digits can number."""


@dataclass(frozen=True)
class DossierCode:
    agency_identifier: str
    day: dt.date
    number: int

    def __str__(self) -> str:
        return format_dossier_code(self.agency_identifier, self.day, self.number)


def format_dossier_code(agency_identifier: str, day: dt.date, number: int) -> str:
    if not 1 <= number <= MAX_DAILY_NUMBER:
        raise SequenceExhaustedError(f"Số thứ tự hồ sơ {number} nằm ngoài 0001–{MAX_DAILY_NUMBER}.")
    return f"{agency_identifier}-{day:%y%m%d}-{number:04d}"


def parse_dossier_code(text: str) -> DossierCode:
    match = _CODE.match(text.strip())
    if match is None:
        raise DossierCodeError(f"Mã hồ sơ {text!r} không đúng dạng <mã cơ quan>-YYMMDD-NNNN.")
    digits = match["day"]
    try:
        # Two-digit years are this century's: strptime's %y would read 69-99 as 1969-1999.
        day = dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError as exc:
        raise DossierCodeError(f"Mã hồ sơ {text!r} có ngày không hợp lệ.") from exc
    number = int(match["number"])
    if number == 0:
        raise DossierCodeError(f"Mã hồ sơ {text!r} có số thứ tự 0000.")
    return DossierCode(match["agency"], day, number)
