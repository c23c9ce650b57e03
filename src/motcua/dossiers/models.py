"""The one-stop dossier (hồ sơ): its parties, files, processing tasks, pauses and history.

``Dossier.status`` is written only by ``services`` through the table in ``workflow``; ``DossierEvent`` rows
are the append-only history (Form 05/06, the citizen's timeline, the audit trail).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role
from motcua.core import clock
from motcua.dossiers.workflow import ACTION_LABELS, EVENT_LABELS, STATUS_LABELS, Action, Status


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("In person")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Postal service")
    NATIONAL_PORTAL = 4, _("National public service portal")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Outcome(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


STATUS_CHOICES = [(status.value, label) for status, label in STATUS_LABELS.items()]


class DossierSequence(models.Model):
    """The last number given to a dossier of one receiving agency on one day (row-locked when taken)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.day}: {self.last_number}"


class Dossier(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True, null=True, blank=True)
    # The portal's own MaHoSo of a dossier a citizen submitted on the national portal (integrations.portal
    # .receive): unique, so a portal dossier taken in twice (a crash before the portal heard) is found, not
    # created again.
    portal_code = models.CharField(
        _("code on the national portal"), max_length=50, unique=True, null=True, blank=True, editable=False
    )
    status = models.PositiveSmallIntegerField(_("status"), choices=STATUS_CHOICES, default=Status.DRAFT)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("procedure version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="+"
    )
    processing_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("processing agency"),
        on_delete=models.PROTECT,
        related_name="processed_dossiers",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=12, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("ID number or tax code"), max_length=20, blank=True)
    applicant_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    submitted_by_name = models.CharField(_("submitted on behalf by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    current_task = models.ForeignKey(
        "DossierTask",
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("current handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paused_from_status = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    supplement_rounds = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    apologies = models.PositiveSmallIntegerField(_("apologies with a new appointment"), default=0)
    withdrawal_requested_at = models.DateTimeField(_("withdrawal requested at"), null=True, blank=True)
    fee_amount = models.DecimalField(_("fees (VND)"), max_digits=14, decimal_places=0, default=0)
    fees_paid_at = models.DateTimeField(_("fees paid at"), null=True, blank=True)
    is_immediate = models.BooleanField(_("immediate result"), default=False)
    # Set by a liên thông transfer: the receiving desk then watches a dossier another agency processes.
    is_transferred = models.BooleanField(_("transferred to another agency"), default=False)
    rating = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["processing_agency", "status", "due_at"], name="dossier_queue_idx"),
            models.Index(fields=["receiving_agency", "status", "submitted_at"], name="dossier_desk_idx"),
            models.Index(fields=["current_handler", "status", "due_at"], name="dossier_handler_idx"),
            models.Index(fields=["owner", "created_at"], name="dossier_owner_idx"),
            # The officials' queue: open dossiers of an agency, already in appointment order.
            models.Index(
                fields=["processing_agency", "due_at", "id"],
                include=["status"],
                condition=Q(status__in=[1, 2, 4, 5, 6]),
                name="dossier_open_queue_idx",
            ),
            models.Index(
                fields=["receiving_agency", "due_at"],
                condition=Q(is_transferred=True),
                name="dossier_transferred_idx",
            ),
            # The reports' lists behind a number: received in a period, finished in a period. PostgreSQL
            # also has dossier_lifetime_idx (GiST on the received-finished range, migration 0006) for the
            # dossiers open at a period's end.
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_received_idx"),
            models.Index(fields=["processing_agency", "finished_at"], name="dossier_finished_idx"),
            # One outcome's list (late, early, on time) of an agency: without it the planner walks the
            # province's finish index for the few of one agency (200 ms at 1 M dossiers instead of 1).
            models.Index(fields=["processing_agency", "outcome", "finished_at"], name="dossier_outcome_idx"),
            # The same lists and the ratings for the whole province (no agency to lead the index with).
            models.Index(fields=["received_at"], name="dossier_received_at_idx"),
            models.Index(fields=["finished_at"], name="dossier_finished_at_idx"),
            models.Index(
                fields=["processing_agency", "fees_paid_at"],
                condition=Q(fees_paid_at__isnull=False),
                name="dossier_fees_paid_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__gte=0, status__lte=10), name="dossier_status_known"),
            models.CheckConstraint(condition=Q(channel__gte=1, channel__lte=4), name="dossier_channel_known"),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(code__isnull=False), name="dossier_code_once_submitted"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="dossier_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]


class DossierFile(models.Model):
    """A file of a dossier: a component the applicant gives (versioned) or a result the agency issues."""

    class Kind(models.TextChoices):
        INPUT = "input", _("Submitted document")
        RESULT = "result", _("Result")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INPUT)
    component = models.ForeignKey(
        "catalog.Component", verbose_name=_("component"), null=True, blank=True, on_delete=models.PROTECT
    )
    label = models.CharField(_("name"), max_length=500)
    file = models.FileField(_("file"), upload_to="dossiers/%Y/%m/")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        verbose_name = _("dossier file")
        verbose_name_plural = _("dossier files")
        ordering = ["dossier", "kind", "component", "-version"]
        indexes = [models.Index(fields=["dossier", "kind", "is_current"], name="dossier_file_current_idx")]

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"


class DossierTask(models.Model):
    """One step of the agency's internal process as performed for this dossier (Form 05's rows)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    org_unit = models.ForeignKey("agencies.OrgUnit", null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allotted_hours = models.DecimalField(max_digits=7, decimal_places=2)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "order", "pk"]
        indexes = [models.Index(fields=["agency", "role", "finished_at"], name="dossier_task_queue_idx")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierPause(models.Model):
    """Time the processing clock stood still: waiting for a supplement or for fees."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.reason} {self.started_at:%Y-%m-%d}"


class DossierEvent(models.Model):
    """Append-only history: every action with its actor, time, statuses and what changed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=clock.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=30)
    from_status = models.PositiveSmallIntegerField(choices=STATUS_CHOICES, null=True, blank=True)
    to_status = models.PositiveSmallIntegerField(choices=STATUS_CHOICES)
    note = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Dossier history is append-only.")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        if self.action in Action._value2member_map_:
            return ACTION_LABELS[Action(self.action)]
        return EVENT_LABELS.get(self.action, self.action)


class DossierConsultation(models.Model):
    """Another agency's part in a dossier, with its deadline and its answer: an opinion asked, or (liên thông
    at the same level) a share of the work the lead agency cannot finish without."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("Opinion")
        JOINT = "joint", _("Joint processing")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OPINION)
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="consultations")
    question = models.TextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier", "asked_at", "pk"]
        indexes = [models.Index(fields=["to_agency", "answered_at"], name="consultation_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.to_agency}"
