"""Who may open a stored document (Decree 45/2020 Art. 16; personal data protection).

Only its owner, the officials handling a dossier that uses it (the dossier it came from or one that
reused it), and administrators who record a reason. Anyone else is told it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.core.errors import DomainError, NotFoundError
from motcua.datastore.models import Reuse, StoredDocument, StoredDocumentAccess
from motcua.dossiers.access import official_agency_ids
from motcua.dossiers.models import Dossier


@dataclass(frozen=True)
class OpeningGrant:
    opened_as: str
    dossier: Dossier | None


def owned_by(user: User) -> QuerySet[StoredDocument]:
    """A person's own documents, by the ID number of their account; none without one."""
    if not user.is_authenticated or not user.id_number:
        return StoredDocument.objects.none()
    return StoredDocument.objects.filter(owner_kind="person", owner_number=user.id_number)


def _is_administrator(user: User) -> bool:
    return (
        user.is_superuser
        or RoleAssignment.objects.active_on().filter(user=user, role=Role.ADMINISTRATOR).exists()
    )


def _handled_dossier(document: StoredDocument, user: User) -> Dossier | None:
    """A dossier using ``document`` that the official's agencies receive or process."""
    agencies = official_agency_ids(user)
    if not agencies:
        return None
    uses = Q(pk=document.dossier_id) | Q(pk__in=Reuse.objects.filter(document=document).values("dossier_id"))
    handled = Q(receiving_agency_id__in=agencies) | Q(processing_agency_id__in=agencies)
    return Dossier.objects.filter(uses & handled).order_by("-pk").first()


def opening_grant(*, document: StoredDocument, user: User, reason: str = "") -> OpeningGrant:
    if not user.is_authenticated:
        raise NotFoundError("Không tìm thấy giấy tờ.")
    if owned_by(user).filter(pk=document.pk).exists():
        return OpeningGrant(StoredDocumentAccess.As.OWNER, None)
    dossier = _handled_dossier(document, user)
    if dossier is not None:
        return OpeningGrant(StoredDocumentAccess.As.OFFICIAL, dossier)
    if _is_administrator(user):
        if not reason.strip():
            raise DomainError(
                "Quản trị viên cần ghi rõ lý do mở giấy tờ của công dân.", fields={"reason": ["required"]}
            )
        return OpeningGrant(StoredDocumentAccess.As.ADMINISTRATOR, None)
    raise NotFoundError("Không tìm thấy giấy tờ.")


def access_owned(*, user: User, pk: int) -> StoredDocument:
    document = owned_by(user).filter(pk=pk).select_related("kind", "agency", "dossier").first()
    if document is None:
        raise NotFoundError("Không tìm thấy giấy tờ.")
    return document
