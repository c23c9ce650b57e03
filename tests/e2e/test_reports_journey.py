"""The reports journey on the Lạng Sơn demo (system Chromium): a leader opens the dashboard, reads the
figures of the demo dossiers, exports them to Excel; anyone reads the public statistics."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.reports import selectors
from tests.e2e.test_dossier_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_figures_and_export(browser: Any, live_server: Any) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url
    leader = _login(browser, base, "lanhdao.dongkinh")
    leader.get_by_role("link", name="Báo cáo", exact=True).click()
    assert leader.get_by_role("heading", name="Báo cáo: Ủy ban nhân dân phường Đông Kinh").is_visible()
    assert leader.locator("dt", has_text="Tiếp nhận trực tuyến").count() == 1
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Xuất Excel").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert sheet is not None
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    year = selectors.Period.named("year", year=clock.today().year)
    agency = Agency.objects.get(name="Ủy ban nhân dân phường Đông Kinh", valid_to__isnull=True)
    expected = selectors.dossier_figures(selectors.agency_scope(agency), year)
    assert rows["Hồ sơ tiếp nhận"] == expected.received

    visitor = browser.new_context().new_page()
    visitor.goto(base + "/")
    visitor.get_by_role("link", name="Thống kê", exact=True).click()
    assert visitor.get_by_role("heading", name="Thống kê giải quyết thủ tục hành chính").is_visible()
