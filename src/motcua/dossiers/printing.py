"""The one-stop forms (Circular 01/2018/TT-VPCP, Circular 03/2025/TT-VPCP) as HTML and PDF, from plain data.

No database here: callers build the frozen dataclasses below from a dossier and the catalogue, and this
module only lays them out. The wording is fixed by the circulars, so the forms are in Vietnamese whatever the
interface language is (no gettext in these templates). Times print in the province's time zone.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, NamedTuple, TypeAlias

import segno
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from motcua.core.clock import local_zone
from motcua.core.errors import DomainError

__all__ = [
    "CIRCULAR_03_2025_FROM",
    "FORM_TABLE",
    "AgencyHeader",
    "ApologyForm",
    "ComponentLine",
    "ControlRow",
    "ControlSheet",
    "FormKind",
    "FormNotInSetError",
    "FormSet",
    "FormSpec",
    "Party",
    "PrintableForm",
    "ReceiptForm",
    "RefusalForm",
    "Register",
    "RegisterRow",
    "StopForm",
    "SupplementForm",
    "form_set_for",
    "form_spec",
    "format_date_line",
    "format_moment",
    "render_html",
    "render_pdf",
]

# Dossiers received from this day on get the Circular 03/2025 set; older ones keep the 2018 set.
CIRCULAR_03_2025_FROM = dt.date(2025, 7, 1)

# Local assets (images, fonts) referenced by the templates resolve against this folder.
FORMS_DIR = Path(__file__).resolve().parent.parent / "templates" / "dossiers" / "forms"
TEMPLATE_PREFIX = "dossiers/forms/"


class FormKind(enum.StrEnum):
    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP = "stop"
    CONTROL_SHEET = "control_sheet"
    REGISTER = "register"


class FormSet(enum.StrEnum):
    CIRCULAR_01_2018 = "01/2018/TT-VPCP"
    CIRCULAR_03_2025 = "03/2025/TT-VPCP"


@dataclass(frozen=True, slots=True)
class FormSpec:
    number: str
    title: str

    @property
    def label(self) -> str:
        return f"Mẫu số {self.number}"


_SUPPLEMENT = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
_RECEIPT = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
_REFUSAL = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
_CONTROL_SHEET = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
_REGISTER = "Sổ theo dõi hồ sơ"

FORM_TABLE: Mapping[FormSet, Mapping[FormKind, FormSpec]] = {
    FormSet.CIRCULAR_01_2018: {
        FormKind.RECEIPT: FormSpec("01", _RECEIPT),
        FormKind.SUPPLEMENT: FormSpec("02", _SUPPLEMENT),
        FormKind.REFUSAL: FormSpec("03", _REFUSAL),
        FormKind.APOLOGY: FormSpec("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        FormKind.CONTROL_SHEET: FormSpec("05", _CONTROL_SHEET),
        FormKind.REGISTER: FormSpec("06", _REGISTER),
    },
    FormSet.CIRCULAR_03_2025: {
        FormKind.RECEIPT: FormSpec("01", _RECEIPT),
        FormKind.SUPPLEMENT: FormSpec("02", _SUPPLEMENT),
        FormKind.REFUSAL: FormSpec("03", _REFUSAL),
        FormKind.APOLOGY: FormSpec("04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
        FormKind.STOP: FormSpec("05", "Thông báo dừng giải quyết hồ sơ"),
        FormKind.CONTROL_SHEET: FormSpec("06", _CONTROL_SHEET),
        FormKind.REGISTER: FormSpec("07", _REGISTER),
    },
}


class FormNotInSetError(DomainError):
    """The form kind has no model in that circular (the stop notice before Circular 03/2025)."""

    code = "form_not_in_set"

    def __init__(self, kind: FormKind, form_set: FormSet) -> None:
        titles = [forms[kind].title for forms in FORM_TABLE.values() if kind in forms]
        name = titles[0] if titles else kind.value
        super().__init__(f"Bộ biểu mẫu của Thông tư {form_set.value} không có mẫu «{name}».")
        self.kind = kind
        self.form_set = form_set


def form_spec(kind: FormKind, form_set: FormSet) -> FormSpec:
    try:
        return FORM_TABLE[form_set][kind]
    except KeyError:
        raise FormNotInSetError(kind, form_set) from None


def form_set_for(received_on: dt.date) -> FormSet:
    """The set a dossier's forms follow, chosen once by its reception day and kept for its whole life."""
    if received_on >= CIRCULAR_03_2025_FROM:
        return FormSet.CIRCULAR_03_2025
    return FormSet.CIRCULAR_01_2018


