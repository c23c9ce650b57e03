"""The document office's pages for clerks, drafters, reviewers, signers, leaders and handlers."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency, OrgUnit
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.pagination import CappedPaginator
from motcua.core.params import date_param, int_param
from motcua.documents import exchange, registers_export, selectors, services
from motcua.documents.access import (
    access_incoming,
    access_outgoing,
    document_agency_roles,
    outgoing_visible_to,
)
from motcua.documents.arrivals import Arrival
from motcua.documents.models import (
    Confidentiality,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    Urgency,
    WorkTask,
)
from motcua.documents.workflow import (
    INCOMING_ACTION_LABELS,
    INCOMING_STATUS_LABELS,
    OUTGOING_ACTION_LABELS,
    OUTGOING_STATUS_LABELS,
    IncomingAction,
    OutgoingAction,
)


def _outgoing(*, user: User, pk: int) -> OutgoingDocument:
    try:
        return access_outgoing(user=user, pk=pk)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _incoming(*, user: User, pk: int) -> IncomingDocument:
    try:
        return access_incoming(user=user, pk=pk)
    except NotFoundError as error:
        raise Http404(error.message) from error


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _my_agencies(user: User) -> list[Agency]:
    return list(Agency.objects.filter(pk__in=document_agency_roles(user)).order_by("name"))


def _colleagues(agency_ids: list[int]) -> list[User]:
    ids = RoleAssignment.objects.active_on().filter(agency_id__in=agency_ids).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name"))


def _not_official(request: HttpRequest) -> HttpResponse | None:
    if not document_agency_roles(_user(request)):
        messages.info(request, "Trang này dành cho cán bộ, công chức.")
        return redirect("portal:home")
    return None


@login_required
def office(request: HttpRequest) -> HttpResponse:
    """What waits for me: drafts to review, documents to issue or send, to assign, to handle, tasks."""
    refused = _not_official(request)
    if refused:
        return refused
    return render(request, "documents/office.html", {"work": selectors.work_list(_user(request))})


def _search_filter(request: HttpRequest) -> selectors.DocumentFilter:
    get = request.GET
    return selectors.DocumentFilter(
        q=get.get("q", "").strip()[:200],
        agency_id=int_param(get.get("agency")),
        status=get.get("status", "").strip()[:12],
        type_name=get.get("type", "").strip()[:100],
        urgency=get.get("urgency", "").strip()[:12],
        date_from=date_param(get.get("date_from")),
        date_to=date_param(get.get("date_to")),
        year=int_param(get.get("year")),
    )


def _querystring(request: HttpRequest) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])


def _register_list(request: HttpRequest, *, incoming: bool) -> HttpResponse:
    """One register's search page; the two registers differ only in their rows, statuses and type filter."""
    refused = _not_official(request)
    if refused:
        return refused
    user = _user(request)
    flt = _search_filter(request)
    search = selectors.incoming_search if incoming else selectors.outgoing_search
    context = {
        "page": CappedPaginator(search(user, flt), 25).get_page(request.GET.get("page")),
        "flt": flt,
        "agencies": _my_agencies(user),
        "types": [] if incoming else DocumentType.objects.filter(is_active=True).order_by("name"),
        "statuses": (INCOMING_STATUS_LABELS if incoming else OUTGOING_STATUS_LABELS).items(),
        "urgencies": Urgency.choices,
        "querystring": _querystring(request),
    }
    template = "documents/incoming_list.html" if incoming else "documents/outgoing_list.html"
    return render(request, template, context)


@login_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    return _register_list(request, incoming=False)


@login_required
def incoming_list(request: HttpRequest) -> HttpResponse:
    return _register_list(request, incoming=True)


