"""Local simulators of the external systems MotCua talks to, each its own process on loopback.

A simulator is a module of this package with ``DEFAULT_PORT: int`` and ``serve(host: str, port: int) -> None``
(blocks until interrupted). ``motcua simulate <module name>`` runs it; ``systems()`` lists them.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def systems() -> list[str]:
    """The simulators available, by module name (``portal``, ``payment``...)."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name != "base"
    )


def load(system: str) -> ModuleType:
    if system not in systems():
        raise LookupError(system)
    return importlib.import_module(f"{__name__}.{system}")
