"""Time ``motcua.generator.load.generate`` on the current database and record rows, rates, CPU and sizes.

Called by bench/generate.sh on a scratch PostgreSQL database that holds the demo. Adds one entry (keyed by
--label) to the JSON file given with --out, keeping the other entries.

Besides the phases ``generate`` reports, it records where the CPU went: this process (it streams the COPY
text), the generating process it forks (``child``), and the PostgreSQL backend serving the load (read from
/proc: the server is on this machine; parallel index-build workers are not counted). The machine is shared,
so the load average is sampled every 5 s through the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

from benchkit import django_setup, say

TABLES = (
    "dossiers_dossier", "dossiers_dossierevent", "dossiers_dossiertask", "dossiers_dossierfile",
    "dossiers_dossierpause", "accounts_user", "documents_outgoingdocument", "documents_incomingdocument",
    "documents_documentevent", "reports_dossierdaystat",
)  # fmt: skip


class LoadSampler(threading.Thread):
    """The 1-minute load average every ``every`` seconds until stopped."""

    def __init__(self, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every, self.samples = every, [os.getloadavg()[0]]
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join()
        values = self.samples
        return {"min": min(values), "mean": round(sum(values) / len(values), 2), "max": max(values)}


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process on this machine (None when it is not ours to read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, required=True)
    parser.add_argument("--documents", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--indexes", choices=("auto", "rebuild", "keep"), default="auto")
    parser.add_argument("--serial", action="store_true", help="generate in this process (no second one)")
    parser.add_argument("--label", default="run")
    parser.add_argument("--load-demo-s", type=float, default=0.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from motcua.generator.load import generate

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before = cpu_seconds(backend)
    sampler = LoadSampler()
    sampler.start()
    began = time.perf_counter()
    cpu = time.process_time()
    report = generate(
        dossiers=args.dossiers,
        documents=args.documents,
        seed=args.seed,
        batch=args.batch,
        progress=say,
        indexes_policy=args.indexes,
        parallel=not args.serial,
    )
    seconds = time.perf_counter() - began
    main_cpu = time.process_time() - cpu
    load = sampler.stop()
    backend_after = cpu_seconds(backend)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database()), version()")
        size, version = cursor.fetchone()
        sizes = {}
        for table in TABLES:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = cursor.fetchone()[0]
    entry = {
        "dossiers": report.dossiers,
        "documents": report.documents,
        "citizens": report.citizens,
        "officials_created": report.officials,
        "rows": report.rows,
        "total_rows": report.total_rows,
        "stat_rows": report.stat_rows,
        "period": [report.start.isoformat(), report.end.isoformat()],
        "seconds": {**report.seconds, "wall": round(seconds, 1)},
        "cpu_seconds": {
            "main": round(main_cpu, 1),
            "child": round(children.ru_utime + children.ru_stime, 1),
            "postgres_backend": round(backend_after - backend_before, 1)
            if backend_before is not None and backend_after is not None
            else None,
        },
        "dossiers_per_second": round(report.dossiers / report.seconds["dossiers"])
        if report.dossiers
        else None,
        "dossiers_per_second_overall": round(report.dossiers / seconds) if report.dossiers else None,
        "rows_per_second": round(report.total_rows / report.seconds["load"]),
        "indexes_rebuilt": len(report.indexes_rebuilt),
        "index_policy": args.indexes,
        "parallel": not args.serial,
        "database_bytes": size,
        "database_gib": round(size / 2**30, 2),
        "table_bytes": sizes,
        "disk_free_gib_after": round(shutil.disk_usage("/").free / 2**30, 1),
        "python_max_rss_mib": {
            "main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "child": round(children.ru_maxrss / 1024),
        },
        "load_demo_s": args.load_demo_s,
        "loadavg": load,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "postgresql": version},
        "seed": args.seed,
        "batch": args.batch,
    }
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = entry
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    say(json.dumps(entry, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
