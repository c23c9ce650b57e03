"""Which components of a procedure version an online dossier must carry before it can be submitted."""

from __future__ import annotations

from motcua.catalog.models import Component
from motcua.catalog.parsing import fold
from motcua.dossiers.models import Dossier, DossierFile

# Components that only apply in some cases are not required of everyone: the officer judges them.
_CASE_OPENINGS = ("truong hop", "doi voi", "luu y", "neu ")
_OPTIONAL_MARKS = ("(neu co)", "neu co)")


def is_required(component: Component) -> bool:
    """Required when the catalogue asks for a copy and neither the item nor its group is limited to a case."""
    if component.originals + component.copies == 0:
        return False
    name = fold(component.name).lstrip("-+*•. ")
    group = fold(component.group).lstrip("-+*•. ")
    if name.startswith(_CASE_OPENINGS) or group.startswith(_CASE_OPENINGS):
        return False
    return not any(mark in name for mark in _OPTIONAL_MARKS)


def missing_components(dossier: Dossier) -> list[Component]:
    present = set(
        dossier.files.filter(kind=DossierFile.Kind.INPUT, is_current=True).values_list(
            "component_id", flat=True
        )
    )
    return [c for c in dossier.procedure_version.components.all() if is_required(c) and c.pk not in present]
