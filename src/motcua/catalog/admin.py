from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from motcua.catalog.models import (
    ChannelTerm,
    Component,
    Field,
    InternalProcess,
    LegalBasis,
    Procedure,
    ProcedureAssignment,
    ProcedureVersion,
    ProcessStep,
)
from motcua.catalog.processes import process_allotment_problem


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AssignmentInline(admin.TabularInline[ProcedureAssignment, Any]):
    model = ProcedureAssignment
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "name", "field", "online_mode", "legacy_level", "state"]
    list_filter = [
        "state",
        "online_mode",
        "legacy_level",
        "at_province",
        "at_district",
        "at_commune",
        "field",
    ]
    search_fields = ["code", "name", "name_folded"]
    readonly_fields = ["current_version", "updated_at"]
    list_select_related = ["field"]
    autocomplete_fields = ["field"]
    inlines = [AssignmentInline]


class ChannelTermInline(admin.TabularInline[ChannelTerm, Any]):
    model = ChannelTerm
    extra = 0


class ComponentInline(admin.TabularInline[Component, Any]):
    model = Component
    extra = 0


class LegalBasisInline(admin.TabularInline[LegalBasis, Any]):
    model = LegalBasis
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    """Versions are the record of what was published: they can be read, not edited."""

    list_display = ["procedure", "number", "created_at", "publishing_decision"]
    search_fields = ["procedure__code", "name"]
    list_select_related = ["procedure"]
    inlines = [ChannelTermInline, ComponentInline, LegalBasisInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ProcessStepInline(admin.TabularInline[ProcessStep, Any]):
    model = ProcessStep
    extra = 1
    autocomplete_fields = ["org_unit"]


@admin.register(InternalProcess)
class InternalProcessAdmin(admin.ModelAdmin[InternalProcess]):
    list_display = ["name", "procedure", "agency", "valid_from", "valid_to"]
    search_fields = ["name", "procedure__code", "procedure__name", "agency__name"]
    autocomplete_fields = ["procedure", "agency"]
    list_select_related = ["procedure", "agency"]
    inlines = [ProcessStepInline]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        problem = process_allotment_problem(form.instance)
        if problem:
            messages.warning(request, problem)
