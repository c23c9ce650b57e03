"""Use cases of online payment, one transaction each: start, hand to the gateway, take its callbacks,
reconcile a day.

A valid "paid" notification marks the payment paid and resumes the dossier in the same transaction, through
the dossier workflow's own ``CONFIRM_FEES`` (acting as ``PAYMENT_PLATFORM``). A refused callback changes
nothing but its log row, written on its own after the refusal.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from motcua.accounts.models import User
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError, PermissionDeniedError
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActionInput, dossier_act
from motcua.dossiers.workflow import PAYMENT_PLATFORM, Action, Status
from motcua.payments import gateway, reconciliation
from motcua.payments.gateway import IPN_FIELDS, RETURN_FIELDS, Callback, CallbackRefusedError
from motcua.payments.models import (
    OPEN_STATUSES,
    CallbackKind,
    Payment,
    PaymentCallback,
    PaymentStatus,
    Reconciliation,
    Verdict,
)

logger = logging.getLogger(__name__)

#: How long a payment request stays payable at the gateway.
PAYMENT_LIFETIME = dt.timedelta(minutes=15)
#: The account the platform's confirmations are recorded under in the dossier's history (cannot log in).
PLATFORM_USERNAME = "cong-thanh-toan"
_BUSINESS_FIELDS = ("order_id", "amount", "transaction_id", "status")


class PaymentError(DomainError):
    code = "payment_not_allowed"
    status = 409


# -- starting ------------------------------------------------------------------------------------------------


def payment_start(*, dossier: Dossier, actor: User) -> Payment:
    """The applicant's payment of the dossier's fees: the open one if there is one, else a new one."""
    if not gateway.config().is_enabled:
        raise PaymentError("Chưa mở dịch vụ thanh toán trực tuyến.")
    now = clock.now()
    with transaction.atomic(durable=True):
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.owner_id is None or locked.owner_id != actor.pk:
            raise PermissionDeniedError("Chỉ người nộp hồ sơ được thanh toán phí của hồ sơ.")
        if locked.status != Status.FEES_REQUESTED:
            raise PaymentError("Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.")
        amount = int(locked.fee_amount)
        if amount <= 0:
            raise PaymentError("Hồ sơ không có khoản phí cần nộp.")
        mine = Payment.objects.filter(dossier=locked, status__in=OPEN_STATUSES)
        mine.filter(expires_at__lte=now).update(status=PaymentStatus.EXPIRED, updated_at=now)
        current = mine.filter(expires_at__gt=now, amount=amount).order_by("-created_at").first()
        if current is not None:
            return current
        payment = Payment.objects.create(
            dossier=locked,
            payer=actor,
            order_id=_new_order_id(now),
            amount=amount,
            description=f"Nộp phí, lệ phí hồ sơ {locked.code}",
            created_at=now,
            expires_at=now + PAYMENT_LIFETIME,
            updated_at=now,
        )
        audit_record(actor=actor, action="payment.create", obj=payment, dossier=locked.code, amount=amount)
    return payment


def _new_order_id(now: dt.datetime) -> str:
    return f"MC{now:%y%m%d}{secrets.token_hex(5).upper()}"


def payment_send(*, payment: Payment, actor: User) -> str:
    """The signed gateway URL for the payer's browser; the payment now waits for the gateway."""
    now = clock.now()
    with transaction.atomic(durable=True):
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.payer_id != actor.pk:
            raise PermissionDeniedError("Chỉ người nộp hồ sơ được thanh toán phí của hồ sơ.")
        if locked.status not in OPEN_STATUSES or locked.expires_at <= now:
            raise PaymentError("Giao dịch đã kết thúc hoặc hết hạn, xin tạo giao dịch mới.")
        if locked.status == PaymentStatus.CREATED:
            locked.status, locked.updated_at = PaymentStatus.PENDING, now
            locked.save(update_fields=["status", "updated_at"])
            audit_record(actor=actor, action="payment.send", obj=locked)
    return gateway.payment_url(
        order_id=locked.order_id,
        amount=locked.amount,
        description=locked.description,
        return_url=gateway.public_url(reverse("payments:returned", args=[locked.order_id])),
        ipn_url=gateway.public_url(reverse("api:payment_ipn")),
        expires_at=locked.expires_at,
        now=now,
    )


