"""The outbound delivery outbox: every call MotCua makes to an external system is a row here first.

A ``DeliveryStream`` is the ordered sequence of messages one system must receive about one key (a dossier
code for the national portal); ``Delivery`` rows are its messages, numbered 1, 2, 3... in the stream.
See ``motcua.integrations.outbox`` for the guarantees and the only code that writes these tables.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core import clock


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    DEAD = "dead", _("failed (dead letter)")


class StreamState(models.TextChoices):
    """Where a stream stands: everything delivered, something waiting, or blocked by a dead letter."""

    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class DeliveryStream(models.Model):
    """The messages of one key to one system, delivered strictly in order (its row is the order's lock)."""

    system = models.CharField(_("system"), max_length=40)
    key = models.CharField(_("key"), max_length=100)
    last_seq = models.PositiveIntegerField(_("messages queued"), default=0)
    delivered_seq = models.PositiveIntegerField(
        _("messages delivered"), default=0, help_text=_("every message up to this number was delivered")
    )
    state = models.CharField(_("state"), max_length=10, choices=StreamState.choices, default=StreamState.SENT)
    last_error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("delivery stream")
        verbose_name_plural = _("delivery streams")
        constraints = [
            models.UniqueConstraint(fields=["system", "key"], name="delivery_stream_unique"),
            models.CheckConstraint(
                condition=Q(delivered_seq__lte=models.F("last_seq")), name="delivery_stream_seq_order"
            ),
            models.CheckConstraint(
                condition=Q(state__in=StreamState.values), name="delivery_stream_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["system", "state", "updated_at"], name="delivery_stream_state_idx")]

    def __str__(self) -> str:
        return f"{self.system}:{self.key} ({self.delivered_seq}/{self.last_seq})"


class Delivery(models.Model):
    """One outbound call: what to send (``kind`` + ``payload``), its place in its stream, its attempts."""

    stream = models.ForeignKey(
        DeliveryStream, verbose_name=_("stream"), on_delete=models.CASCADE, related_name="deliveries"
    )
    seq = models.PositiveIntegerField(_("number in the stream"))
    kind = models.CharField(_("kind"), max_length=60)
    request_key = models.CharField(
        _("request key"), max_length=200, unique=True, help_text=_("sent along: the receiver drops repeats")
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=clock.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The task meant to make the next attempt: the recovery gives a new one to rows whose task was lost.
    task_id = models.UUIDField(_("task"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="delivery_seq_unique"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="delivery_sent_at_iff_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["status", "created_at"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq} ({self.status})"
