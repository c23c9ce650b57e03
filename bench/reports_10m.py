"""Report latency on millions of generated dossiers, against a plain GROUP BY over the dossier table.

``bench/reports_10m.sh`` drives it (lock, scratch folder and database, migrate, load_demo, gunicorn, cleanup);
the subcommands:

    generate  ``motcua.generator.load.generate`` (realistic dossiers and documents on the demo province, COPY,
              report aggregates rebuilt at the end), timed, with row counts and table sizes
    setup     what the measurements ask for: the year and quarter measured (the last whole ones of the
              generated period), the big agency (the busiest public administration service centre; the
              busiest agency of any kind when no centre received dossiers, as in the generated data), the
              busiest commune, the big agency's busiest field; a provincial account (superuser) with a
              session (the pages) and an API token (accounts.tokens.api_token_create); secrets go to the
              scratch folder only
    run       HTTP load (loopback only) through gunicorn: a fixed number of requests per endpoint and
              concurrency after a warm-up; gunicorn workers' RSS before and after
    floor     the same figures computed by plain SQL over dossiers_dossier with psycopg (received and online
              by receiving agency; resolved early / on time / late by processing agency; for the year, the
              quarter, this year to date, and the big agency's year), each repeated, p50/p95
    explain   in-process (Django test client, same settings and database): the SQL of each measured request
              (CaptureQueriesContext) and EXPLAIN (ANALYZE, BUFFERS) of its slowest queries (into the log)
    report    merge into bench/results/reports-<date>.json (one entry per --label, other entries kept) and
              print a Markdown table with the ratio of each report to its GROUP BY floor
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import bearer, django_setup, get, load_fixed, plan_nodes, plan_summary, say
from catalog_search import (  # bench/ is not a package: imported from its folder
    REQUEST_TIMEOUT,
    _check_loopback,
    _version,
    git_state,
    machine,
    percentile,
    summarise,
    worker_rss,
)

TARGET_P95_MS = 200.0
TABLES = (
    "dossiers_dossier", "dossiers_dossierevent", "dossiers_dossiertask", "reports_dossierdaystat",
    "reports_evaluationmonth", "documents_outgoingdocument", "documents_incomingdocument",
)  # fmt: skip
ONLINE_CHANNELS = (2, 4)  # dossiers.models.Channel.ONLINE, NATIONAL_PORTAL


# ---------------------------------------------------------------------------------------------- generate


def cmd_generate(args: argparse.Namespace) -> int:
    django_setup()

    from motcua.generator.load import generate

    began = time.perf_counter()
    report = generate(
        dossiers=args.dossiers, documents=args.documents, seed=args.seed, batch=args.batch, progress=say
    )
    wall = time.perf_counter() - began
    out: dict[str, Any] = {
        "dossiers": report.dossiers,
        "documents": report.documents,
        "citizens": report.citizens,
        "rows": report.rows,
        "stat_rows": report.stat_rows,
        "period": [report.start.isoformat(), report.end.isoformat()],
        "seconds": {**report.seconds, "wall": round(wall, 1)},
        "dossiers_per_second": round(report.dossiers / wall) if wall else None,
        "python_max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    Path(args.out).write_text(json.dumps(out, indent=2))
    say(f"  generated {report.dossiers:,} dossiers, {report.documents:,} documents in {wall:.0f} s")
    return 0


def _sizes() -> dict[str, Any]:
    from django.db import connection

    sizes: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                "SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass), "
                "pg_size_pretty(pg_table_size(%s)), pg_size_pretty(pg_indexes_size(%s))",
                [table, table, table],
            )
            rows, heap, indexes = cursor.fetchone()
            sizes[table] = {"rows_estimate": rows, "table": heap, "indexes": indexes}
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        sizes["dossiers_dossier"]["rows"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reports_dossierdaystat")
        sizes["reports_dossierdaystat"]["rows"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reports_evaluationmonth")
        sizes["reports_evaluationmonth"]["rows"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        sizes["database"] = cursor.fetchone()[0]
    return sizes


# ------------------------------------------------------------------------------------------------- setup


def _last_quarter(end: dt.date) -> tuple[int, int]:
    """The last quarter that ends on or before ``end``."""
    q = (end.month - 1) // 3 + 1
    last_day = (dt.date(end.year, 3 * q, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    if end >= last_day:
        return end.year, q
    return (end.year, q - 1) if q > 1 else (end.year - 1, 4)


def cmd_setup(args: argparse.Namespace) -> int:
    django_setup()
    from django.db.models import Sum
    from django.test import Client

    from motcua.accounts.models import User
    from motcua.accounts.tokens import api_token_create
    from motcua.agencies.models import Agency, AgencyKind
    from motcua.core import clock
    from motcua.reports.models import DossierDayStat

    gen = json.loads(Path(args.gen).read_text())
    end = dt.date.fromisoformat(gen["period"][1])
    year = end.year - 1 if end < dt.date(end.year, 12, 31) else end.year
    q_year, quarter = _last_quarter(end)
    in_year = DossierDayStat.objects.filter(day__year=year)

    def busiest(kinds: Sequence[str]) -> Agency:
        top = (
            in_year.filter(agency__kind__in=kinds)
            .values("agency_id")
            .annotate(n=Sum("received"))
            .order_by("-n")
            .first()
        )
        if top is None:
            top = in_year.values("agency_id").annotate(n=Sum("received")).order_by("-n").first()
        assert top is not None, "no dossier received in the measured year"
        return Agency.objects.get(pk=top["agency_id"])

    big = busiest([AgencyKind.SERVICE_CENTRE])
    commune = busiest([AgencyKind.COMMUNE_COMMITTEE])
    field = (
        in_year.filter(agency=big, procedure__field__isnull=False)
        .values("procedure__field_id", "procedure__field__name")
        .annotate(n=Sum("received"))
        .order_by("-n")
        .first()
    )
    assert field is not None
    received = {a.pk: in_year.filter(agency=a).aggregate(n=Sum("received"))["n"] for a in (big, commune)}

    # Kept from an earlier run on a kept database (BENCH_DB_READY), else made.
    user = User.objects.filter(username="bench.baocao").first() or User(
        username="bench.baocao", full_name="Lãnh đạo tỉnh (benchmark)", is_staff=True, is_superuser=True
    )
    user.set_unusable_password()
    user.save()
    _, token = api_token_create(user=user, name="bench reports", actor=user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.cookies["sessionid"].value
    out = {
        "today": clock.today().isoformat(),
        "year": year,
        "quarter": [q_year, quarter],
        "ytd": [dt.date(clock.today().year, 1, 1).isoformat(), clock.today().isoformat()],
        "big_agency": {"id": big.pk, "identifier": big.identifier, "name": big.name, "kind": big.kind,
                       "received_in_year": received[big.pk]},
        "commune": {"id": commune.pk, "identifier": commune.identifier, "name": commune.name,
                    "received_in_year": received[commune.pk]},
        "field": {"id": field["procedure__field_id"], "name": field["procedure__field__name"],
                  "received_in_year_by_big_agency": field["n"]},
        "user_id": user.pk,
        "session": session,
        "token": token,
    }  # fmt: skip
    path = Path(args.out)
    path.touch(mode=0o600)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    shown = {k: v for k, v in out.items() if k not in ("session", "token")}
    say(f"  {json.dumps(shown, ensure_ascii=False)}")
    return 0


# -------------------------------------------------------------------------------------------------- HTTP


def _year(setup: dict[str, Any]) -> tuple[dt.date, dt.date]:
    return dt.date(setup["year"], 1, 1), dt.date(setup["year"], 12, 31)


def _quarter(setup: dict[str, Any]) -> tuple[dt.date, dt.date]:
    y, q = setup["quarter"]
    last = (dt.date(y, 3 * q, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return dt.date(y, 3 * q - 2, 1), last


def endpoints(setup: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> {"path", "auth" (session|token|none), "floor" (the GROUP BY it is compared with), "what"}."""
    year = {"period": "year", "year": setup["year"]}
    y, q = setup["quarter"]
    quarter = {"period": "quarter", "year": y, "number": q}
    big, commune, field = setup["big_agency"], setup["commune"], setup["field"]
    ys, ye = _year(setup)
    qs, qe = _quarter(setup)

    def page(path: str, **query: Any) -> str:
        return f"{path}?{urlencode(query)}"

    return {
        "dashboard, province, year": {
            "path": page("/bao-cao/", **year), "auth": "session", "floor": "province year",
            "what": "the province's dashboard for the year, drill-down table by agency",
        },
        "dashboard, province, quarter": {
            "path": page("/bao-cao/", **quarter), "auth": "session", "floor": "province quarter",
            "what": "the province's dashboard for the quarter, by agency",
        },
        "dashboard, big agency, year (by field)": {
            "path": page("/bao-cao/", agency=big["id"], **year), "auth": "session",
            "floor": "big agency year",
            "what": f"{big['name']}: dashboard for the year, drill-down by field",
        },
        "dashboard, busy commune, year (by field)": {
            "path": page("/bao-cao/", agency=commune["id"], **year), "auth": "session",
            "floor": "commune year", "what": f"{commune['name']}: dashboard for the year, by field",
        },
        "dashboard, big agency + field, year (by procedure)": {
            "path": page("/bao-cao/", agency=big["id"], field=field["id"], **year), "auth": "session",
            "floor": "big agency year", "what": f"{big['name']}, field {field['name']}: by procedure",
        },
        "dossier list, province, received, year": {
            "path": page("/bao-cao/ho-so/", measure="received", **year), "auth": "session", "floor": None,
            "what": "first page (50) of the dossiers received in the year, whole province",
        },
        "dossier list, province, late, year": {
            "path": page("/bao-cao/ho-so/", measure="late", **year), "auth": "session", "floor": None,
            "what": "first page of the dossiers resolved late in the year, whole province",
        },
        "dossier list, province, open_late, year": {
            "path": page("/bao-cao/ho-so/", measure="open_late", **year), "auth": "session", "floor": None,
            "what": "first page of the dossiers open and overdue at the end of the year, whole province",
        },
        "dossier list, big agency, late, year": {
            "path": page("/bao-cao/ho-so/", measure="late", agency=big["id"], **year), "auth": "session",
            "floor": None, "what": f"first page of {big['name']}'s dossiers resolved late in the year",
        },
        "public page /thong-ke/": {
            "path": "/thong-ke/", "auth": "none", "floor": "province ytd",
            "what": "public statistics, this year to date, every agency",
        },
        "API dashboard, province, year": {
            "path": page("/api/v1/reports/dashboard", date_from=ys, date_to=ye), "auth": "token",
            "floor": "province year", "what": "JSON dashboard of the province for the year",
        },
        "API dashboard, big agency, quarter": {
            "path": page("/api/v1/reports/dashboard", date_from=qs, date_to=qe, agency=big["identifier"]),
            "auth": "token", "floor": "big agency quarter", "what": f"JSON dashboard of {big['name']}",
        },
        "API public": {
            "path": "/api/v1/reports/public", "auth": "none", "floor": "province ytd",
            "what": "JSON public statistics, this year to date",
        },
    }  # fmt: skip


