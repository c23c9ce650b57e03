"""The national portal's wire format, in one place (documented in docs/integrations/national-portal.md).

No public specification exists: the call names and fields are those observed in deployed one-stop systems
(DOMAIN.md §8). Everything else in MotCua speaks ``DossierSnapshot`` and ``HistoryEntry``; to adopt the
official format when it is published, change this module (and the simulator, which imports it).

Conventions: JSON in UTF-8; moments as ``yyyyMMddHHmmss`` in the province's time (Asia/Ho_Chi_Minh);
every push carries ``MaGiaoDich`` (the request key: the portal applies a key once and answers a repeat as
a success with ``TrungLap: true``) and ``SoThuTu`` (1, 2, 3... per dossier: the portal refuses a gap).
Answers are ``{"MaLoi": "0", "MoTa": ...}`` on success; any other ``MaLoi`` or HTTP status is a failure.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

# Call names (path segments under NATIONAL_PORTAL_URL).
PUSH_DOSSIER = "DongBoHoSoMC"  # create or replace a dossier's record, with its whole history
PUSH_PROGRESS = "CapNhatTienDoHoSoMC"  # one more step of the history, with the record's changed fields
LOOKUP = "TraCuuHoSo"  # GET ?MaHoSo=
CATALOGUE = "LayDanhSachTTHC"  # GET ?TuNgay=yyyyMMdd (changed since), optional
PUSH_CALLS = (PUSH_DOSSIER, PUSH_PROGRESS)

REQUEST_KEY_HEADER = "X-Request-Key"
SUCCESS = "0"
MOMENT_FORMAT = "%Y%m%d%H%M%S"
_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

#: Processing-time units: the catalogue's codes -> the portal's words (DonViTinh).
DURATION_UNITS = {
    "working_days": "Ngày làm việc",
    "days": "Ngày",
    "working_hours": "Giờ làm việc",
    "hours": "Giờ",
    "months": "Tháng",
    "years": "Năm",
}
_UNIT_CODES = {label: code for code, label in DURATION_UNITS.items()}
#: KenhThucHien: 1 in person, 2 online, 3 postal. Dossiers that came from the portal itself are online.
_CHANNELS = {1: 1, 2: 2, 3: 3, 4: 2}


class WireError(ValueError):
    """A message or an answer that does not follow the format."""


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    action: str
    action_label: str
    from_status: int | None
    to_status: int
    note: str = ""


@dataclass(frozen=True)
class DossierSnapshot:
    """What the portal is told about a dossier, in MotCua's terms."""

    code: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    agency_name: str
    processing_agency_code: str
    channel: int
    applicant_name: str
    applicant_id_number: str
    applicant_kind: str
    status: int
    status_label: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    duration_value: Decimal | None
    duration_unit: str
    fee_amount: Decimal
    fees_paid: bool
    paid_online: bool
    result_codes: tuple[str, ...]
    result_url: str
    digitised_components: int
    reused_components: int
    electronic_result: bool
    vneid_authenticated: bool
    history: tuple[HistoryEntry, ...] = field(default=())


def moment(value: dt.datetime | None) -> str:
    return "" if value is None else value.astimezone(_ZONE).strftime(MOMENT_FORMAT)


def parse_moment(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, MOMENT_FORMAT).replace(tzinfo=_ZONE)
    except ValueError:
        raise WireError(f"bad moment {text!r} (want yyyyMMddHHmmss)") from None


def _history(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "ThoiDiem": moment(entry.at),
        "HanhDong": entry.action,
        "TenHanhDong": entry.action_label,
        "TuTrangThai": entry.from_status,
        "DenTrangThai": entry.to_status,
        "NoiDung": entry.note,
    }


def _current(s: DossierSnapshot) -> dict[str, Any]:
    """The record's fields that change as the dossier moves (sent with every push)."""
    return {
        "TrangThai": s.status,
        "TenTrangThai": s.status_label,
        "MaCoQuanXuLy": s.processing_agency_code,
        "NgayTiepNhan": moment(s.received_at),
        "NgayHenTra": moment(s.due_at),
        "NgayKetThucXuLy": moment(s.finished_at),
        "NgayTraKetQua": moment(s.returned_at),
        "LePhi": {
            "TongTien": int(s.fee_amount),
            "DaNop": s.fees_paid,
            "ThanhToanTrucTuyen": s.paid_online,
        },
        "KetQua": {
            "MaKetQua": list(s.result_codes),
            "DuongDanKetQua": s.result_url,
            "KetQuaDienTu": s.electronic_result,
        },
        "SoHoa": {
            "SoThanhPhanSoHoa": s.digitised_components,
            "SoThanhPhanTaiSuDung": s.reused_components,
        },
    }


