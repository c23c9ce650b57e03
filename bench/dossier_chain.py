"""Dossier benchmark: desk reception and the processing chain over HTTP on loopback, against pgbench floors.

Plain Python threads, one ``http.client`` connection each (gunicorn's sync workers close after every
response, so each request is a fresh TCP connection, as in bench/catalog_search.py, whose helpers this
imports). ``bench/dossier_chain.sh`` drives it; the subcommands are:

    agency   print the identifier of the demo commune committee (Phường Đông Kinh, NSO code 05977)
    run      reception at each concurrency, then the action chain on the dossiers it created
    pgbench  pgbench -S and -N floors on a scratch database of the same server (percentiles from -l logs)
    queries  in-process (Django test client): SQL statements, writes, commits and call sites per request
    check    the day's codes of the agency: unique and gap-free (0001..N), and the sequence row agrees
    report   merge into bench/results/dossiers-<date>.json and print one Markdown table

Numbers are for comparing runs on the same machine; client, server and PostgreSQL share its cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import queue
import re
import resource
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import django_setup
from catalog_search import (  # bench/ is not a package: its folder is on sys.path
    _check_loopback,
    _version,
    git_state,
    machine,
    percentile,
    worker_rss,
)

PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh, assigned to the commune with a 5-step process
APPLICANT = {"name": "Nguyễn Văn Thử", "phone": "0912000000"}
REQUEST_TIMEOUT = 30.0
MAX_RECEPTIONS = 8000  # all reception runs together: a day's codes stop at 9999 (codes.MAX_DAILY_NUMBER)
ERROR_SAMPLES = 5
ROLES = ("desk", "specialist", "head", "leader")
TOKEN_ENV = {role: f"BENCH_TOKEN_{role.upper()}" for role in ROLES}

# A one-page PDF (the same bytes as motcua.demo.dossiers): passes the type check by its magic number.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
BOUNDARY = "----motcua-bench-boundary-7d1f"


def multipart_result_file() -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nresult\r\n'.encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="ket-qua.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + PDF
        + b"\r\n",
        f"--{BOUNDARY}--\r\n".encode(),
    ]
    return b"".join(parts)


@dataclass(frozen=True)
class Step:
    """One request of the chain: who sends it, what, and what a success looks like."""

    label: str  # row name in the report
    role: str
    path: str  # with {code}
    expect_http: int
    expect_status: int | None = None  # the dossier's status in the response (DossierOut.status)
    multipart: bool = False


ACT = "/api/v1/dossiers/{code}/actions/"
CHAIN_CORE = (
    Step("actions/forward (desk)", "desk", ACT + "forward", 200, 4),
    Step("actions/complete_step (specialist)", "specialist", ACT + "complete_step", 200, 4),
    Step("actions/complete_step (head)", "head", ACT + "complete_step", 200, 4),
)
RESULT_FILE = Step(
    "files kind=result (leader)", "leader", "/api/v1/dossiers/{code}/files", 201, multipart=True
)
LEADER_DONE = Step("actions/complete_step (leader)", "leader", ACT + "complete_step", 200, 9)
RETURN = Step("actions/return_result (desk)", "desk", ACT + "return_result", 200, 10)


def chain_steps(with_return: bool) -> list[Step]:
    if with_return:
        return [*CHAIN_CORE, RESULT_FILE, LEADER_DONE, RETURN]
    return [*CHAIN_CORE, LEADER_DONE]


# --------------------------------------------------------------------------------------------- load


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    ends: list[float] = field(default_factory=list)  # perf_counter() when each of those finished
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def error(self, kind: str, body: bytes = b"") -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
        if len(self.error_samples) < ERROR_SAMPLES:
            self.error_samples.append(f"{kind}: {body[:300].decode('utf-8', 'replace')}")

    def merge(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.ends += other.ends
        self.errors += other.errors
        for kind, n in other.error_kinds.items():
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + n
        self.error_samples = (self.error_samples + other.error_samples)[:ERROR_SAMPLES]


class Http:
    """One keep-alive-when-allowed connection; reconnects after the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes, float]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        elapsed = time.perf_counter() - t0
        if resp.will_close:
            self.close()
        return resp.status, data, elapsed

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def summarise(sample: Sample, elapsed: float, t0: float = 0.0) -> dict[str, Any]:
    lat = sorted(sample.latencies)
    done = len(lat)
    slowest = sorted(zip(sample.latencies, sample.ends, strict=True), reverse=True)[:5]
    return {
        "requests": done,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000, 1),
        "p95_ms": round(percentile(lat, 95) * 1000, 1),
        "p99_ms": round(percentile(lat, 99) * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else 0.0,
        # the slowest requests: latency and when they started, in seconds from the row's start
        "slowest": [{"ms": round(x * 1000, 1), "started_at_s": round(end - x - t0, 2)} for x, end in slowest]
        if t0
        else [],
        "errors": sample.errors,
        "error_kinds": sample.error_kinds,
        "error_samples": sample.error_samples,
    }


