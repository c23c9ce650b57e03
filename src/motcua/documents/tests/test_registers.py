"""The register books of Decree 30/2020 Appendix IV as PDF and xlsx, from plain data (no database)."""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from motcua.documents.registers import (
    INCOMING_CONFIDENTIAL_TITLE,
    INCOMING_TITLE,
    OUTGOING_CONFIDENTIAL_TITLE,
    OUTGOING_TITLE,
    IncomingRegisterRow,
    OutgoingRegisterRow,
    RegisterBook,
    incoming_columns,
    incoming_register_pdf,
    incoming_register_xlsx,
    outgoing_columns,
    outgoing_register_pdf,
    outgoing_register_xlsx,
)

A4_LANDSCAPE = (841.89, 595.28)

# Appendix IV, I.2 and VI.2: "tối thiểu gồm 10 nội dung", in this order.
DECREE_OUTGOING = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
DECREE_INCOMING = [
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]

OUTGOING_BOOK = RegisterBook(
    agency_name="Sở Nội vụ",
    parent_name="UBND tỉnh Lạng Sơn",
    year=2026,
    title=OUTGOING_TITLE,
    series_label="Văn bản hành chính",
    volume="01",
)
INCOMING_SECRET_BOOK = RegisterBook(
    agency_name="Sở Nội vụ", parent_name="UBND tỉnh Lạng Sơn", year=2026, title=INCOMING_CONFIDENTIAL_TITLE
)


def outgoing_rows(count: int) -> list[OutgoingRegisterRow]:
    return [
        OutgoingRegisterRow(
            number_symbol=f"{n:02d}/QĐ-SNV",
            issued_on=date(2026, 1, 2) + timedelta(days=n),
            type_and_subject=f"Quyết định về việc nâng bậc lương thường xuyên đợt {n} năm 2026",
            signer="Hoàng Văn Đức",
            recipients="Các phòng thuộc Sở; Kho bạc Nhà nước tỉnh",
            file_keeper="VT, TCCB",
            copies=n % 5 + 2,
            dispatched_on=date(2026, 1, 2) + timedelta(days=n + 1) if n % 2 else None,
            receipt_signature="Lương Thị Hằng" if n % 2 else "",
            note="Thay thế văn bản số 01" if n == 3 else "",
        )
        for n in range(1, count + 1)
    ]


def incoming_rows(count: int, *, start: int = 1) -> list[IncomingRegisterRow]:
    return [
        IncomingRegisterRow(
            arrived_on=date(2026, 3, 5),
            arrival_number=n,
            sender="UBND tỉnh Lạng Sơn",
            number_symbol=f"{n + 100}/UBND-NC",
            issued_on=date(2026, 3, 3),
            type_and_subject="Công văn về việc rà soát danh mục bí mật nhà nước",
            handler="Phòng Tổ chức cán bộ",
            forwarded_on=date(2026, 3, 6),
            receipt_signature="Đã nhận",
            confidentiality_label="Mật",
        )
        for n in range(start, start + count)
    ]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


@functools.cache
def outgoing_pdf() -> bytes:
    return outgoing_register_pdf(OUTGOING_BOOK, iter(outgoing_rows(45)))


