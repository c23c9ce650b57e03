"""Feedback and petitions (phản ánh, kiến nghị) about a procedure, a dossier or conduct at a desk.

``status`` is written only by ``services.feedback_act`` through ``workflow.TRANSITIONS``; each step has its
due moment in working days (``rules.Deadlines``), kept here so the queue sorts by urgency with an index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.feedback.workflow import STATUS_LABELS, Status


class Subject(models.TextChoices):
    PROCEDURE = "procedure", _("A procedure (its rules or forms)")
    DOSSIER = "dossier", _("A dossier")
    CONDUCT = "conduct", _("Conduct of an official or a desk")
    OTHER = "other", _("Other")


STATUS_CHOICES = [(status.value, label) for status, label in STATUS_LABELS.items()]


class FeedbackSequence(models.Model):
    """The last feedback number of a day (row-locked when taken)."""

    day = models.DateField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last_number}"


class Feedback(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=15, choices=STATUS_CHOICES, default=Status.RECEIVED)
    subject = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("responsible agency"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"))
    # The sender (the law requires a name and a contact for a formal petition).
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_name = models.CharField(_("name"), max_length=200)
    sender_phone = models.CharField(_("phone"), max_length=15)
    sender_email = models.EmailField(_("e-mail"), blank=True)
    sender_address = models.CharField(_("address"), max_length=300, blank=True)
    # Handling.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    accept_due_at = models.DateTimeField(_("accept or refuse by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    info_due_at = models.DateTimeField(_("ask for information by"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    publish_due_at = models.DateTimeField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("next step due"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    search_folded = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["agency", "status", "next_due_at"], name="feedback_queue_idx"),
            models.Index(fields=["status", "-published_at"], name="feedback_public_idx"),
            models.Index(fields=["agency", "received_at"], name="feedback_agency_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]


class FeedbackFile(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="feedback/%Y/%m/", max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


class FeedbackEvent(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    status_after = models.CharField(max_length=15)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"
