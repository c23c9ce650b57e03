from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import TemplateSyntaxError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.notifications import smstext
from motcua.notifications.events import EVENTS
from motcua.notifications.models import MessageTemplate, Notification
from motcua.notifications.rendering import render_text
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
        "delivery_status",
        "segments",
        "related_id",
    ]
    list_filter = ["status", "delivery_status", "channel", "template", "related_type"]
    search_fields = ["recipient", "related_id", "=dedupe_key", "=provider_message_id"]
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


def _sample(code: str) -> dict[str, str]:
    event = EVENTS.get(code)
    return event.sample if event is not None else {}


class MessageTemplateForm(forms.ModelForm[MessageTemplate]):
    class Meta:
        model = MessageTemplate
        fields = ["name", "is_active", "subject", "email_body", "sms_text", "zalo_template_id", "zalo_text"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = self.instance.code
        for name in ("subject", "email_body", "sms_text", "zalo_text"):
            try:
                render_text(data.get(name) or "", _sample(code))
            except TemplateSyntaxError as error:
                self.add_error(name, _("Template error: %(error)s") % {"error": error})
        if "sms_text" not in self.errors:
            sms = render_text(data.get("sms_text") or "", _sample(code))
            budget = settings.MOTCUA_SMS_MAX_SEGMENTS
            if not smstext.fits(sms, ascii_only=settings.MOTCUA_SMS_ASCII, max_segments=budget):
                segments = smstext.measure(
                    smstext.wire_text(sms, ascii_only=settings.MOTCUA_SMS_ASCII)
                ).segments
                self.add_error(
                    "sms_text",
                    _("With the sample values this SMS takes %(segments)d segments; at most %(budget)d.")
                    % {"segments": segments, "budget": budget},
                )
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    """The wording of each event's messages; events themselves are defined in code, so no add or delete."""

    form = MessageTemplateForm
    list_display = [
        "code",
        "name",
        "is_active",
        "zalo_template_id",
        "sample_sms",
        "sms_segments",
        "updated_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "sms_text"]
    readonly_fields = ["code", "sample_sms", "sms_segments", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: MessageTemplate | None = None) -> bool:
        return False

    @admin.display(description=_("SMS with the sample values"))
    def sample_sms(self, obj: MessageTemplate) -> str:
        text = render_text(obj.sms_text, _sample(obj.code))
        return smstext.wire_text(text, ascii_only=settings.MOTCUA_SMS_ASCII)

    @admin.display(description=_("SMS segments (sample)"))
    def sms_segments(self, obj: MessageTemplate) -> str:
        length = smstext.measure(self.sample_sms(obj))
        return f"{length.segments} ({length.encoding}, {length.units})"
