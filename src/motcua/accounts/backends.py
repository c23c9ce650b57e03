from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from motcua.accounts.models import User


class IdentifierBackend(ModelBackend):
    """Log in with a user name, an ID number (CCCD), a phone number or an e-mail address."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        match = Q(username__iexact=login) | Q(id_number=login) | Q(phone=login)
        if "@" in login:
            match |= Q(email__iexact=login)
        user = User.objects.filter(match).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same cost as a real check: don't reveal which logins exist
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
