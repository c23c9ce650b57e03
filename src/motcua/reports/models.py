"""Daily aggregates of dossiers, kept in step with the dossier core so reports never scan the dossiers.

One row per (day, agency, procedure, channel), and their sum per month (``DossierMonthStat``); each counter
counts dossiers by one of their days and agencies:

- by the day a dossier was received and its receiving agency: ``received``, and of those the dossiers with a
  digitised component (``received_digitised``), reused stored data (``received_reusing``) and an electronic
  result file (``received_with_result``), whenever these came (Decision 766's digitisation inputs);
- by the day it was finished and its processing agency: ``resolved_*`` by outcome (DOMAIN.md §4.4) and the
  applicant's rating (``rated_1`` … ``rated_5``);
- by the day its fees were paid and its receiving agency (the one a transfer never changes):
  ``fees_paid``, and ``fees_paid_online`` of those with a payment completed at the gateway.

Rows are changed in the transaction of each event (``receivers``); ``motcua rebuild_stats --verify`` recounts
them from the dossiers. Every counter has a database default of 0, so an upsert names only what it adds.
"""

from __future__ import annotations

from django.db import models


class DossierStat(models.Model):
    """The key and counters shared by the day rows and their monthly rollup."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    channel = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField(default=0, db_default=0)
    received_digitised = models.PositiveIntegerField(default=0, db_default=0)
    received_reusing = models.PositiveIntegerField(default=0, db_default=0)
    received_with_result = models.PositiveIntegerField(default=0, db_default=0)
    resolved_early = models.PositiveIntegerField(default=0, db_default=0)
    resolved_on_time = models.PositiveIntegerField(default=0, db_default=0)
    resolved_late = models.PositiveIntegerField(default=0, db_default=0)
    rated_1 = models.PositiveIntegerField(default=0, db_default=0)
    rated_2 = models.PositiveIntegerField(default=0, db_default=0)
    rated_3 = models.PositiveIntegerField(default=0, db_default=0)
    rated_4 = models.PositiveIntegerField(default=0, db_default=0)
    rated_5 = models.PositiveIntegerField(default=0, db_default=0)
    fees_paid = models.PositiveIntegerField(default=0, db_default=0)
    fees_paid_online = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class DossierDayStat(DossierStat):
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "channel"], name="dossier_day_stat_key"
            )
        ]
        indexes = [models.Index(fields=["agency", "day"], name="dossier_day_stat_agency_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}/{self.channel}"


class DossierMonthStat(DossierStat):
    """The day rows of a month summed (kept with them by the same upserts): a year is read as 12 rows per
    key instead of up to 365. Reports read whole months here and the days at a period's edges from the day
    rows."""

    month = models.DateField(help_text="first day of the month")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "channel"], name="dossier_month_stat_key"
            )
        ]
        indexes = [models.Index(fields=["agency", "month"], name="dossier_month_stat_agency_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id}/{self.procedure_id}/{self.channel}"


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
