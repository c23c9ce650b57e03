"""``motcua pull_catalogue``: apply the national portal's changed procedures as new catalogue versions."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.integrations.portal.catalogue import PullReport, catalogue_pull
from motcua.integrations.portal.client import PortalError


class Command(BaseCommand):
    help = (
        "Pull the procedures the national portal changed (LayDanhSachTTHC) since the last complete pull and "
        "apply each as a new version (run it daily). Exits with status 1 when the portal fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--since", type=_day, help="ask for changes since this day (yyyy-mm-dd) instead of the last pull"
        )
        which.add_argument("--full", action="store_true", help="ask for the whole list")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalogue_pull(since=options["since"], full=options["full"])
        except PortalError as error:
            raise CommandError(f"Cổng DVC quốc gia lỗi, không thay đổi gì: {error}") from None
        self._print(report)

    def _print(self, report: PullReport) -> None:
        asked = f"thay đổi từ ngày {report.since:%d/%m/%Y}" if report.since else "toàn bộ danh sách"
        for code in report.created:
            self.stdout.write(f"{code}: thủ tục mới (phiên bản 1)")
        for code, number, changed in report.new_versions:
            self.stdout.write(f"{code}: phiên bản mới {number} ({', '.join(changed)})")
        for refusal in report.refused:
            self.stderr.write(f"{refusal.code or '(không có mã)'}: bị từ chối: {refusal.reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã hỏi {asked}; nhận {report.received} thủ tục. Thủ tục mới: {len(report.created)}; "
                f"phiên bản mới: {len(report.new_versions)}; không đổi: {report.unchanged}; "
                f"bị từ chối: {len(report.refused)}."
            )
        )


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day (yyyy-mm-dd)") from None
