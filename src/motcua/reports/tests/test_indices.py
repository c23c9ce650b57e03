"""Report formulas: tables worked by hand (arithmetic in the comments), boundaries, errors, properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.reports.indices import (
    DEFAULT_SERVICE_INDEX_CONFIG,
    INDEX_NAMES,
    DigitisationWeights,
    DossierIndices,
    IndicesError,
    InvalidConfigError,
    InvalidCountError,
    InvalidIndexError,
    InvalidNumberError,
    InvalidShareError,
    NaiveDatetimeError,
    OfficerGrade,
    OfficerRatingConfig,
    OnlineServiceConfig,
    Outcome,
    PeriodOutcome,
    PublicityWeights,
    ResolutionCounts,
    SatisfactionWeights,
    ServiceIndexConfig,
    ServiceIndexInputs,
    ServiceIndexWeights,
    UnitGrade,
    UnitRatingConfig,
    average_indices,
    digitisation_points,
    dossier_score,
    officer_rating,
    online_payment_points,
    online_service_points,
    percent,
    period_outcome,
    progress_points,
    publicity_points,
    round_half_up,
    satisfaction_points,
    service_index,
    unit_rating,
)

D = Decimal
F = Fraction
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")

shares = st.one_of(
    st.fractions(min_value=0, max_value=1, max_denominator=100_000),
    st.decimals(min_value=0, max_value=1, places=4),
    st.sampled_from([0, 1]),
)


def known(rate: Fraction | None) -> Fraction:
    """A rate the test knows exists (something was resolved)."""
    assert rate is not None
    return rate


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, tz: ZoneInfo = HCM) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


# -- rounding ------------------------------------------------------------------------------------------------

ROUNDING = [
    # (value, places, expected)
    (F(1, 8), 2, "0.13"),  # 0.125: a tie goes up (half-even would give 0.12)
    (D("0.125"), 2, "0.13"),
    (D("0.124999"), 2, "0.12"),
    (F(2, 3), 2, "0.67"),  # 0.666...
    (F(-1, 8), 2, "-0.13"),  # ties go away from zero
    (F(-1, 1000), 2, "0.00"),  # no negative zero
    (0, 2, "0.00"),
    (7, 0, "7"),
    (F(5, 2), 0, "3"),
    (D("17.170263788968825"), 2, "17.17"),
]


@pytest.mark.parametrize(("value", "places", "expected"), ROUNDING)
def test_round_half_up(value, places, expected):
    assert str(round_half_up(value, places)) == expected


PERCENTS = [
    # (share, places, expected percentage)
    (F(716, 869), 1, "82.4"),  # 0.823935... -> 82.39 % -> 82.4
    (F(716, 834), 1, "85.9"),  # 0.858513... -> 85.85 % -> 85.9
    (F(1, 2), 1, "50.0"),
    (1, 1, "100.0"),
    (0, 1, "0.0"),
    (F(1, 8000), 2, "0.01"),  # 0.0125 % -> 0.01
    (F(1, 800), 1, "0.1"),  # 0.125 % -> 0.1
    (F(3, 8000), 2, "0.04"),  # 0.0375 % -> 0.04 (tie up)
    (D("0.98806"), 2, "98.81"),
]


@pytest.mark.parametrize(("share", "places", "expected"), PERCENTS)
def test_percent(share, places, expected):
    assert str(percent(share, places)) == expected


@pytest.mark.parametrize("value", [0.5, True, "0.5", D("NaN"), D("Infinity"), None])
def test_rounding_refuses_inexact_numbers(value):
    with pytest.raises(InvalidNumberError):
        percent(value)


@pytest.mark.parametrize("places", [-1, True, 1.0])
def test_rounding_refuses_bad_places(places):
    with pytest.raises(InvalidNumberError):
        round_half_up(F(1, 3), places)


def test_errors_are_value_errors():
    assert issubclass(IndicesError, ValueError)


@given(numerator=st.integers(min_value=-(10**9), max_value=10**9), denominator=st.integers(1, 10**6))
def test_percent_matches_decimal_half_up(numerator, denominator):
    with localcontext() as context:
        context.prec = 60  # exact enough that the quotient cannot hide a tie
        expected = (D(numerator) * 100 / D(denominator)).quantize(D("0.1"), rounding=ROUND_HALF_UP)
    result = percent(F(numerator, denominator))
    assert result == expected
    assert result.as_tuple().exponent == -1


# -- on-time figures -----------------------------------------------------------------------------------------


def test_seed_figure_85_9_is_716_of_834_not_of_869():
    """Cao Lộc's "869 dossiers, 716 resolved early or on time (85.9 %)" (DOMAIN.md §1)."""
    # Read literally, 716 / 869 = 0.8239... = 82.4 %, not 85.9 %.
    assert percent(F(716, 869)) == D("82.4")
    # No count out of 869 prints 85.9 %: 746 / 869 = 85.85 % -> 85.8, 747 / 869 = 85.96 % -> 86.0.
    assert [k for k in range(870) if percent(F(k, 869)) == D("85.9")] == []
    # With 716 on the top, 834 is the only denominator that prints 85.9 % (716 / 834 = 85.851 %).
    assert [d for d in range(716, 5000) if percent(F(716, d)) == D("85.9")] == [834]
    # So the published figure fits (early + on time) / resolved with 834 resolved, 35 of the 869 still open.
    # How the 716 split into early / on time, and the 35 into due / overdue, is not published: any split fits.
    counts = ResolutionCounts(early=600, on_time=116, late=118, open_on_time=35)
    assert (counts.resolved, counts.total) == (834, 869)
    assert percent(known(counts.on_time_rate)) == D("85.9")


