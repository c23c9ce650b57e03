"""Journey across the national integrations, in one test (system Chromium, every simulator on loopback):
a citizen logs in through VNeID, submits a dossier of a procedure with fees, the desk receives and forwards
it, the specialist asks for the fees, the citizen pays on the payment gateway's page, the gateway's
notification resumes the dossier, and the task worker delivers its history to the national portal, where
TraCuuHoSo shows the fee paid online.

Selectors rely on ids, form actions and data (codes, amounts, URLs), not on the interface's wording, so the
journey passes whether the Vietnamese translations are compiled or not. Officials log in with a password and
their authenticator code, computed like the other journeys do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.management import call_command

from motcua.accounts.models import VneidIdentity
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.integrations.models import DeliveryStream, StreamState
from motcua.integrations.portal import wire
from motcua.integrations.simulators.vneid import CITIZENS, VneidSimulator
from motcua.integrations.tests.conftest import TOKEN, Portal, portal, run_worker  # noqa: F401 (fixture)
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.tests.conftest import Gateway
from tests.e2e.test_dossier_journey import PASSWORD, PDF, _totp_code
from tests.e2e.test_payment_journey import gateway  # noqa: F401 (the gateway calling back the live server)
from tests.e2e.test_vneid_journey import vneid  # noqa: F401 (the identity provider, MotCua its client)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROCEDURE = "1.001612"  # Đăng ký thành lập hộ kinh doanh: 150.000 đồng online (the demo catalogue's fee)
AGENCY = "Ủy ban nhân dân phường Đông Kinh"
FEE = 150_000
AN = CITIZENS[0]  # Nguyễn Văn An, the demo's congdan1: VNeID links the existing account


def _official(browser: Any, base: str, username: str) -> Any:
    """A new browser context logged in as ``username``: password, then the authenticator's code."""
    page = browser.new_context().new_page()
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form:has(#id_password) button[type=submit]").click()
    page.locator("#id_code").fill(_totp_code(username))
    page.locator("#totp-submit").click()
    page.wait_for_load_state()
    assert "/tai-khoan/" not in page.url, page.locator("[role=alert]").all_inner_texts()
    return page


def _act(page: Any, base: str, code: str, action: str) -> None:
    """Press the action's button on the desk page and wait for the answer (a message, success or not)."""
    page.goto(f"{base}/mot-cua/ho-so/{code}/")
    page.locator(f"form[action='/mot-cua/ho-so/{code}/thao-tac/{action}/'] button[type=submit]").click()
    answer = page.locator("ul.messages li").first
    answer.wait_for()
    assert answer.get_attribute("class") == "success", answer.inner_text()


def _lookup(portal: Portal, code: str) -> httpx.Response:  # noqa: F811
    """TraCuuHoSo, as the national portal answers it to anyone holding the token."""
    return httpx.get(
        f"{portal.url}/{wire.LOOKUP}",
        params={"MaHoSo": code},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )


def _submit_online(page: Any, base: str, scan: Path) -> str:
    """From the logged-in citizen's application form to a submitted dossier; its code."""
    page.locator("#agency").select_option(label=AGENCY)
    assert page.locator("#an").input_value() == AN.name  # prefilled from the account VNeID completed
    assert page.locator("#ai").input_value() == AN.id_number
    page.locator("form:has(#agency) button[type=submit]").click()
    page.wait_for_url(f"{base}/ho-so/nhap/*/")
    required = page.locator("ol.checklist li", has=page.locator(".badge"))
    assert required.count() > 0
    for index in range(required.count()):
        row = page.locator("ol.checklist li", has=page.locator(".badge")).nth(index)
        row.locator("form.upload input[type=file]").set_input_files(str(scan))
        row.locator("form.upload button[type=submit]").click()
        page.wait_for_load_state()
    page.locator("input[name=declaration]").check()
    page.locator("form[action$='/nop/'] button[type=submit]").click()
    page.wait_for_url(f"{base}/tra-cuu/*/")
    return str(page.locator("h1 .code").inner_text().strip())


def test_vneid_login_fees_paid_online_and_the_dossier_synced_to_the_national_portal(
    browser: Any,
    live_server: Any,
    vneid: VneidSimulator,  # noqa: F811
    gateway: Gateway,  # noqa: F811
    portal: Portal,  # noqa: F811
    tmp_path: Path,
) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url
    scan = tmp_path / "giay-to.pdf"
    scan.write_bytes(PDF)

    # The citizen opens the application form, is sent to log in, and chooses VNeID.
    citizen = browser.new_context().new_page()
    citizen.goto(f"{base}/thu-tuc/{PROCEDURE}/nop-ho-so/")
    assert citizen.url.startswith(f"{base}/tai-khoan/dang-nhap/")
    citizen.locator("#vneid-login").click()
    citizen.wait_for_url(f"{vneid.issuer}/authorize?*")
    citizen.locator(f"input[name=citizen][value='{AN.id_number}']").check()
    citizen.locator("button[name=decision][value=approve]").click()
    citizen.wait_for_url(f"{base}/thu-tuc/{PROCEDURE}/nop-ho-so/")  # back where the login started

    code = _submit_online(citizen, base, scan)
    dossier = Dossier.objects.select_related("owner").get(code=code)
    assert dossier.status == Status.NEW
    assert dossier.fee_amount == FEE  # the catalogue's online fee for this procedure
    owner = dossier.owner
    assert owner is not None
    assert owner.username == "congdan1"  # VNeID logged in the demo's own account, linked to the citizen
    assert VneidIdentity.objects.get(user=owner).subject == AN.subject

    # The desk receives and forwards it; the specialist asks for the fees (officials: password + TOTP).
    desk = _official(browser, base, "tiepnhan.dongkinh")
    _act(desk, base, code, "accept")
    _act(desk, base, code, "forward")
    desk.context.close()
    specialist = _official(browser, base, "chuyenvien.dongkinh")
    _act(specialist, base, code, "request_fees")
    specialist.context.close()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.FEES_REQUESTED

    # Nothing reaches the portal before the worker runs; then it sees the dossier waiting for its fees.
    assert _lookup(portal, code).status_code == 404
    run_worker()
    waiting = _lookup(portal, code).json()["HoSo"]
    assert waiting["TrangThai"] == Status.FEES_REQUESTED
    assert waiting["LePhi"] == {"TongTien": FEE, "DaNop": False, "ThanhToanTrucTuyen": False}

    # The citizen pays on the gateway's page and comes back to the dossier, resumed by the notification.
    citizen.goto(f"{base}/tra-cuu/{code}/")
    assert citizen.locator(f".status-big .status.s{Status.FEES_REQUESTED}").count() == 1
    assert "150.000 đ" in citizen.locator("#payment").inner_text()
    citizen.locator(f"#payment form[action='/ho-so/{code}/thanh-toan/'] button[type=submit]").click()
    citizen.wait_for_url(f"{gateway.url}/pay?*")
    assert citizen.locator("#amount").inner_text() == "150.000 đ"
    assert code in citizen.content()
    citizen.locator("form[action='/pay/confirm'] button[type=submit]").click()

    payment = Payment.objects.get(dossier=dossier)
    citizen.wait_for_url(f"{base}/thanh-toan/{payment.order_id}/")
    # The page refreshes itself until the notification is recorded; the receipt link shows it paid.
    citizen.locator(f"a[href='/thanh-toan/{payment.order_id}/bien-lai.pdf']").wait_for()
    payment.refresh_from_db()
    assert (payment.status, payment.amount, payment.paid_amount) == (PaymentStatus.PAID, FEE, FEE)
    assert payment.transaction_id in citizen.locator("dl.facts").inner_text()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.fees_paid_at is not None
    assert dossier.events.filter(action="confirm_fees", actor__username="cong-thanh-toan").count() == 1

    citizen.goto(f"{base}/tra-cuu/{code}/")
    assert citizen.locator(f".status-big .status.s{Status.PROCESSING}").count() == 1
    assert payment.transaction_id in citizen.locator("#payment").inner_text()

    # The worker delivers the rest; the national portal holds the whole history and the fee paid online.
    run_worker()
    on_portal = _lookup(portal, code).json()["HoSo"]
    assert (on_portal["MaHoSo"], on_portal["MaTTHC"], on_portal["MaCoQuan"]) == (
        code,
        PROCEDURE,
        dossier.receiving_agency.identifier,
    )
    assert on_portal["KenhThucHien"] == 2  # online
    assert on_portal["ChuHoSo"]["SoGiayTo"] == AN.id_number
    assert on_portal["ChuHoSo"]["XacThucVNeID"] is True
    assert on_portal["TrangThai"] == Status.PROCESSING
    assert on_portal["LePhi"] == {"TongTien": FEE, "DaNop": True, "ThanhToanTrucTuyen": True}
    assert [(h["HanhDong"], h["TuTrangThai"], h["DenTrangThai"]) for h in on_portal["QuaTrinhXuLy"]] == [
        ("submit", Status.DRAFT, Status.NEW),
        ("accept", Status.NEW, Status.RECEIVED),
        ("forward", Status.RECEIVED, Status.PROCESSING),
        ("request_fees", Status.PROCESSING, Status.FEES_REQUESTED),
        ("confirm_fees", Status.FEES_REQUESTED, Status.PROCESSING),
    ]
    assert [m["SoThuTu"] for m in portal.messages(code)] == [1, 2, 3, 4, 5]
    assert portal.state()["errors"] == []
    assert DeliveryStream.objects.get(system="portal", key=code).state == StreamState.SENT

    # The portal simulator's own page lists the dossier as it holds it.
    citizen.goto(portal.url + "/")
    row = citizen.locator("tr", has=citizen.locator(f"td:text-is('{code}')"))
    assert PROCEDURE in row.inner_text()
    assert f"{Status.PROCESSING} – " in row.inner_text()
    shot = tmp_path / "national-journey.png"
    citizen.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
