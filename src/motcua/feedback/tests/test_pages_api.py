"""Feedback through the pages and the API: send without an account, handle, publish, rate; errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from motcua.accounts.tokens import api_token_create
from motcua.core import clock
from motcua.dossiers.tests.conftest import World
from motcua.feedback.models import Feedback

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())
FORM = {
    "subject": "procedure",
    "title": "Mẫu tờ khai khó hiểu",
    "content": "Mẫu tờ khai đăng ký khai sinh có mục 'nơi sinh' không rõ ghi theo địa giới nào sau sắp xếp.",
    "sender_name": "Hoàng Thị Bình",
    "sender_phone": "0912000002",
}


def bearer(user: object) -> dict[str, str]:
    _, secret = api_token_create(user=user, name="test", actor=user)  # type: ignore[arg-type]
    return {"authorization": f"Bearer {secret}"}


def test_send_track_handle_and_publish_through_the_pages(client: Client, world: World) -> None:
    with clock.frozen(MONDAY):
        sent = client.post("/phan-anh-kien-nghi/gui/", {**FORM, "agency": world.agency.pk})
        assert "PAKN-260302-0001" in sent.content.decode()
        refused = client.post("/phan-anh-kien-nghi/gui/", {**FORM, "content": "ngắn"})
        assert "ít nhất 20 ký tự" in refused.content.decode()
        tracked = client.post(
            "/phan-anh-kien-nghi/tra-cuu/", {"code": "PAKN-260302-0001", "phone": "0912000002"}
        )
        assert "Mẫu tờ khai khó hiểu" in tracked.content.decode()
        wrong = client.post(
            "/phan-anh-kien-nghi/tra-cuu/", {"code": "PAKN-260302-0001", "phone": "0900000000"}
        )
        assert "Mẫu tờ khai khó hiểu" not in wrong.content.decode()
        client.force_login(world.leader)
        assert "PAKN-260302-0001" in client.get("/phan-anh-kien-nghi/xu-ly/").content.decode()
        client.post("/phan-anh-kien-nghi/xu-ly/PAKN-260302-0001/accept/")
        client.post("/phan-anh-kien-nghi/xu-ly/PAKN-260302-0001/assign/", {"handler": world.specialist.pk})
        client.force_login(world.specialist)
        client.post(
            "/phan-anh-kien-nghi/xu-ly/PAKN-260302-0001/draft_answer/", {"note": "Ghi theo địa giới mới."}
        )
        client.force_login(world.leader)
        client.post("/phan-anh-kien-nghi/xu-ly/PAKN-260302-0001/approve/")
        client.post("/phan-anh-kien-nghi/xu-ly/PAKN-260302-0001/publish/")
        client.force_login(world.outsider)
        assert client.get("/phan-anh-kien-nghi/xu-ly/PAKN-260302-0001/").status_code == 404
        client.logout()
        rated = client.post(
            "/phan-anh-kien-nghi/tra-cuu/PAKN-260302-0001/rate/",
            {"code": "PAKN-260302-0001", "phone": "0912000002", "rating": "5"},
        )
        assert "Đã thực hiện: Đánh giá." in rated.content.decode()
        page = client.get("/phan-anh-kien-nghi/?q=noi sinh").content.decode()
    assert "Ghi theo địa giới mới." in page
    assert "Hoàng Thị Bình" not in page
    assert "0912000002" not in page
    assert Feedback.objects.get().rating == 5


def test_the_api_sends_handles_and_counts(client: Client, world: World) -> None:
    with clock.frozen(MONDAY):
        sent = client.post("/api/v1/feedback", {**FORM, "agency": world.agency.identifier})
        code = sent.json()["code"]
        bad = client.post("/api/v1/feedback", {**FORM, "agency": "999.99.99.X99"})
        anonymous = client.post(
            f"/api/v1/feedback/{code}/actions", {"action": "accept"}, content_type="application/json"
        )
        outsider = client.post(
            f"/api/v1/feedback/{code}/actions",
            {"action": "accept"},
            content_type="application/json",
            headers=bearer(world.outsider),
        )
        accepted = client.post(
            f"/api/v1/feedback/{code}/actions",
            {"action": "accept"},
            content_type="application/json",
            headers=bearer(world.leader),
        )
        queue = client.get("/api/v1/feedback/queue/mine", headers=bearer(world.leader)).json()
        tracked = client.get(f"/api/v1/feedback/{code}", {"phone": "0912000002"})
        hidden = client.get(f"/api/v1/feedback/{code}", {"phone": "0911111111"})
        figures = client.get(
            "/api/v1/feedback/figures/period", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        ).json()
        inverted = client.get(
            "/api/v1/feedback/figures/period", {"date_from": "2026-03-31", "date_to": "2026-03-01"}
        )
    assert sent.status_code == 201
    assert bad.status_code == 400
    assert anonymous.status_code == 401
    assert outsider.status_code == 404
    assert accepted.json()["status"] == "accepted"
    assert [f["code"] for f in queue] == [code]
    assert tracked.json()["answer_due_at"].startswith("2026-03-23")
    assert hidden.status_code == 404
    assert figures["received"] == 1
    assert inverted.status_code == 400
