"""Simulator of the national public service portal (``motcua simulate portal``, port 8701).

It speaks the wire format of ``motcua.integrations.portal.wire`` and keeps what it received in a SQLite
file (``--data``, env ``PORTAL_SIMULATOR_DATA``, default ``var/portal-simulator.sqlite3``), so it survives
restarts. Like the real portal is expected to, it

- applies each request key (``MaGiaoDich``) once: a repeat is answered as a success with ``TrungLap`` and
  counted;
- checks the order of each dossier's messages (``SoThuTu`` must be the next number; a progress update for
  an unknown dossier is refused) and records every refusal as an error;
- answers TraCuuHoSo (lookup) and LayDanhSachTTHC (a small catalogue, replaceable through the control
  endpoint);
- requires ``Authorization: Bearer <token>`` when it has a token (env ``NATIONAL_PORTAL_TOKEN``, default
  the development token).

For tests it can misbehave on request, through ``POST /_control`` with a JSON object:
``{"fail": N, "fail_status": 503}`` refuses the next N pushes, ``{"malformed": N}`` answers the next N
pushes with a body that is not JSON (neither applies the message), ``{"delay": S}`` answers every push S
seconds late (after applying it, like a slow portal), ``{"reset": true}`` forgets everything,
``{"catalogue": [...]}`` replaces the catalogue. ``GET /_state`` gives the counters and errors,
``GET /_messages?MaHoSo=`` the applied messages in order; ``GET /`` is an HTML page of the dossiers.

Run it alone (no Django needed): ``python -m motcua.integrations.simulators.portal --port 8701``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import logging
import os
import sqlite3
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from motcua.integrations.portal import wire
from motcua.integrations.simulators import base

DEFAULT_PORT = 8701
DEFAULT_TOKEN = "motcua-portal-simulator-token"
DEFAULT_DATA = Path(__file__).resolve().parents[4] / "var" / "portal-simulator.sqlite3"

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, request_key TEXT UNIQUE NOT NULL, dossier TEXT NOT NULL, seq INTEGER NOT NULL,
    call TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_dossier ON messages (dossier, seq);
CREATE TABLE IF NOT EXISTS dossiers (
    code TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, status INTEGER, record TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, request_key TEXT, dossier TEXT, seq INTEGER,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS catalogue (code TEXT PRIMARY KEY, row TEXT NOT NULL, updated_on TEXT NOT NULL);
"""

