"""The dossier's life through the services: every transition, every refusal, deadlines, permissions."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core import clock
from motcua.core.errors import DomainError, PermissionDeniedError
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.dossiers.services import (
    ActionInput,
    Applicant,
    WorkflowError,
    dossier_act,
    dossier_attach_file,
    dossier_create_draft,
    dossier_rate,
    dossier_register_at_desk,
)
from motcua.dossiers.tests.conftest import World, pdf
from motcua.dossiers.workflow import Action, Status

pytestmark = pytest.mark.django_db

APPLICANT = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")


def _at(moment: dt.datetime, hours: float = 0) -> dt.datetime:
    return moment + dt.timedelta(hours=hours)


def _submitted(world: World, monday: dt.datetime) -> Dossier:
    with clock.frozen(monday):
        draft = dossier_create_draft(
            procedure=world.procedure, agency=world.agency, owner=world.citizen, applicant=APPLICANT
        )
        dossier_attach_file(dossier=draft, actor=world.citizen, upload=pdf(), component=world.component)
        return dossier_act(dossier=draft, actor=world.citizen, action=Action.SUBMIT)


def _act(dossier: Dossier, actor: object, action: Action, when: dt.datetime, **data: object) -> Dossier:
    with clock.frozen(when):
        return dossier_act(dossier=dossier, actor=actor, action=action, data=ActionInput(**data))  # type: ignore[arg-type]


def _processed(world: World, monday: dt.datetime) -> Dossier:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    dossier = _act(dossier, world.specialist, Action.COMPLETE_STEP, _at(monday, 2), note="Đủ điều kiện")
    dossier = _act(dossier, world.head, Action.COMPLETE_STEP, _at(monday, 3))
    return _act(dossier, world.leader, Action.COMPLETE_STEP, _at(monday, 4))


def test_online_submission_issues_the_days_next_code(world: World, monday: dt.datetime) -> None:
    first = _submitted(world, monday)
    second = _submitted(world, monday)

    assert first.status == Status.NEW
    assert first.code == "000.00.32.H37-260302-0001"
    assert second.code == "000.00.32.H37-260302-0002"
    assert first.submitted_at == monday


def test_a_draft_without_its_required_component_cannot_be_submitted(
    world: World, monday: dt.datetime
) -> None:
    with clock.frozen(monday):
        draft = dossier_create_draft(
            procedure=world.procedure, agency=world.agency, owner=world.citizen, applicant=APPLICANT
        )
        with pytest.raises(DomainError, match="Còn thiếu thành phần hồ sơ"):
            dossier_act(dossier=draft, actor=world.citizen, action=Action.SUBMIT)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.code is None


def test_the_full_chain_from_submission_to_returned_result(world: World, monday: dt.datetime) -> None:
    dossier = _processed(world, monday)
    assert dossier.status == Status.PROCESSED

    with clock.frozen(_at(monday, 5)):
        dossier_attach_file(
            dossier=dossier,
            actor=world.leader,
            upload=pdf("giay-khai-sinh.pdf"),
            component=None,
            kind="result",
        )
    dossier = _act(dossier, world.reception, Action.RETURN_RESULT, _at(monday, 6))

    assert dossier.status == Status.RETURNED
    # accepted Monday 10:00 with 3 working days: due Thursday 5 March 17:30; finished Monday: early
    assert dossier.due_at == dt.datetime(2026, 3, 5, 17, 30, tzinfo=monday.tzinfo)
    assert dossier.outcome == "early"
    assert dossier.finished_at == _at(monday, 4)
    actions = list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True))
    assert actions == [
        "create",
        "submit",
        "accept",
        "forward",
        "complete_step",
        "complete_step",
        "complete_step",
        "return_result",
    ]
    tasks = list(dossier.tasks.order_by("order").values_list("name", "finished_by"))
    assert tasks[1] == ("Thẩm định", world.specialist.pk)


def test_the_result_cannot_be_returned_before_approval_or_without_a_file(
    world: World, monday: dt.datetime
) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    with pytest.raises(WorkflowError):
        _act(dossier, world.reception, Action.RETURN_RESULT, _at(monday, 2))
    processed = _processed(world, monday)
    with pytest.raises(DomainError, match="Chưa có tệp kết quả"):
        _act(processed, world.reception, Action.RETURN_RESULT, _at(monday, 6))
    processed.refresh_from_db()
    assert processed.status == Status.PROCESSED


@pytest.mark.parametrize("who", ["outsider", "other_citizen", "specialist"])
def test_only_the_right_role_of_the_right_agency_may_accept(
    world: World, monday: dt.datetime, who: str
) -> None:
    dossier = _submitted(world, monday)

    with pytest.raises(PermissionDeniedError):
        _act(dossier, getattr(world, who), Action.ACCEPT, _at(monday, 1))
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW


def test_a_step_is_completed_only_by_its_role(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))

    with pytest.raises(PermissionDeniedError):
        _act(dossier, world.leader, Action.COMPLETE_STEP, _at(monday, 2))  # the specialist's step


def test_a_supplement_at_reception_pauses_and_resumes_as_new(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    with pytest.raises(DomainError, match="Cần ghi rõ"):
        _act(dossier, world.reception, Action.REQUEST_SUPPLEMENT, _at(monday, 1))

    dossier = _act(
        dossier, world.reception, Action.REQUEST_SUPPLEMENT, _at(monday, 1), note="Thiếu giấy chứng sinh"
    )
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    dossier = _act(dossier, world.citizen, Action.SUBMIT_SUPPLEMENT, _at(monday, 24))

    assert dossier.status == Status.NEW
    assert dossier.supplement_rounds == 1
    assert dossier.pauses.get().ended_at == _at(monday, 24)


def test_a_supplement_during_appraisal_restarts_the_clock(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    dossier = _act(
        dossier, world.specialist, Action.REQUEST_SUPPLEMENT, _at(monday, 2), note="Bổ sung bản sao"
    )
    wednesday = dt.datetime(2026, 3, 4, 9, 0, tzinfo=monday.tzinfo)

    dossier = _act(dossier, world.citizen, Action.SUBMIT_SUPPLEMENT, wednesday)

    assert dossier.status == Status.PROCESSING
    assert dossier.original_due_at == dt.datetime(2026, 3, 5, 17, 30, tzinfo=monday.tzinfo)
    assert dossier.due_at == dt.datetime(2026, 3, 9, 17, 30, tzinfo=monday.tzinfo)  # 3 working days from Wed


def test_appraisal_supplement_is_refused_after_three_working_days(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    friday = dt.datetime(2026, 3, 6, 9, 0, tzinfo=monday.tzinfo)

    with pytest.raises(DomainError, match="3 ngày làm việc"):
        _act(dossier, world.specialist, Action.REQUEST_SUPPLEMENT, friday, note="Bổ sung")


def test_apology_once_at_least_a_working_day_before_the_deadline(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))  # due Thu 5/3 17:30
    new_date = dt.datetime(2026, 3, 10, 17, 30, tzinfo=monday.tzinfo)
    thursday = dt.datetime(2026, 3, 5, 9, 0, tzinfo=monday.tzinfo)

    with pytest.raises(DomainError, match="chậm nhất 1 ngày làm việc"):
        _act(dossier, world.leader, Action.APOLOGIZE, thursday, note="Chờ xác minh", new_due_at=new_date)
    dossier = _act(
        dossier, world.leader, Action.APOLOGIZE, _at(monday, 2), note="Chờ xác minh", new_due_at=new_date
    )
    assert dossier.due_at == new_date
    with pytest.raises(DomainError, match="một lần"):
        _act(
            dossier,
            world.leader,
            Action.APOLOGIZE,
            _at(monday, 3),
            note="Lần hai",
            new_due_at=_at(new_date, 48),
        )


def test_refusal_needs_reasons_and_finishes_the_dossier(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.REFUSE, _at(monday, 1), note="Không thuộc thẩm quyền")

    assert dossier.status == Status.REFUSED
    assert dossier.finished_at == _at(monday, 1)
    with pytest.raises(WorkflowError):
        _act(dossier, world.reception, Action.ACCEPT, _at(monday, 2))


def test_withdrawal_is_requested_by_the_citizen_and_confirmed_by_the_desk(
    world: World, monday: dt.datetime
) -> None:
    dossier = _submitted(world, monday)
    with pytest.raises(WorkflowError, match="chưa đề nghị"):
        _act(dossier, world.reception, Action.CONFIRM_WITHDRAWAL, _at(monday, 1))
    dossier = _act(dossier, world.citizen, Action.REQUEST_WITHDRAWAL, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.CONFIRM_WITHDRAWAL, _at(monday, 2))

    assert dossier.status == Status.WITHDRAWN
    assert dossier.due_at is None  # never accepted: not counted on time or late


def test_desk_registration_codes_and_receives_at_once(world: World, monday: dt.datetime) -> None:
    with clock.frozen(monday):
        dossier = dossier_register_at_desk(
            procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=APPLICANT
        )
        with pytest.raises(PermissionDeniedError):
            dossier_register_at_desk(
                procedure=world.procedure, agency=world.agency, officer=world.outsider, applicant=APPLICANT
            )

    assert dossier.status == Status.RECEIVED
    assert dossier.code == "000.00.32.H37-260302-0001"
    assert dossier.due_at == dt.datetime(2026, 3, 5, 17, 30, tzinfo=monday.tzinfo)
    assert Dossier.objects.count() == 1


def test_files_are_checked_by_content_and_versioned(world: World, monday: dt.datetime) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with clock.frozen(monday):
        draft = dossier_create_draft(
            procedure=world.procedure, agency=world.agency, owner=world.citizen, applicant=APPLICANT
        )
        with pytest.raises(DomainError, match="không đúng định dạng"):
            dossier_attach_file(
                dossier=draft,
                actor=world.citizen,
                upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf"),
                component=world.component,
            )
        dossier_attach_file(dossier=draft, actor=world.citizen, upload=pdf(), component=world.component)
        second = dossier_attach_file(
            dossier=draft, actor=world.citizen, upload=pdf(), component=world.component
        )

    assert second.version == 2
    assert list(DossierFile.objects.filter(dossier=draft).values_list("version", "is_current")) == [
        (2, True),
        (1, False),
    ]


def test_a_second_supplement_request_makes_the_dossier_late(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    for hours in (2, 4):
        dossier = _act(dossier, world.specialist, Action.REQUEST_SUPPLEMENT, _at(monday, hours), note="Thiếu")
        dossier = _act(dossier, world.citizen, Action.SUBMIT_SUPPLEMENT, _at(monday, hours + 1))
    dossier = _act(dossier, world.leader, Action.STOP, _at(monday, 6), note="Không bổ sung đủ")

    assert dossier.outcome == "late"


def test_only_the_applicant_rates_after_the_result(world: World, monday: dt.datetime) -> None:
    dossier = _processed(world, monday)
    with pytest.raises(WorkflowError):
        dossier_rate(dossier=dossier, actor=world.citizen, rating=5)
    with clock.frozen(_at(monday, 5)):
        dossier_attach_file(dossier=dossier, actor=world.leader, upload=pdf(), component=None, kind="result")
    dossier = _act(dossier, world.reception, Action.RETURN_RESULT, _at(monday, 6))
    with pytest.raises(PermissionDeniedError):
        dossier_rate(dossier=dossier, actor=world.other_citizen, rating=1)

    assert dossier_rate(dossier=dossier, actor=world.citizen, rating=5).rating == 5


def test_the_applicant_is_told_of_each_change_by_email_and_sms(world: World, monday: dt.datetime) -> None:
    from motcua.notifications.models import Notification

    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))

    sms = list(Notification.objects.filter(channel="sms").order_by("pk").values_list("recipient", "body"))
    assert sms[0] == (
        "0912000001",
        f"Hồ sơ {dossier.code} đã được gửi tới UBND phường Đông Kinh, đang chờ tiếp nhận.",
    )
    assert "Ngày hẹn trả kết quả: 17:30 05/03/2026" in sms[1][1]
    assert Notification.objects.filter(channel="email").count() == 0  # no e-mail address given


def _other_agency_process(world: World) -> None:
    from decimal import Decimal

    from motcua.accounts.models import Role
    from motcua.catalog.models import InternalProcess, ProcessStep

    process = InternalProcess.objects.create(
        procedure=world.procedure, agency=world.other_agency, name="Liên thông"
    )
    for order, role in enumerate((Role.SPECIALIST, Role.AGENCY_LEADER, Role.RECEPTION_OFFICER), 1):
        ProcessStep.objects.create(
            process=process, order=order, name=f"Bước {order}", role=role, allotted_hours=Decimal(4)
        )


def test_consultation_asks_another_agency_which_answers_once(world: World, monday: dt.datetime) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    with pytest.raises(PermissionDeniedError):
        _act(dossier, world.outsider, Action.ANSWER, _at(monday, 2), note="Chưa được hỏi")

    dossier = _act(
        dossier,
        world.specialist,
        Action.CONSULT,
        _at(monday, 2),
        note="Xác nhận nơi cư trú?",
        agency=world.other_agency,
    )
    consultation = dossier.consultations.get()
    assert consultation.due_at == dt.datetime(2026, 3, 5, 17, 30, tzinfo=monday.tzinfo)  # 3 working days
    dossier = _act(dossier, world.outsider, Action.ANSWER, _at(monday, 3), note="Có cư trú tại phường")

    consultation.refresh_from_db()
    assert consultation.answer == "Có cư trú tại phường"
    assert dossier.status == Status.PROCESSING
    with pytest.raises(PermissionDeniedError):
        _act(dossier, world.outsider, Action.ANSWER, _at(monday, 4), note="Lần hai")


def test_transfer_hands_processing_to_the_next_agency_and_the_desk_returns(
    world: World, monday: dt.datetime
) -> None:
    _other_agency_process(world)
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    dossier = _act(dossier, world.specialist, Action.COMPLETE_STEP, _at(monday, 2))
    dossier = _act(dossier, world.head, Action.TRANSFER, _at(monday, 3), agency=world.other_agency)

    assert dossier.processing_agency == world.other_agency
    assert dossier.receiving_agency == world.agency
    assert dossier.current_task is not None
    assert dossier.current_task.agency == world.other_agency
    with pytest.raises(PermissionDeniedError):
        _act(dossier, world.leader, Action.COMPLETE_STEP, _at(monday, 4))  # no longer the processing agency

    from tests.factories import make_role, make_user

    from motcua.accounts.models import Role

    specialist = make_user(kind="official")
    make_role(user=specialist, agency=world.other_agency, role=Role.SPECIALIST)
    dossier = _act(dossier, specialist, Action.COMPLETE_STEP, _at(monday, 4))
    dossier = _act(dossier, world.outsider, Action.COMPLETE_STEP, _at(monday, 5))  # the other agency's leader
    assert dossier.status == Status.PROCESSED
    with clock.frozen(_at(monday, 6)):
        dossier_attach_file(
            dossier=dossier, actor=world.outsider, upload=pdf(), component=None, kind="result"
        )
    dossier = _act(
        dossier, world.reception, Action.RETURN_RESULT, _at(monday, 7)
    )  # back through the first desk
    assert dossier.status == Status.RETURNED


def test_joint_processing_holds_the_lead_agencys_approval_until_the_partner_answers(
    world: World, monday: dt.datetime
) -> None:
    dossier = _submitted(world, monday)
    dossier = _act(dossier, world.reception, Action.ACCEPT, _at(monday, 1))
    dossier = _act(dossier, world.reception, Action.FORWARD, _at(monday, 1))
    dossier = _act(
        dossier, world.head, Action.SHARE, _at(monday, 1), note="Xác minh hộ khẩu", agency=world.other_agency
    )
    dossier = _act(dossier, world.specialist, Action.COMPLETE_STEP, _at(monday, 2))
    dossier = _act(dossier, world.head, Action.COMPLETE_STEP, _at(monday, 3))

    with pytest.raises(DomainError, match="còn chờ phần việc của UBND phường Tam Thanh"):
        _act(dossier, world.leader, Action.COMPLETE_STEP, _at(monday, 4))
    dossier = _act(dossier, world.outsider, Action.ANSWER, _at(monday, 4), note="Đã xác minh")
    dossier = _act(dossier, world.leader, Action.COMPLETE_STEP, _at(monday, 5))

    assert dossier.status == Status.PROCESSED
