"""Text of a PDF for search: what the document says, not just its summary.

A scanned PDF without a text layer gives nothing (there is no OCR here); a damaged one gives nothing rather
than failing the registration it belongs to.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

MAX_CHARS = 20_000
MAX_PAGES = 30


def pdf_text(data: bytes, *, max_chars: int = MAX_CHARS) -> str:
    """The text layer of the first pages, whitespace collapsed, cut at ``max_chars``."""
    try:
        reader = PdfReader(io.BytesIO(data))
        chunks: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            chunk = " ".join((page.extract_text() or "").split())
            chunks.append(chunk)
            size += len(chunk)
            if size >= max_chars:
                break
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        logger.warning("no text extracted from a PDF: %s", error)
        return ""
    return " ".join(chunks)[:max_chars]


def pdf_page_count(data: bytes) -> int | None:
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError):
        return None
