"""The electronic document store of persons and organisations (kho dữ liệu điện tử của tổ chức, cá nhân).

Decree 45/2020/NĐ-CP: paper components are digitised at reception and results are issued electronically;
both are filed here under their owner (a person by ID number, an organisation by tax or enterprise code)
with their provenance, so that a later dossier draws on them instead of asking for the paper again.
Every opening of a stored file is logged (``StoredDocumentAccess``); a reuse by another agency than the
one that filed the document records the owner's consent (``Reuse``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Origin(models.TextChoices):
    DIGITISED = "digitised", _("Digitised at reception")
    RESULT = "result", _("Electronic result")


class DocumentKind(models.Model):
    """A kind of personal document, with its retention period (administrators may change it)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years)"), null=True, blank=True, help_text=_("Empty: kept permanently")
    )
    is_reusable = models.BooleanField(_("reusable in later dossiers"), default=True)

    class Meta:
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StoredDocument(models.Model):
    owner_kind = models.CharField(_("owner kind"), max_length=12, choices=OwnerKind.choices)
    owner_number = models.CharField(
        _("owner's ID or tax code"), max_length=20, help_text=_("CCCD (12 digits) or tax/enterprise code")
    )
    owner_name = models.CharField(_("owner's name"), max_length=200)
    kind = models.ForeignKey(DocumentKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=500)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    file = models.FileField(_("file"), upload_to="store/%Y/%m/", max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    page_count = models.PositiveSmallIntegerField(_("pages"), default=1)
    # Provenance: the dossier and agency it came from, who filed it, who signed it.
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.PROTECT, related_name="+"
    )
    source_file = models.OneToOneField(
        "dossiers.DossierFile",
        verbose_name=_("dossier file"),
        on_delete=models.PROTECT,
        related_name="stored_document",
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"))
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    retain_until = models.DateField(_("retain until"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        indexes = [
            models.Index(fields=["owner_kind", "owner_number", "-filed_at"], name="store_owner_idx"),
            models.Index(fields=["owner_kind", "owner_number", "kind", "expires_on"], name="store_reuse_idx"),
            models.Index(fields=["agency", "filed_at"], name="store_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class StoredDocumentAccess(models.Model):
    """One opening of a stored file: who, when, as what, why (the owner sees this log)."""

    class As(models.TextChoices):
        OWNER = "owner", _("Owner")
        OFFICIAL = "official", _("Official handling a dossier")
        ADMINISTRATOR = "administrator", _("Administrator")

    document = models.ForeignKey(StoredDocument, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_as = models.CharField(_("as"), max_length=15, choices=As.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "-at"], name="store_access_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.document_id} @ {self.at:%Y-%m-%d %H:%M}"


class Reuse(models.Model):
    """A stored document used as a component of a later dossier, verified and, across agencies, consented."""

    document = models.ForeignKey(StoredDocument, on_delete=models.PROTECT, related_name="reuses")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="+")
    dossier_file = models.OneToOneField(
        "dossiers.DossierFile", on_delete=models.CASCADE, related_name="reuse"
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField()
    signature_checked_at = models.DateTimeField()
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "dossier"], name="reuse_once_per_dossier")]
        indexes = [models.Index(fields=["agency", "used_at"], name="reuse_agency_idx")]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.dossier_id}"
