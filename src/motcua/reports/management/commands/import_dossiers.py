from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.reports.importer import dossiers_import


class Command(BaseCommand):
    help = (
        "Import dossiers exported from a legacy one-stop system (CSV, format in the README), "
        "then rebuild the report aggregates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            report = dossiers_import(handle)
        for error in report.errors[:200]:
            self.stdout.write(f"dòng {error.line} {error.code}: {error.message}")
        self.stdout.write(
            f"Đã nhập {report.imported} hồ sơ; {len(report.errors)} dòng lỗi không nhập; "
            f"{report.stat_rows} dòng số liệu tổng hợp."
        )
