import datetime as dt
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from motcua.core import clock, periodic


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        post_migrate.connect(_create_message_templates, sender=self)
        periodic.register(
            "notifications_requeue_stalled",
            every=dt.timedelta(minutes=5),
            run=_requeue_stalled,
            description="give a new send task to messages whose worker died mid-send",
        )


def _requeue_stalled() -> str:
    from motcua.notifications.services import STALLED_AFTER, notification_requeue_stalled

    return f"{notification_requeue_stalled(stalled_before=clock.now() - STALLED_AFTER)} requeued"


def _create_message_templates(*args: Any, using: str = "default", **kwargs: Any) -> None:
    """Give every event its editable template row after migrating (existing rows are left as edited)."""
    from django.db import connections

    from motcua.notifications.models import MessageTemplate
    from motcua.notifications.services import message_templates_create_missing

    if (
        MessageTemplate._meta.db_table in connections[using].introspection.table_names()
    ):  # not migrated to zero
        message_templates_create_missing(using=using)
