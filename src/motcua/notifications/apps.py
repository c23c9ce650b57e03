from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        post_migrate.connect(_create_message_templates, sender=self)


def _create_message_templates(*args: Any, using: str = "default", **kwargs: Any) -> None:
    """Give every event its editable template row after migrating (existing rows are left as edited)."""
    from django.db import connections

    from motcua.notifications.models import MessageTemplate
    from motcua.notifications.services import message_templates_create_missing

    if (
        MessageTemplate._meta.db_table in connections[using].introspection.table_names()
    ):  # not migrated to zero
        message_templates_create_missing(using=using)
