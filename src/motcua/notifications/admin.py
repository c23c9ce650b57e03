from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.notifications.models import Notification
from motcua.notifications.services import notification_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Read-only: the outbox is written by the services; staff only look, and resend what gave up."""

    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "related_id",
    ]
    list_filter = ["status", "channel", "related_type"]
    search_fields = ["recipient", "related_id", "=dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["resend_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        # The admin itself is read-only, so the action is guarded by the model's change permission directly.
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Resend now (failed notifications)"), permissions=["resend"])
    def resend_now(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        assert isinstance(request.user, User)
        resent = skipped = 0
        for notification in queryset:
            try:
                notification_resend(notification=notification, actor=request.user)
            except DomainError:  # not failed (pending or sent), checked under the row lock
                skipped += 1
            else:
                resent += 1
        self.message_user(
            request,
            ngettext("%(count)d notification queued again.", "%(count)d notifications queued again.", resent)
            % {"count": resent},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification skipped: only failed ones are resent.",
                    "%(count)d notifications skipped: only failed ones are resent.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