def test_seed_figure_under_truncation():
    # If the source truncated instead of rounding, two other readings would also print 85.9.
    def truncated(share: Fraction) -> Decimal:
        return D(int(share * 1000)) / 10

    assert truncated(F(716, 833)) == D("85.9")  # 85.954 %
    assert truncated(F(747, 869)) == D("85.9")  # 85.961 %
    assert percent(F(716, 833)) == D("86.0")
    assert percent(F(747, 869)) == D("86.0")


# Lâm Đồng, Q1 2020, as published by baolamdong.vn (18/03/2020). "Đúng và trước hạn" is one figure, put here
# in on_time; open = "đang giải quyết": chưa đến hạn (open_on_time) + đã quá hạn (open_late).
LAM_DONG_Q1_2020 = [
    # (level, counts, published on-time %, published late %, places)
    # provincial: 51,072 + 708 = 51,780 resolved; 51,072 / 51,780 = 0.986327 -> 98.63 %; 708 / 51,780 -> 1.37
    (
        "province",
        ResolutionCounts(on_time=51_072, late=708, open_on_time=2_672, open_late=128),
        "98.63",
        "1.37",
        2,
    ),
    # district: 323,911 + 5,685 = 329,596; 323,911 / 329,596 = 0.982752 -> 98.28 %; 5,685 / 329,596 -> 1.7
    (
        "district",
        ResolutionCounts(on_time=323_911, late=5_685, open_on_time=2_436, open_late=969),
        "98.28",
        "1.7",
        1,
    ),
]


@pytest.mark.parametrize(("level", "counts", "on_time", "late", "places"), LAM_DONG_Q1_2020)
def test_published_rates_use_resolved_dossiers(level, counts, on_time, late, places):
    assert percent(known(counts.on_time_rate), 2) == D(on_time), level
    assert percent(known(counts.late_rate), places) == D(late), level


def test_published_open_counts():
    province = LAM_DONG_Q1_2020[0][1]
    assert (province.resolved, province.open, province.total) == (51_780, 2_800, 54_580)
    # Counting the 128 open overdue dossiers as late: 51,072 / (51,780 + 128) = 0.983894... -> 98.39 %
    assert percent(known(province.on_time_rate_counting_open_late), 2) == D("98.39")


def test_published_monthly_split_early_on_time_late():
    # Lâm Đồng provincial service centre, October 2019 (baolamdong.vn, 25/11/2019): 15,641 resolved,
    # 13,529 early (86.5 %), 1,958 on time (12.5 %), 154 late (1 %).
    counts = ResolutionCounts(early=13_529, on_time=1_958, late=154)
    assert counts.resolved == 15_641  # 13,529 + 1,958 + 154
    assert percent(F(counts.early, counts.resolved)) == D("86.5")  # 0.86497 -> 86.5
    assert percent(F(counts.on_time, counts.resolved)) == D("12.5")  # 0.12518 -> 12.5
    assert percent(known(counts.late_rate), 0) == D("1")  # 0.98 % -> 1
    assert percent(known(counts.on_time_rate)) == D("99.0")  # 15,487 / 15,641 = 0.99015 -> 99.0


def test_nothing_resolved_has_no_rate():
    counts = ResolutionCounts(open_on_time=3, open_late=1)
    assert counts.on_time_rate is None
    assert counts.late_rate is None
    assert counts.on_time_rate_counting_open_late == 0  # 0 / (0 + 1)
    assert ResolutionCounts().on_time_rate_counting_open_late is None


@pytest.mark.parametrize(
    "kwargs", [{"early": -1}, {"late": True}, {"on_time": 1.0}, {"open_late": D(1)}, {"open_on_time": "2"}]
)
def test_counts_must_be_whole_and_not_negative(kwargs):
    with pytest.raises(InvalidCountError):
        ResolutionCounts(**kwargs)


