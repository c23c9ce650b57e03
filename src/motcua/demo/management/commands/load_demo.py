from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.agencies.sources import SourceFileError
from motcua.demo import services


class Command(BaseCommand):
    help = (
        "Build the Lạng Sơn demo province: agencies, desks, the real catalogue, processes and demo accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=None, help="the shared data folder")
        parser.add_argument(
            "--curated-only",
            action="store_true",
            help="import only the demo's procedures, not the whole catalogue",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        data: Path = options["data"] or Path(settings.MOTCUA_SHARED_DATA)
        if not data.is_dir():
            raise CommandError(f"Không tìm thấy thư mục dữ liệu {data} (đặt MOTCUA_SHARED_DATA).")
        say = (lambda _msg: None) if options["quiet"] else self.stdout.write
        try:
            report = services.load_demo(data=data, curated_only=options["curated_only"], progress=say)
        except (SourceFileError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        catalogue = report.catalogue
        if catalogue:
            say(
                f"Thủ tục: {catalogue.created} mới, {catalogue.new_versions} phiên bản mới, "
                f"{catalogue.unchanged} không đổi, {catalogue.failed} lỗi."
            )
        say(
            f"Giao thủ tục: {report.assignments} mới; quy trình nội bộ: {report.processes} mới; "
            f"mẫu đơn: {report.templates} mới."
        )
        say(self.style.SUCCESS(f"Tài khoản mẫu (mật khẩu: {services.DEMO_PASSWORD}):"))
        for username, description in report.accounts:
            say(f"  {username:<22} {description}")
        say(f"Cán bộ nhập thêm mã xác thực (TOTP), khóa chung của cán bộ mẫu: {services.DEMO_TOTP_SECRET}")
