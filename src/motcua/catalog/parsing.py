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
from itertools import pairwise
from typing import Literal

__all__ = [
    "NO_INFO",
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
_VI_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvwxyỳýỷỹỵz"
_VI_UPPER = _VI_LOWER.upper()
_VI_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
# A capitalised Vietnamese word starts with a capital then a vowel or one of these digraphs; that is
# what finds word starts in glued text: "NĐ-CP|Nghị định" but "TT-NHNN|số", and "QĐ-TTg" stays whole.
_VI_WORD_START = rf"[{_VI_UPPER}][{_VI_VOWELS}]|Ch|Gh|Gi|Kh|Ng|Nh|Ph|Qu|Th|Tr"
_WORD_START = re.compile(_VI_WORD_START)
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

    ``fee_amount`` is in VND: 0 when the row says free ("Miễn phí"); also 0 when it says "Không có
    thông tin", but then ``fee_is_specified`` is False; the amount when one VND amount is given and
    the lowest when several are (they are mostly alternatives per case, not parts of a sum; ``fees``
    has them all); None when only foreign-currency amounts are given or the cell could not be read.
    ``duration_value`` without ``duration_unit`` means the portal gave a bare number.
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
# Numbers are bounded (the largest fee, "140,000,000", has 11 characters) so that a pathological run
# of digits cannot make the lookaheads below backtrack quadratically.
_NUMBER = r"\d[\d.,]{0,23}"
# A row starts with a channel name glued to a time cell and a fee cell. Requiring both keeps the
# words "Trực tiếp"/"Trực tuyến" inside descriptions from being taken as new rows.
_FEE_START = rf"{NO_INFO}|Miễn phí|(?:Lệ phí|Phí)[^:\d()]{{0,80}}?\s*:\s*\d|{_NUMBER}\s?(?:{_CURRENCY_ALT})"
# A time cell may also be a short sentence saying there is none ("Không quy định", "Không phải trả
# kết quả cho người nộp thuế"); it always starts with "Không".
_TIME_AS_TEXT = re.compile(rf"Không[^\d()]{{0,80}}?(?={_FEE_START})")
_TIME_AS_SENTENCE = re.compile(rf"[^\d()]{{1,200}}?(?={NO_INFO}|Miễn phí)")
_ROW_START = re.compile(
    rf"({_CHANNEL_ALT})(?=(?:{NO_INFO}|{_NUMBER}\s?(?:{_UNIT_ALT})?|{_TIME_AS_TEXT.pattern})"
    rf"(?:{_FEE_START}))"
)
# Last resort when no row matched: a whole sentence in the time cell, followed by a no-info fee cell.
_ROW_START_LOOSE = re.compile(rf"({_CHANNEL_ALT})(?=[^\d()]{{1,200}}?(?:{NO_INFO}|Miễn phí))")
_TIME_WITH_UNIT = re.compile(rf"(\d{{1,6}}(?:[.,]\d{{1,3}})?)\s?({_UNIT_ALT})")
_DIGIT_RUN = re.compile(_NUMBER)
# Both amount patterns have groups (label, amount, currency); the plain one's label is always empty.
_AMOUNT = re.compile(rf"()({_NUMBER})\s?({_CURRENCY_ALT})")
_LABELLED_AMOUNT = re.compile(rf"((?:Lệ phí|Phí)[^:\d()]{{0,80}}?)\s*:\s*({_NUMBER})\s?({_CURRENCY_ALT})")
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
        fee_amount=_headline_fee(fees, specified),
        fee_is_specified=bool(specified),
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
    gap_end = pos + len(text[pos:]) - len(text[pos:].lstrip(" \t\n;,+-–"))
    if (first or labelled) and (m := _LABELLED_AMOUNT.match(text, gap_end)):
        return _fee_item(text, m, labelled=True)
    if first and (m := _AMOUNT.match(text, pos)):
        return _fee_item(text, m, labelled=False)
    return None


def _fee_item(text: str, m: re.Match[str], *, labelled: bool) -> tuple[FeeItem, int, bool] | None:
    value = _to_decimal(m.group(2))
    if value is None:
        return None
    note, end = _bracket_note(text, m.end())
    label = normalize_text(m.group(1))
    full_label = f"{label} ({note})" if label and note else label or note
    return FeeItem(label=full_label, amount=value, currency=_CURRENCIES[m.group(3)]), end, labelled


def _bracket_note(text: str, pos: int) -> tuple[str, int]:
    """Read a bracketed note at ``pos`` (nesting allowed); return (note, end) or ("", pos) if none.

    Some notes lack closing brackets. They then end at the first ")" that brings the nesting to the
    lowest level it reaches in the row: the description that follows has balanced brackets, and
    swallowing it would turn the description into fee text.
    """
    if text.startswith(" (", pos):
        pos += 1
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


def _headline_fee(fees: list[FeeItem], specified: bool | None) -> Decimal | None:
    if specified is None:
        return None  # the fee cell could not be read: unknown, not free
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
        return []  # no table: in this export that is text of another field spilled over, not documents
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
    matches = list(_QUANTITY.finditer(part))
    for i, m in enumerate(matches):
        if i + 1 < len(matches) and matches[i + 1].start() == m.end():
            continue  # "…: 01 bản chính" + "1 bản chính": the first one is the name's own wording
        cut = _digits_of_name(part, m, pos)
        if m.start() + cut <= pos:
            continue  # a quantity with no name before it is part of the previous cell
        rows.append(_make_component(part[pos : m.start() + cut], *_quantities(m, cut)))
        pos = m.end()
    tail = part[pos:]
    if keep_tail and normalize_text(tail):
        rows.append(_make_component(tail, 0, 0))
        tail = ""
    return rows, tail


def _digits_of_name(part: str, m: re.Match[str], pos: int) -> int:
    """How many leading digits of the quantity really end the name.

    ``… Nghị định 116`` + ``1 bản chính`` reads ``1161 bản chính``; a run of 3+ digits, or of 2 after a
    space, is a name ending in a number, so only its last digit is the count.
    """
    digits = m.group(1) or m.group(3)
    if len(digits) > 2 or (len(digits) == 2 and part[pos : m.start()][-1:].isspace()):
        return len(digits) - 1
    return 0


def _quantities(m: re.Match[str], cut: int) -> tuple[int, int]:
    """(originals, copies) from a quantity match, skipping ``cut`` digits that belong to the name."""
    if m.group(3) is not None:
        return 0, int(m.group(3)[cut:])
    return int(m.group(1)[cut:]), int(m.group(2)) if m.group(2) else 0


def _make_component(raw: str, originals: int, copies: int) -> Component:
    name, templates = _split_templates(raw)
    return Component(
        name=name,
        template_name=templates[0] if templates else None,
        originals=originals,
        copies=copies,
        template_names=tuple(templates),
    )


def _split_templates(cell: str) -> tuple[str, list[str]]:
    """Separate the attached form file names glued to the end of a component name."""
    ends = _file_ends(cell)
    if not ends:
        return normalize_text(cell), []
    first_start = _file_name_start(cell[: ends[0]])
    names = [cell[first_start : ends[0]]]
    names += [cell[a:b] for a, b in pairwise(ends)]
    name = cell[:first_start] + cell[ends[-1] :]
    return normalize_text(name), [normalize_text(n) for n in names if normalize_text(n)]


def _file_ends(cell: str) -> list[int]:
    """End offsets of the file names in ``cell``, one per file."""
    ends: list[int] = []
    for m in _TEMPLATE_EXT.finditer(cell):
        before, after = cell[m.start() - 1 : m.start()], cell[m.end() : m.end() + 1]
        # Prose such as 'định dạng đuôi “.pdf”' names an extension, not a file; ".docm" is no ".doc".
        if not (before.isalnum() or before in ")._-") or (after.islower() and after.isalnum()):
            continue
        if ends and m.start() == ends[-1]:
            ends[-1] = m.end()  # "x.docx.docx" is one file with a doubled extension
        else:
            ends.append(m.end())
    return ends


_NOT_IN_FILE_NAME = re.compile(r"[.;:,]\s|[;/]")


def _file_name_start(prefix: str) -> int:
    """Start of the file name that ends ``prefix`` (which ends with the extension).

    The component name is glued to the file name, so candidates are places where a new token can
    start: after ``. ; : )``, at a lower-to-upper case change (``y tếMau01.doc``), where a capitalised
    word follows capitals or digits (``NĐ-CPMau05.docx``) or where digits follow a lower-case word
    (``theo mẫu1.004286.docx``). The earliest candidate whose remainder reads as one file name (no
    "/", ";", ", " or ". " inside) wins; failing that, the last space-free token (plus a " (1)" copy suffix).
    """
    stem_end = prefix.rfind(".")
    # A file name cannot contain any of these, so it starts after the last one.
    floor = max([m.end() for m in _NOT_IN_FILE_NAME.finditer(prefix, 0, stem_end)], default=1)
    for i in range(floor, stem_end):
        if _could_start_file(prefix, i):
            return i
    last = re.search(r"\S+(?: \(\d+\))?$", prefix[:stem_end])
    return max(last.start(), floor) if last else stem_end


def _could_start_file(s: str, i: int) -> bool:
    prev, cur = s[i - 1], s[i]
    if cur.isspace() or cur in ".,;:()":
        return False
    return (
        prev in ".;:)"
        or (prev.islower() and (cur.isupper() or (cur.isdigit() and not s[i - 2 : i - 1].isdigit())))
        # "NĐ-CPMau05.docx": a capitalised word after capitals or digits
        or ((prev.isupper() or prev.isdigit()) and _WORD_START.match(s, i) is not None)
        # "NĐ-CPmẫu đơn.docx": a lower-case word right after capitals
        or (
            prev.isupper()
            and cur.islower()
            and _WORD_START.match(s, i - 1) is None
            and s[i - 2 : i + 1] != "TTg"
        )
    )


# --------------------------------------------------------------------------- legal basis (căn cứ pháp lý)


@dataclass(frozen=True, slots=True)
class LegalReference:
    title: str
    number_symbol: str


_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# Upper-case titles ("QUY ĐỊNH MỨC THU…") start with one of these words.
_CAPS_TITLE_WORDS = "QUY|BAN|SỬA|HƯỚNG|VỀ|LUẬT|NGHỊ|THÔNG|QUYẾT|BỘ|PHÁP|CHỈ|KẾ|CÔNG|VĂN"
# A number-symbol: 68/2013/TT-BCA, 02/2011/QH13, 46/2005/TTLT/BQP-BKHĐT, 1234/QĐ-TTg, 05/VBHN-BTC.
# "TTg" (Thủ tướng) is the one symbol part with a lower-case letter. The code cell is glued between
# its title and the next title, so a code must be followed by the start of a title or the end.
_SYMBOL_PART = r"(?:TTg|[A-ZĐ]+?\d*?)"
_NUMBER_SYMBOL = re.compile(
    rf"(?<!\d)(\d+[a-z]?)(?:/\d{{4}})?(?:/{_SYMBOL_PART}(?:-{_SYMBOL_PART})*)+"
    rf"(?=$|{_VI_WORD_START}|[{_VI_LOWER}][{_VI_LOWER}\s]|(?:{_CAPS_TITLE_WORDS})\s|[“\"(\[])"
)


def parse_legal_basis(text: str) -> list[LegalReference]:
    """Split the legal-basis table into (title, number-symbol) pairs."""
    body = _strip_prefix(_nfc(text).strip(), _LEGAL_HEADER)
    if not body or body == NO_INFO:
        return []
    refs: list[LegalReference] = []
    pos = 0
    for m in _NUMBER_SYMBOL.finditer(body):
        start = _symbol_start(body, m)
        title = normalize_text(body[pos:start])
        refs.append(LegalReference(title=title, number_symbol=body[start : m.end()]))
        pos = m.end()
    tail = normalize_text(body[pos:])
    if tail:
        refs.append(LegalReference(title=tail, number_symbol=""))
    return refs


def _symbol_start(body: str, m: re.Match[str]) -> int:
    """Give back leading digits that belong to the title.

    Titles often end with the document's own number, so the code cell repeats it: "Luật 54/2014/QH13"
    + "54/2014/QH13" reads "…QH1354/2014/QH13", and "năm 2011" + "02/2011/QH13" reads
    "201102/2011/QH13".
    """
    number = m.group(1)
    for k in range(1, len(number)):
        code = body[m.start() + k : m.end()]
        if body[: m.start() + k].endswith(code):
            return m.start() + k
    if len(number) > 4 and number[:4].isdigit() and 1900 <= int(number[:4]) <= 2100:
        return m.start() + 4
    return m.start()


# --------------------------------------------------------------------------- results (kết quả)


@dataclass(frozen=True, slots=True)
class ResultItem:
    name: str
    result_code: str | None


# Codes look like KQ.G01.00262 or 000.00.00.G11-KQ1711; some records hold a placeholder or nothing.
_RESULT_CODE = re.compile(r"Mã:\s*(?:([A-Z0-9][A-Z0-9._\-]*\d)|Chưa xác định(?: rõ)?)?")
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


_STEP_MARK = re.compile(r"Bước\s*(\d+)\s*[:.\-–)]?[ \t]*")
# What may precede a marker on its line: a bullet or a case letter ("- ", "+ ", "a) ").
_LINE_LEAD = re.compile(r"[ \t\-+*•–]*(?:[a-zđ]\)\s*)?")
_LONG_TITLE = 160


def parse_steps(text: str) -> list[Step]:
    """Split on "Bước N" markers; the first line after a marker is the title, the rest the detail.

    Text before the first marker becomes step 0; text with no marker at all is one step.
    """
    body = _nfc(text).strip()
    if not body or body == NO_INFO:
        return []
    marks = _step_marks(body)
    if not marks:
        return [_make_step(1, body)]
    steps: list[Step] = []
    preamble = normalize_text(body[: marks[0][0]])
    if preamble:
        steps.append(Step(order=0, title="", detail=preamble))
    for i, (_, order, content) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(body)
        steps.append(_make_step(order, body[content:end]))
    return steps


def _step_marks(body: str) -> list[tuple[int, int, int]]:
    """(cut, order, content start) of each marker that starts a step.

    A marker starts a step at the start of a line (after an optional bullet, which is cut with it),
    or mid-line when it carries a colon and the next number in sequence: that catches
    "Nộp hồ sơ Bước 1: …" while leaving cross-references ("tại Bước 6") alone.
    """
    marks: list[tuple[int, int, int]] = []
    for m in _STEP_MARK.finditer(body):
        order = int(m.group(1))
        line_start = body.rfind("\n", 0, m.start()) + 1
        if _LINE_LEAD.fullmatch(body, line_start, m.start()):
            marks.append((line_start, order, m.end()))
        elif ":" in m.group(0) and order == (marks[-1][1] + 1 if marks else 1):
            marks.append((m.start(), order, m.end()))
    return marks


def _make_step(order: int, chunk: str) -> Step:
    title, _, detail = chunk.strip().partition("\n")
    if len(title) > _LONG_TITLE and (cut := re.search(r"[.:]\s", title)):
        # One long paragraph: its first sentence is the title.
        title, detail = title[: cut.start() + 1], title[cut.end() :] + "\n" + detail
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
