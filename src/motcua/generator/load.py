"""``generate()``: realistic dossiers and documents on the demo province, bulk-loaded.

Usable from code (the reports benchmark calls it) and through ``motcua generate``. Rows are built in Python
from one seeded ``random.Random`` (the same seed and arguments on the same database give the same rows) and
written with PostgreSQL COPY, or with batched INSERTs on SQLite. The run refuses to start when generated
data are already there (unless ``append``) and when the demo has not been loaded.

How a large run stays fast (1 M dossiers and their 18 M rows):

* one process generates the rows as COPY text (``producer``, forked) while this one streams them into
  PostgreSQL: Python and the database each keep a core busy;
* on PostgreSQL, the secondary indexes of the tables the run at least doubles are dropped before the load
  and built again after it (``indexes``), the foreign-key triggers are skipped for a superuser;
* everything, from the run's record to the rebuilt indexes and the report aggregates, is one transaction:
  a run that fails or is killed leaves the database as it was.

Run it while the application is stopped: ids are given by the generator and sequences are moved past them
at the end, and the tables whose indexes are rebuilt stay locked until the run commits.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db import connection, transaction
from django.db.models import Model

from motcua.accounts.models import User
from motcua.agencies.models import AgencyKind
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    RegisterSequence,
)
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    DossierPause,
    DossierSequence,
    DossierTask,
)
from motcua.generator import indexes, sink
from motcua.generator.documents import (
    DOCUMENT_EVENT_COLUMNS,
    INCOMING_COLUMNS,
    OUTGOING_COLUMNS,
    RECIPIENT_COLUMNS,
    DocumentFactory,
    References,
)
from motcua.generator.dossiers import (
    DOSSIER_COLUMNS,
    EVENT_COLUMNS,
    FILE_COLUMNS,
    PAUSE_COLUMNS,
    TASK_COLUMNS,
    DossierFactory,
)
from motcua.generator.models import GeneratorRun
from motcua.generator.people import USER_COLUMNS, make_citizens
from motcua.generator.producer import Producer
from motcua.generator.workclock import DAY, WorkClock
from motcua.generator.world import AgencyInfo, World, ensure_officials, load_world
from motcua.reports.aggregates import stats_rebuild
from motcua.worktime.selectors import work_calendar

DEFAULT_YEARS = 3
DEFAULT_BATCH = 10_000
CHUNK_LINES = 200_000  # citizens and documents, made all at once, are sent in batches of this many rows
CITIZENS_PER_DOSSIER = 1 / 3

Progress = Callable[[str], None]
IndexPolicy = Literal["auto", "rebuild", "keep"]

#: table key -> (model, columns of its COPY lines)
TABLES: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "user": (User, USER_COLUMNS),
    "dossier": (Dossier, DOSSIER_COLUMNS),
    "task": (DossierTask, TASK_COLUMNS),
    "event": (DossierEvent, EVENT_COLUMNS),
    "pause": (DossierPause, PAUSE_COLUMNS),
    "file": (DossierFile, FILE_COLUMNS),
    "outgoingdocument": (OutgoingDocument, OUTGOING_COLUMNS),
    # Recipients point at incoming rows: the incoming register is written before them.
    "incomingdocument": (IncomingDocument, INCOMING_COLUMNS),
    "outgoingrecipient": (OutgoingRecipient, RECIPIENT_COLUMNS),
    "documentevent": (DocumentEvent, DOCUMENT_EVENT_COLUMNS),
}
DOSSIER_TABLES = ("dossier", "task", "event", "pause", "file")
DOCUMENT_TABLES = ("outgoingdocument", "incomingdocument", "outgoingrecipient", "documentevent")
#: table key -> the document factory's name for it
_DOCUMENT_KEYS = {
    "outgoingdocument": "outgoing",
    "incomingdocument": "incoming",
    "outgoingrecipient": "recipient",
    "documentevent": "document_event",
}


class GeneratedDataError(DomainError):
    code = "generated_data_present"


class InvalidArgumentsError(DomainError):
    code = "invalid_arguments"


@dataclass
class GenerateReport:
    run_id: int
    start: dt.date
    end: dt.date
    dossiers: int = 0
    documents: int = 0
    citizens: int = 0
    officials: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    stat_rows: int = 0
    #: phases as this process saw them: dossiers, indexes_dossiers, documents, indexes_documents (the
    #: generating process makes the documents while the dossier indexes are built), load, stats, analyze,
    #: total
    seconds: dict[str, float] = field(default_factory=dict)
    #: the indexes and unique constraints dropped for the load and built again
    indexes_rebuilt: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last three years up to yesterday: the last whole day, so nothing generated lies in the future."""
    end = (today or clock.today()) - dt.timedelta(days=1)
    try:
        start = end.replace(year=end.year - DEFAULT_YEARS) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        start = end.replace(year=end.year - DEFAULT_YEARS, day=28) + dt.timedelta(days=1)
    return start, end


