"""Administrative documents as PDFs in the Decree 30/2020 Appendix I layout, from plain data (no database)."""

from __future__ import annotations

import dataclasses
import functools
import io
import re
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject

from motcua.documents.rendering import (
    SIGNATURE_BOX_ANCHOR,
    SIGNATURE_BOX_MM,
    DocumentText,
    SignatureBoxNotFoundError,
    issue_date_line,
    list_lines,
    number_line,
    render_document_html,
    render_document_pdf,
    signature_box,
)

A4 = (595.28, 841.89)
MM = 72 / 25.4

DECISION = DocumentText(
    issuing_body_parent="UBND TỈNH LẠNG SƠN",
    issuing_body="Sở Nội vụ",
    number_symbol="12/QĐ-SNV",
    place="Lạng Sơn",
    issued_on=date(2026, 3, 5),
    type_name="Quyết định",
    subject="Về việc ban hành Danh mục hồ sơ năm 2026 của Sở Nội vụ",
    content=(
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;\n"
        "Theo đề nghị của Chánh Văn phòng Sở.\n"
        "\n"
        "Điều 1. Ban hành kèm theo Quyết định này Danh mục hồ sơ năm 2026 của Sở Nội vụ.\n"
        "\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
        "\n"
        "Điều 3. Chánh Văn phòng, Trưởng các phòng thuộc Sở chịu trách nhiệm thi hành Quyết định này./."
    ),
    recipients=("Như Điều 3", "- Giám đốc Sở (để b/c);", "Lưu: VT, VP."),
    signer_authority="KT. Giám đốc",
    signer_title="Phó Giám đốc",
    signer_name="Hoàng Văn Đức",
    urgency_mark="Thượng khẩn",
)

# A draft công văn long enough for two pages: the signature block lands on the last one.
LETTER_DRAFT = DocumentText(
    issuing_body_parent="",
    issuing_body="Ủy ban nhân dân tỉnh Lạng Sơn",
    number_symbol="",
    symbol_placeholder="UBND-NC",
    place="Lạng Sơn",
    issued_on=None,
    type_name="Công văn",
    subject="triển khai Nghị định số 30/2020/NĐ-CP về công tác văn thư",
    content="\n\n".join(
        f"{n}. Các sở, ban, ngành rà soát việc đăng ký văn bản đi, văn bản đến trên Hệ thống quản lý "
        f"văn bản và điều hành, bảo đảm đầy đủ các trường thông tin theo mẫu sổ đăng ký (nội dung {n})."
        for n in range(1, 19)
    ),
    recipients=("Như trên;", "CT, các PCT UBND tỉnh;", "Lưu: VT, NC."),
    signer_authority="TM. Ủy ban nhân dân",
    signer_title="Chủ tịch",
    signer_name="Nguyễn Văn An",
    confidentiality_mark="Mật",
    is_draft=True,
    addressees=("Các sở, ban, ngành tỉnh", "UBND các huyện, thành phố"),
)


@functools.cache
def pdf_of(name: str) -> bytes:
    return render_document_pdf({"decision": DECISION, "letter": LETTER_DRAFT}[name])


