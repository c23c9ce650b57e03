"""Django admin in Vietnamese for every model, and the internal-process time warning."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client

from motcua.accounts.models import Role
from motcua.agencies.models import OrgUnit
from motcua.catalog.models import InternalProcess, ProcessStep
from motcua.catalog.processes import allotment_problem
from tests.factories import make_agency, make_procedure, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user = make_user(is_staff=True, is_superuser=True, password="Quan-Tri-2026")
    client.force_login(user)
    return client


def test_every_admin_page_opens_in_vietnamese(admin_client: Client) -> None:
    agency = make_agency()
    make_procedure(agencies=[agency])
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        listing = admin_client.get(url)
        assert listing.status_code == 200, url
        assert 'lang="vi"' in listing.content.decode()
    home = admin_client.get("/admin/").content.decode()
    assert "Quản trị MotCua" in home
    assert "Danh mục thủ tục hành chính" in home


@pytest.mark.parametrize(
    ("hours", "legal", "warns"),
    [
        (["4", "12", "4", "4"], "24", False),  # 3 working days, fully allotted
        (["4", "16", "4", "4"], "24", True),  # 28 h > 24 h
        (["100"], None, False),  # calendar-day procedures cannot be checked in working hours
    ],
)
def test_allotment_problem_compares_the_steps_with_the_legal_time(
    hours: list[str], legal: str | None, warns: bool
) -> None:
    problem = allotment_problem(
        allotted_hours=[Decimal(h) for h in hours], legal_hours=Decimal(legal) if legal else None
    )
    assert (problem is not None) == warns
    if problem:
        assert "vượt thời hạn giải quyết" in problem


def test_saving_an_overlong_process_in_the_admin_warns_the_administrator(admin_client: Client) -> None:
    agency = make_agency()
    unit = OrgUnit.objects.create(agency=agency, code="CM", name="Phòng chuyên môn")
    procedure = make_procedure(agencies=[agency], working_days=1)  # 8 working hours
    process = InternalProcess.objects.create(procedure=procedure, agency=agency, name="Quy trình thử")
    ProcessStep.objects.create(
        process=process,
        order=1,
        name="Thẩm định",
        org_unit=unit,
        role=Role.SPECIALIST,
        allotted_hours=Decimal(6),
    )
    step = process.steps.get()
    data = {
        "procedure": procedure.pk,
        "agency": agency.pk,
        "name": "Quy trình thử",
        "valid_from": "",
        "valid_to": "",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "1",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-id": step.pk,
        "steps-0-process": process.pk,
        "steps-0-order": "1",
        "steps-0-name": "Thẩm định",
        "steps-0-org_unit": unit.pk,
        "steps-0-role": Role.SPECIALIST,
        "steps-0-allotted_hours": "6",
        "steps-1-process": process.pk,
        "steps-1-order": "2",
        "steps-1-name": "Phê duyệt",
        "steps-1-org_unit": "",
        "steps-1-role": Role.AGENCY_LEADER,
        "steps-1-allotted_hours": "4",
    }

    response = admin_client.post(f"/admin/catalog/internalprocess/{process.pk}/change/", data, follow=True)

    assert response.status_code == 200
    assert process.steps.count() == 2
    assert (
        "Tổng thời gian các bước (10 giờ làm việc) vượt thời hạn giải quyết theo quy định (8 giờ làm việc)"
        in (response.content.decode())
    )
