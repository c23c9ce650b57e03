"""Reads of the document office: lists and search, the officials' work lists, figures for reports.

Every read starts from ``access.*_visible_to`` so agency scoping and confidentiality apply everywhere.
Search matches folded words (no case, no diacritics) against ``search_folded``; on PostgreSQL a trigram
index serves those ``LIKE '%word%'`` filters (migration 0002).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from django.db.models import Count, F, Q, QuerySet

from motcua.accounts.models import RoleAssignment, User
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.core.periods import day_range
from motcua.documents.access import (
    document_agency_roles,
    incoming_actors,
    incoming_visible_to,
    outgoing_actors,
    outgoing_visible_to,
)
from motcua.documents.models import (
    CONFIDENTIAL_LEVELS,
    Delivery,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    TaskStatus,
    WorkTask,
)
from motcua.documents.workflow import (
    INCOMING_CLOSED,
    IncomingAction,
    IncomingStatus,
    OutgoingAction,
    OutgoingStatus,
    allowed_incoming,
    allowed_outgoing,
)

MAX_SEARCH_WORDS = 8


@dataclass(frozen=True)
class DocumentFilter:
    q: str = ""
    agency_id: int | None = None
    status: str = ""
    type_name: str = ""  # outgoing: document type id as text; incoming: the type's name
    urgency: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    year: int | None = None


def _words(q: str) -> list[str]:
    return fold(q).split()[:MAX_SEARCH_WORDS]


_Doc = TypeVar("_Doc", OutgoingDocument, IncomingDocument)


def _filtered(qs: QuerySet[_Doc], flt: DocumentFilter, *, day_field: str) -> QuerySet[_Doc]:
    """The filters both registers share; ``day_field`` is the moment a document entered its register."""
    for word in _words(flt.q):
        qs = qs.filter(search_folded__contains=word)
    exact = {"agency_id": flt.agency_id, "status": flt.status, "urgency": flt.urgency, "year": flt.year}
    qs = qs.filter(**{field: value for field, value in exact.items() if value})
    # A timestamp range from local midnights, not ``__date``: casting each row to a date defeats the index.
    if flt.date_from:
        qs = qs.filter(**{f"{day_field}__gte": _midnight(flt.date_from)})
    if flt.date_to:
        qs = qs.filter(**{f"{day_field}__lt": _midnight(flt.date_to + dt.timedelta(days=1))})
    return qs


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.local_zone())


def outgoing_search(user: User, flt: DocumentFilter) -> QuerySet[OutgoingDocument]:
    qs = _filtered(outgoing_visible_to(user), flt, day_field="issued_at")
    if flt.type_name.isdigit():
        qs = qs.filter(document_type_id=int(flt.type_name))
    return qs.select_related("agency", "document_type", "drafter", "signer").order_by(
        F("issued_at").desc(nulls_first=True), "-updated_at", "-pk"
    )


def incoming_search(user: User, flt: DocumentFilter) -> QuerySet[IncomingDocument]:
    qs = _filtered(incoming_visible_to(user), flt, day_field="arrived_at")
    if flt.type_name:
        qs = qs.filter(type_name__iexact=flt.type_name)
    return qs.select_related("agency", "handler", "lead_unit").order_by("-arrived_at", "-pk")


@dataclass(frozen=True)
class WorkList:
    """What waits for one official, across their agencies."""

    to_review: list[OutgoingDocument]
    to_issue: list[OutgoingDocument]
    to_dispatch: list[OutgoingDocument]
    to_assign: list[IncomingDocument]
    to_handle: list[IncomingDocument]
    overdue: list[IncomingDocument]
    tasks: list[WorkTask]


WORK_LIMIT = 50


def work_list(user: User) -> WorkList:
    roles = document_agency_roles(user)
    clerk_of = [agency for agency, held in roles.items() if "clerk" in held]
    leader_of = [agency for agency, held in roles.items() if "agency_leader" in held]
    outgoing = outgoing_visible_to(user).select_related("agency", "document_type")
    incoming = incoming_visible_to(user).select_related("agency", "handler")
    open_handling = ~Q(status__in=INCOMING_CLOSED)
    return WorkList(
        to_review=list(outgoing.filter(status=OutgoingStatus.IN_REVIEW, reviewer=user)[:WORK_LIMIT]),
        to_issue=list(
            outgoing.filter(status=OutgoingStatus.APPROVED, agency_id__in=clerk_of).order_by("approved_at")[
                :WORK_LIMIT
            ]
        ),
        to_dispatch=list(
            outgoing.filter(status=OutgoingStatus.ISSUED, agency_id__in=clerk_of).order_by("issued_at")[
                :WORK_LIMIT
            ]
        ),
        to_assign=list(
            incoming.filter(status=IncomingStatus.REGISTERED, agency_id__in=leader_of).order_by(
                "-urgency", "arrived_at"
            )[:WORK_LIMIT]
        ),
        to_handle=list(
            incoming.filter(open_handling, handler=user)
            .exclude(status=IncomingStatus.REGISTERED)
            .order_by(F("handling_due_on").asc(nulls_last=True))[:WORK_LIMIT]
        ),
        overdue=list(
            incoming.filter(
                open_handling, agency_id__in=leader_of, handling_due_on__lt=clock.today()
            ).order_by("handling_due_on")[:WORK_LIMIT]
        ),
        tasks=list(
            WorkTask.objects.filter(owner=user, status=TaskStatus.OPEN)
            .select_related("incoming", "outgoing")
            .order_by("due_on")[:WORK_LIMIT]
        ),
    )


@dataclass(frozen=True)
class DocumentFigures:
    """The document office's figures for one agency (or several) and one period."""

    issued: int
    issued_confidential: int
    issued_electronic: int  # non-confidential documents whose every recipient was reached electronically
    received: int
    received_confidential: int
    received_electronic: int
    handled: int  # incoming documents whose handling closed in the period with a due date
    handled_on_time: int
    overdue_now: int
    accounts: int  # officials holding a role in the agencies today

    @property
    def electronic_share(self) -> Fraction | None:
        """Share of non-confidential documents exchanged electronically, sent and received together."""
        total = (self.issued - self.issued_confidential) + (self.received - self.received_confidential)
        if total == 0:
            return None
        return Fraction(self.issued_electronic + self.received_electronic, total)

    @property
    def on_time_share(self) -> Fraction | None:
        return Fraction(self.handled_on_time, self.handled) if self.handled else None