def _headers(auth: str, setup: dict[str, Any]) -> dict[str, str]:
    if auth == "token":
        return bearer(setup["token"])
    if auth == "session":
        return {"Cookie": f"sessionid={setup['session']}"}
    return {}


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    setup = json.loads(Path(args.setup).read_text())
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    results: dict[str, Any] = {"endpoints": {}, "preflight": {}}
    if args.master_pid:
        results["rss_before"] = worker_rss(args.master_pid)
    eps = endpoints(setup)
    for name, ep in eps.items():  # preflight: HTTP 200 (a session that works, not a login redirect)
        conn = http.client.HTTPConnection(args.host, args.port, timeout=REQUEST_TIMEOUT)
        t = time.perf_counter()
        status, body, _ = get(conn, ep["path"], _headers(ep["auth"], setup))
        ms = round((time.perf_counter() - t) * 1000, 1)
        conn.close()
        if status != 200:
            raise SystemExit(f"{name} {ep['path']}: HTTP {status} {body[:300]!r}")
        results["preflight"][name] = {"path": ep["path"], "first_request_ms": ms, "bytes": len(body)}
        say(f"  {name:<52} first request {ms} ms, {len(body):,} bytes")
    for name, ep in eps.items():
        results["endpoints"][name] = {}
        item = (ep["path"], _headers(ep["auth"], setup))
        for c in concurrencies:
            load_fixed(args.host, args.port, [item] * args.warmup, concurrency=c, cap_s=args.cap)
            sample, elapsed, capped = load_fixed(
                args.host, args.port, [item] * args.requests, concurrency=c, cap_s=args.cap
            )
            summary = summarise(sample, elapsed)
            summary["stopped_at_cap"] = capped
            results["endpoints"][name][str(c)] = summary
            say(
                f"  {name:<52} c={c}: {summary['requests']:>4} req {summary['requests_per_s']:>7} req/s  "
                f"p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  "
                f"errors {summary['errors']}{'  (stopped at the time cap)' if capped else ''}"
            )
    if args.master_pid:
        results["rss_after"] = worker_rss(args.master_pid)
        say(f"  gunicorn workers RSS: before {results['rss_before']['workers_rss_mib_total']} MiB, after "
            f"{results['rss_after']['workers_rss_mib_total']} MiB (max per worker "
            f"{results['rss_after']['workers_rss_mib_max']} MiB)")  # fmt: skip
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


