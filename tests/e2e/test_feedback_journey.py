"""The feedback journey on the Lạng Sơn demo (system Chromium): a citizen without an account sends feedback,
the commune accepts, assigns and answers it, the answer is published without personal data and the sender
rates it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from motcua.feedback.models import Feedback
from tests.e2e.test_dossier_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "0912345678"


def _press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    assert page.get_by_text(f"Đã thực hiện: {name}.").is_visible()


def test_send_accept_answer_publish_and_rate(browser: Any, live_server: Any) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url

    visitor = browser.new_context().new_page()
    visitor.goto(base + "/")
    visitor.get_by_role("link", name="Phản ánh, kiến nghị", exact=True).first.click()
    visitor.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    visitor.get_by_label("Về việc").select_option(label="Hành vi, thái độ của cán bộ, Bộ phận Một cửa")
    visitor.get_by_label("Cơ quan liên quan").select_option(label="Ủy ban nhân dân phường Đông Kinh")
    visitor.get_by_label("Tiêu đề").fill("Chờ lâu tại Bộ phận Một cửa")
    visitor.get_by_label("Nội dung").fill(
        "Sáng 24/11/2026 tôi, Lò Văn Tuấn, chờ hơn 2 giờ ở Bộ phận Một cửa mà không được hướng dẫn."
    )
    visitor.get_by_label("Họ và tên của bạn").fill("Lò Văn Tuấn")
    visitor.get_by_label("Số điện thoại của bạn").fill(PHONE)
    visitor.get_by_role("button", name="Gửi", exact=True).click()
    code = visitor.locator("strong.code").inner_text().strip()
    assert code.startswith("PAKN-")

    leader = _login(browser, base, "lanhdao.dongkinh")
    leader.goto(base + "/phan-anh-kien-nghi/xu-ly/")
    leader.get_by_role("link", name=code).click()
    _press(leader, "Thụ lý")
    leader.locator("form.action", has=leader.get_by_role("button", name="Phân công xử lý")).get_by_label(
        "Người xử lý"
    ).select_option(label="Chu Văn Nam")
    _press(leader, "Phân công xử lý")

    handler = _login(browser, base, "chuyenvien.dongkinh")
    handler.goto(f"{base}/phan-anh-kien-nghi/xu-ly/{code}/")
    handler.get_by_label("Nội dung trả lời").fill(
        "UBND phường xin lỗi ông Lò Văn Tuấn; từ 01/12/2026 Bộ phận Một cửa bố trí thêm một cán bộ hướng dẫn."
    )
    _press(handler, "Dự thảo trả lời")

    leader.goto(f"{base}/phan-anh-kien-nghi/xu-ly/{code}/")
    _press(leader, "Duyệt và gửi trả lời")
    _press(leader, "Công khai")

    visitor.goto(base + "/phan-anh-kien-nghi/tra-cuu/")
    visitor.get_by_label("Mã phản ánh, kiến nghị").fill(code)
    visitor.get_by_label("Số điện thoại đã khai khi gửi").fill(PHONE)
    visitor.get_by_role("button", name="Tra cứu phản ánh", exact=True).click()
    assert visitor.get_by_text("bố trí thêm một cán bộ hướng dẫn").is_visible()
    visitor.get_by_label("5", exact=True).check()
    visitor.get_by_role("button", name="Đánh giá câu trả lời").click()
    assert visitor.get_by_text("Đã thực hiện: Đánh giá.").is_visible()

    visitor.goto(base + "/phan-anh-kien-nghi/?q=bo phan mot cua")
    page = visitor.content()
    assert "bố trí thêm một cán bộ hướng dẫn" in page
    assert "Lò Văn Tuấn" not in page
    assert PHONE not in page
    assert Feedback.objects.get(code=code).rating == 5
