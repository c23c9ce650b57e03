"""The Lạng Sơn demo: the agency tree of any date, the reform's successions, assignments, accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, AgencyKind, AgencySuccession, ReceptionDesk
from motcua.agencies.selectors import agency_successors_on, agency_tree
from motcua.catalog.models import InternalProcess, Procedure, ProcedureAssignment
from motcua.catalog.processes import process_allotment_problem
from motcua.catalog.selectors import procedure_search


@pytest.fixture(scope="module")
def demo(
    django_db_setup: Any, django_db_blocker: Any, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media")))
    with django_db_blocker.unblock(), media:
        call_command("load_demo", "--quiet", "--curated-only", "--data", str(shared_data))
        yield
        call_command("flush", "--noinput")


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _count(kind: str, on: dt.date) -> int:
    return Agency.objects.valid_on(on).filter(kind=kind).count()


@pytest.mark.parametrize(
    ("on", "districts", "communes"),
    [
        (dt.date(2020, 6, 1), 11, 200),
        (dt.date(2025, 6, 30), 11, 200),  # the last day of the three-tier government
        (dt.date(2025, 7, 1), 0, 65),  # Resolution 202/2025/QH15: 61 xã and 4 phường
        (dt.date(2026, 11, 26), 0, 65),
    ],
)
def test_the_tree_of_any_date_has_that_dates_units(on: dt.date, districts: int, communes: int) -> None:
    assert _count(AgencyKind.PROVINCIAL_COMMITTEE, on) == 1
    assert _count(AgencyKind.DISTRICT_COMMITTEE, on) == districts
    assert _count(AgencyKind.COMMUNE_COMMITTEE, on) == communes
    assert Agency.objects.valid_on(on).filter(kind=AgencyKind.DEPARTMENT).count() == 17


def test_the_tree_hangs_communes_under_districts_before_the_reform_and_under_the_province_after() -> None:
    before = agency_tree(on=dt.date(2024, 1, 1))
    after = agency_tree(on=dt.date(2026, 1, 1))

    assert [node.agency.identifier for node in before] == ["000.00.00.H37"]
    district = next(n for n in before[0].children if n.agency.kind == AgencyKind.DISTRICT_COMMITTEE)
    assert district.children
    assert all(c.agency.kind == AgencyKind.COMMUNE_COMMITTEE for c in district.children)
    kinds_after = {child.agency.kind for child in after[0].children}
    assert AgencyKind.DISTRICT_COMMITTEE not in kinds_after
    assert sum(1 for c in after[0].children if c.agency.kind == AgencyKind.COMMUNE_COMMITTEE) == 65


def test_an_old_commune_resolves_to_its_successor_after_the_reform() -> None:
    # Phường Vĩnh Trại (05977) merged whole into Phường Đông Kinh (official conversion table)
    vinh_trai = Agency.objects.get(admin_unit_code="05977", valid_to=dt.date(2025, 6, 30))
    dong_kinh = Agency.objects.get(admin_unit_code="05977", valid_from=dt.date(2025, 7, 1))

    assert agency_successors_on(agency=vinh_trai, on=dt.date(2024, 1, 1)) == [vinh_trai]
    assert agency_successors_on(agency=vinh_trai, on=dt.date(2025, 7, 1)) == [dong_kinh]
    assert AgencySuccession.objects.count() == 196
    assert AgencySuccession.objects.filter(is_whole=False).count() == 4


def test_household_business_moves_from_districts_to_communes_on_1_july_2025() -> None:
    procedure = Procedure.objects.get(code="1.001612")  # Đăng ký thành lập hộ kinh doanh
    old = ProcedureAssignment.objects.filter(procedure=procedure, agency__kind=AgencyKind.DISTRICT_COMMITTEE)
    new = ProcedureAssignment.objects.filter(procedure=procedure, agency__kind=AgencyKind.COMMUNE_COMMITTEE)

    assert old.count() == 11
    assert {a.valid_to for a in old} == {dt.date(2025, 6, 30)}
    assert new.count() == 65
    assert {a.valid_from for a in new} == {dt.date(2025, 7, 1)}
    dong_kinh = Agency.objects.get(admin_unit_code="05977", valid_from=dt.date(2025, 7, 1))
    assert list(procedure_search(agency=dong_kinh, on=dt.date(2026, 1, 5), q="ho kinh doanh")) == [procedure]
    assert not procedure_search(agency=dong_kinh, on=dt.date(2025, 1, 5), q="ho kinh doanh").exists()


def test_every_internal_process_fits_its_legal_time() -> None:
    processes = InternalProcess.objects.select_related("procedure__current_version").prefetch_related(
        "steps", "procedure__current_version__channel_terms"
    )
    assert processes.count() > 0
    assert [p.name for p in processes if process_allotment_problem(p)] == []
    first = processes.filter(procedure__code="3.000333").first()  # lý lịch tư pháp: 10 calendar days
    assert first is not None
    assert sum((s.allotted_hours for s in first.steps.all()), Decimal(0)) <= 10 * 8


def test_every_reception_desk_and_role_is_in_place() -> None:
    centre_desk = ReceptionDesk.objects.get(host__kind=AgencyKind.SERVICE_CENTRE)
    assert centre_desk.serves.filter(kind=AgencyKind.DEPARTMENT).count() == 17
    assert ReceptionDesk.objects.filter(host__kind=AgencyKind.COMMUNE_COMMITTEE).count() == 265
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(kind=User.Kind.CITIZEN, id_number__isnull=False).count() == 2


def test_demo_accounts_can_log_in(client: Client) -> None:
    response = client.post("/tai-khoan/dang-nhap/", {"username": "020090001234", "password": "MotCua@2026"})
    assert response.status_code == 302


def test_loading_the_demo_twice_changes_nothing() -> None:
    counts = (Agency.objects.count(), ProcedureAssignment.objects.count(), InternalProcess.objects.count())
    call_command("load_demo", "--quiet", "--curated-only")
    assert (
        Agency.objects.count(),
        ProcedureAssignment.objects.count(),
        InternalProcess.objects.count(),
    ) == counts


def test_the_agencies_api_gives_the_tree_of_a_date(client: Client) -> None:
    before = client.get("/api/v1/agencies", {"on": "2025-06-30"}).json()
    after = client.get("/api/v1/agencies", {"on": "2025-07-01"}).json()

    assert before["count"] == 1 + 19 + 1 + 11 + 200
    assert after["count"] == 1 + 19 + 1 + 65
    assert after["agencies"][0]["identifier"] == "000.00.00.H37"