# -- the data each form prints -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Party:
    """The applicant (person or organisation) as printed on a form."""

    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class AgencyHeader:
    """The issuing agency, top left of every form; ``place`` opens the date line ("Lạng Sơn, ngày ...")."""

    parent_name: str
    name: str
    place: str = ""
    # How the agency is named inside a sentence ("Sở Tư pháp"); the upper-case header name otherwise.
    name_in_text: str = ""

    @property
    def text_name(self) -> str:
        return self.name_in_text or self.name


class ComponentLine(NamedTuple):
    """One paper of the dossier, with how many originals and copies were handed in."""

    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True, slots=True)
class ReceiptForm:
    """Form 01: the complete dossier is accepted; gives the appointment and the tracking code."""

    kind: ClassVar[FormKind] = FormKind.RECEIPT
    code: str
    header: AgencyHeader
    desk_name: str
    applicant: Party
    procedure: str
    components: Sequence[ComponentLine]
    received_at: dt.datetime
    appointment_at: dt.datetime
    return_place: str
    channel: str
    officer: str
    tracking_url: str
    fee: str = ""
    processing_time: str = ""


@dataclass(frozen=True, slots=True)
class SupplementForm:
    """Form 02: what the applicant must add, and why; ``round_number`` 2 or more means the dossier is late."""

    kind: ClassVar[FormKind] = FormKind.SUPPLEMENT
    code: str
    header: AgencyHeader
    applicant: Party
    procedure: str
    reasons: Sequence[str]
    items: Sequence[str]
    round_number: int
    officer: str
    issued_at: dt.datetime
    desk_name: str = ""
    contact: str = ""


@dataclass(frozen=True, slots=True)
class RefusalForm:
    """Form 03: the dossier is not accepted, with the reasons."""

    kind: ClassVar[FormKind] = FormKind.REFUSAL
    code: str
    header: AgencyHeader
    applicant: Party
    procedure: str
    reasons: Sequence[str]
    officer: str
    issued_at: dt.datetime
    desk_name: str = ""


@dataclass(frozen=True, slots=True)
class ApologyForm:
    """Form 04: the result will be late; apologises and sets the new date (2025: proposes an extension)."""

    kind: ClassVar[FormKind] = FormKind.APOLOGY
    code: str
    header: AgencyHeader
    applicant: Party
    procedure: str
    received_at: dt.datetime
    reason: str
    old_appointment_at: dt.datetime
    new_appointment_at: dt.datetime
    signer: str
    issued_at: dt.datetime
    signer_title: str = "Thủ trưởng cơ quan"
    number: str = ""


@dataclass(frozen=True, slots=True)
class StopForm:
    """Circular 03/2025 Form 05: processing of the dossier stops, with the reason."""

    kind: ClassVar[FormKind] = FormKind.STOP
    code: str
    header: AgencyHeader
    applicant: Party
    procedure: str
    received_at: dt.datetime
    reason: str
    signer: str
    issued_at: dt.datetime
    signer_title: str = "Thủ trưởng cơ quan"
    number: str = ""


@dataclass(frozen=True, slots=True)
class ControlRow:
    """One hand-over of the paper dossier; ``result`` is early/on time/late as the receiving side found it."""

    handed_over_by: str
    received_by: str
    at: dt.datetime
    due_at: dt.datetime | None = None
    result: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ControlSheet:
    """2018 Form 05 / 2025 Form 06: travels with the dossier and records each hand-over."""

    kind: ClassVar[FormKind] = FormKind.CONTROL_SHEET
    code: str
    header: AgencyHeader
    procedure: str
    applicant: Party
    received_at: dt.datetime
    appointment_at: dt.datetime
    rows: Sequence[ControlRow]
    lead_agency: str = ""
    partner_agencies: str = ""


@dataclass(frozen=True, slots=True)
class RegisterRow:
    code: str
    applicant: Party
    procedure: str
    received_at: dt.datetime
    appointment_at: dt.datetime
    finished_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    status: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Register:
    """2018 Form 06 / 2025 Form 07: the desk's register of dossiers over a period (A4 landscape)."""

    kind: ClassVar[FormKind] = FormKind.REGISTER
    header: AgencyHeader
    period_label: str
    rows: Sequence[RegisterRow]
    desk_name: str = ""


PrintableForm: TypeAlias = (
    ReceiptForm | SupplementForm | RefusalForm | ApologyForm | StopForm | ControlSheet | Register
)


