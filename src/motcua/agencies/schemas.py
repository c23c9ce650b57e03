from __future__ import annotations

import datetime as dt

from ninja import Schema


class AgencyOut(Schema):
    identifier: str
    name: str
    short_name: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    children: list[AgencyOut] = []


AgencyOut.model_rebuild()


class AgencyTreeOut(Schema):
    on: dt.date
    count: int
    agencies: list[AgencyOut]
