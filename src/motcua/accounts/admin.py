from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, RoleAssignment, TotpDevice, User, VneidIdentity
from motcua.accounts.second_factor import totp_reset
from motcua.accounts.selectors import second_factor_required


class SecondFactorAdminLoginForm(AdminAuthenticationForm):
    """The admin's own login form would skip the second factor: officials who need one are sent to the
    MotCua login page (they come back to the admin once logged in there)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if isinstance(user, User) and second_factor_required(user):
            raise ValidationError(
                _("Officials log in on the MotCua login page with their authentication code: %(url)s"),
                code="second_factor_required",
                params={"url": "/tai-khoan/dang-nhap/?next=/admin/"},
            )


admin.site.login_form = SecondFactorAdminLoginForm


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


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin[TotpDevice]):
    """Administrators see who enrolled and reset a lost device (deleting it); the secret is never shown."""

    list_display = ["user", "created_at", "confirmed_at", "failed_attempts", "locked_until"]
    fields = ("user", "created_at", "confirmed_at", "last_used_step", "failed_attempts", "locked_until")
    readonly_fields = (
        "user",
        "created_at",
        "confirmed_at",
        "last_used_step",
        "failed_attempts",
        "locked_until",
    )
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # officials enrol themselves at their next login

    def delete_model(self, request: HttpRequest, obj: TotpDevice) -> None:
        totp_reset(device=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TotpDevice]) -> None:
        for device in queryset:
            totp_reset(device=device, actor=request.user)  # type: ignore[arg-type]


@admin.register(VneidIdentity)
class VneidIdentityAdmin(admin.ModelAdmin[VneidIdentity]):
    list_display = ["user", "subject", "issuer", "linked_at", "last_login_at"]
    readonly_fields = ["user", "issuer", "subject", "linked_at", "last_login_at"]
    search_fields = ["user__username", "user__id_number", "subject"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # links are made by the first VNeID login
