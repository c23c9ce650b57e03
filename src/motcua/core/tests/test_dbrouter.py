"""The read replica router: report reads go to the replica, every write and every other read to the primary.

The ``replica`` alias of these tests is a second connection to the test database, opened read-only like a
hot standby (PostgreSQL: ``default_transaction_read_only``; SQLite: ``mode=ro``), so a write routed to it
would fail as well as show up in the captured queries. Each test commits its data (transactional tests):
the replica connection sees only committed rows, as a real replica does.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.core.dbrouter import REPLICA, ReplicaRouter, reading_from_replica, stale_reads_allowed
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.reports.models import DossierDayStat
from motcua.reports.tests.test_pages import MONDAY, _history

ROUTER = "motcua.core.dbrouter.ReplicaRouter"
MARCH = {"period": "month", "year": "2026", "number": "3"}


@pytest.fixture
def replica(transactional_db: None, settings: object) -> Iterator[None]:
    """Configure the ``replica`` alias (read-only, same test database) and the router, as settings do when
    DATABASE_REPLICA_URL is set; remove both afterwards."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    replica_settings = copy.deepcopy(primary)
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        replica_settings["OPTIONS"] = {
            **primary["OPTIONS"],
            "options": "-c default_transaction_read_only=on",
        }
    else:
        replica_settings["NAME"] = f"file:{primary['NAME']}?mode=ro"
    replica_settings["CONN_MAX_AGE"] = None  # one connection for the whole test, opened here: Django's
    connections.settings[REPLICA] = replica_settings  # test case refuses to open one to an alias it did
    connections[REPLICA].connect()  # not know when the test started
    settings.DATABASE_ROUTERS = [ROUTER]  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@dataclass(frozen=True)
class Captured:
    """The SQL each alias ran inside a ``with capture()`` block."""

    primary: CaptureQueriesContext
    replica: CaptureQueriesContext

    @property
    def on_primary(self) -> list[str]:
        return [q["sql"] for q in self.primary.captured_queries]

    @property
    def on_replica(self) -> list[str]:
        return [q["sql"] for q in self.replica.captured_queries]


@contextmanager
def capture() -> Iterator[Captured]:
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield Captured(primary, replica)


def _reads_table(queries: list[str], table: str) -> bool:
    return any(f'"{table}"' in sql for sql in queries)


AGGREGATES = re.compile(r'"reports_dossier\w*stat"')  # the report aggregates (daily, and monthly if any)


def _reads_aggregates(queries: list[str]) -> bool:
    return any(AGGREGATES.search(sql) for sql in queries)


WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE)\b", re.IGNORECASE)


def _only_reads(queries: list[str]) -> bool:
    """SELECTs (or WITH ... SELECT), none writing: the read-only replica connection would refuse them too."""
    return all(
        sql.lstrip().upper().startswith(("SELECT", "WITH")) and not WRITE.search(sql) for sql in queries
    )


def test_a_report_page_reads_its_figures_from_the_replica(replica: None, world: World) -> None:
    _history(world)  # committed on the primary
    client = Client()
    client.force_login(world.leader)
    with capture() as queries:
        page = client.get("/bao-cao/", MARCH)
    assert page.status_code == 200
    assert "50,0%" in page.content.decode()  # the figures the replica connection read are the real ones
    assert _reads_aggregates(queries.on_replica)
    assert _reads_table(queries.on_replica, Dossier._meta.db_table)  # open dossiers, ratings
    assert not _reads_aggregates(queries.on_primary)
    # Who the reader is and what they may see is read on the primary: a session just written is there.
    assert _reads_table(queries.on_primary, "django_session")
    assert _reads_table(queries.on_primary, "accounts_roleassignment")
    assert not _reads_table(queries.on_replica, "django_session")
    assert _only_reads(queries.on_replica)


