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


class DeliveryStatus(models.TextChoices):
    """What the gateway's delivery report said; empty until one arrives (never, for e-mail)."""

    UNKNOWN = "", _("no report yet")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("not delivered")


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
    template = models.CharField(_("template"), max_length=60, blank=True, help_text=_("event code"))
    params = models.JSONField(_("template parameters"), default=dict, blank=True)
    external_template_id = models.CharField(
        _("provider template id"), max_length=40, blank=True, help_text=_("Zalo ZNS template id")
    )
    segments = models.PositiveSmallIntegerField(_("SMS segments"), default=0)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    delivery_status = models.CharField(
        _("delivery report"), max_length=10, choices=DeliveryStatus.choices, blank=True, default=""
    )
    delivery_reported_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)
    delivery_error = models.CharField(_("delivery failure reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            models.Index(fields=["related_type", "related_id"], name="notification_related_idx"),
            models.Index(fields=["channel", "provider_message_id"], name="notification_provider_id_idx"),
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
            models.CheckConstraint(
                condition=models.Q(delivery_status__in=DeliveryStatus.values),
                name="notification_delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.status})"


class MessageTemplate(models.Model):
    """The wording of one event's messages, editable by administrators (defaults in ``events.py``).

    Texts are Django templates over the event's string parameters (``{{ code }}``, ``{{ due }}``...).
    """

    code = models.CharField(_("event"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("e-mail subject"), max_length=255)
    email_body = models.TextField(_("e-mail text"))
    sms_text = models.TextField(
        _("SMS text"),
        help_text=_("Keep it within the SMS segment budget: the admin shows the sample's cost."),
    )
    zalo_text = models.TextField(_("Zalo text (preview)"), blank=True)
    zalo_template_id = models.CharField(
        _("Zalo ZNS template id"), max_length=40, blank=True, help_text=_("Empty: no Zalo message.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive: the event sends nothing.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class RateWindow(models.Model):
    """Messages handed to one channel during one minute: the per-channel rate limit's counter."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    starts_at = models.DateTimeField(_("minute"))
    used = models.PositiveIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("rate window")
        verbose_name_plural = _("rate windows")
        constraints = [
            models.UniqueConstraint(fields=["channel", "starts_at"], name="ratewindow_one_per_minute"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.starts_at:%H:%M}: {self.used}"
