"""PAdES signing and validation of official documents with pyHanko.

The document office signs each outgoing document (Decree 30/2020/NĐ-CP: "chữ ký số" in place of the wet
signature and seal) with the issuing agency's certificate. This module is the only place that touches
pyHanko; it turns its rich but sprawling API into three calls:

* :func:`sign_pdf` adds a PAdES baseline signature (``ETSI.CAdES.detached``, SHA-256) with a visible block
  on the page, as an *incremental update*: the original bytes are kept verbatim, so earlier signatures stay
  valid and a second signer can countersign.
* :func:`validate_pdf` reports every signature in a file against the trust roots the caller names.
* :func:`has_valid_signature` is the yes/no question most views ask.

Deliberately offline: no timestamp authority, no OCSP/CRL fetching. The office's server cannot reach the
CAs' responders from every deployment, and a signature must not fail because a network is down; revocation
is checked in soft-fail mode with whatever information is embedded. Long-term validation (PAdES-LTA) can be
layered on later with a timestamper without changing the callers.

Time is injected: the signing time shown on the page and embedded in the signature (``/M``) is
``SignatureAppearance.signed_at``, and certificate validity is judged at that moment, so tests and replays
are deterministic. The module does not import Django.
"""

from __future__ import annotations

import asyncio
import io
import logging
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal, ParamSpec, TypeVar, cast

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pyhanko.keys.pemder import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.basic import SimpleFontEngineFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.documents.certificates import (
    CertificateError,
    Pkcs12Material,
    load_pkcs12_material,
    subject_attribute,
)

__all__ = [
    "DEFAULT_BOX_HEIGHT",
    "DEFAULT_BOX_MARGIN",
    "DEFAULT_BOX_WIDTH",
    "Box",
    "SignatureAppearance",
    "SignatureReport",
    "SigningError",
    "SigningErrorKind",
    "find_stamp_font",
    "has_valid_signature",
    "sign_pdf",
    "stamp_lines",
    "validate_pdf",
]

logger = logging.getLogger(__name__)

#: ``(lower-left x, lower-left y, upper-right x, upper-right y)`` in PDF points (1/72 inch).
Box = tuple[float, float, float, float]

#: Size of the default signature block: room for five lines of 9 pt text and a name of ~45 characters
#: (a longer text is shrunk to fit).
DEFAULT_BOX_WIDTH: Final = 250
DEFAULT_BOX_HEIGHT: Final = 84
#: Distance from the page's right and bottom edges (half an inch keeps clear of printers' unprintable band).
DEFAULT_BOX_MARGIN: Final = 36

# Vietnam has had UTC+7 all year since 1975 (no daylight saving), so a fixed offset is exact and does not
# depend on the tz database being installed.
VIETNAM_TIME: Final = timezone(timedelta(hours=7), "ICT")

_FONT_SIZE: Final = 9
# Dark red, the colour Vietnamese signing tools (and the printed seal) use for the signature block.
_STAMP_COLOUR: Final = (0.72, 0.0, 0.0)

# Known Debian/Ubuntu locations first (fonts-noto-core, fonts-dejavu-core), then a search.
_FONT_CANDIDATES: Final = (
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSans-Regular.otf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)
_FONT_SEARCH_ROOT: Final = Path("/usr/share/fonts")
_FONT_SEARCH_NAMES: Final = ("NotoSans-Regular.ttf", "NotoSans-Regular.otf", "DejaVuSans.ttf")

# The key usages that allow a certificate to sign a document (RFC 5280 §4.2.1.3); one of them suffices.
_SIGNING_KEY_USAGES: Final = frozenset({"digital_signature", "non_repudiation"})


SigningErrorKind = Literal[
    "wrong_passphrase",
    "bad_certificate",
    "expired",
    "not_yet_valid",
    "not_for_signing",
    "untrusted",
    "bad_pdf",
    "encrypted_pdf",
    "invalid_request",
    "failed",
]


