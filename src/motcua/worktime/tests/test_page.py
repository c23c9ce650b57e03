"""The public working-calendar page: a deadline computed server-side, and the year's days off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from django.test import Client

from motcua.core import clock
from motcua.worktime import selectors
from motcua.worktime.calendar import VIETNAM_TZ
from motcua.worktime.models import CalendarOverride, OverrideKind
from motcua.worktime.views import format_moment_vi

pytestmark = pytest.mark.django_db

PAGE = "/lich-lam-viec/"
TET_2026 = {"start_on": "2026-02-12", "start_time": "09:00", "amount": "5", "unit": "working_days"}


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    selectors.invalidate_work_calendar()
    yield
    selectors.invalidate_work_calendar()


def test_the_page_speaks_vietnamese_and_lists_this_years_days_off(client: Client) -> None:
    # given today is in Tết week 2026, and a browser that prefers English
    with clock.frozen(datetime(2026, 2, 12, 9, 5, tzinfo=VIETNAM_TZ)):
        response = client.get(PAGE, headers={"accept-language": "en-US"})
    html = response.content.decode()
    # then the page is Vietnamese, the form starts now, and the year's days off are listed
    assert response.status_code == 200
    assert 'lang="vi"' in html
    assert '<option value="working_days" selected>ngày làm việc</option>' in html
    assert 'value="2026-02-12"' in html
    assert 'value="09:05"' in html
    assert "Thứ Hai, 16/02/2026</td><td>Giao thừa Tết Nguyên Đán" in html
    assert "Thứ Bảy, 10/01/2026</td><td>Ngày làm việc bù" in html
    assert "14/02/2026" not in html  # a plain Saturday is not a holiday
    assert 'role="status"' not in html  # nothing computed yet


def test_the_page_computes_a_deadline_across_tet(client: Client) -> None:
    html = client.get(PAGE, TET_2026).content.decode()

    assert "<strong>17:30 thứ Năm, 26/02/2026</strong>" in html


def test_the_page_uses_the_override_table(client: Client) -> None:
    CalendarOverride.objects.create(day=date(2026, 2, 26), kind=OverrideKind.DAY_OFF, reason="Nghỉ bắc cầu")

    html = client.get(PAGE, TET_2026).content.decode()

    assert "<strong>17:30 thứ Sáu, 27/02/2026</strong>" in html
    assert "Thứ Năm, 26/02/2026</td><td>Nghỉ bắc cầu" in html


def test_the_year_links_keep_the_form(client: Client) -> None:
    html = client.get(PAGE, {**TET_2026, "year": "2025"}).content.decode()

    assert "<strong>17:30 thứ Năm, 26/02/2026</strong>" in html
    assert "Thứ Tư, 29/01/2025</td><td>Tết Nguyên Đán" in html
    assert "unit=working_days&amp;year=2026" in html
    assert "unit=working_days&amp;year=2024" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "3651", "unit": "days"}, "Thời hạn quá dài: tối đa 3650 ngày."),
        ({"start_on": "1999-12-31"}, "Lịch làm việc chỉ tính được trong các năm 2000-2100."),
        ({"start_on": "2100-12-30", "unit": "days"}, "Lịch làm việc chỉ tính được trong các năm 2000-2100."),
        ({"amount": "-1"}, 'class="error"'),
        ({"amount": "abc"}, 'class="error"'),
        ({"unit": "weeks"}, 'class="error"'),
        ({"start_on": "12/02/2026x"}, 'class="error"'),
    ],
)
def test_bad_input_is_explained_on_the_form(client: Client, change: dict[str, str], message: str) -> None:
    response = client.get(PAGE, {**TET_2026, **change, "year": "abc"})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'role="status"' not in html


def test_a_moment_is_written_the_vietnamese_way() -> None:
    assert format_moment_vi(datetime(2026, 2, 26, 17, 30, tzinfo=VIETNAM_TZ)) == "17:30 thứ Năm, 26/02/2026"
    assert format_moment_vi(datetime(2026, 3, 1, 7, 5, tzinfo=VIETNAM_TZ)) == "07:05 Chủ nhật, 01/03/2026"
