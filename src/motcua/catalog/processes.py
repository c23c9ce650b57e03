"""Rules of internal processes (quy trình nội bộ): the steps' allotted time must fit the legal time."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from motcua.catalog.models import InternalProcess, Procedure


def allotment_problem(*, allotted_hours: Iterable[Decimal], legal_hours: Decimal | None) -> str | None:
    """A Vietnamese warning when the steps' total exceeds the legal time, else None.

    A procedure whose time is published in calendar days or months has no exact working-hour
    equivalent, so nothing is checked for it (``legal_hours`` is None).
    """
    total = sum(allotted_hours, Decimal(0))
    if legal_hours is None or total <= legal_hours:
        return None
    return (
        f"Tổng thời gian các bước ({total.normalize():f} giờ làm việc) vượt thời hạn giải quyết "
        f"theo quy định ({legal_hours.normalize():f} giờ làm việc)."
    )


def process_allotment_problem(process: InternalProcess) -> str | None:
    procedure: Procedure = process.procedure
    version = procedure.current_version
    legal = version.legal_working_hours() if version else None
    return allotment_problem(
        allotted_hours=[s.allotted_hours for s in process.steps.all()], legal_hours=legal
    )
