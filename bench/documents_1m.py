"""The document office with a million documents: issuing throughput and search latency (PostgreSQL only).

``bench/documents_1m.sh`` drives it (lock, scratch folder and database, gunicorn, cleanup); the subcommands:

    setup     ~20 of the province's bodies with their officials (clerk, specialists, head, leader), org
              units, issuer profiles and one PKCS#12 signing certificate each, made with
              motcua.documents.certificates under a bench CA (as the tests' conftest.make_office does)
    generate  COPY --rows issued outgoing documents and --incoming-share x rows incoming documents into
              documents_outgoingdocument / documents_incomingdocument: deterministic by --seed, in time
              order (agencies interleaved, as they arrive in real life), register numbers 1..n per agency,
              year and series, realistic folded search text (number-symbol, a Vietnamese summary combined
              from phrase lists, issuing body, type, 500-1500 characters of body text). The trigram GIN
              indexes of migration 0002 are dropped before the COPY and rebuilt after it from their own
              definitions (pg_get_indexdef); then the register counters, VACUUM (ANALYZE)
    issue     per row, N drafts made and approved through the services, then issued through
              services.outgoing_act(..., OutgoingAction.ISSUE, OutgoingInput(passphrase=...)) (gap-free
              number, WeasyPrint PDF, pyHanko signature) by 1, 2 and 4 threads, each with its own
              connection, into one register; then 2 threads and 2 forked processes into two registers
              (two agencies). Where the time goes: numbering.register_take_number is timed (wrapped in
              this process) and the lock waits are sampled from pg_locks. Then every register must hold
              exactly 1..N with no gap nor duplicate, and its first PDF a valid signature (exit 1 otherwise)
    run       HTTP load (loopback only) as the clerk of the measured agency with a bearer token: a fixed
              number of requests per endpoint and concurrency, the endpoint's paths sent round-robin
    explain   in-process: the SQL Django issues for one or two paths of every endpoint (Django test
              client, same settings and database), EXPLAIN (ANALYZE, BUFFERS) of its document queries
              (the plans go to the log), then the same requests written differently (query changes built
              from the selectors) and with candidate indexes built in a transaction that is rolled back
    report    merge into bench/results/documents-<date>.json and print Markdown tables

The HTTP load reuses bench/catalog_search.py's Sample/summarise/machine helpers and queue_1m.py's approach
(Python threads, one http.client connection each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import os
import queue
import random
import resource
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import django_setup, get, load_fixed, plan_nodes, plan_summary, say
from catalog_search import (  # bench/ is not a package: imported from its folder
    REQUEST_TIMEOUT,
    _check_loopback,
    _version,
    git_state,
    machine,
    percentile,
    summarise,
    worker_rss,
)

PASSPHRASE = "mat-khau-chung-thu"  # as motcua.documents.tests.conftest.PASSPHRASE
TZ_OFFSET = dt.timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving time
LOCAL = dt.timezone(TZ_OFFSET)
UTC = dt.UTC
FIRST_DAY = dt.date(2022, 1, 1)  # the generated registers span 2022 .. yesterday
STEP_LIMIT_S = 1500  # any one issuing row, at most

# ------------------------------------------------------------------------------------------ vocabulary


def _items(text: str) -> list[str]:
    """A phrase list written as ';'-separated text (the phrases themselves contain commas)."""
    return [item.strip() for item in text.split(";") if item.strip()]


COMMITTEE, DEPARTMENT = ("Chủ tịch", "Phó Chủ tịch"), ("Giám đốc", "Phó Giám đốc")
# (name, symbol in number-symbols, agency kind, signer titles). The first one is the measured agency.
AGENCIES: list[tuple[str, str, str, tuple[str, str]]] = [
    ("Ủy ban nhân dân tỉnh Lạng Sơn", "UBND", "provincial_committee", COMMITTEE),
    *[
        (name, symbol, "department", DEPARTMENT)
        for name, symbol in [
            ("Sở Nội vụ", "SNV"), ("Sở Tư pháp", "STP"), ("Sở Tài chính", "STC"), ("Sở Xây dựng", "SXD"),
            ("Sở Y tế", "SYT"), ("Sở Giáo dục và Đào tạo", "SGDĐT"),
            ("Sở Nông nghiệp và Môi trường", "SNNMT"),
            ("Sở Công Thương", "SCT"), ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
            ("Sở Khoa học và Công nghệ", "SKHCN"), ("Sở Dân tộc và Tôn giáo", "SDTTG"),
        ]
    ],
    ("Ban Quản lý Khu kinh tế cửa khẩu Đồng Đăng - Lạng Sơn", "BQLKKT", "other",
     ("Trưởng ban", "Phó Trưởng ban")),
    *[
        (f"Ủy ban nhân dân {name}", "UBND", "commune_committee", COMMITTEE)
        for name in _items(
            "phường Đông Kinh; phường Lương Văn Tri; phường Tam Thanh; phường Kỳ Lừa; xã Đồng Đăng;"
            "xã Cao Lộc; xã Hữu Lũng"
        )
    ],
]  # fmt: skip
UNITS = [("VP", "Văn phòng"), ("TH", "Phòng Tổng hợp"), ("KT", "Phòng Kinh tế"), ("NC", "Phòng Nội chính")]
ISSUING_AGENCY = ("Sở Nội vụ tỉnh Lạng Sơn", "SNV", "department", DEPARTMENT)
# Bodies outside the province's agencies that send documents (name, symbol).
EXTERNAL_SENDERS = [
    ("Văn phòng Chính phủ", "VPCP"), ("Bộ Nội vụ", "BNV"), ("Bộ Tư pháp", "BTP"), ("Bộ Tài chính", "BTC"),
    ("Bộ Công an", "BCA"), ("Bộ Y tế", "BYT"), ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Xây dựng", "BXD"),
    ("Bộ Nông nghiệp và Môi trường", "BNNMT"), ("Bộ Công Thương", "BCT"), ("Bộ Quốc phòng", "BQP"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL"), ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Hội đồng nhân dân tỉnh Lạng Sơn", "HĐND"), ("Bảo hiểm xã hội tỉnh Lạng Sơn", "BHXH"),
    ("Kho bạc Nhà nước khu vực VI", "KBNN"), ("Cục Thuế tỉnh Lạng Sơn", "CT"),
]  # fmt: skip
# (DocumentType name as seeded by migration 0002, share of the documents).
TYPE_SHARES = [
    ("Công văn", 0.52), ("Quyết định (cá biệt)", 0.15), ("Báo cáo", 0.08), ("Thông báo", 0.07),
    ("Kế hoạch", 0.06), ("Giấy mời", 0.05), ("Tờ trình", 0.03), ("Hướng dẫn", 0.015), ("Chỉ thị", 0.005),
    ("Quyết định (quy phạm pháp luật)", 0.01),
]  # fmt: skip
URGENCY_SHARES = [("thuong", 0.85), ("khan", 0.10), ("thuong_khan", 0.04), ("hoa_toc", 0.01)]
CONFIDENTIAL_SHARES = [("mat", 0.015), ("toi_mat", 0.004), ("tuyet_mat", 0.001)]  # the rest: thuong
SURNAMES = _items("Nguyễn; Trần; Lê; Phạm; Hoàng; Vi; Nông; Lương; Triệu; Hà; Đinh; Vũ")
MIDDLES = _items("Văn; Thị; Đức; Minh; Thu; Ngọc; Quang; Thanh; Hữu; Xuân")
GIVENS = _items(
    "An; Bình; Cường; Dũng; Giang; Hải; Hạnh; Hùng; Lan; Linh; Mai; Nam; Phương; Quân; Sơn; Thảo; Trang;"
    "Tuấn; Yến; Hương"
)
TOPICS = _items(
    "công tác cải cách hành chính; chuyển đổi số; phòng cháy, chữa cháy rừng; quản lý đất đai;"
    "giải ngân vốn đầu tư công; phòng, chống dịch bệnh; bảo đảm trật tự an toàn giao thông;"
    "thu ngân sách nhà nước; cấp giấy chứng nhận quyền sử dụng đất; xây dựng nông thôn mới; tiếp công dân;"
    "giải quyết khiếu nại, tố cáo; phòng, chống tham nhũng, tiêu cực; kê khai tài sản, thu nhập;"
    "tuyển dụng viên chức; nâng bậc lương thường xuyên; thi đua, khen thưởng; quản lý khoáng sản;"
    "bảo vệ môi trường; phòng, chống thiên tai và tìm kiếm cứu nạn; quản lý thị trường;"
    "bảo đảm an toàn thực phẩm; thực hiện chính sách bảo hiểm xã hội; giảm nghèo bền vững;"
    "hỗ trợ hộ kinh doanh; cấp giấy phép xây dựng; quản lý trật tự đô thị;"
    "chứng thực bản sao điện tử từ bản chính; đăng ký hộ tịch; quản lý cư trú và căn cước;"
    "cung cấp dịch vụ công trực tuyến toàn trình; quản lý thuế thu nhập cá nhân; phát triển du lịch;"
    "bảo tồn di tích lịch sử - văn hóa; kiểm định chất lượng giáo dục; tiêm chủng mở rộng;"
    "khám bệnh, chữa bệnh bảo hiểm y tế; quản lý, bảo vệ rừng phòng hộ; phát triển vùng trồng hồi;"
    "thông quan hàng hóa qua cửa khẩu; phát triển kinh tế cửa khẩu;"
    "chính sách hỗ trợ đồng bào dân tộc thiểu số; sắp xếp đơn vị hành chính cấp xã;"
    "chuẩn bị bầu cử đại biểu Hội đồng nhân dân; lưu trữ hồ sơ, tài liệu;"
    "sử dụng chữ ký số trong văn bản điện tử; bảo đảm an toàn thông tin mạng; giải phóng mặt bằng dự án;"
    "bồi thường, hỗ trợ, tái định cư; phòng, chống ma túy; quản lý, sử dụng tài sản công;"
    "vận động quỹ Vì người nghèo; phổ biến, giáo dục pháp luật; kiểm soát thủ tục hành chính"
)
LEADS_LETTER = _items(
    "V/v triển khai; V/v hướng dẫn; V/v đề nghị báo cáo; V/v tăng cường; V/v rà soát;"
    "V/v góp ý dự thảo văn bản về; V/v tổ chức kiểm tra; V/v thực hiện; V/v phối hợp thực hiện; V/v đôn đốc;"
    "V/v chấn chỉnh; V/v cung cấp thông tin về"
)
LEADS_OTHER = _items(
    "Về việc triển khai; Ban hành Kế hoạch thực hiện; Phê duyệt danh sách đối tượng; Thành lập Đoàn kiểm tra;"
    "Kết quả thực hiện; Tổ chức hội nghị sơ kết; Về việc giao chỉ tiêu; Ban hành Quy chế phối hợp;"
    "Về việc phân bổ kinh phí; Tổng kết; Về việc điều chỉnh; Phê duyệt dự toán"
)
# The last part of a summary; most summaries have none.
SCOPES = [
    *_items(
        "năm 2025; quý III năm 2024; 6 tháng đầu năm 2026; trên địa bàn tỉnh;"
        "trên địa bàn thành phố Lạng Sơn;"
        "giai đoạn 2021 - 2025; tại các xã biên giới; trong dịp Tết Nguyên đán; đợt 2 năm 2023; năm 2022;"
        "giai đoạn 2026 - 2030"
    ),
    *[""] * 6,
]
# Sentences of the body; {t} is a topic, {n} a number, {d}/{m}/{y} a date, {s} an issuing body.
SENTENCES = _items(
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
    "; Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"
    "; Căn cứ Văn bản số {n}/UBND-KT ngày {d} tháng {m} năm {y} của Ủy ban nhân dân tỉnh;"
    "; Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về {t},"
    "; Thực hiện Kế hoạch số {n}/KH-UBND ngày {d}/{m}/{y} về {t};"
    "; Xét đề nghị của {s} tại Tờ trình số {n}/TTr ngày {d} tháng {m} năm {y},"
    "; Đề nghị các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện các nội dung sau:"
    "; Giao {s} chủ trì, phối hợp với các cơ quan liên quan tham mưu, đề xuất nội dung về {t}."
    "; Báo cáo kết quả thực hiện về Ủy ban nhân dân tỉnh trước ngày {d} hằng tháng để tổng hợp."
    "; Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời để được hướng dẫn."
    "; Tăng cường công tác tuyên truyền, nâng cao nhận thức của cán bộ, công chức và nhân dân về {t}."
    "; Rà soát, đánh giá kết quả thực hiện {t}, chỉ rõ tồn tại, hạn chế và nguyên nhân."
    "; Kiện toàn Ban Chỉ đạo, phân công cụ thể nhiệm vụ cho từng thành viên."
    "; Bố trí kinh phí từ nguồn ngân sách địa phương và các nguồn hợp pháp khác để thực hiện."
    "; Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân tỉnh nếu để xảy ra"
    " chậm trễ."
    "; Chỉ đạo các phòng chuyên môn, Ủy ban nhân dân các xã, phường kiểm tra, đôn đốc việc thực hiện."
    "; Thời gian thực hiện: từ ngày {d}/{m}/{y} đến hết ngày 31/12/{y}."
    "; Tổng số hồ sơ tiếp nhận trong kỳ là {n} hồ sơ, đã giải quyết đúng hạn đạt tỷ lệ 98,5%."
    "; Công khai kết quả trên Cổng thông tin điện tử của tỉnh và tại trụ sở cơ quan."
    "; Phối hợp chặt chẽ với lực lượng Bộ đội Biên phòng tỉnh trong công tác {t}."
    "; Đẩy mạnh ứng dụng công nghệ thông tin, sử dụng chữ ký số trong trao đổi văn bản điện tử."
    "; Quyết định này có hiệu lực kể từ ngày ký."
    "; Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành và các đơn vị có liên quan chịu"
    " trách nhiệm thi hành."
    "; Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị khẩn trương triển khai, bảo đảm tiến độ, chất lượng."
    "; Dự kiến kinh phí thực hiện là {n} triệu đồng từ nguồn sự nghiệp được giao năm {y}."
    "; Đối tượng áp dụng là các cơ quan hành chính nhà nước, đơn vị sự nghiệp công lập trên địa bàn tỉnh."
    "; Kết quả kiểm tra cho thấy một số đơn vị chưa thực hiện nghiêm chế độ báo cáo định kỳ về {t}."
    "; Các xã biên giới chủ động xây dựng phương án, bố trí lực lượng thường trực 24/24 giờ."
    "; Đề nghị {s} tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày {d}/{m}/{y}."
    "; Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc và báo cáo kết quả thực hiện."
)
# What the load searches for (users type diacritics; the server folds): single words of varied
# frequency, two-word queries (each word is a separate LIKE), and months for the date-range filter.
WORD_QUERIES = ["rừng", "khoáng", "thuế", "tiêm", "hồi", "đất"]
TWO_WORD_QUERIES = ["đất đai", "giải ngân", "hộ tịch", "biên giới", "chữ ký", "khiếu nại"]
MONTHS = [(2023, 3), (2024, 7), (2025, 11), (2026, 10)]
ISSUE_TYPES = ["Công văn", "Quyết định (cá biệt)", "Thông báo", "Kế hoạch"]
ISSUE_TYPE_WEIGHTS = [0.6, 0.2, 0.1, 0.1]  # about the shares of these types among issued documents


def _slug(text: str) -> str:
    from motcua.catalog.parsing import fold

    return "".join(ch for ch in fold(text) if ch.isalnum())[:24]


def _weighted(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    u, edge = rng.random(), 0.0
    for value, share in table:
        edge += share
        if u < edge:
            return value
    return table[-1][0]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"


# ------------------------------------------------------------------------------------------------ setup


def _office(
    spec: tuple[str, str, str, tuple[str, str]],
    identifier: str,
    pkcs12: bytes,
    rng: random.Random,
    clerks: int = 1,
) -> dict[str, Any]:
    """An agency, its units, officials and issuer profile with certificate (as conftest.make_office)."""
    from django.core.files.base import ContentFile

    from motcua.accounts.models import Role, RoleAssignment, User
    from motcua.agencies.models import Agency, OrgUnit
    from motcua.documents.models import IssuerProfile

    name, symbol, kind, titles = spec
    agency = Agency.objects.create(identifier=identifier, name=name, kind=kind)
    for code, unit_name in UNITS:
        OrgUnit.objects.create(agency=agency, code=code, name=unit_name)
    slug = f"{_slug(name)}{identifier.split('.')[2]}"
    people: dict[str, list[int]] = {}
    usernames: dict[str, list[str]] = {}
    plan = [
        ("clerk", Role.CLERK, clerks),
        ("drafter", Role.SPECIALIST, 3),
        ("head", Role.HEAD_OF_UNIT, 1),
        ("leader", Role.AGENCY_LEADER, 1),
    ]
    for key, role, count in plan:
        for i in range(count):
            user = User(username=f"{key}{i + 1}.{slug}", full_name=_person(rng), kind=User.Kind.OFFICIAL)
            user.set_unusable_password()  # token auth only; no password hashing cost in the setup
            user.save()
            RoleAssignment.objects.create(user=user, agency=agency, role=role)
            people.setdefault(key, []).append(user.pk)
            usernames.setdefault(key, []).append(user.username)
    profile = IssuerProfile(agency=agency, symbol=symbol, place="Lạng Sơn")
    profile.certificate.save(f"{symbol}-{identifier}.p12", ContentFile(pkcs12), save=False)
    profile.save()
    return {
        "id": agency.pk,
        "identifier": identifier,
        "name": name,
        "symbol": symbol,
        "kind": kind,
        "titles": list(titles),
        "people": people,
        "usernames": usernames,
    }


def _common_name(name: str) -> str:
    """X.509 caps a common name at 64 bytes of UTF-8: a long agency name is cut at a word."""
    while len(name.encode()) > 64:
        name = name.rsplit(" ", 1)[0]
    return name


def _pki(agency_names: Sequence[str]) -> tuple[bytes, dict[str, bytes], float]:
    from motcua.documents import certificates

    t = time.perf_counter()
    ca = certificates.make_ca(
        common_name="MotCua Bench CA",
        organization="MotCua",
        valid_from=dt.datetime(2020, 1, 1, tzinfo=UTC),
        valid_to=dt.datetime(2035, 1, 1, tzinfo=UTC),
    )
    bundles = {
        name: certificates.issue_signing_certificate(
            ca=ca,
            common_name=_common_name(name),
            organization="UBND tỉnh Lạng Sơn",
            valid_from=dt.datetime(2021, 1, 1, tzinfo=UTC),
            valid_to=dt.datetime(2030, 1, 1, tzinfo=UTC),
            passphrase=PASSPHRASE,
        )
        for name in dict.fromkeys(agency_names)
    }
    return ca.certificate_pem(), bundles, round(time.perf_counter() - t, 2)


def cmd_setup(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import transaction

    rng = random.Random(args.seed)
    concurrencies = [int(c) for c in args.issue_concurrency.split(",")]
    issue_rows = [(c, 1, "threads") for c in concurrencies]
    if args.split_row:  # two registers: threads (one interpreter), then processes (as gunicorn's workers)
        issue_rows += [(2, 2, "threads"), (2, 2, "processes")]
    ca_pem, bundles, pki_s = _pki([a[0] for a in AGENCIES] + [ISSUING_AGENCY[0]])
    t = time.perf_counter()
    with transaction.atomic():
        bulk = [
            _office(spec, f"000.00.{n:02d}.H37", bundles[spec[0]], rng) for n, spec in enumerate(AGENCIES)
        ]
        issuing: list[dict[str, Any]] = []
        n = 90
        for threads, agencies, mode in issue_rows:
            offices = []
            for _ in range(agencies):
                offices.append(
                    _office(ISSUING_AGENCY, f"000.00.{n:02d}.H37", bundles[ISSUING_AGENCY[0]], rng, threads)
                )
                n += 1
            issuing.append({"threads": threads, "mode": mode, "offices": offices})
        warmup = _office(ISSUING_AGENCY, "000.00.89.H37", bundles[ISSUING_AGENCY[0]], rng)
    out = {
        "seed": args.seed,
        "pki_seconds": pki_s,
        "setup_seconds": round(time.perf_counter() - t, 2),
        "ca_pem": ca_pem.decode(),
        "agencies": bulk,
        "main": bulk[0],
        "clerk": bulk[0]["usernames"]["clerk"][0],
        "issuing": issuing,
        "issuing_warmup": warmup,
    }
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    say(f"  {len(bulk)} agencies + {sum(len(r['offices']) for r in issuing)} issuing offices; PKI {pki_s} s")
    print(out["clerk"])
    return 0


# --------------------------------------------------------------------------------------------- generate


class Texts:
    """Summaries and bodies, raw and folded at once: every phrase is folded once, up front.

    fold() of a space-joined text equals the space-joined fold() of its parts (it folds characters one
    by one and collapses whitespace), so the search text is built from pre-folded pieces; ``check`` proves
    it on a sample against fold() of the whole.
    """

    def __init__(self) -> None:
        from motcua.catalog.parsing import fold

        self.fold = fold
        self.topics = [(t, fold(t)) for t in TOPICS]
        self.leads_letter = [(t, fold(t)) for t in LEADS_LETTER]
        self.leads_other = [(t, fold(t)) for t in LEADS_OTHER]
        self.scopes = [(t, fold(t)) for t in SCOPES]
        self.sentences = [(t, fold(t)) for t in SENTENCES]
        self.bodies = [(a[0], fold(a[0])) for a in AGENCIES] + [(s[0], fold(s[0])) for s in EXTERNAL_SENDERS]

    def subject(self, rng: random.Random, letter: bool) -> tuple[str, str]:
        lead = rng.choice(self.leads_letter if letter else self.leads_other)
        topic = rng.choice(self.topics)
        scope = rng.choice(self.scopes)
        if scope[0]:
            return f"{lead[0]} {topic[0]} {scope[0]}", f"{lead[1]} {topic[1]} {scope[1]}"
        return f"{lead[0]} {topic[0]}", f"{lead[1]} {topic[1]}"

    def body(self, rng: random.Random, want_raw: bool) -> tuple[str, str]:
        """500-1500 characters of sentences; raw paragraphs (blank-line separated) only if asked."""
        target = rng.randint(500, 1500)
        raw: list[str] = []
        folded: list[str] = []
        size = 0
        while size < target:
            sentence = rng.choice(self.sentences)
            fields: dict[str, Any] = {}
            if "{t}" in sentence[0]:
                topic = rng.choice(self.topics)
                fields["t"] = topic
            if "{s}" in sentence[0]:
                fields["s"] = rng.choice(self.bodies)
            year = rng.randint(2019, 2026)
            plain = {
                "n": rng.randint(1, 3500),
                "d": f"{rng.randint(1, 28):02d}",
                "m": f"{rng.randint(1, 12):02d}",
                "y": year,
            }
            f_text = sentence[1].format(**plain, **{k: v[1] for k, v in fields.items()})
            folded.append(f_text)
            if want_raw:
                raw.append(sentence[0].format(**plain, **{k: v[0] for k, v in fields.items()}))
            size += len(f_text) + 1
        return "\n\n".join(raw), " ".join(folded)


def _number_symbol(number: int, abbreviation: str, issuer: str, unit: str, year: int | None) -> str:
    """``12/QĐ-UBND``, ``35/UBND-VP`` (công văn), ``12/2024/QĐ-UBND`` (legal texts), as symbols does."""
    head = f"{number:02d}/{year}/" if year else f"{number:02d}/"
    return head + (f"{abbreviation}-{issuer}" if abbreviation else f"{issuer}-{unit}")


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _working_days(last: dt.date) -> list[dt.date]:
    days, day = [], FIRST_DAY
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _moment(days: list[dt.date], i: int, n: int) -> dt.datetime:
    """Row i of n spread in order over the working days, 07:30-16:30 local time (monotonic in i)."""
    pos = i * len(days) / n
    k = int(pos)
    local = dt.datetime.combine(days[k], dt.time(7, 30), tzinfo=LOCAL) + dt.timedelta(
        seconds=(pos - k) * 9 * 3600
    )
    return local.astimezone(UTC)


OUTGOING_COLUMNS = [
    "agency_id",
    "status",
    "document_type_id",
    "symbol_unit",
    "subject",
    "content",
    "urgency",
    "confidentiality",
    "drafter_id",
    "signer_id",
    "signer_title",
    "external_recipients",
    "year",
    "series",
    "number",
    "number_symbol",
    "issued_at",
    "issued_by_id",
    "approved_at",
    "page_count",
    "signed_file",
    "dispatched_at",
    "created_at",
    "updated_at",
    "search_folded",
]
INCOMING_COLUMNS: list[str] = [
    "agency_id",
    "status",
    "year",
    "series",
    "arrival_number",
    "arrived_at",
    "delivery",
    "sender_agency_id",
    "sender_name",
    "sender_organ_id",
    "number_symbol",
    "issued_on",
    "type_name",
    "subject",
    "urgency",
    "confidentiality",
    "signer_name",
    "page_count",
    "file",
    "registered_by_id",
    "handler_id",
    "direction",
    "handling_due_on",
    "assigned_at",
    "completed_at",
    "search_folded",
]


class Generator:
    def __init__(
        self, setup: dict[str, Any], types: dict[str, tuple[int, str, bool]], args: argparse.Namespace
    ):
        self.setup, self.types, self.args = setup, types, args
        self.texts = Texts()
        self.agencies = setup["agencies"]
        self.main_share = args.main_share
        self.days = _working_days(dt.datetime.now(UTC).astimezone(LOCAL).date() - dt.timedelta(days=1))
        self.samples: dict[str, list[str]] = {"outgoing": [], "incoming": []}
        self.fold_checked = 0
        fold = self.texts.fold
        self.type_names = {pk: (name, fold(name)) for name, (pk, _, _) in types.items()}
        self.type_folded = {name: fold(name) for name in types}

    def agency_index(self, rng: random.Random) -> int:
        if rng.random() < self.main_share:
            return 0
        return 1 + rng.randrange(len(self.agencies) - 1)

    def _check_fold(self, parts: Sequence[str], folded: str) -> None:
        """The pre-folded search text must equal fold() of the whole, as records.outgoing_search_text."""
        self.fold_checked += 1
        expected = self.texts.fold(" ".join(p for p in parts if p))
        if expected != folded:
            raise SystemExit(f"search text mismatch:\n{expected}\n{folded}")

    def outgoing(self, n: int, seed: int) -> Any:
        rng = random.Random(seed)
        counters: dict[tuple[int, int, str], int] = {}
        types = [(self.types[name], share) for name, share in TYPE_SHARES]
        for i in range(n):
            issued_at = _moment(self.days, i, n)
            year = issued_at.astimezone(LOCAL).year
            a_idx = self.agency_index(rng)
            agency = self.agencies[a_idx]
            type_id, abbreviation, legal = _weighted(rng, types)
            if legal and agency["kind"] != "provincial_committee":
                type_id, abbreviation, legal = self.types["Quyết định (cá biệt)"]
            confidentiality = _weighted(rng, [*CONFIDENTIAL_SHARES, ("thuong", 1.0)])
            series = "regular" if confidentiality == "thuong" else "confidential"
            key = (a_idx, year, series)
            counters[key] = number = counters.get(key, 0) + 1
            unit = rng.choice(UNITS)[0] if not abbreviation else ""
            number_symbol = _number_symbol(
                number, abbreviation, agency["symbol"], unit, year if legal else None
            )
            subject, subject_f = self.texts.subject(rng, letter=not abbreviation)
            written_here = rng.random() < 0.3  # drafted in MotCua (content kept) rather than uploaded
            checking = self.fold_checked < 300
            raw_body, body_f = self.texts.body(rng, want_raw=written_here or checking)
            type_name, type_f = self.type_names[type_id]
            search = f"{self.texts.fold(number_symbol)} {subject_f} {agency['folded_name']} {type_f} {body_f}"
            if checking:
                self._check_fold([number_symbol, subject, agency["name"], type_name, raw_body], search)
            content = raw_body if written_here else ""
            dispatched = rng.random() < 0.92
            created_at = issued_at - dt.timedelta(days=1 + rng.random() * 14)
            approved_at = issued_at - dt.timedelta(hours=0.2 + rng.random() * 20)
            dispatched_at = issued_at + dt.timedelta(minutes=5 + rng.random() * 115) if dispatched else None
            if a_idx == 0 and confidentiality == "thuong" and rng.random() < 0.01:
                self.samples["outgoing"].append(number_symbol)
            people = agency["people"]
            yield (
                agency["id"],
                "dispatched" if dispatched else "issued",
                type_id,
                unit,
                subject,
                content,
                _weighted(rng, URGENCY_SHARES),
                confidentiality,
                rng.choice(people["drafter"]),
                people["leader"][0],
                agency["titles"][int(rng.random() < 0.6)],
                "",
                year,
                series,
                number,
                number_symbol,
                issued_at,
                people["clerk"][0],
                approved_at,
                1 + len(body_f) // 1100,
                f"documents/signed/{year}/{agency['identifier']}-{year}-{number}.pdf",
                dispatched_at,
                created_at,
                dispatched_at or issued_at,
                search,
            )
        self.outgoing_counters = counters

    def incoming(self, n: int, seed: int) -> Any:
        rng = random.Random(seed)
        counters: dict[tuple[int, int, str], int] = {}
        type_names = [name for name, _ in TYPE_SHARES]
        type_weights = [share for _, share in TYPE_SHARES]
        externals = [(name, symbol, self.texts.fold(name)) for name, symbol in EXTERNAL_SENDERS]
        for i in range(n):
            arrived_at = _moment(self.days, i, n)
            local = arrived_at.astimezone(LOCAL)
            year = local.year
            a_idx = self.agency_index(rng)
            agency = self.agencies[a_idx]
            delivery = _weighted(rng, [("edxml", 0.55), ("internal", 0.30), ("paper", 0.15)])
            if delivery == "internal":
                sender = self.agencies[rng.randrange(len(self.agencies))]
                if sender is agency:
                    sender = self.agencies[(a_idx + 1) % len(self.agencies)]
                sender_id, sender_name, sender_symbol = sender["id"], sender["name"], sender["symbol"]
                sender_f, organ = sender["folded_name"], sender["identifier"][:13]
            else:
                sender_name, sender_symbol, sender_f = rng.choice(externals)
                sender_id, organ = None, ""
            type_name = rng.choices(type_names, type_weights)[0]
            _, abbreviation, legal = self.types[type_name]
            confidentiality = _weighted(rng, [*CONFIDENTIAL_SHARES, ("thuong", 1.0)])
            series = "regular" if confidentiality == "thuong" else "confidential"
            key = (a_idx, year, series)
            counters[key] = arrival = counters.get(key, 0) + 1
            issued_on = local.date() - dt.timedelta(days=rng.randint(0, 4))
            number_symbol = _number_symbol(
                rng.randint(1, 3000),
                abbreviation,
                sender_symbol,
                rng.choice(UNITS)[0],
                year if legal else None,
            )
            subject, subject_f = self.texts.subject(rng, letter=not abbreviation)
            _, body_f = self.texts.body(rng, want_raw=False)
            type_f = self.type_folded[type_name]
            search = f"{self.texts.fold(number_symbol)} {subject_f} {sender_f} {type_f} {body_f}"
            status = _weighted(
                rng,
                [
                    ("completed", 0.85),
                    ("in_progress", 0.05),
                    ("assigned", 0.05),
                    ("registered", 0.03),
                    ("refused", 0.02),
                ],
            )
            handler = assigned_at = due = completed_at = None
            direction = ""
            if status in {"completed", "in_progress", "assigned"}:
                handler = rng.choice(agency["people"]["drafter"])
                assigned_at = arrived_at + dt.timedelta(hours=1 + rng.random() * 23)
                due = local.date() + dt.timedelta(days=10)
                direction = f"Giao {rng.choice(UNITS)[1]} chủ trì tham mưu, báo cáo."
                if status == "completed":
                    completed_at = assigned_at + dt.timedelta(days=rng.random() * 12)
            elif status == "refused":
                completed_at = arrived_at + dt.timedelta(hours=2)
            if a_idx == 0 and confidentiality == "thuong" and rng.random() < 0.01:
                self.samples["incoming"].append(number_symbol)
            yield (
                agency["id"],
                status,
                year,
                series,
                arrival,
                arrived_at,
                delivery,
                sender_id,
                sender_name,
                organ,
                number_symbol,
                issued_on,
                type_name,
                subject,
                _weighted(rng, URGENCY_SHARES),
                confidentiality,
                _person(rng),
                1 + len(body_f) // 1100,
                f"documents/incoming/{year}/{agency['identifier']}-{arrival}.pdf",
                agency["people"]["clerk"][0],
                handler,
                direction,
                due,
                assigned_at,
                completed_at,
                search,
            )
        self.incoming_counters = counters


COLUMNS = (OUTGOING_COLUMNS, INCOMING_COLUMNS)


def _copy(
    cursor: Any, table: str, columns: Sequence[str], rows: Any, batch: int, label: str
) -> dict[str, Any]:
    """COPY ``rows`` in transactions of ``batch`` rows; returns the timings."""
    total, batches = 0, []
    t_all = time.perf_counter()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    it = iter(rows)
    while True:
        t = time.perf_counter()
        chunk = list(itertools.islice(it, batch))
        if not chunk:
            break
        gen_s = time.perf_counter() - t
        t = time.perf_counter()
        with cursor.connection.transaction(), cursor.copy(sql) as copy:
            buf: list[str] = []
            for row in chunk:
                buf.append("\t".join(map(_copy_value, row)))
                buf.append("\n")
            copy.write("".join(buf))
        total += len(chunk)
        batches.append(
            {"rows": len(chunk), "generate_s": round(gen_s, 2), "copy_s": round(time.perf_counter() - t, 2)}
        )
        say(f"  {label}: {total:>9,} rows (batch: generate {gen_s:.1f} s, COPY {batches[-1]['copy_s']} s)")
    return {"rows": total, "seconds": round(time.perf_counter() - t_all, 2), "batches": batches}


def _blank_columns(cursor: Any, table: str, columns: Sequence[str]) -> dict[str, Any]:
    """NOT NULL columns without a default that the generator does not know (a field added since): blank.

    The app is edited while benchmarks run; a new ``CharField(blank=True)`` is NOT NULL without a database
    default, so COPY would fail on it. Text gets '' and booleans false (what Django would save); any
    other such column stops the load with its name.
    """
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' ORDER BY ordinal_position",
        [table],
    )
    blanks: dict[str, Any] = {}
    for name, data_type in cursor.fetchall():
        if name in columns:
            continue
        if data_type in {"character varying", "text"}:
            blanks[name] = ""
        elif data_type == "boolean":
            blanks[name] = False
        else:
            raise SystemExit(
                f"{table}.{name} ({data_type}, NOT NULL, no default) is unknown to the generator"
            )
    return blanks


def cmd_generate(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection

    from motcua.catalog.parsing import fold
    from motcua.documents.models import DocumentType

    setup = json.loads(Path(args.setup).read_text())
    for agency in setup["agencies"]:
        agency["folded_name"] = fold(agency["name"])
    types = {t.name: (t.pk, t.abbreviation, t.is_legal_normative) for t in DocumentType.objects.all()}
    missing = [name for name, _ in TYPE_SHARES if name not in types]
    if missing:
        raise SystemExit(f"document types missing (migration 0002 seeds them): {missing}")
    gen = Generator(setup, types, args)
    # The symbols module is the reference for number-symbols: the shapes generated must read back.
    from motcua.documents import symbols

    for args_ in [
        (7, "QĐ", "UBND", "", None),
        (35, "", "STP", "VP", None),
        (12, "QĐ", "UBND", "", 2024),
        (108, "", "SGDĐT", "KT", None),
    ]:
        mine = _number_symbol(*args_)
        ref = symbols.format_number_symbol(
            number=args_[0], type_abbreviation=args_[1], issuer=args_[2], unit=args_[3], year=args_[4]
        )
        if mine != ref:
            raise SystemExit(f"number-symbol {mine!r} differs from symbols.format_number_symbol: {ref!r}")

    n_out = args.rows
    n_in = round(args.rows * args.incoming_share)
    out: dict[str, Any] = {
        "rows_outgoing": n_out,
        "rows_incoming": n_in,
        "seed": args.seed,
        "main_share": args.main_share,
        "agencies": len(setup["agencies"]),
        "first_day": FIRST_DAY.isoformat(),
    }
    tables = ("documents_outgoingdocument", "documents_incomingdocument")
    with connection.cursor() as c:
        cursor = c.cursor  # the psycopg cursor, for COPY
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [list(tables), "%gin_trgm_ops%"],
        )
        trigram = dict(cursor.fetchall())
        if len(trigram) != 2:
            say(f"  WARNING: expected 2 trigram indexes (migration 0002), found {sorted(trigram)}")
        for name in trigram:
            cursor.execute(f"DROP INDEX {name}")
        say(f"  dropped {sorted(trigram)} for the load; rebuilt afterwards from their definitions")
        cursor.execute("SET synchronous_commit = off")  # the load only; the server's setting is unchanged
        blanks = {
            table: _blank_columns(cursor, table, cols) for table, cols in zip(tables, COLUMNS, strict=True)
        }
        out["blank_filled_columns"] = blanks
        if any(blanks.values()):
            say(f"  columns the generator does not know, filled blank: {blanks}")
        for table, cols, rows_, label in (
            (tables[0], OUTGOING_COLUMNS, gen.outgoing(n_out, args.seed * 2), "outgoing"),
            (tables[1], INCOMING_COLUMNS, gen.incoming(n_in, args.seed * 2 + 1), "incoming"),
        ):
            extra = tuple(blanks[table].values())
            out[f"copy_{label}"] = _copy(
                cursor,
                table,
                [*cols, *blanks[table]],
                (row + extra for row in rows_),
                args.batch,
                label,
            )
        out["fold_checked_rows"] = gen.fold_checked
        # The register counters agree with the numbers loaded (the app would continue from them).
        cursor.execute(
            """INSERT INTO documents_registersequence (agency_id, year, kind, series, last_number)
               SELECT agency_id, year, 'outgoing', series, max(number) FROM documents_outgoingdocument
               WHERE number IS NOT NULL GROUP BY 1, 2, 4
               UNION ALL
               SELECT agency_id, year, 'incoming', series, max(arrival_number) FROM documents_incomingdocument
               GROUP BY 1, 2, 4"""
        )
        out["register_sequences"] = cursor.rowcount
        # Rebuild the trigram indexes, one connection each, in parallel (PostgreSQL 15 builds GIN serially).
        builds: dict[str, float] = {}

        def build(name: str, ddl: str) -> None:
            with _pg_connect() as conn:
                conn.execute(f"SET maintenance_work_mem = '{args.maintenance_work_mem}'")
                t0 = time.perf_counter()
                conn.execute(ddl)
                builds[name] = round(time.perf_counter() - t0, 2)

        threads = [threading.Thread(target=build, args=(name, ddl)) for name, ddl in trigram.items()]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        if set(builds) != set(trigram):
            raise SystemExit(f"trigram index rebuild failed: built {sorted(builds)} of {sorted(trigram)}")
        out["trigram_index_build_s"] = builds
        out["trigram_index_ddl"] = trigram
        out["maintenance_work_mem"] = args.maintenance_work_mem
        say(
            f"  trigram indexes rebuilt in parallel: {builds} "
            f"(maintenance_work_mem {args.maintenance_work_mem})"
        )
        t = time.perf_counter()
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
        out["vacuum_analyze_s"] = round(time.perf_counter() - t, 2)
        say(f"  VACUUM (ANALYZE) {out['vacuum_analyze_s']} s")

        def one(sql: str, p: Sequence[Any] = ()) -> Any:
            cursor.execute(sql, p)
            return cursor.fetchone()[0]

        def rows(sql: str, p: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            cursor.execute(sql, p)
            return list(cursor.fetchall())

        main_id = setup["main"]["id"]
        stats: dict[str, Any] = {}
        for table in tables:
            short = table.removeprefix("documents_").removesuffix("document")
            stats[short] = {
                "rows": one(f"SELECT count(*) FROM {table}"),
                "main_agency_rows": one(f"SELECT count(*) FROM {table} WHERE agency_id = %s", [main_id]),
                "main_agency_not_confidential": one(
                    f"SELECT count(*) FROM {table} WHERE agency_id = %s AND confidentiality = 'thuong'",
                    [main_id],
                ),
                "table_size": one("SELECT pg_size_pretty(pg_table_size(%s))", [table]),
                "indexes_size": one("SELECT pg_size_pretty(pg_indexes_size(%s))", [table]),
                "heap_pages": one("SELECT relpages FROM pg_class WHERE relname = %s", [table]),
                "avg_search_text_chars": float(one(f"SELECT round(avg(length(search_folded))) FROM {table}")),
                "index_sizes": dict(
                    rows(
                        "SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) FROM "
                        "pg_stat_user_indexes WHERE relname = %s ORDER BY 1",
                        [table],
                    )
                ),
            }
        stats["outgoing"]["by_year"] = dict(
            rows(
                "SELECT year, count(*) FROM documents_outgoingdocument WHERE agency_id = %s "
                "GROUP BY 1 ORDER BY 1",
                [main_id],
            )
        )
        # Decree 30 numbering, as loaded: number unique and 1..n per agency, year and series.
        stats["outgoing"]["registers_gap_free"] = one(
            """SELECT bool_and(n = hi AND n = d) FROM (SELECT count(*) n, max(number) hi,
               count(DISTINCT number) d FROM documents_outgoingdocument GROUP BY agency_id, year, series) s"""
        )
        stats["incoming"]["registers_gap_free"] = one(
            """SELECT bool_and(n = hi AND n = d) FROM (SELECT count(*) n, max(arrival_number) hi,
               count(DISTINCT arrival_number) d FROM documents_incomingdocument
               GROUP BY agency_id, year, series) s"""
        )
        # How many of the measured agency's visible documents each query word would match.
        stats["word_matches_main_outgoing"] = {}
        for q in [*WORD_QUERIES, *TWO_WORD_QUERIES]:
            conds = " AND ".join(["search_folded LIKE %s"] * len(fold(q).split()))
            stats["word_matches_main_outgoing"][q] = one(
                f"SELECT count(*) FROM documents_outgoingdocument WHERE agency_id = %s "
                f"AND confidentiality = 'thuong' AND {conds}",
                [main_id, *[f"%{w}%" for w in fold(q).split()]],
            )
        say(f"  {json.dumps(stats, ensure_ascii=False)}")
    out["samples"] = {
        kind: values[:: max(1, len(values) // args.samples)][: args.samples]
        for kind, values in gen.samples.items()
    }
    out.update(stats)
    out["main_agency"] = {k: setup["main"][k] for k in ("id", "identifier", "name", "symbol")}
    out["clerk"] = setup["clerk"]
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# ------------------------------------------------------------------------------------------------ issue


def _pg_connect() -> Any:
    """A psycopg connection of its own (autocommit) to Django's database."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"],
        port=db["PORT"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


# Backends of this database waiting for a lock, and the table of the row (tuple lock) they queue for.
LOCK_WAITS_SQL = """
SELECT coalesce(t.relation::regclass::text, l.locktype) FROM pg_stat_activity a
JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
LEFT JOIN pg_locks t ON t.pid = a.pid AND t.locktype = 'tuple'
WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid()
"""
# Per issue: (latency, until the number is asked for, waiting for the register row, number to commit).
Timing = tuple[float, float, float, float]


class _LockSampler:
    """Every 20 ms, from a connection of its own: the table of each row some backend waits for."""

    def __init__(self) -> None:
        self.waits: dict[str, int] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with _pg_connect() as conn:
            while not self._done.wait(0.02):
                for (what,) in conn.execute(LOCK_WAITS_SQL).fetchall():
                    self.waits[what] = self.waits.get(what, 0) + 1

    def __enter__(self) -> _LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=10)


