"""Users (citizens and officials), their roles in agencies, and API tokens."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.core.periods import valid_on


class User(AbstractUser):
    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen or organisation")
        OFFICIAL = "official", _("Official")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Căn cước công dân: 12 digits; unique when present so it can be a login name and a VNeID link.
    id_number = models.CharField(_("ID number"), max_length=12, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=15, null=True, blank=True, unique=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    SPECIALIST = "specialist", _("Specialist")
    HEAD_OF_UNIT = "head_of_unit", _("Head of unit")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    CLERK = "clerk", _("Clerk")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active_on(self, on: dt.date | None = None) -> RoleAssignmentQuerySet:
        day = on or clock.today()
        return self.filter(valid_on(day))


class RoleAssignment(models.Model):
    """A role a user holds in one agency (optionally one internal unit of it) for a period."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    org_unit = models.ForeignKey(
        "agencies.OrgUnit",
        verbose_name=_("internal unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "valid_from"], name="role_once_per_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="role_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class ApiToken(models.Model):
    """A per-user bearer token for integrations; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TotpDevice(models.Model):
    """An official's authenticator app (RFC 6238), the second factor after the password.

    ``confirmed_at`` is empty while enrolment waits for the first correct code. ``last_used_step`` is the
    time step of the last accepted code: a code is accepted only for a later step, so an observed code
    cannot be replayed within its window. Consecutive failures lock the device for a while.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    # Base32, as in the otpauth:// URI. Stored as is, like Django's own password-reset secrets derive from
    # SECRET_KEY: whoever reads this table can already impersonate users through the session table.
    secret = models.CharField(_("secret"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last used time step"), default=0)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return f"TOTP · {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class VneidIdentity(models.Model):
    """The link between a citizen's account and their VNeID identity (OpenID Connect issuer + subject)."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="vneid_identity"
    )
    issuer = models.CharField(_("issuer"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), default=clock.now)
    last_login_at = models.DateTimeField(_("last login at"), null=True, blank=True)

    class Meta:
        verbose_name = _("VNeID identity")
        verbose_name_plural = _("VNeID identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="vneid_subject_once_per_issuer")
        ]

    def __str__(self) -> str:
        return f"VNeID {self.subject} · {self.user}"
