"""``{% payment_panel dossier %}``: the applicant's fee panel on the dossier's page."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.payments.selectors import dossier_payment_state

register = template.Library()


@register.inclusion_tag("payments/panel.html", takes_context=True)
def payment_panel(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    state = dossier_payment_state(dossier=dossier, user=user) if user is not None else None
    return {"dossier": dossier, "state": state, "csrf_token": context.get("csrf_token")}


@register.filter
def vnd(amount: int | None) -> str:
    """``150000`` → ``150.000 đ`` (the Vietnamese thousands separator, whatever the interface language)."""
    return "—" if amount is None else f"{int(amount):,} đ".replace(",", ".")
