"""The store listens to the dossier core: a returned result is filed under its owner."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from motcua.dossiers.models import Dossier
from motcua.dossiers.signals import result_returned


@receiver(result_returned, sender=Dossier, dispatch_uid="datastore.file_results")
def file_results(sender: type[Dossier], dossier: Dossier, **kwargs: Any) -> None:
    from motcua.datastore.services import store_file_results  # the services import the dossier core

    store_file_results(dossier=dossier)
