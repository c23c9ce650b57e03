"""Reads of the store: a person's documents, what a dossier may reuse, the figures for reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.catalog.models import Component
from motcua.core import clock
from motcua.core.periods import day_range
from motcua.datastore import kinds
from motcua.datastore.models import Origin, Reuse, StoredDocument
from motcua.dossiers.models import Dossier, DossierFile


def valid_documents(*, owner_kind: str, owner_number: str, on: dt.date) -> QuerySet[StoredDocument]:
    """The owner's reusable documents that have not expired on ``on`` (index ``store_reuse_idx``)."""
    return (
        StoredDocument.objects.filter(
            owner_kind=owner_kind, owner_number=owner_number, kind__is_reusable=True
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .select_related("kind", "agency", "dossier")
        .order_by("-filed_at")
    )


@dataclass(frozen=True)
class Offer:
    """For one component of a dossier: the stored documents of its kind the applicant could use."""

    component: Component
    documents: list[StoredDocument]
    reused: StoredDocument | None


def reuse_offers(*, dossier: Dossier) -> list[Offer]:
    """Each component with the applicant's valid stored documents of the same kind (two queries)."""
    number = dossier.applicant_id_number.strip()
    components = list(dossier.procedure_version.components.order_by("pk"))
    if not number:
        return [Offer(c, [], None) for c in components]
    wanted = {kinds.classify(c.name) for c in components} - {kinds.OTHER}
    # Only the kinds the components ask for, newest first: an owner with hundreds of documents still gets
    # every matching one offered (the filter runs in the index, not after a cut).
    valid = valid_documents(owner_kind=dossier.applicant_kind, owner_number=number, on=clock.today())
    documents = list(valid.filter(kind__code__in=wanted)[:500])
    used = {
        r.dossier_file.component_id: r.document
        for r in Reuse.objects.filter(dossier=dossier).select_related("document", "dossier_file")
    }
    offers = []
    for component in components:
        kind = kinds.classify(component.name)
        matching = [d for d in documents if d.kind.code == kind and kind != kinds.OTHER]
        offers.append(Offer(component, matching, used.get(component.pk)))
    return offers


def digitised_component_ids(*, dossier: Dossier) -> set[int]:
    return set(
        StoredDocument.objects.filter(dossier=dossier, origin=Origin.DIGITISED).values_list(
            "source_file__component_id", flat=True
        )
    )


@dataclass(frozen=True)
class StoreFigures:
    """Per agency and period (dossiers received in it): the shares the national index scores."""

    received: int
    with_digitised: int
    with_electronic_result: int
    reusing: int

    def share(self, count: int) -> float | None:
        return count / self.received if self.received else None


def store_figures(*, agency_ids: list[int] | None, date_from: dt.date, date_to: dt.date) -> StoreFigures:
    """Dossiers received in the period (by these agencies; all when None) with digitised components, an
    electronic result, reused stored data."""
    dossiers = Dossier.objects.filter(day_range(date_from, date_to, "received_at"))
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    digitised = StoredDocument.objects.filter(dossier=OuterRef("pk"), origin=Origin.DIGITISED)
    result = DossierFile.objects.filter(dossier=OuterRef("pk"), kind=DossierFile.Kind.RESULT)
    reused = Reuse.objects.filter(dossier=OuterRef("pk"))
    counts = dossiers.aggregate(
        received=Count("pk"),
        with_digitised=Count("pk", filter=Q(Exists(digitised))),
        with_electronic_result=Count("pk", filter=Q(Exists(result))),
        reusing=Count("pk", filter=Q(Exists(reused))),
    )
    return StoreFigures(**counts)
