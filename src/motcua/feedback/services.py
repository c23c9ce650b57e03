"""Use cases of feedback and petitions, one transaction each; ``feedback_act`` applies the workflow table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError, NotFoundError, PermissionDeniedError
from motcua.core.uploads import check_upload
from motcua.dossiers.models import Dossier
from motcua.feedback import rules
from motcua.feedback.models import Feedback, FeedbackEvent, FeedbackFile, FeedbackSequence, Subject
from motcua.feedback.workflow import (
    ACTION_LABELS,
    HANDLER,
    SENDER,
    TRANSITIONS,
    Action,
    allowed,
)
from motcua.notifications.services import notification_enqueue_event
from motcua.worktime.selectors import work_calendar

MAX_FILES = 5


class FeedbackError(DomainError):
    code = "feedback_refused"


class FeedbackWorkflowError(DomainError):
    code = "action_not_allowed"
    status = 409


def deadlines() -> rules.Deadlines:
    return rules.Deadlines.parse(getattr(settings, "MOTCUA_FEEDBACK_DEADLINES", ""))


@dataclass
class Submission:
    subject: str
    title: str
    content: str
    sender_name: str
    sender_phone: str
    sender_email: str = ""
    sender_address: str = ""
    agency: Agency | None = None
    procedure: Procedure | None = None
    dossier_code: str = ""
    files: list[UploadedFile] = field(default_factory=list)


def _check(submission: Submission) -> None:
    errors: dict[str, list[str]] = {}
    if submission.subject not in Subject.values:
        errors["subject"] = ["Hãy chọn nội dung phản ánh, kiến nghị về việc gì."]
    if len(submission.title.strip()) < 5:
        errors["title"] = ["Cần nhập tiêu đề (ít nhất 5 ký tự)."]
    if len(submission.content.strip()) < 20:
        errors["content"] = ["Cần trình bày nội dung phản ánh, kiến nghị (ít nhất 20 ký tự)."]
    elif rules.is_abusive(submission.content) or rules.is_abusive(submission.title):
        errors["content"] = ["Nội dung có từ ngữ xúc phạm: hãy trình bày lại."]
    if not submission.sender_name.strip():
        errors["sender_name"] = ["Cần ghi họ tên người phản ánh, kiến nghị."]
    phone = submission.sender_phone.replace(" ", "")
    if not (phone.isdigit() and 10 <= len(phone) <= 11 and phone.startswith("0")):
        errors["sender_phone"] = ["Số điện thoại liên hệ không hợp lệ (10-11 chữ số, bắt đầu bằng 0)."]
    if len(submission.files) > MAX_FILES:
        errors["files"] = [f"Chỉ gửi kèm tối đa {MAX_FILES} tệp."]
    if errors:
        raise FeedbackError(next(iter(errors.values()))[0], fields=errors)


def _dossier_of_sender(code: str, submission: Submission, user: User | None) -> Dossier:
    """The dossier, if the sender is its applicant: logged in as its owner, or giving its phone number."""
    dossier = Dossier.objects.filter(code=code.strip()).select_related("processing_agency").first()
    phone = submission.sender_phone.replace(" ", "")
    mine = dossier is not None and (
        (user is not None and user.is_authenticated and dossier.owner_id == user.pk)
        or (bool(phone) and dossier.applicant_phone.replace(" ", "") == phone)
    )
    if dossier is None or not mine:
        raise FeedbackError(
            "Không tìm thấy hồ sơ có mã này của người gửi (kiểm tra mã hồ sơ và số điện thoại đã đăng ký).",
            fields={"dossier_code": ["not found"]},
        )
    return dossier


def _next_code(day: dt.date) -> str:
    FeedbackSequence.objects.bulk_create([FeedbackSequence(day=day)], ignore_conflicts=True)
    sequence = FeedbackSequence.objects.select_for_update().get(day=day)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"PAKN-{day:%y%m%d}-{sequence.last_number:04d}"


def feedback_submit(*, submission: Submission, user: User | None = None) -> Feedback:
    """Register a feedback, give it a code and the deadline to accept or refuse it."""
    _check(submission)
    checked = [check_upload(f) for f in submission.files]
    dossier = None
    agency = submission.agency
    if submission.subject == Subject.DOSSIER:
        dossier = _dossier_of_sender(submission.dossier_code, submission, user)
        agency = dossier.processing_agency
    if agency is None or not agency.is_valid_on(clock.today()):
        raise FeedbackError(
            "Hãy chọn cơ quan đang hoạt động nhận phản ánh, kiến nghị.", fields={"agency": ["required"]}
        )
    now = clock.now()
    with transaction.atomic(durable=True):
        feedback = Feedback.objects.create(
            code=_next_code(now.date()),
            subject=submission.subject,
            agency=agency,
            procedure=submission.procedure,
            dossier=dossier,
            title=submission.title.strip()[:300],
            content=submission.content.strip(),
            sender=user if user is not None and user.is_authenticated else None,
            sender_name=submission.sender_name.strip()[:200],
            sender_phone=submission.sender_phone.replace(" ", "")[:15],
            sender_email=submission.sender_email.strip(),
            sender_address=submission.sender_address.strip()[:300],
            received_at=now,
            accept_due_at=(due := rules.due(work_calendar(), now, deadlines().accept)),
            next_due_at=due,
            search_folded=fold(f"{submission.title} {submission.content}")[:20000],
        )
        for upload, check in zip(submission.files, checked, strict=True):
            stored = FeedbackFile(
                feedback=feedback,
                name=(upload.name or "tep")[:200],
                content_type=check.content_type,
                size=check.size,
                sha256=check.sha256,
            )
            stored.file.save(upload.name or "tep", upload, save=False)
            stored.save()
        _event(feedback, None, "submit", "")
        _tell_sender(feedback, "received")
        audit_record(actor=user, action="feedback.submit", obj=feedback)
    return feedback


@dataclass
class ActInput:
    note: str = ""
    handler: User | None = None
    agency: Agency | None = None
    rating: int | None = None


def feedback_actors(*, feedback: Feedback, user: User | None, phone: str = "") -> set[str]:
    """The roles ``user`` holds in the responsible agency, plus sender and handler."""
    actors: set[str] = set()
    if user is not None and user.is_authenticated:
        actors |= set(
            RoleAssignment.objects.active_on()
            .filter(user=user, agency=feedback.agency)
            .values_list("role", flat=True)
        )
        if feedback.handler_id == user.pk:
            actors.add(HANDLER)
        if feedback.sender_id is not None and feedback.sender_id == user.pk:
            actors.add(SENDER)
    if phone and phone.replace(" ", "") == feedback.sender_phone:
        actors.add(SENDER)
    return actors


def feedback_act(
    *, feedback: Feedback, user: User | None, action: Action, data: ActInput | None = None, phone: str = ""
) -> Feedback:
    """Apply one action; refuse with a clear message (and change nothing) when it is not allowed."""
    data = data or ActInput()
    with transaction.atomic(durable=True):
        locked = Feedback.objects.select_for_update(of=("self",)).select_related("agency").get(pk=feedback.pk)
        rule = TRANSITIONS[action]
        if locked.status not in rule.source:
            raise FeedbackWorkflowError(
                f"Không thể “{ACTION_LABELS[action]}” khi phản ánh đang ở trạng thái “{locked.status_label}”."
            )
        if not allowed(action, locked.status, feedback_actors(feedback=locked, user=user, phone=phone)):
            raise PermissionDeniedError("Bạn không có quyền thực hiện thao tác này trên phản ánh, kiến nghị.")
        HANDLERS[action](locked, user, data)
        if rule.target is not None:
            locked.status = rule.target
        locked.save()
        _event(locked, user, action.value, data.note)
        audit_record(actor=user, action=f"feedback.{action.value}", obj=locked, status=locked.status)
    return locked


def _need_note(data: ActInput, what: str) -> None:
    if not data.note.strip():
        raise FeedbackError(f"Cần ghi {what}.", fields={"note": ["required"]})


def _accept(feedback: Feedback, user: User | None, data: ActInput) -> None:
    now = clock.now()
    limits = deadlines()
    feedback.accepted_at = now
    feedback.info_due_at = rules.due(work_calendar(), now, limits.info)
    feedback.answer_due_at = rules.due(work_calendar(), now, limits.answer)
    feedback.next_due_at = feedback.answer_due_at


def _refuse(feedback: Feedback, user: User | None, data: ActInput) -> None:
    _need_note(data, "lý do không thụ lý")
    feedback.refusal_reason = data.note.strip()
    feedback.next_due_at = None
    _tell_sender(feedback, "refused")


def _forward(feedback: Feedback, user: User | None, data: ActInput) -> None:
    """Not this agency's: the competent one receives it with a fresh deadline to accept or refuse."""
    target = data.agency
    if target is None or target.pk == feedback.agency_id or not target.is_valid_on(clock.today()):
        raise FeedbackError(
            "Hãy chọn cơ quan có thẩm quyền khác, đang hoạt động.", fields={"agency": ["invalid"]}
        )
    _need_note(data, "lý do chuyển")
    now = clock.now()
    feedback.agency = target
    feedback.handler = None
    feedback.accept_due_at = rules.due(work_calendar(), now, deadlines().accept)
    feedback.next_due_at = feedback.accept_due_at


