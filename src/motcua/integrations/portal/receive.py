"""Dossiers citizens submitted on the national portal, taken into the receiving agency's reception queue.

``portal_receive`` reads the portal's list of waiting dossiers (LayDanhSachHoSoMoi, page after page) and
takes each in its own transaction the way an online submission arrives: the account of the person who
submitted it (found by ID number, created when new), a draft of channel ``NATIONAL_PORTAL`` at the agency
the portal names, its files attached through the same checks as an upload, then submitted by that account:
status 1 (new), coded, in the agency's reception queue, the applicant notified and the portal sync queued
like any submission. Only after the commit is the portal told (XacNhanTiepNhanHoSo with MotCua's code).

The portal's code is unique on the dossier (``Dossier.portal_code``): a dossier whose confirmation was lost
(a crash, a timeout) is found on the next run and only confirmed again, with the same request key, never
created twice; two runs at once meet on that constraint.

Refused (nothing created; the reason logged, counted and sent back to the portal): a row that does not
follow the format, a procedure the province does not publish, an unknown or dissolved agency, an agency
that does not implement the procedure, a file the upload checks refuse or a link off the portal, a
required component missing. A call that fails (the portal down, slow, malformed) is an error: the dossier
stays on the portal's list and the next run takes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from motcua.accounts.services import citizen_account_for_id_number
from motcua.agencies import selectors as agency_selectors
from motcua.agencies.models import Agency
from motcua.catalog import selectors as catalog_selectors
from motcua.catalog.models import Component, Procedure
from motcua.catalog.parsing import fold
from motcua.core import clock
from motcua.core.audit import audit_record
from motcua.core.errors import DomainError
from motcua.core.uploads import check_upload, max_upload_bytes
from motcua.dossiers.checklist import is_required
from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.services import Applicant, dossier_act, dossier_attach_file, dossier_create_draft
from motcua.dossiers.workflow import Action
from motcua.integrations.portal import wire
from motcua.integrations.portal.client import OversizedFileError, PortalClient, PortalError

logger = logging.getLogger(__name__)

SOURCE = "national_portal"
PAGE_SIZE = 20
_LIST_MARKS = "-+*•. "
_SHORTEST_PREFIX = 6  # "to khai" matches; "giay" alone is no name


@dataclass
class ReceiveReport:
    """What one run did, for the command and the log."""

    created: list[Dossier] = field(default_factory=list)
    confirmed_again: list[Dossier] = field(default_factory=list)  # taken in before, the portal not yet told
    refused: list[str] = field(default_factory=list)  # "<portal code>: <reason>"
    errors: list[str] = field(default_factory=list)  # failed calls: those dossiers wait for the next run

    @property
    def failed(self) -> bool:
        return bool(self.errors)


class RefusedError(Exception):
    """A dossier MotCua will not take; the message is the reason the portal (and the citizen) is given."""


def portal_receive(*, client: PortalClient | None = None, page_size: int = PAGE_SIZE) -> ReceiveReport:
    """Take every dossier waiting on the portal; never raises for the portal's failures (see the report)."""
    report = ReceiveReport()
    try:
        client = client or PortalClient.from_settings()
    except PortalError as error:
        report.errors.append(str(error))
        return report
    cursor, seen = "", set()
    while True:
        try:
            page = client.new_dossiers(cursor=cursor, limit=page_size)
        except PortalError as error:
            logger.warning("national portal: waiting dossiers not listed: %s", error)
            report.errors.append(str(error))
            return report
        for entry in page.entries:
            _take(client, entry, report)
        if not page.has_more:
            return report
        if not page.next_cursor or page.next_cursor in seen:
            report.errors.append(f"{wire.NEW_DOSSIERS}: the cursor does not advance ({page.next_cursor!r})")
            return report
        seen.add(page.next_cursor)
        cursor = page.next_cursor


