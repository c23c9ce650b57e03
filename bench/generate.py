"""Time ``motcua.generator.load.generate`` on the current database and record rows, rates and sizes.

Called by bench/generate.sh on a scratch PostgreSQL database that holds the demo. Adds one entry (keyed by
--label) to the JSON file given with --out, keeping the other entries.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

from benchkit import django_setup, say

TABLES = (
    "dossiers_dossier", "dossiers_dossierevent", "dossiers_dossiertask", "dossiers_dossierfile",
    "dossiers_dossierpause", "accounts_user", "documents_outgoingdocument", "documents_incomingdocument",
    "documents_documentevent", "reports_dossierdaystat",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, required=True)
    parser.add_argument("--documents", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--label", default="run")
    parser.add_argument("--load-demo-s", type=float, default=0.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from motcua.generator.load import generate

    load_start = os.getloadavg()[0]
    began = time.perf_counter()
    cpu = time.process_time()
    report = generate(
        dossiers=args.dossiers, documents=args.documents, seed=args.seed, batch=args.batch, progress=say
    )
    seconds = time.perf_counter() - began
    python_cpu = time.process_time() - cpu
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
        "seconds": {**report.seconds, "wall": round(seconds, 1), "python_cpu": round(python_cpu, 1)},
        "dossiers_per_second": round(report.dossiers / report.seconds["dossiers"])
        if report.dossiers
        else None,
        "rows_per_second": round(report.total_rows / report.seconds["load"]),
        "database_bytes": size,
        "database_gib": round(size / 2**30, 2),
        "table_bytes": sizes,
        "python_max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_demo_s": args.load_demo_s,
        "loadavg_at_start": load_start,
        "loadavg_at_end": os.getloadavg()[0],
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
