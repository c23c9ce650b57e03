"""OpenID Connect client for VNeID: authorization code flow with PKCE (S256), ID token checked with PyJWT.

``begin()`` builds the authorization request (state, nonce and code verifier to keep in the session);
``complete()`` exchanges the code at the token endpoint (client_secret_basic), fetches the provider's JWKS
and verifies the ID token: RS256 signature, issuer, audience, expiry, issued-at and nonce. Every failure is
a ``VneidError`` carrying a reason for the log (never a secret, code or token) and a Vietnamese message
for the login page. Wire details: docs/integrations/vneid.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from django.conf import settings

from motcua.core.errors import DomainError

ID_NUMBER_CLAIM = "id_number"
SCOPE = "openid profile"
CLOCK_SKEW_SECONDS = 60

MSG_UNAVAILABLE = (
    "Không kết nối được với VNeID. Vui lòng thử lại sau ít phút hoặc đăng nhập bằng tài khoản MotCua."
)
MSG_SLOW = "VNeID không trả lời kịp. Vui lòng thử lại sau ít phút hoặc đăng nhập bằng tài khoản MotCua."
MSG_MALFORMED = "VNeID trả lời không đúng quy định nên chưa đăng nhập được. Vui lòng thử lại sau."
MSG_REFUSED = "VNeID không xác nhận phiên đăng nhập này. Vui lòng bấm “Đăng nhập bằng VNeID” để thử lại."
MSG_UNVERIFIED = (
    "Không xác minh được thông tin đăng nhập do VNeID gửi về, nên chưa đăng nhập. Vui lòng thử lại."
)


class VneidError(DomainError):
    code = "vneid"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # for the log: what went wrong, without secrets


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    timeout: float

    @classmethod
    def from_settings(cls) -> Provider:
        return cls(
            issuer=settings.MOTCUA_VNEID_ISSUER,
            client_id=settings.MOTCUA_VNEID_CLIENT_ID,
            client_secret=settings.MOTCUA_VNEID_CLIENT_SECRET,
            timeout=settings.MOTCUA_VNEID_TIMEOUT,
        )

    def __repr__(self) -> str:  # the secret must not reach a log or an error page through repr()
        return f"Provider(issuer={self.issuer!r}, client_id={self.client_id!r})"


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VneidIdentityClaims:
    issuer: str
    subject: str
    id_number: str
    name: str
    birthdate: str  # YYYY-MM-DD or empty


def pkce_pair() -> tuple[str, str]:
    """A code verifier (RFC 7636 §4.1: 43-128 unreserved characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
    return verifier, challenge.decode("ascii").rstrip("=")


def begin(provider: Provider, *, redirect_uri: str) -> AuthorizationRequest:
    metadata = _discover(provider)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    endpoint = metadata["authorization_endpoint"]
    return AuthorizationRequest(
        url=f"{endpoint}{'&' if '?' in endpoint else '?'}{query}",
        state=state,
        nonce=nonce,
        code_verifier=verifier,
    )


def state_matches(expected: str, received: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), received.encode())


def complete(
    provider: Provider, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
) -> VneidIdentityClaims:
    """Exchange the code and return the verified identity, or raise VneidError."""
    metadata = _discover(provider)
    answer = _call(
        provider,
        "POST",
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
        auth=(provider.client_id, provider.client_secret),
    )
    id_token = answer.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise VneidError("token answer without an id_token", MSG_MALFORMED)
    jwks = _call(provider, "GET", metadata["jwks_uri"])
    claims = verify_id_token(
        id_token, jwks=jwks, issuer=provider.issuer, audience=provider.client_id, nonce=nonce
    )
    return identity_from_claims(claims, issuer=provider.issuer)


