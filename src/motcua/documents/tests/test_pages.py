"""The document office's pages: who gets in, forms that refuse bad input, downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from tests.factories import make_user

from motcua.accounts.models import User
from motcua.core import clock
from motcua.documents.models import DocumentType, IncomingDocument, OutgoingDocument
from motcua.documents.tests.conftest import PASSPHRASE, Office

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=clock.local_zone())


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_citizens_are_sent_away_and_officials_see_their_work(client: Client, sender: Office) -> None:
    citizen = make_user()
    assert logged_in(client, citizen).get("/van-ban/").status_code == 302
    page = logged_in(client, sender.clerk).get("/van-ban/")
    assert page.status_code == 200
    assert "Việc của tôi" in page.content.decode()


def test_a_draft_through_the_pages_then_issue_and_download(
    client: Client, sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    form = {
        "agency": sender.agency.pk,
        "document_type": official_letter.pk,
        "subject": "V/v tổng kết năm",
        "content": "Nội dung tổng kết.",
        "signer": sender.leader.pk,
        "signer_title": "Giám đốc",
        "symbol_unit": "VP",
        "recipients": [receiver.agency.pk],
    }
    empty = logged_in(client, sender.drafter).post("/van-ban/di/soan-moi/", {**form, "subject": ""})
    assert "Cần nhập trích yếu văn bản." in empty.content.decode()
    assert not OutgoingDocument.objects.exists()
    created = client.post("/van-ban/di/soan-moi/", form)
    document = OutgoingDocument.objects.get()
    assert created["Location"] == f"/van-ban/di/{document.pk}/"
    client.post(f"/van-ban/di/{document.pk}/thao-tac/submit/", {})
    logged_in(client, sender.leader).post(f"/van-ban/di/{document.pk}/thao-tac/approve/", {})
    with clock.frozen(MOMENT):
        logged_in(client, sender.clerk).post(
            f"/van-ban/di/{document.pk}/thao-tac/issue/", {"passphrase": PASSPHRASE}
        )
    document.refresh_from_db()
    assert document.number_symbol == "01/STP-VP"
    pdf = client.get(f"/van-ban/di/{document.pk}/ban-ky-so.pdf")
    assert pdf["content-type"] == "application/pdf"
    page = client.get(f"/van-ban/di/{document.pk}/")
    assert "01/STP-VP" in page.content.decode()
    assert logged_in(client, receiver.clerk).get(f"/van-ban/di/{document.pk}/").status_code == 404


def test_paper_registration_page_and_the_register_book(client: Client, receiver: Office) -> None:
    form = {
        "kind": "paper",
        "agency": receiver.agency.pk,
        "sender_name": "Sở Nội vụ",
        "number_symbol": "15/SNV-VP",
        "issued_on": "2026-05-28",
        "type_name": "Công văn",
        "subject": "V/v thi đua khen thưởng",
    }
    with clock.frozen(MOMENT):
        missing_date = logged_in(client, receiver.clerk).post(
            "/van-ban/den/vao-so/", {**form, "issued_on": ""}
        )
        assert "Hãy nhập ngày của văn bản." in missing_date.content.decode()
        client.post("/van-ban/den/vao-so/", form)
        duplicate = client.post("/van-ban/den/vao-so/", form)
    assert "đã vào sổ với số đến 1" in duplicate.content.decode()
    assert IncomingDocument.objects.count() == 1
    book = client.get(f"/van-ban/so/incoming/?agency={receiver.agency.pk}&year=2026&format=xlsx")
    assert book["content-type"].startswith("application/vnd.openxmlformats")
    assert client.get("/van-ban/so/incoming/").status_code == 200  # the choice form
