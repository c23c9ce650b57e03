"""A small PKI for tests and demos, and the reader for agencies' PKCS#12 bundles.

In production every agency signs with a certificate issued by a licensed Vietnamese CA (Ban Cơ yếu Chính
phủ for state bodies, or a commercial CA such as VNPT-CA / Viettel-CA). Those arrive as PKCS#12 files
(``.p12`` / ``.pfx``) protected by a passphrase, which is what :func:`read_pkcs12` understands.

For tests, the demo data set and local development we need the same shape of material without a real CA,
so :func:`make_ca` and :func:`issue_signing_certificate` build one with ``cryptography``. The certificates
mirror what the real CAs issue (RSA 2048, SHA-256, key usage digitalSignature + nonRepudiation, subject in
UTF8String so Vietnamese names survive), so that the signing code is exercised against realistic input.

This module is pure: it does not import Django and never reads the clock. Callers pass validity periods in,
which keeps tests deterministic and lets the demo data set pin its certificates to fixed dates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

__all__ = [
    "DOCUMENT_SIGNING_EKU",
    "CertificateAuthority",
    "CertificateError",
    "CertificateErrorKind",
    "LoadedCertificate",
    "Pkcs12Material",
    "SigningKey",
    "describe_certificate",
    "issue_signing_certificate",
    "load_pkcs12_material",
    "make_ca",
    "read_pkcs12",
    "subject_attribute",
]

#: Private key types the signing code can use (what Vietnamese CAs issue: RSA; EC for newer tokens).
SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

#: id-kp-documentSigning (RFC 9336): the purpose made for signing documents. Validators that enforce the
#: extended key usage (RFC 5280 §4.2.1.12) accept it; emailProtection is added beside it because NSS-based
#: readers (poppler's pdfsig, Firefox's PDF viewer, LibreOffice) check signer certificates for S/MIME use.
DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

# RSA 2048 is what the Vietnamese public CAs issue for signing certificates, so tests see the same
# algorithm (and signature sizes) as production.
_RSA_KEY_SIZE = 2048
_RSA_PUBLIC_EXPONENT = 65537


CertificateErrorKind = Literal["wrong_passphrase", "bad_certificate"]


class CertificateError(ValueError):
    """A certificate or PKCS#12 bundle that cannot be used; the message is for the person uploading it.

    ``kind`` lets callers pick a translated message without parsing the English text: ``wrong_passphrase``
    (the bundle is fine, the passphrase is not) or ``bad_certificate`` (anything else).
    """

    def __init__(self, message: str, *, kind: CertificateErrorKind = "bad_certificate") -> None:
        super().__init__(message)
        self.kind: CertificateErrorKind = kind


@dataclass(frozen=True)
class CertificateAuthority:
    """A root CA: its self-signed certificate and the key that signs the certificates it issues."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey

    def certificate_pem(self) -> bytes:
        """The CA certificate in PEM, the form trust stores and ``validate_pdf(trust_roots=...)`` take."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def certificate_der(self) -> bytes:
        """The CA certificate in DER (binary), e.g. to publish as a ``.cer`` download."""
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class Pkcs12Material:
    """What a PKCS#12 bundle holds once decrypted: the key, its certificate and the rest of the chain."""

    private_key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class LoadedCertificate:
    """The facts about a signing certificate that the office shows and stores when an agency uploads it."""

    common_name: str
    organization: str
    issuer_common_name: str
    not_before: datetime
    not_after: datetime
    serial_number: int
    #: Lower-case hexadecimal SHA-256 of the DER certificate, no separators: a stable key to store and
    #: compare (certificate viewers show the same digits in upper case with colons).
    sha256_fingerprint: str

    def is_valid_at(self, moment: datetime) -> bool:
        """Whether ``moment`` (timezone-aware) falls inside the certificate's validity period."""
        return self.not_before <= moment <= self.not_after


def _require_aware(value: datetime, name: str) -> None:
    # A naive datetime would be read as local time by some code paths and UTC by others: refuse it.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _check_period(valid_from: datetime, valid_to: datetime) -> None:
    _require_aware(valid_from, "valid_from")
    _require_aware(valid_to, "valid_to")
    if valid_to <= valid_from:
        raise ValueError("valid_to must be later than valid_from")


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=_RSA_PUBLIC_EXPONENT, key_size=_RSA_KEY_SIZE)


