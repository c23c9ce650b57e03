"""Use cases of the one-stop dossier, one transaction each.

Every status change goes through ``dossier_act``: it locks the row, finds the transition in
``workflow.TRANSITIONS``, checks who acts, applies the action's own rule, writes the history row and the
audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.catalog.models import Component, Procedure, ProcedureVersion
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError, PermissionDeniedError
from motcua.core.periods import valid_on
from motcua.core.uploads import check_upload
from motcua.dossiers import codes, deadlines, processing, signals
from motcua.dossiers.access import actor_roles
from motcua.dossiers.checklist import missing_components
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierPause,
    DossierSequence,
)
from motcua.dossiers.notify import notify_applicant
from motcua.dossiers.workflow import (
    APPLICANT,
    FINISHED,
    KEEP,
    PROCESSED_WHEN_LAST,
    RECEPTION,
    RESUME,
    Action,
    Status,
    find_transition,
)
from motcua.worktime.deadline import classify_outcome


class WorkflowError(DomainError):
    code = "action_not_allowed"
    status = 409


@dataclass(frozen=True)
class Applicant:
    name: str
    kind: str = ApplicantKind.PERSON
    id_number: str = ""
    birth_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    submitted_by_name: str = ""


@dataclass
class ActionInput:
    """What an action may carry besides its name: a note (reasons), an assignee, a new appointment, files."""

    note: str = ""
    assignee: User | None = None
    new_due_at: dt.datetime | None = None
    reasons: list[str] = field(default_factory=list)
    agency: Agency | None = None  # the agency consulted, or the one a dossier is transferred to
    system_actor: str = ""  # set by trusted code only (payments: PAYMENT_PLATFORM), never from a request


# -- codes ---------------------------------------------------------------------------------------------------


def dossier_code_issue(*, agency: Agency, day: dt.date) -> str:
    """The next code of ``agency`` on ``day``: gap-free because the counter row is locked until commit.

    Must run inside the transaction that saves the dossier: if it rolls back, so does the number.
    """
    DossierSequence.objects.bulk_create([DossierSequence(agency=agency, day=day)], ignore_conflicts=True)
    sequence = DossierSequence.objects.select_for_update().get(agency=agency, day=day)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return codes.format_dossier_code(agency.identifier, day, sequence.last_number)


# -- creation ------------------------------------------------------------------------------------------------


def _current_version(procedure: Procedure) -> ProcedureVersion:
    if procedure.current_version_id is None:
        raise DomainError("Thủ tục chưa có nội dung công bố, chưa thể nộp hồ sơ.")
    return procedure.current_version  # type: ignore[return-value]


def _applicant_fields(applicant: Applicant) -> dict[str, Any]:
    if not applicant.name.strip():
        raise DomainError("Chưa nhập tên người nộp hồ sơ.", fields={"applicant_name": ["required"]})
    return {
        "applicant_kind": applicant.kind,
        "applicant_name": applicant.name.strip(),
        "applicant_id_number": applicant.id_number.strip(),
        "applicant_birth_date": applicant.birth_date,
        "applicant_phone": applicant.phone.strip(),
        "applicant_email": applicant.email.strip(),
        "applicant_address": applicant.address.strip(),
        "submitted_by_name": applicant.submitted_by_name.strip(),
    }


def dossier_create_draft(
    *,
    procedure: Procedure,
    agency: Agency,
    owner: User,
    applicant: Applicant,
    channel: int = Channel.ONLINE,
    portal_code: str | None = None,
) -> Dossier:
    """A citizen's draft for an online submission (no code yet, nothing sent); ``portal_code`` is the national
    portal's code when the citizen submitted it there (integrations.portal.receive)."""
    _check_agency_implements(procedure, agency)
    with transaction.atomic():
        dossier = Dossier.objects.create(
            status=Status.DRAFT,
            channel=channel,
            portal_code=portal_code,
            procedure=procedure,
            procedure_version=_current_version(procedure),
            receiving_agency=agency,
            processing_agency=agency,
            owner=owner,
            fee_amount=_fee(procedure, channel),
            **_applicant_fields(applicant),
        )
        _event(dossier, owner, "create", None, Status.DRAFT)
        audit_record(actor=owner, action="dossier.create", obj=dossier)
    return dossier


