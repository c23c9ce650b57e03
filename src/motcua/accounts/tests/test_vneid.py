"""Citizen login through VNeID over real HTTP: MotCua (Django test client) against the simulator (httpx)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
import socket
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client, RequestFactory
from tests.factories import make_agency, make_role, make_user

from motcua.accounts import oidc
from motcua.accounts.models import Role, User, VneidIdentity
from motcua.accounts.selectors import SESSION_LOGIN_METHOD, session_is_vneid_authenticated
from motcua.accounts.tests.conftest import CLIENT_ID, CLIENT_SECRET
from motcua.integrations.simulators.vneid import CITIZENS, VneidSimulator, make_server, pkce_challenge

pytestmark = pytest.mark.django_db

AN = CITIZENS[0]  # Nguyễn Văn An, 020090001234


class _Form(HTMLParser):
    """The hidden fields of the simulator's consent page (what a browser would post back)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "input" and named.get("type") == "hidden" and named.get("name"):
            self.fields[named["name"] or ""] = named.get("value") or ""


def _consent(authorize_url: str, **choice: str) -> httpx.Response:
    """Open the provider's page and answer it like the tester would; returns the provider's redirect."""
    page = httpx.get(authorize_url)
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    origin = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    data = {**form.fields, "citizen": AN.id_number, "decision": "approve", **choice}
    answer = httpx.post(f"{origin}/authorize", data=data)
    assert answer.status_code == 302
    return answer


def _callback_path(answer: httpx.Response) -> str:
    location = answer.headers["Location"]
    parts = urlsplit(location)
    assert parts.path == "/tai-khoan/vneid/callback/"
    return f"{parts.path}?{parts.query}"


def _start(client: Client, next_url: str = "") -> str:
    response = client.get("/tai-khoan/vneid/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def _login_through_vneid(client: Client, next_url: str = "", **choice: str) -> Any:
    callback = _callback_path(_consent(_start(client, next_url), **choice))
    return client.get(callback, follow=True)


def _page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the whole flow ---------------------------------------------------------------------------------


def test_the_authorization_request_uses_pkce_s256_state_and_nonce(
    client: Client, vneid: VneidSimulator
) -> None:
    url = _start(client)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{vneid.issuer}/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver/tai-khoan/vneid/callback/"
    assert "openid" in query["scope"].split()
    flow = client.session["motcua_vneid_flow"]
    assert query["state"] == flow["state"]
    assert query["nonce"] == flow["nonce"]
    assert query["code_challenge"] == pkce_challenge(flow["verifier"])
    assert CLIENT_SECRET not in url


def test_a_citizen_with_an_account_logs_in_and_the_account_is_linked(
    client: Client, vneid: VneidSimulator
) -> None:
    citizen = make_user(id_number=AN.id_number, full_name="", kind=User.Kind.CITIZEN)

    response = _login_through_vneid(client, next_url="/ho-so-cua-toi/")

    assert response.redirect_chain[-1][0] == "/ho-so-cua-toi/"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.session[SESSION_LOGIN_METHOD] == "vneid"
    link = VneidIdentity.objects.get(user=citizen)
    assert (link.issuer, link.subject) == (vneid.issuer, AN.subject)
    citizen.refresh_from_db()
    assert citizen.full_name == AN.name  # blanks are completed from VNeID
    assert citizen.date_of_birth == dt.date.fromisoformat(AN.birthdate)

    # the dossier side reads the flag from the request
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = citizen
    assert session_is_vneid_authenticated(request)


def test_the_second_login_uses_the_same_link(client: Client, vneid: VneidSimulator) -> None:
    citizen = make_user(id_number=AN.id_number, full_name="Tên tự khai")
    _login_through_vneid(client)
    client.logout()
    _login_through_vneid(client)
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert VneidIdentity.objects.filter(user=citizen).count() == 1
    citizen.refresh_from_db()
    assert citizen.full_name == "Tên tự khai"  # what the citizen entered is kept


def test_a_citizen_without_an_account_gets_one(client: Client, vneid: VneidSimulator) -> None:
    _login_through_vneid(
        client, citizen="other", id_number="037204001999", name="Đàm  Thị Duyên", birthdate="2004-02-29"
    )

    user = User.objects.get(id_number="037204001999")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.full_name, user.kind, user.date_of_birth) == (
        "Đàm Thị Duyên",
        "citizen",
        dt.date(2004, 2, 29),
    )
    assert not user.has_usable_password()
    assert VneidIdentity.objects.filter(user=user).exists()


