"""SMS text rules and phone numbers: pure functions, tables."""

from __future__ import annotations

import pytest

from motcua.notifications import smstext
from motcua.notifications.phones import InvalidPhoneError, normalize_mobile


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters take two septets
        ("[" * 81, "GSM-7", 162, 2),
        ("Hồ sơ", "UCS-2", 5, 1),
        ("ồ" * 70, "UCS-2", 70, 1),
        ("ồ" * 71, "UCS-2", 71, 2),
        ("ồ" * 134, "UCS-2", 134, 2),
        ("ồ" * 135, "UCS-2", 135, 3),
        ("à è é ì ò ù", "GSM-7", 11, 1),  # the few accented letters GSM 03.38 has
        ("🙂", "UCS-2", 2, 1),  # a surrogate pair counts two UTF-16 units
    ],
)
def test_segments_follow_gsm_and_ucs2_limits(text: str, encoding: str, units: int, segments: int) -> None:
    assert smstext.measure(text) == smstext.SmsLength(encoding, units, segments)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hồ sơ đã được tiếp nhận", "Ho so da duoc tiep nhan"),
        ("ĐĂNG KÝ KHAI SINH", "DANG KY KHAI SINH"),
        ("Ngày hẹn trả: 17:30 05/03/2026", "Ngay hen tra: 17:30 05/03/2026"),
        ("“Quá hạn” — xin lỗi…", '"Qua han" - xin loi...'),
        ("Phí 100.000 đồng", "Phi 100.000 dong"),
        ("中", "?"),
    ],
)
def test_folding_removes_vietnamese_diacritics(text: str, folded: str) -> None:
    assert smstext.fold_diacritics(text) == folded
    assert smstext.measure(folded).encoding == "GSM-7"


def test_a_vietnamese_sentence_costs_a_third_as_many_segments_without_diacritics() -> None:
    text = "Hồ sơ 000.00.12.H37-250915-0007 đã được tiếp nhận. Ngày hẹn trả kết quả: 17:30 05/03/2026."

    assert smstext.measure(text).segments == 2  # 92 UCS-2 characters
    assert smstext.measure(smstext.fold_diacritics(text)).segments == 1


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("budget", [1, 2])
def test_truncation_fits_the_budget_and_keeps_the_start(ascii_only: bool, budget: int) -> None:
    text = "Hồ sơ 000.00.12.H37-250915-0007 cần bổ sung: " + "giấy tờ chứng thực bản sao " * 20

    cut = smstext.truncate(text, ascii_only=ascii_only, max_segments=budget)

    assert smstext.fits(cut, ascii_only=ascii_only, max_segments=budget)
    assert cut.startswith("Hồ sơ 000.00.12.H37-250915-0007 cần bổ sung:")
    assert cut.endswith("…")
    capacity = {(True, 1): 160, (True, 2): 306, (False, 1): 70, (False, 2): 134}[ascii_only, budget]
    used = smstext.measure(smstext.wire_text(cut, ascii_only=ascii_only)).units
    assert capacity - 30 < used <= capacity  # cut at a word near the limit, not far before it


def test_a_text_within_budget_is_left_alone() -> None:
    assert (
        smstext.truncate("Hồ sơ đã có kết quả.", ascii_only=False, max_segments=1) == "Hồ sơ đã có kết quả."
    )


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0912345678", "84912345678"),
        ("0912 345 678", "84912345678"),
        ("091.234.5678", "84912345678"),
        ("+84912345678", "84912345678"),
        ("84912345678", "84912345678"),
        ("(+84) 38-123-4567", "84381234567"),
        ("0581234567", "84581234567"),
        ("0701234567", "84701234567"),
        ("0861234567", "84861234567"),
    ],
)
def test_mobile_numbers_are_normalised_to_84(raw: str, normalized: str) -> None:
    assert normalize_mobile(raw) == normalized


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "02053812345",
        "0212345678",
        "091234567",
        "09123456789",
        "01689123456",
        "84212345678",
        "abc",
        "0912a45678",
    ],
)
def test_landlines_old_and_malformed_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneError):
        normalize_mobile(raw)