def _check_agency_implements(procedure: Procedure, agency: Agency) -> None:
    if not procedure.assignments.filter(valid_on(clock.today()), agency=agency).exists():
        raise DomainError(
            f"{agency.name} không thực hiện thủ tục này.", fields={"agency": ["not an implementing agency"]}
        )


def _fee(procedure: Procedure, channel: int) -> Decimal:
    version = procedure.current_version
    if version is None:
        return Decimal(0)
    wanted = {Channel.IN_PERSON: "in_person", Channel.POSTAL: "postal"}.get(Channel(channel), "online")
    amounts = [t.fee_amount for t in version.channel_terms.all() if t.channel == wanted and t.fee_amount]
    return min(amounts) if amounts else Decimal(0)


def dossier_attach_file(
    *, dossier: Dossier, actor: User, upload: UploadedFile, component: Component | None, kind: str = "input"
) -> DossierFile:
    """Add a file (a new version when the component already has one); type and size checked first."""
    checked = check_upload(upload)
    if component is not None and component.version_id != dossier.procedure_version_id:
        raise DomainError("Thành phần hồ sơ không thuộc thủ tục này.", fields={"component": ["unknown"]})
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _check_may_attach(locked, actor, kind)
        previous = locked.files.filter(kind=kind, component=component, is_current=True)
        version = (previous.values_list("version", flat=True).first() or 0) + 1
        previous.update(is_current=False)
        stored = DossierFile(
            dossier=locked,
            kind=kind,
            component=component,
            label=(component.name if component else upload.name or "Tệp")[:500],
            version=version,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        stored.file.save(upload.name or "tep", upload, save=False)
        stored.save()
        audit_record(
            actor=actor, action="dossier.attach_file", obj=locked, file=stored.label, version=version
        )
    return stored


_APPLICANT_EDITABLE = frozenset({Status.DRAFT, Status.SUPPLEMENT_REQUESTED})
_RESULT_STAGES = frozenset({Status.PROCESSING, Status.PROCESSED})


def _check_may_attach(dossier: Dossier, actor: User, kind: str) -> None:
    """Applicants add documents to a draft or a supplement; officials scan at any open stage; results come
    from officials while processing."""
    roles = actor_roles(dossier=dossier, user=actor)
    status = Status(dossier.status)
    officials = roles - {APPLICANT}
    if kind == DossierFile.Kind.RESULT:
        allowed = bool(officials) and status in _RESULT_STAGES
    else:
        allowed = (APPLICANT in roles and status in _APPLICANT_EDITABLE) or (
            bool(officials) and status not in FINISHED
        )
    if not allowed:
        raise PermissionDeniedError("Không thể thêm tệp vào hồ sơ ở trạng thái này.")


def dossier_register_at_desk(
    *,
    procedure: Procedure,
    agency: Agency,
    officer: User,
    applicant: Applicant,
    channel: int = Channel.IN_PERSON,
    immediate: bool = False,
) -> Dossier:
    """A paper dossier received at the desk (in person or by post): coded and received at once."""
    _check_agency_implements(procedure, agency)
    now = clock.now()
    with transaction.atomic():
        dossier = Dossier(
            status=Status.RECEIVED,
            channel=channel,
            procedure=procedure,
            procedure_version=_current_version(procedure),
            receiving_agency=agency,
            processing_agency=agency,
            fee_amount=_fee(procedure, channel),
            submitted_at=now,
            received_at=now,
            received_by=officer,
            is_immediate=immediate,
            **_applicant_fields(applicant),
        )
        if RECEPTION not in actor_roles(dossier=dossier, user=officer):
            raise PermissionDeniedError("Chỉ cán bộ tiếp nhận của cơ quan mới được tiếp nhận hồ sơ.")
        dossier.code = dossier_code_issue(agency=agency, day=now.date())
        dossier.due_at = dossier.original_due_at = deadlines.appointment_from(dossier, now)
        dossier.save()
        signals.dossier_received.send(sender=Dossier, dossier=dossier)
        notify_applicant(dossier, _event(dossier, officer, "register", None, Status.RECEIVED))
        audit_record(actor=officer, action="dossier.register", obj=dossier, code=dossier.code)
    return dossier


# -- the workflow --------------------------------------------------------------------------------------------


Handler = Callable[[Dossier, User, ActionInput, dt.datetime], None]


def dossier_act(*, dossier: Dossier, actor: User, action: Action, data: ActionInput | None = None) -> Dossier:
    """Apply one workflow action; refuse with a clear message (and change nothing) if it is not allowed."""
    data = data or ActionInput()
    now = clock.now()
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version")
            .get(pk=dossier.pk)
        )
        before = Status(locked.status)
        transition = find_transition(action, before)
        if transition is None:
            raise WorkflowError(
                f"Không thể “{action.value}” khi hồ sơ đang ở trạng thái “{locked.status_label}”."
            )
        roles = {data.system_actor} if data.system_actor else actor_roles(dossier=locked, user=actor)
        if not roles & transition.actors:
            raise PermissionDeniedError("Bạn không có quyền thực hiện thao tác này trên hồ sơ.")
        HANDLERS[action](locked, actor, data, now)
        after = _target(locked, transition.target, before)
        if after in FINISHED and locked.finished_at is None:
            _finish(locked, now)
        locked.status = after
        locked.updated_at = now
        locked.save()
        event = _event(locked, actor, action.value, before, after, note=data.note)
        notify_applicant(locked, event)
        audit_record(actor=actor, action=f"dossier.{action.value}", obj=locked, before=before, after=after)
    return locked


