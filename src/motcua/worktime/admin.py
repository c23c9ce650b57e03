from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.worktime.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["day", "kind", "reason", "legal_basis", "created_by"]
    list_filter = ["kind"]
    date_hierarchy = "day"  # browse by year, then month
    search_fields = ["reason", "legal_basis"]
    readonly_fields = ["created_at", "created_by"]
    list_select_related = ["created_by"]

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
