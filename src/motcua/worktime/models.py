"""The admin-editable override table of the working calendar.

The ``holidays`` package and ``calendar.PUBLIC_SECTOR_SWAPS`` know the days off decided so far; each year the
Prime Minister may add a bridging day off and a make-up Saturday. Administrators record those here, and
``selectors.work_calendar()`` feeds them to the pure ``WorkCalendar``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core import clock


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Make-up working day")


class CalendarOverride(models.Model):
    """One day whose status differs from the legal calendar, e.g. a bridging day off or a make-up Saturday."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OverrideKind.choices)
    reason = models.CharField(_("reason"), max_length=300, help_text=_("Shown to the public, in Vietnamese."))
    legal_basis = models.CharField(
        _("legal basis"), max_length=200, blank=True, help_text=_("e.g. Công văn 12729/VPCP-KGVX")
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OverrideKind.values), name="calendar_override_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()}"
