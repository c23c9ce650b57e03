"""``motcua worker``: run the background task queue (django-tasks-db's ``db_worker``, same flags)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from motcua.core import clock
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
        "so a periodic `motcua worker --batch` from cron also serves as that recovery."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = notification_requeue_stalled(stalled_before=clock.now() - STALLED_AFTER)
        if requeued and options["verbosity"] > 0:
            self.stdout.write(f"Requeued {requeued} stalled notification(s).")
        lost = requeue_lost()
        if lost and options["verbosity"] > 0:
            self.stdout.write(f"Requeued {lost} outbound delivery(ies) whose task was lost.")
        super().handle(*args, **options)