# -- callbacks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackOutcome:
    verdict: str
    reason: str
    message: str
    status: int  # the HTTP status to answer the gateway with


def payment_callback_receive(*, params: dict[str, str], remote_addr: str = "") -> CallbackOutcome:
    """The gateway's server-to-server notification (IPN): verified, applied once, always logged."""
    try:
        callback = gateway.parse_callback(params, fields=IPN_FIELDS)
        return _apply(callback, params, remote_addr)
    except CallbackRefusedError as refused:
        return _refuse(CallbackKind.IPN, params, refused, remote_addr)


def _apply(callback: Callback, params: dict[str, str], remote_addr: str) -> CallbackOutcome:
    now = clock.now()
    with transaction.atomic(durable=True):
        payment = Payment.objects.select_for_update().filter(order_id=callback.order_id).first()
        if payment is None:
            raise CallbackRefusedError("unknown_order", "Không có giao dịch với mã đơn hàng này.", 404)
        if callback.amount != payment.amount:
            raise CallbackRefusedError("amount_mismatch", "Số tiền không khớp với giao dịch.", 409)
        earlier = PaymentCallback.objects.filter(
            kind=CallbackKind.IPN, verdict=Verdict.ACCEPTED, callback_id=callback.callback_id
        ).first()
        if earlier is not None:
            if any(str(earlier.params.get(f)) != params.get(f) for f in _BUSINESS_FIELDS):
                raise CallbackRefusedError(
                    "callback_id_reused", "Mã thông báo đã dùng cho nội dung khác.", 409
                )
            return _log_applied(payment, params, remote_addr, Verdict.DUPLICATE, "already_applied", callback)
        if payment.status == PaymentStatus.PAID:
            if callback.status == "paid" and callback.transaction_id == payment.transaction_id:
                return _log_applied(payment, params, remote_addr, Verdict.DUPLICATE, "already_paid", callback)
            raise CallbackRefusedError(
                "already_paid", "Giao dịch đã được thanh toán, thông báo khác bị từ chối.", 409
            )
        taken = Payment.objects.filter(transaction_id=callback.transaction_id).exclude(pk=payment.pk)
        if taken.exists():
            raise CallbackRefusedError("transaction_conflict", "Mã giao dịch đã thuộc đơn hàng khác.", 409)
        note = (
            _paid(payment, callback, now) if callback.status == "paid" else _not_paid(payment, callback, now)
        )
        return _log_applied(payment, params, remote_addr, Verdict.ACCEPTED, note, callback)


def _paid(payment: Payment, callback: Callback, now: dt.datetime) -> str:
    payment.status = PaymentStatus.PAID
    payment.transaction_id = callback.transaction_id
    payment.paid_amount = callback.amount
    payment.paid_at = callback.paid_at or now
    payment.confirmed_at = payment.updated_at = now
    payment.save()
    audit_record(actor=None, action="payment.paid", obj=payment, transaction_id=callback.transaction_id)
    dossier = Dossier.objects.select_for_update().get(pk=payment.dossier_id)
    if dossier.status != Status.FEES_REQUESTED:
        # Paid after the desk confirmed another way (cash, transfer): recorded for the reconciliation/refund.
        logger.warning("payment %s paid but dossier %s is not waiting for fees", payment.order_id, dossier)
        return "dossier_not_waiting"
    amount = f"{payment.amount:,}".replace(",", ".")
    dossier_act(
        dossier=dossier,
        actor=platform_user(),
        action=Action.CONFIRM_FEES,
        data=ActionInput(
            note=f"Đã thanh toán trực tuyến {amount} đồng, mã giao dịch {payment.transaction_id}.",
            system_actor=PAYMENT_PLATFORM,
        ),
    )
    return "dossier_resumed"


def _not_paid(payment: Payment, callback: Callback, now: dt.datetime) -> str:
    payment.status = PaymentStatus.CANCELLED if callback.status == "cancelled" else PaymentStatus.FAILED
    payment.transaction_id = callback.transaction_id
    payment.updated_at = now
    payment.save(update_fields=["status", "transaction_id", "updated_at"])
    audit_record(actor=None, action=f"payment.{payment.status}", obj=payment)
    return str(payment.status)


