"""edXML packages (QCVN 102:2016/BTTTT) and status messages (Decision 28/2018/QĐ-TTg): pure, no database."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.documents.edxml import (
    DEFAULT_MAX_BYTES,
    EXCHANGE_STATUS_LABELS,
    NAMESPACE,
    Attachment,
    EdxmlDocument,
    EdxmlError,
    ExchangeStatus,
    Organ,
    ResponseFor,
    StatusMessage,
    build_package,
    build_status,
    parse_package,
    parse_status,
)

NS = f"{{{NAMESPACE}}}"
# A small but real PDF prefix, with the binary comment line PDFs use (bytes > 0x7F, a NUL, CR/LF).
PDF_BYTES = b"%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\xff\xfe" + bytes(
    range(256)
)

PROVINCE = Organ(
    "000.00.00.H37",
    "Ủy ban nhân dân tỉnh Lạng Sơn",
    organ_in_charge="Văn phòng UBND tỉnh",
    organ_add="Số 1 đường Hoàng Văn Thụ, phường Chi Lăng, thành phố Lạng Sơn",
    email="vanphong@langson.gov.vn",
    telephone="0205 3812 345",
    fax="0205 3812 346",
    website="https://langson.gov.vn",
)
JUSTICE = Organ("000.00.12.H37", "Sở Tư pháp tỉnh Lạng Sơn", email="stp@langson.gov.vn")
FINANCE = Organ("000.00.07.H37", "Sở Tài chính tỉnh Lạng Sơn")
CAO_LOC = Organ("000.00.21.H37", "Ủy ban nhân dân huyện Cao Lộc", telephone="0205 3861 111")


def make_document(**changes: object) -> EdxmlDocument:
    values: dict[str, object] = {
        "from_organ": PROVINCE,
        "to_organs": (JUSTICE, FINANCE, CAO_LOC),
        "code_number": "05",
        "code_notation": "QĐ-UBND",
        "place": "Lạng Sơn",
        "promulgation_date": dt.date(2024, 5, 6),
        "type_code": "2",
        "type_name": "Quyết định",
        "subject": "Về việc công bố danh mục thủ tục hành chính được chuẩn hóa thuộc thẩm quyền giải quyết "
        "của Sở Tư pháp tỉnh Lạng Sơn",
        "signer_position": "Chủ tịch",
        "signer_full_name": "Hồ Tiến Thiệu",
        "urgency": "thuong_khan",
        "document_id": "000.00.00.H37,2024/05/06,05/QĐ-UBND",
        "due_date": dt.date(2024, 5, 20),
        "page_amount": 12,
        "promulgation_amount": 25,
        "to_places": ("Như Điều 3;", "Bộ Tư pháp (b/c);", "Lưu: VT, KSTT."),
        "content": "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính...\r\nĐiều 2. ...",
        "attachments": (
            Attachment("05-QD-UBND.pdf", "application/pdf", PDF_BYTES, "Bản ký số"),
            Attachment(
                "Phụ lục danh mục TTHC.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK\x03\x04" + "Danh mục thủ tục".encode() * 40,
                "Phụ lục kèm theo",
            ),
        ),
        "steering_type": 1,
        "response_for": ResponseFor("000.00.12.H37", "120/TTr-STP", dt.date(2024, 4, 25), "000.00.12.H37,x"),
        "signer_competence": "TM. ỦY BAN NHÂN DÂN",
        "sphere_of_promulgation": "Liên thông văn bản quốc gia",
        "typer_notation": "NTH",
        "appendixes": ("Danh mục thủ tục hành chính",),
    }
    values.update(changes)
    return EdxmlDocument(**values)  # type: ignore[arg-type]


def make_status(status: ExchangeStatus = ExchangeStatus.ARRIVED, **changes: object) -> StatusMessage:
    values: dict[str, object] = {
        "from_organ": JUSTICE,
        "response_for_organ_id": "000.00.00.H37",
        "response_for_code": "05/QĐ-UBND",
        "response_for_promulgation_date": dt.date(2024, 5, 6),
        "response_for_document_id": "000.00.00.H37,2024/05/06,05/QĐ-UBND",
        "status": status,
        "description": f"Văn thư Sở Tư pháp: {EXCHANGE_STATUS_LABELS.get(status, '')}",
        "timestamp": dt.datetime(2024, 5, 6, 8, 15, 30, tzinfo=dt.UTC),
        "staff_department": "Văn phòng Sở",
        "staff_name": "Nguyễn Thị Ngọc Trâm",
        "staff_mobile": "0912000001",
        "staff_email": "tram@langson.gov.vn",
    }
    values.update(changes)
    return StatusMessage(**values)  # type: ignore[arg-type]


DOCUMENT = make_document()
PACKAGE = build_package(DOCUMENT)


def mutate(data: bytes, old: str, new: str) -> bytes:
    """Replace exactly one occurrence of ``old``, so a test cannot silently stop exercising its case."""
    raw = old.encode()
    assert data.count(raw) == 1, f"{old!r} occurs {data.count(raw)} times"
    return data.replace(raw, new.encode())


# ------------------------------------------------------------------------------------------------------
# Round trips, determinism, shape
# ------------------------------------------------------------------------------------------------------


def test_realistic_document_round_trips() -> None:
    parsed = parse_package(PACKAGE)
    assert parsed == DOCUMENT
    assert parsed.attachments[0].data == PDF_BYTES
    assert [organ.organ_id for organ in parsed.to_organs] == [
        "000.00.12.H37",
        "000.00.07.H37",
        "000.00.21.H37",
    ]
    assert "\r\n" in parsed.content  # CR survives XML's line-end normalisation


def test_minimal_document_round_trips() -> None:
    doc = make_document(
        to_organs=(JUSTICE,),
        due_date=None,
        page_amount=None,
        promulgation_amount=None,
        to_places=(),
        content="",
        attachments=(),
        steering_type=0,
        response_for=None,
        signer_competence="",
        sphere_of_promulgation="",
        typer_notation="",
        appendixes=(),
        urgency="thuong",
    )
    assert parse_package(build_package(doc)) == doc


def test_output_is_deterministic() -> None:
    assert build_package(make_document()) == PACKAGE
    assert build_package(parse_package(PACKAGE)) == PACKAGE
    status = make_status()
    assert build_status(status) == build_status(make_status())
    assert build_status(parse_status(build_status(status))) == build_status(status)


def test_package_is_well_formed_and_namespaced() -> None:
    assert PACKAGE.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    PACKAGE.decode("utf-8")
    root = ET.fromstring(PACKAGE)
    assert root.tag == f"{NS}edXML"
    assert all(element.tag.startswith(NS) for element in root.iter())
    assert [child.tag for child in root] == [f"{NS}edXMLEnvelope", f"{NS}AttachmentEncoded"]
    header = root.find(f"{NS}edXMLEnvelope/{NS}edXMLHeader/{NS}MessageHeader")
    assert header is not None
    assert header.findtext(f"{NS}Code/{NS}CodeNumber") == "05"
    assert header.findtext(f"{NS}PromulgationInfo/{NS}PromulgationDate") == "2024/05/06"
    assert header.findtext(f"{NS}OtherInfo/{NS}Priority") == "2"  # thượng khẩn
    assert len(header.findall(f"{NS}To")) == 3
    references = root.findall(f"{NS}edXMLEnvelope/{NS}edXMLBody/{NS}edXMLManifest/{NS}Reference")
    encoded = root.findall(f"{NS}AttachmentEncoded/{NS}Attachment")
    assert len(references) == len(encoded) == 2
    for reference, item, attachment in zip(references, encoded, DOCUMENT.attachments, strict=True):
        assert reference.findtext(f"{NS}ContentId") == item.findtext(f"{NS}ContentId")
        assert base64.b64decode(item.findtext(f"{NS}ContentTransferEncoded") or "") == attachment.data
        digest = base64.b64decode(reference.findtext(f"{NS}DigestValue") or "")
        assert digest == hashlib.sha256(attachment.data).digest()


def test_status_is_well_formed_and_namespaced() -> None:
    data = build_status(make_status())
    root = ET.fromstring(data)
    assert root.tag == f"{NS}edXMLStatus"
    assert all(element.tag.startswith(NS) for element in root.iter())
    assert root.findtext(f"{NS}Status/{NS}StatusCode") == "01"
    # Sent in Vietnam time, as the SDK does: 08:15:30 UTC is 15:15:30 ICT.
    assert root.findtext(f"{NS}Status/{NS}Timestamp") == "2024/05/06 15:15:30"


@pytest.mark.parametrize("status", list(ExchangeStatus))
def test_status_round_trips_for_each_code(status: ExchangeStatus) -> None:
    message = make_status(status)
    parsed = parse_status(build_status(message))
    assert parsed == message
    assert parsed.status is status
    assert parsed.timestamp.utcoffset() == dt.timedelta(hours=7)


def test_the_nine_status_codes() -> None:
    assert [status.value for status in ExchangeStatus] == [
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "13",
        "15",
        "16",
    ]
    assert set(EXCHANGE_STATUS_LABELS) == set(ExchangeStatus)
    assert ExchangeStatus.ARRIVED.label == "Đã đến"
    assert ExchangeStatus.REFUSED.label == "Từ chối tiếp nhận"
    assert ExchangeStatus("13").label == "Lấy lại"
    assert f"{ExchangeStatus.COMPLETED}" == "06"


def test_status_accepts_iso_timestamp_and_empty_staff_info() -> None:
    data = mutate(build_status(make_status()), "2024/05/06 15:15:30", "2024-05-06T08:15:30+00:00")
    data = mutate(data, "<edXML:Mobile>0912000001</edXML:Mobile>", "")
    assert parse_status(data).timestamp == dt.datetime(2024, 5, 6, 8, 15, 30, tzinfo=dt.UTC)


def test_parses_a_package_laid_out_like_the_vxp_sdk_sample() -> None:
    """Default namespace on the root, prefix declared on the envelope, extra elements, no digest."""
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="{NAMESPACE}">
  <edXML:edXMLEnvelope xmlns:edXML="{NAMESPACE}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:OrganizationInCharge>Văn phòng Chính phủ</edXML:OrganizationInCharge>
          <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>000.00.00.H37</edXML:OrganId>
          <edXML:OrganName>UBND tỉnh Lạng Sơn</edXML:OrganName>
        </edXML:To>
        <edXML:DocumentId>000.00.00.G22,2024/01/16,781/VPCP-KSTT</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>781</edXML:CodeNumber><edXML:CodeNotation>VPCP-KSTT</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo>
          <edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>2024/01/16</edXML:PromulgationDate>
        </edXML:PromulgationInfo>
        <edXML:DocumentType>
          <edXML:Type>1</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail>
          <edXML:TypeName>Công văn</edXML:TypeName>
        </edXML:DocumentType>
        <edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>
        <edXML:Content>V/v kết nối</edXML:Content>
        <edXML:SignerInfo>
          <edXML:Competence>KT. BỘ TRƯỞNG</edXML:Competence>
          <edXML:Position>Thứ trưởng</edXML:Position><edXML:FullName>Nguyễn Văn B</edXML:FullName>
        </edXML:SignerInfo>
        <edXML:DueDate>2024/01/30</edXML:DueDate>
        <edXML:OtherInfo>
          <edXML:Priority>4</edXML:Priority><edXML:PageAmount>2</edXML:PageAmount>
          <edXML:Direction>false</edXML:Direction>
          <edXML:Appendixes><edXML:Appendix></edXML:Appendix></edXML:Appendixes>
        </edXML:OtherInfo>
        <edXML:ResponseFor/>
        <edXML:SteeringType>1</edXML:SteeringType>
        <edXML:ToPlaces><edXML:Place>Các bộ, cơ quan ngang bộ</edXML:Place></edXML:ToPlaces>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId>
          <edXML:Timestamp>2024/01/16 09:00:00</edXML:Timestamp></edXML:TraceHeader>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType><edXML:Paper>0</edXML:Paper>
        </edXML:Bussiness>
      </edXML:TraceHeaderList>
      <Signature><SignedInfo/><SignatureValue>AAAA</SignatureValue></Signature>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference>
          <edXML:ContentId>cid:209</edXML:ContentId><edXML:ContentType>application/pdf</edXML:ContentType>
          <edXML:Description>781-VPCP.pdf</edXML:Description><edXML:AttachmentName>781-VPCP.pdf</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>209</ContentId><AttachmentName>781-VPCP.pdf</AttachmentName>
      <ContentType>application/pdf</ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="{NAMESPACE}">JVBERi0x
      LjQK</edXML:ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
""".encode()
    doc = parse_package(data)
    assert doc.from_organ.organ_in_charge == "Văn phòng Chính phủ"
    assert (doc.code_number, doc.code_notation, doc.type_code) == ("781", "VPCP-KSTT", "1")
    assert doc.urgency == "hoa_toc"  # priority 4, "hỏa tốc hẹn giờ", has no Decree 30 level of its own
    assert doc.response_for is None
    assert doc.appendixes == ()
    assert doc.steering_type == 1
    assert doc.attachments == (Attachment("781-VPCP.pdf", "application/pdf", b"%PDF-1.4\n", "781-VPCP.pdf"),)