def _take(
    client: PortalClient, entry: wire.IncomingDossier | wire.MalformedEntry, report: ReceiveReport
) -> None:
    code = entry.portal_code
    existing = Dossier.objects.filter(portal_code=code).first() if code else None
    if existing is not None:
        _confirm(client, existing, report, again=True)
        return
    try:
        if isinstance(entry, wire.MalformedEntry):
            raise RefusedError(f"Dữ liệu hồ sơ không đúng định dạng: {entry.reason}")
        contents = _file_contents(client, entry)
        dossier, created = _create_or_find(entry, contents)
    except RefusedError as refusal:
        _refuse(client, code, str(refusal), report)
        return
    except PortalError as error:
        logger.warning("national portal: dossier %s not taken: %s", code, error)
        report.errors.append(f"{code}: {error}")
        return
    _confirm(client, dossier, report, again=not created)
    if created:
        report.created.append(dossier)


def _file_contents(client: PortalClient, entry: wire.IncomingDossier) -> list[bytes]:
    """Each file's bytes: inline, or fetched from the portal (a link elsewhere is refused, never followed)."""
    contents = []
    limit = max_upload_bytes()
    for item in entry.files:
        if item.content is not None:
            contents.append(item.content)
            continue
        if not client.is_portal_url(item.url):
            raise RefusedError(f"Tệp {item.file_name} không nằm trên Cổng Dịch vụ công quốc gia.")
        try:
            contents.append(client.fetch_file(item.url, max_bytes=limit))
        except OversizedFileError:
            raise RefusedError(f"Tệp {item.file_name} lớn hơn {limit // (1024 * 1024)} MB.") from None
    return contents


def _create_or_find(entry: wire.IncomingDossier, contents: list[bytes]) -> tuple[Dossier, bool]:
    """The new dossier, or the one another run created meanwhile (the unique portal code, or a unique field
    of the new account, stopped this one once the other committed: try once more, which finds it)."""
    for attempt in (1, 2):
        try:
            return _create(entry, contents), True
        except IntegrityError:
            existing = Dossier.objects.filter(portal_code=entry.portal_code).first()
            if existing is not None:
                return existing, False
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create(entry: wire.IncomingDossier, contents: list[bytes]) -> Dossier:
    procedure = catalog_selectors.procedure_detail(code=entry.procedure_code, on=clock.today())
    if procedure is None:
        raise RefusedError(
            f"Thủ tục {entry.procedure_code} không có trong danh mục thủ tục hành chính của tỉnh."
        )
    agency = _agency(entry.agency_code)
    if not any(a.agency_id == agency.pk for a in getattr(procedure, "current_assignments", [])):
        raise RefusedError(f"{agency.name} không thực hiện thủ tục {procedure.code}.")  # checked again below
    uploads = _uploads(entry, contents, _components(procedure))
    applicant = entry.applicant
    try:
        with transaction.atomic(durable=True):
            owner, _ = citizen_account_for_id_number(
                id_number=entry.account_id_number,
                full_name=entry.submitter_name or applicant.name,
                birth_date=None if entry.submitter_id_number else applicant.birth_date,
                source=SOURCE,
            )
            draft = dossier_create_draft(
                procedure=procedure,
                agency=agency,
                owner=owner,
                applicant=Applicant(
                    name=applicant.name,
                    kind=applicant.kind,
                    id_number=applicant.id_number,
                    birth_date=applicant.birth_date,
                    phone=applicant.phone,
                    email=applicant.email,
                    address=applicant.address,
                    submitted_by_name=entry.submitter_name,
                ),
                channel=Channel.NATIONAL_PORTAL,
                portal_code=entry.portal_code,
            )
            for upload, component in uploads:
                dossier_attach_file(dossier=draft, actor=owner, upload=upload, component=component)
            dossier = dossier_act(dossier=draft, actor=owner, action=Action.SUBMIT)
            audit_record(
                actor=None,
                action="dossier.receive_from_portal",
                obj=dossier,
                portal_code=entry.portal_code,
                submitted_on_portal_at=wire.moment(entry.submitted_at),
                vneid_authenticated=entry.vneid_authenticated,
                portal_fee=int(entry.fee_amount),
                fees_paid_on_portal=entry.fees_paid,
                paid_online=entry.paid_online,
            )
    except DomainError as error:  # the dossier services' own checks: the same words as for an upload
        raise RefusedError(error.message) from None
    return dossier


