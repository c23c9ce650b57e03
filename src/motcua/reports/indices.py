"""Report formulas: on-time figures, the Circular 01/2018 evaluation indices, the Decision 766 service index.

Pure functions over numbers, no Django and no database: the ``reports`` selectors count dossiers, these
functions turn the counts into the figures a province publishes. Sources, section by section:

* **On-time figures** follow the national portal's rule as summarised in DOMAIN.md §4.4: finished at or before
  the appointment (ngày hẹn trả) is on time; dossiers still open are measured at the end of the period; the
  published rate is (early + on time) / resolved.
* **Evaluation indices** follow Circular 01/2018/TT-VPCP Art. 13-15 (9 indices scored 0-2, averaged to one
  decimal, officer and unit ratings). The thresholds are the 2018 text's [check against Decree 118/2025 and
  Circular 03/2025]: they live in configuration objects, not in the code.
* **Service index** follows Decision 766/QĐ-TTg (2022). The group weights come from provincial summaries of
  the decision; the component formulas were **reverse-fitted** from published descriptions, so every weight,
  target and constant lives in a frozen configuration object an administrator can replace.

Numbers: shares and points are ``int``, ``Decimal`` or ``Fraction``, configuration values are ``Decimal``
(never ``float``: a published table must add up). Arithmetic is exact (``Fraction``) and each published figure
is rounded once, half up (the way Vietnamese reports round: 85.85 -> 85.9), into a ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "DEFAULT_OFFICER_RATING",
    "DEFAULT_SCORING",
    "DEFAULT_SERVICE_INDEX_CONFIG",
    "DEFAULT_UNIT_RATING",
    "INDEX_MAX",
    "INDEX_NAMES",
    "POINTS_PLACES",
    "SERVICE_INDEX_TOTAL",
    "VIETNAM_TZ",
    "AveragedIndices",
    "DigitisationWeights",
    "DossierFacts",
    "DossierIndices",
    "EvaluationScoring",
    "IndicesError",
    "InvalidConfigError",
    "InvalidCountError",
    "InvalidIndexError",
    "InvalidNumberError",
    "InvalidShareError",
    "NaiveDatetimeError",
    "OfficerGrade",
    "OfficerRatingConfig",
    "OnlineServiceConfig",
    "Outcome",
    "PeriodOutcome",
    "PublicityWeights",
    "ResolutionCounts",
    "SatisfactionWeights",
    "ServiceIndex",
    "ServiceIndexConfig",
    "ServiceIndexInputs",
    "ServiceIndexWeights",
    "UnitGrade",
    "UnitRatingConfig",
    "average_indices",
    "averaged_from_sums",
    "digitisation_points",
    "dossier_score",
    "officer_points",
    "officer_rating",
    "online_payment_points",
    "online_service_points",
    "percent",
    "period_outcome",
    "progress_points",
    "publicity_points",
    "round_half_up",
    "satisfaction_points",
    "score_dossier",
    "service_index",
    "unit_rating",
]

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
"""Local time of every appointment: "early" compares local days (same zone as ``motcua.worktime``)."""

Number = int | Decimal | Fraction
"""An exact number; ``float`` and ``bool`` are refused."""

POINTS_PLACES = 2
"""Service-index points are published with two decimals."""


class IndicesError(ValueError):
    """Base of every error this module raises: the input cannot give a meaningful figure."""


class InvalidNumberError(IndicesError):
    """Not an exact finite number (a ``float``, a ``bool``, ``NaN``, a string ...)."""


class InvalidShareError(IndicesError):
    """A share (a proportion) outside [0, 1]."""


class InvalidCountError(IndicesError):
    """A dossier count that is not a whole number >= 0."""


class InvalidIndexError(IndicesError):
    """An evaluation index outside 0..2, or no dossier to average."""


class InvalidConfigError(IndicesError):
    """A configuration that cannot be right: weights not adding up, thresholds out of order, ..."""


class NaiveDatetimeError(IndicesError):
    """A datetime without a time zone: the local day of an appointment would be a guess."""


# -- exact numbers and rounding ------------------------------------------------------------------------------


def _exact(value: object, name: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
        raise InvalidNumberError(f"{name} must be an int, Decimal or Fraction, got {value!r}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidNumberError(f"{name} must be finite, got {value!r}.")
    return Fraction(value)


def _share(value: object, name: str) -> Fraction:
    share = _exact(value, name)
    if not 0 <= share <= 1:
        raise InvalidShareError(f"{name} is a share and must lie in [0, 1], got {value}.")
    return share


def _places(places: object) -> int:
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise InvalidNumberError(f"places must be an int >= 0, got {places!r}.")
    return places


def round_half_up(value: Number, places: int = POINTS_PLACES) -> Decimal:
    """``value`` rounded to ``places`` decimals, ties away from zero (0.125 -> 0.13, 85.85 -> 85.9).

    The rounding is done on the exact value, once: no binary or 28-digit intermediate can move a tie.
    """
    exact = _exact(value, "value")
    places = _places(places)
    scaled = abs(exact) * 10**places
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        quotient += 1
    sign = 1 if exact < 0 and quotient else 0
    return Decimal((sign, tuple(int(digit) for digit in str(quotient)), -places))


def percent(value: Number, places: int = 1) -> Decimal:
    """A share as a percentage rounded half up: ``percent(Fraction(716, 834)) == Decimal("85.9")``."""
    return round_half_up(_exact(value, "value") * 100, places)


# -- on-time figures (DOMAIN.md §4.4, the national portal's rule) --------------------------------------------


class Outcome(StrEnum):
    """Early, on time or late against the appointment; the values are ``dossiers.Outcome``'s."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


