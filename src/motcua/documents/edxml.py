"""edXML packages (QCVN 102:2016/BTTTT) and exchange status messages (Decision 28/2018/QĐ-TTg).

Official documents travel between agencies' document-management systems as *edXML packages*: an XML
envelope carrying the document's metadata (sender, recipients, number and symbol, date, type, summary,
signer, ...) and its files. Receivers answer with *status messages* carrying one of the status codes of
Decision 28/2018/QĐ-TTg. This module builds and parses both. It is pure: no Django, no I/O, no clock.

Public API
----------
* :class:`Organ`, :class:`Attachment`, :class:`ResponseFor`, :class:`EdxmlDocument`, :class:`StatusMessage`
  - frozen dataclasses, validated on construction (a value that could not be put on the wire cannot exist);
* :func:`build_package` / :func:`parse_package` and :func:`build_status` / :func:`parse_status`;
* :class:`ExchangeStatus` - the nine status codes, with Vietnamese labels (:data:`EXCHANGE_STATUS_LABELS`);
* :class:`EdxmlError` - every malformed input, with the element path where there is one.

Wire layout of a package (the namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016`` everywhere)::

    <edXML>
      <edXML:edXMLEnvelope>
        <edXML:edXMLHeader>
          <edXML:MessageHeader>  From, To+, Code{CodeNumber, CodeNotation}, PromulgationInfo{Place,
              PromulgationDate}, DocumentType{Type, TypeName}, Subject, Content, SignerInfo{Competence,
              Position, FullName}, DueDate, ToPlaces{Place*}, OtherInfo{Priority, SphereOfPromulgation,
              TyperNotation, PromulgationAmount, PageAmount, Appendixes{Appendix*}}, ResponseFor{OrganId,
              Code, PromulgationDate, DocumentId}, SteeringType, DocumentId
          <edXML:TraceHeaderList>  Bussiness{BussinessDocType = 0}
        <edXML:edXMLBody>
          <edXML:edXMLManifest version="1.0">
            <edXML:Reference>  ContentId, ContentType, Description, AttachmentName, DigestMethod, DigestValue
      <AttachmentEncoded>
        <Attachment>  ContentId, AttachmentName, Description, ContentType, ContentTransferEncoded (base64)

Sources and what was modelled
-----------------------------
Verified against public material (the sample package ``edoc_new.edxml`` shipped with the Government
Office's VXP SDK examples, and public integrations built on that SDK):

* the namespace; the root ``edXML`` holding ``edXMLEnvelope`` (``edXMLHeader`` + ``edXMLBody`` with
  ``edXMLManifest``/``Reference``) and, *outside* the envelope, ``AttachmentEncoded``/``Attachment`` with the
  base64 data in ``ContentTransferEncoded``, matched to the manifest by ``ContentId``;
* the MessageHeader element names listed above. The organ element is ``OrganizationInCharge`` (the parser
  also accepts ``OrganInCharge``); dates are written ``yyyy/MM/dd`` (``yyyy-MM-dd`` is accepted too);
* ``Priority``: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. Decree 30/2020 only knows the
  first four urgencies, so 4 is read as ``"hoa_toc"`` and never written;
* ``DocumentType/Type`` is a number in the SDK (1 and 18 for a công văn appear in public code); the table of
  these numbers was not found, so any short code is accepted and passed through - an SDK-based receiver may
  refuse a non-numeric one such as an abbreviation;
* ``SteeringType``: 0 not a steering document, 1 steering, 2 report on steering (other values are kept);
* ``BussinessDocType``: 0 new document, 1 revocation, 2 update, 3 replacement. Only new documents are
  modelled here: a package of another kind is refused rather than misread as a new document;
* the status message content (ResponseFor{OrganId, Code, PromulgationDate, DocumentId}, From, StatusCode,
  Description, Timestamp, StaffInfo{Department, Staff, Mobile, Email}) and the nine status codes.

Modelled from public descriptions, not from the standard's text (which was not available):

* the status message's enclosing elements ``edXMLStatus``/``Status`` (one deployed system wraps ``Status`` in
  a SOAP ``Envelope``/``Header`` instead); element order inside ``MessageHeader`` (the parser ignores order);
* the per-attachment SHA-256 digest - a MotCua extension in the manifest, in the XML-DSig style
  (``DigestMethod Algorithm=".../xmlenc#sha256"`` + base64 ``DigestValue``). Packages from systems that
  send no digest are accepted; a digest that is present must match;
* timestamps: ``yyyy/MM/dd HH:mm:ss`` in Vietnam time (UTC+7, as in the SDK sample); ISO 8601 with an offset
  is accepted when parsing. The wire has second precision: microseconds are dropped;
* the field limits are those of Decree 30/2020/NĐ-CP Appendix VI (see :data:`MAX_LENGTHS`); a status
  message's ``Code`` (number/symbol) is limited to 11 + 1 + 30 characters accordingly.

Not handled here: digital signatures (a ``Signature`` element is ignored, not verified), trace headers
(``TraceHeader`` hops are the transport's business), revocation/update/replacement packages.

Confidential documents
----------------------
Decree 30/2020/NĐ-CP: confidential documents (mật, tối mật, tuyệt mật) follow the state-secrets law and are
never exchanged electronically. :class:`EdxmlDocument` therefore has no confidentiality field at all, and
:func:`parse_package` refuses a package whose ``MessageHeader`` (``OtherInfo`` included) carries any
confidentiality-style element or attribute (``Secret``, ``SecurityLevel``, ``Confidentiality``, ``DoMat``,
...) with a value above "normal".

Hardening
---------
Input must be UTF-8 and at most ``max_bytes`` long (default 50 MB). Any ``<!DOCTYPE`` or ``<!ENTITY`` is
refused before the XML parser runs (entity expansion bombs, external entities).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXCHANGE_STATUS_LABELS",
    "MAX_LENGTHS",
    "NAMESPACE",
    "URGENCY_LABELS",
    "URGENCY_PRIORITY",
    "Attachment",
    "EdxmlDocument",
    "EdxmlError",
    "ExchangeStatus",
    "Organ",
    "ResponseFor",
    "StatusMessage",
    "Urgency",
    "build_package",
    "build_status",
    "parse_package",
    "parse_status",
]

NAMESPACE: Final = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DEFAULT_MAX_BYTES: Final = 50 * 1024 * 1024

#: Field limits of Decree 30/2020/NĐ-CP Appendix VI, in characters, by edXML element name.
MAX_LENGTHS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "OrganId": 13,
        "OrganName": 200,
        "CodeNumber": 11,
        "CodeNotation": 30,
        "Subject": 500,
        "TypeName": 100,
        "Position": 100,
        "FullName": 50,
    }
)
# A ResponseFor/Code is "number/symbol": the two Appendix VI limits and the slash.
_MAX_CODE_LENGTH: Final = MAX_LENGTHS["CodeNumber"] + 1 + MAX_LENGTHS["CodeNotation"]
# Not an Appendix VI field; a sanity bound for a code ("1", "18", or an abbreviation such as "QĐ").
_MAX_TYPE_CODE: Final = 20

Urgency = Literal["thuong", "khan", "thuong_khan", "hoa_toc"]

#: Urgency (Decree 30) -> edXML OtherInfo/Priority.
URGENCY_PRIORITY: Final[Mapping[Urgency, int]] = MappingProxyType(
    {"thuong": 0, "khan": 1, "thuong_khan": 2, "hoa_toc": 3}
)
URGENCY_LABELS: Final[Mapping[Urgency, str]] = MappingProxyType(
    {"thuong": "Thường", "khan": "Khẩn", "thuong_khan": "Thượng khẩn", "hoa_toc": "Hỏa tốc"}
)
# Priority 4 ("hỏa tốc hẹn giờ", timed express) predates Decree 30, which has no such level.
_PRIORITY_URGENCY: Final[Mapping[int, Urgency]] = MappingProxyType(
    {0: "thuong", 1: "khan", 2: "thuong_khan", 3: "hoa_toc", 4: "hoa_toc"}
)

_SHA256_URI: Final = "http://www.w3.org/2001/04/xmlenc#sha256"
_VN_TZ: Final = dt.timezone(dt.timedelta(hours=7), "ICT")
_NEW_DOCUMENT: Final = 0
_BUSINESS_DOC_TYPES: Final[Mapping[int, str]] = MappingProxyType(
    {0: "new document", 1: "revocation", 2: "update", 3: "replacement"}
)


class EdxmlError(ValueError):
    """A package or status message that is malformed, or a value that cannot be put into one."""


class ExchangeStatus(StrEnum):
    """Status codes of an exchanged document (Decision 28/2018/QĐ-TTg)."""

    ARRIVED = "01"  # the receiving system has it, the clerk has not handled it yet
    REFUSED = "02"  # the clerk refuses it (sent by mistake, wrong authority, ...), with the reason
    REGISTERED = "03"  # the clerk has taken it in
    ASSIGNED = "04"  # assigned for handling
    IN_PROGRESS = "05"  # being handled
    COMPLETED = "06"  # handling completed
    RECALLED = "13"  # the sender takes back a document it issued
    CHANGE_ACCEPTED = "15"  # the receiver agrees to a recall/update request
    CHANGE_REFUSED = "16"  # the receiver refuses a recall/update request

    @property
    def label(self) -> str:
        """The Vietnamese name of the status."""
        return EXCHANGE_STATUS_LABELS[self]


EXCHANGE_STATUS_LABELS: Final[Mapping[ExchangeStatus, str]] = MappingProxyType(
    {
        ExchangeStatus.ARRIVED: "Đã đến",
        ExchangeStatus.REFUSED: "Từ chối tiếp nhận",
        ExchangeStatus.REGISTERED: "Đã tiếp nhận",
        ExchangeStatus.ASSIGNED: "Phân công",
        ExchangeStatus.IN_PROGRESS: "Đang xử lý",
        ExchangeStatus.COMPLETED: "Hoàn thành",
        ExchangeStatus.RECALLED: "Lấy lại",
        ExchangeStatus.CHANGE_ACCEPTED: "Đồng ý cập nhật/lấy lại",
        ExchangeStatus.CHANGE_REFUSED: "Từ chối cập nhật/lấy lại",
    }
)


# --------------------------------------------------------------------------------------------------------
# Value checks shared by the dataclasses
# --------------------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_ILLEGAL: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# [0-9], not \d: \d also matches other scripts' digits, which int() accepts.
_DIGITS: Final = re.compile("[0-9]+")
_CONTENT_TYPE: Final = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(;[^\r\n]*)?"
)


def _check_str(
    value: object,
    name: str,
    *,
    required: bool = False,
    max_len: int | None = None,
    token: bool = False,
) -> str:
    """Check a text field; ``token`` fields (ids, codes) must not have surrounding whitespace."""
    if not isinstance(value, str):
        raise EdxmlError(f"{name} must be a str, not {type(value).__name__}")
    if required and not value.strip():
        raise EdxmlError(f"{name} is required and must not be blank")
    if max_len is not None and len(value) > max_len:
        raise EdxmlError(f"{name} is {len(value)} characters long, over the limit of {max_len}")
    if token and value != value.strip():
        raise EdxmlError(f"{name} must not start or end with whitespace: {value!r}")
    bad = _XML_ILLEGAL.search(value)
    if bad:
        raise EdxmlError(f"{name} contains the character U+{ord(bad.group()):04X}, which XML cannot carry")
    return value


def _check_digits(value: object, name: str, *, max_len: int | None = None) -> str:
    text = _check_str(value, name, required=True, max_len=max_len)
    if not _DIGITS.fullmatch(text):
        raise EdxmlError(f"{name} must be a number written with the digits 0-9, got {text!r}")
    return text


def _check_date(value: object, name: str) -> dt.date:
    # datetime is a subclass of date; a time of day here would be silently lost on the wire.
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise EdxmlError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _check_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise EdxmlError(f"{name} must be a non-negative int, got {value!r}")
    return value


def _as_tuple(owner: object, attr: str, name: str) -> tuple[object, ...]:
    """Accept a list or tuple for a tuple field (stored as a tuple); refuse a str, which is also iterable."""
    value = getattr(owner, attr)
    if not isinstance(value, list | tuple):
        raise EdxmlError(f"{name} must be a tuple, not {type(value).__name__}")
    as_tuple = tuple(value)
    object.__setattr__(owner, attr, as_tuple)
    return as_tuple


# --------------------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Organ:
    """A sending or receiving organ (edXML ``From``/``To``); ``organ_id`` is its electronic identifier."""

    organ_id: str
    organ_name: str
    organ_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""

    def __post_init__(self) -> None:
        _check_str(self.organ_id, "Organ.organ_id", required=True, max_len=MAX_LENGTHS["OrganId"], token=True)
        _check_str(self.organ_name, "Organ.organ_name", required=True, max_len=MAX_LENGTHS["OrganName"])
        for attr in ("organ_in_charge", "organ_add", "email", "telephone", "fax", "website"):
            _check_str(getattr(self, attr), f"Organ.{attr}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file of the document; ``data`` travels base64-encoded with a SHA-256 digest."""

    name: str
    content_type: str
    data: bytes = field(repr=False)
    description: str = ""

    def __post_init__(self) -> None:
        _check_str(self.name, "Attachment.name", required=True)
        _check_str(self.content_type, "Attachment.content_type", required=True, token=True)
        if not _CONTENT_TYPE.fullmatch(self.content_type):
            raise EdxmlError(
                f"Attachment.content_type {self.content_type!r} is not a MIME type like 'type/subtype'"
            )
        if isinstance(self.data, bytearray | memoryview):
            object.__setattr__(self, "data", bytes(self.data))
        elif not isinstance(self.data, bytes):
            raise EdxmlError(f"Attachment.data must be bytes, not {type(self.data).__name__}")
        _check_str(self.description, "Attachment.description")


