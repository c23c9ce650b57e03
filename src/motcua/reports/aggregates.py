"""Keeping ``DossierDayStat`` and ``DossierMonthStat`` and checking them: atomic upserts per event, and a
recount in SQL.

Every change is one ``INSERT ... ON CONFLICT DO UPDATE`` on the day row and one on the month row (PostgreSQL
and SQLite ≥ 3.24 share the syntax), so concurrent events on the same procedure and day add up instead of
overwriting each other. The recount is one ``INSERT ... SELECT ... GROUP BY`` over the dossiers (the database
counts; nothing comes into Python) and the months one more over the days; ``stats_verify`` compares the
stored rows with both inside the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from motcua.core import clock
from motcua.datastore.models import Origin, Reuse, StoredDocument
from motcua.dossiers.models import Dossier, DossierFile
from motcua.payments.models import Payment, PaymentStatus
from motcua.reports.models import DossierDayStat, DossierMonthStat

# By the day a dossier was received and its receiving agency.
RECEPTION_COUNTERS = ("received", "received_digitised", "received_reusing", "received_with_result")
# By the day it was finished and its processing agency.
RESOLVED_COUNTERS = ("resolved_early", "resolved_on_time", "resolved_late")
RATINGS = (1, 2, 3, 4, 5)
RATING_COUNTERS = tuple(f"rated_{n}" for n in RATINGS)
# By the day its fees were paid and its receiving agency.
FEE_COUNTERS = ("fees_paid", "fees_paid_online")
COUNTERS = RECEPTION_COUNTERS + RESOLVED_COUNTERS + RATING_COUNTERS + FEE_COUNTERS
# The dossier's facts behind the reception counters other than ``received``.
STORE_FLAGS = {
    "received_digitised": "digitised",
    "received_reusing": "reusing",
    "received_with_result": "with_result",
}
RESOLVED_OUTCOMES = ("early", "on_time", "late")

Key = tuple[dt.date, int, int, int]  # day, agency, procedure, channel


def stats_add(
    *, moment: dt.datetime, agency_id: int, procedure_id: int, channel: int, counts: Mapping[str, int]
) -> None:
    """Add ``counts`` (negative to take away) to the rows of the moment's local day and month, inside the
    caller's transaction. A counter never goes below 0: taking from a row that lacks it means the aggregates
    were already off (``motcua rebuild_stats --verify`` says so), and must not fail the business
    transaction."""
    changed = {name: n for name, n in counts.items() if n}
    unknown = set(changed) - set(COUNTERS)
    if unknown:
        raise ValueError(f"unknown counters {sorted(unknown)!r}")
    if not changed:
        return
    day = moment.astimezone(clock.local_zone()).date()
    names = list(changed)
    with connection.cursor() as cursor:
        for model, period, first in (
            (DossierDayStat, "day", day),
            (DossierMonthStat, "month", day.replace(day=1)),
        ):
            table = model._meta.db_table
            updates = ", ".join(
                f"{c} = CASE WHEN {table}.{c} + %s < 0 THEN 0 ELSE {table}.{c} + %s END" for c in names
            )
            params: list[Any] = [first, agency_id, procedure_id, channel]
            params += [max(changed[c], 0) for c in names]
            for c in names:
                params += [changed[c], changed[c]]
            cursor.execute(
                f"INSERT INTO {table} ({period}, agency_id, procedure_id, channel, {', '.join(names)}) "
                f"VALUES (%s, %s, %s, %s, {', '.join('%s' for _ in names)}) "
                f"ON CONFLICT ({period}, agency_id, procedure_id, channel) DO UPDATE SET {updates}",
                params,
            )


# -- what one dossier contributes, read at its events ------------------------------------------------------


def store_flags(dossier_id: int) -> dict[str, int]:
    """The reception counters a dossier's stored data adds (1 or 0 each), in one query."""
    flags = (
        Dossier.objects.filter(pk=dossier_id)
        .annotate(
            digitised=Exists(StoredDocument.objects.filter(dossier=OuterRef("pk"), origin=Origin.DIGITISED)),
            reusing=Exists(Reuse.objects.filter(dossier=OuterRef("pk"))),
            with_result=Exists(
                DossierFile.objects.filter(dossier=OuterRef("pk"), kind=DossierFile.Kind.RESULT)
            ),
        )
        .values("digitised", "reusing", "with_result")
        .first()
    )
    if flags is None:
        return {}
    return {counter: int(bool(flags[fact])) for counter, fact in STORE_FLAGS.items()}