class _TimedNumbers:
    """Wrap numbering.register_take_number in this process to time when the number is asked for and taken.

    Instrumentation only (the app is not changed): services calls it through the module, inside the
    issuing transaction, so the wrapper sees each call; the times go to a thread-local.
    """

    def __init__(self) -> None:
        from motcua.documents import numbering

        self.numbering = numbering
        self.original = numbering.register_take_number
        self.local = threading.local()

    def __enter__(self) -> _TimedNumbers:
        original, local = self.original, self.local

        def timed(**kw: Any) -> int:
            local.asked = time.perf_counter()
            number = original(**kw)
            local.taken = time.perf_counter()
            return number

        self.numbering.register_take_number = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self.numbering.register_take_number = self.original

    def issue(self, document: Any, clerk: Any) -> Timing:
        from motcua.documents import services
        from motcua.documents.services import OutgoingInput
        from motcua.documents.workflow import OutgoingAction

        t0 = time.perf_counter()
        services.outgoing_act(
            document=document,
            actor=clerk,
            action=OutgoingAction.ISSUE,
            data=OutgoingInput(passphrase=PASSPHRASE),
        )
        end = time.perf_counter()
        asked, taken = self.local.asked, self.local.taken
        return (end - t0, asked - t0, taken - asked, end - taken)


