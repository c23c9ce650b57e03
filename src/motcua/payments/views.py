"""Pages of online payment: start (to the gateway), the browser's return, the state, the receipt."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.dossiers.access import access_dossier_by_code
from motcua.payments import selectors, services
from motcua.payments.models import OPEN_STATUSES, PaymentStatus
from motcua.payments.receipts import receipt_pdf


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's "Thanh toán trực tuyến": a payment for the dossier, and the browser to the gateway."""
    try:
        dossier = access_dossier_by_code(user=_user(request), code=code)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    try:
        payment = services.payment_start(dossier=dossier, actor=_user(request))
        target = services.payment_send(payment=payment, actor=_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:track", code=code)
    return redirect(target)


@require_GET
def returned(request: HttpRequest, order_id: str) -> HttpResponse:
    """The gateway sends the browser back here: the parameters are checked and logged, never trusted."""
    if request.GET:
        services.payment_return_check(
            order_id=order_id, params=request.GET.dict(), remote_addr=request.META.get("REMOTE_ADDR", "")
        )
    return redirect("payments:detail", order_id=order_id)


@login_required
@require_GET
def detail(request: HttpRequest, order_id: str) -> HttpResponse:
    """What the IPN recorded: paid, failed, cancelled, or still waiting for the gateway's confirmation."""
    try:
        payment = selectors.access_payment(user=_user(request), order_id=order_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    waiting = payment.status in OPEN_STATUSES
    context = {"payment": payment, "dossier": payment.dossier, "waiting": waiting}
    return render(request, "payments/detail.html", context)


@login_required
@require_GET
def receipt(request: HttpRequest, order_id: str) -> HttpResponse:
    try:
        payment = selectors.access_payment(user=_user(request), order_id=order_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if payment.status != PaymentStatus.PAID:
        raise Http404("Giao dịch chưa được thanh toán.")
    response = HttpResponse(receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-lai-{payment.order_id}.pdf"'
    return response
