"""The number–symbol (số, ký hiệu) of Vietnamese official documents: Decree 30/2020/NĐ-CP, Appendix I and III.

A document is identified by its issuing body plus its number–symbol, e.g. ``05/QĐ-UBND`` (a decision of a
people's committee), ``35/UBND-VP`` (a công văn: no type abbreviation, the body then the drafting unit) or
``85/2019/TT-BTC`` (a legal normative text: the year sits between number and symbol). Registers, duplicate
warnings, the edXML exchange and the search box all need one canonical spelling, while people (and the
national portal's own records) type ``Số: 5 / qđ-ubnd``, ``06/2016/QD-TTg`` or ``46/2005/TTLT/BQP-BKHĐT``.
This module turns what is typed into that canonical form, builds it from parts, finds it in running text
and gives a loose search key.

It is pure Python (no Django import) so the models, the importer, the API and offline tools share it.

Grammar of the canonical form: ``NUMBER[suffix][/YEAR]/GROUP(-GROUP)*`` where NUMBER is Arabic with a
leading 0 below 10, the optional suffix is one lower-case letter (``105a/QĐ-NHNN`` occurs in the national
data), YEAR has four digits and each GROUP is capitals (A–Z, Đ, and the toneless Ă Â Ê Ô Ơ Ư) and digits,
starting with a letter, except the established mixed-case tokens (``TTg``, ``QyĐ``, ``CTr``, ``TTr``,
``TrS``).

Known ambiguity, kept on purpose: the same letters can be a type or a body (``CT`` is Chỉ thị and also the
usual abbreviation of a Cục Thuế, so a công văn ``1234/CT-TTHT`` reads as a Chỉ thị). Only the issuing
body's register can settle that, so ``type_abbreviation`` answers with what the letters say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "DOCUMENT_TYPES",
    "LEGAL_TYPES",
    "MAX_NUMBER",
    "MAX_YEAR",
    "MIN_YEAR",
    "MIXED_CASE_TOKENS",
    "TYPE_ABBREVIATIONS",
    "NumberSymbol",
    "SymbolError",
    "find_number_symbols",
    "fold_symbol",
    "format_number",
    "format_number_symbol",
    "iter_number_symbols",
    "parse_number_symbol",
]

# Appendix III of Decree 30/2020/NĐ-CP (administrative documents), in the order of DOMAIN.md §7, then the
# công văn, which the decree gives no abbreviation: its symbol is the body plus the drafting unit or field.
DOCUMENT_TYPES: tuple[tuple[str, str], ...] = (
    ("NQ", "Nghị quyết (cá biệt)"),
    ("QĐ", "Quyết định (cá biệt)"),
    ("CT", "Chỉ thị"),
    ("QC", "Quy chế"),
    ("QyĐ", "Quy định"),
    ("TC", "Thông cáo"),
    ("TB", "Thông báo"),
    ("HD", "Hướng dẫn"),
    ("CTr", "Chương trình"),
    ("KH", "Kế hoạch"),
    ("PA", "Phương án"),
    ("ĐA", "Đề án"),
    ("DA", "Dự án"),
    ("BC", "Báo cáo"),
    ("BB", "Biên bản"),
    ("TTr", "Tờ trình"),
    ("HĐ", "Hợp đồng"),
    ("CĐ", "Công điện"),
    ("BGN", "Bản ghi nhớ"),
    ("BTT", "Bản thỏa thuận"),
    ("GUQ", "Giấy ủy quyền"),
    ("GM", "Giấy mời"),
    ("GGT", "Giấy giới thiệu"),
    ("GNP", "Giấy nghỉ phép"),
    ("PG", "Phiếu gửi"),
    ("PC", "Phiếu chuyển"),
    ("PB", "Phiếu báo"),
    ("SY", "Bản sao y"),
    ("TrS", "Bản trích sao"),
    ("SL", "Bản sao lục"),
    ("", "Công văn"),
)

# Legal normative texts (Law on Promulgation of Legal Documents). They carry the year: ``118/2025/NĐ-CP``.
# A law or a resolution of the National Assembly has no type abbreviation at all: its symbol is the body
# with its term (``59/2020/QH14``), so "QH14" is an issuer, not a type. NQ, QĐ and CT also appear in
# DOCUMENT_TYPES: the same letters name the individual (cá biệt) document when there is no year.
LEGAL_TYPES: tuple[tuple[str, str], ...] = (
    ("L", "Lệnh"),  # of the State President: 21/2014/L-CTN
    ("NQ", "Nghị quyết"),
    ("NQLT", "Nghị quyết liên tịch"),
    ("PL", "Pháp lệnh"),
    ("NĐ", "Nghị định"),
    ("QĐ", "Quyết định"),
    ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"),
    ("CT", "Chỉ thị"),  # normative only before 2016, when older texts still carry a year
    # A consolidated text (văn bản hợp nhất) is not a new norm and has no year (48/VBHN-VPQH), but legal
    # bases cite it like one, so it is recognised as a type.
    ("VBHN", "Văn bản hợp nhất"),
)

# The only groups that keep lower-case letters: TTg (Thủ tướng, the Prime Minister) and the Appendix III
# abbreviations whose lower-case letter tells them apart from another type (QyĐ Quy định vs QĐ Quyết định,
# CTr Chương trình vs CT Chỉ thị, TTr Tờ trình vs TT Thông tư, TrS trích sao). The national data has TTg
# (1,000+ citations) and no other.
MIXED_CASE_TOKENS: tuple[str, ...] = ("TTg", "QyĐ", "CTr", "TTr", "TrS")

# Year bounds: the first decrees (sắc lệnh) date from 1945; anything outside is a typo, not a year.
MIN_YEAR = 1945
MAX_YEAR = 2099
# A body issues at most tens of thousands of documents a year; a longer digit run is a phone or a code.
MAX_NUMBER = 999_999

TYPE_ABBREVIATIONS: frozenset[str] = frozenset(a for a, _ in (*DOCUMENT_TYPES, *LEGAL_TYPES) if a)


class SymbolError(ValueError):
    """The text or the parts given are not a valid number–symbol; the message says what is wrong."""


# --------------------------------------------------------------------------- characters

_MIXED_BY_UPPER = {token.upper(): token for token in MIXED_CASE_TOKENS}
_VI_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
_VI_LOWER = _VI_VOWELS + "bcdđfghjklmnpqrstvwxz"
# Capitals for a regex class: A–Z, Đ and the Vietnamese capitals without a tone mark. Abbreviations are
# initials with the tone dropped (UBND for Ủy ban), but "Trung ương" can give TƯ: the national data cites
# 01/2014/NQLT-CP-UBTƯMTTQVN. A toned capital (Ụ, Ẫ) is therefore the start of a glued word, not a group.
_CAPITALS = "A-ZĐĂÂÊÔƠƯ"
_CAPITAL_GROUP = rf"[{_CAPITALS}][{_CAPITALS}0-9]*"
_CANONICAL_GROUP = re.compile(_CAPITAL_GROUP)
_TYPED_GROUP = re.compile(rf"[{_CAPITALS}{_CAPITALS.lower()}0-9]+")
_GROUP_RULE = "capital letters (A–Z, Đ, Ư…) and digits, starting with a letter (mixed case only in " + (
    ", ".join(MIXED_CASE_TOKENS) + ")"
)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, non-breaking hyphen, figure/en/em dash, minus
# One-for-one replacements, so a position in the translated text is the position in the original.
# "Ð" (U+00D0, Icelandic eth) looks exactly like "Đ" and comes from old font converters; the real data
# has "57/2018/NÐ-CP".
_SAME_LENGTH = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", **dict.fromkeys(_DASHES, "-")})
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff"))
_SPACE = re.compile(r"\s")


def _fold_chars(text: str) -> str:
    """Upper-case, Đ→D, marks and whitespace removed, dashes unified: only the letters that were typed."""
    text = unicodedata.normalize("NFC", text).translate(_SAME_LENGTH).translate(_INVISIBLE)
    upper = text.upper().replace("Đ", "D")
    bare = "".join(ch for ch in unicodedata.normalize("NFD", upper) if not unicodedata.combining(ch))
    return _SPACE.sub("", bare)


def _build_type_by_fold() -> dict[str, str]:
    # "QD" can only be QĐ, so a keyboard without Vietnamese input still gives the right type. "DA" and
    # "HD" are types of their own (Dự án, Hướng dẫn), so ĐA and HĐ are never guessed from them.
    by_fold: dict[str, set[str]] = {}
    for abbreviation in TYPE_ABBREVIATIONS:
        by_fold.setdefault(_fold_chars(abbreviation), set()).add(abbreviation)
    return {
        folded: next(iter(found))
        for folded, found in by_fold.items()
        if len(found) == 1 and folded not in TYPE_ABBREVIATIONS
    }


_TYPE_BY_FOLD = _build_type_by_fold()


def _type_of(group: str) -> str | None:
    """The type abbreviation a canonical group stands for, if any (``QD`` → ``QĐ``)."""
    if group in TYPE_ABBREVIATIONS:
        return group
    return _TYPE_BY_FOLD.get(_fold_chars(group))


def _group_problem(group: str) -> str | None:
    """Why ``group`` is not a canonical symbol group, or None if it is one."""
    if not group:
        return "an empty group (two '-' in a row, or a '-' at an end)"
    if group in MIXED_CASE_TOKENS:
        return None
    mixed = _MIXED_BY_UPPER.get(group.upper())
    if mixed is not None:
        return f"group {group!r} must be written {mixed!r}"
    if not _CANONICAL_GROUP.fullmatch(group):
        return f"group {group!r} must be {_GROUP_RULE}"
    return None


def _canonical_group(typed: str) -> str:
    """Upper-case a typed group, restoring the mixed-case tokens (``ttg`` → ``TTg``); raise if invalid."""
    if typed and not _TYPED_GROUP.fullmatch(typed):
        # Checked before upper-casing, which would turn "ß" into "SS" or "ı" into "I".
        raise SymbolError(f"group {typed!r} must be {_GROUP_RULE}")
    upper = typed.upper()
    group = _MIXED_BY_UPPER.get(upper, upper)
    problem = _group_problem(group)
    if problem is not None:
        raise SymbolError(problem)
    return group


# --------------------------------------------------------------------------- the value


def format_number(n: int) -> str:
    """The number as Appendix I writes it: Arabic, with a leading 0 below 10 (``05``, ``12``, ``123``).

    Numbering restarts at 01 every 1 January, so there is no number 0.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a document number is an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"a document number starts at 1, got {n}")
    return f"{n:02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberSymbol:
    """One number–symbol, always canonical: ``str()`` of it parses back to an equal value.

    ``groups`` are the '-'-separated parts after the number (and year): ``("QĐ", "UBND")``,
    ``("UBND", "VP")`` for a công văn, ``("TTLT", "BCA", "BQP")`` for a joint circular. The constructor
    rejects anything the parser would not give back unchanged, so two equal documents compare equal.
    """

    number: int
    number_suffix: str = ""
    year: int | None = None
    groups: tuple[str, ...]

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise SymbolError(f"the number must be an int, got {type(self.number).__name__}")
        if not 1 <= self.number <= MAX_NUMBER:
            raise SymbolError(f"the number must be between 1 and {MAX_NUMBER}, got {self.number}")
        if self.number_suffix and not (len(self.number_suffix) == 1 and "a" <= self.number_suffix <= "z"):
            raise SymbolError(f"the number suffix must be one letter a–z, got {self.number_suffix!r}")
        if self.year is not None and (
            isinstance(self.year, bool)
            or not isinstance(self.year, int)
            or not MIN_YEAR <= self.year <= MAX_YEAR
        ):
            raise SymbolError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}, got {self.year!r}")
        if not isinstance(self.groups, tuple) or not self.groups:
            raise SymbolError("the symbol needs at least one group, as a tuple: ('QĐ', 'UBND')")
        for group in self.groups:
            problem = _group_problem(group) if isinstance(group, str) else f"group {group!r} is not text"
            if problem is not None:
                raise SymbolError(problem)
        first = self.groups[0]
        reads_as = _type_of(first)
        if reads_as is not None and reads_as != first:
            raise SymbolError(f"the first group {first!r} reads as the type {reads_as!r}: write {reads_as!r}")
        if reads_as is not None and len(self.groups) == 1:
            raise SymbolError(f"the type abbreviation {first!r} needs the issuing body after it")

    @property
    def type_abbreviation(self) -> str:
        """The first group if it is a known type (Appendix III or legal types), else "" (công văn, law)."""
        first = self.groups[0]
        return first if first in TYPE_ABBREVIATIONS else ""

    @property
    def issuer(self) -> str:
        """The groups after the type abbreviation: the issuing body (or bodies) and any unit, '-'-joined."""
        start = 1 if self.type_abbreviation else 0
        return "-".join(self.groups[start:])

    @property
    def symbol(self) -> str:
        """The ký hiệu alone: ``QĐ-UBND``, ``TTLT-BCA-BQP`` (old texts' '/' after the type is not kept)."""
        return "-".join(self.groups)

    @property
    def number_text(self) -> str:
        """The số as written: leading zero below 10, suffix letter kept (``05``, ``105a``)."""
        return format_number(self.number) + self.number_suffix

    @property
    def is_legal_normative(self) -> bool:
        """Legal normative texts, and only they, carry the year in their number–symbol."""
        return self.year is not None

    def __str__(self) -> str:
        year = f"/{self.year}" if self.year is not None else ""
        return f"{self.number_text}{year}/{self.symbol}"


