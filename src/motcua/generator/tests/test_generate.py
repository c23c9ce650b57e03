"""The generator on the demo province: its rows keep the project's own invariants, on PostgreSQL and SQLite.

A module fixture loads the curated demo and generates 2,000 dossiers and 300 documents over 2025 (the
two-tier reform of 1 July 2025 falls inside), with the foreign-key checks on; on PostgreSQL the rows are
made in a second process and the indexes rebuilt (the run more than doubles the demo's tables). Later runs
append inside a transaction rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from motcua.catalog.models import Component, ProcedureAssignment
from motcua.core import clock
from motcua.documents.models import IncomingDocument, OutgoingDocument, RegisterSequence
from motcua.documents.symbols import parse_number_symbol
from motcua.dossiers import deadlines
from motcua.dossiers.codes import parse_dossier_code
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    DossierPause,
    DossierSequence,
    DossierTask,
)
from motcua.dossiers.workflow import (
    FINISHED,
    KEEP,
    PROCESSED_WHEN_LAST,
    RESUME,
    Action,
    Status,
    find_transition,
)
from motcua.generator import sink
from motcua.generator.load import GeneratedDataError, generate
from motcua.generator.models import GeneratorRun
from motcua.generator.workclock import WorkClock
from motcua.generator.world import DemoMissingError
from motcua.reports.aggregates import stats_verify
from motcua.worktime.deadline import add_duration, classify_outcome
from motcua.worktime.selectors import work_calendar

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DOSSIERS, DOCUMENTS = 2000, 300


class _RollbackError(Exception):
    pass


@pytest.fixture(scope="module")
def generated(
    django_db_setup: Any, django_db_blocker: Any, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("generator-media")))
    with django_db_blocker.unblock(), media:
        call_command("load_demo", "--quiet", "--curated-only", "--data", str(shared_data))
        demo_dossiers = set(Dossier.objects.values_list("pk", flat=True))
        report = generate(
            dossiers=DOSSIERS,
            documents=DOCUMENTS,
            seed=7,
            start=START,
            end=END,
            progress=lambda _msg: None,
            check_foreign_keys=True,
        )
        report.demo_dossiers = demo_dossiers  # type: ignore[attr-defined]
        yield report
        call_command("flush", "--noinput")


pytestmark = pytest.mark.django_db


def _generated(report: Any) -> Any:
    return Dossier.objects.exclude(pk__in=report.demo_dossiers)


def test_it_makes_what_was_asked_with_plausible_shares(generated: Any) -> None:
    dossiers = _generated(generated)
    assert dossiers.count() == DOSSIERS == generated.dossiers
    citizens = get_user_model().objects.filter(username__startswith=f"g{generated.run_id}c")
    assert citizens.count() == generated.citizens > 0
    assert generated.documents == OutgoingDocument.objects.count() + IncomingDocument.objects.count() - 3
    statuses = Counter(dossiers.values_list("status", flat=True))
    finished = sum(n for status, n in statuses.items() if status in FINISHED)
    assert finished / DOSSIERS > 0.9
    outcomes = Counter(dossiers.exclude(outcome="").values_list("outcome", flat=True))
    resolved = sum(outcomes.values())
    assert 0.85 <= (outcomes["early"] + outcomes["on_time"]) / resolved <= 0.96
    assert outcomes["late"] > 0
    channels = Counter(dossiers.values_list("channel", flat=True))
    assert set(channels) == {1, 2, 3}
    popularity = Counter(dossiers.values_list("procedure__code", flat=True)).most_common()
    top = popularity[0][1]
    assert top > 4 * popularity[-1][1]  # a few procedures take most dossiers
    assert dossiers.filter(supplement_rounds=1).exists()
    assert dossiers.filter(supplement_rounds=2).count() < dossiers.filter(supplement_rounds=1).count()
    zone = clock.local_zone()
    calendar = work_calendar()
    for received in dossiers.exclude(received_at=None).values_list("received_at", flat=True)[:500]:
        local = received.astimezone(zone)
        assert calendar.is_office_time(local), local
        assert START <= local.date() <= END


def test_codes_are_valid_unique_gap_free_and_the_sequences_follow(generated: Any) -> None:
    numbers: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for code, identifier in Dossier.objects.values_list("code", "receiving_agency__identifier"):
        assert code is not None
        parsed = parse_dossier_code(code)
        assert parsed.agency_identifier == identifier
        numbers[(identifier, parsed.day)].append(parsed.number)
    for key, taken in numbers.items():
        assert sorted(taken) == list(range(1, len(taken) + 1)), key
    sequences = {
        (identifier, day): last
        for identifier, day, last in DossierSequence.objects.values_list(
            "agency__identifier", "day", "last_number"
        )
    }
    assert sequences == {key: len(taken) for key, taken in numbers.items()}


def _check_history(dossier: Dossier, events: list[DossierEvent]) -> None:
    assert events, dossier.code
    assert events[0].action in ("create", "register")
    previous: int | None = None
    for event in events:
        assert event.from_status == previous, (dossier.code, event.action)
        if event.action not in ("create", "register"):
            assert previous is not None
            row = find_transition(Action(event.action), Status(previous))
            assert row is not None, (dossier.code, event.action, previous)
            if row.target == KEEP:
                assert event.to_status == previous
            elif row.target == PROCESSED_WHEN_LAST:
                assert event.to_status in (previous, Status.PROCESSED)
            elif row.target == RESUME:
                assert event.to_status in (Status.NEW, Status.RECEIVED, Status.PROCESSING)
            else:
                assert event.to_status == row.target
        previous = event.to_status
    assert previous == dossier.status, dossier.code


def test_histories_follow_the_workflow_table_and_end_in_the_status(generated: Any) -> None:
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.order_by("dossier_id", "at", "pk"):
        events[event.dossier_id].append(event)
    pauses = Counter(DossierPause.objects.values_list("dossier_id", flat=True))
    open_pauses = set(DossierPause.objects.filter(ended_at=None).values_list("dossier_id", flat=True))
    for dossier in _generated(generated):
        _check_history(dossier, events[dossier.pk])
        assert (dossier.status in FINISHED) == (dossier.finished_at is not None), dossier.code
        assert (dossier.status == Status.RETURNED) == (dossier.returned_at is not None)
        if dossier.finished_at and dossier.received_at:
            assert dossier.finished_at >= dossier.received_at
        if dossier.returned_at:
            assert dossier.finished_at is not None
            assert dossier.returned_at >= dossier.finished_at
        assert pauses[dossier.pk] == dossier.supplement_rounds
        assert (dossier.pk in open_pauses) == (dossier.status == Status.SUPPLEMENT_REQUESTED)
        assert events[dossier.pk][-1].at == dossier.updated_at
        if dossier.current_task_id is not None:
            task = DossierTask.objects.get(pk=dossier.current_task_id)
            assert task.dossier_id == dossier.pk
            assert task.finished_at is None


def test_outcomes_follow_the_on_time_rule(generated: Any) -> None:
    for dossier in _generated(generated).exclude(finished_at=None):
        if dossier.due_at is None:
            assert dossier.outcome == ""
        elif dossier.supplement_rounds > 1:
            assert dossier.outcome == "late"
        else:
            expected = classify_outcome(dossier.finished_at, dossier.due_at, dossier.finished_at)
            assert dossier.outcome == expected, dossier.code
    assert not _generated(generated).filter(finished_at=None).exclude(outcome="").exists()


def test_appointments_come_from_the_working_calendar(generated: Any) -> None:
    plain = (
        _generated(generated)
        .exclude(received_at=None)
        .filter(apologies=0, supplement_rounds=0)
        .select_related("procedure_version")
        .prefetch_related("procedure_version__channel_terms")
    )
    checked = 0
    for dossier in plain[:400]:
        assert dossier.received_at is not None
        expected = deadlines.appointment_from(dossier, dossier.received_at)
        assert dossier.due_at == expected == dossier.original_due_at, dossier.code
        checked += 1
    assert checked == 400


def test_report_aggregates_equal_a_recount(generated: Any) -> None:
    result = stats_verify()
    assert result.ok, result.differences[:5]
    assert result.rows_checked > 0


def test_document_numbers_are_gap_free_per_agency_year_and_series(generated: Any) -> None:
    sequences = {
        (agency, year, kind, series): last
        for agency, year, kind, series, last in RegisterSequence.objects.values_list(
            "agency_id", "year", "kind", "series", "last_number"
        )
    }
    outgoing: dict[tuple[int, int, str, str], list[int]] = defaultdict(list)
    for agency, year, series, number, symbol in OutgoingDocument.objects.exclude(number=None).values_list(
        "agency_id", "year", "series", "number", "number_symbol"
    ):
        parse_number_symbol(symbol)
        assert year is not None
        assert number is not None
        outgoing[(agency, year, "outgoing", series)].append(number)
    incoming: dict[tuple[int, int, str, str], list[int]] = defaultdict(list)
    for agency, year, series, number in IncomingDocument.objects.values_list(
        "agency_id", "year", "series", "arrival_number"
    ):
        incoming[(agency, year, "incoming", series)].append(number)
    for key, numbers in {**outgoing, **incoming}.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
        assert sequences[key] == len(numbers), key
    assert len(outgoing) > 10
    assert len(incoming) > 10
    assert IncomingDocument.objects.exclude(source=None).exists()


def test_the_fast_clock_agrees_with_worktime() -> None:
    calendar = work_calendar()
    fast = WorkClock(calendar, dt.date(2024, 12, 1), dt.date(2026, 6, 30), utc_text=False)
    rng = random.Random(3)
    for _ in range(300):
        work = rng.randrange(fast.per_day * 5, fast.per_day * 300)
        start = fast.wall(work)
        hours = Decimal(rng.randrange(1, 200)) / 2
        expected = add_duration(calendar, fast.aware(start), hours, "working_hours")
        assert fast.aware(fast.wall_due(work + int(hours * 3600))) == expected
        assert fast.work(fast.wall(work)) == work
        days = rng.randrange(0, 30)
        assert fast.aware(fast.appointment(start, Decimal(days), "working_days")) == add_duration(
            calendar, fast.aware(start), days, "working_days"
        )


def test_it_refuses_a_second_run_without_append(generated: Any) -> None:
    assert GeneratorRun.objects.exists()
    with pytest.raises(GeneratedDataError, match="--append"):
        generate(dossiers=10, start=START, end=END, progress=lambda _msg: None)


def test_it_refuses_a_database_without_the_demo(generated: Any) -> None:
    with transaction.atomic():
        GeneratorRun.objects.all().delete()
        ProcedureAssignment.objects.all().delete()
        with pytest.raises(DemoMissingError, match="load_demo"):
            generate(dossiers=10, start=START, end=END, progress=lambda _msg: None)
        transaction.set_rollback(True)


def _checksum(first_dossier: int, first_outgoing: int, first_incoming: int) -> str:
    digest = hashlib.sha256()
    row: tuple[object, ...]
    dossiers = Dossier.objects.filter(pk__gte=first_dossier).order_by("code")
    for row in dossiers.values_list(
        "code", "status", "channel", "procedure__code", "receiving_agency__identifier", "applicant_name",
        "applicant_id_number", "submitted_at", "received_at", "due_at", "finished_at", "returned_at",
        "outcome", "supplement_rounds", "apologies", "rating", "fee_amount",
    ):  # fmt: skip
        digest.update(repr(row).encode())
    events = DossierEvent.objects.filter(dossier_id__gte=first_dossier).order_by("dossier__code", "at", "pk")
    for row in events.values_list(
        "dossier__code", "at", "action", "from_status", "to_status", "actor__full_name"
    ):
        digest.update(repr(row).encode())
    tasks = DossierTask.objects.filter(dossier_id__gte=first_dossier).order_by("dossier__code", "order", "pk")
    for row in tasks.values_list("dossier__code", "order", "started_at", "due_at", "finished_at"):
        digest.update(repr(row).encode())
    outgoing = OutgoingDocument.objects.filter(pk__gte=first_outgoing).order_by("created_at", "pk")
    for row in outgoing.values_list("agency__identifier", "number_symbol", "subject", "status", "issued_at"):
        digest.update(repr(row).encode())
    incoming = IncomingDocument.objects.filter(pk__gte=first_incoming).order_by("arrived_at", "pk")
    for row in incoming.values_list(
        "agency__identifier", "year", "arrival_number", "number_symbol", "status"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _run_and_checksum() -> str:
    firsts = [sink.next_id(model) for model in (Dossier, OutgoingDocument, IncomingDocument)]
    try:
        with transaction.atomic():
            generate(
                dossiers=300,
                documents=60,
                seed=11,
                start=dt.date(2026, 1, 5),
                end=dt.date(2026, 3, 31),
                append=True,
                progress=lambda _msg: None,
                check_foreign_keys=True,
            )
            assert Dossier.objects.filter(pk__gte=firsts[0]).count() == 300
            result = _checksum(*firsts)
            raise _RollbackError
    except _RollbackError:
        pass
    return result


def test_the_same_seed_and_arguments_give_the_same_rows(generated: Any) -> None:
    first = _run_and_checksum()
    second = _run_and_checksum()
    assert first == second


def _schema() -> set[tuple[str, str]]:
    """Every index and constraint of the database, by name and definition (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace"
        )
        return set(cursor.fetchall())


