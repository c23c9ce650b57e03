"""Authentication for the API: a bearer token (integrations) or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from motcua.accounts.models import Role, User
from motcua.accounts.tokens import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked by ninja for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


API_AUTH = [TokenAuth(), SessionAuth()]


def is_administrator(user: User) -> bool:
    """Superusers, and users holding the administrator role in any agency today."""
    if user.is_superuser:
        return True
    return user.roles.active_on().filter(role=Role.ADMINISTRATOR).exists()
