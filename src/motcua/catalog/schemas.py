from __future__ import annotations

from decimal import Decimal

from ninja import Field as SchemaField
from ninja import Schema


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    field: str | None
    levels: list[str]
    online_mode: str


class ProcedurePageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProcedureSummaryOut]


class ChannelTermOut(Schema):
    channel: str
    duration_value: Decimal | None
    duration_unit: str
    duration_text: str
    working_hours: Decimal | None
    fee_amount: Decimal | None
    fee_is_specified: bool
    fee_text: str
    description: str


class ComponentOut(Schema):
    group: str
    name: str
    originals: int
    copies: int
    template_name: str
    template_url: str | None


class LegalBasisOut(Schema):
    title: str
    number_symbol: str


class AgencyRefOut(Schema):
    identifier: str
    name: str
    is_boundless: bool


class ProcedureOut(ProcedureSummaryOut):
    version: int | None
    issuing_authority: str
    legacy_level: int | None
    state: str
    procedure_type: str
    applicant_types: str
    competent_agency: str
    implementing_agency: str
    receiving_address: str
    steps: list[dict[str, object]]
    conditions: str
    results: list[dict[str, object]]
    publishing_decision: str
    channels: list[ChannelTermOut]
    components: list[ComponentOut]
    legal_bases: list[LegalBasisOut]
    agencies: list[AgencyRefOut]


class ProcedureUpdateIn(Schema):
    state: str | None = SchemaField(None, pattern="^(draft|published|withdrawn)$")
    online_mode: str | None = SchemaField(None, pattern="^(full|partial|none)$")
