"""The officials' queue with a million dossiers in PostgreSQL: data generator, HTTP load, EXPLAIN, report.

``bench/queue_1m.sh`` drives it (scratch database, gunicorn, lock, cleanup); the subcommands are:

    generate  bulk-insert N dossiers with one INSERT ... SELECT FROM generate_series per batch, then ANALYZE
    run       HTTP load (loopback only) for the Đông Kinh desk officer: /mot-cua/ (session) and
              /api/v1/dossiers (bearer token), plain, ?status=4 and ?page=20, at each concurrency
    explain   in-process: the SQL Django issues for those requests (Django test client, same settings and
              database), EXPLAIN (ANALYZE, BUFFERS) of each dossier query, and the same plans for candidate
              query / index changes (indexes created in a transaction that is rolled back), before and after
              VACUUM
    report    merge into bench/results/queue-1m-<date>.json and print Markdown tables

The load generator reuses bench/catalog_search.py's Sample/summarise/worker_rss/machine; it has its own
worker loop because these pages need a session cookie or a bearer token per request.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import http.cookies
import io
import json
import os
import pstats
import re
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import django_setup
from catalog_search import (  # bench/ is not a package: imported from its folder
    REQUEST_TIMEOUT,
    Sample,
    _check_loopback,
    _version,
    git_state,
    machine,
    summarise,
    worker_rss,
)

DESK_USER = "tiepnhan.dongkinh"
SPECIALIST_USER = "chuyenvien.dongkinh"
PASSWORD = "MotCua@2026"
PROCEDURE_CODE = "1.001193"
TZ = "Asia/Ho_Chi_Minh"
MAX_REQUESTS_PER_ROW = 200_000

ENDPOINTS: dict[str, tuple[str, str]] = {  # name -> (auth, path)
    "GET /mot-cua/": ("session", "/mot-cua/"),
    "GET /mot-cua/?status=4": ("session", "/mot-cua/?status=4"),
    "GET /mot-cua/?page=20": ("session", "/mot-cua/?page=20"),
    "GET /api/v1/dossiers": ("token", "/api/v1/dossiers"),
    "GET /api/v1/dossiers?status=4": ("token", "/api/v1/dossiers?status=4"),
    "GET /api/v1/dossiers?page=20": ("token", "/api/v1/dossiers?page=20"),
}

# Status shares (cumulative upper bounds of a uniform draw): ~10 % open, ~90 % finished.
STATUS_SHARES: list[tuple[int, float]] = [
    (1, 0.015),  # new (submitted online, not yet received)
    (2, 0.020),  # received
    (4, 0.055),  # processing
    (5, 0.010),  # supplement requested
    (3, 0.020),  # refused at the desk
    (7, 0.015),  # withdrawn
    (8, 0.015),  # stopped
    (9, 0.050),  # processed, result not yet collected
    (10, 0.800),  # result returned
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vi", "Nông", "Lương", "Triệu", "Hà", "Lăng", "Đinh",
            "Vũ", "Đặng", "Bùi", "Mã", "Chu", "Lý"]  # fmt: skip
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Kim", "Xuân", "Hồng"]
GIVENS = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Linh", "Mai",
          "Minh", "Nam", "Nga", "Phương", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến", "Hương"]  # fmt: skip


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------- generate


DRAWS = range(1, 26)


def _hash(k: int) -> str:
    """A uniform draw in [0, 1) for row g.n, stream k: deterministic (hash of n and k), no random()."""
    return f"((hashint8extended(g.n, {k}) & 4294967295)::float8 / 4294967296.0)"


def _u(k: int) -> str:
    return f"r.u{k}"


def _status_case(draw: str) -> str:
    whens, edge = [], 0.0
    for status, share in STATUS_SHARES:
        edge += share
        whens.append(f"WHEN {draw} < {edge:.6f} THEN {status}")
    return "CASE " + " ".join(whens[:-1]) + f" ELSE {STATUS_SHARES[-1][0]} END"


def _local(ts: str) -> str:
    return f"(({ts}) AT TIME ZONE '{TZ}')"


# One INSERT ... SELECT per batch. Each LATERAL step adds columns computed from the previous ones; every
# value derives from the row number n (hashes), so a rerun generates the same data.
GENERATE_SQL = f"""
INSERT INTO dossiers_dossier (
  code, status, channel, procedure_id, procedure_version_id, receiving_agency_id, processing_agency_id,
  owner_id, applicant_kind, applicant_name, applicant_id_number, applicant_birth_date, applicant_phone,
  applicant_email, applicant_address, submitted_by_name, created_at, submitted_at, received_at,
  received_by_id, due_at, original_due_at, finished_at, returned_at, outcome, current_task_id,
  current_handler_id, paused_from_status, supplement_rounds, apologies, withdrawal_requested_at,
  fee_amount, fees_paid_at, is_immediate, is_transferred, rating, rating_comment, updated_at)
