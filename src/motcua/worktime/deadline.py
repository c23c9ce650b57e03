"""Deadline arithmetic for dossiers: pure functions over a ``WorkCalendar``.

Conventions (each one a rule a reviewer can check against the legal text):

* **Reception moment.** A dossier received outside office hours (online at night, on a weekend or a holiday)
  is deemed received at the next opening, as one-stop systems do for online dossiers; every unit counts from
  that moment. A dossier received during office hours counts from the moment itself.
* **Working hours** run only inside office hours of working days. A due moment that exhausts an office
  interval is that interval's closing time (11:30, not 13:30).
* **Working days** (default convention ``"end_of_day"``): the reception day is not counted; the due moment is
  the close of office hours on the N-th working day after the reception day. Received Monday 09:00 with 3
  working days: due Thursday 17:30. This reading of "within N working days" gives the agency the whole last
  day and matches Civil Code 2015 Art. 147-148 (the first day is not counted; the period ends at the end of
  its last day). Some deployed one-stop systems instead store N days as N x 8 working hours counted from the
  reception moment (Monday 09:00 + 3 days = Thursday 09:00): that is the ``"elapsed_hours"`` convention.
* **Days** are calendar days counted from the day after reception; **months** are calendar months
  (31 January + 1 month = 28/29 February, Civil Code 2015 Art. 148). If the last day is not a working day,
  the period ends on the next working day (Civil Code 2015 Art. 148(2)); the due moment is the close of
  office hours on that day.
* **Pauses** (waiting for a supplement, Decree 61/2018 Art. 19 and the national portal's on-time rule): the
  working time spent paused is not counted, so the deadline moves later by exactly that working time.

Amounts are ``int`` or ``Decimal``; working hours are kept to the microsecond (``ROUND_HALF_EVEN``).
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from motcua.worktime.calendar import VIETNAM_TZ, WorkCalendar, WorkTimeError, ensure_aware

__all__ = [
    "DEFAULT_FORWARDING_CUTOFF",
    "UNITS",
    "InvalidAmountError",
    "InvalidPauseError",
    "NegativeAmountError",
    "Outcome",
    "Unit",
    "UnknownUnitError",
    "WorkingDaysConvention",
    "add_duration",
    "add_duration_with_pauses",
    "classify_outcome",
    "forwarding_day",
    "working_hours_between",
]

Unit = Literal["working_hours", "working_days", "days", "months"]
UNITS: tuple[Unit, ...] = get_args(Unit)
WorkingDaysConvention = Literal["end_of_day", "elapsed_hours"]
_CONVENTIONS: tuple[WorkingDaysConvention, ...] = get_args(WorkingDaysConvention)
Outcome = Literal["early", "on_time", "late"]
Pause = tuple[datetime, datetime | None]

#: Decree 61/2018 Art. 18: paper dossiers received after 15:00 go to the competent unit the next working day.
DEFAULT_FORWARDING_CUTOFF = time(15, 0)

_US_PER_HOUR = 3_600_000_000


class InvalidAmountError(WorkTimeError):
    """The amount is not a finite int/Decimal, or is fractional where whole units are required."""


class NegativeAmountError(InvalidAmountError):
    """The amount is negative."""


class UnknownUnitError(WorkTimeError):
    """The unit is not one of ``UNITS`` (or the convention is not one of the known conventions)."""


class InvalidPauseError(WorkTimeError):
    """A pause ends before it starts or is not made of aware datetimes."""


def add_duration(
    calendar: WorkCalendar,
    start: datetime,
    amount: int | Decimal,
    unit: Unit,
    *,
    working_days_convention: WorkingDaysConvention = "end_of_day",
) -> datetime:
    """The due moment of a period of ``amount`` ``unit`` starting at ``start`` (see the module docstring).

    The result is expressed in the calendar's timezone. ``working_days_convention`` only affects
    ``unit="working_days"``.
    """
    ensure_aware(start, "start")
    _check_unit(unit)
    if working_days_convention not in _CONVENTIONS:
        raise UnknownUnitError(
            f"Unknown working-days convention {working_days_convention!r}; expected one of {_CONVENTIONS}."
        )
    whole = unit in ("days", "months") or (unit == "working_days" and working_days_convention == "end_of_day")
    value = _check_amount(amount, unit, whole=whole)
    received = calendar.next_opening(start)
    if unit == "working_hours":
        return _add_working_us(calendar, received, _hours_to_us(value))
    if unit == "working_days" and working_days_convention == "elapsed_hours":
        return _add_working_us(calendar, received, _hours_to_us(value * calendar.hours_per_day))
    if unit == "working_days":
        due_on = received.date()
        for _ in range(int(value)):
            due_on = calendar.next_working_day(due_on)
        return calendar.closing_time(due_on)
    if unit == "days":
        last_day = received.date() + timedelta(days=int(value))
    else:
        last_day = _add_months(received.date(), int(value))
    return calendar.closing_time(calendar.working_day_on_or_after(last_day))


def add_duration_with_pauses(
    calendar: WorkCalendar,
    start: datetime,
    amount: int | Decimal,
    unit: Unit,
    pauses: Sequence[Pause],
    *,
    working_days_convention: WorkingDaysConvention = "end_of_day",
) -> datetime | None:
    """``add_duration`` moved later by the working time spent in ``pauses``; ``None`` while suspended.

    Each pause is ``(paused_at, resumed_at)``; ``resumed_at=None`` means still paused. Overlapping pauses are
    merged, the part of a pause before ``start`` is ignored, and a pause that begins at or after the
    (already moved) deadline does not move it: the dossier was late before it was paused. While a pause
    that began before the deadline is still open the deadline is suspended and ``None`` is returned; pass
    ``(paused_at, now)`` to get the deadline "if it resumed now". The paused time is measured in working
    hours whatever the unit, so a pause over a weekend moves nothing.
    """
    due_at = add_duration(calendar, start, amount, unit, working_days_convention=working_days_convention)
    for paused_at, resumed_at in _merge_pauses(pauses, not_before=start):
        if paused_at >= due_at:
            break
        if resumed_at is None:
            return None
        paused_us = _working_us_between(calendar, paused_at, resumed_at)
        if paused_us:
            due_at = _add_working_us(calendar, due_at, paused_us)
    return due_at


def working_hours_between(calendar: WorkCalendar, start: datetime, end: datetime) -> Decimal:
    """Working hours from ``start`` to ``end`` (office hours of working days only); negative if reversed."""
    ensure_aware(start, "start")
    ensure_aware(end, "end")
    if end < start:
        return -working_hours_between(calendar, end, start)
    return Decimal(_working_us_between(calendar, start, end)) / Decimal(_US_PER_HOUR)


def forwarding_day(
    calendar: WorkCalendar, received_at: datetime, cutoff: time = DEFAULT_FORWARDING_CUTOFF
) -> date:
    """The day a paper dossier must reach the competent unit (Decree 61/2018 Art. 18).

    The same working day if received on a working day at or before ``cutoff`` (local time; 15:00:00 sharp is
    still "not after 15:00"), otherwise the next working day: received after the cutoff, or on a weekend or
    a day off.
    """
    ensure_aware(received_at, "received_at")
    if not isinstance(cutoff, time) or cutoff.tzinfo is not None:
        raise WorkTimeError(f"cutoff must be a local time without tzinfo, got {cutoff!r}.")
    local = calendar.localize(received_at)
    day = local.date()
    if calendar.is_working_day(day) and local.time() <= cutoff:
        return day
    return calendar.next_working_day(day)


def classify_outcome(
    finished_at: datetime | None,
    due_at: datetime,
    period_end: datetime,
    *,
    tz: ZoneInfo = VIETNAM_TZ,
) -> Outcome | None:
    """Early, on time or late, per the national portal's rule (DOMAIN.md §4.4).

    * ``"early"``: finished on a **day** before the due day (local dates in ``tz``). Finishing at 09:00 on
      the due day is on time, not early: the appointment is a day, and "trước hạn" means returning the
      result before that day.
    * ``"on_time"``: finished on the due day at or before the due **moment**.
    * ``"late"``: finished after the due moment (even on the due day, when the due moment is not the close of
      the day), or still open at ``period_end`` and past due.
    * ``None``: still open at ``period_end`` (a ``finished_at`` after ``period_end`` counts as open) and not
      yet past due: not counted in this period.
    """
    ensure_aware(due_at, "due_at")
    ensure_aware(period_end, "period_end")
    if finished_at is not None:
        ensure_aware(finished_at, "finished_at")
    if finished_at is None or finished_at > period_end:
        return "late" if period_end > due_at else None
    if finished_at > due_at:
        return "late"
    if finished_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return "early"
    return "on_time"


# -- internals ----------------------------------------------------------------------------------------------


def _check_unit(unit: object) -> None:
    if unit not in UNITS:
        raise UnknownUnitError(f"Unknown unit {unit!r}; expected one of {UNITS}.")


def _check_amount(amount: object, unit: Unit, *, whole: bool) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise InvalidAmountError(f"The amount must be an int or a Decimal, got {amount!r}.")
    value = Decimal(amount)
    if not value.is_finite():
        raise InvalidAmountError(f"The amount must be finite, got {amount!r}.")
    if value < 0:
        raise NegativeAmountError(f"The amount must not be negative, got {amount} {unit}.")
    if whole and value != value.to_integral_value():
        raise InvalidAmountError(
            f"{unit} need a whole number with this convention, got {amount}; "
            "use working_hours for parts of a day."
        )
    return value


def _hours_to_us(hours: Decimal) -> int:
    return int((hours * _US_PER_HOUR).to_integral_value(rounding=ROUND_HALF_EVEN))


def _us(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _add_working_us(calendar: WorkCalendar, start: datetime, microseconds: int) -> datetime:
    """The moment ``microseconds`` of office time after ``start`` (which may be outside office hours)."""
    moment = calendar.next_opening(start)
    if microseconds == 0:
        return moment
    remaining = microseconds
    day = moment.date()
    while True:
        for opens_at, closes_at in calendar.office_intervals(day):
            if closes_at <= moment:
                continue
            begin = max(opens_at, moment)
            available = _us(closes_at - begin)
            if remaining <= available:
                return begin + timedelta(microseconds=remaining)
            remaining -= available
        day = calendar.next_working_day(day)


def _working_us_between(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Office time in [start, end), in microseconds; 0 when ``end <= start``."""
    start = calendar.localize(start)
    end = calendar.localize(end)
    total = 0
    day = start.date()
    while day <= end.date():
        for opens_at, closes_at in calendar.office_intervals(day):
            lower, upper = max(opens_at, start), min(closes_at, end)
            if upper > lower:
                total += _us(upper - lower)
        day += timedelta(days=1)
    return total


