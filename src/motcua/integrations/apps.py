import datetime as dt

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core import periodic


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Register the outbox handlers and listeners: the LGSP's on the document office's signals, the
        # portal's on the dossier history.
        from motcua.integrations.lgsp import send  # noqa: F401
        from motcua.integrations.outbox import requeue_lost
        from motcua.integrations.portal import sync  # noqa: F401
        from motcua.integrations.reporting import dossiers_synced
        from motcua.reports.selectors import SERVICE_INDEX_PROVIDERS

        SERVICE_INDEX_PROVIDERS["dossiers_synced"] = dossiers_synced
        periodic.register(
            "outbox_requeue_lost",
            every=dt.timedelta(minutes=5),
            run=lambda: f"{requeue_lost()} requeued",
            description="give a new task to outbound deliveries whose worker died mid-delivery",
        )
        if settings.MOTCUA_NATIONAL_PORTAL_URL:
            periodic.register(
                "pull_catalogue",
                every=dt.timedelta(days=1),
                run=periodic.command("pull_catalogue"),
                description="apply the national portal's procedure changes as new procedure versions",
            )
            periodic.register(
                "portal_receive",
                every=dt.timedelta(minutes=5),
                run=periodic.command("portal_receive"),
                description="take dossiers submitted on the national portal into the reception queues",
            )
        if settings.MOTCUA_LGSP_URL:
            periodic.register(
                "lgsp_receive",
                every=dt.timedelta(minutes=1),
                run=periodic.command("lgsp_receive"),
                description="take in the documents and statuses that arrived over the integration axis",
            )
