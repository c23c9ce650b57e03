"""The appointment (ngày hẹn trả) of a dossier from its procedure version's published time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.catalog.models import ChannelTerm
from motcua.dossiers.models import Channel, Dossier
from motcua.worktime.deadline import Unit, add_duration
from motcua.worktime.selectors import work_calendar

_CHANNELS = {Channel.IN_PERSON: "in_person", Channel.ONLINE: "online", Channel.POSTAL: "postal"}


def legal_term(dossier: Dossier) -> tuple[Decimal, Unit] | None:
    """The processing time for the dossier's channel (the in-person row when its own is missing)."""
    terms = [t for t in dossier.procedure_version.channel_terms.all() if t.duration_value is not None]
    wanted = _CHANNELS.get(Channel(dossier.channel), "online")
    chosen = next((t for t in terms if t.channel == wanted), None) or next(
        (t for t in terms if t.channel == "in_person"), None
    )
    return _as_unit(chosen) if chosen else None


def _as_unit(term: ChannelTerm) -> tuple[Decimal, Unit] | None:
    value = term.duration_value
    if value is None or value < 0:
        return None
    unit = term.duration_unit
    if unit in ("working_days", "days", "months", "working_hours"):
        return value, unit  # type: ignore[return-value]
    if unit == "hours":
        return value, "working_hours"
    if unit == "years":
        return value * 12, "months"
    # A number without a unit: the national portal's default unit is the working day.
    return value, "working_days"


def appointment_from(dossier: Dossier, start: dt.datetime) -> dt.datetime | None:
    """The due moment counted from ``start``; None if the procedure publishes no processing time."""
    term = legal_term(dossier)
    if term is None:
        return None
    value, unit = term
    if unit == "working_days" and value != value.to_integral_value():
        value, unit = value * 8, "working_hours"  # half a working day is four working hours
    amount: int | Decimal = value if unit == "working_hours" else int(value)
    return add_duration(work_calendar(), start, amount, unit)
