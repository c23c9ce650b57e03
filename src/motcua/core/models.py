"""Shared kernel models: the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core import clock


class AuditEvent(models.Model):
    """One row per use case that changed state: who did what to which object, and when."""

    occurred_at = models.DateTimeField(_("occurred at"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=80)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class PeriodicRun(models.Model):
    """When a periodic job (motcua.core.periodic) runs next, and how its last run went."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("next run at"))
    started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    failed = models.BooleanField(_("last run failed"), default=False)
    result = models.TextField(_("last result"), blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
