from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Register the outbox handlers and listeners: the LGSP's on the document office's signals, the
        # portal's on the dossier history.
        from motcua.integrations.lgsp import send  # noqa: F401
        from motcua.integrations.portal import sync  # noqa: F401
        from motcua.integrations.reporting import dossiers_synced
        from motcua.reports.selectors import SERVICE_INDEX_PROVIDERS

        SERVICE_INDEX_PROVIDERS["dossiers_synced"] = dossiers_synced
