"""Writing generated rows: PostgreSQL ``COPY ... FROM STDIN`` (psycopg 3), or batched INSERTs on SQLite.

Rows are plain tuples in the column order given to ``Table``; primary keys are given by the generator
(``IdBlock``), so rows of several tables can reference each other before anything is written. After the
load, each PostgreSQL identity sequence is moved past the largest id written, so that rows the app creates
afterwards do not collide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

Row = tuple[Any, ...]


@dataclass
class Table:
    model: type[models.Model]
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    written: int = 0

    @property
    def name(self) -> str:
        return self.model._meta.db_table


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def next_id(model: type[models.Model]) -> int:
    """The first id free for this table: above every row and, on PostgreSQL, above the sequence."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        highest = int(cursor.fetchone()[0])
        if is_postgresql():
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                last, called = cursor.fetchone()
                highest = max(highest, int(last) if called else int(last) - 1)
    return highest + 1


def reset_sequence(model: type[models.Model]) -> None:
    """Move PostgreSQL's identity sequence past the largest id (SQLite's AUTOINCREMENT follows by itself)."""
    if not is_postgresql():
        return
    highest = next_id(model) - 1
    if highest < 1:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [model._meta.db_table, highest]
        )


def can_skip_foreign_key_checks() -> bool:
    """Whether this PostgreSQL session may turn off the foreign-key triggers (superusers only)."""
    if not is_postgresql():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def flush(tables: Sequence[Table], *, trust_foreign_keys: bool = False) -> int:
    """Write and clear the buffered rows of ``tables``, in order, in one transaction; returns rows written.

    ``trust_foreign_keys`` (PostgreSQL superuser): skip the deferred foreign-key checks, which cost more
    than the COPY itself (one trigger event per row and key); the generator makes consistent rows and its
    tests run with the checks on.
    """
    total = 0
    with transaction.atomic():
        if trust_foreign_keys:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        for table in tables:
            if not table.rows:
                continue
            if is_postgresql():
                _copy(table)
            else:
                _insert(table)
            total += len(table.rows)
            table.written += len(table.rows)
            table.rows.clear()
    return total


def _copy(table: Table) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor behind Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table.name)} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for row in table.rows:
                write(row)


def _insert(table: Table) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table.name)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(table.rows), 5000):
            cursor.executemany(sql, table.rows[start : start + 5000])