def test_tally():
    outcomes = [
        PeriodOutcome(Outcome.EARLY, is_open=False),
        PeriodOutcome(Outcome.EARLY, is_open=False),
        PeriodOutcome(Outcome.ON_TIME, is_open=False),
        PeriodOutcome(Outcome.LATE, is_open=False),
        PeriodOutcome(Outcome.ON_TIME, is_open=True),
        PeriodOutcome(Outcome.LATE, is_open=True),
        PeriodOutcome(Outcome.LATE, is_open=True),
    ]
    assert ResolutionCounts.tally(outcomes) == ResolutionCounts(
        early=2, on_time=1, late=1, open_on_time=1, open_late=2
    )
    assert ResolutionCounts.tally([]) == ResolutionCounts()


def test_outcome_values_are_the_dossier_model_values():
    assert [o.value for o in Outcome] == ["early", "on_time", "late"]
    assert Outcome("on_time") is Outcome.ON_TIME
    assert str(Outcome.ON_TIME) == "on_time"


counts_strategy = st.builds(
    ResolutionCounts,
    early=st.integers(0, 10_000),
    on_time=st.integers(0, 10_000),
    late=st.integers(0, 10_000),
    open_on_time=st.integers(0, 10_000),
    open_late=st.integers(0, 10_000),
)


@given(counts=counts_strategy)
def test_rates_are_shares_that_add_up(counts):
    if counts.resolved == 0:
        assert counts.on_time_rate is None
        return
    assert 0 <= counts.on_time_rate <= 1
    assert counts.on_time_rate + counts.late_rate == 1
    assert counts.on_time_rate_counting_open_late <= counts.on_time_rate


@given(counts=counts_strategy, extra=st.integers(1, 100))
def test_more_late_dossiers_never_raise_the_rate(counts, extra):
    worse = replace(counts, late=counts.late + extra)
    if counts.resolved:
        assert worse.on_time_rate <= counts.on_time_rate
    better = replace(counts, early=counts.early + extra)
    assert better.on_time_rate is not None
    assert counts.on_time_rate is None or better.on_time_rate >= counts.on_time_rate


# -- period outcome (DOMAIN.md §4.4) -------------------------------------------------------------------------

DUE = at(2026, 3, 5, 17, 30)  # a Thursday appointment, close of office hours
PERIOD_END = at(2026, 3, 31, 23, 59)

PERIOD_OUTCOMES = [
    # (finished at, period end, outcome, open)
    (at(2026, 3, 4, 10), PERIOD_END, Outcome.EARLY, False),  # the day before the due day
    (at(2026, 3, 5, 9), PERIOD_END, Outcome.ON_TIME, False),  # the due day, before the due moment: not early
    (DUE, PERIOD_END, Outcome.ON_TIME, False),  # at the appointment exactly
    (DUE + timedelta(microseconds=1), PERIOD_END, Outcome.LATE, False),
    (at(2026, 3, 6, 8), PERIOD_END, Outcome.LATE, False),
    # 2026-03-04 18:00 UTC is 2026-03-05 01:00 in Hanoi: the local due day, so on time, not early
    (at(2026, 3, 4, 18, tz=UTC), PERIOD_END, Outcome.ON_TIME, False),
    # 2026-03-04 16:59 UTC is 23:59 on the 4th in Hanoi: early
    (at(2026, 3, 4, 16, 59, tz=UTC), PERIOD_END, Outcome.EARLY, False),
    # still open at the period end
    (None, at(2026, 3, 5, 12), Outcome.ON_TIME, True),  # not yet due
    (None, DUE, Outcome.ON_TIME, True),  # due at the very end of the period: not late yet
    (None, DUE + timedelta(microseconds=1), Outcome.LATE, True),
    (None, PERIOD_END, Outcome.LATE, True),
    # finished after the period end: open in this period
    (at(2026, 3, 4, 10), at(2026, 2, 28, 23, 59), Outcome.ON_TIME, True),
    (at(2026, 4, 2, 10), PERIOD_END, Outcome.LATE, True),
]


@pytest.mark.parametrize(("finished_at", "period_end", "outcome", "is_open"), PERIOD_OUTCOMES)
def test_period_outcome(finished_at, period_end, outcome, is_open):
    result = period_outcome(finished_at=finished_at, due_at=DUE, period_end=period_end)
    assert result == PeriodOutcome(outcome, is_open=is_open)


@pytest.mark.parametrize("naive", ["finished_at", "due_at", "period_end"])
def test_period_outcome_refuses_naive_datetimes(naive):
    kwargs: dict[str, Any] = {"finished_at": at(2026, 3, 4, 10), "due_at": DUE, "period_end": PERIOD_END}
    kwargs[naive] = kwargs[naive].replace(tzinfo=None)
    with pytest.raises(NaiveDatetimeError):
        period_outcome(**kwargs)


