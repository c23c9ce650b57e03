"""Deadlines across the 2026 holidays (worked by hand from the official calendar), anonymising, abuse."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core import clock
from motcua.feedback import rules
from motcua.worktime.selectors import work_calendar

pytestmark = pytest.mark.django_db
Z = clock.local_zone()


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        # Friday before Tết Bính Ngọ: 16-20/2 off, weekends 14-15 and 21-22 → Mon 23 (1), Tue 24 (2).
        (dt.datetime(2026, 2, 13, 10, 0, tzinfo=Z), 2, dt.date(2026, 2, 24)),
        # 15 working days from the same Friday: 23-27/2, 2-6/3, 9-13/3.
        (dt.datetime(2026, 2, 13, 10, 0, tzinfo=Z), 15, dt.date(2026, 3, 13)),
        # Wednesday 29/4: 30/4 and 1/5 are holidays, 2-3/5 a weekend → Mon 4 (1), Tue 5 (2).
        (dt.datetime(2026, 4, 29, 16, 0, tzinfo=Z), 2, dt.date(2026, 5, 5)),
        # Received on 31/8 (a day off swapped for 22/8): the office opens on Thu 3/9 after 1-2/9 →
        # 4 (1), 7 (2), 8 (3), 9 (4), 10 (5).
        (dt.datetime(2026, 8, 31, 9, 0, tzinfo=Z), 5, dt.date(2026, 9, 10)),
        # Friday 20/11 after hours: opens Mon 23/11; 24/11 is Vietnamese Culture Day (off from 2026) →
        # 25 (1), 26 (2).
        (dt.datetime(2026, 11, 20, 18, 0, tzinfo=Z), 2, dt.date(2026, 11, 26)),
    ],
)
def test_deadlines_in_working_days_across_holidays(
    received: dt.datetime, days: int, expected: dt.date
) -> None:
    due = rules.due(work_calendar(), received, days)
    assert due.date() == expected
    assert due.timetz().replace(tzinfo=None) == dt.time(17, 30)


def test_deadlines_are_settings_with_the_legal_defaults() -> None:
    assert rules.Deadlines.parse("") == rules.Deadlines(accept=2, info=5, answer=15, publish=2)
    assert rules.Deadlines.parse("answer=10, publish=1") == rules.Deadlines(answer=10, publish=1)
    with pytest.raises(ValueError, match="cannot read"):
        rules.Deadlines.parse("answer=mười")


def test_personal_data_is_removed_from_public_text() -> None:
    text = (
        "Tôi là Nguyễn Văn An, ở số 5 ngõ 12 Đông Kinh, SĐT 0912 000 001 (hoặc +84 912000001), "
        "CCCD 020090001234, email an.nguyen@example.vn. Hồ sơ 000.00.32.H37-260302-0001 nộp ngày 02/03/2026 "
        "quá hạn 3 ngày."
    )
    masked = rules.anonymise(text, names=("Nguyễn Văn An", "số 5 ngõ 12 Đông Kinh"))
    for secret in ("Nguyễn Văn An", "0912", "912000001", "020090001234", "an.nguyen", "ngõ 12"):
        assert secret not in masked
    assert "000.00.32.H37-260302-0001" in masked  # dossier codes and dates stay: they are not personal
    assert "02/03/2026" in masked
    assert "quá hạn 3 ngày" in masked


@pytest.mark.parametrize(
    ("text", "abusive"),
    [
        ("Cán bộ tiếp nhận có thái độ khốn nạn", True),
        ("đồ ngu!", True),
        ("Cán bộ đó ngủ gật trong giờ làm việc", False),
        ("Con chó nhà tôi bị bắt", False),
        ("Đụng chạm quyền lợi", False),
    ],
)
def test_abusive_words(text: str, abusive: bool) -> None:
    assert rules.is_abusive(text) is abusive
