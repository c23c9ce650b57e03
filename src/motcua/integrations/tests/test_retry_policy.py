"""The outbox's retry policy setting (INTEGRATIONS_RETRY) and its backoff: pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.integrations import outbox


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (30, 3600, 10)),
        ("first=1,longest=2,attempts=3", (1, 2, 3)),
        ("attempts=4", (30, 3600, 4)),
        ("first=100,longest=10", (100, 100, 10)),
    ],
)
def test_the_retry_policy_reads_its_setting(text: str, expected: tuple[int, int, int]) -> None:
    policy = outbox.parse_retry_policy(text)
    assert (policy.first.total_seconds(), policy.longest.total_seconds(), policy.attempts) == expected


@pytest.mark.parametrize("text", ["first=0", "sometimes=3", "first=abc", "attempts"])
def test_a_bad_retry_policy_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="INTEGRATIONS_RETRY"):
        outbox.parse_retry_policy(text)


def test_the_delay_doubles_up_to_the_longest() -> None:
    policy = outbox.parse_retry_policy("first=30,longest=3600,attempts=10")
    delays = [policy.delay(n) / dt.timedelta(seconds=1) for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert policy.delay(10_000) == dt.timedelta(hours=1)  # no overflow however many attempts
