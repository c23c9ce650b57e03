"""Joining the scanned pages of a paper dossier component into one PDF.

At the reception desk an official scans the paper components of a dossier, page by page or a
few pages at a time, as PDF, JPEG or PNG files. This module checks each uploaded file and joins
them, in the order given, into ONE PDF that other code then signs and stores:

* :func:`check_page` refuses what cannot be a scan (empty, too large, not PDF/JPEG/PNG, an
  extension that lies about the content, a truncated or corrupted image, a decompression bomb,
  an unreadable or encrypted PDF) with a :class:`ScanError` whose message, in Vietnamese, names
  the file and is shown as is to the official;
* :func:`join_pages` turns each image into one page sized to its pixels and resolution (an A4
  sheet scanned at 200 dpi gives an A4 page), with its EXIF orientation applied and any
  transparency flattened on white, and copies every page of each PDF.

The output is deterministic: the same files in the same order give the same bytes (no dates,
no random identifiers), so its SHA-256 can be recomputed. Images are embedded the way img2pdf
does it: a JPEG that needs no rotation keeps its compressed data (without its EXIF, GPS or
other metadata segments), so a scan is not degraded by a second JPEG compression; other images
are stored losslessly (Flate, with PNG predictors for grey and colour), except a JPEG that had to be
rotated, which is compressed again as a high-quality JPEG.

Pure Python on Pillow and pypdf: no Django here.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from PIL import ExifTags, Image, ImageFile
from pypdf import PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_MAX_BYTES_PER_PAGE",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_PIXELS",
    "JoinedScan",
    "ScanError",
    "ScanErrorCode",
    "ScanPage",
    "check_page",
    "detect_type",
    "join_pages",
    "page_count",
]

PDF: Final = "application/pdf"
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"

DEFAULT_MAX_BYTES_PER_PAGE: Final = 20 * 1024 * 1024
DEFAULT_MAX_PAGES: Final = 200
DEFAULT_DPI: Final = 200
#: Decoded pixels allowed in one image (an A0 sheet at 200 dpi, an A3 sheet at 600 dpi fit).
DEFAULT_MAX_PIXELS: Final = 100_000_000

#: A resolution outside this range is a placeholder (JFIF "1 x 1") or nonsense: the default is used.
_MIN_DPI: Final = 36.0
_MAX_DPI: Final = 4800.0
#: The largest page side PDF readers accept (200 inches at user unit 1), in points.
_MAX_PAGE_SIDE_PT: Final = 14_400.0
#: Quality of a JPEG that had to be decoded (to be rotated) and compressed again.
_JPEG_QUALITY: Final = 90

_SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_EXTENSIONS: Final[dict[str, frozenset[str]]] = {
    PDF: frozenset({"pdf"}),
    JPEG: frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    PNG: frozenset({"png"}),
}
_PREFERRED_EXTENSION: Final[dict[str, str]] = {PDF: ".pdf", JPEG: ".jpg hoặc .jpeg", PNG: ".png"}
_KIND: Final[dict[str, str]] = {PDF: "tệp PDF", JPEG: "ảnh JPEG", PNG: "ảnh PNG"}
#: Pillow's format names allowed for each content type (a JPEG with several frames opens as MPO).
_PILLOW_FORMATS: Final[dict[str, tuple[str, ...]]] = {JPEG: ("JPEG", "MPO"), PNG: ("PNG",)}

ScanErrorCode = Literal[
    "empty",
    "too_large",
    "too_many_pages",
    "unsupported_type",
    "unreadable",
    "encrypted",
    "mismatched_extension",
]


class ScanError(ValueError):
    """A file, or the set of files, that cannot become the joined scan.

    ``str(error)`` is a Vietnamese sentence naming the file, fit to show to the official as is;
    ``code`` says what went wrong and ``name`` is the file's name (``None`` when no single file
    is at fault).
    """

    def __init__(self, code: ScanErrorCode, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.code: ScanErrorCode = code
        self.message = message
        self.name = name

    def __reduce__(self) -> tuple[type[ScanError], tuple[ScanErrorCode, str], dict[str, str | None]]:
        # Keeps the error picklable (task queues, multiprocessing) despite the keyword argument.
        return (type(self), (self.code, self.message), {"name": self.name})


@dataclass(frozen=True, slots=True)
class ScanPage:
    """One uploaded file: its name as the official's browser gave it, and its bytes."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class JoinedScan:
    """The joined PDF, its number of pages and the SHA-256 of its bytes (hexadecimal)."""

    pdf: bytes = field(repr=False)
    page_count: int
    sha256: str