# -- formatting ----------------------------------------------------------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"Forms print aware datetimes only, got naive {moment.isoformat()}")
    return moment.astimezone(local_zone())


def format_moment(moment: dt.datetime) -> str:
    """``08 giờ 30, ngày 26/11/2026``, in the province's time zone."""
    local = _local(moment)
    return f"{local:%H} giờ {local:%M}, ngày {local:%d/%m/%Y}"


def _table_moment(moment: dt.datetime | None) -> SafeString:
    """format_moment() for a narrow table cell: the date part never breaks inside."""
    if moment is None:
        return SafeString("")
    local = _local(moment)
    return format_html(
        '{} giờ {}, <span class="nowrap">ngày {}</span>', f"{local:%H}", f"{local:%M}", f"{local:%d/%m/%Y}"
    )


def format_date_line(place: str, moment: dt.datetime) -> str:
    """``Lạng Sơn, ngày 05 tháng 3 năm 2026``: Decree 30/2020 pads days below 10 and months 1-2 only."""
    day = _local(moment).date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def _title_lines(title: str, *, max_chars: int = 45) -> list[str]:
    """The upper-case title, cut in two near its middle when too long for one A5 line (no lone last word)."""
    upper = title.upper()
    if len(upper) <= max_chars:
        return [upper]
    words = upper.split()
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(upper) / 2))
    return [" ".join(words[:cut]), " ".join(words[cut:])]


def _qr_svg(url: str) -> SafeString:
    # segno writes only path data and fixed attributes: nothing from the URL reaches the markup as text.
    qr = segno.make(url, error="m")
    return mark_safe(qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass="qr-modules"))


# -- rendering -----------------------------------------------------------------------------------------------


def _context(form: PrintableForm) -> dict[str, object]:
    match form:
        case ReceiptForm():
            return {
                "desk_name": form.desk_name,
                "date_line": format_date_line(form.header.place, form.received_at),
                "components": [ComponentLine(*line) for line in form.components],
                "received": format_moment(form.received_at),
                "appointment": format_moment(form.appointment_at),
                "qr_svg": _qr_svg(form.tracking_url),
            }
        case SupplementForm() | RefusalForm():
            return {
                "desk_name": form.desk_name,
                "date_line": format_date_line(form.header.place, form.issued_at),
            }
        case ApologyForm():
            return {
                "number": form.number,
                "date_line": format_date_line(form.header.place, form.issued_at),
                "received": format_moment(form.received_at),
                "old_appointment": format_moment(form.old_appointment_at),
                "new_appointment": format_moment(form.new_appointment_at),
            }
        case StopForm():
            return {
                "number": form.number,
                "date_line": format_date_line(form.header.place, form.issued_at),
                "received": format_moment(form.received_at),
            }
        case ControlSheet():
            return {
                "date_line": format_date_line(form.header.place, form.received_at),
                "received": format_moment(form.received_at),
                "appointment": format_moment(form.appointment_at),
                "rows": [
                    {"row": row, "at": _table_moment(row.at), "due": _table_moment(row.due_at)}
                    for row in form.rows
                ],
            }
        case Register():
            return {
                "desk_name": form.desk_name,
                "rows": [
                    {
                        "row": row,
                        "received": _table_moment(row.received_at),
                        "appointment": _table_moment(row.appointment_at),
                        "finished": _table_moment(row.finished_at),
                        "returned": _table_moment(row.returned_at),
                    }
                    for row in form.rows
                ],
            }


def render_html(form: PrintableForm, *, form_set: FormSet) -> str:
    """The form as a standalone HTML page (print CSS included), for on-screen previews and for the PDF."""
    spec = form_spec(form.kind, form_set)
    context: dict[str, object] = {
        "form": form,
        "header": form.header,
        "spec": spec,
        "title_lines": _title_lines(spec.title),
        "form_set": form_set,
        "is_2025": form_set is FormSet.CIRCULAR_03_2025,
        **_context(form),
    }
    return render_to_string(f"{TEMPLATE_PREFIX}{form.kind.value}.html", context)


def render_pdf(form: PrintableForm, *, form_set: FormSet) -> bytes:
    """The form as a PDF: A5 portrait, the register A4 landscape; text is real text (searchable)."""
    html = render_html(form, form_set=form_set)
    # Local files and data: URIs only: rendering never reaches the network (no CDN, no SSRF through a form).
    import weasyprint  # imported on first print: it costs every web worker ~38 MiB otherwise

    fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
    pdf: bytes = weasyprint.HTML(string=html, base_url=str(FORMS_DIR), url_fetcher=fetcher).write_pdf()
    return pdf