class SigningError(ValueError):
    """A document cannot be signed or read; the message says why in plain English.

    ``kind`` is a stable code for callers that show their own (Vietnamese) message:

    * ``wrong_passphrase``, ``bad_certificate``: the PKCS#12 bundle cannot be opened;
    * ``expired``, ``not_yet_valid``: the certificate is outside its validity period at ``signed_at``;
    * ``not_for_signing``: its key usage does not allow signing;
    * ``untrusted``: it does not chain to the ``trust_roots`` given to :func:`sign_pdf`;
    * ``bad_pdf``: the input is not a PDF or is damaged; ``encrypted_pdf``: it is password-protected;
    * ``invalid_request``: a programming error (naive datetime, missing page, bad box, missing font);
    * ``failed``: pyHanko refused for another reason (the message carries its explanation).
    """

    def __init__(self, message: str, *, kind: SigningErrorKind = "failed") -> None:
        super().__init__(message)
        self.kind: SigningErrorKind = kind


@dataclass(frozen=True)
class SignatureAppearance:
    """What the visible signature block says and where it goes.

    ``signed_at`` (timezone-aware) is both the time printed in the block and the signing time embedded in
    the signature; the signer's certificate must be valid at that moment.

    ``page`` counts from 0; negative values count from the end (the default ``-1`` is the last page, where
    Decree 30 places the signature). ``box`` is in PDF points from the page's lower-left corner; ``None``
    puts a :data:`DEFAULT_BOX_WIDTH` x :data:`DEFAULT_BOX_HEIGHT` block in the bottom-right corner of
    whatever size the page is (A4, A5, landscape).

    ``extra_lines`` are printed at the end of the block (e.g. ``"Số: 05/QĐ-UBND"``).
    """

    signer_name: str
    signer_title: str
    organization: str
    signed_at: datetime
    location: str = ""
    reason: str = ""
    page: int = -1
    box: Box | None = None
    extra_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignatureReport:
    """The verdict on one signature in a PDF.

    * ``intact``: the signed bytes are unchanged since signing (the digest matches).
    * ``valid``: intact, the cryptographic signature verifies, and anything appended afterwards is an
      allowed change (another signature, form filling), not an edit of the content.
    * ``trusted``: valid, and the signer's certificate chains to one of the given trust roots, was within
      its validity period and not known to be revoked at the validation time, and allows signing.
    * ``covers_whole_document``: nothing was added after this signature (false for all but the last one
      when a document carries several signatures, which is normal).
    * ``summary``: pyHanko's machine-readable verdict (e.g. ``INTACT:TRUSTED,UNTOUCHED``), for logs.
    """

    field_name: str
    signer_common_name: str
    signer_organization: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    summary: str


# --------------------------------------------------------------------------------------------------------
# Stamp text and font


def stamp_lines(appearance: SignatureAppearance) -> list[str]:
    """The lines of the visible block, in the layout Vietnamese signing tools print.

    ``Thời gian ký`` is always shown in Vietnam time (+07:00), whatever zone ``signed_at`` carries.
    """
    local = appearance.signed_at.astimezone(VIETNAM_TIME)
    lines = [f"Ký bởi: {appearance.signer_name}"]
    if appearance.signer_title:
        lines.append(appearance.signer_title)
    lines.append(f"Cơ quan: {appearance.organization}")
    lines.append(f"Thời gian ký: {local:%d/%m/%Y %H:%M:%S} +07:00")
    lines.extend(line for line in appearance.extra_lines if line)
    return lines


def _strip_diacritics(text: str) -> str:
    """Reduce Vietnamese text to ASCII ("Ký bởi" -> "Ky boi") for the standard-14 fallback font.

    NFD splits letters from their tone and vowel marks, which are then dropped; đ/Đ are separate letters
    (not base + mark) and need mapping by hand. Anything still outside ASCII becomes ``?`` because the
    fallback font's WinAnsi encoding cannot show it and pyHanko would otherwise write UTF-16 bytes that
    render as garbage.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.encode("ascii", errors="replace").decode("ascii")


@lru_cache(maxsize=1)
def find_stamp_font() -> Path | None:
    """An installed TrueType/OpenType font that has the Vietnamese letters, or ``None``.

    Noto Sans (Debian ``fonts-noto-core``) is preferred, DejaVu Sans (``fonts-dejavu-core``, present on
    almost every Linux image) is the second choice. Cached: the answer does not change while a process runs.
    """
    for candidate in _FONT_CANDIDATES:
        if candidate.is_file():
            return candidate
    if _FONT_SEARCH_ROOT.is_dir():
        for name in _FONT_SEARCH_NAMES:
            for found in sorted(_FONT_SEARCH_ROOT.rglob(name)):
                if found.is_file():
                    return found
    return None


@lru_cache(maxsize=1)
def _opentype_available() -> bool:
    """Whether pyHanko's OpenType support (and its ``uharfbuzz`` dependency) imports; warns once if not."""
    try:
        import pyhanko.pdf_utils.font.opentype  # noqa: F401
    except ImportError:
        logger.warning(
            "uharfbuzz is not installed (pip install 'pyHanko[opentype]'); "
            "signature blocks are drawn without Vietnamese diacritics"
        )
        return False
    return True