SELECT
  f.ident || '-' || to_char({_local("t.submitted_at")}, 'YYMMDD') || '-' || lpad(g.n::text, 7, '0'),
  s.status, s.channel, %(procedure)s, %(version)s, a.agency, a.agency,
  NULL, 'person',
  (%(surnames)s::text[])[1 + floor({_u(20)} * {len(SURNAMES)})::int] || ' '
    || (%(middles)s::text[])[1 + floor({_u(21)} * {len(MIDDLES)})::int] || ' '
    || (%(givens)s::text[])[1 + floor({_u(22)} * {len(GIVENS)})::int],
  '020' || lpad(floor({_u(23)} * 1e9)::bigint::text, 9, '0'),
  date '1950-01-01' + floor({_u(24)} * 20000)::int,
  '09' || lpad(floor({_u(25)} * 1e8)::bigint::text, 8, '0'),
  '', 'tỉnh Lạng Sơn', '',
  t.created_at, t.submitted_at, t.received_at,
  CASE WHEN t.received_at IS NOT NULL AND a.agency = %(dong_kinh)s THEN %(desk_user)s END,
  t.due_at, t.due_at, f.finished_at,
  CASE WHEN s.status = 10 THEN LEAST(f.finished_at + {_u(14)} * interval '3 days', %(t0)s::timestamptz) END,
  CASE
    WHEN f.finished_at IS NULL OR t.due_at IS NULL THEN ''
    WHEN f.supplement_rounds > 1 OR f.finished_at > t.due_at THEN 'late'
    WHEN {_local("f.finished_at")}::date < {_local("t.due_at")}::date THEN 'early'
    ELSE 'on_time'
  END,
  NULL,
  CASE WHEN s.status = 4 AND a.agency = %(dong_kinh)s THEN %(specialist)s END,
  CASE WHEN s.status = 5 THEN CASE WHEN {_u(15)} < 0.5 THEN 2 ELSE 4 END END,
  f.supplement_rounds, 0, f.withdrawal_requested_at,
  CASE WHEN {_u(16)} < 0.3 THEN 8000 ELSE 0 END,
  CASE WHEN {_u(16)} < 0.3 AND t.received_at IS NOT NULL THEN t.received_at END,
  false,
  false,
  CASE WHEN s.status = 10 AND {_u(17)} < 0.1 THEN 1 + floor({_u(18)} * 5)::int END,
  '',
  COALESCE(f.finished_at, t.received_at, t.submitted_at)
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g(n)
CROSS JOIN LATERAL (SELECT {", ".join(f"{_hash(k)} AS u{k}" for k in DRAWS)} OFFSET 0) r
CROSS JOIN LATERAL (
  SELECT CASE WHEN {_u(1)} < %(dk_share)s THEN 1
              ELSE 2 + floor({_u(2)} * (cardinality(%(agencies)s::int[]) - 1))::int END AS i OFFSET 0
) ai
CROSS JOIN LATERAL (SELECT (%(agencies)s::int[])[ai.i] AS agency OFFSET 0) a
CROSS JOIN LATERAL (
  SELECT st.status,
         CASE WHEN st.status = 1 THEN CASE WHEN {_u(4)} < 0.9 THEN 2 ELSE 4 END
              WHEN {_u(4)} < 0.60 THEN 1 WHEN {_u(4)} < 0.95 THEN 2 WHEN {_u(4)} < 0.98 THEN 3
              ELSE 4 END AS channel,
         st.status IN (1, 2, 4, 5) AS open
  FROM (SELECT {_status_case(_u(3))} AS status) st OFFSET 0
) s
CROSS JOIN LATERAL (
  -- age of the dossier: open ones are recent (new: up to 3 days; others: up to 14 days, skewed to recent),
  -- finished ones anywhere in the last 3 years; created during office hours (local time)
  SELECT LEAST(
           ((date_trunc('day', {_local("%(t0)s::timestamptz - c.age")}) + interval '7 hours 30 minutes'
             + {_u(6)} * interval '9 hours') AT TIME ZONE '{TZ}'),
           %(t0)s::timestamptz - interval '2 hours') AS created_at
  FROM (SELECT CASE WHEN s.status = 1 THEN {_u(5)} * interval '3 days'
                    WHEN s.open THEN {_u(5)} * {_u(5)} * interval '14 days'
                    ELSE interval '3 days' + {_u(5)} * interval '1092 days' END AS age) c OFFSET 0
) cr
CROSS JOIN LATERAL (SELECT cr.created_at + {_u(7)} * interval '30 minutes' AS submitted_at OFFSET 0) sb
CROSS JOIN LATERAL (
  SELECT cr.created_at, sb.submitted_at, rc.received_at,
         rc.received_at + (3 + floor({_u(9)} * 13)::int) * interval '1 day' AS due_at,
         (3 + floor({_u(9)} * 13)::int) AS term_days
  FROM (SELECT CASE WHEN s.status IN (1, 3) THEN NULL
                    ELSE LEAST(sb.submitted_at + CASE WHEN s.channel = 1 THEN {_u(8)} * interval '15 minutes'
                                                      ELSE {_u(8)} * interval '24 hours' END,
                               %(t0)s::timestamptz - interval '1 hour') END AS received_at) rc OFFSET 0
) t
CROSS JOIN LATERAL (
  SELECT CASE WHEN s.status = 3 THEN t.submitted_at + {_u(10)} * interval '4 hours'
              WHEN s.status = 7 THEN t.received_at + {_u(10)} * t.term_days * interval '1 day'
                                     + interval '2 hours'
              WHEN s.status IN (8, 9, 10) THEN t.received_at
                                     + (0.3 + {_u(10)} * 0.85) * t.term_days * interval '1 day'
         END AS finished_at,
         CASE WHEN s.status = 7 THEN t.received_at + {_u(10)} * t.term_days * interval '1 day' END
           AS withdrawal_requested_at,
         CASE WHEN s.status = 5 THEN 1 WHEN NOT s.open AND s.status <> 3 AND {_u(11)} < 0.08 THEN 1 ELSE 0 END
           AS supplement_rounds,
         (%(idents)s::text[])[ai.i] AS ident
  OFFSET 0
) f
"""


def cmd_generate(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection

    from motcua.accounts.models import User
    from motcua.agencies.models import Agency, AgencyKind
    from motcua.catalog.models import Procedure
    from motcua.demo import catalog as plan
    from motcua.dossiers.models import Dossier

    procedure = Procedure.objects.get(code=PROCEDURE_CODE)
    assert procedure.current_version_id, f"{PROCEDURE_CODE} has no current version"
    dong_kinh = Agency.objects.get(
        kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit_code="05977", valid_from=plan.REFORM
    )
    communes = list(
        Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE, valid_from=plan.REFORM).order_by("pk")
    )
    # the 19 provincial departments and department-level bodies (Văn phòng UBND, Ban Dân tộc: kind "other")
    departments = list(
        Agency.objects.filter(kind__in=[AgencyKind.DEPARTMENT, AgencyKind.OTHER]).order_by("pk")
    )
    others = [a for a in communes + departments if a.pk != dong_kinh.pk]
    agencies = [dong_kinh, *others]
    users = {u.username: u.pk for u in User.objects.filter(username__in=[DESK_USER, SPECIALIST_USER])}
    t0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
    params: dict[str, Any] = {
        "procedure": procedure.pk,
        "version": procedure.current_version_id,
        "dong_kinh": dong_kinh.pk,
        "desk_user": users[DESK_USER],
        "specialist": users[SPECIALIST_USER],
        "agencies": [a.pk for a in agencies],
        "idents": [a.identifier for a in agencies],
        "dk_share": args.dong_kinh_share,
        "surnames": SURNAMES,
        "middles": MIDDLES,
        "givens": GIVENS,
        "t0": t0,
    }
    before = Dossier.objects.count()
    say(
        f"  {len(communes)} post-2025 commune committees + {len(departments)} departments; Đông Kinh "
        f"{dong_kinh.identifier} (id {dong_kinh.pk}) gets {args.dong_kinh_share:.0%}; {procedure.code} "
        f"version id {procedure.current_version_id}; {before} dossiers already there (demo)"
    )
    batches = []
    t_all = time.perf_counter()
    lo = 1
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")  # compiling this wide expression list costs more than running it
        while lo <= args.rows:
            hi = min(args.rows, lo + args.batch - 1)
            t = time.perf_counter()
            cursor.execute(GENERATE_SQL, {**params, "lo": lo, "hi": hi})
            inserted = cursor.rowcount
            seconds = round(time.perf_counter() - t, 2)
            batches.append({"from": lo, "to": hi, "rows": inserted, "seconds": seconds})
            say(f"  batch {lo:>9,}–{hi:>9,}: {inserted:,} rows in {seconds} s")
            lo = hi + 1
        insert_s = round(time.perf_counter() - t_all, 2)
        t = time.perf_counter()
        cursor.execute("ANALYZE")
        analyze_s = round(time.perf_counter() - t, 2)
        say(f"  {args.rows:,} rows in {insert_s} s; ANALYZE {analyze_s} s")

        def one(sql: str, p: Sequence[Any] = ()) -> Any:
            cursor.execute(sql, p)
            return cursor.fetchone()[0]

        def rows(sql: str, p: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            cursor.execute(sql, p)
            return list(cursor.fetchall())

        open_list = "(1, 2, 4, 5, 6)"
        stats = {
            "dossiers_total": one("SELECT count(*) FROM dossiers_dossier"),
            "by_status": {
                str(s): n
                for s, n in rows("SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1")
            },
            "dong_kinh_total": one(
                "SELECT count(*) FROM dossiers_dossier WHERE processing_agency_id = %s", [dong_kinh.pk]
            ),
            "dong_kinh_open_by_status": {
                str(s): n
                for s, n in rows(
                    f"SELECT status, count(*) FROM dossiers_dossier WHERE processing_agency_id = %s "
                    f"AND status IN {open_list} GROUP BY 1 ORDER BY 1",
                    [dong_kinh.pk],
                )
            },
            "dong_kinh_open_overdue": one(
                f"SELECT count(*) FROM dossiers_dossier WHERE processing_agency_id = %s "
                f"AND status IN {open_list} AND due_at < now()",
                [dong_kinh.pk],
            ),
            "agencies_used": one("SELECT count(DISTINCT processing_agency_id) FROM dossiers_dossier"),
            "codes_unique": one("SELECT count(*) = count(DISTINCT code) FROM dossiers_dossier"),
            "outcomes": {
                o or "(blank)": n
                for o, n in rows("SELECT outcome, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 1")
            },
            "created_range": [
                str(x) for x in rows("SELECT min(created_at), max(created_at) FROM dossiers_dossier")[0]
            ],
            "table_size": one("SELECT pg_size_pretty(pg_table_size('dossiers_dossier'))"),
            "indexes_size": one("SELECT pg_size_pretty(pg_indexes_size('dossiers_dossier'))"),
            "index_sizes": dict(
                rows(
                    "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) FROM "
                    "pg_stat_user_indexes WHERE relname = 'dossiers_dossier' ORDER BY 1"
                )
            ),
            "heap_pages": one("SELECT relpages FROM pg_class WHERE relname = 'dossiers_dossier'"),
        }
    say(
        f"  Đông Kinh: {stats['dong_kinh_total']:,} dossiers, open {stats['dong_kinh_open_by_status']} "
        f"({stats['dong_kinh_open_overdue']:,} overdue); table {stats['table_size']}, indexes "
        f"{stats['indexes_size']}"
    )
    out = {
        "rows_requested": args.rows,
        "batch_rows": args.batch,
        "statements": len(batches),
        "insert_seconds": insert_s,
        "analyze_seconds": analyze_s,
        "batches": batches,
        "reference_time_utc": t0.isoformat(),
        "agency": {"identifier": dong_kinh.identifier, "name": dong_kinh.name, "id": dong_kinh.pk},
        "agencies": {"communes_post_2025": len(communes), "departments": len(departments)},
        "dong_kinh_share": args.dong_kinh_share,
        "status_shares": {str(s): share for s, share in STATUS_SHARES},
        "demo_dossiers_before": before,
        **stats,
        "sql": GENERATE_SQL.strip(),
    }
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# -------------------------------------------------------------------------------------------- HTTP


class Session:
    """One HTTP/1.1 connection with the headers of one logged-in client (cookie or bearer token)."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port, self.headers = host, port, headers
        self.conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)

    def get(self, path: str) -> tuple[int, bytes, bool]:
        self.conn.request("GET", path, headers=self.headers)
        resp = self.conn.getresponse()
        body = resp.read()
        if resp.will_close:
            self.conn.close()
        return resp.status, body, resp.will_close

    def close(self) -> None:
        self.conn.close()