def _issue_threads(
    work: Sequence[tuple[Any, Any]], threads: int
) -> tuple[list[Timing], list[str], float, dict[str, int]]:
    """Issue every (document, clerk) of ``work`` with ``threads`` threads taking them in turn from a queue.

    Each thread has its own database connection (Django's are per thread) and closes it at the end.
    Returns the timings of the successful outgoing_act(ISSUE) calls, the errors, the wall time and what
    the sampled lock waits queued for (table of the row -> samples).
    """
    from django.db import connections

    jobs: queue.Queue[tuple[Any, Any]] = queue.Queue()
    for job in work:
        jobs.put(job)
    results: list[list[Timing]] = [[] for _ in range(threads)]
    errors: list[str] = []
    barrier = threading.Barrier(threads + 1)

    def issuer(timer: _TimedNumbers, out: list[Timing]) -> None:
        try:
            barrier.wait()
            while True:
                try:
                    document, clerk = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    out.append(timer.issue(document, clerk))
                except Exception as error:  # counted and reported; the register check then fails
                    errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()  # this thread's connection

    with _TimedNumbers() as timer, _LockSampler() as sampler:
        pool = [threading.Thread(target=issuer, args=(timer, results[k])) for k in range(threads)]
        for th in pool:
            th.start()
        t0 = time.perf_counter()
        barrier.wait()
        for th in pool:
            th.join()
        elapsed = time.perf_counter() - t0
    return [x for per in results for x in per], errors, elapsed, sampler.waits