def _assign(feedback: Feedback, user: User | None, data: ActInput) -> None:
    handler = data.handler
    if (
        handler is None
        or not RoleAssignment.objects.active_on().filter(user=handler, agency=feedback.agency).exists()
    ):
        raise FeedbackError("Người xử lý phải là cán bộ của cơ quan.", fields={"handler": ["invalid"]})
    feedback.handler = handler


def _request_info(feedback: Feedback, user: User | None, data: ActInput) -> None:
    _need_note(data, "thông tin cần bổ sung")
    if feedback.info_due_at is not None and clock.now() > feedback.info_due_at:
        raise FeedbackError(
            f"Đã quá hạn yêu cầu bổ sung thông tin ({deadlines().info} ngày làm việc kể từ khi thụ lý).",
            fields={"note": ["too late"]},
        )
    feedback.next_due_at = None
    _tell_sender(feedback, "info", note=data.note)


def _provide_info(feedback: Feedback, user: User | None, data: ActInput) -> None:
    """The answer period starts again when the sender has given what was asked."""
    _need_note(data, "thông tin bổ sung")
    now = clock.now()
    feedback.content = f"{feedback.content}\n\n[Bổ sung {now:%d/%m/%Y}] {data.note.strip()}"
    feedback.answer_due_at = rules.due(work_calendar(), now, deadlines().answer)
    feedback.next_due_at = feedback.answer_due_at


