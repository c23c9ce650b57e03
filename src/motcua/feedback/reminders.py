"""Reminders before feedback deadlines: the handler (or, before assignment, the agency's leaders) is told
once a day of every open feedback whose next step is due within N working days or already late.

Run daily with ``motcua remind_feedback``; dedupe keys name the feedback, the recipient and the day.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.accounts.models import Role, RoleAssignment
from motcua.core import clock
from motcua.feedback.models import Feedback
from motcua.feedback.workflow import OPEN
from motcua.notifications.services import notification_enqueue
from motcua.worktime.selectors import work_calendar


def feedback_remind(*, today: dt.date | None = None, working_days: int = 1) -> int:
    day = today or clock.today()
    calendar = work_calendar()
    horizon = day
    for _ in range(working_days):
        horizon = calendar.next_working_day(horizon)
    due = Feedback.objects.filter(status__in=list(OPEN), next_due_at__date__lte=horizon).select_related(
        "handler"
    )
    leaders: dict[int, list[str]] = {}
    for agency_id, email in (
        RoleAssignment.objects.active_on(day)
        .filter(role__in=[Role.AGENCY_LEADER, Role.HEAD_OF_UNIT], agency_id__in=due.values("agency_id"))
        .values_list("agency_id", "user__email")
    ):
        if email:
            leaders.setdefault(agency_id, []).append(email)
    sent = 0
    with transaction.atomic():
        for feedback in due.iterator(chunk_size=500):
            assert feedback.next_due_at is not None
            late = feedback.next_due_at.date() < day
            subject = f"Phản ánh, kiến nghị {feedback.code} {'đã quá hạn' if late else 'sắp đến hạn'}"
            body = f"“{feedback.title}” ({feedback.status_label}): hạn {feedback.next_due_at:%H:%M %d/%m/%Y}."
            recipients = [feedback.handler.email] if feedback.handler and feedback.handler.email else []
            for email in recipients or leaders.get(feedback.agency_id, []):
                sent += (
                    notification_enqueue(
                        channel="email",
                        recipient=email,
                        subject=subject,
                        body=body,
                        dedupe_key=f"feedback-reminder-{feedback.pk}-{email}-{day.isoformat()}",
                        related_type="feedback.feedback",
                        related_id=str(feedback.pk),
                    )
                    is not None
                )
    return sent