def dossier_message(s: DossierSnapshot) -> dict[str, Any]:
    """DongBoHoSoMC's body without its envelope: the whole record and the whole history."""
    return {
        "HoSo": {
            "MaHoSo": s.code,
            "MaTTHC": s.procedure_code,
            "TenTTHC": s.procedure_name,
            "MaCoQuan": s.agency_code,
            "TenCoQuan": s.agency_name,
            "KenhThucHien": _CHANNELS.get(s.channel, 2),
            "ChuHoSo": {
                "HoTen": s.applicant_name,
                "SoGiayTo": s.applicant_id_number,
                "LoaiDoiTuong": "CongDan" if s.applicant_kind == "person" else "ToChuc",
                "XacThucVNeID": s.vneid_authenticated,
            },
            "NgayNopHoSo": moment(s.submitted_at),
            "ThoiGianGiaiQuyet": float(s.duration_value) if s.duration_value is not None else None,
            "DonViTinh": DURATION_UNITS.get(s.duration_unit, ""),
            **_current(s),
            "QuaTrinhXuLy": [_history(e) for e in s.history],
        }
    }


def progress_message(s: DossierSnapshot, entry: HistoryEntry) -> dict[str, Any]:
    """CapNhatTienDoHoSoMC's body without its envelope: one history step and the record's current fields."""
    return {"MaHoSo": s.code, **_current(s), "TienDo": _history(entry)}


def envelope(body: dict[str, Any], *, request_key: str, seq: int) -> dict[str, Any]:
    """What is POSTed: the body with the request key and the message's number within its dossier."""
    return {"MaGiaoDich": request_key, "SoThuTu": seq, **body}


def dossier_code_of(call: str, message: dict[str, Any]) -> str:
    """The dossier a pushed message is about (the simulator's and the tests' reading of a message)."""
    if call == PUSH_DOSSIER:
        record = message.get("HoSo")
        code = record.get("MaHoSo") if isinstance(record, dict) else None
    else:
        code = message.get("MaHoSo")
    if not isinstance(code, str) or not code:
        raise WireError("missing MaHoSo")
    return code


# -- answers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    ok: bool
    code: str
    description: str
    duplicate: bool
    data: dict[str, Any]


def answer(code: str = SUCCESS, description: str = "Thành công", **data: Any) -> dict[str, Any]:
    """An answer's body (the simulator writes them; kept here with the reader)."""
    return {"MaLoi": code, "MoTa": description, **data}


def parse_answer(status_code: int, body: bytes) -> Answer:
    """Read the portal's answer; a body that is not the expected JSON object raises WireError."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WireError(f"HTTP {status_code}, body is not JSON: {body[:120]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("MaLoi"), str):
        raise WireError(f"HTTP {status_code}, answer without MaLoi: {str(data)[:120]}")
    code = data["MaLoi"]
    return Answer(
        ok=200 <= status_code < 300 and code == SUCCESS,
        code=code,
        description=str(data.get("MoTa", "")),
        duplicate=bool(data.get("TrungLap", False)),
        data=data,
    )


@dataclass(frozen=True)
class CatalogueEntry:
    """One procedure of LayDanhSachTTHC."""

    code: str
    name: str
    field: str
    levels: str
    online_mode: str  # "toan_trinh", "mot_phan" or ""
    duration_value: Decimal | None
    duration_unit: str  # MotCua's unit code
    fee_amount: Decimal | None
    results: tuple[tuple[str, str], ...]  # (name, result code)
    publishing_decision: str
    updated_at: dt.datetime | None


def parse_catalogue(data: dict[str, Any]) -> list[CatalogueEntry]:
    rows = data.get("DanhSachTTHC")
    if not isinstance(rows, list):
        raise WireError("LayDanhSachTTHC: missing DanhSachTTHC list")
    entries = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("MaTTHC"), str) or not row.get("TenTTHC"):
            raise WireError(f"LayDanhSachTTHC: bad row {str(row)[:120]}")
        duration = row.get("ThoiGianGiaiQuyet")
        fee = row.get("LePhi")
        entries.append(
            CatalogueEntry(
                code=row["MaTTHC"].strip(),
                name=str(row["TenTTHC"]).strip(),
                field=str(row.get("LinhVuc", "")).strip(),
                levels=str(row.get("CapThucHien", "")).strip(),
                online_mode=str(row.get("MucDoDVC", "")).strip(),
                duration_value=Decimal(str(duration)) if duration not in (None, "") else None,
                duration_unit=_UNIT_CODES.get(str(row.get("DonViTinh", "")), ""),
                fee_amount=Decimal(str(fee)) if fee not in (None, "") else None,
                results=tuple(
                    (str(r.get("TenKetQua", "")), str(r.get("MaKetQua", "")))
                    for r in row.get("KetQua", [])
                    if isinstance(r, dict)
                ),
                publishing_decision=str(row.get("QuyetDinhCongBo", "")).strip(),
                updated_at=parse_moment(str(row.get("NgayCapNhat", ""))),
            )
        )
    return entries