def _font_factory(font_path: Path | None) -> tuple[FontEngineFactory, bool]:
    """The font for the stamp, and whether it can show Vietnamese diacritics.

    pyHanko embeds a subset of an OpenType font through ``GlyphAccumulatorFactory``, which needs the
    optional ``uharfbuzz`` package (``pyHanko[opentype]``) for text shaping. Without that package or
    without a font file, the stamp falls back to pyHanko's built-in Courier with diacritics removed: the
    block then reads "Ky boi: Nguyen Van A". The signature itself is unaffected (names in the certificate
    and the signature dictionary keep their accents), and machines without fonts keep working.
    """
    path = font_path if font_path is not None else find_stamp_font()
    if path is not None:
        if _opentype_available():
            from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

            return GlyphAccumulatorFactory(str(path), font_size=_FONT_SIZE), True
    else:
        logger.warning("No Noto Sans or DejaVu Sans font found; the signature block loses its diacritics")
    return SimpleFontEngineFactory.default_factory(), False  # type: ignore[no-untyped-call]


def _stamp_style(font: FontEngineFactory) -> TextStampStyle:
    return TextStampStyle(
        # The whole text is passed in as one parameter: our own formatting, and no '%' surprises from
        # pyHanko's %-interpolation of the template.
        stamp_text="%(block)s",
        text_box_style=TextBoxStyle(
            font=font, font_size=_FONT_SIZE, leading=_FONT_SIZE + 3, text_color=_STAMP_COLOUR
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),  # the text box keeps its own 10 pt padding
        ),
        border_width=1,
        border_color=_STAMP_COLOUR,
        background=None,
    )


# --------------------------------------------------------------------------------------------------------
# Signing


class _FixedTimePdfSigner(signers.PdfSigner):
    """A ``PdfSigner`` whose signing time is given rather than read from the clock.

    pyHanko 0.38 has no public parameter for it: ``PdfSigningSession`` takes ``system_time`` but
    ``PdfSigner.init_signing_session`` never passes one, so the session falls back to ``datetime.now()``.
    The attribute is read later (for ``/M``, the appearance and the size estimate), so setting it on the
    fresh session is enough.
    """

    def __init__(
        self,
        signature_meta: signers.PdfSignatureMetadata,
        signer: signers.Signer,
        *,
        stamp_style: TextStampStyle,
        new_field_spec: fields.SigFieldSpec,
        signing_time: datetime,
    ) -> None:
        super().__init__(signature_meta, signer, stamp_style=stamp_style, new_field_spec=new_field_spec)
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


def _key_usages(certificate: x509.Certificate) -> set[str]:
    """The certificate's key usages in pyHanko/asn1crypto spelling; all usages if the extension is absent."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        # RFC 5280: no extension means no restriction.
        return set(_SIGNING_KEY_USAGES)
    found = set()
    if usage.digital_signature:
        found.add("digital_signature")
    if usage.content_commitment:
        found.add("non_repudiation")
    return found


def _check_certificate(material: Pkcs12Material, signed_at: datetime) -> set[str]:
    """Refuse certificates that must not sign at ``signed_at``; return the signing usages they allow."""
    certificate = material.certificate
    if signed_at < certificate.not_valid_before_utc:
        raise SigningError(
            f"The signing certificate is not yet valid at {signed_at.isoformat()}: "
            f"its validity starts {certificate.not_valid_before_utc.isoformat()}.",
            kind="not_yet_valid",
        )
    if signed_at > certificate.not_valid_after_utc:
        raise SigningError(
            f"The signing certificate expired on {certificate.not_valid_after_utc.isoformat()} "
            f"and cannot sign at {signed_at.isoformat()}.",
            kind="expired",
        )
    usages = _key_usages(certificate)
    if not usages & _SIGNING_KEY_USAGES:
        raise SigningError(
            "The certificate's key usage does not allow signing documents "
            "(it needs digitalSignature or nonRepudiation).",
            kind="not_for_signing",
        )
    return usages & _SIGNING_KEY_USAGES


def _to_asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _simple_signer(material: Pkcs12Material) -> signers.SimpleSigner:
    """Build pyHanko's in-memory signer from the decrypted bundle (no temporary ``.p12`` file needed)."""
    key_der = material.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=_to_asn1_certificate(material.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        # The chain goes into the CMS so a validator that knows only the root can build the path.
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [_to_asn1_certificate(c) for c in material.chain]
        ),
    )