# ----------------------------------------------------------------------------------------------
# Checking one file


def detect_type(data: bytes) -> str | None:
    """The content type of ``data`` by its magic bytes: PDF, JPEG, PNG or ``None``."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def check_page(page: ScanPage, *, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> str:
    """Check one uploaded file and return its content type, or raise :class:`ScanError`.

    Refused: an empty file, one over ``max_bytes``, one that is not a PDF, JPEG or PNG, one whose
    extension does not match its content, an image Pillow cannot fully decode or larger than
    ``max_pixels`` once decoded, a PDF pypdf cannot read, without pages or encrypted.
    """
    content_type = _check_envelope(page, max_bytes=max_bytes)
    if content_type == PDF:
        _copy_pdf_pages(page, _read_pdf(page), PdfWriter())  # what joining does, so joining cannot fail
    else:
        with _open_image(page, content_type, max_pixels=max_pixels):
            pass
    return content_type


def _check_envelope(page: ScanPage, *, max_bytes: int) -> str:
    """The checks that need no parsing: size, magic bytes, extension."""
    name = page.name
    size = len(page.data)
    if size == 0:
        raise ScanError("empty", f"Tệp {name} trống, không có dữ liệu.", name=name)
    if size > max_bytes:
        raise ScanError(
            "too_large",
            f"Tệp {name} có dung lượng {_format_size(size)}, vượt quá giới hạn {_format_size(max_bytes)}.",
            name=name,
        )
    content_type = detect_type(page.data)
    if content_type is None:
        raise ScanError(
            "unsupported_type",
            f"Tệp {name} không phải tệp PDF, ảnh JPEG hoặc ảnh PNG nên không thể tiếp nhận.",
            name=name,
        )
    extension = _extension(name)
    if extension not in _EXTENSIONS[content_type]:
        found = f"phần mở rộng .{extension}" if extension else "không có phần mở rộng"
        raise ScanError(
            "mismatched_extension",
            f"Tệp {name} chứa {_KIND[content_type]} nhưng {found}; "
            f"phần mở rộng phải là {_PREFERRED_EXTENSION[content_type]}.",
            name=name,
        )
    return content_type


def _extension(name: str) -> str:
    """The lower-case extension of a file name (without the dot), ``""`` when it has none."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, extension = base.rpartition(".")
    return extension.lower() if dot and stem else ""


def _format_size(size: int) -> str:
    """A byte count the Vietnamese way: "512 byte", "300 KB", "20 MB", "1,5 MB"."""
    if size < 1024:
        return f"{size} byte"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    text = f"{value:.1f}".removesuffix(".0").replace(".", ",")
    return f"{text} {unit}"


_DECODING = threading.Lock()


@contextlib.contextmanager
def _strict_decoding() -> Iterator[None]:
    """Refuse truncated images even when another library (WeasyPrint does, at import) has told Pillow to
    accept them: ``ImageFile.LOAD_TRUNCATED_IMAGES`` is process-wide, so it is set back afterwards."""
    with _DECODING:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _open_image(page: ScanPage, content_type: str, *, max_pixels: int) -> Image.Image:
    """The image fully decoded (a truncated or corrupted file fails here), within ``max_pixels``."""
    name = page.name
    kind = _KIND[content_type]
    unreadable = ScanError("unreadable", f"Tệp {name} không phải {kind} đọc được.", name=name)
    try:
        image = Image.open(io.BytesIO(page.data), formats=_PILLOW_FORMATS[content_type])
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name, kind, None, max_pixels) from error
    except Exception as error:  # Pillow raises many kinds of errors on hostile input
        raise unreadable from error
    try:
        if image.format not in _PILLOW_FORMATS[content_type]:
            raise unreadable
        width, height = image.size
        if width <= 0 or height <= 0:
            raise unreadable
        if width * height > max_pixels:
            raise _too_many_pixels(name, kind, (width, height), max_pixels)
        try:
            with _strict_decoding():
                image.load()
        except Image.DecompressionBombError as error:
            raise _too_many_pixels(name, kind, (width, height), max_pixels) from error
        except Exception as error:
            raise unreadable from error
    except BaseException:
        image.close()
        raise
    return image


