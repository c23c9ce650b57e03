"""A VNeID-style OpenID Connect provider for tests, demos and development (``motcua simulate vneid``).

Authorization code flow with PKCE (S256 only), RS256-signed ID tokens, one registered client. The tester
picks a fake citizen (or types an ID number and name) on ``/authorize`` and approves or denies. The RSA key
is generated once and kept in a PEM file (``var/vneid-simulator-key.pem``) so restarts keep the same
``kid`` and tokens. Endpoints and claims: docs/integrations/vneid.md.

``VneidSimulator.fault`` makes the provider misbehave on purpose (tests and demos of the error pages):
``bad_signature``, ``wrong_nonce``, ``wrong_issuer``, ``wrong_audience``, ``expired``, ``slow``,
``malformed``, ``server_error``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8702
CODE_LIFETIME = dt.timedelta(seconds=60)
TOKEN_LIFETIME = dt.timedelta(minutes=10)
ID_NUMBER_CLAIM = "id_number"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
FAULTS = (
    "bad_signature",
    "wrong_nonce",
    "wrong_issuer",
    "wrong_audience",
    "expired",
    "slow",
    "malformed",
    "server_error",
)


@dataclass(frozen=True)
class Citizen:
    id_number: str
    name: str
    birthdate: str  # YYYY-MM-DD, as the OIDC "birthdate" claim

    @property
    def subject(self) -> str:
        # Stable across restarts and opaque: the provider's own identifier, not the ID number itself.
        return hashlib.sha256(f"vneid-sim:{self.id_number}".encode()).hexdigest()[:32]

    def claims(self) -> dict[str, str]:
        claims = {"sub": self.subject, "name": self.name, ID_NUMBER_CLAIM: self.id_number}
        if self.birthdate:
            claims["birthdate"] = self.birthdate
        return claims


# The demo's two citizens (so their accounts are linked) and one with no account yet (created on login).
CITIZENS = (
    Citizen("020090001234", "Nguyễn Văn An", "1990-05-12"),
    Citizen("020195004321", "Hoàng Thị Bình", "1995-09-02"),
    Citizen("020300007777", "Lý Thị Cúc", "2000-03-08"),
)


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scope: str
    citizen: Citizen
    expires_at: dt.datetime
    used: bool = False


@dataclass
class VneidSimulator:
    """The provider's state: signing key, the one client, codes and access tokens (in memory)."""

    issuer: str
    client_id: str
    client_secret: str
    key_path: Path
    redirect_uris: tuple[str, ...] = ()
    fault: str | None = None
    slow_seconds: float = 30.0  # how long the "slow" fault keeps the token endpoint silent
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _tokens: dict[str, tuple[Citizen, dt.datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.issuer = self.issuer.rstrip("/")
        self.private_key = load_or_create_key(self.key_path)
        self.public_jwk = _public_jwk(self.private_key)
        self.kid = self.public_jwk["kid"]

    # --- the documents ---------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "name",
                "birthdate",
                ID_NUMBER_CLAIM,
            ],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}

    # --- authorization ---------------------------------------------------------------------------
    def redirect_uri_allowed(self, uri: str) -> bool:
        """Registered URIs, or any http URL on loopback (RFC 8252 §7.3: the port may vary in development)."""
        if uri in self.redirect_uris:
            return True
        parts = urlsplit(uri)
        return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS and not parts.fragment

    def grant(self, params: dict[str, str], citizen: Citizen) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._grants[code] = _Grant(
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                code_challenge=params["code_challenge"],
                nonce=params.get("nonce") or None,
                scope=params.get("scope", "openid"),
                citizen=citizen,
                expires_at=_now() + CODE_LIFETIME,
            )
        return code

    # --- token -----------------------------------------------------------------------------------
    def exchange(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        client_id, client_secret = _client_credentials(form, authorization)
        if client_id != self.client_id or not hmac.compare_digest(
            (client_secret or "").encode(), self.client_secret.encode()
        ):
            return 401, _oauth_error("invalid_client", "unknown client or wrong secret")
        if form.get("grant_type") != "authorization_code":
            return 400, _oauth_error("unsupported_grant_type", "only authorization_code")
        with self._lock:  # single use: the first exchange marks the code, a second one is refused
            grant = self._grants.get(form.get("code", ""))
            if grant is None or grant.used:
                if grant is not None:
                    self._revoke_tokens_of(grant)
                return 400, _oauth_error("invalid_grant", "unknown or already used code")
            grant.used = True
        if grant.expires_at < _now():
            return 400, _oauth_error("invalid_grant", "code expired")
        if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return 400, _oauth_error("invalid_grant", "redirect_uri or client does not match the code")
        verifier = form.get("code_verifier", "")
        if not re.fullmatch(r"[A-Za-z0-9\-._~]{43,128}", verifier) or not hmac.compare_digest(
            pkce_challenge(verifier), grant.code_challenge
        ):
            return 400, _oauth_error("invalid_grant", "PKCE code_verifier does not match the challenge")
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[access_token] = (grant.citizen, _now() + TOKEN_LIFETIME)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": grant.scope,
            "id_token": self.id_token(grant),
        }

    def _revoke_tokens_of(self, grant: _Grant) -> None:
        # RFC 6749 §4.1.2: a replayed code SHOULD revoke the tokens issued for it.
        for token, (citizen, _expires) in list(self._tokens.items()):
            if citizen == grant.citizen:
                del self._tokens[token]

    def id_token(self, grant: _Grant) -> str:
        now = _now()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": grant.client_id,
            "iat": int(now.timestamp()),
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
            "auth_time": int(now.timestamp()),
            **grant.citizen.claims(),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        key: Any = self.private_key
        if self.fault == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-you-sent"
        elif self.fault == "wrong_issuer":
            claims["iss"] = "https://attacker.example"
        elif self.fault == "wrong_audience":
            claims["aud"] = "another-client"
        elif self.fault == "expired":
            claims["iat"] = int((now - dt.timedelta(hours=2)).timestamp())
            claims["exp"] = int((now - dt.timedelta(hours=1)).timestamp())
        elif self.fault == "bad_signature":
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # same kid, other key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, Any]]:
        token = (authorization or "").removeprefix("Bearer ").strip()
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None or entry[1] < _now():
            return 401, _oauth_error("invalid_token", "unknown or expired access token")
        return 200, entry[0].claims()


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(code_verifier))) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    """The simulator's signing key, made once (RSA 2048) and kept in a PEM file readable only by its owner."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} is not an RSA private key")
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return key


def _public_jwk(key: rsa.RSAPrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    jwk = {"e": b64(numbers.e), "kty": "RSA", "n": b64(numbers.n)}
    # RFC 7638 thumbprint as the key id: the same key always gets the same kid.
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    kid = base64.urlsafe_b64encode(thumbprint).decode("ascii").rstrip("=")
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


def _client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str | None, str | None]:
    if authorization and authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization[6:]).decode()
        except ValueError:
            return None, None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def _oauth_error(code: str, description: str) -> dict[str, str]:
    return {"error": code, "error_description": description}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- HTTP --------------------------------------------------------------------------------------------
_REQUIRED = ("client_id", "redirect_uri", "response_type", "code_challenge", "code_challenge_method", "state")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("vneid simulator: %s", format % args)

    @property
    def sim(self) -> VneidSimulator:
        return self.server.simulator

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/openid-configuration":
            self._json(200, self.sim.discovery())
        elif parts.path == "/jwks":
            self._json(200, self.sim.jwks())
        elif parts.path == "/authorize":
            self._authorize_page(query)
        elif parts.path == "/userinfo":
            self._json(*self.sim.userinfo(self.headers.get("Authorization")))
        elif parts.path == "/":
            self._html(200, "<h1>VNeID (mô phỏng)</h1><p>/.well-known/openid-configuration</p>")
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        path = urlsplit(self.path).path
        if path == "/authorize":
            self._authorize_answer(form)
        elif path == "/token":
            self._token(form)
        else:
            self._json(404, {"error": "not_found"})

    # --- /authorize ---
    def _check_request(self, params: dict[str, str]) -> str | None:
        """None if the request may be shown; else the reason, sent back to the client if it is trusted."""
        if params.get("client_id") != self.sim.client_id or not self.sim.redirect_uri_allowed(
            params.get("redirect_uri", "")
        ):
            return "untrusted"
        missing = [name for name in _REQUIRED if not params.get(name)]
        if missing:
            return "invalid_request"
        if params["response_type"] != "code":
            return "unsupported_response_type"
        if params["code_challenge_method"] != "S256" or not re.fullmatch(
            r"[A-Za-z0-9_-]{43}", params["code_challenge"]
        ):
            return "invalid_request"
        if "openid" not in params.get("scope", "").split():
            return "invalid_scope"
        return None

    def _authorize_page(self, params: dict[str, str]) -> None:
        problem = self._check_request(params)
        if problem == "untrusted":  # never redirect to an unregistered address (RFC 6749 §4.1.2.1)
            self._html(400, "<h1>Yêu cầu không hợp lệ</h1><p>client_id hoặc redirect_uri không đúng.</p>")
            return
        if problem:
            self._redirect_back(params, {"error": problem})
            return
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k in {*_REQUIRED, "nonce", "scope"}
        )
        choices = "".join(
            f'<label><input type="radio" name="citizen" value="{c.id_number}"{" checked" if i == 0 else ""}> '
            f"{html.escape(c.name)} — CCCD {c.id_number} — {c.birthdate}</label><br>"
            for i, c in enumerate(CITIZENS)
        )
        self._html(
            200,
            f"""<h1>Đăng nhập bằng tài khoản định danh điện tử VNeID (mô phỏng)</h1>