# --------------------------------------------------------------------------- building


def _split_argument(name: str, value: str) -> tuple[str, ...]:
    if _SPACE.search(value):
        raise SymbolError(f"{name} {value!r} contains a space: the symbol has no spaces")
    if "/" in value:
        raise SymbolError(f"{name} {value!r} contains '/': only '-' separates the symbol's groups")
    groups = tuple(value.split("-"))
    for group in groups:
        problem = _group_problem(group)
        if problem is not None:
            raise SymbolError(f"{name} {value!r}: {problem}")
    return groups


def format_number_symbol(
    *,
    number: int,
    type_abbreviation: str,
    issuer: str,
    unit: str = "",
    year: int | None = None,
    number_suffix: str = "",
) -> str:
    """Build the canonical number–symbol from its parts, refusing parts that would not read back.

    ``12/QĐ-UBND`` (type + body), ``35/UBND-VP`` (công văn: ``type_abbreviation=""``, body + ``unit``),
    ``85/2019/TT-BTC`` (legal text: with ``year``). ``issuer`` and ``unit`` may hold several '-'-joined
    groups (joint issuers ``BCA-BQP``, a department ``BCA-C06``). The type must be a known abbreviation, and
    a công văn's body must not look like one, because the parser could not tell them apart afterwards.
    """
    if type_abbreviation and type_abbreviation not in TYPE_ABBREVIATIONS:
        raise SymbolError(
            f"unknown type abbreviation {type_abbreviation!r}: use one from DOCUMENT_TYPES or LEGAL_TYPES, "
            "or '' for a công văn"
        )
    if not issuer:
        raise SymbolError("the issuer (the issuing body's abbreviation) must not be empty")
    issuer_groups = _split_argument("issuer", issuer)
    unit_groups = _split_argument("unit", unit) if unit else ()
    if not type_abbreviation and _type_of(issuer_groups[0]) is not None:
        raise SymbolError(
            f"a công văn's symbol cannot start with {issuer_groups[0]!r}: it would read as a type"
        )
    prefix = (type_abbreviation,) if type_abbreviation else ()
    value = NumberSymbol(
        number=number, number_suffix=number_suffix, year=year, groups=(*prefix, *issuer_groups, *unit_groups)
    )
    return str(value)