def generate(
    *,
    dossiers: int,
    documents: int = 0,
    seed: int = 1,
    start: dt.date | None = None,
    end: dt.date | None = None,
    append: bool = False,
    stats: bool = True,
    batch: int = DEFAULT_BATCH,
    progress: Progress = print,
    check_foreign_keys: bool = False,
    indexes_policy: IndexPolicy = "auto",
    parallel: bool = True,
) -> GenerateReport:
    """Generate ``dossiers`` dossiers (with histories) and ``documents`` official documents.

    On PostgreSQL as a superuser the foreign-key triggers are skipped while copying (they would triple the
    time) unless ``check_foreign_keys``; the tests keep them on. ``indexes_policy``: "auto" drops and
    rebuilds a table group's secondary indexes when the run at least doubles it, "rebuild" always, "keep"
    never. ``parallel``: generate in a second process (PostgreSQL; where ``fork`` exists).
    """
    default_start, default_end = default_period()
    end = end or default_end
    start = start or (default_start if end == default_end else end - dt.timedelta(days=365 * DEFAULT_YEARS))
    _check_arguments(dossiers, documents, start, end)
    if GeneratorRun.objects.exists() and not append:
        runs = GeneratorRun.objects.count()
        raise GeneratedDataError(
            f"Cơ sở dữ liệu đã có dữ liệu sinh tự động ({runs} lần chạy). Dùng --append để sinh thêm, "
            "hoặc dựng lại cơ sở dữ liệu (migrate, load_demo) để sinh từ đầu."
        )
    world = load_world()
    began = time.perf_counter()
    with transaction.atomic():
        run = GeneratorRun.objects.create(
            seed=seed,
            parameters={
                "dossiers": dossiers,
                "documents": documents,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "append": append,
            },
            started_at=clock.now(),
        )
        report = GenerateReport(run_id=run.pk, start=start, end=end)
        work_clock = WorkClock(
            work_calendar(),
            start - dt.timedelta(days=30),
            end + dt.timedelta(days=400),
            utc_text=not sink.is_postgresql(),
        )
        loader = _Loader(
            world=world,
            clock=work_clock,
            rng=random.Random(seed),
            as_of=(work_clock.day_index(end) + 1) * DAY - 1,
            report=report,
            batch=batch,
            progress=progress,
            trust=not check_foreign_keys and sink.can_skip_foreign_key_checks(),
        )
        dossier_plan = loader.plan_dossiers(run.pk, dossiers, start, end) if dossiers else None
        document_plan = loader.plan_documents(documents, start, end) if documents else None
        loader.load(dossier_plan, document_plan, indexes_policy, parallel=parallel and sink.is_postgresql())
        written: list[type[Model]] = [model for model, _ in TABLES.values()]
        written += [DossierSequence, RegisterSequence]
        for model in written:
            sink.reset_sequence(model)
        report.seconds["load"] = round(time.perf_counter() - began, 2)
        if stats:
            moment = time.perf_counter()
            progress("Dựng lại số liệu tổng hợp theo ngày (báo cáo)")
            report.stat_rows = stats_rebuild()
            report.seconds["stats"] = round(time.perf_counter() - moment, 2)
        run.finished_at = clock.now()
        run.dossiers, run.documents, run.citizens = report.dossiers, report.documents, report.citizens
        run.save(update_fields=["finished_at", "dossiers", "documents", "citizens"])
    moment = time.perf_counter()
    _analyze(progress)
    report.seconds["analyze"] = round(time.perf_counter() - moment, 2)
    report.seconds["total"] = round(time.perf_counter() - began, 2)
    return report


def _check_arguments(dossiers: int, documents: int, start: dt.date, end: dt.date) -> None:
    if dossiers < 0 or documents < 0:
        raise InvalidArgumentsError("Số hồ sơ và số văn bản không được âm.")
    if start > end:
        raise InvalidArgumentsError("Ngày bắt đầu phải trước ngày kết thúc.")
    if end >= clock.today():
        raise InvalidArgumentsError("Ngày kết thúc phải trước hôm nay (dữ liệu sinh không được ở tương lai).")


# -- what the generating process needs, read from the database before it starts -----------------------------


