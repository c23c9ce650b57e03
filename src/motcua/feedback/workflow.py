"""The feedback workflow (phản ánh, kiến nghị): which action moves a feedback from which status, and who may.

``services.feedback_act`` is the only code that applies this table. Roles are held in the responsible
agency; SENDER is the person who sent the feedback; HANDLER the official assigned to answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"  # Mới tiếp nhận, chờ xem xét
    ACCEPTED = "accepted"  # Đã thụ lý, đang xử lý
    INFO_REQUESTED = "info_requested"  # Chờ người gửi bổ sung thông tin
    DRAFTED = "drafted"  # Đã dự thảo trả lời, chờ duyệt
    ANSWERED = "answered"  # Đã trả lời
    PUBLISHED = "published"  # Đã công khai
    REFUSED = "refused"  # Không thụ lý


STATUS_LABELS: dict[Status, str] = {
    Status.RECEIVED: "Mới tiếp nhận",
    Status.ACCEPTED: "Đang xử lý",
    Status.INFO_REQUESTED: "Chờ bổ sung thông tin",
    Status.DRAFTED: "Chờ duyệt trả lời",
    Status.ANSWERED: "Đã trả lời",
    Status.PUBLISHED: "Đã công khai",
    Status.REFUSED: "Không thụ lý",
}


class Action(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"
    FORWARD = "forward"
    ASSIGN = "assign"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    DRAFT_ANSWER = "draft_answer"
    APPROVE = "approve"
    PUBLISH = "publish"
    RATE = "rate"


ACTION_LABELS: dict[Action, str] = {
    Action.ACCEPT: "Thụ lý",
    Action.REFUSE: "Không thụ lý",
    Action.FORWARD: "Chuyển cơ quan có thẩm quyền",
    Action.ASSIGN: "Phân công xử lý",
    Action.REQUEST_INFO: "Yêu cầu bổ sung thông tin",
    Action.PROVIDE_INFO: "Bổ sung thông tin",
    Action.DRAFT_ANSWER: "Dự thảo trả lời",
    Action.APPROVE: "Duyệt và gửi trả lời",
    Action.PUBLISH: "Công khai",
    Action.RATE: "Đánh giá",
}

SENDER = "sender"
HANDLER = "handler"
LEADER = "agency_leader"
HEAD = "head_of_unit"
CLERK = "clerk"
SPECIALIST = "specialist"


@dataclass(frozen=True)
class Transition:
    source: frozenset[Status]
    target: Status | None  # None: the status does not change
    actors: frozenset[str]


def _t(source: set[Status], target: Status | None, actors: set[str]) -> Transition:
    return Transition(frozenset(source), target, frozenset(actors))


S = Status
TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: _t({S.RECEIVED}, S.ACCEPTED, {LEADER, HEAD}),
    Action.REFUSE: _t({S.RECEIVED}, S.REFUSED, {LEADER, HEAD}),
    Action.FORWARD: _t({S.RECEIVED}, S.RECEIVED, {LEADER, HEAD}),
    Action.ASSIGN: _t({S.ACCEPTED, S.DRAFTED}, S.ACCEPTED, {LEADER, HEAD}),
    Action.REQUEST_INFO: _t({S.ACCEPTED}, S.INFO_REQUESTED, {HANDLER, LEADER, HEAD}),
    Action.PROVIDE_INFO: _t({S.INFO_REQUESTED}, S.ACCEPTED, {SENDER}),
    Action.DRAFT_ANSWER: _t({S.ACCEPTED, S.DRAFTED}, S.DRAFTED, {HANDLER}),
    Action.APPROVE: _t({S.DRAFTED}, S.ANSWERED, {LEADER}),
    Action.PUBLISH: _t({S.ANSWERED}, S.PUBLISHED, {LEADER, HEAD, CLERK}),
    Action.RATE: _t({S.ANSWERED, S.PUBLISHED}, None, {SENDER}),
}

#: Statuses in which the agency still owes the sender an answer.
OPEN = frozenset({S.RECEIVED, S.ACCEPTED, S.INFO_REQUESTED, S.DRAFTED})


def allowed(action: Action, status: str, actors: set[str]) -> bool:
    rule = TRANSITIONS[action]
    return status in rule.source and bool(rule.actors & actors)