def _name(*, common_name: str, organization: str, locality: str | None = None, country: str) -> x509.Name:
    # cryptography encodes CN, O and L as UTF8String by default (only C is PrintableString), which is what
    # RFC 5280 asks for and what keeps "Ủy ban nhân dân" intact in every reader.
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if locality:
        attributes.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    attributes += [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    return x509.Name(attributes)


def make_ca(
    *, common_name: str, organization: str, valid_from: datetime, valid_to: datetime
) -> CertificateAuthority:
    """Create a self-signed root CA (RSA 2048, SHA-256) valid from ``valid_from`` to ``valid_to``.

    Path length 0: this CA issues end-entity certificates only, like the test CAs of real providers.
    """
    _check_period(valid_from, valid_to)
    key = _new_rsa_key()
    subject = _name(common_name=common_name, organization=organization, country="VN")
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority(certificate=certificate, private_key=key)


def issue_signing_certificate(
    *,
    ca: CertificateAuthority,
    common_name: str,
    organization: str,
    locality: str = "Lạng Sơn",
    country: str = "VN",
    valid_from: datetime,
    valid_to: datetime,
    passphrase: str,
) -> bytes:
    """Issue a document-signing certificate under ``ca`` and return it as an encrypted PKCS#12 bundle.

    The bundle holds the new private key, its certificate and the CA certificate (the chain a validator
    needs), encrypted with ``passphrase`` using the strongest scheme ``cryptography`` offers (AES-256 with
    PBKDF2), exactly the kind of file an agency receives from its CA.

    Key usage is digitalSignature + nonRepudiation (critical), the pair Vietnamese CAs put on signing
    certificates; the extended key usage lists documentSigning and emailProtection (see
    :data:`DOCUMENT_SIGNING_EKU`). No CRL or OCSP address is included, so validating these certificates
    never needs the network.
    """
    _check_period(valid_from, valid_to)
    if not passphrase:
        raise ValueError("A PKCS#12 bundle needs a non-empty passphrase")
    key = _new_rsa_key()
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            _name(common_name=common_name, organization=organization, locality=locality, country=country)
        )
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation's name since X.509 2005
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca.private_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=certificate,
        cas=[ca.certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def _is_pfx_structure(data: bytes) -> bool:
    """Whether ``data`` parses as the outer (unencrypted) PFX structure of a PKCS#12 file.

    ``cryptography`` reports a wrong passphrase and a corrupt file with the same error; parsing the outer
    envelope lets us tell the uploader which of the two it is.
    """
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx["auth_safe"]["content_type"].native  # noqa: B018 - forces the lazy parser to decode the envelope
    except (ValueError, TypeError, KeyError):
        return False
    return True


def load_pkcs12_material(data: bytes, passphrase: str) -> Pkcs12Material:
    """Decrypt a PKCS#12 bundle, or raise :class:`CertificateError` saying why it cannot be used."""
    if not data:
        raise CertificateError("The certificate file is empty.")
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError as exc:
        if _is_pfx_structure(data):
            raise CertificateError(
                "The PKCS#12 bundle could not be decrypted: the passphrase is wrong.", kind="wrong_passphrase"
            ) from exc
        raise CertificateError("The file is not a valid PKCS#12 (.p12/.pfx) certificate bundle.") from exc
    if key is None:
        raise CertificateError("The PKCS#12 bundle does not contain a private key.")
    if certificate is None:
        raise CertificateError("The PKCS#12 bundle does not contain the signer's certificate.")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise CertificateError("The PKCS#12 bundle holds a key that cannot sign documents (need RSA or EC).")
    return Pkcs12Material(private_key=key, certificate=certificate, chain=tuple(chain))


def subject_attribute(name: x509.Name, oid: ObjectIdentifier) -> str:
    """The first value of attribute ``oid`` in ``name``, or ``""`` when the name has none."""
    for attribute in name.get_attributes_for_oid(oid):
        value = attribute.value
        return value if isinstance(value, str) else value.decode("utf-8", errors="replace")
    return ""


def describe_certificate(certificate: x509.Certificate) -> LoadedCertificate:
    """Summarise ``certificate`` as a :class:`LoadedCertificate`."""
    return LoadedCertificate(
        common_name=subject_attribute(certificate.subject, NameOID.COMMON_NAME),
        organization=subject_attribute(certificate.subject, NameOID.ORGANIZATION_NAME),
        issuer_common_name=subject_attribute(certificate.issuer, NameOID.COMMON_NAME),
        not_before=certificate.not_valid_before_utc.astimezone(UTC),
        not_after=certificate.not_valid_after_utc.astimezone(UTC),
        serial_number=certificate.serial_number,
        sha256_fingerprint=hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest(),
    )


def read_pkcs12(data: bytes, passphrase: str) -> LoadedCertificate:
    """Open an agency's PKCS#12 bundle and describe its signing certificate.

    Raises :class:`CertificateError` (a ``ValueError``) with an English message for a wrong passphrase, a
    file that is not PKCS#12, or a bundle without a key or certificate.
    """
    return describe_certificate(load_pkcs12_material(data, passphrase).certificate)
