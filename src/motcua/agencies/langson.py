"""The Lạng Sơn demo province as plain data (no Django), for the ``load_demo`` command.

Identifier scheme (Circular 10/2016/TT-BTTTT, ``AAA.BB.CC.DDD``; Lạng Sơn is ``H37``). Every agency that
ever existed keeps its identifier, so numbers are never reused:

* ``000.00.00.H37`` – Ủy ban nhân dân tỉnh Lạng Sơn (level 0, the province itself);
* ``000.00.01.H37`` … ``000.00.19.H37`` – the provincial departments, fixed numbers (see ``_DEPARTMENTS``):
  01 Văn phòng UBND, 02–17 the departments of Decree 24/2014 Art. 8 in that article's order, 18–19 the
  other provincial agencies (Sở Ngoại vụ, Ban Dân tộc);
* ``000.00.20.H37`` – Trung tâm Phục vụ hành chính công tỉnh;
* ``000.00.21.H37`` … – the district-level committees, numbered from 21 in NSO district-code order
  (11 districts: 21–31);
* ``000.MM.NN.H37`` – a pre-2025 commune ``MM`` under district ``NN`` (the level-1 ``CC`` part is the
  district's number, the level-2 ``BB`` part the commune's), communes numbered from 01 in NSO code order
  within their district;
* ``000.00.NN.H37`` – a commune-level committee after the 1 July 2025 reform (no districts any more, so
  communes hang directly under the province), numbered in NSO code order from the first level-1 number
  not used above (32 with the real data: 32–96). The level-1 field holds at most 99 units, which the
  65 post-2025 communes still fit.

Numbers depend only on the fixed table below and on sorted NSO codes, so the same input always gives the
same identifiers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from motcua.agencies.identifiers import AgencyIdentifier
from motcua.agencies.sources import AdminUnit, Conversion

__all__ = [
    "LANGSON_PROVINCE_CODE",
    "LANGSON_ROOT",
    "LAST_PRE_REFORM_DAY",
    "REFORM_DATE",
    "AgencyKind",
    "AgencySpec",
    "Succession",
    "SuccessionGaps",
    "build_langson_2020",
    "build_langson_2025",
    "departments",
    "provincial_agencies",
    "provincial_committee",
    "service_centre",
    "succession_gaps",
]

AgencyKind: TypeAlias = Literal[
    "provincial_committee", "department", "district_committee", "commune_committee", "service_centre", "other"
]

LANGSON_PROVINCE_CODE: Final = "20"
LANGSON_ROOT: Final = AgencyIdentifier("H37")
REFORM_DATE: Final = dt.date(2025, 7, 1)
# Pre-reform districts and communes ceased at the end of the day before the reform.
LAST_PRE_REFORM_DAY: Final = REFORM_DATE - dt.timedelta(days=1)

_SERVICE_CENTRE_NUMBER: Final = 20
_FIRST_DISTRICT_NUMBER: Final = 21
_MAX_LEVEL_NUMBER: Final = 99

# (number, name, abbreviation, kind). Numbers are part of the identifiers: never renumber, only append.
_DEPARTMENTS: Final[tuple[tuple[int, str, str, AgencyKind], ...]] = (
    (1, "Văn phòng UBND tỉnh", "VPUBND", "department"),
    (2, "Sở Nội vụ", "SNV", "department"),
    (3, "Sở Tư pháp", "STP", "department"),
    (4, "Sở Kế hoạch và Đầu tư", "SKHĐT", "department"),
    (5, "Sở Tài chính", "STC", "department"),
    (6, "Sở Công Thương", "SCT", "department"),
    (7, "Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT", "department"),
    (8, "Sở Giao thông vận tải", "SGTVT", "department"),
    (9, "Sở Xây dựng", "SXD", "department"),
    (10, "Sở Tài nguyên và Môi trường", "STNMT", "department"),
    (11, "Sở Thông tin và Truyền thông", "STTTT", "department"),
    (12, "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "department"),
    (13, "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "department"),
    (14, "Sở Khoa học và Công nghệ", "SKHCN", "department"),
    (15, "Sở Giáo dục và Đào tạo", "SGDĐT", "department"),
    (16, "Sở Y tế", "SYT", "department"),
    (17, "Thanh tra tỉnh", "TTr", "department"),
    (18, "Sở Ngoại vụ", "SNgV", "other"),
    (19, "Ban Dân tộc", "BDT", "other"),
)


@dataclass(frozen=True, slots=True)
class AgencySpec:
    """One agency to load; ``admin_unit_code`` is the NSO code of the area it governs, if any."""

    identifier: AgencyIdentifier
    name: str
    short_name: str
    kind: AgencyKind
    parent_identifier: AgencyIdentifier | None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    admin_unit_code: str | None = None


@dataclass(frozen=True, slots=True)
class Succession:
    """The work of ``old_identifier`` passes (wholly or partly) to ``new_identifier``."""

    old_identifier: AgencyIdentifier
    new_identifier: AgencyIdentifier
    is_whole: bool
    effective_on: dt.date = REFORM_DATE


@dataclass(frozen=True, slots=True)
class SuccessionGaps:
    """What the conversion table does not tie together (for reports and tests)."""

    without_successor: tuple[AgencySpec, ...]  # old communes that no conversion row names
    unknown_old_codes: tuple[str, ...]  # old codes in the table with no pre-2025 commune agency
    unknown_new_codes: tuple[str, ...]  # new codes in the table with no post-2025 unit


# --------------------------------------------------------------------------- provincial level


def provincial_committee() -> AgencySpec:
    return AgencySpec(
        identifier=LANGSON_ROOT,
        name="Ủy ban nhân dân tỉnh Lạng Sơn",
        short_name="UBND",
        kind="provincial_committee",
        parent_identifier=None,
        admin_unit_code=LANGSON_PROVINCE_CODE,
    )


def departments() -> list[AgencySpec]:
    """Văn phòng UBND, the 16 other Decree 24/2014 Art. 8 departments, and the 2 "other" agencies."""
    return [
        AgencySpec(LANGSON_ROOT.child(number), name, short, kind, LANGSON_ROOT)
        for number, name, short, kind in _DEPARTMENTS
    ]


def service_centre() -> AgencySpec:
    return AgencySpec(
        identifier=LANGSON_ROOT.child(_SERVICE_CENTRE_NUMBER),
        name="Trung tâm Phục vụ hành chính công tỉnh",
        short_name="TTPVHCC",
        kind="service_centre",
        parent_identifier=LANGSON_ROOT,
    )


def provincial_agencies() -> list[AgencySpec]:
    """The provincial committee, its departments and the service centre (21 agencies)."""
    return [provincial_committee(), *departments(), service_centre()]


# --------------------------------------------------------------------------- before the 2025 reform


def build_langson_2020(units: Iterable[AdminUnit]) -> list[AgencySpec]:
    """District and commune committees of Lạng Sơn from the 2020 units (other provinces are ignored).

    Returned in tree order: each district committee followed by its communes.
    """
    by_code = _unique_by_code(units)
    districts = sorted(
        (u for u in by_code.values() if u.level == "district" and u.parent_code == LANGSON_PROVINCE_CODE),
        key=lambda u: u.code,
    )
    if _FIRST_DISTRICT_NUMBER + len(districts) - 1 > _MAX_LEVEL_NUMBER:
        raise ValueError(
            f"{len(districts)} districts do not fit the level-1 numbers from {_FIRST_DISTRICT_NUMBER}"
        )
    specs: list[AgencySpec] = []
    for number, district in enumerate(districts, start=_FIRST_DISTRICT_NUMBER):
        district_spec = _committee(district, LANGSON_ROOT.child(number), "district_committee", LANGSON_ROOT)
        communes = sorted(
            (u for u in by_code.values() if u.level == "commune" and u.parent_code == district.code),
            key=lambda u: u.code,
        )
        specs.append(district_spec)
        specs.extend(_commune_specs(communes, district_spec.identifier))
    return specs


def _commune_specs(communes: Sequence[AdminUnit], district: AgencyIdentifier) -> list[AgencySpec]:
    if len(communes) > _MAX_LEVEL_NUMBER:
        raise ValueError(f"{len(communes)} communes do not fit under district {district}")
    return [
        _committee(commune, district.child(number), "commune_committee", district)
        for number, commune in enumerate(communes, start=1)
    ]


def _committee(
    unit: AdminUnit, identifier: AgencyIdentifier, kind: AgencyKind, parent: AgencyIdentifier
) -> AgencySpec:
    # Official style writes the unit type in lower case inside a name: "Ủy ban nhân dân huyện Hữu Lũng".
    area = unit.name[:1].lower() + unit.name[1:]
    return AgencySpec(
        identifier=identifier,
        name=f"Ủy ban nhân dân {area}",
        short_name=f"UBND {area}",
        kind=kind,
        parent_identifier=parent,
        admin_unit_code=unit.code,
    )


def _unique_by_code(units: Iterable[AdminUnit]) -> dict[str, AdminUnit]:
    """Units keyed by code (widths differ per level, so codes never clash across levels); the same code
    twice with different content is an input error rather than something to pick from silently."""
    found: dict[str, AdminUnit] = {}
    for unit in units:
        earlier = found.setdefault(unit.code, unit)
        if earlier != unit:
            raise ValueError(f"code {unit.code} appears twice: {earlier.name!r} and {unit.name!r}")
    return found


# --------------------------------------------------------------------------- after the 2025 reform


def build_langson_2025(
    units_2025: Iterable[AdminUnit],
    conversions: Iterable[Conversion],
    agencies_2020: Sequence[AgencySpec],
) -> tuple[list[AgencySpec], list[Succession]]:
    """Agencies and successions of the 1 July 2025 reform in Lạng Sơn.

    ``agencies_2020`` is the output of ``build_langson_2020``: it supplies the old identifiers the
    successions point from. The returned specs are those old district and commune committees closed on
    30 June 2025 (for communes already gone before 2025, see ``succession_gaps``, this is the latest
    possible end), followed by the post-2025 commune committees valid from 1 July 2025.
    """
    new_specs = _post_reform_communes(units_2025, agencies_2020)
    closed = [
        _close(spec) for spec in agencies_2020 if spec.kind in ("district_committee", "commune_committee")
    ]
    return [*closed, *new_specs], _successions(conversions, agencies_2020, new_specs)


def _post_reform_communes(
    units_2025: Iterable[AdminUnit], agencies_2020: Sequence[AgencySpec]
) -> list[AgencySpec]:
    communes = sorted(
        (u for u in units_2025 if u.level == "commune" and u.parent_code == LANGSON_PROVINCE_CODE),
        key=lambda u: u.code,
    )
    first = _next_free_number([*provincial_agencies(), *agencies_2020])
    if first + len(communes) - 1 > _MAX_LEVEL_NUMBER:
        raise ValueError(
            f"{len(communes)} communes do not fit the level-1 numbers {first}–{_MAX_LEVEL_NUMBER}"
        )
    return [
        dataclasses.replace(
            _committee(commune, LANGSON_ROOT.child(number), "commune_committee", LANGSON_ROOT),
            valid_from=REFORM_DATE,
        )
        for number, commune in enumerate(communes, start=first)
    ]


def _next_free_number(specs: Iterable[AgencySpec]) -> int:
    """First level-1 number after every one used so far, so new identifiers never collide with old ones."""
    return max((spec.identifier.level1 for spec in specs), default=0) + 1


def _close(spec: AgencySpec) -> AgencySpec:
    if spec.valid_to is not None and spec.valid_to <= LAST_PRE_REFORM_DAY:
        return spec
    return dataclasses.replace(spec, valid_to=LAST_PRE_REFORM_DAY)


def _successions(
    conversions: Iterable[Conversion], old_specs: Sequence[AgencySpec], new_specs: Sequence[AgencySpec]
) -> list[Succession]:
    old = _communes_by_code(old_specs)
    new = _communes_by_code(new_specs)
    whole: dict[tuple[AgencyIdentifier, AgencyIdentifier], bool] = {}
    for row in conversions:
        if row.old_code is not None and row.old_code in old and row.new_code in new:
            key = (old[row.old_code].identifier, new[row.new_code].identifier)
            # A repeated pair only stays "whole" if every row says so.
            whole[key] = whole.get(key, True) and row.is_whole
    return [Succession(old_id, new_id, is_whole) for (old_id, new_id), is_whole in sorted(whole.items())]


def _communes_by_code(specs: Iterable[AgencySpec]) -> Mapping[str, AgencySpec]:
    return {
        spec.admin_unit_code: spec
        for spec in specs
        if spec.kind == "commune_committee" and spec.admin_unit_code is not None
    }


def succession_gaps(
    agencies_2020: Sequence[AgencySpec], units_2025: Iterable[AdminUnit], conversions: Iterable[Conversion]
) -> SuccessionGaps:
    """Old communes without a successor, and Lạng Sơn conversion codes that match no unit."""
    rows = [row for row in conversions if row.new_province_code == LANGSON_PROVINCE_CODE]
    old = _communes_by_code(agencies_2020)
    new_codes = {
        u.code for u in units_2025 if u.level == "commune" and u.parent_code == LANGSON_PROVINCE_CODE
    }
    converted = {row.old_code for row in rows if row.old_code is not None}
    return SuccessionGaps(
        without_successor=tuple(spec for code, spec in sorted(old.items()) if code not in converted),
        unknown_old_codes=tuple(sorted(converted - old.keys())),
        unknown_new_codes=tuple(sorted({row.new_code for row in rows} - new_codes)),
    )