@dataclass(frozen=True, slots=True)
class PeriodOutcome:
    """Where a dossier stands at the end of a reporting period.

    ``is_open`` dossiers were not finished by ``period_end``; their outcome is ``ON_TIME`` (not yet due) or
    ``LATE`` (already past due), never ``EARLY``.
    """

    outcome: Outcome
    is_open: bool


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"{name} must be timezone-aware, got {value!r}.")
    return value


def period_outcome(
    *, finished_at: datetime | None, due_at: datetime, period_end: datetime, tz: tzinfo = VIETNAM_TZ
) -> PeriodOutcome:
    """Classify one dossier for a period ending at ``period_end`` (DOMAIN.md §4.4).

    The national portal's rule: "finished" is the first of processed, result returned, stopped or refused;
    finished at or before the appointment ``due_at`` (already moved later by any supplement pause) is on time.

    * Finished by ``period_end``: ``EARLY`` when finished on a local day (in ``tz``) before the due day,
      ``ON_TIME`` when finished on the due day at or before ``due_at``, ``LATE`` after ``due_at``. Same
      convention as ``motcua.worktime.deadline.classify_outcome``: the appointment is a day, so returning at
      09:00 on the due day is on time, not early.
    * Still open at ``period_end`` (``finished_at`` is ``None`` or later than ``period_end``): measured at the
      period end, ``LATE`` if ``period_end`` is after ``due_at``, else ``ON_TIME``, with ``is_open=True``.
    """
    _aware(due_at, "due_at")
    _aware(period_end, "period_end")
    if finished_at is None or _aware(finished_at, "finished_at") > period_end:
        return PeriodOutcome(Outcome.LATE if period_end > due_at else Outcome.ON_TIME, is_open=True)
    if finished_at > due_at:
        return PeriodOutcome(Outcome.LATE, is_open=False)
    if finished_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return PeriodOutcome(Outcome.EARLY, is_open=False)
    return PeriodOutcome(Outcome.ON_TIME, is_open=False)


@dataclass(frozen=True, slots=True)
class ResolutionCounts:
    """The on-time table of one unit and period, as the national portal and the provinces publish it.

    ``early``, ``on_time`` and ``late`` count dossiers finished in the period (đã giải quyết: trước hạn,
    đúng hạn, quá hạn); ``open_on_time`` and ``open_late`` count dossiers still being processed at the end of
    the period (đang giải quyết: chưa đến hạn, đã quá hạn).
    """

    early: int = 0
    on_time: int = 0
    late: int = 0
    open_on_time: int = 0
    open_late: int = 0

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidCountError(f"{spec.name} must be a whole number >= 0, got {value!r}.")

    @classmethod
    def tally(cls, outcomes: Iterable[PeriodOutcome]) -> ResolutionCounts:
        """Count the ``period_outcome`` of each dossier of a unit and period."""
        counts = dict.fromkeys(("early", "on_time", "late", "open_on_time", "open_late"), 0)
        for item in outcomes:
            if item.is_open:
                counts["open_late" if item.outcome is Outcome.LATE else "open_on_time"] += 1
            else:
                counts[item.outcome.value] += 1
        return cls(**counts)

    @property
    def resolved(self) -> int:
        """Dossiers finished in the period (the denominator of the published rate)."""
        return self.early + self.on_time + self.late

    @property
    def open(self) -> int:
        """Dossiers still being processed at the end of the period."""
        return self.open_on_time + self.open_late

    @property
    def total(self) -> int:
        """Resolved plus open; a unit's "received" figure may differ (withdrawn or carried-over dossiers)."""
        return self.resolved + self.open

    @property
    def on_time_rate(self) -> Fraction | None:
        """(early + on time) / resolved, exact; ``None`` when nothing was resolved (no rate, not 0 or 100 %).

        This is the published "tỷ lệ giải quyết trước hạn và đúng hạn" (DOMAIN.md §4.4); open dossiers are
        left out of it. Worked examples, both checked in the tests:

        * Lâm Đồng, Q1 2020 (baolamdong.vn, 18/03/2020): 635,593 early or on time of 643,272 resolved,
          98.81 %, while 659,245 were received: the denominator is the resolved dossiers, not the received.
        * The seed's Cao Lộc district figure "869 dossiers, 716 resolved early or on time (85.9 %)" does
          not fit 716 / 869, which is 82.39 % -> 82.4 %. Rounded half up, no count out of 869 gives 85.9 %
          (746 / 869 = 85.85 % -> 85.8; 747 / 869 = 85.96 % -> 86.0), and 834 is the only denominator that
          gives it with 716 (716 / 834 = 85.85 % -> 85.9). So the figure fits this formula with 834 dossiers
          resolved out of 869 in the period (35 presumably still open), which the source does not state.
          Truncating instead of rounding, 716 / 833 or 747 / 869 would also print 85.9.
        """
        if self.resolved == 0:
            return None
        return Fraction(self.early + self.on_time, self.resolved)

    @property
    def late_rate(self) -> Fraction | None:
        """late / resolved, exact; ``None`` when nothing was resolved. ``on_time_rate + late_rate == 1``."""
        if self.resolved == 0:
            return None
        return Fraction(self.late, self.resolved)

    @property
    def on_time_rate_counting_open_late(self) -> Fraction | None:
        """(early + on time) / (resolved + open late): open dossiers already past due count as late.

        The stricter reading of "dossiers still open at the end of a period are measured at the period end"
        (DOMAIN.md §4.4), the one ``motcua.worktime.deadline.classify_outcome`` gives when its "late" results
        are counted. Not the published figure (see ``on_time_rate``); ``None`` when the denominator is 0.
        """
        denominator = self.resolved + self.open_late
        if denominator == 0:
            return None
        return Fraction(self.early + self.on_time, denominator)


