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
    id: int
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
    new_due_at: dt.datetime | None = Field(
        None, description="the new appointment (apologize), the deadline (consult)"
    )
    agency: str | None = Field(None, max_length=20, description="agency identifier (consult, transfer)")


class ApplicantIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: str = Field("person", pattern="^(person|organisation)$")
    id_number: str = Field("", max_length=20)
    birth_date: dt.date | None = None
    phone: str = Field("", max_length=15)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    submitted_by_name: str = Field("", max_length=200)


class DossierIn(Schema):
    """A citizen's call creates a draft; a reception officer's call receives a paper dossier at once."""

    procedure: str = Field(..., max_length=30, description="procedure code, e.g. 1.001193")
    agency: str = Field(..., max_length=20, description="receiving agency identifier, e.g. 000.00.32.H37")
    channel: int = Field(2, ge=1, le=4, description="1 in person, 2 online, 3 postal, 4 national portal")
    applicant: ApplicantIn
    immediate: bool = False


class FileOut(Schema):
    id: int
    kind: str
    label: str
    version: int
    content_type: str
    size: int
    sha256: str
