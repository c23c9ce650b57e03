"""Officials' pages: the workspace queue, desk registration, the dossier page with its allowed actions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.core.params import int_param
from motcua.datastore import selectors as store_selectors
from motcua.datastore import services as store_services
from motcua.dossiers import documents, exports, printing, selectors, services
from motcua.dossiers.access import access_dossier_by_code, actor_roles, official_agency_ids
from motcua.dossiers.models import Channel
from motcua.dossiers.workflow import ACTION_LABELS, STATUS_LABELS, Action, Status


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not official_agency_ids(user):
        messages.info(request, "Trang này dành cho cán bộ, công chức.")
        return redirect("dossiers:mine")
    now = clock.now()
    get = request.GET
    filters = selectors.QueueFilters(
        status=int_param(get.get("status")),
        procedure_code=get.get("procedure", "").strip(),
        channel=int_param(get.get("channel")),
        applicant=get.get("applicant", "").strip(),
        mine_only=get.get("mine") == "1",
    )
    queue = selectors.official_queue(user=user, filters=filters, now=now)
    counters = selectors.queue_counters(user=user, now=now)
    paginator = Paginator(queue, 25)
    if filters.is_empty:
        paginator.count = counters["total"]  # already counted with the counters: spare a second scan
    page = paginator.get_page(get.get("page"))
    context = {
        "page": page,
        "counters": counters,
        "watched": selectors.watched_elsewhere(user=user)[:20],
        "statuses": [(s.value, label) for s, label in STATUS_LABELS.items() if s != Status.DRAFT],
        "channels": Channel.choices,
        "filters": filters,
    }
    return render(request, "dossiers/workspace.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Receive a paper dossier at the desk (in person or by post)."""
    user = _user(request)
    agencies = Agency.objects.filter(pk__in=official_agency_ids(user)).order_by("name")
    if request.method == "POST":
        procedure = Procedure.objects.filter(code=request.POST.get("procedure", "").strip()).first()
        agency = agencies.filter(pk=int_param(request.POST.get("agency")) or 0).first()
        try:
            if procedure is None or agency is None:
                raise DomainError("Hãy nhập đúng mã thủ tục và chọn cơ quan.")
            dossier = services.dossier_register_at_desk(
                procedure=procedure,
                agency=agency,
                officer=user,
                applicant=_applicant_from(request),
                channel=int_param(request.POST.get("channel")) or Channel.IN_PERSON,
                immediate=request.POST.get("immediate") == "on",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Đã tiếp nhận hồ sơ {dossier.code}. In giấy tiếp nhận và hẹn trả kết quả."
            )
            return redirect("dossiers:desk_dossier", code=dossier.code)
    return render(request, "dossiers/register.html", {"agencies": agencies, "post": request.POST})