@dataclass
class DossierPlan:
    """Everything the dossier side of the generating process needs (read or made in this process)."""

    factory: DossierFactory
    run_id: int
    count: int
    citizens: int
    first_citizen_id: int
    addresses: list[str]
    taken_ids: set[str]
    taken_phones: set[str]
    joined_text: str
    #: working day numbers of the period and how many dossiers each gets
    days: list[int]
    counts: list[int]
    sequences_before: dict[tuple[int, dt.date], int]


@dataclass
class DocumentPlan:
    """Everything the document side of the generating process needs."""

    factory: DocumentFactory
    count: int
    offices: list[AgencyInfo]
    days: list[int]
    sequences_before: dict[tuple[int, int, str, str], int]


# -- what it sends back ------------------------------------------------------------------------------------


@dataclass
class Batch:
    """Rows to write now, in one COPY per table."""

    #: (table key, COPY text, lines) in writing order
    blocks: list[tuple[str, bytes, int]]
    dossiers: int = 0  # made so far
    day: dt.date | None = None


@dataclass
class DossiersDone:
    """Every dossier row has been sent: the codes' sequences to store, the indexes to build."""

    made: int
    sequences: list[tuple[int, dt.date, int]]  # (agency, day, last number) changed by the run


@dataclass
class DocumentsDone:
    """Every document row has been sent: the registers' sequences to store."""

    made: int
    outgoing: int
    sequences: list[tuple[int, int, str, str, int]]


Item = Batch | DossiersDone | DocumentsDone


