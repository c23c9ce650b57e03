"""Daily aggregates of dossiers, kept in step with the dossier core so reports never scan the dossiers.

One row per (day, agency, procedure, channel). ``received`` counts dossiers received that day by the
receiving agency; the ``resolved_*`` counters count dossiers finished that day by the processing agency,
by outcome (DOMAIN.md §4.4). Rows are incremented in the transaction that receives or finishes a dossier
(``receivers``); ``motcua rebuild_stats --verify`` recounts them from the dossiers.
"""

from __future__ import annotations

from django.db import models


class DossierDayStat(models.Model):
    day = models.DateField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField(default=0)
    resolved_early = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_late = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "channel"], name="dossier_day_stat_key"
            )
        ]
        indexes = [models.Index(fields=["agency", "day"], name="dossier_day_stat_agency_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}/{self.channel}"


class EvaluationMonth(models.Model):
    """Circular 01/2018's nine indices summed over the dossiers an agency (or one of its officers) resolved
    in a month; ``officer`` empty is the agency's row. Refreshed from the dossiers by ``evaluation.refresh``
    (nightly ``motcua refresh_evaluation``): ratings and feedback arrive after the finish.
    """

    month = models.DateField(help_text="first day of the month")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dossiers = models.PositiveIntegerField()
    total_time = models.PositiveIntegerField()
    unit_time = models.PositiveIntegerField()
    contacts = models.PositiveIntegerField()
    agencies_contacted = models.PositiveIntegerField()
    desk_handling = models.PositiveIntegerField()
    publication = models.PositiveIntegerField()
    officer_conduct = models.PositiveIntegerField()
    feedback_handling = models.PositiveIntegerField()
    online_service = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency"],
                condition=models.Q(officer__isnull=True),
                name="evaluation_agency_key",
            ),
            models.UniqueConstraint(
                fields=["month", "agency", "officer"],
                condition=models.Q(officer__isnull=False),
                name="evaluation_officer_key",
            ),
        ]
        indexes = [models.Index(fields=["agency", "month"], name="evaluation_agency_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id}/{self.officer_id or '-'}"