class Meter:
    """Client CPU and the 1-minute load average around one row."""

    def __enter__(self) -> Meter:
        self.ru0 = resource.getrusage(resource.RUSAGE_SELF)
        self.load0 = os.getloadavg()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        self.client_cpu_s = (ru1.ru_utime - self.ru0.ru_utime) + (ru1.ru_stime - self.ru0.ru_stime)
        self.load1 = os.getloadavg()[0]

    def fields(self) -> dict[str, Any]:
        return {
            "client_cpu_s": round(self.client_cpu_s, 2),
            "loadavg_1m_before_after": [round(self.load0, 2), round(self.load1, 2)],
        }


def _headers(token: str, content_type: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type, "Accept": "application/json"}


def reception(
    host: str,
    port: int,
    *,
    token: str,
    agency: str,
    concurrency: int,
    seconds: float,
    budget: list[int],
    codes: queue.Queue[str],
) -> tuple[Sample, float, list[str]]:
    """``concurrency`` desk clients receive paper dossiers for ``seconds``; the codes go to ``codes``."""
    body = json.dumps(
        {"procedure": PROCEDURE, "agency": agency, "channel": 1, "applicant": APPLICANT}, ensure_ascii=False
    ).encode()
    headers = _headers(token, "application/json")
    lock = threading.Lock()
    samples = [Sample() for _ in range(concurrency)]
    made: list[list[str]] = [[] for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        client, out = Http(host, port), samples[n]
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                try:
                    status, data, elapsed = client.send("POST", "/api/v1/dossiers", body, headers)
                except (OSError, http.client.HTTPException) as exc:
                    out.error(type(exc).__name__)
                    time.sleep(0.01)
                    continue
                if status != 201:
                    out.error(f"HTTP {status}", data)
                    continue
                try:
                    code = json.loads(data)["code"]
                except (ValueError, KeyError):
                    out.error("bad JSON", data)
                    continue
                out.latencies.append(elapsed)
                out.ends.append(time.perf_counter())
                made[n].append(code)
                codes.put(code)
        finally:
            client.close()

    return (*_run_threads(worker, concurrency, seconds, samples), [c for m in made for c in m])


def _run_threads(
    worker: Callable[[int], None], concurrency: int, seconds: float, samples: list[Sample]
) -> tuple[Sample, float]:
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 8 * REQUEST_TIMEOUT)
    elapsed = time.perf_counter() - t0
    total = Sample()
    for s in samples:
        total.merge(s)
    return total, elapsed


