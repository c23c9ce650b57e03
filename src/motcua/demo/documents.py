"""The demo's document office: issuer profiles, test certificates, and a document already exchanged.

The demo makes its own certificate authority ("MotCua Demo CA", not trusted by anything outside this
installation) and one PKCS#12 certificate per demo agency, all with the passphrase ``DEMO_PASSPHRASE``.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.agencies.models import Agency, AgencyKind
from motcua.core import clock
from motcua.documents import certificates, services
from motcua.documents.arrivals import Arrival
from motcua.documents.models import DocumentType, IncomingDocument, IssuerProfile, OutgoingDocument
from motcua.documents.workflow import OutgoingAction

DEMO_PASSPHRASE = "MotCua@2026"
CA_FILE = "certificates/motcua-demo-ca.pem"

_SYMBOLS = {
    AgencyKind.PROVINCIAL_COMMITTEE: "UBND",
    AgencyKind.DISTRICT_COMMITTEE: "UBND",
    AgencyKind.COMMUNE_COMMITTEE: "UBND",
}


def _symbol(agency: Agency) -> str:
    symbol = _SYMBOLS.get(AgencyKind(agency.kind)) or agency.short_name or "VP"
    return "".join(ch for ch in symbol.upper() if ch.isalnum() or ch == "-")[:20] or "VP"


def _place(agency: Agency) -> str:
    """Decree 30 Appendix I: the place is the administrative unit where the agency sits."""
    if agency.kind != AgencyKind.COMMUNE_COMMITTEE:
        return "Lạng Sơn"
    name = agency.name
    for prefix in ("UBND", "Ủy ban nhân dân", "phường", "Phường", "xã", "Xã", "thị trấn", "Thị trấn"):
        name = name.removeprefix(prefix).strip()
    return name or "Lạng Sơn"


def load_document_office(*, signing_agencies: list[Agency]) -> int:
    """Issuer profiles for every current agency; certificates for the demo's signing agencies."""
    services.document_types_seed()
    today = clock.today()
    current = Agency.objects.valid_on(today).exclude(pk__in=IssuerProfile.objects.values("agency_id"))
    IssuerProfile.objects.bulk_create(
        [IssuerProfile(agency=a, symbol=_symbol(a), place=_place(a)) for a in current], ignore_conflicts=True
    )
    needing = IssuerProfile.objects.filter(agency__in=signing_agencies, certificate="")
    if not needing.exists():
        return 0
    now = clock.now()
    ca = certificates.make_ca(
        common_name="MotCua Demo CA",
        organization="MotCua (demo)",
        valid_from=now - dt.timedelta(days=1),
        valid_to=now + dt.timedelta(days=3650),
    )
    if not default_storage.exists(CA_FILE):
        default_storage.save(CA_FILE, ContentFile(ca.certificate_pem()))
    count = 0
    for profile in needing.select_related("agency"):
        bundle = certificates.issue_signing_certificate(
            ca=ca,
            common_name=profile.agency.name,
            organization="UBND tỉnh Lạng Sơn",
            valid_from=now - dt.timedelta(days=1),
            valid_to=now + dt.timedelta(days=3 * 365),
            passphrase=DEMO_PASSPHRASE,
        )
        loaded = certificates.read_pkcs12(bundle, DEMO_PASSPHRASE)
        profile.certificate.save(f"{profile.agency.identifier}.p12", ContentFile(bundle), save=False)
        profile.certificate_subject = loaded.common_name[:300]
        profile.certificate_not_after = loaded.not_after
        profile.save()
        count += 1
    return count


def _holder(agency: Agency, role: Role) -> User:
    held = RoleAssignment.objects.active_on().filter(agency=agency, role=role)
    assignment = held.select_related("user").first()
    assert assignment is not None, f"the demo has no {role} at {agency}"
    return assignment.user


def create_examples_if_empty(*, sender: Agency, receiver: Agency) -> int:
    """One official letter already sent from ``sender`` to ``receiver``, and a paper arrival at ``sender``."""
    if OutgoingDocument.objects.filter(agency=sender).exists():
        return 0
    letter = DocumentType.objects.get(name="Công văn")
    data = services.DraftInput(
        document_type=letter,
        subject="V/v triển khai chứng thực bản sao điện tử từ bản chính",
        content=(
            "Thực hiện Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường điện tử, "
            "Sở Tư pháp đề nghị UBND các xã, phường triển khai chứng thực bản sao điện tử từ bản chính, "
            "cập nhật kết quả vào kho dữ liệu của tổ chức, cá nhân.\n\n"
            "Đề nghị UBND các xã, phường báo cáo kết quả thực hiện trước ngày 15 hằng tháng."
        ),
        signer=_holder(sender, Role.AGENCY_LEADER),
        signer_title="Giám đốc",
        symbol_unit="HCTP",
        recipients=[receiver],
    )
    drafter = _holder(sender, Role.SPECIALIST)
    document = services.outgoing_create_draft(actor=drafter, agency=sender, data=data)
    services.outgoing_act(document=document, actor=drafter, action=OutgoingAction.SUBMIT)
    services.outgoing_act(document=document, actor=data.signer, action=OutgoingAction.APPROVE)
    clerk = _holder(sender, Role.CLERK)
    services.outgoing_act(
        document=document,
        actor=clerk,
        action=OutgoingAction.ISSUE,
        data=services.OutgoingInput(passphrase=DEMO_PASSPHRASE),
    )
    services.outgoing_act(document=document, actor=clerk, action=OutgoingAction.DISPATCH)
    if not IncomingDocument.objects.filter(agency=sender).exists():
        services.incoming_register_paper(
            actor=clerk,
            agency=sender,
            arrival=Arrival(
                sender_name="Bộ Tư pháp",
                number_symbol="1234/BTP-HCTP",
                issued_on=clock.today() - dt.timedelta(days=3),
                type_name="Công văn",
                subject="V/v báo cáo tình hình chứng thực năm 2026",
                urgency="khan",
                signer_name="Nguyễn Thanh Tịnh",
                page_count=2,
            ),
            scan=None,
        )
    return 2
