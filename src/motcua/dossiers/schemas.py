from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TrackingEventOut(Schema):
    at: dt.datetime
    status: int
    status_label: str


class TrackingOut(Schema):
    """What anyone holding the code may see: no personal data."""

    code: str
    status: int
    status_label: str
    procedure: str
    receiving_agency: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    timeline: list[TrackingEventOut]


class TaskOut(Schema):
    order: int
    name: str
    role: str
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None


class DossierOut(Schema):
    code: str | None
    status: int
    status_label: str
    channel: int
    procedure_code: str
    procedure_version: int
    receiving_agency: str
    processing_agency: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: str
    current_step: str | None
    allowed_actions: list[str]
    tasks: list[TaskOut]


class DossierPageOut(Schema):
    count: int
    results: list[DossierOut]


class ActionIn(Schema):
    note: str = Field("", max_length=2000)
    assignee: str | None = Field(None, max_length=150, description="user name of the assignee (assign)")
    new_due_at: dt.datetime | None = Field(None, description="the new appointment (apologize)")
