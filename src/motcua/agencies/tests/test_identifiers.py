"""Agency electronic identifiers (Circular 10/2016/TT-BTTTT): parsing, printing, navigation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.agencies.identifiers import AgencyIdentifier, InvalidIdentifierError

ROOTS = st.from_regex(r"[A-Z](0[1-9]|[1-9][0-9])", fullmatch=True)


@st.composite
def valid_identifiers(draw: st.DrawFn) -> str:
    """Valid text: a lower level is only set when every higher level is."""
    root = draw(ROOTS)
    level = draw(st.integers(0, 3))
    level1 = draw(st.integers(1, 99)) if level >= 1 else 0
    level2 = draw(st.integers(1, 99)) if level >= 2 else 0
    level3 = draw(st.integers(1, 999)) if level >= 3 else 0
    return f"{level3:03d}.{level2:02d}.{level1:02d}.{root}"


@given(valid_identifiers())
def test_str_of_parse_round_trips(text: str) -> None:
    assert str(AgencyIdentifier.parse(text)) == text


@given(valid_identifiers())
def test_parent_of_child_is_self(text: str) -> None:
    identifier = AgencyIdentifier.parse(text)
    if identifier.level < 3:
        child = identifier.child(1)
        assert child.level == identifier.level + 1
        assert child.parent() == identifier


@given(valid_identifiers())
def test_parent_is_one_level_up_and_reaches_the_root(text: str) -> None:
    identifier = AgencyIdentifier.parse(text)
    steps = 0
    while (parent := identifier.parent()) is not None:
        assert parent.level == identifier.level - 1
        identifier = parent
        steps += 1
    assert identifier.level == 0
    assert steps == AgencyIdentifier.parse(text).level


@pytest.mark.parametrize(
    ("text", "level", "parent"),
    [
        ("000.00.00.H37", 0, None),
        ("000.00.12.H37", 1, "000.00.00.H37"),
        ("000.01.21.H37", 2, "000.00.21.H37"),  # commune 01 of district 21
        ("001.01.21.H37", 3, "000.01.21.H37"),
        ("000.00.01.G01", 1, "000.00.00.G01"),
    ],
)
def test_level_and_parent(text: str, level: int, parent: str | None) -> None:
    identifier = AgencyIdentifier.parse(text)
    assert identifier.level == level
    assert (None if identifier.parent() is None else str(identifier.parent())) == parent


def test_parse_ignores_surrounding_spaces() -> None:
    assert str(AgencyIdentifier.parse("  000.00.12.H37\n")) == "000.00.12.H37"


def test_child_builds_the_next_level() -> None:
    province = AgencyIdentifier("H37")
    assert str(province.child(12)) == "000.00.12.H37"
    assert str(province.child(21).child(3)) == "000.03.21.H37"
    assert str(province.child(21).child(3).child(999)) == "999.03.21.H37"


@pytest.mark.parametrize(
    ("text", "number"),
    [("000.00.00.H37", 0), ("000.00.00.H37", 100), ("000.00.21.H37", 100), ("000.03.21.H37", 1000)],
)
def test_child_rejects_numbers_out_of_range(text: str, number: int) -> None:
    with pytest.raises(InvalidIdentifierError, match="Số thứ tự"):
        AgencyIdentifier.parse(text).child(number)


def test_lowest_level_has_no_child() -> None:
    with pytest.raises(InvalidIdentifierError, match="cấp thấp nhất"):
        AgencyIdentifier.parse("001.03.21.H37").child(1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "AAA.BB.CC.DDD"),
        ("   ", "AAA.BB.CC.DDD"),
        ("000.00.12.h37", "AAA.BB.CC.DDD"),  # lower-case letter
        ("000.00.12.H3", "AAA.BB.CC.DDD"),
        ("000.00.12.H377", "AAA.BB.CC.DDD"),
        ("000.00.12.37H", "AAA.BB.CC.DDD"),
        ("000.00.12.137", "AAA.BB.CC.DDD"),  # no letter
        ("00.00.12.H37", "AAA.BB.CC.DDD"),
        ("0000.00.12.H37", "AAA.BB.CC.DDD"),
        ("000.0.12.H37", "AAA.BB.CC.DDD"),
        ("000.00.1.H37", "AAA.BB.CC.DDD"),
        ("000-00-12-H37", "AAA.BB.CC.DDD"),
        ("000.00.12.H37.", "AAA.BB.CC.DDD"),
        ("000.00.12", "AAA.BB.CC.DDD"),
        ("H37", "AAA.BB.CC.DDD"),
        ("000.00.1a.H37", "AAA.BB.CC.DDD"),
        ("000.00.１２.H37", "AAA.BB.CC.DDD"),  # full-width digits
        ("000.00.12.Đ37", "AAA.BB.CC.DDD"),  # not an A–Z letter
        ("000.00.12.H00", "H00"),
        ("000.05.00.H37", "thiếu đơn vị cấp 1"),
        ("001.00.12.H37", "thiếu đơn vị cấp 2"),
        ("001.00.00.H37", "thiếu đơn vị cấp"),
    ],
)
def test_invalid_text_is_rejected_with_a_vietnamese_message(text: str, message: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="không hợp lệ") as caught:
        AgencyIdentifier.parse(text)
    assert message in str(caught.value)


def test_non_string_is_rejected() -> None:
    with pytest.raises(InvalidIdentifierError, match="chuỗi ký tự"):
        AgencyIdentifier.parse(37)  # type: ignore[arg-type]


def test_invalid_error_is_a_value_error() -> None:
    assert issubclass(InvalidIdentifierError, ValueError)


@pytest.mark.parametrize(
    "parts",
    [("h37", 0, 0, 0), ("H37", 100, 0, 0), ("H37", -1, 0, 0), ("H37", 1, 1, 1000), ("H37", 0, 1, 0)],
)
def test_constructor_validates_too(parts: tuple[str, int, int, int]) -> None:
    with pytest.raises(InvalidIdentifierError):
        AgencyIdentifier(*parts)


def test_identifiers_sort_in_tree_order() -> None:
    # Sorting keeps each unit right before its children (a district, then its communes).
    texts = [
        "000.00.22.H37",
        "000.02.21.H37",
        "000.00.00.H37",
        "000.00.01.G01",
        "000.00.21.H37",
        "000.01.21.H37",
    ]
    ordered = sorted(AgencyIdentifier.parse(text) for text in texts)
    assert [str(identifier) for identifier in ordered] == [
        "000.00.01.G01",
        "000.00.00.H37",
        "000.00.21.H37",
        "000.01.21.H37",
        "000.02.21.H37",
        "000.00.22.H37",
    ]


def test_identifiers_are_hashable_values() -> None:
    assert {AgencyIdentifier.parse("000.00.12.H37"), AgencyIdentifier("H37", 12)} == {
        AgencyIdentifier("H37", 12)
    }
    assert repr(AgencyIdentifier("H37", 12)) == "AgencyIdentifier.parse('000.00.12.H37')"
