"""What arrived over the integration axis: packages into the incoming register, statuses onto recipients.

``lgsp_receive`` polls each agency's mailbox (getReceivedEdocList), fetches each item (getEdoc) and
acknowledges it (updateStatus) only after its own transaction committed:

- a package addressed to the agency is registered in its incoming register (arrival number, fields, the
  signed PDF) by the axis's system user, and the 03 status (registered) is queued back to the sender in
  the same transaction; a package already registered (same sender and DocumentId) is acknowledged again,
  not registered twice — so a crash between the commit and the acknowledgement duplicates nothing;
- a status message about one of the agency's outgoing documents is recorded on its recipient row (an
  older status than the one recorded is acknowledged and ignored);
- anything invalid (malformed, not addressed to the agency, confidential, unknown document) is refused:
  nothing is registered, the reason is logged and written to the audit log (``integrations.lgsp_refused``)
  and sent back with the ``fail`` acknowledgement.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from motcua.agencies.models import Agency
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError
from motcua.documents import edxml, exchange, records
from motcua.documents.models import Delivery as DocumentDelivery
from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.integrations.lgsp import send, wire
from motcua.integrations.lgsp.client import LgspClient, LgspError

logger = logging.getLogger(__name__)

MAX_STATUS_BYTES = 1024 * 1024


@dataclass
class Outcome:
    """What one poll did, for the command's report."""

    imported: list[IncomingDocument] = field(default_factory=list)
    repeated: int = 0
    statuses: int = 0
    refused: list[str] = field(default_factory=list)  # "<organ> <docId>: <reason>"
    errors: list[str] = field(default_factory=list)  # calls that failed: the items stay for the next poll


class RefusedError(Exception):
    """An item that cannot be taken in; the message is the reason sent back and shown to administrators."""


def lgsp_receive(*, client: LgspClient, agencies: list[Agency]) -> Outcome:
    outcome = Outcome()
    for agency in agencies:
        organ_id = agency.identifier[:13]
        try:
            items = client.received(organ_id=organ_id)
        except LgspError as error:
            logger.warning("LGSP: mailbox of %s not read: %s", organ_id, error)
            outcome.errors.append(f"{organ_id}: {error}")
            continue
        for item in items:
            _take(client=client, agency=agency, item=item, outcome=outcome)
    return outcome


def _take(*, client: LgspClient, agency: Agency, item: wire.Item, outcome: Outcome) -> None:
    organ_id = agency.identifier[:13]
    try:
        content = client.get_edoc(organ_id=organ_id, doc_id=item.doc_id)
        try:
            if item.message_type == wire.EDOC:
                _take_package(agency=agency, item=item, content=content, outcome=outcome)
            else:
                _take_status(agency=agency, content=content, outcome=outcome)
        except RefusedError as refusal:
            _refuse(client=client, agency=agency, item=item, reason=str(refusal), outcome=outcome)
            return
        client.update_status(organ_id=organ_id, doc_id=item.doc_id, status=wire.DONE)
    except LgspError as error:  # the item stays on the axis: the next poll takes it (idempotently)
        logger.warning("LGSP: item %s of %s not taken: %s", item.doc_id, organ_id, error)
        outcome.errors.append(f"{organ_id} {item.doc_id}: {error}")


def _take_package(*, agency: Agency, item: wire.Item, content: bytes, outcome: Outcome) -> None:
    try:
        package = edxml.parse_package(content, max_bytes=exchange.MAX_PACKAGE_BYTES)
    except edxml.EdxmlError as error:
        raise RefusedError(f"Gói edXML không hợp lệ: {error}") from None
    try:
        with transaction.atomic(durable=True):
            # One importer at a time per agency: the "already registered?" check and the registration
            # must not interleave with another poll's.
            Agency.objects.select_for_update().filter(pk=agency.pk).first()
            if _already_registered(agency, package):
                outcome.repeated += 1
                return
            document = exchange.import_package(agency=agency, actor=send.lgsp_user(), data=content)
            audit_record(
                actor=None,
                action="incoming.lgsp_receive",
                obj=document,
                doc_id=item.doc_id,
                sender=package.from_organ.organ_id,
            )
            if send.is_enabled():
                send.lgsp_enqueue_status(incoming=document)  # 03: registered
    except DomainError as error:
        raise RefusedError(error.message) from None
    outcome.imported.append(document)


def _already_registered(agency: Agency, package: edxml.EdxmlDocument) -> bool:
    return IncomingDocument.objects.filter(
        agency=agency,
        delivery=DocumentDelivery.EDXML,
        sender_organ_id=package.from_organ.organ_id[:13],
        external_id=package.document_id[:200],
    ).exists()


def _take_status(*, agency: Agency, content: bytes, outcome: Outcome) -> None:
    try:
        message = edxml.parse_status(content, max_bytes=MAX_STATUS_BYTES)
    except edxml.EdxmlError as error:
        raise RefusedError(f"Thông điệp trạng thái không hợp lệ: {error}") from None
    candidates = OutgoingDocument.objects.filter(
        agency=agency, number_symbol=message.response_for_code
    ).select_related("agency")
    document = next(
        (
            d
            for d in candidates
            if d.issued_at and exchange.document_id(d) == message.response_for_document_id
        ),
        None,
    )
    if document is None:
        raise RefusedError(f"Không có văn bản đi {message.response_for_document_id} của cơ quan này.")
    try:
        with transaction.atomic(durable=True):
            locked = OutgoingDocument.objects.select_for_update().select_related("agency").get(pk=document.pk)
            row = locked.recipients.filter(
                organ_id=message.from_organ.organ_id, delivery=DocumentDelivery.EDXML
            ).first()
            if row is not None and row.status_at is not None and message.timestamp < row.status_at:
                return  # older than what is recorded: statuses arrive in order, this one is stale
            recipient = exchange.apply_status(document=locked, data=content)
            records.document_event(
                actor=None,
                action="exchange_status",
                status_after=locked.status,
                note=f"{recipient.organ_name}: {recipient.get_exchange_status_display()}",
                outgoing=locked,
            )
            audit_record(
                actor=None,
                action="outgoing.lgsp_status",
                obj=locked,
                status=recipient.exchange_status,
                organ=recipient.organ_id,
            )
    except DomainError as error:
        raise RefusedError(error.message) from None
    outcome.statuses += 1


def _refuse(*, client: LgspClient, agency: Agency, item: wire.Item, reason: str, outcome: Outcome) -> None:
    organ_id = agency.identifier[:13]
    logger.warning("LGSP: item %s for %s from %s refused: %s", item.doc_id, organ_id, item.from_organ, reason)
    with transaction.atomic(durable=True):
        audit_record(
            actor=None,
            action="integrations.lgsp_refused",
            obj=agency,
            doc_id=item.doc_id,
            message_type=item.message_type,
            sender=item.from_organ,
            reason=reason[:1000],
        )
    outcome.refused.append(f"{organ_id} {item.doc_id}: {reason}")
    client.update_status(organ_id=organ_id, doc_id=item.doc_id, status=wire.FAIL, description=reason)
