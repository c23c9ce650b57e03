from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from motcua.catalog.importer import CatalogueImport
from motcua.catalog.sources import (
    DetailRecord,
    channel_coverage,
    read_procedure_details_jsonl,
    read_procedure_list_xlsx,
)


class Command(BaseCommand):
    help = (
        "Import procedures from the national TTHC database's exports: xlsx lists (Mã số, Tên, "
        "Cơ quan ban hành, Cơ quan thực hiện, Lĩnh vực) and JSONL(.gz) detail records. "
        "Re-running updates instead of duplicating."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="xlsx and jsonl / jsonl.gz files")
        parser.add_argument("--report", type=Path, help="write every problem and warning to this CSV file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"Không tìm thấy tệp: {', '.join(missing)}")
        unknown = [str(p) for p in paths if not _is_list(p) and not _is_details(p)]
        if unknown:
            raise CommandError(
                f"Không nhận dạng được tệp (cần .xlsx, .jsonl hoặc .jsonl.gz): {', '.join(unknown)}"
            )
        run = CatalogueImport()
        for path in filter(_is_list, paths):  # lists first: the details are checked against their names
            run.add_list(read_procedure_list_xlsx(path))
        coverage_records: list[DetailRecord] = []
        for path in filter(_is_details, paths):
            records = list(read_procedure_details_jsonl(path))
            coverage_records += [r for r in records if isinstance(r, DetailRecord)]
            with tqdm(
                total=len(records), desc=path.name, unit=" thủ tục", disable=options["no_progress"]
            ) as bar:
                run.on_progress = bar.update
                run.add_details(records)
        report = run.finish()
        self._summary(report, coverage_records)
        if options["report"]:
            _write_report(options["report"], report)

    def _summary(self, report: Any, records: list[DetailRecord]) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Dòng danh sách: {report.list_rows}; bản ghi chi tiết: {report.detail_records}. "
                f"Thủ tục mới: {report.created}; phiên bản mới: {report.new_versions}; "
                f"không đổi: {report.unchanged}; lỗi: {report.failed}; cảnh báo: {len(report.warnings)}."
            )
        )
        if records:
            c = channel_coverage(records)
            self.stdout.write(
                f"Có thời hạn bằng số cho mọi cách thức: {c.share(c.with_time):.1%}; "
                f"có phí, lệ phí: {c.share(c.with_fee):.1%}; "
                f"có cả hai: {c.share(c.with_both):.1%} ({c.with_both}/{c.records})."
            )
        for problem in report.problems[:20]:
            self.stderr.write(
                f"{problem.file}:{problem.line}: {problem.code or '?'}: {problem.field}: {problem.message}"
            )
        if len(report.problems) > 20:
            self.stderr.write(f"… và {len(report.problems) - 20} lỗi khác (xem --report).")


def _is_list(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx"


def _is_details(path: Path) -> bool:
    return path.name.lower().endswith((".jsonl", ".jsonl.gz"))


def _write_report(path: Path, report: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["severity", "file", "line", "code", "field", "message"])
        for severity, rows in (("error", report.problems), ("warning", report.warnings)):
            for row in rows:
                writer.writerow([severity, row.file, row.line, row.code, row.field, row.message])
