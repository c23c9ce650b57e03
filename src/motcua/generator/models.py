"""A record of each generator run: the marker that the database holds generated data, and its parameters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneratorRun(models.Model):
    seed = models.BigIntegerField(_("seed"))
    parameters = models.JSONField(_("parameters"), default=dict)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dossiers = models.PositiveIntegerField(_("dossiers"), default=0)
    documents = models.PositiveIntegerField(_("documents"), default=0)
    citizens = models.PositiveIntegerField(_("citizen accounts"), default=0)

    class Meta:
        verbose_name = _("generator run")
        verbose_name_plural = _("generator runs")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"#{self.pk} seed {self.seed}: {self.dossiers} dossiers, {self.documents} documents"
