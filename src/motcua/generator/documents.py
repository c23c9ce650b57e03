"""Generated official documents: outgoing ones numbered per agency, year and series (Decree 30/2020), sent
inside MotCua to other agencies' incoming registers, and incoming ones from bodies outside the province.

Outgoing documents issued before the end of the period are dispatched (a few only issued); the last days
also hold drafts, documents in review and approved ones, which have no number yet. Arrival numbers are given
in arrival order per agency, year and series, so both registers are gap-free from 1 each year.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from motcua.agencies.models import AgencyKind
from motcua.catalog.parsing import fold
from motcua.core.errors import DomainError
from motcua.documents import numbering
from motcua.documents.edxml import ExchangeStatus
from motcua.documents.models import DocumentType, IssuerProfile
from motcua.documents.workflow import IncomingStatus, OutgoingStatus
from motcua.generator.sink import line
from motcua.generator.workclock import DAY, WorkClock
from motcua.generator.world import AgencyInfo, World

OUTGOING_COLUMNS = (
    "id", "agency_id", "status", "document_type_id", "symbol_unit", "subject", "content", "urgency",
    "confidentiality", "drafter_id", "drafting_unit_id", "signer_id", "signer_title", "reviewer_id",
    "external_recipients", "due_on", "reply_to_id", "corrects_id", "year", "series", "number",
    "number_symbol", "issued_at", "issued_by_id", "approved_at", "page_count", "signed_file",
    "dispatched_at", "created_at", "updated_at", "search_folded",
)  # fmt: skip
RECIPIENT_COLUMNS = (
    "id", "document_id", "agency_id", "organ_id", "organ_name", "delivery", "exchange_status", "status_at",
    "incoming_id",
)  # fmt: skip
INCOMING_COLUMNS = (
    "id", "agency_id", "status", "year", "series", "arrival_number", "arrived_at", "delivery",
    "sender_agency_id", "sender_name", "sender_organ_id", "external_id", "number_symbol", "issued_on",
    "type_name", "subject", "urgency", "confidentiality", "signer_name", "page_count", "file",
    "registered_by_id", "source_id", "lead_unit_id", "handler_id", "direction", "handling_due_on",
    "assigned_at", "completed_at", "search_folded",
)  # fmt: skip
DOCUMENT_EVENT_COLUMNS = (
    "id",
    "outgoing_id",
    "incoming_id",
    "action",
    "actor_id",
    "at",
    "note",
    "status_after",
)

# (type name, share, symbol unit for a công văn)
TYPES = (
    ("Công văn", 55),
    ("Quyết định (cá biệt)", 14),
    ("Thông báo", 8),
    ("Báo cáo", 8),
    ("Kế hoạch", 5),
    ("Tờ trình", 4),
    ("Giấy mời", 4),
    ("Hướng dẫn", 2),
)
SUBJECTS = (
    "V/v triển khai thực hiện thủ tục hành chính trên môi trường điện tử",
    "V/v báo cáo kết quả giải quyết thủ tục hành chính {period}",
    "V/v đôn đốc giải quyết hồ sơ quá hạn",
    "V/v tăng cường công tác cải cách hành chính {period}",
    "V/v số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "V/v phối hợp xác minh thông tin hộ tịch",
    "V/v tổ chức hội nghị sơ kết công tác {period}",
    "V/v góp ý dự thảo văn bản quy phạm pháp luật",
    "V/v chuẩn bị nội dung làm việc với đoàn kiểm tra",
    "Về việc phê duyệt kế hoạch {period}",
    "Về việc kiện toàn bộ phận tiếp nhận và trả kết quả",
    "Kết quả thực hiện chỉ số cải cách hành chính {period}",
)
OUTSIDE_BODIES = (
    ("000.00.00.G22", "Văn phòng Chính phủ", "VPCP"),
    ("000.00.00.G12", "Bộ Tư pháp", "BTP"),
    ("000.00.00.G09", "Bộ Nội vụ", "BNV"),
    ("000.00.00.G14", "Bộ Công an", "BCA"),
    ("000.00.00.G13", "Bộ Tài chính", "BTC"),
    ("000.00.00.G15", "Bộ Nông nghiệp và Môi trường", "BNNMT"),
)
_EXCHANGE = {
    IncomingStatus.REGISTERED: ExchangeStatus.REGISTERED,
    IncomingStatus.ASSIGNED: ExchangeStatus.ASSIGNED,
    IncomingStatus.IN_PROGRESS: ExchangeStatus.IN_PROGRESS,
    IncomingStatus.COMPLETED: ExchangeStatus.COMPLETED,
}
_COMMITTEES = (AgencyKind.PROVINCIAL_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE)


@dataclass(frozen=True)
class References:
    """What the document factory reads from the database, read before the generating process starts."""

    types: dict[str, DocumentType]
    symbols: dict[int, str]

    @classmethod
    def load(cls) -> References:
        return cls(
            types={t.name: t for t in DocumentType.objects.filter(name__in=[n for n, _ in TYPES])},
            symbols=dict(IssuerProfile.objects.values_list("agency_id", "symbol")),
        )


@dataclass
class Arrival:
    """An incoming document before its arrival number is known (numbered in arrival order)."""

    at: int
    agency_id: int
    confidential: bool
    row: list[object]  # INCOMING_COLUMNS, number fields filled in later
    events: list[tuple[object, ...]]


class DocumentFactory:
    """Documents as COPY lines in ``tables`` (table name -> lines): outgoing ones, their events and
    recipients as they are made, incoming ones once numbered (``number_arrivals``)."""

    def __init__(
        self,
        *,
        world: World,
        clock: WorkClock,
        rng: random.Random,
        ids: dict[str, int],
        sequences: dict[tuple[int, int, str, str], int],
        as_of: int,
        tables: dict[str, list[str]],
        references: References,
    ) -> None:
        self.world, self.clock, self.rng, self.ids = world, clock, rng, ids
        self.sequences, self.as_of, self.tables = sequences, as_of, tables
        self.types = references.types
        self._type_names = [n for n, _ in TYPES if n in self.types]
        self._type_cum: list[int] = []
        total = 0
        for name, share in TYPES:
            if name in self.types:
                total += share
                self._type_cum.append(total)
        self.symbols = references.symbols
        self.arrivals: list[Arrival] = []
        self._checked: dict[int, str] = {}
        self._offices_on: dict[dt.date, tuple[list[AgencyInfo], list[float]]] = {}

    def make(self, count: int, offices: list[AgencyInfo], days: list[int]) -> int:
        """``count`` documents over working days ``days``: outgoing ones (with their arrivals inside the
        province) in issue order, then incoming ones from outside; returns how many outgoing were made."""
        rng, clock = self.rng, self.clock
        per_day = clock.per_day
        outgoing = round(count * 0.45)
        moments = sorted(
            rng.randint(days[0] * per_day, (days[-1] + 1) * per_day - 1) for _ in range(outgoing)
        )
        made = 0
        for work in moments:
            valid, cumulative = self._offices(offices, clock.dates[clock.work_day(work // per_day)])
            agency = rng.choices(valid, cum_weights=cumulative)[0]
            many = rng.choices((0, 1, 2, 3), cum_weights=(35, 75, 90, 100))[0]
            chosen = rng.choices(valid, cum_weights=cumulative, k=many)
            recipients = {a.id: a for a in chosen if a.id != agency.id}
            self.outgoing(work, agency, list(recipients.values()))
            made += 1
            if made + len(self.arrivals) >= count:
                break
        external = max(count - made - len(self.arrivals), 0)
        for work in sorted(
            rng.randint(days[0] * per_day, (days[-1] + 1) * per_day - 1) for _ in range(external)
        ):
            valid, cumulative = self._offices(offices, clock.dates[clock.work_day(work // per_day)])
            self.incoming_from_outside(work, rng.choices(valid, cum_weights=cumulative)[0])
        self.number_arrivals()
        return made

    def _offices(self, offices: list[AgencyInfo], day: dt.date) -> tuple[list[AgencyInfo], list[float]]:
        """The offices that exist on ``day`` and their cumulative weights (busier offices write more)."""
        found = self._offices_on.get(day)
        if found is None:
            valid = [a for a in offices if _valid(a, day)]
            found = self._offices_on[day] = (valid, list(itertools.accumulate(map(_office_weight, valid))))
        return found

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def symbol(self, agency: AgencyInfo) -> str:
        """The issuer profile's symbol, or one made as the demo makes them (checked against Decree 30)."""
        if agency.id in self._checked:
            return self._checked[agency.id]
        found = self.symbols.get(agency.id)
        if not found:
            raw = "UBND" if agency.kind in _COMMITTEES else (agency.short_name or "VP")
            found = "".join(ch for ch in raw.upper() if ch.isalnum() or ch == "-")[:20] or "VP"
        try:
            numbering.number_symbol(
                number=1, type_abbreviation="QĐ", issuer=found, unit="", year=2026, legal_normative=False
            )
        except DomainError:
            found = "VP"  # letters the symbol grammar reads otherwise (TTR would be Tờ trình)
        self._checked[agency.id] = found
        return found

    def _official(self, agency_id: int, role: str) -> int:
        return self.world.officials[agency_id][role][0]

    # -- outgoing -----------------------------------------------------------------------------------------

    def outgoing(self, issued_work: int, agency: AgencyInfo, recipients: list[AgencyInfo]) -> None:
        """One document issued at ``issued_work`` (calls come in issue order, so numbers follow dates)."""
        rng, clock = self.rng, self.clock
        text = clock.text
        per_day = clock.per_day
        type_name = rng.choices(self._type_names, cum_weights=self._type_cum)[0]
        doc_type = self.types[type_name]
        approved_work = issued_work - rng.randint(600, per_day // 2)
        submitted_work = approved_work - rng.randint(1800, 2 * per_day)
        at_work = max(submitted_work - rng.randint(1800, per_day), 0)
        created = clock.wall(at_work)
        year_text = clock.date_text(created)[:4]
        period = rng.choice(
            (f"năm {year_text}", f"quý {rng.randint(1, 4)} năm {year_text}", "6 tháng đầu năm")
        )
        subject = rng.choice(SUBJECTS).format(period=period)
        if type_name != "Công văn" and subject.startswith("V/v "):
            subject = subject[4:].capitalize()
        confidential = rng.random() < 0.01
        urgency = rng.choices(("thuong", "khan", "thuong_khan", "hoa_toc"), cum_weights=(85, 96, 99, 100))[0]
        drafter = self._official(agency.id, "specialist")
        signer = self._official(agency.id, "agency_leader")
        clerk = self._official(agency.id, "clerk")
        head = self._official(agency.id, "head_of_unit")
        dispatched_work = issued_work + rng.randint(300, 2 * 3600)
        steps = [
            (created, drafter, "create", OutgoingStatus.DRAFT),
            (clock.wall(submitted_work), drafter, "submit", OutgoingStatus.IN_REVIEW),
            (clock.wall(approved_work), signer, "approve", OutgoingStatus.APPROVED),
            (clock.wall(issued_work), clerk, "issue", OutgoingStatus.ISSUED),
        ]
        electronic = [] if confidential else recipients
        if electronic or rng.random() < 0.9:
            steps.append((clock.wall(dispatched_work), clerk, "dispatch", OutgoingStatus.DISPATCHED))
        if self.as_of - created < 5 * DAY and rng.random() < 0.5:
            steps = steps[: rng.randint(1, 3)]  # still a draft, in review or approved: no number yet
        steps = [step for step in steps if step[0] <= self.as_of]
        status = steps[-1][3]
        doc_id = self._next("outgoing")
        issued = steps[3][0] if len(steps) > 3 else None
        number = year = None
        number_symbol = ""
        series = "confidential" if confidential else "regular"
        unit = "VP" if type_name == "Công văn" else ""
        if issued is not None:
            year = int(clock.date_text(issued)[:4])
            key = (agency.id, year, "outgoing", series)
            number = self.sequences.get(key, 0) + 1
            self.sequences[key] = number
            number_symbol = numbering.number_symbol(
                number=number,
                type_abbreviation=doc_type.abbreviation,
                issuer=self.symbol(agency),
                unit=unit,
                year=year,
                legal_normative=doc_type.is_legal_normative,
            )
        dispatched = steps[4][0] if len(steps) > 4 else None
        external = "" if rng.random() < 0.7 else "Lưu: VT"
        folded = fold(" ".join(p for p in (number_symbol, subject, agency.name, type_name) if p))
        self.tables["outgoing"].append(
            line(
                doc_id,
                agency.id,
                status,
                doc_type.pk,
                unit,
                subject,
                "",
                urgency,
                "mat" if confidential else "thuong",
                drafter,
                None,
                signer,
                "Thủ trưởng cơ quan",
                head if status == OutgoingStatus.IN_REVIEW else None,
                external,
                None,
                None,
                None,
                year,
                series,
                number,
                number_symbol,
                text(issued) if issued else None,
                clerk if issued else None,
                text(steps[2][0]) if len(steps) > 2 else None,
                rng.randint(1, 6) if issued else None,
                f"documents/signed/{year}/{agency.identifier}-{year}-{number}.pdf" if issued else "",
                text(dispatched) if dispatched else None,
                text(created),
                text(steps[-1][0]),
                folded,
            )
        )
        for at, actor, action, after in steps:
            self.tables["document_event"].append(
                line(self._next("document_event"), doc_id, None, action, actor, text(at), "", after)
            )
        if dispatched is None:
            return
        made: list[list[object]] = []
        for recipient in electronic if not confidential else recipients:
            row: list[object] = [
                self._next("recipient"), doc_id, recipient.id, recipient.identifier[:13], recipient.name,
                "paper" if confidential else "internal", "", None, None,
            ]  # fmt: skip
            made.append(row)
            if confidential:
                continue
            issued_on = clock.date_text(issued)  # type: ignore[arg-type]
            self._arrival(
                at=dispatched,
                agency=recipient,
                delivery="internal",
                sender=agency,
                sender_name=agency.name,
                sender_organ=agency.identifier[:13],
                number_symbol=number_symbol,
                issued_on=issued_on,
                type_name=type_name,
                subject=subject,
                urgency=urgency,
                source=doc_id,
                recipient=row,
            )
        # The arrivals have filled in the incoming ids and statuses.
        self.tables["recipient"].extend(line(*row) for row in made)

    # -- incoming -----------------------------------------------------------------------------------------

    def incoming_from_outside(self, at_work: int, agency: AgencyInfo) -> None:
        rng, clock = self.rng, self.clock
        organ, name, abbreviation = rng.choice(OUTSIDE_BODIES)
        arrived = clock.wall(at_work)
        year = clock.date_text(arrived)[:4]
        type_name = rng.choice(("Công văn", "Công văn", "Thông báo", "Quyết định (cá biệt)"))
        number = rng.randint(1, 9000)
        symbol = (
            f"{number:02d}/{abbreviation}-VP"
            if type_name == "Công văn"
            else f"{number:02d}/QĐ-{abbreviation}"
        )
        issued_on = clock.dates[max(arrived // DAY - rng.randint(1, 6), 0)].isoformat()
        period = f"năm {year}"
        self._arrival(
            at=arrived,
            agency=agency,
            delivery=rng.choice(("edxml", "edxml", "paper")),
            sender=None,
            sender_name=name,
            sender_organ=organ,
            number_symbol=symbol,
            issued_on=issued_on,
            type_name=type_name,
            subject=rng.choice(SUBJECTS).format(period=period),
            urgency=rng.choices(("thuong", "khan", "thuong_khan"), cum_weights=(85, 97, 100))[0],
            source=None,
            recipient=None,
            confidential=rng.random() < 0.01,
        )

    def _arrival(
        self,
        *,
        at: int,
        agency: AgencyInfo,
        delivery: str,
        sender: AgencyInfo | None,
        sender_name: str,
        sender_organ: str,
        number_symbol: str,
        issued_on: str,
        type_name: str,
        subject: str,
        urgency: str,
        source: int | None,
        recipient: list[object] | None,
        confidential: bool = False,
    ) -> None:
        rng, clock = self.rng, self.clock
        text = clock.text
        per_day = clock.per_day
        work = clock.work(at)
        clerk = self._official(agency.id, "clerk")
        leader = self._official(agency.id, "agency_leader")
        handler = self._official(agency.id, "specialist")
        assigned = clock.wall(work + rng.randint(600, per_day))
        completed = clock.wall(work + rng.randint(per_day, 10 * per_day))
        due_on = clock.date_text(clock.wall(work + 7 * per_day))
        events: list[tuple[object, ...]] = []
        status = IncomingStatus.REGISTERED
        doc_id = self._next("incoming")
        registrar = clerk if delivery != "internal" else None  # inside MotCua the system registers it
        events.append((None, doc_id, "register", registrar, text(at), "", IncomingStatus.REGISTERED))
        if assigned <= self.as_of:
            status = IncomingStatus.ASSIGNED
            events.append((None, doc_id, "assign", leader, text(assigned), "Giao chuyên viên xử lý", status))
        if completed <= self.as_of and status == IncomingStatus.ASSIGNED:
            status = IncomingStatus.COMPLETED
            events.append((None, doc_id, "complete", handler, text(completed), "", status))
        events = [(self._next("document_event"), None, e[1], e[2], e[3], e[4], e[5], e[6]) for e in events]
        folded = fold(" ".join(p for p in (number_symbol, subject, sender_name, type_name) if p))
        row: list[object] = [
            doc_id, agency.id, status, None, "confidential" if confidential else "regular", None, text(at),
            delivery, sender.id if sender else None, sender_name, sender_organ, "", number_symbol, issued_on,
            type_name, subject, urgency, "mat" if confidential else "thuong", "", rng.randint(1, 8), "",
            clerk if delivery != "internal" else None, source, None,
            handler if status != IncomingStatus.REGISTERED else None,
            "Giao chuyên viên xử lý" if status != IncomingStatus.REGISTERED else "",
            due_on if status != IncomingStatus.REGISTERED else None,
            text(assigned) if status != IncomingStatus.REGISTERED else None,
            text(completed) if status == IncomingStatus.COMPLETED else None, folded,
        ]  # fmt: skip
        if recipient is not None:
            recipient[6] = _EXCHANGE[status]
            recipient[7] = events[-1][5]
            recipient[8] = doc_id
        self.arrivals.append(Arrival(at, agency.id, confidential, row, events))

    def number_arrivals(self) -> None:
        """Arrival numbers in arrival order per agency, year and series; rows into the tables."""
        self.arrivals.sort(key=lambda a: (a.at, int(a.row[0])))  # type: ignore[call-overload]
        for arrival in self.arrivals:
            year = int(self.clock.date_text(arrival.at)[:4])
            series = "confidential" if arrival.confidential else "regular"
            key = (arrival.agency_id, year, "incoming", series)
            number = self.sequences.get(key, 0) + 1
            self.sequences[key] = number
            arrival.row[3] = year
            arrival.row[5] = number
            self.tables["incoming"].append(line(*arrival.row))
            self.tables["document_event"].extend(line(*event) for event in arrival.events)
        self.arrivals.clear()


_OFFICE_WEIGHTS = {
    AgencyKind.PROVINCIAL_COMMITTEE: 12.0,
    AgencyKind.DEPARTMENT: 4.0,
    AgencyKind.DISTRICT_COMMITTEE: 3.0,
    AgencyKind.COMMUNE_COMMITTEE: 1.0,
}


def _valid(agency: AgencyInfo, day: dt.date) -> bool:
    return (agency.valid_from is None or agency.valid_from <= day) and (
        agency.valid_to is None or day <= agency.valid_to
    )


def _office_weight(agency: AgencyInfo) -> float:
    return _OFFICE_WEIGHTS.get(AgencyKind(agency.kind), 1.0)
