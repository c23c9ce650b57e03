"""Spreadsheet exports of dossier lists (the desk's register as xlsx)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.dossiers.models import Dossier

_COLUMNS = (
    ("Mã hồ sơ", 28),
    ("Người nộp", 26),
    ("Thủ tục", 50),
    ("Tiếp nhận", 17),
    ("Hẹn trả", 17),
    ("Hoàn thành", 17),
    ("Trả kết quả", 17),
    ("Trạng thái", 24),
    ("Kết quả", 12),
)


def _moment(value: object) -> str:
    return f"{value:%H:%M %d/%m/%Y}" if value else ""


def register_xlsx(dossiers: Sequence[Dossier], *, title: str, period: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "So theo doi"
    sheet.append([title])
    sheet.append([period])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([name for name, _ in _COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, (_, width) in enumerate(_COLUMNS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    for d in dossiers:
        sheet.append(
            [
                d.code,
                d.applicant_name,
                d.procedure.name,
                _moment(d.received_at),
                _moment(d.due_at),
                _moment(d.finished_at),
                _moment(d.returned_at),
                d.status_label,
                d.get_outcome_display() if d.outcome else "",
            ]
        )
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