def test_an_officials_id_number_is_refused(client: Client, vneid: VneidSimulator) -> None:
    official = make_user(id_number=AN.id_number, kind=User.Kind.OFFICIAL)
    make_role(user=official, agency=make_agency(), role=Role.RECEPTION_OFFICER)

    response = _login_through_vneid(client)

    assert response.redirect_chain[-1][0] == "/tai-khoan/dang-nhap/"
    assert "thuộc tài khoản cán bộ" in _page_text(response)
    assert "_auth_user_id" not in client.session
    assert not VneidIdentity.objects.exists()


def test_a_disabled_account_is_refused(client: Client, vneid: VneidSimulator) -> None:
    make_user(id_number=AN.id_number, is_active=False)
    response = _login_through_vneid(client)
    assert "đang bị khóa" in _page_text(response)
    assert "_auth_user_id" not in client.session


def test_a_denial_at_the_provider_is_explained(client: Client, vneid: VneidSimulator) -> None:
    answer = _consent(_start(client), decision="deny")
    assert "error=access_denied" in answer.headers["Location"]
    response = client.get(_callback_path(answer), follow=True)
    assert "từ chối chia sẻ thông tin" in _page_text(response)
    assert "_auth_user_id" not in client.session


def test_a_callback_with_another_state_is_refused(client: Client, vneid: VneidSimulator) -> None:
    callback = _callback_path(_consent(_start(client)))
    forged = re.sub(r"state=[^&]+", "state=forged", callback)
    response = client.get(forged, follow=True)
    assert "không khớp với trình duyệt này" in _page_text(response)
    assert "_auth_user_id" not in client.session


def test_a_callback_in_a_browser_that_did_not_start_is_refused(client: Client, vneid: VneidSimulator) -> None:
    callback = _callback_path(_consent(_start(client)))
    response = Client().get(callback, follow=True)  # login CSRF: someone else's code in my browser
    assert "không khớp với trình duyệt này" in _page_text(response)


def test_a_replayed_callback_is_refused_and_the_code_is_single_use(
    client: Client, vneid: VneidSimulator
) -> None:
    make_user(id_number=AN.id_number)
    answer = _consent(_start(client))
    callback = _callback_path(answer)
    assert client.get(callback).status_code == 302
    assert client.session[SESSION_LOGIN_METHOD] == "vneid"

    replay = client.get(callback, follow=True)  # the flow was used: the session no longer has it
    assert "hết hạn" in _page_text(replay)

    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    again = httpx.post(
        f"{vneid.issuer}/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://testserver/tai-khoan/vneid/callback/",
              "code_verifier": "x" * 43},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )  # fmt: skip
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_pkce_mismatch_is_refused(
    client: Client, vneid: VneidSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    make_user(id_number=AN.id_number)
    callback = _callback_path(_consent(_start(client)))
    session = client.session
    flow = session["motcua_vneid_flow"]
    session["motcua_vneid_flow"] = {**flow, "verifier": "A" * 64}  # not the verifier of the challenge sent
    session.save()

    with caplog.at_level(logging.WARNING):
        response = client.get(callback, follow=True)

    assert "VNeID không xác nhận phiên đăng nhập này" in _page_text(response)
    assert "_auth_user_id" not in client.session
    assert "PKCE" in caplog.text


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("wrong_nonce", "nonce"),
        ("wrong_issuer", "another issuer"),
        ("wrong_audience", "another audience"),
        ("expired", "expired"),
        ("bad_signature", "signature"),
    ],
)
def test_an_id_token_that_does_not_verify_is_refused(
    client: Client, vneid: VneidSimulator, caplog: pytest.LogCaptureFixture, fault: str, reason: str
) -> None:
    make_user(id_number=AN.id_number)
    callback = _callback_path(_consent(_start(client)))
    vneid.fault = fault

    with caplog.at_level(logging.WARNING):
        response = client.get(callback, follow=True)

    assert "Không xác minh được thông tin đăng nhập" in _page_text(response)
    assert "_auth_user_id" not in client.session
    assert not VneidIdentity.objects.exists()
    assert reason in caplog.text
    assert CLIENT_SECRET not in caplog.text


@pytest.mark.parametrize(
    ("fault", "message"),
    [("malformed", "không đúng quy định"), ("server_error", "Không kết nối được với VNeID")],
)
def test_a_broken_token_answer_is_refused(
    client: Client, vneid: VneidSimulator, fault: str, message: str
) -> None:
    callback = _callback_path(_consent(_start(client)))
    vneid.fault = fault
    response = client.get(callback, follow=True)
    assert message in _page_text(response)
    assert "_auth_user_id" not in client.session


