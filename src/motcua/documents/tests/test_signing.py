"""Signing official documents: the test PKI, PAdES signatures, the visible block, and validation.

No database: certificates and PDFs are built in memory once per module (RSA key generation and WeasyPrint
are the slow parts), with fixed 2026 dates so every verdict is the same whenever the tests run.
"""

import importlib.util
import io
import os
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import weasyprint
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader, PdfWriter

from motcua.documents import signing
from motcua.documents.certificates import (
    CertificateAuthority,
    CertificateError,
    issue_signing_certificate,
    load_pkcs12_material,
    make_ca,
    read_pkcs12,
)
from motcua.documents.signing import (
    SignatureAppearance,
    SigningError,
    has_valid_signature,
    sign_pdf,
    stamp_lines,
    validate_pdf,
)

ICT = timezone(timedelta(hours=7))
CA_FROM = datetime(2026, 1, 1, tzinfo=UTC)
CA_TO = datetime(2031, 1, 1, tzinfo=UTC)
CERT_FROM = datetime(2026, 1, 1, tzinfo=UTC)
CERT_TO = datetime(2027, 1, 1, tzinfo=UTC)
SIGNED_AT = datetime(2026, 3, 18, 9, 30, 15, tzinfo=ICT)
CHECKED_AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
PASSPHRASE = "Mật khẩu 2026"
SIGNER = "Nguyễn Văn Đức"
AGENCY = "UBND tỉnh Lạng Sơn"

DOCUMENT_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><style>
  @page { size: A4; margin: 20mm }
  body { font-family: 'Noto Sans', 'DejaVu Sans', sans-serif; font-size: 13pt }
</style></head><body>
  <p>ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN</p>
  <p>Số: 05/QĐ-UBND</p>
  <h1>QUYẾT ĐỊNH</h1>
  <p>Về việc phê duyệt kế hoạch cải cách hành chính năm 2026</p>
  <p style="break-before: page">Nơi nhận: Văn phòng UBND tỉnh; Lưu: VT.</p>