@functools.cache
def incoming_pdf() -> bytes:
    return incoming_register_pdf(INCOMING_SECRET_BOOK, incoming_rows(3, start=7))


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def sheet_of(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def day_of(value: object) -> date:
    """A cell's date: openpyxl reads Excel dates back as (naive: Excel has no zones) datetimes."""
    assert isinstance(value, datetime), f"not a date: {value!r}"
    return value.date()


# -- the columns ---------------------------------------------------------------------------------------------


def test_the_books_have_the_decrees_columns_in_its_order():
    assert [column.heading for column in outgoing_columns(OUTGOING_BOOK)] == DECREE_OUTGOING
    incoming = RegisterBook("Sở Nội vụ", "UBND tỉnh Lạng Sơn", 2026, INCOMING_TITLE)
    assert [column.heading for column in incoming_columns(incoming)] == DECREE_INCOMING


@pytest.mark.parametrize(
    ("title", "confidential"),
    [
        (OUTGOING_TITLE, False),
        (OUTGOING_CONFIDENTIAL_TITLE, True),
        (INCOMING_TITLE, False),
        (INCOMING_CONFIDENTIAL_TITLE, True),
    ],
)
def test_a_confidential_book_adds_the_classification_before_the_note(title, confidential):
    book = RegisterBook("Sở Nội vụ", "", 2026, title)
    columns = outgoing_columns(book) if "ĐI" in title.split() else incoming_columns(book)
    headings = [column.heading for column in columns]

    assert book.is_confidential is confidential
    assert headings[-1] == "Ghi chú"
    assert (headings[-2] == "Độ mật") is confidential
    assert len(headings) == 10 + confidential


# -- PDF -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pdf_of", [outgoing_pdf, incoming_pdf], ids=["outgoing", "incoming"])
def test_a_book_is_a4_landscape(pdf_of):
    for page in PdfReader(io.BytesIO(pdf_of())).pages:
        assert float(page.mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_LANDSCAPE[1], abs=1)


def test_the_cover_names_the_agency_the_book_the_year_and_its_span():
    cover = page_texts(outgoing_pdf())[0]

    assert cover.startswith("UBND TỈNH LẠNG SƠN SỞ NỘI VỤ SỔ ĐĂNG KÝ VĂN BẢN ĐI Văn bản hành chính")
    assert "Năm: 2026" in cover
    assert "Từ ngày 03/01/2026 đến ngày 16/02/2026" in cover
    assert "Từ số 01 đến số 45" in cover
    assert "Quyển số: 01" in cover
    assert "Số, ký hiệu văn bản" not in cover  # the table starts on the next page
    assert "Trang" not in cover


def test_the_table_repeats_its_headings_on_every_page_numbered_from_1_after_the_cover():
    texts = page_texts(outgoing_pdf())

    assert len(texts) >= 3
    for number, text in enumerate(texts[1:], start=1):
        assert " ".join(DECREE_OUTGOING[:2]) in text
        assert "Tên loại và trích yếu nội dung văn bản" in text
        assert "Đơn vị, người nhận bản lưu" in text
        assert "(1) (2) (3) (4) (5) (6) (7) (8) (9) (10)" in text
        assert text.endswith(f"Trang {number}")
    table = " ".join(texts[1:])
    for row in outgoing_rows(45):
        assert f"{row.number_symbol} {row.issued_on:%d/%m/%Y}" in table
    assert "Thay thế văn bản số 01" in table


def test_a_confidential_incoming_book_prints_its_title_and_classification_column():
    texts = page_texts(incoming_pdf())

    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT" in texts[0]
    assert "Từ số 07 đến số 09" in texts[0]
    assert "Quyển số: …" in texts[0]
    table = " ".join(texts[1:])
    assert "Ngày đến Số đến Tác giả" in table
    assert "Độ mật Ghi chú" in table
    assert "(11)" in table
    assert "05/03/2026 7 UBND tỉnh Lạng Sơn 107/UBND-NC 03/03/2026" in table


# -- xlsx ----------------------------------------------------------------------------------------------------


def test_the_outgoing_xlsx_has_title_rows_bold_headings_and_real_dates():
    rows = outgoing_rows(3)
    sheet = sheet_of(outgoing_register_xlsx(OUTGOING_BOOK, iter(rows)))

    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [line[0] for line in values[:4]] == [
        "UBND TỈNH LẠNG SƠN",
        "SỞ NỘI VỤ",
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        "Năm: 2026 - Văn bản hành chính",
    ]
    assert values[5] == DECREE_OUTGOING
    assert values[6] == [f"({n})" for n in range(1, 11)]
    assert all(cell.font.bold for cell in sheet[6])
    assert len(values) == 7 + len(rows)

    first = sheet[8]
    assert first[0].value == "01/QĐ-SNV"
    assert day_of(first[1].value) == date(2026, 1, 3)
    assert first[1].number_format.lower() == "dd/mm/yyyy"
    assert first[6].value == 3  # copies stay a number
    assert day_of(first[7].value) == date(2026, 1, 4)
    assert sheet[9][7].value is None  # not handed over yet: blank, not a made-up day
    assert sheet.freeze_panes == "A8"
    assert sheet.column_dimensions["C"].width == 50


def test_the_incoming_xlsx_streams_a_generator_and_keeps_every_row():
    count = 1000

    data = incoming_register_xlsx(INCOMING_SECRET_BOOK, (row for row in incoming_rows(count)))

    values = list(sheet_of(data).iter_rows(values_only=True))
    assert values[2][0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT"
    assert list(values[5]) == [*DECREE_INCOMING[:-1], "Độ mật", "Ghi chú"]
    data_rows = values[7:]
    assert len(data_rows) == count
    assert [row[1] for row in data_rows] == list(range(1, count + 1))
    assert (day_of(data_rows[-1][0]), data_rows[-1][1]) == (date(2026, 3, 5), count)
    assert data_rows[-1][9] == "Mật"


def test_an_empty_book_still_has_its_headings():
    data = outgoing_register_xlsx(OUTGOING_BOOK, [])

    values = list(sheet_of(data).iter_rows(values_only=True))
    assert list(values[5]) == DECREE_OUTGOING
    assert len(values) == 7
