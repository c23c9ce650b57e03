"""The public-sector working calendar of Vietnam.

A day is a working day unless it is a weekend day or a day off (Labour Code 2019 Art. 111-112), with the
public-sector swaps decided each year by the Prime Minister (a bridging weekday off, paid back by working a
Saturday). Sources, in order of precedence (first match wins):

1. ``extra_working_days``: admin override, the day is worked.
2. ``extra_days_off``: admin override, the day is off.
3. ``swaps``: swaps known to be missing from the ``holidays`` package (``PUBLIC_SECTOR_SWAPS``).
4. The ``holidays`` package (``holidays.country_holidays("VN")``): holidays, nghỉ bù (observed days),
   substituted days and their make-up Saturdays (``weekend_workdays``).
5. Saturday and Sunday are off.

No Django, no database: the Django override table feeds ``extra_days_off``/``extra_working_days``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "PUBLIC_SECTOR_SWAPS",
    "VIETNAM_TZ",
    "CalendarGapError",
    "CalendarOverrideError",
    "DaySwap",
    "InvalidOfficeHoursError",
    "NaiveDatetimeError",
    "NonWorkingDay",
    "NonWorkingKind",
    "NotADateError",
    "WorkCalendar",
    "WorkTimeError",
    "ensure_aware",
]

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Morning 07:30-11:30 and afternoon 13:30-17:30: 8 working hours (Decree 61/2018 leaves office hours to
#: each province; this is the most common public-sector schedule).
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 30)),
)

#: Longest run of consecutive non-working days we accept before assuming a misconfigured calendar.
MAX_NON_WORKING_RUN = 366

NonWorkingKind = Literal["weekend", "holiday", "observed", "substituted", "override"]

_WEEKDAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_OVERRIDE_REASON_VI = "Ngày nghỉ bổ sung (điều chỉnh lịch làm việc)"
# The package's observed label is "%s (nghỉ bù)" (and "%s (nghỉ bù, dự kiến)" when estimated).
_OBSERVED_MARK_VI = "(nghỉ bù"


class WorkTimeError(ValueError):
    """Base class of the errors raised by the working-time rules."""


class NaiveDatetimeError(WorkTimeError):
    """A datetime without a timezone was given where a moment in time is required."""


class NotADateError(WorkTimeError):
    """A datetime (or another type) was given where a calendar date is required."""


class InvalidOfficeHoursError(WorkTimeError):
    """The office hours are empty, unordered, overlapping or of zero length."""


class CalendarOverrideError(WorkTimeError):
    """The overrides contradict each other (a day both off and worked)."""


class CalendarGapError(WorkTimeError):
    """No working day was found within ``MAX_NON_WORKING_RUN`` days: the calendar is misconfigured."""


def _require_date(value: object, name: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise NotADateError(f"{name} must be a date (not a datetime), got {value!r}.")


def ensure_aware(moment: datetime, name: str = "moment") -> None:
    """Raise ``NaiveDatetimeError`` unless ``moment`` is a timezone-aware datetime."""
    if not isinstance(moment, datetime):
        raise NaiveDatetimeError(f"{name} must be a timezone-aware datetime, got {moment!r}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{name} must be timezone-aware, got the naive datetime {moment.isoformat()}."
        )


@dataclass(frozen=True)
class NonWorkingDay:
    """One day on which public-sector offices are closed, with the reason shown to people."""

    day: date
    reason_vi: str
    kind: NonWorkingKind


@dataclass(frozen=True)
class DaySwap:
    """A public-sector swap: ``day_off`` (a weekday) is not worked, ``makeup_day`` (a Saturday) is."""

    day_off: date
    makeup_day: date
    source: str = ""

    def __post_init__(self) -> None:
        _require_date(self.day_off, "day_off")
        _require_date(self.makeup_day, "makeup_day")
        if self.day_off == self.makeup_day:
            raise CalendarOverrideError(f"A swap needs two different days, got {self.day_off} twice.")

    @property
    def reason_vi(self) -> str:
        # Same wording as the holidays package's substituted days.
        return f"Ngày nghỉ (thay cho ngày {self.makeup_day:%d/%m/%Y})"


#: Public-sector swaps announced by the government that holidays 0.108/0.109 do not contain.
PUBLIC_SECTOR_SWAPS: tuple[DaySwap, ...] = (
    DaySwap(
        day_off=date(2026, 1, 2),
        makeup_day=date(2026, 1, 10),
        source="Công văn 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch 2026: nghỉ 01/01-04/01)",
    ),
)


@dataclass(frozen=True)
class _PackageYear:
    days_off: Mapping[date, tuple[str, NonWorkingKind]]
    makeup_days: frozenset[date]


@functools.cache
def _package_year(year: int) -> _PackageYear:
    """What the holidays package says about one year, with each day off classified."""
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    substituted = _substituted_days(calendar, year)
    days_off: dict[date, tuple[str, NonWorkingKind]] = {}
    for day, name in calendar.items():
        kind: NonWorkingKind
        if day in substituted:
            kind = "substituted"
        elif _OBSERVED_MARK_VI in name:
            kind = "observed"
        else:
            kind = "holiday"
        days_off[day] = (name, kind)
    makeup_days = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return _PackageYear(days_off=days_off, makeup_days=makeup_days)


def _substituted_days(calendar: holidays.HolidayBase, year: int) -> frozenset[date]:
    """Days off given in exchange for a worked Saturday, read from the package's swap table.

    The package stores them in ``special_public_holidays`` as ``{year: (to_month, to_day, from_month,
    from_day[, from_year])}``; a 3-tuple there is a one-off holiday, not a swap.
    """
    table: object = getattr(calendar, "special_public_holidays", {})
    if not isinstance(table, Mapping):
        return frozenset()
    entries: object = table.get(year, ())
    if not isinstance(entries, tuple):
        return frozenset()
    rows = entries if entries and isinstance(entries[0], tuple) else (entries,)
    return frozenset(date(year, row[0], row[1]) for row in rows if isinstance(row, tuple) and len(row) >= 4)


def _validate_office_hours(office_hours: tuple[tuple[time, time], ...]) -> None:
    if not office_hours:
        raise InvalidOfficeHoursError("Office hours must contain at least one (start, end) pair.")
    previous_end: time | None = None
    for pair in office_hours:
        if len(pair) != 2 or not all(isinstance(t, time) for t in pair):
            raise InvalidOfficeHoursError(
                f"Each office-hours entry must be a (start, end) pair of times: {pair!r}."
            )
        start, end = pair
        if start.tzinfo is not None or end.tzinfo is not None:
            raise InvalidOfficeHoursError(
                "Office hours are local wall-clock times: give times without tzinfo."
            )
        if start >= end:
            raise InvalidOfficeHoursError(f"Office hours must start before they end: {start}-{end}.")
        if previous_end is not None and start < previous_end:
            raise InvalidOfficeHoursError(
                f"Office hours must be in order and must not overlap: {start} starts before {previous_end}."
            )
        previous_end = end


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked and when offices are open, in one timezone.

    Immutable and hashable; cheap to build (the package's data are cached per year at module level).
    """

    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS
    timezone: ZoneInfo = VIETNAM_TZ
    swaps: tuple[DaySwap, ...] = PUBLIC_SECTOR_SWAPS
    _swap_days_off: Mapping[date, DaySwap] = field(init=False, repr=False, compare=False)
    _swap_makeup_days: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_days_off", frozenset(self.extra_days_off))
        object.__setattr__(self, "extra_working_days", frozenset(self.extra_working_days))
        try:
            object.__setattr__(self, "office_hours", tuple(tuple(pair) for pair in self.office_hours))
        except TypeError as error:
            raise InvalidOfficeHoursError(f"Office hours must be (start, end) pairs: {error}.") from error
        object.__setattr__(self, "swaps", tuple(self.swaps))
        for day in self.extra_days_off | self.extra_working_days:
            _require_date(day, "override day")
        if both := self.extra_days_off & self.extra_working_days:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise CalendarOverrideError(
                f"Days cannot be both extra days off and extra working days: {listed}."
            )
        _validate_office_hours(self.office_hours)
        if not isinstance(self.timezone, ZoneInfo):
            raise WorkTimeError(f"timezone must be a zoneinfo.ZoneInfo, got {self.timezone!r}.")
        object.__setattr__(self, "_swap_days_off", {swap.day_off: swap for swap in self.swaps})
        object.__setattr__(self, "_swap_makeup_days", frozenset(swap.makeup_day for swap in self.swaps))

    # -- days ---------------------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether public-sector offices work on ``day`` (a date, not a datetime)."""
        _require_date(day, "day")
        return self._day_off(day) is None

    def non_working_days(self, year: int, *, include_weekends: bool = True) -> list[NonWorkingDay]:
        """Every day of ``year`` on which offices are closed, in date order.

        Weekends are included by default (kind ``"weekend"``) so that the list answers "is this day off and
        why" for every day; pass ``include_weekends=False`` for the holiday list people expect to read. A
        holiday falling on a weekend keeps its holiday name and kind; a make-up Saturday is not listed.
        """
        day = date(year, 1, 1)
        result: list[NonWorkingDay] = []
        while day.year == year:
            off = self._day_off(day)
            if off is not None and (include_weekends or off.kind != "weekend"):
                result.append(off)
            day += timedelta(days=1)
        return result

    def makeup_working_days(self, year: int) -> list[date]:
        """Weekend days of ``year`` that are worked (make-up Saturdays and weekend overrides), in order."""
        package = _package_year(year).makeup_days
        candidates = package | self._swap_makeup_days | self.extra_working_days
        return sorted(d for d in candidates if d.year == year and d.weekday() >= 5 and self.is_working_day(d))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        _require_date(day, "day")
        return self.working_day_on_or_after(day + timedelta(days=1))

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one."""
        _require_date(day, "day")
        for _ in range(MAX_NON_WORKING_RUN + 1):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise CalendarGapError(
            f"No working day within {MAX_NON_WORKING_RUN} days from {day}: check the overrides."
        )

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days ``d`` with ``start < d <= end`` (negative if ``end`` is before ``start``).

        This is how deadlines count: a dossier received on Monday and due on Friday of the same week had 4
        working days; received and due on the same day, 0.
        """
        _require_date(start, "start")
        _require_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for d in _days(start + timedelta(days=1), end) if self.is_working_day(d))

    # -- office hours -------------------------------------------------------------------------------------

    @property
    def hours_per_day(self) -> Decimal:
        """Working hours in one working day (8 with the default office hours)."""
        microseconds = sum(_time_us(end) - _time_us(start) for start, end in self.office_hours)
        return Decimal(microseconds) / Decimal(3_600_000_000)

    def office_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The aware (open, close) moments of ``day``; empty on a non-working day."""
        if not self.is_working_day(day):
            return ()
        return tuple(
            (
                datetime.combine(day, start, tzinfo=self.timezone),
                datetime.combine(day, end, tzinfo=self.timezone),
            )
            for start, end in self.office_hours
        )

    def closing_time(self, day: date) -> datetime:
        """The end of office hours on working day ``day``."""
        if not self.is_working_day(day):
            raise WorkTimeError(f"{day} is not a working day: it has no closing time.")
        return datetime.combine(day, self.office_hours[-1][1], tzinfo=self.timezone)

    def localize(self, moment: datetime) -> datetime:
        """``moment`` (aware) expressed in the calendar's timezone."""
        ensure_aware(moment)
        return moment.astimezone(self.timezone)

    def is_office_time(self, moment: datetime) -> bool:
        """Whether offices are open at ``moment``: inside [open, close) of an office interval."""
        local = self.localize(moment)
        return any(start <= local < end for start, end in self.office_intervals(local.date()))

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself (in the calendar's timezone) if offices are open then, else the next opening."""
        local = self.localize(moment)
        day = local.date()
        for _ in range(MAX_NON_WORKING_RUN + 2):
            for start, end in self.office_intervals(day):
                if local < end:
                    return max(start, local)
            day += timedelta(days=1)
        raise CalendarGapError(
            f"No office hours within {MAX_NON_WORKING_RUN} days after {local.isoformat()}."
        )

    # -- internals ----------------------------------------------------------------------------------------

    def _day_off(self, day: date) -> NonWorkingDay | None:
        if day in self.extra_working_days:
            return None
        if day in self.extra_days_off:
            return NonWorkingDay(day, _OVERRIDE_REASON_VI, "override")
        if day in self._swap_makeup_days:
            return None
        if (swap := self._swap_days_off.get(day)) is not None:
            return NonWorkingDay(day, swap.reason_vi, "substituted")
        package = _package_year(day.year)
        if day in package.makeup_days:
            return None
        if (entry := package.days_off.get(day)) is not None:
            name, kind = entry
            return NonWorkingDay(day, name, kind)
        if day.weekday() >= 5:
            return NonWorkingDay(day, f"Nghỉ hằng tuần ({_WEEKDAY_NAMES_VI[day.weekday()]})", "weekend")
        return None


def _time_us(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