# ------------------------------------------------------------------------------------------------------
# Malformed input
# ------------------------------------------------------------------------------------------------------

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
    f'<edXML xmlns="{NAMESPACE}">&lol2;</edXML>'
)
XXE = (
    f'<?xml version="1.0"?><!doctype edXML [<!entity x SYSTEM "file:///etc/passwd">]>'
    f'<edXML xmlns="{NAMESPACE}">&x;</edXML>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "not well-formed XML", id="empty"),
        pytest.param(b"this is not XML", "not well-formed XML", id="not-xml"),
        pytest.param(PACKAGE[: len(PACKAGE) // 2], "not well-formed XML", id="truncated"),
        pytest.param(b"%PDF-1.4\n\xe2\xe3\xcf\xd3", "not UTF-8", id="binary"),
        pytest.param(PACKAGE.decode().encode("utf-16"), "not UTF-8", id="utf-16"),
        pytest.param(
            PACKAGE.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
            "only UTF-8",
            id="latin-1-declared",
        ),
        pytest.param(LAUGHS.encode(), "<!DOCTYPE declaration", id="billion-laughs"),
        pytest.param(XXE.encode(), "<!DOCTYPE declaration", id="xxe"),
        pytest.param(
            mutate(PACKAGE, "<edXML:edXMLEnvelope>", '<!ENTITY x "y"><edXML:edXMLEnvelope>'),
            "<!ENTITY declaration",
            id="entity",
        ),
        pytest.param(f'<foo xmlns="{NAMESPACE}"/>'.encode(), "root element is <foo>", id="wrong-root"),
        pytest.param(
            PACKAGE.replace(NAMESPACE.encode(), b"http://example.org/edxml"),
            "edXML: the package root element is in namespace 'http://example.org/edxml'",
            id="wrong-namespace",
        ),
        pytest.param(
            b"<edXML><edXMLEnvelope/></edXML>", "root element is in no namespace", id="no-namespace"
        ),
        pytest.param(
            build_status(make_status()),
            "root element is <edXMLStatus>, expected <edXML>",
            id="status-as-package",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:Subject>", "<edXML:Summary>").replace(
                b"</edXML:Subject>", b"</edXML:Summary>"
            ),
            "MessageHeader/Subject: required element is missing",
            id="missing-subject",
        ),
        pytest.param(
            mutate(
                PACKAGE,
                f"<edXML:Subject>{DOCUMENT.subject}</edXML:Subject>",
                "<edXML:Subject>  </edXML:Subject>",
            ),
            "MessageHeader/Subject: required value is empty",
            id="blank-subject",
        ),
        pytest.param(
            PACKAGE.replace(b"<edXML:To>", b"<edXML:Recipient>").replace(
                b"</edXML:To>", b"</edXML:Recipient>"
            ),
            "MessageHeader/To: required element is missing",
            id="missing-to",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:OrganId>000.00.00.H37</edXML:OrganId>", ""),
            "MessageHeader/From/OrganId: required element is missing",
            id="missing-organ-id",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:MessageHeader>", "<edXML:Header>").replace(
                b"</edXML:MessageHeader>", b"</edXML:Header>"
            ),
            "edXMLHeader/MessageHeader: required element is missing",
            id="missing-message-header",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:PromulgationDate>2024/05/06<", "<edXML:PromulgationDate>2024/02/30<"),
            "PromulgationInfo/PromulgationDate: '2024/02/30' is not a valid date",
            id="impossible-date",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:PromulgationDate>2024/05/06<", "<edXML:PromulgationDate>06/05/2024<"),
            "PromulgationDate: expected a date written yyyy/MM/dd, got '06/05/2024'",
            id="day-first-date",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:DueDate>2024/05/20<", "<edXML:DueDate>soon<"),
            "MessageHeader/DueDate: expected a date",
            id="bad-due-date",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:CodeNumber>05<", "<edXML:CodeNumber>05a<"),
            "Code/CodeNumber: the document number must be numeric, got '05a'",
            id="non-numeric-code-number",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:PageAmount>12<", "<edXML:PageAmount>twelve<"),
            "OtherInfo/PageAmount: expected a non-negative whole number",
            id="non-numeric-page-amount",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:Priority>2<", "<edXML:Priority>7<"),
            "OtherInfo/Priority: unknown priority 7",
            id="unknown-priority",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:Type>2<", "<edXML:Type> <"),
            "DocumentType/Type: required value is empty",
            id="blank-type",
        ),
        pytest.param(
            mutate(PACKAGE, "<ContentTransferEncoded>JVBER", "<ContentTransferEncoded>!!JVBER"),
            "AttachmentEncoded/Attachment[1]/ContentTransferEncoded: invalid base64",
            id="bad-base64",
        ),
        pytest.param(
            mutate(PACKAGE, "<ContentTransferEncoded>JVBER", "<ContentTransferEncoded>AAAAJVBER"),
            "Reference[1]/DigestValue: digest mismatch",
            id="digest-mismatch",
        ),
        pytest.param(
            PACKAGE.replace(b"xmlenc#sha256", b"xmldsig#sha1", 1),
            "Reference[1]/DigestMethod: unsupported digest algorithm",
            id="sha1-digest",
        ),
        pytest.param(
            mutate(PACKAGE, "<ContentId>cid:2</ContentId>", "<ContentId>cid:9</ContentId>"),
            "Reference[2]/ContentId: no AttachmentEncoded/Attachment carries the data of '2'",
            id="missing-attachment-data",
        ),
        pytest.param(
            mutate(
                PACKAGE,
                "<edXML:ContentId>cid:2</edXML:ContentId>",
                "<edXML:ContentId>cid:1</edXML:ContentId>",
            ),
            "Reference[2]/ContentId: '1' is referenced more than once",
            id="duplicate-reference",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:BussinessDocType>0<", "<edXML:BussinessDocType>1<"),
            "BussinessDocType: 1 (revocation) packages are not supported",
            id="revocation-package",
        ),
        pytest.param(
            mutate(
                PACKAGE,
                "<edXML:Priority>2</edXML:Priority>",
                "<edXML:Priority>2</edXML:Priority><edXML:SecurityLevel>Mật</edXML:SecurityLevel>",
            ),
            "OtherInfo/SecurityLevel: the document is marked confidential ('Mật')",
            id="confidential-element",
        ),
        pytest.param(
            mutate(PACKAGE, "<edXML:OtherInfo>", '<edXML:OtherInfo secret="1">'),
            "OtherInfo@secret: the document is marked confidential",
            id="confidential-attribute",
        ),
        pytest.param(
            mutate(
                PACKAGE,
                "<edXML:OtherInfo>",
                "<edXML:OtherInfo><edXML:Confidentiality><edXML:Level>"
                "Tối mật</edXML:Level></edXML:Confidentiality>",
            ),
            "OtherInfo/Confidentiality: the document is marked confidential",
            id="confidential-nested",
        ),
    ],
)
def test_malformed_package_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(EdxmlError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_package(data)


def test_normal_confidentiality_mark_is_accepted() -> None:
    data = mutate(
        PACKAGE,
        "<edXML:Priority>2</edXML:Priority>",
        "<edXML:Priority>2</edXML:Priority><edXML:SecurityLevel>Thường</edXML:SecurityLevel>",
    )
    assert parse_package(data) == DOCUMENT


def test_unreferenced_attachment_is_refused() -> None:
    extra = "<Attachment><ContentId>cid:77</ContentId><ContentTransferEncoded>AA==</ContentTransferEncoded>"
    data = mutate(PACKAGE, "</AttachmentEncoded>", f"{extra}</Attachment></AttachmentEncoded>")
    with pytest.raises(EdxmlError, match="attachment\\(s\\) '77' are not listed in the envelope's manifest"):
        parse_package(data)


@pytest.mark.parametrize(
    ("element", "old", "limit"),
    [
        ("OrganId", "000.00.00.H37", 13),
        ("OrganName", PROVINCE.organ_name, 200),
        ("CodeNumber", "05", 11),
        ("CodeNotation", "QĐ-UBND", 30),
        ("Subject", DOCUMENT.subject, 500),
        ("TypeName", "Quyết định", 100),
        ("Position", "Chủ tịch", 100),
        ("FullName", "Hồ Tiến Thiệu", 50),
    ],
)
def test_field_over_the_decree_30_limit_is_refused(element: str, old: str, limit: int) -> None:
    too_long = "1" * (limit + 1)
    data = mutate(
        PACKAGE, f"<edXML:{element}>{old}</edXML:{element}>", f"<edXML:{element}>{too_long}</edXML:{element}>"
    )
    with pytest.raises(EdxmlError, match=f"{element}: {limit + 1} characters, over the limit of {limit}"):
        parse_package(data)
    at_limit = mutate(
        PACKAGE,
        f"<edXML:{element}>{old}</edXML:{element}>",
        f"<edXML:{element}>{'1' * limit}</edXML:{element}>",
    )
    parse_package(at_limit)


def test_package_over_the_size_limit_is_refused() -> None:
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    parse_package(PACKAGE, max_bytes=len(PACKAGE))
    with pytest.raises(
        EdxmlError, match=f"the package is {len(PACKAGE)} bytes, over the limit of {len(PACKAGE) - 1}"
    ):
        parse_package(PACKAGE, max_bytes=len(PACKAGE) - 1)
    with pytest.raises(EdxmlError, match=r"the package would be .* bytes, over the limit of 2000 bytes"):
        build_package(DOCUMENT, max_bytes=2000)
    with pytest.raises(EdxmlError, match=r"the attachments total .* over the package limit of 100 bytes"):
        build_package(DOCUMENT, max_bytes=100)
    status = build_status(make_status())
    with pytest.raises(EdxmlError, match=r"the status message is .* bytes, over the limit of 10 bytes"):
        parse_status(status, max_bytes=10)


def test_input_must_be_bytes() -> None:
    with pytest.raises(EdxmlError, match="must be given as bytes, not str"):
        parse_package(PACKAGE.decode())  # type: ignore[arg-type]
    with pytest.raises(EdxmlError, match="build_package expects an EdxmlDocument"):
        build_package(make_status())  # type: ignore[arg-type]


STATUS = build_status(make_status())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            mutate(STATUS, ">01<", ">07<"), "StatusCode: unknown status code '07'", id="unknown-code"
        ),
        pytest.param(mutate(STATUS, ">01<", ">1<"), "unknown status code '1'", id="one-digit-code"),
        pytest.param(
            mutate(STATUS, "<edXML:StatusCode>01</edXML:StatusCode>", ""),
            "edXMLStatus/Status/StatusCode: required element is missing",
            id="missing-code",
        ),
        pytest.param(
            mutate(STATUS, "2024/05/06 15:15:30", "2024/13/06 15:15:30"),
            "Status/Timestamp: '2024/13/06 15:15:30' is not a valid timestamp",
            id="bad-timestamp",
        ),
        pytest.param(
            mutate(STATUS, "2024/05/06 15:15:30", "2024-05-06T15:15:30"),
            "Timestamp: an ISO 8601 timestamp must carry a UTC offset",
            id="naive-iso-timestamp",
        ),
        pytest.param(
            mutate(STATUS, "<edXML:PromulgationDate>2024/05/06<", "<edXML:PromulgationDate>2024/5/6<"),
            "ResponseFor/PromulgationDate: expected a date",
            id="bad-date",
        ),
        pytest.param(
            mutate(STATUS, "<edXML:DocumentId>000.00.00.H37,2024/05/06,05/QĐ-UBND</edXML:DocumentId>", ""),
            "ResponseFor/DocumentId: required element is missing",
            id="missing-document-id",
        ),
        pytest.param(PACKAGE, "root element is <edXML>, expected <edXMLStatus>", id="package-as-status"),
        pytest.param(
            mutate(STATUS, "<edXML:Status>", "<!DOCTYPE x><edXML:Status>"),
            "<!DOCTYPE declaration",
            id="doctype",
        ),
    ],
)
def test_malformed_status_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(EdxmlError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_status(data)


# ------------------------------------------------------------------------------------------------------
# Values that cannot be put on the wire
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code_number": "5a"}, "code_number must be a number"),
        ({"code_number": "123456789012"}, "code_number is 12 characters long, over the limit of 11"),
        ({"code_notation": "X" * 31}, "code_notation is 31 characters long, over the limit of 30"),
        ({"subject": "s" * 501}, "subject is 501 characters long, over the limit of 500"),
        ({"subject": "  "}, "subject is required"),
        ({"subject": "nul \x00 byte"}, "subject contains the character U\\+0000"),
        ({"type_name": "t" * 101}, "type_name is 101 characters long"),
        ({"signer_position": "p" * 101}, "signer_position is 101 characters long"),
        ({"signer_full_name": "n" * 51}, "signer_full_name is 51 characters long"),
        ({"urgency": "mat"}, "urgency must be one of thuong, khan, thuong_khan, hoa_toc"),
        ({"to_organs": ()}, "at least one recipient"),
        ({"to_places": "Nơi nhận"}, "to_places must be a tuple, not str"),
        (
            {"promulgation_date": dt.datetime(2024, 5, 6, tzinfo=dt.UTC)},
            "must be a datetime.date, not datetime",
        ),
        ({"page_amount": -1}, "page_amount must be a non-negative int"),
        ({"document_id": " id "}, "document_id must not start or end with whitespace"),
        ({"type_code": ""}, "type_code is required"),
    ],
)
def test_invalid_document_values_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(EdxmlError, match=message):
        make_document(**changes)


