from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline[RoleAssignment, Any]):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["agency", "org_unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "full_name", "kind", "id_number", "phone", "email", "is_active"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "id_number", "phone", "email"]
    inlines = [RoleInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Citizen data"),
            {"fields": ["kind", "full_name", "id_number", "phone", "date_of_birth", "address"]},
        ),
    )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ["user", "role", "agency", "org_unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__identifier"]
    autocomplete_fields = ["user", "agency", "org_unit"]
    list_select_related = ["user", "agency", "org_unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tokens are made with `motcua create_api_token`, which shows the secret once
