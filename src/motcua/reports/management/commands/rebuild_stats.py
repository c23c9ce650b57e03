from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.reports.aggregates import stats_rebuild, stats_verify


class Command(BaseCommand):
    help = (
        "Check the daily dossier aggregates against a full recount of the dossiers (--verify), "
        "or rebuild them from it (after a bulk import)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verify", action="store_true", help="only compare; exit 1 on any difference")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            result = stats_verify()
            for key, counter, stored, recounted in result.differences[:50]:
                self.stdout.write(f"{key} {counter}: lưu {stored}, đếm lại {recounted}")
            if not result.ok:
                raise CommandError(f"{len(result.differences)} số liệu tổng hợp lệch so với đếm lại.")
            self.stdout.write(
                f"Khớp: {result.rows_checked} dòng số liệu tổng hợp theo ngày đúng bằng đếm lại từ hồ sơ."
            )
            return
        self.stdout.write(f"Đã dựng lại {stats_rebuild()} dòng số liệu tổng hợp theo ngày.")
