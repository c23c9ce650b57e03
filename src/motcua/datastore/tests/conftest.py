"""The dossier tests' one-stop world, with a signing certificate and a second procedure to reuse into."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from tests.factories import make_procedure

from motcua.catalog.models import Component, Procedure
from motcua.documents.models import IssuerProfile
from motcua.documents.tests.conftest import PASSPHRASE, Pki, pki  # noqa: F401  (fixture)
from motcua.dossiers.tests.conftest import MONDAY, World, monday, world  # noqa: F401  (fixtures)

__all__ = ["PASSPHRASE", "Store", "page_png"]


def page_png(colour: str = "white", size: tuple[int, int] = (1654, 2339)) -> bytes:
    """An A4 page scanned at 200 dpi."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


@dataclass
class Store:
    world: World
    birth_copy: Component  # "Bản sao Giấy khai sinh" in the birth registration procedure
    second: Procedure  # another procedure that also asks for the birth certificate
    second_component: Component


@pytest.fixture
def store(world: World, pki: Pki) -> Store:  # noqa: F811
    version = world.procedure.current_version
    assert version is not None
    version.results = [{"name": "Giấy khai sinh (bản chính)", "result_code": "KQ.1"}]
    version.save(update_fields=["results"])
    birth_copy = Component.objects.create(
        version=version, name="Bản sao Giấy khai sinh của người mẹ", copies=1
    )
    profile = IssuerProfile(agency=world.agency, symbol="UBND", place="Đông Kinh")
    profile.certificate.save("dongkinh.p12", ContentFile(pki.valid), save=False)
    profile.save()
    default_storage.save("certificates/test-ca.pem", ContentFile(pki.ca_pem))
    second = make_procedure(name="Đăng ký thường trú", agencies=[world.agency, world.other_agency])
    second_version = second.current_version
    assert second_version is not None
    second_component = Component.objects.create(
        version=second_version, name="Giấy khai sinh (bản sao)", copies=1
    )
    return Store(world=world, birth_copy=birth_copy, second=second, second_component=second_component)
