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
- keeps dossiers "submitted on the national portal" (``POST /_sim/submit`` with a LayDanhSachHoSoMoi row,
  or the form at ``GET /_sim/nop``), lists those still waiting (LayDanhSachHoSoMoi), serves their linked files
  (TaiTepHoSo) and records MotCua's confirmations (XacNhanTiepNhanHoSo: taken with MotCua's code, or
  refused with a reason; a repeated request key is a success with ``TrungLap``, another confirmation of a
  dossier already confirmed is refused);
- requires ``Authorization: Bearer <token>`` when it has a token (env ``NATIONAL_PORTAL_TOKEN``, default
  the development token).

For tests it can misbehave on request, through ``POST /_control`` with a JSON object:
``{"fail": N, "fail_status": 503}`` refuses the next N pushes, ``{"malformed": N}`` answers the next N
pushes with a body that is not JSON (neither applies the message), ``{"delay": S}`` answers every push S
seconds late (after applying it, like a slow portal); with ``"call": "<CallName>"`` (LayDanhSachHoSoMoi,
XacNhanTiepNhanHoSo, TaiTepHoSo) the same switches apply to that call instead of the pushes.
``{"reset": true}`` forgets everything, ``{"catalogue": [...]}`` replaces the catalogue. ``GET /_state``
gives the counters and errors, ``GET /_messages?MaHoSo=`` the applied messages in order,
``GET /_sim/submissions`` the dossiers submitted on the portal with their confirmation; ``GET /`` is an HTML
page of both.

Run it alone (no Django needed): ``python -m motcua.integrations.simulators.portal --port 8701``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from motcua.integrations.portal import wire
from motcua.integrations.simulators import base

