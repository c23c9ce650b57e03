"""The procedure catalogue (TTHC): procedures, their versions, channels, components and processes.

A ``Procedure`` is the stable identity (its national code) plus a denormalised copy of what lists and
search need; its content lives in immutable ``ProcedureVersion`` rows so that a dossier keeps the
version it was received under. Re-importing a changed record adds a version, never edits one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.core import clock


class Field(models.Model):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Đất đai."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OnlineMode(models.TextChoices):
    FULL = "full", _("Fully online")
    PARTIAL = "partial", _("Partially online")
    NONE = "none", _("Not online")


class Level(models.TextChoices):
    MINISTRY = "ministry", _("Ministry level")
    PROVINCE = "province", _("Provincial level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("Postal service")


class DurationUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("working hours")
    HOURS = "hours", _("hours")
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Procedure(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=1000)
    # Diacritic- and case-folded copies for search that behaves the same on SQLite and PostgreSQL.
    name_folded = models.CharField(_("folded name"), max_length=1000, editable=False)
    search_folded = models.TextField(_("folded search text"), editable=False, blank=True)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    at_ministry = models.BooleanField(_("ministry level"), default=False)
    at_province = models.BooleanField(_("provincial level"), default=False)
    at_district = models.BooleanField(_("district level"), default=False)
    at_commune = models.BooleanField(_("commune level"), default=False)
    online_mode = models.CharField(
        _("online mode"), max_length=10, choices=OnlineMode.choices, default=OnlineMode.NONE
    )
    legacy_level = models.PositiveSmallIntegerField(
        _("legacy level (before 1 July 2022)"),
        null=True,
        blank=True,
        choices=[(n, str(n)) for n in (1, 2, 3, 4)],
    )
    state = models.CharField(
        _("publication state"),
        max_length=10,
        choices=PublicationState.choices,
        default=PublicationState.PUBLISHED,
    )
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["state", "name_folded"], name="procedure_state_name_idx"),
            models.Index(fields=["field", "state"], name="procedure_field_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def levels(self) -> list[str]:
        flags = [
            (self.at_ministry, Level.MINISTRY),
            (self.at_province, Level.PROVINCE),
            (self.at_district, Level.DISTRICT),
            (self.at_commune, Level.COMMUNE),
        ]
        return [str(level.label) for on, level in flags if on]


class ProcedureVersion(models.Model):
    """The full content of a procedure as published at one time; never edited once a dossier uses it."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    content_hash = models.CharField(_("content hash"), max_length=64)
    name = models.CharField(_("name"), max_length=1000)
    procedure_type = models.CharField(_("procedure type"), max_length=200, blank=True)
    levels_text = models.CharField(_("implementing levels"), max_length=300, blank=True)
    applicant_types = models.TextField(_("applicants"), blank=True)
    competent_agency = models.TextField(_("competent agency"), blank=True)
    implementing_agency = models.TextField(_("implementing agency"), blank=True)
    receiving_address = models.TextField(_("where to submit"), blank=True)
    steps = models.JSONField(_("steps"), default=list, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    results = models.JSONField(_("results"), default=list, blank=True)
    publishing_decision = models.CharField(_("publishing decision"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    def legal_working_hours(self) -> Decimal | None:
        """The longest processing time among channels that are expressed in working time."""
        hours = [t.working_hours for t in self.channel_terms.all() if t.working_hours is not None]
        return max(hours) if hours else None


class ChannelTerm(models.Model):
    """Processing time and fees for one submission channel of a version."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="channel_terms"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    duration_value = models.DecimalField(
        _("processing time"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    duration_unit = models.CharField(_("unit"), max_length=15, choices=DurationUnit.choices, blank=True)
    duration_text = models.CharField(_("processing time as published"), max_length=500, blank=True)
    working_hours = models.DecimalField(
        _("processing time in working hours"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    fee_amount = models.DecimalField(_("fee (VND)"), max_digits=14, decimal_places=0, null=True, blank=True)
    fee_is_specified = models.BooleanField(_("fee published"), default=False)
    fee_text = models.TextField(_("fee as published"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("channel terms")
        verbose_name_plural = _("channel terms")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.duration_text}"


class Component(models.Model):
    """A document required in the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    group = models.CharField(_("case"), max_length=500, blank=True)
    name = models.TextField(_("name"))
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    template_name = models.CharField(_("template form"), max_length=300, blank=True)
    template_file = models.FileField(_("template file"), upload_to="templates/%Y/", blank=True)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name[:80]


class LegalBasis(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="legal_bases"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.TextField(_("title"))
    number_symbol = models.CharField(_("number and symbol"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.number_symbol or self.title[:80]


class ProcedureAssignment(models.Model):
    """Which agency implements a procedure, from when to when."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="assignments"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="procedure_assignments",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_boundless = models.BooleanField(
        _("not bound to administrative boundaries"),
        default=False,
        help_text=_("May be received at any desk in the province"),
    )

    class Meta:
        verbose_name = _("procedure assignment")
        verbose_name_plural = _("procedure assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "valid_from"], name="assignment_once_per_start"
            ),
        ]
        indexes = [models.Index(fields=["agency", "procedure"], name="assignment_agency_idx")]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.agency}"


class InternalProcess(models.Model):
    """An agency's internal process for a procedure (quy trình nội bộ): ordered steps with allotted time."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="processes"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="processes"
    )
    name = models.CharField(_("name"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("internal process")
        verbose_name_plural = _("internal processes")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "valid_from"], name="process_once_per_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="process_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    process = models.ForeignKey(
        InternalProcess, verbose_name=_("process"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    org_unit = models.ForeignKey(
        "agencies.OrgUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    role = models.CharField(_("responsible role"), max_length=20, choices=Role.choices)
    allotted_hours = models.DecimalField(_("allotted working hours"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="process_step_order_unique"),
            models.CheckConstraint(condition=Q(allotted_hours__gt=0), name="process_step_positive_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class CatalogueSyncQuerySet(models.QuerySet["CatalogueSync"]):
    def next_since(self) -> dt.date | None:
        """The day the next pull asks changes from: the start of the last complete pull (None: everything)."""
        last = self.filter(is_complete=True).order_by("-started_at").first()
        return last.started_at.astimezone(clock.local_zone()).date() if last else None


class CatalogueSync(models.Model):
    """One pull of the national portal's procedure list (LayDanhSachTTHC), kept as the record of the sync.

    A pull is *complete* when it finished, refused nothing and asked for every change since the previous
    complete one: only then does the next pull ask from its start day, so a refused entry or a failed pull
    is asked for again.
    """

    started_at = models.DateTimeField(_("started at"), default=clock.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    since = models.DateField(_("changes since"), null=True, blank=True, help_text=_("Empty: the whole list"))
    received = models.PositiveIntegerField(_("entries received"), default=0)
    created = models.PositiveIntegerField(_("procedures created"), default=0)
    new_versions = models.PositiveIntegerField(_("new versions"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    refusals = models.JSONField(_("refused entries"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    is_complete = models.BooleanField(_("complete"), default=False)

    objects = CatalogueSyncQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue pull")
        verbose_name_plural = _("catalogue pulls")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"

    def finish(
        self,
        *,
        received: int = 0,
        created: int = 0,
        new_versions: int = 0,
        unchanged: int = 0,
        refusals: list[dict[str, str]] | None = None,
        error: str = "",
        covers_previous: bool = False,
    ) -> None:
        """Record the outcome; ``covers_previous``: it asked for every change since the last complete pull."""
        self.finished_at = clock.now()
        self.received = received
        self.created = created
        self.new_versions = new_versions
        self.unchanged = unchanged
        self.refusals = refusals or []
        self.refused = len(self.refusals)
        self.error = error
        self.is_complete = covers_previous and not error and not self.refusals
        self.save()
