"""The portal simulator on a free loopback port, the worker run in-process, the dossier world."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command

from motcua.dossiers.tests.conftest import World, world  # noqa: F401  (the shared one-stop world)
from motcua.integrations.simulators import base
from motcua.integrations.simulators import portal as portal_simulator

TOKEN = "test-portal-token"


@dataclass
class Portal:
    """A running simulator and the calls tests make to inspect or steer it."""

    url: str
    data_path: Path
    server: Any

    def control(self, **orders: Any) -> dict[str, Any]:
        return httpx.post(f"{self.url}/_control", json=orders, timeout=5).json()  # type: ignore[no-any-return]

    def state(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/_state", timeout=5).json()  # type: ignore[no-any-return]

    def messages(self, code: str = "") -> list[dict[str, Any]]:
        params = {"MaHoSo": code} if code else {}
        return httpx.get(f"{self.url}/_messages", params=params, timeout=5).json()  # type: ignore[no-any-return]


def start_simulator(data_path: Path, port: int = 0) -> Any:
    server = portal_simulator.make_server("127.0.0.1", port, data_path=data_path, token=TOKEN)
    base.start_in_thread(server)
    return server


def stop_simulator(server: Any) -> None:
    server.shutdown()
    server.server_close()
    server.simulator.close()


@pytest.fixture
def portal(tmp_path: Path, settings: Any) -> Iterator[Portal]:
    server = start_simulator(tmp_path / "portal.sqlite3")
    url = f"http://127.0.0.1:{server.server_port}"
    settings.MOTCUA_NATIONAL_PORTAL_URL = url
    settings.MOTCUA_NATIONAL_PORTAL_TOKEN = TOKEN
    settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT = 2.0
    yield Portal(url=url, data_path=tmp_path / "portal.sqlite3", server=server)
    stop_simulator(server)


def run_worker(*extra: str, command: str = "db_worker") -> None:
    """Run the queue in this process until nothing is due, keeping pytest's signal handlers."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(command, "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0", *extra)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
