import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from motcua.core import periodic


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from motcua.reports import receivers  # noqa: F401  (keeps the daily aggregates with the dossiers)

        periodic.register(
            "refresh_evaluation",
            every=dt.timedelta(days=1),
            run=periodic.command("refresh_evaluation"),
            description="re-score this month's and last month's evaluation indices",
        )
