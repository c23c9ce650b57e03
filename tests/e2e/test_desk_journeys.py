"""Journeys (b) in-person reception prints Form 01 whose QR code opens the tracking page, and (c) a
supplement request and its resubmission move the appointment (system Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier
from tests.e2e.test_dossier_journey import PDF, _act, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _read_qr(pdf: bytes, folder: Path) -> str:
    for tool in ("pdftoppm", "zbarimg"):
        assert shutil.which(tool), f"{tool} is missing: run `make browser` (poppler-utils, zbar-tools)"
    (folder / "receipt.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "receipt.pdf", "receipt"], cwd=folder, check=True
    )
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "receipt.png"], cwd=folder, check=True, capture_output=True
    )
    return out.stdout.decode().strip()


def test_in_person_receipt_qr_opens_the_tracking_page(browser: Any, live_server: Any, tmp_path: Path) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    desk = _login(browser, live_server.url, "tiepnhan.dongkinh")
    desk.goto(live_server.url + "/mot-cua/tiep-nhan/")
    desk.get_by_label("Mã thủ tục").fill("1.001193")
    desk.get_by_label("Họ và tên").fill("Lương Thị Hoa")
    desk.get_by_label("Số điện thoại").fill("0912000009")
    desk.get_by_role("button", name="Tiếp nhận và cấp giấy hẹn").click()
    assert desk.get_by_text("Được tiếp nhận").first.is_visible()
    code = desk.locator("h1 .code").inner_text().strip()

    receipt = desk.request.get(f"{live_server.url}/mot-cua/ho-so/{code}/giay-tiep-nhan.pdf")
    assert receipt.headers["content-type"] == "application/pdf"
    url = _read_qr(receipt.body(), tmp_path)

    assert url == f"{live_server.url}/tra-cuu/{code}/"
    visitor = browser.new_context().new_page()
    visitor.goto(url)
    assert visitor.locator(".status-big").inner_text().strip() == "Được tiếp nhận"
    assert "Lương Thị Hoa" not in visitor.content()  # no personal data without the phone or ID number


def test_supplement_and_resubmission_move_the_appointment(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url
    scan = tmp_path / "bo-sung.pdf"
    scan.write_bytes(PDF)
    dossier = Dossier.objects.filter(
        status=1
    ).get()  # the demo's online dossier of congdan1, awaiting reception
    code = str(dossier.code)
    _act(browser, base, "tiepnhan.dongkinh", code, "Tiếp nhận", "Chuyển xử lý")
    first_due = Dossier.objects.get(pk=dossier.pk).due_at

    specialist = _login(browser, base, "chuyenvien.dongkinh")
    specialist.goto(f"{base}/mot-cua/ho-so/{code}/")
    form = specialist.locator("form.action", has=specialist.get_by_role("button", name="Yêu cầu bổ sung"))
    form.get_by_label("Ghi chú, lý do").fill("Bổ sung bản sao giấy chứng sinh")
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    assert specialist.get_by_text("Yêu cầu bổ sung giấy tờ").first.is_visible()

    citizen = _login(browser, base, "congdan1")
    citizen.goto(f"{base}/tra-cuu/{code}/")
    assert citizen.get_by_text("Bổ sung bản sao giấy chứng sinh").is_visible()
    citizen.locator("#supplement form.upload").first.locator("input[type=file]").set_input_files(str(scan))
    citizen.locator("#supplement form.upload").first.get_by_role("button", name="Tải lên").click()
    citizen.get_by_role("button", name="Gửi hồ sơ bổ sung").click()

    assert citizen.locator(".status-big").inner_text().strip() == "Đang xử lý"
    moved = Dossier.objects.get(pk=dossier.pk)
    assert moved.supplement_rounds == 1
    assert first_due is not None
    assert moved.due_at is not None
    assert moved.due_at >= first_due  # the processing time restarted from the complete dossier
    assert re.search(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", citizen.locator(".facts").inner_text())
