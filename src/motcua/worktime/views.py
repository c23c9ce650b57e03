"""The public working-calendar page: compute a deadline (plain GET form) and read the year's days off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.worktime import selectors
from motcua.worktime.selectors import FIRST_YEAR, LAST_YEAR, CalendarDay, InvalidPeriodError

_WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_FORM_FIELD = {"start": "start_on", "amount": "amount", "unit": "unit"}


class DeadlineForm(forms.Form):
    start_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    amount = forms.IntegerField(label=_("Amount"), min_value=0)
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[
            ("working_days", _("working days")),
            ("working_hours", _("working hours")),
            ("days", _("days")),
            ("months", _("months")),
        ],
    )


@dataclass(frozen=True)
class DayRow:
    day: date
    weekday: str
    reason: str


def calendar_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    initial = {
        "start_on": now.date(),
        "start_time": now.time().replace(second=0, microsecond=0),
        "amount": 5,
        "unit": "working_days",
    }
    form = DeadlineForm(request.GET if "start_on" in request.GET else None, initial=initial)
    due_at = _due_at(form)
    year = selectors.calendar_year(_year(request, form, default=now.year))
    context = {
        "form": form,
        "due_at": format_moment_vi(due_at) if due_at else "",
        "year": year.year,
        "days_off": [_row(day) for day in year.days_off],
        "makeup_days": [_row(day) for day in year.makeup_days],
        "previous_year": year.year - 1 if year.year > FIRST_YEAR else None,
        "next_year": year.year + 1 if year.year < LAST_YEAR else None,
        "query_without_year": _query_without_year(request),
    }
    return render(request, "worktime/calendar.html", context)


def format_moment_vi(moment: datetime) -> str:
    """``17:30 thứ Năm, 26/02/2026``: how an appointment is written in Vietnamese."""
    return f"{moment:%H:%M} {_WEEKDAYS_VI[moment.weekday()]}, {moment:%d/%m/%Y}"


def _due_at(form: DeadlineForm) -> datetime | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    start = datetime.combine(data["start_on"], data["start_time"])  # naive: Vietnam time
    try:
        return selectors.due_at(start=start, amount=data["amount"], unit=data["unit"])
    except InvalidPeriodError as error:
        field = next((_FORM_FIELD[name] for name in error.fields if name in _FORM_FIELD), None)
        form.add_error(field, error.message)
        return None


def _year(request: HttpRequest, form: DeadlineForm, *, default: int) -> int:
    """The year asked for, else the year of a valid start date, else the current year."""
    asked = request.GET.get("year", "")
    if asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR:
        return int(asked)
    start_on = form.cleaned_data.get("start_on") if form.is_bound else None
    if isinstance(start_on, date) and FIRST_YEAR <= start_on.year <= LAST_YEAR:
        return start_on.year
    return default


def _query_without_year(request: HttpRequest) -> str:
    """The form's values, so that moving to another year keeps the computed deadline; ends with ``&``."""
    params = request.GET.copy()
    params.pop("year", None)
    return f"{params.urlencode()}&" if params else ""


def _row(day: CalendarDay) -> DayRow:
    return DayRow(day=day.day, weekday=_WEEKDAYS_VI[day.day.weekday()], reason=day.reason)