# hypothesis wants naive bounds and attaches the zone itself
moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 1, 1),  # noqa: DTZ001
    timezones=st.just(HCM),
)


@given(finished_at=st.none() | moments, due_at=moments, period_end=moments)
def test_period_outcome_agrees_with_worktime(finished_at, due_at, period_end):
    from motcua.worktime.deadline import classify_outcome

    ours = period_outcome(finished_at=finished_at, due_at=due_at, period_end=period_end)
    theirs = classify_outcome(finished_at, due_at, period_end)
    assert ours.is_open == (finished_at is None or finished_at > period_end)
    # worktime leaves open dossiers not yet due uncounted (None); here they are "open, on time".
    assert ours.outcome == (theirs if theirs is not None else Outcome.ON_TIME)
    assert not (ours.is_open and ours.outcome is Outcome.EARLY)


# -- evaluation indices (Circular 01/2018/TT-VPCP Art. 13-15) ------------------------------------------------


def indices(*values: int) -> DossierIndices:
    return DossierIndices(*values)


def test_dossier_score():
    assert dossier_score(indices(2, 2, 2, 2, 2, 2, 2, 2, 2)) == 18
    assert dossier_score(indices(0, 0, 0, 0, 0, 0, 0, 0, 0)) == 0
    assert dossier_score(indices(2, 1, 0, 2, 1, 0, 2, 1, 0)) == 9  # 3 x (2 + 1 + 0)


def test_the_nine_indices_in_the_circulars_order():
    assert INDEX_NAMES == (
        "total_time",
        "unit_time",
        "contacts",
        "agencies_contacted",
        "desk_handling",
        "publication",
        "officer_conduct",
        "feedback_handling",
        "online_service",
    )


@pytest.mark.parametrize("bad", [3, -1, True, 1.0, D(1), None])
@pytest.mark.parametrize("position", [0, 8])
def test_index_values_are_0_to_2(bad, position):
    values: list[Any] = [1] * 9
    values[position] = bad
    with pytest.raises(InvalidIndexError):
        DossierIndices(*values)


def test_average_indices_to_one_decimal_half_up():
    dossiers = [
        indices(2, 2, 1, 0, 2, 2, 2, 2, 0),
        indices(2, 1, 0, 0, 2, 2, 2, 2, 0),
        indices(1, 1, 0, 0, 2, 2, 2, 2, 0),
        indices(2, 0, 0, 1, 2, 2, 2, 2, 0),
    ]
    averaged = average_indices(dossiers)
    assert averaged.dossier_count == 4
    assert averaged.total_time == D("1.8")  # 7 / 4 = 1.75 -> 1.8 (half up; half-even would also say 1.8)
    assert averaged.unit_time == D("1.0")  # 4 / 4
    assert averaged.contacts == D("0.3")  # 1 / 4 = 0.25 -> 0.3 (half-even would say 0.2)
    assert averaged.agencies_contacted == D("0.3")  # 1 / 4
    assert averaged.desk_handling == D("2.0")
    assert averaged.online_service == D("0.0")
    # the unit's points add the rounded averages: 1.8 + 1.0 + 0.3 + 0.3 + 2.0 + 2.0 + 2.0 + 2.0 + 0.0 = 11.4
    assert averaged.total == D("11.4")
    assert unit_rating(averaged.total) is UnitGrade.FAIR  # 9 <= 11.4 < 12


def test_average_of_three():
    averaged = average_indices(
        [indices(2, 2, 2, 2, 2, 2, 2, 2, 2)] * 2 + [indices(1, 1, 1, 1, 1, 1, 1, 1, 1)]
    )
    assert averaged.total_time == D("1.7")  # 5 / 3 = 1.666... -> 1.7
    assert averaged.total == D("15.3")  # 9 x 1.7 (the exact 15.0 shows the table adds the rounded averages)


def test_average_needs_a_dossier():
    with pytest.raises(InvalidIndexError):
        average_indices([])


index_values = st.integers(0, 2)
dossier_indices = st.builds(DossierIndices, *[index_values] * 9)


@given(dossiers=st.lists(dossier_indices, min_size=1, max_size=40))
def test_averages_stay_in_range(dossiers):
    averaged = average_indices(dossiers)
    for name in INDEX_NAMES:
        value = getattr(averaged, name)
        assert D(0) <= value <= D(2)
        assert value.as_tuple().exponent == -1
        exact = F(sum(getattr(item, name) for item in dossiers), len(dossiers))
        assert abs(F(value) - exact) <= F(1, 20)
    assert D(0) <= averaged.total <= D(18)


@given(dossier=dossier_indices, copies=st.integers(1, 20))
def test_average_of_copies_is_the_dossier(dossier, copies):
    averaged = average_indices([dossier] * copies)
    assert averaged.total == dossier_score(dossier)


