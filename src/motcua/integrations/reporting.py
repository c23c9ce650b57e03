"""What the national portal sync gives the reports: the Decision 766 "dossiers synced" share."""

from __future__ import annotations

from fractions import Fraction

from motcua.integrations.selectors import portal_unsynced
from motcua.reports.selectors import Period, dossier_figures, period_bounds


def dossiers_synced(scope: list[int] | None, period: Period) -> Fraction | None:
    """(received − still unsynced) / received, the received count from the daily aggregates."""
    received = dossier_figures(scope, period).received
    if not received:
        return None
    start, end = period_bounds(period)
    return Fraction(max(received - portal_unsynced(scope, start, end), 0), received)