def _target(dossier: Dossier, target: Status | str, before: Status) -> Status:
    if target == KEEP:
        return before
    if target == PROCESSED_WHEN_LAST:
        return Status.PROCESSED if processing.processing_complete(dossier) else before
    if target == RESUME:
        resumed = Status(dossier.paused_from_status or Status.PROCESSING)
        dossier.paused_from_status = None
        return resumed
    assert isinstance(target, Status), f"unknown target {target!r}"
    return target


def _finish(dossier: Dossier, now: dt.datetime) -> None:
    dossier.finished_at = now
    if dossier.due_at is None:
        return
    # A second supplement request makes the dossier late whatever the dates (national portal's rule).
    if dossier.supplement_rounds > 1:
        dossier.outcome = "late"
    else:
        dossier.outcome = classify_outcome(now, dossier.due_at, now) or ""
    signals.dossier_finished.send(sender=Dossier, dossier=dossier)


def _event(
    dossier: Dossier, actor: User | None, action: str, before: Status | None, after: Status, note: str = ""
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=before,
        to_status=after,
        note=note,
    )


def _require_note(data: ActionInput, what: str) -> None:
    if not data.note.strip() and not data.reasons:
        raise DomainError(f"Cần ghi rõ {what}.", fields={"note": ["required"]})


