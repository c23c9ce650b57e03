"""The VNeID simulator on a free loopback port, and MotCua's settings pointing at it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.integrations.simulators.vneid import VneidSimulator, make_server

CLIENT_ID = "motcua-test"
CLIENT_SECRET = "s3cret-of-the-test-client-0123456789"


@pytest.fixture(scope="session")
def vneid_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vneid") / "key.pem"


@pytest.fixture(scope="module")
def vneid_server(vneid_key_path: Path) -> Iterator[VneidSimulator]:
    server, simulator = make_server(
        "127.0.0.1",
        0,
        key_path=vneid_key_path,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=("http://testserver/tai-khoan/vneid/callback/",),  # Django's test client
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield simulator
    server.shutdown()
    server.server_close()


@pytest.fixture
def vneid(vneid_server: VneidSimulator, settings: Any) -> Iterator[VneidSimulator]:
    """The running simulator, behaving well at the start of each test; MotCua configured as its client."""
    settings.MOTCUA_VNEID_ISSUER = vneid_server.issuer
    settings.MOTCUA_VNEID_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_VNEID_CLIENT_SECRET = CLIENT_SECRET
    settings.MOTCUA_VNEID_TIMEOUT = 5.0
    vneid_server.fault = None
    yield vneid_server
    vneid_server.fault = None
