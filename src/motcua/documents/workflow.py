"""The document office's transition tables: which action moves a document from which status, and who may.

Outgoing documents (văn bản đi) go draft → review → approved → issued → dispatched; incoming documents
(văn bản đến) go registered → assigned → in progress → completed. ``services.outgoing_act`` and
``services.incoming_act`` are the only code that applies these tables (they lock the row, check the table,
write the history row and the audit row).

Who may is a role in the document's agency (``accounts.Role``), or a relation to the document: the
drafter, a reviewer the document waits for, the named signer, the assigned handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OutgoingStatus(StrEnum):
    DRAFT = "draft"  # Dự thảo
    IN_REVIEW = "in_review"  # Đang trình duyệt
    APPROVED = "approved"  # Đã duyệt, chờ phát hành
    ISSUED = "issued"  # Đã ký số và phát hành
    DISPATCHED = "dispatched"  # Đã gửi
    CANCELLED = "cancelled"  # Đã hủy dự thảo


OUTGOING_STATUS_LABELS: dict[OutgoingStatus, str] = {
    OutgoingStatus.DRAFT: "Dự thảo",
    OutgoingStatus.IN_REVIEW: "Đang trình duyệt",
    OutgoingStatus.APPROVED: "Đã duyệt, chờ phát hành",
    OutgoingStatus.ISSUED: "Đã ký số, phát hành",
    OutgoingStatus.DISPATCHED: "Đã gửi",
    OutgoingStatus.CANCELLED: "Đã hủy",
}


class OutgoingAction(StrEnum):
    SUBMIT = "submit"  # Trình duyệt (to a reviewer or straight to the signer)
    FORWARD = "forward"  # Chuyển người duyệt tiếp
    RETURN = "return"  # Trả lại để sửa
    APPROVE = "approve"  # Duyệt ký
    ISSUE = "issue"  # Cấp số, ký số, phát hành
    DISPATCH = "dispatch"  # Gửi
    CANCEL = "cancel"  # Hủy dự thảo


OUTGOING_ACTION_LABELS: dict[OutgoingAction, str] = {
    OutgoingAction.SUBMIT: "Trình duyệt",
    OutgoingAction.FORWARD: "Chuyển duyệt tiếp",
    OutgoingAction.RETURN: "Trả lại dự thảo",
    OutgoingAction.APPROVE: "Duyệt ký",
    OutgoingAction.ISSUE: "Cấp số, ký số, phát hành",
    OutgoingAction.DISPATCH: "Gửi văn bản",
    OutgoingAction.CANCEL: "Hủy dự thảo",
}


class IncomingStatus(StrEnum):
    REGISTERED = "registered"  # Đã vào sổ, chờ phân công
    ASSIGNED = "assigned"  # Đã phân công
    IN_PROGRESS = "in_progress"  # Đang xử lý
    COMPLETED = "completed"  # Hoàn thành
    REFUSED = "refused"  # Từ chối tiếp nhận (trả lại nơi gửi)


INCOMING_STATUS_LABELS: dict[IncomingStatus, str] = {
    IncomingStatus.REGISTERED: "Chờ phân công",
    IncomingStatus.ASSIGNED: "Đã phân công",
    IncomingStatus.IN_PROGRESS: "Đang xử lý",
    IncomingStatus.COMPLETED: "Hoàn thành",
    IncomingStatus.REFUSED: "Từ chối tiếp nhận",
}


class IncomingAction(StrEnum):
    ASSIGN = "assign"  # Phân công xử lý
    REPORT = "report"  # Báo cáo tiến độ
    COMPLETE = "complete"  # Hoàn thành xử lý
    REFUSE = "refuse"  # Từ chối tiếp nhận


INCOMING_ACTION_LABELS: dict[IncomingAction, str] = {
    IncomingAction.ASSIGN: "Phân công xử lý",
    IncomingAction.REPORT: "Báo cáo tiến độ",
    IncomingAction.COMPLETE: "Hoàn thành xử lý",
    IncomingAction.REFUSE: "Từ chối tiếp nhận",
}

# Actors besides the roles of accounts.Role.
DRAFTER = "drafter"
REVIEWER = "reviewer"  # the person the document currently waits for
SIGNER = "signer"  # the signer named on the draft
HANDLER = "handler"  # the lead handler of an incoming document

CLERK = "clerk"
LEADER = "agency_leader"
HEAD = "head_of_unit"


@dataclass(frozen=True)
class Transition:
    source: frozenset[str]
    target: str | None  # None: the status does not change
    actors: frozenset[str]


def _t(sources: set[str], target: str | None, actors: set[str]) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors))


Out = OutgoingStatus
Inc = IncomingStatus

OUTGOING: dict[OutgoingAction, Transition] = {
    OutgoingAction.SUBMIT: _t({Out.DRAFT}, Out.IN_REVIEW, {DRAFTER}),
    OutgoingAction.FORWARD: _t({Out.IN_REVIEW}, Out.IN_REVIEW, {REVIEWER}),
    OutgoingAction.RETURN: _t({Out.IN_REVIEW}, Out.DRAFT, {REVIEWER}),
    OutgoingAction.APPROVE: _t({Out.IN_REVIEW}, Out.APPROVED, {SIGNER}),
    OutgoingAction.ISSUE: _t({Out.APPROVED}, Out.ISSUED, {CLERK}),
    OutgoingAction.DISPATCH: _t({Out.ISSUED}, Out.DISPATCHED, {CLERK}),
    OutgoingAction.CANCEL: _t({Out.DRAFT}, Out.CANCELLED, {DRAFTER, LEADER}),
}

INCOMING: dict[IncomingAction, Transition] = {
    IncomingAction.ASSIGN: _t({Inc.REGISTERED, Inc.ASSIGNED, Inc.IN_PROGRESS}, Inc.ASSIGNED, {LEADER}),
    IncomingAction.REPORT: _t({Inc.ASSIGNED, Inc.IN_PROGRESS}, Inc.IN_PROGRESS, {HANDLER, LEADER}),
    IncomingAction.COMPLETE: _t({Inc.ASSIGNED, Inc.IN_PROGRESS}, Inc.COMPLETED, {HANDLER, LEADER}),
    IncomingAction.REFUSE: _t({Inc.REGISTERED}, Inc.REFUSED, {CLERK, LEADER}),
}

#: Outgoing statuses after which the text and its metadata are frozen: a correction is a new document.
FROZEN = frozenset({Out.ISSUED, Out.DISPATCHED})
#: Incoming statuses in which handling is finished.
INCOMING_CLOSED = frozenset({Inc.COMPLETED, Inc.REFUSED})


def allowed_outgoing(action: OutgoingAction, status: str, actors: set[str]) -> bool:
    rule = OUTGOING[action]
    return status in rule.source and bool(rule.actors & actors)


def allowed_incoming(action: IncomingAction, status: str, actors: set[str]) -> bool:
    rule = INCOMING[action]
    return status in rule.source and bool(rule.actors & actors)