def _submit(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    missing = missing_components(dossier)
    if missing:
        names = "; ".join(c.name[:80] for c in missing[:5])
        raise DomainError(f"Còn thiếu thành phần hồ sơ: {names}.", fields={"files": ["missing components"]})
    dossier.submitted_at = now
    dossier.code = dossier_code_issue(agency=dossier.receiving_agency, day=now.date())


def _accept(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    dossier.received_at = now
    signals.dossier_received.send(sender=Dossier, dossier=dossier)
    dossier.received_by = actor
    dossier.due_at = dossier.original_due_at = deadlines.appointment_from(dossier, now)


def _request_supplement(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    _require_note(data, "giấy tờ cần bổ sung")
    if dossier.status == Status.PROCESSING:
        processing.check_appraisal_window(dossier, now)
    dossier.supplement_rounds += 1
    dossier.paused_from_status = dossier.status
    DossierPause.objects.create(dossier=dossier, reason="supplement", started_at=now)


def _submit_supplement(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(ended_at=now)
    if dossier.paused_from_status == Status.PROCESSING:
        # Decree 61/2018 Art. 19: the processing time restarts from zero when the complete dossier arrives.
        dossier.due_at = deadlines.appointment_from(dossier, now)


def _refuse(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    _require_note(data, "lý do từ chối")


def _stop(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    _require_note(data, "lý do dừng xử lý")


def _request_fees(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    dossier.paused_from_status = dossier.status
    DossierPause.objects.create(dossier=dossier, reason="fees", started_at=now)


def _confirm_fees(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(ended_at=now)
    previous, dossier.fees_paid_at = dossier.fees_paid_at, now
    signals.dossier_fees_paid.send(sender=Dossier, dossier=dossier, previous=previous)
    if dossier.due_at is not None:
        dossier.due_at = processing.moved_by_pauses(dossier)


def _apologize(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    processing.check_apology(dossier, data.new_due_at, now)
    _require_note(data, "lý do chậm trễ")
    dossier.apologies += 1
    dossier.due_at = data.new_due_at


def _request_withdrawal(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    if dossier.withdrawal_requested_at is not None:
        raise WorkflowError("Đã đề nghị rút hồ sơ này, đang chờ cán bộ xác nhận.")
    dossier.withdrawal_requested_at = now


def _confirm_withdrawal(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    if dossier.withdrawal_requested_at is None:
        raise WorkflowError("Công dân chưa đề nghị rút hồ sơ.")
    if dossier.received_at is None:
        dossier.due_at = None  # never accepted: not counted in the on-time statistics


def _return_result(dossier: Dossier, actor: User, data: ActionInput, now: dt.datetime) -> None:
    if not dossier.files.filter(kind=DossierFile.Kind.RESULT, is_current=True).exists():
        raise DomainError("Chưa có tệp kết quả để trả.", fields={"files": ["no result"]})
    dossier.returned_at = now
    signals.result_returned.send(sender=Dossier, dossier=dossier)


HANDLERS: dict[Action, Handler] = {
    Action.SUBMIT: _submit,
    Action.ACCEPT: _accept,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUBMIT_SUPPLEMENT: _submit_supplement,
    Action.REFUSE: _refuse,
    Action.FORWARD: processing.forward,
    Action.ASSIGN: processing.assign,
    Action.COMPLETE_STEP: processing.complete_step,
    Action.RETURN_STEP: processing.return_step,
    Action.REQUEST_FEES: _request_fees,
    Action.CONFIRM_FEES: _confirm_fees,
    Action.APOLOGIZE: _apologize,
    Action.STOP: _stop,
    Action.REQUEST_WITHDRAWAL: _request_withdrawal,
    Action.CONFIRM_WITHDRAWAL: _confirm_withdrawal,
    Action.RETURN_RESULT: _return_result,
    Action.CONSULT: processing.consult,
    Action.SHARE: processing.share,
    Action.ANSWER: processing.answer,
    Action.TRANSFER: processing.transfer,
}


def dossier_rate(*, dossier: Dossier, actor: User, rating: int, comment: str = "") -> Dossier:
    if not 1 <= rating <= 5:
        raise DomainError("Mức hài lòng từ 1 đến 5.", fields={"rating": ["out of range"]})
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if APPLICANT not in actor_roles(dossier=locked, user=actor):
            raise PermissionDeniedError("Chỉ người nộp hồ sơ được đánh giá.")
        if locked.status != Status.RETURNED:
            raise WorkflowError("Chỉ đánh giá sau khi đã nhận kết quả.")
        previous = locked.rating
        locked.rating, locked.rating_comment = rating, comment.strip()
        locked.save(update_fields=["rating", "rating_comment"])
        signals.dossier_rated.send(sender=Dossier, dossier=locked, previous=previous)
        audit_record(actor=actor, action="dossier.rate", obj=locked, rating=rating)
    return locked


__all__ = [
    "ActionInput",
    "Applicant",
    "WorkflowError",
    "dossier_act",
    "dossier_attach_file",
    "dossier_code_issue",
    "dossier_create_draft",
    "dossier_rate",
    "dossier_register_at_desk",
]
