"""The payments API: the gateway's notification (no account: the signature is the authentication), and
a citizen's start of a payment and list of a dossier's payments (token or session)."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from motcua.accounts.auth import API_AUTH
from motcua.accounts.models import User
from motcua.core.errors import ERROR_RESPONSES, ErrorOut
from motcua.dossiers.access import access_dossier_by_code
from motcua.payments import services
from motcua.payments.models import Payment

router = Router(tags=["payments"], auth=API_AUTH)


class IpnAnswer(Schema):
    code: str
    message: str


class PaymentOut(Schema):
    order_id: str
    amount: int
    status: str
    transaction_id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    paid_at: dt.datetime | None


class PaymentStarted(PaymentOut):
    payment_url: str


_TOKEN = {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}
_DIGITS = {"type": "string", "pattern": "^[0-9]{1,15}$"}
IPN_SCHEMA = {
    "type": "object",
    "required": [
        "merchant",
        "order_id",
        "amount",
        "transaction_id",
        "status",
        "callback_id",
        "timestamp",
        "signature",
    ],
    "properties": {
        "merchant": {"type": "string", "minLength": 1, "maxLength": 64},
        "order_id": _TOKEN,
        "amount": _DIGITS,
        "transaction_id": _TOKEN,
        "status": {"type": "string", "enum": ["paid", "failed", "cancelled"]},
        "paid_at": {"type": "string", "pattern": "^[0-9]{0,15}$"},
        "callback_id": {"type": "string", "minLength": 1, "maxLength": 64},
        "timestamp": _DIGITS,
        "signature": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}

IPN_DESCRIPTION = """The gateway's signed notification of a payment's outcome (JSON object of strings).

Answers 200 `{"code": "accepted"|"duplicate", ...}` when applied or already applied (send it again
safely), else an error `{code, message, fields}`: 400 `malformed`, `wrong_merchant`, `stale_timestamp`,
`future_timestamp`; 401 `bad_signature`; 404 `unknown_order`; 409 `amount_mismatch`, `already_paid`,
`callback_id_reused`, `transaction_conflict`. A refused notification changes nothing and is logged."""


@router.post(
    "/ipn",
    auth=None,
    url_name="payment_ipn",
    response={200: IpnAnswer, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Payment notification from the gateway (IPN)",
    description=IPN_DESCRIPTION,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": IPN_SCHEMA}}}
    },
)
def ipn(request: HttpRequest) -> HttpResponse | tuple[int, dict[str, object]]:
    try:
        data = json.loads(request.body or b"null")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {"_body": request.body[:2000].decode("utf-8", "replace")}
    params = {
        _clean(str(k))[:64]: _clean(v if isinstance(v, str) else json.dumps(v)) for k, v in data.items()
    }
    outcome = services.payment_callback_receive(
        params=params, remote_addr=request.META.get("REMOTE_ADDR", "")
    )
    if outcome.status == 200:
        return 200, {"code": outcome.verdict, "message": outcome.message}
    return outcome.status, {"code": outcome.reason, "message": outcome.message, "fields": {}}


def _clean(text: str) -> str:
    """What arrived, storable in the log (PostgreSQL's JSON refuses NUL characters) and of bounded size."""
    return text.replace("\x00", "\ufffd")[:2000]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _out(payment: Payment) -> dict[str, object]:
    return {
        "order_id": payment.order_id,
        "amount": payment.amount,
        "status": payment.status,
        "transaction_id": payment.transaction_id,
        "created_at": payment.created_at,
        "expires_at": payment.expires_at,
        "paid_at": payment.paid_at,
    }


@router.post(
    "/dossiers/{code}",
    response={201: PaymentStarted, **ERROR_RESPONSES},
    summary="Start (or resume) the online payment of a dossier's fees; send the browser to payment_url",
)
def start(request: HttpRequest, code: str) -> tuple[int, dict[str, object]]:
    dossier = access_dossier_by_code(user=_user(request), code=code)
    payment = services.payment_start(dossier=dossier, actor=_user(request))
    url = services.payment_send(payment=payment, actor=_user(request))
    payment.refresh_from_db()
    return 201, {**_out(payment), "payment_url": url}


@router.get(
    "/dossiers/{code}",
    response={200: list[PaymentOut], **ERROR_RESPONSES},
    summary="The online payments of a dossier (its applicant and the officials who see it)",
)
def listing(request: HttpRequest, code: str) -> list[dict[str, object]]:
    dossier = access_dossier_by_code(user=_user(request), code=code)
    return [_out(p) for p in Payment.objects.filter(dossier=dossier).order_by("-created_at")]
