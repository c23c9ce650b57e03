from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.datastore.services import store_purge


class Command(BaseCommand):
    help = "Delete stored documents past their kind's retention period that no open dossier uses (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Đã xóa {store_purge()} giấy tờ hết thời hạn lưu trữ.")
