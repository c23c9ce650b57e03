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
    Kind(
        "to-khai",
        "Tờ khai, đơn đề nghị",
        ("to khai", "don de nghi", "don xin", "don dang ky", "mau ho tich dien tu"),
        5,
        False,
    ),
    Kind("can-cuoc", "Thẻ Căn cước, Căn cước công dân", ("can cuoc", "chung minh nhan dan", "ho chieu"), 20),
    Kind("khai-sinh", "Giấy khai sinh", ("khai sinh",), None),
    Kind("chung-sinh", "Giấy chứng sinh", ("giay chung sinh",), None),
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
# Rows of the catalogue's component tables that are notes about how to submit, not documents.
_NOTES = ("truong hop", "nguoi tiep nhan", "nguoi yeu cau", "nguoi co yeu cau", "doi voi", "ca nhan co quyen")
BY_CODE = {kind.code: kind for kind in KINDS}


def classify(name: str) -> str:
    """The kind of a component or result from its name: the kind whose keyword comes first in it.

    The document a component names comes first ("Văn bản ủy quyền ... đăng ký khai sinh" is a power of
    attorney, "Tờ khai đăng ký khai sinh" a form); later words describe its purpose.
    """
    folded = fold(name).lstrip("-+• ")
    if folded.startswith(_NOTES):
        return OTHER
    best, best_at = OTHER, len(folded) + 1
    for kind in KINDS:
        for keyword in kind.keywords:
            at = folded.find(keyword)
            if 0 <= at < best_at:
                best, best_at = kind.code, at
    return best
