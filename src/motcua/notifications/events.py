"""The events MotCua tells people about, with their default Vietnamese wording.

Each event is a ``MessageTemplate`` row an administrator may edit (the admin shows the SMS cost of the
sample); this module holds the defaults the rows start from, and what is used while no row exists. Texts are
Django templates rendered without HTML escaping from the string parameters the caller passes; ``sample``
lists every parameter, so the admin can render a realistic message and count its SMS segments.

The Zalo ZNS template ids are the ones the province registers with Zalo (ZNS content is approved by Zalo
and fixed there: MotCua only sends the id and the parameters); the defaults are the simulator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EventDefaults:
    code: str
    name: str
    subject: str
    sms_text: str
    email_body: str = ""  # default: the SMS text and the link to the dossier's tracking page
    zalo_template_id: str = ""  # empty: this event is not sent over Zalo
    sample: dict[str, str] = field(default_factory=dict)

    @property
    def email_template(self) -> str:
        return self.email_body or self.sms_text + "\n\nTheo dõi hồ sơ: {{ link }}"

    @property
    def zalo_text(self) -> str:
        """What the Zalo message says, for the outbox and the admin (Zalo renders its own copy)."""
        return self.sms_text + "\n{{ link }}"


_DOSSIER_SAMPLE = {
    "code": "000.00.12.H37-250915-0007",
    "agency": "UBND phường Đông Kinh",
    "due": "17:30 05/03/2026",
    "note": "Bản sao giấy khai sinh chưa được chứng thực, đề nghị bổ sung bản chứng thực",
    "fee": "100.000 đồng",
    "status": "Được tiếp nhận",
    "link": "https://dichvucong.langson.gov.vn/tra-cuu/000.00.12.H37-250915-0007/",
}
_DOSSIER_SUBJECT = "[Một cửa] Hồ sơ {{ code }}: {{ status }}"

_FEEDBACK_SAMPLE = {
    "code": "PAKN-2025-000123",
    "due": "05/03/2026",
    "note": "Đề nghị cung cấp ảnh chụp vị trí đèn chiếu sáng bị hỏng",
    "link": "https://dichvucong.langson.gov.vn/phan-anh/tra-cuu/",
}
_FEEDBACK_SUBJECT = "Phản ánh, kiến nghị {{ code }}"


def _dossier(code: str, name: str, text: str, zalo: str) -> EventDefaults:
    return EventDefaults(
        code=f"dossier.{code}",
        name=name,
        subject=_DOSSIER_SUBJECT,
        sms_text=text,
        zalo_template_id=zalo,
        sample=_DOSSIER_SAMPLE,
    )


def _feedback(code: str, name: str, text: str) -> EventDefaults:
    return EventDefaults(
        code=f"feedback.{code}",
        name=name,
        subject=_FEEDBACK_SUBJECT,
        sms_text=text,
        email_body=text,
        sample=_FEEDBACK_SAMPLE,
    )


EVENTS: dict[str, EventDefaults] = {
    event.code: event
    for event in [
        _dossier(
            "submitted",
            "Hồ sơ nộp trực tuyến đã được gửi",
            "Hồ sơ {{ code }} đã được gửi tới {{ agency }}, đang chờ tiếp nhận.",
            "250001",
        ),
        _dossier(
            "received",
            "Hồ sơ được tiếp nhận (giấy tiếp nhận và hẹn trả kết quả)",
            "Hồ sơ {{ code }} đã được tiếp nhận. Ngày hẹn trả kết quả: {{ due }}.",
            "250002",
        ),
        _dossier(
            "supplement_requested",
            "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            "Hồ sơ {{ code }} cần bổ sung: {{ note }}",
            "250003",
        ),
        _dossier(
            "refused",
            "Từ chối tiếp nhận giải quyết hồ sơ",
            "Hồ sơ {{ code }} không được tiếp nhận giải quyết. Lý do: {{ note }}",
            "250004",
        ),
        _dossier(
            "late_apology",
            "Xin lỗi và hẹn lại ngày trả kết quả",
            "Xin lỗi ông/bà: hồ sơ {{ code }} chậm trả kết quả ({{ note }}). Ngày hẹn mới: {{ due }}.",
            "250005",
        ),
        _dossier(
            "fees_requested",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            "Hồ sơ {{ code }}: đề nghị ông/bà thực hiện nghĩa vụ tài chính {{ fee }}.",
            "250006",
        ),
        _dossier(
            "stopped",
            "Dừng giải quyết hồ sơ",
            "Hồ sơ {{ code }} đã dừng giải quyết. Lý do: {{ note }}",
            "250007",
        ),
        _dossier(
            "withdrawn",
            "Rút hồ sơ theo đề nghị",
            "Hồ sơ {{ code }} đã được rút theo đề nghị của ông/bà.",
            "250008",
        ),
        _dossier(
            "result_ready",
            "Hồ sơ đã có kết quả",
            "Hồ sơ {{ code }} đã có kết quả, mời ông/bà nhận kết quả.",
            "250009",
        ),
        _dossier(
            "result_returned",
            "Đã trả kết quả, mời đánh giá",
            "Hồ sơ {{ code }} đã trả kết quả. Mời ông/bà đánh giá mức độ hài lòng.",
            "250010",
        ),
        _feedback(
            "received",
            "Phản ánh, kiến nghị được tiếp nhận",
            "Phản ánh, kiến nghị {{ code }} đã được tiếp nhận. Hạn xem xét thụ lý: {{ due }}.",
        ),
        _feedback(
            "refused",
            "Phản ánh, kiến nghị không được thụ lý",
            "Phản ánh, kiến nghị {{ code }} không được thụ lý: {{ note }}",
        ),
        _feedback(
            "info_requested",
            "Đề nghị bổ sung thông tin phản ánh, kiến nghị",
            "Phản ánh, kiến nghị {{ code }}: cơ quan đề nghị bổ sung thông tin: {{ note }}",
        ),
        _feedback(
            "answered",
            "Phản ánh, kiến nghị đã có câu trả lời",
            "Phản ánh, kiến nghị {{ code }} đã có câu trả lời. Xem và đánh giá tại trang tra cứu.",
        ),
    ]
}
