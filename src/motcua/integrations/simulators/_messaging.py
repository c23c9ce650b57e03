"""What the SMS and Zalo simulators share: the SQLite message store, the request-id deduplication, the
delayed signed delivery report, the HTML page and the control hooks for tests.

A gateway module (``sms``, ``zalo``) supplies a ``Dialect``: how it authenticates and validates a send
request, how it answers, and how its delivery report looks. Phone numbers ending in ``0000`` are never
reached: their delivery report says "failed", so demos and tests can show both outcomes.

Control hooks (not part of any gateway's contract), ``POST /_control`` with a JSON object:
``{"fail_next": N, "fail_status": 503}`` the next N sends are refused with that status (nothing stored);
``{"slow_next": N, "slow_seconds": S}`` the next N sends are accepted but answered S seconds late;
``{"malformed_next": N}`` the next N sends are answered 200 with a body that is not JSON (nothing stored);
``{"reset": true}`` clears the hooks. ``GET /_control/messages`` lists the stored messages as JSON.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from motcua.integrations.simulators import base
from motcua.notifications import signing

logger = logging.getLogger(__name__)

UNREACHABLE_SUFFIX = "0000"
REPORT_ATTEMPTS = 5
REPORT_TIMEOUT = 5.0

_SCHEMA = """
create table if not exists messages (
    message_id text primary key,
    request_id text not null unique,
    phone text not null,
    content text not null,
    meta text not null,
    callback_url text not null,
    received_at text not null,
    report text not null default '',
    reason text not null default '',
    reported_at text not null default '',
    callback_status text not null default ''
);
"""


@dataclass(frozen=True)
class Accepted:
    """A valid send request, as the dialect read it."""

    request_id: str
    phone: str
    content: str  # the text, or the template and its parameters, as the page shows it
    meta: dict[str, Any]
    callback_url: str


@dataclass(frozen=True)
class Dialect:
    name: str
    send_path: str
    status_path: str
    parse_send: Callable[[base.Request, GatewayConfig], Accepted]  # raises base.HttpError
    answer: Callable[[str, bool], base.Response]  # (message id, duplicate)
    report_body: Callable[[dict[str, Any]], dict[str, Any]]  # a stored row -> the report's JSON
    status_body: Callable[[dict[str, Any]], dict[str, Any]]
    new_message_id: Callable[[], str] = field(default=lambda: secrets.token_hex(8))


@dataclass
class GatewayConfig:
    db_path: Path
    credential: str  # the API key or access token a send must carry
    callback_secret: str
    callback_url: str  # where delivery reports go unless a request names its own
    report_delay: float = 1.0


@dataclass
class _Hooks:
    fail_next: int = 0
    fail_status: int = 503
    slow_next: int = 0
    slow_seconds: float = 0.0
    malformed_next: int = 0


class Gateway:
    def __init__(self, dialect: Dialect, config: GatewayConfig) -> None:
        self.dialect = dialect
        self.config = config
        self.hooks = _Hooks()
        self._lock = threading.Lock()
        config.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(config.db_path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(_SCHEMA)
        self._timers: list[threading.Timer] = []
        self._closed = threading.Event()

    # --- the gateway's contract -------------------------------------------------------------------
    def send(self, request: base.Request) -> base.Response:
        with self._lock:
            if self.hooks.fail_next > 0:
                self.hooks.fail_next -= 1
                raise base.HttpError(self.hooks.fail_status, {"error": {"code": "unavailable"}})
            if self.hooks.malformed_next > 0:
                self.hooks.malformed_next -= 1
                return base.html_response("<html><body>502 Bad Gateway</body></html>", 200)
            slow = self.hooks.slow_seconds if self.hooks.slow_next > 0 else 0.0
            self.hooks.slow_next = max(0, self.hooks.slow_next - 1)
        accepted = self.dialect.parse_send(request, self.config)
        message_id, duplicate = self._store(accepted)
        if not duplicate:
            self._schedule_report(message_id)
        if slow:
            time.sleep(slow)  # the message is taken; only the answer is late (a client may time out)
        return self.dialect.answer(message_id, duplicate)

    def status(self, request: base.Request) -> base.Response:
        key = request.query.get("id") or request.query.get("msg_id") or ""
        row = self._row(key)
        if row is None:
            raise base.HttpError(404, {"error": {"code": "not_found"}})
        return base.json_response(self.dialect.status_body(row))

    # --- control hooks and pages --------------------------------------------------------------------
    def control(self, request: base.Request) -> base.Response:
        data = request.json()
        if not isinstance(data, dict):
            raise base.HttpError(400, {"error": "a JSON object is expected"})
        with self._lock:
            if data.get("reset"):
                self.hooks = _Hooks()
            for name in ("fail_next", "fail_status", "slow_next", "malformed_next"):
                if name in data:
                    setattr(self.hooks, name, int(data[name]))
            if "slow_seconds" in data:
                self.hooks.slow_seconds = float(data["slow_seconds"])
        return base.json_response({"hooks": self.hooks.__dict__})

    def messages(self, request: base.Request | None = None) -> base.Response:
        return base.json_response({"messages": self.rows()})

    def page(self, request: base.Request) -> base.Response:
        cells = "".join(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(row[key]))}</td>"
                for key in ("received_at", "phone", "content", "message_id", "report", "reason")
            )
            + "</tr>"
            for row in self.rows()
        )
        title = f"{self.dialect.name} simulator"
        return base.html_response(
            f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><meta http-equiv='refresh' "
            f"content='5'><title>{title}</title><style>body{{font-family:sans-serif}}td,th{{border:1px solid "
            f"#ccc;padding:4px;vertical-align:top;white-space:pre-wrap}}table{{border-collapse:collapse}}"
            f"</style></head><body><h1>{title}</h1><p>Tin nhắn đã nhận (mới nhất trước).</p><table><tr>"
            f"<th>Nhận lúc</th><th>Số điện thoại</th><th>Nội dung</th><th>Mã tin</th><th>Trạng thái</th>"
            f"<th>Lý do</th></tr>{cells}</table></body></html>"
        )

    def routes(self) -> dict[tuple[str, str], base.Route]:
        return {
            ("POST", self.dialect.send_path): self.send,
            ("GET", self.dialect.status_path): self.status,
            ("GET", "/"): self.page,
            ("POST", "/_control"): self.control,
            ("GET", "/_control/messages"): self.messages,
        }

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._db.execute("select * from messages order by received_at desc, rowid desc")
            return [dict(row) for row in cursor.fetchall()]

    def close(self) -> None:
        self._closed.set()
        for timer in self._timers:
            timer.cancel()
            if timer.is_alive():
                timer.join(REPORT_TIMEOUT)
        self._db.close()

    # --- internals -----------------------------------------------------------------------------------
    def _row(self, message_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("select * from messages where message_id = ?", (message_id,)).fetchone()
        return dict(row) if row is not None else None

    def _store(self, accepted: Accepted) -> tuple[str, bool]:
        with self._lock:
            existing = self._db.execute(
                "select message_id from messages where request_id = ?", (accepted.request_id,)
            ).fetchone()
            if existing is not None:
                return str(existing["message_id"]), True
            message_id = self.dialect.new_message_id()
            self._db.execute(
                "insert into messages (message_id, request_id, phone, content, meta, callback_url,"
                " received_at) values (?, ?, ?, ?, ?, ?, ?)",
                (
                    message_id,
                    accepted.request_id,
                    accepted.phone,
                    accepted.content,
                    json.dumps(accepted.meta, ensure_ascii=False),
                    accepted.callback_url or self.config.callback_url,
                    dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                ),
            )
        return message_id, False

    def _schedule_report(self, message_id: str) -> None:
        timer = threading.Timer(self.config.report_delay, self._report, args=(message_id,))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _report(self, message_id: str) -> None:
        if self._closed.is_set():
            return
        row = self._row(message_id)
        if row is None:
            return
        reached = not row["phone"].endswith(UNREACHABLE_SUFFIX)
        reason = "" if reached else "thuê bao không liên lạc được"
        reported_at = dt.datetime.now(dt.UTC)
        with self._lock:
            self._db.execute(
                "update messages set report = ?, reason = ?, reported_at = ? where message_id = ?",
                ("delivered" if reached else "failed", reason, reported_at.isoformat(), message_id),
            )
        row = self._row(message_id)
        assert row is not None
        if not row["callback_url"]:
            return
        body = json.dumps(self.dialect.report_body(row), ensure_ascii=False).encode()
        outcome = "not sent"
        for attempt in range(REPORT_ATTEMPTS):
            if self._closed.is_set():
                return
            headers = signing.signed_headers(
                secret=self.config.callback_secret, timestamp=int(time.time()), body=body
            )
            try:
                response = httpx.post(
                    row["callback_url"],
                    content=body,
                    headers={**headers, "Content-Type": "application/json"},
                    timeout=REPORT_TIMEOUT,
                )
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            else:
                outcome = str(response.status_code)
                if response.status_code < 500 and response.status_code != 404:
                    break  # taken, or refused for good (a 404 may be a report faster than the send's commit)
            self._closed.wait(min(2**attempt, 10) * 0.5)
        logger.info("%s simulator: report for %s -> %s", self.dialect.name, message_id, outcome)
        with self._lock:
            self._db.execute(
                "update messages set callback_status = ? where message_id = ?", (outcome, message_id)
            )


def bearer(request: base.Request) -> str:
    value = request.headers.get("Authorization") or ""
    return value[7:] if value.startswith("Bearer ") else ""


def run(dialect: Dialect, config: GatewayConfig, host: str, port: int) -> None:
    gateway = Gateway(dialect, config)
    server = base.make_server(host, port, gateway.routes(), name=dialect.name)
    try:
        base.serve_forever(server)
    finally:
        gateway.close()
