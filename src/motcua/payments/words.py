"""An amount of đồng written in Vietnamese words, as on a receipt ("Bằng chữ: Một trăm nghìn đồng")."""

from __future__ import annotations

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu")  # then "tỷ", and the words repeat above it (nghìn tỷ, triệu tỷ)
_BILLION = 1_000_000_000


def _hundreds(value: int, *, leading: bool) -> list[str]:
    """One group of three digits. A group after a bigger one says its zero hundreds ("không trăm")."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _below_billion(value: int, *, leading: bool) -> list[str]:
    groups = [value // 1_000_000, value // 1000 % 1000, value % 1000]
    words: list[str] = []
    for group, scale in zip(groups, reversed(_SCALES), strict=True):
        if group == 0:
            continue
        words += _hundreds(group, leading=leading and not words)
        if scale:
            words.append(scale)
    return words


def _words(value: int, *, leading: bool = True) -> list[str]:
    if value < _BILLION:
        return _below_billion(value, leading=leading)
    words = [*_words(value // _BILLION, leading=leading), "tỷ"]
    rest = value % _BILLION
    return [*words, *_below_billion(rest, leading=False)] if rest else words


def amount_in_words(amount: int) -> str:
    """``150000`` → ``"Một trăm năm mươi nghìn đồng"``; whole đồng only (VND has no subunit)."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    text = " ".join(_words(amount)) if amount else "không"
    return f"{text[0].upper()}{text[1:]} đồng"
