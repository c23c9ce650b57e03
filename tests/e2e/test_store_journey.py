"""The document store journey on the Lạng Sơn demo (system Chromium): a paper dossier is digitised at the
desk, its result is signed and returned, the citizen finds both in "Kho dữ liệu của tôi", and a second
dossier reuses them without an upload."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image

from motcua.catalog.models import Component, Procedure
from motcua.datastore import scans
from motcua.datastore.models import Reuse, StoredDocument
from motcua.demo.documents import DEMO_PASSPHRASE
from motcua.dossiers.models import Dossier
from tests.e2e.test_dossier_journey import PDF, _act, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_CARD = "- Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước"


def _scan(path: Path, colour: str) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (1654, 2339), colour).save(buffer, "PNG", dpi=(200, 200))
    path.write_bytes(buffer.getvalue())
    return path


def _component(code: str, starts: str) -> Component:
    procedure = Procedure.objects.get(code=code)
    return Component.objects.get(version_id=procedure.current_version_id, name__startswith=starts)


def test_digitise_return_find_in_the_store_and_reuse(browser: Any, live_server: Any, tmp_path: Path) -> None:
    call_command("load_demo", "--quiet", "--curated-only")
    base = live_server.url
    front, back = _scan(tmp_path / "cccd-truoc.png", "#f4f4f4"), _scan(tmp_path / "cccd-sau.png", "#e8e8e8")
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(scans.join_pages([scans.ScanPage("kq.png", front.read_bytes())]).pdf)
    other = tmp_path / "to-khai.pdf"
    other.write_bytes(PDF)

    desk = _login(browser, base, "tiepnhan.dongkinh")
    desk.goto(base + "/mot-cua/tiep-nhan/")
    desk.get_by_label("Mã thủ tục").fill("1.001193")
    desk.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    desk.get_by_label("Số định danh cá nhân").fill("020090001234")
    desk.get_by_label("Số điện thoại").fill("0912000001")
    desk.get_by_role("button", name="Tiếp nhận và cấp giấy hẹn").click()
    code = desk.locator("h1 .code").inner_text().strip()

    form = desk.locator("form.digitise")
    form.get_by_label("Thành phần hồ sơ").select_option(value=str(_component("1.001193", ID_CARD).pk))
    form.get_by_label("Các trang quét").set_input_files([str(front), str(back)])
    form.get_by_label("Cơ quan cấp").fill("Cục Cảnh sát quản lý hành chính về trật tự xã hội")
    form.get_by_label("Ngày cấp").fill("2021-04-10")
    form.get_by_label("Hiệu lực đến").fill("2036-05-12")
    form.get_by_label("Mật khẩu chứng thư số của cơ quan").fill(DEMO_PASSPHRASE)
    form.get_by_role("button", name="Số hóa và ký số").click()
    assert desk.get_by_text("(2 trang) và lưu vào kho dữ liệu").is_visible()
    assert desk.get_by_text("đã số hóa, ký số").is_visible()
    desk.context.close()

    _act(browser, base, "tiepnhan.dongkinh", code, "Chuyển xử lý")
    _act(browser, base, "chuyenvien.dongkinh", code, "Hoàn thành bước")
    _act(browser, base, "truongphong.dongkinh", code, "Hoàn thành bước")
    leader = _login(browser, base, "lanhdao.dongkinh")
    leader.goto(f"{base}/mot-cua/ho-so/{code}/")
    leader.get_by_label("Tải lên kết quả đã ký số").set_input_files(str(result))
    leader.get_by_label("Hoặc ký số ngay bằng chứng thư số của cơ quan (mật khẩu)").fill(DEMO_PASSPHRASE)
    leader.get_by_role("button", name="Tải lên", exact=True).click()
    leader.get_by_role("button", name="Hoàn thành bước", exact=True).click()
    leader.context.close()
    _act(browser, base, "tiepnhan.dongkinh", code, "Trả kết quả")

    citizen = _login(browser, base, "congdan1")
    citizen.get_by_role("link", name="Kho dữ liệu của tôi").click()
    assert citizen.get_by_role("link", name="Giấy khai sinh").is_visible()
    citizen.get_by_role("link", name=ID_CARD, exact=False).click()
    assert citizen.get_by_text(code).first.is_visible()  # provenance: the dossier it came from

    citizen.goto(base + "/thu-tuc/2.000635/")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    citizen.get_by_label("Cơ quan tiếp nhận").select_option(label="Ủy ban nhân dân phường Đông Kinh")
    citizen.get_by_role("button", name="Tiếp tục").click()
    for starts in (ID_CARD, "+ Bản chụp các giấy tờ gửi kèm theo hồ sơ cấp bản sao"):
        row = citizen.locator("ol.checklist li", has_text=starts).first
        row.get_by_role("button", name="Dùng giấy tờ này").click()
        assert citizen.get_by_text("từ kho dữ liệu, không cần tải lên").is_visible()
    rows = citizen.locator("ol.checklist li", has=citizen.locator(".badge"))
    for index in range(rows.count()):
        row = rows.nth(index)
        if (
            row.get_by_text("Lấy từ kho dữ liệu của bạn").count() == 0
            and row.get_by_text("Tải lên:").count() == 0
        ):
            row.locator("form.upload input[type=file]").set_input_files(str(other))
            row.locator("form.upload").get_by_role("button", name="Tải lên", exact=True).click()
    citizen.get_by_label("Tôi cam đoan thông tin và giấy tờ trên là đúng sự thật.").check()
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    assert citizen.get_by_text("Mới đăng ký").first.is_visible()

    second = Dossier.objects.get(code=citizen.locator("h1 .code").inner_text().strip())
    reused = Reuse.objects.filter(dossier=second).select_related("document")
    assert sorted(r.document.origin for r in reused) == ["digitised", "result"]
    assert StoredDocument.objects.filter(owner_number="020090001234").count() == 2
