"""Who a user is to a dossier, and the only way requests get a dossier object.

"Not yours" and "does not exist" raise the same ``NotFoundError``: nobody learns that another agency's or
another citizen's dossier exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import ReceptionDesk
from motcua.core.errors import NotFoundError
from motcua.dossiers.models import Dossier, DossierConsultation
from motcua.dossiers.workflow import APPLICANT, CONSULTEE, RECEPTION


@dataclass(frozen=True)
class RoleContext:
    """A user's roles and the agencies their desks receive for, read once and applied to many dossiers."""

    user_id: int | None
    assignments: tuple[tuple[str, int], ...]  # (role, agency id), active today
    desk_serves: dict[int, frozenset[int]]  # desk host agency id -> agencies it receives for

    def roles_for(self, dossier: Dossier, consulted: frozenset[int] = frozenset()) -> set[str]:
        """Reception roles count at the receiving agency and at any desk host that receives for it (the
        provincial service centre receives for the departments); other roles at the processing agency;
        officials of an agency whose opinion is awaited are ``CONSULTEE``."""
        roles: set[str] = set()
        if self.user_id is not None and dossier.owner_id == self.user_id:
            roles.add(APPLICANT)
        for role, agency_id in self.assignments:
            if role == RECEPTION:
                serves = agency_id == dossier.receiving_agency_id
                if serves or dossier.receiving_agency_id in self.desk_serves.get(agency_id, frozenset()):
                    roles.add(role)
            elif agency_id == dossier.processing_agency_id:
                roles.add(role)
            if role != RECEPTION and agency_id in consulted:
                roles.add(CONSULTEE)
        return roles


def role_context(user: User) -> RoleContext:
    if not user.is_authenticated:
        return RoleContext(None, (), {})
    assignments = tuple(RoleAssignment.objects.active_on().filter(user=user).values_list("role", "agency_id"))
    hosts = {agency_id for role, agency_id in assignments if role == RECEPTION}
    served: dict[int, set[int]] = {}
    for host_id, agency_id in ReceptionDesk.objects.filter(host_id__in=hosts).values_list(
        "host_id", "serves"
    ):
        if agency_id is not None:
            served.setdefault(host_id, set()).add(agency_id)
    return RoleContext(user.pk, assignments, {host: frozenset(ids) for host, ids in served.items()})


def actor_roles(*, dossier: Dossier, user: User) -> set[str]:
    """The workflow actors ``user`` is for ``dossier`` (see ``RoleContext.roles_for``)."""
    consulted: frozenset[int] = frozenset()
    if dossier.pk is not None:  # a dossier being registered has no consultations yet
        awaited = dossier.consultations.filter(answered_at__isnull=True)
        consulted = frozenset(awaited.values_list("to_agency_id", flat=True))
    return role_context(user).roles_for(dossier, consulted)


def official_agency_ids(user: User) -> set[int]:
    """Agencies whose dossiers an official may see: where they hold a role, and those their desks serve."""
    own = set(RoleAssignment.objects.active_on().filter(user=user).values_list("agency_id", flat=True))
    served = ReceptionDesk.objects.filter(host_id__in=own).values_list("serves", flat=True)
    return own | {agency_id for agency_id in served if agency_id is not None}


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    if not user.is_authenticated:
        return Dossier.objects.none()
    agencies = official_agency_ids(user)
    visible = Q(owner=user)
    if agencies:
        visible |= Q(receiving_agency_id__in=agencies) | Q(processing_agency_id__in=agencies)
        visible |= Q(
            pk__in=DossierConsultation.objects.filter(to_agency_id__in=agencies).values("dossier_id")
        )
    return Dossier.objects.filter(visible)


def access_dossier_by_code(*, user: User, code: str) -> Dossier:
    dossier = dossiers_visible_to(user).filter(code=code).first()
    if dossier is None:
        raise NotFoundError("Không tìm thấy hồ sơ.")
    return dossier


def access_draft(*, user: User, pk: int) -> Dossier:
    dossier = Dossier.objects.filter(pk=pk, owner=user).first() if user.is_authenticated else None
    if dossier is None:
        raise NotFoundError("Không tìm thấy hồ sơ.")
    return dossier
