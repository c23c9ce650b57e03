"""A small one-stop world: a commune with its desk, officials of every role, a procedure and its process."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.factories import make_agency, make_procedure, make_role, make_user

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency, OrgUnit, ReceptionDesk
from motcua.catalog.models import Component, InternalProcess, Procedure, ProcessStep

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    procedure: Procedure
    component: Component
    citizen: User
    other_citizen: User
    reception: User
    specialist: User
    head: User
    leader: User
    outsider: User


@pytest.fixture
def world(db: None) -> World:
    agency = make_agency(identifier="000.00.32.H37", name="UBND phường Đông Kinh", kind="commune_committee")
    other = make_agency(identifier="000.00.33.H37", name="UBND phường Tam Thanh", kind="commune_committee")
    ReceptionDesk.objects.create(host=agency, name="Bộ phận Một cửa").serves.add(agency)
    units = {code: OrgUnit.objects.create(agency=agency, code=code, name=code) for code in ("MC", "CM", "VP")}
    procedure = make_procedure(
        name="Đăng ký khai sinh", agencies=[agency, other], working_days=3, fee=Decimal(0)
    )
    process = InternalProcess.objects.create(procedure=procedure, agency=agency, name="Quy trình khai sinh")
    steps = [
        ("Tiếp nhận", "MC", Role.RECEPTION_OFFICER, 2),
        ("Thẩm định", "CM", Role.SPECIALIST, 12),
        ("Kiểm tra", "CM", Role.HEAD_OF_UNIT, 4),
        ("Phê duyệt", "VP", Role.AGENCY_LEADER, 4),
        ("Trả kết quả", "MC", Role.RECEPTION_OFFICER, 2),
    ]
    for order, (name, unit, role, hours) in enumerate(steps, 1):
        ProcessStep.objects.create(
            process=process,
            order=order,
            name=name,
            org_unit=units[unit],
            role=role,
            allotted_hours=Decimal(hours),
        )
    officials = {}
    for role in (Role.RECEPTION_OFFICER, Role.SPECIALIST, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER):
        officials[role] = make_user(kind="official", full_name=f"Cán bộ {role}")
        make_role(user=officials[role], agency=agency, role=role)
    outsider = make_user(kind="official")
    make_role(user=outsider, agency=other, role=Role.RECEPTION_OFFICER)
    make_role(user=outsider, agency=other, role=Role.AGENCY_LEADER)
    return World(
        agency=agency,
        other_agency=other,
        procedure=procedure,
        component=Component.objects.get(version__procedure=procedure),
        citizen=make_user(full_name="Nguyễn Văn An", id_number="020090001234", phone="0912000001"),
        other_citizen=make_user(full_name="Hoàng Thị Bình"),
        reception=officials[Role.RECEPTION_OFFICER],
        specialist=officials[Role.SPECIALIST],
        head=officials[Role.HEAD_OF_UNIT],
        leader=officials[Role.AGENCY_LEADER],
        outsider=outsider,
    )


# Monday 2 March 2026, 09:00 in Lạng Sơn: an ordinary working week.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def monday() -> dt.datetime:
    return MONDAY
