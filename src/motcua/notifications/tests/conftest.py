"""The SMS and Zalo simulators on free loopback ports, and MotCua configured to use them."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command

from motcua.integrations.simulators import _messaging, base, sms, zalo

SMS_KEY = "sms-key-7f3a9c0e5b1d"
SMS_SECRET = "sms-callback-2c8e4a6f"
ZALO_TOKEN = "zalo-token-91b0d7e3aa42"
ZALO_SECRET = "zalo-callback-5d1f0c9b"


@dataclass
class Simulator:
    url: str
    gateway: _messaging.Gateway

    def control(self, **hooks: Any) -> None:
        httpx.post(f"{self.url}/_control", json=hooks, timeout=5).raise_for_status()

    def messages(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.url}/_control/messages", timeout=5)
        messages: list[dict[str, Any]] = response.json()["messages"]
        return messages


def _start(dialect: _messaging.Dialect, config: _messaging.GatewayConfig) -> Iterator[Simulator]:
    gateway = _messaging.Gateway(dialect, config)
    server = base.make_server("127.0.0.1", 0, gateway.routes(), name=dialect.name)
    base.start_in_thread(server)
    try:
        yield Simulator(f"http://127.0.0.1:{server.server_port}", gateway)
    finally:
        server.shutdown()
        server.server_close()
        gateway.close()


@pytest.fixture
def sms_simulator(settings: Any, tmp_path: Path) -> Iterator[Simulator]:
    config = _messaging.GatewayConfig(
        db_path=tmp_path / "sms.sqlite3",
        credential=SMS_KEY,
        callback_secret=SMS_SECRET,
        callback_url="",
        report_delay=0.2,
    )
    for simulator in _start(sms.DIALECT, config):
        settings.MOTCUA_SMS_BACKEND = "motcua.notifications.gateways.SmsGatewayBackend"
        settings.MOTCUA_SMS_GATEWAY_URL = simulator.url
        settings.MOTCUA_SMS_API_KEY = SMS_KEY
        settings.MOTCUA_SMS_CALLBACK_SECRET = SMS_SECRET
        settings.MOTCUA_SMS_TIMEOUT = 1.0
        yield simulator


@pytest.fixture
def zalo_simulator(settings: Any, tmp_path: Path) -> Iterator[Simulator]:
    config = _messaging.GatewayConfig(
        db_path=tmp_path / "zalo.sqlite3",
        credential=ZALO_TOKEN,
        callback_secret=ZALO_SECRET,
        callback_url="",
        report_delay=0.2,
    )
    for simulator in _start(zalo.DIALECT, config):
        settings.MOTCUA_ZALO_BACKEND = "motcua.notifications.gateways.ZaloZnsBackend"
        settings.MOTCUA_ZALO_API_URL = simulator.url
        settings.MOTCUA_ZALO_ACCESS_TOKEN = ZALO_TOKEN
        settings.MOTCUA_ZALO_CALLBACK_SECRET = ZALO_SECRET
        settings.MOTCUA_ZALO_TIMEOUT = 1.0
        yield simulator


def run_worker(*extra: str) -> None:
    """Run the queue in this process until nothing is due, keeping pytest's signal handlers."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0", *extra)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def wait_for(condition: Callable[[], bool], *, seconds: float = 10.0) -> None:
    """Poll until the condition holds (a delivery report travels through another thread)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
