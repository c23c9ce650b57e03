"""Citizen pages: apply online, the draft with its checklist, my dossiers, public tracking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import Component
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.params import int_param
from motcua.datastore import selectors as store_selectors
from motcua.dossiers import selectors, services
from motcua.dossiers.access import access_dossier_by_code, access_draft
from motcua.dossiers.checklist import is_required
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.workflow import Action, Status


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Start an online dossier: choose where, confirm who applies (prefilled from the account)."""
    procedure = catalog_selectors.procedure_detail(code=code, on=clock.today())
    if procedure is None:
        raise Http404("Không tìm thấy thủ tục")
    agencies = [a.agency for a in getattr(procedure, "current_assignments", [])]
    user = _user(request)
    if request.method == "POST":
        agency = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), None)
        try:
            if agency is None:
                raise DomainError("Hãy chọn cơ quan tiếp nhận hồ sơ.")
            draft = services.dossier_create_draft(
                procedure=procedure, agency=agency, owner=user, applicant=_applicant_from(request)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("dossiers:draft", pk=draft.pk)
    return render(
        request, "dossiers/apply.html", {"procedure": procedure, "agencies": agencies, "user": user}
    )


def _applicant_from(request: HttpRequest) -> services.Applicant:
    post = request.POST
    return services.Applicant(
        name=post.get("applicant_name", ""),
        id_number=post.get("applicant_id_number", ""),
        phone=post.get("applicant_phone", ""),
        email=post.get("applicant_email", ""),
        address=post.get("applicant_address", ""),
        submitted_by_name=post.get("submitted_by_name", ""),
    )


@login_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dossier = access_draft(user=_user(request), pk=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:track", code=dossier.code)
    current = {f.component_id: f for f in dossier.files.filter(is_current=True).select_related("reuse")}
    rows = [
        {
            "component": offer.component,
            "required": is_required(offer.component),
            "file": current.get(offer.component.pk),
            "offer": offer,
        }
        for offer in store_selectors.reuse_offers(dossier=dossier)
    ]
    return render(request, "dossiers/draft.html", {"dossier": dossier, "rows": rows})


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft_or_404(request, pk)
    wanted = int_param(request.POST.get("component")) or 0
    component = Component.objects.filter(pk=wanted, version=dossier.procedure_version).first()
    upload = request.FILES.get("file")
    try:
        if component is None or upload is None:
            raise DomainError("Hãy chọn tệp cho thành phần hồ sơ.")
        services.dossier_attach_file(
            dossier=dossier, actor=_user(request), upload=upload, component=component
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã tải lên: {component.name[:80]}")
    if dossier.status == Status.DRAFT:
        return redirect("dossiers:draft", pk=pk)
    return redirect("dossiers:track", code=dossier.code)


@login_required
@require_POST
def submit_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant sends the documents the agency asked for; the dossier goes back where it was."""
    dossier = _draft_or_404(request, pk)
    try:
        dossier = services.dossier_act(dossier=dossier, actor=_user(request), action=Action.SUBMIT_SUPPLEMENT)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã nộp bổ sung hồ sơ.")
    return redirect("dossiers:track", code=dossier.code)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _draft_or_404(request, pk)
    if request.POST.get("declaration") != "on":
        messages.error(request, "Hãy xác nhận lời cam đoan trước khi nộp.")
        return redirect("dossiers:draft", pk=pk)
    try:
        dossier = services.dossier_act(dossier=dossier, actor=_user(request), action=Action.SUBMIT)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:draft", pk=pk)
    messages.success(request, f"Đã nộp hồ sơ. Mã hồ sơ của bạn: {dossier.code}")
    return redirect("dossiers:track", code=dossier.code)


def _draft_or_404(request: HttpRequest, pk: int) -> Dossier:
    try:
        return access_draft(user=_user(request), pk=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = selectors.citizen_dossiers(user=_user(request))[:200]
    return render(request, "dossiers/mine.html", {"dossiers": dossiers})


def track_search(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip()
    if code:
        return redirect("dossiers:track", code=code)
    return render(request, "dossiers/track_search.html")


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    """Public tracking: status, timeline, appointment and agency; the phone or ID number unlocks details."""
    dossier = (
        Dossier.objects.filter(code=code)
        .exclude(status=Status.DRAFT)
        .select_related("procedure", "receiving_agency", "processing_agency")
        .first()
    )
    if dossier is None:
        return render(request, "dossiers/track_search.html", {"not_found": code}, status=404)
    unlocked = request.session.get("unlocked_dossiers", [])
    if request.method == "POST":
        secret = request.POST.get("secret", "").strip()
        if secret and secret in {dossier.applicant_phone, dossier.applicant_id_number}:
            request.session["unlocked_dossiers"] = [*unlocked, code][-20:]
            unlocked = request.session["unlocked_dossiers"]
        else:
            messages.error(request, "Số điện thoại hoặc số định danh không khớp với hồ sơ.")
    is_owner = request.user.is_authenticated and dossier.owner_id == request.user.pk
    details = is_owner or code in unlocked
    results = dossier.files.filter(kind=DossierFile.Kind.RESULT, is_current=True) if details else []
    supplement = None
    if is_owner and dossier.status == Status.SUPPLEMENT_REQUESTED:
        supplement = {
            "request": dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-pk").first(),
            "components": dossier.procedure_version.components.all(),
        }
    context = {
        "dossier": dossier,
        "timeline": selectors.public_timeline(dossier=dossier),
        "details": details,
        "results": results,
        "supplement": supplement,
    }
    return render(request, "dossiers/track.html", context)


def dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A dossier's file: for its applicant and officials, and its results for whoever unlocked the dossier."""
    stored = DossierFile.objects.filter(pk=file_id, dossier__code=code).select_related("dossier").first()
    if stored is None:
        raise Http404("Không tìm thấy tệp")
    unlocked = code in request.session.get("unlocked_dossiers", []) and stored.kind == DossierFile.Kind.RESULT
    if not unlocked:
        try:
            access_dossier_by_code(user=_user(request), code=code)
        except DomainError as exc:
            raise Http404(exc.message) from exc
    name = stored.file.name.rsplit("/", 1)[-1]
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = access_dossier_by_code(user=_user(request), code=code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        try:
            services.dossier_rate(
                dossier=dossier,
                actor=_user(request),
                rating=int_param(request.POST.get("rating")) or 0,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Cảm ơn ông/bà đã đánh giá.")
            return redirect("dossiers:track", code=code)
    return render(request, "dossiers/rate.html", {"dossier": dossier})
