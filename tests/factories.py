"""Small factories for tests: plain functions with sensible defaults, overridable by keyword."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, AgencyKind
from motcua.catalog.models import (
    ChannelTerm,
    Component,
    Field,
    Procedure,
    ProcedureAssignment,
    ProcedureVersion,
)
from motcua.catalog.parsing import fold
from motcua.catalog.services import search_text_for

_seq = itertools.count(1)


def make_agency(**kw: Any) -> Agency:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "identifier": f"000.00.{n % 100:02d}.H{n // 100 + 10:02d}",
        "name": f"Sở thử nghiệm {n}",
        "kind": AgencyKind.DEPARTMENT,
    }
    return Agency.objects.create(**{**defaults, **kw})


def make_user(**kw: Any) -> User:
    n = next(_seq)
    password = kw.pop("password", "mat-khau-thu-nghiem")
    user = User(**{"username": f"user{n}", "full_name": f"Người dùng {n}", **kw})
    user.set_password(password)
    user.save()
    return user


def make_role(*, user: User, agency: Agency, role: Role, **kw: Any) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, agency=agency, role=role, **kw)


def make_procedure(
    *,
    code: str | None = None,
    name: str = "Đăng ký khai sinh",
    field_name: str = "Hộ tịch",
    agencies: list[Agency] | None = None,
    working_days: int | None = 3,
    fee: Decimal = Decimal(0),
    **kw: Any,
) -> Procedure:
    code = code or f"9.{next(_seq):06d}"
    field, _ = Field.objects.get_or_create(
        name=field_name, defaults={"slug": fold(field_name).replace(" ", "-")}
    )
    procedure = Procedure.objects.create(code=code, name=name, name_folded=fold(name), field=field, **kw)
    version = ProcedureVersion.objects.create(procedure=procedure, number=1, content_hash="x", name=name)
    if working_days is not None:
        ChannelTerm.objects.create(
            version=version,
            channel="in_person",
            duration_value=working_days,
            duration_unit="working_days",
            duration_text=f"{working_days} Ngày làm việc",
            working_hours=Decimal(working_days * 8),
            fee_amount=fee,
            fee_is_specified=True,
        )
    Component.objects.create(version=version, name="Tờ khai", originals=1)
    procedure.current_version = version
    procedure.search_folded = search_text_for(procedure=procedure, version=version)
    procedure.save()
    for agency in agencies or []:
        ProcedureAssignment.objects.create(procedure=procedure, agency=agency, valid_from=dt.date(2020, 1, 1))
    return procedure
