"""Tests of the scan joiner: pure functions on in-memory files, no database."""

from __future__ import annotations

import ast
import hashlib
import io
import pickle
import struct
import zlib
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

from motcua.datastore import scans
from motcua.datastore.scans import (
    JoinedScan,
    ScanError,
    ScanPage,
    check_page,
    detect_type,
    join_pages,
    page_count,
)

MB = 1024 * 1024
A4_PT = (595.28, 841.89)
ORIENTATION = 0x0112


# ----------------------------------------------------------------------------------------------
# Building test files in memory


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _halves(size: tuple[int, int], left: str, right: str) -> Image.Image:
    """An RGB image whose left half is ``left`` and right half ``right``."""
    image = Image.new("RGB", size, left)
    ImageDraw.Draw(image).rectangle((size[0] // 2, 0, size[0], size[1]), fill=right)
    return image


def _noisy_jpeg(size: tuple[int, int] = (240, 180), **options: object) -> bytes:
    noise = Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (40, 60, 80)])
    return _save(noise, "JPEG", quality=85, **options)


def _jpeg_oriented(image: Image.Image, orientation: int, **options: object) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return _save(image, "JPEG", quality=95, exif=exif.tobytes(), **options)


def _pdf(pages: list[tuple[float, float, str]]) -> bytes:
    """A PDF whose pages have the given sizes (points) and each shows its text in Helvetica."""
    writer = PdfWriter()
    for width, height, text in pages:
        page = writer.add_blank_page(width, height)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 20 Tf 30 30 Td ({text}) Tj ET".encode("ascii"))
        page.replace_contents(ContentStream(content, writer))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf([(200, 200, "Mat")]))))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG header claiming huge dimensions, with almost no pixel data (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _pages(joined: JoinedScan) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(joined.pdf))
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]


def _page_image(joined: JoinedScan, index: int) -> Image.Image:
    page = PdfReader(io.BytesIO(joined.pdf)).pages[index]
    images = list(page.images)
    assert len(images) == 1
    image = images[0].image
    assert image is not None
    return image


def _image_xobject(joined: JoinedScan, index: int = 0) -> StreamObject:
    """The image of an image page, as stored."""
    resources = PdfReader(io.BytesIO(joined.pdf)).pages[index]["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    xobjects = resources["/XObject"].get_object()
    assert isinstance(xobjects, DictionaryObject)
    xobject = xobjects["/Im0"].get_object()
    assert isinstance(xobject, StreamObject)
    return xobject


def _close(colour: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


PNG_SMALL = _save(Image.new("RGB", (40, 30), "green"), "PNG")
JPEG_SMALL = _save(Image.new("RGB", (40, 30), "green"), "JPEG")
PDF_TWO_PAGES = _pdf([(612, 792, "PDF trang 1"), (595, 420, "PDF trang 2")])


# ----------------------------------------------------------------------------------------------
# detect_type and the purity of the module


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF_TWO_PAGES, "application/pdf"),
        (JPEG_SMALL, "image/jpeg"),
        (PNG_SMALL, "image/png"),
        (b"GIF89a....", None),
        (b"MZ\x90\x00", None),
        (b"", None),
        (b"\xff\xd8", None),
        (b" %PDF-1.7", None),
    ],
)
def test_detect_type_by_magic_bytes(data: bytes, expected: str | None) -> None:
    assert detect_type(data) == expected