def _draft_from_post(request: HttpRequest, agency: Agency) -> services.DraftInput:
    post = request.POST
    document_type = DocumentType.objects.filter(pk=int_param(post.get("document_type")) or 0).first()
    signer = User.objects.filter(pk=int_param(post.get("signer")) or 0).first()
    if document_type is None or signer is None:
        raise DomainError("Hãy chọn loại văn bản và người ký.")
    recipients = services.recipients_from_ids([i for i in map(int_param, post.getlist("recipients")) if i])
    paper = services.recipients_from_ids([i for i in map(int_param, post.getlist("paper_recipients")) if i])
    reply_to = None
    reply_id = int_param(post.get("reply_to"))
    if reply_id is not None:
        reply_to = IncomingDocument.objects.filter(pk=reply_id, agency=agency).first()
    return services.DraftInput(
        document_type=document_type,
        subject=post.get("subject", ""),
        content=post.get("content", ""),
        signer=signer,
        signer_title=post.get("signer_title", ""),
        urgency=post.get("urgency", Urgency.NORMAL),
        confidentiality=post.get("confidentiality", Confidentiality.NORMAL),
        symbol_unit=post.get("symbol_unit", ""),
        recipients=recipients,
        paper_recipients=paper,
        external_recipients=post.get("external_recipients", "").splitlines(),
        due_on=date_param(post.get("due_on")),
        reply_to=reply_to,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outgoing_new(request: HttpRequest) -> HttpResponse:
    refused = _not_official(request)
    if refused:
        return refused
    user = _user(request)
    agencies = _my_agencies(user)
    if request.method == "POST":
        agency = next((a for a in agencies if a.pk == int_param(request.POST.get("agency"))), None)
        try:
            if agency is None:
                raise DomainError("Hãy chọn cơ quan ban hành.")
            document = services.outgoing_create_draft(
                actor=user,
                agency=agency,
                data=_draft_from_post(request, agency),
                file=request.FILES.get("file"),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Đã lưu dự thảo.")
            return redirect("documents:outgoing", pk=document.pk)
    reply_to = None
    reply_id = int_param(request.GET.get("reply_to"))
    if reply_id is not None:
        reply_to = IncomingDocument.objects.filter(pk=reply_id, agency__in=agencies).first()
    context = {
        "agencies": agencies,
        "types": DocumentType.objects.filter(is_active=True).order_by("name"),
        "signers": _colleagues([a.pk for a in agencies]),
        "recipient_choices": Agency.objects.exclude(pk__in=[a.pk for a in agencies])
        .filter(valid_to__isnull=True)
        .order_by("name")[:400],
        "urgencies": Urgency.choices,
        "confidentialities": Confidentiality.choices,
        "reply_to": reply_to,
        "post": request.POST,
    }
    return render(request, "documents/outgoing_new.html", context)


@login_required
def outgoing_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = _outgoing(user=user, pk=pk)
    actions = selectors.offered_outgoing_actions(document=document, user=user)
    context = {
        "doc": document,
        "status_label": OUTGOING_STATUS_LABELS[document.status],  # type: ignore[index]
        "actions": [(a.value, OUTGOING_ACTION_LABELS[a]) for a in actions],
        "reviewers": _colleagues([document.agency_id]),
        "recipients": document.recipients.select_related("agency", "incoming"),
        "has_edxml_recipients": document.recipients.filter(delivery="edxml").exists(),
        "versions": document.versions.select_related("uploaded_by"),
        "events": document.events.select_related("actor"),
        "is_leader": "agency_leader" in document_agency_roles(user).get(document.agency_id, set()),
        "may_upload": (document.status == "draft" and document.drafter_id == user.pk)
        or (document.status == "in_review" and document.reviewer_id == user.pk),
    }
    return render(request, "documents/outgoing.html", context)


@login_required
@require_POST
def outgoing_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    document = _outgoing(user=user, pk=pk)
    try:
        chosen = OutgoingAction(action)
    except ValueError:
        messages.error(request, "Thao tác không hợp lệ.")
        return redirect("documents:outgoing", pk=pk)
    reviewer = User.objects.filter(pk=int_param(request.POST.get("reviewer")) or 0).first()
    try:
        services.outgoing_act(
            document=document,
            actor=user,
            action=chosen,
            data=services.OutgoingInput(
                note=request.POST.get("note", ""),
                reviewer=reviewer,
                passphrase=request.POST.get("passphrase", ""),
            ),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thực hiện: {OUTGOING_ACTION_LABELS[chosen]}.")
    return redirect("documents:outgoing", pk=pk)


@login_required
@require_POST
def outgoing_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = _outgoing(user=user, pk=pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("Hãy chọn tệp dự thảo.")
        services.outgoing_add_version(
            document=document, actor=user, file=upload, note=request.POST.get("note", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã tải lên phiên bản mới.")
    return redirect("documents:outgoing", pk=pk)


@login_required
def outgoing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = _outgoing(user=_user(request), pk=pk)
    if not document.signed_file:
        messages.error(request, "Văn bản chưa được ký số và phát hành.")
        return redirect("documents:outgoing", pk=pk)
    with document.signed_file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number_symbol.replace("/", "_")}.pdf"'
    return response


@login_required
def outgoing_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    document = _outgoing(user=_user(request), pk=pk)
    try:
        data = exchange.package_for(document=document)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("documents:outgoing", pk=pk)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = (
        f'attachment; filename="{document.number_symbol.replace("/", "_")}.edxml"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def incoming_new(request: HttpRequest) -> HttpResponse:
    """The clerk registers a paper document with its scan, or imports an edXML package."""
    refused = _not_official(request)
    if refused:
        return refused
    user = _user(request)
    agencies = _my_agencies(user)
    post = request.POST
    if request.method == "POST":
        agency = next((a for a in agencies if a.pk == int_param(post.get("agency"))), None)
        try:
            if agency is None:
                raise DomainError("Hãy chọn cơ quan nhận.")
            if post.get("kind") == "edxml":
                package = request.FILES.get("package")
                if package is None:
                    raise DomainError("Hãy chọn gói edXML.")
                document = services.incoming_import_edxml(
                    actor=user, agency=agency, data=package.read(exchange.MAX_PACKAGE_BYTES + 1)
                )
            else:
                issued_on = date_param(post.get("issued_on"))
                if issued_on is None:
                    raise DomainError("Hãy nhập ngày của văn bản.")
                arrival = Arrival(
                    sender_name=post.get("sender_name", ""),
                    number_symbol=post.get("number_symbol", ""),
                    issued_on=issued_on,
                    type_name=post.get("type_name", ""),
                    subject=post.get("subject", ""),
                    urgency=post.get("urgency", Urgency.NORMAL),
                    confidentiality=post.get("confidentiality", Confidentiality.NORMAL),
                    signer_name=post.get("signer_name", ""),
                    page_count=int_param(post.get("page_count")),
                )
                document = services.incoming_register_paper(
                    actor=user,
                    agency=agency,
                    arrival=arrival,
                    scan=request.FILES.get("scan"),
                    confirm_duplicate=post.get("confirm_duplicate") == "1",
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã vào sổ văn bản đến số {document.arrival_number}.")
            return redirect("documents:incoming", pk=document.pk)
    context = {
        "agencies": agencies,
        "types": DocumentType.objects.filter(is_active=True).order_by("name"),
        "urgencies": Urgency.choices,
        "confidentialities": Confidentiality.choices,
        "post": post,
    }
    return render(request, "documents/incoming_new.html", context)


@login_required
def incoming_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    document = _incoming(user=user, pk=pk)
    actions = selectors.offered_incoming_actions(document=document, user=user)
    context = {
        "doc": document,
        "status_label": INCOMING_STATUS_LABELS[document.status],  # type: ignore[index]
        "is_overdue": selectors.is_overdue(document),
        "actions": [(a.value, INCOMING_ACTION_LABELS[a]) for a in actions],
        "handlers": _colleagues([document.agency_id]),
        "is_leader": "agency_leader" in document_agency_roles(user).get(document.agency_id, set()),
        "units": OrgUnit.objects.filter(agency_id=document.agency_id).order_by("name"),
        "replies": outgoing_visible_to(user).filter(reply_to=document),
        "events": document.events.select_related("actor"),
        "coordinating": document.coordinating_units.all(),
        "tasks": document.tasks.select_related("owner"),
    }
    return render(request, "documents/incoming.html", context)


@login_required
@require_POST
def incoming_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    document = _incoming(user=user, pk=pk)
    post = request.POST
    try:
        chosen = IncomingAction(action)
    except ValueError:
        messages.error(request, "Thao tác không hợp lệ.")
        return redirect("documents:incoming", pk=pk)
    units = OrgUnit.objects.filter(agency_id=document.agency_id)
    reply = outgoing_visible_to(user).filter(pk=int_param(post.get("reply")) or 0).first()
    try:
        services.incoming_act(
            document=document,
            actor=user,
            action=chosen,
            data=services.HandlingInput(
                note=post.get("note", ""),
                handler=User.objects.filter(pk=int_param(post.get("handler")) or 0).first(),
                lead_unit=units.filter(pk=int_param(post.get("lead_unit")) or 0).first(),
                coordinating_units=list(
                    units.filter(pk__in=[i for i in map(int_param, post.getlist("coordinating_units")) if i])
                ),
                due_on=date_param(post.get("due_on")),
                reply=reply,
            ),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thực hiện: {INCOMING_ACTION_LABELS[chosen]}.")
    return redirect("documents:incoming", pk=pk)


@login_required
def incoming_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = _incoming(user=_user(request), pk=pk)
    if not document.file:
        messages.error(request, "Văn bản không có tệp đính kèm.")
        return redirect("documents:incoming", pk=pk)
    with document.file.open("rb") as handle:
        data = handle.read()
    content_type = "application/pdf" if data.startswith(b"%PDF-") else "application/octet-stream"
    return HttpResponse(data, content_type=content_type)


@login_required
def register_book(request: HttpRequest, kind: str) -> HttpResponse:
    """The register book of a year, printable (PDF) or as a spreadsheet."""
    user = _user(request)
    agencies = _my_agencies(user)
    get = request.GET
    agency = next((a for a in agencies if a.pk == int_param(get.get("agency"))), None)
    year = int_param(get.get("year"))
    if agency is None or year is None or kind not in ("outgoing", "incoming"):
        return render(request, "documents/registers.html", {"agencies": agencies, "kind": kind})
    try:
        book = registers_export.register_file(
            user=user,
            agency=agency,
            kind=kind,
            year=year,
            series=get.get("series", "regular"),
            file_format=get.get("format", "pdf"),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("documents:office")
    response = HttpResponse(book.data, content_type=book.content_type)
    response["Content-Disposition"] = f'attachment; filename="{book.file_name}"'
    return response


@login_required
@require_POST
def task_new(request: HttpRequest) -> HttpResponse:
    """A leader gives a task, usually from an incoming document's page."""
    user = _user(request)
    post = request.POST
    incoming = _incoming(user=user, pk=int_param(post.get("incoming")) or 0) if post.get("incoming") else None
    agency = incoming.agency if incoming is not None else None
    owner = User.objects.filter(pk=int_param(post.get("owner")) or 0).first()
    due_on = date_param(post.get("due_on"))
    try:
        if agency is None or owner is None or due_on is None:
            raise DomainError("Hãy chọn người được giao và hạn hoàn thành.")
        services.task_create(
            actor=user,
            agency=agency,
            title=post.get("title", ""),
            description=post.get("description", ""),
            owner=owner,
            due_on=due_on,
            incoming=incoming,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã giao việc.")
    if incoming is not None:
        return redirect("documents:incoming", pk=incoming.pk)
    return redirect("documents:office")


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = WorkTask.objects.filter(pk=pk, owner=user).first()
    try:
        if task is None:
            raise DomainError("Không tìm thấy công việc.")
        progress = int_param(request.POST.get("progress"))
        if progress is None:
            raise DomainError("Hãy nhập tiến độ từ 0 đến 100%.")
        services.task_report(task=task, actor=user, progress=progress, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã cập nhật tiến độ.")
    return redirect("documents:office")


@login_required
@require_POST
def grant(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A leader lets one more official of the agency see a confidential document."""
    user = _user(request)
    grantee = User.objects.filter(pk=int_param(request.POST.get("user")) or 0).first()
    target = "documents:outgoing" if kind == "outgoing" else "documents:incoming"
    try:
        if grantee is None:
            raise DomainError("Hãy chọn cán bộ được xem văn bản.")
        if kind == "outgoing":
            services.confidential_grant(actor=user, user=grantee, outgoing=_outgoing(user=user, pk=pk))
        else:
            services.confidential_grant(actor=user, user=grantee, incoming=_incoming(user=user, pk=pk))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã cho phép {grantee} xem văn bản mật.")
    return redirect(target, pk=pk)


@login_required
@require_POST
def outgoing_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The clerk records a status message received from a recipient outside MotCua."""
    user = _user(request)
    document = _outgoing(user=user, pk=pk)
    upload = request.FILES.get("message")
    try:
        if upload is None:
            raise DomainError("Hãy chọn tệp thông điệp trạng thái.")
        recipient = services.outgoing_record_status(
            document=document, actor=user, data=upload.read(1024 * 1024 + 1)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{recipient.organ_name}: {recipient.get_exchange_status_display()}.")
    return redirect("documents:outgoing", pk=pk)


@login_required
def incoming_status(request: HttpRequest, pk: int) -> HttpResponse:
    document = _incoming(user=_user(request), pk=pk)
    try:
        data = exchange.status_for(incoming=document)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("documents:incoming", pk=pk)
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="trang-thai-{document.arrival_number}.edxml"'
    return response