# -- evaluation indices (Circular 01/2018/TT-VPCP Art. 13-15) ------------------------------------------------

INDEX_MAX = 2
"""Each index scores 0, 1 or 2 points for one dossier (Circular 01/2018/TT-VPCP Art. 13-15)."""


@dataclass(frozen=True, slots=True)
class DossierIndices:
    """The 9 indices of one dossier, each 0..2 (Circular 01/2018/TT-VPCP Art. 13-15), in the Circular's order.

    1. ``total_time``: total processing time against the legal time;
    2. ``unit_time``: each unit's time against its allotment in the internal process;
    3. ``contacts``: how many times the applicant had to come back to complete the dossier;
    4. ``agencies_contacted``: how many agencies the applicant had to contact;
    5. ``desk_handling``: received and returned at the one-stop desk (Bộ phận Một cửa);
    6. ``publication``: the procedure was published as required;
    7. ``officer_conduct``: the officer's conduct;
    8. ``feedback_handling``: feedback and petitions (phản ánh, kiến nghị) handled on time;
    9. ``online_service``: the procedure offered as an online public service.
    """

    total_time: int
    unit_time: int
    contacts: int
    agencies_contacted: int
    desk_handling: int
    publication: int
    officer_conduct: int
    feedback_handling: int
    online_service: int

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INDEX_MAX:
                raise InvalidIndexError(
                    f"{spec.name} must be a whole number in 0..{INDEX_MAX}, got {value!r}."
                )


INDEX_NAMES: tuple[str, ...] = tuple(spec.name for spec in fields(DossierIndices))


def dossier_score(indices: DossierIndices) -> int:
    """The sum of a dossier's 9 indices, 0..18 (Circular 01/2018/TT-VPCP Art. 13-15)."""
    return sum(getattr(indices, name) for name in INDEX_NAMES)


@dataclass(frozen=True, slots=True)
class AveragedIndices:
    """The 9 indices averaged over a unit's (or an officer's) dossiers, each to one decimal, half up."""

    total_time: Decimal
    unit_time: Decimal
    contacts: Decimal
    agencies_contacted: Decimal
    desk_handling: Decimal
    publication: Decimal
    officer_conduct: Decimal
    feedback_handling: Decimal
    online_service: Decimal
    dossier_count: int

    @property
    def total(self) -> Decimal:
        """The sum of the 9 rounded averages, the points the unit is rated on (0..18, one decimal).

        The rounded averages are summed (not the exact ones) so that the published table adds up.
        """
        return sum((getattr(self, name) for name in INDEX_NAMES), Decimal("0.0"))


def average_indices(dossiers: Sequence[DossierIndices]) -> AveragedIndices:
    """Average each index over ``dossiers`` to one decimal, half up (Circular 01/2018/TT-VPCP Art. 13-15).

    At least one dossier is needed: a unit with no dossier in the period has no score, not a score of 0.
    """
    sums = {name: sum(getattr(item, name) for item in dossiers) for name in INDEX_NAMES}
    return averaged_from_sums(sums, len(dossiers))


