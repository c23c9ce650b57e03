"""The national portal's wire format, in one place (documented in docs/integrations/national-portal.md).

No public specification exists: the call names and fields are those observed in deployed one-stop systems
(DOMAIN.md §8). Everything else in MotCua speaks ``DossierSnapshot`` and ``HistoryEntry``; to adopt the
official format when it is published, change this module (and the simulator, which imports it).

Conventions: JSON in UTF-8; moments as ``yyyyMMddHHmmss`` in the province's time (Asia/Ho_Chi_Minh);
every push carries ``MaGiaoDich`` (the request key: the portal applies a key once and answers a repeat as
a success with ``TrungLap: true``) and ``SoThuTu`` (1, 2, 3... per dossier: the portal refuses a gap).
Answers are ``{"MaLoi": "0", "MoTa": ...}`` on success; any other ``MaLoi`` or HTTP status is a failure.

Inbound, dossiers citizens submitted on the portal itself: LayDanhSachHoSoMoi lists them (parsed strictly
into ``IncomingDossier``), XacNhanTiepNhanHoSo tells the portal MotCua took one or refuses it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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


def parse_catalogue(data: dict[str, Any]) -> list[CatalogueEntry | MalformedEntry]:
    """The list's rows; a row that does not follow the format is a ``MalformedEntry`` (its MaTTHC when it
    has one, and why) so that the others still apply. An answer without the list raises WireError."""
    rows = data.get("DanhSachTTHC")
    if not isinstance(rows, list):
        raise WireError("LayDanhSachTTHC: missing DanhSachTTHC list")
    entries: list[CatalogueEntry | MalformedEntry] = []
    for row in rows:
        try:
            entries.append(_catalogue_entry(row))
        except WireError as error:
            code = row.get("MaTTHC") if isinstance(row, dict) else None
            entries.append(MalformedEntry(code.strip() if isinstance(code, str) else "", str(error)))
    return entries


def _catalogue_entry(row: Any) -> CatalogueEntry:
    if not isinstance(row, dict) or not isinstance(row.get("MaTTHC"), str):
        raise WireError(f"a row without MaTTHC: {str(row)[:120]}")
    if not isinstance(row.get("TenTTHC"), str) or not row["TenTTHC"].strip():
        raise WireError("TenTTHC missing")
    results = row.get("KetQua", [])
    if not isinstance(results, list):
        raise WireError("KetQua is not a list")
    return CatalogueEntry(
        code=row["MaTTHC"].strip(),
        name=row["TenTTHC"].strip(),
        field=str(row.get("LinhVuc", "")).strip(),
        levels=str(row.get("CapThucHien", "")).strip(),
        online_mode=str(row.get("MucDoDVC", "")).strip(),
        duration_value=_number(row.get("ThoiGianGiaiQuyet"), "ThoiGianGiaiQuyet"),
        duration_unit=_UNIT_CODES.get(str(row.get("DonViTinh", "")), ""),
        fee_amount=_number(row.get("LePhi"), "LePhi"),
        results=tuple(
            (str(r.get("TenKetQua", "")), str(r.get("MaKetQua", ""))) for r in results if isinstance(r, dict)
        ),
        publishing_decision=str(row.get("QuyetDinhCongBo", "")).strip(),
        updated_at=parse_moment(str(row.get("NgayCapNhat", ""))),
    )


def _number(value: Any, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise WireError(f"{name} is not a number: {str(value)[:40]}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise WireError(f"{name} is not a number: {str(value)[:40]}") from None
    if not number.is_finite():
        raise WireError(f"{name} is not a finite number: {value}")
    return number


# -- dossiers submitted on the national portal ---------------------------------------------------------------
#
# A citizen may submit a dossier on the portal itself. MotCua lists the ones waiting for this province
# (LayDanhSachHoSoMoi, page by page with an opaque cursor), takes each into the receiving agency's
# reception queue and tells the portal (XacNhanTiepNhanHoSo: MotCua's own code, or a refusal with its
# reason). A file comes inline (base64) or as a link on the portal itself (TaiTepHoSo).

NEW_DOSSIERS = "LayDanhSachHoSoMoi"  # GET ?ConTro=<cursor>&SoLuong=<n>
CONFIRM_RECEPTION = "XacNhanTiepNhanHoSo"  # POST, request-key idempotent
FETCH_FILE = "TaiTepHoSo"  # GET ?MaTep=<id>: the file's bytes
TAKEN = "TiepNhan"
REFUSED = "TuChoi"
MAX_PAGE_SIZE = 100
MAX_FILES = 50

_PORTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,49}")
_CITIZEN_ID = re.compile(r"\d{12}")  # căn cước (công dân): the number a portal account is opened with
_TAX_CODE = re.compile(r"\d{10}(-\d{3})?")  # mã số thuế of an organisation (or of a branch)
_PHONE = re.compile(r"\+?\d{9,14}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
_APPLICANT_KINDS = {"CongDan": "person", "ToChuc": "organisation"}
_KIND_WORDS = {kind: word for word, kind in _APPLICANT_KINDS.items()}
DATE_FORMAT = "%Y%m%d"


@dataclass(frozen=True)
class IncomingApplicant:
    """ChuHoSo: the person or organisation the dossier is for."""

    name: str
    kind: str  # MotCua's ApplicantKind: "person" or "organisation"
    id_number: str  # a person's 12-digit ID number, an organisation's tax code
    birth_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class IncomingFile:
    """One file of ThanhPhanHoSo: inline ``content``, or a ``url`` on the portal to fetch it from."""

    component_name: str  # the component (thành phần hồ sơ) as the procedure's catalogue names it
    file_name: str
    url: str = ""
    content: bytes | None = None


@dataclass(frozen=True)
class IncomingDossier:
    """A dossier submitted on the national portal and waiting to be taken (one row of LayDanhSachHoSoMoi)."""

    portal_code: str
    procedure_code: str
    agency_code: str
    applicant: IncomingApplicant
    submitted_at: dt.datetime
    files: tuple[IncomingFile, ...]
    submitter_name: str = ""  # NguoiNop: who submitted for the applicant (always, for an organisation)
    submitter_id_number: str = ""
    vneid_authenticated: bool = False
    fee_amount: Decimal = Decimal(0)
    fees_paid: bool = False
    paid_online: bool = False

    @property
    def account_id_number(self) -> str:
        """The ID number of the portal account that submitted it: the submitter's, else the applicant's."""
        return self.submitter_id_number or self.applicant.id_number


@dataclass(frozen=True)
class MalformedEntry:
    """A row of a list (dossiers waiting, the catalogue) that does not follow the format: refused on its own
    (a waiting dossier is refused back to the portal unless it has no usable MaHoSo)."""

    portal_code: str  # the row's MaHoSo (MaTTHC in the catalogue); "" when it has no usable one
    reason: str


@dataclass(frozen=True)
class IncomingPage:
    entries: tuple[IncomingDossier | MalformedEntry, ...]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class Confirmation:
    """XacNhanTiepNhanHoSo as the portal reads it."""

    request_key: str
    portal_code: str
    taken: bool
    motcua_code: str
    reason: str
    at: dt.datetime | None


def _text(record: dict[str, Any], key: str, where: str, *, max_length: int, required: bool = True) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise WireError(f"{where}.{key}: expected a string")
    value = value.strip()
    if required and not value:
        raise WireError(f"{where}.{key}: required")
    if len(value) > max_length:
        raise WireError(f"{where}.{key}: longer than {max_length} characters")
    return value


def _flag(record: dict[str, Any], key: str, where: str) -> bool:
    value = record.get(key, False)
    if not isinstance(value, bool):
        raise WireError(f"{where}.{key}: expected true or false")
    return value


def _object(record: dict[str, Any], key: str, where: str, *, required: bool = True) -> dict[str, Any] | None:
    value = record.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise WireError(f"{where}.{key}: expected an object")
    return value


def _matching(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise WireError(f"{what}: {value[:60]!r} is not valid")
    return value


def _date(text: str, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=_ZONE).date()
    except ValueError:
        raise WireError(f"{what}: bad date {text[:20]!r} (want yyyyMMdd)") from None


def _applicant(record: dict[str, Any]) -> IncomingApplicant:
    where = "ChuHoSo"
    kind_word = _text(record, "LoaiDoiTuong", where, max_length=10)
    kind = _APPLICANT_KINDS.get(kind_word)
    if kind is None:
        raise WireError(f"{where}.LoaiDoiTuong: {kind_word[:20]!r}, expected CongDan or ToChuc")
    id_number = _text(record, "SoGiayTo", where, max_length=20)
    _matching(_CITIZEN_ID if kind == "person" else _TAX_CODE, id_number, f"{where}.SoGiayTo")
    phone = _text(record, "DienThoai", where, max_length=15, required=False)
    email = _text(record, "Email", where, max_length=254, required=False)
    return IncomingApplicant(
        name=_text(record, "HoTen", where, max_length=200),
        kind=kind,
        id_number=id_number,
        birth_date=_date(_text(record, "NgaySinh", where, max_length=8, required=False), f"{where}.NgaySinh"),
        phone=_matching(_PHONE, phone, f"{where}.DienThoai") if phone else "",
        email=_matching(_EMAIL, email, f"{where}.Email") if email else "",
        address=_text(record, "DiaChi", where, max_length=300, required=False),
    )


def _file(record: Any, index: int) -> IncomingFile:
    where = f"ThanhPhanHoSo[{index}]"
    if not isinstance(record, dict):
        raise WireError(f"{where}: expected an object")
    file_name = _text(record, "TenTep", where, max_length=255)
    if any(c in file_name for c in "/\\\0") or file_name in (".", ".."):
        raise WireError(f"{where}.TenTep: a file name, not a path")
    url = _text(record, "DuongDan", where, max_length=2000, required=False)
    encoded = record.get("NoiDung")
    if bool(url) == (encoded is not None):
        raise WireError(f"{where}: exactly one of DuongDan and NoiDung")
    content = None
    if url and not url.startswith(("http://", "https://")):
        raise WireError(f"{where}.DuongDan: not an http(s) address")
    if encoded is not None:
        if not isinstance(encoded, str):
            raise WireError(f"{where}.NoiDung: expected base64 text")
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise WireError(f"{where}.NoiDung: not base64") from None
        if not content:
            raise WireError(f"{where}.NoiDung: empty file")
    return IncomingFile(
        component_name=_text(record, "TenThanhPhan", where, max_length=1000),
        file_name=file_name,
        url=url,
        content=content,
    )


def parse_incoming(record: Any) -> IncomingDossier:
    """One row of LayDanhSachHoSoMoi, strictly: anything missing, mistyped or too long is a WireError."""
    if not isinstance(record, dict):
        raise WireError("entry: expected an object")
    where = "HoSo"
    portal_code = _matching(_PORTAL_CODE, _text(record, "MaHoSo", where, max_length=50), "MaHoSo")
    applicant_record = _object(record, "ChuHoSo", where)
    assert applicant_record is not None
    applicant = _applicant(applicant_record)
    submitter = _object(record, "NguoiNop", where, required=applicant.kind == "organisation")
    submitter_name = submitter_id = ""
    if submitter is not None:
        submitter_name = _text(submitter, "HoTen", "NguoiNop", max_length=200)
        submitter_id = _matching(
            _CITIZEN_ID, _text(submitter, "SoGiayTo", "NguoiNop", max_length=12), "NguoiNop.SoGiayTo"
        )
    fees = _object(record, "LePhi", where, required=False) or {}
    amount = fees.get("TongTien", 0)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise WireError("LePhi.TongTien: expected a whole number of VND, at least 0")
    files = record.get("ThanhPhanHoSo")
    if not isinstance(files, list):
        raise WireError("ThanhPhanHoSo: expected a list")
    if len(files) > MAX_FILES:
        raise WireError(f"ThanhPhanHoSo: more than {MAX_FILES} files")
    submitted_at = parse_moment(_text(record, "NgayNopHoSo", where, max_length=14))
    assert submitted_at is not None
    return IncomingDossier(
        portal_code=portal_code,
        procedure_code=_text(record, "MaTTHC", where, max_length=30),
        agency_code=_text(record, "MaCoQuan", where, max_length=20),
        applicant=applicant,
        submitted_at=submitted_at,
        files=tuple(_file(f, i) for i, f in enumerate(files)),
        submitter_name=submitter_name,
        submitter_id_number=submitter_id,
        vneid_authenticated=_flag(applicant_record, "XacThucVNeID", "ChuHoSo"),
        fee_amount=Decimal(amount),
        fees_paid=_flag(fees, "DaNop", "LePhi"),
        paid_online=_flag(fees, "ThanhToanTrucTuyen", "LePhi"),
    )


def parse_new_dossiers(data: dict[str, Any]) -> IncomingPage:
    """LayDanhSachHoSoMoi's answer. The list itself must be well formed (else WireError); a malformed row
    becomes a ``MalformedEntry`` so that it can be refused without holding back the others."""
    rows = data.get("DanhSachHoSo")
    has_more = data.get("ConTiep")
    cursor = data.get("ConTroTiep")
    if not isinstance(rows, list):
        raise WireError(f"{NEW_DOSSIERS}: missing DanhSachHoSo list")
    if not isinstance(has_more, bool) or not isinstance(cursor, str):
        raise WireError(f"{NEW_DOSSIERS}: ConTiep (true/false) and ConTroTiep (text) are required")
    if len(rows) > MAX_PAGE_SIZE:
        raise WireError(f"{NEW_DOSSIERS}: more than {MAX_PAGE_SIZE} rows in a page")
    entries: list[IncomingDossier | MalformedEntry] = []
    for row in rows:
        try:
            entries.append(parse_incoming(row))
        except WireError as error:
            code = row.get("MaHoSo") if isinstance(row, dict) else None
            usable = code if isinstance(code, str) and _PORTAL_CODE.fullmatch(code) else ""
            entries.append(MalformedEntry(portal_code=usable, reason=str(error)))
    return IncomingPage(entries=tuple(entries), next_cursor=cursor, has_more=has_more)


def incoming_record(d: IncomingDossier) -> dict[str, Any]:
    """The row the portal lists for ``d`` (the simulator's and the tests' writer, kept with the reader)."""
    applicant = d.applicant
    record: dict[str, Any] = {
        "MaHoSo": d.portal_code,
        "MaTTHC": d.procedure_code,
        "MaCoQuan": d.agency_code,
        "ChuHoSo": {
            "HoTen": applicant.name,
            "SoGiayTo": applicant.id_number,
            "LoaiDoiTuong": _KIND_WORDS[applicant.kind],
            "NgaySinh": applicant.birth_date.strftime(DATE_FORMAT) if applicant.birth_date else "",
            "DienThoai": applicant.phone,
            "Email": applicant.email,
            "DiaChi": applicant.address,
            "XacThucVNeID": d.vneid_authenticated,
        },
        "NgayNopHoSo": moment(d.submitted_at),
        "LePhi": {"TongTien": int(d.fee_amount), "DaNop": d.fees_paid, "ThanhToanTrucTuyen": d.paid_online},
        "ThanhPhanHoSo": [_file_record(f) for f in d.files],
    }
    if d.submitter_id_number:
        record["NguoiNop"] = {"HoTen": d.submitter_name, "SoGiayTo": d.submitter_id_number}
    return record


def _file_record(f: IncomingFile) -> dict[str, Any]:
    record: dict[str, Any] = {"TenThanhPhan": f.component_name, "TenTep": f.file_name}
    if f.content is not None:
        record["NoiDung"] = base64.b64encode(f.content).decode("ascii")
    else:
        record["DuongDan"] = f.url
    return record


def confirmation(
    *, portal_code: str, request_key: str, at: dt.datetime, motcua_code: str = "", refusal: str = ""
) -> dict[str, Any]:
    """XacNhanTiepNhanHoSo's body: taken under ``motcua_code``, or refused for ``refusal``."""
    if bool(motcua_code) == bool(refusal):
        raise WireError("a confirmation has either MotCua's code or a refusal reason")
    return {
        "MaGiaoDich": request_key,
        "MaHoSo": portal_code,
        "KetQua": TAKEN if motcua_code else REFUSED,
        "MaHoSoMC": motcua_code,
        "LyDo": refusal[:1000],
        "ThoiDiem": moment(at),
    }


def parse_confirmation(message: Any) -> Confirmation:
    """The portal's (the simulator's) reading of XacNhanTiepNhanHoSo."""
    if not isinstance(message, dict):
        raise WireError("body: expected a JSON object")
    where = CONFIRM_RECEPTION
    outcome = _text(message, "KetQua", where, max_length=10)
    if outcome not in (TAKEN, REFUSED):
        raise WireError(f"{where}.KetQua: {outcome[:20]!r}, expected {TAKEN} or {REFUSED}")
    taken = outcome == TAKEN
    motcua_code = _text(message, "MaHoSoMC", where, max_length=30, required=taken)
    reason = _text(message, "LyDo", where, max_length=1000, required=not taken)
    return Confirmation(
        request_key=_text(message, "MaGiaoDich", where, max_length=200),
        portal_code=_text(message, "MaHoSo", where, max_length=50),
        taken=taken,
        motcua_code=motcua_code if taken else "",
        reason="" if taken else reason,
        at=parse_moment(_text(message, "ThoiDiem", where, max_length=14, required=False)),
    )
