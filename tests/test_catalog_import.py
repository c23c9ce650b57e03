"""Importing the national database's exports: real records, idempotence, versions, bad input."""

from __future__ import annotations

import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db

CODES = (
    "1.001193",
    "1.000894",
    "2.001610",
    "3.000333",
    "1.013236",
)  # civil status, business, justice, construction


def _subset(shared_data: Path, tmp_path: Path, codes: tuple[str, ...] = CODES) -> list[dict[str, object]]:
    with gzip.open(
        shared_data / "tthc-dvcqg" / "tthc_details_6ministries.jsonl.gz", "rt", encoding="utf-8"
    ) as f:
        return [r for r in map(json.loads, f) if r["ma_thu_tuc"] in codes]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*paths: Path) -> str:
    out = StringIO()
    call_command("import_procedures", *map(str, paths), "--no-progress", stdout=out, stderr=out)
    return out.getvalue()


def test_real_records_import_with_structured_times_fees_and_components(
    shared_data: Path, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "d.jsonl", [json.dumps(r, ensure_ascii=False) for r in _subset(shared_data, tmp_path)]
    )

    _run(path)

    khai_sinh = Procedure.objects.get(code="1.001193")
    version = khai_sinh.current_version
    assert version is not None
    assert khai_sinh.name == "Thủ tục đăng ký khai sinh"
    assert khai_sinh.at_commune
    assert khai_sinh.field is not None
    assert khai_sinh.field.name == "Hộ tịch"
    assert {t.channel for t in version.channel_terms.all()} == {"in_person", "online", "postal"}
    assert version.components.count() > 5
    assert version.publishing_decision
    ly_lich = Procedure.objects.get(code="3.000333").current_version
    assert ly_lich is not None
    terms = list(ly_lich.channel_terms.all())
    assert {(t.duration_value, t.duration_unit) for t in terms} == {(10, "days")}
    assert any(b.number_symbol for b in ly_lich.legal_bases.all())


def test_reimporting_is_idempotent_and_a_changed_record_becomes_a_new_version(
    shared_data: Path, tmp_path: Path
) -> None:
    records = _subset(shared_data, tmp_path)
    path = _write(tmp_path / "d.jsonl", [json.dumps(r, ensure_ascii=False) for r in records])
    _run(path)
    first_versions = ProcedureVersion.objects.count()

    second = _run(path)

    assert ProcedureVersion.objects.count() == first_versions
    assert "không đổi: 5" in second

    records[0]["ten_thu_tuc"] = str(records[0]["ten_thu_tuc"]) + " (sửa đổi)"
    _write(path, [json.dumps(r, ensure_ascii=False) for r in records])
    _run(path)

    changed = Procedure.objects.get(code=records[0]["ma_thu_tuc"])
    assert changed.versions.count() == 2
    assert changed.current_version is not None
    assert changed.current_version.number == 2
    assert changed.name.endswith("(sửa đổi)")
    assert Procedure.objects.count() == 5


def test_one_bad_record_never_aborts_the_import(shared_data: Path, tmp_path: Path) -> None:
    good = [json.dumps(r, ensure_ascii=False) for r in _subset(shared_data, tmp_path, ("1.001193",))]
    path = _write(
        tmp_path / "d.jsonl",
        [
            "{not json",
            json.dumps(["a list"]),
            json.dumps({"ma_thu_tuc": "1.000001", "ten_thu_tuc": ""}),
            *good,
        ],
    )

    output = _run(path)

    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.001193"]
    assert "d.jsonl:1" in output
    assert "invalid JSON" in output
    assert "1.000001: ten_thu_tuc: missing procedure name" in output
    assert "lỗi: 3" in output


def test_list_rows_name_procedures_and_correct_placeholder_pages(shared_data: Path, tmp_path: Path) -> None:
    # 1.002544 is stored in the export with the page of another procedure; the list has its real name.
    records = _subset(shared_data, tmp_path, ("1.002544",))
    path = _write(tmp_path / "d.jsonl", [json.dumps(r, ensure_ascii=False) for r in records])
    lists = sorted((shared_data / "tthc-dvcqg").glob("*.xlsx"))

    output = _run(*lists, path)

    hop_nhat = Procedure.objects.get(code="1.002544")
    assert hop_nhat.name == "Hợp nhất công ty luật nước ngoài"
    assert hop_nhat.issuing_authority
    assert "name differs from the list" in output
    assert Procedure.objects.count() == 2642


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.jsonl", None, "Không tìm thấy tệp"),
        ("list.csv", "a,b", "Không nhận dạng được tệp"),
    ],
)
def test_wrong_files_are_refused_with_a_clear_message(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        _run(path)
    assert Procedure.objects.count() == 0
