"""The certificate authorities whose signatures MotCua trusts when it checks a stored or received PDF.

Production lists the PEM files of the national CAs (and the province's) in ``MOTCUA_TRUST_ROOTS``
(comma-separated paths); the demo's own CA is found in the media storage under ``certificates/``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

DEMO_CA_SUFFIX = "-ca.pem"


def trust_roots() -> list[bytes]:
    roots = [Path(p).read_bytes() for p in getattr(settings, "MOTCUA_TRUST_ROOTS", []) if p]
    if default_storage.exists("certificates"):
        _, files = default_storage.listdir("certificates")
        for name in sorted(files):
            if name.endswith(DEMO_CA_SUFFIX):
                with default_storage.open(f"certificates/{name}", "rb") as handle:
                    roots.append(handle.read())
    return roots