def _merge_pauses(pauses: Sequence[Pause], *, not_before: datetime) -> list[Pause]:
    """Pauses clipped to start no earlier than ``not_before``, sorted, overlaps merged (``None`` = open)."""
    clipped: list[Pause] = []
    for pause in pauses:
        if not isinstance(pause, tuple) or len(pause) != 2:
            raise InvalidPauseError(f"A pause is a (paused_at, resumed_at) pair, got {pause!r}.")
        paused_at, resumed_at = pause
        try:
            ensure_aware(paused_at, "paused_at")
            if resumed_at is not None:
                ensure_aware(resumed_at, "resumed_at")
        except WorkTimeError as error:
            raise InvalidPauseError(str(error)) from error
        if resumed_at is not None and resumed_at < paused_at:
            raise InvalidPauseError(
                f"A pause cannot end before it starts: {paused_at.isoformat()} to {resumed_at.isoformat()}."
            )
        if resumed_at is not None and resumed_at <= not_before:
            continue
        clipped.append((max(paused_at, not_before), resumed_at))
    clipped.sort(key=lambda pause: pause[0])
    merged: list[Pause] = []
    for paused_at, resumed_at in clipped:
        if merged and (merged[-1][1] is None or paused_at <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged_end = None if last_end is None or resumed_at is None else max(last_end, resumed_at)
            merged[-1] = (last_start, merged_end)
        else:
            merged.append((paused_at, resumed_at))
    return merged


def _add_months(day: date, months: int) -> date:
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))
