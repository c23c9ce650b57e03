"""Read-only admin pages for the audit log and the periodic jobs' last runs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.models import AuditEvent, PeriodicRun


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """For records only the services write (logs, callbacks, reports): shown, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "action", "object_type", "object_id", "actor"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor"]
    show_full_result_count = False  # the log grows without end: no COUNT(*) over it on every page


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "next_run_at", "started_at", "finished_at", "failed", "worker"]
    list_filter = ["failed"]
