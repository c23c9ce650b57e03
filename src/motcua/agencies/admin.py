from typing import Any

from django.contrib import admin

from motcua.agencies.models import Agency, AgencySuccession, OrgUnit, ReceptionDesk


class OrgUnitInline(admin.TabularInline[OrgUnit, Any]):
    model = OrgUnit
    extra = 0


class SuccessionInline(admin.TabularInline[AgencySuccession, Any]):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["identifier", "name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["identifier", "name", "short_name", "admin_unit_code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [OrgUnitInline, SuccessionInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    list_display = ["code", "name", "agency"]
    search_fields = ["code", "name", "agency__name"]
    list_select_related = ["agency"]


@admin.register(ReceptionDesk)
class ReceptionDeskAdmin(admin.ModelAdmin[ReceptionDesk]):
    list_display = ["name", "host"]
    search_fields = ["name", "host__name"]
    autocomplete_fields = ["host", "serves"]
    list_select_related = ["host"]
