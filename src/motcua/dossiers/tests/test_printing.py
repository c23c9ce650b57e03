"""The one-stop forms as real PDFs: every form of both circulars, rendered from plain data (no database)."""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import segno
from pypdf import PdfReader

from motcua.dossiers.printing import (
    CIRCULAR_03_2025_FROM,
    FORM_TABLE,
    AgencyHeader,
    ApologyForm,
    ComponentLine,
    ControlRow,
    ControlSheet,
    FormKind,
    FormNotInSetError,
    FormSet,
    Party,
    PrintableForm,
    ReceiptForm,
    RefusalForm,
    Register,
    RegisterRow,
    StopForm,
    SupplementForm,
    form_set_for,
    form_spec,
    format_date_line,
    format_moment,
    render_html,
    render_pdf,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)

HEADER = AgencyHeader("UBND tỉnh Lạng Sơn", "Sở Tư pháp", place="Lạng Sơn", name_in_text="Sở Tư pháp")
DESK = "Bộ phận tiếp nhận và trả kết quả"
AN = Party(
    "Nguyễn Văn An",
    id_number="020095001234",
    address="Số 12 đường Trần Đăng Ninh, phường Lương Văn Tri, tỉnh Lạng Sơn",
    phone="0912 345 678",
    email="an.nguyen@example.vn",
)
BINH = Party("Hoàng Thị Bình", address="Thôn Bản Ngà, xã Hữu Lũng, tỉnh Lạng Sơn", phone="0205 3 812 345")
CODE = "000.00.12.H37-261126-0007"
TRACKING_URL = f"https://dichvucong.langson.gov.vn/tra-cuu/{CODE}"
PROCEDURE = "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


RECEIVED = at(11, 26, 8, 30)
APPOINTMENT = at(12, 7, 16)


def register_rows(count: int) -> list[RegisterRow]:
    return [
        RegisterRow(
            code=f"000.00.12.H37-2611{i % 28 + 1:02d}-{i:04d}",
            applicant=AN if i % 2 else BINH,
            procedure=PROCEDURE,
            received_at=at(11, i % 28 + 1, 8, 30),
            appointment_at=APPOINTMENT,
            finished_at=at(12, 5, 10) if i % 3 else None,
            status="Đã xử lý xong" if i % 3 else "Đang xử lý",
        )
        for i in range(1, count + 1)
    ]


