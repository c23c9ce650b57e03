"""A dossier waiting for its fees, the gateway simulator on loopback, and signed callbacks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    ActionInput,
    Applicant,
    dossier_act,
    dossier_attach_file,
    dossier_create_draft,
)
from motcua.dossiers.tests.conftest import World, pdf, world  # noqa: F401 - the fixture is used here
from motcua.dossiers.workflow import Action
from motcua.integrations.simulators import base
from motcua.integrations.simulators import payment as simulator_module
from motcua.payments import signing
from motcua.payments.models import Payment

FEE = 150_000


def fees_requested(world: World, fee: int = FEE) -> Dossier:  # noqa: F811
    """An online dossier of ``world.citizen`` received, forwarded, and waiting for ``fee`` đồng."""
    draft = dossier_create_draft(
        procedure=world.procedure,
        agency=world.agency,
        owner=world.citizen,
        applicant=Applicant(name="Nguyễn Văn An", id_number="020090001234", phone="0912000001"),
    )
    dossier_attach_file(dossier=draft, actor=world.citizen, upload=pdf(), component=world.component)
    dossier = dossier_act(dossier=draft, actor=world.citizen, action=Action.SUBMIT)
    dossier = dossier_act(dossier=dossier, actor=world.reception, action=Action.ACCEPT)
    dossier = dossier_act(dossier=dossier, actor=world.reception, action=Action.FORWARD)
    Dossier.objects.filter(pk=dossier.pk).update(fee_amount=Decimal(fee))  # the procedure's fee, here
    return dossier_act(
        dossier=dossier, actor=world.specialist, action=Action.REQUEST_FEES, data=ActionInput()
    )


@pytest.fixture
def dossier(world: World) -> Dossier:  # noqa: F811 - world is the imported fixture
    return fees_requested(world)


def ipn_params(payment: Payment, **changes: Any) -> dict[str, str]:
    """A valid signed notification that ``payment`` was paid, with ``changes`` applied before signing."""
    params: dict[str, Any] = {
        "merchant": settings.MOTCUA_PAYMENT_MERCHANT_CODE,
        "order_id": payment.order_id,
        "amount": payment.amount,
        "transaction_id": f"GW{payment.pk:08d}",
        "status": "paid",
        "paid_at": int(time.time()),
        "callback_id": f"cb-{payment.pk}-1",
        "timestamp": int(time.time()),
    }
    params.update(changes)
    return signing.signed(params, settings.MOTCUA_PAYMENT_SECRET)


class Gateway:
    """The simulator running in this process on a free loopback port, with its control hooks."""

    def __init__(self, server: Any, simulator: simulator_module.PaymentSimulator) -> None:
        self.server, self.simulator = server, simulator
        self.url = f"http://127.0.0.1:{server.server_port}"

    def hook(self, **hooks: Any) -> None:
        httpx.post(f"{self.url}/_control/next-ipn", json=hooks).raise_for_status()

    def outbox(self) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.url}/_control/outbox").json())


def start_gateway(db_path: Path, port: int = 0) -> Gateway:
    server, simulator = simulator_module.make_server(
        "127.0.0.1",
        port,
        db_path=db_path,
        merchants={settings.MOTCUA_PAYMENT_MERCHANT_CODE: settings.MOTCUA_PAYMENT_SECRET},
        retry_base=0.05,
    )
    base.start_in_thread(server)
    return Gateway(server, simulator)


def stop_gateway(gateway: Gateway) -> None:
    gateway.simulator.stop()
    gateway.server.shutdown()
    gateway.server.server_close()


@pytest.fixture
def gateway(tmp_path: Path, settings: Any) -> Iterator[Gateway]:
    running = start_gateway(tmp_path / "gateway.sqlite3")
    settings.MOTCUA_PAYMENT_GATEWAY_URL = running.url
    yield running
    stop_gateway(running)
