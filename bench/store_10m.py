"""The citizens' document store with ten million stored documents: the owner's list and the reuse lookup.

``bench/store_10m.sh`` drives it (lock, scratch folder and database, gunicorn, cleanup); the subcommands:

    setup     the minimal world, with the ORM: two commune committees, a reception officer, a procedure whose
              components classify (motcua.datastore.kinds.classify) to store kinds, with its fee and its
              assignments, and the DocumentKind rows (services.document_kind for every kinds.KINDS code)
    generate  COPY --rows stored documents (datastore_storeddocument), one dossier file each
              (dossiers_dossierfile, the OneToOne source_file) and one returned dossier per ~2.7 documents
              (dossiers_dossier), in time order 2021..2026, owned by ~rows/4.6 persons (CCCD-like numbers,
              skewed counts: most own 1-5, ~0.05 % own 100-400, the measured citizen 50, a heavy owner 600),
              deterministic by --seed. The three tables' secondary indexes and foreign keys are dropped for
              the load and rebuilt from their own definitions (pg_get_indexdef, pg_get_constraintdef)
              afterwards, then checked identical; VACUUM (ANALYZE); sizes
    users     the measured accounts (ORM): the citizen (50 documents), the heavy owner (600), an applicant
              with none, and sampled owners (a different one for each request of row (e)); API tokens by
              motcua.accounts.tokens.api_token_create; drafts by motcua.dossiers.services.dossier_create_draft
    run       HTTP load (loopback only) through gunicorn with bearer tokens: a fixed number of requests per
              endpoint and concurrency after a warm-up, gunicorn workers' RSS before and after
    explain   in-process (Django test client, same settings and database): the SQL of each measured request
              (CaptureQueriesContext), EXPLAIN (ANALYZE, BUFFERS) of its store queries (plans into the log),
              which index each uses; the lookup's 200-row limit checked against the heavy owner's documents;
              the lookup filtered by the components' kinds as a comparison
    report    merge into bench/results/store-<date>.json and print Markdown tables

The HTTP client reuses bench/catalog_search.py's Sample/summarise/worker_rss/machine helpers (as
queue_1m.py does); its loop is its own because every request may carry another citizen's token.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import http.client
import itertools
import json
import math
import queue
import random
import re
import resource
import sys
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import bearer, django_setup, get, load_fixed, plan_nodes, plan_summary, say
from catalog_search import (  # bench/ is not a package: imported from its folder
    REQUEST_TIMEOUT,
    _check_loopback,
    _version,
    git_state,
    machine,
    summarise,
    worker_rss,
)

UTC = dt.UTC
LOCAL = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving time
FIRST_DAY = dt.date(
    2021, 1, 4
)  # dossiers received on working days FIRST_DAY .. LAST_DAY (fixed: deterministic)
LAST_DAY = dt.date(2026, 11, 25)
MEASURED_DOCS = 50  # the measured citizen's documents
HEAVY_DOCS = 600  # the heavy owner's: above the listing's 500-row cap and the lookup's 200-row limit
STORE = "datastore_storeddocument"
FILES = "dossiers_dossierfile"
DOSSIERS = "dossiers_dossier"
TABLES = (DOSSIERS, FILES, STORE)
EXPECTED_INDEXES = ("store_owner_idx", "store_reuse_idx")

AGENCIES = [  # identifier, name, share of the dossiers
    ("000.00.32.H37", "Ủy ban nhân dân phường Đông Kinh", 0.6),
    ("000.00.33.H37", "Ủy ban nhân dân phường Tam Thanh", 0.4),
]
PROCEDURE_CODE, PROCEDURE_NAME = "9.045020", "Đăng ký thường trú"
COMPONENTS = [  # name, the kind kinds.classify must find (checked in setup)
    ("Tờ khai thay đổi thông tin cư trú", "to-khai"),
    ("Thẻ căn cước công dân", "can-cuoc"),
    ("Bản sao Giấy khai sinh", "khai-sinh"),
    ("Giấy chứng nhận kết hôn", "ket-hon"),
    ("Giấy chứng nhận quyền sử dụng đất (chỗ ở hợp pháp)", "dat-dai"),
    ("Giấy xác nhận tình trạng hôn nhân (nếu có)", "hon-nhan"),
]

# Kinds of stored documents: share, titles (each must classify to its kind), share filed as an electronic
# result (the rest digitised at reception), issuing bodies.
COMMUNES = [
    "Ủy ban nhân dân phường Đông Kinh", "Ủy ban nhân dân phường Tam Thanh", "Ủy ban nhân dân xã Cao Lộc",
    "Ủy ban nhân dân phường Lương Văn Tri", "Ủy ban nhân dân xã Hữu Lũng", "Ủy ban nhân dân xã Đồng Đăng",
]  # fmt: skip
KIND_PLAN: list[tuple[str, float, list[str], float, list[str]]] = [
    ("can-cuoc", 0.20, ["Thẻ Căn cước công dân", "Thẻ Căn cước", "Chứng minh nhân dân", "Hộ chiếu"], 0.0,
     ["Cục Cảnh sát quản lý hành chính về trật tự xã hội", "Công an tỉnh Lạng Sơn"]),
    ("khai-sinh", 0.17, ["Bản sao Giấy khai sinh", "Giấy khai sinh (bản chính)", "Trích lục khai sinh"], 0.35,
     COMMUNES),
    ("to-khai", 0.14, ["Tờ khai đăng ký khai sinh", "Tờ khai thay đổi thông tin cư trú",
                       "Đơn đề nghị cấp Giấy chứng nhận quyền sử dụng đất", "Tờ khai đăng ký kết hôn"],
     0.0, [""]),
    ("cu-tru", 0.10, ["Giấy xác nhận thông tin về cư trú", "Sổ hộ khẩu", "Giấy xác nhận đăng ký tạm trú"],
     0.3, ["Công an phường Đông Kinh", "Công an phường Tam Thanh", "Công an xã Cao Lộc"]),
    ("dat-dai", 0.08, ["Giấy chứng nhận quyền sử dụng đất",
                       "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
                       "với đất"],
     0.3, ["Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", "Văn phòng Đăng ký đất đai tỉnh Lạng Sơn"]),
    ("ket-hon", 0.06, ["Giấy chứng nhận kết hôn", "Bản sao Giấy chứng nhận kết hôn", "Trích lục kết hôn"],
     0.4, COMMUNES),
    ("hon-nhan", 0.05, ["Giấy xác nhận tình trạng hôn nhân"], 0.6, COMMUNES),
    ("van-bang", 0.05, ["Bằng tốt nghiệp trung học phổ thông", "Bằng tốt nghiệp đại học",
                        "Chứng chỉ tin học"], 0.0,
     ["Trường Trung học phổ thông Việt Bắc", "Trường Đại học Nông Lâm Thái Nguyên",
      "Sở Giáo dục và Đào tạo tỉnh Lạng Sơn"]),
    ("uy-quyen", 0.03, ["Giấy ủy quyền", "Văn bản ủy quyền"], 0.2,
     ["Phòng Công chứng số 1 tỉnh Lạng Sơn", *COMMUNES[:2]]),
    ("kinh-doanh", 0.03, ["Giấy chứng nhận đăng ký hộ kinh doanh", "Giấy chứng nhận đăng ký doanh nghiệp"],
     0.5, ["Sở Tài chính tỉnh Lạng Sơn", *COMMUNES[:2]]),
    ("xay-dung", 0.02, ["Giấy phép xây dựng"], 0.6, ["Sở Xây dựng tỉnh Lạng Sơn", COMMUNES[0]]),
    ("chung-sinh", 0.02, ["Giấy chứng sinh"], 0.0,
     ["Bệnh viện Đa khoa tỉnh Lạng Sơn", "Trung tâm Y tế thành phố Lạng Sơn"]),
    ("khai-tu", 0.01, ["Trích lục khai tử", "Giấy báo tử"], 0.5, COMMUNES),
    ("khac", 0.04, ["Sơ yếu lý lịch", "Giấy khám sức khỏe", "Phiếu lý lịch tư pháp"], 0.2,
     ["Bệnh viện Đa khoa tỉnh Lạng Sơn", "Sở Tư pháp tỉnh Lạng Sơn", ""]),
]  # fmt: skip
# Documents per owner: (count or (low, high), share). Mean ~4.6: 10 M documents, ~2.15 M owners.
COUNT_SHARES: list[tuple[int | tuple[int, int], float]] = [
    (1, 0.30), (2, 0.20), (3, 0.15), (4, 0.10), (5, 0.08), ((6, 10), 0.10), ((11, 30), 0.062),
    ((31, 99), 0.0075), ((100, 400), 0.0005),
]  # fmt: skip
BUCKETS = ("1", "2", "3", "4", "5", "6-10", "11-30", "31-99", "100+")  # owners by their documents
DOSSIER_SIZES = [(1, 0.25), (2, 0.25), (3, 0.20), (4, 0.15), (5, 0.15)]  # stored documents per dossier
PROVINCES = ["020"] * 16 + ["001", "019", "024", "079"]  # CCCD province codes: mostly Lạng Sơn
SURNAMES = (["Nguyễn"] * 30 + ["Trần"] * 10 + ["Lê"] * 8 + ["Hoàng"] * 8 + ["Phạm"] * 6 + ["Vi"] * 5
            + ["Nông"] * 5 + ["Lương"] * 4 + ["Hà"] * 4 + ["Triệu"] * 4 + ["Đinh"] * 3 + ["Vũ"] * 3
            + ["Bùi"] * 3 + ["Lý"] * 3 + ["Lăng"] * 2 + ["Chu"] * 2)  # fmt: skip
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Kim", "Xuân", "Hồng"]
GIVENS = (  # by sex: male, female
    ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hùng", "Minh", "Nam", "Quân", "Sơn", "Tuấn", "Thắng"],
    [
        "An",
        "Giang",
        "Hà",
        "Hạnh",
        "Hoa",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Phương",
        "Thảo",
        "Trang",
        "Yến",
        "Hương",
    ],
)
DESK_NAMES = ["Hoàng Thị Mai", "Nông Văn Cường", "Lương Thu Trang"]  # reception officers of the 2nd agency
NUMBER_SPACE = 64 * 2 * 1_000_000  # birth years 1945..2008 x 2 sexes x 6-digit serials
NUMBER_MULTIPLIER = 2654435761  # odd, not a multiple of 5: i -> i * M + c is a bijection mod NUMBER_SPACE


def _pick(rng: random.Random, cumulative: list[float], values: Sequence[Any]) -> Any:
    return values[min(bisect.bisect_right(cumulative, rng.random()), len(values) - 1)]


def _cumulative(shares: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(shares))


# -------------------------------------------------------------------------------------------------- people


class People:
    """Person i: a unique 12-digit CCCD-like number, a name, a birth date, a phone; from i and the seed."""

    def __init__(self, seed: int) -> None:
        self.offset = (seed * 7919) % NUMBER_SPACE

    def _parts(self, i: int) -> tuple[int, int, int]:
        x = (i * NUMBER_MULTIPLIER + self.offset) % NUMBER_SPACE
        year = 1945 + x // 2_000_000
        return year, (x // 1_000_000) % 2, x % 1_000_000

    def number(self, i: int) -> str:
        year, sex, serial = self._parts(i)
        century_sex = (0 if year < 2000 else 2) + sex  # the 4th digit of a CCCD
        return f"{PROVINCES[(i * 40503) % len(PROVINCES)]}{century_sex}{year % 100:02d}{serial:06d}"

    def name(self, i: int) -> str:
        h = (i * 2246822519 + 3266489917) & 0xFFFFFFFF
        _, sex, _ = self._parts(i)
        middle = "Thị" if sex else MIDDLES[(h >> 8) % len(MIDDLES)]
        return f"{SURNAMES[h % len(SURNAMES)]} {middle} {GIVENS[sex][(h >> 16) % len(GIVENS[sex])]}"

    def birth(self, i: int) -> dt.date:
        year, _, serial = self._parts(i)
        return dt.date(year, 1, 1) + dt.timedelta(days=serial % 365)

    def phone(self, i: int) -> str:
        return f"09{(i * 97 + 12345678) % 100_000_000:08d}"


# ------------------------------------------------------------------------------------------------- setup


def cmd_setup(args: argparse.Namespace) -> int:
    """The minimal world (ORM) the generator refers to, in setup.json."""
    django_setup()
    from decimal import Decimal

    from django.db import transaction

    from motcua.accounts.models import Role, RoleAssignment, User
    from motcua.agencies.models import Agency, AgencyKind
    from motcua.catalog.models import (
        ChannelTerm,
        Component,
        Field,
        Procedure,
        ProcedureAssignment,
        ProcedureVersion,
    )
    from motcua.catalog.parsing import fold
    from motcua.catalog.services import search_text_for
    from motcua.datastore import kinds, services

    problems = [
        f"{name!r} classifies as {kinds.classify(name)!r}, not {kind!r}"
        for name, kind in COMPONENTS
        if kinds.classify(name) != kind
    ]
    problems += [
        f"title {title!r} classifies as {kinds.classify(title)!r}, not {code!r}"
        for code, _, titles, _, _ in KIND_PLAN
        for title in titles
        if kinds.classify(title) != code
    ]
    unknown = {code for code, *_ in KIND_PLAN} - set(kinds.BY_CODE)
    if unknown:
        problems.append(f"kinds unknown to motcua.datastore.kinds: {sorted(unknown)}")
    if problems:
        raise SystemExit(
            "setup: the bench's vocabulary no longer matches kinds.classify: " + "; ".join(problems)
        )
    t = time.perf_counter()
    with transaction.atomic():
        agencies = [
            Agency.objects.create(identifier=ident, name=name, kind=AgencyKind.COMMUNE_COMMITTEE)
            for ident, name, _ in AGENCIES
        ]
        official = User(
            username="tiepnhan.dongkinh.bench", full_name="Lương Thị Hạnh", kind=User.Kind.OFFICIAL
        )
        official.set_unusable_password()  # token auth only
        official.save()
        RoleAssignment.objects.create(user=official, agency=agencies[0], role=Role.RECEPTION_OFFICER)
        field, _ = Field.objects.get_or_create(name="Đăng ký, quản lý cư trú", defaults={"slug": "cu-tru"})
        procedure = Procedure.objects.create(
            code=PROCEDURE_CODE,
            name=PROCEDURE_NAME,
            name_folded=fold(PROCEDURE_NAME),
            field=field,
            at_commune=True,
        )
        version = ProcedureVersion.objects.create(
            procedure=procedure, number=1, content_hash="bench", name=PROCEDURE_NAME
        )
        ChannelTerm.objects.create(
            version=version,
            channel="online",
            duration_value=7,
            duration_unit="working_days",
            duration_text="07 Ngày làm việc",
            working_hours=Decimal(56),
            fee_amount=Decimal(0),
            fee_is_specified=True,
        )
        components = [
            Component.objects.create(version=version, order=n, name=name, originals=1)
            for n, (name, _) in enumerate(COMPONENTS, 1)
        ]
        procedure.current_version = version
        procedure.search_folded = search_text_for(procedure=procedure, version=version)
        procedure.save()
        for agency in agencies:
            ProcedureAssignment.objects.create(
                procedure=procedure, agency=agency, valid_from=dt.date(2020, 1, 1)
            )
        kind_rows = {spec.code: services.document_kind(spec.code) for spec in kinds.KINDS}
    out = {
        "seed": args.seed,
        "setup_s": round(time.perf_counter() - t, 2),
        "agencies": [
            {"id": a.pk, "identifier": a.identifier, "name": a.name, "share": share}
            for a, (_, _, share) in zip(agencies, AGENCIES, strict=True)
        ],
        "official": {"id": official.pk, "username": official.username, "name": official.full_name},
        "procedure": {"id": procedure.pk, "code": procedure.code, "version_id": version.pk},
        "components": [{"id": c.pk, "name": c.name, "kind": kinds.classify(c.name)} for c in components],
        "kinds": {
            code: {"id": k.pk, "retention_years": k.retention_years, "reusable": k.is_reusable}
            for code, k in kind_rows.items()
        },
    }
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    say(f"  {len(agencies)} agencies, procedure {PROCEDURE_CODE} with {len(components)} components, "
        f"{len(kind_rows)} document kinds, official {official.username}")  # fmt: skip
    return 0


# ---------------------------------------------------------------------------------------------- generate

DOSSIER_COLUMNS = (
    "id", "code", "status", "channel", "procedure_id", "procedure_version_id", "receiving_agency_id",
    "processing_agency_id", "applicant_kind", "applicant_name", "applicant_id_number", "applicant_birth_date",
    "applicant_phone", "applicant_email", "applicant_address", "submitted_by_name", "created_at",
    "submitted_at", "received_at", "received_by_id", "due_at", "original_due_at", "finished_at",
    "returned_at", "outcome", "supplement_rounds", "apologies", "fee_amount", "is_immediate",
    "is_transferred", "rating_comment", "updated_at",
)  # fmt: skip
FILE_COLUMNS = (
    "id", "dossier_id", "kind", "component_id", "label", "file", "version", "is_current", "content_type",
    "size", "sha256", "uploaded_by_id", "uploaded_at",
)  # fmt: skip
STORE_COLUMNS = (
    "id", "owner_kind", "owner_number", "owner_name", "kind_id", "title", "issuing_body", "issued_on",
    "expires_on", "origin", "file", "sha256", "size", "page_count", "dossier_id", "source_file_id",
    "agency_id", "filed_by_id", "filed_at", "signer_name", "signed_at", "retain_until",
)  # fmt: skip
COLUMNS = {DOSSIERS: DOSSIER_COLUMNS, FILES: FILE_COLUMNS, STORE: STORE_COLUMNS}
NULL = "\\N"


def _workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class Generator:
    """The load's rows in time order: per dossier its row, then per document a file and a stored document."""

    def __init__(self, setup: dict[str, Any], seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.people = People(seed)
        self.agencies = setup["agencies"]
        self.official = setup["official"]
        self.procedure = setup["procedure"]
        self.kinds = setup["kinds"]
        self.component_by_kind = {c["kind"]: c["id"] for c in setup["components"] if c["kind"] != "to-khai"}
        self.component_by_kind["to-khai"] = setup["components"][0]["id"]
        self.kind_cum = _cumulative([share for _, share, *_ in KIND_PLAN])
        self.count_cum = _cumulative([share for _, share in COUNT_SHARES])
        self.size_cum = _cumulative([share for _, share in DOSSIER_SIZES])
        self.days = _workdays(FIRST_DAY, LAST_DAY)
        self.day_codes = [d.strftime("%y%m%d") for d in self.days]
        # local midnight of each working day, in UTC
        self.day_utc = [dt.datetime.combine(d, dt.time(), tzinfo=LOCAL).astimezone(UTC) for d in self.days]
        self.end_utc = dt.datetime.combine(LAST_DAY, dt.time(18), tzinfo=LOCAL).astimezone(UTC)
        self.histogram: Counter[str] = Counter()
        self.persons = 0
        self.order = array("q")

    # -- who owns how many documents, in which dossiers, in which order
    def _count(self) -> int:
        value = _pick(self.rng, self.count_cum, [v for v, _ in COUNT_SHARES])
        return value if isinstance(value, int) else self.rng.randint(*value)

    def _dossiers_of(self, person: int, count: int) -> None:
        sizes = [v for v, _ in DOSSIER_SIZES]
        while count > 0:
            size = min(count, _pick(self.rng, self.size_cum, sizes))
            self.order.append(person * 8 + size)
            count -= size

    @staticmethod
    def _bucket(count: int) -> str:
        for bucket, high in zip(BUCKETS, (1, 2, 3, 4, 5, 10, 30, 99), strict=False):
            if count <= high:
                return bucket
        return BUCKETS[-1]

    def plan(self, rows: int) -> None:
        """Person 0 is the measured citizen, 1 the heavy owner; then persons until ``rows`` documents."""
        if rows < MEASURED_DOCS + HEAVY_DOCS + 100:
            raise SystemExit(f"--rows must be at least {MEASURED_DOCS + HEAVY_DOCS + 100}")
        self._dossiers_of(0, MEASURED_DOCS)
        self._dossiers_of(1, HEAVY_DOCS)
        self.histogram[self._bucket(MEASURED_DOCS)] += 1
        self.histogram[self._bucket(HEAVY_DOCS)] += 1
        total, person = MEASURED_DOCS + HEAVY_DOCS, 2
        while total < rows:
            count = min(self._count(), rows - total)
            self._dossiers_of(person, count)
            self.histogram[self._bucket(count)] += 1
            total += count
            person += 1
        self.persons = person
        self.rng.shuffle(self.order)  # dossiers arrive in random owner order

    # -- one kind's dates: (issued_on, expires_on) as ordinals (0: none)
    def _validity(self, code: str, filed: int, birth: int, result: bool) -> tuple[int, int]:
        rng = self.rng
        if result:
            issued = filed
        elif code in ("khai-sinh", "chung-sinh"):
            issued = birth + rng.randint(1, 30)
        elif code == "can-cuoc":
            issued = filed - rng.randint(0, 3650)
        elif code in ("hon-nhan", "cu-tru", "to-khai", "uy-quyen"):
            issued = filed - rng.randint(0, 40)
        else:
            issued = filed - rng.randint(30, 5000)
        issued = max(issued, birth)
        if code == "can-cuoc":  # card validity up to the next age step: 5 to 20 years
            return issued, issued + rng.choice((5, 10, 15, 20)) * 365
        if code == "hon-nhan":  # valid six months
            return issued, issued + 182
        if code == "cu-tru":
            return issued, issued + 180 if rng.random() < 0.6 else 0
        if code == "xay-dung":  # construction must start within twelve months
            return issued, issued + 365
        if code == "uy-quyen":
            return issued, issued + rng.choice((1, 2, 5)) * 365 if rng.random() < 0.7 else 0
        return issued, 0

    def rows(
        self, batch: int, bases: dict[str, int], blanks: dict[str, dict[str, str]]
    ) -> Iterator[dict[str, Any]]:
        """Batches of COPY text (about ``batch`` stored documents each) for the three tables; ``blanks``:
        values of columns added to the tables since this was written (see _blank_columns)."""
        extra_d, extra_f, extra_s = ("".join(f"\t{v}" for v in blanks.get(t, {}).values()) for t in TABLES)
        rng, people, order = self.rng, self.people, self.order
        n_days, n_dossiers = len(self.days), len(self.order)
        kinds_plan = [
            (code, self.kinds[code]["id"], titles, result_share, issuers, self.kinds[code]["retention_years"])
            for code, _, titles, result_share, issuers in KIND_PLAN
        ]
        agencies = [(a["id"], a["identifier"], a["name"], n == 0) for n, a in enumerate(self.agencies)]
        share0 = self.agencies[0]["share"]
        official_id, official_name = self.official["id"], self.official["name"]
        proc_id, version_id = self.procedure["id"], self.procedure["version_id"]
        dossier_id, file_id, doc_id = bases[DOSSIERS], bases[FILES], bases[STORE]
        counters: list[int] = [0, 0]
        current_day = -1
        out: dict[str, list[str]] = {DOSSIERS: [], FILES: [], STORE: []}
        docs_in_batch = 0
        minute = dt.timedelta(minutes=1)
        for j in range(n_dossiers):
            person, size = divmod(order[j], 8)
            # Time grows with j, denser towards the end (the store is used more every year): office hours.
            x = n_days * math.sqrt((j + rng.random()) / n_dossiers)
            d = min(int(x), n_days - 1)
            if d != current_day:
                counters = [0, 0]
                current_day = d
            a = 0 if rng.random() < share0 else 1
            agency_id, ident, agency_name, is_main = agencies[a]
            counters[a] += 1
            received = self.day_utc[d] + dt.timedelta(seconds=27000 + (x - int(x)) * 34200)
            term = rng.randint(3, 15)
            due = received + dt.timedelta(days=term)
            finished = received + dt.timedelta(days=term * (0.3 + 0.75 * rng.random()))
            returned = min(finished + dt.timedelta(hours=rng.random() * 48), self.end_utc)
            finished = min(finished, returned)
            outcome = (
                "early" if finished.astimezone(LOCAL).date() < due.astimezone(LOCAL).date() else "on_time"
            )
            online = rng.random() < 0.3
            created = received - dt.timedelta(minutes=rng.randint(1, 600 if online else 20))
            number, name = people.number(person), people.name(person)
            birth = people.birth(person)
            received_s, returned_s = received.isoformat(), returned.isoformat()
            out[DOSSIERS].append(
                f"{dossier_id}\t{ident}-{self.day_codes[d]}-{counters[a]:04d}\t10\t{2 if online else 1}\t"
                f"{proc_id}\t{version_id}\t{agency_id}\t{agency_id}\tperson\t{name}\t{number}\t"
                f"{birth.isoformat()}\t{people.phone(person)}\t\tphường Đông Kinh, tỉnh Lạng Sơn\t\t"
                f"{created.isoformat()}\t{created.isoformat() if online else received_s}\t{received_s}\t"
                f"{official_id if is_main else NULL}\t{due.isoformat()}\t{due.isoformat()}\t"
                f"{finished.isoformat()}\t{returned_s}\t{outcome}\t0\t0\t0\tf\tf\t\t{returned_s}{extra_d}\n"
            )
            filed_day = self.days[d].toordinal()
            returned_day = returned.astimezone(LOCAL).date().toordinal()
            birth_day = birth.toordinal()
            for k in range(size):
                code, kind_id, titles, result_share, issuers, retention = _pick(
                    rng, self.kind_cum, kinds_plan
                )
                result = rng.random() < result_share
                if result:
                    filed, filed_on = returned, returned_day
                    title, issuer = titles[0], agency_name
                    signer, signed = agency_name, returned - dt.timedelta(hours=rng.random() * 20)
                    uploaded_by = filed_by = official_id if is_main else NULL
                    file_kind, component, label = "result", NULL, f"Kết quả: {PROCEDURE_NAME}"
                    file_name = "ket-qua"
                else:
                    filed, filed_on = received + (k + 1) * rng.randint(1, 4) * minute, filed_day
                    title, issuer = titles[rng.randrange(len(titles))], issuers[rng.randrange(len(issuers))]
                    signer = official_name if is_main else DESK_NAMES[person % len(DESK_NAMES)]
                    signed = filed
                    uploaded_by = filed_by = official_id if is_main else NULL
                    file_kind, component, label = "input", self.component_by_kind.get(code, NULL), title
                    file_name = "so-hoa"
                issued, expires = self._validity(code, filed_on, birth_day, result)
                sha = hashlib.sha256(
                    doc_id.to_bytes(8, "little") + self.seed.to_bytes(8, "little")
                ).hexdigest()
                size_b = rng.randint(60_000, 2_500_000)
                local = filed.astimezone(LOCAL)
                folder = f"{local.year}/{local.month:02d}"
                filed_s = filed.isoformat()
                retain = (
                    dt.date.fromordinal(filed_on + round(retention * 365.25)).isoformat()
                    if retention
                    else NULL
                )
                out[FILES].append(
                    f"{file_id}\t{dossier_id}\t{file_kind}\t{component}\t{label}\t"
                    f"dossiers/{folder}/{file_name}_{sha[:7]}.pdf\t1\tt\tapplication/pdf\t{size_b}\t{sha}\t"
                    f"{uploaded_by}\t{filed_s}{extra_f}\n"
                )
                out[STORE].append(
                    f"{doc_id}\tperson\t{number}\t{name}\t{kind_id}\t{title}\t{issuer}\t"
                    f"{dt.date.fromordinal(issued).isoformat()}\t"
                    f"{dt.date.fromordinal(expires).isoformat() if expires else NULL}\t"
                    f"{'result' if result else 'digitised'}\tstore/{folder}/{number}-{code}_{sha[7:14]}.pdf\t"
                    f"{sha}\t{size_b}\t{1 + size_b // 400_000}\t{dossier_id}\t{file_id}\t{agency_id}\t"
                    f"{filed_by}\t{filed_s}\t{signer}\t{signed.isoformat()}\t{retain}{extra_s}\n"
                )
                file_id += 1
                doc_id += 1
            dossier_id += 1
            docs_in_batch += size
            if docs_in_batch >= batch or j == n_dossiers - 1:
                yield {table: "".join(lines) for table, lines in out.items()} | {
                    "docs": docs_in_batch,
                    "dossiers": len(out[DOSSIERS]),
                }
                out = {DOSSIERS: [], FILES: [], STORE: []}
                docs_in_batch = 0


def _conninfo() -> dict[str, Any]:
    from django.db import connection

    s = connection.settings_dict
    return {
        "dbname": s["NAME"],
        "user": s["USER"] or None,
        "password": s["PASSWORD"] or None,
        "host": s["HOST"] or None,
        "port": s["PORT"] or None,
    }


class CopyWriter(threading.Thread):
    """COPYs the batches on a connection of its own while the main thread generates the next batch."""

    def __init__(self, blanks: dict[str, dict[str, str]]) -> None:
        super().__init__(daemon=True)
        self.columns = {table: [*COLUMNS[table], *blanks.get(table, {})] for table in TABLES}
        self.batches: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=1)  # bounded memory
        self.conninfo = _conninfo()
        self.error: BaseException | None = None
        self.timings: list[dict[str, Any]] = []
        self.copied = Counter[str]()

    def run(self) -> None:
        import psycopg

        try:
            with psycopg.connect(**self.conninfo, autocommit=True) as conn:
                conn.execute("SET synchronous_commit = off")  # this session only
                while (item := self.batches.get()) is not None:
                    t = time.perf_counter()
                    with conn.transaction(), conn.cursor() as cursor:
                        for table in TABLES:
                            sql = f"COPY {table} ({', '.join(self.columns[table])}) FROM STDIN"
                            with cursor.copy(sql) as copy:
                                copy.write(item[table])
                    self.copied[STORE] += item["docs"]
                    self.copied[DOSSIERS] += item["dossiers"]
                    self.timings.append({"docs": item["docs"], "copy_s": round(time.perf_counter() - t, 2)})
        except BaseException as exc:  # reported by the main thread
            self.error = exc

    def put(self, item: dict[str, Any] | None) -> None:
        while True:
            if self.error is not None or not self.is_alive():
                raise SystemExit(f"COPY failed: {self.error!r}")
            try:
                self.batches.put(item, timeout=1)
                return
            except queue.Full:
                continue