def averaged_from_sums(sums: dict[str, int], count: int) -> AveragedIndices:
    """The same averages from each index's total over ``count`` dossiers (what the monthly table stores)."""
    if count < 1:
        raise InvalidIndexError("At least one dossier is needed to average the indices.")
    for name in INDEX_NAMES:
        total = sums[name]
        if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= INDEX_MAX * count:
            raise InvalidIndexError(f"{name} totals {total!r} over {count} dossiers.")
    averages = {name: round_half_up(Fraction(sums[name], count), 1) for name in INDEX_NAMES}
    return AveragedIndices(**averages, dossier_count=count)


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the record of one resolved dossier says, for scoring its 9 indices.

    ``contacts``: supplement requests the applicant had to answer; ``agencies_contacted``: agencies the
    applicant dealt with (1 through a one-stop desk, whatever the liên thông behind it); ``late_steps``:
    internal steps finished after their allotted time; ``rating``: the applicant's 1-5 rating, if any;
    ``feedback``: ``None`` without feedback about the dossier, else whether every piece was answered on
    time; ``online_mode``: ``full``, ``partial`` or ``none`` (the procedure's online service).
    """

    outcome: Outcome
    late_steps: int
    contacts: int
    agencies_contacted: int
    at_desk: bool
    published: bool
    rating: int | None
    feedback: bool | None
    online_mode: str


def _at_most(value: int, limits: tuple[int, int]) -> int:
    """2 points up to ``limits[0]``, 1 point up to ``limits[1]``, else 0."""
    return 2 if value <= limits[0] else 1 if value <= limits[1] else 0


@dataclass(frozen=True, slots=True)
class EvaluationScoring:
    """How each index of one dossier is scored from its facts; the defaults read Circular 01/2018 Art. 13
    as summarised in DOMAIN.md §6 [check against the text and Circular 03/2025]: every threshold is here.

    1 early 2 / on time 1 / late 0; 2 no late step 2, else 0; 3 contacts up to ``contacts_limits``;
    4 agencies up to ``agencies_limits``; 5 desk 2 / not 0; 6 published 2 / not 0; 7 rating at least
    ``conduct_full_from`` 2, at least ``conduct_half_from`` 1, else 0, an unrated dossier ``unrated_points``
    (systems in use count silence as satisfied); 8 no feedback or all on time 2, late 0; 9 full online 2,
    partial 1, none 0. Officers are rated on ``officer_indices`` (6 points at most: the Circular's 5 and 3.5
    thresholds fit).
    """

    contacts_limits: tuple[int, int] = (1, 2)
    agencies_limits: tuple[int, int] = (1, 2)
    conduct_full_from: int = 4
    conduct_half_from: int = 3
    unrated_points: int = 2
    officer_indices: tuple[str, ...] = ("unit_time", "contacts", "officer_conduct")

    def __post_init__(self) -> None:
        for name in ("contacts_limits", "agencies_limits"):
            low, high = getattr(self, name)
            if not 0 <= low <= high:
                raise InvalidConfigError(f"{name} must be two increasing counts, got {(low, high)!r}.")
        if not 1 <= self.conduct_half_from <= self.conduct_full_from <= 5:
            raise InvalidConfigError("conduct thresholds must satisfy 1 <= half <= full <= 5.")
        if not 0 <= self.unrated_points <= INDEX_MAX:
            raise InvalidConfigError(f"unrated_points must lie in 0..{INDEX_MAX}.")
        unknown = set(self.officer_indices) - set(INDEX_NAMES)
        if unknown or not self.officer_indices:
            raise InvalidConfigError(f"officer_indices must name indices, got {self.officer_indices!r}.")


DEFAULT_SCORING = EvaluationScoring()
_ONLINE_MODE_POINTS = {"full": 2, "partial": 1}


def score_dossier(facts: DossierFacts, scoring: EvaluationScoring = DEFAULT_SCORING) -> DossierIndices:
    """The 9 indices of one resolved dossier (Circular 01/2018/TT-VPCP Art. 13), scored from its record."""
    if facts.rating is None:
        conduct = scoring.unrated_points
    elif facts.rating >= scoring.conduct_full_from:
        conduct = 2
    else:
        conduct = 1 if facts.rating >= scoring.conduct_half_from else 0
    return DossierIndices(
        total_time={Outcome.EARLY: 2, Outcome.ON_TIME: 1, Outcome.LATE: 0}[facts.outcome],
        unit_time=0 if facts.late_steps else 2,
        contacts=_at_most(facts.contacts, scoring.contacts_limits),
        agencies_contacted=_at_most(facts.agencies_contacted, scoring.agencies_limits),
        desk_handling=2 if facts.at_desk else 0,
        publication=2 if facts.published else 0,
        officer_conduct=conduct,
        feedback_handling=0 if facts.feedback is False else 2,
        online_service=_ONLINE_MODE_POINTS.get(facts.online_mode, 0),
    )


def officer_points(averaged: AveragedIndices, scoring: EvaluationScoring = DEFAULT_SCORING) -> Decimal:
    """The points an officer is rated on: the sum of the officer's indices' rounded averages."""
    return sum((getattr(averaged, name) for name in scoring.officer_indices), Decimal("0.0"))


class OfficerGrade(StrEnum):
    """An officer's result (Circular 01/2018/TT-VPCP Art. 13-15 as summarised in DOMAIN.md §6)."""

    COMPLETE = "complete"
    MOSTLY_COMPLETE = "mostly_complete"
    INCOMPLETE = "incomplete"

    @property
    def label(self) -> str:
        """The Vietnamese wording shown in reports."""
        return _OFFICER_LABELS[self]


_OFFICER_LABELS = {
    OfficerGrade.COMPLETE: "Hoàn thành 100% nhiệm vụ",
    OfficerGrade.MOSTLY_COMPLETE: "Hoàn thành từ 70% đến dưới 100% nhiệm vụ",
    OfficerGrade.INCOMPLETE: "Hoàn thành dưới 70% nhiệm vụ",
}


class UnitGrade(StrEnum):
    """A unit's result (Circular 01/2018/TT-VPCP Art. 13-15 as summarised in DOMAIN.md §6)."""

    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    AVERAGE = "average"
    WEAK = "weak"

    @property
    def label(self) -> str:
        """The Vietnamese wording shown in reports."""
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    UnitGrade.EXCELLENT: "Xuất sắc",
    UnitGrade.GOOD: "Tốt",
    UnitGrade.FAIR: "Khá",
    UnitGrade.AVERAGE: "Trung bình",
    UnitGrade.WEAK: "Yếu",
}