def _counts() -> list[int]:
    return [
        model.objects.count()
        for model in (Dossier, DossierEvent, DossierTask, DossierSequence, OutgoingDocument, GeneratorRun)
    ] + [get_user_model().objects.count()]


def test_a_run_that_drops_the_indexes_builds_every_one_again(generated: Any) -> None:
    before = _schema() if sink.is_postgresql() else set()
    with transaction.atomic():
        report = generate(
            dossiers=200,
            documents=40,
            seed=5,
            start=dt.date(2026, 1, 5),
            end=dt.date(2026, 3, 31),
            append=True,
            indexes_policy="rebuild",
            progress=lambda _msg: None,
            check_foreign_keys=True,
        )
        assert report.dossiers == 200
        if sink.is_postgresql():
            # The secondary indexes (a GiST one among them) and the unique keys no foreign key uses.
            dropped = set(report.indexes_rebuilt)
            assert {"dossier_lifetime_idx", "dossiers_dossier_code_key", "outgoing_search_trgm"} <= dropped
            assert "dossiers_dossier_pkey" not in dropped
            assert "dossier_file_current_idx" not in dropped  # led by dossier_id, which only grows
            assert _schema() == before
        else:
            assert report.indexes_rebuilt == []  # SQLite keeps its indexes
        transaction.set_rollback(True)


