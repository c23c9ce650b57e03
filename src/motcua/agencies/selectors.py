"""Reads of the agency tree; every date-dependent read takes the date explicitly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connections, router

from motcua.agencies.models import Agency, AgencySuccession


@dataclass
class AgencyNode:
    agency: Agency
    children: list[AgencyNode] = field(default_factory=list)


def agency_tree(*, on: dt.date) -> list[AgencyNode]:
    """The agencies valid on a date, as a forest of nodes, in one query."""
    agencies = list(Agency.objects.valid_on(on).order_by("identifier"))
    nodes = {agency.pk: AgencyNode(agency) for agency in agencies}
    roots: list[AgencyNode] = []
    for agency in agencies:
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        (parent.children if parent else roots).append(nodes[agency.pk])
    return roots


def agency_subtree_ids(*, agency: Agency) -> list[int]:
    """The agency and every agency under it (any depth, whatever their dates), in one recursive query (on
    the database the router reads agencies from: the reports' replica inside ``reading_from_replica``)."""
    table = Agency._meta.db_table
    with connections[router.db_for_read(Agency)].cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE subtree (id) AS (
                SELECT id FROM {table} WHERE id = %s
                UNION
                SELECT child.id FROM {table} child JOIN subtree ON child.parent_id = subtree.id
            )
            SELECT id FROM subtree
            """,
            [agency.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def agency_by_identifier(*, identifier: str) -> Agency | None:
    return Agency.objects.filter(identifier=identifier).first()


def agency_successors_on(*, agency: Agency, on: dt.date) -> list[Agency]:
    """Where an agency's work is on a date: itself if still valid, else its successors' (followed through)."""
    if agency.is_valid_on(on):
        return [agency]
    found: list[Agency] = []
    seen = {agency.pk}
    frontier = [agency]
    while frontier:
        links = AgencySuccession.objects.filter(predecessor__in=frontier).select_related("successor")
        frontier = []
        for link in links:
            if link.successor_id in seen:
                continue
            seen.add(link.successor_id)
            (found if link.successor.is_valid_on(on) else frontier).append(link.successor)
    return found
