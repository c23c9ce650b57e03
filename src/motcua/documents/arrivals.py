"""Registering an arrival in the incoming register: the next arrival number and the record.

Paper arrivals (registered by the clerk), documents sent by another agency inside MotCua and imported
edXML packages all come through ``register``; it runs inside the caller's transaction, so the arrival
number is returned if anything after it fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.documents import numbering, records, text
from motcua.documents.models import IncomingDocument, OutgoingDocument, RegisterKind


@dataclass(frozen=True)
class Arrival:
    """What the register records of an arriving document (Decree 30 Appendix VI, incoming)."""

    sender_name: str
    number_symbol: str
    issued_on: dt.date
    type_name: str
    subject: str
    urgency: str = "thuong"
    confidentiality: str = "thuong"
    signer_name: str = ""
    page_count: int | None = None
    sender_organ_id: str = ""
    external_id: str = ""  # the sender's DocumentId, to report exchange statuses back


def register(
    *,
    agency: Agency,
    arrival: Arrival,
    delivery: str,
    actor: User | None = None,
    sender_agency: Agency | None = None,
    source: OutgoingDocument | None = None,
    pdf: bytes | None = None,
    file_name: str = "",
) -> IncomingDocument:
    """Give the next arrival number of the year and save the record, with its file and search text."""
    now = clock.now()
    series = numbering.series_for(arrival.confidentiality)
    number = numbering.register_take_number(
        agency=agency, year=now.year, kind=RegisterKind.INCOMING, series=series
    )
    document = IncomingDocument(
        agency=agency,
        year=now.year,
        series=series,
        arrival_number=number,
        arrived_at=now,
        delivery=delivery,
        registered_by=actor if actor is not None and actor.is_authenticated else None,
        sender_agency=sender_agency,
        source=source,
        sender_name=arrival.sender_name.strip()[:200],
        sender_organ_id=arrival.sender_organ_id[:13],
        external_id=arrival.external_id[:200],
        number_symbol=arrival.number_symbol.strip()[:40],
        issued_on=arrival.issued_on,
        type_name=arrival.type_name.strip()[:100],
        subject=arrival.subject.strip()[:500],
        urgency=arrival.urgency,
        confidentiality=arrival.confidentiality,
        signer_name=arrival.signer_name.strip()[:100],
        page_count=arrival.page_count,
    )
    body = ""
    if pdf is not None:
        document.file.save(file_name or f"{number}.pdf", ContentFile(pdf), save=False)
        if pdf.startswith(b"%PDF-"):
            body = text.pdf_text(pdf)
            document.page_count = document.page_count or text.pdf_page_count(pdf)
    document.search_folded = records.incoming_search_text(document, body)
    document.save()
    records.document_event(actor=actor, action="register", status_after=document.status, incoming=document)
    return document
