"""Register numbers: taken from a locked counter row inside the caller's transaction.

Decree 30/2020 Art. 15-16: numbers restart at 01 on 1 January, are unique per agency and year, and
confidential documents have their own series. The counter row stays locked until the issuing transaction
ends, so concurrent issuers queue on it; a rollback (a failed signature, say) returns the number, so the
series never has a gap.
"""

from __future__ import annotations

from motcua.agencies.models import Agency
from motcua.core.errors import DomainError
from motcua.documents import symbols
from motcua.documents.models import CONFIDENTIAL_LEVELS, RegisterSequence, Series


def register_take_number(*, agency: Agency, year: int, kind: str, series: str) -> int:
    """The next number of one register series; call inside the transaction that saves the document."""
    RegisterSequence.objects.bulk_create(
        [RegisterSequence(agency=agency, year=year, kind=kind, series=series)], ignore_conflicts=True
    )
    sequence = RegisterSequence.objects.select_for_update().get(
        agency=agency, year=year, kind=kind, series=series
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def series_for(confidentiality: str) -> str:
    return Series.CONFIDENTIAL if confidentiality in CONFIDENTIAL_LEVELS else Series.REGULAR


def number_symbol(
    *, number: int, type_abbreviation: str, issuer: str, unit: str, year: int, legal_normative: bool
) -> str:
    """``12/QĐ-UBND``, ``35/UBND-VP`` (công văn), ``85/2019/TT-BTC`` (legal normative texts)."""
    try:
        return symbols.format_number_symbol(
            number=number,
            type_abbreviation=type_abbreviation,
            issuer=issuer,
            unit=unit,
            year=year if legal_normative else None,
        )
    except symbols.SymbolError as error:
        raise DomainError(
            f"Không tạo được số, ký hiệu văn bản từ ký hiệu cơ quan “{issuer}” và đơn vị “{unit}”: {error}",
            fields={"symbol_unit": [str(error)]},
        ) from error
