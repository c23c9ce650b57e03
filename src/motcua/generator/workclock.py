"""Working time as plain integers, so that millions of generated moments cost no datetime arithmetic.

Two integer scales:

* **wall seconds**: local (province) wall-clock seconds since midnight of ``WorkClock.base``;
* **work seconds**: seconds of office time since the opening of the first working day on or after ``base``.

Converting between them follows ``motcua.worktime.deadline`` exactly (a test compares them on random
moments): a moment outside office hours counts from the next opening, and a due moment that exhausts an
office interval is that interval's closing time (11:30, not 13:30). Appointments (ngày hẹn trả) are not
computed here: they come from ``worktime.deadline.add_duration`` itself, memoised per (day, term).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.deadline import Unit, add_duration

DAY = 86_400


class WorkClock:
    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date, *, utc_text: bool) -> None:
        """Days from ``first`` to ``last`` (pad generously: appointments and returns run past the range).

        ``utc_text``: format moments as naive UTC text (Django's SQLite storage) instead of local text with
        the offset (PostgreSQL ``timestamptz`` input).
        """
        self.calendar = calendar
        self.base = first
        self.days = (last - first).days + 1
        zone = calendar.timezone
        offsets = {
            dt.datetime.combine(first + dt.timedelta(days=i), dt.time(12), tzinfo=zone).utcoffset()
            for i in range(0, self.days, 30)
        }
        if len(offsets) != 1:
            raise ValueError("The generator needs a time zone without daylight saving time.")
        offset = offsets.pop()
        assert offset is not None
        self.offset = int(offset.total_seconds())
        self.intervals = [
            (t.hour * 3600 + t.minute * 60 + t.second, u.hour * 3600 + u.minute * 60 + u.second)
            for t, u in calendar.office_hours
        ]
        self.per_day = sum(close - open_ for open_, close in self.intervals)
        self.dates = [first + dt.timedelta(days=i) for i in range(self.days)]
        self.working: list[int] = [i for i, d in enumerate(self.dates) if calendar.is_working_day(d)]
        self._work_index = {day: k for k, day in enumerate(self.working)}
        # For each calendar day: the index of the first working day on or after it.
        self._next_working = [bisect.bisect_left(self.working, i) for i in range(self.days)]
        # Office seconds elapsed at the opening of each interval of a day.
        self._elapsed_at_open = []
        total = 0
        for open_, close in self.intervals:
            self._elapsed_at_open.append(total)
            total += close - open_
        sign = "+" if self.offset >= 0 else "-"
        hours, rest = divmod(abs(self.offset), 3600)
        suffix = "" if utc_text else f"{sign}{hours:02d}" + (f":{rest // 60:02d}" if rest else "")
        shift = self.offset if utc_text else 0
        self._day_text = [(first + dt.timedelta(days=i)).isoformat() for i in range(-2, self.days + 2)]
        self._time_text = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}" for s in range(DAY)]
        #: ``wall`` as the database's text input for a datetime (a closure over the tables: it runs about
        #: ten times per generated dossier)
        self.text: Callable[[int], str] = _formatter(self._day_text, self._time_text, 2 * DAY - shift)
        self._due_memo: dict[tuple[int, Decimal, str], int] = {}
        self._two = len(self.intervals) == 2
        self._open0, self._open1 = self.intervals[0][0], self.intervals[-1][0]
        self._len0 = self.intervals[0][1] - self.intervals[0][0]

    # -- days ----------------------------------------------------------------------------------------------

    def day_index(self, day: dt.date) -> int:
        return (day - self.base).days

    def date_text(self, wall: int) -> str:
        return self._day_text[wall // DAY + 2]

    def work_day(self, k: int) -> int:
        """The calendar day index of working day number ``k``."""
        return self.working[k]

    def working_index_on_or_after(self, day: int) -> int:
        return self._next_working[day]

    # -- conversions ---------------------------------------------------------------------------------------

    def wall(self, work: int) -> int:
        """The wall moment of an event ``work`` office seconds in (at an interval boundary: the opening)."""
        k, s = divmod(work, self.per_day)
        day = self.working[k]
        if self._two:  # the usual morning and afternoon: no loop
            return day * DAY + (self._open0 + s if s < self._len0 else self._open1 + s - self._len0)
        for (open_, close), before in zip(self.intervals, self._elapsed_at_open, strict=True):
            if s < before + close - open_:
                return day * DAY + open_ + s - before
        raise AssertionError("unreachable")

    def wall_due(self, work: int) -> int:
        """The wall moment a period ends at ``work`` (at an interval boundary: the closing, as worktime)."""
        k, s = divmod(work, self.per_day)
        if s == 0 and k > 0:
            k, s = k - 1, self.per_day
        day = self.working[k]
        if self._two:
            return day * DAY + (self._open0 + s if s <= self._len0 else self._open1 + s - self._len0)
        for (open_, close), before in zip(self.intervals, self._elapsed_at_open, strict=True):
            if s <= before + close - open_:
                return day * DAY + open_ + s - before
        raise AssertionError("unreachable")

    def work(self, wall: int) -> int:
        """Office seconds at ``wall`` (outside office hours: at the next opening)."""
        day, s = divmod(wall, DAY)
        k = self._work_index.get(day)
        if k is None:
            return self._next_working[day] * self.per_day
        for (open_, close), before in zip(self.intervals, self._elapsed_at_open, strict=True):
            if s < close:
                return k * self.per_day + before + max(s - open_, 0)
        return (k + 1) * self.per_day

    def aware(self, wall: int) -> dt.datetime:
        day, s = divmod(wall, DAY)
        return dt.datetime.combine(self.dates[day], dt.time(), tzinfo=self.calendar.timezone) + dt.timedelta(
            seconds=s
        )

    def from_aware(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.calendar.timezone)
        return (local.date() - self.base).days * DAY + local.hour * 3600 + local.minute * 60 + local.second

    # -- appointments --------------------------------------------------------------------------------------

    def appointment(self, wall: int, amount: Decimal, unit: Unit) -> int:
        """``worktime.deadline.add_duration`` from ``wall`` (in office hours), memoised per day for whole
        days, months and calendar days: their due moment does not depend on the hour of the start."""
        start = self.work(wall)
        if unit == "working_hours":
            seconds = int(amount * 3600)
            return self.wall_due(start + seconds) if seconds else self.wall(start)
        key = (self.wall(start) // DAY, amount, unit)
        found = self._due_memo.get(key)
        if found is None:
            found = self.from_aware(add_duration(self.calendar, self.aware(wall), int(amount), unit))
            self._due_memo[key] = found
        return found


def _formatter(day_text: list[str], time_text: list[str], offset: int) -> Callable[[int], str]:
    def text(wall: int) -> str:
        moment = wall + offset
        return day_text[moment // 86_400] + time_text[moment % 86_400]  # literals: no global lookup

    return text
