from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from motcua.payments.reporting import paid_online
        from motcua.reports.selectors import SERVICE_INDEX_PROVIDERS

        SERVICE_INDEX_PROVIDERS["paid_online"] = paid_online
