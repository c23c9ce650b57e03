"""Simulator of the provincial integration axis (LGSP) for official documents (``motcua simulate lgsp``,
port 8706).

It speaks the wire format of ``motcua.integrations.lgsp.wire`` and keeps one mailbox per organ identifier
in a SQLite file (``--data``, env ``LGSP_SIMULATOR_DATA``, default ``var/lgsp-simulator.sqlite3``), so it
survives restarts. Like the real axis is expected to, it

- validates what it is given with the edXML reader (``motcua.documents.edxml``): a malformed package, a
  package marked confidential, a status message with an unknown code, or a sender that is not the organ
  speaking (``X-Organ-Id`` must be the package's ``From``) is refused and recorded as an error;
- applies each request key once: a repeated ``sendEdoc`` answers the first ``DocId`` and is counted;
- puts a package in the mailbox of each ``To`` organ, a status message in its ``ResponseFor/OrganId``'s;
- lists a mailbox's unacknowledged items, gives an item only to its mailbox's owner, and records each
  acknowledgement (``done``/``fail`` with its description) — the sender's side sees them on ``/_trace``;
- requires ``Authorization: Bearer <token>`` when it has a token (env ``LGSP_TOKEN``, default the
  development token).

For tests it can misbehave on request, through ``POST /_control`` with a JSON object:
``{"fail": N, "fail_status": 503, "fail_call": "updateStatus"}`` refuses the next N calls (of that call
only, when ``fail_call`` is given), ``{"malformed": N}`` answers the next N
calls with a body that is not JSON, ``{"delay": S}`` answers every call S seconds late, ``{"reset": true}``
forgets everything, ``{"inject": {"to": organ, "from": organ, "messageType": "edoc", "data": base64}}``
puts an item in a mailbox without any check (to hand a receiver something invalid). ``GET /_state`` gives
the counters and errors, ``GET /_mailbox?organ=`` a mailbox's items (all states), ``GET /_trace?docId=``
what became of one sent DocId; ``GET /`` is an HTML page of the mailboxes.

Run it alone (no Django needed): ``python -m motcua.integrations.simulators.lgsp --port 8706``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import html
import logging
import os
import sqlite3
import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path

from motcua.documents import edxml
from motcua.integrations.lgsp import wire
from motcua.integrations.simulators import base

DEFAULT_PORT = 8706
DEFAULT_TOKEN = "motcua-lgsp-simulator-token"
DEFAULT_DATA = Path(__file__).resolve().parents[4] / "var" / "lgsp-simulator.sqlite3"
MAX_BYTES = 50 * 1024 * 1024

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL, request_key TEXT UNIQUE, from_organ TEXT NOT NULL,
    message_type TEXT NOT NULL, content BLOB NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, send_id INTEGER NOT NULL REFERENCES sends (id), organ TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', description TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_mailbox ON items (organ, state, id);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, call TEXT NOT NULL, organ TEXT, request_key TEXT,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Refused(Exception):  # noqa: N818 - a refusal answered to the caller, not a bug
    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.code = code
        self.reason = reason


class LgspSimulator:
    """The simulated axis's state: a SQLite file, one connection behind a lock, misbehaviour switches."""

    def __init__(self, *, data_path: Path | str, token: str = DEFAULT_TOKEN) -> None:
        self.data_path = Path(data_path)
        self.data_path.parent.mkdir(parents=True, exist_ok=True)
        self.token = token
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.data_path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self.fail_next = 0
        self.fail_status = 503
        self.fail_call = ""
        self.malformed_next = 0
        self.delay = 0.0

    def routes(self) -> dict[tuple[str, str], base.Route]:
        calls: dict[tuple[str, str], base.Route] = {
            ("POST", f"/{wire.SEND_EDOC}"): self.send_edoc,
            ("GET", f"/{wire.RECEIVED_LIST}"): self.received_list,
            ("GET", f"/{wire.GET_EDOC}"): self.get_edoc,
            ("POST", f"/{wire.UPDATE_STATUS}"): self.update_status,
        }
        return {
            **{route: self._guarded(route[1].lstrip("/"), function) for route, function in calls.items()},
            ("POST", "/_control"): self.control,
            ("GET", "/_state"): self.state,
            ("GET", "/_mailbox"): self.mailbox,
            ("GET", "/_trace"): self.trace,
            ("GET", "/"): self.page,
        }

    def _guarded(self, call: str, function: base.Route) -> base.Route:
        """Authentication, misbehaviour switches and refusals, the same for every call."""

        def route(request: base.Request) -> base.Response:
            headers = {name.lower(): value for name, value in request.headers.items()}
            if self.token and headers.get("authorization", "") != f"Bearer {self.token}":
                return base.json_response(wire.answer("XAC_THUC", "Sai hoặc thiếu mã xác thực"), 401)
            with self._lock:
                if self.fail_next > 0 and self.fail_call in ("", call):
                    self.fail_next -= 1
                    return base.json_response(
                        wire.answer("HE_THONG_BAN", "Hệ thống đang bận (simulated)"), self.fail_status
                    )
                if self.malformed_next > 0:
                    self.malformed_next -= 1
                    return base.html_response("<html><body>502 Bad Gateway</body></html>", 200)
                try:
                    response = function(request)
                except Refused as refusal:
                    self._record_error(
                        call,
                        headers.get(wire.ORGAN_HEADER.lower()),
                        headers.get(wire.REQUEST_KEY_HEADER.lower()),
                        refusal.reason,
                    )
                    response = base.json_response(wire.answer(refusal.code, refusal.reason), refusal.status)
            if self.delay:
                time.sleep(self.delay)
            return response

        return route

    # -- the axis's calls (run under the lock) ---------------------------------------------------------------

    def send_edoc(self, request: base.Request) -> base.Response:
        organ = self._organ(request)
        headers = {name.lower(): value for name, value in request.headers.items()}
        message_type = headers.get(wire.MESSAGE_TYPE_HEADER.lower(), "")
        request_key = headers.get(wire.REQUEST_KEY_HEADER.lower(), "")
        if message_type not in wire.MESSAGE_TYPES:
            raise Refused(400, "LOAI_KHONG_HOP_LE", f"{wire.MESSAGE_TYPE_HEADER} must be edoc or status")
        if not request_key:
            raise Refused(400, "THIEU_MA_GIAO_DICH", f"{wire.REQUEST_KEY_HEADER} is required")
        known = self._db.execute("SELECT doc_id FROM sends WHERE request_key = ?", (request_key,)).fetchone()
        if known:
            self._count("duplicates")
            return base.json_response(wire.answer(DocId=known[0], duplicate=True))
        recipients = self._validate(organ, message_type, request.body)
        doc_id = str(uuid.uuid4())
        self._store(doc_id, request_key, organ, message_type, request.body, recipients)
        self._count(f"sent_{message_type}")
        return base.json_response(wire.answer(DocId=doc_id))

    def _validate(self, organ: str, message_type: str, content: bytes) -> list[str]:
        """The mailboxes an item goes to; Refused when the axis must not carry it."""
        try:
            if message_type == wire.EDOC:
                package = edxml.parse_package(content, max_bytes=MAX_BYTES)
                sender, recipients = package.from_organ.organ_id, [o.organ_id for o in package.to_organs]
            else:
                status = edxml.parse_status(content, max_bytes=MAX_BYTES)
                sender, recipients = status.from_organ.organ_id, [status.response_for_organ_id]
        except edxml.EdxmlError as error:
            raise Refused(400, "GOI_TIN_KHONG_HOP_LE", f"invalid {message_type}: {error}"[:1000]) from None
        if sender != organ:
            raise Refused(403, "SAI_NOI_GUI", f"From is {sender}, but the caller is {organ}")
        return list(dict.fromkeys(recipients))

    def _store(
        self,
        doc_id: str,
        request_key: str | None,
        organ: str,
        message_type: str,
        content: bytes,
        to: list[str],
    ) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            cursor = db.execute(
                "INSERT INTO sends (doc_id, request_key, from_organ, message_type, content, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (doc_id, request_key, organ, message_type, content, _now()),
            )
            for recipient in to:
                db.execute(
                    "INSERT INTO items (send_id, organ, updated_at) VALUES (?, ?, ?)",
                    (cursor.lastrowid, recipient, _now()),
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def received_list(self, request: base.Request) -> base.Response:
        organ = self._organ(request)
        headers = {name.lower(): value for name, value in request.headers.items()}
        message_type = headers.get(wire.MESSAGE_TYPE_HEADER.lower(), "")
        sql = (
            "SELECT items.id, sends.from_organ, sends.message_type, sends.created_at FROM items "
            "JOIN sends ON sends.id = items.send_id WHERE items.organ = ? AND items.state = 'pending'"
        )
        parameters: tuple[str, ...] = (organ,)
        if message_type:
            sql += " AND sends.message_type = ?"
            parameters += (message_type,)
        rows = self._db.execute(sql + " ORDER BY items.id", parameters).fetchall()
        data = [wire.item_row(doc_id=str(i), from_organ=f, message_type=t, created=c) for i, f, t, c in rows]
        return base.json_response(wire.answer(data=data))

    def get_edoc(self, request: base.Request) -> base.Response:
        organ = self._organ(request)
        headers = {name.lower(): value for name, value in request.headers.items()}
        row = self._item(organ, headers.get(wire.DOC_ID_HEADER.lower(), ""))
        content = self._db.execute("SELECT content FROM sends WHERE id = ?", (row[1],)).fetchone()[0]
        return base.json_response(wire.answer(data=wire.encode_content(bytes(content))))

    def update_status(self, request: base.Request) -> base.Response:
        organ = self._organ(request)
        body = request.json()
        if not isinstance(body, dict):
            raise Refused(400, "DU_LIEU_KHONG_HOP_LE", "body must be a JSON object")
        status = body.get("status")
        if status not in wire.ACKNOWLEDGEMENTS:
            raise Refused(400, "TRANG_THAI_KHONG_HOP_LE", "status must be done or fail")
        row = self._item(organ, str(body.get("docId", "")))
        self._db.execute(
            "UPDATE items SET state = ?, description = ?, updated_at = ? WHERE id = ?",
            (status, str(body.get("description", ""))[:1000], _now(), row[0]),
        )
        self._count(f"acknowledged_{status}")
        return base.json_response(wire.answer())

    def _organ(self, request: base.Request) -> str:
        headers = {name.lower(): value for name, value in request.headers.items()}
        organ = headers.get(wire.ORGAN_HEADER.lower(), "").strip()
        if not organ:
            raise Refused(400, "THIEU_MA_DINH_DANH", f"{wire.ORGAN_HEADER} is required")
        return organ

    def _item(self, organ: str, doc_id: str) -> tuple[int, int]:
        """An item of ``organ``'s mailbox; another organ's item is "not found", like an unknown one."""
        row = (
            self._db.execute(
                "SELECT id, send_id FROM items WHERE id = ? AND organ = ?", (int(doc_id), organ)
            ).fetchone()
            if doc_id.isdigit()
            else None
        )
        if row is None:
            raise Refused(404, "KHONG_TON_TAI", f"no item {doc_id!r} in the mailbox of {organ}")
        return int(row[0]), int(row[1])

    # -- control and inspection ------------------------------------------------------------------------------

    def control(self, request: base.Request) -> base.Response:
        orders = request.json()
        if not isinstance(orders, dict):
            raise base.HttpError(400, {"error": "a JSON object of orders"})
        with self._lock:
            if orders.get("reset"):
                self._db.executescript(
                    "DELETE FROM items; DELETE FROM sends; DELETE FROM errors; DELETE FROM counters;"
                )
                self.fail_next = self.malformed_next = 0
                self.fail_call = ""
                self.delay = 0.0
            if "fail" in orders:
                self.fail_next = int(orders["fail"])
                self.fail_status = int(orders.get("fail_status", 503))
                self.fail_call = str(orders.get("fail_call", ""))
            if "malformed" in orders:
                self.malformed_next = int(orders["malformed"])
            if "delay" in orders:
                self.delay = float(orders["delay"])
            if "inject" in orders:
                order = orders["inject"]
                try:
                    content = base64.b64decode(str(order["data"]), validate=True)
                except (KeyError, binascii.Error, ValueError):
                    raise base.HttpError(400, {"error": "inject needs base64 data"}) from None
                self._store(
                    str(uuid.uuid4()),
                    None,
                    str(order.get("from", "")),
                    str(order.get("messageType", wire.EDOC)),
                    content,
                    [str(order["to"])],
                )
        return self.state(request)

    def state(self, request: base.Request) -> base.Response:
        with self._lock:
            counters = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
            errors = [
                {"at": at, "call": call, "organ": organ, "request_key": key, "reason": reason}
                for at, call, organ, key, reason in self._db.execute(
                    "SELECT at, call, organ, request_key, reason FROM errors ORDER BY id"
                )
            ]
            mailboxes = {
                organ: {"pending": pending, "total": total}
                for organ, pending, total in self._db.execute(
                    "SELECT organ, SUM(state = 'pending'), COUNT(*) FROM items GROUP BY organ ORDER BY organ"
                )
            }
        return base.json_response(
            {
                "counters": counters,
                "duplicates": counters.get("duplicates", 0),
                "errors": errors,
                "mailboxes": mailboxes,
                "control": {"fail": self.fail_next, "malformed": self.malformed_next, "delay": self.delay},
            }
        )

    def mailbox(self, request: base.Request) -> base.Response:
        organ = request.query.get("organ", "")
        with self._lock:
            rows = self._db.execute(
                "SELECT items.id, sends.doc_id, sends.from_organ, sends.message_type, items.state, "
                "items.description FROM items JOIN sends ON sends.id = items.send_id WHERE items.organ = ? "
                "ORDER BY items.id",
                (organ,),
            ).fetchall()
        return base.json_response(
            [
                {"docId": str(i), "sentDocId": s, "from": f, "messageType": t, "state": st, "description": d}
                for i, s, f, t, st, d in rows
            ]
        )

    def trace(self, request: base.Request) -> base.Response:
        doc_id = request.query.get("docId", "")
        with self._lock:
            rows = self._db.execute(
                "SELECT items.organ, items.state, items.description, items.updated_at FROM items "
                "JOIN sends ON sends.id = items.send_id WHERE sends.doc_id = ? ORDER BY items.id",
                (doc_id,),
            ).fetchall()
        return base.json_response(
            [{"to": o, "state": s, "description": d, "updated": u} for o, s, d, u in rows]
        )

    def page(self, request: base.Request) -> base.Response:
        with self._lock:
            rows = self._db.execute(
                "SELECT items.id, items.organ, sends.from_organ, sends.message_type, items.state, "
                "items.description, sends.created_at FROM items JOIN sends ON sends.id = items.send_id "
                "ORDER BY items.id DESC LIMIT 500"
            ).fetchall()
        lines = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>" for row in rows
        )
        body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Trục liên thông văn bản tỉnh (giả lập)</title>
