"""The calibrated model: what the candidate index's bound relies on, and what it refuses."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchlist.matching.calibration import Calibration, shipped_calibration
from watchlist.matching.evidence import AGAINST, NAME_FEATURES, near_exact_of

CALIBRATION = shipped_calibration()
unit = st.floats(min_value=0.0, max_value=1.0)


def naive_largest_log_odds(calibration: Calibration, name_score: float) -> float:
    """The most log-odds of a name score, every feature value tried at 0 and at its largest."""
    total = calibration.intercept + calibration.name_weight * name_score
    for feature, weight in calibration.weights.items():
        largest = near_exact_of(name_score) if feature == "near_exact" else 1.0
        total += max(0.0, weight * largest)
    return total


@given(
    name_score=unit,
    values=st.lists(unit, min_size=len(NAME_FEATURES), max_size=len(NAME_FEATURES)),
    threshold=st.floats(min_value=0.01, max_value=0.999),
    secondary=st.floats(min_value=0.0, max_value=3.0),
)
def test_no_name_under_the_floor_reaches_the_threshold(
    name_score: float, values: list[float], threshold: float, secondary: float
) -> None:
    """Whatever the name features' values (but the acronym, which the index finds apart),
    a name scoring under the floor stays under the threshold."""
    names = list(NAME_FEATURES)
    values[names.index("near_exact")] = near_exact_of(name_score)
    values[names.index("acronym")] = 0.0
    log_odds = CALIBRATION.name_log_odds(name_score, values) + secondary
    if CALIBRATION.probability(log_odds) >= threshold:
        assert name_score >= CALIBRATION.name_floor(threshold, secondary=secondary) - 1e-9


@given(
    name_score=unit,
    values=st.lists(unit, min_size=len(NAME_FEATURES), max_size=len(NAME_FEATURES)),
    threshold=st.floats(min_value=0.01, max_value=0.999),
    secondary=st.floats(min_value=0.0, max_value=3.0),
    commonness=unit,
    person=st.booleans(),
)
def test_no_name_under_its_floor_by_commonness_reaches_the_threshold(
    name_score: float,
    values: list[float],
    threshold: float,
    secondary: float,
    commonness: float,
    person: bool,
) -> None:
    """As above, for names whose agreeing words are at least ``commonness`` common (the
    ``common_words`` value is then at least that, faded as the names near full agreement),
    compared by persons' rules or not (persons' rules give organisation_rules 0, and no
    acronym or whole name)."""
    names = list(NAME_FEATURES)
    near_exact = near_exact_of(name_score)
    values[names.index("near_exact")] = near_exact
    values[names.index("acronym")] = 0.0
    least_common = commonness * (1.0 - near_exact)
    common = names.index("common_words")
    values[common] = least_common + values[common] * (1.0 - least_common)
    if person:
        for feature in ("organisation_rules", "whole_name", "short_acronym"):
            values[names.index(feature)] = 0.0
    log_odds = CALIBRATION.name_log_odds(name_score, values) + secondary
    if CALIBRATION.probability(log_odds) >= threshold:
        floor = CALIBRATION.name_floor(
            threshold, secondary=secondary, person=person, commonness=commonness
        )
        assert name_score >= floor - 1e-9


@given(name_score=unit)
def test_best_log_odds_bounds_every_pair_of_this_name_score(name_score: float) -> None:
    assert CALIBRATION.best_log_odds(name_score) == pytest.approx(
        naive_largest_log_odds(CALIBRATION, name_score)
    )


def test_the_shipped_weights_keep_their_signs_and_say_where_they_come_from() -> None:
    assert CALIBRATION.name_weight > 0
    assert all(CALIBRATION.weights[feature] <= 0 for feature in AGAINST)
    assert CALIBRATION.provenance["fitted_by"] == "benchmarks/fit_matcher.py"
    assert 0 < CALIBRATION.threshold < 1


def test_a_calibration_that_would_break_the_bound_is_refused() -> None:
    data = CALIBRATION.to_json()
    wrong = {**data, "weights": {**CALIBRATION.weights, "conflicting_names": 0.5}}
    with pytest.raises(ValueError, match="conflicting_names"):
        Calibration.from_json(wrong)
    with pytest.raises(ValueError, match="positive"):
        Calibration.from_json({**data, "name_weight": 0.0})
    missing = {k: v for k, v in CALIBRATION.weights.items() if k != "acronym"}
    with pytest.raises(ValueError, match="weights"):
        Calibration.from_json({**data, "weights": missing})


def test_probability_is_the_logistic_of_the_log_odds() -> None:
    for log_odds in (-800.0, -3.0, 0.0, 2.5, 800.0):
        expected = 1 / (1 + math.exp(-log_odds)) if abs(log_odds) < 700 else float(log_odds > 0)
        assert CALIBRATION.probability(log_odds) == pytest.approx(expected)
