"""`make bench`: every use case measured through HTTP with wrk, beside the floors, in one run (issue #7).

``bench/bench.sh`` drives it (lock, scratch folder and databases, migrate, demo, generated data, gunicorn,
cleanup); the subcommands are:

    setup    in-process, before the server starts: API tokens of the demo officials and a citizen, the
             desk officer's browser session, tracking codes and document search words sampled from the
             generated data, approved drafts waiting to be issued; secrets go to the scratch folder only
    run      the rows, one wrk run each (bench/wrk/items.lua, one load thread): the floors (a minimal JSON
             view, a view doing one INSERT and commit), catalogue search, tracking, the officials' queue,
             the report pages, document search, the one-stop chain on dossiers the run makes itself
             (citizen draft, files, submission; desk reception, acceptance, supplement request, forward,
             the three processing steps, result file, return of the result), document issue, the floors
             again; the gunicorn workers' memory after every row; the weight of the citizen pages
    pgbench  pgbench select-only and tpcb-like on a scratch database of the same PostgreSQL server
    report   one table with the targets of issue #7 met or not, and bench/results/<date>.json

Each row's items are prepared in a file; wrk sends them round-robin for the row's duration ("cycle") or each
once ("once": the chain's actions, each dossier acted on once); a "once" row ends when every item is answered.
Between the chain's rows the next row's dossiers are read from the database (those the run created, in the
status the action needs). Numbers compare runs on one machine: wrk, gunicorn and PostgreSQL share its cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import bearer, django_setup, machine_busy_s, process_cpu_s, say, worker_memory
from catalog_search import (  # bench/ is not a package: imported from its folder
    DETAIL_CODE,
    QUERIES,
    _check_loopback,
    _version,
    api_search,
    git_state,
    html_search,
    machine,
    percentile,
)
from dossier_chain import _DONE, _FAILED, _TPS, PDF, PROCEDURE, _demo_agency_identifier
from reports_10m import endpoints as report_endpoints

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk" / "items.lua"
WRK_TIMEOUT_S = 30
DRAIN_TIMEOUT_S = 600
BOUNDARY = "motcua-bench-7f3a9c"

OFFICIALS = {  # role in the chain -> demo account (Phường Đông Kinh, Sở Tư pháp)
    "desk": "tiepnhan.dongkinh",
    "specialist": "chuyenvien.dongkinh",
    "head": "truongphong.dongkinh",
    "leader": "lanhdao.dongkinh",
    "clerk_dk": "vanthu.dongkinh",
    "clerk_stp": "vanthu.stp",
}
CITIZEN = "congdan1"
# The citizen submits online a procedure with one required file (Chứng thực bản sao từ bản chính): with the
# desk's 1.001193 (six required files) the upload row would take six times the draft row and leave the
# submission and the desk's rows a handful of dossiers each. Both have the same 5-step process at Đông Kinh.
CITIZEN_PROCEDURE = "2.000815"
APPLICANT = {"name": "Người Thử Tải", "phone": "0912999000", "id_number": "020099000111"}
TRACKING_CODES = 2000
ISSUE_POOL_PER_AGENCY = 60
# Each issuing agency: its clerk (issues), drafter and signer (make the approved drafts in setup).
ISSUERS = {
    "STP": {"clerk": "vanthu.stp", "drafter": "chuyenvien.stp", "signer": "lanhdao.stp"},
    "phuong_dong_kinh": {
        "clerk": "vanthu.dongkinh",
        "drafter": "chuyenvien.dongkinh",
        "signer": "lanhdao.dongkinh",
    },
}
REPORT_PAGES = (  # names in reports_10m.endpoints
    "dashboard, province, year",
    "dashboard, busy commune, year (by field)",
    "dossier list, province, late, year",
    "public page /thong-ke/",
    "API dashboard, province, year",
)

# Targets of issue #7 (this 2-core machine, load generator on it).
TARGET_CONCURRENCY = 32
WRITE_MIN_RATIO, WRITE_P99_MS = 0.5, 100.0
LOOKUP_MIN_RATIO, LOOKUP_P99_MS = 0.6, 50.0
QUEUE_P95_MS, QUEUE_AT_DOSSIERS = 100.0, 1_000_000
REPORT_P95_MS, REPORT_AT_DOSSIERS = 200.0, 10_000_000
WORKER_RSS_MIB = 150.0
CITIZEN_PAGE_KB = 100.0


# ------------------------------------------------------------------------------------------------- setup


def _sample_codes(cursor: Any, n: int) -> list[str]:
    """``n`` dossier codes spread over the table, the same ones for the same data (ordered by a hash)."""
    cursor.execute(
        "SELECT code FROM dossiers_dossier WHERE code IS NOT NULL AND status <> 0"
        " ORDER BY md5(code) LIMIT %s",
        [n],
    )
    return [r[0] for r in cursor.fetchall()]


def _search_words(subjects: Iterable[str], n: int) -> list[str]:
    """The ``n`` most common words of 4+ letters in the subjects: what an officer would type."""
    counts: Counter[str] = Counter()
    for subject in subjects:
        counts.update(w for w in re.findall(r"\w+", subject.lower()) if len(w) >= 4 and not w.isdigit())
    return [w for w, _ in counts.most_common(n)]


def _approved_drafts(agency_key: str, count: int) -> list[int]:
    """``count`` drafts of the agency made and approved through the services: the issue row's work."""
    from motcua.accounts.models import User
    from motcua.demo.services import _demo_agency
    from motcua.documents import services
    from motcua.documents.models import DocumentType
    from motcua.documents.workflow import OutgoingAction

    people = {k: User.objects.get(username=v) for k, v in ISSUERS[agency_key].items()}
    agency = _demo_agency(agency_key)
    recipient = _demo_agency("UBND")
    letter = DocumentType.objects.get(name="Công văn")
    made = []
    for n in range(count):
        data = services.DraftInput(
            document_type=letter,
            subject=f"V/v thử tải phát hành văn bản số {n + 1}",
            content="Văn bản do bộ đo hiệu năng tạo để đo thao tác cấp số, ký số và phát hành.\n\n" * 3,
            signer=people["signer"],
            signer_title="Chủ tịch" if agency_key == "phuong_dong_kinh" else "Giám đốc",
            recipients=[recipient],
        )
        document = services.outgoing_create_draft(actor=people["drafter"], agency=agency, data=data)
        services.outgoing_act(document=document, actor=people["drafter"], action=OutgoingAction.SUBMIT)
        services.outgoing_act(document=document, actor=people["signer"], action=OutgoingAction.APPROVE)
        made.append(document.pk)
    return made


