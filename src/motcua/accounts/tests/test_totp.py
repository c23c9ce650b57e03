"""TOTP as RFC 6238 defines it: the Appendix B test vectors, RFC 4226's HOTP values, the window."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.accounts import totp

SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = b"12345678901234567890123456789012"
SEED_SHA512 = b"1234567890123456789012345678901234567890123456789012345678901234"

# RFC 6238 Appendix B: unix time, then the 8-digit codes for SHA-1, SHA-256 and SHA-512.
RFC6238_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
# RFC 4226 Appendix D: HOTP of the same SHA-1 secret for counters 0..9.
RFC4226_VALUES = [
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
]  # fmt: skip


def _at(unix: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, dt.UTC)


@pytest.mark.parametrize(("unix", "sha1", "sha256", "sha512"), RFC6238_VECTORS)
def test_rfc6238_appendix_b_vectors(unix: int, sha1: str, sha256: str, sha512: str) -> None:
    moment = _at(unix)
    assert totp.totp(SEED_SHA1, moment, digits=8) == sha1
    assert totp.totp(SEED_SHA256, moment, digits=8, algorithm="SHA256") == sha256
    assert totp.totp(SEED_SHA512, moment, digits=8, algorithm="SHA512") == sha512


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226_VALUES)))
def test_rfc4226_hotp_values(counter: int, expected: str) -> None:
    assert totp.hotp(SEED_SHA1, counter) == expected


def test_the_rfc_steps_are_thirty_seconds_from_the_epoch() -> None:
    assert totp.time_step(_at(59)) == 1
    assert totp.time_step(_at(1111111109)) == 0x23523EC
    assert totp.time_step(_at(20000000000)) == 0x27BC86AA
    with pytest.raises(ValueError, match="aware"):
        totp.time_step(dt.datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of the RFC's SHA-1 seed


def test_base32_secret_decodes_to_the_rfc_seed_whatever_the_spacing_or_case() -> None:
    assert totp.secret_bytes(SECRET) == SEED_SHA1
    assert totp.secret_bytes("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == SEED_SHA1
    with pytest.raises(ValueError, match="base32"):
        totp.secret_bytes("not base32!")
    assert len(totp.secret_bytes(totp.new_secret())) == totp.SECRET_BYTES
    assert totp.new_secret() != totp.new_secret()


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    now = _at(1111111111)
    current = totp.time_step(now)
    for offset in (-1, 0, 1):
        code = totp.code_for_step(SECRET, current + offset)
        assert totp.matching_step(SECRET, code, now) == current + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_for_step(SECRET, current + offset)
        assert totp.matching_step(SECRET, code, now) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5"])
def test_malformed_codes_never_match(code: str) -> None:
    assert totp.matching_step(SECRET, code, _at(59)) is None


def test_spaces_inside_a_typed_code_are_ignored() -> None:
    code = totp.code_for_step(SECRET, 1)
    assert totp.matching_step(SECRET, f" {code[:3]} {code[3:]} ", _at(59)) == 1


@given(st.integers(min_value=0, max_value=4_000_000_000))
def test_the_code_an_app_shows_now_is_always_accepted_now(unix: int) -> None:
    moment = _at(unix)
    code = totp.totp(totp.secret_bytes(SECRET), moment)
    assert totp.matching_step(SECRET, code, moment) == totp.time_step(moment)


def test_provisioning_uri_is_what_authenticator_apps_read() -> None:
    uri = totp.provisioning_uri(SECRET, account="chuyenvien.stp", issuer="MotCua")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/MotCua:chuyenvien.stp")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {"secret": SECRET, "issuer": "MotCua", "algorithm": "SHA1", "digits": "6", "period": "30"}
