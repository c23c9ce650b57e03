"""Read-only admin pages: payments, every callback received (refused ones with their reason), and the
daily reconciliation reports. Written only by the services."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin
from motcua.payments.models import Payment, PaymentCallback, Reconciliation


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order_id", "dossier", "amount", "status", "transaction_id", "created_at", "paid_at"]
    list_filter = ["status"]
    search_fields = ["=order_id", "=transaction_id", "dossier__code"]
    date_hierarchy = "created_at"
    list_select_related = ["dossier"]


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "order_id", "verdict", "reason", "transaction_id", "remote_addr"]
    list_filter = ["verdict", "kind", "reason"]
    search_fields = ["=order_id", "=transaction_id", "=callback_id"]
    date_hierarchy = "received_at"


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = [
        "day",
        "balanced",
        "gateway_count",
        "local_count",
        "matched_count",
        "gateway_paid_total",
        "local_paid_total",
        "ran_at",
    ]
    date_hierarchy = "day"

    @admin.display(boolean=True, description=_("balanced"))
    def balanced(self, obj: Reconciliation) -> bool:
        return obj.is_balanced
