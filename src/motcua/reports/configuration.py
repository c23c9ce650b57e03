"""The report formulas' settings: defaults from the legal texts, replaceable by an administrator's JSON file.

``REPORTS_CONFIG`` names a JSON file (README "Reports: formulas and weights"); any key it leaves out keeps
its default. Sections and keys are the fields of the ``indices`` configuration classes::

    {"service_index": {"weights": {"publicity": 18, "progress": 20, "digitisation": 22, "online": 22,
                                   "satisfaction": 18},
                       "publicity": {...}, "online": {...}, "digitisation": {...}, "satisfaction": {...}},
     "officer_rating": {"complete_from": 5, "mostly_complete_from": 3.5},
     "unit_rating": {"excellent_from": 15, "good_from": 12, "fair_from": 9, "average_from": 6},
     "scoring": {"contacts_limits": [1, 2], "unrated_points": 2, "officer_indices": [...]}}

Numbers are read as decimals (``"3.5"`` or ``3.5``); the classes check totals and ranges, and a bad file
stops the reports with ``ImproperlyConfigured`` naming the problem instead of publishing wrong figures.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.reports import indices


@dataclass(frozen=True)
class ReportsConfig:
    service_index: indices.ServiceIndexConfig = indices.DEFAULT_SERVICE_INDEX_CONFIG
    officer_rating: indices.OfficerRatingConfig = indices.DEFAULT_OFFICER_RATING
    unit_rating: indices.UnitRatingConfig = indices.DEFAULT_UNIT_RATING
    scoring: indices.EvaluationScoring = indices.DEFAULT_SCORING


def _value(default: object, given: object, where: str) -> object:
    if isinstance(default, Decimal) or (default is None and isinstance(given, (int, float, str))):
        try:
            return Decimal(str(given))
        except InvalidOperation:
            raise ImproperlyConfigured(f"{where}: {given!r} is not a number.") from None
    if isinstance(default, tuple):
        if not isinstance(given, list):
            raise ImproperlyConfigured(f"{where}: expected a list, got {given!r}.")
        return tuple(given)
    if isinstance(default, int) and not isinstance(given, int):
        raise ImproperlyConfigured(f"{where}: expected a whole number, got {given!r}.")
    return given


def _build(default: Any, given: object, where: str) -> Any:
    """``default`` (a frozen dataclass) with the fields ``given`` (a dict) sets, nested classes included."""
    if not isinstance(given, dict):
        raise ImproperlyConfigured(f"{where}: expected an object, got {given!r}.")
    names = {spec.name for spec in dataclasses.fields(default)}
    unknown = set(given) - names
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    changes: dict[str, object] = {}
    for name, value in given.items():
        current = getattr(default, name)
        if dataclasses.is_dataclass(current):
            changes[name] = _build(current, value, f"{where}.{name}")
        else:
            changes[name] = _value(current, value, f"{where}.{name}")
    try:
        return dataclasses.replace(default, **changes)
    except (indices.IndicesError, TypeError) as error:
        raise ImproperlyConfigured(f"{where}: {error}") from None


def parse(data: object) -> ReportsConfig:
    return _build(ReportsConfig(), data, "REPORTS_CONFIG")  # type: ignore[no-any-return]


@cache
def _load(path: str) -> ReportsConfig:
    if not path:
        return ReportsConfig()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"REPORTS_CONFIG {path}: {error}") from None
    return parse(data)


def current() -> ReportsConfig:
    """The configuration in force (read once per process from ``settings.REPORTS_CONFIG``)."""
    return _load(str(settings.REPORTS_CONFIG or ""))
