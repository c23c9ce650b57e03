"""What the national portal sync gives the reports: the Decision 766 "dossiers synced" share."""

from __future__ import annotations

from fractions import Fraction

from motcua.integrations.selectors import portal_unsynced
from motcua.reports.selectors import Dashboard, period_bounds


def dossiers_synced(board: Dashboard) -> Fraction | None:
    """(received − still unsynced) / received, the received count from the dashboard's daily aggregates."""
    received = board.dossiers.received
    if not received:
        return None
    start, end = period_bounds(board.period)
    return Fraction(max(received - portal_unsynced(board.scope, start, end), 0), received)
