"""Pages of the store: "Kho dữ liệu của tôi" for citizens; digitising and reuse on dossier pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.catalog.models import Component
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.params import date_param, int_param
from motcua.datastore import access, scans, services
from motcua.datastore.models import StoredDocument
from motcua.dossiers.access import access_dossier_by_code, access_draft
from motcua.dossiers.models import Dossier


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def my_store(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    documents = access.owned_by(user).select_related("kind", "agency", "dossier").order_by("-filed_at")
    return render(
        request, "datastore/mine.html", {"documents": documents[:200], "has_id": bool(user.id_number)}
    )


@login_required
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = access.access_owned(user=_user(request), pk=pk)
    except NotFoundError as error:
        raise Http404(error.message) from error
    context = {
        "doc": document,
        "accesses": document.accesses.select_related("user", "dossier")[:100],
        "reuses": document.reuses.select_related("dossier", "agency"),
    }
    return render(request, "datastore/document.html", context)


@login_required
def open_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a stored file (owner, an official handling a dossier that uses it, or an administrator)."""
    document = StoredDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404("Không tìm thấy giấy tờ.")
    try:
        data = services.store_open(
            document=document, user=_user(request), reason=request.GET.get("reason", "")
        )
    except NotFoundError as error:
        raise Http404(error.message) from error
    except DomainError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-to-{document.pk}.pdf"'
    return response


def _reuse(request: HttpRequest, dossier: Dossier) -> None:
    post = request.POST
    component = Component.objects.filter(pk=int_param(post.get("component")) or 0).first()
    document = (
        StoredDocument.objects.filter(pk=int_param(post.get("document")) or 0).select_related("kind").first()
    )
    try:
        if component is None or document is None:
            raise DomainError("Hãy chọn giấy tờ trong kho dữ liệu.")
        services.store_reuse(
            dossier=dossier,
            actor=_user(request),
            document=document,
            component=component,
            consent=post.get("consent") == "1",
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã dùng “{document.title[:80]}” từ kho dữ liệu, không cần tải lên.")


@login_required
@require_POST
def reuse_in_draft(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        dossier = access_draft(user=_user(request), pk=pk)
    except DomainError as error:
        raise Http404(error.message) from error
    _reuse(request, dossier)
    return redirect("dossiers:draft", pk=pk)


def _desk_dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return access_dossier_by_code(user=_user(request), code=code)
    except DomainError as error:
        raise Http404(error.message) from error


@login_required
@require_POST
def reuse_at_desk(request: HttpRequest, code: str) -> HttpResponse:
    _reuse(request, _desk_dossier(request, code))
    return redirect("dossiers:desk_dossier", code=code)


@login_required
@require_POST
def digitise(request: HttpRequest, code: str) -> HttpResponse:
    """The desk scans a paper component (several pages), tags it and certifies it with a signature."""
    dossier = _desk_dossier(request, code)
    post = request.POST
    component = dossier.procedure_version.components.filter(pk=int_param(post.get("component")) or 0).first()
    pages = [scans.ScanPage(name=f.name or "trang", data=f.read()) for f in request.FILES.getlist("pages")]
    try:
        if component is None:
            raise DomainError("Hãy chọn thành phần hồ sơ được số hóa.")
        stored = services.dossier_digitise(
            dossier=dossier,
            actor=_user(request),
            component=component,
            pages=pages,
            tagging=services.Tagging(
                owner_number=post.get("owner_number", ""),
                owner_name=post.get("owner_name", ""),
                owner_kind=post.get("owner_kind", "person"),
                issuing_body=post.get("issuing_body", ""),
                issued_on=date_param(post.get("issued_on")),
                expires_on=date_param(post.get("expires_on")),
            ),
            passphrase=post.get("passphrase", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Đã số hóa “{stored.title[:80]}” ({stored.page_count} trang) và lưu vào kho dữ liệu."
        )
    return redirect("dossiers:desk_dossier", code=code)
