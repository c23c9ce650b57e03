"""Building the Lạng Sơn demo: agencies, units, desks, the real catalogue, assignments, processes, people.

Every step is idempotent, so ``motcua load_demo`` can run on every ``make run``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils.text import slugify

from motcua.accounts.models import Role, RoleAssignment, TotpDevice, User
from motcua.agencies import importer as agency_importer
from motcua.agencies.models import Agency, AgencyKind, OrgUnit, ReceptionDesk
from motcua.catalog import docx
from motcua.catalog.importer import CatalogueImport, ImportReport
from motcua.catalog.models import Component, InternalProcess, Procedure, ProcedureAssignment, ProcessStep
from motcua.catalog.parsing import fold
from motcua.catalog.sources import (
    DetailRecord,
    ListRow,
    RowError,
    read_procedure_details_jsonl,
    read_procedure_list_xlsx,
)
from motcua.core import clock
from motcua.demo import catalog as plan
from motcua.demo import documents as demo_documents
from motcua.demo import dossiers as demo_dossiers
from motcua.reports import evaluation
from motcua.reports.aggregates import stats_rebuild

CATALOGUE_FOLDER = "tthc-dvcqg"
DETAILS_FILE = "tthc_details_6ministries.jsonl.gz"
DEMO_PASSWORD = "MotCua@2026"
# Every demo official's authenticator key (TOTP, RFC 6238), printed in the README: for the demo only.
DEMO_TOTP_SECRET = "MOTCUADEMOLANGSONMOTCUADEMOLANGS"


@dataclass
class DemoReport:
    agencies: agency_importer.AgencyImport | None = None
    catalogue: ImportReport | None = None
    assignments: int = 0
    processes: int = 0
    templates: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)
    dossiers: int = 0
    certificates: int = 0
    documents: int = 0


def load_demo(
    *, data: Path, curated_only: bool = False, progress: Callable[[str], None] = print
) -> DemoReport:
    report = DemoReport()
    report.agencies = agency_importer.import_langson(data / "vn-admin-units", progress=progress)
    progress("Bộ phận, phòng ban và Bộ phận Một cửa")
    _units_and_desks()
    progress("Danh mục thủ tục hành chính" + (" (bộ chọn lọc)" if curated_only else ""))
    run = CatalogueImport()
    for path in sorted((data / CATALOGUE_FOLDER).glob("*.xlsx")):
        run.add_list(r for r in read_procedure_list_xlsx(path) if _wanted(r, curated_only))
    records = read_procedure_details_jsonl(data / CATALOGUE_FOLDER / DETAILS_FILE)
    run.add_details(r for r in records if _wanted(r, curated_only))
    report.catalogue = run.finish()
    progress("Giao thủ tục cho cơ quan và quy trình nội bộ")
    with transaction.atomic():
        report.assignments = _assign_procedures()
        report.processes = _internal_processes()
        report.templates = _template_forms()
    progress("Tài khoản mẫu")
    report.accounts = _accounts()
    progress("Hồ sơ mẫu tại phường Đông Kinh")
    report.dossiers = demo_dossiers.create_if_empty()
    progress("Văn thư: ký hiệu cơ quan, chứng thư số thử nghiệm, văn bản mẫu")
    signing = [_demo_agency(key) for key in ("UBND", "STP", "phuong_dong_kinh")]
    report.certificates = demo_documents.load_document_office(signing_agencies=signing)
    report.documents = demo_documents.create_examples_if_empty(sender=signing[1], receiver=signing[2])
    stats_rebuild()  # dossiers made before the reports app existed are counted too
    evaluation.refresh_all()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the planner after a bulk load
            cursor.execute("ANALYZE")
    return report


def _wanted(row: DetailRecord | ListRow | RowError, curated_only: bool) -> bool:
    return not curated_only or (not isinstance(row, RowError) and row.code in plan.ALL_CODES)


def _units_and_desks() -> None:
    with transaction.atomic():
        agencies = list(Agency.objects.filter(kind__in=plan.UNITS))
        OrgUnit.objects.bulk_create(
            [OrgUnit(agency=a, code=code, name=name) for a in agencies for code, name in plan.UNITS[a.kind]],
            ignore_conflicts=True,
        )
        centre = Agency.objects.get(kind=AgencyKind.SERVICE_CENTRE)
        desk, _ = ReceptionDesk.objects.get_or_create(
            host=centre, name="Bộ phận Một cửa - Trung tâm Phục vụ hành chính công tỉnh"
        )
        desk.serves.set(Agency.objects.filter(kind__in=[AgencyKind.DEPARTMENT, AgencyKind.OTHER]))
        local = Agency.objects.filter(kind__in=[AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE])
        have_desk = set(ReceptionDesk.objects.filter(host__in=local).values_list("host_id", flat=True))
        new_desks = [
            ReceptionDesk(host=a, name=f"Bộ phận Một cửa - {a.name}") for a in local if a.pk not in have_desk
        ]
        for created in ReceptionDesk.objects.bulk_create(new_desks):
            created.serves.add(created.host)


def _assign_procedures() -> int:
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=plan.ALL_CODES)}
    old_communes = Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE, valid_to=plan.BEFORE_REFORM)
    new_communes = Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE, valid_from=plan.REFORM)
    districts = Agency.objects.filter(kind=AgencyKind.DISTRICT_COMMITTEE)
    rows: list[ProcedureAssignment] = []

    def assign(code: str, agencies: Any, valid_from: dt.date, valid_to: dt.date | None) -> None:
        if code in procedures:
            rows.extend(
                ProcedureAssignment(
                    procedure=procedures[code],
                    agency=a,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    is_boundless=code in plan.BOUNDLESS_CODES,
                )
                for a in agencies
            )

    for code in plan.COMMUNE_CODES:
        assign(code, old_communes, plan.CATALOGUE_START, plan.BEFORE_REFORM)
        assign(code, new_communes, plan.REFORM, None)
    for code in plan.DISTRICT_THEN_COMMUNE_CODES:
        assign(code, districts, plan.CATALOGUE_START, plan.BEFORE_REFORM)
        assign(code, new_communes, plan.REFORM, None)
    by_short_name = {a.short_name: a for a in Agency.objects.filter(kind=AgencyKind.DEPARTMENT)}
    for short_name, codes in plan.DEPARTMENT_CODES.items():
        for code in codes:
            assign(code, [by_short_name[short_name]], plan.CATALOGUE_START, None)
    before = ProcedureAssignment.objects.count()
    ProcedureAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return ProcedureAssignment.objects.count() - before


def _legal_hours(procedure: Procedure) -> Decimal:
    """Working hours the process may use: the published working time, or a safe bound for calendar days."""
    version = procedure.current_version
    hours = version.legal_working_hours() if version else None
    if hours:
        return hours
    days = [t.duration_value for t in version.channel_terms.all() if t.duration_value] if version else []
    # N calendar days hold at least N·5/7 working days (rounded down): the process never overruns them.
    working_days = int(min(days) * 5 / 7) if days else 1
    return Decimal(max(working_days, 1) * 8)


def _internal_processes() -> int:
    assignments = ProcedureAssignment.objects.filter(procedure__code__in=plan.ALL_CODES).select_related(
        "procedure__current_version", "agency"
    )
    existing = set(InternalProcess.objects.values_list("procedure_id", "agency_id", "valid_from"))
    units = {(u.agency_id, u.code): u for u in OrgUnit.objects.filter(code__in=["MC", "CM", "VP"])}
    hours_by_procedure: dict[int, list[Decimal]] = {}
    created = 0
    for a in assignments:
        if (a.procedure_id, a.agency_id, a.valid_from) in existing:
            continue
        if a.procedure_id not in hours_by_procedure:
            hours_by_procedure[a.procedure_id] = plan.allotments(_legal_hours(a.procedure))
        process = InternalProcess.objects.create(
            procedure=a.procedure,
            agency=a.agency,
            name=f"Quy trình {a.procedure.code} - {a.agency.short_name or a.agency.name}",
            valid_from=a.valid_from,
            valid_to=a.valid_to,
        )
        ProcessStep.objects.bulk_create(
            ProcessStep(
                process=process,
                order=i,
                name=step.name,
                org_unit=units.get((a.agency_id, step.unit_code)),
                role=step.role,
                allotted_hours=hours,
            )
            for i, (step, hours) in enumerate(
                zip(plan.PROCESS, hours_by_procedure[a.procedure_id], strict=True), 1
            )
        )
        created += 1
    return created


def _template_forms() -> int:
    """Attach a printable form to each declaration (tờ khai, đơn, giấy đề nghị) of the demo procedures."""
    made = 0
    components = Component.objects.filter(
        version__procedure__code__in=plan.ALL_CODES, template_file=""
    ).select_related("version__procedure")
    for component in components:
        title = _form_title(component)
        if title is None:
            continue
        content = docx.blank_form(
            title=title,
            procedure_name=component.version.procedure.name,
            fields=[
                "Họ, chữ đệm, tên người yêu cầu",
                "Số định danh cá nhân",
                "Nơi cư trú",
                "Nội dung yêu cầu",
            ],
        )
        name = f"{slugify(fold(title))[:80] or 'mau-don'}.docx"
        component.template_file.save(name, ContentFile(content), save=False)
        component.template_name = component.template_name or title
        component.save(update_fields=["template_file", "template_name"])
        made += 1
    return made


def _form_title(component: Component) -> str | None:
    name = component.name.lstrip("-+* ").strip()
    folded = fold(name)
    for start in ("to khai", "don ", "giay de nghi", "van ban de nghi"):
        position = folded.find(start)
        if position == 0 or (component.template_name and position >= 0):
            title = name.split(";")[0].split("(")[0]
            for cut in (" theo mẫu", " có đủ", ", có", " đối với"):
                title = title.split(cut)[0]
            return title.strip(" .,:")[:120]
    return None


DEMO_OFFICIALS = (
    # username, full name, agency abbreviation or identifier, role, is_staff
    ("quantri", "Quản trị hệ thống", "UBND", Role.ADMINISTRATOR, True),
    ("tiepnhan.ttpvhcc", "Nông Thị Hoa", "TTPVHCC", Role.RECEPTION_OFFICER, False),
    ("chuyenvien.stp", "Hoàng Văn Minh", "STP", Role.SPECIALIST, False),
    ("truongphong.stp", "Lương Thị Thu", "STP", Role.HEAD_OF_UNIT, False),
    ("lanhdao.stp", "Vi Văn Hùng", "STP", Role.AGENCY_LEADER, False),
    ("vanthu.stp", "Lăng Thị Mai", "STP", Role.CLERK, False),
    ("tiepnhan.dongkinh", "Triệu Thị Lan", "phuong_dong_kinh", Role.RECEPTION_OFFICER, False),
    ("chuyenvien.dongkinh", "Chu Văn Nam", "phuong_dong_kinh", Role.SPECIALIST, False),
    ("truongphong.dongkinh", "Mã Thị Nga", "phuong_dong_kinh", Role.HEAD_OF_UNIT, False),
    ("lanhdao.dongkinh", "Hà Văn Dũng", "phuong_dong_kinh", Role.AGENCY_LEADER, False),
    ("vanthu.dongkinh", "Đinh Thị Hạnh", "phuong_dong_kinh", Role.CLERK, False),
)
DEMO_CITIZENS = (
    ("congdan1", "Nguyễn Văn An", "020090001234", "0912000001", "an.nguyen@example.vn", dt.date(1990, 5, 12)),
    (
        "congdan2",
        "Hoàng Thị Bình",
        "020195004321",
        "0912000002",
        "binh.hoang@example.vn",
        dt.date(1995, 9, 2),
    ),
)


def _demo_agency(key: str) -> Agency:
    if key == "phuong_dong_kinh":  # Phường Đông Kinh after the 2025 reform (NSO code 05977)
        return Agency.objects.get(
            kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit_code="05977", valid_from=plan.REFORM
        )
    if key == "UBND":
        return Agency.objects.get(kind=AgencyKind.PROVINCIAL_COMMITTEE)
    if key == "TTPVHCC":
        return Agency.objects.get(kind=AgencyKind.SERVICE_CENTRE)
    return Agency.objects.get(kind=AgencyKind.DEPARTMENT, short_name=key)


def _accounts() -> list[tuple[str, str]]:
    accounts: list[tuple[str, str]] = []
    with transaction.atomic():
        for username, full_name, agency_key, role, is_staff in DEMO_OFFICIALS:
            user = _demo_user(username, full_name=full_name, kind=User.Kind.OFFICIAL, is_staff=is_staff)
            TotpDevice.objects.get_or_create(
                user=user, defaults={"secret": DEMO_TOTP_SECRET, "confirmed_at": clock.now()}
            )
            if role == Role.ADMINISTRATOR:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            agency = _demo_agency(agency_key)
            RoleAssignment.objects.get_or_create(user=user, agency=agency, role=role, valid_from=None)
            accounts.append((username, f"{role.label} – {agency.name}"))
        for username, full_name, id_number, phone, email, born in DEMO_CITIZENS:
            _demo_user(
                username,
                full_name=full_name,
                kind=User.Kind.CITIZEN,
                id_number=id_number,
                phone=phone,
                email=email,
                date_of_birth=born,
                address="Phường Đông Kinh, tỉnh Lạng Sơn",
            )
            accounts.append((username, f"Công dân – CCCD {id_number}"))
    return accounts


def _demo_user(username: str, **fields: Any) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