def _load_trust_roots(trust_roots: Sequence[bytes]) -> list[asn1_x509.Certificate]:
    roots: list[asn1_x509.Certificate] = []
    for data in trust_roots:
        try:
            roots.extend(load_certs_from_pemder_data(data))
        except (ValueError, TypeError) as exc:
            raise SigningError(
                "A trust root is not a PEM or DER X.509 certificate.", kind="invalid_request"
            ) from exc
    return roots


def _validation_context(trust_roots: Sequence[bytes], moment: datetime | None) -> ValidationContext:
    """An offline validation context that trusts exactly ``trust_roots``.

    An explicit (possibly empty) list matters: with ``trust_roots=None`` pyHanko falls back to the operating
    system's TLS roots, which have nothing to do with document signing.
    """
    return ValidationContext(
        trust_roots=_load_trust_roots(trust_roots),
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def _open_for_signing(pdf: bytes) -> IncrementalPdfFileWriter:
    # The header may legally be preceded by junk within the first 1024 bytes (ISO 32000-1 §7.5.2 notes).
    if b"%PDF-" not in pdf[:1024]:
        raise SigningError("The file is not a PDF document.", kind="bad_pdf")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise SigningError(
            f"The PDF document is damaged and cannot be signed ({exc}).", kind="bad_pdf"
        ) from exc
    if writer.prev.encrypted:
        raise SigningError(
            "The PDF document is encrypted or password-protected; remove the protection before signing.",
            kind="encrypted_pdf",
        )
    return writer


def _inherited(node: generic.DictionaryObject, key: str) -> generic.PdfObject | None:
    """A page attribute, looked up through ``/Parent`` as page-tree inheritance requires (MediaBox)."""
    current: generic.PdfObject | None = node
    for _depth in range(64):  # bounded: a malicious page tree may loop
        if not isinstance(current, generic.DictionaryObject):
            return None
        if key in current:
            return cast(generic.PdfObject, current[key])
        parent = current.get("/Parent")
        current = parent.get_object() if parent is not None else None
    return None


def _find_page(writer: IncrementalPdfFileWriter, page: int) -> generic.DictionaryObject:
    """The page dictionary at index ``page`` (negative counts from the end); ``PdfError`` if there is none."""
    page_ref, _resources = writer.find_page_for_modification(page)  # type: ignore[no-untyped-call]
    return cast(generic.DictionaryObject, page_ref.get_object())


def _default_box(writer: IncrementalPdfFileWriter, page: int) -> Box:
    """The bottom-right corner of the page's visible area (its CropBox, else MediaBox)."""
    page_obj = _find_page(writer, page)
    bounds = _inherited(page_obj, "/CropBox") or _inherited(page_obj, "/MediaBox")
    if not isinstance(bounds, generic.ArrayObject) or len(bounds) != 4:
        left, bottom, right, top = 0.0, 0.0, 595.0, 842.0  # A4, the size Decree 30 prescribes
    else:
        left, bottom, right, top = (float(v) for v in bounds)
        left, right = min(left, right), max(left, right)
        bottom, top = min(bottom, top), max(bottom, top)
    x2 = right - DEFAULT_BOX_MARGIN
    y1 = bottom + DEFAULT_BOX_MARGIN
    return (max(left, x2 - DEFAULT_BOX_WIDTH), y1, x2, min(top, y1 + DEFAULT_BOX_HEIGHT))


def _field_box(box: Box) -> tuple[int, int, int, int]:
    """The box in whole points, as pyHanko's ``SigFieldSpec`` wants it (a rounding error under 1 pt)."""
    x1, y1, x2, y2 = (round(v) for v in box)
    if x2 - x1 < 10 or y2 - y1 < 10:
        raise SigningError(
            f"The signature box {box} is empty or too small (give lower-left and upper-right corners).",
            kind="invalid_request",
        )
    return (x1, y1, x2, y2)


def _check_page(writer: IncrementalPdfFileWriter, page: int) -> None:
    try:
        _find_page(writer, page)
    except PdfError as exc:
        raise SigningError(
            f"The document has no page {page} to place the signature on.", kind="invalid_request"
        ) from exc


def _sign_pdf(
    pdf: bytes,
    *,
    pkcs12: bytes,
    passphrase: str,
    appearance: SignatureAppearance,
    field_name: str = "Signature1",
    trust_roots: Sequence[bytes] = (),
    font_path: Path | None = None,
) -> bytes:
    """Sign ``pdf`` with the key in the ``pkcs12`` bundle and return the signed document.

    The result is ``pdf`` followed by an incremental update holding the signature field, its visible block
    (:func:`stamp_lines`, on ``appearance.page`` in ``appearance.box``) and a PAdES B-B signature: subfilter
    ``ETSI.CAdES.detached``, SHA-256, signing certificate and chain embedded, ``/M`` = ``signed_at``,
    ``/Reason`` and ``/Location`` from the appearance. Each signer needs a distinct ``field_name``
    ("Signature1", "Signature2", ...).

    With ``trust_roots`` the signer's certificate is also checked to chain to one of them at ``signed_at``
    (offline), so an office never issues a document that its own validator would call untrusted.

    ``font_path`` chooses the stamp font; by default :func:`find_stamp_font` finds Noto Sans or DejaVu Sans.
    See :func:`_font_factory` for the diacritics-free fallback.

    Raises :class:`SigningError` for a wrong passphrase or unusable bundle, a certificate that is expired,
    not yet valid or not allowed to sign at ``signed_at``, a certificate outside ``trust_roots``, and an
    input that is not a PDF, is encrypted or is damaged.
    """
    signed_at = appearance.signed_at
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise SigningError("The signing time must be a timezone-aware datetime.", kind="invalid_request")
    try:
        material = load_pkcs12_material(pkcs12, passphrase)
    except CertificateError as exc:
        raise SigningError(str(exc), kind=exc.kind) from exc
    usages = _check_certificate(material, signed_at)
    if font_path is not None and not font_path.is_file():
        raise SigningError(f"The stamp font {font_path} does not exist.", kind="invalid_request")

    writer = _open_for_signing(pdf)
    _check_page(writer, appearance.page)
    box = appearance.box if appearance.box is not None else _default_box(writer, appearance.page)
    font, unicode_font = _font_factory(font_path)
    block = "\n".join(stamp_lines(appearance))
    if not unicode_font:
        block = _strip_diacritics(block)

    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=appearance.signer_name,
        location=appearance.location or None,
        reason=appearance.reason or None,
        validation_context=_validation_context(trust_roots, signed_at) if trust_roots else None,
        signer_key_usage=set(usages),
        embed_validation_info=False,
        use_pades_lta=False,
    )
    pdf_signer = _FixedTimePdfSigner(
        metadata,
        signer=_simple_signer(material),
        stamp_style=_stamp_style(font),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name, on_page=appearance.page, box=_field_box(box)
        ),
        signing_time=signed_at,
    )
    try:
        output = pdf_signer.sign_pdf(writer, appearance_text_params={"block": block})
    except PyHankoSigningError as exc:
        if isinstance(exc.__cause__, PathBuildingError | PathValidationError):
            raise SigningError(
                "The signing certificate does not chain to a trusted root at the signing time.",
                kind="untrusted",
            ) from exc
        raise SigningError(f"The document could not be signed: {exc}") from exc
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise SigningError(f"The document could not be signed: {exc}") from exc
    return cast(bytes, output.getvalue())


