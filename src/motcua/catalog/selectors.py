"""Reads of the catalogue: search, browse and one procedure with everything its page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length

from motcua.agencies.models import Agency
from motcua.catalog.models import (
    Field,
    Level,
    Procedure,
    ProcedureAssignment,
    PublicationState,
)
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.core.periods import valid_on

LEVEL_FLAGS = {
    Level.MINISTRY: "at_ministry",
    Level.PROVINCE: "at_province",
    Level.DISTRICT: "at_district",
    Level.COMMUNE: "at_commune",
}


def procedure_search(
    *,
    q: str = "",
    field: Field | None = None,
    level: str | None = None,
    agency: Agency | None = None,
    on: dt.date | None = None,
) -> QuerySet[Procedure]:
    """Published procedures matching every word of ``q`` (diacritics and case ignored).

    Matches in the name rank first (a name starting with the phrase, "Thủ tục" aside, before one
    containing it), then
    matches elsewhere (code, field, agencies); ties by name. Works alike on SQLite and PostgreSQL.
    """
    qs = Procedure.objects.filter(state=PublicationState.PUBLISHED).select_related("field")
    if field is not None:
        qs = qs.filter(field=field)
    if level:
        qs = qs.filter(**{LEVEL_FLAGS[Level(level)]: True})
    if agency is not None:
        qs = qs.filter(Q(assignments__agency=agency) & _valid_assignment(on)).distinct()
    phrase = fold(q).strip()
    if not phrase:
        return qs.order_by("name_folded")
    for word in phrase.split():
        qs = qs.filter(search_folded__contains=word)
    rank = Case(
        When(code=q.strip(), then=Value(0)),
        When(
            Q(name_folded__startswith=phrase) | Q(name_folded__startswith=f"thu tuc {phrase}"), then=Value(1)
        ),
        When(name_folded__contains=phrase, then=Value(2)),
        When(_all_words_in_name(phrase), then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    # Among equal ranks the shorter name is the closer match ("Thủ tục đăng ký khai sinh" before
    # "Liên thông các thủ tục ... đăng ký khai sinh, cấp thẻ bảo hiểm y tế ...").
    return qs.annotate(rank=rank, name_length=Length("name_folded")).order_by(
        "rank", "name_length", "name_folded"
    )


def _all_words_in_name(phrase: str) -> Q:
    condition = Q()
    for word in phrase.split():
        condition &= Q(name_folded__contains=word)
    return condition


def _valid_assignment(on: dt.date | None) -> Q:
    return valid_on(on, "assignments__") if on is not None else Q()


def procedure_detail(*, code: str, on: dt.date) -> Procedure | None:
    """A published procedure with its current version's parts and the agencies implementing it on a date.

    A fixed number of queries whatever the size; ``procedure.current_assignments`` holds the agencies.
    """
    current = ProcedureAssignment.objects.filter(valid_on(on))
    return (
        Procedure.objects.filter(code=code, state=PublicationState.PUBLISHED)
        .select_related("field", "current_version")
        .prefetch_related(
            "current_version__channel_terms",
            "current_version__components",
            "current_version__legal_bases",
            Prefetch(
                "assignments",
                queryset=current.select_related("agency").order_by("agency__name"),
                to_attr="current_assignments",
            ),
        )
        .first()
    )


def fields_with_counts() -> QuerySet[Field]:
    published = Q(procedures__state=PublicationState.PUBLISHED)
    return Field.objects.annotate(procedure_count=Count("procedures", filter=published)).filter(
        procedure_count__gt=0
    )


def level_counts() -> dict[str, int]:
    published = Procedure.objects.filter(state=PublicationState.PUBLISHED)
    return {level: published.filter(**{flag: True}).count() for level, flag in LEVEL_FLAGS.items()}


def agencies_with_procedures(*, on: dt.date) -> QuerySet[Agency]:
    valid = valid_on(on, "procedure_assignments__")
    return (
        Agency.objects.valid_on(on)
        .annotate(procedure_count=Count("procedure_assignments", filter=valid))
        .filter(procedure_count__gt=0)
        .order_by("kind", "name")
    )


FILTER_CHOICES_KEY = "catalog:filter-choices"


@dataclass(frozen=True)
class FilterChoices:
    fields: list[tuple[str, str]]  # (slug, name)
    agencies: list[tuple[str, str]]  # (identifier, name)


def search_filter_choices(*, on: dt.date) -> FilterChoices:
    """The search form's lists, cached: they change only when the catalogue or an assignment changes.

    Computing them costs more than the search itself (an aggregate over the whole catalogue), so they are
    kept for ``FILTER_CHOICES_SECONDS`` and dropped by ``forget_filter_choices`` after an import or edit.
    """
    key = f"{FILTER_CHOICES_KEY}:{on.isoformat()}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    published = Q(procedures__state=PublicationState.PUBLISHED)
    choices = FilterChoices(
        fields=list(Field.objects.filter(published).distinct().order_by("name").values_list("slug", "name")),
        agencies=list(agencies_with_procedures(on=on).values_list("identifier", "name")),
    )
    cache.set(key, choices, FILTER_CHOICES_SECONDS)
    return choices


FILTER_CHOICES_SECONDS = 300


def forget_filter_choices() -> None:
    cache.delete(f"{FILTER_CHOICES_KEY}:{clock.today().isoformat()}")