def flat(text: str) -> str:
    """Extracted text in NFC with runs of white space (non-breaking ones too) as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_heights(pdf: bytes, page_index: int) -> dict[str, float]:
    """Each text run of a page with its baseline height from the bottom of the page, in points."""
    runs: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        # WeasyPrint draws in a y-down space (cm flips it): page y = cm_d * tm_f + cm_f.
        if text.strip():
            runs[flat(text).strip()] = cm[3] * tm[5] + cm[5]

    PdfReader(io.BytesIO(pdf)).pages[page_index].extract_text(visitor_text=visit)
    return runs


# -- the date and number lines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "expected"),
    [
        (date(2026, 1, 1), "Lạng Sơn, ngày 01 tháng 01 năm 2026"),  # day below 10 and month 1: leading 0
        (date(2026, 3, 5), "Lạng Sơn, ngày 05 tháng 3 năm 2026"),  # month 3 and later: no leading 0
        (date(2026, 11, 15), "Lạng Sơn, ngày 15 tháng 11 năm 2026"),
        (date(2026, 2, 2), "Lạng Sơn, ngày 02 tháng 02 năm 2026"),  # month 2: leading 0
        (date(2026, 12, 10), "Lạng Sơn, ngày 10 tháng 12 năm 2026"),
        (date(2019, 6, 29), "Lạng Sơn, ngày 29 tháng 6 năm 2019"),  # the decree's own second example
    ],
)
def test_the_date_line_pads_days_below_10_and_months_1_and_2_only(issued_on, expected):
    assert issue_date_line("Lạng Sơn", issued_on) == expected


def test_a_date_line_without_place_starts_with_a_capital():
    assert issue_date_line("", date(2020, 1, 5)) == "Ngày 05 tháng 01 năm 2020"


def test_an_undated_draft_leaves_blanks_for_day_month_and_year():
    line = issue_date_line("Lạng Sơn", None)

    assert re.fullmatch(r"Lạng Sơn, ngày\s{3,}tháng\s{3,}năm 20\.+", line)


def test_the_number_line_and_a_drafts_blank_number():
    assert number_line("12/QĐ-UBND") == "Số: 12/QĐ-UBND"
    assert re.fullmatch(r"Số:\s{3,}/QĐ-UBND", number_line("", "QĐ-UBND"))


def test_list_lines_punctuate_as_the_decree_does():
    lines = list_lines(["Như trên", "- Sở Tư pháp;", "  ", "Lưu: VT, NC;"])

    assert lines == ["- Như trên;", "- Sở Tư pháp;", "- Lưu: VT, NC."]


# -- the HTML ------------------------------------------------------------------------------------------------


def test_the_html_is_a_standalone_a4_vietnamese_page_in_noto_serif():
    html = render_document_html(DECISION)

    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html
    assert "size: A4 portrait" in html
    assert "margin: 20mm 15mm 20mm 30mm" in html
    assert "Noto Serif" in html
    assert f'id="{SIGNATURE_BOX_ANCHOR}"' in html
    assert "width: 60mm; height: 25mm" in html  # not localised into "60,0mm"


def test_a_single_addressee_stands_on_the_kinh_gui_line_bare():
    letter = dataclasses.replace(LETTER_DRAFT, addressees=("- Sở Tư pháp;",))

    html = render_document_html(letter)

    assert re.search(r"Kính gửi:\s*</span>\s*Sở Tư pháp\s*</div>", html)


def test_the_html_escapes_what_the_drafter_typed():
    hostile = dataclasses.replace(DECISION, content="<script>alert(1)</script> Điều 1.")

    html = render_document_html(hostile)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Điều 1." in html


# -- the PDF -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["decision", "letter"])
def test_every_page_is_a4_portrait(name):
    pdf = pdf_of(name)

    assert pdf.startswith(b"%PDF-")
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4[1], abs=1)


def test_a_decision_shows_every_mandatory_part_in_order():
    texts = page_texts(pdf_of("decision"))
    text = " ".join(texts)

    assert len(texts) == 1
    parts = [
        "UBND TỈNH LẠNG SƠN",
        "SỞ NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/QĐ-SNV",
        "THƯỢNG KHẨN",
        "Lạng Sơn, ngày 05 tháng 3 năm 2026",
        "QUYẾT ĐỊNH",
        "Về việc ban hành Danh mục hồ sơ năm 2026 của Sở Nội vụ",
        "Điều 1. Ban hành kèm theo Quyết định này",
        "Nơi nhận: - Như Điều 3; - Giám đốc Sở (để b/c); - Lưu: VT, VP.",
        "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
        "Hoàng Văn Đức",
    ]
    positions = [text.find(part) for part in parts]
    assert -1 not in positions, [part for part, at in zip(parts, positions, strict=True) if at < 0]
    assert text.index("QUYẾT ĐỊNH") < text.index("Điều 1.") < text.index("Nơi nhận:")
    assert "V/v" not in text
    assert "DỰ THẢO" not in text
    assert "MẬT" not in text


def test_a_letter_has_no_title_but_its_summary_after_v_v_under_the_number():
    text = " ".join(page_texts(pdf_of("letter")))

    assert "V/v triển khai Nghị định số 30/2020/NĐ-CP về công tác văn thư" in text
    assert "CÔNG VĂN" not in text
    assert "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN" in text
    assert "Kính gửi: - Các sở, ban, ngành tỉnh; - UBND các huyện, thành phố." in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text
    assert "MẬT" in text


def test_a_draft_has_a_blank_number_and_date_and_the_watermark_on_every_page():
    texts = page_texts(pdf_of("letter"))

    assert len(texts) >= 2
    assert all("DỰ THẢO" in text for text in texts)
    assert re.search(r"Số: /UBND-NC", texts[0])
    assert "Lạng Sơn, ngày tháng năm 20..." in texts[0]


def test_page_numbers_sit_in_the_top_margin_from_page_2_on():
    pdf = pdf_of("letter")
    count = len(PdfReader(io.BytesIO(pdf)).pages)

    in_top_margin = [
        [run for run, height in text_heights(pdf, index).items() if height > A4[1] - 20 * MM]
        for index in range(count)
    ]

    assert in_top_margin == [[], *([str(number)] for number in range(2, count + 1))]


# -- the signature box ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["decision", "letter"])
def test_the_signature_box_is_60_by_25_mm_on_the_last_page_inside_it(name):
    pdf = pdf_of(name)
    reader = PdfReader(io.BytesIO(pdf))

    page, x1, y1, x2, y2 = signature_box(pdf)

    assert page == len(reader.pages) - 1
    assert (x2 - x1, y2 - y1) == pytest.approx((SIGNATURE_BOX_MM[0] * MM, SIGNATURE_BOX_MM[1] * MM), abs=0.5)
    box = reader.pages[page].mediabox
    # Inside the text area: right of the 30 mm left margin, within the 15 mm right and 20 mm bottom ones.
    assert 30 * MM < x1 < x2 <= float(box.width) - 15 * MM + 0.5
    assert 20 * MM - 0.5 <= y1 < y2 < float(box.height) - 20 * MM
    # In the right half, where the signer's block is.
    assert x1 > float(box.width) / 2 - 10 * MM


@pytest.mark.parametrize("name", ["decision", "letter"])
def test_the_signature_box_lies_below_the_content_between_the_signers_title_and_name(name):
    pdf = pdf_of(name)
    text = {"decision": DECISION, "letter": LETTER_DRAFT}[name]
    page, _, y1, _, y2 = signature_box(pdf)

    heights = text_heights(pdf, page)

    last_content = next(height for run, height in heights.items() if run.endswith(text.content[-12:]))
    title = heights[text.signer_title.upper()]
    name_line = heights[text.signer_name]
    assert last_content > title > y2 > y1 > name_line


def test_pyhanko_puts_the_signature_field_on_the_box_and_the_box_survives_the_incremental_save():
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    pdf = pdf_of("letter")
    page, x1, y1, x2, y2 = signature_box(pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # pyHanko types the box as whole points; rounding moves it by half a point at most.
    box = (round(x1), round(y1), round(x2), round(y2))

    append_signature_field(writer, SigFieldSpec("Signature1", on_page=page, box=box))
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]

    assert signature_box(out.getvalue()) == (page, x1, y1, x2, y2)
    annotations = PdfReader(out).pages[page].annotations
    assert annotations is not None
    field = annotations[0].get_object()
    assert isinstance(field, DictionaryObject)
    rect = field["/Rect"]
    assert isinstance(rect, ArrayObject)
    assert [float(x) for x in rect] == list(box)


def test_signature_box_refuses_a_pdf_without_the_anchor():
    writer = PdfWriter()
    writer.add_blank_page(width=A4[0], height=A4[1])
    buffer = io.BytesIO()
    writer.write(buffer)

    with pytest.raises(SignatureBoxNotFoundError):
        signature_box(buffer.getvalue())