def _too_many_pixels(name: str, kind: str, size: tuple[int, int] | None, max_pixels: int) -> ScanError:
    limit = f"{max_pixels / 1_000_000:g}".replace(".", ",")
    dimensions = f" có kích thước {size[0]}×{size[1]} điểm ảnh," if size else ""
    return ScanError(
        "too_large",
        f"Tệp {name} ({kind}){dimensions} vượt quá giới hạn {limit} triệu điểm ảnh.",
        name=name,
    )


def _read_pdf(page: ScanPage) -> PdfReader:
    """The PDF, readable, not encrypted, with at least one page whose size can be read."""
    name = page.name
    unreadable = ScanError("unreadable", f"Tệp {name} không phải tệp PDF đọc được.", name=name)
    encrypted = ScanError(
        "encrypted",
        f"Tệp {name} là tệp PDF được mã hóa hoặc đặt mật khẩu; hãy gỡ bảo vệ rồi tải lên lại.",
        name=name,
    )
    try:
        reader = PdfReader(io.BytesIO(page.data))
        if reader.is_encrypted:
            raise encrypted
        pages = list(reader.pages)
        for pdf_page in pages:
            _ = pdf_page.mediabox.width, pdf_page.mediabox.height
    except ScanError:
        raise
    except FileNotDecryptedError as error:
        raise encrypted from error
    except Exception as error:  # pypdf raises many kinds of errors on hostile input
        raise unreadable from error
    if not pages:
        raise ScanError("unreadable", f"Tệp {name} là tệp PDF nhưng không có trang nào.", name=name)
    return reader


def _copy_pdf_pages(page: ScanPage, reader: PdfReader, writer: PdfWriter) -> None:
    """Copy every page (and every object it uses) of the PDF into ``writer``."""
    try:
        for pdf_page in reader.pages:
            writer.add_page(pdf_page)
    except Exception as error:  # a broken object found only when the page is copied
        raise ScanError(
            "unreadable", f"Tệp {page.name} không phải tệp PDF đọc được.", name=page.name
        ) from error


# ----------------------------------------------------------------------------------------------
# Joining


