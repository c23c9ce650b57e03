"""The citizen's catalogue pages: server-rendered, Vietnamese, filters as plain links."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Component
from tests.factories import make_agency, make_procedure

pytestmark = pytest.mark.django_db


def test_home_offers_search_levels_and_fields_in_vietnamese(client: Client) -> None:
    make_procedure(name="Đăng ký khai sinh", at_commune=True)

    html = client.get("/", headers={"accept-language": "en-US"}).content.decode()

    assert "Tra cứu thủ tục hành chính" in html
    assert "Cấp xã" in html
    assert "Hộ tịch" in html


def test_search_page_finds_without_diacritics_and_pages_results(client: Client) -> None:
    for n in range(25):
        make_procedure(name=f"Chứng thực bản sao loại {n}")

    first = client.get("/thu-tuc/", {"q": "chung thuc"}).content.decode()
    second = client.get("/thu-tuc/", {"q": "chung thuc", "page": 2}).content.decode()

    assert "Tìm thấy 25 thủ tục" in first
    assert "Trang 1/2" in first
    assert "page=2" in first
    assert second.count('<li>\n    <a href="/thu-tuc/') == 5


def test_search_page_ignores_unknown_filters_instead_of_failing(client: Client) -> None:
    make_procedure(name="Đăng ký kết hôn")

    response = client.get("/thu-tuc/", {"level": "galaxy", "field": "khong-co", "agency": "x", "page": "abc"})

    assert response.status_code == 200
    assert "Tìm thấy 1 thủ tục" in response.content.decode()


def test_procedure_page_shows_what_is_needed_before_applying(client: Client) -> None:
    agency = make_agency(name="UBND phường Đông Kinh", kind="commune_committee")
    procedure = make_procedure(name="Đăng ký khai tử", agencies=[agency], working_days=1)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/thu-tuc/{procedure.code}/").content.decode()

    for heading in (
        "Nơi tiếp nhận",
        "Thời hạn và lệ phí",
        "Thành phần hồ sơ",
        "Trình tự thực hiện",
        "Căn cứ pháp lý",
    ):
        assert heading in html
    assert "UBND phường Đông Kinh" in html
    assert "1 ngày làm việc" in html
    assert "Không thu phí" in html
    assert len(queries) <= 8


def test_unknown_procedure_is_a_404(client: Client) -> None:
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_template_form_downloads_as_an_attachment(client: Client) -> None:
    procedure = make_procedure(name="Đăng ký kết hôn")
    component = Component.objects.get(version__procedure=procedure)
    component.template_file.save("to-khai.docx", ContentFile(b"PK\x03\x04demo"))

    response = client.get(f"/thu-tuc/{procedure.code}/mau/{component.pk}/")
    other = client.get(f"/thu-tuc/9.999999/mau/{component.pk}/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert other.status_code == 404