# --------------------------------------------------------------------------------------------------------
# Validation


def _certificate_names(embedded: EmbeddedPdfSignature) -> tuple[str, str]:
    try:
        certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    except (ValueError, KeyError, TypeError, PdfError):
        return "", ""
    return (
        subject_attribute(certificate.subject, NameOID.COMMON_NAME),
        subject_attribute(certificate.subject, NameOID.ORGANIZATION_NAME),
    )


def _report(embedded: EmbeddedPdfSignature, context: ValidationContext) -> SignatureReport:
    field_name = str(embedded.field_name)
    common_name, organization = _certificate_names(embedded)
    try:
        status: PdfSignatureStatus = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(
                key_usage=set(_SIGNING_KEY_USAGES), match_all_key_usages=False
            ),
        )
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        # A signature whose CMS blob or byte range cannot even be read is reported, not raised: the other
        # signatures of the document still deserve a verdict.
        logger.info("Signature %s could not be validated: %s", field_name, exc)
        return SignatureReport(
            field_name=field_name,
            signer_common_name=common_name,
            signer_organization=organization,
            signed_at=None,
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_document=False,
            summary=f"INVALID:UNREADABLE ({exc})",
        )
    # docmdp_ok says whether what was appended after this signature is allowed (a later signature, form
    # filling) rather than a change to the content; pyHanko leaves it None when nothing was appended.
    modifications_ok = status.docmdp_ok is not False
    valid = bool(status.intact and status.valid and modifications_ok)
    return SignatureReport(
        field_name=field_name,
        signer_common_name=common_name,
        signer_organization=organization,
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=valid,
        trusted=bool(valid and status.trusted),
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        summary=status.summary(),
    )