OFFICER = [
    # (points, grade): a boundary belongs to the higher band ("từ ... trở lên", "từ ... đến dưới ...")
    (D(6), OfficerGrade.COMPLETE),
    (D(5), OfficerGrade.COMPLETE),  # boundary
    (D("4.99"), OfficerGrade.MOSTLY_COMPLETE),
    (D("3.5"), OfficerGrade.MOSTLY_COMPLETE),  # boundary
    (F(7, 2), OfficerGrade.MOSTLY_COMPLETE),
    (D("3.49"), OfficerGrade.INCOMPLETE),
    (0, OfficerGrade.INCOMPLETE),
]


@pytest.mark.parametrize(("points", "grade"), OFFICER)
def test_officer_rating(points, grade):
    assert officer_rating(points) is grade


UNIT = [
    (D(18), UnitGrade.EXCELLENT),
    (D(15), UnitGrade.EXCELLENT),  # boundary
    (D("14.9"), UnitGrade.GOOD),
    (D(12), UnitGrade.GOOD),  # boundary
    (D("11.9"), UnitGrade.FAIR),
    (D(9), UnitGrade.FAIR),  # boundary
    (D("8.9"), UnitGrade.AVERAGE),
    (D(6), UnitGrade.AVERAGE),  # boundary
    (D("5.9"), UnitGrade.WEAK),
    (0, UnitGrade.WEAK),
]


@pytest.mark.parametrize(("points", "grade"), UNIT)
def test_unit_rating(points, grade):
    assert unit_rating(points) is grade


def test_labels():
    assert [grade.label for grade in UnitGrade] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert OfficerGrade.COMPLETE.label == "Hoàn thành 100% nhiệm vụ"
    assert OfficerGrade.MOSTLY_COMPLETE.label == "Hoàn thành từ 70% đến dưới 100% nhiệm vụ"
    assert OfficerGrade.INCOMPLETE.label == "Hoàn thành dưới 70% nhiệm vụ"


@pytest.mark.parametrize("points", [D("-0.1"), D("18.1"), 0.5, D("NaN")])
def test_unit_points_must_be_possible(points):
    with pytest.raises(IndicesError):
        unit_rating(points)


def test_officer_points_must_not_be_negative():
    with pytest.raises(InvalidIndexError):
        officer_rating(D("-1"))
    with pytest.raises(InvalidIndexError):
        officer_rating(D(7), OfficerRatingConfig(max_points=D(6)))


def test_thresholds_are_configuration():
    stricter = UnitRatingConfig(excellent_from=D(16), good_from=D(13), fair_from=D(10), average_from=D(7))
    assert unit_rating(D(15), stricter) is UnitGrade.GOOD
    assert unit_rating(D(6), stricter) is UnitGrade.WEAK
    assert officer_rating(D(5), OfficerRatingConfig(complete_from=D(6), mostly_complete_from=D(4))) is (
        OfficerGrade.MOSTLY_COMPLETE
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: UnitRatingConfig(good_from=D(15)),  # two bands with one lower bound
        lambda: UnitRatingConfig(fair_from=D(13)),  # out of order
        lambda: UnitRatingConfig(excellent_from=D(19)),  # above the maximum
        lambda: UnitRatingConfig(average_from=D(0)),  # leaves "weak" empty
        lambda: UnitRatingConfig(good_from=12),  # type: ignore[arg-type]  # not a Decimal
        lambda: OfficerRatingConfig(mostly_complete_from=D(5)),
        lambda: OfficerRatingConfig(complete_from=D("NaN")),
        lambda: OfficerRatingConfig(max_points=D(5)),  # the top band would be empty
    ],
)
def test_rating_thresholds_are_validated(make):
    with pytest.raises(InvalidConfigError):
        make()


GRADE_ORDER = list(UnitGrade)


@given(p=st.decimals(0, 18, places=1), q=st.decimals(0, 18, places=1))
def test_unit_rating_is_monotonic(p, q):
    low, high = sorted((p, q))
    assert GRADE_ORDER.index(unit_rating(low)) >= GRADE_ORDER.index(unit_rating(high))


# -- service index (Decision 766/QĐ-TTg) ---------------------------------------------------------------------

PROGRESS = [
    (F(716, 834), "17.17"),  # 20 x 716 / 834 = 14,320 / 834 = 17.1702...
    (D("0.9881"), "19.76"),  # 20 x 0.9881 = 19.762
    (F(1, 2), "10.00"),
    (1, "20.00"),
    (0, "0.00"),
    (D("0.00025"), "0.01"),  # 0.005: a tie goes up
]


@pytest.mark.parametrize(("rate", "expected"), PROGRESS)
def test_progress_points(rate, expected):
    assert str(progress_points(rate)) == expected