def test_a_slow_provider_is_given_up_on(client: Client, vneid: VneidSimulator, settings: Any) -> None:
    callback = _callback_path(_consent(_start(client)))
    settings.MOTCUA_VNEID_TIMEOUT = 0.5
    vneid.fault, vneid.slow_seconds = "slow", 3.0
    response = client.get(callback, follow=True)
    assert "VNeID không trả lời kịp" in _page_text(response)


def test_a_provider_that_is_down_is_explained(
    client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MOTCUA_VNEID_ISSUER = f"http://127.0.0.1:{port}"
    settings.MOTCUA_VNEID_CLIENT_SECRET = CLIENT_SECRET
    with caplog.at_level(logging.WARNING):
        response = client.get("/tai-khoan/vneid/", follow=True)
    assert response.redirect_chain[-1][0] == "/tai-khoan/dang-nhap/"
    assert "Không kết nối được với VNeID" in _page_text(response)
    assert "ConnectError" in caplog.text


def test_vneid_is_hidden_when_no_client_secret_is_set(client: Client, settings: Any) -> None:
    settings.MOTCUA_VNEID_CLIENT_SECRET = ""
    assert "vneid-login" not in client.get("/tai-khoan/dang-nhap/").content.decode()
    response = client.get("/tai-khoan/vneid/")
    assert response["Location"] == "/tai-khoan/dang-nhap/"


def test_the_login_page_offers_vneid(client: Client, vneid: VneidSimulator) -> None:
    html = client.get("/tai-khoan/dang-nhap/?next=/ho-so-cua-toi/").content.decode()
    assert 'href="/tai-khoan/vneid/?next=/ho-so-cua-toi/"' in html


def test_an_outside_next_address_is_ignored(client: Client, vneid: VneidSimulator) -> None:
    make_user(id_number=AN.id_number)
    response = _login_through_vneid(client, next_url="https://evil.example/")
    assert response.redirect_chain[-1][0] == "/"


# --- the ID token checks on their own ----------------------------------------------------------------

NONCE = "n-0S6_WzA2Mj"


def _token(key: Any, *, alg: str = "RS256", kid: str | None, **claims: Any) -> str:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    body = {
        "iss": "https://vneid.test",
        "aud": CLIENT_ID,
        "sub": "abc",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
    }
    body.update(claims)
    headers = {"kid": kid} if kid else {}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm=alg, headers=headers)


@pytest.fixture(scope="module")
def signing(vneid_key_path: Path) -> tuple[Any, dict[str, Any], str]:
    server, simulator = make_server(
        "127.0.0.1", 0, key_path=vneid_key_path, client_id=CLIENT_ID, client_secret="x"
    )
    server.server_close()
    return simulator.private_key, simulator.jwks(), simulator.kid


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _verify(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    return oidc.verify_id_token(
        token, jwks=jwks, issuer="https://vneid.test", audience=CLIENT_ID, nonce=NONCE
    )


def test_a_good_id_token_verifies(signing: tuple[Any, dict[str, Any], str]) -> None:
    key, jwks, kid = signing
    assert _verify(_token(key, kid=kid), jwks)["sub"] == "abc"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"nonce": "other"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"iss": "https://other.test"}, "issuer"),
        ({"aud": "other-client"}, "audience"),
        ({"aud": [CLIENT_ID, "other-client"]}, "azp"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"sub": None}, "sub"),
    ],
)
def test_id_token_claims_are_checked(
    signing: tuple[Any, dict[str, Any], str], claims: dict[str, Any], reason: str
) -> None:
    key, jwks, kid = signing
    with pytest.raises(oidc.VneidError) as refused:
        _verify(_token(key, kid=kid, **claims), jwks)
    assert reason in refused.value.reason


def test_only_rs256_signed_by_a_published_key_is_accepted(signing: tuple[Any, dict[str, Any], str]) -> None:
    key, jwks, kid = signing
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(oidc.VneidError, match="Không xác minh"):
        _verify(_token(other, kid=kid), jwks)
    with pytest.raises(oidc.VneidError):
        _verify(_token(key, kid="unknown-kid"), jwks)
    with pytest.raises(oidc.VneidError):  # HS256 "signed" with the public modulus: the classic confusion
        _verify(_token(jwks["keys"][0]["n"].encode() * 2, alg="HS256", kid=kid), jwks)
    good = _token(key, kid=kid).split(".")
    unsigned = ".".join([_b64({"alg": "none", "typ": "JWT"}), good[1], ""])  # same claims, no signature
    with pytest.raises(oidc.VneidError, match="Không xác minh"):
        _verify(unsigned, jwks)


