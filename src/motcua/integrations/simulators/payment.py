"""A national-payment-platform-style gateway for tests, demos and development (``motcua simulate payment``).

The merchant (MotCua) sends the citizen's browser to ``/pay`` with HMAC-SHA256-signed parameters; the page
shows the amount and description with **Thanh toán** / **Hủy giao dịch**. Either button records the
transaction, posts the signed notification (IPN) to the merchant's IPN URL and sends the browser back to
the return URL with signed parameters. A notification the merchant cannot take (connection refused, time
out, 5xx) stays in an outbox and is retried with exponential backoff (1, 2, 4 … 60 s, 10 attempts), each
attempt re-signed with a fresh timestamp and the same ``callback_id``; a 4xx answer is final.
``GET /api/transactions`` lists a day's transactions for reconciliation (signed request, signed answer).

Everything is kept in a SQLite file (``var/payment-simulator.sqlite3``), so a restart loses nothing.
Control hooks for tests (not part of the gateway's contract): ``POST /_control/next-ipn`` with
``{"duplicate": true}`` (send it twice), ``"bad_signature"``, ``"drop"`` (never send), ``"queue_only"``
(do not try now: wait for the retry loop), ``"amount": N`` (misstate the amount); ``POST /_control/tamper``
``{"transaction_id", "amount"?, "status"?}`` changes a stored transaction; ``POST /_control/deliver`` runs
the due retries now; ``GET /_control/outbox`` and ``GET /_control/transactions`` show the state.
Wire format: docs/integrations/payment.md.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import secrets
import sqlite3
import threading
import time
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

import httpx

from motcua.integrations.simulators import base
from motcua.payments import signing

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8703
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the gateway's business day is Vietnam's
MAX_ATTEMPTS = 10
RETRY_CAP_SECONDS = 60.0
DELIVERY_TIMEOUT_SECONDS = 5.0
REQUEST_MAX_AGE_SECONDS = 900
HOOKS = ("duplicate", "bad_signature", "drop", "queue_only", "amount")
_PAY_FIELDS = (
    "merchant",
    "order_id",
    "amount",
    "description",
    "return_url",
    "ipn_url",
    "timestamp",
    "expires_at",
    signing.SIGNATURE,
)

_SCHEMA = """
create table if not exists transactions (
    transaction_id text primary key,
    merchant text not null,
    order_id text not null,
    amount integer not null,
    description text not null,
    return_url text not null,
    ipn_url text not null,
    expires_at integer not null,
    status text not null,
    created_at integer not null,
    paid_at integer,
    day text not null,
    unique (merchant, order_id)
);
create table if not exists outbox (
    id integer primary key autoincrement,
    transaction_id text not null,
    url text not null,
    payload text not null,
    bad_signature integer not null default 0,
    attempts integer not null default 0,
    next_attempt_at real not null,
    state text not null default 'pending',
    last_error text not null default ''
);
"""


class GatewayError(Exception):
    """A request the gateway refuses: shown to the browser as a page with this message."""

    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _day_of(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, ZONE).date().isoformat()


class PaymentSimulator:
    """The gateway's state and rules; the HTTP handler only parses and formats."""

    def __init__(self, *, db_path: Path, merchants: dict[str, str], retry_base: float = 1.0) -> None:
        self.merchants = merchants
        self.retry_base = retry_base
        self.next_ipn: dict[str, Any] = {}
        self._lock = threading.RLock()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        # A notification being sent when the process stopped is sent again (the merchant dedupes).
        self._db.execute("update outbox set state = 'pending' where state = 'sending'")
        self._stop = threading.Event()

    # -- the payment page ---------------------------------------------------------------------------------

    def open_payment(self, params: dict[str, str]) -> sqlite3.Row:
        """The transaction for a signed payment request, created on first sight of its order id."""
        missing = [name for name in _PAY_FIELDS if not params.get(name)]
        if missing:
            raise GatewayError(f"Thiếu tham số: {', '.join(missing)}.")
        secret = self.merchants.get(params["merchant"])
        if secret is None:
            raise GatewayError("Đơn vị chấp nhận thanh toán không được đăng ký.")
        if not signing.verify(params, secret):
            raise GatewayError("Chữ ký của yêu cầu thanh toán không hợp lệ.", HTTPStatus.UNAUTHORIZED)
        try:
            amount, stamp, expires = (
                int(params["amount"]),
                int(params["timestamp"]),
                int(params["expires_at"]),
            )
        except ValueError:
            raise GatewayError("Số tiền hoặc thời điểm không hợp lệ.") from None
        now = time.time()
        if amount <= 0:
            raise GatewayError("Số tiền không hợp lệ.")
        if expires < now:
            raise GatewayError("Yêu cầu thanh toán đã hết hạn.")
        if abs(now - stamp) > REQUEST_MAX_AGE_SECONDS:
            raise GatewayError("Yêu cầu thanh toán đã quá thời gian cho phép.")
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(
                "select * from transactions where merchant = ? and order_id = ?",
                (params["merchant"], params["order_id"]),
            ).fetchone()
            if row is not None:
                if row["amount"] != amount:
                    raise GatewayError("Mã đơn hàng đã dùng cho một số tiền khác.", HTTPStatus.CONFLICT)
                return row
            transaction_id = f"GW{_day_of(now).replace('-', '')}{secrets.token_hex(5).upper()}"
            self._db.execute(
                "insert into transactions (transaction_id, merchant, order_id, amount, description,"
                " return_url, ipn_url, expires_at, status, created_at, day)"
                " values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (
                    transaction_id,
                    params["merchant"],
                    params["order_id"],
                    amount,
                    params["description"][:255],
                    params["return_url"],
                    params["ipn_url"],
                    expires,
                    int(now),
                    _day_of(now),
                ),
            )
            return self.transaction(transaction_id)

    def transaction(self, transaction_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = self._db.execute(
            "select * from transactions where transaction_id = ?", (transaction_id,)
        ).fetchone()
        if row is None:
            raise GatewayError("Không tìm thấy giao dịch.", HTTPStatus.NOT_FOUND)
        return row

    def finish(self, transaction_id: str, *, paid: bool) -> str:
        """Pay or cancel a pending transaction; notify the merchant; the URL to send the browser back to."""
        with self._lock:
            row = self.transaction(transaction_id)
            if row["status"] != "pending":
                raise GatewayError("Giao dịch đã kết thúc.", HTTPStatus.CONFLICT)
            now = int(time.time())
            if paid and row["expires_at"] < now:
                raise GatewayError("Yêu cầu thanh toán đã hết hạn.")
            status = "paid" if paid else "cancelled"
            self._db.execute(
                "update transactions set status = ?, paid_at = ? where transaction_id = ?",
                (status, now if paid else None, transaction_id),
            )
            row = self.transaction(transaction_id)
            hooks, self.next_ipn = self.next_ipn, {}
            queued = self._enqueue_ipn(row, hooks)
        if not hooks.get("queue_only"):
            for outbox_id in queued:  # this request's own notifications, tried before the browser returns
                self._deliver_claimed(outbox_id)
        return self._return_url(row)

    def _enqueue_ipn(self, row: sqlite3.Row, hooks: dict[str, Any]) -> list[int]:
        """Queue the notification (twice with the duplicate hook); the ids the caller should try now."""
        if hooks.get("drop"):
            return []
        payload = {
            "merchant": row["merchant"],
            "order_id": row["order_id"],
            "amount": int(hooks.get("amount") or row["amount"]),
            "transaction_id": row["transaction_id"],
            "status": row["status"],
            "paid_at": row["paid_at"] or "",
            "callback_id": secrets.token_hex(12),
        }
        # Rows tried by the paying request are claimed ("sending") so the retry loop leaves them alone.
        state = "pending" if hooks.get("queue_only") else "sending"
        ids: list[int] = []
        for _copy in range(2 if hooks.get("duplicate") else 1):
            cursor = self._db.execute(
                "insert into outbox (transaction_id, url, payload, bad_signature, next_attempt_at, state)"
                " values (?, ?, ?, ?, ?, ?)",
                (
                    row["transaction_id"],
                    row["ipn_url"],
                    json.dumps(payload),
                    1 if hooks.get("bad_signature") else 0,
                    time.time(),
                    state,
                ),
            )
            ids.append(int(cursor.lastrowid or 0))
        return [] if hooks.get("queue_only") else ids

    def _return_url(self, row: sqlite3.Row) -> str:
        params = {
            "merchant": row["merchant"],
            "order_id": row["order_id"],
            "amount": row["amount"],
            "transaction_id": row["transaction_id"],
            "status": row["status"],
            "timestamp": int(time.time()),
        }
        query = urlencode(signing.signed(params, self.merchants[row["merchant"]]))
        separator = "&" if urlsplit(row["return_url"]).query else "?"
        return f"{row['return_url']}{separator}{query}"

    # -- notifications ------------------------------------------------------------------------------------

    def deliver_due(self, *, force: bool = False) -> int:
        """Try every notification whose time has come (all pending ones when forced); how many went."""
        with self._lock:
            ids = [
                row["id"]
                for row in self._db.execute(
                    "select id from outbox where state = 'pending'"
                    " and (? or next_attempt_at <= ?) order by id",
                    (1 if force else 0, time.time()),
                )
            ]
            self._db.executemany("update outbox set state = 'sending' where id = ?", [(i,) for i in ids])
        return sum(self._deliver_claimed(outbox_id) for outbox_id in ids)

    def _deliver_claimed(self, outbox_id: int) -> bool:
        with self._lock:
            row = self._db.execute("select * from outbox where id = ?", (outbox_id,)).fetchone()
        return self._deliver(row)

    def _deliver(self, row: sqlite3.Row) -> bool:
        payload = json.loads(row["payload"])
        secret = self.merchants.get(payload["merchant"], "")
        body = signing.signed({**payload, "timestamp": int(time.time())}, secret)
        if row["bad_signature"]:
            body[signing.SIGNATURE] = signing.sign(body, secret + "-wrong")
        try:
            answer = httpx.post(row["url"], json=body, timeout=DELIVERY_TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            return self._attempted(row, f"{type(exc).__name__}: {exc}", final=False)
        if answer.is_success:
            return self._attempted(row, "", final=True, state="delivered")
        error = f"HTTP {answer.status_code}: {answer.text[:200]}"
        return self._attempted(row, error, final=answer.status_code < 500, state="refused")

    def _attempted(self, row: sqlite3.Row, error: str, *, final: bool, state: str = "pending") -> bool:
        attempts = row["attempts"] + 1
        if not final and attempts >= MAX_ATTEMPTS:
            final, state = True, "gave_up"
        delay = min(self.retry_base * 2 ** (attempts - 1), RETRY_CAP_SECONDS)
        with self._lock:
            self._db.execute(
                "update outbox set attempts = ?, state = ?, last_error = ?, next_attempt_at = ? where id = ?",
                (attempts, state if final else "pending", error, time.time() + delay, row["id"]),
            )
        if error:
            logger.info("payment simulator: IPN %s attempt %d: %s", row["id"], attempts, error)
        return state == "delivered"

    def run_retries(self, interval: float = 0.2) -> None:
        """The retry loop (a daemon thread of the server)."""
        while not self._stop.wait(interval):
            try:
                self.deliver_due()
            except Exception:  # the loop must survive anything one delivery does
                logger.exception("payment simulator: retry loop")

    def stop(self) -> None:
        self._stop.set()

    # -- reconciliation and control -----------------------------------------------------------------------

    def transactions_on(self, params: dict[str, str]) -> tuple[bytes, str]:
        """The merchant's transactions of a day as a JSON body and its signature (for the header)."""
        secret = self.merchants.get(params.get("merchant", ""))
        if secret is None or not signing.verify(params, secret):
            raise GatewayError("Chữ ký của yêu cầu không hợp lệ.", HTTPStatus.UNAUTHORIZED)
        try:
            stamp = int(params.get("timestamp", ""))
            day = dt.date.fromisoformat(params.get("date", ""))
        except ValueError:
            raise GatewayError("Ngày hoặc thời điểm không hợp lệ.") from None
        if abs(time.time() - stamp) > REQUEST_MAX_AGE_SECONDS:
            raise GatewayError("Yêu cầu đã quá thời gian cho phép.", HTTPStatus.UNAUTHORIZED)
        with self._lock:
            rows = self._db.execute(
                "select * from transactions where merchant = ? and day = ?"
                " order by created_at, transaction_id",
                (params["merchant"], day.isoformat()),
            ).fetchall()
        listing = {
            "merchant": params["merchant"],
            "date": day.isoformat(),
            "transactions": [
                {
                    "order_id": row["order_id"],
                    "transaction_id": row["transaction_id"],
                    "amount": row["amount"],
                    "status": row["status"],
                    "created_at": row["created_at"],
                    "paid_at": row["paid_at"],
                }
                for row in rows
            ],
        }
        body = json.dumps(listing, ensure_ascii=False).encode()
        return body, signing.sign_body(body, secret)

    def set_next_ipn(self, hooks: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(hooks) - set(HOOKS))
        if unknown:
            raise GatewayError(f"Unknown hooks: {', '.join(unknown)}; known: {', '.join(HOOKS)}")
        with self._lock:
            self.next_ipn = dict(hooks)
        return self.next_ipn

    def tamper(self, change: dict[str, Any]) -> dict[str, Any]:
        row = self.transaction(str(change.get("transaction_id", "")))
        amount = int(change.get("amount", row["amount"]))
        status = str(change.get("status", row["status"]))
        with self._lock:
            self._db.execute(
                "update transactions set amount = ?, status = ? where transaction_id = ?",
                (amount, status, row["transaction_id"]),
            )
        return dict(self.transaction(row["transaction_id"]))

    def dump(self, table: str) -> list[dict[str, Any]]:
        assert table in {"transactions", "outbox"}
        with self._lock:
            return [dict(row) for row in self._db.execute(f"select * from {table} order by rowid")]


# --- HTTP (the shared stdlib server of simulators/base.py) ------------------------------------------


def _routes(gateway: PaymentSimulator) -> dict[tuple[str, str], base.Route]:
    def page(route: base.Route) -> base.Route:
        """A browser route: a refusal is an HTML page."""

        def guarded(request: base.Request) -> base.Response:
            try:
                return route(request)
            except GatewayError as exc:
                body = _page("Không thực hiện được", f"<p>{html.escape(exc.message)}</p>")
                return base.html_response(body, exc.status)

        return guarded

    def api(route: base.Route) -> base.Route:
        """A machine route: a refusal is JSON."""

        def guarded(request: base.Request) -> base.Response:
            try:
                return route(request)
            except GatewayError as exc:
                return base.json_response({"code": "refused", "message": exc.message}, exc.status)

        return guarded

    def finish(paid: bool) -> base.Route:
        def route(request: base.Request) -> base.Response:
            form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
            target = gateway.finish(form.get("transaction_id", ""), paid=paid)
            return base.Response(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": target})

        return page(route)

    def listing(request: base.Request) -> base.Response:
        body, signature = gateway.transactions_on(request.query)
        return base.Response(200, body, "application/json; charset=utf-8", {"X-Signature": signature})

    return {
        ("GET", "/"): page(
            lambda request: base.html_response(_index_page(gateway.dump("transactions")[-20:]))
        ),
        ("GET", "/pay"): page(
            lambda request: base.html_response(_pay_page(gateway.open_payment(request.query)))
        ),
        ("POST", "/pay/confirm"): finish(paid=True),
        ("POST", "/pay/cancel"): finish(paid=False),
        ("GET", "/api/transactions"): api(listing),
        ("POST", "/_control/next-ipn"): api(
            lambda request: base.json_response({"next_ipn": gateway.set_next_ipn(_json_object(request))})
        ),
        ("POST", "/_control/tamper"): api(
            lambda request: base.json_response(gateway.tamper(_json_object(request)))
        ),
        ("POST", "/_control/deliver"): api(
            lambda request: base.json_response({"delivered": gateway.deliver_due(force=True)})
        ),
        ("GET", "/_control/outbox"): api(lambda request: base.json_response(gateway.dump("outbox"))),
        ("GET", "/_control/transactions"): api(
            lambda request: base.json_response(gateway.dump("transactions"))
        ),
    }


def _json_object(request: base.Request) -> dict[str, Any]:
    data = request.json()
    if not isinstance(data, dict):
        raise GatewayError("The body must be a JSON object.")
    return data


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đ"


def _page(title: str, content: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} · Cổng thanh toán (mô phỏng)</title>"
        "<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
        "dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}dt{color:#555}"
        "button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem}form{display:inline}</style>"
        f"</head><body><p><strong>Cổng thanh toán (mô phỏng)</strong></p><h1>{html.escape(title)}</h1>"
        f"{content}</body></html>"
    )


def _pay_page(row: sqlite3.Row) -> str:
    facts = (
        f"<dl><dt>Đơn vị thụ hưởng</dt><dd>{html.escape(row['merchant'])}</dd>"
        f"<dt>Mã đơn hàng</dt><dd>{html.escape(row['order_id'])}</dd>"
        f"<dt>Nội dung</dt><dd>{html.escape(row['description'])}</dd>"
        f'<dt>Số tiền</dt><dd id="amount">{_money(row["amount"])}</dd>'
        f"<dt>Mã giao dịch</dt><dd>{html.escape(row['transaction_id'])}</dd></dl>"
    )
    if row["status"] != "pending":
        state = "đã thanh toán" if row["status"] == "paid" else "đã hủy"
        return _page("Giao dịch đã kết thúc", f"{facts}<p>Giao dịch {state}.</p>")
    tid = html.escape(row["transaction_id"])
    buttons = (
        f'<form method="post" action="/pay/confirm"><input type="hidden" name="transaction_id" value="{tid}">'
        '<button type="submit">Thanh toán</button></form>'
        f'<form method="post" action="/pay/cancel"><input type="hidden" name="transaction_id" value="{tid}">'
        '<button type="submit">Hủy giao dịch</button></form>'
    )
    return _page("Thanh toán trực tuyến", facts + buttons)


def _index_page(rows: list[dict[str, Any]]) -> str:
    items = "".join(
        f"<li>{html.escape(r['transaction_id'])} · {html.escape(r['order_id'])} · {_money(r['amount'])}"
        f" · {html.escape(r['status'])}</li>"
        for r in reversed(rows)
    )
    return _page("Giao dịch gần đây", f"<ul>{items or '<li>Chưa có giao dịch.</li>'}</ul>")


def make_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    db_path: Path,
    merchants: dict[str, str],
    retry_base: float = 1.0,
) -> tuple[ThreadingHTTPServer, PaymentSimulator]:
    """Bind the server (port 0: a free one) and start the retry loop (``simulator.stop()`` ends it)."""
    simulator = PaymentSimulator(db_path=db_path, merchants=merchants, retry_base=retry_base)
    server = base.make_server(host, port, _routes(simulator), name="payment")
    threading.Thread(target=simulator.run_retries, name="payment-ipn-retries", daemon=True).start()
    return server, simulator


def serve(host: str, port: int) -> None:
    """``motcua simulate payment``: the merchant registered is MotCua, with its own settings."""
    from django.conf import settings

    server, simulator = make_server(
        host,
        port,
        db_path=Path(settings.BASE_DIR) / "var" / "payment-simulator.sqlite3",
        merchants={settings.MOTCUA_PAYMENT_MERCHANT_CODE: settings.MOTCUA_PAYMENT_SECRET},
    )
    logger.info("payment simulator: merchant %s", settings.MOTCUA_PAYMENT_MERCHANT_CODE)
    try:
        base.serve_forever(server)
    finally:
        simulator.stop()
