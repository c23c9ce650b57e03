"""The document office end to end through its services: draft, review, approve, issue, send, handle."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core import clock
from motcua.core.errors import DomainError, NotFoundError, PermissionDeniedError
from motcua.documents import services, signing
from motcua.documents.access import access_incoming, access_outgoing
from motcua.documents.edxml import ExchangeStatus
from motcua.documents.issuing import SignatureRefusedError
from motcua.documents.models import (
    Delivery,
    DocumentEvent,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    RegisterSequence,
)
from motcua.documents.services import DocumentWorkflowError, DraftInput, HandlingInput, OutgoingInput
from motcua.documents.tests.conftest import PASSPHRASE, Office, Pki
from motcua.documents.workflow import IncomingAction, IncomingStatus, OutgoingAction, OutgoingStatus

ISSUE_DAY = dt.datetime(2026, 3, 5, 9, 30, tzinfo=clock.local_zone())

pytestmark = pytest.mark.django_db


def draft(
    office: Office, doc_type: DocumentType, *, to: list[Office] | None = None, **kw: object
) -> OutgoingDocument:
    data = DraftInput(
        document_type=doc_type,
        subject=kw.pop("subject", "V/v hướng dẫn chứng thực bản sao điện tử"),  # type: ignore[arg-type]
        content="Sở Tư pháp hướng dẫn việc chứng thực bản sao từ bản chính như sau.\n\nĐề nghị thực hiện.",
        signer=office.leader,
        signer_title="Giám đốc",
        symbol_unit="HCTP" if not doc_type.abbreviation else "",
        recipients=[o.agency for o in to or []],
        **kw,  # type: ignore[arg-type]
    )
    return services.outgoing_create_draft(actor=office.drafter, agency=office.agency, data=data)


def issue(office: Office, document: OutgoingDocument, passphrase: str = PASSPHRASE) -> OutgoingDocument:
    services.outgoing_act(document=document, actor=office.drafter, action=OutgoingAction.SUBMIT)
    services.outgoing_act(document=document, actor=office.leader, action=OutgoingAction.APPROVE)
    return services.outgoing_act(
        document=document,
        actor=office.clerk,
        action=OutgoingAction.ISSUE,
        data=OutgoingInput(passphrase=passphrase),
    )


def test_the_whole_flow_from_draft_to_a_closed_reply(
    sender: Office, receiver: Office, official_letter: DocumentType, pki: Pki
) -> None:
    with clock.frozen(ISSUE_DAY):
        document = draft(sender, official_letter, to=[receiver])
        services.outgoing_act(
            document=document,
            actor=sender.drafter,
            action=OutgoingAction.SUBMIT,
            data=OutgoingInput(reviewer=sender.head),
        )
        services.outgoing_act(
            document=document,
            actor=sender.head,
            action=OutgoingAction.FORWARD,
            data=OutgoingInput(reviewer=sender.leader, note="Đã rà soát"),
        )
        services.outgoing_act(document=document, actor=sender.leader, action=OutgoingAction.APPROVE)
        issued = services.outgoing_act(
            document=document,
            actor=sender.clerk,
            action=OutgoingAction.ISSUE,
            data=OutgoingInput(passphrase=PASSPHRASE),
        )
        assert (issued.number, issued.number_symbol, issued.year) == (1, "01/STP-HCTP", 2026)
        assert issued.status == OutgoingStatus.ISSUED
        pdf = issued.signed_file.read()
        [report] = signing.validate_pdf(pdf, trust_roots=[pki.ca_pem], at=ISSUE_DAY)
        assert report.intact
        assert report.valid
        assert report.trusted
        assert report.covers_whole_document
        assert (
            "hướng dẫn chứng thực" in issued.search_folded or "huong dan chung thuc" in issued.search_folded
        )

        sent = services.outgoing_act(document=issued, actor=sender.clerk, action=OutgoingAction.DISPATCH)
        assert sent.status == OutgoingStatus.DISPATCHED
        recipient = sent.recipients.get()
        assert recipient.exchange_status == ExchangeStatus.REGISTERED

        arrival = IncomingDocument.objects.get(agency=receiver.agency)
        assert (arrival.arrival_number, arrival.number_symbol, arrival.delivery) == (
            1,
            "01/STP-HCTP",
            "internal",
        )
        assert arrival.file.read() == pdf
        assert arrival.issued_on == ISSUE_DAY.date()

        services.incoming_act(
            document=arrival,
            actor=receiver.leader,
            action=IncomingAction.ASSIGN,
            data=HandlingInput(
                handler=receiver.drafter,
                lead_unit=receiver.unit,
                due_on=dt.date(2026, 3, 12),
                note="Giao Văn phòng nghiên cứu, trả lời",
            ),
        )
        recipient.refresh_from_db()
        assert recipient.exchange_status == ExchangeStatus.ASSIGNED
        services.incoming_act(
            document=arrival,
            actor=receiver.drafter,
            action=IncomingAction.REPORT,
            data=HandlingInput(note="Đang soạn"),
        )
        reply = draft(
            receiver, official_letter, to=[sender], reply_to=arrival, subject="V/v trả lời Sở Tư pháp"
        )
        done = services.incoming_act(
            document=arrival,
            actor=receiver.drafter,
            action=IncomingAction.COMPLETE,
            data=HandlingInput(note="Đã trả lời", reply=reply),
        )
    assert done.status == IncomingStatus.COMPLETED
    recipient.refresh_from_db()
    assert recipient.exchange_status == ExchangeStatus.COMPLETED
    actions = list(DocumentEvent.objects.filter(outgoing=document).values_list("action", flat=True))
    assert actions == ["create", "submit", "forward", "approve", "issue", "dispatch"]


def test_numbers_restart_each_year_and_confidential_documents_have_their_own_series(
    sender: Office, decision: DocumentType
) -> None:
    with clock.frozen(dt.datetime(2025, 12, 31, 16, 0, tzinfo=clock.local_zone())):
        last_year = issue(sender, draft(sender, decision))
    with clock.frozen(ISSUE_DAY):
        first = issue(sender, draft(sender, decision))
        secret = issue(sender, draft(sender, decision, confidentiality="mat"))
        second = issue(sender, draft(sender, decision))
    assert last_year.number_symbol == "01/QĐ-STP"
    assert last_year.year == 2025
    assert (first.number, second.number) == (1, 2)
    assert (secret.series, secret.number, secret.number_symbol) == ("confidential", 1, "01/QĐ-STP")
    assert second.number_symbol == "02/QĐ-STP"


def test_a_legal_normative_text_carries_the_year(sender: Office, legal_decision: DocumentType) -> None:
    with clock.frozen(ISSUE_DAY):
        document = issue(sender, draft(sender, legal_decision))
    assert document.number_symbol == "01/2026/QĐ-STP"


def test_a_refused_signature_changes_nothing_and_returns_the_number(
    sender: Office, decision: DocumentType, pki: Pki
) -> None:
    with clock.frozen(ISSUE_DAY):
        document = draft(sender, decision)
        with pytest.raises(SignatureRefusedError, match="Mật khẩu chứng thư số không đúng"):
            issue(sender, document, passphrase="sai-mat-khau")
        document.refresh_from_db()
        assert (document.status, document.number, document.number_symbol) == ("approved", None, "")
        assert not RegisterSequence.objects.filter(agency=sender.agency, last_number__gt=0).exists()
        retried = services.outgoing_act(
            document=document,
            actor=sender.clerk,
            action=OutgoingAction.ISSUE,
            data=OutgoingInput(passphrase=PASSPHRASE),
        )
    assert retried.number == 1


def test_an_expired_certificate_is_refused(sender: Office, decision: DocumentType, pki: Pki) -> None:
    profile = sender.agency.issuer_profile
    profile.certificate.save("expired.p12", SimpleUploadedFile("expired.p12", pki.expired))
    with clock.frozen(ISSUE_DAY), pytest.raises(SignatureRefusedError, match="hết hạn"):
        issue(sender, draft(sender, decision))


def test_an_issued_document_is_never_edited(sender: Office, decision: DocumentType) -> None:
    with clock.frozen(ISSUE_DAY):
        document = issue(sender, draft(sender, decision))
    data = DraftInput(document_type=decision, subject="Sửa", signer=sender.leader, signer_title="Giám đốc")
    with pytest.raises(DocumentWorkflowError, match="đã phát hành không được sửa"):
        services.outgoing_update_draft(document=document, actor=sender.drafter, data=data)
    pdf = SimpleUploadedFile("v2.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(DocumentWorkflowError):
        services.outgoing_add_version(document=document, actor=sender.drafter, file=pdf)
    with clock.frozen(ISSUE_DAY):
        correction = issue(sender, draft(sender, decision, corrects=document, subject="Đính chính"))
    assert correction.corrects == document


def test_a_confidential_document_is_never_sent_electronically(
    sender: Office, receiver: Office, decision: DocumentType
) -> None:
    with pytest.raises(DomainError, match="mật không được gửi qua mạng"):
        draft(sender, decision, to=[receiver], confidentiality="mat")
    with clock.frozen(ISSUE_DAY):
        document = issue(
            sender, draft(sender, decision, confidentiality="toi_mat", paper_recipients=[receiver.agency])
        )
        # Even a recipient row slipped in by other means is refused at dispatch.
        document.recipients.update(delivery=Delivery.INTERNAL)
        with pytest.raises(DomainError, match="mật không được gửi qua mạng"):
            services.outgoing_act(document=document, actor=sender.clerk, action=OutgoingAction.DISPATCH)
    assert not IncomingDocument.objects.filter(agency=receiver.agency).exists()
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED


def test_confidential_documents_are_visible_only_to_people_granted(
    sender: Office, decision: DocumentType
) -> None:
    document = draft(sender, decision, confidentiality="mat")
    with pytest.raises(NotFoundError):
        access_outgoing(user=sender.clerk, pk=document.pk)
    assert access_outgoing(user=sender.drafter, pk=document.pk) == document
    assert access_outgoing(user=sender.leader, pk=document.pk) == document  # the leader grants access
    services.confidential_grant(actor=sender.leader, user=sender.clerk, outgoing=document)
    assert access_outgoing(user=sender.clerk, pk=document.pk) == document
    with pytest.raises(PermissionDeniedError):
        services.confidential_grant(actor=sender.head, user=sender.clerk, outgoing=document)


def test_another_agencys_documents_are_invisible_and_untouchable(
    sender: Office, receiver: Office, decision: DocumentType
) -> None:
    document = draft(sender, decision)
    with pytest.raises(NotFoundError):
        access_outgoing(user=receiver.leader, pk=document.pk)
    with pytest.raises(PermissionDeniedError):
        services.outgoing_act(document=document, actor=receiver.drafter, action=OutgoingAction.SUBMIT)
    with pytest.raises(PermissionDeniedError):
        services.outgoing_create_draft(
            actor=receiver.drafter,
            agency=sender.agency,
            data=DraftInput(
                document_type=decision,
                subject="x",
                signer=sender.leader,
                signer_title="Giám đốc",
                content="x",
            ),
        )


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("drafter", OutgoingAction.APPROVE),  # only the named signer approves
        ("head", OutgoingAction.APPROVE),  # a reviewer who is not the signer cannot approve
        ("leader", OutgoingAction.ISSUE),  # issuing (number and seal) is the clerk's
    ],
)
def test_who_may_do_what(sender: Office, decision: DocumentType, who: str, action: OutgoingAction) -> None:
    document = draft(sender, decision)
    services.outgoing_act(
        document=document,
        actor=sender.drafter,
        action=OutgoingAction.SUBMIT,
        data=OutgoingInput(reviewer=sender.head),
    )
    if action == OutgoingAction.ISSUE:
        services.outgoing_act(
            document=document,
            actor=sender.head,
            action=OutgoingAction.FORWARD,
            data=OutgoingInput(reviewer=sender.leader),
        )
        services.outgoing_act(document=document, actor=sender.leader, action=OutgoingAction.APPROVE)
    with pytest.raises((PermissionDeniedError, DocumentWorkflowError)):
        services.outgoing_act(document=document, actor=getattr(sender, who), action=action)


def test_returning_a_draft_needs_a_comment(sender: Office, decision: DocumentType) -> None:
    document = draft(sender, decision)
    services.outgoing_act(document=document, actor=sender.drafter, action=OutgoingAction.SUBMIT)
    with pytest.raises(DomainError, match="ý kiến"):
        services.outgoing_act(document=document, actor=sender.leader, action=OutgoingAction.RETURN)
    returned = services.outgoing_act(
        document=document,
        actor=sender.leader,
        action=OutgoingAction.RETURN,
        data=OutgoingInput(note="Sửa câu 2"),
    )
    assert returned.status == OutgoingStatus.DRAFT
    assert returned.reviewer is None


def test_an_unknown_or_dissolved_recipient_is_refused(sender: Office, decision: DocumentType) -> None:
    with pytest.raises(NotFoundError, match="Không tìm thấy cơ quan nhận"):
        services.recipients_from_ids([987654])
    gone = type(sender.agency).objects.create(
        identifier="000.00.99.H37",
        name="Huyện đã giải thể",
        kind="district_committee",
        valid_to=dt.date(2025, 6, 30),
    )
    with pytest.raises(DomainError, match="không còn hoạt động"):
        draft(sender, decision, paper_recipients=[gone])


def test_paper_arrivals_get_consecutive_numbers_and_duplicates_are_flagged(receiver: Office) -> None:
    from motcua.documents.arrivals import Arrival

    arrival = Arrival(
        sender_name="Bộ Tư pháp",
        number_symbol="85/2019/TT-BTC",
        issued_on=dt.date(2026, 3, 1),
        type_name="Thông tư",
        subject="Hướng dẫn",
    )
    scan = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    with clock.frozen(ISSUE_DAY):
        first = services.incoming_register_paper(
            actor=receiver.clerk, agency=receiver.agency, arrival=arrival, scan=scan
        )
        with pytest.raises(services.DuplicateDocumentError, match="đã vào sổ với số đến 1"):
            services.incoming_register_paper(
                actor=receiver.clerk, agency=receiver.agency, arrival=arrival, scan=None
            )
        second = services.incoming_register_paper(
            actor=receiver.clerk, agency=receiver.agency, arrival=arrival, scan=None, confirm_duplicate=True
        )
        with pytest.raises(PermissionDeniedError):
            services.incoming_register_paper(
                actor=receiver.drafter, agency=receiver.agency, arrival=arrival, scan=None
            )
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert access_incoming(user=receiver.leader, pk=first.pk) == first


def test_assignment_checks_its_handler_and_overdue_handling_shows(sender: Office, receiver: Office) -> None:
    from motcua.documents import selectors
    from motcua.documents.arrivals import Arrival

    arrival = Arrival(
        sender_name="UBND tỉnh",
        number_symbol="12/UBND-VP",
        issued_on=dt.date(2026, 3, 1),
        type_name="Công văn",
        subject="Báo cáo",
    )
    with clock.frozen(ISSUE_DAY):
        document = services.incoming_register_paper(
            actor=receiver.clerk, agency=receiver.agency, arrival=arrival, scan=None
        )
        with pytest.raises(DomainError, match="cán bộ của cơ quan"):
            services.incoming_act(
                document=document,
                actor=receiver.leader,
                action=IncomingAction.ASSIGN,
                data=HandlingInput(handler=sender.drafter),
            )
        with pytest.raises(PermissionDeniedError):
            services.incoming_act(
                document=document,
                actor=receiver.drafter,
                action=IncomingAction.ASSIGN,
                data=HandlingInput(handler=receiver.drafter),
            )
        services.incoming_act(
            document=document,
            actor=receiver.leader,
            action=IncomingAction.ASSIGN,
            data=HandlingInput(handler=receiver.drafter, due_on=dt.date(2026, 3, 6)),
        )
    with clock.frozen(ISSUE_DAY + dt.timedelta(days=3)):
        work = selectors.work_list(receiver.leader)
        assert [d.pk for d in work.overdue] == [document.pk]
        assert [d.pk for d in selectors.work_list(receiver.drafter).to_handle] == [document.pk]


def test_tasks_from_a_document(receiver: Office) -> None:
    with clock.frozen(ISSUE_DAY):
        task = services.task_create(
            actor=receiver.leader,
            agency=receiver.agency,
            title="Tổng hợp báo cáo",
            owner=receiver.drafter,
            due_on=dt.date(2026, 3, 10),
        )
        with pytest.raises(PermissionDeniedError):
            services.task_report(task=task, actor=receiver.clerk, progress=50)
        services.task_report(task=task, actor=receiver.drafter, progress=60, note="Đã có số liệu 3 phòng")
        with pytest.raises(DomainError, match="không thể giảm"):
            services.task_report(task=task, actor=receiver.drafter, progress=40)
        done = services.task_report(task=task, actor=receiver.drafter, progress=100)
    assert done.status == "done"
    assert done.updates.count() == 2


def test_search_ignores_diacritics_and_finds_the_pdf_text(
    sender: Office, receiver: Office, official_letter: DocumentType
) -> None:
    from motcua.documents import selectors

    with clock.frozen(ISSUE_DAY):
        document = issue(sender, draft(sender, official_letter, to=[receiver]))
        services.outgoing_act(document=document, actor=sender.clerk, action=OutgoingAction.DISPATCH)
    for query in ("chung thuc ban sao", "01/STP-HCTP", "Đề nghị thực hiện"):
        flt = selectors.DocumentFilter(q=query)
        assert [d.pk for d in selectors.outgoing_search(sender.clerk, flt)] == [document.pk], query
        assert selectors.incoming_search(receiver.clerk, flt).count() == 1, query
    assert selectors.outgoing_search(receiver.clerk, selectors.DocumentFilter(q="chung thuc")).count() == 0


def test_reminders_go_once_a_day_for_tasks_and_handling_due_soon(receiver: Office) -> None:
    from motcua.documents.arrivals import Arrival
    from motcua.documents.reminders import documents_remind
    from motcua.notifications.models import Notification

    receiver.drafter.email = "nam@dongkinh.example"
    receiver.drafter.save()
    friday = dt.datetime(2026, 3, 6, 8, 0, tzinfo=clock.local_zone())
    with clock.frozen(friday):
        services.task_create(
            actor=receiver.leader,
            agency=receiver.agency,
            title="Tổng hợp số liệu",
            owner=receiver.drafter,
            due_on=dt.date(2026, 3, 9),  # Monday: the next working day
        )
        services.task_create(
            actor=receiver.leader,
            agency=receiver.agency,
            title="Việc còn xa",
            owner=receiver.drafter,
            due_on=dt.date(2026, 3, 20),
        )
        arrival = services.incoming_register_paper(
            actor=receiver.clerk,
            agency=receiver.agency,
            arrival=Arrival(
                sender_name="UBND tỉnh",
                number_symbol="5/UBND-VP",
                issued_on=dt.date(2026, 3, 5),
                type_name="Công văn",
                subject="Đôn đốc",
            ),
            scan=None,
        )
        services.incoming_act(
            document=arrival,
            actor=receiver.leader,
            action=IncomingAction.ASSIGN,
            data=HandlingInput(handler=receiver.drafter, due_on=dt.date(2026, 3, 6)),
        )
        first = documents_remind()
        again = documents_remind()
    assert (first.tasks, first.documents) == (1, 1)
    assert (again.tasks, again.documents) == (1, 1)  # the same messages: nothing new is queued
    subjects = sorted(Notification.objects.values_list("subject", flat=True))
    assert subjects == ["Công việc sắp đến hạn: Tổng hợp số liệu", "Văn bản 5/UBND-VP sắp đến hạn xử lý"]


@pytest.mark.skipif(
    shutil.which("pdfsig") is None and os.environ.get("CI", "").lower() != "true",
    reason="needs pdfsig from poppler-utils (make browser installs it); CI always runs it",
)
def test_poppler_validates_an_issued_document(
    sender: Office, decision: DocumentType, tmp_path: pathlib.Path
) -> None:
    with clock.frozen(ISSUE_DAY):
        document = issue(sender, draft(sender, decision))
    path = tmp_path / "issued.pdf"
    path.write_bytes(document.signed_file.read())
    out = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Signature is Valid." in out
    assert "Total document signed" in out
