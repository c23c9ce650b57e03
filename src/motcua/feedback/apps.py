import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from motcua.core import periodic


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = _("Feedback and petitions")

    def ready(self) -> None:
        periodic.register(
            "remind_feedback",
            every=dt.timedelta(days=1),
            run=periodic.command("remind_feedback"),
            description="remind handlers of feedback due tomorrow or late",
        )
