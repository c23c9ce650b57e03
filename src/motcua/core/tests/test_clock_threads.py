"""clock.frozen() across threads: freezes ending out of order leave the clock running (a concurrency test
once left the whole suite's clock frozen at its moment)."""

from __future__ import annotations

import datetime as dt
import threading

from motcua.core import clock

A = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
B = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)


def test_freezes_ending_out_of_order_leave_the_clock_running() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with clock.frozen(A):
            first_in.set()
            second_in.wait(5)
        first_out.set()  # A ends while B is still active

    def second() -> None:
        first_in.wait(5)
        with clock.frozen(B):
            second_in.set()
            first_out.wait(5)
            assert clock.now() == B

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_nested_freezes_restore_the_outer_moment() -> None:
    with clock.frozen(A):
        with clock.frozen(B):
            assert clock.now() == B
        assert clock.now() == A
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_day_ranges_at_the_ends_of_the_calendar_do_not_overflow() -> None:
    from motcua.core.periods import local_midnights

    start, end = local_midnights(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    assert start.year == 1
    assert end.year == 9999
    assert start.astimezone(dt.UTC).year == 1  # storable in UTC
