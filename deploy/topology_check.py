"""The checks of the many-machines run (deploy/topology.sh): pure functions over what the run recorded.

Input: one JSON "evidence" object gathered by ``deploy/topology_run.py collect``:

- ``config``: ``{"retries": bool, ...}`` (whether nginx may retry idempotent requests on another process);
- ``kills``: ``[{"what": "web"|"worker", "name", "before", "after"}]``: wall-clock seconds just before the
  SIGKILL was sent and just after it returned;
- ``requests``: every request the load client started, in order: ``{"id", "kind", "method", "path",
  "start", "end", "status", "ok", "error", "upstream"}``; ``end`` is null for a request that never got an
  outcome (the client lost it);
- ``deliveries``: ``{"rows": {request_key: status}}``: the outbox rows in the primary (what the application
  committed to send), ``"applied": [request_key, ...]``: what the portal simulator applied (one entry per
  application, so a repeat applied twice would appear twice), ``"refused": [...]``: the simulator's errors
  (out of order, unknown dossier);
- ``dossiers``: ``{code: {"db": status, "portal": status | null}}`` for every dossier the client created;
- ``replica``: ``{"caught_up": bool, "lag_bytes_at_end": int, ...}``;
- ``report_reads``: ``{"replica_calls": int, "primary_calls": int}``: SELECTs on the reports' aggregate
  table counted by pg_stat_statements on each server during the load.

``check(evidence)`` returns one ``Check`` per property; the run passes when all pass. The command line
``python deploy/topology_check.py EVIDENCE.json [--summary OUT.json]`` prints them and exits 1 on a failure.
Standard library only: the unit tests (tests/test_topology.py) import it without Django.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    figures: dict[str, Any] = field(default_factory=dict)


def _in_flight(request: dict[str, Any], kill: dict[str, Any]) -> bool:
    """Started before the signal was surely sent and not finished before it may have been."""
    end = request.get("end")
    return bool(request["start"] <= kill["after"] and (end is None or end >= kill["before"]))


def web_kills(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    return [k for k in evidence.get("kills", []) if k["what"] == "web"]


def check_no_request_lost(evidence: dict[str, Any]) -> Check:
    requests = evidence["requests"]
    lost = [r["id"] for r in requests if r.get("end") is None]
    return Check(
        "no request lost",
        not lost and bool(requests),
        f"{len(requests)} requests, every one answered"
        if not lost and requests
        else (f"{len(lost)} request(s) got no answer at all: ids {lost[:10]}" if lost else "no request made"),
        {"requests": len(requests), "lost": len(lost)},
    )


def check_failures_only_in_flight(evidence: dict[str, Any]) -> Check:
    """Each failed request was in flight when a web process was killed: nothing else may fail."""
    kills = web_kills(evidence)
    failed = [r for r in evidence["requests"] if r.get("end") is not None and not r["ok"]]
    in_flight = [r for r in evidence["requests"] if any(_in_flight(r, k) for k in kills)]
    outside = [r for r in failed if not any(_in_flight(r, k) for k in kills)]
    figures = {
        "failed": len(failed),
        "in_flight_at_web_kills": len(in_flight),
        "failed_outside_kills": len(outside),
        "failed_by_method": dict(Counter(r["method"] for r in failed)),
    }
    if outside:
        sample = [f"#{r['id']} {r['method']} {r['path']} -> {r['status'] or r['error']}" for r in outside[:5]]
        return Check(
            "failures only in flight at a kill",
            False,
            f"{len(outside)} request(s) failed that were not in flight when a web process was killed: "
            + "; ".join(sample),
            figures,
        )
    return Check(
        "failures only in flight at a kill",
        len(failed) <= len(in_flight),
        f"{len(failed)} failed, all of them among the {len(in_flight)} in flight at the web kill(s)",
        figures,
    )


def check_idempotent_retried(evidence: dict[str, Any]) -> Check:
    """With retries on, a GET caught by the kill is answered by another process: none fails."""
    if not evidence.get("config", {}).get("retries", True):
        return Check("idempotent requests retried", True, "not checked: nginx retries are off for this run")
    failed = [
        r
        for r in evidence["requests"]
        if r.get("end") is not None and not r["ok"] and r["method"] in IDEMPOTENT
    ]
    retried = [r for r in evidence["requests"] if "," in (r.get("upstream") or "")]
    figures = {"failed_idempotent": len(failed), "answered_after_a_retry": len(retried)}
    if failed:
        sample = [f"#{r['id']} {r['method']} {r['path']} -> {r['status'] or r['error']}" for r in failed[:5]]
        return Check(
            "idempotent requests retried",
            False,
            f"{len(failed)} GET(s) failed: " + "; ".join(sample),
            figures,
        )
    return Check(
        "idempotent requests retried",
        True,
        f"no GET failed; {len(retried)} request(s) answered by a second process after the first failed",
        figures,
    )


def check_tasks_exactly_once(evidence: dict[str, Any]) -> Check:
    """Every committed outbox row was delivered and applied exactly once; nothing else was applied."""
    rows: dict[str, str] = evidence["deliveries"]["rows"]
    applied = Counter(evidence["deliveries"]["applied"])
    refused = evidence["deliveries"].get("refused", [])
    missing = sorted(k for k in rows if applied[k] == 0)
    twice = sorted(k for k, n in applied.items() if n > 1)
    phantom = sorted(k for k in applied if k not in rows)
    unsent = sorted(k for k, status in rows.items() if status != "sent")
    figures = {
        "outbox_rows": len(rows),
        "applied": sum(applied.values()),
        "missing": len(missing),
        "applied_twice": len(twice),
        "phantom": len(phantom),
        "not_sent": len(unsent),
        "refused_by_portal": len(refused),
        "repeats_refused_by_key": evidence["deliveries"].get("duplicates_refused", 0),
    }
    problems = []
    if not rows:
        problems.append("no task was enqueued")
    if missing:
        problems.append(f"{len(missing)} never applied (e.g. {missing[:3]})")
    if twice:
        problems.append(f"{len(twice)} applied twice (e.g. {twice[:3]})")
    if phantom:
        problems.append(f"{len(phantom)} applied without an outbox row (e.g. {phantom[:3]})")
    if unsent:
        problems.append(f"{len(unsent)} rows not sent at the end (e.g. {unsent[:3]})")
    if refused:
        problems.append(f"{len(refused)} refused by the portal (e.g. {refused[:2]})")
    if problems:
        return Check("every task exactly once", False, "; ".join(problems), figures)
    return Check(
        "every task exactly once",
        True,
        f"{len(rows)} outbox messages, each applied once by the portal "
        f"({figures['repeats_refused_by_key']} repeat(s) refused by request key)",
        figures,
    )


def check_writes_reached_the_portal(evidence: dict[str, Any]) -> Check:
    """Every dossier the client created is on the portal with the status it has in MotCua."""
    dossiers: dict[str, dict[str, Any]] = evidence["dossiers"]
    behind = sorted(code for code, s in dossiers.items() if s["portal"] != s["db"])
    figures = {"dossiers": len(dossiers), "portal_differs": len(behind)}
    if not dossiers:
        return Check("acknowledged writes on the portal", False, "the client created no dossier", figures)
    if behind:
        sample = [f"{c}: MotCua {dossiers[c]['db']}, portal {dossiers[c]['portal']}" for c in behind[:5]]
        return Check(
            "acknowledged writes on the portal",
            False,
            f"{len(behind)} dossier(s) differ on the portal: " + "; ".join(sample),
            figures,
        )
    return Check(
        "acknowledged writes on the portal",
        True,
        f"{len(dossiers)} dossiers created through the proxy, each on the portal with its current status",
        figures,
    )


def check_replica_caught_up(evidence: dict[str, Any]) -> Check:
    replica = evidence.get("replica", {})
    ok = bool(replica.get("caught_up"))
    return Check(
        "replica caught up",
        ok,
        (
            f"replay position equals the primary's; largest lag seen {replica.get('max_lag_bytes', '?')} "
            f"bytes / {replica.get('max_lag_s', '?')} s over {replica.get('samples', 0)} samples"
        )
        if ok
        else f"the replica is {replica.get('lag_bytes_at_end', '?')} bytes behind at the end",
        replica,
    )


def check_reports_read_the_replica(evidence: dict[str, Any]) -> Check:
    reads = evidence.get("report_reads", {})
    served = sum(1 for r in evidence["requests"] if r["kind"].startswith("report") and r["ok"])
    replica_calls, primary_calls = reads.get("replica_calls", 0), reads.get("primary_calls", 0)
    figures = {"report_requests_ok": served, **reads}
    ok = served > 0 and replica_calls > 0 and primary_calls == 0
    return Check(
        "report reads on the replica",
        ok,
        f"{served} report pages served; the aggregate tables were read {replica_calls} times on the replica "
        f"and {primary_calls} times on the primary",
        figures,
    )


CHECKS = (
    check_no_request_lost,
    check_failures_only_in_flight,
    check_idempotent_retried,
    check_tasks_exactly_once,
    check_writes_reached_the_portal,
    check_replica_caught_up,
    check_reports_read_the_replica,
)


def check(evidence: dict[str, Any]) -> list[Check]:
    return [function(evidence) for function in CHECKS]


def _percentile_ms(ordered: list[float], p: float) -> float | None:
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000, 1)


def summary(evidence: dict[str, Any], results: list[Check]) -> dict[str, Any]:
    requests = evidence["requests"]
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({r["kind"] for r in requests}):
        rows = [r for r in requests if r["kind"] == kind]
        times = sorted(r["end"] - r["start"] for r in rows if r["ok"])
        by_kind[kind] = {
            "requests": len(rows),
            "ok": sum(1 for r in rows if r["ok"]),
            "p50_ms": _percentile_ms(times, 50),
            "p95_ms": _percentile_ms(times, 95),
        }
    rejoined = {
        event["name"]: sum(
            1
            for r in requests
            if r["start"] > event["at"] and (r.get("upstream") or "").split(", ")[-1] == event["address"]
        )
        for event in evidence.get("kills", [])
        if event["what"] == "restart" and event.get("address")
    }
    return {
        "passed": all(c.ok for c in results),
        "answered_by_restarted_web_process": rejoined,
        "checks": [asdict(c) for c in results],
        "requests_by_kind": by_kind,
        "kills": evidence.get("kills", []),
        "replica": evidence.get("replica", {}),
        "report_reads": evidence.get("report_reads", {}),
        "config": evidence.get("config", {}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("evidence", type=Path)
    parser.add_argument("--summary", type=Path, help="write the checks and figures here (JSON)")
    args = parser.parse_args(argv)
    evidence = json.loads(args.evidence.read_text(encoding="utf-8"))
    results = check(evidence)
    for c in results:
        print(f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.message}")
    if args.summary:
        args.summary.write_text(json.dumps(summary(evidence, results), indent=2, ensure_ascii=False) + "\n")
    failed = [c.name for c in results if not c.ok]
    if failed:
        print(f"topology: {len(failed)} check(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("topology: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