def _schema(cursor: Any) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The three tables' secondary indexes (name -> definition; not those of a constraint) and foreign keys
    (name -> (table, definition))."""
    cursor.execute(
        """SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
           JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
           WHERE t.relname = ANY(%s) AND NOT EXISTS (
             SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
             AND k.contype IN ('p', 'u', 'x'))
           ORDER BY 1""",
        [list(TABLES)],
    )
    indexes = dict(cursor.fetchall())
    cursor.execute(
        """SELECT k.conname, t.relname, pg_get_constraintdef(k.oid) FROM pg_constraint k
           JOIN pg_class t ON t.oid = k.conrelid WHERE t.relname = ANY(%s) AND k.contype = 'f' ORDER BY 1""",
        [list(TABLES)],
    )
    fks = {name: (table, ddl) for name, table, ddl in cursor.fetchall()}
    return indexes, fks


def _blank_columns(cursor: Any) -> dict[str, dict[str, str]]:
    """NOT NULL columns without a default that the generator does not write (a field added while the app is
    edited): text '' and booleans false, as Django would save them; any other such column stops the load."""
    blanks: dict[str, dict[str, str]] = {}
    for table in TABLES:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        for column, data_type in cursor.fetchall():
            if column in COLUMNS[table]:
                continue
            if data_type in ("character varying", "text"):
                blanks.setdefault(table, {})[column] = ""
            elif data_type == "boolean":
                blanks.setdefault(table, {})[column] = "f"
            else:
                raise SystemExit(
                    f"{table}.{column} ({data_type}, NOT NULL, no default) is unknown to the generator"
                )
    return blanks


def _rebuild_indexes(indexes: dict[str, str], maintenance_work_mem: str, parallel: int) -> dict[str, float]:
    """CREATE INDEX from the saved definitions, ``parallel`` connections at a time (biggest tables first)."""
    import psycopg

    work = queue.Queue[tuple[str, str]]()
    order = {STORE: 0, FILES: 1, DOSSIERS: 2}
    for name, ddl in sorted(
        indexes.items(), key=lambda kv: min((order[t] for t in TABLES if f"{t} USING" in kv[1]), default=3)
    ):
        work.put((name, ddl))
    built: dict[str, float] = {}
    errors: list[str] = []

    def builder() -> None:
        try:
            with psycopg.connect(**_conninfo(), autocommit=True) as conn:
                conn.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
                conn.execute("SET max_parallel_maintenance_workers = 0")  # one process per build, 2 builds
                while True:
                    try:
                        name, ddl = work.get_nowait()
                    except queue.Empty:
                        return
                    t = time.perf_counter()
                    conn.execute(ddl)
                    built[name] = round(time.perf_counter() - t, 2)
                    say(f"  index {name}: {built[name]} s")
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=builder) for _ in range(parallel)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors or set(built) != set(indexes):
        raise SystemExit(f"index rebuild failed: {errors}; built {sorted(built)} of {sorted(indexes)}")
    return built


def cmd_generate(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection

    setup = json.loads(Path(args.setup).read_text())
    gen = Generator(setup, args.seed)
    t_all = time.perf_counter()
    t = time.perf_counter()
    gen.plan(args.rows)
    plan_s = round(time.perf_counter() - t, 2)
    say(f"  plan: {args.rows:,} documents, {gen.persons:,} owners, {len(gen.order):,} dossiers ({plan_s} s)")
    out: dict[str, Any] = {
        "rows": args.rows,
        "seed": args.seed,
        "persons": gen.persons,
        "dossiers": len(gen.order),
        "owners_by_documents": {b: gen.histogram[b] for b in BUCKETS if gen.histogram[b]},
        "measured_docs": MEASURED_DOCS,
        "heavy_docs": HEAVY_DOCS,
        "plan_s": plan_s,
        "first_day": FIRST_DAY.isoformat(),
        "last_day": LAST_DAY.isoformat(),
        "batch": args.batch,
    }
    with connection.cursor() as c:
        cursor = c.cursor  # psycopg's own cursor
        blanks = _blank_columns(cursor)
        out["blank_filled_columns"] = blanks
        if blanks:
            say(f"  columns the generator does not know (NOT NULL, no default), filled blank: {blanks}")
        bases = {}
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            bases[table] = cursor.fetchone()[0]
        indexes, fks = _schema(cursor)
        out["dropped_for_load"] = {"indexes": indexes, "foreign_keys": {k: list(v) for k, v in fks.items()}}
        for name, (table, _) in fks.items():
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name in indexes:
            cursor.execute(f"DROP INDEX {name}")
        say(f"  dropped {len(indexes)} secondary indexes and {len(fks)} foreign keys of {', '.join(TABLES)} "
            "for the load (rebuilt from their definitions afterwards)")  # fmt: skip

    writer = CopyWriter(blanks)
    writer.start()
    t_load = time.perf_counter()
    generated, n_batches = 0, 0
    gen_s = 0.0
    batches = gen.rows(args.batch, bases, blanks)
    while True:
        t = time.perf_counter()
        item = next(batches, None)
        gen_s += time.perf_counter() - t
        writer.put(item)
        if item is None:
            break
        generated += item["docs"]
        n_batches += 1
        if n_batches % 10 == 0 or generated >= args.rows:
            elapsed = time.perf_counter() - t_load
            say(f"  {generated:>11,} / {args.rows:,} documents generated, {writer.copied[STORE]:,} copied "
                f"({elapsed:.0f} s, {generated / elapsed:,.0f} docs/s)")  # fmt: skip
    writer.join()
    if writer.error is not None:
        raise SystemExit(f"COPY failed: {writer.error!r}")
    copy_total = round(time.perf_counter() - t_load, 2)
    out["load"] = {
        "seconds": copy_total,
        "generate_cpu_s": round(gen_s, 2),
        "copy_s_sum": round(sum(b["copy_s"] for b in writer.timings), 2),
        "batches": len(writer.timings),
        "documents_per_s": round(args.rows / copy_total),
        "generator_max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    say(f"  COPY done: {copy_total} s ({out['load']['documents_per_s']:,} documents/s with their dossier "
        f"files and dossiers); generator max RSS {out['load']['generator_max_rss_mib']} MiB")  # fmt: skip

    t = time.perf_counter()
    out["index_build_s"] = _rebuild_indexes(indexes, args.maintenance_work_mem, args.parallel)
    out["index_rebuild_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    fk_s: dict[str, float] = {}
    with connection.cursor() as c:
        cursor = c.cursor
        cursor.execute("SET work_mem = '256MB'")  # the validating anti-joins hash in memory
        for name, (table, ddl) in fks.items():
            t1 = time.perf_counter()
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {ddl}")
            fk_s[name] = round(time.perf_counter() - t1, 2)
        cursor.execute("RESET work_mem")
        out["foreign_key_s"] = fk_s
        out["foreign_keys_rebuild_s"] = round(time.perf_counter() - t, 2)
        say(f"  {len(fks)} foreign keys added back and validated in {out['foreign_keys_rebuild_s']} s")
        after = _schema(cursor)
        out["schema_restored"] = after == (indexes, fks)
        if not out["schema_restored"]:
            raise SystemExit(f"schema differs after the rebuild: {after} != {(indexes, fks)}")
        for table in TABLES:  # the identity sequences continue after the loaded ids
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        t = time.perf_counter()
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
        out["vacuum_analyze_s"] = round(time.perf_counter() - t, 2)
        say(f"  VACUUM (ANALYZE) {out['vacuum_analyze_s']} s")
        out["total_s"] = round(time.perf_counter() - t_all, 2)

        def one(sql: str, params: Sequence[Any] = ()) -> Any:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

        sizes: dict[str, Any] = {}
        for table in TABLES:
            cursor.execute(
                "SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes "
                "WHERE relname = %s ORDER BY 2 DESC",
                [table],
            )
            idx = cursor.fetchall()
            sizes[table] = {
                "rows": one(f"SELECT count(*) FROM {table}"),
                "table_bytes": one("SELECT pg_table_size(%s)", [table]),
                "indexes_bytes": one("SELECT pg_indexes_size(%s)", [table]),
                "table": one("SELECT pg_size_pretty(pg_table_size(%s))", [table]),
                "indexes": one("SELECT pg_size_pretty(pg_indexes_size(%s))", [table]),
                "index_sizes": {name: _pretty(size) for name, size in idx},
            }
        out["sizes"] = sizes
        out["database_size"] = one("SELECT pg_size_pretty(pg_database_size(current_database()))")
        today = dt.datetime.now(UTC).astimezone(LOCAL).date()
        cursor.execute(
            f"""SELECT count(*), count(*) FILTER (WHERE expires_on IS NOT NULL),
                       count(*) FILTER (WHERE expires_on < %s), count(*) FILTER (WHERE origin = 'result'),
                       min(filed_at), max(filed_at) FROM {STORE}""",
            [today],
        )
        total, with_expiry, expired, results, first, last = cursor.fetchone()
        out["documents"] = {
            "total": total,
            "with_expiry": with_expiry,
            "expired_today": expired,
            "results": results,
            "digitised": total - results,
            "filed_from": first.isoformat(),
            "filed_to": last.isoformat(),
        }
        people = gen.people
        out["owners"] = {}
        for label, i in (("citizen", 0), ("heavy", 1)):
            number = people.number(i)
            cursor.execute(
                f"""SELECT count(*), count(*) FILTER (WHERE k.is_reusable AND (s.expires_on IS NULL
                    OR s.expires_on >= %s)), count(*) FILTER (WHERE s.expires_on < %s)
                    FROM {STORE} s JOIN datastore_documentkind k ON k.id = s.kind_id
                    WHERE s.owner_kind = 'person' AND s.owner_number = %s""",
                [today, today, number],
            )
            n, valid, expired_n = cursor.fetchone()
            out["owners"][label] = {
                "person": i,
                "number": number,
                "name": people.name(i),
                "documents": n,
                "valid_reusable": valid,
                "expired": expired_n,
            }
        summary = {k: out[k] for k in ("documents", "owners", "database_size")}
        say(f"  {json.dumps(summary, ensure_ascii=False)}")
        for table, s in sizes.items():
            say(f"  {table}: {s['rows']:,} rows, table {s['table']}, indexes {s['indexes']}")
            say(f"    {s['index_sizes']}")
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


def _pretty(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 10240 or unit == "GB":
            return f"{n} {unit}"
        n //= 1024
    return str(n)


# ------------------------------------------------------------------------------------------------- users


def cmd_users(args: argparse.Namespace) -> int:
    """The measured accounts, their API tokens and drafts; secrets go to the scratch folder only."""
    django_setup()
    from django.db import transaction

    from motcua.accounts.models import User
    from motcua.accounts.tokens import api_token_create
    from motcua.agencies.models import Agency
    from motcua.catalog.models import Procedure
    from motcua.dossiers.services import Applicant, dossier_create_draft

    setup = json.loads(Path(args.setup).read_text())
    gen = json.loads(Path(args.gen).read_text())
    people = People(setup["seed"])
    official = User.objects.get(pk=setup["official"]["id"])
    procedure = Procedure.objects.get(pk=setup["procedure"]["id"])
    agency = Agency.objects.get(pk=setup["agencies"][0]["id"])
    rng = random.Random(setup["seed"] + 1)
    persons = gen["persons"]
    outsider = persons + 1000  # beyond the generated persons: no document in the store
    sampled = rng.sample(range(2, persons), min(args.sampled, persons - 2))
    t = time.perf_counter()

    def account(username: str, person: int, *, draft: bool) -> dict[str, Any]:
        user = User(username=username, full_name=people.name(person), id_number=people.number(person))
        user.set_unusable_password()
        user.save()
        _, secret = api_token_create(user=user, name="bench store-10m", actor=official)
        row: dict[str, Any] = {
            "username": username,
            "person": person,
            "number": user.id_number,
            "token": secret,
        }
        if draft:
            dossier = dossier_create_draft(
                procedure=procedure,
                agency=agency,
                owner=user,
                applicant=Applicant(name=user.full_name, id_number=user.id_number or "", phone="0912000001"),
            )
            row["draft_id"] = dossier.pk
        return row

    with transaction.atomic():
        out = {
            "citizen": account("congdan.bench", 0, draft=True),
            "heavy": account("congdan.nhieugiayto", 1, draft=True),
            "nodocs": account("congdan.chuacogiayto", outsider, draft=True),
            "sampled": [account(f"congdan.{p}", p, draft=False) for p in sampled],
        }
    out["seconds"] = round(time.perf_counter() - t, 2)
    path = Path(args.out)
    path.touch(mode=0o600)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2))
    say(f"  {3 + len(sampled)} citizen accounts with API tokens, 3 drafts ({out['seconds']} s)")
    return 0


# -------------------------------------------------------------------------------------------------- HTTP

LISTING = "/api/v1/store"


def _offers(draft_id: int) -> str:
    return f"/api/v1/store/dossiers/{draft_id}/offers"


def endpoints(users: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> {"items": [(path, token)], "fresh": each request another owner, "label": what it is}."""
    c, h, n = users["citizen"], users["heavy"], users["nodocs"]
    return {
        "(a) store listing, citizen": {
            "items": [(LISTING, c["token"])],
            "what": f"GET {LISTING} as the measured citizen ({MEASURED_DOCS} documents)",
        },
        "(b) store listing, heavy owner": {
            "items": [(LISTING, h["token"])],
            "what": f"GET {LISTING} as an owner of {HEAVY_DOCS} documents (the API returns at most 500)",
        },
        "(c) reuse lookup, citizen's draft": {
            "items": [(_offers(c["draft_id"]), c["token"])],
            "what": f"GET {_offers(c['draft_id'])}: the citizen's draft, applicant = the citizen's CCCD",
        },
        "(d) reuse lookup, no documents": {
            "items": [(_offers(n["draft_id"]), n["token"])],
            "what": "GET /api/v1/store/dossiers/{draft}/offers for an applicant without stored documents",
        },
        "(e) store listing, a new owner each request": {
            "items": [(LISTING, u["token"]) for u in users["sampled"]],
            "fresh": True,
            "what": f"GET {LISTING} as sampled owners, each once (pages not yet in shared_buffers; "
            "the token's first use also writes last_used_at)",
        },
    }


