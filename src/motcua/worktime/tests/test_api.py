"""The calendar over HTTP on real calendars, and every bad input answered in the documented error shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.test import Client

from motcua.core import clock
from motcua.worktime import selectors
from motcua.worktime.calendar import VIETNAM_TZ
from motcua.worktime.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db

DEADLINE = "/api/v1/calendar/deadline"
DAYS = "/api/v1/calendar/non-working-days"


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    selectors.invalidate_work_calendar()
    yield
    selectors.invalidate_work_calendar()


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due_at"),
    [
        # Thursday before Tết Bính Ngọ: Friday 13/02 counts, 14-22/02 are off, the 5th day is Thursday 26/02
        ("2026-02-12T09:00+07:00", "5", "working_days", "2026-02-26T17:30:00+07:00"),
        # 2 h on Friday afternoon before Tết, the other 2 h on the first morning after it
        ("2026-02-13T15:30+07:00", "4", "working_hours", "2026-02-23T09:30:00+07:00"),
        ("2026-02-13T17:00+07:00", "0", "working_hours", "2026-02-13T17:00:00+07:00"),
        ("2026-02-14T10:00+07:00", "0", "working_hours", "2026-02-23T07:30:00+07:00"),
        # received on the Saturday make-up day of Tết Dương lịch 2026: the day is worked
        ("2026-01-10T09:00+07:00", "1", "working_days", "2026-01-12T17:30:00+07:00"),
        # 31 January + 1 month is Saturday 28 February: the period ends on Monday 2 March
        ("2026-01-31T09:00+07:00", "1", "months", "2026-03-02T17:30:00+07:00"),
        # 31 calendar days from Friday 27/03 end on Giỗ Tổ Hùng Vương observed (Monday 27/04): the day after
        ("2026-03-27T09:00+07:00", "31", "days", "2026-04-28T17:30:00+07:00"),
        # received on a Saturday: counted from Monday's opening
        ("2026-03-28T09:00+07:00", "30", "days", "2026-04-29T17:30:00+07:00"),
    ],
)
def test_deadline_on_the_real_calendar(
    client: Client, start: str, amount: str, unit: str, due_at: str
) -> None:
    response = client.get(DEADLINE, {"start": start, "amount": amount, "unit": unit})

    assert response.status_code == 200, response.content
    expected_start = start.replace("+07:00", ":00+07:00")
    assert response.json() == {"start": expected_start, "due_at": due_at, "unit": unit, "amount": int(amount)}


@pytest.mark.parametrize(
    "start", ["2026-02-12T09:00", "2026-02-12 09:00:00", "2026-02-12T02:00Z", "2026-02-12T04:00+0200"]
)
def test_the_start_is_read_in_vietnam_time(client: Client, start: str) -> None:
    body = client.get(DEADLINE, {"start": start, "amount": "5", "unit": "working_days"}).json()

    assert body["start"] == "2026-02-12T09:00:00+07:00"
    assert body["due_at"] == "2026-02-26T17:30:00+07:00"


def test_the_deadline_follows_the_override_table(client: Client) -> None:
    query = {"start": "2026-02-27T09:00+07:00", "amount": "1", "unit": "working_days"}
    before = client.get(DEADLINE, query).json()["due_at"]
    CalendarOverride.objects.create(day=date(2026, 3, 2), kind=OverrideKind.DAY_OFF, reason="Nghỉ bắc cầu")

    after = client.get(DEADLINE, query).json()["due_at"]

    assert (before, after) == ("2026-03-02T17:30:00+07:00", "2026-03-03T17:30:00+07:00")


def test_the_year_lists_holidays_and_makeup_days_without_plain_weekends(client: Client) -> None:
    body = client.get(DAYS, {"year": "2026"}).json()

    days_off = {d["date"]: d for d in body["days_off"]}
    assert body["year"] == 2026
    assert days_off["2026-02-17"] == {"date": "2026-02-17", "kind": "holiday", "reason": "Tết Nguyên Đán"}
    assert days_off["2026-01-02"]["kind"] == "substituted"
    assert days_off["2026-04-26"]["kind"] == "holiday"  # Giỗ Tổ on a Sunday stays listed
    assert days_off["2026-04-27"]["kind"] == "observed"
    assert "2026-02-14" not in days_off  # the Saturday of Tết week is a plain weekend
    assert {d["kind"] for d in body["days_off"]} <= {"holiday", "observed", "substituted", "override"}
    assert [d["date"] for d in body["makeup_days"]] == ["2026-01-10", "2026-08-22"]
    assert [d["date"] for d in body["days_off"]] == sorted(days_off)


def test_the_year_lists_plain_weekends_on_request(client: Client) -> None:
    body = client.get(DAYS, {"year": "2026", "weekends": "true"}).json()

    kinds = {d["date"]: d["kind"] for d in body["days_off"]}
    assert kinds["2026-02-14"] == "weekend"
    assert "2026-01-10" not in kinds  # a make-up Saturday is worked
    assert sum(kind == "weekend" for kind in kinds.values()) > 95


def test_the_year_defaults_to_the_current_one(client: Client) -> None:
    with clock.frozen(clock.now().replace(year=2025, month=6, day=1).astimezone(VIETNAM_TZ)):
        body = client.get(DAYS).json()

    assert body["year"] == 2025


def test_the_year_shows_the_overrides_with_their_reasons(client: Client) -> None:
    CalendarOverride.objects.create(day=date(2026, 3, 2), kind=OverrideKind.DAY_OFF, reason="Nghỉ bắc cầu")
    CalendarOverride.objects.create(day=date(2026, 3, 7), kind=OverrideKind.WORKING_DAY, reason="Làm bù")

    body = client.get(DAYS, {"year": "2026"}).json()

    assert {"date": "2026-03-02", "kind": "override", "reason": "Nghỉ bắc cầu"} in body["days_off"]
    assert {"date": "2026-03-07", "kind": "override", "reason": "Làm bù"} in body["makeup_days"]


GOOD: dict[str, str] = {"start": "2026-02-12T09:00+07:00", "amount": "5", "unit": "working_days"}


@pytest.mark.parametrize(
    ("url", "query", "code", "field"),
    [
        (DEADLINE, {**GOOD, "amount": "-1"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "amount": "abc"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "amount": "NaN"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "amount": "Infinity"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "amount": "1e999999"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "amount": "20001", "unit": "working_hours"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "amount": "3651", "unit": "days"}, "invalid_period", "amount"),
        (DEADLINE, {**GOOD, "amount": "121", "unit": "months"}, "invalid_period", "amount"),
        (DEADLINE, {**GOOD, "amount": "2501"}, "invalid_period", "amount"),
        (DEADLINE, {**GOOD, "amount": "1.5", "unit": "working_hours"}, "validation_error", "amount"),
        (DEADLINE, {**GOOD, "unit": "weeks"}, "validation_error", "unit"),
        (DEADLINE, {"start": GOOD["start"], "amount": "5"}, "validation_error", "unit"),
        (DEADLINE, {**GOOD, "start": "not-a-date"}, "validation_error", "start"),
        (DEADLINE, {**GOOD, "start": "1700000000"}, "validation_error", "start"),
        (DEADLINE, {**GOOD, "start": "2026-02-12"}, "validation_error", "start"),
        (DEADLINE, {**GOOD, "start": "2026-02-30T09:00"}, "validation_error", "start"),
        (DEADLINE, {**GOOD, "start": "2026-02-12T09:00 07:00"}, "validation_error", "start"),  # unescaped +
        (DEADLINE, {**GOOD, "start": "2026-02-12T09:00+24:00"}, "validation_error", "start"),
        (DEADLINE, {**GOOD, "start": "1999-12-31T09:00"}, "invalid_period", "start"),
        (DEADLINE, {**GOOD, "start": "9999-12-31T23:59-23:59"}, "invalid_period", "start"),
        (DEADLINE, {**GOOD, "start": "2100-12-30T09:00", "unit": "days"}, "invalid_period", "amount"),
        (DAYS, {"year": "1999"}, "validation_error", "year"),
        (DAYS, {"year": "2101"}, "validation_error", "year"),
        (DAYS, {"year": "abc"}, "validation_error", "year"),
        (DAYS, {"year": "2026", "weekends": "maybe"}, "validation_error", "weekends"),
    ],
)
def test_bad_input_gets_a_documented_error(
    client: Client, url: str, query: dict[str, str], code: str, field: str
) -> None:
    response = client.get(url, query)

    body = response.json()
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert body["code"] == code
    assert body["message"]
    assert field in body["fields"]


def test_every_response_is_declared_in_the_schema(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in ("/api/v1/calendar/deadline", "/api/v1/calendar/non-working-days"):
        operation = paths[path]["get"]
        assert operation["tags"] == ["calendar"]
        assert {"200", "400", "422"} <= set(operation["responses"])
