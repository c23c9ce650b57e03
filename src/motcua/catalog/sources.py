"""Readers for the national TTHC exports: xlsx procedure lists and the per-procedure JSONL details.

They turn files into typed records and touch no database, so the importer, tests and ad-hoc checks
share them. A bad row or line never aborts a file: it is yielded as a ``RowError`` and reading goes on.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook

from motcua.catalog.parsing import (
    NO_INFO,
    ChannelTerm,
    ComponentGroup,
    LegalReference,
    ResultItem,
    Step,
    fold,
    normalize_text,
    parse_channels,
    parse_components,
    parse_legal_basis,
    parse_levels,
    parse_result,
    parse_steps,
)

__all__ = [
    "DETAIL_FIELDS",
    "ChannelCoverage",
    "DetailRecord",
    "ListRow",
    "RowError",
    "channel_coverage",
    "read_procedure_details_jsonl",
    "read_procedure_list_xlsx",
]

_CODE = re.compile(r"\d+\.\d+")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class RowError:
    """Something wrong with one row/line (``field`` == "") or one field of it.

    ``line`` is 1-based (the sheet row for xlsx, the line for JSONL); 0 means the file as a whole.
    """

    file: str
    line: int
    field: str
    message: str
    code: str = ""


# --------------------------------------------------------------------------- xlsx lists


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of a "DANH SÁCH THỦ TỤC HÀNH CHÍNH" sheet."""

    code: str
    name: str
    issuing_authority: str
    implementing_agencies: tuple[str, ...]
    field: str
    file: str
    line: int


# Column header (folded) -> ListRow attribute.
_LIST_COLUMNS = {
    "ma so": "code",
    "ten": "name",
    "co quan ban hanh": "issuing_authority",
    "co quan thuc hien": "implementing_agencies",
    "linh vuc": "field",
}
_HEADER_SEARCH_ROWS = 20


