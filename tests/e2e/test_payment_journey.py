"""Journey: a citizen whose dossier waits for its fees pays on the simulated gateway (real HTTP on loopback)
and sees the dossier resumed, with the electronic receipt (system Chromium).

The dossier is brought to "fees requested" through the services, not the officials' pages: only the
citizen logs in through the browser here (officials' logins carry a second factor)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act
from motcua.dossiers.workflow import Action, Status
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.tests.conftest import Gateway, start_gateway, stop_gateway

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "MotCua@2026"


@pytest.fixture
def gateway(tmp_path: Path, settings: Any, live_server: Any) -> Iterator[Gateway]:
    running = start_gateway(tmp_path / "gateway.sqlite3")
    settings.MOTCUA_PAYMENT_GATEWAY_URL = running.url
    settings.MOTCUA_PUBLIC_URL = live_server.url
    yield running
    stop_gateway(running)


def _waiting_for_fees() -> Dossier:
    """congdan1's demo dossier at Phường Đông Kinh, received, forwarded and asked for 150.000 đồng."""
    users = {
        u.username: u for u in User.objects.filter(username__in=["tiepnhan.dongkinh", "chuyenvien.dongkinh"])
    }
    dossier = Dossier.objects.get(owner__username="congdan1", status=Status.NEW)
    desk = users["tiepnhan.dongkinh"]
    dossier = dossier_act(dossier=dossier, actor=desk, action=Action.ACCEPT)
    dossier = dossier_act(dossier=dossier, actor=desk, action=Action.FORWARD)
    Dossier.objects.filter(pk=dossier.pk).update(fee_amount=Decimal(150_000))
    return dossier_act(dossier=dossier, actor=users["chuyenvien.dongkinh"], action=Action.REQUEST_FEES)


def test_a_citizen_pays_the_fees_online_and_sees_the_dossier_resume(
    browser: Any, live_server: Any, gateway: Gateway
) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    dossier = _waiting_for_fees()
    base = live_server.url

    citizen = browser.new_context().new_page()
    citizen.goto(base + "/tai-khoan/dang-nhap/")
    citizen.get_by_label("Số định danh, số điện thoại, e-mail hoặc tên đăng nhập").fill("congdan1")
    citizen.get_by_label("Mật khẩu").fill(PASSWORD)
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.goto(f"{base}/tra-cuu/{dossier.code}/")
    assert citizen.locator(".status-big").inner_text().strip() == "Yêu cầu thực hiện nghĩa vụ tài chính"
    assert "150.000 đ" in citizen.locator("#payment").inner_text()

    citizen.locator("#payment button[type=submit]").click()  # "Thanh toán trực tuyến"
    citizen.wait_for_url(f"{gateway.url}/pay?*")
    assert citizen.locator("#amount").inner_text() == "150.000 đ"
    assert dossier.code in citizen.content()
    citizen.get_by_role("button", name="Thanh toán", exact=True).click()

    payment = Payment.objects.get(dossier=dossier)
    citizen.wait_for_url(f"{base}/thanh-toan/{payment.order_id}/")
    assert "Đang xử lý" in citizen.locator("dl.facts").inner_text()  # the dossier's status, resumed
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    with citizen.expect_download() as download:
        citizen.locator(f"a[href='/thanh-toan/{payment.order_id}/bien-lai.pdf']").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    citizen.goto(f"{base}/tra-cuu/{dossier.code}/")
    assert citizen.locator(".status-big").inner_text().strip() == "Đang xử lý"
    assert payment.transaction_id in citizen.locator("#payment").inner_text()
    assert Dossier.objects.get(pk=dossier.pk).fees_paid_at is not None
