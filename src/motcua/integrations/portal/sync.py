"""Dossiers to the national portal: each creation and status change becomes an outbox message.

``on_dossier_event`` listens to ``DossierEvent`` rows (the append-only history every dossier change
writes, in the change's own transaction) and queues, in that same transaction, a DongBoHoSoMC for the
first message of a dossier (its record and whole history so far) and a CapNhatTienDoHoSoMC for each later
one. The message is a snapshot taken then: later deliveries never read the dossier again, so what the
portal sees is the dossier's history in its order, whatever the delays.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.workflow import Action, Status
from motcua.integrations import outbox
from motcua.integrations.models import Delivery, DeliveryStatus, DeliveryStream
from motcua.integrations.portal import wire
from motcua.integrations.portal.client import PortalClient

SYSTEM = "portal"
#: Actions the portal hears about although the status does not change: a new appointment.
_SYNCED_WITHOUT_STATUS_CHANGE = frozenset({Action.APOLOGIZE.value})
#: Actions whose note the citizen is told (reasons), so the portal shows it too.
_PUBLIC_NOTES = frozenset(
    {Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.STOP, Action.APOLOGIZE, Action.CONFIRM_WITHDRAWAL}
)


def is_enabled() -> bool:
    return bool(settings.MOTCUA_NATIONAL_PORTAL_URL)


def is_synced_event(event: DossierEvent) -> bool:
    """A history row the portal must hear about: a status change of a submitted dossier, or a new date."""
    if event.to_status == Status.DRAFT:
        return False
    return event.from_status != event.to_status or event.action in _SYNCED_WITHOUT_STATUS_CHANGE


@receiver(post_save, sender=DossierEvent, dispatch_uid="integrations.portal_sync")
def on_dossier_event(
    sender: type[DossierEvent], instance: DossierEvent, created: bool, **kwargs: Any
) -> None:
    if not created or kwargs.get("raw") or not is_enabled() or not is_synced_event(instance):
        return
    dossier = instance.dossier
    if not dossier.code:
        return
    portal_enqueue_event(dossier=dossier, event=instance)


def portal_enqueue_event(*, dossier: Dossier, event: DossierEvent) -> Delivery:
    """Queue the message announcing ``event`` (inside the caller's transaction, which wrote the event)."""
    assert dossier.code
    known = DeliveryStream.objects.filter(system=SYSTEM, key=dossier.code).exists()
    if known:
        kind = wire.PUSH_PROGRESS
        body = wire.progress_message(snapshot(dossier, history=()), _entry(event))
    else:
        kind = wire.PUSH_DOSSIER
        body = wire.dossier_message(snapshot(dossier, history=_history(dossier)))
    return outbox.enqueue(
        system=SYSTEM,
        kind=kind,
        key=dossier.code,
        payload=body,
        request_key=f"{SYSTEM}:{dossier.code}:event:{event.pk}",
    )


def portal_dossier_resend(*, dossier: Dossier, actor: User) -> Delivery:
    """The sync page's "re-send": replay the dossier's dead letter if it has one, otherwise push its whole
    current record again (DongBoHoSoMC, after anything still queued). Audit-recorded."""
    if not dossier.code:
        raise ValueError("a draft is never synced")
    dead = (
        Delivery.objects.filter(stream__system=SYSTEM, stream__key=dossier.code, status=DeliveryStatus.DEAD)
        .order_by("seq")
        .first()
    )
    if dead is not None:
        return outbox.replay(delivery=dead, actor=actor)
    with transaction.atomic(durable=True):
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        stream = DeliveryStream.objects.filter(system=SYSTEM, key=dossier.code).first()
        number = (stream.last_seq if stream else 0) + 1
        delivery = outbox.enqueue(
            system=SYSTEM,
            kind=wire.PUSH_DOSSIER,
            key=dossier.code,
            payload=wire.dossier_message(snapshot(locked, history=_history(locked))),
            request_key=f"{SYSTEM}:{dossier.code}:resend:{number}",
        )
        audit_record(actor=actor, action="integrations.portal_resend", obj=locked, delivery=delivery.pk)
    return delivery


# -- the snapshot --------------------------------------------------------------------------------------------


def _entry(event: DossierEvent) -> wire.HistoryEntry:
    action_label = event.action_label
    return wire.HistoryEntry(
        at=event.at,
        action=event.action,
        action_label=action_label,
        from_status=event.from_status,
        to_status=event.to_status,
        note=event.note if event.action in _PUBLIC_NOTES else "",
    )


def _history(dossier: Dossier) -> tuple[wire.HistoryEntry, ...]:
    events = DossierEvent.objects.filter(dossier=dossier).order_by("at", "pk")
    return tuple(_entry(e) for e in events if is_synced_event(e))


def snapshot(dossier: Dossier, *, history: tuple[wire.HistoryEntry, ...]) -> wire.DossierSnapshot:
    """What the portal is told about ``dossier`` now (a few small queries: terms, store, identity)."""
    version = dossier.procedure_version
    wanted = {1: "in_person", 3: "postal"}.get(dossier.channel, "online")
    terms = [t for t in version.channel_terms.all() if t.duration_value is not None]
    term = next((t for t in terms if t.channel == wanted), terms[0] if terms else None)
    digitised, reused, electronic_result = _store_figures(dossier)
    has_result_file = DossierFile.objects.filter(
        dossier=dossier, kind=DossierFile.Kind.RESULT, is_current=True
    ).exists()
    public = settings.MOTCUA_PUBLIC_URL.rstrip("/")
    return wire.DossierSnapshot(
        code=dossier.code or "",
        procedure_code=dossier.procedure.code,
        procedure_name=version.name,
        agency_code=dossier.receiving_agency.identifier,
        agency_name=dossier.receiving_agency.name,
        processing_agency_code=dossier.processing_agency.identifier,
        channel=dossier.channel,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        applicant_kind=dossier.applicant_kind,
        status=dossier.status,
        status_label=dossier.status_label,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        duration_value=term.duration_value if term else None,
        duration_unit=term.duration_unit if term else "",
        fee_amount=dossier.fee_amount,
        fees_paid=dossier.fees_paid_at is not None,
        paid_online=_paid_online(dossier),
        result_codes=tuple(str(r.get("result_code", "")) for r in version.results if r.get("result_code")),
        result_url=f"{public}/tra-cuu/{dossier.code}/" if has_result_file else "",
        digitised_components=digitised,
        reused_components=reused,
        electronic_result=electronic_result,
        vneid_authenticated=_vneid_authenticated(dossier),
        history=history,
    )


def _store_figures(dossier: Dossier) -> tuple[int, int, bool]:
    """Components digitised at reception, components reused from the store, an electronic result."""
    if not apps.is_installed("motcua.datastore"):
        return 0, 0, False
    stored = apps.get_model("datastore", "StoredDocument")
    reuse = apps.get_model("datastore", "Reuse")
    origins = list(stored.objects.filter(dossier=dossier).values_list("origin", flat=True))
    return (
        origins.count("digitised"),
        reuse.objects.filter(dossier=dossier).count(),
        "result" in origins,
    )


def _vneid_authenticated(dossier: Dossier) -> bool:
    """The dossier was submitted from an account linked to VNeID (the identity integration's link)."""
    if dossier.owner_id is None:
        return False
    try:
        identity = apps.get_model("accounts", "VneidIdentity")
    except LookupError:
        return False
    return bool(identity.objects.filter(user_id=dossier.owner_id).exists())


def _paid_online(dossier: Dossier) -> bool:
    """Fees paid through the national payment platform (the payments app, when it records payments)."""
    try:
        payment = apps.get_model("payments", "Payment")
    except LookupError:
        return False
    fields = {f.name for f in payment._meta.get_fields()}
    if not {"dossier", "status"} <= fields:
        return False
    return bool(payment.objects.filter(dossier=dossier, status="paid").exists())


# -- delivery ------------------------------------------------------------------------------------------------


@outbox.handler(SYSTEM, wire.PUSH_DOSSIER)
@outbox.handler(SYSTEM, wire.PUSH_PROGRESS)
def push(delivery: Delivery) -> None:
    """One POST to the portal; PortalError (a DeliveryError) when refused, malformed, slow or unreachable."""
    message = wire.envelope(delivery.payload, request_key=delivery.request_key, seq=delivery.seq)
    PortalClient.from_settings().push(delivery.kind, message)
