"""Pure parsers for the text fields of national TTHC records (dichvucong.gov.vn exports).

The portal's detail pages hold HTML tables that the crawler flattened to text with no separators
between cells, so e.g. a channel row reads ``Trực tuyến3 Ngày làm việc50,000 VNĐ(…)nộp hồ sơ…``. The
parsers below rebuild the cells from what each column is known to contain. They never raise on odd
input: text they cannot place ends up in a free-text field (a description, a name) so nothing is lost.

No Django import here: the importer, the tests and any offline tooling share this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = [
    "Channel",
    "ChannelTerm",
    "Component",
    "ComponentGroup",
    "DurationUnit",
    "FeeItem",
    "LegalReference",
    "ResultItem",
    "Step",
    "duration_to_working_hours",
    "fold",
    "normalize_text",
    "parse_channels",
    "parse_components",
    "parse_legal_basis",
    "parse_levels",
    "parse_result",
    "parse_steps",
]

Channel = Literal["in_person", "online", "postal"]
DurationUnit = Literal["working_days", "days", "hours", "working_hours", "months", "years"]
Currency = Literal["VND", "USD"]

NO_INFO = "Không có thông tin"
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- text helpers


def normalize_text(s: str) -> str:
    """NFC-normalise and collapse every run of whitespace to one space.

    The source mixes precomposed and combining-diacritic spellings (``Thụ lý`` vs ``Thu\\u0323 ly\\u0301``);
    NFC makes them compare equal and makes the parsers' literal patterns match both.
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", s)).strip()


