"""Journey (a): a citizen submits online, the desk accepts, the specialist, head and leader process, the
desk returns the result, and the citizen downloads it and sees "Đã trả kết quả" (system Chromium)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.accounts import totp
from motcua.accounts.models import TotpDevice
from motcua.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "MotCua@2026"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Số định danh, số điện thoại, e-mail hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_load_state()
    if page.url.endswith("/tai-khoan/xac-thuc/"):  # officials: the authenticator app's code
        page.locator("input[name=code]").fill(_totp_code(username))
        page.locator("#totp-submit").click()
        page.wait_for_load_state()
        assert not page.url.endswith("/tai-khoan/xac-thuc/"), page.locator("[role=alert]").all_inner_texts()
    return page


def _totp_code(username: str) -> str:
    """The code the official's app shows (load_demo's key), never one already used: the server refuses
    replays, and journeys log the same official in several times within 30 seconds."""
    device = TotpDevice.objects.get(user__username=username)
    for _ in range(2 * totp.STEP_SECONDS):
        moment = clock.now()
        if totp.STEP_SECONDS - moment.timestamp() % totp.STEP_SECONDS > 3:  # not at the edge of a step
            step = totp.time_step(moment)
            usable = [s for s in (step - 1, step, step + 1) if s > device.last_used_step]
            if usable:
                return totp.code_for_step(device.secret, usable[0])
        time.sleep(1)
        device.refresh_from_db()
    raise AssertionError(f"no unused TOTP code for {username}: is the clock frozen?")


def _act(browser: Any, base: str, username: str, code: str, *buttons: str) -> None:
    page = _login(browser, base, username)
    for name in buttons:
        page.goto(f"{base}/mot-cua/ho-so/{code}/")
        page.get_by_role("button", name=name, exact=True).click()
        assert page.get_by_text(f"Đã thực hiện: {name}.").is_visible()
    page.context.close()


def test_online_dossier_to_returned_result(browser: Any, live_server: Any, tmp_path: Path) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url
    scan = tmp_path / "giay-to.pdf"
    scan.write_bytes(PDF)

    citizen = _login(browser, base, "congdan1")
    citizen.goto(base + "/thu-tuc/1.001193/")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    citizen.get_by_label("Cơ quan tiếp nhận").select_option(label="Ủy ban nhân dân phường Đông Kinh")
    assert citizen.get_by_label("Họ và tên").input_value() == "Nguyễn Văn An"  # prefilled from the account
    citizen.get_by_role("button", name="Tiếp tục").click()
    required = citizen.locator("ol.checklist li", has=citizen.locator(".badge"))
    for index in range(required.count()):
        row = citizen.locator("ol.checklist li", has=citizen.locator(".badge")).nth(index)
        row.locator("input[type=file]").set_input_files(str(scan))
        row.get_by_role("button", name="Tải lên", exact=True).click()
    citizen.get_by_label("Tôi cam đoan thông tin và giấy tờ trên là đúng sự thật.").check()
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    assert citizen.get_by_text("Mới đăng ký").first.is_visible()
    code = citizen.locator("h1 .code").inner_text().strip()

    _act(browser, base, "tiepnhan.dongkinh", code, "Tiếp nhận", "Chuyển xử lý")
    _act(browser, base, "chuyenvien.dongkinh", code, "Hoàn thành bước")
    _act(browser, base, "truongphong.dongkinh", code, "Hoàn thành bước")
    leader = _login(browser, base, "lanhdao.dongkinh")
    leader.goto(f"{base}/mot-cua/ho-so/{code}/")
    leader.get_by_label("Tải lên kết quả đã ký số").set_input_files(str(scan))
    leader.get_by_role("button", name="Tải lên", exact=True).click()
    leader.get_by_role("button", name="Hoàn thành bước", exact=True).click()
    leader.context.close()
    _act(browser, base, "tiepnhan.dongkinh", code, "Trả kết quả")

    citizen.goto(f"{base}/tra-cuu/{code}/")
    assert citizen.locator(".status-big").inner_text().strip() == "Đã trả kết quả"
    with citizen.expect_download() as download_info:
        citizen.get_by_role("link", name="Tải kết quả", exact=False).first.click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF")
