"""The store through /api/v1/store: digitising at the desk, the owner's list and log, reuse, figures."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.tokens import api_token_create
from motcua.core import clock
from motcua.datastore.tests.conftest import PASSPHRASE, Store, page_png
from motcua.datastore.tests.test_store import AN, at
from motcua.dossiers.services import dossier_create_draft, dossier_register_at_desk

pytestmark = pytest.mark.django_db


def bearer(user: object) -> dict[str, str]:
    _, secret = api_token_create(user=user, name="test", actor=user)  # type: ignore[arg-type]
    return {"authorization": f"Bearer {secret}"}


def test_digitise_list_open_and_reuse_through_the_api(client: Client, store: Store) -> None:
    world = store.world
    with clock.frozen(at(0)):
        dossier = dossier_register_at_desk(
            procedure=world.procedure, agency=world.agency, officer=world.reception, applicant=AN
        )
        form = {
            "component_id": store.birth_copy.pk,
            "owner_number": "020090001234",
            "owner_name": "Nguyễn Văn An",
            "issuing_body": "UBND xã Hoàng Đồng",
            "passphrase": PASSPHRASE,
            "pages": [SimpleUploadedFile("1.png", page_png()), SimpleUploadedFile("2.png", page_png("#ddd"))],
        }
        digitised = client.post(
            f"/api/v1/store/dossiers/{dossier.code}/digitise", form, headers=bearer(world.reception)
        )
        refused = client.post(
            f"/api/v1/store/dossiers/{dossier.code}/digitise",
            {**form, "pages": [SimpleUploadedFile("x.png", b"not a picture")]},
            headers=bearer(world.reception),
        )
    assert digitised.status_code == 201, digitised.json()
    body = digitised.json()
    assert (body["kind"], body["page_count"], body["dossier_code"]) == ("khai-sinh", 2, dossier.code)
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"pages": ["unsupported_type"]}

    mine = client.get("/api/v1/store", headers=bearer(world.citizen)).json()
    assert [d["id"] for d in mine["items"]] == [body["id"]]
    assert mine["count"] == 1
    assert client.get("/api/v1/store", headers=bearer(world.other_citizen)).json()["items"] == []
    opened = client.get(f"/api/v1/store/{body['id']}/file", headers=bearer(world.citizen))
    assert opened["content-type"] == "application/pdf"
    stranger = client.get(f"/api/v1/store/{body['id']}/file", headers=bearer(world.outsider))
    assert stranger.status_code == 404
    detail = client.get(f"/api/v1/store/{body['id']}", headers=bearer(world.citizen)).json()
    assert [a["opened_as"] for a in detail["accesses"]] == ["owner"]

    with clock.frozen(at(8)):
        draft = dossier_create_draft(
            procedure=store.second, agency=world.agency, owner=world.citizen, applicant=AN
        )
        offers = client.get(f"/api/v1/store/dossiers/{draft.pk}/offers", headers=bearer(world.citizen)).json()
        [offer] = [o for o in offers if o["documents"]]
        reused = client.post(
            f"/api/v1/store/dossiers/{draft.pk}/reuse",
            {"document_id": body["id"], "component_id": offer["component_id"]},
            content_type="application/json",
            headers=bearer(world.citizen),
        )
    assert reused.status_code == 201, reused.json()
    assert reused.json()["reused_document_id"] == body["id"]

    figures = client.get(
        "/api/v1/store/figures/digitisation",
        {"agency": world.agency.identifier, "date_from": "2026-03-02", "date_to": "2026-03-02"},
        headers=bearer(world.leader),
    ).json()
    assert (figures["received"], figures["with_digitised"], figures["digitised_share"]) == (1, 1, 1.0)
    outsider = client.get(
        "/api/v1/store/figures/digitisation",
        {"agency": world.agency.identifier, "date_from": "2026-03-02", "date_to": "2026-03-02"},
        headers=bearer(world.outsider),
    )
    assert outsider.status_code == 404


def test_the_reuse_lookup_costs_the_same_queries_for_one_or_three_documents(
    client: Client, store: Store, django_assert_max_num_queries: object
) -> None:
    from motcua.datastore.tests.test_store import MOTHER, digitise, received

    world = store.world
    dossier = received(store)
    digitise(store, dossier, tagging=MOTHER)
    with clock.frozen(at(8)):
        draft = dossier_create_draft(
            procedure=store.second, agency=world.agency, owner=world.citizen, applicant=AN
        )
    headers = bearer(world.citizen)
    client.get(f"/api/v1/store/dossiers/{draft.pk}/offers", headers=headers)  # the token's first use
    with django_assert_max_num_queries(20) as one:  # type: ignore[operator]
        client.get(f"/api/v1/store/dossiers/{draft.pk}/offers", headers=headers)
    digitise(store, dossier, tagging=MOTHER)
    digitise(store, dossier, tagging=MOTHER)
    with django_assert_max_num_queries(20) as three:  # type: ignore[operator]
        body = client.get(f"/api/v1/store/dossiers/{draft.pk}/offers", headers=headers).json()
    assert sum(len(o["documents"]) for o in body) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