def test_invalid_organ_and_attachment_values_are_refused() -> None:
    with pytest.raises(EdxmlError, match="organ_id is 14 characters long, over the limit of 13"):
        Organ("000.000.00.H37", "UBND")
    with pytest.raises(EdxmlError, match="organ_name is 201 characters long"):
        Organ("000.00.00.H37", "U" * 201)
    with pytest.raises(EdxmlError, match="content_type 'pdf' is not a MIME type"):
        Attachment("a.pdf", "pdf", b"")
    with pytest.raises(EdxmlError, match="data must be bytes, not str"):
        Attachment("a.pdf", "application/pdf", "text")  # type: ignore[arg-type]
    as_bytes = Attachment("a", "text/plain", bytearray(b"x"))  # type: ignore[arg-type]
    assert as_bytes.data == b"x"


def test_invalid_status_values_are_refused() -> None:
    with pytest.raises(EdxmlError, match="timestamp must be timezone-aware"):
        make_status(timestamp=dt.datetime(2024, 5, 6, 8, 0))  # noqa: DTZ001 - the point of the test
    with pytest.raises(EdxmlError, match="status must be an ExchangeStatus"):
        make_status(status="01", description="")  # type: ignore[arg-type]
    with pytest.raises(EdxmlError, match="response_for_organ_id is 14 characters long"):
        make_status(response_for_organ_id="x" * 14)
    with pytest.raises(EdxmlError, match="must give the reason of a refusal"):
        build_status(make_status(ExchangeStatus.REFUSED, description=" "))


