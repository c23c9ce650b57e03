"""The reports listen to the other apps, in the transaction of each change, and keep the daily aggregates.

The dossier core says when a dossier is received, finished, rated or has its fees paid (its own signals,
with the previous value where one is replaced). The store's digitised documents and reuses, the dossier's
result files and the gateway's payments are followed through their models' save and delete signals: every
service that makes one locks the dossier first, and ``rebuild_stats --verify`` checks the outcome.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from motcua.datastore.models import Origin, Reuse, StoredDocument
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.signals import dossier_fees_paid, dossier_finished, dossier_rated, dossier_received
from motcua.payments.models import Payment, PaymentStatus


@receiver(dossier_received, sender=Dossier, dispatch_uid="reports.count_received")
def count_received(sender: type[Dossier], dossier: Dossier, **kwargs: Any) -> None:
    from motcua.reports.aggregates import add_received

    add_received(dossier)


@receiver(dossier_finished, sender=Dossier, dispatch_uid="reports.count_finished")
def count_finished(sender: type[Dossier], dossier: Dossier, **kwargs: Any) -> None:
    from motcua.reports.aggregates import add_finished

    if dossier.finished_at is not None:
        add_finished(dossier)


@receiver(dossier_rated, sender=Dossier, dispatch_uid="reports.count_rating")
def count_rating(sender: type[Dossier], dossier: Dossier, previous: int | None, **kwargs: Any) -> None:
    from motcua.reports.aggregates import move_rating

    move_rating(dossier, previous)


@receiver(dossier_fees_paid, sender=Dossier, dispatch_uid="reports.count_fees")
def count_fees(sender: type[Dossier], dossier: Dossier, previous: dt.datetime | None, **kwargs: Any) -> None:
    from motcua.reports.aggregates import move_fees

    move_fees(dossier, previous)


def _store_flag(dossier_id: int | None, counter: str, sign: int) -> None:
    from motcua.reports.aggregates import change_store_flag

    if dossier_id is not None:
        change_store_flag(dossier_id, counter, sign)


@receiver(post_save, sender=StoredDocument, dispatch_uid="reports.count_digitised")
def count_digitised(
    sender: type[StoredDocument], instance: StoredDocument, created: bool, **kwargs: Any
) -> None:
    if created and instance.origin == Origin.DIGITISED:
        _store_flag(instance.dossier_id, "received_digitised", 1)


@receiver(post_delete, sender=StoredDocument, dispatch_uid="reports.uncount_digitised")
def uncount_digitised(sender: type[StoredDocument], instance: StoredDocument, **kwargs: Any) -> None:
    if instance.origin == Origin.DIGITISED:
        _store_flag(instance.dossier_id, "received_digitised", -1)


@receiver(post_save, sender=Reuse, dispatch_uid="reports.count_reuse")
def count_reuse(sender: type[Reuse], instance: Reuse, created: bool, **kwargs: Any) -> None:
    if created:
        _store_flag(instance.dossier_id, "received_reusing", 1)


@receiver(post_delete, sender=Reuse, dispatch_uid="reports.uncount_reuse")
def uncount_reuse(sender: type[Reuse], instance: Reuse, **kwargs: Any) -> None:
    _store_flag(instance.dossier_id, "received_reusing", -1)


@receiver(post_save, sender=DossierFile, dispatch_uid="reports.count_result_file")
def count_result_file(sender: type[DossierFile], instance: DossierFile, created: bool, **kwargs: Any) -> None:
    if created and instance.kind == DossierFile.Kind.RESULT:
        _store_flag(instance.dossier_id, "received_with_result", 1)


@receiver(post_delete, sender=DossierFile, dispatch_uid="reports.uncount_result_file")
def uncount_result_file(sender: type[DossierFile], instance: DossierFile, **kwargs: Any) -> None:
    if instance.kind == DossierFile.Kind.RESULT:
        _store_flag(instance.dossier_id, "received_with_result", -1)


@receiver(pre_save, sender=Payment, dispatch_uid="reports.remember_payment_status")
def remember_payment_status(sender: type[Payment], instance: Payment, **kwargs: Any) -> None:
    """Only a payment *becoming* paid counts: its status before this save (one read, for paid ones only)."""
    was_paid = False
    if instance.pk is not None and instance.status == PaymentStatus.PAID:
        before = Payment.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        was_paid = before == PaymentStatus.PAID
    instance._reports_was_paid = was_paid  # type: ignore[attr-defined]


@receiver(post_save, sender=Payment, dispatch_uid="reports.count_paid_online")
def count_paid_online(sender: type[Payment], instance: Payment, **kwargs: Any) -> None:
    from motcua.reports.aggregates import add_paid_online

    if instance.status == PaymentStatus.PAID and not getattr(instance, "_reports_was_paid", False):
        add_paid_online(instance.dossier_id, payment_id=instance.pk)