# ------------------------------------------------------------------------------------------------ floor

RECEIVED_SQL = """SELECT receiving_agency_id, count(*) AS received,
       count(*) FILTER (WHERE channel IN ({online})) AS received_online
  FROM dossiers_dossier
 WHERE received_at >= %(start)s AND received_at < %(end)s{scope_received}
 GROUP BY receiving_agency_id"""
RESOLVED_SQL = """SELECT processing_agency_id,
       count(*) FILTER (WHERE outcome = 'early') AS early,
       count(*) FILTER (WHERE outcome = 'on_time') AS on_time,
       count(*) FILTER (WHERE outcome = 'late') AS late
  FROM dossiers_dossier
 WHERE finished_at >= %(start)s AND finished_at < %(end)s
   AND outcome IN ('early', 'on_time', 'late'){scope_resolved}
 GROUP BY processing_agency_id"""


def floors(setup: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> the period (dates) and the agency scope (None: the province) of a GROUP BY floor."""
    ys, ye = _year(setup)
    qs, qe = _quarter(setup)
    ts, te = (dt.date.fromisoformat(d) for d in setup["ytd"])
    big, commune = setup["big_agency"]["id"], setup["commune"]["id"]
    return {
        "province year": {"dates": (ys, ye), "scope": None},
        "province quarter": {"dates": (qs, qe), "scope": None},
        "province ytd": {"dates": (ts, te), "scope": None},
        "big agency year": {"dates": (ys, ye), "scope": [big]},
        "big agency quarter": {"dates": (qs, qe), "scope": [big]},
        "commune year": {"dates": (ys, ye), "scope": [commune]},
    }


def cmd_floor(args: argparse.Namespace) -> int:
    """Plain GROUP BY over dossiers_dossier with psycopg (its own connection, no ORM), timed."""
    django_setup()
    import psycopg
    from django.db import connection

    from motcua.agencies.models import Agency
    from motcua.reports.selectors import Period, agency_scope, period_bounds

    setup = json.loads(Path(args.setup).read_text())
    params = connection.get_connection_params()
    conn = psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"),
        dbname=params.get("dbname"), password=params.get("password"), autocommit=True,
    )  # fmt: skip
    out: dict[str, Any] = {}
    online = ", ".join(str(c) for c in ONLINE_CHANNELS)
    for name, f in floors(setup).items():
        start, end = period_bounds(Period(*f["dates"]))
        scope = None if f["scope"] is None else agency_scope(Agency.objects.get(pk=f["scope"][0]))
        values = {"start": start, "end": end, "scope": scope}
        sqls = {
            "received by agency": RECEIVED_SQL.format(
                online=online,
                scope_received="" if scope is None else " AND receiving_agency_id = ANY(%(scope)s)",
            ),
            "resolved by agency": RESOLVED_SQL.format(
                scope_resolved="" if scope is None else " AND processing_agency_id = ANY(%(scope)s)"
            ),
        }
        times: dict[str, list[float]] = {k: [] for k in sqls}
        both: list[float] = []
        totals: dict[str, int] = {}
        with conn.cursor() as cur:
            for k, sql in sqls.items():  # warm-up, as the HTTP rows have theirs
                cur.execute(sql, values)
                rows = cur.fetchall()
                totals[k] = sum(sum(r[1:]) for r in rows)
                totals[k + " (groups)"] = len(rows)
            for _ in range(args.repeat):
                pair = 0.0
                for k, sql in sqls.items():
                    t = time.perf_counter()
                    cur.execute(sql, values)
                    cur.fetchall()
                    ms = (time.perf_counter() - t) * 1000
                    times[k].append(ms)
                    pair += ms
                both.append(pair)
            plans = {}
            for k, sql in sqls.items():
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, values)
                raw = cur.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                plans[k] = plan_summary(plan_nodes(plan["Plan"]))
        entry = {
            "dates": [d.isoformat() for d in f["dates"]],
            "scope": scope,
            "repeat": args.repeat,
            "totals": totals,
            "queries": {
                k: {"p50_ms": round(percentile(sorted(v), 50), 2),
                    "p95_ms": round(percentile(sorted(v), 95), 2), "sql": sqls[k], "plan": plans[k]}
                for k, v in times.items()
            },
            "both_p50_ms": round(percentile(sorted(both), 50), 2),
            "both_p95_ms": round(percentile(sorted(both), 95), 2),
        }  # fmt: skip
        out[name] = entry
        each = "; ".join(f"{k} p50 {v['p50_ms']} ms" for k, v in entry["queries"].items())
        say(f"  floor {name:<20} received+resolved GROUP BY: p50 {entry['both_p50_ms']} ms, p95 "
            f"{entry['both_p95_ms']} ms ({each})")  # fmt: skip
        for k, q in entry["queries"].items():
            say(f"      {k}: {q['plan'][:300]}")
    conn.close()
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# ----------------------------------------------------------------------------------------------- explain


def _shape(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def cmd_explain(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User

    setup = json.loads(Path(args.setup).read_text())
    user = User.objects.get(pk=setup["user_id"])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    out: dict[str, Any] = {"server": {}, "requests": {}, "slowest": []}
    with connection.cursor() as cursor:
        for setting in ("server_version", "shared_buffers", "work_mem", "effective_cache_size",
                        "random_page_cost", "jit", "max_parallel_workers_per_gather"):  # fmt: skip
            cursor.execute(f"SHOW {setting}")
            out["server"][setting] = cursor.fetchone()[0]
    all_queries = []
    for name, ep in endpoints(setup).items():
        extra = {"HTTP_AUTHORIZATION": f"Bearer {setup['token']}"} if ep["auth"] == "token" else {}
        client.get(ep["path"], **extra)  # warm, as in the HTTP run
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            resp = client.get(ep["path"], **extra)
            wall = round((time.perf_counter() - t) * 1000, 1)
        if resp.status_code != 200:
            raise SystemExit(f"{name} {ep['path']}: HTTP {resp.status_code}")
        queries = [{"sql": q["sql"], "ms": round(float(q["time"]) * 1000, 2)} for q in ctx.captured_queries]
        shapes = Counter(_shape(q["sql"]) for q in queries)
        entry = {
            "path": ep["path"],
            "in_process_ms": wall,
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "repeated_query_shapes": {s[:300]: n for s, n in shapes.items() if n > 1},
            "slowest_sql": sorted(queries, key=lambda q: -q["ms"])[: args.top],
        }
        out["requests"][name] = entry
        say(f"\n#### {name} :: {ep['path']}  ({entry['queries']} SQL, {entry['sql_ms']} ms in SQL, {wall} ms "
            "in-process)")  # fmt: skip
        for q in sorted(queries, key=lambda q: -q["ms"])[:8]:
            say(f"-- {q['ms']:>8} ms  {q['sql'][:300]}")
        for shape, n in entry["repeated_query_shapes"].items():
            say(f"   !! the same query {n} times: {shape[:200]}")
        all_queries += [(q["ms"], name, q["sql"]) for q in queries]
    seen: set[str] = set()
    with connection.cursor() as cursor:
        for ms, name, sql in sorted(all_queries, key=lambda x: -x[0]):
            if len(out["slowest"]) >= args.explain or ms < args.min_ms:
                break
            if _shape(sql) in seen:
                continue
            seen.add(_shape(sql))
            times = []
            for _ in range(args.repeat):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                raw = cursor.fetchone()[0]
                plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
                times.append(round(plan["Planning Time"] + plan["Execution Time"], 2))
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            text = [r[0] for r in cursor.fetchall()]
            out["slowest"].append({
                "request": name, "django_ms": ms, "explain_ms_runs": times, "sql": sql,
                "summary": plan_summary(plan_nodes(plan["Plan"])), "text": text,
            })  # fmt: skip
            say(
                f"\n#### slow query of '{name}': {ms} ms in the request, EXPLAIN ANALYZE runs {times} ms"
                f"\n-- {sql}"
            )
            for line in text:
                say(f"   {line}")
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# ------------------------------------------------------------------------------------------------ report


def cmd_report(args: argparse.Namespace) -> int:
    django_setup()
    setup = json.loads(Path(args.setup).read_text())
    gen = json.loads(Path(args.gen).read_text())
    run = json.loads(Path(args.run).read_text())
    floor = json.loads(Path(args.floor).read_text())
    exp = json.loads(Path(args.explain).read_text())
    meta = json.loads(Path(args.meta).read_text())
    meta["sizes"] = _sizes() if args.sizes else meta.get("sizes")
    today = args.date or dt.datetime.now(dt.UTC).astimezone().date().isoformat()
    eps = endpoints(setup)
    table = []
    for name, by_c in run["endpoints"].items():
        f = eps[name]["floor"]
        fl = floor.get(f) if f else None
        for c, x in by_c.items():
            table.append({
                "endpoint": name, "concurrency": int(c), "p50_ms": x["p50_ms"], "p95_ms": x["p95_ms"],
                "p99_ms": x["p99_ms"], "requests_per_s": x["requests_per_s"], "errors": x["errors"],
                "requests": x["requests"], "floor": f,
                "floor_p50_ms": fl["both_p50_ms"] if fl else None,
                "ratio_p50_to_floor_p50": round(x["p50_ms"] / fl["both_p50_ms"], 3) if fl else None,
                "under_200ms_p95": x["p95_ms"] < TARGET_P95_MS,
                "sql_queries": exp["requests"].get(name, {}).get("queries"),
                "sql_ms_in_process": exp["requests"].get(name, {}).get("sql_ms"),
            })  # fmt: skip
    entry = {
        "label": args.label,
        "date": today,
        "machine": machine(),
        "git": git_state(),
        "versions": {
            "django": _version("django"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
            "postgresql": exp["server"].get("server_version"),
        },
        "method": {
            "client": "bench/reports_10m.py: Python threads, one kept-alive http.client connection each, "
            "loopback; the pages with a session cookie of a provincial (superuser) account, the API with a "
            "bearer token",
            "server": "gunicorn motcua.config.wsgi:application, 2 sync workers, MOTCUA_ENV=production, "
            "DEBUG off",
            "floor": "the same figures by plain SQL over dossiers_dossier (psycopg, own connection): "
            "received (and online) GROUP BY receiving agency + resolved early/on time/late GROUP BY "
            "processing agency; "
            "floor_p50_ms is the p50 of the two queries run back to back",
            "ratio": "endpoint p50 / floor p50 (< 1: the report is faster than the plain GROUP BY)",
            "note": "client, server and PostgreSQL share the machine's cores (and other sessions' jobs)",
        },
        "meta": meta,
        "setup": {k: v for k, v in setup.items() if k not in ("session", "token")},
        "generation": gen,
        "table": table,
        "http": run,
        "floor": floor,
        "explain": exp,
    }
    out = Path(args.out_dir) / f"reports-{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(out.read_text()) if out.exists() else {}
    results[args.label] = entry
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    print(markdown(entry))
    say(f"\nResults written to {out} (entry '{args.label}')")
    return 0


def markdown(r: dict[str, Any]) -> str:
    g, meta, setup, srv = r["generation"], r["meta"], r["setup"], r["explain"]["server"]
    sizes = meta.get("sizes") or {}
    d = sizes.get("dossiers_dossier", {})
    lines = [
        f"Reports at {g['dossiers']:,} dossiers ({r['label']}), {r['date']}: {r['machine']['nproc']} CPU, "
        f"{r['machine']['memory_mib']} MiB, PostgreSQL {srv.get('server_version')} (shared_buffers "
        f"{srv.get('shared_buffers')}, work_mem {srv.get('work_mem')}), gunicorn 2 sync workers; "
        f"{meta['requests']} requests per row after {meta['warmup']} warm-up; load average "
        f"{meta.get('loadavg_at_start')} at start.",
        "",
        f"Data: {g['dossiers']:,} dossiers, {g['documents']:,} documents over {g['period'][0]} .. "
        f"{g['period'][1]} (generate: {g['seconds'].get('wall')} s, {g.get('dossiers_per_second')} "
        "dossiers/s "
        f"overall; aggregates {g['seconds'].get('stats')} s; {g['stat_rows']:,} day-stat rows); "
        f"refresh_evaluation --all {meta.get('refresh_evaluation_s')} s; VACUUM (ANALYZE) "
        f"{meta.get('vacuum_s')} s. dossiers_dossier {d.get('table')} + indexes {d.get('indexes')}; "
        f"database {sizes.get('database')}.",
        f"Year {setup['year']}, quarter {setup['quarter'][1]}/{setup['quarter'][0]}; big agency "
        f"{setup['big_agency']['name']} ({setup['big_agency']['received_in_year']:,} received in the year), "
        f"commune {setup['commune']['name']} ({setup['commune']['received_in_year']:,}), field "
        f"{setup['field']['name']}.",
        "",
        "| Report | Conc. | req/s | p50 ms | p95 ms | p99 ms | Errors | SQL | GROUP BY floor | floor p50 ms "
        "| p50 / floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for x in r["table"]:
        p95 = f"**{x['p95_ms']}**" if not x["under_200ms_p95"] else f"{x['p95_ms']}"
        lines.append(
            f"| {x['endpoint']} | {x['concurrency']} | {x['requests_per_s']} | {x['p50_ms']} | {p95} | "
            f"{x['p99_ms']} | {x['errors']} | {x['sql_queries']} | {x['floor'] or '–'} | "
            f"{x['floor_p50_ms'] if x['floor_p50_ms'] is not None else '–'} | "
            f"{x['ratio_p50_to_floor_p50'] if x['ratio_p50_to_floor_p50'] is not None else '–'} |"
        )
    lines += [
        "",
        "| GROUP BY floor (plain SQL) | received p50 ms | resolved p50 ms | both p50 ms | both p95 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, f in r["floor"].items():
        q = f["queries"]
        lines.append(
            f"| {name} | {q['received by agency']['p50_ms']} | {q['resolved by agency']['p50_ms']} | "
            f"{f['both_p50_ms']} | {f['both_p95_ms']} |"
        )
    h = r["http"]
    if "rss_after" in h:
        lines += ["", f"gunicorn workers' RSS: {h['rss_before']['workers_rss_mib_total']} MiB before, "
                  f"{h['rss_after']['workers_rss_mib_total']} MiB after (largest worker "
                  f"{h['rss_after']['workers_rss_mib_max']} MiB)."]  # fmt: skip
    lines += ["", "Slowest SQL of the reports (EXPLAIN ANALYZE, ms per run):", ""]
    for s in r["explain"]["slowest"]:
        lines.append(f"- {s['request']}: {s['explain_ms_runs']} — {s['summary'][:220]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("generate")
    p.add_argument("--dossiers", type=int, required=True)
    p.add_argument("--documents", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch", type=int, default=50_000)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("setup")
    p.add_argument("--gen", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--setup", required=True)
    p.add_argument("--requests", type=int, default=150)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--concurrency", default="1,8")
    p.add_argument("--cap", type=float, default=120, help="seconds per row at most")
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("floor")
    p.add_argument("--setup", required=True)
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_floor)

    p = sub.add_parser("explain")
    p.add_argument("--setup", required=True)
    p.add_argument("--top", type=int, default=5, help="slowest SQL kept per request")
    p.add_argument("--explain", type=int, default=6, help="slowest distinct queries EXPLAINed")
    p.add_argument("--min-ms", type=float, default=2.0, help="do not EXPLAIN faster queries")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("report")
    p.add_argument("--label", required=True)
    p.add_argument("--setup", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--floor", required=True)
    p.add_argument("--explain", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--sizes", action="store_true", help="measure table sizes (the database must exist)")
    p.add_argument("--date", help="the results file's date (default: today, local time)")
    p.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