@pytest.mark.parametrize(
    "claims",
    [{"id_number": "12345"}, {"id_number": None}, {"name": "  "}, {"sub": ""}],
)
def test_an_identity_without_a_usable_id_number_name_or_subject_is_refused(claims: dict[str, Any]) -> None:
    good = {"sub": "abc", "id_number": "020090001234", "name": "Nguyễn Văn An", "birthdate": "1990-05-12"}
    with pytest.raises(oidc.VneidError):
        oidc.identity_from_claims({**good, **claims}, issuer="https://vneid.test")


# --- the simulator's own contract -------------------------------------------------------------------


def test_discovery_and_jwks_describe_the_provider(vneid: VneidSimulator) -> None:
    metadata = httpx.get(f"{vneid.issuer}/.well-known/openid-configuration").json()
    assert metadata["issuer"] == vneid.issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    keys = httpx.get(metadata["jwks_uri"]).json()["keys"]
    assert [(k["kty"], k["alg"], k["kid"]) for k in keys] == [("RSA", "RS256", vneid.kid)]
    assert "d" not in keys[0]  # the public half only


def test_the_key_survives_a_restart(vneid_key_path: Path) -> None:
    kids = []
    for _ in range(2):
        server, simulator = make_server(
            "127.0.0.1", 0, key_path=vneid_key_path, client_id="a", client_secret="b"
        )
        server.server_close()
        kids.append(simulator.kid)
    assert kids[0] == kids[1]
    assert vneid_key_path.stat().st_mode & 0o077 == 0


def _authorize_params(verifier: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": CLIENT_ID,
        "redirect_uri": "http://127.0.0.1:9/cb",
        "response_type": "code",
        "scope": "openid profile",
        "state": "st",
        "nonce": "nn",
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }


def _code(vneid: VneidSimulator, verifier: str) -> str:
    answer = httpx.post(
        f"{vneid.issuer}/authorize",
        data={**_authorize_params(verifier), "citizen": AN.id_number, "decision": "approve"},
    )
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def test_the_token_endpoint_checks_client_redirect_and_verifier(vneid: VneidSimulator) -> None:
    verifier = "v" * 50
    token_url = f"{vneid.issuer}/token"
    base = {
        "grant_type": "authorization_code",
        "redirect_uri": "http://127.0.0.1:9/cb",
        "code_verifier": verifier,
    }

    wrong_secret = httpx.post(
        token_url, data={**base, "code": _code(vneid, verifier)}, auth=(CLIENT_ID, "nope")
    )
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")

    other_redirect = httpx.post(
        token_url,
        data={**base, "code": _code(vneid, verifier), "redirect_uri": "http://127.0.0.1:9/x"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert other_redirect.json()["error"] == "invalid_grant"

    other_verifier = httpx.post(
        token_url,
        data={**base, "code": _code(vneid, verifier), "code_verifier": "w" * 50},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert "PKCE" in other_verifier.json()["error_description"]

    good = httpx.post(
        token_url, data={**base, "code": _code(vneid, verifier)}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert good.status_code == 200
    tokens = good.json()
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert {k: claims[k] for k in ("iss", "aud", "sub", "nonce", "name", "id_number", "birthdate")} == {
        "iss": vneid.issuer, "aud": CLIENT_ID, "sub": AN.subject, "nonce": "nn", "name": AN.name,
        "id_number": AN.id_number, "birthdate": AN.birthdate,
    }  # fmt: skip
    assert claims["exp"] > claims["iat"]
    userinfo = httpx.get(
        f"{vneid.issuer}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert userinfo.json()["id_number"] == AN.id_number
    assert httpx.get(f"{vneid.issuer}/userinfo", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_authorize_endpoint_never_redirects_to_an_unknown_address(vneid: VneidSimulator) -> None:
    verifier = "v" * 50
    unknown = httpx.get(
        f"{vneid.issuer}/authorize",
        params=_authorize_params(verifier, redirect_uri="https://evil.example/cb"),
    )
    assert unknown.status_code == 400
    no_pkce = httpx.get(
        f"{vneid.issuer}/authorize", params=_authorize_params(verifier, code_challenge_method="plain")
    )
    assert no_pkce.status_code == 302
    assert "error=invalid_request" in no_pkce.headers["Location"]


def test_a_typed_id_number_must_have_twelve_digits(vneid: VneidSimulator) -> None:
    answer = httpx.post(
        f"{vneid.issuer}/authorize",
        data={
            **_authorize_params("v" * 50),
            "citizen": "other",
            "id_number": "12345",
            "name": "A",
            "decision": "approve",
        },
    )
    assert answer.status_code == 400


def test_the_simulator_serves_concurrent_requests(vneid: VneidSimulator) -> None:
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(httpx.get(f"{vneid.issuer}/jwks").status_code))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 8
