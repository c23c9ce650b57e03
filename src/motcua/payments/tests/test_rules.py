"""Pure rules: the amount in Vietnamese words, the signatures, the reconciliation's comparison."""

from __future__ import annotations

import pytest

from motcua.payments import signing
from motcua.payments.gateway import GatewayTransaction
from motcua.payments.reconciliation import LocalPayment, compare
from motcua.payments.words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (150_000, "Một trăm năm mươi nghìn đồng"),
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (2_005_000, "Hai triệu không trăm linh năm nghìn đồng"),
        (1_234_567, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"),
        (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
        (21_000_000_000, "Hai mươi mốt tỷ đồng"),
    ],
)
def test_amounts_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_a_negative_amount_has_no_words() -> None:
    with pytest.raises(ValueError, match="negative"):
        amount_in_words(-1)


def test_the_signature_covers_every_parameter_but_itself_in_name_order() -> None:
    params = signing.signed({"b": "2", "a": "Nộp phí", "amount": 150000}, "k")

    assert signing.canonical(params) == "a=Nộp phí&amount=150000&b=2"
    assert signing.verify(params, "k")
    assert not signing.verify({**params, "b": "3"}, "k")
    assert not signing.verify(params, "other")
    assert not signing.verify(params, "")
    assert not signing.verify({k: v for k, v in params.items() if k != "signature"}, "k")


def _theirs(order: str, amount: int = 100, status: str = "paid", tid: str = "") -> GatewayTransaction:
    return GatewayTransaction(order, tid or f"T-{order}", amount, status, None)


def _ours(order: str, amount: int = 100, status: str = "paid", tid: str = "") -> LocalPayment:
    paid = status == "paid"
    return LocalPayment(
        order, (tid or f"T-{order}") if paid else "", amount, amount if paid else None, status
    )


def test_reconciliation_reports_each_kind_of_mismatch_once() -> None:
    remote = [
        _theirs("OK"),
        _theirs("ONLY-THEIRS"),
        _theirs("AMOUNT", amount=90),
        _theirs("PAID-THERE"),
        _theirs("TID", tid="OTHER"),
        _theirs("BOTH-UNPAID", status="cancelled"),
    ]
    local = [
        _ours("OK"),
        _ours("AMOUNT"),
        _ours("PAID-THERE", status="pending"),
        _ours("TID"),
        _ours("BOTH-UNPAID", status="cancelled"),
        _ours("ONLY-OURS"),
        _ours("NEVER-SENT", status="expired"),
    ]

    result = compare(remote=remote, local=local)

    assert sorted((m.kind, m.order_id) for m in result.mismatches) == [
        ("amount_mismatch", "AMOUNT"),
        ("missing_at_gateway", "ONLY-OURS"),
        ("missing_in_motcua", "ONLY-THEIRS"),
        ("status_mismatch", "PAID-THERE"),
        ("transaction_mismatch", "TID"),
    ]
    assert result.matched == 2  # OK and BOTH-UNPAID
    assert result.gateway_paid_total == 490
    assert result.local_paid_total == 400


def test_reconciliation_of_identical_lists_is_balanced() -> None:
    result = compare(
        remote=[_theirs("A"), _theirs("B", status="cancelled")],
        local=[_ours("A"), _ours("B", status="cancelled")],
    )

    assert result.mismatches == []
    assert result.matched == 2
