"""The document office (quản lý văn bản): registers of outgoing and incoming official documents.

Decree 30/2020/NĐ-CP: outgoing numbers restart at 01 each year, are unique per agency and year, with a
separate series for confidential documents; incoming documents get consecutive arrival numbers. Numbers
come from ``RegisterSequence`` rows locked while a number is taken, inside the issuing transaction, so a
failed issue returns its number and the series has no gap.

``status`` fields are written only by ``services`` through the tables in ``workflow``. An issued document
is never edited: a correction is a new document that refers to it (``corrects``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.documents.edxml import ExchangeStatus
from motcua.documents.workflow import (
    INCOMING_STATUS_LABELS,
    OUTGOING_STATUS_LABELS,
    IncomingStatus,
    OutgoingStatus,
)


class Urgency(models.TextChoices):
    NORMAL = "thuong", _("Normal")
    URGENT = "khan", _("Urgent")
    VERY_URGENT = "thuong_khan", _("Very urgent")
    FLASH = "hoa_toc", _("Flash")


class Confidentiality(models.TextChoices):
    NORMAL = "thuong", _("Not confidential")
    CONFIDENTIAL = "mat", _("Confidential")
    SECRET = "toi_mat", _("Secret")
    TOP_SECRET = "tuyet_mat", _("Top secret")


class Series(models.TextChoices):
    """Decree 30 Art. 15: confidential documents are numbered in their own series."""

    REGULAR = "regular", _("Regular")
    CONFIDENTIAL = "confidential", _("Confidential")


class RegisterKind(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class Delivery(models.TextChoices):
    INTERNAL = "internal", _("Electronic, inside MotCua")
    EDXML = "edxml", _("Electronic, edXML package")
    PAPER = "paper", _("Paper")


#: The status codes of Decision 28/2018/QĐ-TTg (``edxml.ExchangeStatus``) with their Vietnamese names.
EXCHANGE_STATUS_CHOICES = [(status.value, status.label) for status in ExchangeStatus]


CONFIDENTIAL_LEVELS = frozenset(
    {Confidentiality.CONFIDENTIAL, Confidentiality.SECRET, Confidentiality.TOP_SECRET}
)


class DocumentType(models.Model):
    """A type of official document and its abbreviation (Decree 30 Appendix III), kept by administrators."""

    abbreviation = models.CharField(
        _("abbreviation"), max_length=10, blank=True, help_text=_("Empty for an official letter (công văn)")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_legal_normative = models.BooleanField(
        _("legal normative text"), default=False, help_text=_("Its number-symbol carries the year")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IssuerProfile(models.Model):
    """How an agency signs its documents: the symbol abbreviation, the place line, its certificate."""

    agency = models.OneToOneField(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="issuer_profile"
    )
    symbol = models.CharField(
        _("symbol abbreviation"), max_length=20, help_text=_("The issuing body in number-symbols, e.g. UBND")
    )
    place = models.CharField(_("place name"), max_length=100, help_text=_("Used in the place and date line"))
    certificate = models.FileField(
        _("signing certificate (PKCS#12)"), upload_to="certificates/", blank=True, max_length=200
    )
    certificate_subject = models.CharField(_("certificate subject"), max_length=300, blank=True)
    certificate_not_after = models.DateTimeField(_("certificate valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer profile")
        verbose_name_plural = _("issuer profiles")

    def __str__(self) -> str:
        return f"{self.symbol} – {self.agency}"


class RegisterSequence(models.Model):
    """The last number of one register series of an agency in one year (row-locked when taken)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=RegisterKind.choices)
    series = models.CharField(max_length=15, choices=Series.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "kind", "series"], name="register_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.kind}/{self.series}: {self.last_number}"


OUTGOING_STATUS_CHOICES = [(status.value, label) for status, label in OUTGOING_STATUS_LABELS.items()]
INCOMING_STATUS_CHOICES = [(status.value, label) for status, label in INCOMING_STATUS_LABELS.items()]