def paid_online(dossier_id: int) -> bool:
    return Payment.objects.filter(dossier_id=dossier_id, status=PaymentStatus.PAID).exists()


def add_received(dossier: Dossier) -> None:
    """A reception: ``received`` and whatever the dossier already has from the store (a reuse chosen while
    drafting, a scan made before the desk accepted it)."""
    assert dossier.received_at is not None
    stats_add(
        moment=dossier.received_at,
        agency_id=dossier.receiving_agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        counts={"received": 1, **store_flags(dossier.pk)},
    )


def add_finished(dossier: Dossier) -> None:
    assert dossier.finished_at is not None
    counts = {}
    if dossier.outcome in RESOLVED_OUTCOMES:
        counts[f"resolved_{dossier.outcome}"] = 1
    if dossier.rating in RATINGS:
        counts[f"rated_{dossier.rating}"] = 1
    stats_add(
        moment=dossier.finished_at,
        agency_id=dossier.processing_agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        counts=counts,
    )


def move_rating(dossier: Dossier, previous: int | None) -> None:
    """A (new) rating of a finished dossier, counted on its finish day; a change takes the old one away."""
    if dossier.finished_at is None or previous == dossier.rating:
        return
    counts = {}
    if previous in RATINGS:
        counts[f"rated_{previous}"] = -1
    if dossier.rating in RATINGS:
        counts[f"rated_{dossier.rating}"] = 1
    stats_add(
        moment=dossier.finished_at,
        agency_id=dossier.processing_agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        counts=counts,
    )


def move_fees(dossier: Dossier, previous: dt.datetime | None) -> None:
    """Fees paid (again): counted on the new day, taken from the day of an earlier payment."""
    online = int(paid_online(dossier.pk))
    for moment, sign in ((previous, -1), (dossier.fees_paid_at, 1)):
        if moment is not None:
            stats_add(
                moment=moment,
                agency_id=dossier.receiving_agency_id,
                procedure_id=dossier.procedure_id,
                channel=dossier.channel,
                counts={"fees_paid": sign, "fees_paid_online": sign * online},
            )


def add_paid_online(dossier_id: int, *, payment_id: int) -> None:
    """A payment just completed at the gateway: the dossier becomes "paid online" if its fees are recorded
    as paid already and no other payment was. (The usual order, payment then the fees confirmed, is counted
    by ``move_fees``, which sees the payment.)"""
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None or dossier.fees_paid_at is None:
        return
    others = Payment.objects.filter(dossier_id=dossier_id, status=PaymentStatus.PAID).exclude(pk=payment_id)
    if others.exists():
        return
    stats_add(
        moment=dossier.fees_paid_at,
        agency_id=dossier.receiving_agency_id,
        procedure_id=dossier.procedure_id,
        channel=dossier.channel,
        counts={"fees_paid_online": 1},
    )


def change_store_flag(dossier_id: int, counter: str, sign: int) -> None:
    """The first digitised component / reuse / result file of a received dossier (+1), or its last one gone
    (-1). The services add them with the dossier row locked, so two of them never both count as the first."""
    dossier = (
        Dossier.objects.filter(pk=dossier_id, received_at__isnull=False)
        .only("received_at", "receiving_agency_id", "procedure_id", "channel")
        .first()
    )
    if dossier is None:
        return  # not received yet: counted at reception if it still has one then
    assert dossier.received_at is not None
    if _count_of(dossier_id, counter) == (1 if sign > 0 else 0):
        stats_add(
            moment=dossier.received_at,
            agency_id=dossier.receiving_agency_id,
            procedure_id=dossier.procedure_id,
            channel=dossier.channel,
            counts={counter: sign},
        )