class _StopError(Exception):
    pass


def test_a_run_that_fails_half_way_leaves_the_database_as_it_was(generated: Any) -> None:
    schema, counts = (_schema() if sink.is_postgresql() else set()), _counts()
    messages: list[str] = []

    def progress(message: str) -> None:
        messages.append(message)
        if len(messages) == 3:  # after the first batches are written, indexes dropped
            raise _StopError

    with pytest.raises(_StopError):
        generate(
            dossiers=400,
            documents=40,
            seed=5,
            start=dt.date(2026, 1, 5),
            end=dt.date(2026, 3, 31),
            append=True,
            batch=50,
            indexes_policy="rebuild",
            progress=progress,
        )
    assert _counts() == counts
    if sink.is_postgresql():
        assert _schema() == schema


def test_texts_with_tabs_newlines_and_backslashes_arrive_unchanged(generated: Any) -> None:
    name = "Tờ khai\tmẫu số 01\\TP-HT\r\n(bản chính)"
    first = sink.next_id(DossierFile)
    with transaction.atomic():
        Component.objects.update(name=name)
        generate(
            dossiers=100,
            seed=9,
            start=dt.date(2026, 1, 5),
            end=dt.date(2026, 1, 30),
            append=True,
            stats=False,
            progress=lambda _msg: None,
            check_foreign_keys=True,
        )
        labels = Counter(
            DossierFile.objects.filter(pk__gte=first, kind=DossierFile.Kind.INPUT).values_list(
                "label", flat=True
            )
        )
        transaction.set_rollback(True)
    assert list(labels) == [name]
