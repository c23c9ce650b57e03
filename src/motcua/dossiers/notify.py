"""What the applicant is told, and when: every change they must know (Circular 22/2019/TT-BTTTT Art. 4)."""

from __future__ import annotations

from django.conf import settings

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.workflow import Action
from motcua.notifications.models import Channel
from motcua.notifications.services import notification_enqueue_event

# The wording of each event is an administrator-editable template (motcua.notifications.events).
_EVENTS: dict[str, str] = {
    Action.SUBMIT: "dossier.submitted",
    Action.ACCEPT: "dossier.received",
    "register": "dossier.received",
    Action.REQUEST_SUPPLEMENT: "dossier.supplement_requested",
    Action.REFUSE: "dossier.refused",
    Action.APOLOGIZE: "dossier.late_apology",
    Action.REQUEST_FEES: "dossier.fees_requested",
    Action.STOP: "dossier.stopped",
    Action.CONFIRM_WITHDRAWAL: "dossier.withdrawn",
    Action.COMPLETE_STEP: "dossier.result_ready",
    Action.RETURN_RESULT: "dossier.result_returned",
}


def notify_applicant(dossier: Dossier, event: DossierEvent) -> None:
    """Queue the e-mail, SMS and Zalo message for this event, inside the caller's transaction (never sent
    twice)."""
    code = _EVENTS.get(event.action)
    if code is None or (event.action == Action.COMPLETE_STEP and event.to_status == event.from_status):
        return  # intermediate hand-overs are internal
    params = {
        "code": dossier.code or "",
        "agency": dossier.receiving_agency.name,
        "due": f"{dossier.due_at:%H:%M %d/%m/%Y}" if dossier.due_at else "—",
        "note": event.note or "xem chi tiết tại trang tra cứu",
        "fee": f"{dossier.fee_amount:,.0f} đồng".replace(",", "."),
        "status": dossier.status_label,
        "link": f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/tra-cuu/{dossier.code}/",
    }
    for channel, recipient in (
        (Channel.EMAIL, dossier.applicant_email),
        (Channel.SMS, dossier.applicant_phone),
        (Channel.ZALO, dossier.applicant_phone),
    ):
        notification_enqueue_event(
            event=code,
            channel=channel,
            recipient=recipient,
            params=params,
            dedupe_key=f"dossier-event:{event.pk}:{channel}",
            related_type="dossier",
            related_id=dossier.code or "",
        )
