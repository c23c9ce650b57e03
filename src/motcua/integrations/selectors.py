"""Reads of the integrations: the portal sync state per dossier, scoped to agencies, and its share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.accounts.auth import is_administrator
from motcua.accounts.models import RoleAssignment, User
from motcua.core import clock
from motcua.dossiers.models import Dossier
from motcua.integrations.models import DeliveryStream, StreamState
from motcua.integrations.portal.sync import SYSTEM as PORTAL


def sync_scope(user: User) -> set[int] | None:
    """The agencies whose dossiers ``user`` may see on the sync page: None for all (administrators), an
    empty set for nobody (citizens)."""
    if not user.is_authenticated:
        return set()
    if is_administrator(user):
        return None
    return set(RoleAssignment.objects.active_on().filter(user=user).values_list("agency_id", flat=True))


def _dossiers_in(agency_ids: set[int] | None) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(code__isnull=False)
    if agency_ids is None:
        return qs
    return qs.filter(Q(receiving_agency_id__in=agency_ids) | Q(processing_agency_id__in=agency_ids))


def portal_streams(*, agency_ids: set[int] | None, state: str = "") -> QuerySet[DeliveryStream]:
    """The dossiers' portal streams in scope, most recently changed first (one query; a page of it)."""
    qs = DeliveryStream.objects.filter(system=PORTAL)
    if agency_ids is not None:
        qs = qs.filter(key__in=_dossiers_in(agency_ids).values("code"))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-updated_at", "-pk")


def portal_state_counts(*, agency_ids: set[int] | None) -> dict[str, int]:
    """How many dossiers are sent, pending and failed (one grouped query)."""
    rows = portal_streams(agency_ids=agency_ids).order_by().values("state").annotate(n=Count("pk"))
    counts = dict.fromkeys(StreamState.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class SyncRow:
    stream: DeliveryStream
    dossier: Dossier | None


def sync_rows(streams: list[DeliveryStream]) -> list[SyncRow]:
    """A page of streams with their dossiers (one more query, whatever the page size)."""
    dossiers = {
        d.code: d
        for d in Dossier.objects.filter(code__in=[s.key for s in streams]).select_related(
            "procedure", "receiving_agency"
        )
    }
    return [SyncRow(stream, dossiers.get(stream.key)) for stream in streams]


def dossier_in_scope(*, code: str, agency_ids: set[int] | None) -> Dossier | None:
    return _dossiers_in(agency_ids).filter(code=code).first()


def portal_synced_share(
    agency_ids: list[int] | set[int] | None, start: dt.date, end: dt.date
) -> tuple[int, int]:
    """(synced, total) over dossiers received in [start, end] by these agencies (all when None); synced
    means the portal has everything queued for the dossier (Decision 766: share synced to the portal).

    Reads the dossiers of the period: exact, for checks and small periods. The dashboard uses
    ``portal_unsynced`` instead, which reads only the backlog.
    """
    zone = clock.local_zone()
    qs = Dossier.objects.filter(
        received_at__gte=dt.datetime.combine(start, dt.time(), tzinfo=zone),
        received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )
    if agency_ids is not None:
        qs = qs.filter(receiving_agency_id__in=list(agency_ids))
    synced = DeliveryStream.objects.filter(system=PORTAL, key=OuterRef("code"), state=StreamState.SENT)
    figures = qs.aggregate(total=Count("pk"), synced=Count("pk", filter=Q(Exists(synced))))
    return figures["synced"], figures["total"]


def portal_unsynced(agency_ids: list[int] | None, start: dt.datetime, end: dt.datetime) -> int:
    """Dossiers received in [start, end) whose portal stream still waits or is a dead letter.

    Reads the backlog (streams not SENT, through delivery_stream_state_idx), never the whole period: the
    dashboard's "synced" share is (received − this) / received. A dossier never queued at all (the sync
    was turned off when it was received) does not appear here.
    """
    backlog = DeliveryStream.objects.filter(system=PORTAL).exclude(state=StreamState.SENT).values("key")
    qs = Dossier.objects.filter(code__in=backlog, received_at__gte=start, received_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(receiving_agency_id__in=agency_ids)
    return qs.count()
