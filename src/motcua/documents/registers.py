"""The register books of outgoing and incoming documents (Decree 30/2020/NĐ-CP, Appendix IV), as PDF and xlsx.

Art. 16.2.b and 22.3.b: a document registered in the system must be printed "with all the fields of the
register book model" and the printout bound as the book; these are that printout and its spreadsheet. The
columns are the decree's, in its order: the outgoing book has 10 (Appendix IV, I.2), the incoming book 10
(Appendix IV, VI.2). A confidential book ("... MẬT") adds a "Độ mật" column before "Ghi chú"; the decree
sends confidential registration to the state-secrets law and gives no model of its own.

No database here: callers turn their rows into the frozen dataclasses below. Rows are any iterable; the
xlsx is written in openpyxl's write-only mode, so a year of 100 000 rows streams in constant memory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as XlsxCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from motcua.documents.rendering import html_to_pdf

__all__ = [
    "INCOMING_CONFIDENTIAL_TITLE",
    "INCOMING_TITLE",
    "OUTGOING_CONFIDENTIAL_TITLE",
    "OUTGOING_TITLE",
    "Column",
    "IncomingRegisterRow",
    "OutgoingRegisterRow",
    "RegisterBook",
    "incoming_columns",
    "incoming_register_pdf",
    "incoming_register_xlsx",
    "outgoing_columns",
    "outgoing_register_pdf",
    "outgoing_register_xlsx",
]

OUTGOING_TITLE: Final = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
OUTGOING_CONFIDENTIAL_TITLE: Final = "SỔ ĐĂNG KÝ VĂN BẢN ĐI MẬT"
INCOMING_TITLE: Final = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
INCOMING_CONFIDENTIAL_TITLE: Final = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT"

TEMPLATE: Final = "documents/print/register.html"
DATE_FORMAT: Final = "DD/MM/YYYY"  # Excel's code for dd/mm/yyyy
# What the paper book leaves for the clerk to fill in when the system does not know it.
DOTS: Final = "…………"

Cell: TypeAlias = str | int | dt.date | None


@dataclass(frozen=True, slots=True)
class RegisterBook:
    """One book: whose it is, which year, which title (one of the four titles above) and its series.

    ``series_label`` names the number series the book covers (e.g. "Văn bản hành chính", "Văn bản quy phạm
    pháp luật"); ``volume`` is the "Quyển số" of the cover when a year fills several books.
    """

    agency_name: str
    parent_name: str
    year: int
    title: str
    series_label: str = ""
    volume: str = ""

    @property
    def is_confidential(self) -> bool:
        return self.title.strip().upper().endswith(" MẬT")


@dataclass(frozen=True, slots=True)
class OutgoingRegisterRow:
    """One line of the outgoing book (Appendix IV, I.2), fields in the order of the decree's columns.

    ``dispatched_on`` is "Ngày chuyển" (the day the clerk handed it over or sent it) and
    ``receipt_signature`` is "Ký nhận" (who acknowledged it); both stay blank on paper until then.
    """

    number_symbol: str
    issued_on: dt.date
    type_and_subject: str
    signer: str
    recipients: str
    file_keeper: str
    copies: int | None = None
    dispatched_on: dt.date | None = None
    receipt_signature: str = ""
    note: str = ""
    confidentiality_label: str = ""


@dataclass(frozen=True, slots=True)
class IncomingRegisterRow:
    """One line of the incoming book (Appendix IV, VI.2), fields in the order of the decree's columns.

    ``sender`` is "Tác giả" (the issuing body), ``handler`` "Đơn vị hoặc người nhận", ``forwarded_on``
    "Ngày chuyển" and ``receipt_signature`` "Ký nhận".
    """

    arrived_on: dt.date
    arrival_number: int
    sender: str
    number_symbol: str
    issued_on: dt.date
    type_and_subject: str
    handler: str
    forwarded_on: dt.date | None = None
    receipt_signature: str = ""
    note: str = ""
    confidentiality_label: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a book: its heading as in the decree, its PDF width (mm; 0 takes what is left) and its
    xlsx width (characters)."""

    heading: str
    pdf_mm: float
    xlsx_width: float
    css_class: str = ""


_CONFIDENTIALITY = Column("Độ mật", 16, 10, "center")

_OUTGOING: Final = (
    Column("Số, ký hiệu văn bản", 30, 18),
    Column("Ngày tháng văn bản", 22, 12, "date"),
    Column("Tên loại và trích yếu nội dung văn bản", 0, 50),
    Column("Người ký", 26, 20),
    Column("Nơi nhận văn bản", 30, 28),
    Column("Đơn vị, người nhận bản lưu", 26, 20),
    Column("Số lượng bản", 13, 8, "center"),
    Column("Ngày chuyển", 22, 12, "date"),
    Column("Ký nhận", 22, 16),
    Column("Ghi chú", 18, 20),
)

_INCOMING: Final = (
    Column("Ngày đến", 22, 12, "date"),
    Column("Số đến", 13, 8, "center"),
    Column("Tác giả", 32, 28),
    Column("Số, ký hiệu văn bản", 30, 18),
    Column("Ngày tháng văn bản", 22, 12, "date"),
    Column("Tên loại và trích yếu nội dung văn bản", 0, 50),
    Column("Đơn vị hoặc người nhận", 28, 24),
    Column("Ngày chuyển", 22, 12, "date"),
    Column("Ký nhận", 22, 16),
    Column("Ghi chú", 18, 20),
)


def _with_confidentiality(columns: Sequence[Column], book: RegisterBook) -> tuple[Column, ...]:
    if not book.is_confidential:
        return tuple(columns)
    return (*columns[:-1], _CONFIDENTIALITY, columns[-1])


def outgoing_columns(book: RegisterBook) -> tuple[Column, ...]:
    """The outgoing book's columns, "Độ mật" included for a confidential book."""
    return _with_confidentiality(_OUTGOING, book)


def incoming_columns(book: RegisterBook) -> tuple[Column, ...]:
    """The incoming book's columns, "Độ mật" included for a confidential book."""
    return _with_confidentiality(_INCOMING, book)


def _outgoing_cells(row: OutgoingRegisterRow, *, confidential: bool) -> tuple[Cell, ...]:
    cells: tuple[Cell, ...] = (
        row.number_symbol,
        row.issued_on,
        row.type_and_subject,
        row.signer,
        row.recipients,
        row.file_keeper,
        row.copies,
        row.dispatched_on,
        row.receipt_signature,
    )
    extra: tuple[Cell, ...] = (row.confidentiality_label,) if confidential else ()
    return (*cells, *extra, row.note)


def _incoming_cells(row: IncomingRegisterRow, *, confidential: bool) -> tuple[Cell, ...]:
    cells: tuple[Cell, ...] = (
        row.arrived_on,
        row.arrival_number,
        row.sender,
        row.number_symbol,
        row.issued_on,
        row.type_and_subject,
        row.handler,
        row.forwarded_on,
        row.receipt_signature,
    )
    extra: tuple[Cell, ...] = (row.confidentiality_label,) if confidential else ()
    return (*cells, *extra, row.note)


# -- PDF -----------------------------------------------------------------------------------------------------


def _pdf_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _leading_number(number_symbol: str) -> int | None:
    match = re.match(r"\s*(\d+)", number_symbol)
    return int(match.group(1)) if match else None


@dataclass(frozen=True, slots=True)
class _Span:
    """The first and last day and number a book holds, for its cover ("Từ ngày ... đến ngày ...")."""

    first_day: dt.date | None
    last_day: dt.date | None
    first_number: int | None
    last_number: int | None


def _span(days: Sequence[dt.date], numbers: Sequence[int | None]) -> _Span:
    known = [number for number in numbers if number is not None]
    return _Span(
        min(days, default=None),
        max(days, default=None),
        min(known, default=None),
        max(known, default=None),
    )


def _register_pdf(
    book: RegisterBook, columns: Sequence[Column], cells: Sequence[Sequence[Cell]], span: _Span
) -> bytes:
    def day(value: dt.date | None) -> str:
        return f"{value:%d/%m/%Y}" if value else DOTS

    def number(value: int | None) -> str:
        return f"{value:02d}" if value is not None else DOTS

    context = {
        "book": book,
        "title": book.title.upper(),
        "columns": [
            # As text: the template language would localise a float ("28,0") into invalid CSS.
            {"column": column, "width": f"{column.pdf_mm:g}mm" if column.pdf_mm else ""}
            for column in columns
        ],
        "rows": [
            [(column.css_class, _pdf_text(value)) for column, value in zip(columns, row, strict=True)]
            for row in cells
        ],
        "cover": {
            "from_day": day(span.first_day),
            "to_day": day(span.last_day),
            "from_number": number(span.first_number),
            "to_number": number(span.last_number),
            "volume": book.volume or DOTS,
        },
    }
    return html_to_pdf(render_to_string(TEMPLATE, context))


def outgoing_register_pdf(book: RegisterBook, rows: Iterable[OutgoingRegisterRow]) -> bytes:
    """The outgoing book as printed and bound: A4 landscape, a cover, then the table, header on every page.

    The whole book is laid out at once (a PDF needs it), so print a year in volumes rather than 100 000
    rows at a time.
    """
    lines = list(rows)
    cells = [_outgoing_cells(row, confidential=book.is_confidential) for row in lines]
    span = _span([row.issued_on for row in lines], [_leading_number(row.number_symbol) for row in lines])
    return _register_pdf(book, outgoing_columns(book), cells, span)


def incoming_register_pdf(book: RegisterBook, rows: Iterable[IncomingRegisterRow]) -> bytes:
    """The incoming book as printed and bound: A4 landscape, a cover, then the table, header on every page."""
    lines = list(rows)
    cells = [_incoming_cells(row, confidential=book.is_confidential) for row in lines]
    span = _span([row.arrived_on for row in lines], [row.arrival_number for row in lines])
    return _register_pdf(book, incoming_columns(book), cells, span)


# -- xlsx ----------------------------------------------------------------------------------------------------

_TITLE_ROWS: Final = 5  # parent, agency, title, year and series, blank
HEADER_ROW: Final = _TITLE_ROWS + 1  # then the "(1) (2) ..." row, then the data


def _cell(sheet: WriteOnlyWorksheet, value: Cell, *, bold: bool = False, wrap: bool = False) -> XlsxCell:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        # A date is a serial day number in Excel either way; openpyxl's stubs only take datetimes.
        value = dt.datetime.combine(value, dt.time())
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def _register_xlsx(
    book: RegisterBook,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("So dang ky")
    # Write-only sheets take their layout before the first row.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width
    sheet.freeze_panes = f"A{HEADER_ROW + 2}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4

    year_line = f"Năm: {book.year}" + (f" - {book.series_label}" if book.series_label else "")
    sheet.append([_cell(sheet, book.parent_name.upper())])
    sheet.append([_cell(sheet, book.agency_name.upper(), bold=True)])
    sheet.append([_cell(sheet, book.title.upper(), bold=True)])
    sheet.append([_cell(sheet, year_line)])
    sheet.append([])
    sheet.append([_cell(sheet, column.heading, bold=True, wrap=True) for column in columns])
    sheet.append([_cell(sheet, f"({index})", wrap=True) for index in range(1, len(columns) + 1)])
    for row in rows:
        sheet.append([_cell(sheet, value) if isinstance(value, dt.date) else value for value in row])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outgoing_register_xlsx(book: RegisterBook, rows: Iterable[OutgoingRegisterRow]) -> bytes:
    """The outgoing book as a spreadsheet: title rows, the decree's headings, dates as real dates."""
    confidential = book.is_confidential
    return _register_xlsx(
        book, outgoing_columns(book), (_outgoing_cells(row, confidential=confidential) for row in rows)
    )


def incoming_register_xlsx(book: RegisterBook, rows: Iterable[IncomingRegisterRow]) -> bytes:
    """The incoming book as a spreadsheet: title rows, the decree's headings, dates as real dates."""
    confidential = book.is_confidential
    return _register_xlsx(
        book, incoming_columns(book), (_incoming_cells(row, confidential=confidential) for row in rows)
    )