DEFAULT_PORT = 8701
DEFAULT_TOKEN = "motcua-portal-simulator-token"
DEFAULT_DATA = Path(__file__).resolve().parents[4] / "var" / "portal-simulator.sqlite3"
PROVINCE_TIME = ZoneInfo("Asia/Ho_Chi_Minh")

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
CREATE TABLE IF NOT EXISTS submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT UNIQUE NOT NULL, record TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting', motcua_code TEXT, reason TEXT, confirm_key TEXT,
    submitted_at TEXT NOT NULL, confirmed_at TEXT
);
CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, submission TEXT NOT NULL, content BLOB NOT NULL);
"""
#: Where a submission stands: waiting to be taken, taken by MotCua, refused by MotCua.
WAITING, TAKEN, REFUSED = "waiting", "taken", "refused"
#: The calls a switch of ``/_control`` applies to when it names none.
PUSHES = "push"
#: The demo form's defaults: the birth registration's required components at the demo's phường Đông Kinh
#: (MotCua matches a name to the component it starts).
DEMO_COMPONENTS = """Văn bản ủy quyền
Giấy chứng sinh
Giấy tờ có giá trị chứng minh thông tin về cư trú
Hộ chiếu/Thẻ căn cước công dân
Tờ khai đăng ký khai sinh theo mẫu
Mẫu hộ tịch điện tử tương tác đăng ký khai sinh"""
#: A one-page PDF: what the demo form attaches for each component it is given.
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


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


@dataclass
class Switches:
    """Misbehaviour of one call (or of the pushes): refuse, answer garbage, answer late."""

    fail: int = 0
    fail_status: int = 503
    malformed: int = 0
    delay: float = 0.0


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
        self.switches: dict[str, Switches] = {}

    def routes(self) -> dict[tuple[str, str], base.Route]:
        return {
            ("POST", f"/{wire.PUSH_DOSSIER}"): lambda r: self.push(wire.PUSH_DOSSIER, r),
            ("POST", f"/{wire.PUSH_PROGRESS}"): lambda r: self.push(wire.PUSH_PROGRESS, r),
            ("GET", f"/{wire.LOOKUP}"): self.lookup,
            ("GET", f"/{wire.CATALOGUE}"): self.catalogue,
            ("GET", f"/{wire.NEW_DOSSIERS}"): self.new_dossiers,
            ("POST", f"/{wire.CONFIRM_RECEPTION}"): self.confirm_reception,
            ("GET", f"/{wire.FETCH_FILE}"): self.fetch_file,
            ("POST", "/_sim/submit"): self.submit,
            ("GET", "/_sim/submissions"): self.submissions,
            ("GET", "/_sim/nop"): self.form,
            ("POST", "/_sim/nop"): self.form_submit,
            ("POST", "/_control"): self.control,
            ("GET", "/_state"): self.state,
            ("GET", "/_messages"): self.messages,
            ("GET", "/"): self.page,
        }

    # -- the portal's calls ----------------------------------------------------------------------------------

    def push(self, call: str, request: base.Request) -> base.Response:
        return self._misbehaving(PUSHES, request, lambda: self._apply(call, request))

    def _misbehaving(
        self, switch: str, request: base.Request, apply: Any, *, garbage: bool = True
    ) -> base.Response:
        """Authenticate, then refuse or answer garbage when told to (applying nothing), else apply under the
        lock; answer late when told to (after applying, like a slow portal)."""
        self._authenticate(request)
        with self._lock:
            switches = self.switches.get(switch, Switches())
            if switches.fail > 0:
                switches.fail -= 1
                return base.json_response(
                    wire.answer("HE_THONG_BAN", "Hệ thống đang bận (simulated)"), switches.fail_status
                )
            if garbage and switches.malformed > 0:
                switches.malformed -= 1
                return base.html_response("<html><body>502 Bad Gateway</body></html>", 200)
            response: base.Response = apply()
        if switches.delay:
            time.sleep(switches.delay)
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

    # -- dossiers submitted on the portal --------------------------------------------------------------------

    def new_dossiers(self, request: base.Request) -> base.Response:
        """LayDanhSachHoSoMoi: the waiting submissions after the cursor (their sequence), oldest first."""
        cursor, size = request.query.get("ConTro", ""), request.query.get("SoLuong", "20")
        if (
            (cursor and not cursor.isdigit())
            or not size.isdigit()
            or not 1 <= int(size) <= wire.MAX_PAGE_SIZE
        ):
            reason = f"ConTro: a cursor given before; SoLuong: 1 to {wire.MAX_PAGE_SIZE}"
            return self._misbehaving(wire.NEW_DOSSIERS, request, lambda: self._invalid(reason))
        return self._misbehaving(
            wire.NEW_DOSSIERS, request, lambda: self._list(int(cursor or 0), int(size), request)
        )

    def _list(self, after: int, size: int, request: base.Request) -> base.Response:
        rows = self._db.execute(
            "SELECT seq, record FROM submissions WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?",
            (WAITING, after, size + 1),
        ).fetchall()
        page = rows[:size]
        host = request.headers.get("Host", "127.0.0.1")
        listed = [self._with_links(json.loads(record), f"http://{host}") for _, record in page]
        return base.json_response(
            wire.answer(
                DanhSachHoSo=listed,
                ConTroTiep=str(page[-1][0]) if page else str(after or ""),
                ConTiep=len(rows) > size,
            )
        )

    @staticmethod
    def _with_links(record: dict[str, Any], origin: str) -> dict[str, Any]:
        """Files kept by the simulator are listed as links to TaiTepHoSo on the address it was called at."""
        files = record.get("ThanhPhanHoSo")
        if isinstance(files, list):
            for item in files:
                if isinstance(item, dict) and "_MaTep" in item:
                    item["DuongDan"] = f"{origin}/{wire.FETCH_FILE}?MaTep={item.pop('_MaTep')}"
        return record

    def confirm_reception(self, request: base.Request) -> base.Response:
        return self._misbehaving(wire.CONFIRM_RECEPTION, request, lambda: self._confirm(request))

    def _confirm(self, request: base.Request) -> base.Response:
        try:
            confirmation = wire.parse_confirmation(request.json())
        except (wire.WireError, base.HttpError) as error:
            return self._invalid(str(error) if isinstance(error, wire.WireError) else "body is not JSON")
        key, code = confirmation.request_key, confirmation.portal_code
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT state, confirm_key FROM submissions WHERE code = ?", (code,)).fetchone()
            if row is None:
                return self._refuse_confirmation(404, "HS_KHONG_TON_TAI", "unknown dossier", key, code)
            if row[1] == key:
                self._count("confirmation_duplicates")
                db.execute("COMMIT")
                return base.json_response(wire.answer(description="Đã nhận trước đó", TrungLap=True))
            if row[0] != WAITING:
                return self._refuse_confirmation(409, "HS_DA_XAC_NHAN", f"already {row[0]}", key, code)
            db.execute(
                "UPDATE submissions SET state = ?, motcua_code = ?, reason = ?, confirm_key = ?, "
                "confirmed_at = ? WHERE code = ?",
                (
                    TAKEN if confirmation.taken else REFUSED,
                    confirmation.motcua_code or None,
                    confirmation.reason or None,
                    key,
                    _now(),
                    code,
                ),
            )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return base.json_response(wire.answer())

    def _refuse_confirmation(
        self, status: int, code: str, reason: str, request_key: str, dossier: str
    ) -> base.Response:
        """Refuse a confirmation inside the open transaction: record the error, commit, answer."""
        self._record_error(request_key, dossier, None, f"{wire.CONFIRM_RECEPTION}: {reason}")
        self._db.execute("COMMIT")
        return base.json_response(wire.answer(code, reason), status)

    def fetch_file(self, request: base.Request) -> base.Response:
        """TaiTepHoSo: a kept file's bytes (never garbage: a file body cannot be told from garbage)."""
        return self._misbehaving(
            wire.FETCH_FILE, request, lambda: self._file(request.query.get("MaTep", "")), garbage=False
        )

    def _file(self, file_id: str) -> base.Response:
        row = self._db.execute("SELECT content FROM files WHERE id = ?", (file_id,)).fetchone()
        if row is None:
            return base.json_response(wire.answer("TEP_KHONG_TON_TAI", "Không tìm thấy tệp"), 404)
        return base.Response(200, bytes(row[0]), "application/octet-stream")

    def submit(self, request: base.Request) -> base.Response:
        """Simulator only: a citizen submits a dossier on the portal. The body is a LayDanhSachHoSoMoi row,
        kept as given (malformed rows too, to test their refusal); MaHoSo is given one when absent; a file
        with ``"QuaDuongDan": true`` is kept here and listed as a TaiTepHoSo link instead of inline."""
        record = request.json()
        if not isinstance(record, dict):
            raise base.HttpError(400, wire.answer("DU_LIEU_KHONG_HOP_LE", "a JSON object"))
        with self._lock:
            try:
                return self._store(record)
            except ValueError:  # binascii.Error: a file to keep that is not base64
                raise base.HttpError(
                    400, wire.answer("DU_LIEU_KHONG_HOP_LE", "NoiDung: not base64")
                ) from None

    def _store(self, record: dict[str, Any]) -> base.Response:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            number = self._scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM submissions")
            given = record.get("MaHoSo")
            today = dt.datetime.now(PROVINCE_TIME).date()
            code = given if isinstance(given, str) and given else f"DVCQG-{today:%y%m%d}-{number:06d}"
            record.setdefault("MaHoSo", code)
            if db.execute("SELECT 1 FROM submissions WHERE code = ?", (code,)).fetchone():
                db.execute("ROLLBACK")
                return base.json_response(wire.answer("HS_DA_TON_TAI", f"{code} already submitted"), 409)
            for item in record.get("ThanhPhanHoSo") or []:
                if isinstance(item, dict) and item.pop("QuaDuongDan", False) and "NoiDung" in item:
                    file_id = uuid.uuid4().hex
                    content = base64.b64decode(str(item.pop("NoiDung")), validate=True)
                    db.execute(
                        "INSERT INTO files (id, submission, content) VALUES (?, ?, ?)",
                        (file_id, code, content),
                    )
                    item["_MaTep"] = file_id
            db.execute(
                "INSERT INTO submissions (code, record, submitted_at) VALUES (?, ?, ?)",
                (code, json.dumps(record, ensure_ascii=False), _now()),
            )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return base.json_response(wire.answer(MaHoSo=code))

    def submissions(self, request: base.Request) -> base.Response:
        code = request.query.get("MaHoSo", "")
        sql = "SELECT code, state, motcua_code, reason, confirm_key, submitted_at, confirmed_at"
        sql += " FROM submissions"
        with self._lock:
            if code:
                rows = self._db.execute(sql + " WHERE code = ? ORDER BY seq", (code,)).fetchall()
            else:
                rows = self._db.execute(sql + " ORDER BY seq").fetchall()
        return base.json_response(
            [
                {
                    "MaHoSo": c,
                    "TrangThai": state,
                    "MaHoSoMC": motcua or "",
                    "LyDo": reason or "",
                    "MaGiaoDich": key or "",
                    "submitted_at": at,
                    "confirmed_at": confirmed or "",
                }
                for c, state, motcua, reason, key, at, confirmed in rows
            ]
        )

    def form(self, request: base.Request) -> base.Response:
        """The demo's form: a citizen submits on the portal (one sample PDF per component line)."""
        fields = [
            ("MaTTHC", "Mã thủ tục", "1.001193"),
            ("MaCoQuan", "Mã cơ quan tiếp nhận", "000.00.32.H37"),
            ("HoTen", "Họ và tên", "Nguyễn Văn An"),
            ("SoGiayTo", "Số định danh cá nhân (12 số)", "020090001234"),
            ("DienThoai", "Điện thoại", ""),
            ("Email", "Thư điện tử", ""),
        ]
        inputs = "".join(
            f'<p><label>{label}<br><input name="{name}" value="{html.escape(value)}"></label></p>'
            for name, label, value in fields
        )
        body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Nộp hồ sơ trên Cổng DVC quốc gia (giả lập)</title>
