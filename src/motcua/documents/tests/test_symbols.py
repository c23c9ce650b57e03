"""Number–symbols of official documents (Decree 30/2020/NĐ-CP): the decree's examples, properties and the
national TTHC data set (2,642 procedures) as the real-world oracle."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.sources import DETAIL_FIELDS, DetailRecord, read_procedure_details_jsonl
from motcua.documents.symbols import (
    DOCUMENT_TYPES,
    LEGAL_TYPES,
    MAX_NUMBER,
    MAX_YEAR,
    MIN_YEAR,
    MIXED_CASE_TOKENS,
    TYPE_ABBREVIATIONS,
    NumberSymbol,
    SymbolError,
    find_number_symbols,
    fold_symbol,
    format_number,
    format_number_symbol,
    iter_number_symbols,
    parse_number_symbol,
)

# --------------------------------------------------------------------------- the tables


def test_document_types_follow_appendix_iii():
    # given the Appendix III table, then it keeps the decree's order and spelling, ending with the công văn
    abbreviations = [a for a, _ in DOCUMENT_TYPES]
    assert abbreviations[:5] == ["NQ", "QĐ", "CT", "QC", "QyĐ"]
    assert abbreviations[-4:] == ["SY", "TrS", "SL", ""]
    assert dict(DOCUMENT_TYPES)[""] == "Công văn"
    assert dict(DOCUMENT_TYPES)["CTr"] == "Chương trình"
    assert dict(DOCUMENT_TYPES)["TTr"] == "Tờ trình"
    assert "CV" not in abbreviations  # the decree has no "CV"
    assert len(abbreviations) == len(set(abbreviations)) == 31
    assert all(unicodedata.is_normalized("NFC", a + n) for a, n in DOCUMENT_TYPES + LEGAL_TYPES)


def test_legal_types_are_kept_apart():
    legal = dict(LEGAL_TYPES)
    assert legal["NĐ"] == "Nghị định"
    assert legal["TT"] == "Thông tư"
    assert legal["TTLT"] == "Thông tư liên tịch"
    assert "QH" not in legal  # a law's "QH14" is the body, not a type
    assert "NĐ" not in dict(DOCUMENT_TYPES)
    assert {"NĐ", "TT", "TTLT", "QyĐ", "TrS", ""} & TYPE_ABBREVIATIONS == {"NĐ", "TT", "TTLT", "QyĐ", "TrS"}


# --------------------------------------------------------------------------- format_number


@pytest.mark.parametrize(
    ("n", "text"), [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (12, "12"), (123, "123"), (10234, "10234")]
)
def test_format_number_has_a_leading_zero_below_ten(n, text):
    assert format_number(n) == text


@pytest.mark.parametrize("n", [0, -1, -10])
def test_format_number_rejects_numbers_below_one(n):
    with pytest.raises(ValueError, match="starts at 1"):
        format_number(n)


def test_format_number_rejects_non_integers():
    with pytest.raises(TypeError):
        format_number(True)
    with pytest.raises(TypeError):
        format_number("5")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- canonical examples

# canonical text, number, year, groups, type abbreviation, issuer
CANONICAL = [
    ("05/QĐ-UBND", 5, None, ("QĐ", "UBND"), "QĐ", "UBND"),
    ("12/QĐ-UBND", 12, None, ("QĐ", "UBND"), "QĐ", "UBND"),
    ("35/UBND-VP", 35, None, ("UBND", "VP"), "", "UBND-VP"),
    ("85/2019/TT-BTC", 85, 2019, ("TT", "BTC"), "TT", "BTC"),
    ("118/2025/NĐ-CP", 118, 2025, ("NĐ", "CP"), "NĐ", "CP"),
    ("12/TB-VPCP", 12, None, ("TB", "VPCP"), "TB", "VPCP"),
    ("1234/QĐ-TTg", 1234, None, ("QĐ", "TTg"), "QĐ", "TTg"),
    ("01/2016/TTLT-BCA-BQP", 1, 2016, ("TTLT", "BCA", "BQP"), "TTLT", "BCA-BQP"),
    ("59/2020/QH14", 59, 2020, ("QH14",), "", "QH14"),
    ("1023/NQ-UBTVQH15", 1023, None, ("NQ", "UBTVQH15"), "NQ", "UBTVQH15"),
    ("21/2014/L-CTN", 21, 2014, ("L", "CTN"), "L", "CTN"),
    ("05/VBHN-BTC", 5, None, ("VBHN", "BTC"), "VBHN", "BTC"),
    ("03/KH-UBND", 3, None, ("KH", "UBND"), "KH", "UBND"),
    ("07/QyĐ-UBND", 7, None, ("QyĐ", "UBND"), "QyĐ", "UBND"),
    ("02/CTr-UBND", 2, None, ("CTr", "UBND"), "CTr", "UBND"),
    ("15/TTr-STP", 15, None, ("TTr", "STP"), "TTr", "STP"),
    ("04/TrS-VP", 4, None, ("TrS", "VP"), "TrS", "VP"),
    ("09/ĐA-UBND", 9, None, ("ĐA", "UBND"), "ĐA", "UBND"),
    ("11/DA-BQLDA", 11, None, ("DA", "BQLDA"), "DA", "BQLDA"),
    ("06/HĐ-SXD", 6, None, ("HĐ", "SXD"), "HĐ", "SXD"),
    ("885/QĐ-BCA-C06", 885, None, ("QĐ", "BCA", "C06"), "QĐ", "BCA-C06"),
    ("1560/UBND-KT", 1560, None, ("UBND", "KT"), "", "UBND-KT"),
]


@pytest.mark.parametrize(("text", "number", "year", "groups", "type_", "issuer"), CANONICAL)
def test_parse_canonical_examples(text, number, year, groups, type_, issuer):
    # given a number–symbol in the decree's layout, when parsed, then every part is read and str() restores it
    value = parse_number_symbol(text)
    assert (value.number, value.number_suffix, value.year, value.groups) == (number, "", year, groups)
    assert value.type_abbreviation == type_
    assert value.issuer == issuer
    assert value.symbol == text.rsplit("/", 1)[1]
    assert value.is_legal_normative is (year is not None)
    assert str(value) == text


@pytest.mark.parametrize(("text", "number", "year", "groups", "type_", "issuer"), CANONICAL)
def test_format_canonical_examples(text, number, year, groups, type_, issuer):
    # given the parts, when formatted (issuer alone, or body + unit), then the decree's text comes out
    assert format_number_symbol(number=number, type_abbreviation=type_, issuer=issuer, year=year) == text
    body, _, unit = issuer.partition("-")
    assert (
        format_number_symbol(number=number, type_abbreviation=type_, issuer=body, unit=unit, year=year)
        == text
    )


def test_format_cong_van_and_suffix():
    assert format_number_symbol(number=35, type_abbreviation="", issuer="UBND", unit="VP") == "35/UBND-VP"
    assert (
        format_number_symbol(number=5, type_abbreviation="QĐ", issuer="UBND", number_suffix="a")
        == "05a/QĐ-UBND"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"issuer": ""}, "must not be empty"),
        ({"issuer": "UBND TỈNH"}, "contains a space"),
        ({"issuer": "UBND/VP"}, "contains '/'"),
        ({"issuer": "ubnd"}, "must be capital letters"),
        ({"issuer": "UB_ND"}, "must be capital letters"),
        ({"issuer": "1UBND"}, "starting with a letter"),
        ({"issuer": "UBND-"}, "empty group"),
        ({"issuer": "QĐ-TTG"}, "must be written 'TTg'"),
        ({"issuer": "UBND", "unit": "vp"}, "unit 'vp'"),
        ({"type_abbreviation": "CV"}, "unknown type abbreviation 'CV'"),
        ({"type_abbreviation": "qđ"}, "unknown type abbreviation"),
        ({"type_abbreviation": "", "issuer": "TB-UBND"}, "would read as a type"),
        ({"type_abbreviation": "", "issuer": "QD-UBND"}, "would read as a type"),
        ({"year": 1800}, "year must be between"),
        ({"year": 20}, "year must be between"),
        ({"number": 0}, "between 1 and"),
        ({"number": MAX_NUMBER + 1}, "between 1 and"),
        ({"number_suffix": "ab"}, "one letter"),
        ({"number_suffix": "A"}, "one letter"),
    ],
)
def test_format_rejects_bad_parts(kwargs, message):
    parts = {"number": 12, "type_abbreviation": "QĐ", "issuer": "UBND"} | kwargs
    with pytest.raises(SymbolError, match=re.escape(message)):
        format_number_symbol(**parts)


def test_symbol_error_is_a_value_error():
    with pytest.raises(ValueError, match="not a number–symbol"):
        parse_number_symbol("garbage")


# --------------------------------------------------------------------------- what people type

TYPED = [
    ("Số: 05/QĐ-UBND", "05/QĐ-UBND"),
    ("số 05/QĐ-UBND", "05/QĐ-UBND"),
    ("SỐ 64/QĐ-NHNN", "64/QĐ-NHNN"),  # real decision number
    ("So:05/QĐ-UBND", "05/QĐ-UBND"),
    ("  05/QĐ-UBND\n", "05/QĐ-UBND"),
    ("5/QĐ-UBND", "05/QĐ-UBND"),
    ("005/QĐ-UBND", "05/QĐ-UBND"),
    ("05 / QĐ - UBND", "05/QĐ-UBND"),
    ("85 / 2019 / TT - BTC", "85/2019/TT-BTC"),
    ("85/2019/TT–BTC", "85/2019/TT-BTC"),  # en dash
    ("85/2019/TT\u2011BTC", "85/2019/TT-BTC"),  # non-breaking hyphen
    ("05/QĐ-UBND\u200b", "05/QĐ-UBND"),
    (unicodedata.normalize("NFD", "Số: 05/QĐ-UBND"), "05/QĐ-UBND"),
    ("12/qđ-ubnd", "12/QĐ-UBND"),
    ("1234/qđ-ttg", "1234/QĐ-TTg"),
    ("1234/QĐ-TTG", "1234/QĐ-TTg"),
    ("07/qyđ-ubnd", "07/QyĐ-UBND"),
    ("02/CTR-UBND", "02/CTr-UBND"),
    ("06/2016/QD-TTg", "06/2016/QĐ-TTg"),  # real, typed without Vietnamese input
    ("18/2021/ND-CP", "18/2021/NĐ-CP"),  # real
    ("12/HD-UBND", "12/HD-UBND"),  # Hướng dẫn, a type of its own: never turned into HĐ
    ("12/DA-UBND", "12/DA-UBND"),  # Dự án, never ĐA
    ("123a/QĐ-UBND", "123a/QĐ-UBND"),
    ("123A/QĐ-UBND", "123a/QĐ-UBND"),
    ("09b/2013/TT-BTP", "09b/2013/TT-BTP"),  # real
    ("46/2005/TTLT/BQP-BKHĐT", "46/2005/TTLT-BQP-BKHĐT"),  # old style, real
    ("198/2016/TT/BTC", "198/2016/TT-BTC"),  # real
    ("2267./QĐ-BXD", "2267/QĐ-BXD"),  # real
    ("57/2018/NÐ-CP", "57/2018/NĐ-CP"),  # real: Icelandic eth instead of Đ
    ("01/2014/NQLT-CP-UBTƯMTTQVN", "01/2014/NQLT-CP-UBTƯMTTQVN"),  # real: TƯ for Trung ương
]


@pytest.mark.parametrize(("typed", "canonical"), TYPED)
def test_parse_forgives_what_people_type(typed, canonical):
    value = parse_number_symbol(typed)
    assert str(value) == canonical
    assert parse_number_symbol(str(value)) == value


REJECTED = [
    ("", "empty"),
    ("   ", "empty"),
    ("Số:", "start with the document number"),
    ("QĐ-UBND", "start with the document number"),
    ("/QĐ-UBND", "start with the document number"),
    ("QĐ/0001-BCA", "start with the document number"),  # real placeholder
    ("Demo/QĐ-BCA", "start with the document number"),  # real placeholder
    ("QĐ2338-BTP", "start with the document number"),  # real, the '/' is missing
    ("1103", "followed by '/'"),  # real: a number alone
    ("0/QĐ-UBND", "between 1 and"),
    ("00/QĐ-UBND", "between 1 and"),
    ("1234567/QĐ-UBND", "longer than any register"),
    ("05/", "no symbol"),
    ("05/2020/", "no symbol"),
    ("05/QĐ", "needs the issuing body"),
    ("05/qd", "needs the issuing body"),
    ("05/QĐ-", "empty group"),
    ("05/QĐ--UBND", "empty group"),
    ("05//QĐ-UBND", "empty group"),
    ("05/UBND TỈNH", "contains a space"),
    ("05/QĐ-UBND.", "must be capital letters"),
    ("05/QĐ-UB_ND", "must be capital letters"),
    ("05/QĐ-ỦBND", "must be capital letters"),  # a toned capital is no abbreviation
    ("05/1QĐ-UBND", "starting with a letter"),
    ("05/QĐ-UBND/VP", "only read between a type abbreviation and the issuer"),
    ("05/UBND/VP", "only read between a type abbreviation and the issuer"),
    ("601/QĐ-BTC601/QĐ-BTC", "only read between a type abbreviation and the issuer"),  # real, glued twice
    ("12/1234/QĐ-UBND", "year must be between"),
    ("34/225/TT-NHNN", "not a four-digit year"),  # real typo in running text
    ("01/01/2020", "not a four-digit year"),  # a date
    ("1/2", "starting with a letter"),
    ("12a3/QĐ-UBND", "followed by '/'"),
]


@pytest.mark.parametrize(("text", "message"), REJECTED)
def test_parse_rejects_what_is_not_a_number_symbol(text, message):
    with pytest.raises(SymbolError, match=re.escape(message)):
        parse_number_symbol(text)


def test_number_symbol_refuses_non_canonical_values():
    # given direct construction, then only what the parser would give back is accepted
    assert str(NumberSymbol(number=5, groups=("QĐ", "UBND"))) == "05/QĐ-UBND"
    with pytest.raises(SymbolError, match="reads as the type 'QĐ'"):
        NumberSymbol(number=5, groups=("QD", "UBND"))
    with pytest.raises(SymbolError, match="as a tuple"):
        NumberSymbol(number=5, groups=["QĐ", "UBND"])  # type: ignore[arg-type]
    with pytest.raises(SymbolError, match="at least one group"):
        NumberSymbol(number=5, groups=())
    with pytest.raises(SymbolError, match="must be written 'TTg'"):
        NumberSymbol(number=5, groups=("QĐ", "TTG"))
    with pytest.raises(SymbolError, match="must be an int"):
        NumberSymbol(number=True, groups=("QĐ", "UBND"))
    with pytest.raises(TypeError):
        NumberSymbol(5, "", None, ("QĐ", "UBND"))  # type: ignore[misc]


def test_number_symbol_is_a_hashable_value():
    a = parse_number_symbol("Số: 5/qđ-ubnd")
    b = NumberSymbol(number=5, groups=("QĐ", "UBND"))
    assert a == b
    assert len({a, b}) == 1
    assert b.number_text == "05"
    assert parse_number_symbol("105a/QĐ-NHNN").number_text == "105a"


# --------------------------------------------------------------------------- search key


@pytest.mark.parametrize(
    "text",
    ["12/qđ-ubnd", "12/QĐ-UBND", "12/QD-UBND", "Số: 12 / QĐ – UBND", " 12/qd-ubnd ", "012/QĐ-UBND"],
)
def test_fold_symbol_makes_spellings_meet(text):
    assert fold_symbol(text) == "12/QD-UBND"


def test_fold_symbol_on_partial_and_old_style_text():
    assert fold_symbol("5/QĐ-UBND") == fold_symbol("05/QĐ-UBND")
    assert (
        fold_symbol("46/2005/TTLT/BQP-BKHĐT")
        == fold_symbol("46/2005/TTLT-BQP-BKHĐT")
        == ("46/2005/TTLT-BQP-BKHDT")
    )
    assert fold_symbol("1234/QĐ-TTg") == "1234/QD-TTG"
    # text that is not a whole number–symbol is folded as it stands, so it still matches as a substring
    assert fold_symbol("qđ – ubnd") == "QD-UBND"
    assert fold_symbol("qđ-ubnd") in fold_symbol("12/QĐ-UBND")
    assert fold_symbol("UBTƯMTTQVN") == "UBTUMTTQVN"


# --------------------------------------------------------------------------- running text

FOUND_IN_TEXT = [
    (
        "Quyết định số 1234/QĐ-BCA-C06 ngày 01/01/2020 của Bộ Công an",
        ["1234/QĐ-BCA-C06"],
    ),
    ("Luật số 59/2020/QH14 ngày 17/6/2020 và Nghị định 118/2025/NĐ-CP.", ["59/2020/QH14", "118/2025/NĐ-CP"]),
    ("ngày 01/01/2020, ngày 20/7/2023, tháng 01/2020, tỷ lệ 1/2", []),
    ("100/người; 50.000đ/tem; 30 ngày/lần", []),
    ("Công văn số 35/UBND-VP (V/v trả lời kiến nghị)", ["35/UBND-VP"]),
    ("theo Thông tư liên tịch số 46/2005/TTLT/BQP-BKHĐT ngày 12/4/2005", ["46/2005/TTLT-BQP-BKHĐT"]),
    ("Số: 05/QĐ-UBND", ["05/QĐ-UBND"]),
    ("Quyết định 12/QĐ, rồi 12/qđ-ubnd", []),  # no issuer; lower case is not looked for in prose
    ("Quyết định số 105a/QĐ-NHNN và 118/TTg", ["105a/QĐ-NHNN", "118/TTg"]),
    # real sentences of the national data set
    ("Nghị quyết liên tịch số 01/2014/NQLT-CP-UBTƯMTTQVN trong", ["01/2014/NQLT-CP-UBTƯMTTQVN"]),
    ("Quyết định số 104/1999/QĐ-TTG ngày 14/4/1999", ["104/1999/QĐ-TTg"]),
    ("Nghị định số 39/2026/NĐ -CP;", ["39/2026/NĐ-CP"]),
    ("Nghị định 166/2016/NĐ-CP-Quy định", ["166/2016/NĐ-CP"]),
    ("Thông tư số 53/2025/TT-NHNN/phòng giao dịch", ["53/2025/TT-NHNN"]),
    ("Thông tư số13/2016/TT-BNNPTNT;PHỤ LỤC VIII", ["13/2016/TT-BNNPTNT"]),
    ("Nghị định số 33/2026/NĐ-CPMẫu số 25", ["33/2026/NĐ-CP"]),  # a glued table cell
    ("Thông tư liên tịch số 06/1999/TTLT/BLĐTBXH-BTCTW, ngày 08/02/1999", ["06/1999/TTLT-BLĐTBXH-BTCTW"]),
    ("Nghị định số 57/2018/NÐ-CP", ["57/2018/NĐ-CP"]),
    ("Mẫu số 04/TB-HT", []),  # a form code
    ("Tờ khai thuế 02/NTNN", []),
    ("Phụ lục số 05/ĐKHN", []),
    ("QCVN 16:2023/BXD", []),  # a technical regulation
    ("Luật 54/2019/QH-14", []),  # better nothing than "54/2019/QH"
    ("Thông tư 34/225/TT-NHNN", []),  # a typo in the year cannot be repaired
    ("NĐ-CPngày 118/2025/NĐ-CPngày", []),  # glued lower case: no word start, nothing invented
]


@pytest.mark.parametrize(("text", "expected"), FOUND_IN_TEXT)
def test_find_number_symbols_in_running_text(text, expected):
    assert [str(v) for v in find_number_symbols(text)] == expected


def test_iter_number_symbols_gives_positions():
    text = "Căn cứ Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 và Quyết định 05/QĐ-UBND."
    spans = [(text[start:end], str(value)) for start, end, value in iter_number_symbols(text)]
    assert spans == [("118/2025/NĐ-CP", "118/2025/NĐ-CP"), ("05/QĐ-UBND", "05/QĐ-UBND")]


# --------------------------------------------------------------------------- properties

_REAL_BODIES = [
    "UBND",
    "BTC",
    "BCA",
    "C06",
    "QH14",
    "TTg",
    "CP",
    "VPCP",
    "BKHĐT",
    "BLĐTBXH",
    "NHNN",
    "UBTƯMTTQVN",
]
_MIXED_UPPER = {t.upper() for t in MIXED_CASE_TOKENS}
_TYPE_FOLDS = {fold_symbol(t) for t in TYPE_ABBREVIATIONS}


def _group() -> st.SearchStrategy[str]:
    generated = st.from_regex(r"[A-ZĐƯ][A-ZĐƯ0-9]{0,7}", fullmatch=True).filter(
        lambda g: g not in _MIXED_UPPER
    )
    return st.one_of(st.sampled_from(_REAL_BODIES), generated)


@st.composite
def symbol_parts(draw):
    type_ = draw(st.sampled_from(["", *sorted(TYPE_ABBREVIATIONS)]))
    issuer = draw(st.lists(_group(), min_size=1, max_size=3))
    if not type_:
        # a công văn's body must not read as a type, or the parser could not tell them apart
        issuer = [g for g in issuer if fold_symbol(g) not in _TYPE_FOLDS] or ["UBND"]
    unit = draw(st.lists(_group(), max_size=2))
    return {
        "number": draw(st.integers(1, MAX_NUMBER)),
        "number_suffix": draw(st.sampled_from(["", "a", "b", "z"])),
        "year": draw(st.none() | st.integers(MIN_YEAR, MAX_YEAR)),
        "type_abbreviation": type_,
        "issuer": "-".join(issuer),
        "unit": "-".join(unit),
    }


@given(symbol_parts())
def test_format_then_parse_round_trips(parts):
    text = format_number_symbol(**parts)
    value = parse_number_symbol(text)
    assert str(value) == text
    assert value.number == parts["number"]
    assert value.number_suffix == parts["number_suffix"]
    assert value.year == parts["year"]
    assert value.type_abbreviation == parts["type_abbreviation"]
    assert value.issuer == "-".join(p for p in (parts["issuer"], parts["unit"]) if p)
    assert value.is_legal_normative is (parts["year"] is not None)
    number = text.split("/", 1)[0]
    assert len(number.rstrip("abz")) >= 2


@given(symbol_parts())
def test_typed_variants_parse_to_the_same_value(parts):
    text = format_number_symbol(**parts)
    value = parse_number_symbol(text)
    spaced = "Số: " + text.replace("/", " / ").replace("-", " – ")
    assert parse_number_symbol(spaced) == value
    assert parse_number_symbol(text.lower()) == value
    assert parse_number_symbol(unicodedata.normalize("NFD", text)) == value
    assert fold_symbol(text.lower()) == fold_symbol(text) == fold_symbol(spaced)


@given(symbol_parts())
def test_found_in_a_sentence(parts):
    text = format_number_symbol(**parts)
    sentence = f"Căn cứ văn bản số {text} ngày 01/01/2020 của cơ quan,"
    assert find_number_symbols(sentence) == [parse_number_symbol(text)]


@given(st.text(max_size=60))
def test_parse_and_find_never_fail_otherwise(text):
    try:
        value = parse_number_symbol(text)
    except SymbolError:
        pass
    else:
        assert parse_number_symbol(str(value)) == value
    for found in find_number_symbols(text):
        assert parse_number_symbol(str(found)) == found
    assert isinstance(fold_symbol(text), str)


# --------------------------------------------------------------------------- the national data set

DETAILS = Path("tthc-dvcqg") / "tthc_details_6ministries.jsonl.gz"
# Free-text fields, as opposed to the legal-basis table and the decision field.
TEXT_FIELDS = (
    "trinh_tu_thuc_hien",
    "yeu_cau_dieu_kien",
    "thanh_phan_ho_so",
    "ket_qua_xu_ly",
    "cach_thuc_thuc_hien",
    "doi_tuong_thuc_hien",
    "ten_thu_tuc",
)


@pytest.fixture(scope="module")
def real_records(shared_data: Path) -> list[DetailRecord]:
    records = [r for r in read_procedure_details_jsonl(shared_data / DETAILS) if isinstance(r, DetailRecord)]
    assert len(records) == 2642
    return records


@pytest.fixture(scope="module")
def legal_symbols(real_records: list[DetailRecord]) -> set[str]:
    """The distinct number–symbols of the legal-basis tables, as ``parse_legal_basis`` cut them out."""
    return {ref.number_symbol for r in real_records for ref in r.legal_basis if ref.number_symbol}


@pytest.fixture(scope="module")
def decision_numbers(real_records: list[DetailRecord]) -> set[str]:
    """The distinct "Số quyết định" (the decision that published the procedure), as stored."""
    return {r.raw["so_quyet_dinh"] for r in real_records if r.raw["so_quyet_dinh"].strip()}


def _failures(texts: set[str]) -> dict[str, str]:
    failures = {}
    for text in sorted(texts):
        try:
            parse_number_symbol(text)
        except SymbolError as exc:
            failures[text] = str(exc)
    return failures


# The shapes that must fail: no leading number (placeholders "QĐ/0001-BCA", "Demo/QĐ-BCA", "QĐ2338-BTP"),
# a number with no symbol ("1103"), or a code glued twice by the table flattening ("601/QĐ-BTC601/QĐ-BTC").
_UNDERSTOOD_FAILURE = re.compile(r"\D.*|\d+|(\d+/[^/]*\D)(\d+/.*)")


def _assert_parse_rate(texts: set[str], threshold: float) -> None:
    failures = _failures(texts)
    share = 1 - len(failures) / len(texts)
    report = "\n".join(f"  {text!r}: {reason}" for text, reason in failures.items())
    assert share >= threshold, f"{len(texts) - len(failures)}/{len(texts)} = {share:.4f} parse:\n{report}"
    odd = [t for t in failures if not _UNDERSTOOD_FAILURE.fullmatch(t)]
    assert odd == [], f"failures of an unknown shape:\n{report}"


def test_real_legal_basis_symbols_parse(legal_symbols):
    # given the 1,222 distinct codes of the legal-basis tables, then all but the 2 glued twice parse
    assert len(legal_symbols) >= 1200
    _assert_parse_rate(legal_symbols, threshold=0.998)  # measured 1220/1222 = 0.9984


def test_real_decision_numbers_parse(decision_numbers):
    # given the 382 distinct decision numbers, then all but 7 placeholders and bare numbers parse
    assert len(decision_numbers) >= 350
    _assert_parse_rate(decision_numbers, threshold=0.98)  # measured 375/382 = 0.9817


def test_real_number_symbols_parse_overall(legal_symbols, decision_numbers):
    _assert_parse_rate(legal_symbols | decision_numbers, threshold=0.994)  # measured 1594/1603 = 0.9944


def test_real_number_symbols_are_stable(legal_symbols, decision_numbers):
    # given every real value that parses, then parse -> str -> parse gives the same value and text
    unstable = []
    for text in sorted(legal_symbols | decision_numbers):
        try:
            value = parse_number_symbol(text)
        except SymbolError:
            continue
        again = parse_number_symbol(str(value))
        if again != value or str(again) != str(value) or fold_symbol(text) != fold_symbol(str(value)):
            unstable.append((text, str(value), str(again)))
    assert unstable == []


# source ("legal" or "decision"), text as stored, canonical, groups, type abbreviation, issuer
REAL_EXAMPLES = [
    ("decision", "885/QĐ-BCA-C06", "885/QĐ-BCA-C06", ("QĐ", "BCA", "C06"), "QĐ", "BCA-C06"),
    ("decision", "4472/QĐ-BTC", "4472/QĐ-BTC", ("QĐ", "BTC"), "QĐ", "BTC"),
    ("decision", "105a/QĐ-NHNN", "105a/QĐ-NHNN", ("QĐ", "NHNN"), "QĐ", "NHNN"),
    ("decision", "SỐ 64/QĐ-NHNN", "64/QĐ-NHNN", ("QĐ", "NHNN"), "QĐ", "NHNN"),
    ("decision", "2267./QĐ-BXD", "2267/QĐ-BXD", ("QĐ", "BXD"), "QĐ", "BXD"),
    ("decision", "1707/QD-BTC", "1707/QĐ-BTC", ("QĐ", "BTC"), "QĐ", "BTC"),
    ("decision", "01/QĐCB", "01/QĐCB", ("QĐCB",), "", "QĐCB"),  # valid shape, unknown type
    ("legal", "118/2025/NĐ-CP", "118/2025/NĐ-CP", ("NĐ", "CP"), "NĐ", "CP"),
    ("legal", "09b/2013/TT-BTP", "09b/2013/TT-BTP", ("TT", "BTP"), "TT", "BTP"),
    ("legal", "30a/2008/NQ-CP", "30a/2008/NQ-CP", ("NQ", "CP"), "NQ", "CP"),
    ("legal", "7/2025/NQ-CP", "07/2025/NQ-CP", ("NQ", "CP"), "NQ", "CP"),
    ("legal", "06/2016/QD-TTg", "06/2016/QĐ-TTg", ("QĐ", "TTg"), "QĐ", "TTg"),
    ("legal", "18/2021/ND-CP", "18/2021/NĐ-CP", ("NĐ", "CP"), "NĐ", "CP"),
    ("legal", "198/2016/TT/BTC", "198/2016/TT-BTC", ("TT", "BTC"), "TT", "BTC"),
    (
        "legal",
        "46/2005/TTLT/BQP-BKHĐT-BTC-BLĐTBXH",
        "46/2005/TTLT-BQP-BKHĐT-BTC-BLĐTBXH",
        ("TTLT", "BQP", "BKHĐT", "BTC", "BLĐTBXH"),
        "TTLT",
        "BQP-BKHĐT-BTC-BLĐTBXH",
    ),
    ("legal", "54/2014/QH13", "54/2014/QH13", ("QH13",), "", "QH13"),
    ("legal", "190/2025/NQ-QH15", "190/2025/NQ-QH15", ("NQ", "QH15"), "NQ", "QH15"),
    ("legal", "21/2014/L-CTN", "21/2014/L-CTN", ("L", "CTN"), "L", "CTN"),
    ("legal", "48/VBHN-VPQH", "48/VBHN-VPQH", ("VBHN", "VPQH"), "VBHN", "VPQH"),
    ("legal", "2754/BHXH-CSXH", "2754/BHXH-CSXH", ("BHXH", "CSXH"), "", "BHXH-CSXH"),  # a công văn
    ("legal", "92/2000/QĐ-NHNN7", "92/2000/QĐ-NHNN7", ("QĐ", "NHNN7"), "QĐ", "NHNN7"),
    ("legal", "02/2012/NQ-HĐTP", "02/2012/NQ-HĐTP", ("NQ", "HĐTP"), "NQ", "HĐTP"),
    ("legal", "13/TT-NV", "13/TT-NV", ("TT", "NV"), "TT", "NV"),  # a 1972 circular, before years were added
]


@pytest.mark.parametrize(("source", "text", "canonical", "groups", "type_", "issuer"), REAL_EXAMPLES)
def test_real_examples_parse_to_their_groups(
    legal_symbols, decision_numbers, source, text, canonical, groups, type_, issuer
):
    assert text in (legal_symbols if source == "legal" else decision_numbers)
    value = parse_number_symbol(text)
    assert (str(value), value.groups, value.type_abbreviation, value.issuer) == (
        canonical,
        groups,
        type_,
        issuer,
    )


def _nfc_fields(records: list[DetailRecord], fields: tuple[str, ...] = TEXT_FIELDS) -> list[str]:
    return [unicodedata.normalize("NFC", r.raw[field]) for r in records for field in fields]


_CITATION = re.compile(
    r"(?:Nghị định|Thông tư(?: liên tịch)?|Quyết định|Luật|Nghị quyết|Pháp lệnh)\s+(?:số\s*)?(?=\d)"
)
_DATE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{4}(?![\d/])")


def test_real_running_text_citations_are_found(real_records):
    # given "<type> [số] <number…>" in the free-text fields, then a number–symbol is found right there;
    # the misses are citations with no symbol ("Nghị định 116") or glued table cells
    cited = found = 0
    misses: list[str] = []
    for text in _nfc_fields(real_records):
        starts = {start for start, _, _ in iter_number_symbols(text)}
        for match in _CITATION.finditer(text):
            cited += 1
            if match.end() in starts:
                found += 1
            else:
                misses.append(text[match.start() : match.end() + 30])
    assert cited >= 8900
    report = "\n".join(f"  {m!r}" for m in misses[:80])
    assert found / cited >= 0.992, (
        f"{found}/{cited} = {found / cited:.4f}; misses:\n{report}"
    )  # measured 0.9929


def test_real_running_text_dates_are_never_symbols(real_records):
    # given the 5,600+ dates dd/mm/yyyy in all the fields, then no symbol found overlaps one
    dates = 0
    overlaps = []
    for text in _nfc_fields(real_records, DETAIL_FIELDS):
        spans = [(start, end) for start, end, _ in iter_number_symbols(text)]
        for date in _DATE.finditer(text):
            dates += 1
            overlaps += [text[s:e] for s, e in spans if s < date.end() and date.start() < e]
    assert dates >= 5000
    assert overlaps == []