def _draft_answer(feedback: Feedback, user: User | None, data: ActInput) -> None:
    _need_note(data, "nội dung trả lời")
    feedback.answer = data.note.strip()


def _approve(feedback: Feedback, user: User | None, data: ActInput) -> None:
    now = clock.now()
    feedback.answered_at = now
    feedback.publish_due_at = rules.due(work_calendar(), now, deadlines().publish)
    feedback.next_due_at = feedback.publish_due_at
    _tell_sender(feedback, "answered")


def _publish(feedback: Feedback, user: User | None, data: ActInput) -> None:
    feedback.published_at = clock.now()
    feedback.next_due_at = None


def _rate(feedback: Feedback, user: User | None, data: ActInput) -> None:
    if data.rating is None or not 1 <= data.rating <= 5:
        raise FeedbackError("Hãy chọn mức đánh giá từ 1 đến 5.", fields={"rating": ["range"]})
    if feedback.rated_at is not None:
        raise FeedbackWorkflowError("Câu trả lời này đã được đánh giá.")
    feedback.rating = data.rating
    feedback.rating_comment = data.note.strip()[:500]
    feedback.rated_at = clock.now()


HANDLERS = {
    Action.ACCEPT: _accept,
    Action.REFUSE: _refuse,
    Action.FORWARD: _forward,
    Action.ASSIGN: _assign,
    Action.REQUEST_INFO: _request_info,
    Action.PROVIDE_INFO: _provide_info,
    Action.DRAFT_ANSWER: _draft_answer,
    Action.APPROVE: _approve,
    Action.PUBLISH: _publish,
    Action.RATE: _rate,
}


def _event(feedback: Feedback, user: User | None, action: str, note: str) -> None:
    FeedbackEvent.objects.create(
        feedback=feedback,
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        at=clock.now(),
        note=note,
        status_after=feedback.status,
        agency=feedback.agency,
    )


# The wording of each message is an administrator-editable template (motcua.notifications.events).
_EVENTS = {
    "received": "feedback.received",
    "refused": "feedback.refused",
    "info": "feedback.info_requested",
    "answered": "feedback.answered",
}


def _tell_sender(feedback: Feedback, what: str, note: str = "") -> None:
    params = {
        "code": feedback.code,
        "due": f"{feedback.accept_due_at:%d/%m/%Y}",
        "note": note or feedback.refusal_reason,
        "link": f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/phan-anh-kien-nghi/tra-cuu/",
    }
    for channel, recipient in (("sms", feedback.sender_phone), ("email", feedback.sender_email)):
        notification_enqueue_event(
            event=_EVENTS[what],
            channel=channel,
            recipient=recipient,
            params=params,
            dedupe_key=f"feedback-{feedback.code}-{what}-{channel}-{clock.now().isoformat()}",
            related_type="feedback.feedback",
            related_id=str(feedback.pk),
        )


def access_by_code(*, code: str, phone: str, user: User | None) -> Feedback:
    """The sender's view: by code and the phone given (or as the logged-in sender)."""
    feedback = Feedback.objects.filter(code=code.strip()).select_related("agency").first()
    if feedback is None or SENDER not in feedback_actors(feedback=feedback, user=user, phone=phone):
        raise NotFoundError("Không tìm thấy phản ánh, kiến nghị với mã và số điện thoại này.")
    return feedback