<style>body{{font-family:sans-serif;margin:2rem}}input,textarea{{width:30rem}}</style></head><body>
<h1>Nộp hồ sơ trực tuyến — Cổng Dịch vụ công quốc gia (giả lập)</h1>
<form method="post" action="/_sim/nop">{inputs}
<p><label>Thành phần hồ sơ (mỗi dòng một tên, đúng như danh mục; mỗi thành phần kèm một tệp PDF mẫu)<br>
<textarea name="ThanhPhan" rows="7">{html.escape(DEMO_COMPONENTS)}</textarea></label></p>
<p><button type="submit">Nộp hồ sơ</button></p></form><p><a href="/">Danh sách hồ sơ</a></p></body></html>"""
        return base.html_response(body)

    def form_submit(self, request: base.Request) -> base.Response:
        form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
        components = [line.strip() for line in form.get("ThanhPhan", "").splitlines() if line.strip()]
        record = {
            "MaTTHC": form.get("MaTTHC", "").strip(),
            "MaCoQuan": form.get("MaCoQuan", "").strip(),
            "ChuHoSo": {
                "HoTen": form.get("HoTen", "").strip(),
                "SoGiayTo": form.get("SoGiayTo", "").strip(),
                "LoaiDoiTuong": "CongDan",
                "DienThoai": form.get("DienThoai", "").strip(),
                "Email": form.get("Email", "").strip(),
                "XacThucVNeID": True,
            },
            "NgayNopHoSo": wire.moment(dt.datetime.now(dt.UTC)),
            "LePhi": {"TongTien": 0, "DaNop": False, "ThanhToanTrucTuyen": False},
            "ThanhPhanHoSo": [
                {
                    "TenThanhPhan": name,
                    "TenTep": f"thanh-phan-{n}.pdf",
                    "NoiDung": base64.b64encode(SAMPLE_PDF).decode("ascii"),
                    "QuaDuongDan": True,
                }
                for n, name in enumerate(components, 1)
            ],
        }
        with self._lock:
            response = self._store(record)
        answer = json.loads(response.body)
        text = (
            f"Đã nộp hồ sơ {answer.get('MaHoSo', '')}" if response.status == 200 else answer.get("MoTa", "")
        )
        return base.html_response(
            f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đã nộp</title></head><body>'
            f'<p>{html.escape(str(text))}</p><p><a href="/_sim/nop">Nộp hồ sơ khác</a> · '
            f'<a href="/">Danh sách hồ sơ</a></p></body></html>',
            response.status,
        )

    # -- control and inspection ------------------------------------------------------------------------------

    def control(self, request: base.Request) -> base.Response:
        orders = request.json()
        if not isinstance(orders, dict):
            raise base.HttpError(400, {"error": "a JSON object of orders"})
        with self._lock:
            if orders.get("reset"):
                self._db.executescript(
                    "DELETE FROM messages; DELETE FROM dossiers; DELETE FROM errors; DELETE FROM counters; "
                    "DELETE FROM submissions; DELETE FROM files;"
                )
                self._set_catalogue(DEFAULT_CATALOGUE)
                self.switches.clear()
            switches = self.switches.setdefault(str(orders.get("call") or PUSHES), Switches())
            if "fail" in orders:
                switches.fail = int(orders["fail"])
                switches.fail_status = int(orders.get("fail_status", 503))
            if "malformed" in orders:
                switches.malformed = int(orders["malformed"])
            if "delay" in orders:
                switches.delay = float(orders["delay"])
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
            submitted = dict(self._db.execute("SELECT state, COUNT(*) FROM submissions GROUP BY state"))
            pushes = self.switches.get(PUSHES, Switches())
            calls = {call: vars(s) for call, s in self.switches.items() if call != PUSHES}
        return base.json_response(
            {
                "applied": applied,
                "dossiers": dossiers,
                "duplicates": counters.get("duplicates", 0),
                "submissions": {state: submitted.get(state, 0) for state in (WAITING, TAKEN, REFUSED)},
                "confirmation_duplicates": counters.get("confirmation_duplicates", 0),
                "errors": errors,
                "control": {
                    "fail": pushes.fail,
                    "malformed": pushes.malformed,
                    "delay": pushes.delay,
                    "calls": calls,
                },
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
<th>Cập nhật</th></tr></thead><tbody>{"".join(lines)}</tbody></table>
<h2>Hồ sơ công dân nộp trên Cổng</h2><p><a href="/_sim/nop">Nộp một hồ sơ</a></p>
<table><thead><tr><th>Mã trên Cổng</th><th>Mã TTHC</th><th>Cơ quan</th><th>Tình trạng</th>
<th>Mã hồ sơ một cửa / lý do từ chối</th><th>Nộp lúc</th></tr></thead><tbody>{self._submission_rows()}</tbody>
</table></body></html>"""
        return base.html_response(body)

    def _submission_rows(self) -> str:
        words = {WAITING: "Chờ tiếp nhận", TAKEN: "Đã tiếp nhận", REFUSED: "Bị từ chối"}
        with self._lock:
            rows = self._db.execute(
                "SELECT code, record, state, motcua_code, reason, submitted_at FROM submissions "
                "ORDER BY seq DESC LIMIT 500"
            ).fetchall()
        lines = []
        for code, record_text, state, motcua_code, reason, submitted_at in rows:
            record = json.loads(record_text)
            values = (
                code,
                record.get("MaTTHC", ""),
                record.get("MaCoQuan", ""),
                words.get(state, state),
                motcua_code or reason or "",
                submitted_at,
            )
            lines.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in values) + "</tr>")
        return "".join(lines)

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


if __name__ == "__main__":
    base.command_line(
        __doc__, name="portal", port=DEFAULT_PORT, serve=serve, data_env="PORTAL_SIMULATOR_DATA"
    )