def _count_of(dossier_id: int, counter: str) -> int:
    if counter == "received_digitised":
        return StoredDocument.objects.filter(dossier_id=dossier_id, origin=Origin.DIGITISED).count()
    if counter == "received_reusing":
        return Reuse.objects.filter(dossier_id=dossier_id).count()
    return DossierFile.objects.filter(dossier_id=dossier_id, kind=DossierFile.Kind.RESULT).count()


# -- the recount ---------------------------------------------------------------------------------------------


def _local_day(column: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = connection.ops.datetime_cast_date_sql(column, (), clock.local_zone().key)
    return sql, tuple(params)


def _row(values: Mapping[str, str]) -> str:
    """The counters of one UNION ALL branch, in ``COUNTERS`` order, 0 where the branch does not count."""
    return ", ".join(f"{values.get(c, '0')} AS {c}" for c in COUNTERS)


def _flag(alias: str) -> str:
    return f"CASE WHEN {alias}.dossier_id IS NULL THEN 0 ELSE 1 END"


def recount_sql() -> tuple[str, list[Any]]:
    """One SELECT of every row the dossiers say there should be: (day, agency, procedure, channel, counters).

    Three scans of the dossier table (received, finished, fees paid) joined to the sets of dossiers with
    digitised components, reuses, result files and completed payments (hash joins on PostgreSQL).
    """
    dossiers = Dossier._meta.db_table
    stored, reuses = StoredDocument._meta.db_table, Reuse._meta.db_table
    files, payments = DossierFile._meta.db_table, Payment._meta.db_table
    received_day, p1 = _local_day("d.received_at")
    finished_day, p2 = _local_day("d.finished_at")
    fees_day, p3 = _local_day("d.fees_paid_at")
    reception = _row(
        {
            "received": "1",
            "received_digitised": _flag("dg"),
            "received_reusing": _flag("ru"),
            "received_with_result": _flag("rs"),
        }
    )
    finish = _row(
        {f"resolved_{o}": f"CASE WHEN d.outcome = '{o}' THEN 1 ELSE 0 END" for o in RESOLVED_OUTCOMES}
        | {f"rated_{n}": f"CASE WHEN d.rating = {n} THEN 1 ELSE 0 END" for n in RATINGS}
    )
    fees = _row({"fees_paid": "1", "fees_paid_online": _flag("pp")})
    outcomes = ", ".join(f"'{o}'" for o in RESOLVED_OUTCOMES)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTERS)
    sql = f"""
        SELECT day, agency_id, procedure_id, channel, {sums} FROM (
            SELECT {received_day} AS day, d.receiving_agency_id AS agency_id, d.procedure_id AS procedure_id,
                   d.channel AS channel, {reception}
              FROM {dossiers} d
              LEFT JOIN (SELECT DISTINCT dossier_id FROM {stored} WHERE origin = %s) dg
                     ON dg.dossier_id = d.id
              LEFT JOIN (SELECT DISTINCT dossier_id FROM {reuses}) ru ON ru.dossier_id = d.id
              LEFT JOIN (SELECT DISTINCT dossier_id FROM {files} WHERE kind = %s) rs ON rs.dossier_id = d.id
             WHERE d.received_at IS NOT NULL
            UNION ALL
            SELECT {finished_day}, d.processing_agency_id, d.procedure_id, d.channel, {finish}
              FROM {dossiers} d
             WHERE d.finished_at IS NOT NULL AND (d.outcome IN ({outcomes}) OR d.rating IS NOT NULL)
            UNION ALL
            SELECT {fees_day}, d.receiving_agency_id, d.procedure_id, d.channel, {fees}
              FROM {dossiers} d
              LEFT JOIN (SELECT DISTINCT dossier_id FROM {payments} WHERE status = %s) pp
                     ON pp.dossier_id = d.id
             WHERE d.fees_paid_at IS NOT NULL
        ) counted
        GROUP BY day, agency_id, procedure_id, channel
    """
    params = [*p1, Origin.DIGITISED.value, DossierFile.Kind.RESULT.value, *p2, *p3, PaymentStatus.PAID.value]
    return sql, params


