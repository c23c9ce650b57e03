"""Secondary indexes dropped before a bulk load and built again after it (PostgreSQL only).

Maintaining two dozen indexes row by row (the dossier table alone has 24, one of them a GiST range index)
cost most of a large load: each COPYed row touched every index at a random place. Building an index once
from the whole table is a sort, several times cheaper. Dropped: every index of the table that no constraint
owns, and unique constraints no foreign key points at (they are added again, which checks them again);
kept: the primary key, the unique keys foreign keys reference, and the indexes led by a column the load
fills in increasing order (``keep_leading``: a dossier's rows follow the dossier ids).

Crash safety comes from PostgreSQL's transactional DDL: the drop, the load and the rebuild happen in one
transaction (``generate`` runs in ``transaction.atomic``), so a run that fails or is killed at any point
rolls back to the database it found, indexes included; there is nothing to repair. The definitions are read
from the catalogue (``pg_get_indexdef``, ``pg_get_constraintdef``) rather than rebuilt from the models, so
that indexes a migration made in SQL (trigram, partial, expression, GiST) come back exactly as they were.
The price: the tables are locked (ACCESS EXCLUSIVE) until the run commits, so run it while the
application is stopped, as the generator asks anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Dropped:
    table: str
    name: str
    #: the statement that makes it again: CREATE INDEX ..., or ALTER TABLE ... ADD CONSTRAINT ...
    create: str
    is_constraint: bool


def droppable(tables: Sequence[str], *, keep_leading: Sequence[str] = ()) -> list[Dropped]:
    """The indexes and unique constraints of ``tables`` a bulk load may drop, in a stable order.

    ``keep_leading``: columns whose values the load writes in increasing order; an index they lead stays,
    because each new entry lands on its rightmost page (PostgreSQL keeps that page at hand), which costs
    less than a build's pass over the whole table afterwards.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), NULL
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
             WHERE t.relname = ANY(%(tables)s) AND t.relnamespace = 'public'::regnamespace
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
               AND NOT EXISTS (
                   SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[0] AND a.attname = ANY(%(keep)s)
               )
            UNION ALL
            SELECT t.relname, c.conname, NULL, pg_get_constraintdef(c.oid)
              FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid
             WHERE t.relname = ANY(%(tables)s) AND t.relnamespace = 'public'::regnamespace
               AND c.contype = 'u'
               AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
               )
            ORDER BY 1, 2
            """,
            {"tables": list(tables), "keep": list(keep_leading)},
        )
        rows = cursor.fetchall()
    quote = connection.ops.quote_name
    return [
        Dropped(table, name, index_sql, False)
        if index_sql
        else Dropped(
            table, name, f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {constraint}", True
        )
        for table, name, index_sql, constraint in rows
    ]


def drop(dropped: Sequence[Dropped]) -> None:
    """Drop them; only inside a transaction, which is what brings them back if the run fails."""
    if not connection.in_atomic_block:
        raise RuntimeError("Indexes are dropped only inside the load's transaction.")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for item in dropped:
            if item.is_constraint:
                cursor.execute(f"ALTER TABLE {quote(item.table)} DROP CONSTRAINT {quote(item.name)}")
            else:
                cursor.execute(f"DROP INDEX {quote(item.name)}")


def restore(dropped: Sequence[Dropped], *, work_mem: str = "1GB") -> None:
    """Build them again, each in one pass over its table, with a generous sort memory for this session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [work_mem])
        for item in dropped:
            cursor.execute(item.create)
