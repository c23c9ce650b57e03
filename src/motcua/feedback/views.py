"""Feedback pages: send and track (citizens), the public answers, the officials' queue and handling."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.core.errors import DomainError, NotFoundError
from motcua.core.params import int_param
from motcua.feedback import selectors, services
from motcua.feedback.models import Feedback, Subject
from motcua.feedback.workflow import ACTION_LABELS, SENDER, Action, allowed


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _agencies() -> list[Agency]:
    return list(Agency.objects.valid_on(clock.today()).order_by("kind", "name"))


def public(request: HttpRequest) -> HttpResponse:
    """Answered feedback, searchable, without personal data; each agency's figures for the year."""
    q = request.GET.get("q", "").strip()[:200]
    agency_id = int_param(request.GET.get("agency"))
    page = Paginator(selectors.published(q=q, agency_id=agency_id), 20).get_page(request.GET.get("page"))
    today = clock.today()
    context = {
        "page": page,
        "answers": [selectors.public_view(f) for f in page],
        "q": q,
        "agency_id": agency_id,
        "agencies": _agencies(),
        "figures": selectors.figures_by_agency(date_from=dt.date(today.year, 1, 1), date_to=today),
        "year": today.year,
    }
    return render(request, "feedback/public.html", context)


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    post = request.POST
    if request.method == "POST":
        submission = services.Submission(
            subject=post.get("subject", ""),
            title=post.get("title", ""),
            content=post.get("content", ""),
            sender_name=post.get("sender_name", ""),
            sender_phone=post.get("sender_phone", ""),
            sender_email=post.get("sender_email", ""),
            sender_address=post.get("sender_address", ""),
            agency=Agency.objects.filter(pk=int_param(post.get("agency")) or 0).first(),
            procedure=Procedure.objects.filter(code=post.get("procedure", "").strip()).first(),
            dossier_code=post.get("dossier_code", ""),
            files=request.FILES.getlist("files"),
        )
        try:
            feedback = services.feedback_submit(submission=submission, user=user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return render(request, "feedback/sent.html", {"feedback": feedback})
    initial = {
        "sender_name": user.get_full_name() if user else "",
        "sender_phone": user.phone if user else "",
        "sender_email": user.email if user else "",
        **post.dict(),
    }
    context = {"subjects": Subject.choices, "agencies": _agencies(), "initial": initial}
    return render(request, "feedback/send.html", context)


def _tracked(request: HttpRequest, code: str) -> tuple[Feedback, str]:
    phone = request.POST.get("phone", "") or request.GET.get("phone", "")
    try:
        return services.access_by_code(code=code, phone=phone, user=_user(request)), phone
    except NotFoundError as error:
        raise Http404(error.message) from error


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """The sender's tracking page: the code and the phone number given when sending."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    if not code:
        return render(request, "feedback/track.html", {})
    try:
        feedback, phone = _tracked(request, code)
    except Http404 as error:
        messages.error(request, str(error))
        return render(request, "feedback/track.html", {"code": code})
    actors = services.feedback_actors(feedback=feedback, user=_user(request), phone=phone)
    context = {
        "fb": feedback,
        "phone": phone,
        "events": feedback.events.all(),
        "may_provide": allowed(Action.PROVIDE_INFO, feedback.status, actors),
        "may_rate": SENDER in actors
        and allowed(Action.RATE, feedback.status, actors)
        and feedback.rated_at is None,
    }
    return render(request, "feedback/track.html", context)


@require_POST
def sender_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    feedback, phone = _tracked(request, code)
    chosen = Action.RATE if action == "rate" else Action.PROVIDE_INFO
    try:
        services.feedback_act(
            feedback=feedback,
            user=_user(request),
            action=chosen,
            phone=phone,
            data=services.ActInput(
                note=request.POST.get("note", ""), rating=int_param(request.POST.get("rating"))
            ),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thực hiện: {ACTION_LABELS[chosen]}.")
    return track(request)


@login_required
def official_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    status = request.GET.get("status", "")
    qs = selectors.queue(user, status=status, overdue_only=request.GET.get("overdue") == "1")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "feedback/queue.html", {"page": page, "now": clock.now(), "status": status})


def _handled(request: HttpRequest, code: str) -> Feedback:
    user = request.user
    assert isinstance(user, User)
    agencies = RoleAssignment.objects.active_on().filter(user=user).values("agency_id")
    feedback = Feedback.objects.filter(code=code, agency_id__in=agencies).select_related("agency").first()
    if feedback is None:
        raise Http404("Không tìm thấy phản ánh, kiến nghị.")
    return feedback


@login_required
def official_page(request: HttpRequest, code: str) -> HttpResponse:
    feedback = _handled(request, code)
    user = request.user
    assert isinstance(user, User)
    actors = services.feedback_actors(feedback=feedback, user=user)
    actions = [
        (a.value, ACTION_LABELS[a])
        for a in Action
        if a not in (Action.PROVIDE_INFO, Action.RATE) and allowed(a, feedback.status, actors)
    ]
    colleagues = RoleAssignment.objects.active_on().filter(agency=feedback.agency).values("user_id")
    context = {
        "fb": feedback,
        "actions": actions,
        "handlers": User.objects.filter(pk__in=colleagues).order_by("full_name"),
        "agencies": [a for a in _agencies() if a.pk != feedback.agency_id],
        "events": feedback.events.select_related("actor", "agency"),
        "files": feedback.files.all(),
        "now": clock.now(),
    }
    return render(request, "feedback/handle.html", context)


@login_required
@require_POST
def official_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    feedback = _handled(request, code)
    try:
        chosen = Action(action)
    except ValueError as error:
        raise Http404("Thao tác không hợp lệ.") from error
    post = request.POST
    try:
        services.feedback_act(
            feedback=feedback,
            user=_user(request),
            action=chosen,
            data=services.ActInput(
                note=post.get("note", ""),
                handler=User.objects.filter(pk=int_param(post.get("handler")) or 0).first(),
                agency=Agency.objects.filter(pk=int_param(post.get("agency")) or 0).first(),
            ),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã thực hiện: {ACTION_LABELS[chosen]}.")
    feedback.refresh_from_db()
    mine = RoleAssignment.objects.active_on().filter(user=_user(request), agency_id=feedback.agency_id)
    if not mine.exists():  # forwarded to another agency: no longer ours to see
        return redirect("feedback:queue")
    return redirect("feedback:handle", code=code)
