"""Documents and exchange statuses to the integration axis, through the outbox.

Two listeners on the document office's signals, both running in the transaction of the change:

- ``on_dispatched_outside``: an issued document dispatched to recipients outside MotCua (addressed by
  their organ identifier) queues one ``sendEdoc`` per recipient. The package is built at delivery time
  from the issued document, which never changes once issued; a confidential document is refused at
  dispatch by the document office and again here and at delivery (it never leaves, Decree 30/2020).
- ``on_exchange_status_reported``: the handling of a document that arrived over the axis (registered by
  the axis's system user) queues the edXML status message (04 assigned, 05 in progress, 06 completed,
  02 refused) back to its sender; ``lgsp_enqueue_status`` also sends 03 when ``receive`` registers it.
  The status message is a snapshot taken then; the messages of one document go out in order.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.documents import exchange, records, signals
from motcua.documents.models import (
    Delivery as DocumentDelivery,
)
from motcua.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
)
from motcua.integrations import outbox
from motcua.integrations.lgsp import wire
from motcua.integrations.lgsp.client import LgspClient, LgspError
from motcua.integrations.models import Delivery

logger = logging.getLogger(__name__)

SYSTEM = "lgsp"
KIND_EDOC = f"{wire.SEND_EDOC}:{wire.EDOC}"
KIND_STATUS = f"{wire.SEND_EDOC}:{wire.STATUS}"
#: The system user documents arriving over the axis are registered by (no person registers them).
LGSP_USERNAME = "lgsp"


def is_enabled() -> bool:
    return bool(settings.MOTCUA_LGSP_URL)


def lgsp_user() -> User:
    user, created = User.objects.get_or_create(
        username=LGSP_USERNAME,
        defaults={
            "kind": User.Kind.OFFICIAL,
            "full_name": "Trục liên thông văn bản tỉnh (LGSP)",
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def arrived_over_the_axis(incoming: IncomingDocument) -> bool:
    return (
        incoming.delivery == DocumentDelivery.EDXML
        and bool(incoming.sender_organ_id and incoming.external_id)
        and incoming.registered_by_id is not None
        and User.objects.filter(pk=incoming.registered_by_id, username=LGSP_USERNAME).exists()
    )


# -- listeners -----------------------------------------------------------------------------------------------


@receiver(signals.dispatched_outside, dispatch_uid="integrations.lgsp_send")
def on_dispatched_outside(
    sender: type[OutgoingDocument],
    document: OutgoingDocument,
    recipients: list[OutgoingRecipient],
    **kwargs: Any,
) -> None:
    if not is_enabled() or document.is_confidential:
        return
    for recipient in recipients:
        if recipient.organ_id:
            lgsp_enqueue_edoc(document=document, recipient=recipient)
        else:  # no identifier: the axis cannot address it; the clerk sends it another way
            logger.info(
                "outgoing %s: recipient %r has no organ identifier", document.pk, recipient.organ_name
            )


@receiver(signals.exchange_status_reported, dispatch_uid="integrations.lgsp_status")
def on_exchange_status_reported(
    sender: type[IncomingDocument], incoming: IncomingDocument, status: str, **kwargs: Any
) -> None:
    if is_enabled() and arrived_over_the_axis(incoming):
        lgsp_enqueue_status(incoming=incoming)


# -- writes --------------------------------------------------------------------------------------------------


def lgsp_enqueue_edoc(*, document: OutgoingDocument, recipient: OutgoingRecipient) -> Delivery:
    """Queue the package of ``document`` for ``recipient`` (inside the dispatching transaction)."""
    if document.is_confidential:
        raise exchange.ConfidentialExchangeError("Văn bản mật không được gửi qua trục liên thông.")
    return outbox.enqueue(
        system=SYSTEM,
        kind=KIND_EDOC,
        key=f"edoc:{recipient.pk}",
        payload={
            "outgoing": document.pk,
            "recipient": recipient.pk,
            "from": document.agency.identifier[:13],
            "to": recipient.organ_id,
        },
        request_key=f"{SYSTEM}:edoc:{recipient.pk}",
    )


def lgsp_enqueue_status(*, incoming: IncomingDocument) -> Delivery:
    """Queue the status message of ``incoming``'s current handling to its sender (inside the change's
    transaction, after its history row: that row's id makes the request key)."""
    last = (
        DocumentEvent.objects.filter(incoming=incoming).order_by("-pk").values_list("pk", flat=True).first()
    )
    message = exchange.status_for(incoming=incoming)
    return outbox.enqueue(
        system=SYSTEM,
        kind=KIND_STATUS,
        key=f"status:{incoming.pk}",
        payload={
            "incoming": incoming.pk,
            "from": incoming.agency.identifier[:13],
            "to": incoming.sender_organ_id,
            "status": exchange.HANDLING_STATUS[incoming.status].value,
            "message": message.decode("utf-8"),
        },
        request_key=f"{SYSTEM}:status:{incoming.pk}:{last or 0}",
    )


# -- delivery ------------------------------------------------------------------------------------------------


@outbox.handler(SYSTEM, KIND_EDOC)
def deliver_edoc(delivery: Delivery) -> None:
    """One sendEdoc of a document's package; LgspError when refused, malformed, slow or unreachable."""
    payload = delivery.payload
    document = (
        OutgoingDocument.objects.select_related("agency", "document_type", "signer")
        .filter(pk=payload["outgoing"])
        .first()
    )
    recipient = OutgoingRecipient.objects.filter(pk=payload["recipient"], document=document).first()
    if document is None or recipient is None:
        raise LgspError("the document or its recipient no longer exists")
    if document.is_confidential:  # never, whatever queued it
        raise LgspError("confidential document: never sent electronically")
    try:
        package = exchange.package_for(document=document, recipient=recipient)
    except DomainError as error:
        raise LgspError(f"package not built: {error.message}"[:500]) from None
    doc_id = LgspClient.from_settings().send_edoc(
        organ_id=document.agency.identifier[:13],
        message_type=wire.EDOC,
        content=package,
        request_key=delivery.request_key,
    )
    records.document_event(
        actor=None,
        action="lgsp_send",
        status_after=document.status,
        note=f"{recipient.organ_name}: đã gửi qua trục liên thông (DocId {doc_id})"[:500],
        outgoing=document,
    )


@outbox.handler(SYSTEM, KIND_STATUS)
def deliver_status(delivery: Delivery) -> None:
    """One sendEdoc of a status message (the snapshot queued with the change)."""
    payload = delivery.payload
    LgspClient.from_settings().send_edoc(
        organ_id=str(payload["from"]),
        message_type=wire.STATUS,
        content=str(payload["message"]).encode("utf-8"),
        request_key=delivery.request_key,
    )
