from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "motcua.datastore"
    verbose_name = _("Electronic document store")

    def ready(self) -> None:
        from motcua.datastore import receivers  # noqa: F401  (connects the result-filing receiver)
