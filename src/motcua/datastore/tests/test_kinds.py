"""Which kind of document a component or result name is (real names from the national catalogue)."""

from __future__ import annotations

import pytest

from motcua.datastore.kinds import classify


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Giấy khai sinh", "khai-sinh"),
        ("Bản sao Giấy khai sinh của người mẹ", "khai-sinh"),
        (
            "- Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền "
            "thực hiện việc đăng ký khai sinh",
            "uy-quyen",
        ),
        ("- Tờ khai đăng ký khai sinh theo mẫu", "to-khai"),
        ("- Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu điền)", "to-khai"),
        (
            "- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng",
            "chung-sinh",
        ),
        ("- Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/Căn cước điện tử", "can-cuoc"),
        ("Giấy chứng nhận kết hôn", "ket-hon"),
        ("Trích lục khai tử", "khai-tu"),
        ("- Giấy báo tử hoặc giấy tờ thay Giấy báo tử", "khai-tu"),
        ("Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở", "dat-dai"),
        ("Giấy chứng nhận đăng ký hộ kinh doanh", "kinh-doanh"),
        ("Biên bản kiểm tra hiện trạng", "khac"),
        ("- Trường hợp người yêu cầu cấp bản sao Giấy khai sinh không cung cấp được thông tin", "khac"),
        ("+ Người tiếp nhận hồ sơ thực hiện khai thác thông tin trong CSDLQGVDC (thẻ căn cước)", "khac"),
        (
            "+ Bản chụp các giấy tờ gửi kèm theo hồ sơ cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
            "khai-sinh",
        ),
    ],
)
def test_the_named_document_decides_the_kind(name: str, kind: str) -> None:
    assert classify(name) == kind
