from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.agencies.schemas import AgencyOut, AgencyTreeOut
from motcua.agencies.selectors import AgencyNode, agency_tree
from motcua.core import clock
from motcua.core.errors import ERROR_RESPONSES
from motcua.core.schemas import IsoDate

router = Router(tags=["agencies"])


class TreeQuery(Schema):
    on: IsoDate | None = Field(None, description="the date of the tree, e.g. 2025-06-30 (default: today)")


def _node_out(node: AgencyNode) -> AgencyOut:
    a = node.agency
    return AgencyOut(
        identifier=a.identifier,
        name=a.name,
        short_name=a.short_name,
        kind=a.kind,
        valid_from=a.valid_from,
        valid_to=a.valid_to,
        children=[_node_out(child) for child in node.children],
    )


def _count(nodes: list[AgencyNode]) -> int:
    return sum(1 + _count(node.children) for node in nodes)


@router.get("", response={200: AgencyTreeOut, **ERROR_RESPONSES}, summary="The agency tree on a date")
def list_agencies(request: HttpRequest, query: Query[TreeQuery]) -> AgencyTreeOut:
    on = query.on or clock.today()
    roots = agency_tree(on=on)
    return AgencyTreeOut(on=on, count=_count(roots), agencies=[_node_out(node) for node in roots])
