"""Reads of payments: the one a request may see, a dossier's state for its page."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.accounts.models import User
from motcua.core.errors import DomainError, NotFoundError
from motcua.dossiers.access import access_dossier_by_code
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Status
from motcua.payments import gateway
from motcua.payments.models import Payment, PaymentStatus


def access_payment(*, user: User, order_id: str) -> Payment:
    """A payment for its dossier's applicant and the officials who see the dossier; else "not found"."""
    payment = Payment.objects.select_related("dossier", "dossier__procedure", "payer").filter(
        order_id=order_id
    )
    found = payment.first()
    if found is None or found.dossier.code is None:
        raise NotFoundError("Không tìm thấy giao dịch.")
    try:
        access_dossier_by_code(user=user, code=found.dossier.code)
    except DomainError as exc:
        raise NotFoundError("Không tìm thấy giao dịch.") from exc
    return found


@dataclass(frozen=True)
class DossierPaymentState:
    """What the dossier's page shows its applicant about fees."""

    amount: int
    may_pay: bool  # the "Thanh toán trực tuyến" button
    latest: Payment | None
    paid: Payment | None


def dossier_payment_state(*, dossier: Dossier, user: User) -> DossierPaymentState | None:
    """None when there is nothing to show (not the applicant, or fees never asked nor paid online)."""
    if not user.is_authenticated or dossier.owner_id != user.pk:
        return None
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at")[:20])
    if dossier.status != Status.FEES_REQUESTED and not payments:
        return None
    paid = next((p for p in payments if p.status == PaymentStatus.PAID), None)
    may_pay = (
        dossier.status == Status.FEES_REQUESTED
        and paid is None
        and dossier.fee_amount > 0
        and gateway.config().is_enabled
    )
    return DossierPaymentState(
        amount=int(dossier.fee_amount),
        may_pay=may_pay,
        latest=payments[0] if payments else None,
        paid=paid,
    )