def _describe(path: str, body: bytes) -> dict[str, Any]:
    data = json.loads(body)
    if path == LISTING:
        return {"documents": len(data)}
    return {
        "components": len(data),
        "offered_documents": sum(len(o["documents"]) for o in data),
        "per_component": {o["component"]: len(o["documents"]) for o in data},
    }


def cmd_run(args: argparse.Namespace) -> int:
    _check_loopback(args.host)
    users = json.loads(Path(args.users).read_text())
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    results: dict[str, Any] = {"endpoints": {}, "preflight": {}, "what": {}}
    if args.master_pid:
        results["rss_before"] = worker_rss(args.master_pid)
    eps = endpoints(users)
    for name, ep in eps.items():  # preflight: HTTP 200 and what the response holds (also a warm-up)
        path, token = ep["items"][0]
        conn = http.client.HTTPConnection(args.host, args.port, timeout=REQUEST_TIMEOUT)
        t = time.perf_counter()
        status, body, _ = get(conn, path, bearer(token))
        ms = round((time.perf_counter() - t) * 1000, 1)
        conn.close()
        if status != 200:
            raise SystemExit(f"{name} {path}: HTTP {status} {body[:300]!r}")
        results["preflight"][name] = {"path": path, "first_request_ms": ms, "bytes": len(body)} | _describe(
            path, body
        )
        results["what"][name] = ep["what"]
        say(f"  {name:<44} {json.dumps(results['preflight'][name], ensure_ascii=False)}")
    for name, ep in eps.items():
        results["endpoints"][name] = {}
        pool = ep["items"][:-1] if ep.get("fresh") else ep["items"]  # the last fresh owner: for explain
        offset = 0
        for c in concurrencies:
            if ep.get("fresh"):  # every request another owner, never seen before in this run
                warm = pool[offset : offset + args.warmup]
                items = pool[offset + args.warmup : offset + args.warmup + args.requests]
                offset += args.warmup + args.requests
                if len(items) < args.requests:
                    raise SystemExit(f"{name}: {len(pool)} sampled owners are too few")
            else:
                warm, items = pool * args.warmup, pool * args.requests
            load_fixed(args.host, args.port, _with_token(warm), concurrency=c, cap_s=args.cap)
            sample, elapsed, capped = load_fixed(
                args.host, args.port, _with_token(items), concurrency=c, cap_s=args.cap
            )
            summary = summarise(sample, elapsed)
            summary["stopped_at_cap"] = capped
            results["endpoints"][name][str(c)] = summary
            say(
                f"  {name:<44} c={c}: {summary['requests']:>4} req {summary['requests_per_s']:>7} req/s  "
                f"p50 {summary['p50_ms']} ms  p95 {summary['p95_ms']} ms  p99 {summary['p99_ms']} ms  "
                f"errors {summary['errors']}{'  (stopped at the time cap)' if capped else ''}"
            )
    if args.master_pid:
        results["rss_after"] = worker_rss(args.master_pid)
        say(f"  gunicorn workers RSS: before {results['rss_before']['workers_rss_mib_total']} MiB, after "
            f"{results['rss_after']['workers_rss_mib_total']} MiB (max per worker "
            f"{results['rss_after']['workers_rss_mib_max']} MiB)")  # fmt: skip
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