<p>Ứng dụng <strong>{html.escape(params["client_id"])}</strong> đề nghị được biết họ tên, số định danh
cá nhân và ngày sinh của bạn.</p>
<form method="post" action="/authorize">{hidden}
<fieldset><legend>Chọn công dân</legend>{choices}
<label><input type="radio" name="citizen" value="other"> Công dân khác:</label><br>
<label>Số định danh cá nhân (12 chữ số)
<input name="id_number" inputmode="numeric" maxlength="12"></label><br>
<label>Họ và tên <input name="name" maxlength="100"></label><br>
<label>Ngày sinh <input name="birthdate" type="date"></label>
</fieldset>
<button type="submit" name="decision" value="approve">Đồng ý</button>
<button type="submit" name="decision" value="deny">Từ chối</button>
</form>""",
        )

    def _authorize_answer(self, form: dict[str, str]) -> None:
        problem = self._check_request(form)
        if problem == "untrusted":
            self._html(400, "<h1>Yêu cầu không hợp lệ</h1>")
            return
        if problem:
            self._redirect_back(form, {"error": problem})
            return
        if form.get("decision") != "approve":
            self._redirect_back(form, {"error": "access_denied", "error_description": "user denied"})
            return
        citizen = _chosen_citizen(form)
        if citizen is None:
            self._html(400, "<h1>Số định danh phải có 12 chữ số và họ tên không được để trống.</h1>")
            return
        self._redirect_back(form, {"code": self.sim.grant(form, citizen)})

    def _redirect_back(self, params: dict[str, str], answer: dict[str, str]) -> None:
        if params.get("state"):
            answer = {**answer, "state": params["state"]}
        uri = params["redirect_uri"]
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", f"{uri}{'&' if '?' in uri else '?'}{urlencode(answer)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # --- /token ---
    def _token(self, form: dict[str, str]) -> None:
        fault = self.sim.fault
        if fault == "slow":
            time.sleep(self.sim.slow_seconds)
        if fault == "server_error":
            self._html(500, "<h1>Internal Server Error</h1>")
            return
        if fault == "malformed":
            self._send(200, "application/json", b'{"access_token": "x", "id_token": ')
            return
        self._json(*self.sim.exchange(form, self.headers.get("Authorization")))

    # --- plumbing ---
    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(payload, ensure_ascii=False).encode())

    def _html(self, status: int, body: str) -> None:
        page = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNeID (mô phỏng)</title>'
            f"</head><body>{body}</body></html>"
        )
        self._send(status, "text/html; charset=utf-8", page.encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _chosen_citizen(form: dict[str, str]) -> Citizen | None:
    choice = form.get("citizen", "")
    for citizen in CITIZENS:
        if citizen.id_number == choice:
            return citizen
    id_number, name = form.get("id_number", "").strip(), " ".join(form.get("name", "").split())
    if not re.fullmatch(r"\d{12}", id_number) or not name:
        return None
    birthdate = form.get("birthdate", "")
    return Citizen(id_number, name, birthdate if re.fullmatch(r"\d{4}-\d{2}-\d{2}", birthdate) else "")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    simulator: VneidSimulator  # set by make_server() once the port is known

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    key_path: Path,
    client_id: str,
    client_secret: str,
    redirect_uris: tuple[str, ...] = (),
    issuer: str | None = None,
) -> tuple[_Server, VneidSimulator]:
    """Bind the server (port 0: a free one) and build the provider whose issuer is its address."""
    server = _Server((host, port))
    bound_port = server.server_address[1]
    simulator = VneidSimulator(
        issuer=issuer or f"http://{host}:{bound_port}",
        client_id=client_id,
        client_secret=client_secret,
        key_path=key_path,
        redirect_uris=redirect_uris,
    )
    server.simulator = simulator
    return server, simulator


def serve(host: str, port: int) -> None:
    """``motcua simulate vneid``: the client registered is MotCua's, from its own settings."""
    from django.conf import settings

    server, simulator = make_server(
        host,
        port,
        key_path=Path(settings.BASE_DIR) / "var" / "vneid-simulator-key.pem",
        client_id=settings.MOTCUA_VNEID_CLIENT_ID,
        client_secret=settings.MOTCUA_VNEID_CLIENT_SECRET,
        redirect_uris=(f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/tai-khoan/vneid/callback/",),
    )
    logger.info("VNeID simulator: issuer %s, key id %s", simulator.issuer, simulator.kid)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
