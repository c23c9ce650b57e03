"""Generated dossiers with their whole history, as rows for COPY.

Each dossier is simulated along the app's own workflow (``dossiers.workflow``): the same actions in the same
order, each with the status change the transition table gives, the same fields set by the same actions
(``services`` and ``processing``), and the appointment from the real working calendar. The simulation stops
at ``as_of`` (the end of the generated period): a dossier whose next step would come later stays where it
is, which is how recent dossiers are open, paused or waiting for their result.

Shares (per dossier, before the cut): online refusals at reception 1.2 %, withdrawals before acceptance
0.8 %, supplement at reception 5 % of online ones; refusal after appraisal 1 %, stop 0.3 %, withdrawal
0.6 %; a supplement during appraisal 5 % (a second one in 10 % of those, which makes the dossier late);
an apology with a new appointment 1.5 %; finished early 60 %, on the appointment day 31 %, late 9 %.

Rows come out as lines of COPY text (``sink``): what does not change between dossiers (a procedure's
columns, a step's, a component's) is formatted once per assignment in ``Pair``, the rest with one f-string
per row; moments are integers (``workclock``) turned into text by table lookup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from motcua.dossiers.models import Channel
from motcua.dossiers.workflow import Action, Status
from motcua.generator.people import Citizen, person_name
from motcua.generator.sink import NULL, escape
from motcua.generator.workclock import DAY, WorkClock
from motcua.generator.world import Assignment, ProcedureInfo, Step, World

DOSSIER_COLUMNS = (
    "id", "code", "status", "channel", "procedure_id", "procedure_version_id", "receiving_agency_id",
    "processing_agency_id", "owner_id", "applicant_kind", "applicant_name", "applicant_id_number",
    "applicant_birth_date", "applicant_phone", "applicant_email", "applicant_address", "submitted_by_name",
    "created_at", "submitted_at", "received_at", "received_by_id", "due_at", "original_due_at",
    "finished_at", "returned_at", "outcome", "current_task_id", "current_handler_id", "paused_from_status",
    "supplement_rounds", "apologies", "withdrawal_requested_at", "fee_amount", "fees_paid_at",
    "is_immediate", "is_transferred", "rating", "rating_comment", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id",
    "dossier_id",
    "at",
    "actor_id",
    "action",
    "from_status",
    "to_status",
    "note",
    "changes",
)
PAUSE_COLUMNS = ("id", "dossier_id", "reason", "started_at", "ended_at")
FILE_COLUMNS = (
    "id", "dossier_id", "kind", "component_id", "label", "file", "version", "is_current", "content_type",
    "size", "sha256", "uploaded_by_id", "uploaded_at",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "dossier_id", "order", "name", "agency_id", "org_unit_id", "role", "assignee_id",
    "allotted_hours", "started_at", "due_at", "finished_at", "finished_by_id", "note",
)  # fmt: skip

# Real-life popularity: certification and civil status dwarf everything else (Zipf-like by rank).
POPULARITY = (
    "2.000815",  # Chứng thực bản sao từ bản chính
    "1.001193",  # Đăng ký khai sinh
    "2.000884",  # Chứng thực chữ ký
    "1.013978",  # Đăng ký đất đai lần đầu
    "1.000894",  # Đăng ký kết hôn
    "2.000635",  # Bản sao trích lục hộ tịch
    "1.000656",  # Đăng ký khai tử
    "1.001612",  # Thành lập hộ kinh doanh
    "3.000333",  # Lý lịch tư pháp
    "1.004859",  # Thay đổi, cải chính hộ tịch
    "1.013225",  # Giấy phép xây dựng cấp III, IV
    "1.012787",
    "1.013831",
    "2.001610",  # Doanh nghiệp tư nhân
    "1.013236",
)
ZIPF_EXPONENT = 1.1
ORGANISATION_CODES = frozenset({"2.001610"})

NEW, RECEIVED, REFUSED, PROCESSING = Status.NEW, Status.RECEIVED, Status.REFUSED, Status.PROCESSING
SUPPLEMENT, WITHDRAWN, STOPPED = Status.SUPPLEMENT_REQUESTED, Status.WITHDRAWN, Status.STOPPED
PROCESSED, RETURNED, DRAFT = Status.PROCESSED, Status.RETURNED, Status.DRAFT
HOUR = 3600

NOTES = {
    Action.REQUEST_SUPPLEMENT: "Đề nghị bổ sung bản sao giấy tờ còn thiếu, kê khai lại tờ khai cho đầy đủ.",
    Action.REFUSE: "Hồ sơ không thuộc thẩm quyền giải quyết / không đủ điều kiện theo quy định.",
    Action.STOP: "Dừng xử lý theo đề nghị của cơ quan có thẩm quyền.",
    Action.APOLOGIZE: "Cần xác minh thêm thông tin, xin lỗi và hẹn lại ngày trả kết quả.",
    Action.REQUEST_WITHDRAWAL: "Công dân đề nghị rút hồ sơ.",
}


@dataclass(frozen=True)
class Pair:
    """One procedure at one agency (an assignment), with what each of its dossiers needs, the columns that
    do not change between its dossiers already as COPY text."""

    procedure: ProcedureInfo
    agency_id: int
    identifier: str
    steps: list[Step]
    organisation: bool
    immediate: bool
    #: procedure, version, receiving and processing agency columns of the dossier row
    dossier_columns: str = ""
    #: per step: the task row's order ... allotted_hours columns, and the step's allotted seconds
    task_columns: tuple[str, ...] = ()
    step_seconds: tuple[int, ...] = ()
    #: per required component: kind, component and label columns of its file rows; then the result's
    file_columns: tuple[str, ...] = ()
    result_columns: str = ""

    @classmethod
    def make(
        cls, procedure: ProcedureInfo, agency_id: int, identifier: str, steps: list[Step], *, immediate: bool
    ) -> Pair:
        return cls(
            procedure=procedure,
            agency_id=agency_id,
            identifier=identifier,
            steps=steps,
            organisation=procedure.code in ORGANISATION_CODES,
            immediate=immediate,
            dossier_columns=f"{procedure.id}\t{procedure.version_id}\t{agency_id}\t{agency_id}",
            task_columns=tuple(
                f"{s.order}\t{escape(s.name)}\t{agency_id}\t{_n(s.org_unit_id)}\t{s.role}\t{NULL}\t{s.hours}"
                for s in steps
            ),
            step_seconds=tuple(int(s.hours * 3600) for s in steps),
            file_columns=tuple(f"input\t{c.id}\t{escape(c.name)}" for c in procedure.components),
            result_columns=f"result\t{NULL}\t{escape(procedure.result_name or 'Kết quả giải quyết')}",
        )


@dataclass(slots=True)
class DossierState:
    """One dossier's simulated history so far: what the simulation decided, which ``_rows`` writes out."""

    id: int
    code: str
    pair: Pair
    channel: int
    citizen: Citizen
    submitted: int
    #: the citizen's account for online dossiers (who acts for the applicant in the history), else None
    owner: int | None
    reception: int
    leader: int
    fee: int
    created: int  # the online draft's creation, or the submission
    status: int = DRAFT
    last: int = 0  # the latest event's moment
    accepted: int | None = None
    received: int | None = None
    received_by: int | None = None
    due: int | None = None
    original_due: int | None = None
    finished: int | None = None
    returned: int | None = None
    paused_from: int | None = None
    rounds: int = 0
    apologies: int = 0
    withdrawal_at: int | None = None
    rating: int | None = None
    result_at: int | None = None
    task_ids: list[int] = field(default_factory=list)
    #: task index -> (started, finished or None, finished by), in work seconds
    progress: dict[int, tuple[int, int | None, int | None]] = field(default_factory=dict)
    current: int = 0  # index of the current task
    pauses: list[tuple[int, int | None]] = field(default_factory=list)