def cmd_setup(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection
    from django.db.models import Max
    from django.test import Client

    from motcua.accounts.models import User
    from motcua.accounts.tokens import api_token_create
    from motcua.catalog.models import Procedure
    from motcua.demo.documents import DEMO_PASSPHRASE
    from motcua.demo.services import _demo_agency
    from motcua.documents.models import IncomingDocument, OutgoingDocument
    from motcua.dossiers.checklist import is_required
    from motcua.dossiers.models import Dossier

    t0 = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(username__in=[*OFFICIALS.values(), CITIZEN])}
    tokens = {}
    for role, username in [*OFFICIALS.items(), ("citizen", CITIZEN)]:
        _, tokens[role] = api_token_create(user=users[username], name="bench", actor=users[username])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(users[OFFICIALS["desk"]])  # the browser's second factor is checked at login only
    procedure = Procedure.objects.get(code=CITIZEN_PROCEDURE)
    assert procedure.current_version is not None, f"{CITIZEN_PROCEDURE} has no current version"
    required = [c.pk for c in procedure.current_version.components.all() if is_required(c)]

    with connection.cursor() as cursor:
        codes = _sample_codes(cursor, TRACKING_CODES)
    # Document search as the clerk of the issuing agency with the more generated documents.
    by_docs = sorted(
        ISSUERS, key=lambda k: OutgoingDocument.objects.filter(agency=_demo_agency(k)).count(), reverse=True
    )
    search_agency = _demo_agency(by_docs[0])
    outgoing = OutgoingDocument.objects.filter(agency=search_agency)
    subjects = list(outgoing.order_by("pk").values_list("subject", flat=True)[:500])
    symbol = outgoing.exclude(number_symbol="").order_by("pk").values_list("number_symbol", flat=True).first()
    words = _search_words(subjects, 6)
    say(
        f"  document search as {ISSUERS[by_docs[0]]['clerk']}: {outgoing.count():,} outgoing, "
        f"{IncomingDocument.objects.filter(agency=search_agency).count():,} incoming; words {words}"
    )

    t = time.perf_counter()
    drafts = {key: _approved_drafts(key, args.issue_pool) for key in ISSUERS}
    made = sum(len(v) for v in drafts.values())
    say(f"  {made} approved drafts to issue, made in {time.perf_counter() - t:.1f} s")

    out = {
        "agency": _demo_agency_identifier(),
        "procedure": PROCEDURE,
        "citizen_procedure": CITIZEN_PROCEDURE,
        "required_components": required,
        "dossier_watermark": Dossier.objects.aggregate(m=Max("pk"))["m"] or 0,
        "dossiers_in_db": Dossier.objects.count(),
        "tracking_codes": codes,
        "document_search": {
            "issuer": by_docs[0],
            "clerk": ISSUERS[by_docs[0]]["clerk"],
            "agency": search_agency.identifier,
            "words": words,
            "number_symbol": symbol or "",
        },
        "issue_drafts": drafts,
        "issue_passphrase": DEMO_PASSPHRASE,
        "tokens": tokens,
        "desk_session": client.cookies["sessionid"].value,
        "setup_s": round(time.perf_counter() - t0, 1),
    }
    path = Path(args.out)
    path.touch(mode=0o600)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    say(
        f"  citizen's procedure {CITIZEN_PROCEDURE}: {len(required)} required files; {len(codes)} tracking "
        f"codes; dossiers {out['dossiers_in_db']:,} (watermark id {out['dossier_watermark']})"
    )
    return 0


# ------------------------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Item:
    """One request: method, path, the name of its header set and of its body ("-": none)."""

    method: str
    path: str
    headers: str
    body: str = "-"


@dataclass
class Row:
    key: str  # stable name in the JSON
    label: str  # the table's endpoint column
    kind: str  # floor-json, floor-insert, lookup, write, queue, report, documents, page
    concurrency: int
    items: list[Item]
    expect: str = "200"  # statuses that count as success, comma-separated
    once: bool = False  # every item once (a write that cannot be repeated), else round-robin
    cap_s: float = 10.0  # how long the row runs at most
    citizen_page: str = ""  # a citizen page: the path whose first-visit weight is measured
    note: str = ""