def test_progress_weight_is_configuration():
    assert progress_points(F(1, 2), weight=D(30)) == D("15.00")  # 30 x 0.5
    with pytest.raises(InvalidConfigError):
        progress_points(1, weight=D(-1))


ONLINE = [
    # (A offered, B used, C submitted, points)
    (0, 0, 0, "0.00"),
    # 2 x 0.6 / 0.8 = 1.5; 4 x 0.5 = 2; 6 x 0.25 / 0.5 = 3; 1.5 + 2 + 3 = 6.5
    (D("0.6"), D("0.5"), D("0.25"), "6.50"),
    # A and C exactly at their targets: 2 + 4 + 6 = 12
    (D("0.8"), 1, D("0.5"), "12.00"),
    # past the targets the caps hold: min(2, 2.5) + 4 + min(6, 12) = 12
    (1, 1, 1, "12.00"),
    # 2 x 0.33 / 0.8 = 0.825; 4 x 0.1 = 0.4; 6 x 0.075 / 0.5 = 0.9; 0.825 + 0.4 + 0.9 = 2.125 -> 2.13 (tie up)
    (D("0.33"), D("0.1"), D("0.075"), "2.13"),
    # The seed's Department of Industry and Trade: 99 of 124 procedures at level 3+, 1,751 of 1,874 dossiers
    # online; B (services that received dossiers) is not published, take 1/2.
    # 2 x (99 / 124) / 0.8 = 1.99596...; 4 x 0.5 = 2; 6 x (1,751 / 1,874) / 0.5 = 11.2 -> capped at 6;
    # 1.99596 + 2 + 6 = 9.99596 -> 10.00
    (F(99, 124), F(1, 2), F(1751, 1874), "10.00"),
]


@pytest.mark.parametrize(("offered", "used", "submitted", "expected"), ONLINE)
def test_online_service_points(offered, used, submitted, expected):
    assert str(online_service_points(offered, used, submitted)) == expected


def test_online_constants_are_configuration():
    # Targets lowered to 0.5 and 0.25:
    # min(2, 2 x 0.3 / 0.5) + 4 x 0 + min(6, 6 x 0.2 / 0.25) = 1.2 + 0 + 4.8 = 6
    config = OnlineServiceConfig(offered_target=D("0.5"), submitted_target=D("0.25"))
    assert online_service_points(D("0.3"), 0, D("0.2"), config=config) == D("6.00")


def test_online_payment_points():
    assert online_payment_points(D("0.37")) == D("3.70")  # 10 x 0.37
    assert online_payment_points(1) == D("10.00")


def test_group_points():
    # 6 x 1 + 6 x 0.9 + 6 x 0.75 = 6 + 5.4 + 4.5 = 15.9
    assert publicity_points(
        procedures_published=1, dossiers_synced=D("0.9"), progress_published=D("0.75")
    ) == D("15.90")
    # 8 x 0.5 + 8 x 0.8 + 6 x 0.1 = 4 + 6.4 + 0.6 = 11
    assert digitisation_points(
        electronic_results=D("0.5"), digitised_inputs=D("0.8"), reused_data=D("0.1")
    ) == D("11.00")
    # 6 x 0.95 + 6 x 0.8 + 6 x 2/3 = 5.7 + 4.8 + 4 = 14.5
    assert satisfaction_points(
        receipt_satisfaction=D("0.95"), feedback_on_time=D("0.8"), feedback_satisfaction=F(2, 3)
    ) == D("14.50")


def worked_inputs(**changes: Any) -> ServiceIndexInputs:
    values: dict[str, Any] = {
        "procedures_published": 1,
        "dossiers_synced": D("0.9"),
        "progress_published": D("0.75"),
        "on_time_rate": F(716, 834),
        "procedures_offered_online": D("0.6"),
        "online_services_used": D("0.5"),
        "dossiers_submitted_online": D("0.25"),
        "paid_online": D("0.37"),
        "electronic_results": D("0.5"),
        "digitised_inputs": D("0.8"),
        "reused_data": D("0.1"),
        "receipt_satisfaction": D("0.95"),
        "feedback_on_time": D("0.8"),
        "feedback_satisfaction": F(2, 3),
    }
    values.update(changes)
    return ServiceIndexInputs(**values)


def test_service_index_worked_example():
    result = service_index(worked_inputs())
    assert result.publicity == D("15.90")  # 6 + 5.4 + 4.5, as in test_group_points
    assert result.progress == D("17.17")  # 20 x 716 / 834 = 17.1702...
    assert result.online == D("10.20")  # online services 6.5 (table above) + payment 10 x 0.37 = 3.7
    assert result.digitisation == D("11.00")  # 4 + 6.4 + 0.6
    assert result.satisfaction == D("14.50")  # 5.7 + 4.8 + 4
    assert result.total == D("68.77")  # 15.90 + 17.17 + 10.20 + 11.00 + 14.50