def sample(kind: FormKind) -> tuple[PrintableForm, list[str]]:
    """A form of that kind and the texts its PDF must show (title, code and number are checked apart)."""
    issued = at(11, 26, 9, 15)
    match kind:
        case FormKind.RECEIPT:
            form: PrintableForm = ReceiptForm(
                code=CODE,
                header=HEADER,
                desk_name=DESK,
                applicant=AN,
                procedure=PROCEDURE,
                components=[
                    ComponentLine("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", originals=1),
                    ComponentLine("Bản chụp Căn cước công dân", copies=1),
                ],
                received_at=RECEIVED,
                appointment_at=APPOINTMENT,
                return_place="Trung tâm Phục vụ hành chính công tỉnh, quầy số 5",
                channel="Trực tiếp",
                officer="Lương Thị Hằng",
                tracking_url=TRACKING_URL,
                fee="200.000 đồng",
            )
            return form, ["Nguyễn Văn An", "08 giờ 30, ngày 26/11/2026", "16 giờ 00, ngày 07/12/2026"]
        case FormKind.SUPPLEMENT:
            form = SupplementForm(
                code=CODE,
                header=HEADER,
                applicant=BINH,
                procedure="Đăng ký khai sinh",
                reasons=["Bản sao giấy chứng sinh không rõ nét."],
                items=["Bản chính Giấy chứng sinh"],
                round_number=1,
                officer="Lương Thị Hằng",
                issued_at=issued,
                desk_name=DESK,
            )
            return form, [
                "Hoàng Thị Bình",
                "Lạng Sơn, ngày 26 tháng 11 năm 2026",
                "Bản chính Giấy chứng sinh",
            ]
        case FormKind.REFUSAL:
            form = RefusalForm(
                code=CODE,
                header=HEADER,
                applicant=BINH,
                procedure="Đăng ký khai sinh",
                reasons=["Thủ tục không thuộc thẩm quyền giải quyết của Sở Tư pháp."],
                officer="Lương Thị Hằng",
                issued_at=issued,
                desk_name=DESK,
            )
            return form, ["Hoàng Thị Bình", "Lạng Sơn, ngày 26 tháng 11 năm 2026", "không thuộc thẩm quyền"]
        case FormKind.APOLOGY:
            form = ApologyForm(
                code=CODE,
                header=HEADER,
                applicant=AN,
                procedure=PROCEDURE,
                received_at=RECEIVED,
                reason="cần xác minh thông tin tại cơ quan công an tỉnh khác.",
                old_appointment_at=APPOINTMENT,
                new_appointment_at=at(12, 14, 16),
                signer="Hoàng Văn Đức",
                issued_at=at(12, 4, 10),
                signer_title="Giám đốc",
            )
            return form, ["Nguyễn Văn An", "16 giờ 00, ngày 07/12/2026", "16 giờ 00, ngày 14/12/2026"]
        case FormKind.STOP:
            form = StopForm(
                code=CODE,
                header=HEADER,
                applicant=AN,
                procedure=PROCEDURE,
                received_at=RECEIVED,
                reason="người yêu cầu có đơn đề nghị dừng giải quyết hồ sơ.",
                signer="Hoàng Văn Đức",
                issued_at=at(12, 1, 10),
            )
            return form, [
                "Nguyễn Văn An",
                "08 giờ 30, ngày 26/11/2026",
                "Lạng Sơn, ngày 01 tháng 12 năm 2026",
            ]
        case FormKind.CONTROL_SHEET:
            form = ControlSheet(
                code=CODE,
                header=HEADER,
                procedure=PROCEDURE,
                applicant=AN,
                received_at=RECEIVED,
                appointment_at=APPOINTMENT,
                rows=[
                    ControlRow("Bộ phận TN&TKQ", "Phòng Hành chính tư pháp", at(11, 26, 14), at(12, 3, 17)),
                    ControlRow("Phòng Hành chính tư pháp", "Lãnh đạo Sở", at(12, 2, 9), None, "Đúng hạn"),
                ],
            )
            return form, ["Nguyễn Văn An", "16 giờ 00, ngày 07/12/2026", "17 giờ 00, ngày 03/12/2026"]
        case FormKind.REGISTER:
            form = Register(header=HEADER, period_label="Tháng 11 năm 2026", rows=register_rows(2))
            return form, ["Nguyễn Văn An", "Hoàng Thị Bình", "16 giờ 00, ngày 07/12/2026"]


FORMS = [(form_set, kind) for form_set, kinds in FORM_TABLE.items() for kind in kinds]
FORM_IDS = [f"{form_set.name}-{kind.value}" for form_set, kind in FORMS]


@functools.cache
def pdf_of(form_set: FormSet, kind: FormKind) -> bytes:
    form, _ = sample(kind)
    return render_pdf(form, form_set=form_set)