</body></html>"""

needs_pdfsig = pytest.mark.skipif(
    shutil.which("pdfsig") is None and os.environ.get("CI", "").lower() != "true",
    reason="needs pdfsig from poppler-utils (apt-get install poppler-utils); CI always runs it",
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _appearance(**overrides: Any) -> SignatureAppearance:
    values: dict[str, Any] = {
        "signer_name": SIGNER,
        "signer_title": "Chủ tịch",
        "organization": AGENCY,
        "signed_at": SIGNED_AT,
        "location": "Lạng Sơn",
        "reason": "Ban hành quyết định",
    }
    values.update(overrides)
    return SignatureAppearance(**values)


def _annotations(pdf: bytes, page: int = -1) -> list[Any]:
    """The annotation dictionaries on a page (pypdf types them loosely, hence ``Any``)."""
    page_obj: Any = PdfReader(io.BytesIO(pdf)).pages[page]
    return [annotation.get_object() for annotation in page_obj.get("/Annots", [])]


def _bundle_without_signing_usage(ca: CertificateAuthority) -> bytes:
    """A certificate for key encipherment only: what a TLS or encryption certificate looks like."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, AGENCY),
            x509.NameAttribute(NameOID.COMMON_NAME, "Máy chủ thư điện tử"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(CERT_FROM)
        .not_valid_after(CERT_TO)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=b"mail",
        key=key,
        cert=certificate,
        cas=[ca.certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )


# ---------------------------------------------------------------------------------------------------------
# Fixtures: one PKI and one signed document per module


@pytest.fixture(scope="module")
def ca():
    return make_ca(
        common_name="CA thử nghiệm MotCua",
        organization="Sở Khoa học và Công nghệ tỉnh Lạng Sơn",
        valid_from=CA_FROM,
        valid_to=CA_TO,
    )


@pytest.fixture(scope="module")
def other_ca():
    return make_ca(
        common_name="CA không tin cậy", organization="Tổ chức khác", valid_from=CA_FROM, valid_to=CA_TO
    )


def _issue(
    ca: CertificateAuthority,
    *,
    common_name: str = SIGNER,
    valid_from: datetime = CERT_FROM,
    valid_to: datetime = CERT_TO,
) -> bytes:
    return issue_signing_certificate(
        ca=ca,
        common_name=common_name,
        organization=AGENCY,
        valid_from=valid_from,
        valid_to=valid_to,
        passphrase=PASSPHRASE,
    )


@pytest.fixture(scope="module")
def bundle(ca):
    return _issue(ca)


@pytest.fixture(scope="module")
def trust_roots(ca):
    return [ca.certificate_pem()]


@pytest.fixture(scope="module")
def source_pdf():
    return weasyprint.HTML(string=DOCUMENT_HTML).write_pdf()


@pytest.fixture(scope="module")
def signed_pdf(source_pdf, bundle, trust_roots):
    return sign_pdf(
        source_pdf, pkcs12=bundle, passphrase=PASSPHRASE, appearance=_appearance(), trust_roots=trust_roots
    )


@pytest.fixture(scope="module")
def countersigned_pdf(signed_pdf, ca, trust_roots):
    deputy = _issue(ca, common_name="Trần Thị Hằng")
    return sign_pdf(
        signed_pdf,
        pkcs12=deputy,
        passphrase=PASSPHRASE,
        appearance=_appearance(
            signer_name="Trần Thị Hằng",
            signer_title="Phó Chủ tịch",
            signed_at=SIGNED_AT + timedelta(hours=2),
            box=(36.0, 36.0, 286.5, 120.25),  # bottom-left, beside the first block; points need not be whole
        ),
        field_name="Signature2",
        trust_roots=trust_roots,
    )


def _tampered(pdf: bytes) -> bytes:
    """Flip one bit inside the first content stream: within the signed range, file still parseable."""
    at = pdf.index(b"stream\n") + len(b"stream\n") + 20
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


# ---------------------------------------------------------------------------------------------------------
# Certificates


def test_a_pkcs12_bundle_reads_back_with_its_vietnamese_subject(bundle, ca):
    loaded = read_pkcs12(bundle, PASSPHRASE)

    assert loaded.common_name == SIGNER
    assert loaded.organization == AGENCY
    assert loaded.issuer_common_name == "CA thử nghiệm MotCua"
    assert loaded.not_before == CERT_FROM
    assert loaded.not_after == CERT_TO
    assert loaded.not_before.utcoffset() == timedelta(0)
    assert loaded.is_valid_at(SIGNED_AT)
    assert not loaded.is_valid_at(CERT_TO + timedelta(seconds=1))
    material = load_pkcs12_material(bundle, PASSPHRASE)
    assert loaded.serial_number == material.certificate.serial_number
    assert len(loaded.sha256_fingerprint) == 64
    assert loaded.sha256_fingerprint == material.certificate.fingerprint(hashes.SHA256()).hex()
    # The bundle carries the chain, so validators that only know the root can build the path.
    assert [c.subject for c in material.chain] == [ca.certificate.subject]


def test_subject_names_are_utf8strings(bundle):
    der = load_pkcs12_material(bundle, PASSPHRASE).certificate.public_bytes(serialization.Encoding.DER)
    subject = asn1_x509.Certificate.load(der).subject

    kinds = {
        attribute["type"].native: attribute["value"].name
        for rdn in subject.chosen
        for attribute in rdn
        if attribute["type"].native in {"common_name", "organization_name", "locality_name"}
    }
    assert kinds == {
        "common_name": "utf8_string",
        "organization_name": "utf8_string",
        "locality_name": "utf8_string",
    }
    assert subject.native["locality_name"] == "Lạng Sơn"


def test_the_signing_certificate_allows_signing_only(bundle):
    certificate = load_pkcs12_material(bundle, PASSPHRASE).certificate
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)

    assert usage.critical
    assert usage.value.digital_signature
    assert usage.value.content_commitment
    assert not usage.value.key_encipherment
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_ca_exports_pem_and_der(ca):
    assert ca.certificate_pem().startswith(b"-----BEGIN CERTIFICATE-----")
    assert x509.load_der_x509_certificate(ca.certificate_der()) == ca.certificate


