"""Logging in with any of a citizen's identifiers, and API tokens."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.accounts.models import ApiToken
from motcua.accounts.tokens import api_token_create, api_token_revoke, user_for_token
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", ["citizen1", "001099012345", "0912345678", "Lan@Example.vn"])
def test_a_citizen_logs_in_with_user_name_id_number_phone_or_email(client: Client, login: str) -> None:
    make_user(
        username="citizen1",
        id_number="001099012345",
        phone="0912345678",
        email="lan@example.vn",
        password="Dung-Mat-Khau-1",
    )

    response = client.post("/tai-khoan/dang-nhap/", {"username": login, "password": "Dung-Mat-Khau-1"})

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_a_wrong_password_is_refused_in_vietnamese(client: Client) -> None:
    make_user(username="citizen2", password="Dung-Mat-Khau-1")

    response = client.post("/tai-khoan/dang-nhap/", {"username": "citizen2", "password": "sai"})

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_an_api_token_is_stored_as_a_digest_and_stops_working_when_revoked() -> None:
    user = make_user()
    token, secret = api_token_create(user=user, name="LGSP", actor=user)

    assert secret not in {token.digest, token.prefix}
    assert not ApiToken.objects.filter(digest=secret).exists()
    assert user_for_token(secret) == user

    api_token_revoke(token=token, actor=user)

    assert user_for_token(secret) is None
    assert user_for_token("mc_not-a-real-token") is None


def test_create_api_token_command_prints_a_working_secret_once() -> None:
    user = make_user(username="lgsp")
    out = StringIO()
    call_command("create_api_token", "lgsp", "LGSP", stdout=out)

    secret = out.getvalue().strip().splitlines()[-1]
    assert user_for_token(secret) == user
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("create_api_token", "nobody", "x")