def flat(text: str) -> str:
    """Extracted text in NFC with runs of white space as one space (titles may wrap)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def page_texts(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


# -- the table of forms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_set", "kind", "number", "title"),
    [
        (FormSet.CIRCULAR_01_2018, FormKind.RECEIPT, "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        (FormSet.CIRCULAR_01_2018, FormKind.SUPPLEMENT, "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        (FormSet.CIRCULAR_01_2018, FormKind.REFUSAL, "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        (FormSet.CIRCULAR_01_2018, FormKind.APOLOGY, "04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        (
            FormSet.CIRCULAR_01_2018,
            FormKind.CONTROL_SHEET,
            "05",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        ),
        (FormSet.CIRCULAR_01_2018, FormKind.REGISTER, "06", "Sổ theo dõi hồ sơ"),
        (FormSet.CIRCULAR_03_2025, FormKind.RECEIPT, "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        (FormSet.CIRCULAR_03_2025, FormKind.SUPPLEMENT, "02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        (FormSet.CIRCULAR_03_2025, FormKind.REFUSAL, "03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        (
            FormSet.CIRCULAR_03_2025,
            FormKind.APOLOGY,
            "04",
            "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        ),
        (FormSet.CIRCULAR_03_2025, FormKind.STOP, "05", "Thông báo dừng giải quyết hồ sơ"),
        (
            FormSet.CIRCULAR_03_2025,
            FormKind.CONTROL_SHEET,
            "06",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        ),
        (FormSet.CIRCULAR_03_2025, FormKind.REGISTER, "07", "Sổ theo dõi hồ sơ"),
    ],
)
def test_each_set_numbers_and_titles_its_forms_as_the_circular_does(form_set, kind, number, title):
    spec = form_spec(kind, form_set)

    assert (spec.number, spec.title, spec.label) == (number, title, f"Mẫu số {number}")


def test_the_2018_set_has_six_forms_and_the_2025_set_seven():
    assert len(FORM_TABLE[FormSet.CIRCULAR_01_2018]) == 6
    assert len(FORM_TABLE[FormSet.CIRCULAR_03_2025]) == 7


def test_the_stop_notice_does_not_exist_in_the_2018_set():
    form, _ = sample(FormKind.STOP)

    with pytest.raises(
        FormNotInSetError, match=r"01/2018/TT-VPCP.*Thông báo dừng giải quyết hồ sơ"
    ) as caught:
        render_pdf(form, form_set=FormSet.CIRCULAR_01_2018)

    assert (caught.value.kind, caught.value.form_set) == (FormKind.STOP, FormSet.CIRCULAR_01_2018)
    assert caught.value.code == "form_not_in_set"
    with pytest.raises(FormNotInSetError):
        render_html(form, form_set=FormSet.CIRCULAR_01_2018)


@pytest.mark.parametrize(
    ("received_on", "expected"),
    [
        (date(2018, 7, 1), FormSet.CIRCULAR_01_2018),
        (date(2025, 6, 30), FormSet.CIRCULAR_01_2018),
        (date(2025, 7, 1), FormSet.CIRCULAR_03_2025),
        (date(2026, 11, 26), FormSet.CIRCULAR_03_2025),
    ],
)
def test_form_set_for_picks_the_set_by_reception_day(received_on, expected):
    assert form_set_for(received_on) is expected


def test_the_2025_set_starts_on_1_july_2025():
    assert date(2025, 7, 1) == CIRCULAR_03_2025_FROM


# -- Vietnamese dates ----------------------------------------------------------------------------------------


def test_moments_print_in_vietnamese_in_the_provinces_time_zone():
    utc = datetime(2026, 11, 26, 1, 30, tzinfo=ZoneInfo("UTC"))

    assert format_moment(utc) == "08 giờ 30, ngày 26/11/2026"
    assert format_moment(at(1, 5, 16, 5)) == "16 giờ 05, ngày 05/01/2026"


@pytest.mark.parametrize(
    ("moment", "place", "expected"),
    [
        (at(11, 26, 9), "Lạng Sơn", "Lạng Sơn, ngày 26 tháng 11 năm 2026"),
        (at(3, 5, 9), "Lạng Sơn", "Lạng Sơn, ngày 05 tháng 3 năm 2026"),  # Decree 30: no zero before 3-12
        (at(1, 9, 9), "Lạng Sơn", "Lạng Sơn, ngày 09 tháng 01 năm 2026"),  # ... but before 1 and 2
        (at(2, 20, 9), "", "Ngày 20 tháng 02 năm 2026"),
        (
            datetime(2026, 11, 25, 18, 0, tzinfo=ZoneInfo("UTC")),
            "Lạng Sơn",
            "Lạng Sơn, ngày 26 tháng 11 năm 2026",
        ),
    ],
)
def test_the_date_line_follows_decree_30(moment, place, expected):
    assert format_date_line(place, moment) == expected


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        format_moment(datetime(2026, 11, 26, 8, 30))  # noqa: DTZ001 - the naive value under test


# -- every form as a PDF ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("form_set", "kind"), FORMS, ids=FORM_IDS)
def test_each_form_is_a_real_pdf_of_its_paper_size(form_set, kind):
    pdf = pdf_of(form_set, kind)

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    expected = A4_LANDSCAPE if kind is FormKind.REGISTER else A5
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(expected[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(expected[1], abs=1)


@pytest.mark.parametrize(("form_set", "kind"), FORMS, ids=FORM_IDS)
def test_each_form_shows_its_number_title_code_applicant_and_dates(form_set, kind):
    _, expected = sample(kind)
    spec = form_spec(kind, form_set)

    text = " ".join(page_texts(pdf_of(form_set, kind)))

    assert spec.label in text
    assert spec.title.upper() in text
    assert ("000.00.12.H37-261102-0001" if kind is FormKind.REGISTER else CODE) in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND TỈNH LẠNG SƠN" in text
    for snippet in expected:
        assert snippet in text


@pytest.mark.parametrize("kind", [FormKind.RECEIPT, FormKind.SUPPLEMENT, FormKind.APOLOGY, FormKind.STOP])
def test_the_a5_forms_fit_on_one_page(kind):
    assert len(PdfReader(io.BytesIO(pdf_of(FormSet.CIRCULAR_03_2025, kind))).pages) == 1


def test_the_apology_wording_follows_the_set():
    old = " ".join(page_texts(pdf_of(FormSet.CIRCULAR_01_2018, FormKind.APOLOGY)))
    new = " ".join(page_texts(pdf_of(FormSet.CIRCULAR_03_2025, FormKind.APOLOGY)))

    assert "hẹn trả kết quả giải quyết hồ sơ vào" in old
    assert "gia hạn" not in old
    assert "đề nghị gia hạn thời gian giải quyết hồ sơ đến" in new


def test_the_receipt_carries_a_qr_code_of_the_tracking_url_with_the_code_under_it():
    form, _ = sample(FormKind.RECEIPT)
    html = render_html(form, form_set=FormSet.CIRCULAR_03_2025)

    svg = re.search(r'<svg[^>]*class="qr"[^>]*>\s*<path[^>]*\sd="(M[^"]+)"', html)
    assert svg is not None, "no inline QR code in the receipt"
    # The path draws the dark runs of exactly this URL's symbol (one "m"/"M" per run), not a placeholder.
    symbol = segno.make(TRACKING_URL, error="m")
    runs = sum(len(re.findall(r"1+", "".join(str(bit) for bit in row))) for row in symbol.matrix)
    assert len(re.findall(r"[mM]", svg.group(1))) == runs
    assert re.search(r'class="qr-code">\s*' + re.escape(CODE), html)

    # ... and the PDF draws it: far more path moves than a receipt's table borders would need.
    content = (
        PdfReader(io.BytesIO(pdf_of(FormSet.CIRCULAR_03_2025, FormKind.RECEIPT))).pages[0].get_contents()
    )
    assert content is not None
    assert content.get_data().count(b" m\n") >= runs


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")) and os.environ.get("CI", "").lower() != "true",
    reason="needs poppler-utils and zbar-tools (`make browser` installs them); CI always runs it",
)
def test_the_printed_qr_code_scans_back_to_the_tracking_url(tmp_path):
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(pdf_of(FormSet.CIRCULAR_03_2025, FormKind.RECEIPT))

    # 110 dpi: about what a phone camera resolves from an A5 sheet at arm's length.
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", pdf, tmp_path / "receipt"], check=True)
    scan = subprocess.run(
        ["zbarimg", "--quiet", "--raw", tmp_path / "receipt.png"], capture_output=True, text=True, check=True
    )

    assert scan.stdout.strip() == TRACKING_URL


def test_html_escapes_what_the_applicant_typed():
    form, _ = sample(FormKind.REFUSAL)
    assert isinstance(form, RefusalForm)
    hostile = dataclasses.replace(form, applicant=Party("<script>alert(1)</script> Bình"))

    html = render_html(hostile, form_set=FormSet.CIRCULAR_03_2025)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bình" in html


def test_the_html_preview_is_a_standalone_vietnamese_page():
    form, _ = sample(FormKind.RECEIPT)

    html = render_html(form, form_set=FormSet.CIRCULAR_01_2018)

    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in html
    assert "size: A5 portrait" in html
    assert "Noto Serif" in html


def test_a_60_row_register_spans_pages_with_the_header_repeated_on_each():
    register = Register(
        header=HEADER,
        period_label="Từ ngày 01/11/2026 đến ngày 30/11/2026",
        rows=register_rows(60),
        desk_name=DESK,
    )

    pdf = render_pdf(register, form_set=FormSet.CIRCULAR_03_2025)

    reader = PdfReader(io.BytesIO(pdf))
    texts = page_texts(pdf)
    assert len(texts) >= 3
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        assert float(page.mediabox.width) == pytest.approx(A4_LANDSCAPE[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_LANDSCAPE[1], abs=1)
        assert "Mã hồ sơ Tên thủ tục hành chính Tên cá nhân, tổ chức" in text
        assert "Hẹn trả kết quả" in text
        assert f"Trang {number}/{len(texts)}" in text
    assert texts[0].count("SỔ THEO DÕI HỒ SƠ") == 1
    assert "SỔ THEO DÕI HỒ SƠ" not in texts[-1]
    everything = " ".join(texts)
    for row in register.rows:
        assert row.code in everything