def test_a_wrong_passphrase_is_named_as_such(bundle):
    with pytest.raises(CertificateError, match="passphrase is wrong") as refused:
        read_pkcs12(bundle, "mat khau")
    assert refused.value.kind == "wrong_passphrase"


@pytest.mark.parametrize("data", [b"", b"not a certificate", b"0\x82\x01\x00garbage"])
def test_a_malformed_bundle_is_refused(data):
    with pytest.raises(CertificateError, match=r"PKCS#12|empty") as refused:
        read_pkcs12(data, PASSPHRASE)
    assert refused.value.kind == "bad_certificate"


def test_naive_datetimes_are_refused(ca):
    with pytest.raises(ValueError, match="timezone-aware"):
        make_ca(
            common_name="CA",
            organization="O",
            valid_from=datetime(2026, 1, 1),  # noqa: DTZ001 - the point of the test
            valid_to=CA_TO,
        )


# ---------------------------------------------------------------------------------------------------------
# Signing and validating


def test_a_signed_document_validates_as_intact_valid_and_trusted(signed_pdf, trust_roots):
    reports = validate_pdf(signed_pdf, trust_roots=trust_roots, at=CHECKED_AT)

    assert len(reports) == 1
    report = reports[0]
    assert report.field_name == "Signature1"
    assert report.signer_common_name == SIGNER
    assert report.signer_organization == AGENCY
    assert report.intact
    assert report.valid
    assert report.trusted
    assert report.covers_whole_document
    assert report.signed_at == SIGNED_AT
    assert report.summary == "INTACT:TRUSTED,UNTOUCHED"
    assert has_valid_signature(signed_pdf, trust_roots=trust_roots, at=CHECKED_AT)


def test_the_signature_is_pades_with_the_injected_time_reason_and_location(signed_pdf):
    field = next(a for a in _annotations(signed_pdf) if a.get("/FT") == "/Sig")
    signature = field["/V"].get_object()

    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature["/M"].startswith("D:20260318093015+07")
    assert signature["/Reason"] == "Ban hành quyết định"
    assert signature["/Location"] == "Lạng Sơn"
    assert signature["/Name"] == SIGNER


def test_signing_is_an_incremental_update(source_pdf, signed_pdf):
    assert signed_pdf.startswith(source_pdf)
    assert len(signed_pdf) > len(source_pdf)


def test_the_visible_block_is_a_widget_on_the_last_page(signed_pdf):
    reader = PdfReader(io.BytesIO(signed_pdf))
    assert len(reader.pages) == 2
    assert "/Annots" not in reader.pages[0]

    last = reader.pages[1]
    widgets = [a for a in _annotations(signed_pdf, 1) if a.get("/FT") == "/Sig"]
    assert len(widgets) == 1
    widget = widgets[0]
    assert widget["/T"] == "Signature1"
    assert widget["/Subtype"] == "/Widget"
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 >= 200
    assert y2 - y1 >= 60
    # Bottom-right corner of the A4 page.
    width = float(last.mediabox.width)
    assert x2 > width / 2
    assert x2 <= width
    assert y1 < 150
    assert widget["/AP"]["/N"].get_object().get_data()  # an appearance stream is drawn


def test_the_stamp_lines_use_vietnam_time():
    lines = stamp_lines(_appearance(signed_at=datetime(2026, 3, 18, 2, 30, 15, tzinfo=UTC)))

    assert lines == [
        "Ký bởi: Nguyễn Văn Đức",
        "Chủ tịch",
        "Cơ quan: UBND tỉnh Lạng Sơn",
        "Thời gian ký: 18/03/2026 09:30:15 +07:00",
    ]


