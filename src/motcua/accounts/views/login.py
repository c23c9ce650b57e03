"""Logging in: password (+ TOTP for officials), or VNeID (OpenID Connect) for citizens.

An official who passes the password step is not logged in yet: the session only remembers who is
waiting for the second factor (``PENDING``), for ``PENDING_LIFETIME``. Django's ``login()`` runs once every
factor has passed, so a half-authenticated session never reaches a page or the API.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts import oidc
from motcua.accounts.models import TotpDevice, User
from motcua.accounts.second_factor import (
    SecondFactorError,
    enrolment_qr_svg,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_verify,
)
from motcua.accounts.selectors import (
    SESSION_LOGIN_METHOD,
    SESSION_VNEID,
    LoginMethod,
    second_factor_required,
    vneid_enabled,
)
from motcua.accounts.services import VneidAccountError, vneid_account_resolve
from motcua.core import clock

logger = logging.getLogger(__name__)

PENDING = "motcua_pending_login"  # {"user_id", "backend", "next", "at"}
PENDING_LIFETIME_SECONDS = 10 * 60  # enough to install an authenticator app during enrolment
VNEID_FLOW = "motcua_vneid_flow"  # {"state", "nonce", "verifier", "redirect_uri", "next", "at"}
VNEID_FLOW_LIFETIME_SECONDS = 10 * 60

MSG_FLOW_LOST = (
    "Phiên đăng nhập bằng VNeID đã hết hạn hoặc không khớp với trình duyệt này. "
    "Vui lòng bấm “Đăng nhập bằng VNeID” để thử lại."
)
MSG_DENIED = "Bạn đã từ chối chia sẻ thông tin trên VNeID nên chưa đăng nhập được."


class LoginView(auth_views.LoginView):
    """Step 1: the password. Officials then go to the second factor; everyone else is logged in."""

    template_name = "accounts/login.html"
    form_class = AuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "vneid_enabled": vneid_enabled()}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if isinstance(user, User) and second_factor_required(user):
            self.request.session[PENDING] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
                "next": self.get_success_url(),
                "at": clock.now().timestamp(),
            }
            return redirect("accounts:second_factor")
        auth_login(self.request, user)
        self.request.session[SESSION_LOGIN_METHOD] = LoginMethod.PASSWORD
        return HttpResponseRedirect(self.get_success_url())


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Step 2 for officials: the TOTP code, or enrolling an authenticator app the first time."""
    pending = request.session.get(PENDING)
    user = _pending_user(pending)
    if user is None or not isinstance(pending, dict):
        request.session.pop(PENDING, None)
        messages.error(request, _("Your login has expired. Please enter your password again."))
        return redirect("accounts:login")
    device = TotpDevice.objects.filter(user=user).first()
    enrolling = device is None or not device.is_confirmed
    if enrolling:
        device = totp_enrolment_start(user=user)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            if enrolling:
                totp_enrolment_confirm(user=user, code=code)
            else:
                totp_verify(user=user, code=code)
        except SecondFactorError as failure:
            error = failure.message
        else:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            request.session[SESSION_LOGIN_METHOD] = LoginMethod.PASSWORD_TOTP
            if enrolling:
                messages.success(request, _("Your authenticator app is registered."))
            return HttpResponseRedirect(pending["next"])
    assert device is not None
    context: dict[str, Any] = {"pending_user": user, "error": error}
    if enrolling:
        secret = device.secret
        context["secret_groups"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["qr_svg"] = enrolment_qr_svg(device)
    template = "accounts/totp_enrol.html" if enrolling else "accounts/totp_verify.html"
    return render(request, template, context, status=400 if error else 200)


def _pending_user(pending: Any) -> User | None:
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), float):
        return None
    if not isinstance(pending.get("user_id"), int):
        return None
    if clock.now().timestamp() - pending["at"] > PENDING_LIFETIME_SECONDS:
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first()


@never_cache
@require_GET
def vneid_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to VNeID with a fresh state, nonce and PKCE challenge kept in the session."""
    if not vneid_enabled():
        messages.error(request, _("Logging in with VNeID is not enabled on this system."))
        return redirect("accounts:login")
    redirect_uri = request.build_absolute_uri(reverse("accounts:vneid_callback"))
    try:
        authorization = oidc.begin(oidc.Provider.from_settings(), redirect_uri=redirect_uri)
    except oidc.VneidError as error:
        logger.warning("VNeID login not started: %s", error.reason)
        messages.error(request, error.message)
        return redirect("accounts:login")
    request.session[VNEID_FLOW] = {
        "state": authorization.state,
        "nonce": authorization.nonce,
        "verifier": authorization.code_verifier,
        "redirect_uri": redirect_uri,
        "next": _safe_next(request, request.GET.get("next", "")),
        "at": clock.now().timestamp(),
    }
    return HttpResponseRedirect(authorization.url)


@never_cache
@require_GET
def vneid_callback(request: HttpRequest) -> HttpResponse:
    """VNeID sends the browser back here with a code (or an error) and the state."""
    flow = request.session.pop(VNEID_FLOW, None)  # single use, whatever the outcome
    try:
        if not isinstance(flow, dict) or clock.now().timestamp() - flow["at"] > VNEID_FLOW_LIFETIME_SECONDS:
            raise oidc.VneidError("no VNeID login in progress in this session, or too old", MSG_FLOW_LOST)
        if not oidc.state_matches(flow["state"], request.GET.get("state", "")):
            raise oidc.VneidError("state does not match the session's", MSG_FLOW_LOST)
        if error := request.GET.get("error"):
            if error == "access_denied":
                raise oidc.VneidError("the citizen denied at the provider", MSG_DENIED)
            raise oidc.VneidError(f"provider answered error={error[:50]}", oidc.MSG_REFUSED)
        code = request.GET.get("code", "")
        if not code:
            raise oidc.VneidError("callback without a code", oidc.MSG_MALFORMED)
        identity = oidc.complete(
            oidc.Provider.from_settings(),
            code=code,
            redirect_uri=flow["redirect_uri"],
            code_verifier=flow["verifier"],
            nonce=flow["nonce"],
        )
        user, created = vneid_account_resolve(identity=identity)
    except (oidc.VneidError, VneidAccountError) as failure:
        logger.warning("VNeID login refused: %s", failure.reason)
        messages.error(request, failure.message)
        return redirect("accounts:login")
    auth_login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[SESSION_LOGIN_METHOD] = LoginMethod.VNEID
    request.session[SESSION_VNEID] = {
        "issuer": identity.issuer,
        "subject": identity.subject,
        "authenticated_at": clock.now().isoformat(),
    }
    logger.info("VNeID login of user %s (%s)", user.pk, "new account" if created else "linked account")
    return HttpResponseRedirect(flow["next"])


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)
