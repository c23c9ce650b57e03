"""Keeping ``DossierDayStat`` and checking it: an atomic upsert per event, and a full recount.

The upsert is one ``INSERT ... ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite ≥ 3.24 share the syntax), so
concurrent receptions of the same procedure on the same day add up instead of overwriting each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate

from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.reports.models import DossierDayStat

COUNTERS = ("received", "resolved_early", "resolved_on_time", "resolved_late")
Key = tuple[dt.date, int, int, int]  # day, agency, procedure, channel


def stat_add(*, moment: dt.datetime, agency_id: int, procedure_id: int, channel: int, counter: str) -> None:
    """Add one to ``counter`` of the row of the moment's local day (inside the caller's transaction)."""
    if counter not in COUNTERS:
        raise ValueError(f"unknown counter {counter!r}")
    day = moment.astimezone(clock.local_zone()).date()
    table = DossierDayStat._meta.db_table
    columns = ", ".join(COUNTERS)
    values = ", ".join("1" if c == counter else "0" for c in COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, agency_id, procedure_id, channel, {columns}) "
            f"VALUES (%s, %s, %s, %s, {values}) "
            "ON CONFLICT (day, agency_id, procedure_id, channel) "
            f"DO UPDATE SET {counter} = {table}.{counter} + 1",
            [day, agency_id, procedure_id, channel],
        )


def recount() -> Counter[tuple[Key, str]]:
    """Every counter as the dossiers say it should be (two GROUP BY scans of the dossier table)."""
    zone = clock.local_zone()
    counts: Counter[tuple[Key, str]] = Counter()
    received = (
        Dossier.objects.filter(received_at__isnull=False)
        .annotate(day=TruncDate("received_at", tzinfo=zone))
        .values_list("day", "receiving_agency_id", "procedure_id", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, agency, procedure, channel, n in received:
        counts[((day, agency, procedure, channel), "received")] = n
    resolved = (
        Dossier.objects.filter(finished_at__isnull=False, outcome__in=["early", "on_time", "late"])
        .annotate(day=TruncDate("finished_at", tzinfo=zone))
        .values_list("day", "processing_agency_id", "procedure_id", "channel", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, agency, procedure, channel, outcome, n in resolved:
        counts[((day, agency, procedure, channel), f"resolved_{outcome}")] = n
    return counts


def stored() -> Counter[tuple[Key, str]]:
    counts: Counter[tuple[Key, str]] = Counter()
    for row in DossierDayStat.objects.values_list("day", "agency_id", "procedure_id", "channel", *COUNTERS):
        key: Key = (row[0], row[1], row[2], row[3])
        for name, value in zip(COUNTERS, row[4:], strict=True):
            if value:
                counts[(key, name)] = value
    return counts


@dataclass(frozen=True)
class Verification:
    rows_checked: int
    differences: list[tuple[Key, str, int, int]]  # key, counter, stored, recounted

    @property
    def ok(self) -> bool:
        return not self.differences


def stats_verify() -> Verification:
    expected, actual = recount(), stored()
    keys = set(expected) | set(actual)
    differences = sorted(
        (key, counter, actual[(key, counter)], expected[(key, counter)])
        for key, counter in keys
        if actual[(key, counter)] != expected[(key, counter)]
    )
    return Verification(rows_checked=len(keys), differences=differences)


def stats_rebuild() -> int:
    """Replace every row with the recount, in one transaction; returns the number of rows written."""
    expected = recount()
    rows: dict[Key, DossierDayStat] = {}
    for (key, counter), value in expected.items():
        day, agency, procedure, channel = key
        row = rows.setdefault(
            key, DossierDayStat(day=day, agency_id=agency, procedure_id=procedure, channel=channel)
        )
        setattr(row, counter, value)
    with transaction.atomic():
        DossierDayStat.objects.all().delete()
        DossierDayStat.objects.bulk_create(rows.values(), batch_size=5000)
    return len(rows)
