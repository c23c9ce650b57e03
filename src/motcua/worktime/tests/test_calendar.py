"""WorkCalendar against real Vietnamese public-sector calendars (2018-2027)."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.worktime.calendar import (
    VIETNAM_TZ,
    CalendarOverrideError,
    DaySwap,
    InvalidOfficeHoursError,
    NaiveDatetimeError,
    NonWorkingDay,
    NotADateError,
    WorkCalendar,
)

D = date


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM_TZ)


def kinds_by_day(cal: WorkCalendar, year: int) -> dict[date, str]:
    return {off.day: off.kind for off in cal.non_working_days(year)}


# Tết Ất Tỵ 2025 (Announcement 6150/TB-BLĐTBXH): off Sat 25/01 to Sun 02/02/2025, 5 weekdays of Tết.
TET_2025 = [
    (D(2025, 1, 24), True, None),
    (D(2025, 1, 25), False, "weekend"),
    (D(2025, 1, 26), False, "weekend"),
    (D(2025, 1, 27), False, "holiday"),
    (D(2025, 1, 28), False, "holiday"),
    (D(2025, 1, 29), False, "holiday"),  # mùng 1 Tết
    (D(2025, 1, 30), False, "holiday"),
    (D(2025, 1, 31), False, "holiday"),
    (D(2025, 2, 1), False, "holiday"),  # a Saturday the package names "Mùng bốn Tết"
    (D(2025, 2, 2), False, "weekend"),
    (D(2025, 2, 3), True, None),
]

# Tết Bính Ngọ 2026: off Sat 14/02 (27 Chạp) to Sun 22/02/2026 (mùng 6), 9 days, weekdays 16-20/02.
TET_2026 = [
    (D(2026, 2, 13), True, None),
    (D(2026, 2, 14), False, "weekend"),
    (D(2026, 2, 15), False, "weekend"),
    (D(2026, 2, 16), False, "holiday"),  # 29 Chạp, giao thừa
    (D(2026, 2, 17), False, "holiday"),  # mùng 1 Tết
    (D(2026, 2, 18), False, "holiday"),
    (D(2026, 2, 19), False, "holiday"),
    (D(2026, 2, 20), False, "holiday"),
    (D(2026, 2, 21), False, "weekend"),
    (D(2026, 2, 22), False, "weekend"),
    (D(2026, 2, 23), True, None),
]

# 30/4-1/5/2025: Friday 02/05 swapped with Saturday 26/04 (5 days off, 30/04 to 04/05).
REUNIFICATION_2025 = [
    (D(2025, 4, 25), True, None),
    (D(2025, 4, 26), True, None),  # make-up Saturday
    (D(2025, 4, 29), True, None),
    (D(2025, 4, 30), False, "holiday"),
    (D(2025, 5, 1), False, "holiday"),
    (D(2025, 5, 2), False, "substituted"),
    (D(2025, 5, 3), False, "weekend"),
    (D(2025, 5, 4), False, "weekend"),
    (D(2025, 5, 5), True, None),
]

# 2026: Hùng Kings' day (10/3 lunar) is Sunday 26/04, nghỉ bù Monday 27/04; 30/04 Thursday, 01/05 Friday.
APRIL_MAY_2026 = [
    (D(2026, 4, 24), True, None),
    (D(2026, 4, 26), False, "holiday"),
    (D(2026, 4, 27), False, "observed"),
    (D(2026, 4, 28), True, None),
    (D(2026, 4, 29), True, None),
    (D(2026, 4, 30), False, "holiday"),
    (D(2026, 5, 1), False, "holiday"),
    (D(2026, 5, 4), True, None),
]

# 2/9 plus one adjacent day (Labour Code 2019 Art. 112(1)(đ)).
NATIONAL_DAY = [
    (D(2025, 8, 29), True, None),
    (D(2025, 9, 1), False, "holiday"),  # the adjacent day, Monday
    (D(2025, 9, 2), False, "holiday"),
    (D(2025, 9, 3), True, None),
    (D(2026, 8, 22), True, None),  # make-up Saturday for Monday 31/08
    (D(2026, 8, 31), False, "substituted"),
    (D(2026, 9, 1), False, "holiday"),  # the adjacent day, Tuesday
    (D(2026, 9, 2), False, "holiday"),
    (D(2026, 9, 3), True, None),
]

# Vietnam Culture Day (Resolution 80-NQ/TW): a day off from 2026; 24/11/2026 is a Tuesday.
CULTURE_DAY = [
    (D(2025, 11, 24), True, None),
    (D(2026, 11, 23), True, None),
    (D(2026, 11, 24), False, "holiday"),
    (D(2026, 11, 25), True, None),
]

# Nghỉ bù: a holiday on a weekend gives the next working day off.
OBSERVED = [
    (D(2023, 1, 1), False, "holiday"),  # Sunday
    (D(2023, 1, 2), False, "observed"),
    (D(2023, 4, 29), False, "holiday"),  # Hùng Kings on Saturday
    (D(2023, 4, 30), False, "holiday"),  # Sunday
    (D(2023, 5, 2), False, "observed"),
    (D(2023, 5, 3), False, "observed"),
    (D(2023, 5, 4), True, None),
    (D(2027, 5, 1), False, "holiday"),  # Saturday
    (D(2027, 5, 3), False, "observed"),
]

# Bridging days with their make-up Saturday, including one across a year boundary.
SUBSTITUTED = [
    (D(2024, 4, 29), False, "substituted"),
    (D(2024, 5, 4), True, None),
    (D(2018, 12, 31), False, "substituted"),
    (D(2019, 1, 5), True, None),
]

# Tết Dương lịch 2026 (Official Letter 12729/VPCP-KGVX): Friday 02/01 off, Saturday 10/01 worked.
# holidays 0.108/0.109 do not contain this swap; WorkCalendar carries it in PUBLIC_SECTOR_SWAPS.
NEW_YEAR_2026 = [
    (D(2026, 1, 1), False, "holiday"),
    (D(2026, 1, 2), False, "substituted"),
    (D(2026, 1, 5), True, None),
    (D(2026, 1, 10), True, None),
    (D(2026, 1, 11), False, "weekend"),
]

REAL_DAYS = TET_2025 + TET_2026 + REUNIFICATION_2025 + APRIL_MAY_2026 + NATIONAL_DAY + CULTURE_DAY
REAL_DAYS += OBSERVED + SUBSTITUTED + NEW_YEAR_2026


@pytest.mark.parametrize(("day", "is_working", "kind"), REAL_DAYS, ids=[str(row[0]) for row in REAL_DAYS])
def test_real_public_sector_days(cal: WorkCalendar, day: date, is_working: bool, kind: str | None) -> None:
    # given the default calendar (holidays package + known swaps)
    # when we ask about a day of a real calendar
    working = cal.is_working_day(day)
    listed = kinds_by_day(cal, day.year).get(day)

    # then the answer and the listed kind match the official schedule
    assert working is is_working
    assert listed == kind


def test_tet_2026_reasons_are_vietnamese(cal: WorkCalendar) -> None:
    # given the year 2026, when we list the days off without weekends
    days = {off.day: off.reason_vi for off in cal.non_working_days(2026, include_weekends=False)}

    # then Tết and the other days carry the package's Vietnamese names
    assert days[D(2026, 2, 16)] == "Giao thừa Tết Nguyên Đán"
    assert days[D(2026, 2, 17)] == "Tết Nguyên Đán"
    assert days[D(2026, 4, 27)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert days[D(2026, 8, 31)] == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert days[D(2026, 1, 2)] == "Ngày nghỉ (thay cho ngày 10/01/2026)"
    assert days[D(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"


def test_2026_holiday_list_is_complete(cal: WorkCalendar) -> None:
    # when we list 2026 without weekends
    listed = [off.day for off in cal.non_working_days(2026, include_weekends=False)]

    # then it is exactly the official list (26/04 is a Sunday holiday, kept because it is a holiday)
    assert listed == [
        D(2026, 1, 1),
        D(2026, 1, 2),
        *[D(2026, 2, day) for day in range(16, 21)],
        D(2026, 4, 26),
        D(2026, 4, 27),
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 8, 31),
        D(2026, 9, 1),
        D(2026, 9, 2),
        D(2026, 11, 24),
    ]


def test_weekends_are_listed_unless_excluded(cal: WorkCalendar) -> None:
    # given 2026: 104 Saturdays and Sundays, two of them make-up Saturdays, 14 weekdays off
    with_weekends = cal.non_working_days(2026)
    without = cal.non_working_days(2026, include_weekends=False)

    # then every non-working day appears once, in order, with weekends labelled
    assert len(with_weekends) == 104 - 2 + 14
    assert [off.day for off in with_weekends] == sorted({off.day for off in with_weekends})
    assert NonWorkingDay(D(2026, 1, 11), "Nghỉ hằng tuần (Chủ nhật)", "weekend") in with_weekends
    assert NonWorkingDay(D(2026, 3, 7), "Nghỉ hằng tuần (Thứ Bảy)", "weekend") in with_weekends
    assert all(off.kind != "weekend" for off in without)
    assert len(without) == 15


def test_makeup_saturdays_come_from_the_package_and_the_swaps(cal: WorkCalendar) -> None:
    assert cal.makeup_working_days(2025) == [D(2025, 4, 26)]
    assert cal.makeup_working_days(2026) == [D(2026, 1, 10), D(2026, 8, 22)]
    assert cal.makeup_working_days(2019) == [D(2019, 1, 5), D(2019, 5, 4)]


def test_without_known_swaps_the_calendar_is_the_packages() -> None:
    # given a calendar that trusts the holidays package alone
    package_only = WorkCalendar(swaps=())

    # then the 2026 New Year swap is missing (the package has no entry for it)
    assert package_only.is_working_day(D(2026, 1, 2))
    assert not package_only.is_working_day(D(2026, 1, 10))


def test_overrides_win_over_the_package() -> None:
    # given a province that gives Friday 03/09/2027 off and works on Tết Dương lịch 2027 (hypothetically)
    cal = WorkCalendar(
        extra_days_off=frozenset({D(2027, 9, 3)}), extra_working_days=frozenset({D(2027, 1, 1)})
    )

    # then the overrides decide, and the override is listed with its own kind
    assert not cal.is_working_day(D(2027, 9, 3))
    assert cal.is_working_day(D(2027, 1, 1))
    assert NonWorkingDay(D(2027, 9, 3), "Ngày nghỉ bổ sung (điều chỉnh lịch làm việc)", "override") in (
        cal.non_working_days(2027)
    )
    assert D(2027, 1, 1) not in {off.day for off in cal.non_working_days(2027)}


def test_a_future_swap_is_given_as_a_day_swap() -> None:
    # given a swap decided for 2027 that no package knows yet: Friday 30/04 is already a holiday, so say
    # Monday 03/05/2027 is nghỉ bù and a province swaps Tuesday 04/05 with Saturday 08/05
    swap = DaySwap(day_off=D(2027, 5, 4), makeup_day=D(2027, 5, 8), source="test")
    cal = WorkCalendar(swaps=(swap,))

    assert not cal.is_working_day(D(2027, 5, 4))
    assert cal.is_working_day(D(2027, 5, 8))
    assert kinds_by_day(cal, 2027)[D(2027, 5, 4)] == "substituted"


def test_an_override_day_cannot_be_both_off_and_worked() -> None:
    with pytest.raises(CalendarOverrideError, match="2027-01-01"):
        WorkCalendar(extra_days_off=frozenset({D(2027, 1, 1)}), extra_working_days=frozenset({D(2027, 1, 1)}))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 13), D(2026, 2, 23)),  # the Friday before Tết
        (D(2025, 4, 29), D(2025, 5, 5)),  # across 30/4, 1/5 and the bridging Friday
        (D(2025, 4, 25), D(2025, 4, 26)),  # the make-up Saturday is a working day
        (D(2026, 8, 28), D(2026, 9, 3)),
        (D(2026, 11, 23), D(2026, 11, 25)),
        (D(2026, 12, 31), D(2027, 1, 4)),  # across a year
    ],
)
def test_next_working_day(cal: WorkCalendar, day: date, expected: date) -> None:
    assert cal.next_working_day(day) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 6), 4),  # Monday to Friday: Tue, Wed, Thu, Fri
        (D(2026, 3, 2), D(2026, 3, 2), 0),
        (D(2026, 2, 13), D(2026, 2, 23), 1),  # across Tết 2026
        (D(2025, 1, 24), D(2025, 2, 3), 1),  # across Tết 2025
        (D(2025, 4, 25), D(2025, 5, 5), 4),  # 26/04 (make-up), 28/04, 29/04, then 05/05
        (D(2026, 3, 6), D(2026, 3, 2), -4),
    ],
)
def test_working_days_between(cal: WorkCalendar, start: date, end: date, expected: int) -> None:
    assert cal.working_days_between(start, end) == expected


def test_default_office_hours_are_eight_hours(cal: WorkCalendar) -> None:
    assert cal.hours_per_day == 8
    assert cal.office_intervals(D(2026, 3, 2)) == (
        (at(2026, 3, 2, 7, 30), at(2026, 3, 2, 11, 30)),
        (at(2026, 3, 2, 13, 30), at(2026, 3, 2, 17, 30)),
    )
    assert cal.office_intervals(D(2026, 2, 17)) == ()
    assert cal.closing_time(D(2026, 3, 2)) == at(2026, 3, 2, 17, 30)


def test_custom_office_hours() -> None:
    # given a desk open 08:00-12:00 and 13:00-17:00
    cal = WorkCalendar(office_hours=((time(8), time(12)), (time(13), time(17))))

    assert cal.hours_per_day == 8
    assert cal.next_opening(at(2026, 3, 2, 12, 30)) == at(2026, 3, 2, 13)


@pytest.mark.parametrize(
    "office_hours",
    [
        (),
        ((time(11), time(8)),),
        ((time(8), time(8)),),
        ((time(8), time(12)), (time(11), time(17))),
        ((time(13), time(17)), (time(8), time(12))),
        ((time(8, tzinfo=VIETNAM_TZ), time(12)),),
    ],
)
def test_bad_office_hours_are_refused(office_hours: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(InvalidOfficeHoursError):
        WorkCalendar(office_hours=office_hours)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 2, 9), at(2026, 3, 2, 9)),  # inside office hours
        (at(2026, 3, 2, 6), at(2026, 3, 2, 7, 30)),  # before opening
        (at(2026, 3, 2, 11, 30), at(2026, 3, 2, 13, 30)),  # at the lunch break
        (at(2026, 3, 6, 17, 30), at(2026, 3, 9, 7, 30)),  # Friday closing -> Monday
        (at(2026, 2, 13, 18), at(2026, 2, 23, 7, 30)),  # Tết eve -> after Tết
        (datetime(2026, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC")), at(2026, 3, 2, 9)),  # other tz
    ],
)
def test_next_opening(cal: WorkCalendar, moment: datetime, expected: datetime) -> None:
    assert cal.next_opening(moment) == expected
    assert cal.next_opening(moment).tzinfo is VIETNAM_TZ


def test_is_office_time(cal: WorkCalendar) -> None:
    assert cal.is_office_time(at(2026, 3, 2, 7, 30))
    assert not cal.is_office_time(at(2026, 3, 2, 11, 30))
    assert not cal.is_office_time(at(2026, 2, 17, 9))


def test_bad_inputs_raise_value_errors(cal: WorkCalendar) -> None:
    with pytest.raises(NotADateError):
        cal.is_working_day(datetime(2026, 3, 2, 9, tzinfo=VIETNAM_TZ))
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        cal.next_opening(datetime(2026, 3, 2, 9))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="two different days"):
        DaySwap(D(2026, 1, 10), D(2026, 1, 10))


def test_package_output_matches_the_shared_csv(shared_data: Path) -> None:
    # given the CSV made from holidays 0.108, and a calendar that trusts the package alone
    cal = WorkCalendar(swaps=())
    with (shared_data / "vn-holidays" / "vn_holidays_2015_2030.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    # when we list every day off for 2015-2030
    listed = {off.day: off for year in range(2015, 2031) for off in cal.non_working_days(year)}
    holidays_listed = {day: off for day, off in listed.items() if off.kind != "weekend"}

    # then each row is listed with the same name and kind, each make-up Saturday is worked, and nothing more
    expected = {D.fromisoformat(row["date"]): row for row in rows}
    assert set(holidays_listed) == set(expected)
    for day, row in expected.items():
        assert (holidays_listed[day].reason_vi, holidays_listed[day].kind) == (row["name_vi"], row["kind"])
        if row["makeup_workday_for_substitute"]:
            assert cal.is_working_day(D.fromisoformat(row["makeup_workday_for_substitute"]))


@given(st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)))
def test_is_working_day_agrees_with_the_list(day: date) -> None:
    cal = WorkCalendar()
    listed = {off.day for off in cal.non_working_days(day.year)}
    assert cal.is_working_day(day) is (day not in listed)
    assert cal.is_working_day(cal.next_working_day(day))
    assert cal.working_days_between(day, cal.next_working_day(day)) == 1
    assert cal.working_days_between(day, day + timedelta(days=7)) <= 6
