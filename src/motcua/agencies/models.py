"""The effective-dated tree of agencies, their internal units and reception desks.

An agency never changes its place in the tree: a reorganisation (such as the 1 July 2025 two-tier
reform) ends the old nodes (``valid_to``) and starts new ones, linked by ``AgencySuccession``. So the
tree of any past date is simply the nodes valid on that date, and old identifiers keep resolving.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.periods import valid_on


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department")
    DISTRICT_COMMITTEE = "district_committee", _("District People's Committee")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune People's Committee")
    SERVICE_CENTRE = "service_centre", _("Public Administration Service Centre")
    OTHER = "other", _("Other agency")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def valid_on(self, day: dt.date) -> AgencyQuerySet:
        return self.filter(valid_on(day))


class Agency(models.Model):
    identifier = models.CharField(
        _("identifier"), max_length=20, unique=True, help_text=_("Electronic identifier, e.g. 000.00.12.H37")
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("abbreviation"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    admin_unit_code = models.CharField(
        _("administrative unit code"),
        max_length=10,
        blank=True,
        db_index=True,
        help_text=_("NSO code of the area"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["identifier"]
        indexes = [models.Index(fields=["parent", "valid_from", "valid_to"], name="agency_tree_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AgencySuccession(models.Model):
    """A reorganisation link: ``predecessor``'s work passes (wholly or partly) to ``successor``."""

    predecessor = models.ForeignKey(
        Agency, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Agency, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="predecessions"
    )
    effective_on = models.DateField(_("effective on"))
    is_whole = models.BooleanField(_("merged whole"), default=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_once"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class OrgUnit(models.Model):
    """An internal unit of an agency (phòng ban), responsible for steps of internal processes."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="units"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("internal unit")
        verbose_name_plural = _("internal units")
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="org_unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency.short_name or self.agency.name}"


class ReceptionDesk(models.Model):
    """A one-stop reception desk (Bộ phận Một cửa), hosted by an agency, receiving for several agencies."""

    host = models.ForeignKey(
        Agency, verbose_name=_("host agency"), on_delete=models.CASCADE, related_name="desks"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    serves = models.ManyToManyField(
        Agency, verbose_name=_("receives for"), related_name="served_by_desks", blank=True
    )

    class Meta:
        verbose_name = _("reception desk")
        verbose_name_plural = _("reception desks")
        ordering = ["host", "name"]

    def __str__(self) -> str:
        return self.name
