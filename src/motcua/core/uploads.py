"""Checking uploaded files: type by content (not by name), size, and a digest for integrity.

Shared by dossier attachments and the document office's drafts and scans.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from motcua.core.errors import DomainError

# Magic numbers of the formats a dossier accepts: scans (PDF, JPEG, PNG) and office documents (DOCX/XLSX).
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument"),
)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse an empty, oversized or unsupported file with a Vietnamese message naming it."""
    name = upload.name or "tệp"
    size = upload.size or 0
    if size == 0:
        raise DomainError(f"Tệp {name} rỗng.", fields={"file": ["empty"]})
    if size > max_upload_bytes():
        limit = max_upload_bytes() // (1024 * 1024)
        raise DomainError(f"Tệp {name} lớn hơn {limit} MB.", fields={"file": ["too large"]})
    upload.seek(0)
    head = upload.read(16)
    content_type = next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        raise DomainError(
            f"Tệp {name} không đúng định dạng: chỉ nhận PDF, JPEG, PNG, DOCX hoặc XLSX.",
            fields={"file": ["unsupported type"]},
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=size, sha256=digest.hexdigest())