def _applicant_from(request: HttpRequest) -> services.Applicant:
    post = request.POST
    born = post.get("applicant_birth_date") or ""
    return services.Applicant(
        name=post.get("applicant_name", ""),
        id_number=post.get("applicant_id_number", ""),
        birth_date=dt.date.fromisoformat(born) if _is_iso_date(born) else None,
        phone=post.get("applicant_phone", ""),
        email=post.get("applicant_email", ""),
        address=post.get("applicant_address", ""),
        submitted_by_name=post.get("submitted_by_name", ""),
    )


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@login_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    dossier = selectors.dossier_for_page(user=user, code=code)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    roles = actor_roles(dossier=dossier, user=user)
    actions = [(a.value, ACTION_LABELS[a]) for a in selectors.offered_actions(dossier=dossier, roles=roles)]
    task = dossier.current_task
    assignees = (
        User.objects.filter(
            pk__in=RoleAssignment.objects.active_on()
            .filter(agency=dossier.processing_agency, role=task.role)
            .values("user_id")
        )
        if task
        else User.objects.none()
    )
    context = {
        "dossier": dossier,
        "actions": actions,
        "assignees": assignees,
        "tasks": dossier.tasks.order_by("order", "pk"),
        "events": dossier.events.select_related("actor").order_by("at", "pk"),
        "files": dossier.files.select_related("stored_document", "reuse").order_by("kind", "-uploaded_at"),
        "may_digitise": "reception_officer" in roles and dossier.status in selectors.OPEN_STATUSES,
        "offers": [o for o in store_selectors.reuse_offers(dossier=dossier) if o.documents and not o.reused]
        if dossier.status in selectors.OPEN_STATUSES
        else [],
        "components": dossier.procedure_version.components.all(),
        "consultations": dossier.consultations.select_related("to_agency"),
        "other_agencies": Agency.objects.valid_on(clock.today())
        .exclude(pk=dossier.processing_agency_id)
        .order_by("kind", "name")
        if any(value in ("consult", "share", "transfer") for value, _ in actions)
        else [],
        "open_statuses": selectors.OPEN_STATUSES,
    }
    return render(request, "dossiers/desk_dossier.html", context)


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    user = _user(request)
    try:
        dossier = access_dossier_by_code(user=user, code=code)
        chosen = Action(action)
    except (DomainError, ValueError) as exc:
        raise Http404("Không tìm thấy hồ sơ") from exc
    assignee = User.objects.filter(pk=int_param(request.POST.get("assignee")) or 0).first()
    new_due = parse_datetime(request.POST.get("new_due_at", "") or "")
    if new_due is not None and new_due.tzinfo is None:
        new_due = new_due.replace(tzinfo=clock.local_zone())
    try:
        services.dossier_act(
            dossier=dossier,
            actor=user,
            action=chosen,
            data=services.ActionInput(
                note=request.POST.get("note", ""), assignee=assignee, new_due_at=new_due
            ),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã thực hiện: {ACTION_LABELS[chosen]}.")
    return redirect("dossiers:desk_dossier", code=code)


@login_required
@require_POST
def upload_scan(request: HttpRequest, code: str) -> HttpResponse:
    """The desk scans a paper component into the dossier (Decree 61/2018 Art. 17: scanned and stored)."""
    user = _user(request)
    try:
        dossier = access_dossier_by_code(user=user, code=code)
        component = dossier.procedure_version.components.filter(
            pk=int_param(request.POST.get("component")) or 0
        ).first()
        scan = request.FILES.get("file")
        if component is None or scan is None:
            raise DomainError("Hãy chọn thành phần hồ sơ và tệp quét.")
        services.dossier_attach_file(dossier=dossier, actor=user, upload=scan, component=component)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã lưu bản quét.")
    return redirect("dossiers:desk_dossier", code=code)


@login_required
@require_POST
def upload_result(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    try:
        dossier = access_dossier_by_code(user=user, code=code)
        result = request.FILES.get("result")
        if result is None:
            raise DomainError("Hãy chọn tệp kết quả.")
        if not actor_roles(dossier=dossier, user=user) - {"applicant"}:
            raise DomainError("Bạn không có quyền trên hồ sơ này.")
        passphrase = request.POST.get("passphrase", "")
        if passphrase:
            store_services.dossier_result_sign(
                dossier=dossier, actor=user, upload=result, passphrase=passphrase
            )
        else:
            services.dossier_attach_file(
                dossier=dossier, actor=user, upload=result, component=None, kind="result"
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã tải lên kết quả giải quyết.")
    return redirect("dossiers:desk_dossier", code=code)


@login_required
def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = access_dossier_by_code(user=_user(request), code=code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if dossier.received_at is None:
        raise Http404("Hồ sơ chưa được tiếp nhận")
    pdf = documents.render_receipt_pdf(dossier, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{code}.pdf"'
    return response


@login_required
def form_pdf(request: HttpRequest, code: str, which: str) -> HttpResponse:
    """Forms 02 (supplement), 03 (refusal), 04 (apology), the stop notice and the control sheet."""
    try:
        dossier = access_dossier_by_code(user=_user(request), code=code)
        pdf = documents.render_form_pdf(dossier, which)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-{which}-{code}.pdf"'
    return response


@login_required
def register_book(request: HttpRequest) -> HttpResponse:
    """Form 06/07, the desk's register of the dossiers received in a period, as an A4 PDF or an xlsx."""
    user = _user(request)
    agencies = Agency.objects.filter(pk__in=official_agency_ids(user)).order_by("name")
    agency = agencies.filter(pk=int_param(request.GET.get("agency")) or 0).first() or agencies.first()
    if agency is None:
        raise Http404("Không có cơ quan")
    today = clock.today()
    start = _date_or(request.GET.get("from"), today.replace(day=1))
    end = _date_or(request.GET.get("to"), today)
    dossiers = list(selectors.register_rows(agency=agency, start=start, end=end))
    label = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.register_xlsx(dossiers, title=f"Sổ theo dõi hồ sơ - {agency.name}", period=label),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        )
        return response
    if request.GET.get("format") == "pdf":
        form = documents.register(agency, dossiers, label)
        pdf = printing.render_pdf(form, form_set=printing.form_set_for(start))
        return HttpResponse(pdf, content_type="application/pdf")
    context = {"agencies": agencies, "agency": agency, "start": start, "end": end, "dossiers": dossiers}
    return render(request, "dossiers/register_book.html", context)


def _date_or(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return default
