"""The document office journey on the Lạng Sơn demo (system Chromium): Sở Tư pháp drafts, approves, signs
and issues an official letter; UBND phường Đông Kinh's clerk finds it in the incoming register, the leader
assigns it and the handler closes it with a reply."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from motcua.demo.documents import DEMO_PASSPHRASE
from motcua.documents.models import IncomingDocument, OutgoingDocument
from tests.e2e.test_dossier_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECT = "V/v rà soát thủ tục chứng thực năm 2026"


def _press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    assert page.get_by_text(f"Đã thực hiện: {name}.").is_visible()


def test_draft_approve_sign_issue_receive_assign_and_close_with_a_reply(
    browser: Any, live_server: Any
) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url

    drafter = _login(browser, base, "chuyenvien.stp")
    drafter.goto(base + "/van-ban/")
    drafter.get_by_role("link", name="Soạn văn bản").click()
    drafter.get_by_label("Cơ quan ban hành").select_option(label="Sở Tư pháp")
    drafter.get_by_label("Loại văn bản").select_option(label="Công văn")
    drafter.get_by_label("Trích yếu").fill(SUBJECT)
    drafter.get_by_label("Nội dung (hoặc tải tệp lên ở dưới)").fill(
        "Đề nghị UBND phường rà soát các thủ tục chứng thực, báo cáo trước ngày 30/12/2026."
    )
    drafter.get_by_label("Người ký", exact=True).select_option(label="Vi Văn Hùng")
    drafter.get_by_label("Chức vụ người ký").fill("Giám đốc")
    drafter.get_by_label("Nơi nhận trong hệ thống (gửi điện tử)").select_option(
        label="Ủy ban nhân dân phường Đông Kinh"
    )
    drafter.get_by_role("button", name="Lưu dự thảo").click()
    assert drafter.get_by_text("Đã lưu dự thảo.").is_visible()
    page_url = drafter.url
    _press(drafter, "Trình duyệt")

    leader = _login(browser, base, "lanhdao.stp")
    leader.goto(base + "/van-ban/")
    leader.get_by_role("link", name=SUBJECT.removeprefix("V/v ")[:20], exact=False).first.click()
    _press(leader, "Duyệt ký")

    clerk = _login(browser, base, "vanthu.stp")
    clerk.goto(page_url)
    clerk.get_by_label("Mật khẩu chứng thư số của cơ quan").fill("sai mật khẩu")
    clerk.get_by_role("button", name="Cấp số, ký số, phát hành").click()
    assert clerk.get_by_text("Mật khẩu chứng thư số không đúng.").is_visible()
    clerk.get_by_label("Mật khẩu chứng thư số của cơ quan").fill(DEMO_PASSPHRASE)
    _press(clerk, "Cấp số, ký số, phát hành")
    number_symbol = clerk.locator("h1 .code").inner_text().strip()
    assert number_symbol == "02/STP-HCTP" or number_symbol.endswith("/STP")  # the demo issued 01/STP-HCTP
    signed = clerk.request.get(page_url + "ban-ky-so.pdf")
    assert signed.headers["content-type"] == "application/pdf"
    assert "/ByteRange" in signed.body().decode("latin-1")
    assert PdfReader(io.BytesIO(signed.body())).pages
    _press(clerk, "Gửi văn bản")
    assert clerk.get_by_text("Đã tiếp nhận").is_visible()

    receiving_clerk = _login(browser, base, "vanthu.dongkinh")
    receiving_clerk.goto(base + "/van-ban/den/")
    receiving_clerk.get_by_label("Tìm kiếm").fill("ra soat chung thuc")
    receiving_clerk.get_by_role("button", name="Tìm kiếm").click()
    assert receiving_clerk.get_by_role("link", name=number_symbol).is_visible()

    receiving_leader = _login(browser, base, "lanhdao.dongkinh")
    receiving_leader.goto(base + "/van-ban/")
    receiving_leader.get_by_role("link", name=number_symbol, exact=False).first.click()
    receiving_leader.get_by_label("Người chủ trì xử lý").select_option(label="Chu Văn Nam")
    receiving_leader.get_by_label("Hạn xử lý").fill("2026-12-30")
    receiving_leader.get_by_label("Ý kiến chỉ đạo").fill("Giao đồng chí Nam rà soát, dự thảo trả lời")
    _press(receiving_leader, "Phân công xử lý")

    handler = _login(browser, base, "chuyenvien.dongkinh")
    handler.goto(base + "/van-ban/")
    handler.get_by_role("link", name=number_symbol, exact=False).first.click()
    arrival_url = handler.url
    handler.get_by_role("link", name="Soạn văn bản trả lời").click()
    handler.get_by_label("Loại văn bản").select_option(label="Công văn")
    handler.get_by_label("Nội dung (hoặc tải tệp lên ở dưới)").fill(
        "UBND phường Đông Kinh báo cáo kết quả rà soát."
    )
    handler.get_by_label("Người ký", exact=True).select_option(label="Hà Văn Dũng")
    handler.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    handler.get_by_role("button", name="Lưu dự thảo").click()
    assert handler.get_by_text("Đã lưu dự thảo.").is_visible()
    handler.goto(arrival_url)
    handler.get_by_label("Văn bản trả lời").select_option(index=1)
    handler.get_by_label("Kết quả xử lý").fill("Đã rà soát, dự thảo trả lời")
    _press(handler, "Hoàn thành xử lý")

    outgoing = OutgoingDocument.objects.get(number_symbol=number_symbol)
    arrival = IncomingDocument.objects.get(source=outgoing)
    assert arrival.status == "completed"
    assert arrival.replies.get().subject.startswith("V/v trả lời")
    assert outgoing.recipients.get().exchange_status == "06"
