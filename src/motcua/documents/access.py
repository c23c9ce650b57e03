"""Who may see which official document, and the only way requests get a document object.

An official sees the documents of the agencies where they hold a role today. Confidential documents
(mật, tối mật, tuyệt mật) are visible only to the agency's leaders (who grant access), the users they
explicitly granted, and the people the document names (drafter, signer, the reviewer it waits for, the
clerk who issued or registered it, the lead handler). "Not yours" and "does not
exist" give the same ``NotFoundError``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.core.errors import NotFoundError
from motcua.documents.models import (
    CONFIDENTIAL_LEVELS,
    ConfidentialGrant,
    IncomingDocument,
    OutgoingDocument,
)
from motcua.documents.workflow import DRAFTER, HANDLER, REVIEWER, SIGNER


def document_agency_roles(user: User) -> dict[int, set[str]]:
    """The roles ``user`` holds today, per agency id."""
    roles: dict[int, set[str]] = {}
    if not user.is_authenticated:
        return roles
    for role, agency_id in (
        RoleAssignment.objects.active_on().filter(user=user).values_list("role", "agency_id")
    ):
        roles.setdefault(agency_id, set()).add(role)
    return roles


def _led(roles: dict[int, set[str]]) -> list[int]:
    return [agency_id for agency_id, held in roles.items() if Role.AGENCY_LEADER in held]


def outgoing_actors(
    *, document: OutgoingDocument, user: User, roles: dict[int, set[str]] | None = None
) -> set[str]:
    """``roles`` (``document_agency_roles`` read once) keeps a list free of per-document role queries."""
    held = roles if roles is not None else document_agency_roles(user)
    actors = set(held.get(document.agency_id, set()))
    if document.drafter_id == user.pk:
        actors.add(DRAFTER)
    if document.reviewer_id is not None and document.reviewer_id == user.pk:
        actors.add(REVIEWER)
        if document.signer_id == user.pk:
            actors.add(SIGNER)
    return actors


def incoming_actors(
    *, document: IncomingDocument, user: User, roles: dict[int, set[str]] | None = None
) -> set[str]:
    held = roles if roles is not None else document_agency_roles(user)
    actors = set(held.get(document.agency_id, set()))
    if document.handler_id is not None and document.handler_id == user.pk:
        actors.add(HANDLER)
    return actors


def outgoing_visible_to(user: User) -> QuerySet[OutgoingDocument]:
    if not user.is_authenticated:
        return OutgoingDocument.objects.none()
    roles = document_agency_roles(user)
    granted = ConfidentialGrant.objects.filter(outgoing=OuterRef("pk"), user=user)
    named = Q(drafter=user) | Q(signer=user) | Q(reviewer=user) | Q(issued_by=user)
    cleared = ~Q(confidentiality__in=CONFIDENTIAL_LEVELS) | Q(agency_id__in=_led(roles)) | named
    return OutgoingDocument.objects.filter(Q(agency_id__in=list(roles)) & (cleared | Exists(granted)))


def incoming_visible_to(user: User) -> QuerySet[IncomingDocument]:
    if not user.is_authenticated:
        return IncomingDocument.objects.none()
    roles = document_agency_roles(user)
    granted = ConfidentialGrant.objects.filter(incoming=OuterRef("pk"), user=user)
    named = Q(handler=user) | Q(registered_by=user)
    cleared = ~Q(confidentiality__in=CONFIDENTIAL_LEVELS) | Q(agency_id__in=_led(roles)) | named
    return IncomingDocument.objects.filter(Q(agency_id__in=list(roles)) & (cleared | Exists(granted)))


def access_outgoing(*, user: User, pk: int) -> OutgoingDocument:
    document = outgoing_visible_to(user).filter(pk=pk).select_related("agency", "document_type").first()
    if document is None:
        raise NotFoundError("Không tìm thấy văn bản.")
    return document


def access_incoming(*, user: User, pk: int) -> IncomingDocument:
    document = incoming_visible_to(user).filter(pk=pk).select_related("agency").first()
    if document is None:
        raise NotFoundError("Không tìm thấy văn bản.")
    return document