def chain(
    host: str,
    port: int,
    *,
    tokens: dict[str, str],
    steps: Sequence[Step],
    concurrency: int,
    seconds: float,
    codes: queue.Queue[str],
) -> tuple[dict[str, Sample], float, dict[str, int]]:
    """Workers take dossiers from the shared queue (never two on one dossier) and run every step on each.

    At the deadline a worker stops between two requests: the dossier it held is left where it got to. A
    failed step abandons that dossier (the next steps would fail too).
    """
    json_headers = {role: _headers(tok, "application/json") for role, tok in tokens.items()}
    form_headers = {
        role: _headers(tok, f"multipart/form-data; boundary={BOUNDARY}") for role, tok in tokens.items()
    }
    form_body = multipart_result_file()
    per_worker = [{s.label: Sample() for s in steps} for _ in range(concurrency)]
    counts: list[Counter[str]] = [Counter() for _ in range(concurrency)]
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        client, out, count = Http(host, port), per_worker[n], counts[n]
        try:
            while time.perf_counter() < deadline:
                try:
                    code = codes.get_nowait()
                except queue.Empty:
                    count["ran_out_of_dossiers"] += 1
                    return
                count["dossiers_started"] += 1
                for i, step in enumerate(steps):
                    if time.perf_counter() >= deadline:
                        count["dossiers_left_mid_chain"] += 1
                        return
                    path = step.path.format(code=code)
                    if step.multipart:
                        body, headers = form_body, form_headers[step.role]
                    else:
                        body, headers = b"{}", json_headers[step.role]
                    sample = out[step.label]
                    try:
                        status, data, elapsed = client.send("POST", path, body, headers)
                    except (OSError, http.client.HTTPException) as exc:
                        sample.error(type(exc).__name__)
                        count["dossiers_abandoned"] += 1
                        break
                    if status != step.expect_http:
                        sample.error(f"HTTP {status}", data)
                        count["dossiers_abandoned"] += 1
                        break
                    if step.expect_status is not None:
                        try:
                            got = json.loads(data)["status"]
                        except (ValueError, KeyError):
                            got = None
                        if got != step.expect_status:
                            sample.error(f"status {got} instead of {step.expect_status}", data)
                            count["dossiers_abandoned"] += 1
                            break
                    sample.latencies.append(elapsed)
                    sample.ends.append(time.perf_counter())
                    if i == len(steps) - 1:
                        count["dossiers_completed"] += 1
        finally:
            client.close()

    all_samples = [s for w in per_worker for s in w.values()]
    _, elapsed = _run_threads(worker, concurrency, seconds, all_samples)
    merged = {s.label: Sample() for s in steps}
    for w in per_worker:
        for label, s in w.items():
            merged[label].merge(s)
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return merged, elapsed, dict(total)


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    tokens = {role: os.environ.get(env, "") for role, env in TOKEN_ENV.items()}
    missing = [env for role, env in TOKEN_ENV.items() if not tokens[role]]
    if missing:
        raise SystemExit(f"missing token variables: {', '.join(missing)}")
    codes: queue.Queue[str] = queue.Queue()
    budget = [MAX_RECEPTIONS]
    created: list[str] = []
    results: dict[str, Any] = {"reception": {}, "chain": {}}
    if args.master_pid:
        results["rss_before"] = worker_rss(args.master_pid)

    for c in [int(x) for x in args.reception_concurrency.split(",")]:
        warm, _, made = reception(
            args.host,
            args.port,
            token=tokens["desk"],
            agency=args.agency,
            concurrency=c,
            seconds=args.warmup,
            budget=budget,
            codes=codes,
        )
        created += made
        with Meter() as meter:
            t0 = time.perf_counter()
            sample, elapsed, made = reception(
                args.host,
                args.port,
                token=tokens["desk"],
                agency=args.agency,
                concurrency=c,
                seconds=args.duration,
                budget=budget,
                codes=codes,
            )
        created += made
        row = {**summarise(sample, elapsed, t0), **meter.fields(), "warmup_errors": warm.errors}
        results["reception"][str(c)] = row
        say(
            f"  POST /api/v1/dossiers c={c}: {row['requests_per_s']} req/s  p50 {row['p50_ms']} ms  "
            f"p95 {row['p95_ms']} ms  p99 {row['p99_ms']} ms  errors {row['errors']}"
        )
    results["reception_created_codes"] = len(created)
    results["reception_distinct_codes_seen_by_client"] = len(set(created))
    results["reception_budget_left"] = budget[0]

    steps = chain_steps(not args.no_return)
    results["chain_steps"] = [s.label for s in steps]
    for c in [int(x) for x in args.chain_concurrency.split(",")]:
        chain(
            args.host, args.port, tokens=tokens, steps=steps, concurrency=c, seconds=args.warmup, codes=codes
        )
        with Meter() as meter:
            t0 = time.perf_counter()
            samples, elapsed, counts = chain(
                args.host,
                args.port,
                tokens=tokens,
                steps=steps,
                concurrency=c,
                seconds=args.duration,
                codes=codes,
            )
        actions = Sample()
        for s in samples.values():
            actions.merge(s)
        row = {
            "steps": {label: summarise(s, elapsed, t0) for label, s in samples.items()},
            "all_actions": summarise(actions, elapsed, t0),
            "dossiers": counts,
            "dossiers_completed_per_s": round(counts.get("dossiers_completed", 0) / elapsed, 2),
            **meter.fields(),
        }
        results["chain"][str(c)] = row
        for label, s in row["steps"].items():
            say(
                f"  {label:<36} c={c}: {s['requests_per_s']} req/s  p50 {s['p50_ms']} ms  "
                f"p95 {s['p95_ms']} ms  p99 {s['p99_ms']} ms  errors {s['errors']}"
            )
        say(f"  chain c={c}: {counts}")
    results["dossiers_left_in_queue"] = codes.qsize()
    if args.master_pid:
        results["rss_after"] = worker_rss(args.master_pid)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