#: A few real procedures (national codes) so LayDanhSachTTHC has something to give out of the box.
DEFAULT_CATALOGUE: list[dict[str, Any]] = [
    {
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "LinhVuc": "Hộ tịch",
        "CapThucHien": "Cấp xã",
        "MucDoDVC": "toan_trinh",
        "ThoiGianGiaiQuyet": 1,
        "DonViTinh": "Ngày làm việc",
        "LePhi": 0,
        "KetQua": [{"TenKetQua": "Giấy khai sinh", "MaKetQua": "KQ.G15.000001"}],
        "QuyetDinhCongBo": "1872/QĐ-BTP",
        "NgayCapNhat": "20250701000000",
    },
    {
        "MaTTHC": "1.000656",
        "TenTTHC": "Thủ tục đăng ký khai tử",
        "LinhVuc": "Hộ tịch",
        "CapThucHien": "Cấp xã",
        "MucDoDVC": "toan_trinh",
        "ThoiGianGiaiQuyet": 1,
        "DonViTinh": "Ngày làm việc",
        "LePhi": 0,
        "KetQua": [{"TenKetQua": "Trích lục khai tử", "MaKetQua": "KQ.G15.000002"}],
        "QuyetDinhCongBo": "1872/QĐ-BTP",
        "NgayCapNhat": "20250701000000",
    },
    {
        "MaTTHC": "2.000815",
        "TenTTHC": "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "LinhVuc": "Chứng thực",
        "CapThucHien": "Cấp xã",
        "MucDoDVC": "mot_phan",
        "ThoiGianGiaiQuyet": 2,
        "DonViTinh": "Ngày làm việc",
        "LePhi": 2000,
        "KetQua": [{"TenKetQua": "Bản sao được chứng thực", "MaKetQua": ""}],
        "QuyetDinhCongBo": "1024/QĐ-BTP",
        "NgayCapNhat": "20250701000000",
    },
]


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class PortalSimulator:
    """The simulated portal's state: a SQLite file, one connection behind a lock, misbehaviour switches."""

    def __init__(self, *, data_path: Path | str, token: str = DEFAULT_TOKEN) -> None:
        self.data_path = Path(data_path)
        self.data_path.parent.mkdir(parents=True, exist_ok=True)
        self.token = token
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.data_path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        if (
            self._scalar("SELECT COUNT(*) FROM catalogue") == 0
            and self._scalar("SELECT COUNT(*) FROM counters WHERE name = 'catalogue_set'") == 0
        ):
            self._set_catalogue(DEFAULT_CATALOGUE)
        self.fail_next = 0
        self.fail_status = 503
        self.malformed_next = 0
        self.delay = 0.0

    def routes(self) -> dict[tuple[str, str], base.Route]:
        return {
            ("POST", f"/{wire.PUSH_DOSSIER}"): lambda r: self.push(wire.PUSH_DOSSIER, r),
            ("POST", f"/{wire.PUSH_PROGRESS}"): lambda r: self.push(wire.PUSH_PROGRESS, r),
            ("GET", f"/{wire.LOOKUP}"): self.lookup,
            ("GET", f"/{wire.CATALOGUE}"): self.catalogue,
            ("POST", "/_control"): self.control,
            ("GET", "/_state"): self.state,
            ("GET", "/_messages"): self.messages,
            ("GET", "/"): self.page,
        }

    # -- the portal's calls ----------------------------------------------------------------------------------

    def push(self, call: str, request: base.Request) -> base.Response:
        self._authenticate(request)
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return base.json_response(
                    wire.answer("HE_THONG_BAN", "Hệ thống đang bận (simulated)"), self.fail_status
                )
            if self.malformed_next > 0:
                self.malformed_next -= 1
                return base.html_response("<html><body>502 Bad Gateway</body></html>", 200)
            response = self._apply(call, request)
        if self.delay:
            time.sleep(self.delay)
        return response

    def _apply(self, call: str, request: base.Request) -> base.Response:
        message = request.json()
        if not isinstance(message, dict):
            return self._invalid("body is not a JSON object")
        request_key = str(message.get("MaGiaoDich") or request.headers.get(wire.REQUEST_KEY_HEADER) or "")
        seq = message.get("SoThuTu")
        if not request_key or not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            return self._invalid("MaGiaoDich and SoThuTu (an integer from 1) are required")
        try:
            code = wire.dossier_code_of(call, message)
        except wire.WireError as error:
            return self._invalid(str(error))
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("SELECT 1 FROM messages WHERE request_key = ?", (request_key,)).fetchone():
                self._count("duplicates")
                db.execute("COMMIT")
                return base.json_response(wire.answer(description="Đã nhận trước đó", TrungLap=True))
            row = db.execute("SELECT last_seq, record FROM dossiers WHERE code = ?", (code,)).fetchone()
            if row is None and call == wire.PUSH_PROGRESS:
                return self._refuse(
                    404, "HS_KHONG_TON_TAI", "update for an unknown dossier", request_key, code, seq
                )
            expected = (row[0] if row else 0) + 1
            if seq != expected:
                reason = f"out of order: SoThuTu {seq}, expected {expected}"
                return self._refuse(409, "SAI_THU_TU", reason, request_key, code, seq)
            if call == wire.PUSH_DOSSIER:
                record = message.get("HoSo")
                if not isinstance(record, dict):
                    return self._refuse(
                        400, "DU_LIEU_KHONG_HOP_LE", "HoSo is not an object", request_key, code, seq
                    )
            else:
                record = json.loads(row[1])
                record.update(
                    {k: v for k, v in message.items() if k not in ("MaGiaoDich", "SoThuTu", "TienDo")}
                )
                record.setdefault("QuaTrinhXuLy", []).append(message.get("TienDo"))
            db.execute(
                "INSERT INTO dossiers (code, last_seq, status, record, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (code) DO UPDATE SET last_seq = excluded.last_seq, status = excluded.status, "
                "record = excluded.record, updated_at = excluded.updated_at",
                (code, seq, record.get("TrangThai"), json.dumps(record, ensure_ascii=False), _now()),
            )
            db.execute(
                "INSERT INTO messages (request_key, dossier, seq, call, body, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (request_key, code, seq, call, json.dumps(message, ensure_ascii=False), _now()),
            )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return base.json_response(wire.answer())

    def _invalid(self, reason: str) -> base.Response:
        self._record_error(None, None, None, reason)
        return base.json_response(wire.answer("DU_LIEU_KHONG_HOP_LE", reason), 400)

    def _refuse(
        self, status: int, code: str, reason: str, request_key: str, dossier: str, seq: int
    ) -> base.Response:
        """Refuse inside the open transaction: record the error, commit, answer."""
        self._record_error(request_key, dossier, seq, reason)
        self._db.execute("COMMIT")
        return base.json_response(wire.answer(code, reason), status)

    def lookup(self, request: base.Request) -> base.Response:
        self._authenticate(request)
        code = request.query.get("MaHoSo", "")
        with self._lock:
            row = self._db.execute("SELECT record FROM dossiers WHERE code = ?", (code,)).fetchone()
        if row is None:
            return base.json_response(wire.answer("HS_KHONG_TON_TAI", "Không tìm thấy hồ sơ"), 404)
        return base.json_response(wire.answer(HoSo=json.loads(row[0])))

    def catalogue(self, request: base.Request) -> base.Response:
        self._authenticate(request)
        since = request.query.get("TuNgay", "")
        if since and not (len(since) == 8 and since.isdigit()):
            return base.json_response(wire.answer("DU_LIEU_KHONG_HOP_LE", "TuNgay: yyyyMMdd"), 400)
        with self._lock:
            rows = self._db.execute(
                "SELECT row FROM catalogue WHERE updated_on >= ? ORDER BY code", (since or "0",)
            ).fetchall()
        return base.json_response(wire.answer(DanhSachTTHC=[json.loads(r[0]) for r in rows]))

    # -- control and inspection ------------------------------------------------------------------------------

    def control(self, request: base.Request) -> base.Response:
        orders = request.json()
        if not isinstance(orders, dict):
            raise base.HttpError(400, {"error": "a JSON object of orders"})
        with self._lock:
            if orders.get("reset"):
                self._db.executescript(
                    "DELETE FROM messages; DELETE FROM dossiers; DELETE FROM errors; DELETE FROM counters;"
                )
                self._set_catalogue(DEFAULT_CATALOGUE)
                self.fail_next = self.malformed_next = 0
                self.delay = 0.0
            if "fail" in orders:
                self.fail_next = int(orders["fail"])
                self.fail_status = int(orders.get("fail_status", 503))
            if "malformed" in orders:
                self.malformed_next = int(orders["malformed"])
            if "delay" in orders:
                self.delay = float(orders["delay"])
            if "catalogue" in orders:
                self._set_catalogue(list(orders["catalogue"]))
        return self.state(request)

    def state(self, request: base.Request) -> base.Response:
        with self._lock:
            counters = dict(self._db.execute("SELECT name, value FROM counters").fetchall())
            errors = [
                {"at": at, "request_key": key, "dossier": dossier, "seq": seq, "reason": reason}
                for at, key, dossier, seq, reason in self._db.execute(
                    "SELECT at, request_key, dossier, seq, reason FROM errors ORDER BY id"
                )
            ]
            applied = self._scalar("SELECT COUNT(*) FROM messages")
            dossiers = self._scalar("SELECT COUNT(*) FROM dossiers")
        return base.json_response(
            {
                "applied": applied,
                "dossiers": dossiers,
                "duplicates": counters.get("duplicates", 0),
                "errors": errors,
                "control": {"fail": self.fail_next, "malformed": self.malformed_next, "delay": self.delay},
            }
        )

    def messages(self, request: base.Request) -> base.Response:
        code = request.query.get("MaHoSo", "")
        sql = "SELECT dossier, seq, request_key, call, received_at FROM messages"
        with self._lock:
            if code:
                rows = self._db.execute(sql + " WHERE dossier = ? ORDER BY id", (code,)).fetchall()
            else:
                rows = self._db.execute(sql + " ORDER BY id").fetchall()
        return base.json_response(
            [
                {"MaHoSo": d, "SoThuTu": s, "MaGiaoDich": k, "call": c, "received_at": at}
                for d, s, k, c, at in rows
            ]
        )

    def page(self, request: base.Request) -> base.Response:
        with self._lock:
            rows = self._db.execute(
                "SELECT code, last_seq, record, updated_at FROM dossiers ORDER BY updated_at DESC LIMIT 500"
            ).fetchall()
        state = json.loads(self.state(request).body)
        lines = []
        for code, last_seq, record_text, updated_at in rows:
            record = json.loads(record_text)
            lines.append(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                    *(
                        html.escape(str(v))
                        for v in (
                            code,
                            record.get("MaTTHC", ""),
                            record.get("MaCoQuan", ""),
                            f"{record.get('TrangThai', '')} – {record.get('TenTrangThai', '')}",
                            last_seq,
                            updated_at,
                        )
                    )
                )
            )
        body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Cổng DVC quốc gia (giả lập)</title>