@dataclass
class WrkRun:
    """Runs rows with wrk against one server: the items, header sets and bodies live in ``folder``."""

    port: int
    folder: Path
    master_pid: int
    warmup_s: float
    results: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for sub in ("headers", "bodies"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.header_set("none", {})
        self.body("empty-json", b"{}")

    def header_set(self, name: str, headers: dict[str, str]) -> str:
        lines = "".join(f"{k}: {v}\n" for k, v in headers.items())
        (self.folder / "headers" / name).write_text(lines)
        return name

    def body(self, name: str, data: bytes) -> str:
        (self.folder / "bodies" / name).write_bytes(data)
        return name

    def _wrk(self, key: str, items: Sequence[Item], *, once: bool, expect: str, c: int, cap_s: float) -> Any:
        lines = "".join(f"{i.method}\t{i.path}\t{i.headers}\t{i.body}\n" for i in items)
        (self.folder / f"{key}.items").write_text(lines)
        for old in self.folder.glob(f"{key}.done.*"):
            old.unlink()
        cmd = [
            "wrk",
            "-t1",
            f"-c{c}",
            f"-d{max(1, round(cap_s))}s",
            f"--timeout={WRK_TIMEOUT_S}s",
            "--latency",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{self.port}",
            "--",
            str(self.folder),
            key,
            "once" if once else "cycle",
            expect,
            "1",
        ]
        cpu0 = self.cpu_sample()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + cap_s + 60
        while proc.poll() is None:
            if any(self.folder.glob(f"{key}.done.*")):
                proc.send_signal(signal.SIGINT)  # the list is done: end the run now, not at -d
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.05)
        stdout, stderr = proc.communicate()
        found = [line[10:] for line in stdout.splitlines() if line.startswith("BENCH_WRK ")]
        if proc.returncode != 0 or not found:
            raise SystemExit(
                f"wrk failed for {key} (exit {proc.returncode}): {stderr[-1500:]}{stdout[-1500:]}"
            )
        result: dict[str, Any] = json.loads(found[0])
        result["cpu"] = cpu_shares(cpu0, self.cpu_sample())
        result["drain_s"] = self.drain()
        return result

    def cpu_sample(self) -> dict[str, Any]:
        """The machine's busy and total CPU seconds, the CPU seconds of each of this benchmark's processes
        (gunicorn, this database's PostgreSQL backends), of this driver and its finished children (wrk)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            pids = [r[0] for r in cursor.fetchall()]
        if self.master_pid:
            pids += [self.master_pid, *(w["pid"] for w in worker_memory(self.master_pid)["workers"])]
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        busy, total = machine_busy_s()
        return {
            "busy": busy,
            "total": total,
            "pids": {pid: process_cpu_s([pid]) for pid in pids},
            "driver": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        }

    def workers(self) -> int:
        return max(1, len(worker_memory(self.master_pid)["workers"])) if self.master_pid else 1

    def drain(self) -> float:
        """Wait for the server to finish what wrk left behind: at its end wrk closes connections whose
        requests were sent, and gunicorn still serves each of them (up to c, from its accept queue), which
        would slow the next row. One cheap request per worker, sent together, queues behind them all; when
        every one is answered, the backlog is gone. Returns the seconds it took."""
        t0 = time.perf_counter()
        workers = self.workers()
        failures: list[str] = []

        def one() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DRAIN_TIMEOUT_S)
            try:
                conn.request("GET", "/_floor/json")
                conn.getresponse().read()
            except OSError as exc:
                failures.append(str(exc))
            finally:
                conn.close()

        threads = [threading.Thread(target=one, daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DRAIN_TIMEOUT_S + 5)
        if failures:
            raise SystemExit(f"the server did not answer after a row: {failures[0]}")
        return round(time.perf_counter() - t0, 2)

    def measure(self, row: Row) -> dict[str, Any]:
        """Warm up (a few seconds of the same requests, or the first items of a "once" list), then measure."""
        items = list(row.items)
        warm: list[Item] = items
        if (
            row.once
        ):  # a few of the items, at least one per worker (a first PDF loads WeasyPrint), all answered
            n_warm = min(max(row.concurrency, self.workers()), len(items) // 4)
            warm, items = items[:n_warm], items[n_warm:]
        if warm and self.warmup_s > 0:
            self._wrk(
                f"{row.key}-warmup",
                warm,
                once=row.once,
                expect=row.expect,
                c=row.concurrency,
                cap_s=row.cap_s if row.once else self.warmup_s,
            )
        load0 = os.getloadavg()[0]
        if items:
            raw = self._wrk(
                row.key, items, once=row.once, expect=row.expect, c=row.concurrency, cap_s=row.cap_s
            )
        else:
            raw = None
        result = {
            **{k: v for k, v in asdict(row).items() if k != "items"},
            "items": len(items),
            "warmup_items": len(warm) if row.once else None,
            **summarise_wrk(raw),
            "loadavg_1m_before_after": [round(load0, 2), round(os.getloadavg()[0], 2)],
            "memory": worker_memory(self.master_pid) if self.master_pid else None,
        }
        self.results.append(result)
        mem, cpu = result["memory"] or {}, result["cpu"] or {}
        say(
            f"  {row.label:<58} c={row.concurrency:<3} {result['requests_per_s']:>8} req/s  "
            f"p50 {result['p50_ms']:>7} p95 {result['p95_ms']:>7} p99 {result['p99_ms']:>7} ms  "
            f"err {result['errors']:<4} n={result['requests']}{' (all done)' if result['exhausted'] else ''}"
            f"  rss {mem.get('rss_mib_max', '-')}  other work {cpu.get('other_pct', '-')}% CPU"
        )
        return result


def cpu_shares(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """Shares of the machine's CPU capacity during a row: busy, used by this benchmark, used by anything else.
    Approximate: a process that ended during the row (a recycled worker) counts as "other" work."""
    total = max(after["total"] - before["total"], 1e-9)
    busy = after["busy"] - before["busy"]
    ours = after["driver"] - before["driver"]
    ours += sum(cpu - before["pids"].get(pid, 0.0) for pid, cpu in after["pids"].items())
    return {
        "busy_pct": round(100 * busy / total, 1),
        "benchmark_pct": round(100 * min(ours, busy) / total, 1),
        "other_pct": round(100 * max(busy - ours, 0.0) / total, 1),
    }


def summarise_wrk(raw: Any) -> dict[str, Any]:
    """Counts, rate and latency of one wrk run (items.lua's done() line); zeros when nothing ran."""
    if raw is None:
        return {
            "requests": 0,
            "seconds": 0.0,
            "requests_per_s": 0.0,
            "p50_ms": 0.0,
            "p95_ms": 0.0,
            "p99_ms": 0.0,
            "max_ms": 0.0,
            "errors": 0,
            "statuses": {},
            "bytes_per_response": 0,
            "exhausted": False,
            "socket_errors": {},
            "drain_s": 0.0,
            "cpu": None,
        }
    thread = next(iter(raw["threads"].values()))
    span = max(thread["last_at"] - thread["first_at"], 1e-9)
    answered = int(thread["answered"])
    errs = {k: int(v) for k, v in raw["errors"].items()}
    pct = raw["latency_us"]["percentiles"]
    requests = int(raw["requests"])
    return {
        "requests": answered,
        "seconds": round(span, 2),
        "requests_per_s": round(answered / span, 1),
        "p50_ms": round(pct["50"] / 1000, 1),
        "p90_ms": round(pct["90"] / 1000, 1),
        "p95_ms": round(pct["95"] / 1000, 1),
        "p99_ms": round(pct["99"] / 1000, 1),
        "max_ms": round(raw["latency_us"]["max"] / 1000, 1),
        "mean_ms": round(raw["latency_us"]["mean"] / 1000, 1),
        # a status outside the row's expected ones, or a socket error (timeouts included)
        "errors": int(thread["unexpected"]) + sum(v for k, v in errs.items() if k != "status"),
        "statuses": {k: int(v) for k, v in thread["statuses"].items()},
        "socket_errors": {k: v for k, v in errs.items() if k != "status" and v},
        "bytes_per_response": round(raw["bytes"] / requests) if requests else 0,
        "exhausted": bool(thread["exhausted"]) and thread["stopped_at"] > 0,  # every item sent and answered
        "sent": int(thread["sent"]),
        "drain_s": raw["drain_s"],  # how long the server took to finish the requests wrk left behind
        "cpu": raw["cpu"],
    }


# ------------------------------------------------------------------------------------------------- run


def multipart(fields: dict[str, str], filename: str, data: bytes) -> bytes:
    """A multipart/form-data body with ``fields`` and one PDF file named ``file``."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    return b"".join([*parts, head.encode(), data, f"\r\n--{BOUNDARY}--\r\n".encode()])


def _q(path: str, **query: Any) -> str:
    return f"{path}?{urllib.parse.urlencode(query)}" if query else path


class Plan:
    """Header sets, bodies and the rows of one run, built from the setup files."""

    def __init__(self, wrk: WrkRun, setup: dict[str, Any], reports: dict[str, Any], args: argparse.Namespace):
        self.wrk, self.setup, self.reports, self.args = wrk, setup, reports, args
        self.c = args.concurrency
        self.read_c = [int(x) for x in args.read_concurrency.split(",") if x]
        self.d = args.duration
        tokens = setup["tokens"]
        for role, token in tokens.items():
            wrk.header_set(role, bearer(token))
            wrk.header_set(f"{role}-json", {**bearer(token), "Content-Type": "application/json"})
            wrk.header_set(
                f"{role}-form", {**bearer(token), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
            )
        wrk.header_set("desk-session", {"Cookie": f"sessionid={setup['desk_session']}"})
        wrk.header_set("report-session", {"Cookie": f"sessionid={reports['session']}"})
        wrk.header_set("report-token", bearer(reports["token"]))
        wrk.header_set("html", {"Accept": "text/html"})
        wrk.header_set("json", {"Accept": "application/json"})
        applicant = {
            "name": APPLICANT["name"],
            "phone": APPLICANT["phone"],
            "id_number": APPLICANT["id_number"],
        }
        for name, channel, code in (("draft", 2, "citizen_procedure"), ("reception", 1, "procedure")):
            body = {
                "procedure": setup[code],
                "agency": setup["agency"],
                "channel": channel,
                "applicant": applicant,
            }
            wrk.body(name, json.dumps(body, ensure_ascii=False).encode())
        wrk.body("supplement", json.dumps({"note": "Bổ sung bản sao giấy chứng sinh (thử tải)."}).encode())
        wrk.body("result", multipart({"kind": "result"}, "ket-qua.pdf", PDF))
        for component in setup["required_components"]:
            wrk.body(
                f"input-{component}",
                multipart({"kind": "input", "component": str(component)}, "to-khai.pdf", PDF),
            )
        issue = {"action": "issue", "passphrase": setup["issue_passphrase"]}
        wrk.body("issue", json.dumps(issue).encode())

    # -- rows that need no state from earlier rows

    def floors(self, when: str, concurrencies: Sequence[int]) -> list[Row]:
        rows = []
        for c in concurrencies:
            rows.append(
                Row(
                    f"floor-json-{when}-c{c}",
                    f"floor: GET /_floor/json ({when})",
                    "floor-json",
                    c,
                    [Item("GET", "/_floor/json", "none")],
                    cap_s=self.d,
                )
            )
            rows.append(
                Row(
                    f"floor-insert-{when}-c{c}",
                    f"floor: POST /_floor/insert ({when})",
                    "floor-insert",
                    c,
                    [Item("POST", "/_floor/insert", "none", "empty-json")],
                    expect="201",
                    cap_s=self.d,
                )
            )
        return rows

    def citizen_reads(self) -> list[Row]:
        codes = self.setup["tracking_codes"]
        c, d = self.c, self.d
        return [
            Row(
                "catalogue-api",
                f"GET /api/v1/procedures?q= ({len(QUERIES)} queries)",
                "lookup",
                c,
                [Item("GET", api_search(q), "json") for q in QUERIES],
                cap_s=d,
            ),
            Row(
                "catalogue-html",
                f"GET /thu-tuc/?q= ({len(QUERIES)} queries)",
                "lookup",
                c,
                [Item("GET", html_search(q), "html") for q in QUERIES],
                cap_s=d,
                citizen_page=html_search(QUERIES[0]),
            ),
            Row(
                "procedure-html",
                f"GET /thu-tuc/{DETAIL_CODE}/",
                "page",
                c,
                [Item("GET", f"/thu-tuc/{DETAIL_CODE}/", "html")],
                cap_s=d,
                citizen_page=f"/thu-tuc/{DETAIL_CODE}/",
            ),
            Row(
                "home-html",
                "GET / (portal home)",
                "page",
                c,
                [Item("GET", "/", "html")],
                cap_s=d,
                citizen_page="/",
            ),
            Row(
                "tracking-api",
                f"GET /api/v1/tracking/{{code}} ({len(codes)} codes)",
                "lookup",
                c,
                [Item("GET", f"/api/v1/tracking/{code}", "json") for code in codes],
                cap_s=d,
            ),
            Row(
                "tracking-html",
                f"GET /tra-cuu/{{code}}/ ({len(codes)} codes)",
                "lookup",
                c,
                [Item("GET", f"/tra-cuu/{code}/", "html") for code in codes],
                cap_s=d,
                citizen_page=f"/tra-cuu/{codes[0]}/",
            ),
        ]

    def official_reads(self) -> list[Row]:
        queue_api = ["/api/v1/dossiers", "/api/v1/dossiers?status=4", "/api/v1/dossiers?page=20"]
        queue_html = ["/mot-cua/", "/mot-cua/?status=4", "/mot-cua/?page=20"]
        search = self.setup["document_search"]
        words = [*search["words"], search["number_symbol"], ""]
        doc_paths = [
            _q(f"/api/v1/documents/{kind}", **({"q": w} if w else {}))
            for w in words
            for kind in ("outgoing", "incoming")
        ]
        reports = report_endpoints(self.reports)
        rows = []
        for c in self.read_c:
            rows += [
                Row(
                    f"queue-api-c{c}",
                    "GET /api/v1/dossiers (desk queue: all, status=4, page=20)",
                    "queue",
                    c,
                    [Item("GET", p, "desk") for p in queue_api],
                    cap_s=self.d,
                ),
                Row(
                    f"queue-html-c{c}",
                    "GET /mot-cua/ (desk queue page: all, status=4, page=20)",
                    "queue",
                    c,
                    [Item("GET", p, "desk-session") for p in queue_html],
                    cap_s=self.d,
                ),
            ]
            for name in REPORT_PAGES:
                ep = reports[name]
                auth = {"session": "report-session", "token": "report-token", "none": "html"}[ep["auth"]]
                public = ep["auth"] == "none" and not ep["path"].startswith("/api/")
                rows.append(
                    Row(
                        f"report-{_slug(name)}-c{c}",
                        f"report: {name}",
                        "report",
                        c,
                        [Item("GET", ep["path"], auth)],
                        cap_s=self.d,
                        citizen_page=ep["path"] if public else "",
                        note=ep["what"],
                    )
                )
            rows.append(
                Row(
                    f"document-search-c{c}",
                    f"GET /api/v1/documents/{{outgoing,incoming}}?q= ({len(doc_paths)} searches)",
                    "documents",
                    c,
                    [
                        Item("GET", p, f"clerk_{'stp' if search['issuer'] == 'STP' else 'dk'}")
                        for p in doc_paths
                    ],
                    cap_s=self.d,
                )
            )
        return rows

    def issue(self) -> Row:
        drafts = self.setup["issue_drafts"]
        clerks = {"STP": "clerk_stp-json", "phuong_dong_kinh": "clerk_dk-json"}
        per_agency = [
            [Item("POST", f"/api/v1/documents/outgoing/{pk}/actions", clerks[k], "issue") for pk in pks]
            for k, pks in drafts.items()
        ]
        interleaved = [i for group in zip(*per_agency, strict=False) for i in group]
        # One clerk per agency: the register row stays locked from the number to the commit (gap-free
        # numbers), so more clients would only queue behind it.
        return Row(
            "document-issue",
            f"POST /api/v1/documents/outgoing/{{id}}/actions issue ({len(drafts)} clerks, own registers)",
            "documents-write",
            len(drafts),
            interleaved,
            once=True,
            cap_s=2 * self.d,
            note="number + PDF (WeasyPrint) + PAdES signature in one transaction; one register per agency",
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


ACT = "/api/v1/dossiers/{ref}/actions/{action}"


def run_chain(plan: Plan) -> None:
    """The one-stop chain on dossiers this run creates: each row's dossiers are those the earlier rows left in
    the status its action needs (read from the database after the earlier row ended)."""
    from django.db.models import Count, Q

    from motcua.dossiers.models import Dossier, DossierFile
    from motcua.dossiers.workflow import Status

    setup, wrk, c, d = plan.setup, plan.wrk, plan.c, plan.d
    mine = Dossier.objects.filter(pk__gt=setup["dossier_watermark"])
    required = setup["required_components"]

    def refs(qs: Any, field: str = "code") -> list[str]:
        return [str(r) for r in qs.order_by("pk").values_list(field, flat=True)]

    def actions(
        key: str, label: str, codes: list[str], action: str, headers: str, body: str = "empty-json"
    ) -> None:
        items = [Item("POST", ACT.format(ref=code, action=action), headers, body) for code in codes]
        wrk.measure(Row(key, label, "write", c, items, once=True, cap_s=2 * d))

    def at_step(role: str) -> Any:
        return mine.filter(status=Status.PROCESSING, current_task__role=role)

    def creations(key: str, label: str, headers: str, body: str) -> None:  # POST /api/v1/dossiers for d s
        item = Item("POST", "/api/v1/dossiers", headers, body)
        wrk.measure(Row(key, f"POST /api/v1/dossiers ({label})", "write", c, [item], expect="201", cap_s=d))

    # The citizen: a draft, its required files, the submission.
    creations("citizen-draft", "citizen: new draft", "citizen-json", "draft")
    drafts = refs(mine.filter(status=Status.DRAFT), "pk")
    uploads = [
        Item("POST", f"/api/v1/dossiers/{pk}/files", "citizen-form", f"input-{comp}")
        for pk in drafts
        for comp in required
    ]
    if uploads:
        wrk.measure(
            Row(
                "citizen-file",
                f"POST /api/v1/dossiers/{{id}}/files (citizen: {len(required)} required file(s) each)",
                "write",
                c,
                uploads,
                expect="201",
                once=True,
                cap_s=2 * d,
            )
        )
    current = Q(files__kind=DossierFile.Kind.INPUT, files__is_current=True, files__component_id__in=required)
    complete = mine.filter(status=Status.DRAFT).annotate(
        n=Count("files__component", filter=current, distinct=True)
    )
    ready = refs(complete.filter(n=len(required)), "pk")
    actions(
        "citizen-submit", "POST .../actions/submit (citizen: submission)", ready, "submit", "citizen-json"
    )

    # The desk: half the new online dossiers accepted, half sent back for a supplement; paper ones received.
    new = refs(mine.filter(status=Status.NEW))
    half = len(new) // 2
    actions("desk-accept", "POST .../actions/accept (desk)", new[:half], "accept", "desk-json")
    actions(
        "desk-supplement",
        "POST .../actions/request_supplement (desk)",
        new[half:],
        "request_supplement",
        "desk-json",
        "supplement",
    )
    creations("desk-reception", "desk: paper dossier received", "desk-json", "reception")

    # Processing: forward, the specialist's and the head's steps, the leader's result and step, the return.
    received = refs(mine.filter(status=Status.RECEIVED, current_task__isnull=True))
    actions("desk-forward", "POST .../actions/forward (desk)", received, "forward", "desk-json")
    actions(
        "specialist-step",
        "POST .../actions/complete_step (specialist)",
        refs(at_step("specialist")),
        "complete_step",
        "specialist-json",
    )
    actions(
        "head-step",
        "POST .../actions/complete_step (head of unit)",
        refs(at_step("head_of_unit")),
        "complete_step",
        "head-json",
    )
    with_result = Q(files__kind=DossierFile.Kind.RESULT, files__is_current=True)
    leader = at_step("agency_leader")
    files = [
        Item("POST", f"/api/v1/dossiers/{code}/files", "leader-form", "result")
        for code in refs(leader.exclude(with_result))
    ]
    wrk.measure(
        Row(
            "leader-result-file",
            "POST /api/v1/dossiers/{code}/files kind=result (leader)",
            "write",
            c,
            files,
            expect="201",
            once=True,
            cap_s=2 * d,
        )
    )
    actions(
        "leader-step",
        "POST .../actions/complete_step (leader)",
        refs(leader.filter(with_result).distinct()),
        "complete_step",
        "leader-json",
    )
    actions(
        "desk-return",
        "POST .../actions/return_result (desk)",
        refs(mine.filter(status=Status.PROCESSED)),
        "return_result",
        "desk-json",
    )


def page_weight(port: int, path: str) -> dict[str, Any]:
    """What a first visit to a citizen page transfers: the HTML and every same-site stylesheet, script, image
    and font it loads (fonts named in the stylesheets too), asked for as a browser does (gzip, br)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    accept = {"Accept-Encoding": "gzip, br", "Accept": "*/*"}

    def fetch(p: str) -> tuple[int, bytes, int]:
        conn.request("GET", p, headers=accept)
        resp = conn.getresponse()
        body = resp.read()
        head = len(f"HTTP/1.1 {resp.status} {resp.reason}\r\n") + sum(
            len(f"{k}: {v}\r\n") for k, v in resp.getheaders()
        )
        if resp.will_close:
            conn.close()
        return resp.status, body, head + 2 + len(body)

    status, html, html_bytes = fetch(path)
    text = html.decode("utf-8", "replace")
    assets = re.findall(r"""<(?:link|script|img)\b[^>]*?\b(?:href|src)=["'](/[^"'#?]*)""", text)
    seen: dict[str, int] = {}
    queue = [a for a in assets if not a.startswith("//")]
    while queue:
        asset = queue.pop(0)
        if asset in seen:
            continue
        a_status, body, n = fetch(asset)
        seen[asset] = n if a_status == 200 else 0
        if asset.endswith(".css") and a_status == 200 and body[:2] != b"\x1f\x8b":
            css = body.decode("utf-8", "replace")
            base = asset.rsplit("/", 1)[0]
            for ref in re.findall(r"url\(['\"]?([^'\")]+)", css):
                if not ref.startswith(("data:", "http", "//")):
                    queue.append(ref if ref.startswith("/") else f"{base}/{ref}")
    conn.close()
    total = html_bytes + sum(seen.values())
    return {
        "path": path,
        "status": status,
        "html_bytes": html_bytes,
        "assets": seen,
        "total_bytes": total,
        "total_kb": round(total / 1000, 1),
    }


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    django_setup()  # the chain reads its dossiers from the database between rows
    setup = json.loads(Path(args.setup).read_text())
    reports = json.loads(Path(args.reports_setup).read_text())
    folder = Path(args.work) / "wrk"
    wrk = WrkRun(args.port, folder, args.master_pid, args.warmup)
    plan = Plan(wrk, setup, reports, args)
    out: dict[str, Any] = {
        "memory_before": worker_memory(args.master_pid),
        "started_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    concurrencies = sorted({plan.c, *plan.read_c})
    phases = [
        ("floors", lambda: [wrk.measure(r) for r in plan.floors("start", concurrencies)]),
        ("citizen pages and lookups", lambda: [wrk.measure(r) for r in plan.citizen_reads()]),
        (
            "officials' queue, reports, document search",
            lambda: [wrk.measure(r) for r in plan.official_reads()],
        ),
        ("one-stop chain", lambda: run_chain(plan)),
        ("document issue", lambda: wrk.measure(plan.issue())),
        ("floors again", lambda: [wrk.measure(r) for r in plan.floors("end", [plan.c])]),
    ]
    for name, phase in phases:
        say(f"== {name}")
        phase()
    out["rows"] = wrk.results
    pages = sorted({r["citizen_page"] for r in wrk.results if r["citizen_page"]})
    out["page_weight"] = {p: page_weight(args.port, p) for p in pages}
    out["memory_after"] = worker_memory(args.master_pid)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


# ---------------------------------------------------------------------------------------------- pgbench

PGBENCH_MODES = (("select-only", ["-S"]), ("tpcb-like", []))


def cmd_pgbench(args: argparse.Namespace) -> int:
    """pgbench -i on the scratch database, then each mode for --duration s; latency percentiles from a
    sampled per-transaction log (-l --sampling-rate)."""
    _check_loopback(args.host)
    conn = ["-h", args.host, "-p", str(args.port), "-U", args.user]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    init = subprocess.run(
        ["pgbench", *conn, "-i", "-q", "-s", str(args.scale), args.db],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if init.returncode != 0:
        raise SystemExit(f"pgbench -i failed: {init.stderr[-2000:]}")
    out: dict[str, Any] = {
        "scale": args.scale,
        "clients": args.clients,
        "threads": args.threads,
        "duration_s": args.duration,
        "init_s": round(time.perf_counter() - t, 1),
        "sampling_rate": args.sampling_rate,
        "modes": {},
    }
    for mode, flags in PGBENCH_MODES:
        load = ["-c", str(args.clients), "-j", str(args.threads), "-T", str(args.duration), *flags]
        log_to = ["-l", f"--sampling-rate={args.sampling_rate}", f"--log-prefix={work / f'pgbench-{mode}'}"]
        cmd = ["pgbench", *conn, *load, *log_to, args.db]
        load0 = os.getloadavg()[0]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 300, cwd=work)
        if done.returncode != 0:
            raise SystemExit(f"pgbench {mode} failed: {done.stderr[-2000:]}")
        latencies = []
        for log in work.glob(f"pgbench-{mode}.*"):
            for line in log.read_text().splitlines():
                cols = line.split()
                if len(cols) >= 3 and cols[2].isdigit():
                    latencies.append(int(cols[2]) / 1000)  # µs -> ms
            log.unlink()
        latencies.sort()
        tps, failed, processed = (
            _TPS.search(done.stdout),
            _FAILED.search(done.stdout),
            _DONE.search(done.stdout),
        )
        out["modes"][mode] = {
            "command": " ".join(["pgbench", *load]),
            "tps": round(float(tps[1]), 1) if tps else None,
            "transactions": int(processed[1]) if processed else None,
            "failed": int(failed[1]) if failed else 0,
            "p50_ms": round(percentile(latencies, 50), 2),
            "p95_ms": round(percentile(latencies, 95), 2),
            "p99_ms": round(percentile(latencies, 99), 2),
            "loadavg_1m_before_after": [round(load0, 2), round(os.getloadavg()[0], 2)],
        }
        say(
            f"  pgbench {mode}: {out['modes'][mode]['tps']} TPS, p50 {out['modes'][mode]['p50_ms']} ms, "
            f"p99 {out['modes'][mode]['p99_ms']} ms"
        )
    Path(args.out).write_text(json.dumps(out, indent=2))
    return 0


# ----------------------------------------------------------------------------------------------- report

FLOOR_OF = {
    "lookup": "json",
    "page": "json",
    "queue": "json",
    "report": "json",
    "documents": "json",
    "write": "insert",
    "documents-write": "insert",
}


def _floors(rows: list[dict[str, Any]]) -> dict[str, dict[int, float]]:
    """The best floor throughput of the run per kind and concurrency (the floors run at its start and end)."""
    best: dict[str, dict[int, float]] = {"json": {}, "insert": {}}
    for r in rows:
        if r["kind"] in ("floor-json", "floor-insert"):
            by_c = best[r["kind"].removeprefix("floor-")]
            by_c[r["concurrency"]] = max(by_c.get(r["concurrency"], 0.0), r["requests_per_s"])
    return best


def _verdict(row: dict[str, Any], ratio: float | None) -> tuple[str, bool | None]:
    """The issue's target for this row and whether the row meets it (None: no target for this row)."""
    kind, c = row["kind"], row["concurrency"]
    checks: list[tuple[str, bool]] = []
    if kind in ("write", "lookup"):
        if c != TARGET_CONCURRENCY:
            return f"(targets are at {TARGET_CONCURRENCY} clients)", None
        need, p99 = (WRITE_MIN_RATIO, WRITE_P99_MS) if kind == "write" else (LOOKUP_MIN_RATIO, LOOKUP_P99_MS)
        floor = "INSERT" if kind == "write" else "JSON"
        checks.append((f"≥{need}×{floor}", ratio is not None and ratio >= need))
        checks.append((f"p99<{p99:g}", row["p99_ms"] < p99 and row["requests"] > 0))
        if kind == "write":
            checks.append(("0 errors", row["errors"] == 0))
    elif kind == "queue":
        at = f" at {QUEUE_AT_DOSSIERS // 1_000_000} M dossiers"
        checks.append((f"p95<{QUEUE_P95_MS:g}{at}", row["p95_ms"] < QUEUE_P95_MS and row["requests"] > 0))
    elif kind == "report":
        at = f" at {REPORT_AT_DOSSIERS // 1_000_000} M dossiers"
        checks.append((f"p95<{REPORT_P95_MS:g}{at}", row["p95_ms"] < REPORT_P95_MS and row["requests"] > 0))
    if not checks:
        return "", None
    failed = [text for text, ok in checks if not ok]
    return ", ".join(text for text, _ in checks), not failed


def _range(values: Iterable[float | None]) -> list[float]:
    present = [v for v in values if v is not None]
    return [min(present), max(present)] if present else []


def _pct_range(r: list[float]) -> str:
    return f"{r[0]:g}–{r[1]:g} %" if r else "an unknown share"


def _status(met: bool | None, smaller_data: bool = False) -> str:
    if met is None:
        return ""
    return ("met" if met else "**NOT met**") + (" (smaller data)" if smaller_data else "")


def cmd_report(args: argparse.Namespace) -> int:
    run = json.loads(Path(args.run).read_text())
    pgb = json.loads(Path(args.pgbench).read_text())
    meta = json.loads(Path(args.meta).read_text())
    gen = json.loads(Path(args.gen).read_text())
    setup = json.loads(Path(args.setup).read_text())
    rows = run["rows"]
    floors = _floors(rows)
    dossiers = int(setup["dossiers_in_db"])
    table: list[dict[str, Any]] = []
    for r in rows:
        floor_kind = FLOOR_OF.get(r["kind"])
        floor = floors[floor_kind].get(r["concurrency"]) if floor_kind else None
        ratio = round(r["requests_per_s"] / floor, 3) if floor else None
        target, met = _verdict(r, ratio)
        weight = run["page_weight"].get(r["citizen_page"]) if r["citizen_page"] else None
        if weight is not None:
            ok = weight["total_kb"] < CITIZEN_PAGE_KB
            target = ", ".join(x for x in (target, f"page<{CITIZEN_PAGE_KB:g} KB") if x)
            met = ok if met is None else (met and ok)
        # the queue's and reports' targets are for 1 M and 10 M dossiers: a smaller run says "smaller data"
        sized = {"queue": QUEUE_AT_DOSSIERS, "report": REPORT_AT_DOSSIERS}.get(r["kind"], 0)
        table.append(
            {
                **r,
                "smaller_data": dossiers < sized,
                "floor": floor_kind,
                "floor_requests_per_s": floor,
                "ratio_to_floor": ratio,
                "target": target,
                "met": met,
                "page_weight_kb": weight["total_kb"] if weight else None,
            }
        )
    # the largest worker of the run: workers may be recycled (max_requests), so every row's reading counts
    peak = max(
        [run["memory_after"]["peak_rss_mib_max"]]
        + [(r.get("memory") or {}).get("peak_rss_mib_max", 0.0) for r in rows]
    )
    memory_met = 0 < peak < WORKER_RSS_MIB
    targets = [
        {"row": t["key"], "target": t["target"], "met": t["met"], "smaller_data": t["smaller_data"]}
        for t in table
        if t["met"] is not None
    ]
    targets.append({"row": "web worker peak RSS", "target": f"<{WORKER_RSS_MIB:g} MB", "met": memory_met})
    today = args.date or dt.datetime.now(dt.UTC).astimezone().date().isoformat()
    report = {
        "date": today,
        "machine": machine(),
        "loadavg": {
            "note": "the machine is shared with other work: the 1-minute load average is recorded at the "
            "start (after waiting, bounded, for it to settle) and before/after every row, where the "
            "benchmark itself (5 workers, PostgreSQL, wrk) keeps it at 4-7; each row's 'cpu' gives the "
            "share of the CPUs this benchmark's processes used and the share other work took (other_pct)",
            "at_start": meta.get("loadavg_at_start"),
            "waited_for_quiet_s": meta.get("waited_for_quiet_s"),
            "max_load": meta.get("max_load"),
            "during_rows": [
                min(x for r in rows for x in r["loadavg_1m_before_after"]),
                max(x for r in rows for x in r["loadavg_1m_before_after"]),
            ],
            "other_work_cpu_pct": _range([(r["cpu"] or {}).get("other_pct") for r in rows]),
        },
        "git": {
            **git_state(),
            "src_sha_at_start": meta.get("src_sha_at_start"),
            "src_sha_at_end": meta.get("src_sha_at_end"),
        },
        "versions": {
            "python": platform.python_version(),
            "django": _version("django"),
            "django-ninja": _version("django-ninja"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
            "postgresql": meta.get("pg_version"),
            "wrk": meta.get("wrk_version"),
            "pgbench": meta.get("pgbench_version"),
        },
        "method": {
            "server": f"gunicorn motcua.config.wsgi:application, {meta.get('workers')} sync workers "
            f"((2 × CPUs) + 1), settings from {meta.get('gunicorn_config') or 'lib.sh (no config file)'}, "
            "MOTCUA_ENV=production, DEBUG=false, no proxy in front",
            "client": "wrk -t1 (one load thread) with bench/wrk/items.lua on loopback; latency percentiles "
            "are wrk's (with its coordinated-omission correction); throughput = answered requests over the "
            "span from the first request to the last answer (or to the stop of a list that ran out)",
            "duration_s": meta.get("duration"),
            "warmup_s": meta.get("warmup"),
            "concurrency": meta.get("concurrency"),
            "read_concurrency": meta.get("read_concurrency"),
            "errors": "a status outside the row's expected ones (200; 201 for creations) or a socket error",
            "floors": "GET /_floor/json and POST /_floor/insert (motcua.core.floors, MOTCUA_BENCH_FLOORS="
            "true): same gunicorn, settings and middleware; ratio = row req/s ÷ the best floor req/s of the "
            "run at the same concurrency",
            "chain": "the dossiers acted on are the run's own (procedure "
            f"{setup['procedure']} at agency {setup['agency']}); each 'once' row takes those the "
            "earlier rows left in the status it needs; notifications and portal sync are enqueued "
            "(no task worker runs during the benchmark)",
            "page_weight": "first visit of a citizen page: the HTML plus the same-site CSS, scripts, images "
            "and fonts it loads, with Accept-Encoding gzip, br (headers included)",
        },
        "dataset": {
            "dossiers": dossiers,
            "generated": gen,
            "tracking_codes_sampled": len(setup["tracking_codes"]),
            "document_search": setup["document_search"],
            "required_components": len(setup["required_components"]),
        },
        "timings_s": {
            k: meta.get(k)
            for k in (
                "migrate_s",
                "load_demo_s",
                "generate_s",
                "refresh_evaluation_s",
                "vacuum_s",
                "setup_s",
                "measure_s",
                "total_s",
            )
        },
        "postgres_settings": meta.get("pg_settings"),
        "floors": {k: {str(c): v for c, v in by_c.items()} for k, by_c in floors.items()},
        "pgbench": pgb,
        "rows": table,
        "page_weight": run["page_weight"],
        "memory": {"before": run["memory_before"], "after": run["memory_after"], "peak_rss_mib_max": peak},
        "targets": targets,
        "targets_met": sum(1 for t in targets if t["met"]),
        "targets_checked": len(targets),
    }
    out = Path(args.out_dir) / f"{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(markdown(report))
    say(f"\nResults written to {out}")
    return 0


def markdown(report: dict[str, Any]) -> str:
    m, v, meth, load = report["machine"], report["versions"], report["method"], report["loadavg"]
    lines = [
        f"`make bench`, {report['date']}: {m['nproc']} CPUs ({m['cpu']}), {m['memory_mib']:,} MiB; "
        f"{meth['server']}; PostgreSQL {v['postgresql']}; {report['dataset']['dossiers']:,} dossiers; "
        f"{meth['duration_s']} s a row after {meth['warmup_s']} s warm-up; wrk on the same machine. "
        f"Load average {load['at_start']} at the start (waited {load['waited_for_quiet_s']} s for ≤ "
        f"{load['max_load']}), {load['during_rows'][0]}–{load['during_rows'][1]} during the rows (the "
        f"benchmark's own processes included); other work took "
        f"{_pct_range(load['other_work_cpu_pct'])} of the CPUs.",
        "",
        "| endpoint | c | req/s | p50 ms | p95 ms | p99 ms | errors | × floor | RSS MB | bytes | target | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in report["rows"]:
        ratio = f"{r['ratio_to_floor']:.2f} {r['floor'].upper()}" if r["ratio_to_floor"] is not None else "—"
        size = ""
        if r["citizen_page"]:
            size = f"{r['bytes_per_response']:,} ({r['page_weight_kb']} KB page)"
        done = " (all)" if r["exhausted"] else ""
        rss = (r.get("memory") or {}).get("rss_mib_max", "")
        cells = [
            r["label"],
            r["concurrency"],
            f"{r['requests_per_s']:,}{done}",
            r["p50_ms"],
            r["p95_ms"],
            r["p99_ms"],
            r["errors"],
            ratio,
            rss,
            size,
            r["target"],
            _status(r["met"], r["smaller_data"]),
        ]
        lines.append("| " + " | ".join(str(x) for x in cells) + " |")
    pg = report["pgbench"]
    for mode, p in pg["modes"].items():
        cells = [
            f"floor: pgbench {mode} (scale {pg['scale']}), TPS",
            pg["clients"],
            f"{p['tps']:,}",
            p["p50_ms"],
            p["p95_ms"],
            p["p99_ms"],
            p["failed"],
            "—",
            "",
            "",
            "",
            "",
        ]
        lines.append("| " + " | ".join(str(x) for x in cells) + " |")
    peak = report["memory"]["peak_rss_mib_max"]
    workers = len(report["memory"]["after"]["workers"])
    lines.append(
        f"| web worker memory (peak VmHWM of {workers} workers) | | | | | | | | {peak} | | "
        f"<{WORKER_RSS_MIB:g} MB | {_status(0 < peak < WORKER_RSS_MIB)} |"
    )
    lines += [
        "",
        f"Targets met: {report['targets_met']} of {report['targets_checked']}. "
        "(all) = the row acted on every dossier prepared for it before its time was up; (smaller data) = "
        "measured on fewer dossiers than the target names (BENCH_DOSSIERS=1000000 for the queue's).",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup")
    p.add_argument("--issue-pool", type=int, default=ISSUE_POOL_PER_AGENCY, help="approved drafts per agency")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--setup", required=True)
    p.add_argument("--reports-setup", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=2)
    p.add_argument("--concurrency", type=int, default=TARGET_CONCURRENCY)
    p.add_argument("--read-concurrency", default=f"1,{TARGET_CONCURRENCY}")
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("pgbench")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5432)
    p.add_argument("--user", default="postgres")
    p.add_argument("--db", required=True)
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--clients", type=int, default=TARGET_CONCURRENCY)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--duration", type=int, default=20)
    p.add_argument("--sampling-rate", type=float, default=0.1)
    p.add_argument("--work", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_pgbench)

    p = sub.add_parser("report")
    p.add_argument("--run", required=True)
    p.add_argument("--pgbench", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--setup", required=True)
    p.add_argument("--date", default="")
    p.add_argument("--out-dir", default=str(HERE / "results"))
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
