"""What the applicant is told, and when: every change they must know (Circular 22/2019/TT-BTTTT Art. 4)."""

from __future__ import annotations

from django.conf import settings

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.workflow import Action
from motcua.notifications.models import Channel
from motcua.notifications.services import notification_enqueue

_MESSAGES: dict[str, str] = {
    Action.SUBMIT: "Hồ sơ {code} đã được gửi tới {agency}, đang chờ tiếp nhận.",
    Action.ACCEPT: "Hồ sơ {code} đã được tiếp nhận. Ngày hẹn trả kết quả: {due}.",
    "register": "Hồ sơ {code} đã được tiếp nhận. Ngày hẹn trả kết quả: {due}.",
    Action.REQUEST_SUPPLEMENT: "Hồ sơ {code} cần bổ sung: {note}",
    Action.REFUSE: "Hồ sơ {code} không được tiếp nhận giải quyết. Lý do: {note}",
    Action.APOLOGIZE: "Xin lỗi ông/bà: hồ sơ {code} chậm trả kết quả ({note}). Ngày hẹn mới: {due}.",
    Action.REQUEST_FEES: "Hồ sơ {code}: đề nghị ông/bà thực hiện nghĩa vụ tài chính {fee}.",
    Action.STOP: "Hồ sơ {code} đã dừng giải quyết. Lý do: {note}",
    Action.CONFIRM_WITHDRAWAL: "Hồ sơ {code} đã được rút theo đề nghị của ông/bà.",
    Action.COMPLETE_STEP: "Hồ sơ {code} đã có kết quả, mời ông/bà nhận kết quả.",
    Action.RETURN_RESULT: "Hồ sơ {code} đã trả kết quả. Mời ông/bà đánh giá mức độ hài lòng.",
}


def notify_applicant(dossier: Dossier, event: DossierEvent) -> None:
    """Queue the e-mail and SMS for this event, inside the caller's transaction (never sent twice)."""
    template = _MESSAGES.get(event.action)
    if template is None or (event.action == Action.COMPLETE_STEP and event.to_status == event.from_status):
        return  # intermediate hand-overs are internal
    body = template.format(
        code=dossier.code,
        agency=dossier.receiving_agency.name,
        due=f"{dossier.due_at:%H:%M %d/%m/%Y}" if dossier.due_at else "—",
        note=event.note or "xem chi tiết tại trang tra cứu",
        fee=f"{dossier.fee_amount:,.0f} đồng".replace(",", "."),
    )
    link = f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/tra-cuu/{dossier.code}/"
    subject = f"[Một cửa] Hồ sơ {dossier.code}: {dossier.status_label}"
    for channel, recipient, text in (
        (Channel.EMAIL, dossier.applicant_email, f"{body}\n\nTheo dõi hồ sơ: {link}"),
        (Channel.SMS, dossier.applicant_phone, body),
        (Channel.ZALO, dossier.applicant_phone, f"{body}\n{link}"),
    ):
        notification_enqueue(
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=text,
            dedupe_key=f"dossier-event:{event.pk}:{channel}",
            related_type="dossier",
            related_id=dossier.code or "",
        )