def _issue_processes(
    work: Sequence[tuple[Any, Any]], processes: int
) -> tuple[list[Timing], list[str], float, dict[str, int]]:
    """As _issue_threads, with forked worker processes (no shared interpreter lock, as gunicorn's workers).

    The parent closes its connections before forking; each child opens its own and closes it at the end.
    """
    import multiprocessing

    from django.db import connections

    from motcua.accounts.models import User
    from motcua.documents.models import OutgoingDocument

    ctx = multiprocessing.get_context("fork")
    jobs = ctx.Queue()
    for document, clerk in work:
        jobs.put((document.pk, clerk.pk))
    results = ctx.Queue()
    barrier = ctx.Barrier(processes + 1)

    def child() -> None:
        out: list[Timing] = []
        errors: list[str] = []
        try:
            with _TimedNumbers() as timer:
                barrier.wait()
                while True:
                    try:
                        pk, clerk_pk = jobs.get(timeout=1)
                    except queue.Empty:
                        break
                    document = OutgoingDocument.objects.get(pk=pk)
                    clerk = User.objects.get(pk=clerk_pk)
                    try:
                        out.append(timer.issue(document, clerk))
                    except Exception as error:  # counted and reported; the register check then fails
                        errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()
            results.put((out, errors))

    connections.close_all()  # no connection may cross the fork
    pool = [ctx.Process(target=child) for _ in range(processes)]
    for proc in pool:
        proc.start()
    with _LockSampler() as sampler:
        t0 = time.perf_counter()
        barrier.wait()
        gathered = [results.get(timeout=STEP_LIMIT_S) for _ in pool]
        elapsed = time.perf_counter() - t0
    for proc in pool:
        proc.join(timeout=30)
    timings = [x for out, _ in gathered for x in out]
    errors = [e for _, errs in gathered for e in errs]
    return timings, errors, elapsed, sampler.waits


