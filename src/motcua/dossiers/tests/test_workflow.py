"""The workflow table itself: every action's sources and actors, and what it refuses."""

from __future__ import annotations

import pytest

from motcua.dossiers.workflow import (
    APPLICANT,
    CONSULTEE,
    HEAD,
    LEADER,
    PAYMENT_PLATFORM,
    RECEPTION,
    SPECIALIST,
    TRANSITIONS,
    Action,
    Status,
    available_actions,
    find_transition,
)


def test_every_action_has_at_least_one_row_and_every_row_a_known_actor() -> None:
    assert {row.action for row in TRANSITIONS} == set(Action)
    actors = {APPLICANT, RECEPTION, SPECIALIST, HEAD, LEADER, CONSULTEE, PAYMENT_PLATFORM}
    assert all(row.actors and row.actors <= actors for row in TRANSITIONS)
    # The payment platform (a verified gateway callback) only confirms fees.
    assert {row.action for row in TRANSITIONS if PAYMENT_PLATFORM in row.actors} == {Action.CONFIRM_FEES}


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [
        (Action.SUBMIT, Status.DRAFT, True),
        (Action.ACCEPT, Status.NEW, True),
        (Action.ACCEPT, Status.RECEIVED, False),
        (Action.RETURN_RESULT, Status.PROCESSING, False),  # return before approval
        (Action.RETURN_RESULT, Status.PROCESSED, True),
        (Action.REFUSE, Status.RETURNED, False),
        (Action.APOLOGIZE, Status.PROCESSED, False),
        (Action.FORWARD, Status.NEW, False),
        (Action.CONFIRM_WITHDRAWAL, Status.RETURNED, False),
    ],
)
def test_the_table_allows_only_lawful_moves(action: Action, status: Status, allowed: bool) -> None:
    assert (find_transition(action, status) is not None) == allowed


def test_finished_dossiers_offer_no_action_to_officials() -> None:
    for status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED):
        assert available_actions(status, {RECEPTION, SPECIALIST, HEAD, LEADER}) == []


def test_a_citizen_is_offered_only_the_citizens_actions() -> None:
    assert available_actions(Status.DRAFT, {APPLICANT}) == [Action.SUBMIT]
    assert available_actions(Status.SUPPLEMENT_REQUESTED, {APPLICANT}) == [
        Action.SUBMIT_SUPPLEMENT,
        Action.REQUEST_WITHDRAWAL,
    ]


def test_required_components_follow_the_catalogues_wording() -> None:
    from motcua.catalog.models import Component
    from motcua.dossiers.checklist import is_required

    def component(name: str, group: str = "", originals: int = 1) -> Component:
        return Component(name=name, group=group, originals=originals)

    assert is_required(component("- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản"))
    assert is_required(component("Tờ khai đăng ký khai sinh theo mẫu", group="* Giấy tờ phải nộp:"))
    assert not is_required(component("- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản"))
    assert not is_required(component("Biên bản đối thoại (nếu có)"))
    assert not is_required(component("Văn bản ủy quyền", group="Trường hợp ủy quyền thực hiện"))
    assert not is_required(component("Ghi chú", originals=0))
