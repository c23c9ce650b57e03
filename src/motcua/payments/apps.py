import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from motcua.core import periodic


class PaymentsConfig(AppConfig):
    # The reports count payments completed at the gateway in their daily aggregates (reports.receivers):
    # Decision 766's "fees paid online" share is read from there.
    name = "motcua.payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        periodic.register(
            "reconcile_payments",
            every=dt.timedelta(days=1),
            run=periodic.command("reconcile_payments"),
            description="compare yesterday's online payments with the gateway's list",
        )
