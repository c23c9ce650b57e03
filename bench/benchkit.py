"""What the HTTP benchmarks share: Django set-up, a fixed-count load generator, EXPLAIN plan summaries, the
gunicorn workers' memory and the CPU time of processes and of the whole machine (from /proc).

bench/ is not a package: scripts import this module from their own folder (``sys.path`` holds it when a
script runs). ``Sample`` and the machine facts come from ``catalog_search``, the first benchmark.
"""

from __future__ import annotations

import http.client
import os
import resource
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from catalog_search import REQUEST_TIMEOUT, Sample

# EXPLAIN (FORMAT JSON) node fields worth keeping in results.
PLAN_FIELDS = (
    "Node Type",
    "Relation Name",
    "Index Name",
    "Join Type",
    "Actual Rows",
    "Actual Loops",
    "Plan Rows",
    "Sort Method",
    "Sort Space Used",
    "Exact Heap Blocks",
    "Lossy Heap Blocks",
    "Heap Fetches",
    "Rows Removed by Filter",
    "Rows Removed by Index Recheck",
    "Shared Hit Blocks",
    "Shared Read Blocks",
    "Actual Total Time",
    "Index Cond",
    "Recheck Cond",
    "Filter",
)


def say(msg: str) -> None:
    sys.stderr.write(msg + "\n")  # one write: lines of concurrent threads do not interleave
    sys.stderr.flush()


def django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    django.setup()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[int, bytes, bool]:
    """One GET on a kept-alive connection: status, body, and whether the server closed it."""
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    if resp.will_close:
        conn.close()
    return resp.status, body, resp.will_close


def load_fixed(
    host: str,
    port: int,
    items: Sequence[tuple[str, dict[str, str]]],
    *,
    concurrency: int,
    cap_s: float,
) -> tuple[Sample, float, bool]:
    """``concurrency`` threads, one connection each, send every (path, headers) of ``items`` once, in
    order; they stop early at ``cap_s`` seconds. Returns the merged sample, the elapsed time and whether
    the cap cut the run short."""
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()[0]
    samples = [Sample() for _ in range(concurrency)]
    lock = threading.Lock()
    cursor = [0]
    barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]

    def worker(n: int) -> None:
        out = samples[n]
        conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
        barrier.wait()
        try:
            while time.perf_counter() < deadline[0]:
                with lock:
                    if cursor[0] >= len(items):
                        return
                    path, headers = items[cursor[0]]
                    cursor[0] += 1
                t0 = time.perf_counter()
                try:
                    status, body, closed = get(conn, path, headers)
                except (OSError, http.client.HTTPException) as exc:
                    out.error(type(exc).__name__)
                    conn.close()
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
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    t0 = time.perf_counter()
    deadline[0] = t0 + cap_s
    barrier.wait()
    for thread in threads:
        thread.join(timeout=cap_s + REQUEST_TIMEOUT + 5)
    elapsed = time.perf_counter() - t0
    total = Sample()
    for sample in samples:
        total.merge(sample)
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    total.client_cpu_s = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    total.loadavg = (load_before, os.getloadavg()[0])
    return total, elapsed, cursor[0] < len(items)


def plan_nodes(node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """An EXPLAIN (FORMAT JSON) plan flattened depth-first, each node with ``PLAN_FIELDS`` and its depth."""
    row = {k: node[k] for k in PLAN_FIELDS if k in node}
    row["depth"] = depth
    out = [row]
    for child in node.get("Plans", []):
        out += plan_nodes(child, depth + 1)
    return out


def plan_summary(nodes: list[dict[str, Any]]) -> str:
    """One line: each node's type, relation or index, sort method, rows (× loops) and what it discarded."""
    parts = []
    for n in nodes:
        what = n["Node Type"]
        if "Index Name" in n:
            what += f" {n['Index Name']}"
        elif "Relation Name" in n:
            what += f" {n['Relation Name']}"
        if n.get("Sort Method"):
            what += f" [{n['Sort Method']}]"
        what += f" rows={n.get('Actual Rows')}"
        if n.get("Actual Loops", 1) > 1:
            what += f"x{n['Actual Loops']}"
        if n.get("Exact Heap Blocks") is not None:
            what += f" heap_blocks={n['Exact Heap Blocks']}"
        if n.get("Rows Removed by Index Recheck"):
            what += f" recheck_removed={n['Rows Removed by Index Recheck']}"
        if n.get("Rows Removed by Filter"):
            what += f" filter_removed={n['Rows Removed by Filter']}"
        parts.append(what)
    return " > ".join(parts)


def _proc_status_kib(pid: int) -> dict[str, int]:
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return fields


def worker_memory(master_pid: int) -> dict[str, Any]:
    """Resident memory of the gunicorn master's worker processes, from /proc/<pid>/status: VmRSS now and
    VmHWM (the peak since the worker started), in MiB, per worker and the largest."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        children = []
    workers = []
    for pid in sorted(int(p) for p in children):
        kib = _proc_status_kib(pid)
        if kib:
            workers.append(
                {"pid": pid, "rss_mib": round(kib.get("VmRSS", 0) / 1024, 1),
                 "peak_rss_mib": round(kib.get("VmHWM", 0) / 1024, 1)}
            )  # fmt: skip
    return {
        "workers": workers,
        "rss_mib_max": max((w["rss_mib"] for w in workers), default=0.0),
        "peak_rss_mib_max": max((w["peak_rss_mib"] for w in workers), default=0.0),
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> tuple[float, float]:
    """CPU seconds all processes of the machine have used (user, nice, system: what per-process times add up
    to; interrupts, whose owner is unknown, left out) and the CPU capacity (all CPUs), since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields[:3]) / CLOCK_TICKS, sum(fields[:8]) / CLOCK_TICKS


def process_cpu_s(pids: Sequence[int]) -> float:
    """CPU seconds (user + system) the processes have used so far; a process gone since counts 0."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS
