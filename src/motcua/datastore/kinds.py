"""Kinds of personal documents kept in the store, and which kind a component or result name is.

A component's name differs from procedure to procedure ("Bản sao Giấy khai sinh", "Giấy khai sinh (bản
chính)", "Trích lục khai sinh"), so reuse matches stored documents to components by kind, found from
folded keywords. Forms filled for one dossier (tờ khai, đơn) are not reusable. Retention is in years
from filing (None: kept permanently, as civil status records are).
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.catalog.parsing import fold


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    keywords: tuple[str, ...]
    retention_years: int | None
    reusable: bool = True


KINDS: tuple[Kind, ...] = (
    Kind("to-khai", "Tờ khai, đơn đề nghị", ("to khai", "don de nghi", "don xin", "don dang ky"), 5, False),
    Kind("can-cuoc", "Thẻ Căn cước, Căn cước công dân", ("can cuoc", "chung minh nhan dan", "ho chieu"), 20),
    Kind("khai-sinh", "Giấy khai sinh", ("khai sinh",), None),
    Kind("ket-hon", "Giấy chứng nhận kết hôn", ("ket hon",), None),
    Kind("hon-nhan", "Giấy xác nhận tình trạng hôn nhân", ("tinh trang hon nhan",), 2),
    Kind("khai-tu", "Trích lục khai tử, giấy báo tử", ("khai tu", "bao tu", "chung tu"), None),
    Kind("cu-tru", "Giấy tờ về cư trú", ("cu tru", "ho khau", "tam tru"), 5),
    Kind("dat-dai", "Giấy chứng nhận quyền sử dụng đất", ("quyen su dung dat", "so do", "so hong"), None),
    Kind("xay-dung", "Giấy phép xây dựng", ("giay phep xay dung",), 20),
    Kind(
        "kinh-doanh",
        "Giấy chứng nhận đăng ký doanh nghiệp, hộ kinh doanh",
        ("dang ky doanh nghiep", "dang ky ho kinh doanh", "dang ky kinh doanh"),
        20,
    ),
    Kind("van-bang", "Văn bằng, chứng chỉ", ("bang tot nghiep", "van bang", "chung chi"), None),
    Kind("uy-quyen", "Giấy ủy quyền", ("uy quyen",), 5),
    Kind("khac", "Giấy tờ khác", (), 10),
)
OTHER = "khac"
BY_CODE = {kind.code: kind for kind in KINDS}


def classify(name: str) -> str:
    """The kind of a component or result from its name: the first kind one of whose keywords it contains."""
    folded = fold(name)
    for kind in KINDS:
        if any(keyword in folded for keyword in kind.keywords):
            return kind.code
    return OTHER
