"""Project-wide test set-up: the shared data folder, the frozen clock, the browser journeys."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data sets (../shared/data beside the repository, or $MOTCUA_SHARED_DATA)."""
    from django.conf import settings

    path = Path(settings.MOTCUA_SHARED_DATA)
    if not path.is_dir():
        pytest.fail(f"The shared data folder {path} is missing: set MOTCUA_SHARED_DATA to the data sets.")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser journeys need Debian's Chromium: a failure in CI, a skip with a hint elsewhere."""
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    journeys = [item for item in items if item.get_closest_marker("browser")]
    if not journeys:
        return
    if IN_CI:
        raise pytest.UsageError(f"CI=true but Chromium is missing at {CHROMIUM}: run `make browser` first.")
    skip = pytest.mark.skip(
        reason="Chromium not installed: run `sudo make browser` to enable the browser journeys"
    )
    for item in journeys:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded and generated files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Tests create many users: a fast hasher keeps the suite quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # users made by module-scoped fixtures
    ]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """A rolled-back test sends no signal: one test's cached calendar or lists never leak into the next."""
    from django.core.cache import cache

    from motcua.worktime.selectors import invalidate_work_calendar

    invalidate_work_calendar()
    cache.clear()
    yield
    invalidate_work_calendar()
    cache.clear()