class OutgoingDocument(models.Model):
    """A document the agency drafts, approves, signs, numbers and sends (văn bản đi)."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OUTGOING_STATUS_CHOICES, default=OutgoingStatus.DRAFT
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+"
    )
    symbol_unit = models.CharField(
        _("drafting unit or field in the symbol"),
        max_length=20,
        blank=True,
        help_text=_("For an official letter: 35/UBND-VP"),
    )
    subject = models.CharField(_("summary (trích yếu)"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafter"), on_delete=models.PROTECT, related_name="+"
    )
    drafting_unit = models.ForeignKey(
        "agencies.OrgUnit",
        verbose_name=_("drafting unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signer_title = models.CharField(_("signer's title"), max_length=100)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waiting for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_recipients = models.TextField(
        _("other recipients (nơi nhận)"), blank=True, help_text=_("One per line: bodies outside MotCua")
    )
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    reply_to = models.ForeignKey(
        "IncomingDocument",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    # Set when issued.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    series = models.CharField(_("series"), max_length=15, choices=Series.choices, default=Series.REGULAR)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_symbol = models.CharField(_("number and symbol"), max_length=40, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    signed_file = models.FileField(
        _("signed PDF"), upload_to="documents/signed/%Y/", blank=True, max_length=200
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    search_folded = models.TextField(_("folded search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "number"],
                condition=Q(number__isnull=False),
                name="outgoing_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | (Q(year__isnull=False) & ~Q(number_symbol="")),
                name="outgoing_number_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "-updated_at"], name="outgoing_agency_status_idx"),
            models.Index(fields=["agency", "year", "series", "-number"], name="outgoing_register_idx"),
            models.Index(fields=["agency", "-issued_at"], name="outgoing_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.number_symbol or f"Dự thảo #{self.pk}"

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality in CONFIDENTIAL_LEVELS


class OutgoingVersion(models.Model):
    """A version of the draft's text (DOCX or PDF), kept so reviewers see what changed."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="documents/drafts/%Y/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="outgoing_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class OutgoingRecipient(models.Model):
    """One recipient of an outgoing document and how far the exchange with it has gone."""

    document = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency in MotCua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organ_id = models.CharField(_("organ identifier"), max_length=13, blank=True)
    organ_name = models.CharField(_("organ name"), max_length=200)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    exchange_status = models.CharField(
        _("exchange status"), max_length=2, choices=EXCHANGE_STATUS_CHOICES, blank=True
    )
    status_at = models.DateTimeField(_("status at"), null=True, blank=True)
    incoming = models.OneToOneField(
        "IncomingDocument",
        verbose_name=_("recipient's incoming record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_recipient",
    )

    class Meta:
        ordering = ["document", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "agency"], condition=Q(agency__isnull=False), name="recipient_agency_once"
            ),
        ]

    def __str__(self) -> str:
        return self.organ_name


class IncomingDocument(models.Model):
    """A document that arrived at the agency and its handling (văn bản đến)."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=INCOMING_STATUS_CHOICES, default=IncomingStatus.REGISTERED
    )
    year = models.PositiveSmallIntegerField(_("year"))
    series = models.CharField(_("series"), max_length=15, choices=Series.choices, default=Series.REGULAR)
    arrival_number = models.PositiveIntegerField(_("arrival number"))
    arrived_at = models.DateTimeField(_("arrived at"))
    delivery = models.CharField(_("delivery channel"), max_length=10, choices=Delivery.choices)
    sender_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("sender in MotCua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_name = models.CharField(_("issuing body"), max_length=200)
    sender_organ_id = models.CharField(_("issuing body identifier"), max_length=13, blank=True)
    external_id = models.CharField(
        _("sender's document identifier"), max_length=200, blank=True, help_text=_("edXML DocumentId")
    )
    number_symbol = models.CharField(_("number and symbol"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    type_name = models.CharField(_("document type"), max_length=100)
    subject = models.CharField(_("summary (trích yếu)"), max_length=500)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    signer_name = models.CharField(_("signer"), max_length=100, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="documents/incoming/%Y/", blank=True, max_length=200)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.ForeignKey(
        OutgoingDocument,
        verbose_name=_("sent as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    # Handling (set by the leader's assignment).
    lead_unit = models.ForeignKey(
        "agencies.OrgUnit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    coordinating_units = models.ManyToManyField(
        "agencies.OrgUnit", verbose_name=_("coordinating units"), blank=True, related_name="+"
    )
    direction = models.TextField(_("direction (ý kiến chỉ đạo)"), blank=True)
    handling_due_on = models.DateField(_("handling due"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    search_folded = models.TextField(_("folded search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "arrival_number"], name="incoming_number_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["agency", "year", "series", "-arrival_number"], name="incoming_register_idx"
            ),
            models.Index(fields=["agency", "status", "handling_due_on"], name="incoming_handling_idx"),
            models.Index(fields=["handler", "status"], name="incoming_handler_idx"),
            models.Index(fields=["agency", "number_symbol"], name="incoming_symbol_idx"),
            models.Index(fields=["agency", "-arrived_at", "-id"], name="incoming_arrived_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number} – {self.number_symbol}"

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality in CONFIDENTIAL_LEVELS


class DocumentEvent(models.Model):
    """The history of a document: every action, who did it, when, and their comment."""

    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("comment"), blank=True)
    status_after = models.CharField(_("status after"), max_length=12, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outgoing__isnull=False, incoming__isnull=True)
                | Q(outgoing__isnull=True, incoming__isnull=False),
                name="document_event_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"


class ConfidentialGrant(models.Model):
    """A user explicitly allowed to see one confidential document (the state-secrets law)."""

    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outgoing__isnull=False, incoming__isnull=True)
                | Q(outgoing__isnull=True, incoming__isnull=False),
                name="grant_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.outgoing_id or self.incoming_id}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class WorkTask(models.Model):
    """A task given to an official (giao việc), often arising from a document."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("due on"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="task_owner_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_percent"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskUpdate(models.Model):
    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.progress}%"
