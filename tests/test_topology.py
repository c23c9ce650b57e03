"""The many-machines run's checks (deploy/topology_check.py) fail when a request or a task is lost.

The checker is pure: it is fed recorded runs here, a clean one and the same run with one thing lost. The
slow test runs the real topology (deploy/topology.sh) with nginx's retries off, where requests reaching
the killed web process are lost, and expects the script to fail for exactly that reason.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("topology_check", ROOT / "deploy" / "topology_check.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


topology_check = _checker()

KILL = {"what": "web", "name": "web1", "before": 100.0, "after": 100.01, "pids": [1, 2, 3]}
WORKER_KILL = {"what": "worker", "name": "worker1", "before": 110.0, "after": 110.01, "pids": [4]}


def _request(n: int, start: float, end: float | None, *, method: str = "GET", ok: bool = True, **kw: Any):
    return {
        "id": n,
        "kind": kw.pop("kind", "catalogue_api" if method == "GET" else "forward"),
        "method": method,
        "path": kw.pop("path", "/api/v1/procedures" if method == "GET" else "/api/v1/dossiers/X/actions/go"),
        "start": start,
        "end": end,
        "status": kw.pop("status", 200 if ok else 502),
        "ok": ok,
        "error": "",
        "upstream": kw.pop("upstream", "127.0.0.1:9102"),
        **kw,
    }


def _clean_run() -> dict[str, Any]:
    """A run as recorded: a POST caught by the kill failed, a GET caught by it was retried on web2."""
    return {
        "config": {"retries": True},
        "kills": [KILL, WORKER_KILL],
        "requests": [
            _request(1, 98.0, 98.1),
            _request(2, 99.9, 100.3, method="POST", ok=False),  # in flight at the kill: 502
            _request(3, 99.95, 100.4, upstream="127.0.0.1:9101, 127.0.0.1:9102"),  # retried
            _request(4, 101.0, 101.1, method="POST", kind="reception", code="D1", status=201),
            _request(5, 102.0, 102.2, kind="report_public_page", path="/thong-ke/"),
        ],
        "deliveries": {
            "rows": {"portal:D1:event:1": "sent", "portal:D1:event:2": "sent"},
            "applied": ["portal:D1:event:1", "portal:D1:event:2"],
            "refused": [],
            "duplicates_refused": 1,  # the killed worker's message, applied before it died, sent again
        },
        "dossiers": {"D1": {"db": 4, "portal": 4}},
        "replica": {"caught_up": True, "lag_bytes_at_end": 0, "max_lag_bytes": 5000, "max_lag_s": 0.01},
        "report_reads": {"replica_calls": 12, "primary_calls": 0},
    }


def _failed(evidence: dict[str, Any]) -> list[str]:
    return [c.name for c in topology_check.check(evidence) if not c.ok]


def test_a_clean_run_passes_every_check() -> None:
    assert _failed(_clean_run()) == []


def test_a_request_without_an_answer_fails_the_run() -> None:
    run = _clean_run()
    run["requests"].append(_request(6, 103.0, None, ok=False, status=None))
    assert _failed(run) == ["no request lost"]


def test_a_request_failing_outside_the_kill_fails_the_run() -> None:
    """What happens without nginx's retries: a request sent to the dead process after the kill is lost."""
    run = _clean_run()
    run["requests"].append(_request(6, 100.5, 100.51, method="POST", ok=False))
    assert _failed(run) == ["failures only in flight at a kill"]
    results = {c.name: c for c in topology_check.check(run)}
    assert results["failures only in flight at a kill"].figures["failed_outside_kills"] == 1


def test_a_get_caught_by_the_kill_must_be_retried() -> None:
    run = _clean_run()
    run["requests"][2] = _request(3, 99.95, 100.4, ok=False, upstream="127.0.0.1:9101")
    assert _failed(run) == ["idempotent requests retried"]
    run["config"]["retries"] = False  # the --lose-requests run does not expect retries
    assert _failed(run) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["applied"].remove("portal:D1:event:2"), "every task exactly once"),  # lost task
        (lambda d: d["applied"].append("portal:D1:event:2"), "every task exactly once"),  # run twice
        (lambda d: d["applied"].append("portal:D9:event:7"), "every task exactly once"),  # phantom
        (lambda d: d["rows"].update({"portal:D1:event:2": "pending"}), "every task exactly once"),
        (lambda d: d["refused"].append({"reason": "out of order"}), "every task exactly once"),
    ],
)
def test_a_lost_or_repeated_task_fails_the_run(change: Any, expected: str) -> None:
    run = _clean_run()
    change(run["deliveries"])
    assert _failed(run) == [expected]


def test_a_dossier_behind_on_the_portal_or_reports_on_the_primary_fail_the_run() -> None:
    run = _clean_run()
    run["dossiers"]["D1"]["portal"] = 2
    assert _failed(run) == ["acknowledged writes on the portal"]
    run = _clean_run()
    run["report_reads"]["primary_calls"] = 3
    assert _failed(run) == ["report reads on the replica"]
    run = _clean_run()
    run["replica"] = {"caught_up": False, "lag_bytes_at_end": 8192}
    assert _failed(run) == ["replica caught up"]


def test_the_command_line_exits_1_and_names_the_failed_check(tmp_path: Path, capsys) -> None:
    run = _clean_run()
    run["requests"].append(_request(6, 100.5, 100.51, method="POST", ok=False))
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps(run))
    assert topology_check.main([str(evidence), "--summary", str(tmp_path / "summary.json")]) == 1
    assert "failures only in flight at a kill" in capsys.readouterr().err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["passed"] is False
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(copy.deepcopy(_clean_run())))
    assert topology_check.main([str(clean)]) == 0


def _topology_unavailable() -> str:
    if os.geteuid() != 0:
        return "needs root (PostgreSQL runs as the postgres user)"
    for tool in ("nginx", "redis-server", "runuser", "psql"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if shutil.which("initdb") is None and not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "initdb is not installed"
    if not (ROOT / ".venv" / "bin" / "moto_server").exists() and shutil.which("moto_server") is None:
        return "moto_server is not installed"
    for module in ("redis", "storages", "boto3"):
        if importlib.util.find_spec(module) is None:
            return f"the {module} package is not installed"
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", 9100)) == 0:
            return "port 9100 is in use"
    return ""


@pytest.mark.slow
@pytest.mark.skipif(bool(_topology_unavailable()), reason=_topology_unavailable() or "available")
@pytest.mark.parametrize("lose", [False, True], ids=["passes", "fails-when-requests-are-lost"])
def test_the_topology_script(tmp_path: Path, lose: bool) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the script brings its own PostgreSQL: run once, with the PostgreSQL suite")
    summary = tmp_path / "summary.json"
    result = subprocess.run(
        ["bash", str(ROOT / "deploy" / "topology.sh"), *(["--lose-requests"] if lose else [])],
        env={**os.environ, "TOPOLOGY_DURATION": "20", "TOPOLOGY_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    output = result.stdout + result.stderr[-3000:]
    assert "PASS  every task exactly once" in result.stdout, output  # requests may be lost, tasks never
    checks = {c["name"]: c for c in json.loads(summary.read_text())["checks"]}
    if not lose:
        assert result.returncode == 0, output
        assert all(c["ok"] for c in checks.values()), output
        return
    assert result.returncode == 1, output
    assert "FAIL  failures only in flight at a kill" in result.stdout
    assert checks["failures only in flight at a kill"]["figures"]["failed_outside_kills"] > 0
