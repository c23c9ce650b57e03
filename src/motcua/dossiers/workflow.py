"""The dossier workflow table: which action moves a dossier from which status to which, and who may.

Statuses are the national portal's taxonomy (DOMAIN.md §4.2), plus 0 for a citizen's unsent draft.
This table is the only place a status change is decided; ``services.dossier_act`` is the only code that
applies one (it locks the row, checks this table, writes history and audit, enqueues notifications).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Status(IntEnum):
    DRAFT = 0
    NEW = 1  # Mới đăng ký
    RECEIVED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT_REQUESTED = 5  # Yêu cầu bổ sung giấy tờ
    FEES_REQUESTED = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    PROCESSED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Đang soạn",
    Status.NEW: "Mới đăng ký",
    Status.RECEIVED: "Được tiếp nhận",
    Status.REFUSED: "Không được tiếp nhận",
    Status.PROCESSING: "Đang xử lý",
    Status.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    Status.FEES_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.PROCESSED: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}

#: Statuses in which the dossier is finished for the on-time rule (withdrawals count only once accepted).
FINISHED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.PROCESSED, Status.RETURNED})
#: Statuses in which the processing clock is paused.
PAUSED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.FEES_REQUESTED})


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUBMIT_SUPPLEMENT = "submit_supplement"
    REFUSE = "refuse"
    FORWARD = "forward"
    ASSIGN = "assign"
    COMPLETE_STEP = "complete_step"
    RETURN_STEP = "return_step"
    REQUEST_FEES = "request_fees"
    CONFIRM_FEES = "confirm_fees"
    APOLOGIZE = "apologize"
    STOP = "stop"
    REQUEST_WITHDRAWAL = "request_withdrawal"
    CONFIRM_WITHDRAWAL = "confirm_withdrawal"
    RETURN_RESULT = "return_result"
    CONSULT = "consult"
    SHARE = "share"
    ANSWER = "answer"
    TRANSFER = "transfer"


ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: "Nộp hồ sơ",
    Action.ACCEPT: "Tiếp nhận",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung",
    Action.SUBMIT_SUPPLEMENT: "Nộp bổ sung",
    Action.REFUSE: "Từ chối",
    Action.FORWARD: "Chuyển xử lý",
    Action.ASSIGN: "Phân công",
    Action.COMPLETE_STEP: "Hoàn thành bước",
    Action.RETURN_STEP: "Trả lại bước trước",
    Action.REQUEST_FEES: "Yêu cầu nộp phí",
    Action.CONFIRM_FEES: "Xác nhận đã nộp phí",
    Action.APOLOGIZE: "Xin lỗi, hẹn lại",
    Action.STOP: "Dừng xử lý",
    Action.REQUEST_WITHDRAWAL: "Đề nghị rút hồ sơ",
    Action.CONFIRM_WITHDRAWAL: "Xác nhận rút hồ sơ",
    Action.RETURN_RESULT: "Trả kết quả",
    Action.CONSULT: "Xin ý kiến",
    Action.SHARE: "Liên thông cùng cấp",
    Action.ANSWER: "Trả lời xin ý kiến",
    Action.TRANSFER: "Chuyển liên thông",
}

#: History rows that are not workflow actions: the draft's creation and a paper dossier's reception.
EVENT_LABELS: dict[str, str] = {"create": "Tạo hồ sơ", "register": "Tiếp nhận hồ sơ giấy"}

APPLICANT = "applicant"  # the citizen who submitted the dossier
RECEPTION = "reception_officer"
SPECIALIST = "specialist"
HEAD = "head_of_unit"
LEADER = "agency_leader"
CONSULTEE = "consultee"  # an official of an agency whose opinion was asked and not yet given
PAYMENT_PLATFORM = "payment_platform"  # a verified callback of the payment gateway (payments app)

KEEP = "keep"  # the status does not change
PROCESSED_WHEN_LAST = "processed_when_last"  # stays in processing until the last step is done
RESUME = "resume"  # back to where the dossier was before the pause


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | str  # a Status, KEEP, RESUME or PROCESSED_WHEN_LAST
    actors: frozenset[str]


def _t(action: Action, sources: set[Status], target: Status | str, *actors: str) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors))


_OPEN = {Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.FEES_REQUESTED}

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.SUBMIT, {Status.DRAFT}, Status.NEW, APPLICANT),
    _t(Action.ACCEPT, {Status.NEW}, Status.RECEIVED, RECEPTION),
    _t(Action.REQUEST_SUPPLEMENT, {Status.NEW}, Status.SUPPLEMENT_REQUESTED, RECEPTION),
    # Appraisal (Decree 61/2018 Art. 19): within 3 working days of receipt; checked by the service.
    _t(Action.REQUEST_SUPPLEMENT, {Status.PROCESSING}, Status.SUPPLEMENT_REQUESTED, SPECIALIST, HEAD),
    _t(Action.SUBMIT_SUPPLEMENT, {Status.SUPPLEMENT_REQUESTED}, RESUME, APPLICANT, RECEPTION),
    _t(Action.REFUSE, {Status.NEW}, Status.REFUSED, RECEPTION),
    _t(Action.REFUSE, {Status.PROCESSING}, Status.REFUSED, LEADER),
    _t(Action.FORWARD, {Status.RECEIVED}, Status.PROCESSING, RECEPTION),
    _t(Action.ASSIGN, {Status.PROCESSING}, KEEP, HEAD),
    # Who may complete or send back a step is the step's own role (checked by the service).
    _t(Action.COMPLETE_STEP, {Status.PROCESSING}, PROCESSED_WHEN_LAST, RECEPTION, SPECIALIST, HEAD, LEADER),
    _t(Action.RETURN_STEP, {Status.PROCESSING}, KEEP, HEAD, LEADER),
    _t(Action.REQUEST_FEES, {Status.PROCESSING}, Status.FEES_REQUESTED, SPECIALIST, HEAD),
    _t(Action.CONFIRM_FEES, {Status.FEES_REQUESTED}, RESUME, RECEPTION, PAYMENT_PLATFORM),
    _t(Action.APOLOGIZE, {Status.RECEIVED, Status.PROCESSING}, KEEP, HEAD, LEADER),
    _t(Action.STOP, {Status.RECEIVED, Status.PROCESSING}, Status.STOPPED, LEADER),
    _t(Action.REQUEST_WITHDRAWAL, _OPEN, KEEP, APPLICANT),
    _t(Action.CONFIRM_WITHDRAWAL, _OPEN, Status.WITHDRAWN, RECEPTION),
    _t(Action.RETURN_RESULT, {Status.PROCESSED}, Status.RETURNED, RECEPTION),
    # Consultations record the question and a deadline (Decree 61/2018 Art. 19); they do not stop the clock.
    _t(Action.CONSULT, {Status.PROCESSING}, KEEP, SPECIALIST, HEAD, LEADER),
    # Liên thông at the same level: other agencies each do their part by a deadline; the lead agency
    # (the processing one) cannot finish before they all have.
    _t(Action.SHARE, {Status.PROCESSING}, KEEP, HEAD, LEADER),
    _t(Action.ANSWER, {Status.PROCESSING, *PAUSED}, KEEP, CONSULTEE),
    # Liên thông between levels: the next agency processes; the receiving desk keeps watch and returns.
    _t(Action.TRANSFER, {Status.PROCESSING}, KEEP, HEAD, LEADER),
)


def find_transition(action: Action, status: Status) -> Transition | None:
    """The row for this action from this status, or None when the table does not allow it."""
    for row in TRANSITIONS:
        if row.action == action and status in row.sources:
            return row
    return None


def available_actions(status: Status, actors: set[str]) -> list[Action]:
    """Actions the table allows from ``status`` to someone acting as any of ``actors``, in table order."""
    seen: list[Action] = []
    for row in TRANSITIONS:
        if status in row.sources and row.actors & actors and row.action not in seen:
            seen.append(row.action)
    return seen