def _check_thresholds(owner: object, names: Sequence[str], ceiling: Decimal | None) -> None:
    values = [getattr(owner, name) for name in names]
    for name, value in zip(names, values, strict=True):
        if not isinstance(value, Decimal) or not value.is_finite():
            raise InvalidConfigError(f"{name} must be a finite Decimal, got {value!r}.")
    if ceiling is not None and not (isinstance(ceiling, Decimal) and ceiling.is_finite()):
        raise InvalidConfigError(f"max_points must be a finite Decimal or None, got {ceiling!r}.")
    bounds = [ceiling, *values, Decimal(0)] if ceiling is not None else [*values, Decimal(0)]
    if any(upper <= lower for upper, lower in pairwise(bounds)):
        raise InvalidConfigError(
            f"Thresholds must decrease strictly from max_points to 0: {', '.join(map(str, bounds))}."
        )


@dataclass(frozen=True, slots=True)
class OfficerRatingConfig:
    """Officer thresholds; each band **includes** its lower bound ("từ 5 điểm trở lên", "từ 3,5 đến dưới 5").

    Defaults from Circular 01/2018/TT-VPCP Art. 13-15 (DOMAIN.md §6) [check against Decree 118/2025]:
    >= 5 complete, 3.5 <= points < 5 70-100 %, < 3.5 below 70 %. ``max_points`` (optional) rejects impossible
    totals; the Circular's officer total is not capped here because which indices an officer is rated on
    depends on the role.
    """

    complete_from: Decimal = Decimal(5)
    mostly_complete_from: Decimal = Decimal("3.5")
    max_points: Decimal | None = None

    def __post_init__(self) -> None:
        _check_thresholds(self, ("complete_from", "mostly_complete_from"), self.max_points)


@dataclass(frozen=True, slots=True)
class UnitRatingConfig:
    """Unit thresholds; each band **includes** its lower bound (15 is excellent, 14.9 is good).

    Defaults from Circular 01/2018/TT-VPCP Art. 13-15 (DOMAIN.md §6) [check against Decree 118/2025]:
    >= 15 excellent, 12-15 good, 9-12 fair, 6-9 average, < 6 weak, out of 18 (9 indices x 2 points).
    """

    excellent_from: Decimal = Decimal(15)
    good_from: Decimal = Decimal(12)
    fair_from: Decimal = Decimal(9)
    average_from: Decimal = Decimal(6)
    max_points: Decimal | None = Decimal(9 * INDEX_MAX)

    def __post_init__(self) -> None:
        _check_thresholds(self, ("excellent_from", "good_from", "fair_from", "average_from"), self.max_points)


DEFAULT_OFFICER_RATING = OfficerRatingConfig()
DEFAULT_UNIT_RATING = UnitRatingConfig()


def _points(points: Number, ceiling: Decimal | None) -> Fraction:
    value = _exact(points, "points")
    if value < 0 or (ceiling is not None and value > ceiling):
        upper = f"..{ceiling}" if ceiling is not None else " or more"
        raise InvalidIndexError(f"points must lie in 0{upper}, got {points}.")
    return value


def officer_rating(points: Number, config: OfficerRatingConfig = DEFAULT_OFFICER_RATING) -> OfficerGrade:
    """An officer's grade from their points (Circular 01/2018/TT-VPCP Art. 13-15); a boundary goes up."""
    value = _points(points, config.max_points)
    if value >= config.complete_from:
        return OfficerGrade.COMPLETE
    if value >= config.mostly_complete_from:
        return OfficerGrade.MOSTLY_COMPLETE
    return OfficerGrade.INCOMPLETE


