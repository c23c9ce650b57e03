"""Digitising at reception, filing results, reuse across procedures and agencies, who may open what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.factories import make_role, make_user

from motcua.accounts.models import Role
from motcua.core import clock
from motcua.core.errors import DomainError, NotFoundError, PermissionDeniedError
from motcua.datastore import scans, selectors, services
from motcua.datastore.models import Origin, Reuse, StoredDocument, StoredDocumentAccess
from motcua.datastore.services import StoreError, Tagging
from motcua.datastore.tests.conftest import PASSPHRASE, Store, page_png
from motcua.documents import signing, trust
from motcua.documents.tests.conftest import Pki
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import (
    ActionInput,
    Applicant,
    dossier_act,
    dossier_attach_file,
    dossier_create_draft,
    dossier_register_at_desk,
)
from motcua.dossiers.tests.conftest import MONDAY, pdf
from motcua.dossiers.workflow import Action

pytestmark = pytest.mark.django_db

AN = Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001")
MOTHER = Tagging(
    owner_number="020090001234",
    owner_name="Nguyễn Văn An",
    issuing_body="UBND xã Hoàng Đồng",
    issued_on=dt.date(1990, 5, 2),
)


def at(hours: float) -> dt.datetime:
    return MONDAY + dt.timedelta(hours=hours)


def received(store: Store, agency: object = None) -> Dossier:
    with clock.frozen(at(0)):
        return dossier_register_at_desk(
            procedure=store.world.procedure,
            agency=agency or store.world.agency,  # type: ignore[arg-type]
            officer=store.world.reception,
            applicant=AN,
        )


def digitise(
    store: Store, dossier: Dossier, tagging: Tagging = MOTHER, passphrase: str = PASSPHRASE
) -> StoredDocument:
    pages = [scans.ScanPage("trang-1.png", page_png()), scans.ScanPage("trang-2.png", page_png("#eeeeee"))]
    with clock.frozen(at(0.5)):
        return services.dossier_digitise(
            dossier=dossier,
            actor=store.world.reception,
            component=store.birth_copy,
            pages=pages,
            tagging=tagging,
            passphrase=passphrase,
        )


def test_a_paper_component_is_joined_signed_attached_and_filed(store: Store, pki: Pki) -> None:
    dossier = received(store)
    stored = digitise(store, dossier)
    assert (stored.origin, stored.page_count, stored.owner_number) == (Origin.DIGITISED, 2, "020090001234")
    assert (stored.kind.code, stored.issuing_body, stored.agency) == (
        "khai-sinh",
        "UBND xã Hoàng Đồng",
        dossier.receiving_agency,
    )
    assert stored.source_file.component == store.birth_copy
    assert stored.source_file.dossier == dossier
    pdf_bytes = stored.file.read()
    [report] = signing.validate_pdf(pdf_bytes, trust_roots=[pki.ca_pem], at=at(0.5))
    assert report.valid
    assert report.trusted
    assert selectors.digitised_component_ids(dossier=dossier) == {store.birth_copy.pk}
    assert stored.retain_until is None  # civil status records are kept permanently


def test_bad_scans_and_wrong_passphrases_store_nothing(store: Store) -> None:
    dossier = received(store)
    before = DossierFile.objects.count()
    with clock.frozen(at(0.5)):
        with pytest.raises(StoreError, match=r"trang-3\.png"):
            services.dossier_digitise(
                dossier=dossier,
                actor=store.world.reception,
                component=store.birth_copy,
                pages=[scans.ScanPage("trang-3.png", b"MZ\x90\x00 not an image")],
                tagging=MOTHER,
                passphrase=PASSPHRASE,
            )
        with pytest.raises(StoreError, match="Mật khẩu chứng thư số không đúng"):
            digitise(store, dossier, passphrase="sai")
        with pytest.raises(StoreError, match="12 chữ số"):
            digitise(store, dossier, tagging=Tagging(owner_number="12345", owner_name="An"))
        with pytest.raises(PermissionDeniedError):
            services.dossier_digitise(
                dossier=dossier,
                actor=store.world.specialist,
                component=store.birth_copy,
                pages=[scans.ScanPage("p.png", page_png())],
                tagging=MOTHER,
                passphrase=PASSPHRASE,
            )
    assert DossierFile.objects.count() == before
    assert not StoredDocument.objects.exists()


def _returned_with_signed_result(store: Store, pki: Pki) -> Dossier:
    """Through the whole chain; the result is a PDF the commune signed (as the document office issues it)."""
    world = store.world
    dossier = received(store)
    for actor, action, hours in (
        (world.reception, Action.FORWARD, 1),
        (world.specialist, Action.COMPLETE_STEP, 2),
        (world.head, Action.COMPLETE_STEP, 3),
        (world.leader, Action.COMPLETE_STEP, 4),
    ):
        with clock.frozen(at(hours)):
            dossier = dossier_act(dossier=dossier, actor=actor, action=action, data=ActionInput())
    joined = scans.join_pages([scans.ScanPage("kq.png", page_png())])
    appearance = signing.SignatureAppearance(
        signer_name="Mã Thị Nga",
        signer_title="Phó Chủ tịch",
        organization="UBND phường Đông Kinh",
        signed_at=at(4),
    )
    result = signing.sign_pdf(joined.pdf, pkcs12=pki.valid, passphrase=PASSPHRASE, appearance=appearance)
    with clock.frozen(at(5)):
        dossier_attach_file(
            dossier=dossier,
            actor=world.leader,
            upload=SimpleUploadedFile("giay-khai-sinh.pdf", result),
            component=None,
            kind="result",
        )
    with clock.frozen(at(6)):
        return dossier_act(
            dossier=dossier, actor=world.reception, action=Action.RETURN_RESULT, data=ActionInput()
        )


def test_a_returned_result_is_filed_under_the_applicant(store: Store, pki: Pki) -> None:
    dossier = _returned_with_signed_result(store, pki)
    [stored] = StoredDocument.objects.filter(origin=Origin.RESULT)
    assert (stored.title, stored.kind.code, stored.dossier) == (
        "Giấy khai sinh (bản chính)",
        "khai-sinh",
        dossier,
    )
    assert stored.signer_name == "Sở Tư pháp tỉnh Lạng Sơn"  # the certificate's subject (test PKI)
    assert (
        selectors.store_figures(
            agency_ids=[store.world.agency.pk], date_from=MONDAY.date(), date_to=MONDAY.date()
        ).with_electronic_result
        == 1
    )


def _second_draft(store: Store, agency: object) -> Dossier:
    with clock.frozen(at(8)):
        return dossier_create_draft(
            procedure=store.second,
            agency=agency,  # type: ignore[arg-type]
            owner=store.world.citizen,
            applicant=AN,
        )


def test_a_second_procedure_reuses_the_result_without_an_upload(store: Store, pki: Pki) -> None:
    _returned_with_signed_result(store, pki)
    draft = _second_draft(store, store.world.agency)
    [offer] = [o for o in selectors.reuse_offers(dossier=draft) if o.documents]
    assert offer.component == store.second_component
    [document] = offer.documents
    with clock.frozen(at(9)):
        reuse = services.store_reuse(
            dossier=draft, actor=store.world.citizen, document=document, component=store.second_component
        )
    assert reuse.consent_at is None  # the same agency filed it
    assert reuse.dossier_file.component == store.second_component
    assert reuse.dossier_file.sha256 == document.sha256
    with pytest.raises(StoreError, match="đã được dùng"):
        services.store_reuse(
            dossier=draft, actor=store.world.citizen, document=document, component=store.second_component
        )
    with clock.frozen(at(9)):
        dossier_attach_file(
            dossier=draft,
            actor=store.world.citizen,
            upload=pdf(),
            component=draft.procedure_version.components.get(name="Tờ khai"),
        )
        submitted = dossier_act(dossier=draft, actor=store.world.citizen, action=Action.SUBMIT)
    assert submitted.code


def test_another_agency_needs_the_owners_consent(store: Store, pki: Pki) -> None:
    _returned_with_signed_result(store, pki)
    draft = _second_draft(store, store.world.other_agency)
    document = StoredDocument.objects.get(origin=Origin.RESULT)
    with pytest.raises(StoreError, match="cần sự đồng ý"):
        services.store_reuse(
            dossier=draft, actor=store.world.citizen, document=document, component=store.second_component
        )
    with clock.frozen(at(9)):
        reuse = services.store_reuse(
            dossier=draft,
            actor=store.world.citizen,
            document=document,
            component=store.second_component,
            consent=True,
        )
    assert reuse.consent_at == at(9)


def test_expired_tampered_unsigned_or_someone_elses_documents_are_refused(store: Store, pki: Pki) -> None:
    dossier = received(store)
    expired = digitise(
        store,
        dossier,
        tagging=Tagging(
            owner_number="020090001234",
            owner_name="An",
            issued_on=dt.date(2015, 1, 1),
            expires_on=dt.date(2025, 1, 1),
        ),
    )
    draft = _second_draft(store, store.world.agency)
    with pytest.raises(StoreError, match="đã hết hạn"):
        services.store_reuse(
            dossier=draft, actor=store.world.citizen, document=expired, component=store.second_component
        )
    expired.expires_on = None
    expired.save()
    expired.file.save("x.pdf", ContentFile(b"%PDF-1.4 changed"), save=True)
    with pytest.raises(StoreError, match="không còn nguyên vẹn"):
        services.store_reuse(
            dossier=draft, actor=store.world.citizen, document=expired, component=store.second_component
        )
    stranger = digitise(
        store, dossier, tagging=Tagging(owner_number="020195004321", owner_name="Hoàng Thị Bình")
    )
    with pytest.raises(NotFoundError):
        services.store_reuse(
            dossier=draft, actor=store.world.citizen, document=stranger, component=store.second_component
        )
    assert not Reuse.objects.exists()


def test_who_may_open_a_stored_document_and_every_opening_is_logged(store: Store, pki: Pki) -> None:
    dossier = received(store)
    stored = digitise(store, dossier)
    world = store.world
    owner = world.citizen  # ID number 020090001234
    with clock.frozen(at(1)):
        assert services.store_open(document=stored, user=owner).startswith(b"%PDF-")
        assert services.store_open(document=stored, user=world.specialist).startswith(b"%PDF-")
        with pytest.raises(NotFoundError):
            services.store_open(document=stored, user=world.outsider)  # an official of another agency
        with pytest.raises(NotFoundError):
            services.store_open(document=stored, user=world.other_citizen)
        admin = make_user(kind="official")
        make_role(user=admin, agency=world.other_agency, role=Role.ADMINISTRATOR)
        with pytest.raises(DomainError, match="lý do"):
            services.store_open(document=stored, user=admin)
        services.store_open(document=stored, user=admin, reason="Yêu cầu của thanh tra số 12/TTr")
    log = list(StoredDocumentAccess.objects.order_by("at", "pk").values_list("opened_as", "reason"))
    assert log == [("owner", ""), ("official", ""), ("administrator", "Yêu cầu của thanh tra số 12/TTr")]


def test_figures_against_a_hand_count(store: Store, pki: Pki) -> None:
    digitised_one = received(store)
    digitise(store, digitised_one)
    received(store)  # received, nothing digitised
    _returned_with_signed_result(store, pki)  # a result, no digitised component
    draft = _second_draft(store, store.world.agency)
    with clock.frozen(at(9)):
        services.store_reuse(
            dossier=draft,
            actor=store.world.citizen,
            document=StoredDocument.objects.get(origin=Origin.RESULT),
            component=store.second_component,
        )
    figures = selectors.store_figures(
        agency_ids=[store.world.agency.pk], date_from=MONDAY.date(), date_to=MONDAY.date()
    )
    # Three dossiers received on Monday (the draft is not received): 1 digitised, 1 with a result, 0 reusing.
    assert (figures.received, figures.with_digitised, figures.with_electronic_result, figures.reusing) == (
        3,
        1,
        1,
        0,
    )
    assert figures.share(figures.with_digitised) == pytest.approx(1 / 3)


def test_purge_removes_only_what_is_past_retention_and_unused(store: Store) -> None:
    dossier = received(store)
    form = digitise(store, dossier)
    form.retain_until = dt.date(2026, 1, 1)
    form.save()
    kept = digitise(store, dossier)
    assert services.store_purge(today=dt.date(2026, 6, 1)) == 1
    assert list(StoredDocument.objects.all()) == [kept]


def test_trust_roots_include_the_configured_files(
    store: Store, pki: Pki, settings: object, tmp_path: object
) -> None:
    import pathlib

    extra = pathlib.Path(str(tmp_path)) / "national-ca.pem"
    extra.write_bytes(b"-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n")
    settings.MOTCUA_TRUST_ROOTS = [str(extra)]  # type: ignore[attr-defined]
    roots = trust.trust_roots()
    assert roots[0].startswith(b"-----BEGIN CERTIFICATE-----\nMA==")
    assert pki.ca_pem in roots
