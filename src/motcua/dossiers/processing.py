"""Processing a dossier along its agency's internal process: tasks, hand-overs, appraisal, apology."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from motcua.accounts.models import RoleAssignment, User
from motcua.catalog.models import InternalProcess
from motcua.core.errors import DomainError, PermissionDeniedError
from motcua.core.periods import valid_on
from motcua.dossiers.models import Dossier, DossierConsultation, DossierTask
from motcua.worktime.deadline import add_duration, add_duration_with_pauses, working_hours_between
from motcua.worktime.selectors import work_calendar

if TYPE_CHECKING:
    from motcua.dossiers.services import ActionInput

#: Decree 61/2018 Art. 19: a supplement may be requested during appraisal within 3 working days of receipt.
APPRAISAL_WINDOW_WORKING_DAYS = 3
#: Decree 61/2018 Art. 19(9): the apology reaches the applicant at least 1 working day before the deadline.
APOLOGY_NOTICE_WORKING_HOURS = 8


def _process_for(dossier: Dossier, day: dt.date) -> InternalProcess | None:
    return (
        InternalProcess.objects.filter(
            valid_on(day), procedure_id=dossier.procedure_id, agency_id=dossier.processing_agency_id
        )
        .prefetch_related("steps__org_unit")
        .first()
    )


def forward(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    """Hand the received dossier to the competent unit: one task per step of the internal process."""
    tasks = _tasks_from_process(dossier, now)
    # The reception step is the one just done at the desk: close it and start the next.
    first = tasks[0]
    _start(first, now)
    if first.role == "reception_officer":
        _close(first, actor, now, note="Tiếp nhận, chuyển xử lý")
        _advance(dossier, tasks[1:], now)
    else:
        _set_current(dossier, first)


def _tasks_from_process(dossier: Dossier, now: dt.datetime) -> list[DossierTask]:
    process = _process_for(dossier, now.date())
    if process is None:
        raise DomainError(f"{dossier.processing_agency.name} chưa có quy trình nội bộ cho thủ tục này.")
    steps = list(process.steps.all())
    return DossierTask.objects.bulk_create(
        DossierTask(
            dossier=dossier,
            order=step.order,
            name=step.name,
            agency=dossier.processing_agency,
            org_unit=step.org_unit,
            role=step.role,
            allotted_hours=step.allotted_hours,
        )
        for step in steps
    )


def _start(task: DossierTask, now: dt.datetime) -> None:
    task.started_at = now
    task.due_at = add_duration(work_calendar(), now, task.allotted_hours, "working_hours")
    task.save(update_fields=["started_at", "due_at"])


def _close(task: DossierTask, actor: User, now: dt.datetime, note: str = "") -> None:
    task.finished_at, task.finished_by, task.note = now, actor, note
    task.save(update_fields=["finished_at", "finished_by", "note"])


def _set_current(dossier: Dossier, task: DossierTask | None) -> None:
    dossier.current_task = task
    dossier.current_handler = task.assignee if task else None


def _advance(dossier: Dossier, remaining: list[DossierTask], now: dt.datetime) -> bool:
    """Start the next open task; False when none is left (the process is complete)."""
    for task in remaining:
        if task.finished_at is None:
            _start(task, now)
            _set_current(dossier, task)
            return True
    _set_current(dossier, None)
    return False


def _current(dossier: Dossier) -> DossierTask:
    task = dossier.current_task
    if task is None:
        raise DomainError("Hồ sơ chưa được chuyển xử lý.")
    return task


def _holds_role(user: User, dossier: Dossier, role: str) -> bool:
    active = RoleAssignment.objects.active_on()
    return active.filter(user=user, agency_id=dossier.processing_agency_id, role=role).exists()


def assign(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    task = _current(dossier)
    if data.assignee is None or not _holds_role(data.assignee, dossier, task.role):
        raise DomainError(
            "Người được phân công phải có vai trò của bước này trong cơ quan.",
            fields={"assignee": ["invalid"]},
        )
    task.assignee = data.assignee
    task.save(update_fields=["assignee"])
    dossier.current_handler = data.assignee


def complete_step(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    """The current step is done by whoever holds its role (its assignee, when one is set)."""
    task = _current(dossier)
    if task.assignee_id not in (None, actor.pk) or not _holds_role(actor, dossier, task.role):
        raise PermissionDeniedError("Bước này do người khác xử lý.")
    later = [
        t for t in dossier.tasks.filter(finished_at__isnull=True).order_by("order", "pk") if t.pk != task.pk
    ]
    if is_complete(later):
        _check_joint_parts_done(dossier)
    _close(task, actor, now, data.note)
    if is_complete(later):
        # What is left (returning the result) belongs to the desk: processing is finished.
        _set_current(dossier, later[0] if later else None)
        return
    _advance(dossier, later, now)


def is_complete(open_tasks: list[DossierTask]) -> bool:
    """Processing is over when no step is open but, possibly, the desk's final return of the result."""
    return all(task.role == "reception_officer" for task in open_tasks)


def processing_complete(dossier: Dossier) -> bool:
    return is_complete(list(dossier.tasks.filter(finished_at__isnull=True)))


