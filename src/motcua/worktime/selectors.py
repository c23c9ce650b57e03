"""Reads of the working calendar: the pure ``WorkCalendar`` fed with the override table and the office hours.

``work_calendar()`` is called on every request that counts time, so the calendar is built once per process
and rebuilt only when an override is saved or deleted (signals connected in ``apps.py``; again after the
transaction commits, so that no other thread keeps a calendar read before the commit). Other processes (web
workers, task workers) do not get the signal: they rebuild after ``MAX_AGE_SECONDS``. Overrides are decided
weeks ahead, so a minute of delay is harmless; a bulk ``update()`` of the table is caught up the same way.
"""

from __future__ import annotations

import threading
import time as monotonic_time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from motcua.core.errors import DomainError
from motcua.worktime.calendar import NonWorkingKind, WorkCalendar
from motcua.worktime.deadline import UNITS, InvalidAmountError, Unit, add_duration
from motcua.worktime.models import CalendarOverride, OverrideKind

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_AMOUNT",
    "CalendarDay",
    "CalendarYear",
    "InvalidPeriodError",
    "calendar_year",
    "due_at",
    "invalidate_work_calendar",
    "local_moment",
    "parse_office_hours",
    "work_calendar",
]

#: How long another process may keep a calendar built before an override changed.
MAX_AGE_SECONDS = 60.0
#: The years the ``holidays`` package knows for Vietnam (it ends in 2100); outside them it returns nothing.
FIRST_YEAR, LAST_YEAR = 2000, 2100
#: The longest period we count, about ten years in every unit (a guard against runaway loops, not a rule).
MAX_AMOUNT: Mapping[Unit, int] = {
    "working_hours": 20_000,
    "working_days": 2_500,
    "days": 3_650,
    "months": 120,
}
MAKEUP_REASON_VI = "Ngày làm việc bù"
_UNIT_VI: Mapping[Unit, str] = {
    "working_hours": "giờ làm việc",
    "working_days": "ngày làm việc",
    "days": "ngày",
    "months": "tháng",
}

CalendarDayKind = NonWorkingKind | Literal["makeup"]


class InvalidPeriodError(DomainError):
    """A period the calendar cannot count: too long, outside the known years, or fractional days."""

    code = "invalid_period"
    status = 422


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: CalendarDayKind
    reason: str


@dataclass(frozen=True)
class CalendarYear:
    year: int
    days_off: list[CalendarDay]
    makeup_days: list[CalendarDay]


@dataclass(frozen=True)
class _Snapshot:
    calendar: WorkCalendar
    reasons: Mapping[date, str]
    built_at: float


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
_generation = 0


def work_calendar() -> WorkCalendar:
    """The calendar in force: legal holidays, known swaps, the override table and ``OFFICE_HOURS``."""
    return _current().calendar


def due_at(*, start: datetime, amount: int | Decimal, unit: Unit) -> datetime:
    """The due moment of ``amount`` ``unit`` from ``start`` (a naive ``start`` is Vietnam time).

    Raises ``InvalidPeriodError`` (fields ``start``, ``unit`` or ``amount``) for what cannot be counted.
    """
    calendar = work_calendar()
    if unit not in UNITS:
        raise InvalidPeriodError("Đơn vị thời gian không hợp lệ.", fields={"unit": [f"one of {UNITS}"]})
    _check_year(start.year, "start")
    _check_amount(amount, unit)
    try:
        due = add_duration(calendar, local_moment(start), amount, unit)
    except InvalidAmountError as error:  # negative, or a fraction of a day
        message = "Số lượng thời gian không hợp lệ."
        raise InvalidPeriodError(message, fields={"amount": [str(error)]}) from error
    _check_year(due.year, "amount")
    return due


def local_moment(moment: datetime) -> datetime:
    """``moment`` in the calendar's timezone; a naive ``moment`` is read as Vietnam wall-clock time."""
    timezone = work_calendar().timezone
    return moment.replace(tzinfo=timezone) if moment.tzinfo is None else moment.astimezone(timezone)


