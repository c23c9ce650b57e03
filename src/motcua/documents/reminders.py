"""Reminders: tasks and incoming documents whose due date is near or past, told to their owners once a day.

Run daily (cron or a scheduler) with ``motcua remind_documents``. Each reminder is an outbox message with a
dedupe key naming the task or document and the day, so running twice on the same day sends nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from motcua.core import clock
from motcua.documents.models import IncomingDocument, TaskStatus, WorkTask
from motcua.documents.workflow import INCOMING_CLOSED
from motcua.notifications.services import notification_enqueue
from motcua.worktime.selectors import work_calendar


@dataclass(frozen=True)
class ReminderRun:
    tasks: int
    documents: int


def _horizon(today: dt.date, working_days: int) -> dt.date:
    """The date ``working_days`` working days after ``today`` (a Friday's horizon reaches Monday)."""
    calendar = work_calendar()
    day = today
    for _ in range(working_days):
        day = calendar.next_working_day(day)
    return day


def documents_remind(*, today: dt.date | None = None, working_days: int = 1) -> ReminderRun:
    """Remind owners of open tasks and handlers of open incoming documents due by the horizon or overdue."""
    day = today or clock.today()
    horizon = _horizon(day, working_days)
    tasks = WorkTask.objects.filter(status=TaskStatus.OPEN, due_on__lte=horizon).select_related("owner")
    documents = (
        IncomingDocument.objects.filter(handling_due_on__lte=horizon, handler__isnull=False)
        .exclude(status__in=INCOMING_CLOSED)
        .select_related("handler")
    )
    sent_tasks = sent_documents = 0
    with transaction.atomic():
        for task in tasks.iterator(chunk_size=500):
            late = "đã quá hạn" if task.due_on < day else "sắp đến hạn"
            sent_tasks += _send(
                email=task.owner.email,
                subject=f"Công việc {late}: {task.title[:80]}",
                body=(
                    f"Công việc “{task.title}” {late} (hạn {task.due_on:%d/%m/%Y}), tiến độ {task.progress}%."
                ),
                key=f"task-reminder-{task.pk}-{day.isoformat()}",
                related=("documents.worktask", task.pk),
            )
        for document in documents.iterator(chunk_size=500):
            assert document.handler is not None
            assert document.handling_due_on is not None
            late = "đã quá hạn xử lý" if document.handling_due_on < day else "sắp đến hạn xử lý"
            sent_documents += _send(
                email=document.handler.email,
                subject=f"Văn bản {document.number_symbol} {late}",
                body=(
                    f"Văn bản đến số {document.arrival_number} "
                    f"({document.number_symbol}, {document.sender_name}): "
                    f"“{document.subject}” {late} (hạn {document.handling_due_on:%d/%m/%Y})."
                ),
                key=f"incoming-reminder-{document.pk}-{day.isoformat()}",
                related=("documents.incomingdocument", document.pk),
            )
    return ReminderRun(tasks=sent_tasks, documents=sent_documents)


def _send(*, email: str, subject: str, body: str, key: str, related: tuple[str, int]) -> int:
    notification = notification_enqueue(
        channel="email",
        recipient=email,
        subject=subject,
        body=body,
        dedupe_key=key,
        related_type=related[0],
        related_id=str(related[1]),
    )
    return 0 if notification is None else 1
