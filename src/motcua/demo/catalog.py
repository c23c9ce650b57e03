"""Which real procedures the Lạng Sơn demo assigns to which agencies, and their internal processes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from motcua.accounts.models import Role

REFORM = dt.date(2025, 7, 1)
BEFORE_REFORM = REFORM - dt.timedelta(days=1)
CATALOGUE_START = dt.date(2020, 1, 1)

# Commune level, before and after the reform (civil status, certification, business, construction).
COMMUNE_CODES = (
    "1.001193",  # Thủ tục đăng ký khai sinh
    "1.000894",  # Thủ tục đăng ký kết hôn
    "1.000656",  # Thủ tục đăng ký khai tử
    "1.004859",  # Thay đổi, cải chính, bổ sung thông tin hộ tịch
    "2.000635",  # Cấp bản sao Trích lục hộ tịch
    "2.000815",  # Chứng thực bản sao từ bản chính
    "2.000884",  # Chứng thực chữ ký
    "1.013225",  # Cấp giấy phép xây dựng công trình cấp III, cấp IV
)
# Done by the district committees until the reform, by the communes after it.
DISTRICT_THEN_COMMUNE_CODES = (
    "1.001612",  # Đăng ký thành lập hộ kinh doanh
    "1.013978",  # Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu
)
# Provincial departments, by abbreviation in agencies.langson.
DEPARTMENT_CODES = {
    "STP": ("3.000333", "2.000635"),  # Lý lịch tư pháp; bản sao trích lục hộ tịch
    "STC": ("2.001610",),  # Đăng ký thành lập doanh nghiệp tư nhân
    "SXD": ("1.013236",),  # Giấy phép xây dựng công trình cấp đặc biệt, I, II
    "STNMT": ("1.012787", "1.013831"),  # Đất đai
}
# Certification may be requested at any desk in the province (not bound to administrative boundaries).
BOUNDLESS_CODES = frozenset({"2.000815", "2.000884"})
ALL_CODES = frozenset(
    (*COMMUNE_CODES, *DISTRICT_THEN_COMMUNE_CODES, *(c for codes in DEPARTMENT_CODES.values() for c in codes))
)

# Internal units, by agency kind: the same three codes everywhere, so one process plan fits all.
UNITS = {
    "department": (
        ("MC", "Bộ phận tiếp nhận tại Trung tâm Phục vụ hành chính công"),
        ("CM", "Phòng chuyên môn"),
        ("VP", "Văn phòng Sở"),
    ),
    "district_committee": (
        ("MC", "Bộ phận Một cửa"),
        ("CM", "Phòng chuyên môn"),
        ("VP", "Văn phòng HĐND và UBND"),
    ),
    "commune_committee": (
        ("MC", "Bộ phận Một cửa"),
        ("CM", "Công chức chuyên môn"),
        ("VP", "Văn phòng HĐND và UBND"),
    ),
}


@dataclass(frozen=True)
class StepPlan:
    name: str
    unit_code: str
    role: Role
    share: Decimal  # of the legal time


PROCESS = (
    StepPlan("Tiếp nhận, kiểm tra hồ sơ", "MC", Role.RECEPTION_OFFICER, Decimal("0.125")),
    StepPlan("Thẩm định, đề xuất", "CM", Role.SPECIALIST, Decimal("0.5")),
    StepPlan("Kiểm tra, trình ký", "CM", Role.HEAD_OF_UNIT, Decimal("0.125")),
    StepPlan("Phê duyệt, ký kết quả", "VP", Role.AGENCY_LEADER, Decimal("0.125")),
    StepPlan("Trả kết quả", "MC", Role.RECEPTION_OFFICER, Decimal("0.125")),
)


def allotments(legal_hours: Decimal) -> list[Decimal]:
    """Split the legal time over the steps in half-hour units; the total never exceeds the legal time."""
    half_hours = [int(legal_hours * plan.share * 2) for plan in PROCESS]
    return [Decimal(max(n, 1)) / 2 for n in half_hours]