def test_dataclasses_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DOCUMENT.subject = "x"  # type: ignore[misc]


# ------------------------------------------------------------------------------------------------------
# Property: any valid subject and attachments survive the round trip
# ------------------------------------------------------------------------------------------------------

# Everything XML 1.0 can carry: no controls other than tab/CR/LF, no surrogates, no non-characters.
XML_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn")) | st.sampled_from("\t\n\r")


def xml_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(XML_CHARS, min_size=min_size, max_size=max_size).filter(
        lambda s: not min_size or s.strip()
    )


attachments = st.builds(
    Attachment,
    name=xml_text(1, 40),
    content_type=st.sampled_from(
        [
            "application/pdf",
            "image/jpeg",
            "application/zip",
            "text/plain; charset=utf-8",
            "application/vnd.ms-excel",
        ]
    ),
    data=st.binary(max_size=1024),
    description=xml_text(0, 40),
)


@settings(max_examples=50, deadline=None)
@given(
    subject=xml_text(1, 500),
    content=xml_text(0, 200),
    files=st.lists(attachments, max_size=3).map(tuple),
)
def test_round_trip_property(subject: str, content: str, files: tuple[Attachment, ...]) -> None:
    doc = make_document(subject=subject, content=content, attachments=files)
    data = build_package(doc)
    assert parse_package(data) == doc
    assert build_package(doc) == data