def join_pages(
    pages: Sequence[ScanPage],
    *,
    max_bytes_per_page: int = DEFAULT_MAX_BYTES_PER_PAGE,
    max_pages: int = DEFAULT_MAX_PAGES,
    dpi: int = DEFAULT_DPI,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> JoinedScan:
    """Join the files, in the order given, into one PDF (see the module's documentation).

    Each file is checked as by :func:`check_page`; ``dpi`` sizes the images that do not state
    their resolution; more than ``max_pages`` pages in all is refused ("too_many_pages").
    """
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, not {dpi}")
    if not pages:
        raise ScanError("empty", "Chưa có tệp scan nào để ghép thành tệp PDF.")
    if len(pages) > max_pages:
        raise _too_many_pages(pages[max_pages].name, max_pages + 1, max_pages)  # one page per file at least

    writer = PdfWriter()
    total = 0
    for page in pages:
        content_type = _check_envelope(page, max_bytes=max_bytes_per_page)
        if content_type == PDF:
            reader = _read_pdf(page)
            count = len(reader.pages)
            if total + count > max_pages:
                raise _too_many_pages(page.name, total + count, max_pages)
            _copy_pdf_pages(page, reader, writer)
            total += count
        else:
            if total + 1 > max_pages:
                raise _too_many_pages(page.name, total + 1, max_pages)
            with _open_image(page, content_type, max_pixels=max_pixels) as image:
                single = _image_page_pdf(image, page.data, default_dpi=dpi)
            writer.add_page(PdfReader(io.BytesIO(single)).pages[0])
            total += 1

    # Fixed metadata, no dates and no /ID: the same input always gives the same bytes.
    writer.pdf_header = b"%PDF-1.7"
    writer.add_metadata({"/Producer": "MotCua"})
    output = io.BytesIO()
    writer.write(output)
    pdf = output.getvalue()
    return JoinedScan(pdf=pdf, page_count=total, sha256=hashlib.sha256(pdf).hexdigest())


def _too_many_pages(name: str, count: int, max_pages: int) -> ScanError:
    return ScanError(
        "too_many_pages",
        f"Tài liệu ghép vượt quá giới hạn {max_pages} trang: tính đến tệp {name} đã có {count} trang.",
        name=name,
    )


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF; :class:`ScanError` when it cannot be read."""
    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except FileNotDecryptedError as error:
        raise ScanError("encrypted", "Tệp PDF được mã hóa hoặc đặt mật khẩu.") from error
    except Exception as error:
        raise ScanError("unreadable", "Dữ liệu không phải tệp PDF đọc được.") from error


# ----------------------------------------------------------------------------------------------
# One image as a one-page PDF (img2pdf-like)


def _image_page_pdf(image: Image.Image, data: bytes, *, default_dpi: int) -> bytes:
    """A one-page PDF showing ``image`` (decoded from ``data``) at its resolution."""
    orientation = _orientation(image)
    x_dpi, y_dpi = _resolution(image, default_dpi)

    if image.format == "JPEG" and orientation == 1 and image.mode in ("L", "RGB"):
        stream = _clean_jpeg(data, components=1 if image.mode == "L" else 3)
        if stream is not None:
            return _single_image_pdf(
                stream, image.size, (x_dpi, y_dpi), colours=len(image.mode), bits=8, filter_name="DCTDecode"
            )

    if orientation in (5, 6, 7, 8):  # turned by a quarter: the resolutions swap too
        x_dpi, y_dpi = y_dpi, x_dpi
    transposition = _TRANSPOSITIONS.get(orientation)
    upright = _flatten(image.transpose(transposition) if transposition is not None else image)
    upright.info.clear()  # nothing of the file's metadata goes into the PDF
    colours = 3 if upright.mode == "RGB" else 1
    bits = 1 if upright.mode == "1" else 8
    if image.format in ("JPEG", "MPO") and upright.mode in ("L", "RGB"):
        buffer = io.BytesIO()
        upright.save(buffer, "JPEG", quality=_JPEG_QUALITY, subsampling=0, optimize=False)
        return _single_image_pdf(
            buffer.getvalue(), upright.size, (x_dpi, y_dpi), colours=colours, bits=8, filter_name="DCTDecode"
        )
    if bits == 1:  # packed bits, Flate without predictor (PNG predictors on 1-bit rows trip some readers)
        stream, predictor = zlib.compress(upright.tobytes(), 6), False
    else:
        stream, predictor = _png_idat(upright), True
    return _single_image_pdf(
        stream,
        upright.size,
        (x_dpi, y_dpi),
        colours=colours,
        bits=bits,
        filter_name="FlateDecode",
        predictor=predictor,
    )


#: What ``ImageOps.exif_transpose`` does for each EXIF orientation. It is not called itself: it also
#: rewrites the EXIF block, and fails (TypeError, struct.error...) when that block is corrupted.
_TRANSPOSITIONS: Final[dict[int, Image.Transpose]] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 to 8), 1 when the image has none or a corrupted EXIF block."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # a corrupted EXIF block does not make the pixels unreadable
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _resolution(image: Image.Image, default_dpi: int) -> tuple[float, float]:
    """The image's stated resolution, or ``default_dpi`` when it states none or nonsense."""
    stated: object = image.info.get("dpi")
    if not isinstance(stated, tuple | list) or len(stated) != 2:
        return float(default_dpi), float(default_dpi)
    try:
        x_dpi, y_dpi = float(stated[0]), float(stated[1])
    except (TypeError, ValueError, OverflowError):
        return float(default_dpi), float(default_dpi)
    if not all(math.isfinite(v) and _MIN_DPI <= v <= _MAX_DPI for v in (x_dpi, y_dpi)):
        return float(default_dpi), float(default_dpi)
    return x_dpi, y_dpi


def _flatten(image: Image.Image) -> Image.Image:
    """The image in a mode a PDF shows directly: 1-bit, 8-bit grey or RGB, transparency on white."""
    mode = image.mode
    if mode in ("1", "L", "RGB"):
        return image
    if mode.startswith("I;16") or mode == "I":  # 16-bit grey: scale to 8 bits rather than clip
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if mode == "P" and "transparency" not in image.info:
        return image.convert("RGB")
    if mode in ("P", "RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _png_idat(image: Image.Image) -> bytes:
    """The image's pixels as a zlib stream with PNG row filters (Flate with /Predictor 15).

    Pillow's PNG encoder does the work: the concatenated IDAT chunks of a non-interlaced PNG are
    exactly what a PDF FlateDecode filter with PNG predictors expects.
    """
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6, optimize=False)
    png = buffer.getvalue()
    chunks = []
    position = 8
    while position + 8 <= len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        kind = png[position + 4 : position + 8]
        if kind == b"IDAT":
            chunks.append(png[position + 8 : position + 8 + length])
        position += 12 + length
    return b"".join(chunks)


def _clean_jpeg(data: bytes, *, components: int) -> bytes | None:
    """The JPEG's compressed data fit for a PDF /DCTDecode stream, without metadata segments.

    Keeps the tables, frame and scans (and the JFIF and Adobe segments, which say how to read the
    colours), drops EXIF, XMP, ICC, comments and anything after the end of the image (phones append
    thumbnails or videos). ``None`` when the file is not a plain 8-bit baseline or progressive
    Huffman JPEG with ``components`` components: the image is then decoded and compressed again.
    """
    size = len(data)
    if not data.startswith(b"\xff\xd8"):
        return None
    out = bytearray(b"\xff\xd8")
    position = 2
    frame_seen = False
    in_scan = False
    while position < size:
        if in_scan:  # entropy-coded data: find the next marker (0xFF not followed by 0x00 or RSTn)
            marker_at = data.find(b"\xff", position)
            while marker_at != -1 and marker_at + 1 < size:
                following = data[marker_at + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    marker_at = data.find(b"\xff", marker_at + 1 if following == 0xFF else marker_at + 2)
                    continue
                break
            if marker_at == -1 or marker_at + 1 >= size:
                return None
            out += data[position:marker_at]
            position = marker_at
            in_scan = False
        if data[position] != 0xFF:
            return None
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            return None
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            if not frame_seen:
                return None
            out += b"\xff\xd9"
            return bytes(out)
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            return None
        if position + 2 > size:
            return None
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > size:
            return None
        segment = data[position : position + length]
        if _is_frame_marker(marker):
            if marker not in (0xC0, 0xC1, 0xC2) or length < 8:
                return None  # lossless, hierarchical or arithmetic coding: not for every PDF reader
            if segment[2] != 8 or segment[7] != components:
                return None
            frame_seen = True
        keep = not ((0xE1 <= marker <= 0xED) or marker == 0xEF or marker == 0xFE)
        if keep:
            out += bytes((0xFF, marker)) + segment
        position += length
        if marker == 0xDA:  # start of scan: the entropy-coded data follows
            if not frame_seen:
                return None
            in_scan = True
    return None


def _is_frame_marker(marker: int) -> bool:
    """SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC)."""
    return 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC)


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _single_image_pdf(
    stream: bytes,
    size: tuple[int, int],
    dpi: tuple[float, float],
    *,
    colours: int,
    bits: int,
    filter_name: str,
    predictor: bool = False,
) -> bytes:
    """A minimal one-page PDF whose page is exactly the image at ``dpi``."""
    width_px, height_px = size
    width = width_px * 72.0 / dpi[0]
    height = height_px * 72.0 / dpi[1]
    largest = max(width, height)
    if largest > _MAX_PAGE_SIDE_PT:  # keep the proportions, shrink to what readers accept
        width, height = width * _MAX_PAGE_SIDE_PT / largest, height * _MAX_PAGE_SIDE_PT / largest
    w, h = _number(width), _number(height)

    colour_space = "/DeviceRGB" if colours == 3 else "/DeviceGray"
    procset = "/ImageC" if colours == 3 else "/ImageB"
    parms = (
        f" /DecodeParms << /Predictor 15 /Colors {colours} /BitsPerComponent {bits} /Columns {width_px} >>"
        if predictor
        else ""
    )
    image_dict = (
        f"<< /Type /XObject /Subtype /Image /Width {width_px} /Height {height_px}"
        f" /ColorSpace {colour_space} /BitsPerComponent {bits} /Filter /{filter_name}{parms}"
        f" /Length {len(stream)} >>"
    )
    content = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode("ascii")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}]"
            f" /Resources << /ProcSet [/PDF {procset}] /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        ).encode("ascii"),
        image_dict.encode("ascii") + b"\nstream\n" + stream + b"\nendstream",
        f"<< /Length {len(content)} >>".encode("ascii") + b"\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    out += trailer.encode("ascii")
    return bytes(out)