@dataclass(frozen=True, slots=True)
class ResponseFor:
    """The earlier document that a document or a status message answers."""

    organ_id: str
    code: str  # number/symbol, e.g. "12/QĐ-UBND"
    promulgation_date: dt.date
    document_id: str

    def __post_init__(self) -> None:
        _check_str(
            self.organ_id, "ResponseFor.organ_id", required=True, max_len=MAX_LENGTHS["OrganId"], token=True
        )
        _check_str(self.code, "ResponseFor.code", required=True, max_len=_MAX_CODE_LENGTH, token=True)
        _check_date(self.promulgation_date, "ResponseFor.promulgation_date")
        _check_str(self.document_id, "ResponseFor.document_id", required=True, token=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class EdxmlDocument:
    """An official document as exchanged between agencies.

    There is deliberately no confidentiality field: confidential documents are never exchanged
    electronically (Decree 30/2020/NĐ-CP).
    """

    from_organ: Organ
    to_organs: tuple[Organ, ...]
    code_number: str  # "05": digits, the leading zero kept
    code_notation: str  # "QĐ-UBND"
    place: str
    promulgation_date: dt.date
    type_code: str  # edXML DocumentType/Type: a number in the VXP SDK ("1"), see the module docstring
    type_name: str  # "Quyết định"
    subject: str  # trích yếu
    signer_position: str
    signer_full_name: str
    urgency: Urgency
    document_id: str  # the sender's unique id, e.g. "000.00.00.H37,2024/05/06,05/QĐ-UBND"
    due_date: dt.date | None = None
    page_amount: int | None = None
    promulgation_amount: int | None = None
    to_places: tuple[str, ...] = ()  # nơi nhận, as printed on the document
    content: str = ""
    attachments: tuple[Attachment, ...] = ()
    steering_type: int = 0
    response_for: ResponseFor | None = None
    signer_competence: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", ...
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    appendixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.from_organ, Organ):
            raise EdxmlError("EdxmlDocument.from_organ must be an Organ")
        to_organs = _as_tuple(self, "to_organs", "EdxmlDocument.to_organs")
        if not to_organs:
            raise EdxmlError("EdxmlDocument.to_organs must name at least one recipient organ")
        if not all(isinstance(organ, Organ) for organ in to_organs):
            raise EdxmlError("EdxmlDocument.to_organs must contain only Organ values")
        _check_digits(self.code_number, "EdxmlDocument.code_number", max_len=MAX_LENGTHS["CodeNumber"])
        _check_str(
            self.code_notation,
            "EdxmlDocument.code_notation",
            required=True,
            max_len=MAX_LENGTHS["CodeNotation"],
            token=True,
        )
        _check_str(self.place, "EdxmlDocument.place", required=True)
        _check_date(self.promulgation_date, "EdxmlDocument.promulgation_date")
        # The VXP SDK sends a numeric Type; other systems' codes are kept as they come (see the report).
        _check_str(
            self.type_code, "EdxmlDocument.type_code", required=True, max_len=_MAX_TYPE_CODE, token=True
        )
        _check_str(self.type_name, "EdxmlDocument.type_name", required=True, max_len=MAX_LENGTHS["TypeName"])
        _check_str(self.subject, "EdxmlDocument.subject", required=True, max_len=MAX_LENGTHS["Subject"])
        _check_str(
            self.signer_position,
            "EdxmlDocument.signer_position",
            required=True,
            max_len=MAX_LENGTHS["Position"],
        )
        _check_str(
            self.signer_full_name,
            "EdxmlDocument.signer_full_name",
            required=True,
            max_len=MAX_LENGTHS["FullName"],
        )
        if self.urgency not in URGENCY_PRIORITY:
            raise EdxmlError(
                f"EdxmlDocument.urgency must be one of {', '.join(URGENCY_PRIORITY)}, got {self.urgency!r}"
            )
        _check_str(self.document_id, "EdxmlDocument.document_id", required=True, token=True)
        if self.due_date is not None:
            _check_date(self.due_date, "EdxmlDocument.due_date")
        for attr in ("page_amount", "promulgation_amount"):
            if getattr(self, attr) is not None:
                _check_int(getattr(self, attr), f"EdxmlDocument.{attr}")
        for place in _as_tuple(self, "to_places", "EdxmlDocument.to_places"):
            _check_str(place, "EdxmlDocument.to_places[]", required=True)
        _check_str(self.content, "EdxmlDocument.content")
        attachments = _as_tuple(self, "attachments", "EdxmlDocument.attachments")
        if not all(isinstance(attachment, Attachment) for attachment in attachments):
            raise EdxmlError("EdxmlDocument.attachments must contain only Attachment values")
        _check_int(self.steering_type, "EdxmlDocument.steering_type")
        if self.response_for is not None and not isinstance(self.response_for, ResponseFor):
            raise EdxmlError("EdxmlDocument.response_for must be a ResponseFor or None")
        for attr in ("signer_competence", "sphere_of_promulgation", "typer_notation"):
            _check_str(getattr(self, attr), f"EdxmlDocument.{attr}")
        for appendix in _as_tuple(self, "appendixes", "EdxmlDocument.appendixes"):
            _check_str(appendix, "EdxmlDocument.appendixes[]", required=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusMessage:
    """A status report about an exchanged document (Decision 28/2018/QĐ-TTg)."""

    from_organ: Organ  # who reports the status
    response_for_organ_id: str  # the organ that sent the document
    response_for_code: str  # its number/symbol, e.g. "12/QĐ-UBND"
    response_for_promulgation_date: dt.date
    response_for_document_id: str
    status: ExchangeStatus
    description: str
    timestamp: dt.datetime  # aware; sent with second precision
    staff_department: str
    staff_name: str
    staff_mobile: str = ""
    staff_email: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.from_organ, Organ):
            raise EdxmlError("StatusMessage.from_organ must be an Organ")
        # Reuse ResponseFor's checks so both kinds of reference obey the same rules.
        try:
            ResponseFor(
                self.response_for_organ_id,
                self.response_for_code,
                self.response_for_promulgation_date,
                self.response_for_document_id,
            )
        except EdxmlError as exc:
            raise EdxmlError(str(exc).replace("ResponseFor.", "StatusMessage.response_for_", 1)) from None
        if not isinstance(self.status, ExchangeStatus):
            raise EdxmlError(f"StatusMessage.status must be an ExchangeStatus, got {self.status!r}")
        _check_str(self.description, "StatusMessage.description")
        if not isinstance(self.timestamp, dt.datetime):
            raise EdxmlError("StatusMessage.timestamp must be a datetime.datetime")
        if self.timestamp.utcoffset() is None:
            raise EdxmlError("StatusMessage.timestamp must be timezone-aware")
        for attr in ("staff_department", "staff_name", "staff_mobile", "staff_email"):
            _check_str(getattr(self, attr), f"StatusMessage.{attr}")


