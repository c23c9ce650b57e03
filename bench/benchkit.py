"""What the HTTP benchmarks share: Django set-up, a fixed-count load generator, EXPLAIN plan summaries.

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
