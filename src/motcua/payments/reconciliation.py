"""Comparing a day's transactions at the gateway with MotCua's payments (pure: no database, no network).

Both sides are matched by order id. Reported: a gateway transaction MotCua does not know
(``missing_in_motcua``), a payment MotCua holds as paid that the gateway does not list
(``missing_at_gateway``), different amounts (``amount_mismatch``), paid on one side only
(``status_mismatch``) and paid on both under different transaction ids (``transaction_mismatch``).
A payment that never reached the gateway (created, pending, expired) and is absent from its list is normal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from motcua.payments.gateway import GatewayTransaction

if TYPE_CHECKING:
    from motcua.payments.models import Payment

PAID = "paid"


@dataclass(frozen=True)
class LocalPayment:
    order_id: str
    transaction_id: str
    amount: int
    paid_amount: int | None
    status: str

    @classmethod
    def of(cls, payment: Payment) -> LocalPayment:
        return cls(
            order_id=payment.order_id,
            transaction_id=payment.transaction_id,
            amount=payment.amount,
            paid_amount=payment.paid_amount,
            status=str(payment.status),
        )


@dataclass(frozen=True)
class Mismatch:
    kind: str
    order_id: str
    transaction_id: str = ""
    gateway_amount: int | None = None
    local_amount: int | None = None
    gateway_status: str = ""
    local_status: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Comparison:
    matched: int = 0
    gateway_paid_total: int = 0
    local_paid_total: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)


def compare(*, remote: list[GatewayTransaction], local: list[LocalPayment]) -> Comparison:
    result = Comparison(
        gateway_paid_total=sum(t.amount for t in remote if t.status == PAID),
        local_paid_total=sum(p.paid_amount or p.amount for p in local if p.status == PAID),
    )
    ours = {payment.order_id: payment for payment in local}
    seen: set[str] = set()
    for theirs in remote:
        seen.add(theirs.order_id)
        payment = ours.get(theirs.order_id)
        if payment is None:
            result.mismatches.append(_mismatch("missing_in_motcua", theirs, None))
            continue
        found = _differences(theirs, payment)
        result.mismatches += found
        result.matched += not found
    for payment in local:
        if payment.order_id not in seen and payment.status == PAID:
            result.mismatches.append(_mismatch("missing_at_gateway", None, payment))
    return result


def _differences(theirs: GatewayTransaction, payment: LocalPayment) -> list[Mismatch]:
    found: list[Mismatch] = []
    local_amount = payment.paid_amount if payment.status == PAID and payment.paid_amount else payment.amount
    if theirs.amount != local_amount:
        found.append(_mismatch("amount_mismatch", theirs, payment))
    if (theirs.status == PAID) != (payment.status == PAID):
        found.append(_mismatch("status_mismatch", theirs, payment))
    elif theirs.status == PAID and theirs.transaction_id != payment.transaction_id:
        found.append(_mismatch("transaction_mismatch", theirs, payment))
    return found


def _mismatch(kind: str, theirs: GatewayTransaction | None, payment: LocalPayment | None) -> Mismatch:
    return Mismatch(
        kind=kind,
        order_id=(theirs.order_id if theirs else payment.order_id if payment else ""),
        transaction_id=(theirs.transaction_id if theirs else payment.transaction_id if payment else ""),
        gateway_amount=theirs.amount if theirs else None,
        local_amount=(payment.paid_amount or payment.amount) if payment else None,
        gateway_status=theirs.status if theirs else "",
        local_status=payment.status if payment else "",
    )