def test_the_stamp_takes_extra_lines_and_skips_an_empty_title():
    lines = stamp_lines(_appearance(signer_title="", extra_lines=("Số: 05/QĐ-UBND",)))

    assert lines == [
        "Ký bởi: Nguyễn Văn Đức",
        "Cơ quan: UBND tỉnh Lạng Sơn",
        "Thời gian ký: 18/03/2026 09:30:15 +07:00",
        "Số: 05/QĐ-UBND",
    ]


def test_without_a_font_the_stamp_drops_diacritics(source_pdf, bundle, monkeypatch):
    monkeypatch.setattr(signing, "find_stamp_font", lambda: None)
    appearance = _appearance(extra_lines=("Số: 05/QĐ-UBND",))
    signed = sign_pdf(source_pdf, pkcs12=bundle, passphrase=PASSPHRASE, appearance=appearance)

    (widget,) = _annotations(signed)
    appearance = widget["/AP"]["/N"].get_object()
    stream = appearance.get_data()
    assert b"Nguyen Van Duc" in stream
    assert b"UBND tinh Lang Son" in stream
    assert b"18\\05703\\0572026 09\\07230\\07215" in stream  # "18/03/2026 09:30:15", PDF-escaped
    assert b"So\\072 05\\057QD\\055UBND" in stream
    assert appearance["/Resources"]["/Font"]["/F1"]["/BaseFont"] == "/Courier"


@pytest.mark.skipif(
    importlib.util.find_spec("uharfbuzz") is None or signing.find_stamp_font() is None,
    reason="the Unicode stamp needs uharfbuzz (pyHanko[opentype]) and Noto Sans or DejaVu Sans",
)
def test_with_a_font_the_stamp_embeds_it(signed_pdf):
    (widget,) = _annotations(signed_pdf)
    font = next(iter(widget["/AP"]["/N"].get_object()["/Resources"]["/Font"].values())).get_object()

    assert font["/Subtype"] == "/Type0"  # an embedded CID font subset, not a standard-14 font
    assert "/ToUnicode" in font


def test_text_extraction_still_works(signed_pdf):
    text = _nfc(PdfReader(io.BytesIO(signed_pdf)).pages[0].extract_text())

    assert "QUYẾT ĐỊNH" in text
    assert "Về việc phê duyệt kế hoạch cải cách hành chính năm 2026" in text


def test_a_second_signer_countersigns_and_both_signatures_validate(
    countersigned_pdf, signed_pdf, trust_roots
):
    assert countersigned_pdf.startswith(signed_pdf)

    first, second = validate_pdf(countersigned_pdf, trust_roots=trust_roots, at=CHECKED_AT)

    assert (first.field_name, second.field_name) == ("Signature1", "Signature2")
    assert (first.signer_common_name, second.signer_common_name) == (SIGNER, "Trần Thị Hằng")
    assert all(r.intact and r.valid and r.trusted for r in (first, second))
    # The first signature no longer covers the file (the second was appended), which is allowed.
    assert not first.covers_whole_document
    assert second.covers_whole_document
    assert second.signed_at == SIGNED_AT + timedelta(hours=2)
    assert [a["/T"] for a in _annotations(countersigned_pdf)] == ["Signature1", "Signature2"]
    assert has_valid_signature(countersigned_pdf, trust_roots=trust_roots, at=CHECKED_AT)


def test_tampering_after_signing_is_detected(signed_pdf, trust_roots):
    (report,) = validate_pdf(_tampered(signed_pdf), trust_roots=trust_roots, at=CHECKED_AT)

    assert not report.intact
    assert not report.valid
    assert not report.trusted
    assert report.summary == "INVALID"
    assert not has_valid_signature(_tampered(signed_pdf), trust_roots=trust_roots, at=CHECKED_AT)