def return_step(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    """Send the dossier back to the previous step, with the reason; that step starts again."""
    task = _current(dossier)
    if not data.note.strip():
        raise DomainError("Cần ghi rõ lý do trả lại.", fields={"note": ["required"]})
    if not _holds_role(actor, dossier, task.role):
        raise PermissionDeniedError("Bước này do người khác xử lý.")
    previous = (
        dossier.tasks.filter(order__lt=task.order)
        .exclude(role="reception_officer")
        .order_by("-order")
        .first()
    )
    if previous is None:
        raise DomainError("Không có bước trước để trả lại.")
    _close(task, actor, now, f"Trả lại: {data.note.strip()}")
    redo = DossierTask.objects.create(
        dossier=dossier,
        order=previous.order,
        name=previous.name,
        agency=previous.agency,
        org_unit=previous.org_unit,
        role=previous.role,
        assignee=previous.assignee,
        allotted_hours=previous.allotted_hours,
    )
    DossierTask.objects.create(  # the returned step waits for its turn after the redone one
        dossier=dossier,
        order=task.order,
        name=task.name,
        agency=task.agency,
        org_unit=task.org_unit,
        role=task.role,
        assignee=task.assignee,
        allotted_hours=task.allotted_hours,
    )
    _start(redo, now)
    _set_current(dossier, redo)


def check_appraisal_window(dossier: Dossier, now: dt.datetime) -> None:
    if dossier.received_at is None:
        return
    limit = add_duration(work_calendar(), dossier.received_at, APPRAISAL_WINDOW_WORKING_DAYS, "working_days")
    if now > limit:
        raise DomainError("Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung nữa.")


def check_apology(dossier: Dossier, new_due_at: dt.datetime | None, now: dt.datetime) -> None:
    """Form 04 rules: once, at least one working day before the appointment, to a later date."""
    if dossier.apologies >= 1:
        raise DomainError("Chỉ được xin lỗi và hẹn lại một lần.")
    if dossier.due_at is None:
        raise DomainError("Hồ sơ chưa có ngày hẹn trả.")
    if working_hours_between(work_calendar(), now, dossier.due_at) < APOLOGY_NOTICE_WORKING_HOURS:
        raise DomainError("Phải xin lỗi và hẹn lại chậm nhất 1 ngày làm việc trước ngày hẹn trả.")
    if new_due_at is None or new_due_at <= dossier.due_at:
        raise DomainError("Ngày hẹn mới phải sau ngày hẹn cũ.", fields={"new_due_at": ["must be later"]})


def moved_by_pauses(dossier: Dossier) -> dt.datetime | None:
    """The appointment once the finished pauses are added (working time paused is not counted)."""
    if dossier.original_due_at is None or dossier.received_at is None:
        return dossier.due_at
    pauses = [(p.started_at, p.ended_at) for p in dossier.pauses.filter(reason="fees")]
    hours = working_hours_between(work_calendar(), dossier.received_at, dossier.original_due_at)
    return add_duration_with_pauses(work_calendar(), dossier.received_at, hours, "working_hours", pauses)


def consult(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    """Ask another agency's opinion with a deadline (Decree 61/2018 Art. 19); processing goes on."""
    _ask(dossier, actor, data, now, DossierConsultation.Kind.OPINION)


def share(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    """Liên thông at the same level: give another agency its part and deadline; the lead waits for it."""
    _ask(dossier, actor, data, now, DossierConsultation.Kind.JOINT)


def _ask(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime, kind: str) -> None:
    target = data.agency
    if target is None or target.pk == dossier.processing_agency_id:
        raise DomainError("Hãy chọn cơ quan được xin ý kiến.", fields={"agency": ["required"]})
    if not data.note.strip():
        raise DomainError("Cần ghi rõ nội dung xin ý kiến.", fields={"note": ["required"]})
    due = data.new_due_at or add_duration(work_calendar(), now, 3, "working_days")
    if due <= now:
        raise DomainError("Thời hạn trả lời phải sau thời điểm xin ý kiến.", fields={"new_due_at": ["past"]})
    DossierConsultation.objects.create(
        dossier=dossier,
        kind=kind,
        from_agency=dossier.processing_agency,
        to_agency=target,
        question=data.note.strip(),
        asked_by=actor,
        asked_at=now,
        due_at=due,
    )


def answer(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    if not data.note.strip():
        raise DomainError("Cần ghi nội dung trả lời.", fields={"note": ["required"]})
    agencies = RoleAssignment.objects.active_on().filter(user=actor).values_list("agency_id", flat=True)
    open_request = dossier.consultations.filter(to_agency_id__in=agencies, answered_at__isnull=True).first()
    if open_request is None:
        raise DomainError("Không có yêu cầu xin ý kiến nào đang chờ cơ quan của bạn.")
    open_request.answer, open_request.answered_by, open_request.answered_at = data.note.strip(), actor, now
    open_request.save(update_fields=["answer", "answered_by", "answered_at"])


def transfer(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    """Liên thông: the next agency processes along its own internal process; the receiving desk (which does
    not change) keeps watching the dossier and returns the result."""
    target = data.agency
    if target is None or target.pk == dossier.processing_agency_id:
        raise DomainError("Hãy chọn cơ quan nhận liên thông.", fields={"agency": ["required"]})
    open_tasks = dossier.tasks.filter(finished_at__isnull=True)
    for task in open_tasks:
        _close(task, actor, now, note=f"Chuyển liên thông tới {target.name}")
    dossier.processing_agency = target
    dossier.is_transferred = True
    tasks = _tasks_from_process(dossier, now)
    work = [t for t in tasks if t.role != "reception_officer"]
    if not work:
        raise DomainError(f"Quy trình của {target.name} không có bước xử lý.")
    _advance(dossier, work, now)


def _check_joint_parts_done(dossier: Dossier) -> None:
    waiting = dossier.consultations.filter(kind=DossierConsultation.Kind.JOINT, answered_at__isnull=True)
    names = ", ".join(waiting.values_list("to_agency__name", flat=True))
    if names:
        raise DomainError(f"Chưa thể hoàn thành: còn chờ phần việc của {names}.")
