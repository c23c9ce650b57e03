"""The feedback workflow through its services: send, accept, ask, answer, publish, rate; every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core import clock
from motcua.core.errors import DomainError, NotFoundError, PermissionDeniedError
from motcua.dossiers.services import Applicant, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.feedback import selectors, services
from motcua.feedback.models import Feedback, Subject
from motcua.feedback.services import ActInput, FeedbackError, FeedbackWorkflowError, Submission
from motcua.feedback.workflow import Action, Status
from motcua.notifications.models import Notification

pytestmark = pytest.mark.django_db
Z = clock.local_zone()
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=Z)


def about_conduct(world: World, **kw: object) -> Submission:
    fields: dict[str, object] = {
        "subject": Subject.CONDUCT,
        "title": "Thái độ tiếp công dân",
        "content": "Ngày 27/02/2026 cán bộ Bộ phận Một cửa không hướng dẫn đầy đủ thành phần hồ sơ.",
        "sender_name": "Nguyễn Văn An",
        "sender_phone": "0912000001",
        "sender_email": "an@example.vn",
        "agency": world.agency,
        **kw,
    }
    return Submission(**fields)  # type: ignore[arg-type]


def act(feedback: Feedback, user: object, action: Action, when: dt.datetime, **data: object) -> Feedback:
    with clock.frozen(when):
        return services.feedback_act(feedback=feedback, user=user, action=action, data=ActInput(**data))  # type: ignore[arg-type]


def test_the_whole_path_with_its_deadlines(world: World) -> None:
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(submission=about_conduct(world))
    assert feedback.code == "PAKN-260302-0001"
    assert feedback.accept_due_at == dt.datetime(2026, 3, 4, 17, 30, tzinfo=Z)  # Mon + 2 working days
    feedback = act(feedback, world.leader, Action.ACCEPT, MONDAY + dt.timedelta(hours=2))
    assert feedback.answer_due_at == dt.datetime(2026, 3, 23, 17, 30, tzinfo=Z)  # 15 working days
    assert feedback.info_due_at == dt.datetime(2026, 3, 9, 17, 30, tzinfo=Z)
    feedback = act(
        feedback, world.leader, Action.ASSIGN, MONDAY + dt.timedelta(hours=3), handler=world.specialist
    )
    feedback = act(
        feedback,
        world.specialist,
        Action.REQUEST_INFO,
        MONDAY + dt.timedelta(days=1),
        note="Cho biết giờ đến",
    )
    assert feedback.status == Status.INFO_REQUESTED
    with clock.frozen(MONDAY + dt.timedelta(days=3)):
        feedback = services.feedback_act(
            feedback=feedback,
            user=None,
            action=Action.PROVIDE_INFO,
            phone="0912 000 001",
            data=ActInput(note="Khoảng 9 giờ sáng"),
        )
    assert feedback.answer_due_at == dt.datetime(2026, 3, 26, 17, 30, tzinfo=Z)  # restarted on Thursday
    feedback = act(
        feedback,
        world.specialist,
        Action.DRAFT_ANSWER,
        MONDAY + dt.timedelta(days=7),
        note="UBND phường đã nhắc nhở.",
    )
    with pytest.raises(PermissionDeniedError):
        act(feedback, world.specialist, Action.APPROVE, MONDAY + dt.timedelta(days=7))
    feedback = act(feedback, world.leader, Action.APPROVE, MONDAY + dt.timedelta(days=8))
    assert feedback.status == Status.ANSWERED
    assert feedback.publish_due_at == dt.datetime(2026, 3, 12, 17, 30, tzinfo=Z)
    feedback = act(feedback, world.leader, Action.PUBLISH, MONDAY + dt.timedelta(days=9))
    with clock.frozen(MONDAY + dt.timedelta(days=10)):
        feedback = services.feedback_act(
            feedback=feedback, user=None, action=Action.RATE, phone="0912000001", data=ActInput(rating=4)
        )
        with pytest.raises(FeedbackWorkflowError, match="đã được đánh giá"):
            services.feedback_act(
                feedback=feedback, user=None, action=Action.RATE, phone="0912000001", data=ActInput(rating=5)
            )
    assert (feedback.status, feedback.rating) == (Status.PUBLISHED, 4)
    figures = selectors.feedback_figures(
        agency_ids=[world.agency.pk], date_from=MONDAY.date(), date_to=MONDAY.date()
    )
    assert (figures.received, figures.answered, figures.answered_on_time, figures.satisfied) == (1, 1, 1, 1)
    assert Notification.objects.filter(recipient="0912000001").count() == 3  # received, info asked, answered


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"content": "ngắn quá"}, "ít nhất 20 ký tự"),
        ({"content": "Cán bộ tiếp nhận hồ sơ có thái độ khốn nạn với người dân."}, "xúc phạm"),
        ({"sender_name": " "}, "họ tên"),
        ({"sender_phone": "12345"}, "Số điện thoại"),
        ({"agency": None}, "cơ quan"),
        ({"files": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]}, "không đúng định dạng"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_stored(
    world: World, change: dict[str, object], message: str
) -> None:
    with clock.frozen(MONDAY), pytest.raises(DomainError, match=message):
        services.feedback_submit(submission=about_conduct(world, **change))
    assert not Feedback.objects.exists()


def test_a_dossier_can_be_reported_only_by_its_applicant(world: World) -> None:
    with clock.frozen(MONDAY):
        dossier = dossier_register_at_desk(
            procedure=world.procedure,
            agency=world.agency,
            officer=world.reception,
            applicant=Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001"),
        )
        about = {"subject": Subject.DOSSIER, "agency": None}
        with pytest.raises(FeedbackError, match="Không tìm thấy hồ sơ"):
            services.feedback_submit(
                submission=about_conduct(world, **about, dossier_code="000.00.32.H37-260302-9999")
            )
        with pytest.raises(FeedbackError, match="Không tìm thấy hồ sơ"):
            services.feedback_submit(
                submission=about_conduct(world, **about, dossier_code=dossier.code, sender_phone="0987654321")
            )
        feedback = services.feedback_submit(
            submission=about_conduct(world, **about, dossier_code=dossier.code)
        )
    assert (feedback.dossier, feedback.agency) == (dossier, dossier.processing_agency)


def test_officials_of_another_agency_cannot_act_and_refusal_needs_a_reason(world: World) -> None:
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(submission=about_conduct(world))
    with pytest.raises(PermissionDeniedError):
        act(feedback, world.outsider, Action.ACCEPT, MONDAY)
    with pytest.raises(FeedbackError, match="lý do không thụ lý"):
        act(feedback, world.leader, Action.REFUSE, MONDAY)
    with pytest.raises(FeedbackWorkflowError):
        act(feedback, world.leader, Action.APPROVE, MONDAY)
    refused = act(
        feedback, world.leader, Action.REFUSE, MONDAY, note="Nội dung đã được giải quyết tại PAKN-260101-0003"
    )
    assert refused.status == Status.REFUSED


def test_forwarding_to_the_competent_agency_restarts_its_clock(world: World) -> None:
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(submission=about_conduct(world))
    forwarded = act(
        feedback,
        world.leader,
        Action.FORWARD,
        MONDAY + dt.timedelta(days=1),
        agency=world.other_agency,
        note="Thẩm quyền",
    )
    assert forwarded.agency == world.other_agency
    assert forwarded.accept_due_at == dt.datetime(2026, 3, 5, 17, 30, tzinfo=Z)
    with pytest.raises(PermissionDeniedError):
        act(forwarded, world.leader, Action.ACCEPT, MONDAY + dt.timedelta(days=1))  # no longer theirs
    accepted = act(forwarded, world.outsider, Action.ACCEPT, MONDAY + dt.timedelta(days=1))
    assert accepted.status == Status.ACCEPTED


def test_asking_for_information_is_refused_after_its_deadline(world: World) -> None:
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(submission=about_conduct(world))
    feedback = act(feedback, world.leader, Action.ACCEPT, MONDAY)
    with pytest.raises(FeedbackError, match="quá hạn yêu cầu bổ sung"):
        act(feedback, world.leader, Action.REQUEST_INFO, MONDAY + dt.timedelta(days=10), note="Thêm ảnh")


def test_the_sender_is_recognised_by_phone_and_nobody_else(world: World) -> None:
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(submission=about_conduct(world))
    assert services.access_by_code(code=feedback.code, phone="0912000001", user=None) == feedback
    with pytest.raises(NotFoundError):
        services.access_by_code(code=feedback.code, phone="0900000000", user=None)
    with pytest.raises(NotFoundError):
        services.access_by_code(code=feedback.code, phone="", user=world.other_citizen)


def test_the_public_page_shows_answers_without_personal_data(world: World) -> None:
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(
            submission=about_conduct(
                world,
                content="Tôi, Nguyễn Văn An (0912000001), chờ 2 giờ ở Bộ phận Một cửa mà không được tiếp.",
            )
        )
    for action, who, data in (
        (Action.ACCEPT, world.leader, {}),
        (Action.ASSIGN, world.leader, {"handler": world.specialist}),
        (
            Action.DRAFT_ANSWER,
            world.specialist,
            {"note": "Xin lỗi ông Nguyễn Văn An; đã bố trí thêm cán bộ."},
        ),
        (Action.APPROVE, world.leader, {}),
    ):
        feedback = act(feedback, who, action, MONDAY + dt.timedelta(hours=2), **data)
    assert list(selectors.published()) == []  # answered is not yet published
    act(feedback, world.leader, Action.PUBLISH, MONDAY + dt.timedelta(hours=3))
    [shown] = [selectors.public_view(f) for f in selectors.published(q="bo phan mot cua")]
    assert "Nguyễn Văn An" not in shown.content + shown.answer
    assert "0912000001" not in shown.content
    assert "đã bố trí thêm cán bộ" in shown.answer


def test_reminders_before_the_deadline_go_to_leaders_then_to_the_handler(world: World) -> None:
    from motcua.feedback.reminders import feedback_remind

    world.leader.email = "lanhdao@dongkinh.example"
    world.leader.save()
    world.specialist.email = "chuyenvien@dongkinh.example"
    world.specialist.save()
    with clock.frozen(MONDAY):
        feedback = services.feedback_submit(submission=about_conduct(world))  # accept by Wed 4/3
    with clock.frozen(MONDAY + dt.timedelta(days=1)):  # Tuesday: due within one working day
        assert feedback_remind() == 1
        assert feedback_remind() == 1  # same message, nothing new
    act(feedback, world.leader, Action.ACCEPT, MONDAY + dt.timedelta(days=1))
    feedback = act(
        Feedback.objects.get(),
        world.leader,
        Action.ASSIGN,
        MONDAY + dt.timedelta(days=1),
        handler=world.specialist,
    )
    with clock.frozen(dt.datetime(2026, 3, 23, 9, 0, tzinfo=Z)):  # Monday: the answer is due Tuesday 24/3
        assert feedback_remind() == 1
    recipients = sorted(
        Notification.objects.filter(subject__contains="sắp đến hạn").values_list("recipient", flat=True)
    )
    assert recipients == ["chuyenvien@dongkinh.example", "lanhdao@dongkinh.example"]
