import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from motcua.core import periodic


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from motcua.payments.reporting import paid_online
        from motcua.reports.selectors import SERVICE_INDEX_PROVIDERS

        SERVICE_INDEX_PROVIDERS["paid_online"] = paid_online
        periodic.register(
            "reconcile_payments",
            every=dt.timedelta(days=1),
            run=periodic.command("reconcile_payments"),
            description="compare yesterday's online payments with the gateway's list",
        )