def test_the_dossier_list_and_the_public_statistics_read_the_replica(replica: None, world: World) -> None:
    _history(world)
    client = Client()
    client.force_login(world.leader)
    with capture() as queries:
        listing = client.get("/bao-cao/ho-so/", {**MARCH, "measure": "received"})
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 3
    assert _reads_table(queries.on_replica, Dossier._meta.db_table)
    assert not _reads_table(queries.on_primary, Dossier._meta.db_table)
    client.logout()
    with clock.frozen(MONDAY + dt.timedelta(days=10)), capture() as queries:
        public = client.get("/thong-ke/")
        api = client.get("/api/v1/reports/public")
    assert public.status_code == api.status_code == 200
    assert world.agency.name in public.content.decode()
    assert [row["received"] for row in api.json()] == [3]
    assert _reads_aggregates(queries.on_replica)
    assert queries.on_primary == []
    assert _only_reads(queries.on_replica)


def test_a_post_that_writes_goes_to_the_primary_only(replica: None, world: World) -> None:
    with clock.frozen(MONDAY):
        dossier = dossier_register_at_desk(
            procedure=world.procedure,
            agency=world.agency,
            officer=world.reception,
            applicant=Applicant(name="Nguyễn Văn An", phone="0912000001"),
        )
    client = Client()
    client.force_login(world.reception)
    with capture() as queries:
        response = client.post(
            f"/api/v1/dossiers/{dossier.code}/actions/forward", {}, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == 4
    assert any(sql.lstrip().upper().startswith(("INSERT", "UPDATE")) for sql in queries.on_primary)
    assert queries.on_replica == []


def test_inside_the_block_writes_and_transactions_stay_on_the_primary(replica: None, world: World) -> None:
    with reading_from_replica():
        assert stale_reads_allowed()
        with capture() as queries:
            agency = Agency.objects.get(pk=world.agency.pk)
            assert agency._state.db == REPLICA
            agency.name = "UBND phường Đông Kinh (đổi tên)"
            agency.save(update_fields=["name"])  # an object read from the replica is saved on the primary
            with transaction.atomic():
                assert not stale_reads_allowed()  # a write in progress reads what it wrote
                renamed = Agency.objects.get(pk=world.agency.pk)
    assert agency._state.db == renamed._state.db == DEFAULT_DB_ALIAS
    assert renamed.name == "UBND phường Đông Kinh (đổi tên)"
    assert any(sql.lstrip().upper().startswith("UPDATE") for sql in queries.on_primary)
    assert len(queries.on_replica) == 1
    assert _only_reads(queries.on_replica)
    # Outside the block the same object's relations are read on the primary again.
    with capture() as queries:
        assert not stale_reads_allowed()
        list(Dossier.objects.filter(receiving_agency=agency))
    assert queries.on_replica == []
    assert len(queries.on_primary) == 1


def test_relations_between_the_two_aliases_are_allowed_and_migrations_only_run_on_the_primary(
    replica: None, world: World
) -> None:
    with reading_from_replica():
        agency = Agency.objects.get(pk=world.agency.pk)
    stat = DossierDayStat(day=dt.date(2026, 3, 2), procedure=world.procedure, channel=1)
    stat.agency = agency  # a replica object on a primary one: refused by Django's default rule
    stat.save()
    assert DossierDayStat.objects.get(pk=stat.pk).agency_id == agency.pk
    assert router.allow_migrate(REPLICA, "dossiers") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "dossiers") is True
    assert router.allow_migrate_model(REPLICA, Dossier) is False


def test_without_a_replica_the_router_changes_nothing(world: World) -> None:
    assert REPLICA not in connections.settings
    dbrouter = ReplicaRouter()
    assert dbrouter.db_for_read(Dossier) is None
    assert dbrouter.db_for_write(Dossier) is None
    with reading_from_replica():
        agency = Agency.objects.get(pk=world.agency.pk)
    assert agency._state.db == DEFAULT_DB_ALIAS