def fold(s: str) -> str:
    """Return a diacritic- and case-insensitive search key: ``Đăng ký Hộ tịch`` -> ``dang ky ho tich``.

    ``đ`` is a separate letter, not ``d`` plus a mark, so it needs its own mapping. Case is folded
    before the marks are stripped because ``casefold`` can itself produce combining marks (``İ``).
    """
    decomposed = unicodedata.normalize("NFD", s.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WS.sub(" ", unicodedata.normalize("NFC", bare)).strip()


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _strip_prefix(text: str, prefix: str) -> str:
    return text[len(prefix) :] if text.startswith(prefix) else text


def _to_decimal(raw: str) -> Decimal | None:
    """Read ``1,025,000`` / ``1.025.000`` / ``1.5`` / ``1,5``; None if it is not a number.

    A separator followed by exactly three digits is a thousands separator (the portal writes fees as
    ``1,025,000`` and notes as ``1.025.000``); any other single separator is a decimal point.
    """
    raw = raw.strip()
    if re.fullmatch(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*", raw):
        raw = raw.replace(",", "").replace(".", "")
    else:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# --------------------------------------------------------------------------- channels (cách thức thực hiện)


@dataclass(frozen=True, slots=True)
class FeeItem:
    """One entry of the fee cell. ``label`` is the note the portal shows in brackets after the amount."""

    label: str
    amount: Decimal
    currency: Currency = "VND"


@dataclass(frozen=True, slots=True)
class ChannelTerm:
    """One row of the "Cách thức thực hiện" table: how long and how much when submitting via a channel.

    ``fee_amount`` is in VND: 0 when the row says free or gives no information (then
    ``fee_is_specified`` is False), the single VND amount when there is one, the lowest when several
    are listed (the portal lists alternatives per case, not parts of a sum), None when only foreign
    currency amounts are given or the cell could not be read.
    """

    channel: Channel
    duration_value: Decimal | None
    duration_unit: DurationUnit | None
    fee_amount: Decimal | None
    fee_is_specified: bool
    fees: tuple[FeeItem, ...]
    duration_text: str
    fee_text: str
    description: str


_CHANNELS: dict[str, Channel] = {
    "Trực tiếp": "in_person",
    "Trực tuyến": "online",
    "Dịch vụ bưu chính": "postal",
}
# Longest spelling first so "Ngày làm việc" is not read as "Ngày".
_UNITS: dict[str, DurationUnit] = {
    "Ngày làm việc": "working_days",
    "Giờ làm việc": "working_hours",
    "Ngày": "days",
    "Giờ": "hours",
    "Tháng": "months",
    "Năm": "years",
}
_CURRENCIES: dict[str, Currency] = {
    "Việt Nam Đồng": "VND",
    "VNĐ": "VND",
    "Đồng": "VND",
    "đồng": "VND",
    "USD": "USD",
}
_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_ALT = "|".join(_CHANNELS)
_UNIT_ALT = "|".join(_UNITS)
_CURRENCY_ALT = "|".join(_CURRENCIES)
# A row starts with a channel name glued to a time cell and a fee cell. Requiring both keeps the
# words "Trực tiếp"/"Trực tuyến" inside descriptions from being taken as new rows.
_FEE_START = rf"{NO_INFO}|Miễn phí|(?:Lệ phí|Phí)[^:\d()]{{0,80}}?\s*:\s*\d|\d[\d.,]*\s?(?:{_CURRENCY_ALT})"
# A time cell may also be a short sentence saying there is none ("Không quy định", "Không phải trả
# kết quả cho người nộp thuế"); it always starts with "Không".
_TIME_AS_TEXT = re.compile(rf"Không[^\d()]{{0,80}}?(?={_FEE_START})")
_TIME_AS_SENTENCE = re.compile(rf"[^\d()]{{1,200}}?(?={NO_INFO}|Miễn phí)")
_ROW_START = re.compile(
    rf"({_CHANNEL_ALT})(?=(?:{NO_INFO}|\d[\d.,]*\s?(?:{_UNIT_ALT})?|{_TIME_AS_TEXT.pattern})"
    rf"(?:{_FEE_START}))"
)
# Last resort when no row matched: a whole sentence in the time cell, followed by a no-info fee cell.
_ROW_START_LOOSE = re.compile(rf"({_CHANNEL_ALT})(?=[^\d()]{{1,200}}?(?:{NO_INFO}|Miễn phí))")
_TIME_WITH_UNIT = re.compile(rf"(\d+(?:[.,]\d+)?)\s?({_UNIT_ALT})")
_DIGIT_RUN = re.compile(r"\d[\d.,]*")
_AMOUNT = re.compile(rf"()(\d[\d.,]*)\s?({_CURRENCY_ALT})")
_LABELLED_AMOUNT = re.compile(rf"((?:Lệ phí|Phí)[^:\d()]{{0,80}}?)\s*:\s*(\d[\d.,]*)\s?({_CURRENCY_ALT})")
_FEE_GAP = re.compile(r"[\s;,+\-–]*")
_FREE = re.compile(r"Miễn phí")


def parse_channels(text: str) -> list[ChannelTerm]:
    """Split the flattened channel table into one ``ChannelTerm`` per row (a channel may repeat)."""
    body = _strip_prefix(_nfc(text).strip(), _CHANNEL_HEADER)
    starts = list(_ROW_START.finditer(body)) or list(_ROW_START_LOOSE.finditer(body))
    rows: list[ChannelTerm] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        rows.append(_parse_channel_row(_CHANNELS[match.group(1)], body[match.end() : end]))
    return rows


def _parse_channel_row(channel: Channel, row: str) -> ChannelTerm:
    value, unit, duration_text, rest = _split_duration(row)
    fees, fee_text, specified, description = _split_fees(rest)
    return ChannelTerm(
        channel=channel,
        duration_value=value,
        duration_unit=unit,
        fee_amount=_headline_fee(fees, fee_text, specified),
        fee_is_specified=specified,
        fees=tuple(fees),
        duration_text=normalize_text(duration_text),
        fee_text=normalize_text(fee_text),
        description=normalize_text(description),
    )


def _split_duration(row: str) -> tuple[Decimal | None, DurationUnit | None, str, str]:
    """Return (value, unit, duration text, rest of the row)."""
    if row.startswith(NO_INFO):
        return None, None, NO_INFO, row[len(NO_INFO) :]
    if text := _TIME_AS_TEXT.match(row) or _TIME_AS_SENTENCE.match(row):
        return None, None, text.group(0), row[text.end() :]
    if m := _TIME_WITH_UNIT.match(row):
        return _to_decimal(m.group(1)), _UNITS[m.group(2)], m.group(0), row[m.end() :]
    run = _DIGIT_RUN.match(row)
    if run is None:
        return None, None, "", row
    digits = run.group(0)
    if not _AMOUNT.match(row):
        return _to_decimal(digits), None, digits, row[run.end() :]
    # A time without unit glued to a fee amount, e.g. "120,000 VNĐ" = "1" + "20,000 VNĐ".
    cut = _unitless_time_length(digits)
    return _to_decimal(digits[:cut]), None, digits[:cut], row[cut:]


def _unitless_time_length(digits: str) -> int:
    """How many leading digits of ``digits`` are the time when the fee amount follows with no gap.

    The shortest prefix that leaves a well-formed amount (no leading zero, consistent thousands groups)
    wins: every glued case in the data is a one-digit time ("1" + "20,000", "1" + "100").
    """
    for cut in range(1, len(digits)):
        head, tail = digits[:cut], digits[cut:]
        if not head.isdigit() or tail[0] == "0":
            continue
        if re.fullmatch(r"\d{1,3}(?:,\d{3})*|\d+", tail):
            return cut
    return 0


def _split_fees(rest: str) -> tuple[list[FeeItem], str, bool | None, str]:
    """Return (fee items, fee cell text, whether a fee was stated, description).

    "stated" is None when no fee cell could be read at all.
    """
    items: list[FeeItem] = []
    pos, stated, labelled = 0, None, False
    while (entry := _read_fee_item(rest, pos, first=stated is None, labelled=labelled)) is not None:
        item, pos, labelled = entry
        stated = bool(stated) or item is not None
        if item is not None:
            items.append(item)
    return items, rest[:pos], stated, rest[pos:]


def _read_fee_item(
    text: str, pos: int, *, first: bool, labelled: bool
) -> tuple[FeeItem | None, int, bool] | None:
    """Read one fee entry at ``pos``: (item or None for "no information", end, labelled?) or None.

    The labelled form ("Lệ phí : 50.000 Đồng Phí : 100.000 Đồng") is older exports' way of listing
    several fees; it is only accepted at the start of the cell or after another labelled entry, since
    descriptions often begin with the same wording.
    """
    if first and text.startswith(NO_INFO, pos):
        return None, _bracket_note(text, pos + len(NO_INFO))[1], False
    if first and (free := _FREE.match(text, pos)):
        note, end = _bracket_note(text, free.end())
        return FeeItem(label=note, amount=Decimal(0)), end, False
    if (first or labelled) and (m := _LABELLED_AMOUNT.match(text, _FEE_GAP.match(text, pos).end())):
        return _fee_item(text, m, label=normalize_text(m.group(1))), True
    if first and (m := _AMOUNT.match(text, pos)):
        return _fee_item(text, m, label=""), False
    return None


def _fee_item(text: str, m: re.Match[str], *, label: str) -> tuple[FeeItem | None, int]:
    note, end = _bracket_note(text, m.end())
    value = _to_decimal(m.group(2))
    if value is None:
        return None, m.start()
    full_label = f"{label} ({note})" if label and note else label or note
    return FeeItem(label=full_label, amount=value, currency=_CURRENCIES[m.group(3)]), end


def _bracket_note(text: str, pos: int) -> tuple[str, int]:
    """Read a bracketed note at ``pos`` (nesting allowed); return (note, end) or ("", pos) if none.

    Some notes lack closing brackets. They then end at the first ")" that brings the nesting to the
    lowest level it reaches in the row: the description that follows has balanced brackets, and
    swallowing it would turn the description into fee text.
    """
    if not text.startswith("(", pos):
        return "", pos
    depth, lowest, lowest_at = 0, 1, -1
    for i in range(pos, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return normalize_text(text[pos + 1 : i]), i + 1
            if depth < lowest or lowest_at < 0:
                lowest, lowest_at = depth, i
    if lowest_at < 0:
        # A lone "(" cut off at the end of the cell is an empty note, not description.
        return ("", len(text)) if not text[pos + 1 :].strip() else ("", pos)
    return normalize_text(text[pos + 1 : lowest_at + 1]), lowest_at + 1


def _headline_fee(fees: list[FeeItem], fee_text: str, specified: bool) -> Decimal | None:
    if not specified:
        return Decimal(0)
    vnd = [f.amount for f in fees if f.currency == "VND"]
    return min(vnd) if vnd else None


def duration_to_working_hours(value: Decimal | None, unit: DurationUnit | None) -> Decimal | None:
    """Convert a processing time to working hours (1 working day = 8 working hours).

    ``hours`` are taken as working hours: the portal uses "Giờ" for same-office deadlines such as
    "không quá 8 giờ làm việc", and the deadline clock only runs in office hours anyway.
    Calendar ``days``, ``months`` and ``years`` return None: how many working hours they span
    depends on the start date, weekends and public holidays, so only a calendar can resolve them.
    """
    if value is None or unit is None:
        return None
    if unit == "working_days":
        return value * 8
    if unit in ("working_hours", "hours"):
        return value
    return None


# --------------------------------------------------------------------------- components (thành phần hồ sơ)


@dataclass(frozen=True, slots=True)
class Component:
    """One document to submit. ``template_names`` holds every attached form; ``template_name`` the first."""

    name: str
    template_name: str | None
    originals: int
    copies: int
    template_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ComponentGroup:
    """Documents for one case ("Trường hợp …"); ``name`` is "" for the portal's unnamed group ("--")."""

    name: str
    components: tuple[Component, ...]


_COMPONENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The quantity cell is glued to the next row, so a real one is followed by a non-space or the end;
# "01 bản sao có chứng thực" inside a name is followed by a space and is skipped.
_QUANTITY = re.compile(
    r"(\d+) ?bản chính(?:, ?(\d+) ?bản sao)?(?=\S|$)(?!, ?\d)|(\d+) ?bản sao(?=\S|$)",
)
_TEMPLATE_EXT = re.compile(r"\.(?:docx?|xlsx?|pdf|odt|rtf|zip|rar)", re.IGNORECASE)


def parse_components(text: str) -> list[ComponentGroup]:
    """Split the documents table into groups of ``Component`` (name, forms, originals, copies)."""
    body = _nfc(text).strip()
    if not body or body == NO_INFO:
        return []
    parts = body.split(_COMPONENT_HEADER)
    if len(parts) == 1:
        # No table header at all: keep whatever rows can be found under an unnamed group.
        parts = ["", body]
    groups: list[ComponentGroup] = []
    name = _group_name(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        last = i == len(parts) - 1
        components, tail = _parse_component_rows(part, keep_tail=last)
        groups.append(ComponentGroup(name=name, components=tuple(components)))
        name = _group_name(tail)
    return groups


def _group_name(raw: str) -> str:
    name = normalize_text(raw)
    return "" if name.strip("-– ") == "" else name


def _parse_component_rows(part: str, *, keep_tail: bool) -> tuple[list[Component], str]:
    """Return the rows of one table and the text after its last quantity (the next group's name)."""
    rows: list[Component] = []
    pos = 0
    for m in _QUANTITY.finditer(part):
        start = _quantity_start(part, m, pos)
        if start <= pos:
            continue  # a quantity with no name before it is part of the previous cell
        rows.append(_make_component(part[pos:start], m, part[start : m.start()]))
        pos = m.end()
    tail = part[pos:]
    if keep_tail and normalize_text(tail):
        rows.append(_make_component(tail, None, ""))
        tail = ""
    return rows, tail


def _quantity_start(part: str, m: re.Match[str], pos: int) -> int:
    """Where the quantity's number really starts, given that a name may end in digits.

    ``… Nghị định 116`` + ``1 bản chính`` reads ``1161 bản chính``; a run of 3+ digits or one after a
    space is a name ending in a number, so only its last digit is the count.
    """
    start = m.start()
    digits = m.group(1) or m.group(3)
    before = part[pos : m.start()]
    if len(digits) > 2 or (len(digits) == 2 and before[-1:].isspace()):
        return m.start() + len(digits) - 1
    return start


def _make_component(raw: str, m: re.Match[str] | None, digits_from_name: str) -> Component:
    name, templates = _split_templates(raw + digits_from_name)
    originals, copies = _quantities(m)
    return Component(
        name=name,
        template_name=templates[0] if templates else None,
        originals=originals,
        copies=copies,
        template_names=tuple(templates),
    )


def _quantities(m: re.Match[str] | None) -> tuple[int, int]:
    if m is None:
        return 0, 0
    if m.group(3) is not None:
        return 0, int(m.group(3)[-2:])
    originals = int(m.group(1)[-2:] if len(m.group(1)) <= 2 else m.group(1)[-1])
    return originals, int(m.group(2)) if m.group(2) else 0


def _split_templates(cell: str) -> tuple[str, list[str]]:
    """Separate the attached form file names glued to the end of a component name."""
    ends = [m.end() for m in _TEMPLATE_EXT.finditer(cell) if _is_file_end(cell, m.end())]
    if not ends:
        return normalize_text(cell), []
    first_start = _file_name_start(cell[: ends[0]])
    names = [cell[first_start : ends[0]]]
    names += [cell[a:b] for a, b in zip(ends, ends[1:], strict=False)]
    name = cell[:first_start] + cell[ends[-1] :]
    return normalize_text(name), [normalize_text(n) for n in names if normalize_text(n)]


def _is_file_end(cell: str, end: int) -> bool:
    # ".doc" inside ".docx", or a word like ".pdfs", is not an extension end.
    return end == len(cell) or not cell[end].isalnum() or cell[end].isupper() or cell[end].isdigit()


def _file_name_start(prefix: str) -> int:
    """Start of the file name that ends ``prefix``; the name before it ends with punctuation or case.

    Candidates are after ``. ; : )`` or at a lower-to-upper case change (``y tếMau01.doc``); the earliest
    one whose remainder reads like one file name (no ", " or ". " inside) wins.
    """
    candidates = [i for i in range(1, len(prefix)) if _could_start_file(prefix, i)]
    for i in candidates:
        if not re.search(r"[.;:,]\s", prefix[i:]):
            return i
    return len(prefix) - len(prefix.rsplit(None, 1)[-1]) if prefix.strip() else 0


def _could_start_file(s: str, i: int) -> bool:
    prev, cur = s[i - 1], s[i]
    if cur.isspace() or cur in ".,;:()":
        return False
    return prev in ".;:)" or (prev.islower() and cur.isupper())


# --------------------------------------------------------------------------- legal basis (căn cứ pháp lý)


@dataclass(frozen=True, slots=True)
class LegalReference:
    title: str
    number_symbol: str


_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# A number-symbol: 68/2013/TT-BCA, 02/2011/QH13, 46/2005/TTLT/BQP-BKHĐT, 1234/QĐ-TTg, 05/VBHN-BTC.
# "TTg" (Thủ tướng) is the one symbol part with a lower-case letter.
_SYMBOL_PART = r"(?:TTg|[A-ZĐ]+\d*)"
_NUMBER_SYMBOL = re.compile(rf"(\d+[a-z]?)(?:/(\d{{4}}))?((?:/{_SYMBOL_PART}(?:-{_SYMBOL_PART})*)+)")


def parse_legal_basis(text: str) -> list[LegalReference]:
    """Split the legal-basis table into (title, number-symbol) pairs.

    The code cell is glued between its title and the next title, so a number-symbol counts as a code
    cell only when the text right after it starts a new title (or ends the field).
    """
    body = _strip_prefix(_nfc(text).strip(), _LEGAL_HEADER)
    if not body or body == NO_INFO:
        return []
    refs: list[LegalReference] = []
    pos = 0
    for m in _NUMBER_SYMBOL.finditer(body):
        if m.start() < pos or not _ends_cell(body, m.end()):
            continue
        start = _symbol_start(body, m, pos)
        title = normalize_text(body[pos:start])
        refs.append(LegalReference(title=title, number_symbol=body[start : m.end()]))
        pos = m.end()
    tail = normalize_text(body[pos:])
    if tail:
        refs.append(LegalReference(title=tail, number_symbol=""))
    return refs


def _ends_cell(body: str, end: int) -> bool:
    """True if a code cell can end here: end of text, or the next title begins (capital + lower, digit…)."""
    rest = body[end : end + 2]
    if not rest:
        return True
    if rest[0].isspace() or rest[0] in ",;.)":
        return False
    # "…/TT-BCALuật": the symbol's capitals stop where a capitalised word starts.
    return not (rest[0].isupper() and len(rest) > 1 and rest[1] in "-/")


def _symbol_start(body: str, m: re.Match[str], pos: int) -> int:
    """Trim digits that belong to the title: "năm 2011" + "02/2011/QH13" reads "201102/2011/QH13"."""
    number = m.group(1)
    if len(number) > 4 and 1900 <= int(number[:4]) <= 2100:
        return m.start() + 4
    return m.start()


# --------------------------------------------------------------------------- results (kết quả)


@dataclass(frozen=True, slots=True)
class ResultItem:
    name: str
    result_code: str | None


_RESULT_CODE = re.compile(r"Mã:\s*([A-Z0-9][A-Z0-9.\-]*\d|(?=Từ khóa))")
# Everything from "Từ khóa" on is the keyword/description cells and, after them, the portal's
# "choose an agency" widget that the crawler picked up.
_RESULT_END = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")


def parse_result(text: str) -> list[ResultItem]:
    """Split "<name>Mã: <code><name>Mã: <code>…Từ khóa…" into ``ResultItem`` s."""
    body = _nfc(text).strip()
    end = _RESULT_END.search(body)
    body = body[: end.start()] if end else body
    items: list[ResultItem] = []
    pos = 0
    for m in _RESULT_CODE.finditer(body):
        name = normalize_text(body[pos : m.start()])
        items.append(ResultItem(name=name, result_code=m.group(1) or None))
        pos = m.end()
    tail = normalize_text(body[pos:])
    if tail and tail != NO_INFO:
        items.append(ResultItem(name=tail, result_code=None))
    return items


# --------------------------------------------------------------------------- steps (trình tự thực hiện)


@dataclass(frozen=True, slots=True)
class Step:
    """A step of the procedure. ``order`` is the number as written; 0 for text before the first step."""

    order: int
    title: str
    detail: str


# "Bước 1:" at the start of a line, possibly after a bullet or a case letter ("- ", "+ ", "a) ").
_STEP_AT_LINE = re.compile(r"(?m)^[ \t\-+*•–]*(?:[a-zđ]\)\s*)?Bước\s*(\d+)\s*[:.\-–)]?[ \t]*")
_STEP_ANYWHERE = re.compile(r"Bước\s*(\d+)\s*:[ \t]*")


def parse_steps(text: str) -> list[Step]:
    """Split on "Bước N" markers; the first line after a marker is the title, the rest the detail."""
    body = _nfc(text).strip()
    if not body or body == NO_INFO:
        return []
    marks = list(_STEP_AT_LINE.finditer(body)) or list(_STEP_ANYWHERE.finditer(body))
    if not marks:
        return [_make_step(1, body)]
    steps: list[Step] = []
    preamble = body[: marks[0].start()]
    if normalize_text(preamble):
        steps.append(Step(order=0, title="", detail=normalize_text(preamble)))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        steps.append(_make_step(int(m.group(1)), body[m.end() : end]))
    return steps


def _make_step(order: int, chunk: str) -> Step:
    title, _, detail = chunk.strip().partition("\n")
    return Step(order=order, title=normalize_text(title), detail=_normalize_paragraphs(detail))


def _normalize_paragraphs(s: str) -> str:
    """Like ``normalize_text`` but keeps line breaks, which separate the sub-points of a step."""
    lines = (normalize_text(line) for line in s.splitlines())
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- levels (cấp thực hiện)

_LEVELS = {"cap bo": "Cấp bộ", "cap tinh": "Cấp tỉnh", "cap huyen": "Cấp huyện", "cap xa": "Cấp xã"}


def parse_levels(cap_thuc_hien: str) -> list[str]:
    """Split "Cấp Tỉnh, Cấp Xã" into canonical names; unknown entries ("Cơ quan khác") are kept as is."""
    out: list[str] = []
    for part in re.split(r"[,;\n]", _nfc(cap_thuc_hien)):
        name = normalize_text(part)
        if name:
            level = _LEVELS.get(fold(name), name)
            if level not in out:
                out.append(level)
    return out
