"""The outbox in the admin: read-only, filterable by state and system; dead letters can be replayed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.integrations import outbox
from motcua.integrations.models import Delivery, DeliveryStream


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(_ReadOnly, admin.ModelAdmin[Delivery]):
    list_display = [
        "created_at",
        "system",
        "key",
        "seq",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "stream__system", "kind"]
    list_select_related = ["stream"]
    search_fields = ["=stream__key", "=request_key"]
    date_hierarchy = "created_at"
    actions = ["replay_now"]

    @admin.display(description=_("system"), ordering="stream__system")
    def system(self, obj: Delivery) -> str:
        return obj.stream.system

    @admin.display(description=_("key"), ordering="stream__key")
    def key(self, obj: Delivery) -> str:
        return obj.stream.key

    def has_replay_permission(self, request: HttpRequest) -> bool:
        # The admin is read-only, so the action is guarded by the model's change permission directly.
        return request.user.has_perm("integrations.change_delivery")

    @admin.action(description=_("Replay now (dead letters)"), permissions=["replay"])
    def replay_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        assert isinstance(request.user, User)
        replayed = skipped = 0
        for delivery in queryset:
            try:
                outbox.replay(delivery=delivery, actor=request.user)
            except DomainError:  # not a dead letter (checked under the row lock)
                skipped += 1
            else:
                replayed += 1
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", replayed)
            % {"count": replayed},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message skipped: only dead letters are replayed.",
                    "%(count)d messages skipped: only dead letters are replayed.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(DeliveryStream)
class DeliveryStreamAdmin(_ReadOnly, admin.ModelAdmin[DeliveryStream]):
    list_display = ["system", "key", "state", "delivered_seq", "last_seq", "updated_at", "last_error"]
    list_filter = ["state", "system"]
    search_fields = ["=key"]
