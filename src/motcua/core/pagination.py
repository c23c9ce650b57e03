"""Counting what a list shows without counting millions: the count stops at a cap ("1 000+").

A search for a common word matches most of a register; counting every match costs more than showing the
page. ``capped_count`` runs ``SELECT COUNT(*) FROM (... LIMIT cap + 1)``, which stops early.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 1_000


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """The number of rows, at most ``cap``, and whether there are more."""
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator whose count stops at ``COUNT_CAP``; ``is_capped`` says there are more."""

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        if isinstance(self.object_list, QuerySet):
            return capped_count(self.object_list)
        return len(self.object_list), False

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def is_capped(self) -> bool:
        return self._capped[1]
