"""The citizen portal's catalogue pages: home, browse, search, a procedure, its templates."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.agencies.models import Agency
from motcua.catalog import selectors
from motcua.catalog.models import Component, Field, Level
from motcua.core import clock

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "fields": selectors.fields_with_counts()[:24],
        "level_counts": [
            (Level(level).label, level, n) for level, n in selectors.level_counts().items() if n
        ],
    }
    return render(request, "catalog/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Search and browse in one page: every filter is a plain GET parameter (works without JS)."""
    q = request.GET.get("q", "")[:200]
    level = request.GET.get("level") or None
    if level not in Level.values:
        level = None
    today = clock.today()
    choices = selectors.search_filter_choices(on=today)
    field = (
        Field.objects.filter(slug=request.GET.get("field", "")).first() if request.GET.get("field") else None
    )
    agency = (
        Agency.objects.filter(identifier=request.GET.get("agency", "")).first()
        if request.GET.get("agency")
        else None
    )
    results = selectors.procedure_search(q=q, field=field, level=level, agency=agency, on=today)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "level": level,
        "field": field,
        "agency": agency,
        "page": page,
        "levels": Level.choices,
        "fields": choices.fields,
        "agencies": choices.agencies,
        "query_without_page": _query_without_page(request),
    }
    return render(request, "catalog/search.html", context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def procedure(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.procedure_detail(code=code, on=clock.today())
    if found is None:
        raise Http404("Không tìm thấy thủ tục")
    return render(request, "catalog/procedure.html", {"procedure": found, "version": found.current_version})


def template_download(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    component = (
        Component.objects.filter(pk=component_id, version__procedure__code=code)
        .exclude(template_file="")
        .first()
    )
    if component is None:
        raise Http404("Không tìm thấy mẫu đơn")
    name = component.template_file.name.rsplit("/", 1)[-1]
    return FileResponse(component.template_file.open("rb"), as_attachment=True, filename=name)
