"""50 clerks issue at once: every document gets a number, none twice, none skipped (PostgreSQL).

The issue takes the number, renders and signs the PDF in one transaction, so the counter row stays locked
for a real signing time; a few issues are made to fail their signature to show the number comes back.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from tests.factories import make_role, make_user

from motcua.accounts.models import Role, User
from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.documents import services
from motcua.documents.models import DocumentType, OutgoingDocument
from motcua.documents.services import DraftInput, OutgoingInput
from motcua.documents.tests.conftest import PASSPHRASE, Office, Pki, make_office
from motcua.documents.workflow import OutgoingAction

ISSUERS = 50
FAILING = {7, 23, 41}  # these clerks type a wrong passphrase

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's row locks (CI runs it)"
)


def _approved(office: Office, doc_type: DocumentType, n: int) -> OutgoingDocument:
    data = DraftInput(
        document_type=doc_type,
        subject=f"Thông báo số {n}",
        content=f"Nội dung thông báo số {n}.",
        signer=office.leader,
        signer_title="Giám đốc",
    )
    document = services.outgoing_create_draft(actor=office.drafter, agency=office.agency, data=data)
    services.outgoing_act(document=document, actor=office.drafter, action=OutgoingAction.SUBMIT)
    return services.outgoing_act(document=document, actor=office.leader, action=OutgoingAction.APPROVE)


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_issuers_leave_no_gap_and_no_duplicate(pki: Pki) -> None:
    office = make_office(name="Sở Nội vụ", symbol="SNV", pkcs12=pki.valid)
    doc_type, _ = DocumentType.objects.get_or_create(name="Thông báo", defaults={"abbreviation": "TB"})
    clerks: list[User] = []
    for _ in range(ISSUERS):
        clerk = make_user(kind=User.Kind.OFFICIAL)
        make_role(user=clerk, agency=office.agency, role=Role.CLERK)
        clerks.append(clerk)
    moment = dt.datetime(2026, 11, 26, 9, 0, tzinfo=clock.local_zone())
    with clock.frozen(moment):
        documents = [_approved(office, doc_type, n) for n in range(ISSUERS)]

    def issue(n: int) -> str:
        try:
            with clock.frozen(moment):
                services.outgoing_act(
                    document=documents[n],
                    actor=clerks[n],
                    action=OutgoingAction.ISSUE,
                    data=OutgoingInput(passphrase="sai" if n in FAILING else PASSPHRASE),
                )
            return "issued"
        except DomainError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=ISSUERS) as pool:
        outcomes = list(pool.map(issue, range(ISSUERS)))

    assert outcomes.count("issued") == ISSUERS - len(FAILING)
    assert {outcomes[n] for n in FAILING} == {"signature_refused"}
    issued = OutgoingDocument.objects.filter(agency=office.agency, number__isnull=False)
    numbers = sorted(n for n in issued.values_list("number", flat=True) if n is not None)
    assert numbers == list(range(1, ISSUERS - len(FAILING) + 1))
    symbols = set(issued.values_list("number_symbol", flat=True))
    assert len(symbols) == ISSUERS - len(FAILING)
