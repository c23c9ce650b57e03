"""The daily aggregates' digitisation, rating and fee counters follow a scripted series of events.

After each event the counters kept by the receivers must equal the recount from the dossiers
(``stats_verify``), and the dashboard's figures read from them must equal a count of the rows themselves
(the store's own ``EXISTS`` selector, the ratings and payments as recorded); finally a rebuild from scratch
gives back the very rows the events built.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Avg, Count, Q
from django.test import Client

from motcua.catalog.models import InternalProcess, Procedure
from motcua.core import clock
from motcua.datastore import selectors as store_selectors
from motcua.datastore import services as store_services
from motcua.datastore.models import Origin, StoredDocument
from motcua.datastore.tests.conftest import Store, store  # noqa: F401  (fixture)
from motcua.datastore.tests.test_store import AN, _returned_with_signed_result, at, digitise, received
from motcua.documents.tests.conftest import Pki, pki  # noqa: F401  (fixture)
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_act,
    dossier_attach_file,
    dossier_create_draft,
    dossier_rate,
)
from motcua.dossiers.tests.conftest import MONDAY, pdf
from motcua.dossiers.workflow import Action
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.services import payment_start
from motcua.payments.tests.conftest import ipn_params
from motcua.reports import selectors
from motcua.reports.aggregates import COUNTERS, stats_rebuild, stats_verify
from motcua.reports.models import DossierDayStat

pytestmark = pytest.mark.django_db

WEEK = selectors.Period(MONDAY.date(), MONDAY.date() + dt.timedelta(days=6))


def _checked() -> selectors.Dashboard:
    """The counters equal the recount, and the dashboard's figures equal a count of the rows themselves."""
    verification = stats_verify()
    assert verification.ok, verification.differences
    board = selectors.dashboard(agency=None, period=WEEK)
    store_counted = store_selectors.store_figures(
        agency_ids=None, date_from=WEEK.date_from, date_to=WEEK.date_to
    )
    assert board.store == store_counted
    start, end = selectors.period_bounds(WEEK)
    finished = Dossier.objects.filter(finished_at__gte=start, finished_at__lt=end, rating__isnull=False)
    ratings = finished.aggregate(
        n=Count("pk"), satisfied=Count("pk", filter=Q(rating__gte=4)), avg=Avg("rating")
    )
    d = board.dossiers
    assert (d.rated, d.satisfied) == (ratings["n"], ratings["satisfied"])
    if ratings["n"]:
        assert d.average_rating == pytest.approx(ratings["avg"])
    else:
        assert d.average_rating is None
    paid = Dossier.objects.filter(fees_paid_at__gte=start, fees_paid_at__lt=end)
    online = paid.filter(payments__status=PaymentStatus.PAID).distinct()
    assert (d.fees_paid, d.fees_paid_online) == (paid.count(), online.count())
    return board


def _ipn(payment: Payment, hours: float, **changes: Any) -> None:
    """The gateway's signed notification that ``payment`` was paid (or ``changes``), sent ``hours`` in."""
    moment = int(at(hours).timestamp())
    params = ipn_params(payment, timestamp=moment, **{"paid_at": moment, **changes})
    with clock.frozen(at(hours)):
        answer = Client().post("/api/v1/payments/ipn", params, content_type="application/json")
    assert answer.json()["code"] == "accepted", answer.json()


def _same_process(model: Procedure, procedure: Procedure) -> None:
    source = InternalProcess.objects.get(procedure=model)
    process = InternalProcess.objects.create(procedure=procedure, agency=source.agency, name=source.name)
    for step in source.steps.all():
        step.pk, step.process = None, process
        step.save()


def _waiting_for_fees(store: Store, dossier: Dossier, hours: float, forward: bool = True) -> Dossier:  # noqa: F811
    world = store.world
    if forward:
        with clock.frozen(at(hours)):
            dossier = dossier_act(dossier=dossier, actor=world.reception, action=Action.FORWARD)
    # The procedure's fee, and an account for the applicant of a desk dossier (who pays online).
    Dossier.objects.filter(pk=dossier.pk).update(fee_amount=Decimal(50_000), owner=world.citizen)
    with clock.frozen(at(hours + 0.5)):
        return dossier_act(dossier=dossier, actor=world.specialist, action=Action.REQUEST_FEES)


