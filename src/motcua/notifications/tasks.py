"""Background tasks of the outbox; they take ids, never objects."""

from __future__ import annotations

from django_tasks import task

from motcua.notifications import services


@task()
def send_notification(notification_id: int) -> None:
    """One delivery attempt; a failure re-enqueues it with backoff (services.notification_deliver)."""
    services.notification_deliver(notification_id=notification_id)
