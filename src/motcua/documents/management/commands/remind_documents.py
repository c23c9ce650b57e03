from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.documents.reminders import documents_remind


class Command(BaseCommand):
    help = "Remind owners of tasks and handlers of incoming documents due within N working days or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--working-days", type=int, default=1, help="how far ahead to look (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = documents_remind(working_days=options["working_days"])
        self.stdout.write(f"Đã gửi nhắc việc: {run.tasks} công việc, {run.documents} văn bản đến.")
