from __future__ import annotations

from typing import Any

from django.db import models

from motcua.core.models import AuditEvent


def audit_record(*, actor: Any, action: str, obj: models.Model, **details: Any) -> AuditEvent:
    """Write the audit row of a use case; call it inside the use case's transaction."""
    actor_id = getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        details=details,
    )
