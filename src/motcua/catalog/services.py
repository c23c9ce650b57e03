"""Writes to the catalogue, one use case each."""

from __future__ import annotations

from django.db import transaction

from motcua.accounts.models import User
from motcua.catalog.models import OnlineMode, Procedure, ProcedureVersion, PublicationState
from motcua.catalog.parsing import fold
from motcua.catalog.selectors import forget_filter_choices
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError


def procedure_update(
    *, procedure: Procedure, actor: User, state: str | None = None, online_mode: str | None = None
) -> Procedure:
    """Change a procedure's publication state or online mode (administrators only; checked by callers)."""
    changes: dict[str, str] = {}
    if state is not None:
        if state not in PublicationState.values:
            raise DomainError("Trạng thái công bố không hợp lệ.", fields={"state": ["invalid"]})
        changes["state"] = state
    if online_mode is not None:
        if online_mode not in OnlineMode.values:
            raise DomainError("Mức độ trực tuyến không hợp lệ.", fields={"online_mode": ["invalid"]})
        changes["online_mode"] = online_mode
    if not changes:
        return procedure
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.updated_at = clock.now()
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="procedure.update", obj=locked, **changes)
        transaction.on_commit(forget_filter_choices)
    return locked


def search_text_for(*, procedure: Procedure, version: ProcedureVersion | None) -> str:
    """The folded text searched besides the name: code, field, agencies and applicants."""
    parts = [procedure.code, procedure.name, procedure.field.name if procedure.field else ""]
    if version is not None:
        parts += [version.competent_agency, version.implementing_agency, version.applicant_types]
    return fold(" ".join(parts))