<style>body{{font-family:sans-serif;margin:2rem}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}}</style></head><body>
<h1>Cổng Dịch vụ công quốc gia — giả lập</h1>
<p>Đã nhận {state["applied"]} thông điệp về {state["dossiers"]} hồ sơ; {state["duplicates"]} bản trùng bị bỏ
qua; {len(state["errors"])} lỗi.</p>
<table><thead><tr><th>Mã hồ sơ</th><th>Mã TTHC</th><th>Cơ quan</th><th>Trạng thái</th><th>Số thông điệp</th>
<th>Cập nhật</th></tr></thead><tbody>{"".join(lines)}</tbody></table></body></html>"""
        return base.html_response(body)

    # -- internals -------------------------------------------------------------------------------------------

    def _authenticate(self, request: base.Request) -> None:
        if self.token and request.headers.get("Authorization", "") != f"Bearer {self.token}":
            raise base.HttpError(401, wire.answer("XAC_THUC", "Sai hoặc thiếu mã xác thực"))

    def _record_error(
        self, request_key: str | None, dossier: str | None, seq: int | None, reason: str
    ) -> None:
        logger.warning("portal simulator refused %s (%s #%s): %s", request_key, dossier, seq, reason)
        self._db.execute(
            "INSERT INTO errors (at, request_key, dossier, seq, reason) VALUES (?, ?, ?, ?, ?)",
            (_now(), request_key, dossier, seq, reason),
        )

    def _count(self, name: str) -> None:
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = value + 1",
            (name,),
        )

    def _scalar(self, sql: str) -> int:
        return int(self._db.execute(sql).fetchone()[0])

    def _set_catalogue(self, rows: list[dict[str, Any]]) -> None:
        self._db.execute("DELETE FROM catalogue")
        for row in rows:
            updated = str(row.get("NgayCapNhat", ""))[:8] or "0"
            self._db.execute(
                "INSERT OR REPLACE INTO catalogue (code, row, updated_on) VALUES (?, ?, ?)",
                (str(row["MaTTHC"]), json.dumps(row, ensure_ascii=False), updated),
            )
        self._db.execute("INSERT OR REPLACE INTO counters (name, value) VALUES ('catalogue_set', 1)")

    def close(self) -> None:
        self._db.close()


def make_server(
    host: str, port: int, *, data_path: Path | str, token: str = DEFAULT_TOKEN
) -> ThreadingHTTPServer:
    simulator = PortalSimulator(data_path=data_path, token=token)
    server = base.make_server(host, port, simulator.routes(), name="portal")
    server.simulator = simulator  # type: ignore[attr-defined]
    return server


def serve(host: str, port: int, data: str = "") -> None:
    """Serve until interrupted; data file from ``data``, else env PORTAL_SIMULATOR_DATA, else var/."""
    path = data or os.environ.get("PORTAL_SIMULATOR_DATA") or str(DEFAULT_DATA)
    token = os.environ.get("NATIONAL_PORTAL_TOKEN", DEFAULT_TOKEN)
    base.serve_forever(make_server(host, port, data_path=path, token=token))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--data", default="", help="SQLite file (default: env PORTAL_SIMULATOR_DATA or var/)")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    print(f"portal simulator on http://{arguments.host}:{arguments.port}/", flush=True)
    serve(arguments.host, arguments.port, arguments.data)


if __name__ == "__main__":
    main()
