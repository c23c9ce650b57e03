"""The benchmark's floor views: off the product's URLs by default, and doing exactly their one thing."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from types import ModuleType

import pytest
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import Resolver404, URLPattern, clear_url_caches, resolve

from motcua.config import urls
from motcua.core import floors


@pytest.fixture
def floor_urls() -> Iterator[ModuleType]:
    """The URL configuration as it is built with MOTCUA_BENCH_FLOORS on; the real one is rebuilt after."""
    try:
        with override_settings(MOTCUA_BENCH_FLOORS=True):
            yield importlib.reload(urls)
    finally:
        importlib.reload(urls)
        clear_url_caches()


@pytest.fixture
def floor_table(db: None) -> None:
    """The table bench/bench.sh creates with psql (the product has no migration for it)."""
    key = (
        "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {floors.FLOOR_TABLE} (id {key}, note text NOT NULL)")


@pytest.mark.django_db
def test_the_floors_are_not_routed_by_default(client: Client) -> None:
    assert client.get("/_floor/json").status_code == 404
    assert client.post("/_floor/insert").status_code == 404
    with pytest.raises(Resolver404):
        resolve("/_floor/json")


def test_the_flag_routes_both_floors(floor_urls: ModuleType) -> None:
    routes = {str(p.pattern): p.callback for p in floor_urls.urlpatterns if isinstance(p, URLPattern)}
    assert routes["_floor/json"] is floors.floor_json
    assert routes["_floor/insert"] is floors.floor_insert


def test_the_json_floor_answers_without_the_database() -> None:  # no django_db: a query would fail
    response = floors.floor_json(RequestFactory().get("/_floor/json"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"floor": "json"}


def test_the_insert_floor_writes_one_row_per_request(floor_table: None) -> None:
    factory = RequestFactory()
    first = floors.floor_insert(factory.post("/_floor/insert"))
    second = floors.floor_insert(factory.post("/_floor/insert"))
    assert (first.status_code, second.status_code) == (201, 201)
    ids = [json.loads(r.content)["id"] for r in (first, second)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {floors.FLOOR_TABLE} ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ids


def test_the_insert_floor_takes_posts_only(floor_table: None) -> None:
    assert floors.floor_insert(RequestFactory().get("/_floor/insert")).status_code == 405
