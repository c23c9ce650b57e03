"""The document office API's shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class DocumentTypeOut(Schema):
    id: int
    abbreviation: str
    name: str
    is_legal_normative: bool


class DraftIn(Schema):
    agency: str = Field(..., description="Identifier of the issuing agency", max_length=20)
    document_type_id: int
    subject: str = Field(..., max_length=500)
    content: str = Field("", max_length=100_000)
    signer_id: int
    signer_title: str = Field(..., max_length=100)
    urgency: str = Field("thuong", pattern="^(thuong|khan|thuong_khan|hoa_toc)$")
    confidentiality: str = Field("thuong", pattern="^(thuong|mat|toi_mat|tuyet_mat)$")
    symbol_unit: str = Field("", max_length=20)
    recipients: list[str] = Field(default_factory=list, description="Identifiers of agencies in MotCua")
    paper_recipients: list[str] = Field(default_factory=list, description="Agencies that get paper copies")
    external_recipients: list[str] = Field(default_factory=list, description="Bodies outside MotCua")
    due_on: dt.date | None = None
    reply_to_id: int | None = None
    corrects_id: int | None = None


class OutgoingActionIn(Schema):
    action: str = Field(..., pattern="^(submit|forward|return|approve|issue|dispatch|cancel)$")
    note: str = Field("", max_length=2000)
    reviewer_id: int | None = None
    passphrase: str = Field("", max_length=200, description="The agency certificate's passphrase (issue)")


class RecipientOut(Schema):
    organ_id: str
    organ_name: str
    delivery: str
    exchange_status: str
    exchange_status_label: str
    status_at: dt.datetime | None


class EventOut(Schema):
    action: str
    actor: str
    at: dt.datetime
    note: str
    status_after: str


class OutgoingOut(Schema):
    id: int
    agency: str
    status: str
    status_label: str
    number: int | None
    number_symbol: str
    year: int | None
    series: str
    document_type: str
    subject: str
    urgency: str
    confidentiality: str
    drafter: str
    signer: str
    signer_title: str
    waiting_for: str | None
    issued_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    page_count: int | None
    has_signed_pdf: bool
    recipients: list[RecipientOut]
    allowed_actions: list[str]


class OutgoingDetailOut(OutgoingOut):
    content: str
    versions: list[str]
    events: list[EventOut]


class OutgoingPageOut(Schema):
    count: int = Field(..., description="Matches, counted up to 1,000")
    count_is_capped: bool = Field(False, description="True when there are more than `count` matches")
    items: list[OutgoingOut]


class IncomingIn(Schema):
    agency: str = Field(..., max_length=20)
    sender_name: str = Field(..., max_length=200)
    number_symbol: str = Field(..., max_length=40)
    issued_on: dt.date
    type_name: str = Field(..., max_length=100)
    subject: str = Field(..., max_length=500)
    urgency: str = Field("thuong", pattern="^(thuong|khan|thuong_khan|hoa_toc)$")
    confidentiality: str = Field("thuong", pattern="^(thuong|mat|toi_mat|tuyet_mat)$")
    signer_name: str = Field("", max_length=100)
    page_count: int | None = Field(None, ge=1, le=10_000)
    confirm_duplicate: bool = False


class IncomingActionIn(Schema):
    action: str = Field(..., pattern="^(assign|report|complete|refuse)$")
    note: str = Field("", max_length=4000)
    handler_id: int | None = None
    lead_unit_id: int | None = None
    coordinating_unit_ids: list[int] = Field(default_factory=list)
    due_on: dt.date | None = None
    reply_id: int | None = None


class IncomingOut(Schema):
    id: int
    agency: str
    status: str
    status_label: str
    year: int
    series: str
    arrival_number: int
    arrived_at: dt.datetime
    delivery: str
    sender_name: str
    number_symbol: str
    issued_on: dt.date
    type_name: str
    subject: str
    urgency: str
    confidentiality: str
    handler: str | None
    lead_unit: str | None
    handling_due_on: dt.date | None
    direction: str
    is_overdue: bool
    has_file: bool
    allowed_actions: list[str]


class IncomingDetailOut(IncomingOut):
    events: list[EventOut]
    replies: list[str]


class IncomingPageOut(Schema):
    count: int = Field(..., description="Matches, counted up to 1,000")
    count_is_capped: bool = Field(False, description="True when there are more than `count` matches")
    items: list[IncomingOut]


class TaskIn(Schema):
    agency: str = Field(..., max_length=20)
    title: str = Field(..., max_length=300)
    description: str = Field("", max_length=4000)
    owner_id: int
    due_on: dt.date
    incoming_id: int | None = None
    outgoing_id: int | None = None


class TaskProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100)
    note: str = Field("", max_length=2000)


class TaskOut(Schema):
    id: int
    title: str
    owner: str
    due_on: dt.date
    progress: int
    status: str
    incoming_id: int | None
    outgoing_id: int | None


class FiguresOut(Schema):
    date_from: dt.date
    date_to: dt.date
    issued: int
    issued_confidential: int
    issued_electronic: int
    received: int
    received_confidential: int
    received_electronic: int
    electronic_share: float | None
    handled: int
    handled_on_time: int
    on_time_share: float | None
    overdue_now: int
    accounts: int
