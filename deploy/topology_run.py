"""The Python half of deploy/topology.sh: the S3 bucket, the load through nginx, and the evidence.

Subcommands (topology.sh calls them; each is usable alone for debugging):

    bucket   create the S3 bucket on the S3-compatible server (S3_ENDPOINT_URL, S3_BUCKET, keys from env)
    load     threads of desk officials and readers through the proxy for --duration seconds; every request
             is recorded before it is sent and completed with its outcome (status, upstream, times), so a
             request that never gets an answer stays visible; the replica's lag is sampled meanwhile
    collect  with the MotCua settings of the run (DATABASE_URL = the primary): the outbox rows, what the
             portal simulator applied, each created dossier's status in MotCua and on the portal, the
             replica's position, pg_stat_statements on both servers, S3 and Redis figures; merged with
             the load's records and the kills into one evidence JSON for deploy/topology_check.py

Loopback only: every address must be 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

REQUEST_TIMEOUT = 30.0
PROCEDURE = "1.001193"  # Đăng ký khai sinh: the demo commune's five-step process
APPLICANT = {"name": "Nguyễn Văn Tải", "phone": "0912000000"}
# A desk official's dossier, one request each: reception, then the internal process to the leader's step.
CHAIN = (
    ("reception", "desk", "/api/v1/dossiers", 201),
    ("forward", "desk", "/api/v1/dossiers/{code}/actions/forward", 200),
    ("complete_step", "specialist", "/api/v1/dossiers/{code}/actions/complete_step", 200),
    ("complete_step", "head", "/api/v1/dossiers/{code}/actions/complete_step", 200),
    ("complete_step", "leader", "/api/v1/dossiers/{code}/actions/complete_step", 200),
)


def _loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"topology: {url} is not a loopback address")
    return parts.hostname, parts.port or 80


# -- bucket --------------------------------------------------------------------------------------------------


def cmd_bucket(args: argparse.Namespace) -> int:
    import boto3

    _loopback(os.environ["S3_ENDPOINT_URL"])
    client = boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name=os.environ.get("S3_REGION") or "us-east-1",
    )
    client.create_bucket(Bucket=os.environ["S3_BUCKET"])
    return 0


# -- load ----------------------------------------------------------------------------------------------------


class Recorder:
    """Every request, appended when it starts and completed when it ends (thread-safe)."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def start(self, kind: str, method: str, path: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": next(self._ids),
            "kind": kind,
            "method": method,
            "path": path,
            "start": time.time(),
            "end": None,
            "status": None,
            "ok": False,
            "error": "",
            "upstream": "",
        }
        with self._lock:
            self.records.append(record)
        return record


class Client:
    """One keep-alive connection to the proxy; every call recorded."""

    def __init__(self, host: str, port: int, recorder: Recorder) -> None:
        self.host, self.port, self.recorder = host, port, recorder
        self.conn: http.client.HTTPConnection | None = None

    def call(
        self, kind: str, method: str, path: str, *, expect: int, token: str = "", body: Any = None
    ) -> tuple[dict[str, Any], bytes]:
        record = self.recorder.start(kind, method, path)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        payload = b""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
            record["status"] = response.status
            record["upstream"] = response.getheader("X-Upstream", "")
            record["ok"] = response.status == expect
            if not record["ok"]:
                record["error"] = payload[:200].decode("utf-8", "replace")
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            record["error"] = f"{type(error).__name__}: {error}"
            self.close()
        record["end"] = time.time()
        return record, payload

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Load:
    def __init__(self, args: argparse.Namespace) -> None:
        self.host, self.port = _loopback(args.url)
        self.deadline = time.time() + args.duration
        self.tokens = json.loads(Path(args.tokens).read_text())
        self.agency = args.agency
        self.recorder = Recorder()
        self.codes: list[str] = list(args.codes or [])
        self.codes_lock = threading.Lock()
        year = dt.datetime.now(dt.UTC).year  # the reports API's period: this year
        self.readers = (
            ("tracking", None),
            ("catalogue_api", "/api/v1/procedures?q=khai%20sinh&page_size=10"),
            ("catalogue_page", f"/thu-tuc/{PROCEDURE}/"),
            ("catalogue_search", "/thu-tuc/?q=khai%20sinh"),
            ("report_public_page", "/thong-ke/"),
            (
                "report_dashboard_api",
                f"/api/v1/reports/dashboard?agency={quote(args.agency)}&date_from={year}-01-01&date_to={year}-12-31",
            ),
            ("static", args.static_path),
        )

    def writer(self) -> None:
        client = Client(self.host, self.port, self.recorder)
        body = {"procedure": PROCEDURE, "agency": self.agency, "channel": 1, "applicant": APPLICANT}
        try:
            while time.time() < self.deadline:
                code = ""
                for kind, role, path, expect in CHAIN:
                    if time.time() >= self.deadline:
                        break
                    record, payload = client.call(
                        kind,
                        "POST",
                        path.format(code=quote(code)),
                        expect=expect,
                        token=self.tokens[role],
                        body=body if kind == "reception" else {},
                    )
                    if not record["ok"]:
                        time.sleep(0.05)
                        break  # abandon this dossier: its next steps would be refused
                    if kind == "reception":
                        code = json.loads(payload)["code"]
                        record["code"] = code
                        with self.codes_lock:
                            self.codes.append(code)
        finally:
            client.close()

    def reader(self, offset: int) -> None:
        client = Client(self.host, self.port, self.recorder)
        try:
            for n in itertools.count(offset):
                if time.time() >= self.deadline:
                    return
                kind, path = self.readers[n % len(self.readers)]
                token = self.tokens["leader"] if kind == "report_dashboard_api" else ""
                if kind == "tracking":
                    with self.codes_lock:
                        if not self.codes:
                            continue
                        code = self.codes[n % len(self.codes)]
                    path = f"/api/v1/tracking/{quote(code)}"
                client.call(kind, "GET", path, expect=200, token=token)
        finally:
            client.close()


class LagSampler(threading.Thread):
    """The replica's distance from the primary, in WAL bytes and replay seconds, every half second."""

    def __init__(self, primary: str, replica: str) -> None:
        super().__init__(daemon=True)
        self.primary_dsn, self.replica_dsn = primary, replica
        self.samples: list[dict[str, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg

        with (
            psycopg.connect(self.primary_dsn, autocommit=True) as p,
            psycopg.connect(self.replica_dsn, autocommit=True) as r,
        ):
            while not self.stop.wait(0.5):
                row = p.execute(
                    "SELECT pg_current_wal_lsn()::text,"
                    " coalesce(max(extract(epoch FROM replay_lag)), 0)::float FROM pg_stat_replication"
                ).fetchone()
                assert row is not None
                lsn, replay_lag = row
                behind = r.execute("SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", (lsn,))
                lag = behind.fetchone()
                assert lag is not None
                self.samples.append({"at": time.time(), "bytes": max(float(lag[0]), 0.0), "s": replay_lag})


def cmd_load(args: argparse.Namespace) -> int:
    load = Load(args)
    sampler = LagSampler(args.primary_dsn, args.replica_dsn)
    sampler.start()
    threads = [threading.Thread(target=load.writer, daemon=True) for _ in range(args.writers)]
    threads += [threading.Thread(target=load.reader, args=(n,), daemon=True) for n in range(args.readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.duration + 4 * REQUEST_TIMEOUT)
    sampler.stop.set()
    sampler.join(5)
    Path(args.out).write_text(
        json.dumps({"requests": load.recorder.records, "lag_samples": sampler.samples}, ensure_ascii=False)
    )
    done = sum(1 for r in load.recorder.records if r["end"] is not None)
    ok = sum(1 for r in load.recorder.records if r["ok"])
    print(f"load: {len(load.recorder.records)} requests, {done} answered, {ok} as expected", file=sys.stderr)
    return 0


# -- collect -------------------------------------------------------------------------------------------------


def _get_json(url: str, token: str = "") -> Any:
    host, port = _loopback(url)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, json.loads(body) if body else None


def _replica_position(primary: str, replica: str, wait: float) -> dict[str, Any]:
    """Wait (bounded) for the replica to replay everything the primary has written."""
    import psycopg

    deadline = time.time() + wait
    with psycopg.connect(primary, autocommit=True) as p, psycopg.connect(replica, autocommit=True) as r:
        while True:
            row = p.execute("SELECT pg_current_wal_lsn()::text").fetchone()
            assert row is not None
            behind_row = r.execute(
                "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", (row[0],)
            ).fetchone()
            assert behind_row is not None
            behind = float(behind_row[0])
            if behind <= 0 or time.time() > deadline:
                return {"caught_up": behind <= 0, "lag_bytes_at_end": max(behind, 0.0)}
            time.sleep(0.2)


def _report_reads(dsn: str) -> int:
    """SELECTs on the report aggregate tables (daily, monthly) counted by pg_stat_statements since the reset
    before the load."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements"
            " WHERE query ILIKE 'select%%' AND query ILIKE '%%reports_dossier%%stat%%'"
        ).fetchone()
    assert row is not None
    return int(row[0])


def cmd_collect(args: argparse.Namespace) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from motcua.dossiers.models import Dossier
    from motcua.integrations.models import Delivery
    from motcua.integrations.portal.sync import SYSTEM

    load = json.loads(Path(args.load).read_text())
    requests: list[dict[str, Any]] = load["requests"]
    kills = [json.loads(line) for line in Path(args.kills).read_text().splitlines() if line.strip()]
    rows = dict(Delivery.objects.filter(stream__system=SYSTEM).values_list("request_key", "status"))
    portal = args.portal_url.rstrip("/")
    _, messages = _get_json(f"{portal}/_messages")
    _, state = _get_json(f"{portal}/_state")
    codes = [r["code"] for r in requests if r.get("code")]
    db_status = dict(Dossier.objects.filter(code__in=codes).values_list("code", "status"))
    dossiers = {}
    for code in codes:
        status, answer = _get_json(f"{portal}/TraCuuHoSo?MaHoSo={quote(code)}", args.portal_token)
        on_portal = answer.get("HoSo", {}).get("TrangThai") if status == 200 and answer else None
        dossiers[code] = {"db": db_status.get(code), "portal": on_portal}
    samples = load.get("lag_samples", [])
    replica = {
        **_replica_position(args.primary_dsn, args.replica_dsn, wait=60),
        "samples": len(samples),
        "max_lag_bytes": max((s["bytes"] for s in samples), default=0),
        "max_lag_s": round(max((s["s"] for s in samples), default=0.0), 3),
    }
    tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
    evidence = {
        "config": json.loads(args.config),
        "kills": kills,
        "requests": requests,
        "deliveries": {
            "rows": rows,
            "applied": [m["MaGiaoDich"] for m in messages],
            "refused": state.get("errors", []),
            "duplicates_refused": state.get("duplicates", 0),
        },
        "dossiers": dossiers,
        "replica": replica,
        "report_reads": {
            "replica_calls": _report_reads(args.replica_dsn),
            "primary_calls": _report_reads(args.primary_dsn),
        },
        "tasks_by_status": tasks,
        "s3_objects": _s3_objects(),
        "redis_keys": _redis_keys(),
    }
    Path(args.out).write_text(json.dumps(evidence, ensure_ascii=False, default=str))
    return 0


def _s3_objects() -> int:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name=os.environ.get("S3_REGION") or "us-east-1",
    )
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=os.environ["S3_BUCKET"])
    return sum(page.get("KeyCount", 0) for page in pages)


def _redis_keys() -> int:
    import redis

    return int(redis.Redis.from_url(os.environ["REDIS_URL"]).dbsize())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="deploy/topology.sh's helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("bucket")
    load = sub.add_parser("load")
    load.add_argument("--url", required=True)
    load.add_argument("--duration", type=float, required=True)
    load.add_argument("--writers", type=int, default=3)
    load.add_argument("--readers", type=int, default=3)
    load.add_argument("--tokens", required=True, help="JSON file: desk, specialist, head, leader tokens")
    load.add_argument("--agency", required=True)
    load.add_argument("--codes", nargs="*", help="existing dossier codes for the tracking lookups")
    load.add_argument("--static-path", required=True)
    load.add_argument("--primary-dsn", required=True)
    load.add_argument("--replica-dsn", required=True)
    load.add_argument("--out", required=True)
    collect = sub.add_parser("collect")
    collect.add_argument("--load", required=True)
    collect.add_argument("--kills", required=True)
    collect.add_argument("--config", required=True, help="JSON object: the run's settings")
    collect.add_argument("--portal-url", required=True)
    collect.add_argument("--portal-token", required=True)
    collect.add_argument("--primary-dsn", required=True)
    collect.add_argument("--replica-dsn", required=True)
    collect.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    return {"bucket": cmd_bucket, "load": cmd_load, "collect": cmd_collect}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