def platform_user() -> User:
    user, created = User.objects.get_or_create(
        username=PLATFORM_USERNAME,
        defaults={"kind": User.Kind.OFFICIAL, "full_name": "Cổng thanh toán trực tuyến", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _log_applied(
    payment: Payment, params: dict[str, str], remote_addr: str, verdict: str, reason: str, callback: Callback
) -> CallbackOutcome:
    PaymentCallback.objects.create(
        kind=CallbackKind.IPN,
        payment=payment,
        order_id=callback.order_id,
        callback_id=callback.callback_id,
        transaction_id=callback.transaction_id,
        params=params,
        verdict=verdict,
        reason=reason,
        remote_addr=remote_addr,
    )
    message = "Đã ghi nhận." if verdict == Verdict.ACCEPTED else "Đã ghi nhận trước đó."
    return CallbackOutcome(verdict, reason, message, 200)


def _refuse(
    kind: str, params: dict[str, str], refused: CallbackRefusedError, remote_addr: str
) -> CallbackOutcome:
    order_id = str(params.get("order_id", ""))[:64]
    with transaction.atomic(durable=True):
        PaymentCallback.objects.create(
            kind=kind,
            payment=Payment.objects.filter(order_id=order_id).first() if order_id else None,
            order_id=order_id,
            callback_id=str(params.get("callback_id", ""))[:64],
            transaction_id=str(params.get("transaction_id", ""))[:64],
            params=params,
            verdict=Verdict.REFUSED,
            reason=refused.reason,
            message=refused.message[:300],
            remote_addr=remote_addr,
        )
    logger.warning("payment %s callback refused (%s): order %r", kind, refused.reason, order_id)
    return CallbackOutcome(Verdict.REFUSED, refused.reason, refused.message, refused.status)


def payment_return_check(*, order_id: str, params: dict[str, str], remote_addr: str = "") -> CallbackOutcome:
    """The browser's return from the gateway: checked and logged, never applied (the IPN changes state)."""
    try:
        callback = gateway.parse_callback(params, fields=RETURN_FIELDS)
        if callback.order_id != order_id:
            raise CallbackRefusedError("order_mismatch", "Mã đơn hàng không khớp với địa chỉ trả về.")
        payment = Payment.objects.filter(order_id=order_id).first()
        if payment is None:
            raise CallbackRefusedError("unknown_order", "Không có giao dịch với mã đơn hàng này.", 404)
        if callback.amount != payment.amount:
            raise CallbackRefusedError("amount_mismatch", "Số tiền không khớp với giao dịch.", 409)
    except CallbackRefusedError as refused:
        return _refuse(CallbackKind.RETURN, params, refused, remote_addr)
    PaymentCallback.objects.create(
        kind=CallbackKind.RETURN,
        payment=payment,
        order_id=order_id,
        transaction_id=callback.transaction_id,
        params=params,
        verdict=Verdict.ACCEPTED,
        reason=f"reported_{callback.status}",
        remote_addr=remote_addr,
    )
    return CallbackOutcome(Verdict.ACCEPTED, callback.status, "", 200)


# -- reconciliation ------------------------------------------------------------------------------------------


def reconciliation_run(*, day: dt.date) -> Reconciliation:
    """Compare the gateway's list of ``day`` with MotCua's payments created that day; one row per day."""
    remote = gateway.fetch_transactions(day)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clock.local_zone())
    local = list(
        Payment.objects.filter(Q(created_at__gte=start) & Q(created_at__lt=start + dt.timedelta(days=1)))
    )
    result = reconciliation.compare(remote=remote, local=[reconciliation.LocalPayment.of(p) for p in local])
    with transaction.atomic(durable=True):
        report, _created = Reconciliation.objects.update_or_create(
            day=day,
            defaults={
                "ran_at": clock.now(),
                "gateway_count": len(remote),
                "local_count": len(local),
                "matched_count": result.matched,
                "gateway_paid_total": result.gateway_paid_total,
                "local_paid_total": result.local_paid_total,
                "mismatches": [m.as_dict() for m in result.mismatches],
            },
        )
        audit_record(actor=None, action="payment.reconcile", obj=report, mismatches=len(result.mismatches))
    if result.mismatches:
        logger.warning("payment reconciliation %s: %d mismatches", day, len(result.mismatches))
    return report


__all__ = [
    "CallbackOutcome",
    "PaymentError",
    "payment_callback_receive",
    "payment_return_check",
    "payment_send",
    "payment_start",
    "reconciliation_run",
]