def read_procedure_list_xlsx(path: Path | str) -> Iterator[ListRow | RowError]:
    """Yield the rows of the first sheet, found under the header row wherever it is.

    The portal puts a title block ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM …") above the header, so the
    header is located by its column names rather than assumed to be row 1. A repeated code is
    reported, not yielded twice.
    """
    path = Path(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file; all mean "cannot read"
        yield RowError(path.name, 0, "", f"cannot open workbook: {exc}")
        return
    try:
        yield from _read_sheet_rows(path.name, workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _read_sheet_rows(file: str, rows: Iterator[tuple[Any, ...]]) -> Iterator[ListRow | RowError]:
    columns: dict[str, int] | None = None
    seen: dict[str, tuple[int, ListRow]] = {}
    for line, values in enumerate(rows, start=1):
        if columns is None:
            columns = _header_columns(values)
            if columns is None and line >= _HEADER_SEARCH_ROWS:
                yield RowError(file, 0, "", "no header row with 'Mã số' and 'Tên' found")
                return
            continue
        if all(_cell_text(v) == "" for v in values):
            continue
        item = _list_row(file, line, values, columns)
        if isinstance(item, ListRow) and item.code in seen:
            first_line, first = seen[item.code]
            same = "identical" if _same_row(first, item) else "different content"
            yield RowError(file, line, "Mã số", f"duplicate of row {first_line} ({same})", item.code)
            continue
        if isinstance(item, ListRow):
            seen[item.code] = (line, item)
        yield item
    if columns is None:
        yield RowError(file, 0, "", "no header row with 'Mã số' and 'Tên' found")


def _header_columns(values: Sequence[Any]) -> dict[str, int] | None:
    found = {
        _LIST_COLUMNS[key]: i for i, v in enumerate(values) if (key := fold(_cell_text(v))) in _LIST_COLUMNS
    }
    return found if {"code", "name"} <= found.keys() else None


def _list_row(file: str, line: int, values: Sequence[Any], columns: Mapping[str, int]) -> ListRow | RowError:
    def cell(name: str) -> Any:
        i = columns.get(name)
        return values[i] if i is not None and i < len(values) else None

    raw_code = cell("code")
    if not isinstance(raw_code, str):
        # A number here has already lost its trailing zeros (1.00010 -> 1.0001); it cannot be trusted.
        return RowError(file, line, "Mã số", f"code is not text: {raw_code!r}")
    code = normalize_text(raw_code)
    if not _CODE.fullmatch(code):
        return RowError(file, line, "Mã số", f"malformed code {code!r}", code)
    name = normalize_text(_cell_text(cell("name")))
    if not name:
        return RowError(file, line, "Tên", "empty name", code)
    return ListRow(
        code=code,
        name=name,
        issuing_authority=normalize_text(_cell_text(cell("issuing_authority"))),
        implementing_agencies=_split_lines(_cell_text(cell("implementing_agencies"))),
        field=normalize_text(_cell_text(cell("field"))),
        file=file,
        line=line,
    )


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def _split_lines(text: str) -> tuple[str, ...]:
    # Several agencies share one cell, one per line.
    return tuple(a for a in (normalize_text(x) for x in text.splitlines()) if a)


def _same_row(a: ListRow, b: ListRow) -> bool:
    return (a.name, a.issuing_authority, a.implementing_agencies, a.field) == (
        b.name,
        b.issuing_authority,
        b.implementing_agencies,
        b.field,
    )


# --------------------------------------------------------------------------- JSONL details

DETAIL_FIELDS = (
    "ma_thu_tuc",
    "detail_url",
    "formality_id",
    "ten_thu_tuc",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
)


@dataclass(frozen=True, slots=True)
class DetailRecord:
    """One procedure's detail page: the raw fields as read, plus the parsed tables.

    ``raw`` keeps every field of the line untouched (missing known fields as ""); the named text
    attributes are NFC-normalised with whitespace collapsed. ``errors`` lists fields that could not
    be parsed; their parsed attribute is then empty.
    """

    code: str
    name: str
    raw: Mapping[str, str]
    levels: tuple[str, ...]
    channels: tuple[ChannelTerm, ...]
    component_groups: tuple[ComponentGroup, ...]
    legal_basis: tuple[LegalReference, ...]
    results: tuple[ResultItem, ...]
    steps: tuple[Step, ...]
    file: str
    line: int
    errors: tuple[RowError, ...] = ()

    def text(self, key: str) -> str:
        """A raw field, NFC-normalised with whitespace collapsed ("" if absent)."""
        return normalize_text(self.raw.get(key, ""))


_GZIP_MAGIC = b"\x1f\x8b"


def read_procedure_details_jsonl(path: Path | str) -> Iterator[DetailRecord | RowError]:
    """Yield one ``DetailRecord`` per line of a JSONL file, gzip-compressed or plain.

    Compression is detected from the content, not the name. A line that is not a JSON object with a
    well-formed ``ma_thu_tuc`` yields a ``RowError`` and reading continues; only a broken gzip stream
    (which cannot be resynchronised) ends the file early, with a final ``RowError``.
    """
    path = Path(path)
    try:
        stream = _open_maybe_gzip(path)
    except OSError as exc:
        yield RowError(path.name, 0, "", f"cannot open: {exc}")
        return
    line = 0
    try:
        with stream:
            for line, raw_line in enumerate(stream, start=1):
                if raw_line.strip():
                    yield _detail_from_line(path.name, line, raw_line)
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError; truncation is EOFError
        yield RowError(path.name, line + 1, "", f"file unreadable from here on: {exc}")


def _open_maybe_gzip(path: Path) -> BufferedIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == _GZIP_MAGIC else path.open("rb")


def _detail_from_line(file: str, line: int, raw_line: bytes) -> DetailRecord | RowError:
    try:
        data = json.loads(raw_line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return RowError(file, line, "", f"not UTF-8: {exc.reason} at byte {exc.start}")
    except json.JSONDecodeError as exc:
        return RowError(file, line, "", f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(data, dict):
        return RowError(file, line, "", f"expected a JSON object, got {type(data).__name__}")
    code = data.get("ma_thu_tuc")
    if not isinstance(code, str) or not _CODE.fullmatch(code.strip()):
        return RowError(file, line, "ma_thu_tuc", f"missing or malformed code {code!r}")
    return _build_record(file, line, code.strip(), data)


def _build_record(file: str, line: int, code: str, data: Mapping[str, Any]) -> DetailRecord:
    errors: list[RowError] = []
    raw = _raw_fields(file, line, code, data, errors)

    def parsed(key: str, parse: Callable[[str], list[_T]]) -> tuple[_T, ...]:
        return _parse_field(file, line, code, key, raw[key], parse, errors)

    return DetailRecord(
        code=code,
        name=normalize_text(raw["ten_thu_tuc"]),
        raw=raw,
        levels=parsed("cap_thuc_hien", parse_levels),
        channels=parsed("cach_thuc_thuc_hien", parse_channels),
        component_groups=parsed("thanh_phan_ho_so", parse_components),
        legal_basis=parsed("can_cu_phap_ly", parse_legal_basis),
        results=parsed("ket_qua_xu_ly", parse_result),
        steps=parsed("trinh_tu_thuc_hien", parse_steps),
        file=file,
        line=line,
        errors=tuple(errors),
    )


def _raw_fields(
    file: str, line: int, code: str, data: Mapping[str, Any], errors: list[RowError]
) -> dict[str, str]:
    raw: dict[str, str] = {}
    for key in (*DETAIL_FIELDS, *(k for k in data if k not in DETAIL_FIELDS)):
        value = data.get(key)
        if isinstance(value, str):
            raw[key] = value
        elif value is None and key not in data:
            raw[key] = ""
            errors.append(RowError(file, line, key, "field missing", code))
        else:
            raw[key] = "" if value is None else json.dumps(value, ensure_ascii=False)
            kind = "null" if value is None else type(value).__name__
            errors.append(RowError(file, line, key, f"expected text, got {kind}", code))
    return raw


# Placeholders the portal shows for an empty table; parsing them to nothing is not an error.
_EMPTY_MARKERS = {"", NO_INFO, "--", "----"}


def _parse_field(
    file: str,
    line: int,
    code: str,
    key: str,
    text: str,
    parse: Callable[[str], list[_T]],
    errors: list[RowError],
) -> tuple[_T, ...]:
    """Run one parser; a crash or an empty result from real text becomes an error entry, not an exception."""
    try:
        items = tuple(parse(text))
    except Exception as exc:  # a parser bug must cost one field of one record, never the whole file
        errors.append(RowError(file, line, key, f"parser failed: {type(exc).__name__}: {exc}", code))
        return ()
    if not items and normalize_text(text) not in _EMPTY_MARKERS:
        errors.append(RowError(file, line, key, "text present but no table rows recognised", code))
    return items


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class ChannelCoverage:
    """How many records state a usable time and fee for every channel row.

    ``gaps`` maps a category (e.g. "time: Không có thông tin") to the codes in it, so a
    regression can be traced to examples.
    """

    records: int
    with_time: int
    with_time_unit: int
    with_fee: int
    with_both: int
    gaps: Mapping[str, tuple[str, ...]]

    def share(self, count: int) -> float:
        return count / self.records if self.records else 0.0


def channel_coverage(records: Iterable[DetailRecord]) -> ChannelCoverage:
    """Measure over ``records``: "time" is a numeric duration, "fee" a VND amount (0 counts).

    From a shell, with no script::

        python -c "from motcua.catalog.sources import *; r = read_procedure_details_jsonl('…jsonl.gz');
        c = channel_coverage(x for x in r if isinstance(x, DetailRecord)); print(c.share(c.with_both))"
    """
    counts = dict.fromkeys(("records", "time", "unit", "fee", "both"), 0)
    gaps: dict[str, list[str]] = {}
    for record in records:
        counts["records"] += 1
        rows = record.channels
        has_time = bool(rows) and all(r.duration_value is not None for r in rows)
        has_fee = bool(rows) and all(r.fee_amount is not None for r in rows)
        counts["time"] += has_time
        counts["unit"] += has_time and all(r.duration_unit is not None for r in rows)
        counts["fee"] += has_fee
        counts["both"] += has_time and has_fee
        for category in _gap_categories(rows):
            gaps.setdefault(category, []).append(record.code)
    return ChannelCoverage(
        records=counts["records"],
        with_time=counts["time"],
        with_time_unit=counts["unit"],
        with_fee=counts["fee"],
        with_both=counts["both"],
        gaps={k: tuple(v) for k, v in sorted(gaps.items())},
    )


def _gap_categories(rows: Sequence[ChannelTerm]) -> set[str]:
    if not rows:
        return {"no channel rows"}
    categories: set[str] = set()
    for r in rows:
        if r.duration_value is None:
            categories.add(f"time: {r.duration_text or 'empty'}"[:60])
        elif r.duration_unit is None:
            categories.add("time: number without unit")
        if r.fee_amount is None:
            currencies: list[str] = sorted({f.currency for f in r.fees})
            categories.add(f"fee: {'/'.join(currencies)} only" if currencies else "fee: unreadable")
    return categories
