"""Online payment of a dossier's fees: payments, every callback the gateway sent, the daily reconciliation.

``Payment.status`` changes only in ``services``; a ``PaymentCallback`` row is written for every callback
received, accepted or not (what arrived, with its signature, and the verdict), and is never changed after.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core import clock


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("created")
    PENDING = "pending", _("waiting for the gateway")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")


#: Statuses in which the citizen may still complete the payment at the gateway.
OPEN_STATUSES = (PaymentStatus.CREATED, PaymentStatus.PENDING)


class Payment(models.Model):
    """One attempt to pay a dossier's fees at the gateway; ``order_id`` is the request key sent to it."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="payments"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="+"
    )
    order_id = models.CharField(_("order id"), max_length=32, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    transaction_id = models.CharField(_("gateway transaction id"), max_length=64, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("paid amount (VND)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    expires_at = models.DateTimeField(_("expires at"))
    paid_at = models.DateTimeField(_("paid at (gateway)"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["dossier", "status"], name="payment_dossier_idx"),
            models.Index(fields=["paid_at"], name="payment_paid_at_idx"),
            models.Index(fields=["created_at"], name="payment_created_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PaymentStatus.values), name="payment_status_known"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.PAID)
                | (Q(paid_at__isnull=False) & Q(paid_amount__isnull=False) & ~Q(transaction_id="")),
                name="payment_paid_is_complete",
            ),
            models.UniqueConstraint(
                fields=["transaction_id"], condition=~Q(transaction_id=""), name="payment_transaction_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.status})"


class CallbackKind(models.TextChoices):
    IPN = "ipn", _("server notification (IPN)")
    RETURN = "return", _("browser return")


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    DUPLICATE = "duplicate", _("duplicate (already applied)")
    REFUSED = "refused", _("refused")


class PaymentCallback(models.Model):
    """Every callback received from the gateway, as it arrived (signature included) and what was decided."""

    kind = models.CharField(_("kind"), max_length=8, choices=CallbackKind.choices)
    received_at = models.DateTimeField(_("received at"), default=clock.now, db_index=True)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    order_id = models.CharField(_("order id"), max_length=64, blank=True)
    callback_id = models.CharField(_("callback id"), max_length=64, blank=True)
    transaction_id = models.CharField(_("gateway transaction id"), max_length=64, blank=True)
    params = models.JSONField(_("parameters received"), default=dict)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    remote_addr = models.CharField(_("sender address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("payment callback")
        verbose_name_plural = _("payment callbacks")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["verdict", "received_at"], name="payment_callback_verdict_idx")]
        constraints = [
            # A notification is applied once: its id may be accepted only one time (replays are duplicates).
            models.UniqueConstraint(
                fields=["callback_id"],
                condition=Q(verdict="accepted", kind="ipn"),
                name="payment_callback_applied_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_id or '?'}: {self.verdict} {self.reason}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The callback log is append-only.")
        super().save(*args, **kwargs)


class Reconciliation(models.Model):
    """The comparison of one day's payments with the gateway's list (one row per day, replaced on re-run)."""

    day = models.DateField(_("day"), unique=True)
    ran_at = models.DateTimeField(_("run at"), default=clock.now)
    gateway_count = models.PositiveIntegerField(_("gateway transactions"), default=0)
    local_count = models.PositiveIntegerField(_("MotCua payments"), default=0)
    matched_count = models.PositiveIntegerField(_("matching"), default=0)
    gateway_paid_total = models.PositiveBigIntegerField(_("paid at the gateway (VND)"), default=0)
    local_paid_total = models.PositiveBigIntegerField(_("paid in MotCua (VND)"), default=0)
    mismatches = models.JSONField(_("mismatches"), default=list, blank=True)

    class Meta:
        verbose_name = _("payment reconciliation")
        verbose_name_plural = _("payment reconciliations")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {len(self.mismatches)}"

    @property
    def is_balanced(self) -> bool:
        return not self.mismatches
