"""The historical import: good rows in, impossible rows reported, and the reports give the legacy figures."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from django.core.management import call_command

from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import World
from motcua.reports import legacy, selectors
from motcua.reports.importer import dossiers_import

pytestmark = pytest.mark.django_db

HEADER = ",".join(legacy.COLUMNS) + "\n"


def rows(world: World) -> str:
    p, a = world.procedure.code, world.agency.identifier
    return (
        HEADER
        + "\n".join(
            [
                # Early: finished the day before the appointment.
                f"CU-1,{p},{a},2,2026-03-02T08:00,2026-03-02T09:00,2026-03-05T17:30,2026-03-04T10:00,2026-03-04T11:00,10,,,5",
                # On time: finished on the appointment day.
                f"CU-2,{p},{a},1,,2026-03-02T09:00,2026-03-05T17:30,2026-03-05T16:00,,9,,,",
                # On time thanks to the supplement wait (2 days) being subtracted.
                f"CU-3,{p},{a},1,,2026-03-02T09:00,2026-03-05T17:30,2026-03-07T10:00,,9,2026-03-03T09:00/2026-03-05T09:00,,4",
                # Late: a second supplement request makes it late whatever the dates.
                f"CU-4,{p},{a},2,,2026-03-02T09:00,2026-03-05T17:30,2026-03-04T10:00,,9,2026-03-02T10:00/2026-03-02T11:00;2026-03-03T10:00/2026-03-03T11:00,,",
                # Late (finished after the appointment), then one still open past it.
                f"CU-5,{p},{a},1,,2026-03-02T09:00,2026-03-05T17:30,2026-03-09T09:00,,9,,,2",
                f"CU-6,{p},{a},1,,2026-03-02T09:00,2026-03-05T17:30,,,4,,,",
                # Bad rows: impossible dates, unknown procedure, duplicate code, rating without a finish.
                f"CU-7,{p},{a},1,,2026-03-02T09:00,2026-03-01T17:30,,,4,,,",
                f"CU-8,9.999999,{a},1,,2026-03-02T09:00,2026-03-05T17:30,,,4,,,",
                f"CU-1,{p},{a},1,,2026-03-02T09:00,2026-03-05T17:30,,,4,,,",
                f"CU-9,{p},{a},1,,2026-03-02T09:00,2026-03-05T17:30,,,4,,,5",
                f"CU-10,{p},{a},7,,2026-03-02T09:00,2026-03-05T17:30,,,4,,,",
            ]
        )
        + "\n"
    )


def test_the_import_keeps_good_rows_reports_bad_ones_and_the_reports_agree(world: World) -> None:
    report = dossiers_import(io.StringIO(rows(world)))
    assert report.imported == 6
    assert [(e.line, e.code) for e in report.errors] == [
        (8, "CU-7"),
        (9, "CU-8"),
        (10, "CU-1"),
        (11, "CU-9"),
        (12, "CU-10"),
    ]
    assert "due_at" in report.errors[0].message
    outcomes = dict(Dossier.objects.values_list("code", "outcome"))
    assert outcomes == {
        "CU-1": "early",
        "CU-2": "on_time",
        "CU-3": "on_time",
        "CU-4": "late",
        "CU-5": "late",
        "CU-6": "",
    }
    march = selectors.Period.named("month", year=2026, number=3)
    with clock.frozen(dt.datetime(2026, 3, 31, 12, 0, tzinfo=clock.local_zone())):
        figures = selectors.dossier_figures([world.agency.pk], march)
    assert (figures.received, figures.received_online) == (6, 2)
    assert (figures.resolution.early, figures.resolution.on_time, figures.resolution.late) == (1, 2, 2)
    assert figures.resolution.on_time_rate == Fraction(3, 5)
    assert figures.overdue_now == 1  # CU-6, still open after its appointment
    # The ratings (5, 4 and 2) come from the rebuilt aggregates, counted on the finish day.
    assert (figures.rated, figures.satisfied) == (3, 2)
    assert figures.average_rating == pytest.approx(11 / 3)


def test_the_command_reads_a_file(world: World, tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "legacy.csv"
    path.write_text(rows(world), encoding="utf-8")
    out = io.StringIO()
    call_command("import_dossiers", str(path), stdout=out)
    assert "Đã nhập 6 hồ sơ; 5 dòng lỗi không nhập" in out.getvalue()