def _cookies(resp: http.client.HTTPResponse) -> dict[str, str]:
    jar: dict[str, str] = {}
    for header in resp.headers.get_all("Set-Cookie") or []:
        c = http.cookies.SimpleCookie()
        c.load(header)
        jar.update({k: m.value for k, m in c.items()})
    return jar


def login(host: str, port: int, username: str, password: str) -> dict[str, str]:
    """Log in through the login form (GET for the CSRF token, POST); return the Cookie header to send."""
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", "/tai-khoan/dang-nhap/")
        resp = conn.getresponse()
        page = resp.read().decode()
        jar = _cookies(resp)
        if resp.will_close:
            conn.close()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if resp.status != 200 or token is None or "csrftoken" not in jar:
            raise SystemExit(f"login page: HTTP {resp.status}, no CSRF token")
        body = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1], "next": "/mot-cua/"}
        )
        conn.request(
            "POST",
            "/tai-khoan/dang-nhap/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={jar['csrftoken']}",
                "Referer": f"http://{host}:{port}/tai-khoan/dang-nhap/",
                "Origin": f"http://{host}:{port}",
            },
        )
        resp = conn.getresponse()
        resp.read()
        jar.update(_cookies(resp))
        if resp.status != 302 or "sessionid" not in jar:
            raise SystemExit(f"login of {username} failed: HTTP {resp.status}")
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    finally:
        conn.close()


