"""Reading a legacy one-stop system's dossier export (CSV), row by row, refusing impossible rows.

The format (UTF-8, comma-separated, a header row; README "Historical import") has one dossier per row:
``code, procedure, agency, channel, submitted_at, received_at, due_at, finished_at, returned_at, status,
supplements, extended_due_at, rating``. Times are ISO 8601 (``2026-03-02T09:00`` is read in the
province's time zone); ``supplements`` lists the periods the dossier waited for a supplement as
``start/end`` pairs separated by ``;``. Pure: no database; the importer checks codes against it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from motcua.worktime.deadline import classify_outcome

COLUMNS = (
    "code",
    "procedure",
    "agency",
    "channel",
    "submitted_at",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "supplements",
    "extended_due_at",
    "rating",
)
FINISHED_STATUSES = frozenset({3, 7, 8, 9, 10})


@dataclass(frozen=True)
class LegacyDossier:
    line: int
    code: str
    procedure: str
    agency: str
    channel: int
    submitted_at: dt.datetime | None
    received_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    status: int
    supplements: tuple[tuple[dt.datetime, dt.datetime], ...]
    extended_due_at: dt.datetime | None
    rating: int | None

    @property
    def outcome(self) -> str:
        """DOMAIN.md §4.4: supplement waits are not counted; a second supplement request makes it late."""
        if self.finished_at is None:
            return ""
        if len(self.supplements) > 1:
            return "late"
        waited = sum((end - start for start, end in self.supplements), dt.timedelta())
        due = (self.extended_due_at or self.due_at) + waited
        return classify_outcome(self.finished_at, due, self.finished_at) or ""


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    message: str


def _moment(text: str, zone: ZoneInfo, name: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{name}: “{text}” không phải thời điểm hợp lệ (ví dụ 2026-03-02T09:00)") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if not 1990 <= moment.year <= 2100:
        raise ValueError(f"{name}: năm {moment.year} không hợp lý")
    return moment


def _whole(text: str, name: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{name}: “{text}” phải là số từ {low} đến {high}")
    return int(text)


def parse_row(row: dict[str, str], line: int, zone: ZoneInfo) -> LegacyDossier:
    """One row, or ValueError with a Vietnamese message naming the column."""
    get = {key: (row.get(key) or "").strip() for key in COLUMNS}
    for required in ("code", "procedure", "agency", "channel", "received_at", "due_at", "status"):
        if not get[required]:
            raise ValueError(f"{required}: thiếu giá trị")
    submitted = _moment(get["submitted_at"], zone, "submitted_at")
    received = _moment(get["received_at"], zone, "received_at")
    due = _moment(get["due_at"], zone, "due_at")
    finished = _moment(get["finished_at"], zone, "finished_at")
    returned = _moment(get["returned_at"], zone, "returned_at")
    extended = _moment(get["extended_due_at"], zone, "extended_due_at")
    status = _whole(get["status"], "status", 1, 10)
    channel = _whole(get["channel"], "channel", 1, 4)
    rating = _whole(get["rating"], "rating", 1, 5)
    assert received is not None
    assert due is not None
    assert status is not None
    assert channel is not None
    if submitted is not None and submitted > received:
        raise ValueError("submitted_at sau received_at")
    if due < received:
        raise ValueError("due_at (ngày hẹn trả) trước received_at")
    if extended is not None and extended < due:
        raise ValueError("extended_due_at trước due_at")
    if finished is not None and finished < received:
        raise ValueError("finished_at trước received_at")
    if returned is not None and (finished is None or returned < finished):
        raise ValueError("returned_at cần finished_at và không được trước finished_at")
    if (status in FINISHED_STATUSES) != (finished is not None):
        raise ValueError(f"status {status} không khớp với finished_at")
    if rating is not None and finished is None:
        raise ValueError("rating chỉ có khi hồ sơ đã giải quyết")
    supplements: list[tuple[dt.datetime, dt.datetime]] = []
    for part in filter(None, (p.strip() for p in get["supplements"].split(";"))):
        start_text, _, end_text = part.partition("/")
        start, end = _moment(start_text, zone, "supplements"), _moment(end_text, zone, "supplements")
        if start is None or end is None or end < start or start < received:
            raise ValueError(f"supplements: “{part}” không phải khoảng thời gian hợp lệ sau khi tiếp nhận")
        if finished is not None and end > finished:
            raise ValueError(f"supplements: “{part}” kết thúc sau finished_at")
        supplements.append((start, end))
    return LegacyDossier(
        line=line,
        code=get["code"][:30],
        procedure=get["procedure"],
        agency=get["agency"],
        channel=channel,
        submitted_at=submitted,
        received_at=received,
        due_at=due,
        finished_at=finished,
        returned_at=returned,
        status=status,
        supplements=tuple(sorted(supplements)),
        extended_due_at=extended,
        rating=rating,
    )


def read_csv(lines: Iterable[str], zone: ZoneInfo) -> Iterator[LegacyDossier | RowError]:
    """Every row as a dossier or an error; a bad row never stops the file."""
    reader = csv.DictReader(lines)
    missing = [
        c
        for c in ("code", "procedure", "agency", "received_at", "due_at", "status")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        yield RowError(1, "", f"thiếu cột: {', '.join(missing)}")
        return
    for row in reader:
        line = reader.line_num
        try:
            yield parse_row(row, line, zone)
        except ValueError as error:
            yield RowError(line, (row.get("code") or "").strip(), str(error))
