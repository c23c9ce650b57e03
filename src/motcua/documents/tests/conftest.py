"""Two agencies with their officials, issuer profiles and certificates, for the document office's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from tests.factories import make_agency, make_role, make_user

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency, OrgUnit
from motcua.documents import certificates
from motcua.documents.models import DocumentType, IssuerProfile

PASSPHRASE = "mat-khau-chung-thu"
UTC = dt.UTC


@dataclass(frozen=True)
class Pki:
    ca_pem: bytes
    valid: bytes  # PKCS#12 valid through 2030
    expired: bytes  # PKCS#12 that expired in 2024


@pytest.fixture(scope="session")
def pki() -> Pki:
    ca = certificates.make_ca(
        common_name="MotCua Test CA",
        organization="MotCua",
        valid_from=dt.datetime(2020, 1, 1, tzinfo=UTC),
        valid_to=dt.datetime(2035, 1, 1, tzinfo=UTC),
    )

    def issue(valid_to: dt.datetime) -> bytes:
        return certificates.issue_signing_certificate(
            ca=ca,
            common_name="Sở Tư pháp tỉnh Lạng Sơn",
            organization="UBND tỉnh Lạng Sơn",
            valid_from=dt.datetime(2021, 1, 1, tzinfo=UTC),
            valid_to=valid_to,
            passphrase=PASSPHRASE,
        )

    return Pki(
        ca_pem=ca.certificate_pem(),
        valid=issue(dt.datetime(2030, 1, 1, tzinfo=UTC)),
        expired=issue(dt.datetime(2024, 1, 1, tzinfo=UTC)),
    )


@dataclass
class Office:
    agency: Agency
    unit: OrgUnit
    clerk: User
    drafter: User
    head: User
    leader: User


def make_office(*, name: str, symbol: str, pkcs12: bytes | None) -> Office:
    agency = make_agency(name=name)
    unit = OrgUnit.objects.create(agency=agency, code="VP", name="Văn phòng")
    people = {}
    for key, role in (
        ("clerk", Role.CLERK),
        ("drafter", Role.SPECIALIST),
        ("head", Role.HEAD_OF_UNIT),
        ("leader", Role.AGENCY_LEADER),
    ):
        user = make_user(kind=User.Kind.OFFICIAL)
        make_role(user=user, agency=agency, role=role)
        people[key] = user
    profile = IssuerProfile(agency=agency, symbol=symbol, place="Lạng Sơn")
    if pkcs12 is not None:
        profile.certificate.save(f"{symbol}.p12", ContentFile(pkcs12), save=False)
    profile.save()
    return Office(agency=agency, unit=unit, **people)


@pytest.fixture
def sender(db: None, pki: Pki) -> Office:
    return make_office(name="Sở Tư pháp", symbol="STP", pkcs12=pki.valid)


@pytest.fixture
def receiver(db: None, pki: Pki) -> Office:
    return make_office(name="UBND phường Đông Kinh", symbol="UBND", pkcs12=pki.valid)


# get_or_create, not get: a transactional test elsewhere in the suite flushes the migration's seed rows.
@pytest.fixture
def official_letter(db: None) -> DocumentType:
    return DocumentType.objects.get_or_create(name="Công văn", defaults={"abbreviation": ""})[0]


@pytest.fixture
def decision(db: None) -> DocumentType:
    return DocumentType.objects.get_or_create(name="Quyết định (cá biệt)", defaults={"abbreviation": "QĐ"})[0]


@pytest.fixture
def legal_decision(db: None) -> DocumentType:
    return DocumentType.objects.get_or_create(
        name="Quyết định (quy phạm pháp luật)", defaults={"abbreviation": "QĐ", "is_legal_normative": True}
    )[0]