# ------------------------------------------------------------------------------------------ pgbench

_TPS = re.compile(r"^tps = ([\d.]+) \(without initial connection time\)", re.M)
_LAT = re.compile(r"^latency average = ([\d.]+) ms", re.M)
_FAILED = re.compile(r"^number of failed transactions: (\d+)", re.M)
_DONE = re.compile(r"^number of transactions actually processed: (\d+)", re.M)


def cmd_pgbench(args: argparse.Namespace) -> int:
    """pgbench -i -s 1 into the scratch database, then -S and -N; percentiles from the per-transaction log."""
    conn = ["-h", args.host, "-p", str(args.port), "-U", args.user]
    if args.host not in {"127.0.0.1", "localhost", "::1"} and not args.host.startswith("/"):
        raise SystemExit(f"refusing pgbench against {args.host}: loopback only")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    timeout = args.duration + 120
    init = subprocess.run(
        ["pgbench", *conn, "-i", "-s", "1", "-q", args.db], capture_output=True, text=True, timeout=timeout
    )
    if init.returncode != 0:
        raise SystemExit(f"pgbench -i failed: {init.stderr[-2000:]}")
    out: dict[str, Any] = {"scale": 1, "clients": args.clients, "threads": args.threads, "modes": {}}
    for mode, what in (("-S", "select-only"), ("-N", "simple-update (no teller/branch updates)")):
        prefix = work / f"pgbench{mode}"
        load0 = os.getloadavg()[0]
        run = subprocess.run(
            [
                "pgbench",
                *conn,
                "-c",
                str(args.clients),
                "-j",
                str(args.threads),
                "-T",
                str(int(args.duration)),
                mode,
                "-l",
                f"--log-prefix={prefix}",
                args.db,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=work,
        )
        if run.returncode != 0:
            raise SystemExit(f"pgbench {mode} failed: {run.stderr[-2000:]}")
        lat: list[float] = []
        for log in work.glob(f"pgbench{mode}.*"):
            for line in log.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():  # client, xact no, latency µs, ...
                    lat.append(int(parts[2]) / 1e6)
            log.unlink()
        lat.sort()
        text = run.stdout
        tps = _TPS.search(text)
        avg = _LAT.search(text)
        failed = _FAILED.search(text)
        done = _DONE.search(text)
        out["modes"][mode] = {
            "what": what,
            "tps": round(float(tps[1]), 1) if tps else None,
            "transactions": int(done[1]) if done else len(lat),
            "failed": int(failed[1]) if failed else 0,
            "latency_avg_ms": float(avg[1]) if avg else None,
            "p50_ms": round(percentile(lat, 50) * 1000, 2),
            "p95_ms": round(percentile(lat, 95) * 1000, 2),
            "p99_ms": round(percentile(lat, 99) * 1000, 2),
            "loadavg_1m_before_after": [round(load0, 2), round(os.getloadavg()[0], 2)],
            "command": f"pgbench -c {args.clients} -j {args.threads} -T {int(args.duration)} {mode}",
        }
        print(
            f"  pgbench {mode}: {out['modes'][mode]['tps']} tps  p50 {out['modes'][mode]['p50_ms']} ms",
            file=sys.stderr,
            flush=True,
        )
    Path(args.out).write_text(json.dumps(out, indent=2))
    return 0


# ------------------------------------------------------------------------------------------ queries


def _demo_agency_identifier() -> str:
    from motcua.agencies.models import Agency, AgencyKind
    from motcua.demo import catalog as plan

    return Agency.objects.get(
        kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit_code="05977", valid_from=plan.REFORM
    ).identifier


def cmd_agency(args: argparse.Namespace) -> int:
    django_setup()
    print(_demo_agency_identifier())
    return 0


SRC_MARK = f"{os.sep}motcua{os.sep}"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)
SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)