# ----------------------------------------------------------------------------------------------- explain


def _with_token(items: Sequence[tuple[str, str]]) -> list[tuple[str, dict[str, str]]]:
    return [(path, bearer(token)) for path, token in items]


def _explain(cursor: Any, sql: str, repeat: int, store_indexes: set[str]) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) ``repeat`` times (the first run is the coldest), then once as text."""
    times, plans = [], []
    for _ in range(repeat):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        plans.append(plan)
        times.append(round(plan["Planning Time"] + plan["Execution Time"], 2))
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    text = [r[0] for r in cursor.fetchall()]
    nodes = plan_nodes(plans[-1]["Plan"])
    first = plan_nodes(plans[0]["Plan"])
    on_store = [n for n in nodes if n.get("Relation Name") == STORE or n.get("Index Name") in store_indexes]
    used = sorted({n["Index Name"] for n in on_store if "Index Name" in n})
    return {
        "total_ms_runs": times,
        "total_ms": sorted(times)[len(times) // 2],
        "planning_ms": round(plans[-1]["Planning Time"], 2),
        "execution_ms": round(plans[-1]["Execution Time"], 2),
        "first_run_shared_read_blocks": sum(n.get("Shared Read Blocks", 0) for n in first if n["depth"] == 0),
        "summary": plan_summary(nodes),
        "store_scans": [f"{n['Node Type']} {n.get('Index Name', '')}".strip() for n in on_store],
        "store_indexes_used": used,
        "store_seq_scan": any(n["Node Type"] == "Seq Scan" for n in on_store),
        "uses_expected_index": bool(set(used) & set(EXPECTED_INDEXES)),
        "nodes": nodes,
        "text": text,
    }


def _shape(sql: str) -> str:
    """The SQL with its literals replaced: repeated shapes are N+1 queries."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def cmd_explain(args: argparse.Namespace) -> int:
    django_setup()
    from django.db import connection
    from django.db.models import Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.core import clock
    from motcua.datastore import kinds, selectors
    from motcua.datastore.models import StoredDocument
    from motcua.dossiers.models import Dossier

    users = json.loads(Path(args.users).read_text())
    setup = json.loads(Path(args.setup).read_text())
    client = Client(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
    out: dict[str, Any] = {"server": {}, "requests": {}}
    with connection.cursor() as cursor:
        for setting in ("server_version", "shared_buffers", "work_mem", "effective_cache_size",
                        "random_page_cost", "autovacuum", "jit",
                        "max_parallel_workers_per_gather"):  # fmt: skip
            cursor.execute(f"SHOW {setting}")
            out["server"][setting] = cursor.fetchone()[0]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [STORE])
        store_indexes = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [STORE])
        out["store_index_definitions"] = dict(cursor.fetchall())

    eps = endpoints(users)
    # Row (e): an owner the HTTP run never asked for (the spare one); the others as measured.
    chosen = {name: ep["items"][-1] if ep.get("fresh") else ep["items"][0] for name, ep in eps.items()}
    for name, (path, token) in chosen.items():
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        fresh = bool(eps[name].get("fresh"))
        if not fresh:
            client.get(path, **auth)  # warm, as in the HTTP run
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            resp = client.get(path, **auth)
            wall = round((time.perf_counter() - t) * 1000, 1)
        if resp.status_code != 200:
            raise SystemExit(f"{name} {path}: HTTP {resp.status_code}")
        queries = [{"sql": q["sql"], "ms": round(float(q["time"]) * 1000, 2)} for q in ctx.captured_queries]
        shapes = Counter(_shape(q["sql"]) for q in queries)
        repeated = {shape: n for shape, n in shapes.items() if n > 1}
        entry: dict[str, Any] = {
            "path": path,
            "in_process_ms": wall,
            "queries": len(queries),
            "sql_ms": round(sum(q["ms"] for q in queries), 1),
            "repeated_query_shapes": {s[:300]: n for s, n in repeated.items()},
            "all_sql": queries,
            "store_queries": [],
        }
        say(f"\n#### {name} :: {path}  ({entry['queries']} SQL, {entry['sql_ms']} ms in SQL, {wall} ms "
            f"in-process{', an owner not asked for before' if fresh else ''})")  # fmt: skip
        for q in queries:
            say(f"-- {q['ms']:>7} ms  {q['sql'][:400]}")
        for shape, n in repeated.items():
            say(f"   !! the same query {n} times (N+1): {shape[:200]}")
        with connection.cursor() as cursor:
            for q in queries:
                if f'FROM "{STORE}"' not in q["sql"]:
                    continue
                ex = _explain(cursor, q["sql"], args.repeat, store_indexes)
                entry["store_queries"].append({"sql": q["sql"], "django_ms": q["ms"], "explain": ex})
                say(f"\n-- store query: {ex['total_ms']} ms (runs {ex['total_ms_runs']}); index used: "
                    f"{ex['store_indexes_used'] or 'none'}; seq scan: {ex['store_seq_scan']}")  # fmt: skip
                say(f"-- {q['sql']}")
                for line in ex["text"]:
                    say(f"   {line}")
        entry["store_indexes_used"] = sorted(
            {i for s in entry["store_queries"] for i in s["explain"]["store_indexes_used"]}
        )
        entry["store_seq_scan"] = any(s["explain"]["store_seq_scan"] for s in entry["store_queries"])
        entry["uses_expected_index"] = all(
            s["explain"]["uses_expected_index"] for s in entry["store_queries"]
        )
        out["requests"][name] = entry

    # The lookup's limit: reuse_offers takes the 200 newest valid documents of every kind, then keeps those of
    # the components' kinds; an owner with more than 200 valid documents can be offered fewer than they have.
    today = clock.today()
    kind_ids = {c["kind"]: setup["kinds"][c["kind"]]["id"] for c in setup["components"]}
    wanted = [k for k in kind_ids if k != kinds.OTHER and setup["kinds"][k]["reusable"]]
    out["offers_limit_check"] = {}
    for who in ("citizen", "heavy"):
        dossier = Dossier.objects.get(pk=users[who]["draft_id"])
        offered = {o.component.name: len(o.documents) for o in selectors.reuse_offers(dossier=dossier)}
        valid = selectors.valid_documents(owner_kind="person", owner_number=users[who]["number"], on=today)
        present = {
            c["name"]: valid.filter(kind_id=kind_ids[c["kind"]]).count() if c["kind"] in wanted else 0
            for c in setup["components"]
        }
        missed = {name: present[name] - offered.get(name, 0) for name in present}
        out["offers_limit_check"][who] = {
            "valid_reusable_documents": valid.count(),
            "offered_per_component": offered,
            "valid_per_component": present,
            "missed_per_component": missed,
            "missed_total": sum(missed.values()),
        }
        check = json.dumps(out["offers_limit_check"][who], ensure_ascii=False)
        say(f"\n#### offers' 200-row limit, {who}: {check}")

    # For comparison: the lookup restricted in SQL to the components' kinds (store_reuse_idx's shape).
    out["lookup_by_kind"] = {}
    for who in ("citizen", "heavy"):
        qs = (
            StoredDocument.objects.filter(
                owner_kind="person",
                owner_number=users[who]["number"],
                kind_id__in=[kind_ids[k] for k in wanted],
            )
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .select_related("kind", "agency", "dossier")
            .order_by("-filed_at")[:200]
        )
        with CaptureQueriesContext(connection) as ctx:
            rows = len(list(qs))
        sql = ctx.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            ex = _explain(cursor, sql, args.repeat, store_indexes)
        out["lookup_by_kind"][who] = {"rows": rows, "sql": sql, "explain": ex}
        say(f"\n#### comparison: the lookup with kind_id IN (the components' kinds), {who}: {rows} rows, "
            f"{ex['total_ms']} ms, index {ex['store_indexes_used']}\n-- {sql}")  # fmt: skip
        for line in ex["text"]:
            say(f"   {line}")
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0


