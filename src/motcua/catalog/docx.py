"""A minimal DOCX writer for blank template forms (mẫu đơn, tờ khai) the demo attaches to components.

The national database links each form as a file; the exports we import carry only the file names.
Until the real files are uploaded by an administrator, a generated form with the procedure's name,
the form's title and lines to fill in gives citizens something correct to download and print.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="word/document.xml"/>
</Relationships>"""

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraph(text: str, *, bold: bool = False, center: bool = False, size_pt: int = 13) -> str:
    props = '<w:jc w:val="center"/>' if center else ""
    run_props = (
        f'<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="{size_pt * 2}"/>'
    )
    if bold:
        run_props = "<w:b/>" + run_props
    return (
        f"<w:p><w:pPr>{props}</w:pPr><w:r><w:rPr>{run_props}</w:rPr>"
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def blank_form(*, title: str, procedure_name: str, fields: Sequence[str]) -> bytes:
    """A DOCX with the national title, the form's title and a dotted line for each field."""
    paragraphs = [
        _paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True),
        _paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, center=True),
        _paragraph(""),
        _paragraph(title.upper(), bold=True, center=True, size_pt=14),
        _paragraph(f"(Thủ tục: {procedure_name})", center=True, size_pt=12),
        _paragraph(""),
        *(_paragraph(f"{name}: " + "." * max(10, 70 - len(name))) for name in fields),
        _paragraph(""),
        _paragraph("Tôi cam đoan những nội dung khai trên là đúng sự thật."),
        _paragraph("NGƯỜI KHAI (ký, ghi rõ họ tên)", bold=True, center=True),
    ]
    body = "".join(paragraphs)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()