def _agency(code: str) -> Agency:
    """The agency the portal names, or the one that took over its work when it was reorganised."""
    agency = agency_selectors.agency_by_identifier(identifier=code)
    if agency is None:
        raise RefusedError(f"Không có cơ quan tiếp nhận mã {code}.")
    successors = agency_selectors.agency_successors_on(agency=agency, on=clock.today())
    if len(successors) != 1:
        raise RefusedError(f"Cơ quan {code} ({agency.name}) không còn hoạt động.")
    return successors[0]


def _components(procedure: Procedure) -> dict[str, Component]:
    """The current version's components by name key."""
    version = procedure.current_version
    assert version is not None  # procedure_detail gives published procedures, which have one
    return {_name_key(c.name): c for c in version.components.all()}


def _name_key(name: str) -> str:
    """A component's name without accents, case, spacing or the list mark the catalogue often starts with."""
    return fold(name).lstrip(_LIST_MARKS)


def _component(name: str, components: dict[str, Component]) -> Component | None:
    """The component named ``name``; else the only one whose name starts with it, up to a word's end (the
    catalogue's names run on with their conditions: "Giấy chứng sinh; trường hợp không có..."); else none."""
    key = _name_key(name)
    if key in components:
        return components[key]
    if len(key) < _SHORTEST_PREFIX:
        return None
    starting = [c for k, c in components.items() if k.startswith(key) and not k[len(key)].isalnum()]
    return starting[0] if len(starting) == 1 else None


def _uploads(
    entry: wire.IncomingDossier, contents: list[bytes], components: dict[str, Component]
) -> list[tuple[SimpleUploadedFile, Component | None]]:
    """The files as uploads, matched to the procedure's components by name (``_component``; a file matching
    none is kept as an extra one). Checked before anything is stored, so that a refusal leaves no file
    behind: type and size, and every required component present (the submission checks both again)."""
    uploads: list[tuple[SimpleUploadedFile, Component | None]] = []
    for item, content in zip(entry.files, contents, strict=True):
        upload = SimpleUploadedFile(item.file_name, content)
        try:
            check_upload(upload)
        except DomainError as error:
            raise RefusedError(error.message) from None
        uploads.append((upload, _component(item.component_name, components)))
    given = {component.pk for _, component in uploads if component is not None}
    missing = [c for c in components.values() if is_required(c) and c.pk not in given]
    if missing:
        names = "; ".join(c.name[:80] for c in missing[:5])
        raise RefusedError(f"Còn thiếu thành phần hồ sơ: {names}.")
    return uploads


def _confirm(client: PortalClient, dossier: Dossier, report: ReceiveReport, *, again: bool) -> None:
    assert dossier.portal_code is not None
    assert dossier.code is not None
    try:
        client.confirm_reception(
            portal_code=dossier.portal_code,
            request_key=f"portal:receive:{dossier.portal_code}:{dossier.code}",
            motcua_code=dossier.code,
            at=clock.now(),
        )
    except PortalError as error:  # taken in all the same: the next run finds it and confirms again
        logger.warning(
            "national portal: %s taken as %s, not confirmed: %s", dossier.portal_code, dossier.code, error
        )
        report.errors.append(f"{dossier.portal_code} → {dossier.code}: {error}")
        return
    if again:
        report.confirmed_again.append(dossier)


def _refuse(client: PortalClient, portal_code: str, reason: str, report: ReceiveReport) -> None:
    logger.warning("national portal: dossier %s refused: %s", portal_code or "(no MaHoSo)", reason)
    report.refused.append(f"{portal_code or '(no MaHoSo)'}: {reason}")
    if not portal_code:
        return  # nothing to name it by: it stays on the list, refused again by each run
    try:
        client.confirm_reception(
            portal_code=portal_code,
            request_key=f"portal:receive:{portal_code}:refused",
            refusal=reason,
            at=clock.now(),
        )
    except PortalError as error:
        report.errors.append(f"{portal_code}: refusal not delivered: {error}")
