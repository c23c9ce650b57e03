from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "motcua.worktime"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from motcua.worktime import selectors
        from motcua.worktime.models import CalendarOverride

        post_save.connect(
            selectors.on_override_changed, sender=CalendarOverride, dispatch_uid="worktime-saved"
        )
        post_delete.connect(
            selectors.on_override_changed, sender=CalendarOverride, dispatch_uid="worktime-deleted"
        )
        setting_changed.connect(selectors.on_setting_changed, dispatch_uid="worktime-setting")
        checks.register(check_office_hours)


def check_office_hours(**kwargs: Any) -> list[checks.CheckMessage]:
    """Report a malformed OFFICE_HOURS at start-up (``motcua check``, ``migrate``) instead of on a request."""
    from django.conf import settings

    from motcua.worktime.selectors import parse_office_hours

    try:
        parse_office_hours(settings.MOTCUA_OFFICE_HOURS)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="worktime.E001")]
    return []
