"""What online payment gives the reports: the Decision 766 "fees paid online" share."""

from __future__ import annotations

from fractions import Fraction

from motcua.dossiers.models import Dossier
from motcua.payments.models import PaymentStatus
from motcua.reports.selectors import Period, period_bounds


def paid_online(scope: list[int] | None, period: Period) -> Fraction | None:
    """Of the dossiers whose fees were paid in the period (any way), the share paid through the gateway.

    Reads only fee-paying dossiers, through ``dossier_fees_paid_idx``; None when no fee was paid.
    """
    start, end = period_bounds(period)
    paid = Dossier.objects.filter(fees_paid_at__gte=start, fees_paid_at__lt=end)
    if scope is not None:
        paid = paid.filter(processing_agency_id__in=scope)
    total = paid.count()
    if not total:
        return None
    online = paid.filter(payments__status=PaymentStatus.PAID).distinct().count()
    return Fraction(online, total)
