"""Parsers of the flattened TTHC tables, on snippets copied verbatim from the national records.

Each snippet names the record it comes from (ma_thu_tuc). Combining diacritics that the source really
contains are written as \\u escapes so that no editor can silently recompose them.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.parsing import (
    ChannelTerm,
    Component,
    FeeItem,
    LegalReference,
    ResultItem,
    duration_to_working_hours,
    fold,
    normalize_text,
    parse_channels,
    parse_components,
    parse_legal_basis,
    parse_levels,
    parse_result,
    parse_steps,
)

HEAD = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def summary(rows: list[ChannelTerm]) -> list[tuple[str, Decimal | None, str | None, Decimal | None, bool]]:
    return [(r.channel, r.duration_value, r.duration_unit, r.fee_amount, r.fee_is_specified) for r in rows]


# --------------------------------------------------------------------------- text helpers


def test_normalize_text_composes_combining_marks_and_collapses_whitespace():
    # given: "Thụ lý giải quyết" as 1.000178 spells it, with combining marks and stray spaces
    raw = "  Thu\u0323 ly\u0301\n\n gia\u0309i  quyê\u0301t "

    # when
    text = normalize_text(raw)

    # then
    assert text == "Thụ lý giải quyết"
    assert text == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Câ\u0301p thay thê\u0301 giâ\u0301y phe\u0301p CITES", "cap thay the giay phep cites"),  # 1.014020
        ("Đăng ký kết hôn có yếu tố nước ngoài", "dang ky ket hon co yeu to nuoc ngoai"),
        ("ĐỊNH DANH   điện tử", "dinh danh dien tu"),
        ("", ""),
    ],
)
def test_fold_removes_diacritics_case_and_d_stroke(raw, folded):
    # given a Vietnamese phrase, when folded, then only plain lower-case ASCII letters remain
    assert fold(raw) == folded


def test_fold_matches_precomposed_and_combining_spellings():
    # given the same words spelled both ways, when folded, then the keys are equal
    assert fold("Thu\u0323 ly\u0301") == fold("Thụ lý") == "thu ly"


@given(st.text())
def test_fold_is_idempotent_and_mark_free(s):
    # given any text, when folded twice, then nothing changes and no mark or "đ" is left
    once = fold(s)
    assert fold(once) == once
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", once))
    assert "đ" not in once


@given(st.text())
def test_normalize_text_is_idempotent(s):
    assert normalize_text(normalize_text(s)) == normalize_text(s)


# --------------------------------------------------------------------------- channels


def test_channels_three_free_rows_in_working_days():
    # given 1.000236: three channels, 3 working days each, free
    text = (
        HEAD + "Trực tuyến3 Ngày làm việcMiễn phínộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc "
        "Cổng dịch vụ công Bộ Công an.Dịch vụ bưu chính3 Ngày làm việcMiễn phínộp hồ sơ hoàn toàn qua dịch "
        "vụ bưu chính công ích hoặc nộp bổ sung hồ sơ qua dịch vụ bưu chính công ích theo thông báo của Cục "
        "Quản lý xuất nhập cảnh trên Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an (nếu "
        "có).Trực tiếp3 Ngày làm việcMiễn phínộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh."
    )

    # when
    rows = parse_channels(text)

    # then
    assert summary(rows) == [
        ("online", Decimal(3), "working_days", Decimal(0), True),
        ("postal", Decimal(3), "working_days", Decimal(0), True),
        ("in_person", Decimal(3), "working_days", Decimal(0), True),
    ]
    assert rows[0].description.startswith("nộp hồ sơ trực tuyến")
    assert rows[2].description == "nộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh."
    assert rows[0].fee_text == "Miễn phí"
    assert rows[0].duration_text == "3 Ngày làm việc"


@pytest.mark.parametrize(
    ("code", "body", "expected"),
    [
        # calendar days, and "Không có thông tin" as fee: 0 but not specified
        (
            "1.000253",
            "Trực tiếp7 NgàyKhông có thông tinNộp trực tiếp tại trụ sở Công an cấp xã",
            [("in_person", Decimal(7), "days", Decimal(0), False)],
        ),
        # months, and a USD fee: no VND amount
        (
            "1.001010",
            "Trực tiếp6 Tháng100 USD(100 USD/thẻ.)",
            [("in_person", Decimal(6), "months", None, True)],
        ),
        # hours
        (
            "1.013065",
            "Trực tuyến8 GiờMiễn phí- Cách thức thực hiện: + Chủ xe thực hiện kê khai đăng ký xe trên Cổng "
            "dịch vụ công hoặc Ứng dụng định danh quốc gia.",
            [("online", Decimal(8), "hours", Decimal(0), True)],
        ),
        # no time at all
        (
            "1.000232",
            "Trực tiếpKhông có thông tinKhông có thông tinnộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất "
            "nhập cảnh.Dịch vụ bưu chínhKhông có thông tinKhông có thông tinGửi hồ sơ và nhận kết quả qua "
            "đường bưu điện.Trực tuyếnKhông có thông tinKhông có thông tinTrực tuyến: nộp hồ sơ trực tuyến "
            "qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an.",
            [
                ("in_person", None, None, Decimal(0), False),
                ("postal", None, None, Decimal(0), False),
                ("online", None, None, Decimal(0), False),
            ],
        ),
        # a bare number with no unit
        ("1.000025", "Trực tiếp1Miễn phí", [("in_person", Decimal(1), None, Decimal(0), True)]),
        # a bare "0", with the fee unknown
        (
            "1.115148",
            "Trực tiếp0Không có thông tinỦy ban nhân dân cấp tỉnh, thành phố quy định chi tiết trình tự, "
            "thủ tục này Trực tuyến0Không có thông tinỦy ban nhân dân cấp tỉnh, thành phố quy định chi tiết "
            "trình tự, thủ tục nàyDịch vụ bưu chính0Không có thông tinỦy ban nhân dân cấp tỉnh quy định chi "
            "tiết trình tự, thủ tục này",
            [
                ("in_person", Decimal(0), None, Decimal(0), False),
                ("online", Decimal(0), None, Decimal(0), False),
                ("postal", Decimal(0), None, Decimal(0), False),
            ],
        ),
        # thousands separators in the fee
        (
            "1.002549",
            "Trực tuyến7 Ngày làm việc1,025,000 Việt Nam Đồng(Kiểm tra điều kiện sản xuất thuốc thú y, "
            "thuốc thú y thủy sản: - Cơ sở mới thành lâ\u0323p có 1 dây chuyền (hoặc 1 phân xưởng); Hoặc cơ "
            "sở đang hoạt động có 2 dây chuyền (hoặc 2 phân xưởng) trở lên: 1.025.000 đồng/lầng/lần.)07 "
            "ngày làm việc kể từ ngày nhận được hồ sơ đầy đủ, hợp lệ. ",
            [("online", Decimal(7), "working_days", Decimal(1025000), True)],
        ),
        # the time cell says in words that there is no time
        (
            "2.002235",
            "Trực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíQua Cổng dịch vụ công quốc giaDịch "
            "vụ bưu chínhKhông phải trả kết quả cho người nộp thuếMiễn phíThông qua dịch vụ bưu chính công "
            "ích",
            [("online", None, None, Decimal(0), True), ("postal", None, None, Decimal(0), True)],
        ),
        (
            "1.014976",
            "Trực tiếpKhông Không có thông tinTại Trung tâm phục vụ hành chính công cấp tỉnh, xãTrực "
            "tuyếnKhôngKhông có thông tinQua Cổng dịch vụ công Quốc gia",
            [("in_person", None, None, Decimal(0), False), ("online", None, None, Decimal(0), False)],
        ),
        # a whole sentence in the time cell
        (
            "1.009824",
            "Trực tiếpHệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động thông "
            "qua phương thức điện tử.Không có thông tinTại Trung tâm phục vụ hành chính công cấp tỉnh, "
            "xãTrực tuyếnHệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động thông "
            "qua phương thức điện tử.Không có thông tinQua Cổng dịch vụ công Quốc gia",
            [("in_person", None, None, Decimal(0), False), ("online", None, None, Decimal(0), False)],
        ),
    ],
)
def test_channels_real_rows(code, body, expected):
    # given a real channel table, when parsed, then each row has the stated time, unit and fee
    assert summary(parse_channels(HEAD + body)) == expected, code


def test_channels_time_without_unit_glued_to_the_fee():
    # given 1.000014 and 1.000005: a bare "1" is glued to the amount, "120 VNĐ" = "1" + "20 VNĐ"
    text_a = HEAD + "Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)Trực tiếp120 VNĐ(20.000 vnđ /tờ khai)"
    text_b = (
        HEAD + "Trực tuyến120,000 VNĐ(Theo khoản 1 Điều 3 Thông tư số 172/2010/TT-BTC ngày 02/11/2010 của Bộ "
        "Tài chính hướng dẫn mức mức thu, chế độ thu, nộp, quản lý và sử dụng lệ phí trong lĩnh vực hải quan)"
    )

    # when
    rows_a, rows_b = parse_channels(text_a), parse_channels(text_b)

    # then: the time is 1 (unit unknown) and the fee what is left; the source writes 20.000 đồng as "20"
    assert summary(rows_a) == [
        ("online", Decimal(1), None, Decimal(20), True),
        ("in_person", Decimal(1), None, Decimal(20), True),
    ]
    assert rows_a[0].fees == (FeeItem(label="20.000 vnđ /tờ khai", amount=Decimal(20)),)
    assert summary(rows_b) == [("online", Decimal(1), None, Decimal(20000), True)]


def test_channels_usd_fee_keeps_the_amount_in_fees_only():
    # given 1.002411 (a USD fee with a note)
    text = (
        HEAD + "Trực tuyến5 Ngày làm việc10 USD(10 USD/lần)nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc "
        "gia hoặc Cổng dịch vụ công Bộ Công an.\nkhông quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ."
    )

    # when
    (row,) = parse_channels(text)

    # then
    assert row.fee_amount is None
    assert row.fee_is_specified
    assert row.fees == (FeeItem(label="10 USD/lần", amount=Decimal(10), currency="USD"),)
    assert row.description.endswith("không quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ.")


def test_channels_several_fees_as_repeated_channel_rows():
    # given 1.003358: one row per card type, the channel repeats; one amount is even labelled VNĐ
    # though its note says USD (the source's mistake, kept as written)
    text = (
        HEAD + "Trực tuyến5 Ngày làm việc145 USD(Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.)Trực "
        "tuyến: nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an. Không "
        "quá 05 ngày làm việc kể từ khi nhận đủ hồ sơ.Trực tiếp5 Ngày làm việc155 VNĐ(Thẻ tạm trú có thời "
        "hạn từ trên 02 năm đến 05 năm: 155 USD/thẻ.)Trực tiếp nộp hồ sơ và nhận kết quả tại trụ sở Cục Quản "
        "lý xuất nhập cảnh. Không quá 05 ngày làm việc kể từ khi nhận đủ hồ sơ.Trực tuyến5 Ngày làm việc155 "
        "USD(Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm: 155 USD/thẻ.)Trực tuyến: nộp hồ sơ trực "
        "tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an."
    )

    # when
    rows = parse_channels(text)

    # then: "Trực tuyến: nộp hồ sơ…" inside a description does not start a row
    assert [(r.channel, [(f.amount, f.currency) for f in r.fees]) for r in rows] == [
        ("online", [(Decimal(145), "USD")]),
        ("in_person", [(Decimal(155), "VND")]),
        ("online", [(Decimal(155), "USD")]),
    ]
    assert rows[0].description.startswith("Trực tuyến: nộp hồ sơ")


def test_channels_labelled_fees_in_one_cell():
    # given the older export format the portal used for several fees in one cell (not in this data set)
    text = HEAD + "Trực tiếp15 Ngày làm việcLệ phí : 50.000 Đồng Phí : 100.000 Đồng (thẩm định)Nộp tại Sở"

    # when
    (row,) = parse_channels(text)

    # then: both are listed, the headline is the lowest
    assert row.fees == (
        FeeItem(label="Lệ phí", amount=Decimal(50000)),
        FeeItem(label="Phí (thẩm định)", amount=Decimal(100000)),
    )
    assert row.fee_amount == Decimal(50000)
    assert row.description == "Nộp tại Sở"


def test_channels_fee_note_missing_its_closing_bracket():
    # given 1.004417: the note opens two brackets and closes one
    text = (
        HEAD + "Dịch vụ bưu chínhKhông có thông tin20,000,000 VNĐ(đồng/lần (Miễn phí từ ngày 07/4/2026 đến "
        "30/6/2026 theo quy định tại Thông tư 40/2026/TT-BTC)trong thời hạn 07 ngày làm việc, kể từ ngày "
        "tiếp nhận hồ sơ, Cục HKVN xem xét nội dung hồ sơ."
    )

    # when
    (row,) = parse_channels(text)

    # then: the note ends at its inner bracket and the description survives
    assert row.fee_amount == Decimal(20_000_000)
    assert row.fees[0].label.endswith("Thông tư 40/2026/TT-BTC)")
    assert row.description.startswith("trong thời hạn 07 ngày làm việc")
    assert row.duration_value is None


def test_channels_cut_off_note_and_combining_marks():
    # given 3.000337 (the field ends in "(") and 1.012520 (combining marks in the description)
    cut = HEAD + "Trực tuyến1 Ngày100 VNĐ("
    combining = (
        HEAD + "Dịch vụ bưu chính15 Ngày làm việcMiễn phí15 nga\u0300y làm việc kê\u0309 tư\u0300 nga\u0300y "
        "nhận đầy đủ hồ sơ hợp lệ.Trực tiếp15 Ngày làm việcMiễn phí15 nga\u0300y làm việc kê\u0309 tư\u0300 "
        "nga\u0300y nhận đầy đủ hồ sơ hợp lệ."
    )

    # when
    (cut_row,) = parse_channels(cut)
    rows = parse_channels(combining)

    # then
    assert (cut_row.fee_amount, cut_row.description) == (Decimal(100), "")
    assert summary(rows) == [
        ("postal", Decimal(15), "working_days", Decimal(0), True),
        ("in_person", Decimal(15), "working_days", Decimal(0), True),
    ]
    assert rows[1].description == "15 ngày làm việc kể từ ngày nhận đầy đủ hồ sơ hợp lệ."


@pytest.mark.parametrize("text", ["", "Không có thông tin", HEAD, "Trực tiếp"])
def test_channels_empty_tables(text):
    assert parse_channels(text) == []


@pytest.mark.parametrize(
    ("value", "unit", "hours"),
    [
        (Decimal(3), "working_days", Decimal(24)),
        (Decimal("1.5"), "working_days", Decimal(12)),
        (Decimal(8), "hours", Decimal(8)),
        (Decimal(4), "working_hours", Decimal(4)),
        (Decimal(7), "days", None),
        (Decimal(6), "months", None),
        (Decimal(1), "years", None),
        (Decimal(1), None, None),
        (None, "working_days", None),
    ],
)
def test_duration_to_working_hours(value, unit, hours):
    assert duration_to_working_hours(value, unit) == hours


# --------------------------------------------------------------------------- components


def test_components_one_unnamed_group_with_combining_marks():
    # given 1.000178
    text = (
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượngTài liệu, chứng cứ do các bên cung cấp1 bản chínhQuyết định "
        "giải quyết khiếu nại1 bản chínhBa\u0301o ca\u0301o kê\u0301t qua\u0309 xa\u0301c minh nô\u0323i "
        "dung khiê\u0301u na\u0323i1 bản chínhĐơn khiếu nại hoặc bản ghi nô\u0323i dung khiếu nại1 bản chính"
    )

    # when
    (group,) = parse_components(text)

    # then
    assert group.name == ""
    assert [(c.name, c.originals, c.copies) for c in group.components] == [
        ("Tài liệu, chứng cứ do các bên cung cấp", 1, 0),
        ("Quyết định giải quyết khiếu nại", 1, 0),
        ("Báo cáo kết quả xác minh nội dung khiếu nại", 1, 0),
        ("Đơn khiếu nại hoặc bản ghi nội dung khiếu nại", 1, 0),
    ]


def test_components_named_groups_with_several_templates():
    # given 1.003785: two named groups, a row with three forms
    text = (
        "Các giấy tờ phải nộp (bản chính) gồmTên giấy tờMẫu đơn, tờ khaiSố lượng+ Nộp cho Cảng vụ hàng "
        "hải/Cảng vụ đường thủy nội địa: Bản khai chung theo mẫu; Danh sách thuyền viên (nếu có thay đổi) "
        "theo mẫu; Danh sách hành khách (nếu có thay đổi) theo "
        "mẫu;MauDanhsachhanhkhach.docxMauDanhsachthuyenvien.docxMauBankhaichung.docx1 bản chính+ Nộp cho "
        "Biên phòng cửa khẩu: Danh sách thuyền viên (nếu có thay đổi) theo mẫu; Danh sách hành khách (nếu có "
        "thay đổi) theo mẫu.MauDanhsachthuyenvien.docxMauDanhsachhanhkhach.docx1 bản chínhCác giấy tờ phải "
        "xuất trình Cảng vụ (bản chính), bao gồmTên giấy tờMẫu đơn, tờ khaiSố lượngCác giấy chứng nhận của "
        "tàu biển và chứng chỉ chuyên môn của thuyền viên (nếu có thay đổi so với khi đến), các giấy tờ liên "
        "quan đến xác nhận nộp phí, lệ phí, tiền phạt hoặc thanh toán các khoản nợ theo quy định pháp luật.1 "
        "bản chính"
    )

    # when
    first, second = parse_components(text)

    # then
    assert first.name == "Các giấy tờ phải nộp (bản chính) gồm"
    assert second.name == "Các giấy tờ phải xuất trình Cảng vụ (bản chính), bao gồm"
    row = first.components[0]
    assert row.name.endswith("Danh sách hành khách (nếu có thay đổi) theo mẫu;")
    assert row.template_names == (
        "MauDanhsachhanhkhach.docx",
        "MauDanhsachthuyenvien.docx",
        "MauBankhaichung.docx",
    )
    assert row.template_name == "MauDanhsachhanhkhach.docx"
    assert first.components[1].template_names == ("MauDanhsachthuyenvien.docx", "MauDanhsachhanhkhach.docx")
    assert [(c.originals, c.copies, c.template_name) for c in second.components] == [(1, 0, None)]


def test_components_copies_and_a_template_after_a_symbol():
    # given 1.004077: copies only, and a form glued to "NĐ-CP"
    text = (
        "a) Thành phần hồ sơ:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Bản sao hoặc bản sao điện tử Bình đồ tuyến "
        "rà quét chướng ngại vật, trừ trường hợp đối với công trình nạo vét duy tu0 bản chính,1 bản sao- Bản "
        "chính hoặc biểu mẫu điện tử Đơn đề nghị của chủ đầu tư hoặc người khai thác theo Mẫu số 31 quy định "
        "tại Phụ lục ban hành kèm theo Nghị định 58/2017/NĐ-CPmẫu đơn đề nghị_6 (1).docx1 bản chính"
    )

    # when
    (group,) = parse_components(text)

    # then
    assert group.name == "a) Thành phần hồ sơ:"
    assert group.components == (
        Component(
            name="- Bản sao hoặc bản sao điện tử Bình đồ tuyến rà quét chướng ngại vật, trừ trường hợp đối "
            "với công trình nạo vét duy tu",
            template_name=None,
            originals=0,
            copies=1,
        ),
        Component(
            name="- Bản chính hoặc biểu mẫu điện tử Đơn đề nghị của chủ đầu tư hoặc người khai thác theo "
            "Mẫu số 31 quy định tại Phụ lục ban hành kèm theo Nghị định 58/2017/NĐ-CP",
            template_name="mẫu đơn đề nghị_6 (1).docx",
            originals=1,
            copies=0,
            template_names=("mẫu đơn đề nghị_6 (1).docx",),
        ),
    )


def test_components_named_then_unnamed_group_and_a_numbered_form():
    # given 1.000807 (shortened at a row boundary): a named group, then "--", a form "10-Mẫu NA9.doc"
    text = (
        "Giấy tờ chứng minh thuộc diện cấp giấy miễn thị thực:Tên giấy tờMẫu đơn, tờ khaiSố lượngNgười nước "
        "ngoài nộp bản sao được chứng thực từ bản chính hoặc kèm theo bản chính để đối chiếu giấy tờ chứng "
        "minh là vợ, chồng, con của công dân Việt Nam hoặc của người Việt Nam định cư ở nước ngoài.0 bản "
        "chính--Tên giấy tờMẫu đơn, tờ khaiSố lượngGiấy miễn thị thực, nếu mất phải có đơn trình báo.1 bản "
        "chính01 Tờ khai đề nghị cấp Giấy miễn thị thực (Mẫu NA9).10-Mẫu NA9.doc1 bản chínhBản sao chứng "
        "thực từ bản chính hoặc kèm theo bản chính để đối chiếu giấy tờ chứng minh nội dung cần điều chỉnh "
        "trong giấy miễn thị thực.0 bản chính,1 bản sao"
    )

    # when
    named, unnamed = parse_components(text)

    # then
    assert named.name == "Giấy tờ chứng minh thuộc diện cấp giấy miễn thị thực:"
    assert [(c.originals, c.copies) for c in named.components] == [(0, 0)]
    assert unnamed.name == ""
    assert [(c.name, c.template_name, c.originals, c.copies) for c in unnamed.components] == [
        ("Giấy miễn thị thực, nếu mất phải có đơn trình báo.", None, 1, 0),
        ("01 Tờ khai đề nghị cấp Giấy miễn thị thực (Mẫu NA9).", "10-Mẫu NA9.doc", 1, 0),
        (
            "Bản sao chứng thực từ bản chính hoặc kèm theo bản chính để đối chiếu giấy tờ chứng minh nội "
            "dung cần điều chỉnh trong giấy miễn thị thực.",
            None,
            0,
            1,
        ),
    ]


def test_components_counts_hidden_in_names():
    # given 3.000365 ("Nghị định 116" + "1 bản chính") and 1.007661 ("…: 01 bản chính" + "1 bản chính")
    text = (
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị cấp lại giấy phép hoạt động cai nghiện ma túy1 "
        "bản chínhTài liệu chứng minh bảo đảm đủ các điều kiện cơ sở vật chất, trang thiết bị tại trụ sở mới "
        "theo quy định tại Khoản 2, 3 Điều 9 Nghị định này đối với trường hợp quy định tại điểm c Khoản 1 "
        "Điều 12 Nghị định 1160 bản chính,1 bản saoBáo cáo kết quả khắc phục việc đình chỉ hoạt động của cơ "
        "sở cai nghiện đối với trường hợp quy định tại điểm d Khoản 1 Điều 12 nghị định 1161 bản chínhCông "
        "văn đề nghị giảm thuế theo Mẫu số 08 tại Phụ lục VII ban hành kèm theo Nghị định số 18/2021/NĐ-CP: "
        "01 bản chính1 bản chính"
    )

    # when
    (group,) = parse_components(text)

    # then
    names = [c.name[-40:] for c in group.components]
    assert [(c.originals, c.copies) for c in group.components] == [(1, 0), (0, 1), (1, 0), (1, 0)]
    assert names[1].endswith("Điều 12 Nghị định 116")
    assert names[2].endswith("Điều 12 nghị định 116")
    assert names[3].endswith("18/2021/NĐ-CP: 01 bản chính")


def test_components_several_copies_after_originals():
    # given 1.001280: "01 bản sao có chứng thực …" is wording, "0 bản chính,1 bản sao" the count
    text = (
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượng01 bản sao có chứng thực giấy tờ do cơ quan có thẩm quyền của "
        "Việt Nam cấp chứng minh người đại diện theo pháp luật đối với người mất năng lực hành vi dân sự, "
        "người có khó khăn trong nhận thức, làm chủ hành vi theo quy định của Bộ luật Dân sự, người chưa đủ "
        "14 tuổi; trường hợp nộp bản chụp thì xuất trình bản chính để kiểm tra, đối chiếu.0 bản chính,1 bản "
        "sao+ Giấy thông hành đã được cấp nếu còn giá trị sử dụng.1 bản chính,1 bản sao02 ảnh 4x6cm mới "
        "chụp, mặt nhìn thẳng, đầu để trần, không đeo kính màu, phông nền trắng; trong đó 01 ảnh dán vào Tờ "
        "khai2 bản chính"
    )

    # when
    (group,) = parse_components(text)

    # then
    assert [(c.name[:22], c.originals, c.copies) for c in group.components] == [
        ("01 bản sao có chứng th", 0, 1),
        ("+ Giấy thông hành đã đ", 1, 1),
        ("02 ảnh 4x6cm mới chụp,", 2, 0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "--",  # 1.014951
        # 1.001601: the steps text spilled into this field, there is no table
        ".\nBước 2. Nộp hồ sơ a) Đối với nhận chế độ BHXH hàng tháng, trợ cấp thất nghiệp: Đến kỳ chi trả, "
        "người được ủy quyền nộp Giấy uỷ quyền (mẫu số 13-HSB)",
    ],
)
def test_components_without_a_table(text):
    assert parse_components(text) == []


# --------------------------------------------------------------------------- legal basis


def test_legal_basis_titles_ending_in_their_own_number():
    # given 1.000178: "năm 2011" + "02/2011/QH13" and "…05/2012/NĐ-CP" + "05/2012/NĐ-CP"
    text = (
        "Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại "
        "và quản lý công tác giải quyết khiếu nại trong công an nhân dân68/2013/TT-BCALuật Khiếu nại  năm "
        "201102/2011/QH13Quy định quy trình giải quyết khiếu nại trong công an nhân dân11/2015/TT-BCANghị "
        "định 05/2012/NĐ-CP05/2012/NĐ-CP"
    )

    # when
    refs = parse_legal_basis(text)

    # then
    assert refs == [
        LegalReference(
            "Hướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại và quản lý công tác giải "
            "quyết khiếu nại trong công an nhân dân",
            "68/2013/TT-BCA",
        ),
        LegalReference("Luật Khiếu nại năm 2011", "02/2011/QH13"),
        LegalReference("Quy định quy trình giải quyết khiếu nại trong công an nhân dân", "11/2015/TT-BCA"),
        LegalReference("Nghị định 05/2012/NĐ-CP", "05/2012/NĐ-CP"),
    ]


def test_legal_basis_upper_case_titles_and_glued_law_numbers():
    # given 1.001200 (shortened) and 1.004059
    text_a = (
        "Tên văn bản pháp lýMã văn bảnLuật 49/2019/QH1449/2019/QH14Nghị định 76/2020/NĐ-CP76/2020/NĐ-CPQUY "
        "ĐỊNH MỨC THU, CHẾ ĐỘ THU, NỘP, QUẢN LÝ VÀ SỬ DỤNG PHÍ, LỆ PHÍ TRONG LĨNH VỰC XUẤT CẢNH, NHẬP CẢNH, "
        "QUÁ CẢNH, CƯ TRÚ TẠI VIỆT NAM25/2021/TT-BTCThông tư 43/2024/TT-BTC của Bộ Tài chính43/2024/TT-BTC"
    )
    text_b = (
        "Tên văn bản pháp lýMã văn bảnBộ Luật lao động45/2019/QH14QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH "
        "MỘT SỐ ĐIỀU CỦA BỘ LUẬT LAO ĐỘNG VỀ ĐIỀU KIỆN LAO ĐỘNG VÀ QUAN HỆ LAO ĐỘNG145/2020/NĐ-CPThông tư "
        "22/2022/TT-BCA22/2022/TT-BCA"
    )

    # when
    codes_a = [(r.title[:20], r.number_symbol) for r in parse_legal_basis(text_a)]
    codes_b = [(r.title[:20], r.number_symbol) for r in parse_legal_basis(text_b)]

    # then
    assert codes_a == [
        ("Luật 49/2019/QH14", "49/2019/QH14"),
        ("Nghị định 76/2020/NĐ", "76/2020/NĐ-CP"),
        ("QUY ĐỊNH MỨC THU, CH", "25/2021/TT-BTC"),
        ("Thông tư 43/2024/TT-", "43/2024/TT-BTC"),
    ]
    assert codes_b == [
        ("Bộ Luật lao động", "45/2019/QH14"),
        ("QUY ĐỊNH CHI TIẾT VÀ", "145/2020/NĐ-CP"),
        ("Thông tư 22/2022/TT-", "22/2022/TT-BCA"),
    ]


def test_legal_basis_prime_minister_symbol_and_combining_marks():
    # given 1.003371 ("QĐ-TTg", with a title that is the number itself) and 1.010091 (combining marks)
    ttg = (
        "Tên văn bản pháp lýMã văn bản19/2018/QĐ-TTg19/2018/QĐ-TTgNghị quyết của Chính phủ quy định cắt "
        "giảm, đơn giản hóa thủ tục hành chính, quy định liên quan đến hoạt động sản xuất, kinh "
        "doanh66.16/2026/NQ-CP"
    )
    combining = (
        "Tên văn bản pháp lýMã văn bảnNghị định quy định chi tiết thi hành một số điều của Luật Phòng, chống "
        "thiên tai và Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên tai và Luật Đê "
        "điều.66/2021/NĐ-CPNghi\u0323 đi\u0323nh số 53/2026/NĐ-CP ngày 05/02/2026 cu\u0309a Chính "
        "phu\u030953/2026/NĐ-CP"
    )

    # when
    ttg_refs, combining_refs = parse_legal_basis(ttg), parse_legal_basis(combining)

    # then
    assert [r.number_symbol for r in ttg_refs] == ["19/2018/QĐ-TTg", "16/2026/NQ-CP"]
    assert ttg_refs[0].title == "19/2018/QĐ-TTg"
    assert combining_refs[1] == LegalReference(
        "Nghị định số 53/2026/NĐ-CP ngày 05/02/2026 của Chính phủ", "53/2026/NĐ-CP"
    )


def test_legal_basis_keeps_a_title_without_number():
    # given 3.000353, where the code cell comes before its title
    refs = parse_legal_basis("Tên văn bản pháp lýMã văn bản06/2007/QH12Luật Hóa chất")

    # then nothing is lost
    assert refs == [LegalReference("", "06/2007/QH12"), LegalReference("Luật Hóa chất", "")]


@pytest.mark.parametrize("text", ["", "Không có thông tin", "Tên văn bản pháp lýMã văn bản"])
def test_legal_basis_empty(text):
    assert parse_legal_basis(text) == []


# --------------------------------------------------------------------------- results


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        (
            "1.000178",
            "Quyết định giải quyết khiếu nại lần 1, lâ\u0300n 2Mã: KQ.G01.00262Từ khóaKhông có thông tinMô "
            "tảKhông có thông tin",
            [ResultItem("Quyết định giải quyết khiếu nại lần 1, lần 2", "KQ.G01.00262")],
        ),
        (
            "1.003250",
            "Quyết định sửa đổi, bổ sung Giấy phép đối với nội dung tăng vốn điều lệ của tổ chức tín dụng "
            "phi ngân hàng trách nhiệm hữu hạnMã: KQ.G19.000344văn bản từ chốiMã: KQ.G19.000151Từ khóaKhông "
            "có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Bộ "
            "ngành --Đơn vị-- Chọn Cơ sở --Nộp hồ sơ",
            [
                ResultItem(
                    "Quyết định sửa đổi, bổ sung Giấy phép đối với nội dung tăng vốn điều lệ của tổ chức "
                    "tín dụng phi ngân hàng trách nhiệm hữu hạn",
                    "KQ.G19.000344",
                ),
                ResultItem("văn bản từ chối", "KQ.G19.000151"),
            ],
        ),
        (
            "1.008564",
            "Quyết định hoàn thuế (Mẫu số 01/QĐHT)Mã: KQ.G12.000548Thông báo về việc không được hoàn thuế "
            "(Mẫu số 04/TB-HT)Mã: KQ.G12.000543Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan "
            "thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --Hệ "
            "thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ",
            [
                ResultItem("Quyết định hoàn thuế (Mẫu số 01/QĐHT)", "KQ.G12.000548"),
                ResultItem("Thông báo về việc không được hoàn thuế (Mẫu số 04/TB-HT)", "KQ.G12.000543"),
            ],
        ),
        (
            "1.004089",
            "Quyết định hành chínhMã: 000.00.00.G11-KQ1711Từ khóaXét hưởng trợ cấp đối với thương binh, "
            "người được hưởng chính sách như thương binh tại Công an cấp tỉnhMô tảKhông có thông tin",
            [ResultItem("Quyết định hành chính", "000.00.00.G11-KQ1711")],
        ),
        (
            "1.014952",
            "Mã số cơ sở chăn nuôi.Mã: Chưa xác địnhTừ khóaKhông có thông tinMô tảKhông có thông tin",
            [ResultItem("Mã số cơ sở chăn nuôi.", None)],
        ),
        ("1.000916", "", []),
    ],
)
def test_result_items(code, text, expected):
    assert parse_result(text) == expected, code


# --------------------------------------------------------------------------- steps


def test_steps_titles_and_details_with_combining_marks():
    # given 1.000178 (first two steps)
    text = (
        "Bước 1: Thu\u0323 ly\u0301 gia\u0309i quyê\u0301t khiê\u0301u na\u0323i\n\nNếu khiếu nại thuộc thẩm "
        "quyền giải quyết của Bộ Công an theo Điều 23 Luật khiếu nại.\n\nTrong thời hạn 10 ngày làm việc, kể "
        "từ ngày nhận được đơn thuộc thẩm quyền giải quyết của mình, Thủ trưởng cơ quan có thẩm quyền phải "
        "thụ lý giải quyết.\nBước 2: Kiê\u0309m tra la\u0323i quyê\u0301t đi\u0323nh ha\u0300nh chi\u0301nh."
    )

    # when
    steps = parse_steps(text)

    # then
    assert [(s.order, s.title) for s in steps] == [
        (1, "Thụ lý giải quyết khiếu nại"),
        (2, "Kiểm tra lại quyết định hành chính."),
    ]
    assert steps[0].detail.splitlines() == [
        "Nếu khiếu nại thuộc thẩm quyền giải quyết của Bộ Công an theo Điều 23 Luật khiếu nại.",
        "Trong thời hạn 10 ngày làm việc, kể từ ngày nhận được đơn thuộc thẩm quyền giải quyết của mình, "
        "Thủ trưởng cơ quan có thẩm quyền phải thụ lý giải quyết.",
    ]


def test_steps_with_case_letters_and_one_line_paragraphs():
    # given 1.000045 (shortened): "a) Bước 1: …" with each step on one line
    text = (
        "a) Bước 1: Nộp hồ sơ Chủ lâm sản hoặc tổ chức, cá nhân được chủ lâm sản ủy quyền nộp trực tiếp hoặc "
        "qua dịch vụ bưu chính hoặc qua môi trường điện tử 01 bộ hồ sơ tương ứng với từng loại lâm sản đề "
        "nghị xác nhận. Trường hợp nộp hồ sơ qua môi trường điện tử, thực hiện theo quy định pháp luật.\nb) "
        "Bước 2: Tiếp nhận hồ sơ Trong thời hạn 01 ngày làm việc, kể từ ngày nhận được hồ sơ, cơ quan Kiểm "
        "lâm sở tại xem xét tính hợp lệ của thành phần hồ sơ."
    )

    # when
    steps = parse_steps(text)

    # then: no "a)" preamble, and a long line is split after its first sentence
    assert [s.order for s in steps] == [1, 2]
    assert steps[0].title.endswith("đề nghị xác nhận.")
    assert (
        steps[0].detail == "Trường hợp nộp hồ sơ qua môi trường điện tử, thực hiện theo quy định pháp luật."
    )
    assert steps[1].title.startswith("Tiếp nhận hồ sơ")


def test_steps_marker_in_mid_line_and_preamble():
    # given 1.009498 (shortened): "Nộp hồ sơ Bước 1: …"
    text = (
        "Nộp hồ sơ Bước 1: Gửi hồ sơ đề nghị giải thể đến UBCKNN.\nBước 2: UBCKNN (Bộ phận một cửa) tiếp "
        "nhận và kiểm tra danh mục hồ sơ.\nBước 3: UBCKNN thẩm định tính đầy đủ, hợp lệ của nội dung hồ sơ."
    )

    # when
    steps = parse_steps(text)

    # then
    assert [(s.order, s.title[:20]) for s in steps] == [
        (0, ""),
        (1, "Gửi hồ sơ đề nghị gi"),
        (2, "UBCKNN (Bộ phận một "),
        (3, "UBCKNN thẩm định tín"),
    ]
    assert steps[0].detail == "Nộp hồ sơ"


def test_steps_cross_reference_is_not_a_step():
    # given a step that mentions another step (1.009539 wording)
    text = "Bước 1: Nộp hồ sơ\nHồ sơ nêu tại Bước 6: Phương án xử lý tài khoản.\nBước 2: Trả kết quả"

    # when
    steps = parse_steps(text)

    # then
    assert [s.order for s in steps] == [1, 2]
    assert "tại Bước 6" in steps[0].detail


def test_steps_without_markers_is_one_step():
    # given 3.000346 (shortened)
    text = (
        "a) Nộp hồ sơ TTHC: \n- Đối với người dự sát hạch nộp qua cơ sở đào tạo lái xe: Cơ sở đào tạo lái xe "
        "lập hồ sơ của người dự sát hạch gửi đến Phòng Cảnh sát giao thông.   \nb) Giải quyết TTHC: "
    )

    # when
    (step,) = parse_steps(text)

    # then
    assert (step.order, step.title) == (1, "a) Nộp hồ sơ TTHC:")
    assert step.detail.splitlines()[-1] == "b) Giải quyết TTHC:"


@pytest.mark.parametrize("text", ["", "  ", "Không có thông tin"])
def test_steps_empty(text):
    assert parse_steps(text) == []


# --------------------------------------------------------------------------- levels


@pytest.mark.parametrize(
    ("raw", "levels"),
    [
        ("Cấp bộ, Cấp tỉnh, Cấp xã", ["Cấp bộ", "Cấp tỉnh", "Cấp xã"]),
        ("Cấp Tỉnh, Cấp Xã", ["Cấp tỉnh", "Cấp xã"]),
        ("Cấp huyện", ["Cấp huyện"]),
        ("Cấp xã, Cơ quan khác", ["Cấp xã", "Cơ quan khác"]),
        ("Câ\u0301p tỉnh,Cấp tỉnh", ["Cấp tỉnh"]),
        ("", []),
    ],
)
def test_levels(raw, levels):
    assert parse_levels(raw) == levels


# --------------------------------------------------------------------------- robustness

FRAGMENTS = [
    HEAD,
    "Trực tiếp",
    "Trực tuyến",
    "Dịch vụ bưu chính",
    "3 Ngày làm việc",
    "1",
    "120,000 VNĐ",
    "Miễn phí",
    "Không có thông tin",
    "Không",
    "(",
    ")",
    "Lệ phí : 50.000 Đồng",
    "--Tên giấy tờMẫu đơn, tờ khaiSố lượng",
    "1 bản chính",
    "0 bản chính,1 bản sao",
    "Mẫu 01.docx",
    "Tên văn bản pháp lýMã văn bản",
    "68/2013/TT-BCA",
    "QĐ-TTg",
    "Mã: KQ.G01.00262",
    "Từ khóa",
    "Bước 1:",
    "\n",
    " ",
]
PARSERS = [parse_channels, parse_components, parse_legal_basis, parse_result, parse_steps, parse_levels]


@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=30).map("".join))
def test_parsers_never_raise_on_shuffled_fragments(text):
    # given any mix of the tables' own vocabulary and noise, when parsed, then no parser raises
    for parse in PARSERS:
        parse(text)


@given(st.text())
def test_parsers_never_raise_on_arbitrary_text(text):
    for parse in PARSERS:
        parse(text)