def test_content_changed_in_a_later_update_invalidates_the_signature(signed_pdf, trust_roots):
    # The signed bytes stay intact, but an incremental update draws new text on page 1: pyHanko's
    # difference analysis calls that an illegal modification, so the signature is no longer valid.
    writer: Any = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))  # pyHanko leaves these methods untyped
    forged = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (FORGED) Tj ET"))
    writer.add_stream_to_page(0, forged)
    output = io.BytesIO()
    writer.write(output)

    (report,) = validate_pdf(output.getvalue(), trust_roots=trust_roots, at=CHECKED_AT)

    assert report.intact
    assert not report.valid
    assert not report.trusted
    assert not report.covers_whole_document
    assert "ILLEGAL_MODIFICATIONS" in report.summary


def test_a_certificate_from_another_ca_is_valid_but_not_trusted(source_pdf, other_ca, trust_roots):
    stranger = _issue(other_ca)
    signed = sign_pdf(source_pdf, pkcs12=stranger, passphrase=PASSPHRASE, appearance=_appearance())

    (report,) = validate_pdf(signed, trust_roots=trust_roots, at=CHECKED_AT)

    assert report.intact
    assert report.valid
    assert not report.trusted
    assert not has_valid_signature(signed, trust_roots=trust_roots, at=CHECKED_AT)
    # ... and with the stranger's CA among the trust roots it is trusted.
    (trusted,) = validate_pdf(signed, trust_roots=[other_ca.certificate_der()], at=CHECKED_AT)
    assert trusted.trusted


def test_without_trust_roots_nothing_is_trusted(signed_pdf):
    (report,) = validate_pdf(signed_pdf, trust_roots=[], at=CHECKED_AT)

    assert report.valid
    assert not report.trusted


def test_a_signature_checked_after_the_certificate_expired_is_not_trusted(signed_pdf, trust_roots):
    # No timestamp authority is used, so nothing proves the signature predates the expiry.
    (report,) = validate_pdf(signed_pdf, trust_roots=trust_roots, at=CERT_TO + timedelta(days=30))

    assert report.valid
    assert not report.trusted


def test_an_unsigned_pdf_has_no_signatures(source_pdf, trust_roots):
    assert validate_pdf(source_pdf, trust_roots=trust_roots, at=CHECKED_AT) == []
    assert not has_valid_signature(source_pdf, trust_roots=trust_roots, at=CHECKED_AT)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 a zip file", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"])
def test_validating_something_that_is_not_a_readable_pdf_raises(data, trust_roots):
    with pytest.raises(SigningError):
        validate_pdf(data, trust_roots=trust_roots)


# ---------------------------------------------------------------------------------------------------------
# Refusals


def test_a_wrong_passphrase_is_refused(source_pdf, bundle):
    with pytest.raises(SigningError, match="passphrase is wrong") as refused:
        sign_pdf(source_pdf, pkcs12=bundle, passphrase="sai mật khẩu", appearance=_appearance())
    assert refused.value.kind == "wrong_passphrase"


def test_an_expired_certificate_is_refused(source_pdf, ca):
    expired = _issue(
        ca, valid_from=datetime(2025, 1, 1, tzinfo=UTC), valid_to=datetime(2026, 3, 1, tzinfo=UTC)
    )

    with pytest.raises(SigningError, match="expired") as refused:
        sign_pdf(source_pdf, pkcs12=expired, passphrase=PASSPHRASE, appearance=_appearance())
    assert refused.value.kind == "expired"


def test_a_certificate_not_yet_valid_is_refused(source_pdf, ca):
    future = _issue(
        ca, valid_from=datetime(2026, 4, 1, tzinfo=UTC), valid_to=datetime(2027, 4, 1, tzinfo=UTC)
    )

    with pytest.raises(SigningError, match="not yet valid") as refused:
        sign_pdf(source_pdf, pkcs12=future, passphrase=PASSPHRASE, appearance=_appearance())
    assert refused.value.kind == "not_yet_valid"


