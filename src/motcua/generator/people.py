"""Generated citizens: Vietnamese names (with the Tày and Nùng family names common in Lạng Sơn), 12-digit
ID numbers (căn cước: province 020, century-and-sex digit, year of birth, 6 digits), phones and addresses.

A citizen account is made for the pool; online dossiers belong to one of them, paper dossiers copy a
citizen's particulars without an owner. ID numbers and phones are unique (the user table says so): ones
already in the database are skipped. A ``Citizen``'s texts are kept as COPY text (``sink``), ready for the
dossier rows that copy them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from motcua.generator.sink import NULL, escape

FAMILY = (
    ("Nguyễn", 30),
    ("Hoàng", 12),
    ("Nông", 8),
    ("Lương", 6),
    ("Vi", 5),
    ("Triệu", 5),
    ("Lăng", 4),
    ("Hà", 4),
    ("Chu", 3),
    ("Mã", 3),
    ("Lộc", 3),
    ("Đinh", 3),
    ("Trần", 6),
    ("Lê", 5),
    ("Phạm", 3),
    ("Vũ", 2),
    ("Đặng", 2),
    ("Lý", 2),
    ("Tô", 1),
    ("Bế", 2),
)
MIDDLE_MALE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Thành", "Hữu", "Tiến", "Công")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương")
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam", "Phong",
    "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Hiếu", "Hoàng", "Kiên", "Lâm",
)  # fmt: skip
GIVEN_FEMALE = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc",
    "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Trang", "Uyên", "Vân", "Yến", "Huyền",
)  # fmt: skip
_FAMILY_NAMES = [name for name, _ in FAMILY]
_FAMILY_CUM = []
_total = 0
for _, _weight in FAMILY:
    _total += _weight
    _FAMILY_CUM.append(_total)

USER_COLUMNS = (
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
    "is_staff", "is_active", "date_joined", "kind", "full_name", "id_number", "phone", "date_of_birth",
    "address",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Citizen:
    user_id: int
    name: str
    id_number: str
    birth_date: str
    phone: str
    email: str
    address: str


def person_name(rng: random.Random) -> tuple[str, bool]:
    """A full name and whether it is a woman's."""
    family = rng.choices(_FAMILY_NAMES, cum_weights=_FAMILY_CUM)[0]
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}", True
    return f"{family} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}", False


def make_citizens(
    *,
    rng: random.Random,
    count: int,
    first_id: int,
    run: int,
    addresses: list[str],
    taken_ids: set[str],
    taken_phones: set[str],
    joined_text: str,
) -> tuple[list[Citizen], list[str]]:
    """``count`` citizens and their user rows as COPY lines (columns ``USER_COLUMNS``)."""
    password = escape(make_password(None))
    addresses = [escape(a) for a in addresses]
    citizens: list[Citizen] = []
    lines: list[str] = []
    serials: dict[str, int] = {}
    # A few thousand distinct names and birth dates among millions of citizens: one string object each.
    shared: dict[str, str] = {}
    phone_serial = rng.randrange(10_000_000)
    for k in range(count):
        name, woman = person_name(rng)
        name = shared.setdefault(name, name)
        year = rng.randint(1950, 2006)
        birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        birth = shared.setdefault(birth, birth)
        century = 0 if year < 2000 else 2
        head = f"020{century + int(woman)}{year % 100:02d}"
        while True:
            serial = serials.get(head, rng.randrange(1000)) + 1 + rng.randrange(7)
            serials[head] = serial
            id_number = f"{head}{serial % 1_000_000:06d}"
            if id_number not in taken_ids:
                break
        taken_ids.add(id_number)
        while True:
            phone_serial = (phone_serial + 1 + rng.randrange(5)) % 100_000_000
            phone = f"08{phone_serial:08d}"
            if phone not in taken_phones:
                break
        taken_phones.add(phone)
        username = f"g{run}c{k + 1}"
        email = f"{username}@example.vn"
        address = rng.choice(addresses)
        user_id = first_id + k
        citizens.append(Citizen(user_id, name, id_number, birth, phone, email, address))
        family, _, given = name.partition(" ")
        lines.append(
            f"{user_id}\t{password}\t{NULL}\tf\t{username}\t{given}\t{family}\t{email}\tf\tt\t{joined_text}\t"
            f"citizen\t{name}\t{id_number}\t{phone}\t{birth}\t{address}\n"
        )
    return citizens, lines