def cmd_issue(args: argparse.Namespace) -> int:
    django_setup()

    from motcua.accounts.models import User
    from motcua.agencies.models import Agency
    from motcua.documents import services, signing
    from motcua.documents.models import DocumentType, OutgoingDocument, RegisterSequence
    from motcua.documents.services import DraftInput
    from motcua.documents.workflow import OutgoingAction, OutgoingStatus

    setup = json.loads(Path(args.setup).read_text())
    ca_pem = setup["ca_pem"].encode()
    texts = Texts()
    rng = random.Random(setup["seed"] + 7)
    types = [DocumentType.objects.get(name=name) for name in ISSUE_TYPES]
    recipients = list(Agency.objects.filter(pk__in=[a["id"] for a in setup["agencies"][1:4]]))
    results: dict[str, Any] = {"count_per_row": args.count, "rows": {}}
    failures: list[str] = []

    def approved(office: dict[str, Any], count: int) -> list[tuple[OutgoingDocument, User]]:
        """``count`` drafts of ``office`` made, submitted and approved through the services."""
        agency = Agency.objects.get(pk=office["id"])
        users = {k: [User.objects.get(pk=pk) for pk in v] for k, v in office["people"].items()}
        jobs = []
        for n in range(count):
            doc_type = rng.choices(types, ISSUE_TYPE_WEIGHTS)[0]
            subject, _ = texts.subject(rng, letter=not doc_type.abbreviation)
            content, _ = texts.body(rng, want_raw=True)
            data = DraftInput(
                document_type=doc_type,
                subject=subject,
                content=content,
                signer=users["leader"][0],
                signer_title=office["titles"][0],
                symbol_unit="VP" if not doc_type.abbreviation else "",
                recipients=recipients[:2],
                external_recipients=["Bộ Nội vụ"],
            )
            drafter = users["drafter"][n % len(users["drafter"])]
            document = services.outgoing_create_draft(actor=drafter, agency=agency, data=data)
            services.outgoing_act(document=document, actor=drafter, action=OutgoingAction.SUBMIT)
            document = services.outgoing_act(
                document=document, actor=users["leader"][0], action=OutgoingAction.APPROVE
            )
            jobs.append((document, users["clerk"][n % len(users["clerk"])]))
        return jobs

    # Warm-up, not measured: the first issues load WeasyPrint's fonts and pyHanko's machinery.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.documents.services import OutgoingInput

    warm_jobs = approved(setup["issuing_warmup"], 3)
    # The first warm-up issue in this thread, to record the row locks the issuing transaction takes.
    document, clerk = warm_jobs[0]
    with CaptureQueriesContext(connection) as ctx:
        services.outgoing_act(
            document=document,
            actor=clerk,
            action=OutgoingAction.ISSUE,
            data=OutgoingInput(passphrase=PASSPHRASE),
        )
    results["issue_lock_statements"] = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]
    for sql in results["issue_lock_statements"]:
        say(f"  the issuing transaction locks: ...{sql[-420:]}")
    warm, warm_errors, warm_s, _ = _issue_threads(warm_jobs[1:], 1)
    results["warmup"] = {"issued": len(warm), "errors": warm_errors, "ms": [round(x[0] * 1000) for x in warm]}
    say(f"  warm-up: {len(warm)} issues in {warm_s:.1f} s ({results['warmup']['ms']} ms)")
    if warm_errors:
        failures.append(f"warm-up: {warm_errors[:3]}")

    for row in setup["issuing"]:
        threads, offices, mode = row["threads"], row["offices"], row.get("mode", "threads")
        unit = mode.removesuffix("s") if threads == 1 else mode
        label = f"{threads} {unit}" + (
            f", {len(offices)} agencies (one register each)" if len(offices) > 1 else ", one register"
        )
        # 1. Drafts, submitted and approved through the services (timed, not the figure measured).
        t = time.perf_counter()
        per_office = args.count // len(offices)
        work = [job for office in offices for job in approved(office, per_office)]
        prepare_s = round(time.perf_counter() - t, 2)
        # Interleave the offices' documents so that the threads of a split row work on both registers.
        order = sorted(range(len(work)), key=lambda i: (i % per_office, i // per_office))
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        issue_all = _issue_processes if mode == "processes" else _issue_threads
        timings, errors, elapsed, lock_waits = issue_all([work[i] for i in order], threads)
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        lat = sorted(x[0] for x in timings)
        before = sorted(x[1] for x in timings)
        waits = sorted(x[2] for x in timings)
        holds = sorted(x[3] for x in timings)
        # 2. The registers: numbers 1..N, no gap, no duplicate; every document issued and signed.
        checks = []
        for office in offices:
            issued = OutgoingDocument.objects.filter(agency_id=office["id"])
            numbers = sorted(n for n in issued.values_list("number", flat=True) if n is not None)
            symbols_ = list(issued.values_list("number_symbol", flat=True))
            expected = list(range(1, per_office + 1))
            sequence = RegisterSequence.objects.filter(agency_id=office["id"], kind="outgoing").first()
            files = [d.signed_file for d in issued if d.signed_file]
            check = {
                "agency": office["identifier"],
                "documents": issued.count(),
                "issued": issued.filter(status=OutgoingStatus.ISSUED).count(),
                "numbers_1_to_n": numbers == expected,
                "duplicates": len(numbers) - len(set(numbers)),
                "missing": sorted(set(expected) - set(numbers))[:20],
                "number_symbols_unique": len(set(symbols_)) == len(symbols_),
                "sequence_last_number": sequence.last_number if sequence else None,
                "signed_files": len(files),
                "signed_bytes_mean": round(sum(f.size for f in files) / len(files)) if files else 0,
                "pages_mean": round(sum(d.page_count or 0 for d in issued) / max(1, len(files)), 2),
            }
            if files:
                first = issued.order_by("number").first()
                assert first is not None
                assert first.issued_at is not None
                with first.signed_file.open("rb") as handle:
                    [report] = signing.validate_pdf(handle.read(), trust_roots=[ca_pem], at=first.issued_at)
                check["first_signature"] = {
                    "intact": report.intact,
                    "valid": report.valid,
                    "trusted": report.trusted,
                    "covers_whole_document": report.covers_whole_document,
                }
                check["first_number_symbol"] = first.number_symbol
            ok = (
                check["numbers_1_to_n"]
                and check["number_symbols_unique"]
                and check["sequence_last_number"] == per_office
                and check["issued"] == per_office
                and check["signed_files"] == per_office
                and all(check.get("first_signature", {}).values())
            )
            check["ok"] = bool(ok)
            if not ok:
                failures.append(f"{label} {office['identifier']}: {check}")
            checks.append(check)
        summary = {
            "threads": threads,
            "mode": mode,
            "agencies": len(offices),
            "documents": len(work),
            "issued": len(lat),
            "errors": len(errors),
            "error_samples": errors[:5],
            "seconds": round(elapsed, 2),
            "documents_per_s": round(len(lat) / elapsed, 2) if elapsed else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
            "max_ms": round(lat[-1] * 1000, 1) if lat else 0.0,
            "mean_ms": round(sum(lat) / len(lat) * 1000, 1) if lat else 0.0,
            "before_number_p50_ms": round(percentile(before, 50) * 1000, 1),
            "before_number_p95_ms": round(percentile(before, 95) * 1000, 1),
            "register_wait_p50_ms": round(percentile(waits, 50) * 1000, 1),
            "register_wait_p95_ms": round(percentile(waits, 95) * 1000, 1),
            "number_to_commit_p50_ms": round(percentile(holds, 50) * 1000, 1),
            "number_to_commit_p95_ms": round(percentile(holds, 95) * 1000, 1),
            "register_lock_held_share": round(sum(holds) / elapsed / len(offices), 2) if elapsed else 0.0,
            "lock_waits_sampled": dict(sorted(lock_waits.items(), key=lambda kv: -kv[1])),
            "timing_note": "before_number: from outgoing_act's call to numbering.register_take_number (its "
            "SELECT ... FOR UPDATE of the document and the rows joined to it, the checks); register_wait: "
            "inside register_take_number (the register row); number_to_commit: from the number taken to "
            "outgoing_act's return (render, sign, save, commit, the locks still held); "
            "register_lock_held_share: the sum of number_to_commit over the wall time, per register; "
            "lock_waits_sampled: every 20 ms, the backends waiting for a lock and the table of the row "
            "they queue for",
            "process_cpu_s": round((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime), 2),
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
            "prepare_s": prepare_s,
            "prepare_note": "outgoing_create_draft + SUBMIT + APPROVE per document, sequential, not measured",
            "registers": checks,
        }
        results["rows"][label] = summary
        say(
            f"  issue {label:<40} {summary['issued']}/{summary['documents']} in {summary['seconds']} s: "
            f"{summary['documents_per_s']} doc/s  p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  "
            f"(before the number p50 {summary['before_number_p50_ms']} ms, register wait p50 "
            f"{summary['register_wait_p50_ms']} ms, number to commit p50 "
            f"{summary['number_to_commit_p50_ms']} ms; lock waits sampled {summary['lock_waits_sampled']})  "
            f"errors {summary['errors']}  "
            f"registers ok: {all(c['ok'] for c in checks)}"
        )
    results["gap_free_and_signed"] = not failures
    results["failures"] = failures
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    if failures:
        say("  FAILED: " + "; ".join(failures))
        return 1
    return 0


# -------------------------------------------------------------------------------------------------- HTTP


def _q(path: str, **params: Any) -> str:
    return f"{path}?{urllib.parse.urlencode(params)}" if params else path


def endpoints(gen: dict[str, Any]) -> dict[str, list[str]]:
    out_, in_ = "/api/v1/documents/outgoing", "/api/v1/documents/incoming"
    month_ranges = []
    for year, month in MONTHS:
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        month_ranges.append(_q(out_, date_from=f"{year}-{month:02d}-01", date_to=last))
    return {
        "outgoing ?q=<word>": [_q(out_, q=w) for w in WORD_QUERIES],
        "outgoing ?q=<two words>": [_q(out_, q=w) for w in TWO_WORD_QUERIES],
        "outgoing ?q=<number-symbol>": [_q(out_, q=s) for s in gen["samples"]["outgoing"]],
        "outgoing (first page)": [out_],
        "outgoing ?date_from&date_to (a month)": month_ranges,
        "incoming ?q=<word>": [_q(in_, q=w) for w in WORD_QUERIES],
        "incoming ?q=<number-symbol>": [_q(in_, q=s) for s in gen["samples"]["incoming"]],
        "incoming (first page)": [in_],
    }


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    gen = json.loads(Path(args.gen).read_text())
    headers = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}", "Accept": "application/json"}
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    results: dict[str, Any] = {"endpoints": {}, "preflight": {}, "paths": {}}
    if args.master_pid:
        results["rss_before"] = worker_rss(args.master_pid)
    eps = endpoints(gen)
    # Preflight: every path once (also a warm-up): HTTP 200, and how many documents it matches.
    for name, paths in eps.items():
        results["paths"][name] = paths
        rows = []
        for path in paths:
            conn = http.client.HTTPConnection(args.host, args.port, timeout=REQUEST_TIMEOUT)
            t = time.perf_counter()
            status, body, _ = get(conn, path, headers)
            ms = round((time.perf_counter() - t) * 1000, 1)
            conn.close()
            if status != 200:
                raise SystemExit(f"{name} {path}: HTTP {status} {body[:300]!r}")
            data = json.loads(body)
            rows.append({"path": path, "count": data["count"], "items": len(data["items"]), "ms": ms})
        results["preflight"][name] = rows
        if not any(r["items"] for r in rows):
            raise SystemExit(f"{name}: no document in any response")
        say(f"  {name:<40} matches {[r['count'] for r in rows]}  first-request ms {[r['ms'] for r in rows]}")
    for name, paths in eps.items():
        results["endpoints"][name] = {}
        for c in concurrencies:
            warm = [(paths[i % len(paths)], headers) for i in range(args.warmup)]
            items = [(paths[i % len(paths)], headers) for i in range(args.requests)]
            load_fixed(args.host, args.port, warm, concurrency=c, cap_s=args.cap)
            sample, elapsed, capped = load_fixed(args.host, args.port, items, concurrency=c, cap_s=args.cap)
            summary = summarise(sample, elapsed)
            summary["stopped_at_cap"] = capped
            results["endpoints"][name][str(c)] = summary
            say(
                f"  {name:<40} c={c}: {summary['requests']:>4} req {summary['requests_per_s']:>6} req/s  "
                f"p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  "
                f"errors {summary['errors']}{'  (stopped at the time cap)' if capped else ''}"
            )
    if args.master_pid:
        results["rss_after"] = worker_rss(args.master_pid)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


# ---------------------------------------------------------------------------------------------- explain


def _kind(sql: str) -> str:
    s = sql.upper()
    table = "outgoing" if 'FROM "DOCUMENTS_OUTGOINGDOCUMENT"' in s else "incoming"
    if 'FROM "DOCUMENTS_OUTGOINGDOCUMENT"' not in s and 'FROM "DOCUMENTS_INCOMINGDOCUMENT"' not in s:
        return "other"
    if "COUNT(*)" in s:
        return f"{table} count"
    if "LIMIT" in s:
        return f"{table} page"
    return "other"


def _explain(cursor: Any, sql: str, repeat: int) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) ``repeat`` times, then once as text for the log."""
    times, plan = [], None
    for _ in range(repeat):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        times.append(round(plan["Planning Time"] + plan["Execution Time"], 2))
    assert plan is not None
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    text = [r[0] for r in cursor.fetchall()]
    nodes = plan_nodes(plan["Plan"])
    return {
        "total_ms_runs": times,
        "total_ms": sorted(times)[len(times) // 2],
        "planning_ms": round(plan["Planning Time"], 2),
        "execution_ms": round(plan["Execution Time"], 2),
        "summary": plan_summary(nodes),
        "nodes": nodes,
        "text": text,
    }


# Candidate indexes, each built in a transaction that is rolled back: (label, DDL statements, note).
CANDIDATES: list[tuple[str, list[str], str]] = [
    (
        "incoming (agency_id, arrived_at DESC, id DESC)",
        [
            "CREATE INDEX bench_incoming_arrived ON documents_incomingdocument "
            "(agency_id, arrived_at DESC, id DESC)"
        ],
        "serves incoming_search's ORDER BY -arrived_at, -pk per agency (no index has arrived_at)",
    ),
    (
        "covering indexes for the visibility filter (index-only counts)",
        [
            "CREATE INDEX bench_outgoing_visible ON documents_outgoingdocument (agency_id) "
            "INCLUDE (confidentiality, drafter_id, signer_id, reviewer_id, issued_by_id, id)",
            "CREATE INDEX bench_incoming_visible ON documents_incomingdocument (agency_id) "
            "INCLUDE (confidentiality, handler_id, registered_by_id, id)",
        ],
        "every column of access.*_visible_to, so count(*) of an unfiltered list reads the index only "
        "(needs the visibility map: VACUUM, i.e. autovacuum in production)",
    ),
]
CAP = 1001  # the capped-count variant counts at most this many rows ("more than 1,000")


def _variant_sql(user: Any, path: str) -> dict[str, dict[str, str]]:
    """Query changes for one measured path: variant -> {query kind -> SQL}, built from the selectors."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.catalog.parsing import fold
    from motcua.core import clock
    from motcua.documents import selectors

    outgoing = "/outgoing" in path
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
    day = dt.date.fromisoformat
    flt = selectors.DocumentFilter(
        q=query.get("q", ""),
        date_from=day(query["date_from"]) if "date_from" in query else None,
        date_to=day(query["date_to"]) if "date_to" in query else None,
    )
    search = selectors.outgoing_search if outgoing else selectors.incoming_search

    def api(qs: Any) -> Any:  # what the API adds to the selector's queryset
        return qs.select_related("reviewer").prefetch_related("recipients") if outgoing else qs

    def sql_of(qs: Any, *, page: bool = True) -> dict[str, str]:
        found: dict[str, str] = {}
        with CaptureQueriesContext(connection) as ctx:
            if page:
                list(qs[:50])
            qs.count()
        for q in ctx.captured_queries:
            kind = _kind(q["sql"])
            if kind != "other" and kind not in found:
                found[kind] = q["sql"]
        return found

    variants: dict[str, dict[str, str]] = {}
    if flt.date_from and flt.date_to:
        zone = clock.local_zone()
        start = dt.datetime.combine(flt.date_from, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        field = "issued_at" if outgoing else "arrived_at"
        qs = api(search(user, selectors.DocumentFilter())).filter(
            **{f"{field}__gte": start, f"{field}__lt": end}
        )
        variants["date filter as a timestamp range (>= local midnight, < next local midnight)"] = sql_of(qs)
    if len(fold(flt.q).split()) > 1:
        qs = api(search(user, selectors.DocumentFilter())).filter(search_folded__contains=fold(flt.q))
        variants["the words as one phrase (one LIKE '%w1 w2%')"] = sql_of(qs)
    full = api(search(user, flt))
    variants[f"count capped at {CAP - 1:,} (count(*) over LIMIT {CAP})"] = sql_of(
        full.order_by()[:CAP], page=False
    )
    return variants


def cmd_explain(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    gen = json.loads(Path(args.gen).read_text())
    run = json.loads(Path(args.run).read_text()) if args.run and Path(args.run).exists() else {}
    token = os.environ["BENCH_TOKEN"]
    client = Client(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    out: dict[str, Any] = {"server": {}, "requests": {}, "candidates": {}}
    with connection.cursor() as cursor:
        for setting in (
            "server_version",
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "autovacuum",
            "jit",
            "max_parallel_workers_per_gather",
            "maintenance_work_mem",
        ):
            cursor.execute(f"SHOW {setting}")
            out["server"][setting] = cursor.fetchone()[0]

    # Which paths: the first of each endpoint and, from the HTTP preflight, the one matching most rows.
    chosen: dict[str, list[str]] = {}
    for name, paths in endpoints(gen).items():
        picks = [paths[0]]
        pre = run.get("preflight", {}).get(name, [])
        if pre:
            most = max(pre, key=lambda r: r["count"])["path"]
            if most not in picks:
                picks.append(most)
        chosen[name] = picks

    issued: dict[str, dict[str, str]] = {}
    for name, paths in chosen.items():
        for path in paths:
            client.get(path, **auth)  # warm: connection, caches
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(path, **auth)
            if resp.status_code != 200:
                raise SystemExit(f"{name} {path}: HTTP {resp.status_code}")
            queries = [
                {"sql": q["sql"], "ms": round(float(q["time"]) * 1000, 2)} for q in ctx.captured_queries
            ]
            entry: dict[str, Any] = {
                "endpoint": name,
                "path": path,
                "matches": resp.json()["count"],
                "queries": len(queries),
                "sql_ms": round(sum(q["ms"] for q in queries), 1),
                "document_queries": {},
            }
            label = f"{name} :: {urllib.parse.unquote(path)}"
            say(
                f"\n#### {label}  ({entry['queries']} SQL, {entry['sql_ms']} ms in Django, "
                f"{entry['matches']} matches)"
            )
            with connection.cursor() as cursor:
                for q in queries:
                    kind = _kind(q["sql"])
                    if kind == "other" or kind in entry["document_queries"]:
                        continue
                    ex = _explain(cursor, q["sql"], args.repeat)
                    entry["document_queries"][kind] = {"sql": q["sql"], "django_ms": q["ms"], "explain": ex}
                    issued.setdefault(label, {})[kind] = q["sql"]
                    say(f"-- {kind}: {ex['total_ms']} ms (runs {ex['total_ms_runs']})\n-- {q['sql']}")
                    for line in ex["text"]:
                        say(f"   {line}")
            out["requests"][label] = entry

    def compare(cursor: Any, key: str, before: float, sql: str, res: dict[str, Any]) -> None:
        ex = _explain(cursor, sql, args.repeat)
        res["queries"][key] = {
            "before_ms": before,
            "after_ms": ex["total_ms"],
            "summary": ex["summary"],
            "sql": sql,
            "text": ex["text"],
        }
        say(f"   {key}: {before} -> {ex['total_ms']} ms  {ex['summary'][:160]}")
        for line in ex["text"]:
            say(f"      {line}")

    # Query changes (no DDL): the same requests written differently, built from the selectors.
    from motcua.accounts.models import User

    user = User.objects.get(username=gen["clerk"])
    out["query_variants"] = {}
    for label in issued:
        path = out["requests"][label]["path"]
        for variant, sqls in _variant_sql(user, path).items():
            res = out["query_variants"].setdefault(variant, {"queries": {}})
            say(f"\n#### query change: {variant} :: {label}")
            with connection.cursor() as cursor:
                for kind, sql in sqls.items():
                    before = out["requests"][label]["document_queries"][kind]["explain"]["total_ms"]
                    compare(cursor, f"{label} [{kind}]", before, sql, res)

    # Candidate indexes, each in a rolled-back transaction, on every captured query. No ANALYZE inside:
    # plain-column indexes need none, and a new sample would change the plans for other reasons.
    for cand_label, ddls, note in CANDIDATES:
        res = {"ddl": ddls, "note": note, "queries": {}}
        with transaction.atomic(), connection.cursor() as cursor:
            t = time.perf_counter()
            for ddl in ddls:
                cursor.execute(ddl)
            res["build_s"] = round(time.perf_counter() - t, 2)
            say(f"\n#### candidate: {cand_label} (built in {res['build_s']} s, rolled back afterwards)")
            for label, by_kind in issued.items():
                for kind, sql in by_kind.items():
                    before = out["requests"][label]["document_queries"][kind]["explain"]["total_ms"]
                    compare(cursor, f"{label} [{kind}]", before, sql, res)
            transaction.set_rollback(True)  # the candidate index never stays
        out["candidates"][cand_label] = res
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# ----------------------------------------------------------------------------------------------- report


def cmd_report(args: argparse.Namespace) -> int:
    setup = json.loads(Path(args.setup).read_text())
    gen = json.loads(Path(args.gen).read_text())
    issue = json.loads(Path(args.issue).read_text())
    run = json.loads(Path(args.run).read_text())
    exp = json.loads(Path(args.explain).read_text())
    meta = json.loads(Path(args.meta).read_text())
    today = dt.datetime.now(UTC).astimezone().date().isoformat()
    setup.pop("ca_pem", None)
    report = {
        "date": today,
        "machine": machine(),
        "git": git_state(),
        "versions": {
            "django": _version("django"),
            "django-ninja": _version("django-ninja"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
            "weasyprint": _version("weasyprint"),
            "pyhanko": _version("pyhanko"),
            "postgresql": meta.get("pg_version"),
        },
        "method": {
            "issuing": "in-process, services.outgoing_act(ISSUE, OutgoingInput(passphrase)) on approved "
            "drafts (made through outgoing_create_draft, SUBMIT, APPROVE: not timed), after 3 warm-up "
            "issues; Python threads (one database connection each, closed at the end) or forked "
            "processes; per-issue latency = the outgoing_act call",
            "search_client": "bench/documents_1m.py: Python threads, one http.client connection each, "
            "loopback; the bearer token of the measured agency's clerk; a fixed number of requests per "
            "row, the endpoint's paths in turn",
            "user": f"{setup['clerk']} (clerk, {setup['main']['name']} {setup['main']['identifier']})",
            "server": "gunicorn motcua.config.wsgi:application, 2 sync workers, MOTCUA_ENV=production",
            "requests_per_row": meta["requests"],
            "warmup_requests": meta["warmup"],
            "note": "client, server and PostgreSQL share the machine's cores; compare runs on the same "
            "machine only",
        },
        "meta": meta,
        "setup": setup,
        "issuing": issue,
        "generation": gen,
        "http": run,
        "explain": exp,
    }
    out = Path(args.out_dir) / f"documents-{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print(markdown(report))
    say(f"\nResults written to {out}")
    return 0


def markdown(r: dict[str, Any]) -> str:
    m, g, i, h, e, meta = r["machine"], r["generation"], r["issuing"], r["http"], r["explain"], r["meta"]
    og, ic = g["outgoing"], g["incoming"]
    lines = [
        f"Document office, {r['date']}: {m['nproc']} CPU, {m['memory_mib']} MiB, PostgreSQL "
        f"{r['versions']['postgresql']} (shared_buffers {e['server']['shared_buffers']}, work_mem "
        f"{e['server']['work_mem']}, autovacuum {e['server']['autovacuum']}), "
        f"Django {r['versions']['django']}, "
        f"WeasyPrint {r['versions']['weasyprint']}, pyHanko {r['versions']['pyhanko']}, gunicorn "
        f"{r['versions']['gunicorn']} (2 sync workers); load average {meta.get('loadavg_at_start')} at the "
        f"start of the HTTP load (lock waited {meta.get('lock_wait_s')} s).",
        *(
            [
                "",
                f"**WARNING: src/ changed during the run** (fingerprints {meta['src_sha']}, git "
                f"{meta.get('git_head')}, steps started {meta.get('steps_started_utc')}): each step measured "
                "the code of its own start.",
            ]
            if len(set(meta.get("src_sha", {}).values())) > 1
            else []
        ),
        "",
        f"Issuing ({i['count_per_row']} approved documents per row, services.outgoing_act ISSUE in-process; "
        f"numbers 1..N, no gap, no duplicate, signatures valid: **{i['gap_free_and_signed']}**):",
        "",
        "| Row | Issued | Errors | Seconds | Documents/s | p50 ms | p95 ms | max ms "
        "| Before the number p50 ms | Register wait p50 ms | Number→commit p50 ms "
        "| Lock waits sampled (row's table) | Registers 1..N |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for label, s in i["rows"].items():
        lines.append(
            f"| {label} | {s['issued']} | {s['errors']} | {s['seconds']} | **{s['documents_per_s']}** | "
            f"{s['p50_ms']} | {s['p95_ms']} | {s['max_ms']} | {s['before_number_p50_ms']} | "
            f"{s['register_wait_p50_ms']} | {s['number_to_commit_p50_ms']} | "
            f"{', '.join(f'{k}: {v}' for k, v in s['lock_waits_sampled'].items()) or '-'} | "
            f"{all(c['ok'] for c in s['registers'])} |"
        )
    lines += [
        "",
        f"Data: {og['rows']:,} outgoing + {ic['rows']:,} incoming documents, {g['agencies']} agencies, "
        f"{g['first_day']} .. yesterday (generate + COPY {g['copy_outgoing']['seconds']} s + "
        f"{g['copy_incoming']['seconds']} s; trigram GIN rebuild {g['trigram_index_build_s']} s; "
        f"VACUUM ANALYZE {g['vacuum_analyze_s']} s). Tables: "
        f"outgoing {og['table_size']} + indexes {og['indexes_size']}, incoming {ic['table_size']} + indexes "
        f"{ic['indexes_size']}; search text {og['avg_search_text_chars']:.0f} chars on average. "
        f"Measured agency {g['main_agency']['name']}: {og['main_agency_rows']:,} outgoing "
        f"({og['main_agency_not_confidential']:,} "
        f"not confidential), {ic['main_agency_rows']:,} incoming.",
        "",
        f"Search over HTTP ({r['method']['requests_per_row']} requests per row after "
        f"{r['method']['warmup_requests']} warm-up requests; 'matches' = the response's count for each "
        "path):",
        "",
        "| Endpoint | Conc. | Requests | req/s | p50 ms | p95 ms | p99 ms | Errors | Matches |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, by_c in h["endpoints"].items():
        counts = [p["count"] for p in h["preflight"][name]]
        shown = f"{min(counts):,}–{max(counts):,}" if len(set(counts)) > 1 else f"{counts[0]:,}"
        for c, s in by_c.items():
            p95 = f"**{s['p95_ms']}**" if s["p95_ms"] > 200 else str(s["p95_ms"])
            capped = " (cap)" if s.get("stopped_at_cap") else ""
            lines.append(
                f"| `{name}` | {c} | {s['requests']}{capped} | {s['requests_per_s']} | {s['p50_ms']} | "
                f"{p95} | "
                f"{s['p99_ms']} | {s['errors']} | {shown} |"
            )
    lines += [
        "",
        "EXPLAIN (ANALYZE, BUFFERS) of the document queries (planning + execution, median of the runs):",
        "",
        "| Request | Query | ms | Plan |",
        "| --- | --- | ---: | --- |",
    ]
    for label, req in e["requests"].items():
        for kind, q in req["document_queries"].items():
            lines.append(
                f"| `{label}` | {kind} | {q['explain']['total_ms']} | {q['explain']['summary'][:200]} |"
            )
    sets = [(f"Query change: {name}", res) for name, res in e.get("query_variants", {}).items()]
    sets += [
        (f"Candidate index `{name}` (built in {res['build_s']} s, rolled back): {res['note']}", res)
        for name, res in e["candidates"].items()
    ]
    for title, res in sets:
        rows = [
            (k, v)
            for k, v in res["queries"].items()
            if abs(v["before_ms"] - v["after_ms"]) > max(5.0, 0.2 * v["before_ms"])
        ]
        lines += ["", f"{title}: plan total ms as issued → changed (queries that moved by 20 % or more)", ""]
        lines += [f"- `{k}`: {v['before_ms']} → **{v['after_ms']}** ms" for k, v in rows] or ["- (none)"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--issue-concurrency", default="1,2,4")
    p.add_argument(
        "--split-row",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also issue into 2 agencies (one register each) with 2 threads, then 2 processes",
    )
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("generate")
    p.add_argument("--setup", required=True)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--incoming-share", type=float, default=1.0)
    p.add_argument("--main-share", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--batch", type=int, default=50_000)
    p.add_argument("--samples", type=int, default=20)
    p.add_argument("--maintenance-work-mem", default="1GB")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("issue")
    p.add_argument("--setup", required=True)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_issue)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--concurrency", default="1,8")
    p.add_argument("--cap", type=float, default=180.0, help="seconds at most per row")
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("explain")
    p.add_argument("--gen", required=True)
    p.add_argument("--run", default="")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("report")
    p.add_argument("--setup", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--issue", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--explain", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