def test_a_certificate_without_signing_key_usage_is_refused(source_pdf, ca):
    with pytest.raises(SigningError, match="key usage") as refused:
        sign_pdf(
            source_pdf,
            pkcs12=_bundle_without_signing_usage(ca),
            passphrase=PASSPHRASE,
            appearance=_appearance(),
        )
    assert refused.value.kind == "not_for_signing"


def test_a_certificate_outside_the_trust_roots_is_refused_when_roots_are_given(
    source_pdf, other_ca, trust_roots
):
    with pytest.raises(SigningError, match="trusted root") as refused:
        sign_pdf(
            source_pdf,
            pkcs12=_issue(other_ca),
            passphrase=PASSPHRASE,
            appearance=_appearance(),
            trust_roots=trust_roots,
        )
    assert refused.value.kind == "untrusted"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a PDF"),
        (b"GIF89a not a document", "not a PDF"),
        (b"%PDF-1.7\nthis is not really a PDF\n%%EOF\n", "damaged"),
    ],
)
def test_input_that_is_not_a_pdf_is_refused(data, message, bundle):
    with pytest.raises(SigningError, match=message) as refused:
        sign_pdf(data, pkcs12=bundle, passphrase=PASSPHRASE, appearance=_appearance())
    assert refused.value.kind == "bad_pdf"


def test_an_encrypted_pdf_is_refused(source_pdf, bundle):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source_pdf)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    with pytest.raises(SigningError, match="encrypted") as refused:
        sign_pdf(buffer.getvalue(), pkcs12=bundle, passphrase=PASSPHRASE, appearance=_appearance())
    assert refused.value.kind == "encrypted_pdf"


def test_a_page_that_does_not_exist_is_refused(source_pdf, bundle):
    with pytest.raises(SigningError, match="no page 5") as refused:
        sign_pdf(source_pdf, pkcs12=bundle, passphrase=PASSPHRASE, appearance=_appearance(page=5))
    assert refused.value.kind == "invalid_request"


def test_a_naive_signing_time_is_refused(source_pdf, bundle):
    with pytest.raises(SigningError, match="timezone-aware") as refused:
        sign_pdf(
            source_pdf,
            pkcs12=bundle,
            passphrase=PASSPHRASE,
            appearance=_appearance(signed_at=datetime(2026, 3, 18, 9, 30)),  # noqa: DTZ001 - the point
        )
    assert refused.value.kind == "invalid_request"


def test_an_empty_box_is_refused(source_pdf, bundle):
    with pytest.raises(SigningError, match="box") as refused:
        sign_pdf(
            source_pdf, pkcs12=bundle, passphrase=PASSPHRASE, appearance=_appearance(box=(300, 100, 200, 50))
        )
    assert refused.value.kind == "invalid_request"


# ---------------------------------------------------------------------------------------------------------
# An independent validator


@needs_pdfsig
def test_pdfsig_validates_the_signatures(signed_pdf, countersigned_pdf, tmp_path):
    # -nocert: poppler would check trust against its NSS database, which does not know our test CA; the
    # signature check itself (digest and RSA signature over the byte ranges) is what we want confirmed.
    def pdfsig(name: str, pdf: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(pdf)
        return subprocess.run(["pdfsig", "-nocert", path], capture_output=True, text=True, check=False).stdout

    single = pdfsig("signed.pdf", signed_pdf)
    assert single.count("Signature Validation: Signature is Valid.") == 1, single
    assert "Total document signed" in single
    assert "ETSI.CAdES.detached" in single

    double = pdfsig("countersigned.pdf", countersigned_pdf)
    assert double.count("Signature Validation: Signature is Valid.") == 2, double

    tampered = pdfsig("tampered.pdf", _tampered(signed_pdf))
    assert "Signature is Valid." not in tampered, tampered
