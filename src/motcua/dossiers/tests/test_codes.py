"""Dossier codes: the national format, round trips, bad codes (Circular 01/2018/TT-VPCP Art. 19)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.codes import (
    DossierCodeError,
    SequenceExhaustedError,
    format_dossier_code,
    parse_dossier_code,
)


def test_the_example_of_the_circular_formats_and_parses() -> None:
    code = format_dossier_code("000.00.12.H37", dt.date(2020, 9, 15), 7)

    assert code == "000.00.12.H37-200915-0007"
    assert parse_dossier_code(code).number == 7
    assert parse_dossier_code(code).day == dt.date(2020, 9, 15)


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=1, max_value=9999),
    st.from_regex(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}", fullmatch=True),
)
def test_format_and_parse_are_inverse(day: dt.date, number: int, agency: str) -> None:
    parsed = parse_dossier_code(format_dossier_code(agency, day, number))
    assert (parsed.agency_identifier, parsed.day, parsed.number) == (agency, day, number)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "000.00.12.H37-200915-0000",
        "000.00.12.H37-201315-0001",
        "000.00.12.H37-200915-07",
        "H37-200915-0007",
    ],
)
def test_malformed_codes_are_refused(text: str) -> None:
    with pytest.raises(DossierCodeError):
        parse_dossier_code(text)


def test_a_day_has_at_most_9999_numbers_per_agency() -> None:
    with pytest.raises(SequenceExhaustedError):
        format_dossier_code("000.00.12.H37", dt.date(2026, 1, 5), 10_000)