# --------------------------------------------------------------------------------------------------------
# Writing: a small deterministic serializer (fixed prefixes, order and indentation)
# --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    name: str
    text: str = ""
    attrs: tuple[tuple[str, str], ...] = ()
    children: list[_Node] = field(default_factory=list)

    def add(self, name: str, text: str = "", attrs: tuple[tuple[str, str], ...] = ()) -> _Node:
        child = _Node(name, text, attrs)
        self.children.append(child)
        return child


def _escape_text(text: str) -> str:
    # "\r" as a reference: a literal one would be normalised to "\n" by every XML parser.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _write(node: _Node, prefix: str, depth: int, out: list[str]) -> None:
    indent = "  " * depth
    tag = prefix + node.name
    attrs = "".join(f' {key}="{_escape_attr(value)}"' for key, value in node.attrs)
    if node.children:
        out.append(f"{indent}<{tag}{attrs}>\n")
        for child in node.children:
            _write(child, prefix, depth + 1, out)
        out.append(f"{indent}</{tag}>\n")
    elif node.text:
        out.append(f"{indent}<{tag}{attrs}>{_escape_text(node.text)}</{tag}>\n")
    else:
        out.append(f"{indent}<{tag}{attrs}/>\n")


def _document(root_name: str, prefixed: list[_Node], plain: list[_Node]) -> bytes:
    """Serialize a root whose ``prefixed`` children are written ``edXML:``-prefixed and ``plain`` ones not.

    Both spellings denote the same namespace. The prefix matches the SDK sample, for receivers that look
    elements up by their prefixed name rather than by namespace.
    """
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<{root_name} xmlns="{NAMESPACE}" xmlns:edXML="{NAMESPACE}">\n',
    ]
    for node in prefixed:
        _write(node, "edXML:", 1, out)
    for node in plain:
        _write(node, "", 1, out)
    out.append(f"</{root_name}>\n")
    return "".join(out).encode("utf-8")