# --------------------------------------------------------------------------- parsing

_PREFIX = re.compile(r"(?:số|so)\s*[:.]?\s*(?=[0-9])", re.IGNORECASE)
_AROUND_SEPARATOR = re.compile(r"\s*([/-])\s*")
# A stray '.' after the number ("2267./QĐ-BXD") occurs in the national portal's own decision numbers.
_HEAD = re.compile(r"([0-9]+)([A-Za-z]?)\.?/(.*)", re.DOTALL)
_YEAR_PART = re.compile(r"([0-9]+)/(.*)", re.DOTALL)


def _fail(text: str, reason: str) -> SymbolError:
    return SymbolError(f"{text!r} is not a number–symbol: {reason}")


def parse_number_symbol(text: str) -> NumberSymbol:
    """Read exactly one number–symbol, forgiving what people type but nothing that changes the meaning.

    Accepted and normalised: a leading ``Số:``/``số``, spaces around the text and around '/' and '-',
    NFD input, en-dashes and other dashes, lower case (``ttg`` → ``TTg``), ``QD``/``ND`` typed without
    Vietnamese input (→ ``QĐ``/``NĐ``, never for DA/HD, which are types themselves), a suffix letter
    (``123a``), leading zeros, a stray '.' after the number and the old '/' between type and issuer
    (``46/2005/TTLT/BQP-BKHĐT``). Anything else raises ``SymbolError`` naming the problem.
    """
    if not isinstance(text, str):
        raise SymbolError(f"expected text, got {type(text).__name__}")
    cleaned = unicodedata.normalize("NFC", text).translate(_SAME_LENGTH).translate(_INVISIBLE).strip()
    prefix = _PREFIX.match(cleaned)
    if prefix is not None:
        cleaned = cleaned[prefix.end() :]
    cleaned = _AROUND_SEPARATOR.sub(r"\1", cleaned)
    if not cleaned:
        raise _fail(text, "it is empty")
    if _SPACE.search(cleaned):
        raise _fail(text, "it contains a space inside the symbol")
    head = _HEAD.fullmatch(cleaned)
    if head is None:
        if "0" <= cleaned[0] <= "9":
            raise _fail(text, "the number must be followed by '/' and the symbol (e.g. 05/QĐ-UBND)")
        raise _fail(text, "it must start with the document number (e.g. 05/QĐ-UBND)")
    digits, suffix, rest = head.groups()
    if len(digits.lstrip("0")) > len(str(MAX_NUMBER)):
        raise _fail(text, f"the number {digits} is longer than any register's")
    year: int | None = None
    year_part = _YEAR_PART.fullmatch(rest)
    if year_part is not None:
        if len(year_part.group(1)) != 4:
            raise _fail(text, f"{year_part.group(1)!r} between the '/'s is not a four-digit year")
        year, rest = int(year_part.group(1)), year_part.group(2)
    if not rest:
        raise _fail(text, "there is no symbol after the '/'")
    try:
        groups = _parse_groups(rest)
        return NumberSymbol(number=int(digits), number_suffix=suffix.lower(), year=year, groups=groups)
    except SymbolError as exc:
        raise _fail(text, str(exc)) from None


