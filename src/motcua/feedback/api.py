"""The feedback API: send and track without an account, handle with a token, public answers, figures."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from motcua.accounts.auth import API_AUTH
from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core.errors import ERROR_RESPONSES, DomainError, NotFoundError
from motcua.feedback import selectors, services
from motcua.feedback.models import Feedback
from motcua.feedback.workflow import Action

# Sending, tracking, the public answers and the figures need no account (auth=None); handling needs a token.
router = Router(tags=["feedback"], auth=API_AUTH)


class FeedbackIn(Schema):
    subject: str = SchemaField(..., pattern="^(procedure|dossier|conduct|other)$")
    title: str = SchemaField(..., min_length=5, max_length=300)
    content: str = SchemaField(..., min_length=20, max_length=20000)
    sender_name: str = SchemaField(..., min_length=1, max_length=200)
    sender_phone: str = SchemaField(..., pattern=r"^0[0-9]{9,10}$")
    sender_email: str = SchemaField("", max_length=254)
    sender_address: str = SchemaField("", max_length=300)
    agency: str = SchemaField("", max_length=20, description="Identifier of the agency concerned")
    procedure: str = SchemaField("", max_length=30)
    dossier_code: str = SchemaField("", max_length=30)


class FeedbackOut(Schema):
    code: str
    status: str
    status_label: str
    subject: str
    agency: str
    title: str
    content: str
    answer: str
    refusal_reason: str
    received_at: dt.datetime
    accept_due_at: dt.datetime
    answer_due_at: dt.datetime | None
    answered_at: dt.datetime | None
    published_at: dt.datetime | None
    next_due_at: dt.datetime | None
    handler: str | None
    rating: int | None


class ActionIn(Schema):
    action: str = SchemaField(
        ...,
        pattern="^(accept|refuse|forward|assign|request_info|provide_info|draft_answer|approve|publish|rate)$",
    )
    note: str = SchemaField("", max_length=20000)
    handler_id: int | None = None
    agency: str = SchemaField("", max_length=20)
    rating: int | None = SchemaField(None, ge=1, le=5)
    phone: str = SchemaField(
        "", max_length=15, description="The sender's phone (sender actions without a token)"
    )


class SenderActionIn(Schema):
    action: str = SchemaField(..., pattern="^(provide_info|rate)$")
    note: str = SchemaField("", max_length=20000)
    rating: int | None = SchemaField(None, ge=1, le=5)
    phone: str = SchemaField("", max_length=15, description="The phone given when sending (without a login)")


class PublicQuery(Schema):
    q: str = SchemaField("", max_length=200)
    page: int = SchemaField(1, ge=1, le=10_000)


class PublicOut(Schema):
    code: str
    agency: str
    title: str
    content: str
    answer: str
    received_on: dt.date
    answered_on: dt.date | None


class FiguresOut(Schema):
    received: int
    answered: int
    answered_on_time: int
    on_time_share: float | None
    overdue_open: int
    rated: int
    satisfied: int
    satisfaction_share: float | None
    average_rating: float | None


def _out(f: Feedback) -> FeedbackOut:
    return FeedbackOut(
        code=f.code,
        status=f.status,
        status_label=f.status_label,
        subject=f.subject,
        agency=f.agency.identifier,
        title=f.title,
        content=f.content,
        answer=f.answer,
        refusal_reason=f.refusal_reason,
        received_at=f.received_at,
        accept_due_at=f.accept_due_at,
        answer_due_at=f.answer_due_at,
        answered_at=f.answered_at,
        published_at=f.published_at,
        next_due_at=f.next_due_at,
        handler=f.handler.get_full_name() if f.handler else None,
        rating=f.rating,
    )


def _caller(request: HttpRequest) -> User | None:
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return user if isinstance(user, User) else None


@router.post(
    "", response={201: FeedbackOut, **ERROR_RESPONSES}, summary="Send feedback (no account needed)", auth=None
)
def send(
    request: HttpRequest, payload: Form[FeedbackIn], files: File[list[UploadedFile]] | None = None
) -> tuple[int, FeedbackOut]:
    agency = Agency.objects.filter(identifier=payload.agency).first() if payload.agency else None
    if payload.agency and agency is None:
        raise DomainError(f"Không tìm thấy cơ quan {payload.agency}.", fields={"agency": ["unknown"]})
    feedback = services.feedback_submit(
        submission=services.Submission(
            subject=payload.subject,
            title=payload.title,
            content=payload.content,
            sender_name=payload.sender_name,
            sender_phone=payload.sender_phone,
            sender_email=payload.sender_email,
            sender_address=payload.sender_address,
            agency=agency,
            procedure=Procedure.objects.filter(code=payload.procedure).first() if payload.procedure else None,
            dossier_code=payload.dossier_code,
            files=list(files or []),
        ),
        user=_caller(request),
    )
    return 201, _out(feedback)


@router.get(
    "/public", response={200: list[PublicOut], **ERROR_RESPONSES}, summary="Published answers", auth=None
)
def public(request: HttpRequest, query: Query[PublicQuery]) -> list[PublicOut]:
    start = (query.page - 1) * 20
    return [
        PublicOut(**vars(selectors.public_view(f)))
        for f in selectors.published(q=query.q)[start : start + 20]
    ]


@router.get(
    "/{code}", response={200: FeedbackOut, **ERROR_RESPONSES}, summary="Track (code and phone)", auth=None
)
def track(request: HttpRequest, code: str, phone: str = "") -> FeedbackOut:
    return _out(services.access_by_code(code=code, phone=phone, user=_caller(request)))


@router.post(
    "/{code}/sender-actions",
    response={200: FeedbackOut, **ERROR_RESPONSES},
    summary="Sender: add information or rate",
    auth=None,
)
def sender_action(request: HttpRequest, code: str, payload: ActionIn) -> FeedbackOut:
    if payload.action not in (Action.PROVIDE_INFO, Action.RATE):
        raise DomainError(
            "Người gửi chỉ bổ sung thông tin hoặc đánh giá.", fields={"action": ["sender only"]}
        )
    feedback = services.access_by_code(code=code, phone=payload.phone, user=_caller(request))
    done = services.feedback_act(
        feedback=feedback,
        user=_caller(request),
        action=Action(payload.action),
        phone=payload.phone,
        data=services.ActInput(note=payload.note, rating=payload.rating),
    )
    return _out(done)


@router.get("/queue/mine", response={200: list[FeedbackOut], **ERROR_RESPONSES}, summary="Officials' queue")
def queue(request: HttpRequest, status: str = "", overdue: bool = False) -> list[FeedbackOut]:
    user = _caller(request)
    assert user is not None
    return [_out(f) for f in selectors.queue(user, status=status[:15], overdue_only=overdue)[:200]]


@router.post(
    "/{code}/actions", response={200: FeedbackOut, **ERROR_RESPONSES}, summary="Officials: handle feedback"
)
def act(request: HttpRequest, code: str, payload: ActionIn) -> FeedbackOut:
    user = _caller(request)
    assert user is not None
    agencies = RoleAssignment.objects.active_on().filter(user=user).values("agency_id")
    feedback = Feedback.objects.filter(code=code, agency_id__in=agencies).first()
    if feedback is None:
        raise NotFoundError("Không tìm thấy phản ánh, kiến nghị.")
    handler = User.objects.filter(pk=payload.handler_id).first() if payload.handler_id else None
    target = Agency.objects.filter(identifier=payload.agency).first() if payload.agency else None
    done = services.feedback_act(
        feedback=feedback,
        user=user,
        action=Action(payload.action),
        data=services.ActInput(note=payload.note, handler=handler, agency=target, rating=payload.rating),
    )
    return _out(Feedback.objects.select_related("agency", "handler").get(pk=done.pk))


class FiguresQuery(Schema):
    agency: str = SchemaField("", max_length=20, description="Empty: the whole province")
    date_from: dt.date
    date_to: dt.date


@router.get(
    "/figures/period", response={200: FiguresOut, **ERROR_RESPONSES}, summary="Feedback figures", auth=None
)
def figures(request: HttpRequest, query: Query[FiguresQuery]) -> FiguresOut:
    if query.date_from > query.date_to or (query.date_to - query.date_from).days > 3660:
        raise DomainError("Khoảng thời gian không hợp lệ.", fields={"date_from": ["invalid period"]})
    ids = None
    if query.agency:
        agency = Agency.objects.filter(identifier=query.agency).first()
        if agency is None:
            raise NotFoundError(f"Không tìm thấy cơ quan {query.agency}.")
        ids = [agency.pk]
    result = selectors.feedback_figures(agency_ids=ids, date_from=query.date_from, date_to=query.date_to)
    return FiguresOut(
        **vars(result),
        on_time_share=None if result.on_time_share is None else float(result.on_time_share),
        satisfaction_share=None if result.satisfaction_share is None else float(result.satisfaction_share),
    )