class DossierFactory:
    """Dossiers day by day, their rows appended to ``tables`` (table key -> COPY text lines); ``ids`` (table
    key -> next id) and ``sequences`` ((agency, day) -> last code number) move on as rows are made."""

    def __init__(
        self,
        *,
        world: World,
        clock: WorkClock,
        rng: random.Random,
        citizens: list[Citizen],
        ids: dict[str, int],
        sequences: dict[tuple[int, dt.date], int],
        as_of: int,
        tables: dict[str, list[str]],
        start: dt.date,
        end: dt.date,
    ) -> None:
        self.world = world
        self.clock = clock
        self.rng = rng
        self.citizens = citizens
        self.ids = ids
        self.sequences = sequences
        self.as_of = as_of
        self.dossiers, self.tasks, self.events = tables["dossier"], tables["task"], tables["event"]
        self.pauses, self.files = tables["pause"], tables["file"]
        self.start, self.end = start, end
        self._appraisal: dict[int, int] = {}
        self._text = clock.text
        self._code_stamps: dict[int, str] = {}  # day index -> the yymmdd of dossier codes
        self._agency_weight: dict[int, float] = {}
        self._samplers: list[tuple[dt.date, dt.date, list[Pair], list[float]]] = self._build_samplers()

    # -- sampling -----------------------------------------------------------------------------------------

    def _weight(self, agency_id: int) -> float:
        """Agencies differ in size (population of a commune, work of a department): a lognormal weight."""
        if agency_id not in self._agency_weight:
            self._agency_weight[agency_id] = random.Random(agency_id * 7919 + 1).lognormvariate(0, 0.6)
        return self._agency_weight[agency_id]

    def _build_samplers(self) -> list[tuple[dt.date, dt.date, list[Pair], list[float]]]:
        world = self.world
        cuts = {self.start, self.end + dt.timedelta(days=1)}
        for a in world.assignments:
            for day in (a.valid_from, a.valid_to and a.valid_to + dt.timedelta(days=1)):
                if day is not None and self.start < day <= self.end:
                    cuts.add(day)
        bounds = sorted(cuts)
        ranked = {code: rank for rank, code in enumerate(POPULARITY, 1)}
        codes = sorted(p.code for p in world.procedures.values())
        fallback = {
            code: len(POPULARITY) + i + 1 for i, code in enumerate(c for c in codes if c not in ranked)
        }
        samplers = []
        made: dict[tuple[int, int, dt.date | None], Pair] = {}  # one Pair per assignment, whatever the period
        for first, after in itertools.pairwise(bounds):
            valid = [a for a in world.assignments if a.covers(first)]
            by_procedure: dict[int, list[Assignment]] = {}
            for a in valid:
                by_procedure.setdefault(a.procedure_id, []).append(a)
            pairs: list[Pair] = []
            cumulative: list[float] = []
            total = 0.0
            for procedure_id in sorted(by_procedure):
                procedure = world.procedures[procedure_id]
                rank = ranked.get(procedure.code) or fallback[procedure.code]
                share = 1.0 / rank**ZIPF_EXPONENT
                agencies = by_procedure[procedure_id]
                weights = [self._weight(a.agency_id) for a in agencies]
                scale = share / sum(weights)
                for a, w in zip(agencies, weights, strict=True):
                    key = (a.procedure_id, a.agency_id, a.valid_from)
                    if key not in made:
                        made[key] = Pair.make(
                            procedure,
                            a.agency_id,
                            world.agencies[a.agency_id].identifier,
                            world.processes[key],
                            immediate=procedure.terms[Channel.IN_PERSON] is None,
                        )
                    pairs.append(made[key])
                    total += w * scale
                    cumulative.append(total)
            samplers.append((first, after - dt.timedelta(days=1), pairs, cumulative))
        return samplers

    def _sampler(self, day: dt.date) -> tuple[list[Pair], list[float]]:
        for first, last, pairs, cumulative in self._samplers:
            if first <= day <= last:
                return pairs, cumulative
        raise AssertionError(f"no sampler for {day}")

    def agencies_used(self) -> set[int]:
        return {pair.agency_id for _, _, pairs, _ in self._samplers for pair in pairs}

    # -- one working day ----------------------------------------------------------------------------------

    def day(self, k: int, count: int, online_share: float) -> None:
        """``count`` dossiers first handled at the desk on working day ``k``."""
        rng, clock = self.rng, self.clock
        per_day = clock.per_day
        day_index = clock.work_day(k)
        pairs, cumulative = self._sampler(clock.dates[day_index])
        chosen = rng.choices(pairs, cum_weights=cumulative, k=count)
        items = []
        for pair in chosen:
            procedure = pair.procedure
            draw = rng.random()
            if procedure.online_mode == "none":
                channel = Channel.IN_PERSON if draw < 0.97 else Channel.POSTAL
            elif draw < online_share:
                channel = Channel.ONLINE
            elif draw < online_share + 0.04:
                channel = Channel.POSTAL
            else:
                channel = Channel.IN_PERSON
            # More people come in the morning than in the afternoon.
            first_look = k * per_day + int(rng.random() ** 1.4 * (per_day - 1))
            wall = clock.wall(first_look)
            submitted = wall - int(rng.expovariate(1 / (5 * HOUR))) if channel == Channel.ONLINE else wall
            items.append((submitted, first_look, pair, channel))
        items.sort(key=lambda item: item[0])
        stamps = self._code_stamps
        for submitted, first_look, pair, channel in items:
            day_index = submitted // DAY
            code_day = clock.dates[day_index]
            key = (pair.agency_id, code_day)
            number = self.sequences.get(key, 0) + 1
            if number > 9999:
                raise OverflowError(
                    f"{pair.identifier} would receive more than 9,999 dossiers on {code_day}: "
                    "generate fewer dossiers or spread them over a longer period."
                )
            self.sequences[key] = number
            stamp = stamps.get(day_index)
            if stamp is None:
                stamp = stamps[day_index] = f"{code_day:%y%m%d}"
            code = f"{pair.identifier}-{stamp}-{number:04d}"
            self._dossier(code, submitted, first_look, pair, channel)

    # -- one dossier --------------------------------------------------------------------------------------

    def _event(
        self,
        d: DossierState,
        at: int,
        actor: int | None,
        action: str,
        before: int | None,
        after: int,
        note: str = "",
    ) -> None:
        ids = self.ids
        event_id = ids["event"]
        ids["event"] = event_id + 1
        self.events.append(
            f"{event_id}\t{d.id}\t{self._text(at)}\t{NULL if actor is None else actor}\t{action}\t"
            f"{NULL if before is None else before}\t{after}\t{note}\t{{}}\n"
        )
        d.last, d.status = at, after

    def _dossier(self, code: str, submitted: int, first_look: int, pair: Pair, channel: int) -> None:
        rng, clock, ids, as_of = self.rng, self.clock, self.ids, self.as_of
        per_day = clock.per_day
        event = self._event
        procedure = pair.procedure
        desk = self.world.officials[pair.agency_id]
        reception = desk["reception_officer"][0]
        specialist = _pick(desk["specialist"], rng)
        head = desk["head_of_unit"][0]
        leader = desk["agency_leader"][0]
        citizen = self.citizens[rng.randrange(len(self.citizens))]
        online = channel == Channel.ONLINE
        owner = citizen.user_id if online else None
        d = DossierState(
            id=ids["dossier"],
            code=code,
            pair=pair,
            channel=channel,
            citizen=citizen,
            submitted=submitted,
            owner=owner,
            reception=reception,
            leader=leader,
            fee=procedure.fees[channel],
            created=submitted,
            last=submitted,
        )
        ids["dossier"] += 1

        # -- submission and reception ---------------------------------------------------------------------
        term = procedure.terms[channel]
        fate = rng.random()
        if online:
            d.created = created = submitted - rng.randint(300, 5400)
            event(d, created, owner, "create", None, DRAFT)
            event(d, submitted, owner, Action.SUBMIT, DRAFT, NEW)
            look = clock.wall(first_look)
            if fate < 0.012:
                if look <= as_of:
                    event(d, look, reception, Action.REFUSE, NEW, REFUSED, NOTES[Action.REFUSE])
                    d.finished = look
                return self._rows(d)
            if fate < 0.020:
                asked = submitted + rng.randint(HOUR, 2 * DAY)
                if asked <= as_of:
                    event(
                        d, asked, owner, Action.REQUEST_WITHDRAWAL, NEW, NEW, NOTES[Action.REQUEST_WITHDRAWAL]
                    )
                    d.withdrawal_at = asked
                    confirm = clock.wall(max(clock.work(asked), first_look) + rng.randint(600, 4 * HOUR))
                    if confirm <= as_of:
                        event(d, confirm, reception, Action.CONFIRM_WITHDRAWAL, NEW, WITHDRAWN)
                        d.finished = confirm
                return self._rows(d)
            if fate < 0.070:
                if look > as_of:
                    return self._rows(d)
                event(d, look, reception, Action.REQUEST_SUPPLEMENT, NEW, SUPPLEMENT,
                      NOTES[Action.REQUEST_SUPPLEMENT])  # fmt: skip
                d.rounds, d.paused_from = 1, NEW
                back = clock.wall(first_look + rng.randint(per_day // 2, 6 * per_day))
                d.pauses.append((look, None))
                if back > as_of:
                    return self._rows(d)
                d.pauses[-1] = (look, back)
                event(d, back, owner, Action.SUBMIT_SUPPLEMENT, SUPPLEMENT, NEW)
                d.paused_from = None
                first_look = clock.work(back) + rng.randint(600, 4 * HOUR)
            accepted = clock.wall(first_look)
            if accepted > as_of:
                return self._rows(d)
            event(d, accepted, reception, Action.ACCEPT, NEW, RECEIVED)
        else:
            accepted = submitted
            event(d, accepted, reception, "register", None, RECEIVED)
        d.accepted = d.received = accepted
        d.received_by = reception
        if term is not None:
            d.due = d.original_due = clock.appointment(accepted, *term)

        # -- forwarding (Decree 61/2018 Art. 18: received after 15:00, the next working day) --------------
        work_accepted = clock.work(accepted)
        if accepted % DAY <= 15 * HOUR:
            forward_work = work_accepted + rng.randint(300, HOUR)
        else:
            forward_work = (work_accepted // per_day + 1) * per_day + rng.randint(0, HOUR)
        forwarded = clock.wall(forward_work)
        if forwarded > as_of:
            return self._rows(d)
        event(d, forwarded, reception, Action.FORWARD, RECEIVED, PROCESSING)
        d.task_ids = list(range(ids["task"], ids["task"] + len(pair.steps)))
        ids["task"] += len(pair.steps)
        # forwarding closes the desk's step and starts the specialist's (processing.forward)
        progress = d.progress
        progress[0] = (forward_work, forward_work, reception)
        progress[1] = (forward_work, None, None)
        d.current = 1

        # -- appraisal: a supplement request within 3 working days of receipt restarts the clock ----------
        start_work = forward_work
        fate2 = rng.random()
        if fate2 < 0.05:
            window = self._appraisal_limit(accepted)
            asked_work = forward_work + rng.randint(HOUR, per_day)
            second = fate2 < 0.005
            for _ in (1, 2) if second else (1,):
                asked = clock.wall(asked_work)
                if asked > window or asked > as_of:
                    break
                event(d, asked, specialist, Action.REQUEST_SUPPLEMENT, PROCESSING, SUPPLEMENT,
                      NOTES[Action.REQUEST_SUPPLEMENT])  # fmt: skip
                d.rounds += 1
                d.paused_from = PROCESSING
                back_work = asked_work + rng.randint(per_day // 2, 8 * per_day)
                back = clock.wall(back_work)
                d.pauses.append((asked, None))
                if back > as_of:
                    return self._rows(d)
                d.pauses[-1] = (asked, back)
                event(d, back, owner or reception, Action.SUBMIT_SUPPLEMENT, SUPPLEMENT, PROCESSING)
                d.paused_from = None
                if term is not None:
                    d.due = clock.appointment(back, *term)
                start_work = back_work
                asked_work = back_work + rng.randint(600, HOUR)

        # -- when will it be finished? --------------------------------------------------------------------
        target = rng.random()
        due = d.due
        if due is None:
            span = rng.randint(600, 2 * HOUR) if pair.immediate else rng.randint(HOUR, 3 * per_day)
            finish_work = start_work + span
        else:
            due_work = clock.work(due)
            due_k = (due_work - 1) // per_day
            start_k = start_work // per_day
            if target < 0.60 and due_k > start_k:
                day_k = rng.randint(start_k, due_k - 1)
                finish_work = max(start_work + 1800, day_k * per_day + rng.randint(0, per_day - 1))
                if finish_work >= due_k * per_day:
                    finish_work = start_work + (due_k * per_day - start_work) // 2
            elif target < 0.91 or d.rounds > 1:
                low = max(start_work + 600, due_k * per_day)
                finish_work = rng.randint(low, due_work) if low < due_work else due_work
            else:
                finish_work = due_work + rng.randint(1, int(rng.expovariate(1 / 4) * per_day) + HOUR)
        # The three processing steps share the time: appraisal most of it.
        span = max(finish_work - start_work, 3)
        marks = [start_work + span * 6 // 10, start_work + span * 8 // 10, finish_work]
        if marks[0] < forward_work + 60:
            marks = [forward_work + 60, forward_work + 120, max(finish_work, forward_work + 180)]

        # -- an early end: refusal after appraisal, stop, withdrawal --------------------------------------
        fate3 = rng.random()
        if fate3 < 0.019:
            at = clock.wall(start_work + (marks[2] - start_work) // 2 + 60)
            if at <= as_of:
                if fate3 < 0.010:
                    event(d, at, leader, Action.REFUSE, PROCESSING, REFUSED, NOTES[Action.REFUSE])
                elif fate3 < 0.013:
                    event(d, at, leader, Action.STOP, PROCESSING, STOPPED, NOTES[Action.STOP])
                else:
                    asked = max(at - rng.randint(600, HOUR), forwarded + 30)
                    event(d, asked, owner, Action.REQUEST_WITHDRAWAL, PROCESSING, PROCESSING,
                          NOTES[Action.REQUEST_WITHDRAWAL])  # fmt: skip
                    d.withdrawal_at = asked
                    event(d, at, reception, Action.CONFIRM_WITHDRAWAL, PROCESSING, WITHDRAWN)
                d.finished = at
            return self._rows(d)

        # -- an apology with a new appointment (Form 04), at least one working day before it --------------
        if due is not None and rng.random() < 0.015:
            due_work = clock.work(due)
            said_work = due_work - per_day - rng.randint(HOUR, per_day)
            said = clock.wall(said_work)
            if start_work < said_work < marks[2] and said <= as_of:
                event(d, said, leader, Action.APOLOGIZE, PROCESSING, PROCESSING, NOTES[Action.APOLOGIZE])
                d.apologies = 1
                d.due = due = clock.wall_due((due_work // per_day + rng.randint(2, 5)) * per_day)
                if finish_work > clock.work(due):
                    finish_work = clock.work(due) - rng.randint(60, HOUR)
                    marks[2] = max(finish_work, marks[1] + 60)

        # -- the internal process: specialist, head of unit, leader --------------------------------------
        actors = (specialist, head, leader)
        started = forward_work
        for step in range(1, len(pair.steps) - 1):
            done_work = marks[min(step - 1, 2)] + (step - 1)
            done = clock.wall(done_work)
            if done > as_of:
                d.current = step
                return self._rows(d)
            actor = actors[min(step - 1, 2)]
            last_step = step == len(pair.steps) - 2
            if last_step:
                d.result_at = done - rng.randint(60, 900)
            event(d, done, actor, Action.COMPLETE_STEP, PROCESSING, PROCESSED if last_step else PROCESSING)
            progress[step] = (started, done_work, actor)
            if not last_step:
                progress[step + 1] = (done_work, None, None)
            started = done_work
        d.finished = finished = d.last
        d.current = len(pair.steps) - 1  # the desk's "return the result" step, never started
        returned_at = clock.wall(clock.work(finished) + int(rng.expovariate(1 / per_day)) + 300)
        if returned_at <= as_of:
            event(d, returned_at, reception, Action.RETURN_RESULT, PROCESSED, RETURNED)
            d.returned = returned_at
            if online and rng.random() < 0.25:
                d.rating = rng.choices((5, 4, 3, 2, 1), cum_weights=(62, 88, 96, 99, 100))[0]
        return self._rows(d)

    def _appraisal_limit(self, accepted: int) -> int:
        day = accepted // DAY
        found = self._appraisal.get(day)
        if found is None:
            found = self.clock.appointment(accepted, Decimal(3), "working_days")
            self._appraisal[day] = found
        return found

    # -- rows ---------------------------------------------------------------------------------------------

    def _rows(self, d: DossierState) -> None:
        """The simulation's final state as COPY lines: tasks, pauses, files, then the dossier."""
        clock, rng, ids = self.clock, self.rng, self.ids
        text = clock.text
        pair, code, dossier_id = d.pair, d.code, d.id
        due, finished = d.due, d.finished
        original_due = d.original_due
        outcome = ""
        if finished is not None and due is not None:
            if d.rounds > 1 or finished > due:
                outcome = "late"
            elif finished // DAY < due // DAY:
                outcome = "early"
            else:
                outcome = "on_time"
        if d.status == Status.WITHDRAWN and d.received is None:
            due = original_due = None
            outcome = ""
        # Tasks.
        current_task = None
        if d.task_ids:
            tasks = self.tasks
            progress = d.progress
            wall, wall_due = clock.wall, clock.wall_due
            for index, task_id in enumerate(d.task_ids):
                began, ended, actor = progress.get(index, (None, None, None))
                started_text = due_text = ended_text = NULL
                if began is not None:
                    started_text = text(wall(began))
                    due_text = text(wall_due(began + pair.step_seconds[index]))
                if ended is not None:
                    ended_text = text(wall(ended))
                note = "Tiếp nhận, chuyển xử lý" if index == 0 else ""
                tasks.append(
                    f"{task_id}\t{dossier_id}\t{pair.task_columns[index]}\t{started_text}\t{due_text}\t"
                    f"{ended_text}\t{_n(actor)}\t{note}\n"
                )
            current_task = d.task_ids[min(d.current, len(d.task_ids) - 1)]
        # Pauses.
        for started, ended in d.pauses:
            pause_id = ids["pause"]
            ids["pause"] = pause_id + 1
            self.pauses.append(f"{pause_id}\t{dossier_id}\tsupplement\t{text(started)}\t{_t(text, ended)}\n")
        # Files: the required components (the first one supplemented again), and the signed result.
        files = self.files
        online = d.channel == Channel.ONLINE
        uploaded_at = d.created if online else d.accepted
        uploader = d.owner if online else d.reception
        month = clock.date_text(d.submitted)[:7].replace("-", "/")
        supplemented = [end for _, end in d.pauses if end is not None]
        for n, columns in enumerate(pair.file_columns):
            versions = 1 + (len(supplemented) if n == 0 else 0)
            for version in range(1, versions + 1):
                file_id = ids["file"]
                ids["file"] = file_id + 1
                at = uploaded_at if version == 1 else supplemented[version - 2]
                assert at is not None
                digest = hashlib.sha256(f"{code}/{n}/{version}".encode()).hexdigest()
                files.append(
                    f"{file_id}\t{dossier_id}\t{columns}\tdossiers/{month}/{code}-{n + 1}-v{version}.pdf\t"
                    f"{version}\t{'t' if version == versions else 'f'}\tapplication/pdf\t"
                    f"{60_000 + rng.randrange(2_500_000)}\t{digest}\t"
                    f"{_n(uploader if version == 1 else d.owner)}\t{text(at)}\n"
                )
        if d.result_at is not None:
            file_id = ids["file"]
            ids["file"] = file_id + 1
            digest = hashlib.sha256(f"{code}/result".encode()).hexdigest()
            files.append(
                f"{file_id}\t{dossier_id}\t{pair.result_columns}\tdossiers/{month}/{code}-ket-qua.pdf\t1\tt\t"
                f"application/pdf\t{80_000 + rng.randrange(400_000)}\t{digest}\t{d.leader}\t"
                f"{text(d.result_at)}\n"
            )
        # The dossier.
        citizen = d.citizen
        if pair.organisation:
            applicant = (
                f"organisation\tDoanh nghiệp tư nhân {person_name(rng)[0]}\t{citizen.id_number}\t{NULL}"
            )
        else:
            applicant = f"person\t{citizen.name}\t{citizen.id_number}\t{citizen.birth_date}"
        received = d.received
        fees_paid = NULL
        if d.fee and received is not None:
            fees_paid = text(d.submitted if online else received)
        immediate = "t" if pair.immediate and not online else "f"
        self.dossiers.append(
            f"{dossier_id}\t{code}\t{d.status}\t{d.channel}\t{pair.dossier_columns}\t{_n(d.owner)}\t{applicant}\t"
            f"{citizen.phone}\t{citizen.email if online else ''}\t{citizen.address}\t\t{text(d.created)}\t"
            f"{text(d.submitted)}\t{_t(text, received)}\t{_n(d.received_by)}\t{_t(text, due)}\t"
            f"{_t(text, original_due)}\t{_t(text, finished)}\t{_t(text, d.returned)}\t{outcome}\t"
            f"{_n(current_task)}\t{NULL}\t{_n(d.paused_from)}\t{d.rounds}\t{d.apologies}\t"
            f"{_t(text, d.withdrawal_at)}\t{d.fee}\t{fees_paid}\t{immediate}\tf\t{_n(d.rating)}\t\t"
            f"{text(d.last)}\n"
        )


def _n(value: object) -> object:
    """A nullable value as COPY text: NULL's marker, or the value for the f-string."""
    return NULL if value is None else value


def _t(text: Callable[[int], str], wall: int | None) -> str:
    """A nullable moment as COPY text."""
    return NULL if wall is None else text(wall)


def _pick(values: list[int], rng: random.Random) -> int:
    return values[0] if len(values) == 1 else values[rng.randrange(len(values))]
