"""Codes stay unique and gap-free, and no update is lost, when officers act at the same moment.

Real threads and real transactions (``transaction=True``): on PostgreSQL this exercises the row lock of
the day's counter and of the dossier; on SQLite the database lock serialises the writers the same way.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import Applicant, dossier_act, dossier_register_at_desk
from motcua.dossiers.tests.conftest import World
from motcua.dossiers.workflow import Action

pytestmark = pytest.mark.django_db(transaction=True)

MOMENT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=clock.local_zone())


def _in_threads(count: int, work: Callable[[int], object]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            with clock.frozen(MOMENT):
                work(index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_concurrent_receptions_get_consecutive_codes(world: World) -> None:
    def receive(index: int) -> None:
        dossier_register_at_desk(
            procedure=world.procedure,
            agency=world.agency,
            officer=world.reception,
            applicant=Applicant(name=f"Người nộp {index}"),
        )

    errors = _in_threads(8, receive)

    assert errors == []
    codes = sorted(str(code) for code in Dossier.objects.values_list("code", flat=True))
    assert codes == [f"000.00.32.H37-260302-{n:04d}" for n in range(1, 9)]


def test_two_officers_on_one_dossier_never_lose_an_update(world: World) -> None:
    with clock.frozen(MOMENT):
        dossier = dossier_register_at_desk(
            procedure=world.procedure,
            agency=world.agency,
            officer=world.reception,
            applicant=Applicant(name="An"),
        )

    def forward(_: int) -> None:
        dossier_act(dossier=dossier, actor=world.reception, action=Action.FORWARD)

    errors = _in_threads(4, forward)

    # exactly one forward wins; the others see the new status and are refused, changing nothing
    assert len(errors) == 3
    assert all(isinstance(e, DomainError) for e in errors)
    assert DossierEvent.objects.filter(dossier=dossier, action="forward").count() == 1
    assert Dossier.objects.get(pk=dossier.pk).tasks.count() == 5
