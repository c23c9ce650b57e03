"""Writing generated rows: PostgreSQL ``COPY ... FROM STDIN`` (psycopg 3), or batched INSERTs on SQLite.

Rows travel as lines of COPY's text format on every backend (tab-separated, ``\\N`` for NULL, ``t``/``f``
for booleans, backslash escapes in text): the generator formats them once, where it knows each value's type,
instead of handing millions of tuples to a per-value adapter, and a producer process can ship them to the
loading process as plain bytes. On SQLite the lines are parsed back into typed tuples from the model's field
types (a few thousand rows in the tests and the demo).

Primary keys are given by the generator, so rows of several tables can reference each other before anything
is written. After the load, each PostgreSQL identity sequence is moved past the largest id written, so that
rows the app creates afterwards do not collide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def escape(text: str) -> str:
    """``text`` as a COPY text field (only the four characters COPY reads specially are escaped)."""
    return text.translate(_ESCAPES)


def value(item: object) -> str:
    """Any generated value as a COPY text field (the generic, slower path; hot rows format themselves)."""
    if item is None:
        return NULL
    if item is True:
        return "t"
    if item is False:
        return "f"
    if isinstance(item, str):
        return item.translate(_ESCAPES)
    return str(item)


def line(*values: object) -> str:
    return "\t".join([value(item) for item in values]) + "\n"


@dataclass
class Table:
    """A table being written: its model, the columns every line gives, in order, and the buffered lines."""

    model: type[models.Model]
    columns: tuple[str, ...]
    lines: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model._meta.db_table


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def next_id(model: type[models.Model]) -> int:
    """The first id free for this table: above every row and above the id sequence (which ``reserve_ids``
    may have moved past rows not written yet)."""
    name = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(name)}")
        highest = int(cursor.fetchone()[0])
        if is_postgresql():
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                last, called = cursor.fetchone()
                highest = max(highest, int(last) if called else int(last) - 1)
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
            row = cursor.fetchone()
            highest = max(highest, int(row[0]) if row else 0)
    return highest + 1


def reserve_ids(model: type[models.Model], last: int) -> None:
    """Move the table's id sequence to ``last`` (PostgreSQL's identity sequence, SQLite's AUTOINCREMENT
    counter), so that rows created meanwhile take ids after the ones the generator will write."""
    if last < 1:
        return
    name = model._meta.db_table
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [name, last])
        elif connection.vendor == "sqlite":
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, name])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, last])


def reset_sequence(model: type[models.Model]) -> None:
    """Move the id sequence past the largest id (on SQLite the counter follows the rows by itself)."""
    if is_postgresql():
        reserve_ids(model, next_id(model) - 1)


def can_skip_foreign_key_checks() -> bool:
    """Whether this PostgreSQL session may turn off the foreign-key triggers (superusers only)."""
    if not is_postgresql():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def write(table: Table, block: bytes | str) -> None:
    """Write a block of lines of ``table`` (COPY on PostgreSQL, batched INSERTs elsewhere)."""
    if not block:
        return
    if is_postgresql():
        _copy(table, block)
    else:
        _insert(table, block if isinstance(block, str) else block.decode())


def _copy(table: Table, block: bytes | str) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor behind Django's wrapper
        with raw.copy(f"COPY {connection.ops.quote_name(table.name)} ({columns}) FROM STDIN") as copy:
            copy.write(block)


def _insert(table: Table, block: str) -> None:
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    marks = ", ".join(["%s"] * len(table.columns))
    sql = f"INSERT INTO {connection.ops.quote_name(table.name)} ({columns}) VALUES ({marks})"
    parse = _parsers(table)
    rows = [tuple(p(v) for p, v in zip(parse, text.split("\t"), strict=True)) for text in block.splitlines()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _parsers(table: Table) -> list[Callable[[str], Any]]:
    """For each column, how to read its COPY text back into the value the database driver expects."""
    fields = {f.column: f for f in table.model._meta.concrete_fields}
    parsers: list[Callable[[str], Any]] = []
    for column in table.columns:
        kind = fields[column].get_internal_type()
        if kind == "ForeignKey":
            kind = fields[column].target_field.get_internal_type()  # type: ignore[attr-defined]
        if kind.endswith(("IntegerField", "AutoField")):
            parsers.append(_nullable(int))
        elif kind == "BooleanField":
            parsers.append(_nullable(lambda text: text == "t"))
        elif kind == "DecimalField":
            parsers.append(_nullable(Decimal))
        else:
            parsers.append(_nullable(_unescape))
    return parsers


def _nullable(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: None if text == NULL else parse(text)


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), text) if "\\" in text else text


def upsert(
    model: type[models.Model], key: Sequence[str], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` or, where ``key`` exists, overwrite the other ``columns`` (the sequence tables)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in key)
    conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if is_postgresql():
            # One statement over arrays instead of a round trip per row (110,000 rows for 1 M dossiers).
            types = [_array_type(model, c) for c in columns]
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {conflict}",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return
        marks = ", ".join(["%s"] * len(columns))
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", rows[start : start + 5000]
            )


def _array_type(model: type[models.Model], column: str) -> str:
    field_ = next(f for f in model._meta.concrete_fields if f.column == column)
    db_type = field_.db_type(connection)
    assert db_type is not None
    return db_type.split("(")[0] if db_type.startswith("varchar") else db_type
