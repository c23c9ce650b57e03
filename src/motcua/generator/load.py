"""``generate()``: realistic dossiers and documents on the demo province, bulk-loaded.

Usable from code (the reports benchmark calls it) and through ``motcua generate``. Rows are built in Python
from one seeded ``random.Random`` (the same seed and arguments on the same database give the same rows) and
written with PostgreSQL COPY in batches, or with batched INSERTs on SQLite. The run refuses to start when
generated data are already there (unless ``append``) and when the demo has not been loaded.

Run it while the application does not write: ids are given by the generator and sequences are moved past
them at the end.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
from motcua.generator import sink
from motcua.generator.documents import (
    DOCUMENT_EVENT_COLUMNS,
    INCOMING_COLUMNS,
    OUTGOING_COLUMNS,
    RECIPIENT_COLUMNS,
    DocumentFactory,
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
from motcua.generator.workclock import DAY, WorkClock
from motcua.generator.world import AgencyInfo, World, ensure_officials, load_world
from motcua.reports.aggregates import stats_rebuild
from motcua.worktime.selectors import work_calendar

DEFAULT_YEARS = 3
DEFAULT_BATCH = 20_000
CITIZENS_PER_DOSSIER = 1 / 3

Progress = Callable[[str], None]


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
    seconds: dict[str, float] = field(default_factory=dict)

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
) -> GenerateReport:
    """Generate ``dossiers`` dossiers (with histories) and ``documents`` official documents.

    On PostgreSQL as a superuser the foreign-key triggers are skipped while copying (they would triple the
    time) unless ``check_foreign_keys``; the tests keep them on.
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
    as_of = (work_clock.day_index(end) + 1) * DAY - 1
    rng = random.Random(seed)
    trust = not check_foreign_keys and sink.can_skip_foreign_key_checks()
    loader = _Loader(world, work_clock, rng, as_of, report, batch, progress, trust)
    if dossiers:
        loader.dossiers(run.pk, dossiers, start, end)
    if documents:
        loader.documents(documents, start, end)
    written: tuple[type[Model], ...] = (
        User, Dossier, DossierEvent, DossierPause, DossierFile, DossierTask, DossierSequence,
        OutgoingDocument, OutgoingRecipient, IncomingDocument, DocumentEvent, RegisterSequence,
    )  # fmt: skip
    for model in written:
        sink.reset_sequence(model)
    report.seconds["load"] = round(time.perf_counter() - began, 2)
    if stats:
        moment = time.perf_counter()
        progress("Dựng lại số liệu tổng hợp theo ngày (báo cáo)")
        report.stat_rows = stats_rebuild()
        report.seconds["stats"] = round(time.perf_counter() - moment, 2)
    moment = time.perf_counter()
    _analyze(progress)
    report.seconds["analyze"] = round(time.perf_counter() - moment, 2)
    run.finished_at = clock.now()
    run.dossiers, run.documents, run.citizens = report.dossiers, report.documents, report.citizens
    run.save(update_fields=["finished_at", "dossiers", "documents", "citizens"])
    report.seconds["total"] = round(time.perf_counter() - began, 2)
    return report


def _check_arguments(dossiers: int, documents: int, start: dt.date, end: dt.date) -> None:
    if dossiers < 0 or documents < 0:
        raise InvalidArgumentsError("Số hồ sơ và số văn bản không được âm.")
    if start > end:
        raise InvalidArgumentsError("Ngày bắt đầu phải trước ngày kết thúc.")
    if end >= clock.today():
        raise InvalidArgumentsError("Ngày kết thúc phải trước hôm nay (dữ liệu sinh không được ở tương lai).")