def _parse_groups(symbol: str) -> tuple[str, ...]:
    """Split and canonicalise the symbol; the only '/' allowed is the old one right after a type."""
    typed_type, slash, tail = symbol.partition("/")
    if slash:
        if "-" in typed_type or _type_of(_canonical_group(typed_type)) is None or "/" in tail:
            raise SymbolError(
                "a '/' inside the symbol is only read between a type abbreviation and the issuer "
                "(old style 46/2005/TTLT/BQP-BKHĐT)"
            )
        parts = [typed_type, *tail.split("-")]
    else:
        parts = symbol.split("-")
    groups = [_canonical_group(part) for part in parts]
    groups[0] = _type_of(groups[0]) or groups[0]
    return tuple(groups)


# --------------------------------------------------------------------------- running text

_GROUP_IN_TEXT = rf"(?:TTg|QyĐ|CTr|TTr|TrS|{_CAPITAL_GROUP})"
# The start of a capitalised Vietnamese word: the national data's flattened tables glue the next cell
# straight onto a symbol ("…33/2026/NĐ-CPMẫu số 25", "…TT-BNNMTMã: KQ…"). Only a real word start ends a
# symbol there, so "NĐ-CPngày" is left alone rather than misread as "NĐ-C" + "Pngày".
_GLUED_WORD = (
    rf"[{_CAPITALS}][{_VI_VOWELS}]|[{_VI_VOWELS.upper()}][{_VI_LOWER}]|Ch|Gh|Gi|Kh|Ng|Nh|Ph|Qu|Th|Tr"
)
# Upper-case groups only, no spaces except one either side of a '-' ("39/2026/NĐ -CP" occurs in the data):
# prose is full of "100/người", "ngày 01/01/2020" and "50.000đ/tem", which must never be read as symbols.
# The number must not continue a date, a code or a word (but "số13/2016/…" occurs). The symbol must end
# the word: a '/' may follow only before lower case ("…/TT-NHNN/phòng giao dịch"), never before more of a
# symbol or a date, and "54/2019/QH-14" is skipped rather than read as "54/2019/QH".
_IN_TEXT = re.compile(
    rf"(?:(?<![\w/.\-])|(?<=số)|(?<=Số)|(?<=SỐ))[0-9]{{1,6}}[a-z]?(?:/[0-9]{{4}})?"
    rf"/{_GROUP_IN_TEXT}(?:/{_GROUP_IN_TEXT})?"
    rf"(?:[ \t]?-[ \t]?{_GROUP_IN_TEXT})*(?:(?!\w|/[0-9{_CAPITALS}]|[ \t]?-[ \t]?[0-9])|(?={_GLUED_WORD}))"
)
# Codes of templates and standards have the shape of a number–symbol but name no document: "Mẫu số
# 04/TB-HT", "mẫu biểu số 03/NTNN", "Tờ khai thuế 02/NTNN", "Phụ lục số 05/ĐKHN", "QCVN 16:2023/BXD".
_NOT_A_DOCUMENT_BEFORE = re.compile(
    r"(?:mẫu(?:\s*biểu)?|tờ\s*khai(?:\s*thuế)?|phụ\s*lục)\s*(?:số)?\s*[:.]?\s*$|[QT]CVN\s*[\d.\-]+\s*:\s*$",
    re.IGNORECASE,
)


