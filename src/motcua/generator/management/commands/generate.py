from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.generator.load import DEFAULT_BATCH, generate


class Command(BaseCommand):
    help = (
        "Generate realistic dossiers (with full histories) and official documents on the demo province, "
        "bulk-loaded (COPY on PostgreSQL). Run after `motcua migrate` and `motcua load_demo`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True, help="number of dossiers")
        parser.add_argument("--documents", type=int, default=0, help="number of official documents")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same rows (default 1)")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="first day (default: 3 years back)")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (default: yesterday)")
        parser.add_argument("--append", action="store_true", help="add to data generated before")
        parser.add_argument("--no-stats", action="store_true", help="do not rebuild the report aggregates")
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="dossiers per COPY batch")
        parser.add_argument(
            "--indexes",
            choices=("auto", "rebuild", "keep"),
            default="auto",
            help="PostgreSQL: drop the secondary indexes before the load and build them after it "
            "(auto: when the run at least doubles the tables)",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        say = (lambda _msg: None) if options["quiet"] else self.stdout.write
        try:
            report = generate(
                dossiers=options["dossiers"],
                documents=options["documents"],
                seed=options["seed"],
                start=options["start"],
                end=options["end"],
                append=options["append"],
                stats=not options["no_stats"],
                batch=options["batch"],
                indexes_policy=options["indexes"],
                progress=say,
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        say(
            f"Xong: {report.dossiers:,} hồ sơ, {report.documents:,} văn bản, "
            f"{report.citizens:,} tài khoản công dân, {report.officials:,} cán bộ sinh thêm; "
            f"{report.total_rows:,} dòng trong "
            f"{report.seconds['total']} giây ({report.start} – {report.end})."
        )