def test_service_index_extremes():
    fields = ServiceIndexInputs.__dataclass_fields__
    best = service_index(ServiceIndexInputs(**dict.fromkeys(fields, 1)))
    worst = service_index(ServiceIndexInputs(**dict.fromkeys(fields, 0)))
    assert (best.publicity, best.progress, best.online, best.digitisation, best.satisfaction) == (
        D(18),
        D(20),
        D(22),
        D(22),
        D(18),
    )
    assert best.total == D("100.00")
    assert worst.total == D("0.00")


def test_service_index_with_other_weights():
    config = ServiceIndexConfig(
        weights=ServiceIndexWeights(
            publicity=D(10), progress=D(30), digitisation=D(20), online=D(25), satisfaction=D(15)
        ),
        publicity=PublicityWeights(procedures_published=D(4), dossiers_synced=D(4), progress_published=D(2)),
        online=OnlineServiceConfig(payment_points=D(13)),  # 2 + 4 + 6 + 13 = 25
        digitisation=DigitisationWeights(electronic_results=D(10), digitised_inputs=D(5), reused_data=D(5)),
        satisfaction=SatisfactionWeights(
            receipt_satisfaction=D(5), feedback_on_time=D(5), feedback_satisfaction=D(5)
        ),
    )
    result = service_index(worked_inputs(), config)
    assert result.publicity == D("9.10")  # 4 x 1 + 4 x 0.9 + 2 x 0.75 = 4 + 3.6 + 1.5
    assert result.progress == D("25.76")  # 30 x 716 / 834 = 25.7553...
    assert result.online == D("11.31")  # 6.5 + 13 x 0.37 = 6.5 + 4.81
    assert result.digitisation == D("9.50")  # 10 x 0.5 + 5 x 0.8 + 5 x 0.1 = 5 + 4 + 0.5
    assert result.satisfaction == D(
        "12.08"
    )  # 5 x 0.95 + 5 x 0.8 + 5 x 2/3 = 4.75 + 4 + 3.333... = 12.0833...
    assert result.total == D("67.75")  # 9.10 + 25.76 + 11.31 + 9.50 + 12.08


def test_default_weights_add_up_to_100():
    weights = DEFAULT_SERVICE_INDEX_CONFIG.weights
    assert (
        weights.publicity,
        weights.progress,
        weights.digitisation,
        weights.online,
        weights.satisfaction,
    ) == (
        D(18),
        D(20),
        D(22),
        D(22),
        D(18),
    )
    assert DEFAULT_SERVICE_INDEX_CONFIG.online.total == D(22)  # 2 + 4 + 6 + 10 payment


@pytest.mark.parametrize(
    "make",
    [
        lambda: ServiceIndexWeights(publicity=D(17)),  # 17 + 20 + 22 + 22 + 18 = 99
        lambda: ServiceIndexWeights(publicity=D(19)),  # 101
        lambda: ServiceIndexWeights(
            publicity=D(40), satisfaction=D(-4)
        ),  # 40 + 20 + 22 + 22 - 4 = 100, negative
        lambda: ServiceIndexWeights(publicity=18),  # type: ignore[arg-type]  # not a Decimal
        lambda: ServiceIndexWeights(publicity=D("NaN")),
        lambda: ServiceIndexConfig(publicity=PublicityWeights(dossiers_synced=D(7))),  # group adds up to 19
        lambda: ServiceIndexConfig(online=OnlineServiceConfig(payment_points=D(9))),  # 21, not 22
        lambda: ServiceIndexConfig(digitisation=DigitisationWeights(reused_data=D(5))),
        lambda: ServiceIndexConfig(satisfaction=SatisfactionWeights(feedback_on_time=D("6.01"))),
        lambda: ServiceIndexConfig(
            weights=ServiceIndexWeights(progress=D(22), online=D(20))
        ),  # online 22 != 20
        lambda: OnlineServiceConfig(offered_target=D(0)),
        lambda: OnlineServiceConfig(submitted_target=D("1.5")),
        lambda: OnlineServiceConfig(used_points=D(-4)),
        lambda: PublicityWeights(procedures_published=6),  # type: ignore[arg-type]
        lambda: DigitisationWeights(reused_data=D(-1)),
    ],
)
def test_configuration_is_validated(make):
    with pytest.raises(InvalidConfigError):
        make()