class _Loader:
    """Plans in this process, generates in the other (``_produce`` and below), writes here (``load``)."""

    def __init__(
        self,
        *,
        world: World,
        clock: WorkClock,
        rng: random.Random,
        as_of: int,
        report: GenerateReport,
        batch: int,
        progress: Progress,
        trust: bool,
    ) -> None:
        self.world, self.clock, self.rng, self.as_of = world, clock, rng, as_of
        self.report, self.batch, self.progress, self.trust = report, batch, progress, trust
        self.tables = {key: sink.Table(model, columns) for key, (model, columns) in TABLES.items()}
        self.ids = {key: sink.next_id(table.model) for key, table in self.tables.items() if key != "user"}

    # -- before the generating process starts ------------------------------------------------------------

    def plan_dossiers(self, run_id: int, count: int, start: dt.date, end: dt.date) -> DossierPlan:
        clock_ = self.clock
        first, last = clock_.day_index(start), clock_.day_index(end)
        days = [k for k, day in enumerate(clock_.working) if first <= day <= last]
        if not days:
            raise InvalidArgumentsError("Khoảng thời gian không có ngày làm việc nào.")
        sequences = {
            (agency, day): number
            for agency, day, number in DossierSequence.objects.values_list("agency_id", "day", "last_number")
        }
        factory = DossierFactory(
            world=self.world,
            clock=clock_,
            rng=self.rng,
            citizens=[],
            ids=self.ids,
            sequences=sequences,
            as_of=self.as_of,
            tables={key: self.tables[key].lines for key in DOSSIER_TABLES},
            start=start,
            end=end,
        )
        self.report.officials += ensure_officials(self.world, factory.agencies_used())
        citizens = self.report.citizens = max(20, int(count * CITIZENS_PER_DOSSIER))
        first_citizen = sink.next_id(User)
        # Officials made later (for the documents) take ids after the citizens'.
        sink.reserve_ids(User, first_citizen + citizens - 1)
        communes = [
            a.name.replace("UBND ", "").replace("Ủy ban nhân dân ", "")
            for a in self.world.agencies.values()
            if a.kind == AgencyKind.COMMUNE_COMMITTEE and a.valid_from is not None
        ] or ["Lạng Sơn"]
        return DossierPlan(
            factory=factory,
            run_id=run_id,
            count=count,
            citizens=citizens,
            first_citizen_id=first_citizen,
            addresses=[f"{name}, tỉnh Lạng Sơn" for name in sorted(communes)],
            taken_ids={n for n in User.objects.values_list("id_number", flat=True) if n},
            taken_phones={n for n in User.objects.values_list("phone", flat=True) if n},
            joined_text=clock_.text(clock_.day_index(start) * DAY),
            days=days,
            counts=_spread(count, _day_weights(clock_, days)),
            sequences_before=dict(sequences),
        )

    def plan_documents(self, count: int, start: dt.date, end: dt.date) -> DocumentPlan:
        sequences = {
            (agency, year, kind, series): number
            for agency, year, kind, series, number in RegisterSequence.objects.values_list(
                "agency_id", "year", "kind", "series", "last_number"
            )
        }
        offices = [
            a
            for a in self.world.agencies.values()
            if a.kind != AgencyKind.SERVICE_CENTRE
            and (a.valid_to is None or a.valid_to >= start)
            and (a.valid_from is None or a.valid_from <= end)
        ]
        self.report.officials += ensure_officials(self.world, {a.id for a in offices})
        first, last = self.clock.day_index(start), self.clock.day_index(end)
        factory = DocumentFactory(
            world=self.world,
            clock=self.clock,
            rng=self.rng,  # replaced by its own stream when the documents' turn comes
            ids={name: self.ids[key] for key, name in _DOCUMENT_KEYS.items()},
            sequences=sequences,
            as_of=self.as_of,
            tables={name: self.tables[key].lines for key, name in _DOCUMENT_KEYS.items()},
            references=References.load(),
        )
        return DocumentPlan(
            factory=factory,
            count=count,
            offices=offices,
            days=[k for k, day in enumerate(self.clock.working) if first <= day <= last],
            sequences_before=dict(sequences),
        )

    # -- the load ----------------------------------------------------------------------------------------

    def load(
        self,
        dossiers: DossierPlan | None,
        documents: DocumentPlan | None,
        policy: IndexPolicy,
        *,
        parallel: bool,
    ) -> None:
        groups = {
            "dossiers": self._droppable(("user", *DOSSIER_TABLES), dossiers, policy),
            "documents": self._droppable(DOCUMENT_TABLES, documents, policy),
        }
        for dropped in groups.values():
            indexes.drop(dropped)
            self.report.indexes_rebuilt += [item.name for item in dropped]
        report, progress = self.report, self.progress
        for key in TABLES:
            report.rows[key] = 0
        if self.trust:
            self._execute("SET LOCAL session_replication_role = replica")
        moment = time.perf_counter()
        if dossiers:
            progress(
                f"Sinh {dossiers.count:,} hồ sơ trên {len(dossiers.days)} ngày làm việc, "
                f"{report.start} – {report.end}"
            )
        elif documents:
            progress(f"Sinh {documents.count:,} văn bản đi, đến")
        socket = [connection.connection.fileno()] if parallel else []
        with Producer(
            lambda: self._produce(dossiers, documents), parallel=parallel, close_in_child=socket
        ) as items:
            for item in items:
                if isinstance(item, Batch):
                    self._write(item)
                    if item.day is not None and dossiers:
                        elapsed = time.perf_counter() - moment
                        progress(
                            f"  {item.dossiers:,}/{dossiers.count:,} hồ sơ ({item.day}), "
                            f"{report.total_rows:,} dòng, {item.dossiers / elapsed:,.0f} hồ sơ/giây"
                        )
                elif isinstance(item, DossiersDone):
                    report.dossiers = item.made
                    sink.upsert(DossierSequence, ("agency_id", "day"), ("agency_id", "day", "last_number"),
                                item.sequences)  # fmt: skip
                    report.rows["dossier_sequence"] = len(item.sequences)
                    report.seconds["dossiers"] = round(time.perf_counter() - moment, 2)
                    report.seconds["indexes_dossiers"] = self._restore(groups["dossiers"])
                    moment = time.perf_counter()
                    if documents:
                        progress(f"Sinh {documents.count:,} văn bản đi, đến")
                else:
                    report.documents = item.made
                    sink.upsert(RegisterSequence, ("agency_id", "year", "kind", "series"),
                                ("agency_id", "year", "kind", "series", "last_number"),
                                item.sequences)  # fmt: skip
                    report.rows["register_sequence"] = len(item.sequences)
                    report.seconds["documents"] = round(time.perf_counter() - moment, 2)
                    report.seconds["indexes_documents"] = self._restore(groups["documents"])
                    progress(f"  {item.made:,} văn bản ({item.outgoing:,} văn bản đi)")
        if self.trust:
            self._execute("SET LOCAL session_replication_role = origin")

    def _droppable(
        self, keys: Sequence[str], plan: DossierPlan | DocumentPlan | None, policy: IndexPolicy
    ) -> list[indexes.Dropped]:
        """The group's indexes to drop: on PostgreSQL, when asked, or when the run at least doubles it."""
        if plan is None or policy == "keep" or not sink.is_postgresql():
            return []
        if policy == "auto":
            model = Dossier if isinstance(plan, DossierPlan) else OutgoingDocument
            present = model.objects.count() + (0 if model is Dossier else IncomingDocument.objects.count())
            if plan.count < present:
                return []
        return indexes.droppable([self.tables[key].name for key in keys], keep_leading=["dossier_id"])

    def _restore(self, dropped: list[indexes.Dropped]) -> float:
        if not dropped:
            return 0.0
        moment = time.perf_counter()
        self.progress(f"Dựng lại {len(dropped)} chỉ mục")
        indexes.restore(dropped)
        return round(time.perf_counter() - moment, 2)

    def _write(self, batch: Batch) -> None:
        """One batch, table after table, in this transaction."""
        for key, block, lines in batch.blocks:
            sink.write(self.tables[key], block)
            self.report.rows[key] += lines
        if not self.trust and sink.is_postgresql():
            # Check the batch's deferred foreign keys now: at commit, millions of queued checks would
            # fill the memory.
            self._execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._execute("SET CONSTRAINTS ALL DEFERRED")

    @staticmethod
    def _execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    # -- in the generating process (no database) ----------------------------------------------------------

    def _produce(self, dossiers: DossierPlan | None, documents: DocumentPlan | None) -> Iterator[Item]:
        if dossiers:
            yield from self._dossiers(dossiers)
        if documents:
            yield from self._documents(documents)

    def _take(self, keys: Sequence[str]) -> list[tuple[str, bytes, int]]:
        blocks = []
        for key in keys:
            table = self.tables[key]
            if table.lines:
                lines = len(table.lines)
                blocks.append((key, "".join(table.lines).encode(), lines))
                table.lines.clear()
        return blocks

    def _chunks(self, keys: Sequence[str]) -> Iterator[Batch]:
        """The tables' lines in batches of at most ``CHUNK_LINES`` (a pipe message, a COPY statement)."""
        for key in keys:
            lines = self.tables[key].lines
            for at in range(0, len(lines), CHUNK_LINES):
                part = lines[at : at + CHUNK_LINES]
                yield Batch([(key, "".join(part).encode(), len(part))])
            lines.clear()

    def _dossiers(self, plan: DossierPlan) -> Iterator[Item]:
        factory = plan.factory
        citizens, lines = make_citizens(
            rng=random.Random(self.rng.random()),
            count=plan.citizens,
            first_id=plan.first_citizen_id,
            run=plan.run_id,
            addresses=plan.addresses,
            taken_ids=plan.taken_ids,
            taken_phones=plan.taken_phones,
            joined_text=plan.joined_text,
        )
        factory.citizens = citizens
        self.tables["user"].lines.extend(lines)
        yield from self._chunks(["user"])
        made = 0
        dossier_lines = self.tables["dossier"].lines
        last_position = len(plan.days) - 1
        for position, (k, n) in enumerate(zip(plan.days, plan.counts, strict=True)):
            if n:
                factory.day(k, n, 0.25 + 0.35 * position / max(last_position, 1))
                made += n
            if len(dossier_lines) >= self.batch or position == last_position:
                day = self.clock.dates[self.clock.work_day(k)]
                yield Batch(self._take(DOSSIER_TABLES), dossiers=made, day=day)
        changed = [
            (agency, day, number)
            for (agency, day), number in factory.sequences.items()
            if plan.sequences_before.get((agency, day)) != number
        ]
        yield DossiersDone(made=made, sequences=changed)

    def _documents(self, plan: DocumentPlan) -> Iterator[Item]:
        factory = plan.factory
        factory.rng = random.Random(self.rng.random())
        outgoing = factory.make(plan.count, plan.offices, plan.days)
        made = len(factory.tables["outgoing"]) + len(factory.tables["incoming"])
        yield from self._chunks(DOCUMENT_TABLES)
        changed = [
            (*key, number)
            for key, number in factory.sequences.items()
            if plan.sequences_before.get(key) != number
        ]
        yield DocumentsDone(made=made, outgoing=outgoing, sequences=changed)


def _day_weights(work_clock: WorkClock, days: list[int]) -> list[float]:
    """Mondays are busy, Fridays less; volumes grow over the years; the weeks after Tết peak."""
    weekday_factor = (1.15, 1.05, 1.0, 1.0, 0.85, 0.5, 0.5)
    weights = []
    boost_left = 0
    previous = None
    for position, k in enumerate(days):
        day_index = work_clock.work_day(k)
        if previous is not None and day_index - previous >= 5:
            boost_left = 10  # after Tết (or another long break) people queue
        previous = day_index
        factor = 1.6 if boost_left else 1.0
        boost_left = max(boost_left - 1, 0)
        trend = 1 + 0.3 * position / max(len(days) - 1, 1)
        weights.append(weekday_factor[work_clock.dates[day_index].weekday()] * trend * factor)
    return weights


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` exactly (largest remainders), without randomness."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[:short]:
        counts[i] += 1
    return counts


def _analyze(progress: Progress) -> None:
    """Fresh planner statistics (and, outside a transaction, the visibility map) after the bulk load."""
    if not sink.is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    progress("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