def test_counters_follow_digitising_results_ratings_reuse_and_fees(store: Store, pki: Pki) -> None:  # noqa: F811
    world = store.world

    # A received at the desk, a paper component digitised twice: one dossier with a digitised component.
    first = received(store)
    digitise(store, first)
    digitise(store, first)
    board = _checked()
    assert (board.store.received, board.store.with_digitised) == (1, 1)

    # B through the whole chain with a signed electronic result, returned (the result is filed in the store).
    returned = _returned_with_signed_result(store, pki)
    board = _checked()
    assert (board.store.received, board.store.with_electronic_result) == (2, 1)

    # The applicant (with an account since) rates B, then changes their mind: one rating, the latest.
    Dossier.objects.filter(pk=returned.pk).update(owner=world.citizen)
    with clock.frozen(at(7)):
        dossier_rate(dossier=returned, actor=world.citizen, rating=5)
    assert _checked().dossiers.rated == 1
    with clock.frozen(at(8)):
        dossier_rate(dossier=returned, actor=world.citizen, rating=2)
    board = _checked()
    assert (board.dossiers.rated, board.dossiers.satisfied, board.dossiers.average_rating) == (1, 0, 2)

    # C drafted online reuses B's filed result: counted only once C is received.
    with clock.frozen(at(9)):
        draft = dossier_create_draft(
            procedure=store.second, agency=world.agency, owner=world.citizen, applicant=AN
        )
        store_services.store_reuse(
            dossier=draft,
            actor=world.citizen,
            document=StoredDocument.objects.get(origin=Origin.RESULT),
            component=store.second_component,
        )
        dossier_attach_file(
            dossier=draft,
            actor=world.citizen,
            upload=pdf(),
            component=draft.procedure_version.components.get(name="Tờ khai"),
        )
        draft = dossier_act(dossier=draft, actor=world.citizen, action=Action.SUBMIT)
    assert _checked().store.reusing == 0
    with clock.frozen(at(10)):
        reusing = dossier_act(dossier=draft, actor=world.reception, action=Action.ACCEPT)
    board = _checked()
    assert (board.store.received, board.store.reusing) == (3, 1)

    # C's fees paid at the gateway: paid, and paid online (C's procedure processed as B's).
    _same_process(world.procedure, store.second)
    reusing = _waiting_for_fees(store, reusing, 11)
    with clock.frozen(at(12)):
        payment = payment_start(dossier=reusing, actor=world.citizen)
    _ipn(payment, 12.1)
    board = _checked()
    assert (board.dossiers.fees_paid, board.dossiers.fees_paid_online) == (1, 1)

    # A's fees confirmed at the desk (cash); a gateway payment started before arrives afterwards.
    first = _waiting_for_fees(store, first, 13)
    with clock.frozen(at(14)):
        late_payment = payment_start(dossier=first, actor=world.citizen)
        dossier_act(dossier=first, actor=world.reception, action=Action.CONFIRM_FEES)
    board = _checked()
    assert (board.dossiers.fees_paid, board.dossiers.fees_paid_online) == (2, 1)
    _ipn(late_payment, 14.2)
    board = _checked()
    assert (board.dossiers.fees_paid, board.dossiers.fees_paid_online) == (2, 2)

    # A pays a second round of fees the next day: counted on that day, no longer on Monday.
    first = _waiting_for_fees(store, Dossier.objects.get(pk=first.pk), 24 + 9, forward=False)
    with clock.frozen(at(24 + 10)):
        dossier_act(dossier=first, actor=world.reception, action=Action.CONFIRM_FEES)
    board = _checked()
    assert (board.dossiers.fees_paid, board.dossiers.fees_paid_online) == (2, 2)
    monday = selectors.dossier_figures(None, selectors.Period(MONDAY.date(), MONDAY.date()))
    assert (monday.fees_paid, monday.fees_paid_online) == (1, 1)

    # The purge removes A's digitised components one by one: A counts until the last is gone.
    digitised = list(StoredDocument.objects.filter(origin=Origin.DIGITISED).order_by("pk"))
    StoredDocument.objects.filter(pk=digitised[0].pk).update(retain_until=dt.date(2026, 3, 3))
    assert store_services.store_purge(today=dt.date(2026, 6, 1)) == 1
    assert _checked().store.with_digitised == 1
    StoredDocument.objects.filter(pk=digitised[1].pk).update(retain_until=dt.date(2026, 3, 3))
    assert store_services.store_purge(today=dt.date(2026, 6, 1)) == 1
    assert _checked().store.with_digitised == 0

    # A rebuild from scratch gives back exactly the rows the events built.
    built = _rows()
    DossierDayStat.objects.all().delete()
    assert not stats_verify().ok
    assert stats_rebuild() == len(built)
    assert _rows() == built


def _rows() -> set[tuple[Any, ...]]:
    columns = ("day", "agency_id", "procedure_id", "channel", *COUNTERS)
    return {row for row in DossierDayStat.objects.values_list(*columns) if any(row[4:])}


def test_a_payment_that_fails_counts_nothing(store: Store) -> None:  # noqa: F811
    dossier = _waiting_for_fees(store, received(store), 1)
    with clock.frozen(at(2)):
        payment = payment_start(dossier=dossier, actor=store.world.citizen)
    _ipn(payment, 2.1, status="failed", paid_at="")
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    board = _checked()
    assert (board.dossiers.fees_paid, board.dossiers.fees_paid_online) == (0, 0)