@pytest.mark.parametrize("bad", [D("1.01"), D("-0.01"), F(3, 2), 2, -1])
def test_shares_must_lie_in_0_1(bad):
    with pytest.raises(InvalidShareError):
        progress_points(bad)
    with pytest.raises(InvalidShareError):
        online_service_points(D("0.5"), bad, D("0.5"))
    with pytest.raises(InvalidShareError):
        online_payment_points(bad)
    with pytest.raises(InvalidShareError):
        publicity_points(procedures_published=bad, dossiers_synced=1, progress_published=1)
    with pytest.raises(InvalidShareError):
        digitisation_points(electronic_results=1, digitised_inputs=1, reused_data=bad)
    with pytest.raises(InvalidShareError):
        satisfaction_points(receipt_satisfaction=1, feedback_on_time=bad, feedback_satisfaction=1)
    with pytest.raises(InvalidShareError):
        worked_inputs(dossiers_submitted_online=bad)


@pytest.mark.parametrize("bad", [0.5, True, D("NaN"), "0.5", None])
def test_shares_must_be_exact_numbers(bad):
    with pytest.raises(InvalidNumberError):
        progress_points(bad)
    with pytest.raises(InvalidNumberError):
        worked_inputs(on_time_rate=bad)


@given(r=shares, s=shares)
def test_progress_is_monotonic_in_the_on_time_rate(r, s):
    low, high = sorted((r, s), key=F)
    assert D(0) <= progress_points(low) <= progress_points(high) <= D(20)


@given(a=shares, b=shares, c=shares)
def test_online_points_stay_within_12(a, b, c):
    assert D(0) <= online_service_points(a, b, c) <= D(12)


@given(a=shares, b=shares, c=shares, bump=shares)
def test_online_points_never_drop_when_a_share_rises(a, b, c, bump):
    base = online_service_points(a, b, c)
    assert online_service_points(max(a, bump, key=F), b, c) >= base
    assert online_service_points(a, max(b, bump, key=F), c) >= base
    assert online_service_points(a, b, max(c, bump, key=F)) >= base


input_names = list(ServiceIndexInputs.__dataclass_fields__)
inputs_strategy = st.fixed_dictionaries(dict.fromkeys(input_names, shares)).map(
    lambda values: ServiceIndexInputs(**values)
)


@given(inputs=inputs_strategy)
def test_service_index_stays_within_its_weights(inputs):
    result = service_index(inputs)
    weights = DEFAULT_SERVICE_INDEX_CONFIG.weights
    assert D(0) <= result.publicity <= weights.publicity
    assert D(0) <= result.progress <= weights.progress
    assert D(0) <= result.online <= weights.online
    assert D(0) <= result.digitisation <= weights.digitisation
    assert D(0) <= result.satisfaction <= weights.satisfaction
    assert D(0) <= result.total <= D(100)
    assert result.total == result.publicity + result.progress + result.online + result.digitisation + (
        result.satisfaction
    )


@given(inputs=inputs_strategy, name=st.sampled_from(input_names), bump=shares)
def test_service_index_never_drops_when_a_share_rises(inputs, name, bump):
    better = replace(inputs, **{name: max(getattr(inputs, name), bump, key=F)})
    assert service_index(better).total >= service_index(inputs).total


def exact_service_index(i: ServiceIndexInputs) -> Fraction:
    """The default formulas again, written out with no rounding at all (the oracle of the next test)."""
    x = {name: F(getattr(i, name)) for name in input_names}
    publicity = 6 * x["procedures_published"] + 6 * x["dossiers_synced"] + 6 * x["progress_published"]
    progress = 20 * x["on_time_rate"]
    online = (
        min(F(2), 2 * x["procedures_offered_online"] / F(4, 5))
        + 4 * x["online_services_used"]
        + min(F(6), 6 * x["dossiers_submitted_online"] / F(1, 2))
        + 10 * x["paid_online"]
    )
    digitisation = 8 * x["electronic_results"] + 8 * x["digitised_inputs"] + 6 * x["reused_data"]
    satisfaction = 6 * x["receipt_satisfaction"] + 6 * x["feedback_on_time"] + 6 * x["feedback_satisfaction"]
    return publicity + progress + online + digitisation + satisfaction


@given(inputs=inputs_strategy)
def test_service_index_total_is_the_exact_figure_within_rounding(inputs):
    # Each of the 5 groups is rounded once to 0.01 (at most 0.005 off), so the total is at most 0.025 off.
    result = service_index(inputs)
    assert abs(F(result.total) - exact_service_index(inputs)) <= F(25, 1000)
    groups = (result.publicity, result.progress, result.online, result.digitisation, result.satisfaction)
    assert all(group.as_tuple().exponent == -2 for group in groups)


def test_no_django_in_the_formula_module():
    import ast
    import inspect

    import motcua.reports.indices as module

    tree = ast.parse(inspect.getsource(module))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {
        "__future__",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "itertools",
        "typing",
        "zoneinfo",
        "_typeshed",
    }
