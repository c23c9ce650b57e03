"""Configuration: documented in one place, and production refuses insecure settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.config.env import VARIABLES

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [v.name for v in VARIABLES if f"`{v.name}`" not in readme] == []


def _check_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {v.name for v in VARIABLES}}
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; django.setup()"],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
            "PYTHONPATH": str(ROOT / "src"),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50, "DEBUG": "true"}, "DEBUG"),
        ({"SECRET_KEY": "x" * 50, "DATABASE_URL": "sqlite:///tmp/x.db"}, "PostgreSQL"),
    ],
)
def test_production_refuses_to_start_with_an_insecure_setting(env: dict[str, str], complaint: str) -> None:
    result = _check_settings(MOTCUA_ENV="production", **env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_starts_with_secure_settings() -> None:
    result = _check_settings(
        MOTCUA_ENV="production", SECRET_KEY="k" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/x"
    )
    assert result.returncode == 0, result.stderr


def test_development_needs_no_configuration() -> None:
    assert _check_settings().returncode == 0


def test_production_without_a_database_url_refuses_the_embedded_sqlite() -> None:
    result = _check_settings(MOTCUA_ENV="production", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr
