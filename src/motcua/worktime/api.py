"""The working calendar over HTTP: a deadline, and the days off and make-up working days of a year."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator

from motcua.core import clock
from motcua.core.errors import ERROR_RESPONSES
from motcua.worktime import selectors
from motcua.worktime.deadline import Unit
from motcua.worktime.selectors import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT, CalendarDay, CalendarDayKind

router = Router(tags=["calendar"])

_ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)


def _iso_moment_only(value: object) -> object:
    # Pydantic's lax mode reads "1700000000" as a Unix time and "2026-02-12" as midnight: ISO date+time only.
    if isinstance(value, str) and not _ISO_MOMENT.fullmatch(value):
        raise ValueError("expected an ISO 8601 date and time, e.g. 2026-02-12T09:00+07:00 (send + as %2B)")
    return value


IsoMoment = Annotated[dt.datetime, BeforeValidator(_iso_moment_only)]
_LIMITS = ", ".join(f"{limit} {unit}" for unit, limit in MAX_AMOUNT.items())


class DeadlineQuery(Schema):
    start: IsoMoment = Field(
        description="when the period starts, e.g. 2026-02-12T09:00+07:00; without an offset, Vietnam time",
        json_schema_extra={"pattern": f"^(20[0-9]{{2}}|{LAST_YEAR})-"},
    )
    amount: int = Field(ge=0, le=max(MAX_AMOUNT.values()), description=f"how many units, at most {_LIMITS}")
    unit: Unit


class DeadlineOut(Schema):
    start: dt.datetime = Field(description="the start, in Vietnam time")
    due_at: dt.datetime = Field(description="the due moment, in Vietnam time")
    unit: Unit
    amount: int


class YearQuery(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="default: the current year")
    weekends: bool = Field(False, description="also list the plain Saturdays and Sundays")


class CalendarDayOut(Schema):
    date: dt.date
    kind: CalendarDayKind
    reason: str = Field(description="in Vietnamese")


class CalendarYearOut(Schema):
    year: int
    days_off: list[CalendarDayOut]
    makeup_days: list[CalendarDayOut] = Field(description="weekend days that are worked")


@router.get("/deadline", response={200: DeadlineOut, **ERROR_RESPONSES}, summary="The due moment of a period")
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> DeadlineOut:
    due_at = selectors.due_at(start=query.start, amount=query.amount, unit=query.unit)
    return DeadlineOut(
        start=selectors.local_moment(query.start),
        due_at=due_at,
        unit=query.unit,
        amount=query.amount,
    )


@router.get(
    "/non-working-days",
    response={200: CalendarYearOut, **ERROR_RESPONSES},
    summary="The days off and make-up working days of a year",
)
def non_working_days(request: HttpRequest, query: Query[YearQuery]) -> CalendarYearOut:
    year = selectors.calendar_year(query.year or clock.today().year, include_weekends=query.weekends)
    return CalendarYearOut(
        year=year.year,
        days_off=[_day_out(day) for day in year.days_off],
        makeup_days=[_day_out(day) for day in year.makeup_days],
    )


def _day_out(day: CalendarDay) -> CalendarDayOut:
    return CalendarDayOut(date=day.day, kind=day.kind, reason=day.reason)