def _worker(
    host: str,
    port: int,
    headers: dict[str, str],
    path: str,
    start: threading.Barrier,
    window: list[float],
    budget: list[int],
    lock: threading.Lock,
    out: Sample,
) -> None:
    session = Session(host, port, headers)
    start.wait()
    deadline = window[0]
    try:
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            t0 = time.perf_counter()
            try:
                status, body, closed = session.get(path)
            except (OSError, http.client.HTTPException) as exc:
                out.error(type(exc).__name__)
                session.close()
                time.sleep(0.01)
                continue
            elapsed = time.perf_counter() - t0
            if closed:
                out.closes += 1
            if status != 200:
                out.error(f"HTTP {status}")
                continue
            out.latencies.append(elapsed)
            out.sizes.append(len(body))
    finally:
        session.close()


def load(
    host: str, port: int, path: str, headers: Sequence[dict[str, str]], *, concurrency: int, seconds: float
) -> tuple[Sample, float]:
    """``concurrency`` threads (thread n sends ``headers[n]``: its own session or the token) GET ``path``."""
    import resource

    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()[0]
    samples = [Sample() for _ in range(concurrency)]
    budget, lock = [MAX_REQUESTS_PER_ROW], threading.Lock()
    window = [0.0]
    barrier = threading.Barrier(concurrency + 1)
    threads = [
        threading.Thread(
            target=_worker,
            args=(host, port, headers[n], path, barrier, window, budget, lock, samples[n]),
            daemon=True,
        )
        for n in range(concurrency)
    ]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    window[0] = t0 + seconds
    barrier.wait()
    for t in threads:
        t.join(timeout=seconds + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - t0
    total = Sample()
    for s in samples:
        total.merge(s)
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    total.client_cpu_s = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    total.loadavg = (load_before, os.getloadavg()[0])
    return total, elapsed


def _check_page(name: str, status: int, body: bytes) -> dict[str, Any]:
    """What one response of an endpoint holds (so a login page or an empty list is not measured)."""
    info: dict[str, Any] = {"status": status, "bytes": len(body)}
    if status != 200:
        raise SystemExit(f"{name}: HTTP {status}")
    if name.startswith("GET /api/"):
        data = json.loads(body)
        info.update(count=data["count"], rows=len(data["results"]))
    else:
        html = body.decode()
        if 'class="queue"' not in html:
            raise SystemExit(f"{name}: not the workspace page (login redirect?)")
        info.update(rows=len(re.findall(r'<tr class="u\d"', html)))
        pager = re.search(r"<span>(\d+)/(\d+)</span>", html)
        info["page_of"] = f"{pager[1]}/{pager[2]}" if pager else None
        counters = re.findall(r'<li class="u(\d)"><strong>(\d+)</strong>', html)
        info["counters"] = {f"u{k}": int(v) for k, v in counters}
    if not info.get("rows"):
        raise SystemExit(f"{name}: no dossier in the response")
    return info


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    token = os.environ["BENCH_TOKEN"]
    results: dict[str, Any] = {"endpoints": {}, "preflight": {}}
    if args.master_pid:
        results["rss_before"] = worker_rss(args.master_pid)
    # One browser session per load thread, logged in once through the login form and kept for all rows.
    t = time.perf_counter()
    sessions = [login(args.host, args.port, DESK_USER, PASSWORD) for _ in range(max(concurrencies))]
    results["logins"] = {"sessions": len(sessions), "seconds": round(time.perf_counter() - t, 2)}
    auth = {"session": sessions, "token": [{"Authorization": f"Bearer {token}"}] * max(concurrencies)}
    for name, (kind, path) in ENDPOINTS.items():
        s = Session(args.host, args.port, auth[kind][0])
        status, body, _ = s.get(path)
        s.close()
        results["preflight"][name] = _check_page(name, status, body)
        say(f"  {name}: {results['preflight'][name]}")
    for name, (kind, path) in ENDPOINTS.items():
        results["endpoints"][name] = {}
        for c in concurrencies:
            load(args.host, args.port, path, auth[kind], concurrency=c, seconds=args.warmup)
            sample, elapsed = load(
                args.host, args.port, path, auth[kind], concurrency=c, seconds=args.duration
            )
            summary = summarise(sample, elapsed)
            results["endpoints"][name][str(c)] = summary
            say(
                f"  {name:<30} c={c}: {summary['requests_per_s']:>6} req/s  p50 {summary['p50_ms']} ms"
                f"  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  errors {summary['errors']}"
            )
    if args.master_pid:
        results["rss_after"] = worker_rss(args.master_pid)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


# ----------------------------------------------------------------------------------------- explain


def _kind(sql: str) -> str:
    s = sql.upper()
    if 'FROM "DOSSIERS_DOSSIER"' not in s:
        return "other"
    if "GROUP BY" in s:
        return "counters by status"
    if "FILTER (WHERE" in s:
        return "counters (urgency)"
    if "COUNT(*)" in s:
        return "count"
    if "LIMIT" in s and "ORDER BY" in s:
        return "queue page"
    return "dossiers (other)"


def _plan_nodes(node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    keep = ("Node Type", "Relation Name", "Index Name", "Actual Rows", "Actual Loops", "Plan Rows",
            "Sort Method", "Sort Space Used", "Sort Key", "Exact Heap Blocks", "Lossy Heap Blocks",
            "Heap Fetches", "Rows Removed by Filter", "Shared Hit Blocks", "Shared Read Blocks",
            "Actual Total Time", "Index Cond", "Recheck Cond", "Filter")  # fmt: skip
    row = {k: node[k] for k in keep if k in node}
    row["depth"] = depth
    out = [row]
    for child in node.get("Plans", []):
        out += _plan_nodes(child, depth + 1)
    return out


def _summary_line(nodes: list[dict[str, Any]]) -> str:
    parts = []
    for n in nodes:
        what = n["Node Type"]
        if "Index Name" in n:
            what += f" {n['Index Name']}"
        elif "Relation Name" in n:
            what += f" {n['Relation Name']}"
        if n.get("Sort Method"):
            what += f" [{n['Sort Method']}, {n.get('Sort Space Used')} kB]"
        what += f" rows={n.get('Actual Rows')}"
        if n.get("Exact Heap Blocks") is not None:
            what += f" heap_blocks={n['Exact Heap Blocks']}"
        parts.append(what)
    return " > ".join(parts)


def _explain(cursor: Any, sql: str, repeat: int) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) ``repeat`` times; the plan and buffers of the last run, every run's time."""
    times, plan = [], None
    for _ in range(repeat):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        times.append(round(plan["Planning Time"] + plan["Execution Time"], 2))
    assert plan is not None
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    text = [r[0] for r in cursor.fetchall()]
    nodes = _plan_nodes(plan["Plan"])
    return {
        "total_ms_runs": times,
        "total_ms": sorted(times)[len(times) // 2],
        "planning_ms": round(plan["Planning Time"], 2),
        "execution_ms": round(plan["Execution Time"], 2),
        "summary": _summary_line(nodes),
        "nodes": nodes,
        "text": text,
    }


def cmd_explain(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection, transaction
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User
    from motcua.core import clock
    from motcua.dossiers import selectors
    from motcua.dossiers.access import official_agency_ids

    token = os.environ["BENCH_TOKEN"]
    user = User.objects.get(username=DESK_USER)
    client = Client(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    out: dict[str, Any] = {"requests": {}, "server": {}}
    with connection.cursor() as cursor:
        for setting in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost",
                        "autovacuum", "jit", "max_parallel_workers_per_gather"):  # fmt: skip
            cursor.execute(f"SHOW {setting}")
            out["server"][setting] = cursor.fetchone()[0]

    # 1. The SQL of each measured request as Django issues it, and EXPLAIN of every dossier query.
    issued: dict[str, dict[str, str]] = {}
    for name, (kind, path) in ENDPOINTS.items():
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if kind == "token" else {}
        client.get(path, **headers)  # warm: templates, connection, caches
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(path, **headers)
        assert resp.status_code == 200, (name, resp.status_code)
        queries = [{"sql": q["sql"], "ms": round(float(q["time"]) * 1000, 2)} for q in ctx.captured_queries]
        entry: dict[str, Any] = {
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "dossier_queries": {},
        }
        with connection.cursor() as cursor:
            for q in queries:
                kind_ = _kind(q["sql"])
                if kind_ == "other":
                    continue
                key = kind_ if kind_ not in entry["dossier_queries"] else f"{kind_} #2"
                ex = _explain(cursor, q["sql"], args.repeat)
                entry["dossier_queries"][key] = {"sql": q["sql"], "django_ms": q["ms"], "explain": ex}
                issued.setdefault(name, {})[key] = q["sql"]
                say(f"  {name:<30} {key:<20} {ex['total_ms']:>8} ms  {ex['summary'][:150]}")
        out["requests"][name] = entry

    # Where a request's time goes besides SQL: cProfile of one in-process request of each kind.
    out["profile"] = {}
    for name in ("GET /mot-cua/", "GET /api/v1/dossiers"):
        kind, path = ENDPOINTS[name]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if kind == "token" else {}
        profiler = cProfile.Profile()
        t = time.perf_counter()
        profiler.enable()
        client.get(path, **headers)
        profiler.disable()
        wall = round((time.perf_counter() - t) * 1000, 1)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(40)
        text.write("\n---- by own time\n")
        stats.sort_stats("tottime").print_stats(20)
        out["profile"][name] = {"wall_ms_profiled": wall, "text": text.getvalue().splitlines()}
        say(f"  profiled {name}: {wall} ms under cProfile")

    # 2. Candidate changes, on the plain workspace's queries: the same order written without CASE (urgency
    #    is monotonic in due_at, NULLs last, so ORDER BY due_at, id gives the same rows), the two counter
    #    queries as one GROUP BY, and partial indexes on the open statuses (created in a transaction that
    #    is rolled back). Then all of it again after VACUUM (visibility map set, as autovacuum would).
    now = clock.now()
    base = selectors.official_queue(user=user, filters=selectors.QueueFilters(), now=now)
    limits = selectors.urgency_limits(now)
    agencies = official_agency_ids(user)
    open_qs = selectors.Dossier.objects.filter(
        Q(receiving_agency_id__in=agencies) | Q(processing_agency_id__in=agencies),
        status__in=selectors.OPEN_STATUSES,
    )
    one_counter_query = (
        open_qs.values("status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=limits.now)),
            within_1=Count("pk", filter=Q(due_at__gte=limits.now, due_at__lte=limits.one_day)),
            within_3=Count("pk", filter=Q(due_at__gt=limits.one_day, due_at__lte=limits.three_days)),
            later=Count("pk", filter=Q(due_at__gt=limits.three_days) | Q(due_at__isnull=True)),
        )
        .order_by()
    )

    api_base = base.select_related("procedure_version", "receiving_agency", "processing_agency")

    def deferred(qs: Any, start: int, end: int) -> Any:
        """The page's ids first (sorted on the dossier table alone), then the joins for those rows only."""
        return qs.filter(pk__in=qs.values("pk")[start:end])

    def sql_of(qs: Any) -> str:
        with CaptureQueriesContext(connection) as ctx:
            list(qs)
        return ctx.captured_queries[-1]["sql"]

    plain = issued["GET /mot-cua/"]
    api_page20 = issued["GET /api/v1/dossiers?page=20"]
    queries = {
        "queue page (as issued)": plain["queue page"],
        "queue page, ORDER BY due_at, id": sql_of(base.order_by("due_at", "pk")[:25]),
        "queue page, ids first (deferred join)": sql_of(deferred(base, 0, 25)),
        "API ?page=20 rows (as issued)": api_page20["queue page"],
        "API ?page=20 rows, ORDER BY due_at, id": sql_of(api_base.order_by("due_at", "pk")[950:1000]),
        "API ?page=20 rows, ids first (deferred join)": sql_of(deferred(api_base, 950, 1000)),
        "count (as issued)": plain.get("count"),
        "counters (urgency) (as issued)": plain.get("counters (urgency)"),
        "counters by status (as issued)": plain.get("counters by status"),
        "counters, one GROUP BY status query": sql_of(one_counter_query),
    }
    queries = {name: sql for name, sql in queries.items() if sql}  # the shapes this version still issues
    open_list = ", ".join(str(s) for s in selectors.OPEN_STATUSES)
    candidate_indexes = [
        f"CREATE INDEX bench_open_processing ON dossiers_dossier (processing_agency_id, due_at, id) "
        f"INCLUDE (status) WHERE status IN ({open_list})",
        f"CREATE INDEX bench_open_receiving ON dossiers_dossier (receiving_agency_id, due_at, id) "
        f"INCLUDE (status) WHERE status IN ({open_list})",
    ]
    out["candidate_indexes"] = candidate_indexes
    out["candidates"] = {}

    def run_set(label: str, with_indexes: bool) -> None:
        results: dict[str, Any] = {}
        with transaction.atomic(), connection.cursor() as cursor:
            if with_indexes:
                t = time.perf_counter()
                for ddl in candidate_indexes:
                    cursor.execute(ddl)
                cursor.execute("ANALYZE dossiers_dossier")
                results["_index_build_s"] = round(time.perf_counter() - t, 2)
            for name, sql in queries.items():
                ex = _explain(cursor, sql, args.repeat)
                results[name] = {"sql": sql, "explain": ex}
                say(f"  [{label}] {name:<40} {ex['total_ms']:>8} ms  {ex['summary'][:140]}")
            transaction.set_rollback(True)  # the candidate indexes never stay
        out["candidates"][label] = results

    run_set("as is", with_indexes=False)
    run_set("with partial indexes", with_indexes=True)
    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute("VACUUM dossiers_dossier")
        out["vacuum_s"] = round(time.perf_counter() - t, 2)
    run_set("after VACUUM", with_indexes=False)
    run_set("after VACUUM, with partial indexes", with_indexes=True)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# ------------------------------------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace) -> int:
    gen = json.loads(Path(args.gen).read_text())
    run = json.loads(Path(args.run).read_text())
    exp = json.loads(Path(args.explain).read_text())
    meta = json.loads(Path(args.meta).read_text())
    today = dt.datetime.now(dt.UTC).astimezone().date().isoformat()
    report = {
        "date": today,
        "machine": machine(),
        "git": git_state(),
        "versions": {
            "django": _version("django"),
            "django-ninja": _version("django-ninja"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
            "postgresql": meta.get("pg_version"),
        },
        "method": {
            "client": "bench/queue_1m.py: Python threads, one http.client connection each, loopback; "
            "the /mot-cua/ threads each send their own session cookie (logged in once through the login "
            "form), the API threads the desk officer's bearer token",
            "user": f"{DESK_USER} (reception officer, {gen['agency']['name']} {gen['agency']['identifier']})",
            "server": "gunicorn motcua.config.wsgi:application, 2 sync workers, MOTCUA_ENV=production",
            "duration_s": meta["duration"],
            "warmup_s": meta["warmup"],
            "note": "client and server share the machine's cores; compare runs on the same machine only",
        },
        "meta": meta,
        "generation": gen,
        "http": run,
        "explain": exp,
    }
    out = Path(args.out_dir) / f"queue-1m-{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print(markdown(report))
    say(f"\nResults written to {out}")
    return 0


def markdown(r: dict[str, Any]) -> str:
    m, g, h, e, meta = r["machine"], r["generation"], r["http"], r["explain"], r["meta"]
    dk = g["dong_kinh_open_by_status"]
    lines = [
        f"Officials' queue, {r['date']}: {m['nproc']} CPU, {m['memory_mib']} MiB, PostgreSQL "
        f"{r['versions']['postgresql']} (shared_buffers {e['server']['shared_buffers']}, work_mem "
        f"{e['server']['work_mem']}, autovacuum {e['server']['autovacuum']}), "
        f"Django {r['versions']['django']}, gunicorn {r['versions']['gunicorn']} (2 sync workers); "
        f"{r['method']['duration_s']} s per row after "
        f"{r['method']['warmup_s']} s warm-up; client on the same machine (loopback); load average "
        f"{meta.get('loadavg_at_start')} at start (waited {meta.get('waited_for_quiet_s')} s, lock waited "
        f"{meta.get('lock_wait_s')} s).",
        "",
        f"Data: {g['dossiers_total']:,} dossiers ({g['rows_requested']:,} generated in {g['statements']} "
        f"INSERT … SELECT generate_series statements: **{g['insert_seconds']} s**, ANALYZE "
        f"{g['analyze_seconds']} s; table {g['table_size']}, indexes {g['indexes_size']}). "
        f"{g['agency']['name']}: {g['dong_kinh_total']:,} dossiers, {sum(dk.values()):,} open "
        f"({', '.join(f'status {k}: {v:,}' for k, v in dk.items())}; "
        f"{g['dong_kinh_open_overdue']:,} overdue).",
        "",
        "| Endpoint | Conc. | req/s | p50 ms | p95 ms | p99 ms | Errors | Size (bytes) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, by_c in h["endpoints"].items():
        for c, s in by_c.items():
            size = (
                f"{s['bytes_mean']:,}"
                if s["bytes_min"] == s["bytes_max"]
                else f"{s['bytes_min']:,}–{s['bytes_max']:,}"
            )
            p95 = f"**{s['p95_ms']}**" if s["p95_ms"] >= 100 else str(s["p95_ms"])
            lines.append(
                f"| `{name}` | {c} | {s['requests_per_s']:,} | {s['p50_ms']} | {p95} | {s['p99_ms']} | "
                f"{s['errors']} | {size} |"
            )
    lines += [
        "",
        "SQL per request (in-process, Django test client) and EXPLAIN (ANALYZE, BUFFERS) of its dossier "
        "queries (planning + execution, median of the runs):",
        "",
        "| Request | SQL queries | SQL ms | Dossier query | Plan total ms | Plan |",
        "| --- | ---: | ---: | --- | ---: | --- |",
    ]
    for name, req in e["requests"].items():
        first = True
        for key, q in req["dossier_queries"].items():
            lead = f"| `{name}` | {req['queries']} | {req['sql_ms']} " if first else "| | | "
            lines.append(f"{lead}| {key} | {q['explain']['total_ms']} | {q['explain']['summary'][:220]} |")
            first = False
    labels = list(e["candidates"])
    lines += [
        "",
        "Candidate changes on the plain workspace's queries, plan total ms (indexes built in a rolled-back "
        "transaction: " + "; ".join(f"`{d}`" for d in e["candidate_indexes"]) + "):",
        "",
        "| Query | " + " | ".join(labels) + " |",
        "| --- |" + " ---: |" * len(labels),
    ]
    names = [k for k in e["candidates"][labels[0]] if not k.startswith("_")]
    for q in names:
        lines.append(
            f"| {q} | "
            + " | ".join(str(e["candidates"][lab][q]["explain"]["total_ms"]) for lab in labels)
            + " |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("generate")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--batch", type=int, default=100_000)
    p.add_argument("--dong-kinh-share", type=float, default=0.2)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--concurrency", default="1,8")
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("explain")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("report")
    p.add_argument("--gen", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--explain", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