def iter_number_symbols(text: str) -> Iterator[tuple[int, int, NumberSymbol]]:
    """Yield ``(start, end, value)`` for each number–symbol in running text, in order.

    The positions index ``unicodedata.normalize("NFC", text)``, which is ``text`` itself for the usual
    NFC input, so a caller can link or highlight the symbol where it stands.
    """
    searchable = unicodedata.normalize("NFC", text).translate(_SAME_LENGTH)
    for match in _IN_TEXT.finditer(searchable):
        if _NOT_A_DOCUMENT_BEFORE.search(searchable, max(0, match.start() - 30), match.start()):
            continue
        try:
            value = parse_number_symbol(match.group())
        except SymbolError:
            continue  # e.g. "12/QĐ" alone, or a year out of range: not a document reference
        yield match.start(), match.end(), value


def find_number_symbols(text: str) -> list[NumberSymbol]:
    """All number–symbols cited in running text, in order and with repeats.

    "Quyết định số 1234/QĐ-BCA-C06 ngày 01/01/2020" gives ``1234/QĐ-BCA-C06`` and not the date. Only the
    canonical upper-case spelling is looked for (one space around a '-' is tolerated), because a looser
    search would take ordinary prose for symbols; parse a single typed value with ``parse_number_symbol``.
    """
    return [value for _, _, value in iter_number_symbols(text)]


# --------------------------------------------------------------------------- search key


def fold_symbol(text: str) -> str:
    """A search key on which spellings of one number–symbol meet: upper case, no spaces, Đ→D, no marks.

    "12/qđ-ubnd", "12/QĐ-UBND" and "12/QD-UBND" all give "12/QD-UBND". When the text parses, its canonical
    form is folded, so "Số 5/QĐ-UBND" meets "05/QĐ-UBND" and the old "TTLT/BQP" meets "TTLT-BQP"; any
    other text (a partial query such as "QĐ-UBND") is folded character by character.
    """
    try:
        canonical = str(parse_number_symbol(text))
    except SymbolError:
        canonical = text
    return _fold_chars(canonical)
