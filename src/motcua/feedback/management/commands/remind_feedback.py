from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.feedback.reminders import feedback_remind


class Command(BaseCommand):
    help = "Remind handlers (or leaders) of feedback whose next step is due within N working days or late."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--working-days", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = feedback_remind(working_days=options["working_days"])
        self.stdout.write(f"Đã gửi {sent} lời nhắc phản ánh, kiến nghị.")