def unit_rating(points: Number, config: UnitRatingConfig = DEFAULT_UNIT_RATING) -> UnitGrade:
    """A unit's grade from its points, e.g. ``AveragedIndices.total`` (Circular 01/2018/TT-VPCP Art. 13-15).

    A boundary belongs to the higher band: 15 is excellent, 12 good, 9 fair, 6 average.
    """
    value = _points(points, config.max_points)
    bands = (
        (config.excellent_from, UnitGrade.EXCELLENT),
        (config.good_from, UnitGrade.GOOD),
        (config.fair_from, UnitGrade.FAIR),
        (config.average_from, UnitGrade.AVERAGE),
    )
    return next((grade for lower, grade in bands if value >= lower), UnitGrade.WEAK)


# -- service index (Decision 766/QĐ-TTg, 2022) ---------------------------------------------------------------
#
# Reverse-fitted: the group weights come from provincial summaries of the decision and the component formulas
# from published descriptions of how the national portal scores them. Keep all of it configuration.


SERVICE_INDEX_TOTAL = Decimal(100)
"""The service index is scored out of 100 points."""


def _check_points(owner: DataclassInstance, names: Sequence[str] = ()) -> None:
    for name in names or [spec.name for spec in fields(owner)]:
        value = getattr(owner, name)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise InvalidConfigError(f"{name} must be a finite Decimal >= 0, got {value!r}.")


def _check_total(owner: DataclassInstance, expected: Decimal, what: str, names: Sequence[str] = ()) -> None:
    total = sum((getattr(owner, name) for name in names or [spec.name for spec in fields(owner)]), Decimal(0))
    if total != expected:
        raise InvalidConfigError(f"The {what} must add up to {expected}, got {total}.")


@dataclass(frozen=True, slots=True)
class ServiceIndexWeights:
    """The five group weights of the service index, in points; they must add up to 100.

    Defaults (Decision 766/QĐ-TTg as summarised by provincial reports, DOMAIN.md §6): publicity and
    transparency 18, progress and results 20, digitisation 22, online services (payment included) 22,
    satisfaction 18. Reverse-fitted: keep as configuration.
    """

    publicity: Decimal = Decimal(18)
    progress: Decimal = Decimal(20)
    digitisation: Decimal = Decimal(22)
    online: Decimal = Decimal(22)
    satisfaction: Decimal = Decimal(18)

    def __post_init__(self) -> None:
        _check_points(self)
        _check_total(self, SERVICE_INDEX_TOTAL, "group weights")


@dataclass(frozen=True, slots=True)
class PublicityWeights:
    """Points of the publicity and transparency group (Decision 766/QĐ-TTg), each multiplied by a share.

    ``dossiers_synced`` (dossiers synchronised to the National Public Service Portal) is named by DOMAIN.md
    §6; the other two components and the equal 6/6/6 split are assumptions, reverse-fitted: keep as
    configuration.
    """

    procedures_published: Decimal = Decimal(6)
    dossiers_synced: Decimal = Decimal(6)
    progress_published: Decimal = Decimal(6)

    def __post_init__(self) -> None:
        _check_points(self)


_ONLINE_POINTS = ("offered_points", "used_points", "submitted_points", "payment_points")


@dataclass(frozen=True, slots=True)
class OnlineServiceConfig:
    """Constants of the online-services group (Decision 766/QĐ-TTg), payment included.

    Online services: ``min(2, 2A / 0.8) + 4B + min(6, 6C / 0.5)`` points, where A is the share of procedures
    offered online, B the share of online services that received dossiers, C the share of dossiers submitted
    online (DOMAIN.md §6). The group weighs 22 with online payment, so payment is worth the remaining 10,
    scored here linearly in the share of fee-bearing dossiers paid online (an assumption). Reverse-fitted:
    keep as configuration.
    """

    offered_points: Decimal = Decimal(2)
    offered_target: Decimal = Decimal("0.8")
    used_points: Decimal = Decimal(4)
    submitted_points: Decimal = Decimal(6)
    submitted_target: Decimal = Decimal("0.5")
    payment_points: Decimal = Decimal(10)

    def __post_init__(self) -> None:
        _check_points(self, _ONLINE_POINTS)
        for name in ("offered_target", "submitted_target"):
            target = getattr(self, name)
            if not isinstance(target, Decimal) or not target.is_finite() or not 0 < target <= 1:
                raise InvalidConfigError(f"{name} is a share and must lie in (0, 1], got {target!r}.")

    @property
    def total(self) -> Decimal:
        """The most the group can score."""
        return sum((getattr(self, name) for name in _ONLINE_POINTS), Decimal(0))


@dataclass(frozen=True, slots=True)
class DigitisationWeights:
    """Points of the digitisation group (Decision 766/QĐ-TTg), each multiplied by a share.

    Components from DOMAIN.md §6 (electronic results, digitised inputs, reuse of digitised data); the 8/8/6
    split is an assumption. Reverse-fitted: keep as configuration.
    """

    electronic_results: Decimal = Decimal(8)
    digitised_inputs: Decimal = Decimal(8)
    reused_data: Decimal = Decimal(6)

    def __post_init__(self) -> None:
        _check_points(self)


