"""Account use cases: the citizen's account behind a VNeID login."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from motcua.accounts.models import User, VneidIdentity
from motcua.accounts.oidc import VneidIdentityClaims
from motcua.accounts.selectors import is_official
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError

logger = logging.getLogger(__name__)


class VneidAccountError(DomainError):
    code = "vneid_account"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def vneid_account_resolve(*, identity: VneidIdentityClaims) -> tuple[User, bool]:
    """The citizen account with the identity's ID number (linked on first use), or a new one.

    Returns the user and whether it was created. Refused when the ID number belongs to an official (officials
    log in with password and TOTP), when the account is disabled, or when the VNeID subject is already linked
    to another account.
    """
    try:
        return _resolve(identity)
    except IntegrityError:  # two first logins of the same new citizen at once: the other one made it
        return _resolve(identity)


def _resolve(identity: VneidIdentityClaims) -> tuple[User, bool]:
    now = clock.now()
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(id_number=identity.id_number).first()
        link = (
            VneidIdentity.objects.select_for_update()
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if user is not None and is_official(user):
            raise VneidAccountError(
                f"ID number of official account {user.pk}",
                "Số định danh này thuộc tài khoản cán bộ, công chức. Cán bộ đăng nhập bằng tên đăng nhập, "
                "mật khẩu và mã xác thực tại trang này.",
            )
        if link is not None and (user is None or link.user_id != user.pk):
            raise VneidAccountError(
                f"VNeID subject linked to account {link.user_id}, ID number on another",
                "Tài khoản VNeID này đã gắn với một tài khoản khác trên MotCua. Vui lòng liên hệ bộ phận "
                "hỗ trợ để được kiểm tra.",
            )
        created = user is None
        if user is None:
            user = _create_citizen(identity)
            audit_record(actor=user, action="account.create_from_vneid", obj=user)
        if not user.is_active:
            raise VneidAccountError(
                f"account {user.pk} is disabled",
                "Tài khoản gắn với số định danh này đang bị khóa. Vui lòng liên hệ bộ phận hỗ trợ.",
            )
        if link is None:
            if VneidIdentity.objects.filter(user=user).exists():
                raise VneidAccountError(
                    f"account {user.pk} already linked to another VNeID subject",
                    "Tài khoản này đã gắn với một tài khoản VNeID khác. Vui lòng liên hệ bộ phận hỗ trợ.",
                )
            link = VneidIdentity.objects.create(
                user=user, issuer=identity.issuer, subject=identity.subject, linked_at=now
            )
            audit_record(actor=user, action="account.link_vneid", obj=link)
        link.last_login_at = now
        link.save(update_fields=["last_login_at"])
        _fill_blanks(user, identity)
    return user, created


def _create_citizen(identity: VneidIdentityClaims) -> User:
    username = f"vneid.{identity.id_number}"
    if User.objects.filter(username__iexact=username).exists():
        username = f"{username}.{clock.now():%y%m%d%H%M%S}"
    user = User(
        username=username,
        kind=User.Kind.CITIZEN,
        full_name=identity.name,
        id_number=identity.id_number,
        date_of_birth=_date(identity.birthdate),
    )
    user.set_unusable_password()  # VNeID is this account's way in until the citizen sets a password
    user.save()
    return user


def _fill_blanks(user: User, identity: VneidIdentityClaims) -> None:
    """VNeID's data completes the account; what the citizen entered is never overwritten."""
    changed = []
    if not user.full_name:
        user.full_name = identity.name
        changed.append("full_name")
    if user.date_of_birth is None and (born := _date(identity.birthdate)) is not None:
        user.date_of_birth = born
        changed.append("date_of_birth")
    if changed:
        user.save(update_fields=changed)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def citizen_account_for_id_number(
    *, id_number: str, full_name: str, birth_date: dt.date | None = None, source: str
) -> tuple[User, bool]:
    """The account holding ``id_number`` (whoever it is: the person), or a new citizen account for it.

    For dossiers a citizen submitted elsewhere (the national portal: ``source``): they must find them under
    their account here. The new account has no usable password; logging in with VNeID links it by the same
    ID number. Runs inside the caller's transaction; two callers creating the same number at once make one
    of them fail on a unique field (the caller retries). Returns the user and whether it was created.
    """
    user = User.objects.filter(id_number=id_number).first()
    if user is not None:
        return user, False
    username = f"citizen.{id_number}"
    if User.objects.filter(username__iexact=username).exists():
        username = f"{username}.{clock.now():%y%m%d%H%M%S}"
    user = User(
        username=username,
        kind=User.Kind.CITIZEN,
        full_name=full_name[:150],
        id_number=id_number,
        date_of_birth=birth_date,
    )
    user.set_unusable_password()
    user.save()
    audit_record(actor=None, action="account.create_by_id_number", obj=user, source=source)
    return user, True
