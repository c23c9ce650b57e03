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