def test_module_does_not_import_django() -> None:
    tree = ast.parse(Path(scans.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "django"]


# ----------------------------------------------------------------------------------------------
# Joining: order, sizes, orientation, colours


def test_join_keeps_order_count_and_sizes() -> None:
    a4_red = _save(Image.new("RGB", (1654, 2339), "red"), "JPEG", dpi=(200, 200))
    blue_alpha = _save(Image.new("RGBA", (400, 300), (0, 0, 255, 255)), "PNG")  # no dpi: 200 by default
    bilevel = Image.new("1", (160, 80), 1)
    ImageDraw.Draw(bilevel).rectangle((0, 0, 79, 79), fill=0)  # left half black
    joined = join_pages(
        [
            ScanPage("trang-1.jpg", a4_red),
            ScanPage("phu-luc.pdf", PDF_TWO_PAGES),
            ScanPage("trang-4.png", blue_alpha),
            ScanPage("trang-5.png", _save(bilevel, "PNG", dpi=(80, 80))),
        ]
    )

    assert joined.page_count == 5
    assert page_count(joined.pdf) == 5
    sizes = _pages(joined)
    assert sizes[0] == pytest.approx(A4_PT, abs=1)
    assert sizes[1:3] == [(612, 792), (595, 420)]
    assert sizes[3] == pytest.approx((144, 108))  # 400x300 px at 200 dpi
    assert sizes[4] == pytest.approx((144, 72), abs=0.1)  # 160x80 px at 80 dpi (PNG: 3150 px/m)

    reader = PdfReader(io.BytesIO(joined.pdf))
    assert "PDF trang 1" in reader.pages[1].extract_text()
    assert "PDF trang 2" in reader.pages[2].extract_text()
    assert _close(_page_image(joined, 0).convert("RGB").getpixel((800, 1100)), (255, 0, 0))  # type: ignore[arg-type]
    assert _page_image(joined, 3).convert("RGB").getpixel((10, 10)) == (0, 0, 255)
    one_bit = _page_image(joined, 4)
    assert one_bit.size == (160, 80)
    assert one_bit.convert("L").getpixel((10, 40)) == 0
    assert one_bit.convert("L").getpixel((150, 40)) == 255


@pytest.mark.parametrize(
    ("size", "stated_dpi", "default_dpi"),
    [
        ((1654, 2339), (200, 200), 200),  # A4 at 200 dpi, stated
        ((1654, 2339), None, 200),  # A4 at 200 dpi, the default
        ((2480, 3508), (300, 300), 200),  # A4 at 300 dpi: the image's resolution wins
        ((2480, 3508), None, 300),
        ((1654, 2339), (1, 1), 200),  # a JFIF placeholder resolution is ignored
    ],
)
def test_a4_image_gives_an_a4_page(
    size: tuple[int, int], stated_dpi: tuple[int, int] | None, default_dpi: int
) -> None:
    options: dict[str, object] = {"dpi": stated_dpi} if stated_dpi else {}
    data = _save(Image.new("L", size, 255), "PNG", **options)
    joined = join_pages([ScanPage("a4.png", data)], dpi=default_dpi)
    (width, height), *_ = _pages(joined)
    assert width == pytest.approx(595, abs=1)
    assert height == pytest.approx(842, abs=1)


def test_exif_orientation_is_applied() -> None:
    # Stored landscape, left half red; orientation 6 means "turn 90° clockwise to display".
    data = _jpeg_oriented(_halves((300, 150), "red", "blue"), 6, dpi=(100, 200))
    joined = join_pages([ScanPage("xoay.jpg", data)])
    image = _page_image(joined, 0).convert("RGB")
    assert image.size == (150, 300)  # now portrait
    assert _close(image.getpixel((75, 20)), (255, 0, 0))  # type: ignore[arg-type]
    assert _close(image.getpixel((75, 280)), (0, 0, 255))  # type: ignore[arg-type]
    # The resolutions turn with the image: 150 px at 200 dpi wide, 300 px at 100 dpi high.
    assert _pages(joined)[0] == pytest.approx((54, 216))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_applied_like_exif_transpose(orientation: int) -> None:
    quadrants = Image.new("RGB", (200, 100), "red")
    draw = ImageDraw.Draw(quadrants)
    draw.rectangle((100, 0, 199, 49), fill="blue")
    draw.rectangle((0, 50, 99, 99), fill="lime")
    draw.rectangle((100, 50, 199, 99), fill="white")
    data = _jpeg_oriented(quadrants, orientation)
    image = _page_image(join_pages([ScanPage("o.jpg", data)]), 0).convert("RGB")
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    assert image.size == expected.size == ((100, 200) if orientation >= 5 else (200, 100))
    for x, y in ((25, 25), (75, 25), (25, 175), (75, 175)) if orientation >= 5 else ((50, 25), (150, 75)):
        assert _close(image.getpixel((x, y)), expected.getpixel((x, y)))  # type: ignore[arg-type]


def test_corrupted_exif_still_gives_the_turned_page() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Cam"  # Make, ASCII...
    exif[ORIENTATION] = 6
    data = _save(_halves((40, 30), "red", "blue"), "JPEG", exif=exif.tobytes())
    make, width = (
        (b"\x01\x0f\x00\x02", b"\x01\x00\x00\x02") if b"MM\x00*" in data else (b"\x0f\x01", b"\x00\x01")
    )
    data = data.replace(make, width, 1)  # ...now ImageWidth with an ASCII value
    with pytest.raises(Exception):  # noqa: B017, PT011 - Pillow's own EXIF rewriting fails on it
        ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    joined = join_pages([ScanPage("exif-hong.jpg", data)])
    assert _page_image(joined, 0).size == (30, 40)


def test_transparency_is_flattened_on_white() -> None:
    rgba = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle((10, 0, 19, 9), fill=(255, 0, 0, 255))
    la = Image.new("LA", (20, 10), (0, 0))
    palette = Image.new("P", (20, 10), 0)
    palette.putpalette([0, 0, 0, 0, 255, 0])
    ImageDraw.Draw(palette).rectangle((10, 0, 19, 9), fill=1)
    joined = join_pages(
        [
            ScanPage("rgba.png", _save(rgba, "PNG")),
            ScanPage("la.png", _save(la, "PNG")),
            ScanPage("p.png", _save(palette, "PNG", transparency=0)),
        ]
    )
    first, second, third = (_page_image(joined, index) for index in range(3))
    assert first.mode == "RGB"
    assert first.getpixel((2, 2)) == (255, 255, 255)
    assert first.getpixel((15, 5)) == (255, 0, 0)
    assert second.mode == "RGB"
    assert second.getpixel((2, 2)) == (255, 255, 255)
    assert third.mode == "RGB"
    assert third.getpixel((2, 2)) == (255, 255, 255)
    assert third.getpixel((15, 5)) == (0, 255, 0)


def test_other_modes_become_grey_or_rgb() -> None:
    grey16 = Image.new("I;16", (4, 1))
    for x, value in enumerate((0, 32896, 65535, 257)):
        grey16.putpixel((x, 0), value)
    cmyk = _save(Image.new("CMYK", (30, 20), (0, 255, 255, 0)), "JPEG")
    opaque_palette = Image.new("P", (10, 10), 1)
    opaque_palette.putpalette([0, 0, 0, 0, 0, 255])
    joined = join_pages(
        [
            ScanPage("xam16.png", _save(grey16, "PNG")),
            ScanPage("cmyk.jpg", cmyk),
            ScanPage("p.png", _save(opaque_palette, "PNG")),
        ]
    )
    grey = _page_image(joined, 0)
    assert grey.mode == "L"
    assert [grey.getpixel((x, 0)) for x in range(4)] == [0, 128, 255, 1]
    assert _close(_page_image(joined, 1).convert("RGB").getpixel((10, 10)), (255, 0, 0))  # type: ignore[arg-type]
    assert _page_image(joined, 2).convert("RGB").getpixel((5, 5)) == (0, 0, 255)


@pytest.mark.parametrize("mode", ["1", "L", "RGB"])
def test_png_pixels_are_kept_exactly(mode: str) -> None:
    noise = Image.merge("RGB", [Image.effect_noise((97, 61), sigma) for sigma in (30, 70, 110)])
    original = noise.convert(mode)
    joined = join_pages([ScanPage("nhieu.png", _save(original, "PNG"))])
    embedded = _page_image(joined, 0) if mode != "1" else _one_bit_image(joined)
    assert embedded.mode == mode
    assert ImageChops.difference(embedded.convert("L"), original.convert("L")).getbbox() is None


def _one_bit_image(joined: JoinedScan) -> Image.Image:
    """A 1-bit image decoded by hand (pypdf's own conversion of 1-bit images is not reliable)."""
    xobject = _image_xobject(joined)
    assert cast(int, xobject["/BitsPerComponent"]) == 1
    size = (cast(int, xobject["/Width"]), cast(int, xobject["/Height"]))
    return Image.frombytes("1", size, xobject.get_data())


@pytest.mark.parametrize("progressive", [False, True])
def test_upright_jpeg_is_embedded_without_recompression_or_metadata(progressive: bool) -> None:
    exif = Image.Exif()
    exif[0x010F] = "MayAnhBiMat"  # Make
    exif[ORIENTATION] = 1
    original = _noisy_jpeg(exif=exif.tobytes(), progressive=progressive, comment=b"ghi-chu-rieng")
    trailer = b"VIDEO-DINH-KEM-SAU-EOI"
    joined = join_pages([ScanPage("goc.jpg", original + trailer)])

    scan_at = original.index(b"\xff\xda")
    assert original[scan_at:] in joined.pdf  # the compressed data, byte for byte
    for secret in (b"MayAnhBiMat", b"ghi-chu-rieng", trailer, b"Exif"):
        assert secret not in joined.pdf
    xobject = _image_xobject(joined)
    assert str(xobject["/Filter"]) == "/DCTDecode"
    embedded = Image.open(io.BytesIO(xobject.get_data()))  # DCTDecode data is the JPEG itself
    decoded = Image.open(io.BytesIO(original))
    assert ImageChops.difference(embedded.convert("RGB"), decoded.convert("RGB")).getbbox() is None


def test_output_is_deterministic() -> None:
    pages = [
        ScanPage("a.jpg", _jpeg_oriented(_halves((120, 80), "red", "blue"), 6)),
        ScanPage("b.pdf", PDF_TWO_PAGES),
        ScanPage("c.png", _save(Image.new("RGBA", (50, 50), (1, 2, 3, 100)), "PNG")),
        ScanPage("d.jpg", _noisy_jpeg()),
    ]
    first = join_pages(pages)
    second = join_pages(list(pages))
    assert first.pdf == second.pdf
    assert first.sha256 == second.sha256 == hashlib.sha256(first.pdf).hexdigest()
    for dated in (b"/CreationDate", b"/ModDate", b"/ID"):
        assert dated not in first.pdf
    assert PdfReader(io.BytesIO(first.pdf)).metadata == {"/Producer": "MotCua"}
    other_order = join_pages([pages[1], pages[0], pages[2], pages[3]])
    assert other_order.sha256 != first.sha256


def test_page_count_of_unreadable_data() -> None:
    assert page_count(PDF_TWO_PAGES) == 2
    with pytest.raises(ScanError) as caught:
        page_count(b"khong phai pdf")
    assert caught.value.code == "unreadable"


# ----------------------------------------------------------------------------------------------
# Refusals


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


REFUSALS = [
    pytest.param("rong.png", b"", {}, "empty", "trống", id="empty"),
    pytest.param("lon.png", PNG_SMALL, {"max_bytes": 10}, "too_large", "10 byte", id="too-large-bytes"),
    pytest.param(
        "ngau-nhien.png", bytes(range(7, 250)), {}, "unsupported_type", "không phải tệp PDF", id="random"
    ),
    pytest.param("setup.exe", b"MZ\x90\x00" + bytes(60), {}, "unsupported_type", "ảnh PNG", id="exe"),
    pytest.param("anh.pdf", PNG_SMALL, {}, "mismatched_extension", "phần mở rộng .pdf", id="png-as-pdf"),
    pytest.param("anh.exe", PNG_SMALL, {}, "mismatched_extension", "phải là .png", id="png-as-exe"),
    pytest.param("anh.png", JPEG_SMALL, {}, "mismatched_extension", "ảnh JPEG", id="jpeg-as-png"),
    pytest.param("tai-lieu.jpg", PDF_TWO_PAGES, {}, "mismatched_extension", "tệp PDF", id="pdf-as-jpg"),
    pytest.param("anh", PNG_SMALL, {}, "mismatched_extension", "không có phần mở rộng", id="no-extension"),
    pytest.param("trang-2.jpg", _truncated(_noisy_jpeg()), {}, "unreadable", "ảnh JPEG", id="truncated-jpeg"),
    pytest.param(
        "trang-3.png",
        _truncated(_save(Image.effect_noise((200, 200), 60), "PNG")),
        {},
        "unreadable",
        "ảnh PNG",
        id="truncated-png",
    ),
    pytest.param("hong.pdf", b"%PDF-1.7\nrac rac rac\n", {}, "unreadable", "tệp PDF", id="broken-pdf"),
    pytest.param("trong.pdf", _pdf([]), {}, "unreadable", "không có trang nào", id="pdf-no-pages"),
    pytest.param("mat.pdf", _encrypted_pdf("bi-mat"), {}, "encrypted", "mật khẩu", id="encrypted-pdf"),
    pytest.param("chu.pdf", _encrypted_pdf(""), {}, "encrypted", "mã hóa", id="owner-password-pdf"),
    pytest.param("bom.png", _png_claiming(100_000, 100_000), {}, "too_large", "điểm ảnh", id="png-bomb"),
    pytest.param("to.png", PNG_SMALL, {"max_pixels": 1000}, "too_large", "40×30 điểm ảnh", id="pixel-limit"),
]


@pytest.mark.parametrize(("name", "data", "limits", "code", "fragment"), REFUSALS)
def test_check_page_refuses(name: str, data: bytes, limits: dict[str, int], code: str, fragment: str) -> None:
    with pytest.raises(ScanError) as caught:
        check_page(ScanPage(name, data), **{"max_bytes": 20 * MB, **limits})
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.name == name
    assert f"Tệp {name} " in str(error)
    assert fragment in str(error)
    assert str(error) == error.message


@pytest.mark.parametrize(("name", "data", "limits", "code", "fragment"), REFUSALS)
def test_join_pages_refuses_the_same_files(
    name: str, data: bytes, limits: dict[str, int], code: str, fragment: str
) -> None:
    options = {"max_bytes_per_page": limits.get("max_bytes", 20 * MB)}
    if "max_pixels" in limits:
        options["max_pixels"] = limits["max_pixels"]
    with pytest.raises(ScanError) as caught:
        join_pages([ScanPage(name, data), ScanPage("sau.jpg", JPEG_SMALL)], **options)
    assert caught.value.code == code
    assert name in str(caught.value)


def test_truncated_jpeg_message_is_the_documented_one() -> None:
    with pytest.raises(ScanError, match=r"^Tệp trang-2\.jpg không phải ảnh JPEG đọc được\.$"):
        check_page(ScanPage("trang-2.jpg", _truncated(_noisy_jpeg())), max_bytes=MB)


def test_check_page_accepts_and_returns_the_type() -> None:
    assert check_page(ScanPage("Trang 1.JPG", JPEG_SMALL), max_bytes=MB) == "image/jpeg"
    assert check_page(ScanPage("scan.jpeg", JPEG_SMALL), max_bytes=MB) == "image/jpeg"
    assert check_page(ScanPage("C:\\fakepath\\scan.png", PNG_SMALL), max_bytes=MB) == "image/png"
    assert check_page(ScanPage("ho-so.pdf", PDF_TWO_PAGES), max_bytes=MB) == "application/pdf"
    assert check_page(ScanPage("a.png", PNG_SMALL), max_bytes=len(PNG_SMALL)) == "image/png"


def test_size_is_told_in_megabytes() -> None:
    with pytest.raises(ScanError, match=r"dung lượng 1,5 MB, vượt quá giới hạn 1 MB\.$"):
        check_page(ScanPage("to.png", PNG_SMALL + bytes(MB + MB // 2 - len(PNG_SMALL))), max_bytes=MB)


def test_too_many_pages() -> None:
    image = ScanPage("anh.jpg", JPEG_SMALL)
    with pytest.raises(ScanError) as caught:
        join_pages([ScanPage("ho-so.pdf", PDF_TWO_PAGES), ScanPage("trang-3.jpg", JPEG_SMALL)], max_pages=2)
    assert caught.value.code == "too_many_pages"
    assert "Tài liệu ghép vượt quá giới hạn 2 trang" in str(caught.value)
    assert "tệp trang-3.jpg đã có 3 trang" in str(caught.value)

    with pytest.raises(ScanError) as caught:
        join_pages([image, ScanPage("phu-luc.pdf", PDF_TWO_PAGES)], max_pages=2)
    assert caught.value.code == "too_many_pages"
    assert caught.value.name == "phu-luc.pdf"

    many = [ScanPage(f"trang-{number}.jpg", JPEG_SMALL) for number in range(1, 5)]
    with pytest.raises(ScanError) as caught:
        join_pages(many, max_pages=3)
    assert caught.value.name == "trang-4.jpg"
    assert "tệp trang-4.jpg đã có 4 trang" in str(caught.value)

    assert join_pages([ScanPage("ho-so.pdf", PDF_TWO_PAGES), image], max_pages=3).page_count == 3


def test_scan_error_survives_pickling() -> None:
    error = ScanError("encrypted", "Tệp a.pdf là tệp PDF được mã hóa.", name="a.pdf")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, copy.name, str(copy)) == (
        "encrypted",
        error.message,
        "a.pdf",
        error.message,
    )


def test_nothing_to_join() -> None:
    with pytest.raises(ScanError) as caught:
        join_pages([])
    assert caught.value.code == "empty"
    assert caught.value.name is None


def test_dpi_must_be_positive() -> None:
    with pytest.raises(ValueError, match="dpi"):
        join_pages([ScanPage("a.jpg", JPEG_SMALL)], dpi=0)


# ----------------------------------------------------------------------------------------------
# Hostile input: only ScanError, and what check_page accepts join_pages joins


def _mutate(data: bytes, cuts: list[tuple[int, int]], length: int) -> bytes:
    mutated = bytearray(data[: max(1, length)])
    for position, value in cuts:
        if mutated:
            mutated[position % len(mutated)] = value
    return bytes(mutated)


SAMPLES = {
    "trang.jpg": _noisy_jpeg((64, 48), progressive=True),
    "trang.png": _save(_halves((30, 20), "red", "white"), "PNG"),
    "trang.pdf": PDF_TWO_PAGES,
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(SAMPLES)),
    cuts=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=4),
    keep=st.floats(min_value=0.0, max_value=1.0),
)
def test_damaged_files_raise_only_scan_errors(name: str, cuts: list[tuple[int, int]], keep: float) -> None:
    original = SAMPLES[name]
    data = _mutate(original, cuts, round(len(original) * keep))
    page = ScanPage(name, data)
    refusal: ScanError | None = None
    try:
        check_page(page, max_bytes=MB)
    except ScanError as error:
        refusal = error
    if refusal is not None:
        assert name in str(refusal)
        return
    joined = join_pages([page])
    assert joined.page_count >= 1
    assert page_count(joined.pdf) == joined.page_count


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from([b"", b"%PDF-1.4\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n"]),
    body=st.binary(max_size=300),
)
def test_random_bytes_raise_only_scan_errors(prefix: bytes, body: bytes) -> None:
    data = prefix + body
    kind = detect_type(data)
    name = {"application/pdf": "x.pdf", "image/jpeg": "x.jpg", "image/png": "x.png"}.get(kind or "", "x.png")
    refusal: ScanError | None = None
    try:
        check_page(ScanPage(name, data), max_bytes=MB)
    except ScanError as error:
        refusal = error
    assert refusal is None or name in str(refusal)


def test_truncated_images_are_refused_even_after_weasyprint_loosened_pillow() -> None:
    """WeasyPrint sets ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when imported; scans must not care."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    from motcua.datastore import scans

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), "red").save(buffer, "JPEG")
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    with pytest.raises(scans.ScanError) as raised:
        scans.check_page(scans.ScanPage("cut.jpg", truncated), max_bytes=10_000_000)
    assert raised.value.code == "unreadable"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as WeasyPrint wants it
