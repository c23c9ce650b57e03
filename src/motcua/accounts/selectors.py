"""Reads about accounts: who is an official, and how the current session was authenticated."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from motcua.accounts.models import User

# How the session's user logged in, kept in the session by the login views.
SESSION_LOGIN_METHOD = "motcua_login_method"
SESSION_VNEID = "motcua_vneid"  # {"subject": ..., "issuer": ..., "authenticated_at": ISO 8601}


class LoginMethod:
    PASSWORD = "password"
    PASSWORD_TOTP = "password+totp"
    VNEID = "vneid"


def is_official(user: User) -> bool:
    """Staff, an official's account, or anyone ever given a role in an agency (expired roles included:
    a former official's account keeps the stronger login rules)."""
    return bool(user.is_staff or user.is_superuser or user.kind == User.Kind.OFFICIAL or user.roles.exists())


def second_factor_required(user: User) -> bool:
    return settings.MOTCUA_OFFICIAL_TOTP == "required" and is_official(user)


def session_login_method(request: HttpRequest) -> str | None:
    """``password``, ``password+totp`` or ``vneid`` for a logged-in session; None otherwise."""
    if not request.user.is_authenticated:
        return None
    method: Any = request.session.get(SESSION_LOGIN_METHOD)
    return method if isinstance(method, str) else None


def session_is_vneid_authenticated(request: HttpRequest) -> bool:
    """True when the logged-in user of this browser session authenticated through VNeID.

    The dossier side calls this when a citizen submits, to set the dossier's "VNeID-authenticated" flag
    (DOMAIN.md §8). API calls with a bearer token are never VNeID-authenticated.
    """
    return session_login_method(request) == LoginMethod.VNEID


def vneid_enabled() -> bool:
    return bool(settings.MOTCUA_VNEID_CLIENT_SECRET and settings.MOTCUA_VNEID_ISSUER)