class QueryRecorder:
    """Every statement of a request with the project's call sites (file:line), and the commits.

    Commits are counted where they happen: Django's outermost ``atomic()`` calls ``connection.commit()``;
    a write outside any ``atomic()`` commits by itself (autocommit).
    """

    def __init__(self, connection: Any, src_root: Path) -> None:
        self.connection, self.src_root = connection, src_root
        self.statements: list[dict[str, Any]] = []
        self.commits = 0

    def __enter__(self) -> QueryRecorder:
        conn = self.connection
        self._original_commit = conn.commit

        def commit() -> None:
            self.commits += 1
            self._original_commit()

        conn.commit = commit
        self._wrapper = conn.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)
        del self.connection.commit  # back to the class's method

    def _record(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        sites = []
        for frame in traceback.extract_stack()[:-1]:
            if SRC_MARK in frame.filename and "site-packages" not in frame.filename:
                try:
                    rel = Path(frame.filename).resolve().relative_to(self.src_root)
                except ValueError:
                    continue
                sites.append(f"{rel}:{frame.lineno} {frame.name}")
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = "savepoint" if SAVEPOINT.match(sql) else "write" if WRITE.match(sql) else "read"
            in_atomic = self.connection.in_atomic_block
            self.statements.append(
                {
                    "sql": sql,
                    "kind": kind,
                    "autocommit_write": kind == "write" and not in_atomic,
                    "ms": (time.perf_counter() - t0) * 1000,
                    "site": sites[-1] if sites else "(framework)",
                    "stack": sites[-4:],
                }
            )

    def summary(self) -> dict[str, Any]:
        kinds = Counter(s["kind"] for s in self.statements)
        autocommits = sum(1 for s in self.statements if s["autocommit_write"])
        by_site: Counter[str] = Counter(s["site"] for s in self.statements)
        tables: Counter[str] = Counter()
        for s in self.statements:
            m = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"([a-z_]+)"', s["sql"])
            tables[f"{s['kind']} {m[1] if m else s['sql'][:40]}"] += 1
        return {
            "statements": len(self.statements),
            "reads": kinds["read"],
            "writes": kinds["write"],
            "savepoint_statements": kinds["savepoint"],
            "commits": self.commits + autocommits,
            "sql_ms": round(sum(s["ms"] for s in self.statements), 1),
            "by_site": dict(by_site.most_common()),
            "by_table": dict(tables.most_common()),
            "repeated_sites": {site: n for site, n in by_site.most_common() if n > 1},
            "sql": [
                {
                    "site": s["site"],
                    "stack": s["stack"],
                    "kind": s["kind"],
                    "ms": round(s["ms"], 2),
                    "sql": s["sql"][:300],
                }
                for s in self.statements
            ],
        }


def cmd_queries(args: argparse.Namespace) -> int:
    """SQL per request, in-process with the server's settings: one warm-up dossier, then one measured."""
    django_setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    tokens = {role: os.environ[env] for role, env in TOKEN_ENV.items()}
    src_root = Path(__file__).resolve().parents[1] / "src"
    client = Client(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
    agency = args.agency or _demo_agency_identifier()
    body = {"procedure": PROCEDURE, "agency": agency, "channel": 1, "applicant": APPLICANT}
    steps = chain_steps(True)
    out: dict[str, Any] = {}

    def call(role: str, method: str, path: str, **kw: Any) -> Any:
        auth = {"Authorization": f"Bearer {tokens[role]}"}
        if method == "GET":
            return client.get(path, headers=auth)
        if kw.get("multipart"):
            return client.post(path, kw["data"], headers=auth)
        data = json.dumps(kw.get("data", {}))
        return client.post(path, data, content_type="application/json", headers=auth)

    def measured(key: str, role: str, method: str, path: str, expect: int, **kw: Any) -> Any:
        with QueryRecorder(connection, src_root) as rec:
            resp = call(role, method, path, **kw)
        if resp.status_code != expect:
            raise SystemExit(f"{key}: HTTP {resp.status_code} {resp.content[:500]!r}")
        out[key] = {"status": resp.status_code, **rec.summary()}
        return resp

    def run_chain(code: str, measure: bool) -> None:
        for step in steps:
            kw: dict[str, Any] = {}
            if step.multipart:
                kw = {
                    "data": {
                        "kind": "result",
                        "file": SimpleUploadedFile("ket-qua.pdf", PDF, "application/pdf"),
                    },
                    "multipart": True,
                }
            path = step.path.format(code=code)
            if measure:
                measured(f"POST {step.label}", step.role, "POST", path, step.expect_http, **kw)
            else:
                resp = call(step.role, "POST", path, **kw)
                if resp.status_code != step.expect_http:
                    raise SystemExit(f"warm-up {step.label}: HTTP {resp.status_code} {resp.content[:500]!r}")

    # Warm-up: caches (work calendar, content types, templates), the connection, then the measured pass.
    warm = call("desk", "POST", "/api/v1/dossiers", data=body)
    if warm.status_code != 201:
        raise SystemExit(f"warm-up reception: HTTP {warm.status_code} {warm.content[:500]!r}")
    run_chain(warm.json()["code"], measure=False)
    resp = measured(
        "POST /api/v1/dossiers (desk reception)", "desk", "POST", "/api/v1/dossiers", 201, data=body
    )
    code = resp.json()["code"]
    measured("GET /api/v1/dossiers/{code} (desk, received)", "desk", "GET", f"/api/v1/dossiers/{code}", 200)
    run_chain(code, measure=True)
    measured("GET /api/v1/dossiers/{code} (desk, returned)", "desk", "GET", f"/api/v1/dossiers/{code}", 200)
    for size in (1, 10, 50):
        resp = measured(
            f"GET /api/v1/dossiers?page_size={size} (desk queue)",
            "desk",
            "GET",
            f"/api/v1/dossiers?page_size={size}",
            200,
        )
        out[f"GET /api/v1/dossiers?page_size={size} (desk queue)"]["rows"] = len(resp.json()["results"])
    for size in (1, 10, 50):
        resp = measured(
            f"GET /api/v1/dossiers?page_size={size} (specialist queue)",
            "specialist",
            "GET",
            f"/api/v1/dossiers?page_size={size}",
            200,
        )
        out[f"GET /api/v1/dossiers?page_size={size} (specialist queue)"]["rows"] = len(resp.json()["results"])
    measured("GET /api/v1/tracking/{code} (public)", "desk", "GET", f"/api/v1/tracking/{code}", 200)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    for key, v in out.items():
        print(
            f"  {key:<55} {v['statements']:>3} SQL ({v['writes']} writes, {v['commits']} commits)",
            file=sys.stderr,
        )
    return 0


# ------------------------------------------------------------------------------------------- check


def cmd_check(args: argparse.Namespace) -> int:
    """Codes per (agency, day): unique, 0001..N with no hole, and the sequence row's last number is N."""
    django_setup()
    from django.db.models import Count

    from motcua.agencies.models import Agency
    from motcua.dossiers.codes import DossierCodeError, parse_dossier_code
    from motcua.dossiers.models import Dossier, DossierSequence

    agency = Agency.objects.get(identifier=args.agency or _demo_agency_identifier())
    rows = [
        code
        for code in Dossier.objects.filter(receiving_agency=agency).values_list("code", flat=True)
        if code is not None
    ]
    days: dict[dt.date, list[int]] = {}
    bad: list[str] = []
    for code in rows:
        try:
            parsed = parse_dossier_code(code)
        except DossierCodeError:
            bad.append(code)
            continue
        if parsed.agency_identifier != agency.identifier:
            bad.append(code)
            continue
        days.setdefault(parsed.day, []).append(parsed.number)
    sequences = {s.day: s.last_number for s in DossierSequence.objects.filter(agency=agency)}
    per_day = []
    ok = not bad and bool(days)
    for day, numbers in sorted(days.items()):
        counts = Counter(numbers)
        duplicates = sorted(n for n, k in counts.items() if k > 1)
        n = max(numbers)
        missing = sorted(set(range(1, n + 1)) - set(numbers))
        day_ok = not duplicates and not missing and len(numbers) == n and sequences.get(day) == n
        ok = ok and day_ok
        per_day.append(
            {
                "day": day.isoformat(),
                "codes": len(numbers),
                "highest": n,
                "sequence_last_number": sequences.get(day),
                "duplicates": duplicates[:20],
                "missing": missing[:20],
                "missing_count": len(missing),
                "unique_and_gap_free": day_ok,
            }
        )
    bench = Dossier.objects.filter(receiving_agency=agency, applicant_name=APPLICANT["name"])
    statuses = {
        str(r["status"]): r["n"] for r in bench.values("status").annotate(n=Count("pk")).order_by("status")
    }
    result = {
        "agency": agency.identifier,
        "agency_name": agency.name,
        "codes_total": len(rows),
        "malformed_codes": bad[:20],
        "per_day": per_day,
        "unique_and_gap_free": ok,
        "bench_dossiers_in_db": bench.count(),
        "bench_dossiers_by_status": statuses,
        "dossiers_in_db_total": Dossier.objects.count(),
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"  codes: {len(rows)}, unique and gap-free: {ok} {per_day}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------------------ report


def cmd_report(args: argparse.Namespace) -> int:
    run = json.loads(Path(args.run).read_text())
    pgb = json.loads(Path(args.pgbench).read_text())
    sql = json.loads(Path(args.queries).read_text())
    check = json.loads(Path(args.check).read_text())
    meta = json.loads(Path(args.meta).read_text())
    today = dt.datetime.now(dt.UTC).astimezone().date().isoformat()
    write_tps = pgb["modes"]["-N"]["tps"] or 0.0
    rec = run["reception"]
    best_c, _ = max(rec.items(), key=lambda kv: kv[1]["requests_per_s"])
    ratios = {c: round(r["requests_per_s"] / write_tps, 4) if write_tps else None for c, r in rec.items()}
    report = {
        "date": today,
        "machine": machine(),
        "git": {
            **git_state(),
            "head_at_server_start": meta.get("git_head_at_server_start"),
            "src_sha_at_server_start": meta.get("src_sha_at_server_start"),
            "src_sha_at_end": meta.get("src_sha_at_end"),
            "src_changed_during_run": meta.get("src_sha_at_server_start") != meta.get("src_sha_at_end"),
        },
        "versions": {
            "python": platform.python_version(),
            "django": _version("django"),
            "django-ninja": _version("django-ninja"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
            "postgresql": meta.get("pg_version"),
            "pgbench": meta.get("pgbench_version"),
        },
        "method": {
            "client": "bench/dossier_chain.py: Python threads, one http.client connection each, loopback",
            "server": "gunicorn motcua.config.wsgi:application, 2 sync workers, MOTCUA_ENV=production",
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "reception_body": {
                "procedure": PROCEDURE,
                "agency": check["agency"],
                "channel": 1,
                "applicant": APPLICANT,
            },
            "chain": run.get("chain_steps"),
            "chain_note": "workers take dossiers created by the reception rows from one shared queue; a "
            "worker stops between requests at the deadline; a failed step abandons the dossier",
            "errors": "reception: any non-201; chain: any unexpected HTTP status or dossier status",
            "note": "client, server and PostgreSQL share the machine's cores; compare runs on one machine",
        },
        "postgres_settings": meta.get("pg_settings"),
        "waited_for_quiet_s": meta.get("waited_for_quiet_s"),
        "loadavg_1m_at_start": meta.get("loadavg_at_start"),
        "max_load": meta.get("max_load"),
        "demo_import_s": meta.get("import_s"),
        "reception": rec,
        "chain": run["chain"],
        "pgbench": pgb,
        "reception_to_pgbench_write_tps": {
            "by_concurrency": ratios,
            "best": {"concurrency": int(best_c), "ratio": ratios[best_c]},
        },
        "codes_unique_and_gap_free": check["unique_and_gap_free"],
        "codes_check": check,
        "client_counts": {
            "reception_201_codes": run.get("reception_created_codes"),
            "distinct_codes_seen": run.get("reception_distinct_codes_seen_by_client"),
            "dossiers_left_in_queue": run.get("dossiers_left_in_queue"),
        },
        "sql_per_request": {k: {kk: vv for kk, vv in v.items() if kk != "sql"} for k, v in sql.items()},
        "sql_statements": {k: v["sql"] for k, v in sql.items()},
        "rss_before": run.get("rss_before"),
        "rss_after": run.get("rss_after"),
    }
    out = Path(args.out_dir) / f"dossiers-{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(markdown(report))
    print(f"\nResults written to {out}", file=sys.stderr)
    return 0


def _sql_for(report: dict[str, Any], label: str) -> str:
    for key, v in report["sql_per_request"].items():
        if label in key:
            return f"{v['statements']} ({v['writes']} w, {v['commits']} c)"
    return ""


def markdown(report: dict[str, Any]) -> str:
    m, v = report["machine"], report["versions"]
    pg = report["pgbench"]
    lines = [
        f"Dossier benchmark, {report['date']}: {m['nproc']} CPU, {m['memory_mib']} MiB, "
        f"Python {v['python']}, "
        f"Django {v['django']}, gunicorn {v['gunicorn']} (2 sync workers), PostgreSQL {v['postgresql']}; "
        f"{report['method']['duration_s']} s per row after {report['method']['warmup_s']} s warm-up; client "
        f"on the same machine (loopback). 1-minute load {report['loadavg_1m_at_start']} at start "
        f"(waited {report['waited_for_quiet_s']} s for ≤ {report['max_load']}). "
        "SQL = statements per request (writes, commits), in-process.",
        "",
        "| Phase | Request (actor) | Conc. | req/s | p50 ms | p95 ms | p99 ms | Errors | SQL |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c, r in report["reception"].items():
        lines.append(
            f"| Reception | `POST /api/v1/dossiers` (desk) | {c} | {r['requests_per_s']:,} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {_sql_for(report, 'desk reception')} |"
        )
    for c, row in report["chain"].items():
        for label, s in row["steps"].items():
            lines.append(
                f"| Chain | `{label}` | {c} | {s['requests_per_s']:,} | {s['p50_ms']} | {s['p95_ms']} | "
                f"{s['p99_ms']} | {s['errors']} | {_sql_for(report, label)} |"
            )
        a = row["all_actions"]
        lines.append(
            f"| Chain | all actions ({row['dossiers'].get('dossiers_completed', 0)} dossiers done, "
            f"{row['dossiers_completed_per_s']}/s) | {c} | {a['requests_per_s']:,} | {a['p50_ms']} | "
            f"{a['p95_ms']} | {a['p99_ms']} | {a['errors']} | |"
        )
    for mode, r in pg["modes"].items():
        lines.append(
            f"| Floor | `pgbench {mode}` ({r['what']}), tps | {pg['clients']} | {r['tps']:,} | "
            f"{r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['failed']} | |"
        )
    ratio = report["reception_to_pgbench_write_tps"]
    by_c = ", ".join(f"c={c}: {x}" for c, x in ratio["by_concurrency"].items())
    lines += [
        "",
        f"Reception / pgbench -N TPS: {by_c} "
        f"(best c={ratio['best']['concurrency']}: {ratio['best']['ratio']}). "
        f"Codes of the day unique and gap-free: **{report['codes_unique_and_gap_free']}** "
        f"({report['codes_check']['codes_total']} codes).",
    ]
    if report["git"]["src_changed_during_run"]:
        lines.append(
            "**src/ changed during the run: the SQL column may describe newer code than the server.**"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("agency")
    p.set_defaults(func=cmd_agency)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--agency", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--reception-concurrency", default="1,8,32")
    p.add_argument("--chain-concurrency", default="1,8")
    p.add_argument("--no-return", action="store_true", help="only the 4 actions: no result file, no return")
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("pgbench")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5432)
    p.add_argument("--user", default="postgres")
    p.add_argument("--db", required=True)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_pgbench)

    p = sub.add_parser("queries")
    p.add_argument("--agency", default="")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser("check")
    p.add_argument("--agency", default="")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("report")
    p.add_argument("--run", required=True)
    p.add_argument("--pgbench", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--check", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
