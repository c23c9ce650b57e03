"""Load generator and report for the procedure catalogue, over HTTP on loopback only.

Plain Python (stdlib only for the load itself): threads, each with its own ``http.client`` connection
(kept alive when the server allows it; gunicorn's sync workers close after every response, and
``http.client`` then reconnects on the next request). ``bench/run.sh`` drives it; the subcommands are:

    wait     URL until it answers 200 (bounded)
    run      the fixed query mix against one server; writes one backend's results as JSON
    queries  in-process (Django test client): SQL query count and time per request, no timing of HTTP
    report   merge the backends' JSON into bench/results/catalog-<date>.json and print Markdown tables

Numbers are for comparing runs on the same machine; client and server share its cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import platform
import resource
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The query mix: taken from real procedure names in the catalogue (folded or with diacritics), one code,
# broad single words and one query with no result. Fixed and ordered: every run sends the same requests.
QUERIES: list[str] = [
    "dang ky khai sinh",
    "giay phep xay dung",
    "ho kinh doanh",
    "dat dai",
    "chung thuc",
    "đăng ký kết hôn",
    "ly lich tu phap",
    "quyen su dung dat",
    "nuoi con nuoi",
    "cap",
    "thuoc",
    "1.001193",
    "xyzzy khong co thu tuc nay",
]
DETAIL_CODE = "1.001193"  # Thủ tục đăng ký khai sinh
# Only for the per-query diagnostics: the browse page with no words.
DIAGNOSTIC_QUERIES: list[str] = ["", *QUERIES]

MAX_REQUESTS_PER_RUN = 200_000
REQUEST_TIMEOUT = 30.0


def api_search(q: str) -> str:
    return "/api/v1/procedures?" + urllib.parse.urlencode({"q": q})


def html_search(q: str) -> str:
    return "/thu-tuc/?" + urllib.parse.urlencode({"q": q})


ENDPOINTS: dict[str, list[str]] = {
    "GET /api/v1/procedures?q=": [api_search(q) for q in QUERIES],
    "GET /thu-tuc/?q=": [html_search(q) for q in QUERIES],
    f"GET /api/v1/procedures/{DETAIL_CODE}": [f"/api/v1/procedures/{DETAIL_CODE}"],
    f"GET /thu-tuc/{DETAIL_CODE}/": [f"/thu-tuc/{DETAIL_CODE}/"],
}


# --------------------------------------------------------------------------------------------- load


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    sizes: list[int] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    closes: int = 0  # responses after which the server closed the connection
    client_cpu_s: float = 0.0  # CPU the load generator itself used (it shares the machine)
    loadavg: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def merge(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.sizes += other.sizes
        self.errors += other.errors
        self.closes += other.closes
        for kind, n in other.error_kinds.items():
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + n


def _check_loopback(host: str) -> None:
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing to load {host}: this benchmark targets loopback only")


def _worker(
    host: str, port: int, paths: Sequence[str], start: int, deadline: float, budget: list[int], out: Sample
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    i = start
    try:
        while time.perf_counter() < deadline:
            with _budget_lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                out.error(type(exc).__name__)
                conn.close()
                time.sleep(0.01)
                continue
            elapsed = time.perf_counter() - t0
            if resp.will_close:
                out.closes += 1
                conn.close()
            if resp.status != 200:
                out.error(f"HTTP {resp.status}")
                continue
            out.latencies.append(elapsed)
            out.sizes.append(len(body))
    finally:
        conn.close()


_budget_lock = threading.Lock()


def load(
    host: str, port: int, paths: Sequence[str], *, concurrency: int, seconds: float
) -> tuple[Sample, float]:
    """``concurrency`` threads send ``paths`` round-robin (each from its own offset) for ``seconds``."""
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()[0]
    samples = [Sample() for _ in range(concurrency)]
    budget = [MAX_REQUESTS_PER_RUN]
    t0 = time.perf_counter()
    deadline = t0 + seconds
    threads = [
        threading.Thread(
            target=_worker, args=(host, port, paths, n * 3, deadline, budget, samples[n]), daemon=True
        )
        for n in range(concurrency)
    ]
    for t in threads:
        t.start()
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


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def summarise(sample: Sample, elapsed: float) -> dict[str, Any]:
    lat = sorted(sample.latencies)
    done = len(lat)
    return {
        "requests": done,
        "seconds": round(elapsed, 2),
        "requests_per_s": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p95_ms": round(percentile(lat, 95) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else 0.0,
        "errors": sample.errors,
        "error_kinds": sample.error_kinds,
        "bytes_mean": round(sum(sample.sizes) / done) if done else 0,
        "bytes_min": min(sample.sizes) if done else 0,
        "bytes_max": max(sample.sizes) if done else 0,
        "server_closed_connection": sample.closes,
        "client_cpu_s": round(sample.client_cpu_s, 2),
        "loadavg_1m_before_after": [round(x, 2) for x in sample.loadavg],
    }


# ---------------------------------------------------------------------------------------- machine


def _run(cmd: Sequence[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def worker_rss(master_pid: int) -> dict[str, Any]:
    """Resident memory (ps RSS, KiB) of the gunicorn master and its worker processes."""
    workers = []
    for line in _run(["ps", "-o", "pid=,rss=", "--ppid", str(master_pid)]).splitlines():
        pid, rss = line.split()
        workers.append({"pid": int(pid), "rss_kib": int(rss)})
    master = _run(["ps", "-o", "rss=", "-p", str(master_pid)])
    return {
        "master_rss_kib": int(master) if master else None,
        "workers": workers,
        "workers_rss_mib_total": round(sum(w["rss_kib"] for w in workers) / 1024, 1),
        "workers_rss_mib_max": round(max((w["rss_kib"] for w in workers), default=0) / 1024, 1),
    }


def machine() -> dict[str, Any]:
    mem_kib = 0
    cpu = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": int(_run(["nproc"]) or os.cpu_count() or 0),
        "memory_mib": mem_kib // 1024,
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the work tree had uncommitted changes to tracked files."""
    repo = str(Path(__file__).resolve().parents[1])
    commit = _run(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    changed = _run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"])
    return {"commit": commit or None, "uncommitted_changes": bool(changed)}


def _version(dist: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


# ------------------------------------------------------------------------------------ subcommands


def cmd_wait(args: argparse.Namespace) -> int:
    parsed = urllib.parse.urlsplit(args.url)
    _check_loopback(parsed.hostname or "")
    deadline = time.monotonic() + args.timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(args.url, timeout=5) as resp:
                if resp.status == 200:
                    return 0
                last = f"HTTP {resp.status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.25)
    print(f"server did not answer 200 within {args.timeout} s: {last}", file=sys.stderr)
    return 1


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    results: dict[str, Any] = {"endpoints": {}, "per_query": {}}
    say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

    if args.master_pid:
        results["rss_before"] = worker_rss(args.master_pid)

    for name, paths in ENDPOINTS.items():
        results["endpoints"][name] = {}
        for c in concurrencies:
            load(args.host, args.port, paths, concurrency=c, seconds=args.warmup)
            sample, elapsed = load(args.host, args.port, paths, concurrency=c, seconds=args.duration)
            summary = summarise(sample, elapsed)
            results["endpoints"][name][str(c)] = summary
            say(
                f"  {name:<36} c={c}: {summary['requests_per_s']:>7} req/s  p50 {summary['p50_ms']} ms"
                f"  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  errors {summary['errors']}"
            )

    # Per-query diagnostics, sequential: which words are slow. Bounded by count and time.
    for kind, build in (("api", api_search), ("html", html_search)):
        for q in DIAGNOSTIC_QUERIES:
            path = build(q)
            load(args.host, args.port, [path], concurrency=1, seconds=0.2)
            sample, elapsed = _fixed_count(args.host, args.port, path, args.per_query_requests)
            results["per_query"].setdefault(q, {})[kind] = summarise(sample, elapsed)

    if args.master_pid:
        results["rss_after"] = worker_rss(args.master_pid)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def _fixed_count(host: str, port: int, path: str, count: int) -> tuple[Sample, float]:
    sample = Sample()
    budget = [count]
    t0 = time.perf_counter()
    _worker(host, port, [path], 0, t0 + 30.0, budget, sample)
    return sample, time.perf_counter() - t0


def cmd_queries(args: argparse.Namespace) -> int:
    """SQL queries per request, in-process with Django's test client (same settings as the server).

    Also counts the procedures, so the report gives the dataset's size.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
    paths: dict[str, str] = {}
    for q in DIAGNOSTIC_QUERIES:
        paths[f"api|{q}"] = api_search(q)
        paths[f"html|{q}"] = html_search(q)
    paths[f"api|detail {DETAIL_CODE}"] = f"/api/v1/procedures/{DETAIL_CODE}"
    paths[f"html|detail {DETAIL_CODE}"] = f"/thu-tuc/{DETAIL_CODE}/"
    out: dict[str, Any] = {}
    for key, path in paths.items():
        client.get(path)  # warm caches (templates, connection)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(path)
        timed = sorted(((float(q["time"]), q["sql"]) for q in ctx.captured_queries), reverse=True)
        result_count = None
        if key.startswith("api|") and "detail" not in key:
            result_count = json.loads(resp.content)["count"]
        out[key] = {
            "status": resp.status_code,
            "queries": len(ctx.captured_queries),
            "sql_ms": round(sum(t for t, _ in timed) * 1000, 1),
            "slowest_ms": round(timed[0][0] * 1000, 1) if timed else 0.0,
            "slowest_sql": timed[0][1][:600] if timed else "",
            "result_count": result_count,
        }
    from motcua.catalog.models import Procedure, PublicationState

    counts = {
        "procedures": Procedure.objects.count(),
        "published": Procedure.objects.filter(state=PublicationState.PUBLISHED).count(),
    }
    Path(args.out).write_text(json.dumps({**counts, "requests": out}, ensure_ascii=False, indent=2))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    backends = []
    for path in args.backend_files:
        backends.append(json.loads(Path(path).read_text()))
    today = dt.datetime.now(dt.UTC).astimezone().date().isoformat()
    report = {
        "date": today,
        "machine": machine(),
        "git": git_state(),
        "versions": {
            "python": platform.python_version(),
            "django": _version("django"),
            "django-ninja": _version("django-ninja"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
        },
        "method": {
            "client": "bench/catalog_search.py: Python threads, one http.client connection each, loopback",
            "server": "gunicorn motcua.config.wsgi:application, 2 sync workers",
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "query_mix": QUERIES,
            "detail_code": DETAIL_CODE,
            "note": "client and server share the machine's cores; compare runs on the same machine only",
        },
        "backends": backends,
    }
    out = Path(args.out_dir) / f"catalog-{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(markdown(report))
    print(f"\nResults written to {out}", file=sys.stderr)
    return 0


def markdown(report: dict[str, Any]) -> str:
    m, v = report["machine"], report["versions"]
    lines = [
        f"Catalogue benchmark, {report['date']}: {m['nproc']} CPU, {m['memory_mib']} MiB, "
        f"Python {v['python']}, Django {v['django']}, gunicorn {v['gunicorn']} (2 sync workers); "
        f"{report['method']['duration_s']} s per row after {report['method']['warmup_s']} s warm-up; "
        "client on the same machine (loopback).",
        "",
        "| Backend | Procedures | Import, first run (s) | Import, second run (s) | Worker RSS after (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for b in report["backends"]:
        rss = b.get("rss_after", {})
        lines.append(
            f"| {b['backend_label']} | {b['procedures']:,} | {b['import_first_s']:.1f} | "
            f"{b['import_second_s']:.1f} | {rss.get('workers_rss_mib_max', 0)} each, "
            f"{rss.get('workers_rss_mib_total', 0)} total |"
        )
    loads = [
        x
        for b in report["backends"]
        for by_c in b["endpoints"].values()
        for s in by_c.values()
        for x in s.get("loadavg_1m_before_after", [])
    ]
    if loads:
        busy = max(loads) > m["nproc"]
        lines += [
            "",
            f"Machine 1-minute load average during the rows: {min(loads):.1f}–{max(loads):.1f} "
            f"on {m['nproc']} CPUs (anything else running on the machine shows here)."
            + (" **The machine was busy: these figures understate the server.**" if busy else ""),
        ]
    lines += [
        "",
        "| Backend | Endpoint | Conc. | req/s | p50 ms | p95 ms | p99 ms | Errors | Size (bytes) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for b in report["backends"]:
        for name, by_c in b["endpoints"].items():
            for c, s in by_c.items():
                size = (
                    f"{s['bytes_mean']:,}"
                    if s["bytes_min"] == s["bytes_max"]
                    else f"{s['bytes_min']:,}–{s['bytes_max']:,}"
                )
                lines.append(
                    f"| {b['backend']} | `{name}` | {c} | {s['requests_per_s']:,} | {s['p50_ms']} | "
                    f"{s['p95_ms']} | {s['p99_ms']} | {s['errors']} | {size} |"
                )
    lines += [
        "",
        "Per query, sequential (median of "
        + str(report["backends"][0]["per_query_requests"] if report["backends"] else 0)
        + " requests) and SQL queries per request:",
        "",
        "| Backend | q | Results | API p50 ms | API SQL | HTML p50 ms | HTML SQL | HTML SQL ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for b in report["backends"]:
        sql = b.get("sql", {})
        for q, kinds in b["per_query"].items():
            api_sql, html_sql = sql.get(f"api|{q}", {}), sql.get(f"html|{q}", {})
            lines.append(
                f"| {b['backend']} | {q or '(empty: browse)'} | {api_sql.get('result_count', '')} | "
                f"{kinds['api']['p50_ms']} | {api_sql.get('queries', '')} | {kinds['html']['p50_ms']} | "
                f"{html_sql.get('queries', '')} | {html_sql.get('sql_ms', '')} |"
            )
    return "\n".join(lines)


def cmd_backend(args: argparse.Namespace) -> int:
    """Assemble one backend's JSON from the pieces run.sh collected."""
    run = json.loads(Path(args.run).read_text())
    sql = json.loads(Path(args.sql).read_text())
    data = {
        "backend": args.backend,
        "backend_label": args.label,
        "backend_version": args.backend_version,
        "settings": args.settings,
        "procedures": sql["procedures"],
        "procedures_published": sql["published"],
        "import_first_s": args.import_first,
        "import_second_s": args.import_second,
        "per_query_requests": args.per_query_requests,
        "waited_for_quiet_s": args.waited_for_quiet,
        "loadavg_1m_at_start": args.load_at_start,
        **run,
        "sql": sql["requests"],
    }
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("wait")
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=30)
    p.set_defaults(func=cmd_wait)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--concurrency", default="1,8")
    p.add_argument("--per-query-requests", type=int, default=15)
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("queries")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser("backend")
    p.add_argument("--backend", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--backend-version", default="")
    p.add_argument("--settings", default="")
    p.add_argument("--import-first", type=float, required=True)
    p.add_argument("--import-second", type=float, required=True)
    p.add_argument("--per-query-requests", type=int, default=15)
    p.add_argument("--waited-for-quiet", type=float, default=0)
    p.add_argument("--load-at-start", type=float, default=0)
    p.add_argument("--run", required=True)
    p.add_argument("--sql", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_backend)

    p = sub.add_parser("report")
    p.add_argument("backend_files", nargs="+")
    p.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