def calendar_year(year: int, *, include_weekends: bool = False) -> CalendarYear:
    """The days off of ``year`` (plain weekends only if asked) and its make-up working days, by date."""
    _check_year(year, "year")
    snapshot = _current()
    calendar = snapshot.calendar
    days_off = [
        CalendarDay(off.day, off.kind, snapshot.reasons.get(off.day, off.reason_vi))
        for off in calendar.non_working_days(year, include_weekends=include_weekends)
    ]
    makeup_days = [
        CalendarDay(
            day,
            "override" if day in calendar.extra_working_days else "makeup",
            snapshot.reasons.get(day, MAKEUP_REASON_VI),
        )
        for day in calendar.makeup_working_days(year)
    ]
    return CalendarYear(year=year, days_off=days_off, makeup_days=makeup_days)


def parse_office_hours(text: str) -> tuple[tuple[time, time], ...]:
    """``"07:30-11:30,13:30-17:30"`` as ``((07:30, 11:30), (13:30, 17:30))``.

    Raises ``ImproperlyConfigured`` for anything else: settings are wrong, not the request.
    """
    try:
        hours = tuple(_parse_interval(part) for part in text.split(","))
        WorkCalendar(office_hours=hours)  # checks order, overlaps and empty intervals
    except ValueError as error:
        raise ImproperlyConfigured(
            f"OFFICE_HOURS must look like 07:30-11:30,13:30-17:30, got {text!r}: {error}"
        ) from error
    return hours


def invalidate_work_calendar() -> None:
    """Forget the calendar of this process; the next ``work_calendar()`` reads the table again."""
    global _snapshot, _generation
    with _lock:
        _snapshot = None
        _generation += 1


def on_override_changed(sender: type[CalendarOverride], using: str = "default", **kwargs: Any) -> None:
    invalidate_work_calendar()
    transaction.on_commit(invalidate_work_calendar, using=using)


def on_setting_changed(setting: str = "", **kwargs: Any) -> None:
    if setting == "MOTCUA_OFFICE_HOURS":
        invalidate_work_calendar()


# -- internals ----------------------------------------------------------------------------------------------


def _current() -> _Snapshot:
    global _snapshot
    snapshot, generation = _snapshot, _generation
    if snapshot is not None and monotonic_time.monotonic() - snapshot.built_at <= MAX_AGE_SECONDS:
        return snapshot
    snapshot = _build()
    with _lock:
        if generation == _generation:  # not invalidated while we were reading the table
            _snapshot = snapshot
    return snapshot


def _build() -> _Snapshot:
    rows = list(CalendarOverride.objects.values_list("day", "kind", "reason"))
    calendar = WorkCalendar(
        extra_days_off=frozenset(day for day, kind, _ in rows if kind == OverrideKind.DAY_OFF),
        extra_working_days=frozenset(day for day, kind, _ in rows if kind == OverrideKind.WORKING_DAY),
        office_hours=parse_office_hours(settings.MOTCUA_OFFICE_HOURS),
    )
    return _Snapshot(calendar, {day: reason for day, _, reason in rows}, monotonic_time.monotonic())


def _parse_interval(text: str) -> tuple[time, time]:
    opens, closes = text.split("-")
    return time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())


def _check_year(year: int, field: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidPeriodError(
            f"Lịch làm việc chỉ tính được trong các năm {FIRST_YEAR}-{LAST_YEAR}.",
            fields={field: [f"the calendar covers {FIRST_YEAR}-{LAST_YEAR}"]},
        )


def _check_amount(amount: int | Decimal, unit: Unit) -> None:
    value = Decimal(amount)
    if value.is_nan() or value > MAX_AMOUNT[unit]:
        raise InvalidPeriodError(
            f"Thời hạn quá dài: tối đa {MAX_AMOUNT[unit]} {_UNIT_VI[unit]}.",
            fields={"amount": [f"at most {MAX_AMOUNT[unit]} {unit}"]},
        )
