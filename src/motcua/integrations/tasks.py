"""Background tasks of the delivery outbox; they take ids, never objects."""

from __future__ import annotations

from django_tasks import task

from motcua.integrations import outbox


@task()
def deliver_message(delivery_id: int) -> None:
    """One delivery attempt; a failure re-enqueues it with backoff (outbox.deliver)."""
    outbox.deliver(delivery_id=delivery_id)
