"""A citizen finds a procedure without typing diacritics, reads it and downloads its form (Chromium)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_a_procedure_and_downloads_its_form(page: Any, live_server: Any) -> None:
    call_command("load_demo", "--quiet", "--curated-only")

    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()

    first = page.locator("ol.results li a").first
    assert re.search(r"[Đđ]ăng ký khai sinh", first.inner_text())
    first.click()

    assert page.get_by_role("heading", name="Thành phần hồ sơ").is_visible()
    assert page.get_by_role("heading", name="Thời hạn và lệ phí").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Tải mẫu")).first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"  # a real DOCX (zip) file
