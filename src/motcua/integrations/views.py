"""The sync state page (officials: their agencies' dossiers; administrators: all) and the dead letters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.auth import is_administrator
from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.core.pagination import CappedPaginator
from motcua.integrations import outbox, selectors
from motcua.integrations.models import Delivery, StreamState
from motcua.integrations.portal.sync import portal_dossier_resend

PAGE_SIZE = 50


def _scope(request: HttpRequest) -> set[int] | None:
    assert isinstance(request.user, User)
    scope = selectors.sync_scope(request.user)
    if scope is not None and not scope:
        raise Http404  # citizens: the page does not exist for them
    return scope


@login_required
def sync_state(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    state = request.GET.get("state", "")
    if state not in StreamState.values:
        state = ""
    page = CappedPaginator(selectors.portal_streams(agency_ids=scope, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rows": selectors.sync_rows(list(page.object_list)),
        "state": state,
        "states": StreamState.choices,
        "counts": selectors.portal_state_counts(agency_ids=scope),
        "is_administrator": scope is None,
    }
    return render(request, "integrations/sync_state.html", context)


@login_required
@require_POST
def sync_resend(request: HttpRequest, code: str) -> HttpResponse:
    scope = _scope(request)
    dossier = selectors.dossier_in_scope(code=code, agency_ids=scope)
    if dossier is None:
        raise Http404
    assert isinstance(request.user, User)
    portal_dossier_resend(dossier=dossier, actor=request.user)
    messages.success(request, _("Dossier %(code)s queued for the national portal again.") % {"code": code})
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/dong-bo/") else "integrations:sync_state")


@login_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    if not is_administrator(request.user):
        raise Http404
    page = CappedPaginator(outbox.dead_letters(system=request.GET.get("system", "")), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "integrations/dead_letters.html", {"page": page})


@login_required
@require_POST
def replay(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    if not is_administrator(request.user):
        raise Http404
    delivery = Delivery.objects.filter(pk=pk).first()
    if delivery is None:
        raise Http404
    try:
        outbox.replay(delivery=delivery, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message queued again."))
    return redirect("integrations:dead_letters")
