"""An administrative document (văn bản hành chính) as a PDF in the layout of Decree 30/2020/NĐ-CP, Appendix I.

No database here (the models are not this module's business): callers fill a ``DocumentText`` from an
outgoing document, a draft or a preview, and this module only lays it out. The wording and the layout are
fixed by the decree, so the page is Vietnamese whatever the interface language is (no gettext).

The decree's font is Times New Roman, which is not installed on our servers; Noto Serif is used instead
because the Liberation/Times look-alikes misplace Vietnamese tone marks (as in ``dossiers.printing``).

The issued document is signed digitally after rendering (pyHanko), so the PDF keeps an empty area in the
signature block and ``signature_box()`` finds it again from the bytes alone: the area carries a PDF named
destination, which survives incremental saves and needs nothing stored beside the file.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from django.template.loader import render_to_string

from motcua.core.errors import DomainError

__all__ = [
    "SIGNATURE_BOX_ANCHOR",
    "SIGNATURE_BOX_MM",
    "DocumentText",
    "SignatureBoxNotFoundError",
    "html_to_pdf",
    "issue_date_line",
    "list_lines",
    "number_line",
    "render_document_html",
    "render_document_pdf",
    "signature_box",
]

# Local assets referenced by the templates resolve against this folder; rendering never leaves it.
PRINT_DIR: Final = Path(__file__).resolve().parent.parent / "templates" / "documents" / "print"
TEMPLATE_PREFIX: Final = "documents/print/"

# The empty area left for the signer's digital signature image (Appendix I, II.7.d: the image sits
# centred between the signer's title and name), width x height in millimetres.
SIGNATURE_BOX_MM: Final = (60.0, 25.0)
# The id of that area in the HTML, hence the name of its PDF named destination.
SIGNATURE_BOX_ANCHOR: Final = "signature-box"

MM_TO_PT: Final = 72 / 25.4
NBSP: Final = "\u00a0"
# What a blank to be filled by hand looks like on the date and number lines of a draft.
_BLANK: Final = NBSP * 6
# Công văn has no type name printed as a title: its summary goes under the number after "V/v".
_LETTER_TYPE: Final = "công văn"


@dataclass(frozen=True, slots=True)
class DocumentText:
    """Everything printed on one administrative document, already worded by the caller.

    ``number_symbol`` is empty until the clerk gives the number (a draft); the page then shows
    ``Số:      /QĐ-UBND`` from ``symbol_placeholder``. ``content`` is plain text: paragraphs separated by a
    blank line. ``recipients`` are the "Nơi nhận" lines, the last one conventionally "Lưu: VT, ...";
    ``addressees`` are the "Kính gửi" lines of a công văn, tờ trình or báo cáo.
    """

    issuing_body_parent: str
    issuing_body: str
    number_symbol: str
    place: str
    issued_on: dt.date | None
    type_name: str
    subject: str
    content: str
    recipients: tuple[str, ...]
    signer_authority: str
    signer_title: str
    signer_name: str
    urgency_mark: str = ""
    confidentiality_mark: str = ""
    is_draft: bool = False
    symbol_placeholder: str = ""
    addressees: tuple[str, ...] = ()

    @property
    def is_letter(self) -> bool:
        """A công văn: no title, the summary goes under the number as "V/v ..." (Appendix I, II.5.b)."""
        return unicodedata.normalize("NFC", self.type_name).strip().casefold() == _LETTER_TYPE


class SignatureBoxNotFoundError(DomainError):
    """The PDF was not made by ``render_document_pdf`` (or lost its named destinations)."""

    code = "signature_box_not_found"


# -- formatting ----------------------------------------------------------------------------------------------


def issue_date_line(place: str, issued_on: dt.date | None) -> str:
    """``Lạng Sơn, ngày 05 tháng 3 năm 2026``.

    Appendix I, II.4.b: days below 10 and the months 1 and 2 take a leading 0 (its own example is "ngày 05
    tháng 01 năm 2020"); no other month does. A draft without a date leaves blanks to fill by hand.
    """
    if issued_on is None:
        text = f"ngày{_BLANK}tháng{_BLANK}năm 20..."
    else:
        month = f"{issued_on.month:02d}" if issued_on.month < 3 else str(issued_on.month)
        text = f"ngày {issued_on.day:02d} tháng {month} năm {issued_on.year}"
    return f"{place}, {text}" if place else text[0].upper() + text[1:]


def number_line(number_symbol: str, symbol_placeholder: str = "") -> str:
    """``Số: 12/QĐ-UBND``; before the number is given, ``Số:      /QĐ-UBND`` with a blank for the number."""
    if number_symbol:
        return f"Số: {number_symbol}"
    return f"Số:{_BLANK}/{symbol_placeholder}"


def list_lines(lines: Sequence[str]) -> list[str]:
    """Lines of a "Nơi nhận" / "Kính gửi" list as Appendix I, II.9.d writes them.

    Each line opens with a dash and ends with a semicolon, the last one with a full stop, whatever
    punctuation the caller typed.
    """
    cleaned = [line.strip().removeprefix("-").strip().rstrip(";.").rstrip() for line in lines]
    cleaned = [line for line in cleaned if line]
    return [f"- {line}{'.' if index == len(cleaned) - 1 else ';'}" for index, line in enumerate(cleaned)]


def _paragraphs(content: str) -> list[list[str]]:
    """Paragraphs (split at blank lines), each as its lines (a single newline stays a line break)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in content.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


# -- rendering -----------------------------------------------------------------------------------------------


def _context(text: DocumentText) -> dict[str, object]:
    addressees = list_lines(text.addressees)
    return {
        "text": text,
        "parent": text.issuing_body_parent.upper(),
        "body": text.issuing_body.upper(),
        "number_line": number_line(text.number_symbol, text.symbol_placeholder),
        "date_line": issue_date_line(text.place, text.issued_on),
        "is_letter": text.is_letter,
        "title": text.type_name.upper(),
        # One addressee goes on the "Kính gửi:" line itself, bare (Appendix I, II.9.d: "Kính gửi: Bộ Nội vụ").
        "single_addressee": addressees[0][2:-1] if len(addressees) == 1 else "",
        "addressees": addressees if len(addressees) > 1 else [],
        "paragraphs": _paragraphs(text.content),
        "recipients": list_lines(text.recipients),
        "authority": text.signer_authority.upper(),
        "signer_title": text.signer_title.upper(),
        "signature_anchor": SIGNATURE_BOX_ANCHOR,
        # As text: the template language would localise a float ("60,0") into invalid CSS.
        "signature_width": f"{SIGNATURE_BOX_MM[0]:g}mm",
        "signature_height": f"{SIGNATURE_BOX_MM[1]:g}mm",
    }


def render_document_html(text: DocumentText) -> str:
    """The document as a standalone HTML page (print CSS inlined), for previews and for the PDF."""
    return render_to_string(f"{TEMPLATE_PREFIX}document.html", _context(text))


def html_to_pdf(html: str) -> bytes:
    """One of this folder's print pages as a PDF (the register books use it too)."""
    # Local files and data: URIs only: rendering never reaches the network (no CDN, no SSRF via a text).
    import weasyprint  # imported on first print: it costs every web worker ~38 MiB otherwise

    fetcher = weasyprint.URLFetcher(allowed_protocols={"file", "data"})
    pdf: bytes = weasyprint.HTML(string=html, base_url=str(PRINT_DIR), url_fetcher=fetcher).write_pdf()
    return pdf


def render_document_pdf(text: DocumentText) -> bytes:
    """The document as an A4 portrait PDF with real (searchable) text, ready for digital signing."""
    return html_to_pdf(render_document_html(text))


def signature_box(pdf: bytes) -> tuple[int, float, float, float, float]:
    """Where the signer's digital signature goes: (page index, x1, y1, x2, y2) in PDF points.

    The rectangle is in PDF user space (origin bottom-left, y1 < y2), as pyHanko's signature field
    ``box`` wants it. The content length decides the page and height, so the position is read back from
    the named destination the renderer put on the empty area, not computed beforehand.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    destination = reader.named_destinations.get(SIGNATURE_BOX_ANCHOR)
    page = None if destination is None else reader.get_destination_page_number(destination)
    if destination is None or page is None or destination.left is None or destination.top is None:
        raise SignatureBoxNotFoundError("Tệp PDF không có vị trí dành cho chữ ký số.")
    x1, y2 = float(destination.left), float(destination.top)
    width, height = (size * MM_TO_PT for size in SIGNATURE_BOX_MM)
    return page, x1, y2 - height, x1 + width, y2
