"""``motcua worker``: run the background task queue (django-tasks-db's ``db_worker``, same flags) and the
periodic jobs (motcua.core.periodic)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from motcua.core import clock, periodic
from motcua.integrations.outbox import requeue_lost
from motcua.notifications.services import STALLED_AFTER, notification_requeue_stalled


class Command(db_worker.Command):
    help = (
        "Run the background task queue: notifications and every other task. Takes db_worker's flags "
        "(--batch to drain the queue and exit, --queue-name, --max-tasks, --interval, --no-reload, ...). "
        "Several workers may run at once, on several machines, against one PostgreSQL database: each task "
        "is claimed with SELECT ... FOR UPDATE SKIP LOCKED, so exactly one worker runs it; give each a "
        "distinct --worker-id or let it pick a random one (on SQLite they take turns on the one file). "
        "At start the worker first requeues pending notifications whose send task was lost (a worker "
        "killed mid-task), and outbound deliveries (national portal...) whose task was lost the same way, "
        "so a periodic `motcua worker --batch` from cron also serves as that recovery. Unless --batch or "
        "--no-periodic, it also runs the periodic jobs (the same recoveries, the polls of the integration "
        "axis and the national portal, nightly refreshes: `motcua periodic --list`), each job once per "
        "interval across all workers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic", action="store_true", help="do not run the periodic jobs in this worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = notification_requeue_stalled(stalled_before=clock.now() - STALLED_AFTER)
        if requeued and options["verbosity"] > 0:
            self.stdout.write(f"Requeued {requeued} stalled notification(s).")
        lost = requeue_lost()
        if lost and options["verbosity"] > 0:
            self.stdout.write(f"Requeued {lost} outbound delivery(ies) whose task was lost.")
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not options["batch"] and not options["no_periodic"] and not reloader_parent:
            periodic.jobs()  # a bad PERIODIC_INTERVALS stops the worker here, not in its thread
            periodic.Scheduler(tick=settings.MOTCUA_PERIODIC_TICK).start()
        super().handle(*args, **options)
