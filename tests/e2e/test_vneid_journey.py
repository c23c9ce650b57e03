"""Journey: a citizen logs in through the VNeID simulator and lands on the portal logged in; a citizen
without an account gets one; a denial comes back as a message on the login page (system Chromium)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore

from motcua.accounts.models import User, VneidIdentity
from motcua.accounts.selectors import SESSION_LOGIN_METHOD
from motcua.integrations.simulators.vneid import CITIZENS, VneidSimulator, make_server
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_ID, CLIENT_SECRET = "motcua-e2e", "secret-of-the-journey-client-42"


@pytest.fixture
def vneid(tmp_path: Path, settings: Any) -> Iterator[VneidSimulator]:
    """The simulator as its own server on a free loopback port; MotCua (the live server) as its client."""
    server, simulator = make_server(
        "127.0.0.1", 0, key_path=tmp_path / "vneid.pem", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_VNEID_ISSUER = simulator.issuer
    settings.MOTCUA_VNEID_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_VNEID_CLIENT_SECRET = CLIENT_SECRET
    yield simulator
    server.shutdown()
    server.server_close()


def _session(page: Any) -> SessionStore:
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return SessionStore(session_key=cookie["value"])


def test_a_citizen_logs_in_through_vneid_and_lands_on_the_portal(
    page: Any, live_server: Any, vneid: VneidSimulator
) -> None:
    an = CITIZENS[0]
    citizen = make_user(username="congdan1", full_name=an.name, id_number=an.id_number)

    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.locator("#vneid-login").click()
    assert page.url.startswith(vneid.issuer + "/authorize?")
    page.get_by_label(f"{an.name} — CCCD {an.id_number}", exact=False).check()
    page.get_by_role("button", name="Đồng ý").click()

    page.wait_for_url(live_server.url + "/")
    assert page.locator(".site-header .who").inner_text() == an.name
    assert _session(page)[SESSION_LOGIN_METHOD] == "vneid"
    assert VneidIdentity.objects.get(user=citizen).subject == an.subject


def test_a_new_citizen_types_an_id_number_and_gets_an_account(
    page: Any, live_server: Any, vneid: VneidSimulator
) -> None:
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.locator("#vneid-login").click()
    page.get_by_label("Công dân khác").check()
    page.get_by_label("Số định danh cá nhân (12 chữ số)").fill("037204001999")
    page.get_by_label("Họ và tên").fill("Đàm Thị Duyên")
    page.get_by_role("button", name="Đồng ý").click()

    page.wait_for_url(live_server.url + "/")
    assert page.locator(".site-header .who").inner_text() == "Đàm Thị Duyên"
    assert User.objects.get(id_number="037204001999").kind == User.Kind.CITIZEN


def test_a_denial_is_explained_on_the_login_page(page: Any, live_server: Any, vneid: VneidSimulator) -> None:
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.locator("#vneid-login").click()
    page.get_by_role("button", name="Từ chối").click()

    page.wait_for_url(live_server.url + "/tai-khoan/dang-nhap/")
    assert page.get_by_text("Bạn đã từ chối chia sẻ thông tin trên VNeID").is_visible()
    assert page.locator(".site-header .who").count() == 0