def months_sql() -> str:
    """One SELECT of the month rows the day rows add up to: (month, agency, procedure, channel, counters)."""
    days = DossierDayStat._meta.db_table
    if connection.vendor == "postgresql":
        month = "date_trunc('month', day)::date"
    else:
        month = "date(day, 'start of month')"
    sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTERS)
    return (
        f"SELECT {month} AS month, agency_id, procedure_id, channel, {sums} FROM {days} GROUP BY 1, 2, 3, 4"
    )


def stats_rebuild() -> int:
    """Replace every row with the recount, in one transaction; returns the number of day rows written.

    The one implementation for ``motcua rebuild_stats``, the historical import, ``load_demo`` and the data
    generator: the database groups the dossiers, so 10 M dossiers cost a scan, not gigabytes of counters.
    """
    days, months = DossierDayStat._meta.db_table, DossierMonthStat._meta.db_table
    select, params = recount_sql()
    columns = ", ".join(COUNTERS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {months}")
        cursor.execute(f"DELETE FROM {days}")
        cursor.execute(
            f"INSERT INTO {days} (day, agency_id, procedure_id, channel, {columns}) {select}", params
        )
        written = int(cursor.rowcount)
        cursor.execute(
            f"INSERT INTO {months} (month, agency_id, procedure_id, channel, {columns}) {months_sql()}"
        )
        return written


@dataclass(frozen=True)
class Verification:
    rows_checked: int
    differences: list[tuple[Key, str, int, int]]  # key, counter, stored, recounted

    @property
    def ok(self) -> bool:
        return not self.differences


def stats_verify() -> Verification:
    """Compare the day rows with the recount of the dossiers, and the month rows with the day rows, inside
    the database: only the differing rows come back (month rows' counters named ``<counter> (month)``)."""
    select, params = recount_sql()
    differences = _differences(DossierDayStat, "day", select, params, "")
    differences += _differences(DossierMonthStat, "month", months_sql(), [], " (month)")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DossierDayStat._meta.db_table}")
        stored_rows = int(cursor.fetchone()[0])
    return Verification(rows_checked=stored_rows, differences=sorted(differences))


def _differences(
    model: type[DossierDayStat | DossierMonthStat], period: str, select: str, params: list[Any], suffix: str
) -> list[tuple[Key, str, int, int]]:
    """The rows of ``model`` that differ from what ``select`` gives, counter by counter."""
    table = model._meta.db_table
    key = f"{period}, agency_id, procedure_id, channel"
    pairs = ", ".join(f"SUM(s_{c}), SUM(r_{c})" for c in COUNTERS)
    differs = " OR ".join(f"SUM(s_{c}) <> SUM(r_{c})" for c in COUNTERS)
    stored_side = ", ".join(f"{c} AS s_{c}, 0 AS r_{c}" for c in COUNTERS)
    expected_side = ", ".join(f"0, {c}" for c in COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {key}, {pairs} FROM (
                SELECT {key}, {stored_side} FROM {table}
                UNION ALL
                SELECT {key}, {expected_side} FROM ({select}) expected
            ) compared
            GROUP BY {key}
            HAVING {differs}
            """,
            params,
        )
        rows = cursor.fetchall()
    differences: list[tuple[Key, str, int, int]] = []
    for row in rows:
        row_key: Key = (_as_date(row[0]), row[1], row[2], row[3])
        for i, counter in enumerate(COUNTERS):
            stored_n, expected = int(row[4 + 2 * i]), int(row[5 + 2 * i])
            if stored_n != expected:
                differences.append((row_key, counter + suffix, stored_n, expected))
    return differences


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