def _format_date(value: dt.date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def _format_timestamp(value: dt.datetime) -> str:
    local = value.astimezone(_VN_TZ)
    return f"{_format_date(local)} {local.hour:02d}:{local.minute:02d}:{local.second:02d}"


def _add_organ(parent: _Node, name: str, organ: Organ) -> None:
    node = parent.add(name)
    node.add("OrganId", organ.organ_id)
    if organ.organ_in_charge:
        node.add("OrganizationInCharge", organ.organ_in_charge)
    node.add("OrganName", organ.organ_name)
    for element, value in (
        ("OrganAdd", organ.organ_add),
        ("Email", organ.email),
        ("Telephone", organ.telephone),
        ("Fax", organ.fax),
        ("Website", organ.website),
    ):
        if value:
            node.add(element, value)


def _check_max_bytes(max_bytes: object) -> int:
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise EdxmlError(f"max_bytes must be a positive int, got {max_bytes!r}")
    return max_bytes


def build_package(doc: EdxmlDocument, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The edXML package of ``doc``: UTF-8 XML, byte-for-byte the same for the same document."""
    if not isinstance(doc, EdxmlDocument):
        raise EdxmlError(f"build_package expects an EdxmlDocument, not {type(doc).__name__}")
    _check_max_bytes(max_bytes)
    raw_size = sum(len(attachment.data) for attachment in doc.attachments)
    if raw_size > max_bytes:  # base64 only grows it: fail before encoding anything
        raise EdxmlError(
            f"the attachments total {raw_size} bytes, over the package limit of {max_bytes} bytes"
        )

    envelope = _Node("edXMLEnvelope")
    header = envelope.add("edXMLHeader")
    message = header.add("MessageHeader")
    _add_organ(message, "From", doc.from_organ)
    for organ in doc.to_organs:
        _add_organ(message, "To", organ)
    code = message.add("Code")
    code.add("CodeNumber", doc.code_number)
    code.add("CodeNotation", doc.code_notation)
    promulgation = message.add("PromulgationInfo")
    promulgation.add("Place", doc.place)
    promulgation.add("PromulgationDate", _format_date(doc.promulgation_date))
    doc_type = message.add("DocumentType")
    doc_type.add("Type", doc.type_code)
    doc_type.add("TypeName", doc.type_name)
    message.add("Subject", doc.subject)
    message.add("Content", doc.content)
    signer = message.add("SignerInfo")
    if doc.signer_competence:
        signer.add("Competence", doc.signer_competence)
    signer.add("Position", doc.signer_position)
    signer.add("FullName", doc.signer_full_name)
    if doc.due_date is not None:
        message.add("DueDate", _format_date(doc.due_date))
    if doc.to_places:
        places = message.add("ToPlaces")
        for place in doc.to_places:
            places.add("Place", place)
    other = message.add("OtherInfo")
    other.add("Priority", str(URGENCY_PRIORITY[doc.urgency]))
    if doc.sphere_of_promulgation:
        other.add("SphereOfPromulgation", doc.sphere_of_promulgation)
    if doc.typer_notation:
        other.add("TyperNotation", doc.typer_notation)
    if doc.promulgation_amount is not None:
        other.add("PromulgationAmount", str(doc.promulgation_amount))
    if doc.page_amount is not None:
        other.add("PageAmount", str(doc.page_amount))
    if doc.appendixes:
        appendixes = other.add("Appendixes")
        for appendix in doc.appendixes:
            appendixes.add("Appendix", appendix)
    if doc.response_for is not None:
        response = message.add("ResponseFor")
        response.add("OrganId", doc.response_for.organ_id)
        response.add("Code", doc.response_for.code)
        response.add("PromulgationDate", _format_date(doc.response_for.promulgation_date))
        response.add("DocumentId", doc.response_for.document_id)
    message.add("SteeringType", str(doc.steering_type))
    message.add("DocumentId", doc.document_id)
    header.add("TraceHeaderList").add("Bussiness").add("BussinessDocType", str(_NEW_DOCUMENT))

    manifest = envelope.add("edXMLBody").add("edXMLManifest", attrs=(("version", "1.0"),))
    encoded = _Node("AttachmentEncoded")
    for number, attachment in enumerate(doc.attachments, start=1):
        content_id = f"cid:{number}"
        reference = manifest.add("Reference")
        reference.add("ContentId", content_id)
        reference.add("ContentType", attachment.content_type)
        reference.add("Description", attachment.description)
        reference.add("AttachmentName", attachment.name)
        reference.add("DigestMethod", attrs=(("Algorithm", _SHA256_URI),))
        digest = hashlib.sha256(attachment.data).digest()
        reference.add("DigestValue", base64.b64encode(digest).decode("ascii"))
        item = encoded.add("Attachment")
        item.add("ContentId", content_id)
        item.add("AttachmentName", attachment.name)
        item.add("Description", attachment.description)
        item.add("ContentType", attachment.content_type)
        item.add("ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))

    package = _document("edXML", [envelope], [encoded] if doc.attachments else [])
    if len(package) > max_bytes:
        raise EdxmlError(f"the package would be {len(package)} bytes, over the limit of {max_bytes} bytes")
    return package


def build_status(msg: StatusMessage, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The status message ``msg`` as UTF-8 XML.

    A refusal (02) must give its reason in ``description`` (Decision 28/2018/QĐ-TTg).
    """
    if not isinstance(msg, StatusMessage):
        raise EdxmlError(f"build_status expects a StatusMessage, not {type(msg).__name__}")
    _check_max_bytes(max_bytes)
    if msg.status is ExchangeStatus.REFUSED and not msg.description.strip():
        raise EdxmlError("StatusMessage.description must give the reason of a refusal (status 02)")
    status = _Node("Status")
    response = status.add("ResponseFor")
    response.add("OrganId", msg.response_for_organ_id)
    response.add("Code", msg.response_for_code)
    response.add("PromulgationDate", _format_date(msg.response_for_promulgation_date))
    response.add("DocumentId", msg.response_for_document_id)
    _add_organ(status, "From", msg.from_organ)
    status.add("StatusCode", msg.status.value)
    status.add("Description", msg.description)
    status.add("Timestamp", _format_timestamp(msg.timestamp))
    staff = status.add("StaffInfo")
    staff.add("Department", msg.staff_department)
    staff.add("Staff", msg.staff_name)
    if msg.staff_mobile:
        staff.add("Mobile", msg.staff_mobile)
    if msg.staff_email:
        staff.add("Email", msg.staff_email)
    # Unlike a package, a status message has only prefixed content; the root is prefixed too.
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<edXML:edXMLStatus xmlns:edXML="{NAMESPACE}">\n',
    ]
    _write(status, "edXML:", 1, out)
    out.append("</edXML:edXMLStatus>\n")
    data = "".join(out).encode("utf-8")
    if len(data) > max_bytes:
        raise EdxmlError(
            f"the status message would be {len(data)} bytes, over the limit of {max_bytes} bytes"
        )
    return data


# --------------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------------

_DECLARED_ENCODING: Final = re.compile(r"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_DTD_MARKUP: Final = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DATE: Final = re.compile(r"([0-9]{4})([/-])([0-9]{2})\2([0-9]{2})")
_TIMESTAMP: Final = re.compile(r"([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_WHITESPACE: Final = re.compile(r"\s+")
# Element or attribute names that denote a confidentiality (độ mật) mark.
_CONFIDENTIAL_NAME: Final = re.compile(r"secret|secur|confiden|classif|domat|baomat", re.IGNORECASE)
_NOT_CONFIDENTIAL: Final = frozenset(
    {"", "0", "false", "no", "none", "normal", "public", "unclassified", "thuong", "thường", "khong", "không"}
)


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _load(data: object, max_bytes: int, what: str) -> ET.Element:
    """Parse untrusted bytes: size limit, UTF-8 only, no DTD, well-formed."""
    _check_max_bytes(max_bytes)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EdxmlError(f"the {what} must be given as bytes, not {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > max_bytes:
        raise EdxmlError(f"the {what} is {len(raw)} bytes, over the limit of {max_bytes} bytes")
    # Decoding first means the DTD check below sees exactly what the parser will see: a UTF-16 or
    # EBCDIC document could otherwise hide "<!DOCTYPE" from a byte search.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EdxmlError(f"the {what} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    text = text.removeprefix("\ufeff")
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).strip().lower() not in {"utf-8", "utf8"}:
        raise EdxmlError(f"the {what} declares the encoding {declared.group(1)!r}; only UTF-8 is accepted")
    dtd = _DTD_MARKUP.search(text)
    if dtd:
        raise EdxmlError(
            f"the {what} contains a <!{dtd.group(1).upper()} declaration; document type and entity "
            "declarations are refused (entity expansion and external entity attacks)"
        )
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise EdxmlError(f"the {what} is not well-formed XML: {exc}") from None


def _check_root(root: ET.Element, name: str, what: str) -> None:
    if root.tag == _q(name):
        return
    namespace, _, local = root.tag[1:].rpartition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local == name:
        found = f"namespace {namespace!r}" if namespace else "no namespace"
        raise EdxmlError(f"{name}: the {what} root element is in {found}, expected {NAMESPACE!r}")
    raise EdxmlError(f"the {what} root element is <{local}>, expected <{name}> in namespace {NAMESPACE!r}")


def _find(parent: ET.Element, name: str) -> ET.Element | None:
    return parent.find(_q(name))


def _require(parent: ET.Element, name: str, path: str) -> ET.Element:
    child = _find(parent, name)
    if child is None:
        raise EdxmlError(f"{path}/{name}: required element is missing")
    return child


def _text(
    parent: ET.Element,
    name: str,
    path: str,
    *,
    required: bool = False,
    max_len: int | None = None,
    strip: bool = False,
) -> str:
    """The text of child ``name``; ``strip`` for ids and codes, free text is kept as written."""
    child = _find(parent, name)
    if child is None:
        if required:
            raise EdxmlError(f"{path}/{name}: required element is missing")
        return ""
    text = child.text or ""
    if strip:
        text = text.strip()
    if required and not text.strip():
        raise EdxmlError(f"{path}/{name}: required value is empty")
    if max_len is not None and len(text) > max_len:
        raise EdxmlError(f"{path}/{name}: {len(text)} characters, over the limit of {max_len}")
    return text


def _parse_int(text: str, where: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise EdxmlError(f"{where}: expected a non-negative whole number, got {text!r}")
    return int(text)


def _parse_date(text: str, where: str) -> dt.date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise EdxmlError(f"{where}: expected a date written yyyy/MM/dd, got {text!r}")
    try:
        return dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    except ValueError as exc:
        raise EdxmlError(f"{where}: {text!r} is not a valid date ({exc})") from None


def _parse_timestamp(text: str, where: str) -> dt.datetime:
    match = _TIMESTAMP.fullmatch(text)
    try:
        if match is not None:  # the SDK's layout, in Vietnam time
            year, month, day, hour, minute, second = (int(group) for group in match.groups())
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=_VN_TZ)
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise EdxmlError(f"{where}: {text!r} is not a valid timestamp ({exc})") from None
    if value.utcoffset() is None:
        raise EdxmlError(f"{where}: an ISO 8601 timestamp must carry a UTC offset, got {text!r}")
    return value


def _parse_organ(element: ET.Element, path: str) -> Organ:
    in_charge = _text(element, "OrganizationInCharge", path) or _text(element, "OrganInCharge", path)
    return Organ(
        organ_id=_text(element, "OrganId", path, required=True, max_len=MAX_LENGTHS["OrganId"], strip=True),
        organ_name=_text(element, "OrganName", path, required=True, max_len=MAX_LENGTHS["OrganName"]),
        organ_in_charge=in_charge,
        organ_add=_text(element, "OrganAdd", path),
        email=_text(element, "Email", path),
        telephone=_text(element, "Telephone", path),
        fax=_text(element, "Fax", path),
        website=_text(element, "Website", path),
    )


def _walk(element: ET.Element, path: str) -> Iterator[tuple[ET.Element, str]]:
    yield element, path
    for child in element:
        if isinstance(child.tag, str):  # skip comments and processing instructions
            yield from _walk(child, f"{path}/{_local(child.tag)}")


def _refuse_confidential(message: ET.Element, path: str) -> None:
    """Refuse a header carrying a confidentiality mark above normal (Decree 30: never sent electronically)."""
    for element, where in _walk(message, path):
        marks: list[tuple[str, str]] = []
        if _CONFIDENTIAL_NAME.search(_local(element.tag)):
            marks.append((where, "".join(element.itertext())))  # itertext: a mark may be nested deeper
        marks += [
            (f"{where}@{_local(key)}", value)
            for key, value in element.attrib.items()
            if _CONFIDENTIAL_NAME.search(_local(key))
        ]
        for mark_path, value in marks:
            if unicodedata.normalize("NFC", value).strip().casefold() not in _NOT_CONFIDENTIAL:
                raise EdxmlError(
                    f"{mark_path}: the document is marked confidential ({value.strip()!r}); confidential "
                    "documents (mật, tối mật, tuyệt mật) must not be exchanged electronically "
                    "(Decree 30/2020/NĐ-CP)"
                )


def _refuse_other_business(header: ET.Element, path: str) -> None:
    trace = _find(header, "TraceHeaderList")
    if trace is None:
        return
    business = _find(trace, "Bussiness")
    if business is None:
        return
    where = f"{path}/TraceHeaderList/Bussiness"
    text = _text(business, "BussinessDocType", where, strip=True)
    if not text:
        return
    kind = _parse_int(text, f"{where}/BussinessDocType")
    if kind != _NEW_DOCUMENT:
        name = _BUSINESS_DOC_TYPES.get(kind, "unknown kind")
        raise EdxmlError(
            f"{where}/BussinessDocType: {kind} ({name}) packages are not supported, only new documents (0)"
        )


def _content_id(text: str) -> str:
    value = text.strip()
    if value[:4].lower() == "cid:":
        value = value[4:]
    return value.strip("<>")


def _decode_base64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(_WHITESPACE.sub("", text), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EdxmlError(f"{where}: invalid base64 data ({exc})") from None


def _parse_attachments(root: ET.Element, body: ET.Element | None, path: str) -> tuple[Attachment, ...]:
    references: list[tuple[ET.Element, str]] = []
    if body is not None:
        manifest = _find(body, "edXMLManifest")
        if manifest is None:
            manifest = _find(body, "Manifest")
        if manifest is not None:
            base = f"{path}/edXMLBody/{_local(manifest.tag)}"
            references = [
                (reference, f"{base}/Reference[{index}]")
                for index, reference in enumerate(manifest.findall(_q("Reference")), start=1)
            ]
    encoded: dict[str, tuple[ET.Element, str]] = {}
    container = _find(root, "AttachmentEncoded")
    if container is not None:
        for index, item in enumerate(container.findall(_q("Attachment")), start=1):
            where = f"edXML/AttachmentEncoded/Attachment[{index}]"
            cid = _content_id(_text(item, "ContentId", where, required=True))
            if cid in encoded:
                raise EdxmlError(f"{where}/ContentId: {cid!r} is used by more than one attachment")
            encoded[cid] = (item, where)

    attachments: list[Attachment] = []
    seen: set[str] = set()
    for reference, where in references:
        cid = _content_id(_text(reference, "ContentId", where, required=True))
        if cid in seen:
            raise EdxmlError(f"{where}/ContentId: {cid!r} is referenced more than once")
        seen.add(cid)
        if cid not in encoded:
            raise EdxmlError(
                f"{where}/ContentId: no AttachmentEncoded/Attachment carries the data of {cid!r}"
            )
        item, item_where = encoded[cid]
        # An empty file encodes to an empty element: the element is required, its text is not.
        payload = _require(item, "ContentTransferEncoded", item_where).text or ""
        data = _decode_base64(payload, f"{item_where}/ContentTransferEncoded")
        _verify_digest(reference, where, data)
        name = _text(reference, "AttachmentName", where) or _text(item, "AttachmentName", item_where)
        content_type = _text(reference, "ContentType", where, strip=True) or _text(
            item, "ContentType", item_where, strip=True
        )
        description = _text(reference, "Description", where) or _text(item, "Description", item_where)
        try:
            attachments.append(Attachment(name, content_type, data, description))
        except EdxmlError as exc:
            raise EdxmlError(f"{where}: {exc}") from None
    unreferenced = sorted(set(encoded) - seen)
    if unreferenced:
        raise EdxmlError(
            f"edXML/AttachmentEncoded: attachment(s) {', '.join(map(repr, unreferenced))} are not listed "
            "in the envelope's manifest"
        )
    return tuple(attachments)


def _verify_digest(reference: ET.Element, where: str, data: bytes) -> None:
    method = _find(reference, "DigestMethod")
    value = _text(reference, "DigestValue", where, strip=True)
    if method is None and not value:
        return  # other systems send no digest
    if method is None or not value:
        raise EdxmlError(f"{where}: DigestMethod and DigestValue must be given together")
    algorithm = (method.get("Algorithm") or method.text or "").strip()
    if algorithm not in {_SHA256_URI, "SHA-256", "SHA256", "sha256"}:
        raise EdxmlError(
            f"{where}/DigestMethod: unsupported digest algorithm {algorithm!r}, expected SHA-256"
        )
    expected = _decode_base64(value, f"{where}/DigestValue")
    if hashlib.sha256(data).digest() != expected:
        raise EdxmlError(f"{where}/DigestValue: digest mismatch, the attachment data is corrupted or altered")


def parse_package(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> EdxmlDocument:
    """Read an edXML package; raise :class:`EdxmlError` for anything malformed or not allowed."""
    root = _load(data, max_bytes, "package")
    _check_root(root, "edXML", "package")
    path = "edXML/edXMLEnvelope"
    envelope = _require(root, "edXMLEnvelope", "edXML")
    header = _require(envelope, "edXMLHeader", path)
    path_h = f"{path}/edXMLHeader"
    message = _require(header, "MessageHeader", path_h)
    mh = f"{path_h}/MessageHeader"
    _refuse_confidential(message, mh)
    _refuse_other_business(header, path_h)

    from_organ = _parse_organ(_require(message, "From", mh), f"{mh}/From")
    to_organs = tuple(
        _parse_organ(element, f"{mh}/To[{index}]")
        for index, element in enumerate(message.findall(_q("To")), start=1)
    )
    if not to_organs:
        raise EdxmlError(f"{mh}/To: required element is missing (at least one recipient organ)")

    code = _require(message, "Code", mh)
    code_number = _text(code, "CodeNumber", f"{mh}/Code", required=True, strip=True)
    if not _DIGITS.fullmatch(code_number):
        raise EdxmlError(f"{mh}/Code/CodeNumber: the document number must be numeric, got {code_number!r}")
    if len(code_number) > MAX_LENGTHS["CodeNumber"]:
        raise EdxmlError(
            f"{mh}/Code/CodeNumber: {len(code_number)} characters, "
            f"over the limit of {MAX_LENGTHS['CodeNumber']}"
        )
    code_notation = _text(
        code, "CodeNotation", f"{mh}/Code", required=True, max_len=MAX_LENGTHS["CodeNotation"], strip=True
    )

    info = _require(message, "PromulgationInfo", mh)
    place = _text(info, "Place", f"{mh}/PromulgationInfo", required=True)
    date_text = _text(info, "PromulgationDate", f"{mh}/PromulgationInfo", required=True, strip=True)
    promulgation_date = _parse_date(date_text, f"{mh}/PromulgationInfo/PromulgationDate")

    doc_type = _require(message, "DocumentType", mh)
    type_code = _text(
        doc_type, "Type", f"{mh}/DocumentType", required=True, max_len=_MAX_TYPE_CODE, strip=True
    )
    type_name = _text(
        doc_type, "TypeName", f"{mh}/DocumentType", required=True, max_len=MAX_LENGTHS["TypeName"]
    )

    subject = _text(message, "Subject", mh, required=True, max_len=MAX_LENGTHS["Subject"])
    content = _text(message, "Content", mh)

    signer = _require(message, "SignerInfo", mh)
    signer_competence = _text(signer, "Competence", f"{mh}/SignerInfo")
    signer_position = _text(
        signer, "Position", f"{mh}/SignerInfo", required=True, max_len=MAX_LENGTHS["Position"]
    )
    signer_full_name = _text(
        signer, "FullName", f"{mh}/SignerInfo", required=True, max_len=MAX_LENGTHS["FullName"]
    )

    due_text = _text(message, "DueDate", mh, strip=True)
    due_date = _parse_date(due_text, f"{mh}/DueDate") if due_text else None

    to_places: tuple[str, ...] = ()
    places = _find(message, "ToPlaces")
    if places is not None:
        to_places = tuple(
            place.text for place in places.findall(_q("Place")) if place.text and place.text.strip()
        )

    urgency: Urgency = "thuong"
    page_amount: int | None = None
    promulgation_amount: int | None = None
    sphere = typer = ""
    appendixes: tuple[str, ...] = ()
    other = _find(message, "OtherInfo")
    if other is not None:
        oi = f"{mh}/OtherInfo"
        priority_text = _text(other, "Priority", oi, strip=True)
        if priority_text:
            priority = _parse_int(priority_text, f"{oi}/Priority")
            if priority not in _PRIORITY_URGENCY:
                raise EdxmlError(f"{oi}/Priority: unknown priority {priority}, expected 0-4")
            urgency = _PRIORITY_URGENCY[priority]
        page_text = _text(other, "PageAmount", oi, strip=True)
        page_amount = _parse_int(page_text, f"{oi}/PageAmount") if page_text else None
        amount_text = _text(other, "PromulgationAmount", oi, strip=True)
        promulgation_amount = _parse_int(amount_text, f"{oi}/PromulgationAmount") if amount_text else None
        sphere = _text(other, "SphereOfPromulgation", oi)
        typer = _text(other, "TyperNotation", oi)
        appendix_list = _find(other, "Appendixes")
        if appendix_list is not None:
            appendixes = tuple(
                item.text for item in appendix_list.findall(_q("Appendix")) if item.text and item.text.strip()
            )

    response_for: ResponseFor | None = None
    responses = message.findall(_q("ResponseFor"))
    # Only the first reference is kept; an empty <ResponseFor/> (some systems always send one) is none.
    if responses and len(responses[0]):
        rf = f"{mh}/ResponseFor"
        response_for = ResponseFor(
            organ_id=_text(
                responses[0], "OrganId", rf, required=True, max_len=MAX_LENGTHS["OrganId"], strip=True
            ),
            code=_text(responses[0], "Code", rf, required=True, max_len=_MAX_CODE_LENGTH, strip=True),
            promulgation_date=_parse_date(
                _text(responses[0], "PromulgationDate", rf, required=True, strip=True),
                f"{rf}/PromulgationDate",
            ),
            document_id=_text(responses[0], "DocumentId", rf, required=True, strip=True),
        )

    steering_text = _text(message, "SteeringType", mh, strip=True)
    steering_type = _parse_int(steering_text, f"{mh}/SteeringType") if steering_text else 0
    document_id = _text(message, "DocumentId", mh, required=True, strip=True)

    attachments = _parse_attachments(root, _find(envelope, "edXMLBody"), path)

    try:
        return EdxmlDocument(
            from_organ=from_organ,
            to_organs=to_organs,
            code_number=code_number,
            code_notation=code_notation,
            place=place,
            promulgation_date=promulgation_date,
            type_code=type_code,
            type_name=type_name,
            subject=subject,
            signer_position=signer_position,
            signer_full_name=signer_full_name,
            urgency=urgency,
            document_id=document_id,
            due_date=due_date,
            page_amount=page_amount,
            promulgation_amount=promulgation_amount,
            to_places=to_places,
            content=content,
            attachments=attachments,
            steering_type=steering_type,
            response_for=response_for,
            signer_competence=signer_competence,
            sphere_of_promulgation=sphere,
            typer_notation=typer,
            appendixes=appendixes,
        )
    except EdxmlError as exc:
        raise EdxmlError(f"{mh}: {exc}") from None


def parse_status(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> StatusMessage:
    """Read a status message; raise :class:`EdxmlError` for anything malformed, e.g. an unknown code."""
    root = _load(data, max_bytes, "status message")
    _check_root(root, "edXMLStatus", "status message")
    path = "edXMLStatus/Status"
    status = _require(root, "Status", "edXMLStatus")
    response = _require(status, "ResponseFor", path)
    rf = f"{path}/ResponseFor"
    code_text = _text(status, "StatusCode", path, required=True, strip=True)
    try:
        code = ExchangeStatus(code_text)
    except ValueError:
        known = ", ".join(member.value for member in ExchangeStatus)
        raise EdxmlError(
            f"{path}/StatusCode: unknown status code {code_text!r}, expected one of {known}"
        ) from None
    staff = _find(status, "StaffInfo")
    si = f"{path}/StaffInfo"
    try:
        return StatusMessage(
            from_organ=_parse_organ(_require(status, "From", path), f"{path}/From"),
            response_for_organ_id=_text(
                response, "OrganId", rf, required=True, max_len=MAX_LENGTHS["OrganId"], strip=True
            ),
            response_for_code=_text(
                response, "Code", rf, required=True, max_len=_MAX_CODE_LENGTH, strip=True
            ),
            response_for_promulgation_date=_parse_date(
                _text(response, "PromulgationDate", rf, required=True, strip=True), f"{rf}/PromulgationDate"
            ),
            response_for_document_id=_text(response, "DocumentId", rf, required=True, strip=True),
            status=code,
            description=_text(status, "Description", path),
            timestamp=_parse_timestamp(
                _text(status, "Timestamp", path, required=True, strip=True), f"{path}/Timestamp"
            ),
            staff_department=_text(staff, "Department", si) if staff is not None else "",
            staff_name=_text(staff, "Staff", si) if staff is not None else "",
            staff_mobile=_text(staff, "Mobile", si) if staff is not None else "",
            staff_email=_text(staff, "Email", si) if staff is not None else "",
        )
    except EdxmlError as exc:
        if exc.args and str(exc.args[0]).startswith("StatusMessage."):
            raise EdxmlError(f"{path}: {exc}") from None
        raise