@dataclass(frozen=True, slots=True)
class SatisfactionWeights:
    """Points of the satisfaction group (Decision 766/QĐ-TTg), each multiplied by a share.

    Components from DOMAIN.md §6 (satisfaction with receipt and processing, feedback handled on time,
    satisfaction with the feedback answer); the equal 6/6/6 split is an assumption. Reverse-fitted: keep as
    configuration.
    """

    receipt_satisfaction: Decimal = Decimal(6)
    feedback_on_time: Decimal = Decimal(6)
    feedback_satisfaction: Decimal = Decimal(6)

    def __post_init__(self) -> None:
        _check_points(self)


@dataclass(frozen=True, slots=True)
class ServiceIndexConfig:
    """Everything the service index needs besides the figures; every group must add up to its weight."""

    weights: ServiceIndexWeights = field(default_factory=ServiceIndexWeights)
    publicity: PublicityWeights = field(default_factory=PublicityWeights)
    online: OnlineServiceConfig = field(default_factory=OnlineServiceConfig)
    digitisation: DigitisationWeights = field(default_factory=DigitisationWeights)
    satisfaction: SatisfactionWeights = field(default_factory=SatisfactionWeights)

    def __post_init__(self) -> None:
        _check_total(self.publicity, self.weights.publicity, "publicity weights")
        _check_total(self.online, self.weights.online, "online points", _ONLINE_POINTS)
        _check_total(self.digitisation, self.weights.digitisation, "digitisation weights")
        _check_total(self.satisfaction, self.weights.satisfaction, "satisfaction weights")


DEFAULT_SERVICE_INDEX_CONFIG = ServiceIndexConfig()


def _weighted(pairs: Sequence[tuple[Decimal, Number, str]]) -> Fraction:
    return sum((Fraction(weight) * _share(share, name) for weight, share, name in pairs), Fraction(0))


def _progress(on_time_rate: Number, weight: Decimal) -> Fraction:
    if _exact(weight, "weight") < 0:
        raise InvalidConfigError(f"weight must be >= 0, got {weight}.")
    return Fraction(weight) * _share(on_time_rate, "on_time_rate")


def _online(offered: Number, used: Number, submitted: Number, config: OnlineServiceConfig) -> Fraction:
    a = _share(offered, "offered")
    b = _share(used, "used")
    c = _share(submitted, "submitted")
    offered_points, submitted_points = Fraction(config.offered_points), Fraction(config.submitted_points)
    return (
        min(offered_points, offered_points * a / Fraction(config.offered_target))
        + Fraction(config.used_points) * b
        + min(submitted_points, submitted_points * c / Fraction(config.submitted_target))
    )


def progress_points(
    on_time_rate: Number, *, weight: Decimal = DEFAULT_SERVICE_INDEX_CONFIG.weights.progress
) -> Decimal:
    """Progress and results: ``weight x on-time rate``, 20 x rate by default (Decision 766/QĐ-TTg).

    ``on_time_rate`` is a share, e.g. ``ResolutionCounts.on_time_rate``; a unit with nothing resolved has no
    rate and the caller decides what that scores. Reverse-fitted: keep as configuration.
    """
    return round_half_up(_progress(on_time_rate, weight))


def online_service_points(
    offered: Number,
    used: Number,
    submitted: Number,
    *,
    config: OnlineServiceConfig = DEFAULT_SERVICE_INDEX_CONFIG.online,
) -> Decimal:
    """Online services without payment: ``min(2, 2A/0.8) + 4B + min(6, 6C/0.5)``, at most 12 (Decision 766).

    ``offered`` (A) is the share of procedures offered online, ``used`` (B) the share of online services that
    received dossiers, ``submitted`` (C) the share of dossiers submitted online; each must lie in [0, 1].
    A is capped once 80 % of procedures are online and C once half of the dossiers come online.
    Reverse-fitted: keep as configuration.
    """
    return round_half_up(_online(offered, used, submitted, config))


def online_payment_points(
    paid_online: Number, *, config: OnlineServiceConfig = DEFAULT_SERVICE_INDEX_CONFIG.online
) -> Decimal:
    """Online payment: ``payment_points x share of fee-bearing dossiers paid online``, 10 x share by default.

    The remainder of the online group's 22 points once online services take 12 (Decision 766/QĐ-TTg counts
    payment in the online group); the linear formula is an assumption. Reverse-fitted: keep as configuration.
    """
    return round_half_up(Fraction(config.payment_points) * _share(paid_online, "paid_online"))


