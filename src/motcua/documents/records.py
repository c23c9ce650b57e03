"""What every document use case writes beside the document: its history row and its search key."""

from __future__ import annotations

from motcua.accounts.models import User
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.documents.models import DocumentEvent, IncomingDocument, OutgoingDocument

SEARCH_TEXT_LIMIT = 20_000


def document_event(
    *,
    actor: User | None,
    action: str,
    status_after: str,
    note: str = "",
    outgoing: OutgoingDocument | None = None,
    incoming: IncomingDocument | None = None,
) -> DocumentEvent:
    return DocumentEvent.objects.create(
        outgoing=outgoing,
        incoming=incoming,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        at=clock.now(),
        note=note,
        status_after=status_after,
    )


def outgoing_search_text(document: OutgoingDocument, body: str = "") -> str:
    """Number-symbol, summary, issuing body, type and the PDF's text, folded (no case, no diacritics)."""
    parts = [
        document.number_symbol,
        document.subject,
        document.agency.name,
        document.document_type.name,
        body,
    ]
    return fold(" ".join(p for p in parts if p))[:SEARCH_TEXT_LIMIT]


def incoming_search_text(document: IncomingDocument, body: str = "") -> str:
    parts = [document.number_symbol, document.subject, document.sender_name, document.type_name, body]
    return fold(" ".join(p for p in parts if p))[:SEARCH_TEXT_LIMIT]
