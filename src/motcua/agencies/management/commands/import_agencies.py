from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.agencies import importer, sources


class Command(BaseCommand):
    help = (
        "Load the agency tree of Lạng Sơn (province code 20) from the administrative-unit files: the 2020 "
        "tree, the 2025-01-04 NSO register, the post-2025 units and the official old→new conversion table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            default=None,
            help="folder holding the vn-admin-units files (default: $MOTCUA_SHARED_DATA/vn-admin-units)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["data"] or Path(settings.MOTCUA_SHARED_DATA) / "vn-admin-units"
        if not folder.is_dir():
            raise CommandError(f"Không tìm thấy thư mục dữ liệu {folder}.")
        try:
            result = importer.import_langson(folder, progress=lambda msg: self.stdout.write(msg))
        except sources.SourceFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in result.errors:
            self.stderr.write(f"{error.file}:{error.line}: {error.field}: {error.message}")
        s = result.sync
        self.stdout.write(
            self.style.SUCCESS(
                f"Cơ quan: {s.created} tạo mới, {s.updated} cập nhật, {s.unchanged} không đổi; "
                f"{s.successions_created} liên kết kế thừa mới ({result.successions} tất cả). "
                f"Xã 2020: {result.communes_2020}; sổ NSO 2025-01-04: {result.communes_register_2025}; "
                f"sau 01/7/2025: {result.communes_post_2025}; dòng lỗi: {len(result.errors)}."
            )
        )
        if result.gaps and result.gaps.without_successor:
            names = ", ".join(spec.name for spec in result.gaps.without_successor)
            self.stdout.write(f"Xã năm 2020 không có trong bảng chuyển đổi (đã sáp nhập trước 2025): {names}")