def document_figures(*, agency_ids: list[int], date_from: dt.date, date_to: dt.date) -> DocumentFigures:
    """Counts for reports; each is one aggregate query over indexed columns."""
    issued = OutgoingDocument.objects.filter(
        day_range(date_from, date_to, "issued_at"), agency_id__in=agency_ids
    )
    paper = OutgoingRecipient.objects.filter(delivery=Delivery.PAPER).values("document_id")
    issued_counts = issued.aggregate(
        total=Count("pk"),
        confidential=Count("pk", filter=Q(confidentiality__in=CONFIDENTIAL_LEVELS)),
        electronic=Count("pk", filter=~Q(confidentiality__in=CONFIDENTIAL_LEVELS) & ~Q(pk__in=paper)),
    )
    received = IncomingDocument.objects.filter(
        day_range(date_from, date_to, "arrived_at"), agency_id__in=agency_ids
    )
    received_counts = received.aggregate(
        total=Count("pk"),
        confidential=Count("pk", filter=Q(confidentiality__in=CONFIDENTIAL_LEVELS)),
        electronic=Count(
            "pk",
            filter=~Q(confidentiality__in=CONFIDENTIAL_LEVELS) & ~Q(delivery=Delivery.PAPER),
        ),
    )
    closed = IncomingDocument.objects.filter(
        day_range(date_from, date_to, "completed_at"),
        agency_id__in=agency_ids,
        status=IncomingStatus.COMPLETED,
        handling_due_on__isnull=False,
    ).aggregate(
        total=Count("pk"), on_time=Count("pk", filter=Q(completed_at__date__lte=F("handling_due_on")))
    )
    overdue = IncomingDocument.objects.filter(
        agency_id__in=agency_ids,
        handling_due_on__lt=clock.today(),
    ).exclude(status__in=INCOMING_CLOSED)
    accounts = (
        RoleAssignment.objects.active_on()
        .filter(agency_id__in=agency_ids)
        .values("user_id")
        .distinct()
        .count()
    )
    return DocumentFigures(
        issued=issued_counts["total"],
        issued_confidential=issued_counts["confidential"],
        issued_electronic=issued_counts["electronic"],
        received=received_counts["total"],
        received_confidential=received_counts["confidential"],
        received_electronic=received_counts["electronic"],
        handled=closed["total"],
        handled_on_time=closed["on_time"],
        overdue_now=overdue.count(),
        accounts=accounts,
    )


def offered_outgoing_actions(
    *, document: OutgoingDocument, user: User, roles: dict[int, set[str]] | None = None
) -> list[OutgoingAction]:
    actors = outgoing_actors(document=document, user=user, roles=roles)
    return [action for action in OutgoingAction if allowed_outgoing(action, document.status, actors)]


def offered_incoming_actions(
    *, document: IncomingDocument, user: User, roles: dict[int, set[str]] | None = None
) -> list[IncomingAction]:
    actors = incoming_actors(document=document, user=user, roles=roles)
    return [action for action in IncomingAction if allowed_incoming(action, document.status, actors)]


def is_overdue(document: IncomingDocument) -> bool:
    due = document.handling_due_on
    return due is not None and document.status not in INCOMING_CLOSED and due < clock.today()