def verify_id_token(
    token: str, *, jwks: dict[str, Any], issuer: str, audience: str, nonce: str
) -> dict[str, Any]:
    """The claims of an ID token whose RS256 signature matches a key of ``jwks`` and whose iss, aud, exp,
    iat and nonce are right (OpenID Connect Core §3.1.3.7)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise VneidError(f"id_token is not a JWT: {error}", MSG_MALFORMED) from error
    if header.get("alg") != "RS256":  # never "none", never HS256 keyed with a public key
        raise VneidError(f"id_token signed with {header.get('alg')!r}, expected RS256", MSG_UNVERIFIED)
    key = _signing_key(jwks, header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "sub", "exp", "iat"]},
        )
    except jwt.InvalidSignatureError as error:
        raise VneidError("id_token signature does not verify", MSG_UNVERIFIED) from error
    except jwt.ExpiredSignatureError as error:
        raise VneidError("id_token expired", MSG_UNVERIFIED) from error
    except jwt.InvalidIssuerError as error:
        raise VneidError("id_token issued by another issuer", MSG_UNVERIFIED) from error
    except jwt.InvalidAudienceError as error:
        raise VneidError("id_token for another audience", MSG_UNVERIFIED) from error
    except jwt.PyJWTError as error:
        raise VneidError(f"id_token refused: {error}", MSG_UNVERIFIED) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != audience:
        raise VneidError("id_token has several audiences and another azp", MSG_UNVERIFIED)
    received_nonce = claims.get("nonce")
    if not isinstance(received_nonce, str) or not hmac.compare_digest(
        received_nonce.encode(), nonce.encode()
    ):
        raise VneidError("id_token nonce does not match the session's", MSG_UNVERIFIED)
    return claims


def identity_from_claims(claims: dict[str, Any], *, issuer: str) -> VneidIdentityClaims:
    id_number = str(claims.get(ID_NUMBER_CLAIM) or "")
    name = " ".join(str(claims.get("name") or "").split())
    birthdate = str(claims.get("birthdate") or "")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise VneidError("id_token without a usable sub", MSG_MALFORMED)
    if not re.fullmatch(r"\d{12}", id_number):
        raise VneidError("id_token without a 12-digit ID number claim", MSG_MALFORMED)
    if not name:
        raise VneidError("id_token without a name", MSG_MALFORMED)
    if birthdate and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", birthdate):
        birthdate = ""
    return VneidIdentityClaims(
        issuer=issuer, subject=subject, id_number=id_number, name=name[:150], birthdate=birthdate
    )


def _signing_key(jwks: dict[str, Any], kid: Any) -> Any:
    try:
        keys = jwt.PyJWKSet.from_dict(jwks).keys
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
        raise VneidError(f"JWKS unreadable: {error}", MSG_MALFORMED) from error
    candidates = [k for k in keys if k.key_type == "RSA" and (kid is None or k.key_id == kid)]
    if not candidates:
        raise VneidError(f"no RSA key with kid {kid!r} in the JWKS", MSG_UNVERIFIED)
    return candidates[0].key


def _discover(provider: Provider) -> dict[str, Any]:
    metadata = _call(provider, "GET", f"{provider.issuer}/.well-known/openid-configuration")
    if metadata.get("issuer") != provider.issuer:
        raise VneidError(f"discovery names issuer {metadata.get('issuer')!r}", MSG_MALFORMED)
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(name), str) or not metadata[name].startswith(("https://", "http://")):
            raise VneidError(f"discovery without a usable {name}", MSG_MALFORMED)
    return metadata


def _call(provider: Provider, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """One request to the provider; a JSON object back, or VneidError (the URL never carries a secret)."""
    try:
        response = httpx.request(method, url, timeout=provider.timeout, follow_redirects=False, **kwargs)
    except httpx.TimeoutException as error:
        raise VneidError(f"{method} {url}: no answer within {provider.timeout}s", MSG_SLOW) from error
    except httpx.HTTPError as error:
        raise VneidError(f"{method} {url}: {type(error).__name__}", MSG_UNAVAILABLE) from error
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        payload = None
    if response.status_code >= 500:
        raise VneidError(f"{method} {url}: HTTP {response.status_code}", MSG_UNAVAILABLE)
    if response.status_code >= 400:
        detail = payload if isinstance(payload, dict) else {}
        error_code = str(detail.get("error", ""))[:50]
        description = str(detail.get("error_description", ""))[:200]
        raise VneidError(
            f"{method} {url}: HTTP {response.status_code} {error_code} {description}", MSG_REFUSED
        )
    if not isinstance(payload, dict):
        raise VneidError(f"{method} {url}: answer is not a JSON object", MSG_MALFORMED)
    return payload
