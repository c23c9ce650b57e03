"""Officials log in with their password and then a TOTP code; citizens are not asked for one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from tests.factories import make_agency, make_role, make_user

from motcua.accounts import totp
from motcua.accounts.models import Role, TotpDevice, User
from motcua.accounts.second_factor import LOCK_DURATION, MAX_FAILURES, totp_reset
from motcua.accounts.selectors import SESSION_LOGIN_METHOD
from motcua.accounts.tokens import api_token_create
from motcua.core import clock
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-Khau-Can-Bo-1"
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
NOON = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.UTC)


def _official(**kw: Any) -> User:
    user = make_user(password=PASSWORD, **kw)
    make_role(user=user, agency=make_agency(), role=Role.SPECIALIST)
    return user


def _enrolled(user: User, *, last_used_step: int = 0) -> TotpDevice:
    return TotpDevice.objects.create(
        user=user, secret=SECRET, confirmed_at=NOON, last_used_step=last_used_step
    )


def _code(moment: dt.datetime, offset: int = 0, secret: str = SECRET) -> str:
    return totp.code_for_step(secret, totp.time_step(moment) + offset)


def _password(client: Client, user: User, next_url: str = "") -> Any:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/tai-khoan/dang-nhap/", data)


def test_an_enrolled_official_is_not_logged_in_until_the_code_is_right(client: Client) -> None:
    official = _official()
    _enrolled(official)
    with clock.frozen(NOON):
        response = _password(client, official, next_url="/mot-cua/")
        assert response.status_code == 302
        assert response["Location"] == "/tai-khoan/xac-thuc/"
        assert "_auth_user_id" not in client.session
        assert client.get("/api/v1/dossiers").status_code == 401  # no half-authenticated session

        page = client.get("/tai-khoan/xac-thuc/")
        assert page.status_code == 200
        assert 'name="code"' in page.content.decode()

        wrong = client.post(
            "/tai-khoan/xac-thuc/", {"code": "000000" if _code(NOON) != "000000" else "111111"}
        )
        assert wrong.status_code == 400
        assert "Mã xác thực không đúng" in wrong.content.decode()
        assert "_auth_user_id" not in client.session

        right = client.post("/tai-khoan/xac-thuc/", {"code": _code(NOON)})

    assert right.status_code == 302
    assert right["Location"] == "/mot-cua/"
    assert client.session["_auth_user_id"] == str(official.pk)
    assert client.session[SESSION_LOGIN_METHOD] == "password+totp"
    assert TotpDevice.objects.get(user=official).failed_attempts == 0


def test_first_login_enrols_an_authenticator_app_with_a_qr_code(client: Client) -> None:
    official = _official(username="chuyenvien.moi")
    with clock.frozen(NOON):
        _password(client, official)
        page = client.get("/tai-khoan/xac-thuc/")
        html = page.content.decode()
        device = TotpDevice.objects.get(user=official)
        assert device.confirmed_at is None
        assert "<svg" in html
        assert device.secret[:4] in html
        assert client.get("/tai-khoan/xac-thuc/").content.decode().count(device.secret[:4]) >= 1
        assert TotpDevice.objects.get(user=official).secret == device.secret  # a reload keeps the QR

        done = client.post("/tai-khoan/xac-thuc/", {"code": _code(NOON, secret=device.secret)})

    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)
    device.refresh_from_db()
    assert device.confirmed_at == NOON
    assert AuditEvent.objects.filter(action="totp.enrolment_confirm", object_id=str(device.pk)).exists()


def test_enrolment_needs_a_correct_code(client: Client) -> None:
    official = _official()
    with clock.frozen(NOON):
        _password(client, official)
        client.get("/tai-khoan/xac-thuc/")
        refused = client.post("/tai-khoan/xac-thuc/", {"code": "12345"})
    assert refused.status_code == 400
    assert TotpDevice.objects.get(user=official).confirmed_at is None
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_codes_one_step_either_side_are_accepted(client: Client, offset: int) -> None:
    official = _official()
    _enrolled(official)
    with clock.frozen(NOON):
        _password(client, official)
        response = client.post("/tai-khoan/xac-thuc/", {"code": _code(NOON, offset)})
    assert response.status_code == 302


@pytest.mark.parametrize("offset", [-2, 2])
def test_codes_two_steps_away_are_refused(client: Client, offset: int) -> None:
    official = _official()
    _enrolled(official)
    with clock.frozen(NOON):
        _password(client, official)
        response = client.post("/tai-khoan/xac-thuc/", {"code": _code(NOON, offset)})
    assert response.status_code == 400


def test_a_used_code_cannot_be_replayed_within_its_window() -> None:
    official = _official()
    _enrolled(official)
    first, second = Client(), Client()
    with clock.frozen(NOON):
        _password(first, official)
        assert first.post("/tai-khoan/xac-thuc/", {"code": _code(NOON)}).status_code == 302
        _password(second, official)
        replay = second.post("/tai-khoan/xac-thuc/", {"code": _code(NOON)})
        assert replay.status_code == 400
        assert "đã được dùng" in replay.content.decode()
        # an older code of the window is refused too: only later steps count
        assert second.post("/tai-khoan/xac-thuc/", {"code": _code(NOON, -1)}).status_code == 400
        assert second.post("/tai-khoan/xac-thuc/", {"code": _code(NOON, 1)}).status_code == 302
    with clock.frozen(NOON + dt.timedelta(seconds=90)):
        third = Client()
        _password(third, official)
        assert (
            third.post("/tai-khoan/xac-thuc/", {"code": _code(NOON + dt.timedelta(seconds=90))}).status_code
            == 302
        )


def test_wrong_codes_lock_the_device_for_a_while(client: Client) -> None:
    official = _official()
    _enrolled(official)
    right = _code(NOON)
    wrong = "000000" if right != "000000" else "111111"
    with clock.frozen(NOON):
        _password(client, official)
        for _ in range(MAX_FAILURES):
            assert client.post("/tai-khoan/xac-thuc/", {"code": wrong}).status_code == 400
        locked = client.post("/tai-khoan/xac-thuc/", {"code": right})
    assert locked.status_code == 400
    assert "quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    later = NOON + LOCK_DURATION + dt.timedelta(seconds=1)
    with clock.frozen(later):
        _password(client, official)
        assert client.post("/tai-khoan/xac-thuc/", {"code": _code(later)}).status_code == 302


def test_the_password_step_expires(client: Client) -> None:
    official = _official()
    _enrolled(official)
    with clock.frozen(NOON):
        _password(client, official)
    later = NOON + dt.timedelta(minutes=11)
    with clock.frozen(later):
        response = client.post("/tai-khoan/xac-thuc/", {"code": _code(later)}, follow=True)
    assert response.redirect_chain[-1][0] == "/tai-khoan/dang-nhap/"
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_step_sends_back_to_login(client: Client) -> None:
    response = client.get("/tai-khoan/xac-thuc/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"


def test_staff_without_a_role_are_asked_too(client: Client) -> None:
    staff = make_user(password=PASSWORD, is_staff=True)
    _password(client, staff)
    assert "_auth_user_id" not in client.session


def test_citizens_are_not_asked_for_a_code(client: Client) -> None:
    citizen = make_user(password=PASSWORD, id_number="001099000111")
    response = _password(client, citizen)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.session[SESSION_LOGIN_METHOD] == "password"
    assert not TotpDevice.objects.filter(user=citizen).exists()


def test_official_totp_off_lets_officials_in_with_the_password(client: Client, settings: Any) -> None:
    settings.MOTCUA_OFFICIAL_TOTP = "off"
    official = _official()
    _password(client, official)
    assert client.session["_auth_user_id"] == str(official.pk)


def test_the_admin_login_form_does_not_bypass_the_second_factor(client: Client) -> None:
    admin = make_user(password=PASSWORD, is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "/tai-khoan/dang-nhap/?next=/admin/" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_api_tokens_still_work_for_officials(client: Client) -> None:
    official = _official()
    _token, secret = api_token_create(user=official, name="LGSP", actor=official)
    response = client.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_an_administrator_reset_lets_the_official_enrol_again(client: Client) -> None:
    official = _official()
    device = _enrolled(official)
    admin = make_user(is_superuser=True, is_staff=True)
    totp_reset(device=device, actor=admin)
    assert not TotpDevice.objects.filter(user=official).exists()
    with clock.frozen(NOON):
        _password(client, official)
        assert "<svg" in client.get("/tai-khoan/xac-thuc/").content.decode()


def test_production_refuses_to_start_without_the_second_factor() -> None:
    from tests.test_settings import _check_settings

    production = {
        "MOTCUA_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
    }
    refused = _check_settings(**production, OFFICIAL_TOTP="off")
    assert refused.returncode != 0
    assert "OFFICIAL_TOTP" in refused.stderr
    assert _check_settings(OFFICIAL_TOTP="off").returncode == 0  # development may switch it off
    assert _check_settings(OFFICIAL_TOTP="sometimes").returncode != 0
