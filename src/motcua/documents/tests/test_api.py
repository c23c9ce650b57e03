"""The document office through /api/v1/documents: the whole exchange, registers, edXML, figures, errors."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.tokens import api_token_create
from motcua.core import clock
from motcua.documents.models import DocumentType, IncomingDocument
from motcua.documents.tests.conftest import PASSPHRASE, Office

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 4, 6, 8, 15, tzinfo=clock.local_zone())


def bearer(user: object) -> dict[str, str]:
    _, secret = api_token_create(user=user, name="test", actor=user)  # type: ignore[arg-type]
    return {"authorization": f"Bearer {secret}"}


def act(client: Client, who: object, pk: int, **payload: Any) -> Any:
    return client.post(
        f"/api/v1/documents/outgoing/{pk}/actions",
        payload,
        content_type="application/json",
        headers=bearer(who),
    )


def issued_letter(
    client: Client, sender: Office, receiver: Office, letter: DocumentType, **extra: Any
) -> int:
    created = client.post(
        "/api/v1/documents/outgoing",
        {
            "agency": sender.agency.identifier,
            "document_type_id": letter.pk,
            "subject": "Báo cáo công tác văn thư lưu trữ quý I",
            "content": "Đề nghị các cơ quan báo cáo công tác văn thư, lưu trữ quý I năm 2026.",
            "signer_id": sender.leader.pk,
            "signer_title": "Giám đốc",
            "symbol_unit": "VP",
            "recipients": [receiver.agency.identifier],
            **extra,
        },
        headers=bearer(sender.drafter),
    )
    assert created.status_code == 201, created.json()
    pk: int = created.json()["id"]
    assert act(client, sender.drafter, pk, action="submit").status_code == 200
    assert act(client, sender.leader, pk, action="approve").status_code == 200
    issued = act(client, sender.clerk, pk, action="issue", passphrase=PASSPHRASE)
    assert issued.status_code == 200, issued.json()
    return pk


def test_draft_to_handled_arrival_through_the_api(
    client: Client, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    with clock.frozen(MOMENT):
        pk = issued_letter(client, sender, receiver, official_letter)
        detail = client.get(f"/api/v1/documents/outgoing/{pk}", headers=bearer(sender.clerk)).json()
        assert detail["number_symbol"] == "01/STP-VP"
        assert detail["allowed_actions"] == ["dispatch"]
        pdf = client.get(f"/api/v1/documents/outgoing/{pk}/pdf", headers=bearer(sender.drafter))
        assert pdf["content-type"] == "application/pdf"
        assert "/ByteRange" in pdf.content.decode("latin-1")
        sent = act(client, sender.clerk, pk, action="dispatch").json()
        assert sent["recipients"][0]["exchange_status"] == "03"

        arrivals = client.get("/api/v1/documents/incoming", headers=bearer(receiver.leader)).json()
        [arrival] = arrivals["items"]
        assert (arrival["number_symbol"], arrival["arrival_number"]) == ("01/STP-VP", 1)
        assert arrival["allowed_actions"] == ["assign", "refuse"]
        assigned = client.post(
            f"/api/v1/documents/incoming/{arrival['id']}/actions",
            {
                "action": "assign",
                "handler_id": receiver.drafter.pk,
                "lead_unit_id": receiver.unit.pk,
                "due_on": "2026-04-10",
                "note": "Văn phòng chủ trì",
            },
            content_type="application/json",
            headers=bearer(receiver.leader),
        ).json()
        assert assigned["handler"] == receiver.drafter.full_name
        assert assigned["status"] == "assigned"
        closed = client.post(
            f"/api/v1/documents/incoming/{arrival['id']}/actions",
            {"action": "complete", "note": "Đã báo cáo"},
            content_type="application/json",
            headers=bearer(receiver.drafter),
        ).json()
        assert closed["status"] == "completed"
        after = client.get(f"/api/v1/documents/outgoing/{pk}", headers=bearer(sender.clerk)).json()
        assert after["recipients"][0]["exchange_status"] == "06"
        figures = client.get(
            "/api/v1/documents/figures",
            {"agency": receiver.agency.identifier, "date_from": "2026-04-01", "date_to": "2026-04-30"},
            headers=bearer(receiver.leader),
        ).json()
    assert figures["received"] == 1
    assert figures["received_electronic"] == 1
    assert figures["electronic_share"] == 1.0
    assert (figures["handled"], figures["handled_on_time"], figures["on_time_share"]) == (1, 1, 1.0)


def test_edxml_export_then_import_at_another_agency(
    client: Client, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    with clock.frozen(MOMENT):
        pk = issued_letter(client, sender, receiver, official_letter)
        package = client.get(f"/api/v1/documents/outgoing/{pk}/edxml", headers=bearer(sender.clerk))
        assert package.status_code == 200
        assert b"edXML" in package.content
        # The package is addressed to the receiver: its clerk imports it (as if it came over the axis).
        imported = client.post(
            "/api/v1/documents/incoming/edxml",
            {"agency": receiver.agency.identifier, "package": SimpleUploadedFile("p.edxml", package.content)},
            headers=bearer(receiver.clerk),
        )
        again = client.post(
            "/api/v1/documents/incoming/edxml",
            {"agency": receiver.agency.identifier, "package": SimpleUploadedFile("p.edxml", package.content)},
            headers=bearer(receiver.clerk),
        )
        wrong_agency = client.post(
            "/api/v1/documents/incoming/edxml",
            {"agency": sender.agency.identifier, "package": SimpleUploadedFile("p.edxml", package.content)},
            headers=bearer(sender.clerk),
        )
        malformed = client.post(
            "/api/v1/documents/incoming/edxml",
            {"agency": receiver.agency.identifier, "package": SimpleUploadedFile("p.edxml", b"<edXML><oops")},
            headers=bearer(receiver.clerk),
        )
    assert imported.status_code == 201, imported.json()
    body = imported.json()
    assert (body["number_symbol"], body["delivery"], body["sender_name"]) == (
        "01/STP-VP",
        "edxml",
        "Sở Tư pháp",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert wrong_agency.status_code == 400
    assert malformed.status_code == 400
    assert malformed.json()["message"].startswith("Gói edXML không hợp lệ")
    assert IncomingDocument.objects.filter(agency=receiver.agency).count() == 1


def test_register_books_download_as_pdf_and_xlsx(
    client: Client, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    with clock.frozen(MOMENT):
        issued_letter(client, sender, receiver, official_letter)
    query: dict[str, str | int] = {"agency": sender.agency.identifier, "year": 2026}
    pdf = client.get("/api/v1/documents/registers/outgoing", query, headers=bearer(sender.clerk))
    xlsx = client.get(
        "/api/v1/documents/registers/outgoing", {**query, "format": "xlsx"}, headers=bearer(sender.clerk)
    )
    secret = client.get(
        "/api/v1/documents/registers/outgoing",
        {**query, "series": "confidential"},
        headers=bearer(sender.drafter),
    )
    outsider = client.get("/api/v1/documents/registers/outgoing", query, headers=bearer(receiver.clerk))
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "01/STP-VP" in text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert any("01/STP-VP" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    assert secret.status_code == 404
    assert outsider.status_code == 404


def test_bad_input_gets_documented_errors_and_changes_nothing(
    client: Client, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    base = {
        "agency": sender.agency.identifier,
        "document_type_id": official_letter.pk,
        "subject": "Thử",
        "content": "Nội dung",
        "signer_id": sender.leader.pk,
        "signer_title": "Giám đốc",
    }
    unknown = client.post(
        "/api/v1/documents/outgoing",
        {**base, "recipients": ["999.99.99.X99"]},
        headers=bearer(sender.drafter),
    )
    secret = client.post(
        "/api/v1/documents/outgoing",
        {**base, "confidentiality": "mat", "recipients": [receiver.agency.identifier]},
        headers=bearer(sender.drafter),
    )
    not_mine = client.post(
        "/api/v1/documents/outgoing",
        {**base, "signer_id": receiver.leader.pk},
        headers=bearer(sender.drafter),
    )
    outsider = client.post("/api/v1/documents/outgoing", base, headers=bearer(receiver.drafter))
    period = client.get(
        "/api/v1/documents/outgoing",
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        headers=bearer(sender.clerk),
    )
    anonymous = client.get("/api/v1/documents/outgoing")
    assert (unknown.status_code, unknown.json()["fields"]) == (400, {"recipients": ["999.99.99.X99"]})
    assert secret.status_code == 400
    assert "mật" in secret.json()["message"]
    assert not_mine.status_code == 400
    assert "signer" in not_mine.json()["fields"]
    assert outsider.status_code == 403
    assert period.status_code == 400
    assert anonymous.status_code == 401
    assert client.get("/api/v1/documents/outgoing", headers=bearer(sender.clerk)).json()["count"] == 0


def test_lists_cost_the_same_queries_for_2_or_8_documents(
    client: Client,
    sender: Office,
    receiver: Office,
    official_letter: DocumentType,
    django_assert_max_num_queries: Any,
) -> None:
    headers = bearer(sender.clerk)
    client.get("/api/v1/documents/outgoing", headers=headers)  # the token's first use is recorded once
    with clock.frozen(MOMENT):
        for _ in range(2):
            issued_letter(client, sender, receiver, official_letter)
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/documents/outgoing", headers=headers)
    with clock.frozen(MOMENT):
        for _ in range(6):
            issued_letter(client, sender, receiver, official_letter)
    with django_assert_max_num_queries(10) as many:
        body = client.get("/api/v1/documents/outgoing", headers=headers).json()
    assert body["count"] == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_leader_grants_a_confidential_document_through_the_api(
    client: Client, sender: Office, receiver: Office, decision: DocumentType
) -> None:
    created = client.post(
        "/api/v1/documents/outgoing",
        {
            "agency": sender.agency.identifier,
            "document_type_id": decision.pk,
            "subject": "Phương án bảo vệ bí mật",
            "content": "Nội dung mật.",
            "signer_id": sender.leader.pk,
            "signer_title": "Giám đốc",
            "confidentiality": "mat",
        },
        headers=bearer(sender.drafter),
    ).json()
    url = f"/api/v1/documents/outgoing/{created['id']}"
    hidden = client.get(url, headers=bearer(sender.clerk))
    by_head = client.post(
        url + "/grants",
        {"user_id": sender.clerk.pk},
        content_type="application/json",
        headers=bearer(sender.head),
    )
    outsider = client.post(
        url + "/grants",
        {"user_id": receiver.clerk.pk},
        content_type="application/json",
        headers=bearer(sender.leader),
    )
    granted = client.post(
        url + "/grants",
        {"user_id": sender.clerk.pk},
        content_type="application/json",
        headers=bearer(sender.leader),
    )
    assert hidden.status_code == 404
    assert by_head.status_code == 404  # the head of unit cannot even see it
    assert outsider.status_code == 400
    assert granted.status_code == 201
    assert client.get(url, headers=bearer(sender.clerk)).json()["confidentiality"] == "mat"


def test_exchange_statuses_travel_back_from_outside_as_edxml_messages(
    client: Client, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    # The receiver stands for a system outside MotCua: the sender addresses it by identifier, over edXML.
    outside = f"{receiver.agency.identifier} {receiver.agency.name}"
    with clock.frozen(MOMENT):
        pk = issued_letter(
            client, sender, receiver, official_letter, recipients=[], external_recipients=[outside]
        )
        act(client, sender.clerk, pk, action="dispatch")
        package = client.get(f"/api/v1/documents/outgoing/{pk}/edxml", headers=bearer(sender.clerk)).content
        arrival = client.post(
            "/api/v1/documents/incoming/edxml",
            {"agency": receiver.agency.identifier, "package": SimpleUploadedFile("p.edxml", package)},
            headers=bearer(receiver.clerk),
        ).json()
        client.post(
            f"/api/v1/documents/incoming/{arrival['id']}/actions",
            {"action": "assign", "handler_id": receiver.drafter.pk, "note": "Xử lý ngay"},
            content_type="application/json",
            headers=bearer(receiver.leader),
        )
        message = client.get(
            f"/api/v1/documents/incoming/{arrival['id']}/status-edxml", headers=bearer(receiver.clerk)
        )
        recorded = client.post(
            f"/api/v1/documents/outgoing/{pk}/status",
            {"message": SimpleUploadedFile("status.edxml", message.content)},
            headers=bearer(sender.clerk),
        )
        foreign = client.post(
            f"/api/v1/documents/outgoing/{pk}/status",
            {"message": SimpleUploadedFile("status.edxml", message.content)},
            headers=bearer(sender.drafter),
        )
    assert message.status_code == 200
    assert b"StatusCode>04</" in message.content
    assert recorded.status_code == 200, recorded.json()
    [row] = recorded.json()["recipients"]
    assert (row["delivery"], row["exchange_status"]) == ("edxml", "04")
    assert foreign.status_code == 403


def test_lists_count_up_to_a_cap(
    client: Client,
    sender: Office,
    receiver: Office,
    official_letter: DocumentType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from motcua.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(pagination.capped_count, "__defaults__", (2,))
    with clock.frozen(MOMENT):
        for _ in range(3):
            issued_letter(client, sender, receiver, official_letter)
    body = client.get("/api/v1/documents/outgoing", headers=bearer(sender.clerk)).json()
    assert (body["count"], body["count_is_capped"], len(body["items"])) == (2, True, 3)
