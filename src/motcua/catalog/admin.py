from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    CatalogueSync,
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
from motcua.core.admin import ReadOnlyAdmin


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


@admin.register(CatalogueSync)
class CatalogueSyncAdmin(ReadOnlyAdmin):
    """The pulls of the national portal's procedure list (``motcua pull_catalogue``): a record, read-only."""

    list_display = [
        "started_at",
        "finished_at",
        "since",
        "received",
        "created",
        "new_versions",
        "unchanged",
        "refused",
        "is_complete",
        "short_error",
    ]
    list_filter = ["is_complete"]
    date_hierarchy = "started_at"
    readonly_fields = (
        "started_at",
        "finished_at",
        "since",
        "received",
        "created",
        "new_versions",
        "unchanged",
        "refused",
        "is_complete",
        "error",
        "refusal_list",
    )
    fields = readonly_fields

    @admin.display(description=_("error"))
    def short_error(self, obj: CatalogueSync) -> str:
        return obj.error[:120]

    @admin.display(description=_("refused entries"))
    def refusal_list(self, obj: CatalogueSync) -> SafeString:
        rows = [r for r in obj.refusals if isinstance(r, dict)]
        return format_html_join(
            "", "<p><b>{}</b>: {}</p>", ((r.get("code", ""), r.get("reason", "")) for r in rows)
        )