<style>body{{font-family:sans-serif;margin:2rem}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}}</style></head><body>
<h1>Trục liên thông văn bản tỉnh (LGSP) — giả lập</h1>
<table><thead><tr><th>DocId</th><th>Hộp thư</th><th>Nơi gửi</th><th>Loại</th><th>Trạng thái</th>
<th>Mô tả</th><th>Gửi lúc</th></tr></thead><tbody>{lines}</tbody></table></body></html>"""
        return base.html_response(body)

    # -- internals -------------------------------------------------------------------------------------------

    def _record_error(self, call: str, organ: str | None, request_key: str | None, reason: str) -> None:
        logger.warning("lgsp simulator refused %s from %s (%s): %s", call, organ, request_key, reason)
        self._db.execute(
            "INSERT INTO errors (at, call, organ, request_key, reason) VALUES (?, ?, ?, ?, ?)",
            (_now(), call, organ, request_key, reason),
        )

    def _count(self, name: str) -> None:
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1",
            (name,),
        )

    def close(self) -> None:
        self._db.close()


def make_server(
    host: str, port: int, *, data_path: Path | str, token: str = DEFAULT_TOKEN
) -> ThreadingHTTPServer:
    simulator = LgspSimulator(data_path=data_path, token=token)
    server = base.make_server(host, port, simulator.routes(), name="lgsp")
    server.simulator = simulator  # type: ignore[attr-defined]
    return server


def serve(host: str, port: int, data: str = "") -> None:
    """Serve until interrupted; data file from ``data``, else env LGSP_SIMULATOR_DATA, else var/."""
    path = data or os.environ.get("LGSP_SIMULATOR_DATA") or str(DEFAULT_DATA)
    token = os.environ.get("LGSP_TOKEN", DEFAULT_TOKEN)
    base.serve_forever(make_server(host, port, data_path=path, token=token))


if __name__ == "__main__":
    base.command_line(__doc__, name="lgsp", port=DEFAULT_PORT, serve=serve, data_env="LGSP_SIMULATOR_DATA")
