"""Deadline arithmetic on real 2025-2026 calendars, plus properties checked with hypothesis."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from motcua.worktime.calendar import VIETNAM_TZ, NaiveDatetimeError, WorkCalendar
from motcua.worktime.deadline import (
    InvalidAmountError,
    InvalidPauseError,
    NegativeAmountError,
    Unit,
    UnknownUnitError,
    add_duration,
    add_duration_with_pauses,
    classify_outcome,
    forwarding_day,
    working_hours_between,
)

CAL = WorkCalendar()
UTC = ZoneInfo("UTC")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM_TZ)


# -- working days --------------------------------------------------------------------------------------------

WORKING_DAYS = [
    # (received at, working days, due at)
    (at(2026, 3, 2, 9), 3, at(2026, 3, 5, 17, 30)),  # Monday -> Thursday
    (at(2026, 3, 2, 9), 0, at(2026, 3, 2, 17, 30)),  # result the same day
    (at(2026, 3, 6, 16), 1, at(2026, 3, 9, 17, 30)),  # Friday afternoon -> Monday
    (at(2026, 3, 6, 18), 1, at(2026, 3, 10, 17, 30)),  # after closing: received Monday morning
    (at(2026, 3, 7, 10), 1, at(2026, 3, 10, 17, 30)),  # Saturday (online): received Monday
    (at(2026, 3, 2, 12), 1, at(2026, 3, 3, 17, 30)),  # lunch break: received 13:30 the same day
    # 15 working days from the week before Tết Bính Ngọ (16-20/02/2026 off)
    (at(2026, 2, 12, 10), 15, at(2026, 3, 12, 17, 30)),
    (at(2026, 2, 10, 9), 15, at(2026, 3, 10, 17, 30)),
    # Tết Ất Tỵ: Friday 24/01/2025, back on Monday 03/02/2025
    (at(2025, 1, 24, 9), 5, at(2025, 2, 7, 17, 30)),
    # 30/4-1/5/2025: the make-up Saturday 26/04 counts, the bridging Friday 02/05 does not
    (at(2025, 4, 25, 10), 3, at(2025, 4, 29, 17, 30)),
    (at(2025, 4, 29, 10), 1, at(2025, 5, 5, 17, 30)),
    # 2/9/2026: Monday 31/08 is the bridging day
    (at(2026, 8, 28, 10), 2, at(2026, 9, 4, 17, 30)),
    # Vietnam Culture Day, Tuesday 24/11/2026
    (at(2026, 11, 23, 10), 1, at(2026, 11, 25, 17, 30)),
    # Tết Dương lịch 2026: Friday 02/01 off, Saturday 10/01 worked
    (at(2025, 12, 31, 10), 1, at(2026, 1, 5, 17, 30)),
    (at(2026, 1, 9, 10), 1, at(2026, 1, 10, 17, 30)),
]


@pytest.mark.parametrize(
    ("received_at", "days", "due_at"), WORKING_DAYS, ids=[str(r[0]) for r in WORKING_DAYS]
)
def test_working_days_end_of_day(received_at: datetime, days: int, due_at: datetime) -> None:
    # given a dossier received at received_at, when the procedure takes `days` working days
    result = add_duration(CAL, received_at, days, "working_days")

    # then it is due at the close of the days-th working day after the reception day
    assert result == due_at
    assert result.tzinfo is VIETNAM_TZ


def test_working_days_elapsed_hours_convention() -> None:
    # given Monday 09:00 and 3 working days counted as 24 working hours
    due = add_duration(CAL, at(2026, 3, 2, 9), 3, "working_days", working_days_convention="elapsed_hours")
    half = add_duration(
        CAL, at(2026, 3, 2, 9), Decimal("0.5"), "working_days", working_days_convention="elapsed_hours"
    )

    # then the due moment keeps the time of day, and half a day is 4 working hours
    assert due == at(2026, 3, 5, 9)
    assert half == at(2026, 3, 2, 15)


def test_working_days_across_tet_with_elapsed_hours() -> None:
    # given Thursday 12/02/2026 10:00 (the week before Tết), 15 working days as 120 working hours
    due = add_duration(CAL, at(2026, 2, 12, 10), 15, "working_days", working_days_convention="elapsed_hours")

    assert due == at(2026, 3, 12, 10)


# -- working hours -------------------------------------------------------------------------------------------

WORKING_HOURS = [
    (at(2026, 3, 2, 9), 4, at(2026, 3, 2, 15)),  # 2.5 h before the lunch break, 1.5 h after
    (at(2026, 3, 2, 9), Decimal("2.5"), at(2026, 3, 2, 11, 30)),  # ends at closing, not at 13:30
    (at(2026, 3, 2, 12), 1, at(2026, 3, 2, 14, 30)),  # received in the lunch break
    (at(2026, 3, 2, 6), 8, at(2026, 3, 2, 17, 30)),  # received before opening
    (at(2026, 3, 2, 12), 0, at(2026, 3, 2, 13, 30)),  # zero hours: the reception moment
    (at(2026, 2, 13, 16), 4, at(2026, 2, 23, 10)),  # 1.5 h before Tết, 2.5 h after
    (at(2026, 2, 13, 18), 1, at(2026, 2, 23, 8, 30)),  # Tết eve, after closing
    (at(2026, 3, 2, 9), Decimal("0.25"), at(2026, 3, 2, 9, 15)),
    (datetime(2026, 3, 2, 2, 0, tzinfo=UTC), 1, at(2026, 3, 2, 10)),  # 02:00 UTC is 09:00 in Hà Nội
]


@pytest.mark.parametrize(("start", "hours", "due_at"), WORKING_HOURS, ids=[str(r[0]) for r in WORKING_HOURS])
def test_working_hours(start: datetime, hours: int | Decimal, due_at: datetime) -> None:
    assert add_duration(CAL, start, hours, "working_hours") == due_at


# -- calendar days and months --------------------------------------------------------------------------------

CALENDAR_PERIODS: list[tuple[datetime, int, Unit, datetime]] = [
    (at(2026, 3, 2, 9), 10, "days", at(2026, 3, 12, 17, 30)),
    (at(2026, 2, 2, 9), 15, "days", at(2026, 2, 23, 17, 30)),  # 17/02 is Tết: next working day
    (at(2026, 4, 21, 9), 10, "days", at(2026, 5, 4, 17, 30)),  # 01/05 holiday, 02-03/05 weekend
    (at(2026, 3, 2, 9), 0, "days", at(2026, 3, 2, 17, 30)),
    (at(2023, 1, 31, 10), 1, "months", at(2023, 2, 28, 17, 30)),  # clamped to the end of February
    (at(2025, 1, 31, 10), 1, "months", at(2025, 3, 3, 17, 30)),  # received online during Tết: from 03/02
    (at(2024, 1, 31, 10), 1, "months", at(2024, 2, 29, 17, 30)),  # leap year
    (at(2026, 3, 30, 10), 1, "months", at(2026, 5, 4, 17, 30)),  # 30/04 and 01/05 holidays, weekend
    (at(2025, 5, 15, 10), 12, "months", at(2026, 5, 15, 17, 30)),
    (at(2025, 11, 28, 10), 3, "months", at(2026, 3, 2, 17, 30)),  # 28/02/2026 is a Saturday
]


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due_at"),
    CALENDAR_PERIODS,
    ids=[f"{r[0]:%Y-%m-%d}+{r[1]}{r[2]}" for r in CALENDAR_PERIODS],
)
def test_calendar_days_and_months(start: datetime, amount: int, unit: Unit, due_at: datetime) -> None:
    assert add_duration(CAL, start, amount, unit) == due_at


# -- bad input -----------------------------------------------------------------------------------------------


def test_naive_start_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        add_duration(CAL, datetime(2026, 3, 2, 9), 1, "working_days")  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("amount", "unit", "error"),
    [
        (-1, "working_days", NegativeAmountError),
        (Decimal("-0.5"), "working_hours", NegativeAmountError),
        (1.5, "working_hours", InvalidAmountError),
        (True, "working_days", InvalidAmountError),
        (Decimal("NaN"), "working_hours", InvalidAmountError),
        (Decimal("Infinity"), "days", InvalidAmountError),
        (Decimal("1.5"), "working_days", InvalidAmountError),
        (Decimal("1.5"), "days", InvalidAmountError),
        (Decimal("0.5"), "months", InvalidAmountError),
        (1, "weeks", UnknownUnitError),
    ],
)
def test_bad_amounts_and_units(amount: object, unit: str, error: type[ValueError]) -> None:
    with pytest.raises(error):
        add_duration(CAL, at(2026, 3, 2, 9), amount, unit)  # type: ignore[arg-type]


def test_errors_are_value_errors_with_clear_messages() -> None:
    with pytest.raises(ValueError, match=r"must not be negative, got -2 working_days"):
        add_duration(CAL, at(2026, 3, 2, 9), -2, "working_days")
    with pytest.raises(ValueError, match=r"Unknown unit 'hours'"):
        add_duration(CAL, at(2026, 3, 2, 9), 2, "hours")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Unknown working-days convention"):
        add_duration(CAL, at(2026, 3, 2, 9), 2, "working_days", working_days_convention="x")  # type: ignore[arg-type]


# -- forwarding (Decree 61/2018 Art. 18) ---------------------------------------------------------------------

FORWARDING = [
    (at(2026, 3, 6, 14, 59), date(2026, 3, 6)),  # an ordinary Friday, before 15:00
    (at(2026, 3, 6, 15, 0), date(2026, 3, 6)),  # 15:00 sharp is not "after 15:00"
    (datetime(2026, 3, 6, 15, 0, 1, tzinfo=VIETNAM_TZ), date(2026, 3, 9)),  # Friday after 15:00 -> Monday
    (at(2026, 3, 6, 18), date(2026, 3, 9)),
    (at(2026, 2, 13, 15, 30), date(2026, 2, 23)),  # the Friday before Tết -> after Tết
    (at(2026, 4, 29, 16), date(2026, 5, 4)),  # eve of 30/4 (Thursday) and 1/5 (Friday)
    (at(2026, 4, 29, 10), date(2026, 4, 29)),
    (at(2026, 12, 31, 15, 1), date(2027, 1, 4)),  # New Year's eve, after 15:00
    (at(2026, 3, 7, 9), date(2026, 3, 9)),  # Saturday -> Monday
    (at(2026, 4, 30, 9), date(2026, 5, 4)),  # on a holiday
    (at(2026, 8, 22, 10), date(2026, 8, 22)),  # make-up Saturday is a working day
    (datetime(2026, 3, 6, 8, 30, tzinfo=UTC), date(2026, 3, 9)),  # 15:30 in Hà Nội
]


@pytest.mark.parametrize(("received_at", "expected"), FORWARDING, ids=[str(r[0]) for r in FORWARDING])
def test_forwarding_day(received_at: datetime, expected: date) -> None:
    assert forwarding_day(CAL, received_at) == expected


def test_forwarding_cutoff_is_a_setting() -> None:
    assert forwarding_day(CAL, at(2026, 3, 6, 15, 30), cutoff=time(16, 0)) == date(2026, 3, 6)
    with pytest.raises(NaiveDatetimeError):
        forwarding_day(CAL, datetime(2026, 3, 6, 9))  # noqa: DTZ001 - the point of the test


# -- working hours between -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(2026, 3, 2), at(2026, 3, 3), Decimal(8)),
        (at(2026, 3, 2, 9), at(2026, 3, 2, 15), Decimal(4)),
        (at(2026, 2, 13, 17), at(2026, 2, 23, 8, 30), Decimal("1.5")),  # across Tết
        (at(2026, 3, 7, 9), at(2026, 3, 8, 17), Decimal(0)),  # a weekend
        (at(2026, 3, 2, 15), at(2026, 3, 2, 9), Decimal(-4)),  # reversed
        (at(2026, 3, 2, 9), at(2026, 3, 2, 9, 1), Decimal(1) / 60),
    ],
)
def test_working_hours_between(start: datetime, end: datetime, hours: Decimal) -> None:
    assert working_hours_between(CAL, start, end) == hours


# -- pauses (waiting for a supplement) -----------------------------------------------------------------------

RECEIVED = at(2026, 3, 2, 9)  # Monday; 5 working days -> due Monday 09/03 17:30


def test_without_pauses_the_deadline_is_unchanged() -> None:
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", []) == at(2026, 3, 9, 17, 30)


def test_a_pause_moves_the_deadline_by_the_working_time_paused() -> None:
    # given a supplement requested Tuesday 09:00 and supplied Thursday 09:00 (16 working hours)
    pauses = [(at(2026, 3, 3, 9), at(2026, 3, 5, 9))]

    # then the deadline moves two working days later
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) == at(2026, 3, 11, 17, 30)


def test_a_short_pause_moves_the_deadline_into_the_next_morning() -> None:
    pauses = [(at(2026, 3, 3, 9), at(2026, 3, 3, 11))]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) == at(2026, 3, 10, 9, 30)


def test_a_pause_over_the_weekend_moves_nothing() -> None:
    pauses = [(at(2026, 3, 6, 17, 30), at(2026, 3, 9, 7, 30))]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) == at(2026, 3, 9, 17, 30)


def test_a_pause_across_tet_counts_only_working_hours() -> None:
    # given 10 working days from Monday 09/02/2026 (due Monday 02/03 17:30), paused from Thursday 12/02
    # 15:30 to Tuesday 24/02 07:30
    received = at(2026, 2, 9, 9)
    paused_at, resumed_at = at(2026, 2, 12, 15, 30), at(2026, 2, 24, 7, 30)

    # then 2 + 8 (13/02) + 8 (23/02) = 18 working hours were paused, and the deadline moves by them
    assert working_hours_between(CAL, paused_at, resumed_at) == 18
    assert add_duration(CAL, received, 10, "working_days") == at(2026, 3, 2, 17, 30)
    due = add_duration_with_pauses(CAL, received, 10, "working_days", [(paused_at, resumed_at)])
    assert due == at(2026, 3, 5, 9, 30)


def test_an_open_pause_suspends_the_deadline() -> None:
    pauses = [(at(2026, 3, 3, 9), None)]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) is None


def test_a_pause_after_the_deadline_does_not_rescue_a_late_dossier() -> None:
    pauses = [(at(2026, 3, 10, 9), at(2026, 3, 12, 9)), (at(2026, 3, 13, 9), None)]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) == at(2026, 3, 9, 17, 30)


def test_overlapping_pauses_are_counted_once() -> None:
    # given two overlapping pauses whose union is Tuesday 09:00 to Thursday 09:00 (16 working hours)
    overlapping = [(at(2026, 3, 4, 9), at(2026, 3, 5, 9)), (at(2026, 3, 3, 9), at(2026, 3, 4, 14))]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", overlapping) == at(2026, 3, 11, 17, 30)
    nested = [(at(2026, 3, 3, 9), at(2026, 3, 5, 9)), (at(2026, 3, 4, 9), at(2026, 3, 4, 10))]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", nested) == at(2026, 3, 11, 17, 30)


def test_a_pause_before_reception_is_clipped() -> None:
    pauses = [(at(2026, 2, 27, 9), at(2026, 3, 2, 11, 30))]  # only 2.5 h after reception count
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) == at(2026, 3, 10, 10)


def test_successive_pauses_add_up() -> None:
    # given two pauses of one working day each, the second one after the first moved the deadline
    pauses = [(at(2026, 3, 3, 9), at(2026, 3, 4, 9)), (at(2026, 3, 9, 17), at(2026, 3, 10, 17))]
    assert add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", pauses) == at(2026, 3, 11, 17, 30)


@pytest.mark.parametrize(
    "pause",
    [
        (at(2026, 3, 5, 9), at(2026, 3, 3, 9)),
        (datetime(2026, 3, 3, 9), None),  # noqa: DTZ001 - the point of the test
        (at(2026, 3, 3, 9), datetime(2026, 3, 4, 9)),  # noqa: DTZ001 - the point of the test
    ],
)
def test_bad_pauses_are_refused(pause: tuple[datetime, datetime | None]) -> None:
    with pytest.raises(InvalidPauseError):
        add_duration_with_pauses(CAL, RECEIVED, 5, "working_days", [pause])


# -- early, on time, late ------------------------------------------------------------------------------------

DUE = at(2026, 3, 10, 17, 30)
PERIOD_END = at(2026, 3, 31, 23, 59)

OUTCOMES = [
    (at(2026, 3, 9, 16), DUE, PERIOD_END, "early"),  # the day before
    (at(2026, 3, 10, 8), DUE, PERIOD_END, "on_time"),  # on the due day: on time, not early
    (DUE, DUE, PERIOD_END, "on_time"),  # at the due moment
    (at(2026, 3, 10, 17, 31), DUE, PERIOD_END, "late"),
    (at(2026, 3, 11, 8), DUE, PERIOD_END, "late"),
    (at(2026, 3, 10, 14), at(2026, 3, 10, 10, 20), PERIOD_END, "late"),  # due mid-day, finished after
    (datetime(2026, 3, 9, 23, 30, tzinfo=UTC), DUE, PERIOD_END, "on_time"),  # 06:30 on 10/03 in Hà Nội
    (datetime(2026, 3, 9, 16, 59, tzinfo=UTC), DUE, PERIOD_END, "early"),  # 23:59 on 09/03 in Hà Nội
    (None, DUE, PERIOD_END, "late"),  # still open at the end of the period, past due
    (None, DUE, at(2026, 2, 28, 23, 59), None),  # still open, not yet due: not counted
    (None, DUE, DUE, None),  # the period ends exactly at the due moment
    (at(2026, 4, 2, 9), DUE, PERIOD_END, "late"),  # finished after the period: open at its end
    (at(2026, 3, 5, 9), DUE, at(2026, 3, 1), None),  # finished after a period that ended before due
]


@pytest.mark.parametrize(("finished_at", "due_at", "period_end", "expected"), OUTCOMES)
def test_classify_outcome(
    finished_at: datetime | None, due_at: datetime, period_end: datetime, expected: str | None
) -> None:
    assert classify_outcome(finished_at, due_at, period_end) == expected


def test_classify_outcome_refuses_naive_datetimes() -> None:
    with pytest.raises(NaiveDatetimeError):
        classify_outcome(datetime(2026, 3, 9), DUE, PERIOD_END)  # noqa: DTZ001 - the point of the test


# -- properties ----------------------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2015, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; timezones= makes them aware
    max_value=datetime(2030, 6, 30),  # noqa: DTZ001
    timezones=st.sampled_from([VIETNAM_TZ, UTC, ZoneInfo("Europe/Paris")]),
)
hours = st.decimals(min_value=0, max_value=400, places=3)
day_counts = st.integers(min_value=0, max_value=60)


def within_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(VIETNAM_TZ)
    return any(start <= local <= end for start, end in CAL.office_intervals(local.date()))


@given(moments, day_counts)
def test_adding_working_days_lands_on_a_working_day_at_closing(start: datetime, days: int) -> None:
    due = add_duration(CAL, start, days, "working_days")
    assert CAL.is_working_day(due.date())
    assert within_office_hours(due)
    assert due == CAL.closing_time(due.date())


@given(moments, day_counts)
def test_adding_then_counting_working_days_gives_the_amount_back(start: datetime, days: int) -> None:
    due = add_duration(CAL, start, days, "working_days")
    received_on = CAL.next_opening(start).date()
    assert CAL.working_days_between(received_on, due.date()) == days


@given(moments, hours)
def test_adding_then_counting_working_hours_gives_the_amount_back(start: datetime, amount: Decimal) -> None:
    due = add_duration(CAL, start, amount, "working_hours")
    assert within_office_hours(due)
    assert working_hours_between(CAL, start, due) == amount


@given(moments, st.integers(min_value=0, max_value=40))
def test_elapsed_hours_convention_is_eight_hours_a_day(start: datetime, days: int) -> None:
    due = add_duration(CAL, start, days, "working_days", working_days_convention="elapsed_hours")
    assert working_hours_between(CAL, start, due) == 8 * days


@given(moments, st.sampled_from(["working_hours", "working_days", "days", "months"]), day_counts, day_counts)
def test_monotonic_in_amount(start: datetime, unit: Unit, first: int, second: int) -> None:
    smaller, larger = sorted((first, second))
    assert add_duration(CAL, start, smaller, unit) <= add_duration(CAL, start, larger, unit)


@given(moments, moments, st.sampled_from(["working_hours", "working_days", "days", "months"]), day_counts)
def test_monotonic_in_start(first: datetime, second: datetime, unit: Unit, amount: int) -> None:
    earlier, later = sorted((first, second))
    assert add_duration(CAL, earlier, amount, unit) <= add_duration(CAL, later, amount, unit)


@given(moments, st.integers(min_value=0, max_value=24), st.sampled_from(["days", "months"]))
def test_calendar_periods_end_on_a_working_day_no_earlier_than_the_nominal_day(
    start: datetime, amount: int, unit: Unit
) -> None:
    due = add_duration(CAL, start, amount, unit)
    assert CAL.is_working_day(due.date())
    assert due >= CAL.next_opening(start)


@given(moments, hours, st.integers(min_value=0, max_value=2000), st.integers(min_value=0, max_value=2000))
def test_a_closed_pause_adds_exactly_its_working_time(
    start: datetime, amount: Decimal, offset_minutes: int, length_minutes: int
) -> None:
    # given a pause that begins before the deadline
    paused_at = start + timedelta(minutes=offset_minutes)
    resumed_at = paused_at + timedelta(minutes=length_minutes)
    base_due = add_duration(CAL, start, amount, "working_hours")
    assume(paused_at < base_due)

    # when the pause is taken into account
    due = add_duration_with_pauses(CAL, start, amount, "working_hours", [(paused_at, resumed_at)])

    # then the working time from reception to the deadline is the amount plus the paused working time
    assert due is not None
    paused = working_hours_between(CAL, paused_at, resumed_at)
    assert working_hours_between(CAL, start, due) == amount + paused


@pytest.mark.parametrize(
    ("start", "days", "due_day"),
    [
        # Tết 2025: 25/01 (Sat) to 02/02 (Sun) closed; Mon 27/01 - Fri 31/01 off.
        (datetime(2025, 1, 24, 9, 0, tzinfo=VIETNAM_TZ), 1, date(2025, 2, 3)),
        # Tết 2026: Mon 16/02 - Fri 20/02 off.
        (datetime(2026, 2, 13, 9, 0, tzinfo=VIETNAM_TZ), 2, date(2026, 2, 24)),
        # Tết 2027 (computed from the lunar calendar until the Prime Minister decides): Thu 04/02 - Wed 10/02.
        (datetime(2027, 2, 3, 9, 0, tzinfo=VIETNAM_TZ), 1, date(2027, 2, 11)),
        (datetime(2027, 2, 1, 9, 0, tzinfo=VIETNAM_TZ), 5, date(2027, 2, 15)),
    ],
)
def test_working_days_skip_tet_in_2025_2026_and_2027(start: datetime, days: int, due_day: date) -> None:
    due = add_duration(WorkCalendar(), start, days, "working_days")
    assert due == datetime.combine(due_day, time(17, 30), tzinfo=VIETNAM_TZ)