def _validate_pdf(
    pdf: bytes, *, trust_roots: Sequence[bytes], at: datetime | None = None
) -> list[SignatureReport]:
    """Validate every signature in ``pdf``, in document order; ``[]`` when it has none.

    ``trust_roots`` are the CA certificates (PEM or DER) the caller trusts; nothing else is, not even the
    operating system's roots. ``at`` is the moment the certificates are judged at (validity period,
    revocation); ``None`` lets pyHanko use the current time. Offline, revocation in soft-fail mode.

    Raises :class:`SigningError` when the file is not a readable PDF.
    """
    if at is not None and (at.tzinfo is None or at.utcoffset() is None):
        raise SigningError("The validation time must be a timezone-aware datetime.", kind="invalid_request")
    if b"%PDF-" not in pdf[:1024]:
        raise SigningError("The file is not a PDF document.", kind="bad_pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        if reader.encrypted:
            raise SigningError(
                "The PDF document is encrypted; its signatures cannot be checked.", kind="encrypted_pdf"
            )
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        if isinstance(exc, SigningError):
            raise
        raise SigningError(
            f"The PDF document is damaged and cannot be read ({exc}).", kind="bad_pdf"
        ) from exc
    if not embedded:
        return []
    roots = list(trust_roots)
    # One context per signature: pyHanko records validation state (paths, revocation info) in it.
    return [_report(signature, _validation_context(roots, at)) for signature in embedded]


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _outside_event_loop(function: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """pyHanko's synchronous API calls ``asyncio.run()``, which fails in a thread that runs an event loop
    (an async view, a notebook, Playwright's test thread): run it in a worker thread there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_pdf(
    pdf: bytes,
    *,
    pkcs12: bytes,
    passphrase: str,
    appearance: SignatureAppearance,
    field_name: str = "Signature1",
    trust_roots: Sequence[bytes] = (),
    font_path: Path | None = None,
) -> bytes:
    """Sign ``pdf`` with the PKCS#12 bundle (see ``_sign_pdf``), from any thread."""
    return _outside_event_loop(
        _sign_pdf,
        pdf,
        pkcs12=pkcs12,
        passphrase=passphrase,
        appearance=appearance,
        field_name=field_name,
        trust_roots=trust_roots,
        font_path=font_path,
    )


def validate_pdf(
    pdf: bytes, *, trust_roots: Sequence[bytes], at: datetime | None = None
) -> list[SignatureReport]:
    """Validate every signature of ``pdf`` (see ``_validate_pdf``), from any thread."""
    return _outside_event_loop(_validate_pdf, pdf, trust_roots=trust_roots, at=at)


def has_valid_signature(pdf: bytes, *, trust_roots: Sequence[bytes], at: datetime | None = None) -> bool:
    """Whether ``pdf`` carries at least one signature and every signature in it is valid and trusted."""
    reports = validate_pdf(pdf, trust_roots=trust_roots, at=at)
    return bool(reports) and all(report.trusted for report in reports)
