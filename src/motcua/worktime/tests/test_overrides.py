"""The override table feeds the calendar in force: days off and make-up Saturdays, cached per process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings
from tests.factories import make_user

from motcua.worktime import selectors
from motcua.worktime.apps import check_office_hours
from motcua.worktime.calendar import VIETNAM_TZ
from motcua.worktime.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    # The calendar is cached per process and a test's rollback sends no signal: start and end clean.
    selectors.invalidate_work_calendar()
    yield
    selectors.invalidate_work_calendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM_TZ)


def day_off(day: date, reason: str = "Nghỉ bắc cầu") -> CalendarOverride:
    return CalendarOverride.objects.create(day=day, kind=OverrideKind.DAY_OFF, reason=reason)


def test_an_extra_day_off_moves_a_deadline() -> None:
    # given a bridging day off on Monday 2 March 2026, an ordinary working day
    before = selectors.due_at(start=at(2026, 2, 27, 9), amount=1, unit="working_days")
    day_off(date(2026, 3, 2))
    # when one working day is counted from Friday 27 February
    after = selectors.due_at(start=at(2026, 2, 27, 9), amount=1, unit="working_days")
    # then the deadline moves from Monday to Tuesday
    assert before == at(2026, 3, 2, 17, 30)
    assert after == at(2026, 3, 3, 17, 30)


def test_a_makeup_saturday_counts_as_a_working_day() -> None:
    CalendarOverride.objects.create(
        day=date(2026, 3, 7), kind=OverrideKind.WORKING_DAY, reason="Làm bù cho ngày 02/03/2026"
    )

    due = selectors.due_at(start=at(2026, 3, 6, 9), amount=1, unit="working_days")
    hours = selectors.due_at(start=at(2026, 3, 6, 16, 30), amount=2, unit="working_hours")

    assert due == at(2026, 3, 7, 17, 30)
    assert hours == at(2026, 3, 7, 8, 30)


def test_the_calendar_is_built_once_then_served_without_a_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(1):
        first = selectors.work_calendar()
    with django_assert_num_queries(0):
        second = selectors.work_calendar()

    assert second is first


def test_the_cache_follows_every_save_and_delete() -> None:
    monday = date(2026, 3, 2)
    assert selectors.work_calendar().is_working_day(monday)
    # saved: off
    override = day_off(monday)
    assert not selectors.work_calendar().is_working_day(monday)
    # edited: worked again
    override.kind = OverrideKind.WORKING_DAY
    override.save()
    assert selectors.work_calendar().is_working_day(monday)
    # edited, then deleted through a queryset (the admin's bulk action)
    override.kind = OverrideKind.DAY_OFF
    override.save()
    assert not selectors.work_calendar().is_working_day(monday)
    CalendarOverride.objects.filter(pk=override.pk).delete()
    assert selectors.work_calendar().is_working_day(monday)


def test_the_year_lists_overrides_with_their_own_reasons() -> None:
    day_off(date(2026, 3, 2), reason="Nghỉ bắc cầu theo Công văn số 1/VPCP")
    CalendarOverride.objects.create(day=date(2026, 3, 7), kind=OverrideKind.WORKING_DAY, reason="Làm bù")

    year = selectors.calendar_year(2026)

    assert selectors.CalendarDay(date(2026, 3, 2), "override", "Nghỉ bắc cầu theo Công văn số 1/VPCP") in (
        year.days_off
    )
    assert selectors.CalendarDay(date(2026, 3, 7), "override", "Làm bù") in year.makeup_days
    assert selectors.CalendarDay(date(2026, 1, 10), "makeup", "Ngày làm việc bù") in year.makeup_days


def test_the_table_refuses_an_unknown_kind() -> None:
    with pytest.raises(IntegrityError):
        CalendarOverride.objects.create(day=date(2026, 3, 2), kind="holiday", reason="x")


def test_the_table_holds_one_override_per_day() -> None:
    day_off(date(2026, 3, 2))
    with pytest.raises(IntegrityError):
        day_off(date(2026, 3, 2))


def test_an_override_added_in_the_admin_records_its_author_and_applies(client: Client) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/worktime/calendaroverride/add/",
        {
            "day": "2026-03-02",
            "kind": "day_off",
            "reason": "Nghỉ bắc cầu",
            "legal_basis": "Công văn 12729/VPCP-KGVX",
        },
    )

    assert response.status_code == 302
    assert CalendarOverride.objects.get().created_by == admin
    assert not selectors.work_calendar().is_working_day(date(2026, 3, 2))


def test_the_admin_lists_and_searches_overrides_by_year(client: Client) -> None:
    client.force_login(make_user(is_staff=True, is_superuser=True))
    day_off(date(2026, 3, 2), reason="Nghỉ bắc cầu")
    day_off(date(2027, 3, 2), reason="Nghỉ lễ khác")

    by_year = client.get("/admin/worktime/calendaroverride/", {"day__year": "2026"}).content.decode()
    by_reason = client.get("/admin/worktime/calendaroverride/", {"q": "bắc cầu"}).content.decode()

    assert "Nghỉ bắc cầu" in by_year
    assert "Nghỉ lễ khác" not in by_year
    assert "Nghỉ lễ khác" not in by_reason


def test_office_hours_come_from_the_settings(settings: Settings) -> None:
    selectors.work_calendar()  # cached with the default hours
    settings.MOTCUA_OFFICE_HOURS = "08:00-12:00, 13:00-17:00"

    due = selectors.due_at(start=at(2026, 3, 2, 8), amount=6, unit="working_hours")

    assert selectors.work_calendar().office_hours == ((time(8), time(12)), (time(13), time(17)))
    assert due == at(2026, 3, 2, 15)


@pytest.mark.parametrize(
    "text", ["", "07:30", "07:30-11:30-12:00", "11:30-07:30", "07:30-12:00,11:00-17:00", "7h-11h"]
)
def test_malformed_office_hours_are_a_configuration_error(text: str, settings: Settings) -> None:
    with pytest.raises(ImproperlyConfigured, match="OFFICE_HOURS"):
        selectors.parse_office_hours(text)
    settings.MOTCUA_OFFICE_HOURS = text
    assert [error.id for error in check_office_hours()] == ["worktime.E001"]


@pytest.mark.parametrize(
    ("amount", "unit", "field"),
    [
        (Decimal("1.5"), "working_days", "amount"),
        (-1, "days", "amount"),
        (Decimal("NaN"), "working_hours", "amount"),
        (121, "months", "amount"),
        (1, "weeks", "unit"),
    ],
)
def test_a_period_the_calendar_cannot_count_is_a_domain_error(
    amount: Decimal | int, unit: str, field: str
) -> None:
    with pytest.raises(selectors.InvalidPeriodError) as raised:
        selectors.due_at(start=at(2026, 3, 2, 9), amount=amount, unit=unit)  # type: ignore[arg-type]
    assert list(raised.value.fields) == [field]
    assert raised.value.status == 422
