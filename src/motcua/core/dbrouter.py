"""The read replica: reads that may be a moment stale go to it, every other query goes to the primary.

A streaming replica (``DATABASE_REPLICA_URL``, the ``replica`` alias; settings install ``ReplicaRouter``
only then) replays the primary's WAL a few milliseconds to a few seconds behind it. Whether a read may be
that stale is a property of the use, not of the model: a report page counting last month's dossiers can,
the desk reading a dossier before changing it cannot, a login reading a session just written cannot. So
the switch is explicit: code whose reads may be stale runs inside ``reading_from_replica()`` (a context
manager and a decorator; the report selectors and pages use it), and everything else reads the primary.

Rules, when a replica is configured:

- reads inside ``reading_from_replica()`` go to the replica, unless this thread is inside a transaction on
  the primary (a write in progress reads what it wrote: the primary);
- every other read, every write and every migration goes to the primary (the replica is never migrated:
  it receives the primary's schema through replication);
- objects read from either may be related to each other (they are the same database).

Routing by app label was considered for the reports' own tables (``DossierDayStat``, ``EvaluationMonth``)
and rejected: ``rebuild_stats --verify`` compares them with a recount of the dossiers on the primary and
would report the replica's lag as differences, and ``refresh_evaluation`` rewrites them.

Raw SQL through ``django.db.connection`` always runs on the primary (the router only sees the ORM). With
no replica configured the router is not installed and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

_stale_reads_allowed: ContextVar[bool] = ContextVar("motcua_stale_reads_allowed", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Let the ORM reads of this block (or of the decorated function) be served by the replica.

    Use it only around reads whose result may lag the primary by the replica's delay: report figures,
    public statistics. Never around authentication, access checks, or a read that decides a write. Nested
    blocks and threads are independent (a context variable); a no-op without a replica.
    """
    token = _stale_reads_allowed.set(True)
    try:
        yield
    finally:
        _stale_reads_allowed.reset(token)


def stale_reads_allowed() -> bool:
    """True inside ``reading_from_replica()`` when no transaction is open on the primary in this thread."""
    return _stale_reads_allowed.get() and not connections[PRIMARY].in_atomic_block


class ReplicaRouter:
    """Django database router for the ``replica`` alias (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not replica_configured():
            return None
        # Explicit even outside the block: an object loaded from the replica must not pull the reads of
        # its relations there once the block is over (Django's default follows the instance's database).
        return REPLICA if stale_reads_allowed() else PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        # Explicit too: saving an object read from the replica must write to the primary.
        return PRIMARY if replica_configured() else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == REPLICA else None