class _Loader:
    def __init__(
        self,
        world: World,
        work_clock: WorkClock,
        rng: random.Random,
        as_of: int,
        report: GenerateReport,
        batch: int,
        progress: Progress,
        trust_foreign_keys: bool,
    ) -> None:
        self.world, self.clock, self.rng, self.as_of = world, work_clock, rng, as_of
        self.report, self.batch, self.progress = report, batch, progress
        self.trust = trust_foreign_keys
        self.ids: dict[str, int] = {}

    # -- dossiers -----------------------------------------------------------------------------------------

    def dossiers(self, run_id: int, count: int, start: dt.date, end: dt.date) -> None:
        clock_ = self.clock
        moment = time.perf_counter()
        tables = {
            "user": sink.Table(User, USER_COLUMNS),
            "dossier": sink.Table(Dossier, DOSSIER_COLUMNS),
            "task": sink.Table(DossierTask, TASK_COLUMNS),
            "event": sink.Table(DossierEvent, EVENT_COLUMNS),
            "pause": sink.Table(DossierPause, PAUSE_COLUMNS),
            "file": sink.Table(DossierFile, FILE_COLUMNS),
        }
        for name, table in tables.items():
            self.ids[name] = sink.next_id(table.model)
        sequences = {
            (agency, day): last
            for agency, day, last in DossierSequence.objects.values_list("agency_id", "day", "last_number")
        }
        before = dict(sequences)
        factory = DossierFactory(
            world=self.world,
            clock=clock_,
            rng=self.rng,
            citizens=[],
            ids=self.ids,
            sequences=sequences,
            as_of=self.as_of,
            tables={name: table.rows for name, table in tables.items()},
            start=start,
            end=end,
        )
        self.report.officials += ensure_officials(self.world, factory.agencies_used())
        self.ids["user"] = sink.next_id(User)
        factory.citizens = self._citizens(run_id, max(20, int(count * CITIZENS_PER_DOSSIER)), tables["user"])
        sink.flush([tables["user"]], trust_foreign_keys=self.trust)
        sink.reset_sequence(User)  # officials made later (for the documents) take ids after the citizens
        first, last = clock_.day_index(start), clock_.day_index(end)
        days = [k for k, day in enumerate(clock_.working) if first <= day <= last]
        if not days:
            raise InvalidArgumentsError("Khoảng thời gian không có ngày làm việc nào.")
        counts = _spread(count, _day_weights(clock_, days))
        order = [tables[n] for n in ("dossier", "task", "event", "pause", "file")]
        self.progress(f"Sinh {count:,} hồ sơ trên {len(days)} ngày làm việc, {start} – {end}")
        made = 0
        for position, (k, n) in enumerate(zip(days, counts, strict=True)):
            if n:
                factory.day(k, n, 0.25 + 0.35 * position / max(len(days) - 1, 1))
                made += n
            if len(tables["dossier"].rows) >= self.batch or position == len(days) - 1:
                sink.flush(order, trust_foreign_keys=self.trust)
                elapsed = time.perf_counter() - moment
                self.progress(
                    f"  {made:,}/{count:,} hồ sơ ({clock_.dates[clock_.work_day(k)]}), "
                    f"{sum(t.written for t in tables.values()):,} dòng, {made / elapsed:,.0f} hồ sơ/giây"
                )
        changed = [(key, value) for key, value in sequences.items() if before.get(key) != value]
        _upsert_dossier_sequences(changed)
        self.report.dossiers = made
        for name, table in tables.items():
            self.report.rows[name] = table.written
        self.report.rows["dossier_sequence"] = len(changed)
        self.report.seconds["dossiers"] = round(time.perf_counter() - moment, 2)

    def _citizens(self, run_id: int, count: int, table: sink.Table) -> list:  # type: ignore[type-arg]
        taken_ids = {n for n in User.objects.values_list("id_number", flat=True) if n}
        taken_phones = {n for n in User.objects.values_list("phone", flat=True) if n}
        communes = [
            a.name.replace("UBND ", "").replace("Ủy ban nhân dân ", "")
            for a in self.world.agencies.values()
            if a.kind == AgencyKind.COMMUNE_COMMITTEE and a.valid_from is not None
        ] or ["Lạng Sơn"]
        addresses = [f"{name}, tỉnh Lạng Sơn" for name in sorted(communes)]
        citizens, rows = make_citizens(
            rng=random.Random(self.rng.random()),
            count=count,
            first_id=self.ids["user"],
            run=run_id,
            addresses=addresses,
            taken_ids=taken_ids,
            taken_phones=taken_phones,
            joined_text=self.clock.text(self.clock.day_index(self.report.start) * DAY),
        )
        self.ids["user"] += count
        table.rows.extend(rows)
        self.report.citizens = count
        return citizens

    # -- documents ----------------------------------------------------------------------------------------

    def documents(self, count: int, start: dt.date, end: dt.date) -> None:
        moment = time.perf_counter()
        clock_, rng = self.clock, random.Random(self.rng.random())
        tables = {
            "outgoing": sink.Table(OutgoingDocument, OUTGOING_COLUMNS),
            "recipient": sink.Table(OutgoingRecipient, RECIPIENT_COLUMNS),
            "incoming": sink.Table(IncomingDocument, INCOMING_COLUMNS),
            "document_event": sink.Table(DocumentEvent, DOCUMENT_EVENT_COLUMNS),
        }
        for name, table in tables.items():
            self.ids[name] = sink.next_id(table.model)
        sequences = {
            (agency, year, kind, series): last
            for agency, year, kind, series, last in RegisterSequence.objects.values_list(
                "agency_id", "year", "kind", "series", "last_number"
            )
        }
        before = dict(sequences)
        offices = [
            a
            for a in self.world.agencies.values()
            if a.kind != AgencyKind.SERVICE_CENTRE
            and (a.valid_to is None or a.valid_to >= start)
            and (a.valid_from is None or a.valid_from <= end)
        ]
        self.report.officials += ensure_officials(self.world, {a.id for a in offices})
        rows = {name: table.rows for name, table in tables.items()}
        factory = DocumentFactory(
            world=self.world,
            clock=clock_,
            rng=rng,
            ids=self.ids,
            sequences=sequences,
            as_of=self.as_of,
            tables=rows,
        )
        first, last = clock_.day_index(start), clock_.day_index(end)
        per_day = clock_.per_day
        days = [k for k, day in enumerate(clock_.working) if first <= day <= last]
        outgoing = round(count * 0.45)
        moments = sorted(
            rng.randint(days[0] * per_day, (days[-1] + 1) * per_day - 1) for _ in range(outgoing)
        )
        self.progress(f"Sinh {count:,} văn bản đi, đến")
        made = 0
        for work in moments:
            day = clock_.dates[clock_.work_day(work // per_day)]
            valid = [a for a in offices if _valid(a, day)]
            weights = [_office_weight(a) for a in valid]
            agency = rng.choices(valid, weights=weights)[0]
            many = rng.choices((0, 1, 2, 3), cum_weights=(35, 75, 90, 100))[0]
            recipients = {a.id: a for a in rng.choices(valid, weights=weights, k=many) if a.id != agency.id}
            factory.outgoing(work, agency, list(recipients.values()))
            made += 1
            if made + len(factory.arrivals) >= count:
                break
        external = max(count - made - len(factory.arrivals), 0)
        for work in sorted(
            rng.randint(days[0] * per_day, (days[-1] + 1) * per_day - 1) for _ in range(external)
        ):
            day = clock_.dates[clock_.work_day(work // per_day)]
            valid = [a for a in offices if _valid(a, day)]
            factory.incoming_from_outside(
                work, rng.choices(valid, weights=[_office_weight(a) for a in valid])[0]
            )
        factory.number_arrivals()
        tables["recipient"].rows = rows["recipient"]
        # Recipients point at incoming rows: write the incoming register before them.
        order = [tables[n] for n in ("outgoing", "incoming", "recipient", "document_event")]
        total = len(tables["outgoing"].rows) + len(tables["incoming"].rows)
        for table in order:
            self.report.rows[table.name.split("_", 1)[1]] = len(table.rows)
        sink.flush(
            order, trust_foreign_keys=self.trust
        )  # one transaction: the deferred foreign keys between the tables hold at commit
        self.report.documents = total
        changed = [(key, value) for key, value in sequences.items() if before.get(key) != value]
        _upsert_register_sequences(changed)
        self.report.rows["register_sequence"] = len(changed)
        self.report.seconds["documents"] = round(time.perf_counter() - moment, 2)
        self.progress(f"  {total:,} văn bản ({made:,} văn bản đi)")


def _valid(agency: AgencyInfo, day: dt.date) -> bool:
    return (agency.valid_from is None or agency.valid_from <= day) and (
        agency.valid_to is None or day <= agency.valid_to
    )


_OFFICE_WEIGHTS = {
    AgencyKind.PROVINCIAL_COMMITTEE: 12.0,
    AgencyKind.DEPARTMENT: 4.0,
    AgencyKind.DISTRICT_COMMITTEE: 3.0,
    AgencyKind.COMMUNE_COMMITTEE: 1.0,
}


def _office_weight(agency: AgencyInfo) -> float:
    return _OFFICE_WEIGHTS.get(AgencyKind(agency.kind), 1.0)


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


def _upsert_dossier_sequences(rows: list[tuple[tuple[int, dt.date], int]]) -> None:
    table = DossierSequence._meta.db_table
    sql = (
        f"INSERT INTO {table} (agency_id, day, last_number) VALUES (%s, %s, %s) "
        "ON CONFLICT (agency_id, day) DO UPDATE SET last_number = EXCLUDED.last_number"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for at in range(0, len(rows), 5000):
            cursor.executemany(sql, [(a, d, n) for (a, d), n in rows[at : at + 5000]])


def _upsert_register_sequences(rows: list[tuple[tuple[int, int, str, str], int]]) -> None:
    table = RegisterSequence._meta.db_table
    sql = (
        f"INSERT INTO {table} (agency_id, year, kind, series, last_number) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT (agency_id, year, kind, series) DO UPDATE SET last_number = EXCLUDED.last_number"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, n) for key, n in rows])


def _analyze(progress: Progress) -> None:
    """Fresh planner statistics (and, outside a transaction, the visibility map) after the bulk load."""
    if not sink.is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    progress("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
