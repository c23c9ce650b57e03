"""The notifications outbox: one row per message a business event must deliver, written in that event's
transaction and delivered (with retries) by the task queue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core import clock


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed (gave up)")


class Notification(models.Model):
    """A message to one recipient; ``dedupe_key`` names the business event so it is never sent twice."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, help_text=_("e-mail address or phone"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    related_type = models.CharField(_("related object type"), max_length=40, blank=True)
    related_id = models.CharField(_("related object id"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=clock.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["related_type", "related_id"], name="notification_related_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=NotificationStatus.SENT, sent_at__isnull=False)
                | (~models.Q(status=NotificationStatus.SENT) & models.Q(sent_at__isnull=True)),
                name="notification_sent_at_iff_sent",
            ),
            models.CheckConstraint(condition=~models.Q(recipient=""), name="notification_recipient_set"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.status})"
