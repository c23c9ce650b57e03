"""The catalogue through the HTTP API: search, detail, admin-only writes, documented errors."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.models import Role
from motcua.accounts.tokens import api_token_create
from tests.factories import make_agency, make_procedure, make_role, make_user

pytestmark = pytest.mark.django_db


def test_search_ignores_diacritics_and_case_and_ranks_name_matches_first(client: Client) -> None:
    # given a procedure whose name matches, and one that mentions the words only in its field
    make_procedure(name="Thủ tục liên quan", field_name="Đăng ký khai sinh")
    wanted = make_procedure(name="Đăng ký khai sinh")
    make_procedure(name="Cấp giấy phép xây dựng", field_name="Xây dựng")
    # when searching without diacritics
    response = client.get("/api/v1/procedures", {"q": "DANG KY khai sinh"})
    # then both matches come back, the name match first, and nothing else
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert body["results"][0]["code"] == wanted.code


def test_search_filters_by_level_and_agency(client: Client) -> None:
    commune = make_agency(name="UBND xã Hữu Lũng", kind="commune_committee")
    at_commune = make_procedure(name="Chứng thực bản sao", at_commune=True, agencies=[commune])
    make_procedure(name="Chứng thực chữ ký", at_province=True)

    by_level = client.get("/api/v1/procedures", {"q": "chung thuc", "level": "commune"}).json()
    by_agency = client.get("/api/v1/procedures", {"agency": commune.identifier}).json()

    assert [r["code"] for r in by_level["results"]] == [at_commune.code]
    assert [r["code"] for r in by_agency["results"]] == [at_commune.code]


def test_procedure_detail_has_times_fees_and_components(client: Client) -> None:
    procedure = make_procedure(name="Đăng ký kết hôn", working_days=5)

    body = client.get(f"/api/v1/procedures/{procedure.code}").json()

    assert body["name"] == "Đăng ký kết hôn"
    assert body["channels"][0]["duration_unit"] == "working_days"
    assert body["channels"][0]["working_hours"] == "40.00"
    assert body["components"][0]["name"] == "Tờ khai"


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/procedures/khong-co", 404, "not_found"),
        ("/api/v1/procedures?page=0", 422, "validation_error"),
        ("/api/v1/procedures?level=galaxy", 422, "validation_error"),
        ("/api/v1/procedures?agency=999.99.99.X00", 404, "not_found"),
        ("/api/v1/agencies?on=not-a-date", 422, "validation_error"),
    ],
)
def test_bad_requests_get_documented_json_errors(client: Client, url: str, status: int, code: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]


def test_only_administrators_may_change_a_procedure(client: Client) -> None:
    agency = make_agency()
    procedure = make_procedure()
    officer = make_user(kind="official")
    make_role(user=officer, agency=agency, role=Role.SPECIALIST)
    admin = make_user(kind="official")
    make_role(user=admin, agency=agency, role=Role.ADMINISTRATOR)
    _, officer_secret = api_token_create(user=officer, name="ci", actor=officer)
    _, admin_secret = api_token_create(user=admin, name="ci", actor=admin)
    url = f"/api/v1/procedures/{procedure.code}"

    anonymous = client.patch(url, {"online_mode": "full"}, content_type="application/json")
    refused = client.patch(
        url,
        {"online_mode": "full"},
        content_type="application/json",
        headers={"authorization": f"Bearer {officer_secret}"},
    )
    bad = client.patch(
        url,
        {"online_mode": "level-9"},
        content_type="application/json",
        headers={"authorization": f"Bearer {admin_secret}"},
    )
    done = client.patch(
        url,
        {"online_mode": "full"},
        content_type="application/json",
        headers={"authorization": f"Bearer {admin_secret}"},
    )

    assert anonymous.status_code == 401
    assert refused.status_code == 403
    assert bad.status_code == 422
    assert done.status_code == 200
    assert done.json()["online_mode"] == "full"
    procedure.refresh_from_db()
    assert procedure.online_mode == "full"


def test_openapi_schema_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures" in schema["paths"]
    assert "422" in schema["paths"]["/api/v1/procedures"]["get"]["responses"]
    assert client.get("/api/v1/docs").status_code == 200
