"""Agency electronic identifiers (mã định danh) of Circular 10/2016/TT-BTTTT (QCVN 102:2016/BTTTT).

An identifier reads ``AAA.BB.CC.DDD``, from the lowest level to the highest:

* ``DDD`` – the top unit: one capital letter and two digits, e.g. ``H37`` (Lạng Sơn province);
* ``CC``  – a level-1 unit under the top unit (a department, a district committee, ...), ``01``–``99``;
* ``BB``  – a level-2 unit under that (e.g. a commune under a district), ``01``–``99``;
* ``AAA`` – a level-3 unit under that, ``001``–``999``.

``00``/``000`` mean "no unit at this level", so ``000.00.00.H37`` is the province itself (level 0) and
``000.00.12.H37`` one of its level-1 units. A lower level can only be set when every higher one is,
which is what makes ``parent()`` a matter of zeroing the lowest set part.

Error messages are in Vietnamese because they reach officials typing identifiers into forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["AgencyIdentifier", "InvalidIdentifierError"]

# [0-9] rather than \d: \d also matches other scripts' digits (e.g. full-width "１"), which int() accepts.
_PATTERN: Final = re.compile(
    r"(?P<level3>[0-9]{3})\.(?P<level2>[0-9]{2})\.(?P<level1>[0-9]{2})\.(?P<root>[A-Z][0-9]{2})"
)
_ROOT_PATTERN: Final = re.compile(r"[A-Z][0-9]{2}")
# Highest number each level can hold; index = level.
_MAX_NUMBER: Final = (0, 99, 99, 999)
_FORMAT_HINT: Final = "cần có dạng AAA.BB.CC.DDD, ví dụ 000.00.12.H37"


class InvalidIdentifierError(ValueError):
    """Raised for text or parts that do not form a valid agency identifier."""


@dataclass(frozen=True, order=True, slots=True, repr=False)
class AgencyIdentifier:
    """A parsed identifier; fields are ordered so that sorting groups units under their top unit."""

    root: str
    level1: int = 0
    level2: int = 0
    level3: int = 0

    def __post_init__(self) -> None:
        # Validate here rather than only in parse() so that no code path can build an impossible identifier.
        if not isinstance(self.root, str) or not _ROOT_PATTERN.fullmatch(self.root) or self.root[1:] == "00":
            raise InvalidIdentifierError(
                f"Mã đơn vị cấp trên cùng «{self.root}» không hợp lệ: cần một chữ cái in hoa và hai chữ số, "
                "ví dụ H37."
            )
        parts = (self.level1, self.level2, self.level3)
        for level, number in enumerate(parts, start=1):
            if not 0 <= number <= _MAX_NUMBER[level]:
                raise InvalidIdentifierError(
                    f"Số thứ tự cấp {level} là {number}, nằm ngoài khoảng 0–{_MAX_NUMBER[level]}."
                )
        for level in (2, 3):
            if parts[level - 1] and not parts[level - 2]:
                raise InvalidIdentifierError(
                    f"Mã định danh «{self._text()}» không hợp lệ: có đơn vị cấp {level} "
                    f"nhưng thiếu đơn vị cấp {level - 1} (phần đó đang là số 0)."
                )

    @classmethod
    def parse(cls, text: str) -> AgencyIdentifier:
        """Parse ``AAA.BB.CC.DDD``; surrounding spaces are ignored, anything else must match exactly."""
        if not isinstance(text, str):
            raise InvalidIdentifierError(
                f"Mã định danh phải là chuỗi ký tự, nhận được {type(text).__name__}."
            )
        match = _PATTERN.fullmatch(text.strip())
        if match is None:
            raise InvalidIdentifierError(f"Mã định danh «{text}» không hợp lệ: {_FORMAT_HINT}.")
        return cls(
            root=match["root"],
            level1=int(match["level1"]),
            level2=int(match["level2"]),
            level3=int(match["level3"]),
        )

    def __str__(self) -> str:
        return self._text()

    def __repr__(self) -> str:
        # Short enough to read in test failures and in the reprs of the specs that hold identifiers.
        return f"AgencyIdentifier.parse({self._text()!r})"

    def _text(self) -> str:
        return f"{self.level3:03d}.{self.level2:02d}.{self.level1:02d}.{self.root}"

    @property
    def level(self) -> int:
        """0 for the top unit itself, otherwise the lowest level that is set (1, 2 or 3)."""
        if self.level3:
            return 3
        if self.level2:
            return 2
        return 1 if self.level1 else 0

    def parent(self) -> AgencyIdentifier | None:
        """The identifier one level up, or ``None`` for the top unit."""
        if self.level == 0:
            return None
        return self._with_number(self.level, 0)

    def child(self, number: int) -> AgencyIdentifier:
        """The identifier of this unit's child numbered ``number`` (1–99, or 1–999 at level 3)."""
        child_level = self.level + 1
        if child_level > 3:
            raise InvalidIdentifierError(
                f"Mã định danh «{self}» đã ở cấp thấp nhất (cấp 3), không thể có đơn vị cấp dưới."
            )
        if not 1 <= number <= _MAX_NUMBER[child_level]:
            raise InvalidIdentifierError(
                f"Số thứ tự đơn vị cấp {child_level} phải từ 1 đến {_MAX_NUMBER[child_level]}, "
                f"nhận được {number}."
            )
        return self._with_number(child_level, number)

    def _with_number(self, level: int, number: int) -> AgencyIdentifier:
        parts = [self.level1, self.level2, self.level3]
        parts[level - 1] = number
        return AgencyIdentifier(self.root, *parts)