# ------------------------------------------------------------------------------------------------ report


def cmd_report(args: argparse.Namespace) -> int:
    setup = json.loads(Path(args.setup).read_text())
    gen = json.loads(Path(args.gen).read_text())
    run = json.loads(Path(args.run).read_text())
    exp = json.loads(Path(args.explain).read_text())
    meta = json.loads(Path(args.meta).read_text())
    today = dt.datetime.now(UTC).astimezone().date().isoformat()
    index_check = {
        name: {
            "store_queries": len(req["store_queries"]),
            "store_indexes_used": req["store_indexes_used"],
            "seq_scan_on_store": req["store_seq_scan"],
            "uses_store_owner_idx_or_store_reuse_idx": req["uses_expected_index"],
            "plans": [s["explain"]["summary"] for s in req["store_queries"]],
        }
        for name, req in exp["requests"].items()
    }
    report = {
        "date": today,
        "machine": machine(),
        "git": git_state(),
        "versions": {
            "django": _version("django"),
            "django-ninja": _version("django-ninja"),
            "gunicorn": _version("gunicorn"),
            "psycopg": _version("psycopg"),
            "postgresql": meta.get("pg_version"),
        },
        "method": {
            "client": "bench/store_10m.py: Python threads, one http.client connection each, loopback, bearer "
            "tokens (accounts.tokens.api_token_create)",
            "server": "gunicorn motcua.config.wsgi:application, 2 sync workers, MOTCUA_ENV=production, "
            "DEBUG off",
            "requests": meta["requests"],
            "warmup_requests": meta["warmup"],
            "note": "client and server share the machine's cores; compare runs on the same machine only",
        },
        "meta": meta,
        "setup": {k: v for k, v in setup.items() if k != "seed"},
        "generation": gen,
        "http": run,
        "index_check": index_check,
        "explain": exp,
    }
    out = Path(args.out_dir) / f"store-{today}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print(markdown(report))
    say(f"\nResults written to {out}")
    return 0


