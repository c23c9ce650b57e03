import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from motcua.core import periodic


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        periodic.register(
            "remind_documents",
            every=dt.timedelta(days=1),
            run=periodic.command("remind_documents"),
            description="remind owners of document tasks due tomorrow or late",
        )
