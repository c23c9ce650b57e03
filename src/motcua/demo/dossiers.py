"""A handful of dossiers at Phường Đông Kinh, one in each stage, so the workspace has something to show."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.agencies.models import Agency, AgencyKind
from motcua.catalog.models import Procedure
from motcua.demo import catalog as plan
from motcua.dossiers import services
from motcua.dossiers.checklist import is_required
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action

# A one-page PDF: enough for the type check and for a browser to open.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _PDF, content_type="application/pdf")


def create_if_empty() -> int:
    if Dossier.objects.exists():
        return 0
    agency = Agency.objects.get(
        kind=AgencyKind.COMMUNE_COMMITTEE, admin_unit_code="05977", valid_from=plan.REFORM
    )
    procedure = Procedure.objects.filter(code="1.001193").first()
    if procedure is None:
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=_USERNAMES)}
    stages = [_online_new, _received, _processing, _processed, _returned]
    for stage in stages:
        stage(procedure, agency, users)
    return len(stages)


_USERNAMES = (
    "congdan1",
    "congdan2",
    "tiepnhan.dongkinh",
    "chuyenvien.dongkinh",
    "truongphong.dongkinh",
    "lanhdao.dongkinh",
)


def _online(procedure: Procedure, agency: Agency, citizen: User) -> Dossier:
    applicant = services.Applicant(
        name=citizen.get_full_name(),
        id_number=citizen.id_number or "",
        phone=citizen.phone or "",
        email=citizen.email,
        address=citizen.address,
    )
    draft = services.dossier_create_draft(
        procedure=procedure, agency=agency, owner=citizen, applicant=applicant
    )
    for component in procedure.current_version.components.all() if procedure.current_version else []:
        if is_required(component):
            services.dossier_attach_file(
                dossier=draft, actor=citizen, upload=_pdf("giay-to.pdf"), component=component
            )
    return services.dossier_act(dossier=draft, actor=citizen, action=Action.SUBMIT)


def _online_new(procedure: Procedure, agency: Agency, users: dict[str, User]) -> Dossier:
    return _online(procedure, agency, users["congdan1"])


def _received(procedure: Procedure, agency: Agency, users: dict[str, User]) -> Dossier:
    return services.dossier_register_at_desk(
        procedure=procedure,
        agency=agency,
        officer=users["tiepnhan.dongkinh"],
        applicant=services.Applicant(name="Lộc Văn Sáng", id_number="020088007766", phone="0912000003"),
    )


def _processing(procedure: Procedure, agency: Agency, users: dict[str, User]) -> Dossier:
    dossier = _online(procedure, agency, users["congdan2"])
    desk = users["tiepnhan.dongkinh"]
    dossier = services.dossier_act(dossier=dossier, actor=desk, action=Action.ACCEPT)
    return services.dossier_act(dossier=dossier, actor=desk, action=Action.FORWARD)


def _processed(procedure: Procedure, agency: Agency, users: dict[str, User]) -> Dossier:
    dossier = _processing(procedure, agency, users)
    for username in ("chuyenvien.dongkinh", "truongphong.dongkinh", "lanhdao.dongkinh"):
        if username == "lanhdao.dongkinh":
            services.dossier_attach_file(
                dossier=dossier,
                actor=users[username],
                upload=_pdf("giay-khai-sinh.pdf"),
                component=None,
                kind="result",
            )
        dossier = services.dossier_act(dossier=dossier, actor=users[username], action=Action.COMPLETE_STEP)
    return dossier


def _returned(procedure: Procedure, agency: Agency, users: dict[str, User]) -> Dossier:
    dossier = _processed(procedure, agency, users)
    dossier = services.dossier_act(
        dossier=dossier, actor=users["tiepnhan.dongkinh"], action=Action.RETURN_RESULT
    )
    return services.dossier_rate(
        dossier=dossier, actor=users["congdan2"], rating=5, comment="Nhanh, đúng hẹn."
    )
