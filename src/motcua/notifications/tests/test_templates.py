"""Event templates: defaults, administrators' edits, SMS length budget, the admin's checks."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from tests.factories import make_user

from motcua.notifications import smstext
from motcua.notifications.events import EVENTS
from motcua.notifications.models import MessageTemplate, Notification
from motcua.notifications.rendering import render_event
from motcua.notifications.services import message_templates_create_missing, notification_enqueue_event

pytestmark = pytest.mark.django_db

SAMPLE = EVENTS["dossier.supplement_requested"].sample


def test_every_event_has_an_editable_row_after_migrating() -> None:
    assert set(MessageTemplate.objects.values_list("code", flat=True)) == set(EVENTS)
    assert message_templates_create_missing() == 0  # edited rows are never overwritten


@pytest.mark.parametrize("code", sorted(EVENTS))
@pytest.mark.parametrize("ascii_only", [True, False])
def test_every_default_sms_fits_two_segments_with_its_sample(
    code: str, ascii_only: bool, settings: Any
) -> None:
    settings.MOTCUA_SMS_ASCII = ascii_only
    rendered = render_event(code=code, channel="sms", params=EVENTS[code].sample)

    assert rendered is not None
    assert "{{" not in rendered.body
    assert 1 <= rendered.segments <= 2
    assert (
        rendered.segments == smstext.measure(smstext.wire_text(rendered.body, ascii_only=ascii_only)).segments
    )


def test_each_channel_gets_its_wording() -> None:
    email = render_event(code="dossier.received", channel="email", params=SAMPLE)
    zalo = render_event(code="dossier.received", channel="zalo", params=SAMPLE)

    assert email is not None
    assert zalo is not None
    assert email.subject == "[Một cửa] Hồ sơ 000.00.12.H37-250915-0007: Được tiếp nhận"
    assert email.body.endswith(f"\n\nTheo dõi hồ sơ: {SAMPLE['link']}")
    assert zalo.external_template_id == "250002"
    assert zalo.body.endswith(SAMPLE["link"])
    assert render_event(code="feedback.received", channel="zalo", params=SAMPLE) is None  # no ZNS template


def test_a_long_reason_is_shortened_so_the_code_and_the_end_survive(settings: Any) -> None:
    settings.MOTCUA_SMS_ASCII = False  # UCS-2: 134 characters in two segments
    params = {**SAMPLE, "note": "Thiếu bản sao chứng thực giấy khai sinh của người được khai tử " * 5}

    rendered = render_event(code="dossier.supplement_requested", channel="sms", params=params)

    assert rendered is not None
    assert rendered.segments == 2
    assert rendered.body.startswith("Hồ sơ 000.00.12.H37-250915-0007 cần bổ sung: Thiếu bản sao")
    assert rendered.body.endswith("…")


def test_an_administrators_edit_is_used_and_a_switched_off_event_sends_nothing() -> None:
    MessageTemplate.objects.filter(code="dossier.received").update(
        sms_text="UBND tỉnh Lạng Sơn: hồ sơ {{ code }} đã tiếp nhận, hẹn trả {{ due }}."
    )

    rendered = render_event(code="dossier.received", channel="sms", params=SAMPLE)
    assert rendered is not None
    assert (
        rendered.body
        == "UBND tỉnh Lạng Sơn: hồ sơ 000.00.12.H37-250915-0007 đã tiếp nhận, hẹn trả 17:30 05/03/2026."
    )

    MessageTemplate.objects.filter(code="dossier.received").update(is_active=False)
    with transaction.atomic():
        sent = notification_enqueue_event(
            event="dossier.received", channel="sms", recipient="0912345678", params=SAMPLE, dedupe_key="k:sms"
        )
    assert sent is None
    assert not Notification.objects.exists()


def test_template_values_are_not_html_escaped() -> None:
    rendered = render_event(
        code="dossier.refused", channel="sms", params={**SAMPLE, "note": "thiếu <giấy> & 'ảnh'"}
    )

    assert rendered is not None
    assert rendered.body.endswith("Lý do: thiếu <giấy> & 'ảnh'")


def test_the_admin_shows_the_sms_cost_and_refuses_a_template_over_budget_or_broken(client: Client) -> None:
    client.force_login(make_user(is_staff=True, is_superuser=True))
    row = MessageTemplate.objects.get(code="dossier.received")
    url = f"/admin/notifications/messagetemplate/{row.pk}/change/"
    form = {
        "name": row.name,
        "is_active": "on",
        "subject": row.subject,
        "email_body": row.email_body,
        "sms_text": row.sms_text,
        "zalo_template_id": row.zalo_template_id,
        "zalo_text": row.zalo_text,
    }

    listing = client.get("/admin/notifications/messagetemplate/")
    too_long = client.post(url, {**form, "sms_text": row.sms_text + " {{ note }}" * 8})
    broken = client.post(url, {**form, "subject": "Hồ sơ {% if code %}"})
    edited = client.post(url, {**form, "sms_text": "Hồ sơ {{ code }} đã được tiếp nhận."})

    assert "1 (GSM-7," in listing.content.decode()
    assert too_long.status_code == 200
    assert "tối đa 2 tin" in str(too_long.context["adminform"].form.errors["sms_text"])  # at most 2 segments
    assert "subject" in broken.context["adminform"].form.errors
    assert edited.status_code == 302
    row.refresh_from_db()
    assert row.sms_text == "Hồ sơ {{ code }} đã được tiếp nhận."
