"""What the generator reads from the demo province, as plain data: agencies, assignments, procedures with
their processing time per channel, internal processes, components, and the officials of each agency.

Agencies that have no official in a role get one generated official per role (``gen.<identifier>.<role>``,
no usable password), so that every history row names a plausible actor.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, AgencyKind
from motcua.catalog.models import InternalProcess, Procedure, ProcedureAssignment
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.dossiers import deadlines
from motcua.dossiers.checklist import is_required
from motcua.dossiers.models import Channel, Dossier
from motcua.worktime.deadline import Unit

#: Roles every agency that receives dossiers or documents needs.
OFFICIAL_ROLES = (
    Role.RECEPTION_OFFICER,
    Role.SPECIALIST,
    Role.HEAD_OF_UNIT,
    Role.AGENCY_LEADER,
    Role.CLERK,
)
_ROLE_SHORT = {
    Role.RECEPTION_OFFICER: "tiepnhan",
    Role.SPECIALIST: "chuyenvien",
    Role.HEAD_OF_UNIT: "truongphong",
    Role.AGENCY_LEADER: "lanhdao",
    Role.CLERK: "vanthu",
}
_CHANNEL_NAMES = {Channel.IN_PERSON: "in_person", Channel.ONLINE: "online", Channel.POSTAL: "postal"}


class DemoMissingError(DomainError):
    code = "demo_missing"


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    identifier: str
    name: str
    short_name: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Step:
    order: int
    name: str
    org_unit_id: int | None
    role: str
    hours: Decimal


@dataclass(frozen=True)
class Component:
    id: int
    name: str


@dataclass
class ProcedureInfo:
    id: int
    code: str
    name: str
    version_id: int
    online_mode: str
    #: Per dossier channel: (amount, unit) of the appointment, or None (no published time).
    terms: dict[int, tuple[Decimal, Unit] | None] = field(default_factory=dict)
    fees: dict[int, int] = field(default_factory=dict)
    components: list[Component] = field(default_factory=list)
    result_name: str = ""


@dataclass(frozen=True)
class Assignment:
    procedure_id: int
    agency_id: int
    valid_from: dt.date | None
    valid_to: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class World:
    agencies: dict[int, AgencyInfo]
    procedures: dict[int, ProcedureInfo]
    assignments: list[Assignment]
    #: (procedure, agency, assignment's valid_from) -> the internal process's steps
    processes: dict[tuple[int, int, dt.date | None], list[Step]]
    #: agency -> role -> user ids
    officials: dict[int, dict[str, list[int]]]
    created_officials: int = 0


def load_world() -> World:
    """Read the demo; refuse with a clear message when it has not been loaded."""
    assignments = [
        Assignment(a.procedure_id, a.agency_id, a.valid_from, a.valid_to)
        for a in ProcedureAssignment.objects.filter(procedure__current_version__isnull=False).order_by(
            "procedure_id", "agency_id", "valid_from"
        )
    ]
    processes: dict[tuple[int, int, dt.date | None], list[Step]] = {}
    for process in InternalProcess.objects.prefetch_related("steps").order_by("pk"):
        processes[(process.procedure_id, process.agency_id, process.valid_from)] = [
            Step(s.order, s.name, s.org_unit_id, s.role, s.allotted_hours)
            for s in sorted(process.steps.all(), key=lambda s: s.order)
        ]
    assignments = [a for a in assignments if (a.procedure_id, a.agency_id, a.valid_from) in processes]
    if not assignments:
        raise DemoMissingError(
            "Cơ sở dữ liệu chưa có tỉnh mẫu (thủ tục được giao cho cơ quan, có quy trình nội bộ). "
            "Hãy chạy `motcua migrate` rồi `motcua load_demo` (hoặc `motcua load_demo --curated-only`) trước."
        )
    agencies = {
        a.pk: AgencyInfo(a.pk, a.identifier, a.name, a.short_name, a.kind, a.valid_from, a.valid_to)
        for a in Agency.objects.order_by("pk")
    }
    procedure_ids = sorted({a.procedure_id for a in assignments})
    return World(
        agencies=agencies,
        procedures=_procedures(procedure_ids),
        assignments=assignments,
        processes=processes,
        officials=_officials(),
    )


def _procedures(ids: list[int]) -> dict[int, ProcedureInfo]:
    result: dict[int, ProcedureInfo] = {}
    queryset = (
        Procedure.objects.filter(pk__in=ids)
        .select_related("current_version")
        .prefetch_related("current_version__channel_terms", "current_version__components")
        .order_by("pk")
    )
    for procedure in queryset:
        version = procedure.current_version
        assert version is not None
        info = ProcedureInfo(procedure.pk, procedure.code, procedure.name, version.pk, procedure.online_mode)
        for channel, name in _CHANNEL_NAMES.items():
            # The app's own rule (dossiers.deadlines): the channel's row, else the in-person one.
            info.terms[channel] = _term(
                deadlines.legal_term(Dossier(procedure_version=version, channel=channel))
            )
            amounts = [
                int(t.fee_amount) for t in version.channel_terms.all() if t.channel == name and t.fee_amount
            ]
            info.fees[channel] = min(amounts) if amounts else 0
        components = sorted(version.components.all(), key=lambda c: (c.order, c.pk))
        info.components = [Component(c.id, c.name[:500]) for c in components if is_required(c)][:5]
        results = version.results if isinstance(version.results, list) else []
        first = results[0] if results else ""
        info.result_name = (first.get("name", "") if isinstance(first, dict) else str(first))[:400]
        result[procedure.pk] = info
    return result


def _term(term: tuple[Decimal, Unit] | None) -> tuple[Decimal, Unit] | None:
    """As ``deadlines.appointment_from``: half working days become working hours."""
    if term is None:
        return None
    value, unit = term
    if unit == "working_days" and value != value.to_integral_value():
        return value * 8, "working_hours"
    return value, unit


def _officials() -> dict[int, dict[str, list[int]]]:
    officials: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = RoleAssignment.objects.order_by("agency_id", "role", "user_id").values_list(
        "agency_id", "role", "user_id"
    )
    for agency_id, role, user_id in rows:
        if user_id not in officials[agency_id][role]:
            officials[agency_id][role].append(user_id)
    return officials


def ensure_officials(world: World, agency_ids: set[int]) -> int:
    """One generated official per missing role in each of ``agency_ids``; returns how many were made."""
    missing = [
        (world.agencies[a], role)
        for a in sorted(agency_ids)
        for role in OFFICIAL_ROLES
        if not world.officials.get(a, {}).get(role)
    ]
    if not missing:
        return 0
    now = clock.now()
    password = make_password(None)  # unusable: these accounts exist for the history, not to log in
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"gen.{agency.identifier}.{_ROLE_SHORT[Role(role)]}",
                    password=password,
                    kind=User.Kind.OFFICIAL,
                    full_name=f"{Role(role).label} {agency.short_name or agency.name}"[:150],
                    date_joined=now,
                )
                for agency, role in missing
            ]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user=user,
                    agency_id=agency.id,
                    role=role,
                    valid_from=agency.valid_from,
                    valid_to=agency.valid_to,
                )
                for user, (agency, role) in zip(users, missing, strict=True)
            ]
        )
    for user, (agency, role) in zip(users, missing, strict=True):
        world.officials.setdefault(agency.id, defaultdict(list))[role].append(user.pk)
    world.created_officials += len(users)
    return len(users)


def is_committee(agency: AgencyInfo) -> bool:
    return agency.kind in (
        AgencyKind.PROVINCIAL_COMMITTEE,
        AgencyKind.DISTRICT_COMMITTEE,
        AgencyKind.COMMUNE_COMMITTEE,
    )