def publicity_points(
    *,
    procedures_published: Number,
    dossiers_synced: Number,
    progress_published: Number,
    weights: PublicityWeights = DEFAULT_SERVICE_INDEX_CONFIG.publicity,
) -> Decimal:
    """Publicity and transparency: each share times its weight, 18 points at most by default (Decision 766).

    ``procedures_published``: share of procedures published with complete data; ``dossiers_synced``: share of
    dossiers synchronised to the National Public Service Portal; ``progress_published``: share of dossiers
    whose progress the applicant can follow. Reverse-fitted: keep as configuration.
    """
    return round_half_up(
        _weighted(
            (
                (weights.procedures_published, procedures_published, "procedures_published"),
                (weights.dossiers_synced, dossiers_synced, "dossiers_synced"),
                (weights.progress_published, progress_published, "progress_published"),
            )
        )
    )


def digitisation_points(
    *,
    electronic_results: Number,
    digitised_inputs: Number,
    reused_data: Number,
    weights: DigitisationWeights = DEFAULT_SERVICE_INDEX_CONFIG.digitisation,
) -> Decimal:
    """Digitisation: each share times its weight, 22 points at most by default (Decision 766/QĐ-TTg).

    ``electronic_results``: share of results issued electronically; ``digitised_inputs``: share of dossiers
    whose components were digitised at receipt; ``reused_data``: share of dossiers reusing digitised data
    instead of asking again. Reverse-fitted: keep as configuration.
    """
    return round_half_up(
        _weighted(
            (
                (weights.electronic_results, electronic_results, "electronic_results"),
                (weights.digitised_inputs, digitised_inputs, "digitised_inputs"),
                (weights.reused_data, reused_data, "reused_data"),
            )
        )
    )


def satisfaction_points(
    *,
    receipt_satisfaction: Number,
    feedback_on_time: Number,
    feedback_satisfaction: Number,
    weights: SatisfactionWeights = DEFAULT_SERVICE_INDEX_CONFIG.satisfaction,
) -> Decimal:
    """Satisfaction: each share times its weight, 18 points at most by default (Decision 766/QĐ-TTg).

    ``receipt_satisfaction``: share of ratings satisfied with receipt and processing; ``feedback_on_time``:
    share of feedback (phản ánh, kiến nghị) handled on time; ``feedback_satisfaction``: share of applicants
    satisfied with the answer. Reverse-fitted: keep as configuration.
    """
    return round_half_up(
        _weighted(
            (
                (weights.receipt_satisfaction, receipt_satisfaction, "receipt_satisfaction"),
                (weights.feedback_on_time, feedback_on_time, "feedback_on_time"),
                (weights.feedback_satisfaction, feedback_satisfaction, "feedback_satisfaction"),
            )
        )
    )


@dataclass(frozen=True, slots=True)
class ServiceIndexInputs:
    """The shares one unit's service index is computed from, for one period; each must lie in [0, 1]."""

    procedures_published: Number
    dossiers_synced: Number
    progress_published: Number
    on_time_rate: Number
    procedures_offered_online: Number
    online_services_used: Number
    dossiers_submitted_online: Number
    paid_online: Number
    electronic_results: Number
    digitised_inputs: Number
    reused_data: Number
    receipt_satisfaction: Number
    feedback_on_time: Number
    feedback_satisfaction: Number

    def __post_init__(self) -> None:
        for spec in fields(self):
            _share(getattr(self, spec.name), spec.name)


@dataclass(frozen=True, slots=True)
class ServiceIndex:
    """Points per group, each rounded to 2 decimals half up, and their sum out of 100."""

    publicity: Decimal
    progress: Decimal
    online: Decimal
    digitisation: Decimal
    satisfaction: Decimal

    @property
    def total(self) -> Decimal:
        """The sum of the rounded groups, so that the published table adds up; never above 100."""
        return self.publicity + self.progress + self.online + self.digitisation + self.satisfaction


def service_index(
    inputs: ServiceIndexInputs, config: ServiceIndexConfig = DEFAULT_SERVICE_INDEX_CONFIG
) -> ServiceIndex:
    """The Decision 766/QĐ-TTg service index of one unit and period, out of 100.

    Each group is computed exactly and rounded once; the online group adds online services and payment
    before rounding. Reverse-fitted: every weight and constant comes from ``config``.
    """
    online = _online(
        inputs.procedures_offered_online,
        inputs.online_services_used,
        inputs.dossiers_submitted_online,
        config.online,
    ) + Fraction(config.online.payment_points) * _share(inputs.paid_online, "paid_online")
    return ServiceIndex(
        publicity=publicity_points(
            procedures_published=inputs.procedures_published,
            dossiers_synced=inputs.dossiers_synced,
            progress_published=inputs.progress_published,
            weights=config.publicity,
        ),
        progress=round_half_up(_progress(inputs.on_time_rate, config.weights.progress)),
        online=round_half_up(online),
        digitisation=digitisation_points(
            electronic_results=inputs.electronic_results,
            digitised_inputs=inputs.digitised_inputs,
            reused_data=inputs.reused_data,
            weights=config.digitisation,
        ),
        satisfaction=satisfaction_points(
            receipt_satisfaction=inputs.receipt_satisfaction,
            feedback_on_time=inputs.feedback_on_time,
            feedback_satisfaction=inputs.feedback_satisfaction,
            weights=config.satisfaction,
        ),
    )
