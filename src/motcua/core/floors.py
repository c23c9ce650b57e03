"""The benchmark's floors: the least a request costs on this stack, with and without one database write.

`make bench` compares every measured endpoint with these two views, served by the same gunicorn, settings and
middleware. They are routed only when ``MOTCUA_BENCH_FLOORS`` is on (config/urls.py), never by default.
The INSERT floor writes into ``bench_floor``, a table the benchmark script creates with psql (no migration:
the product has no such table); without it the view answers 500.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

FLOOR_TABLE = "bench_floor"


@require_GET
def floor_json(request: HttpRequest) -> JsonResponse:
    """No database, no template: the framework's own cost per request."""
    return JsonResponse({"floor": "json"})


@csrf_exempt  # a floor for API writes, which carry a token, not a CSRF cookie
@require_POST
def floor_insert(request: HttpRequest) -> JsonResponse:
    """One INSERT and its commit, as every write use case has at least."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FLOOR_TABLE} (note) VALUES (%s) RETURNING id", ["floor"])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0] if row else None}, status=201)