def markdown(r: dict[str, Any]) -> str:
    m, g, h, e, meta = r["machine"], r["generation"], r["http"], r["explain"], r["meta"]
    s = g["sizes"]
    store, files, dossiers = s[STORE], s[FILES], s[DOSSIERS]
    load = g["load"]
    v, srv, docs, idx = r["versions"], e["server"], g["documents"], store["index_sizes"]
    head = [
        f"Document store, {r['date']}: {m['nproc']} CPU, {m['memory_mib']} MiB, PostgreSQL ",
        f"{v['postgresql']} (shared_buffers {srv['shared_buffers']}, work_mem {srv['work_mem']}, ",
        f"autovacuum {srv['autovacuum']}), ",
        f"Django {v['django']}, gunicorn {v['gunicorn']} (2 sync workers); {meta['requests']} requests per ",
        f"row after {meta['warmup']} warm-up requests; client on the same machine (loopback); load average ",
        f"{meta.get('loadavg_at_start')} at start (lock waited {meta.get('lock_wait_s')} s).",
    ]
    data = [
        f"Data: {store['rows']:,} stored documents of {g['persons']:,} persons ({docs['expired_today']:,} ",
        f"expired, {docs['results']:,} electronic results), {files['rows']:,} dossier files, ",
        f"{dossiers['rows']:,} dossiers; filed {docs['filed_from'][:10]} .. {docs['filed_to'][:10]}. ",
        f"Load (COPY, secondary indexes and foreign keys dropped): **{load['seconds']} s**, index rebuild ",
        f"{g['index_rebuild_s']} s, foreign keys {g['foreign_keys_rebuild_s']} s, VACUUM (ANALYZE) ",
        f"{g['vacuum_analyze_s']} s; total {g['total_s']} s. Sizes: store table {store['table']} + indexes ",
        f"{store['indexes']} (store_owner_idx {idx.get('store_owner_idx')}, store_reuse_idx ",
        f"{idx.get('store_reuse_idx')}), dossier files {files['table']} + {files['indexes']}, dossiers ",
        f"{dossiers['table']} + {dossiers['indexes']}; database {g['database_size']}.",
    ]
    lines = [
        "".join(head),
        "",
        "".join(data),
        "",
        "| Endpoint | Conc. | req/s | p50 ms | p95 ms | p99 ms | Errors | Size (bytes) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, by_c in h["endpoints"].items():
        for c, x in by_c.items():
            size = (
                f"{x['bytes_mean']:,}"
                if x["bytes_min"] == x["bytes_max"]
                else f"{x['bytes_min']:,}–{x['bytes_max']:,}"
            )
            lines.append(
                f"| {name} | {c} | {x['requests_per_s']:,} | {x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} | "
                f"{x['errors']} | {size} |"
            )
    if "rss_after" in h:
        lines += [
            "",
            f"gunicorn workers' RSS: {h['rss_before']['workers_rss_mib_total']} MiB before, "
            f"{h['rss_after']['workers_rss_mib_total']} MiB after (largest worker "
            f"{h['rss_after']['workers_rss_mib_max']} MiB).",
        ]
    lines += [
        "",
        "SQL per request (in-process) and EXPLAIN (ANALYZE, BUFFERS) of its store queries (median of runs):",
        "",
        "| Request | SQL queries | repeated (N+1) | Store query ms | Index | Seq scan | Plan |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for name, req in e["requests"].items():
        reps = max(req["repeated_query_shapes"].values(), default=1)
        for q in req["store_queries"] or [None]:
            if q is None:
                lines.append(f"| {name} | {req['queries']} | {reps} | – | – | – | no store query |")
                continue
            ex = q["explain"]
            used = ", ".join(ex["store_indexes_used"]) or "–"
            seq = "yes" if ex["store_seq_scan"] else "no"
            lines.append(
                f"| {name} | {req['queries']} | {reps} | {ex['total_ms']} | {used} | {seq} | "
                + f"{ex['summary'][:200]} |"
            )
    lines += ["", "Reuse lookup's 200-row limit (valid documents of the components' kinds vs offered):", ""]
    for who, chk in e["offers_limit_check"].items():
        lines.append(
            f"- {who}: {chk['valid_reusable_documents']} valid reusable documents; offered "
            f"{sum(chk['offered_per_component'].values())}, missed {chk['missed_total']} "
            f"({', '.join(f'{k}: {v}' for k, v in chk['missed_per_component'].items() if v) or 'none'})"
        )
    for who, cmp_ in e["lookup_by_kind"].items():
        lines.append(
            f"- comparison, {who}: the lookup with `kind_id IN (components' kinds)` returns {cmp_['rows']} "
            f"rows in {cmp_['explain']['total_ms']} ms via "
            f"{', '.join(cmp_['explain']['store_indexes_used']) or 'no index'}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("generate")
    p.add_argument("--setup", required=True)
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--batch", type=int, default=100_000)
    p.add_argument("--maintenance-work-mem", default="512MB")
    p.add_argument("--parallel", type=int, default=2, help="index builds at a time")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("users")
    p.add_argument("--setup", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--sampled", type=int, default=700)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("run")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--users", required=True)
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--concurrency", default="1,8")
    p.add_argument("--cap", type=float, default=240, help="seconds per row at most")
    p.add_argument("--master-pid", type=int, default=0)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("explain")
    p.add_argument("--setup", required=True)
    p.add_argument("--users", required=True)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("report")
    p.add_argument("--setup", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--explain", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "results"))
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
