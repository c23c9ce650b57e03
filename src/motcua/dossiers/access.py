"""Who a user is to a dossier, and the only way requests get a dossier object.

"Not yours" and "does not exist" raise the same ``NotFoundError``: nobody learns that another agency's or
another citizen's dossier exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import ReceptionDesk
from motcua.core.errors import NotFoundError
from motcua.dossiers.models import Dossier, DossierConsultation
from motcua.dossiers.workflow import APPLICANT, CONSULTEE, RECEPTION


def actor_roles(*, dossier: Dossier, user: User) -> set[str]:
    """The workflow actors ``user`` is for ``dossier``: the applicant and/or roles in the right agency.

    Reception roles count at the receiving agency and at any desk host that receives for it (the provincial
    service centre receives for the departments); the other roles count at the processing agency; officials
    of an agency whose opinion was asked and not yet given are ``CONSULTEE``.
    """
    roles: set[str] = set()
    if not user.is_authenticated:
        return roles
    if dossier.owner_id == user.pk:
        roles.add(APPLICANT)
    assignments = RoleAssignment.objects.active_on().filter(user=user)
    consulted: set[int] = set()
    if dossier.pk is not None:  # a dossier being registered has no consultations yet
        awaited = dossier.consultations.filter(answered_at__isnull=True)
        consulted = set(awaited.values_list("to_agency_id", flat=True))
    for role, agency_id in assignments.values_list("role", "agency_id"):
        if (role == RECEPTION and agency_id in _reception_agencies(dossier)) or (
            role != RECEPTION and agency_id == dossier.processing_agency_id
        ):
            roles.add(role)
        if role != RECEPTION and agency_id in consulted:
            roles.add(CONSULTEE)  # an agency whose opinion is awaited answers, nothing more
    return roles


def _reception_agencies(dossier: Dossier) -> set[int]:
    hosts = ReceptionDesk.objects.filter(serves=dossier.receiving_agency_id).values_list("host_id", flat=True)
    return {dossier.receiving_agency_id, *hosts}


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
