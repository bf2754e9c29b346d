"""The calibrated model: the name score and the other evidence, weighed into a probability.

The log-odds that a query and a listed entry are the same party are a sum::

    log-odds = intercept + name weight * name score + sum of (feature weight * feature value)
               + the secondary evidence (date of birth, nationality, identifiers, kind)

and the score is the probability ``1 / (1 + exp(-log-odds))``. The name weight and the name
features' weights are fitted by logistic regression on the train split of the labelled pairs
(``benchmarks/fit_matcher.py``, from real aliases and namesakes on the OFAC and UN lists), and
shipped in ``calibration.json`` with the split, the seed and the measured figures; the weights
of the secondary evidence are set by judgement (the pairs carry names only) and say so in the
same file. The probability is that of the labelled pairs, where about two pairs in five are the
same party: at a bank, where almost every customer is not listed, a hit at 0.9 is much less
likely to be the listed party. Choose a threshold by the precision and recall it gives on the
table in the README, not by reading the score as a bank's own odds.

The weights of the evidence against (conflicting names, qualifiers ...) are at most 0 and the
name weight is positive, so a listed name can give a hit only if its name score reaches
:meth:`Calibration.name_floor`: the candidate index finds every name that could.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
from collections.abc import Mapping, Sequence

import attrs

from watchlist.matching.evidence import AGAINST, FOR, NAME_FEATURES, near_exact_of

#: The secondary evidence the calibration weighs, each a log-odds term when present.
SECONDARY = (
    "birth_date_exact",
    "birth_date_compatible",
    "birth_date_conflict",
    "nationality_shared",
    "nationality_conflict",
    "identifier_equal",
    "identifier_conflict",
    "kind_conflict",
)


#: The features that follow the name score (see :meth:`Calibration._reach`).
_FOLLOWING = frozenset({"near_exact"})
#: The features that are 0 for names compared as persons' names (they need organisations'
#: names compared whole, or say that they were not).
_ORGANISATIONS_ONLY = frozenset({"organisation_rules", "acronym", "whole_name", "short_acronym"})


def _weights(value: Mapping[str, float]) -> Mapping[str, float]:
    return {str(key): float(weight) for key, weight in value.items()}


@attrs.frozen
class Calibration:
    """The weights of the model, as fitted (see the module documentation)."""

    intercept: float
    name_weight: float = attrs.field()
    #: The weight of each name feature of :data:`~watchlist.matching.evidence.NAME_FEATURES`.
    weights: Mapping[str, float] = attrs.field(converter=_weights)
    #: The log-odds each item of secondary evidence adds (or, below 0, takes away).
    secondary: Mapping[str, float] = attrs.field(converter=_weights)
    #: The default threshold, chosen on the dev split.
    threshold: float
    #: The mean commonness of the rarest agreeing word over the pairs fitted on: what a word is
    #: assumed to have when no lists were counted.
    unknown_commonness: float
    #: Where the weights come from: the corpus, split, seed and figures, as fitted.
    provenance: Mapping[str, object] = attrs.field(factory=dict, eq=False, repr=False)
    #: The name features' weights in :data:`NAME_FEATURES` order.
    ordered_weights: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False)
    #: What the evidence for adds at most, but for the features following the name score.
    _bonus: float = attrs.field(init=False, repr=False, eq=False)
    #: The same, but for the acronym too (see :meth:`name_floor`).
    _bonus_but_acronym: float = attrs.field(init=False, repr=False, eq=False)
    #: The same, for names compared as persons' names.
    _person_bonus: float = attrs.field(init=False, repr=False, eq=False)

    @name_weight.validator
    def _positive(self, _attribute: object, value: float) -> None:
        if not value > 0:
            msg = f"the name weight must be positive, not {value}"
            raise ValueError(msg)

    def __attrs_post_init__(self) -> None:
        if set(self.weights) != set(NAME_FEATURES):
            msg = f"calibration weights {sorted(self.weights)} are not {sorted(NAME_FEATURES)}"
            raise ValueError(msg)
        if set(self.secondary) != set(SECONDARY):
            msg = f"calibration secondary {sorted(self.secondary)} are not {sorted(SECONDARY)}"
            raise ValueError(msg)
        for name in AGAINST:
            if self.weights[name] > 0:
                msg = f"the weight of {name}, evidence against, must be at most 0"
                raise ValueError(msg)
        for name in FOR:
            if self.weights[name] < 0:
                msg = f"the weight of {name}, evidence for, must be at least 0"
                raise ValueError(msg)
        object.__setattr__(
            self, "ordered_weights", tuple(self.weights[name] for name in NAME_FEATURES)
        )
        bonus = {name: max(0.0, w) for name, w in self.weights.items() if name not in _FOLLOWING}
        object.__setattr__(self, "_bonus", sum(bonus.values()))
        object.__setattr__(
            self, "_bonus_but_acronym", sum(bonus.values()) - bonus.get("acronym", 0.0)
        )
        object.__setattr__(
            self,
            "_person_bonus",
            sum(w for name, w in bonus.items() if name not in _ORGANISATIONS_ONLY),
        )

    def name_log_odds(self, name_score: float, values: Sequence[float]) -> float:
        """The log-odds from a name score and its name features' values."""
        total = self.intercept + self.name_weight * name_score
        for weight, value in zip(self.ordered_weights, values, strict=True):
            if value:
                total += weight * value
        return total

    def best_log_odds(self, name_score: float) -> float:
        """The most log-odds a name of this score can reach with any name feature values (the
        evidence for at its largest, the evidence against absent)."""
        return self._reach(name_score) + self._bonus

    def name_floor(
        self,
        threshold: float,
        *,
        secondary: float = 0.0,
        whole: bool = False,
        person: bool = False,
        commonness: float = 0.0,
    ) -> float:
        """The least name score with which a listed name could reach ``threshold``, when the
        secondary evidence adds at most ``secondary`` log-odds; below 0 if any name could.
        ``whole``: of a name score that organisations' names compared whole give (which the
        ``whole_name`` feature weighs); ``person``: of names compared as persons' names;
        ``commonness``: of names whose agreeing name words are all at least that common
        (the ``common_words`` feature).

        An acronym is left out: it scores :data:`~watchlist.matching.names.ACRONYM_SIMILARITY`
        whatever the floor, and the candidate index finds every acronym whatever the floor."""
        if threshold <= 0.0:
            return -1.0
        if threshold >= 1.0:
            return 2.0
        bonus = self._person_bonus if person else self._bonus_but_acronym
        target = math.log(threshold / (1.0 - threshold)) - secondary - bonus
        if whole:
            target -= self.weights["whole_name"]

        def reach(name_score: float) -> float:
            return self._reach(name_score, commonness)

        if reach(1.0) < target:
            return 2.0
        if reach(0.0) >= target:
            return -1.0
        # reach increases with the name score: bisect to well under float noise.
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = (low + high) / 2
            if reach(middle) >= target:
                high = middle
            else:
                low = middle
        return low

    def _reach(self, name_score: float, commonness: float = 0.0) -> float:
        """The log-odds of a name score with the features that follow it, and nothing else
        (but the ``common_words`` of agreeing words of that ``commonness``)."""
        near_exact = near_exact_of(name_score)
        return (
            self.intercept
            + self.name_weight * name_score
            + self.weights["near_exact"] * near_exact
            + self.weights["common_words"] * commonness * (1.0 - near_exact)
        )

    def probability(self, log_odds: float) -> float:
        """The probability of ``log_odds``."""
        if log_odds >= 0:
            return 1.0 / (1.0 + math.exp(-log_odds))
        odds = math.exp(log_odds)
        return odds / (1.0 + odds)

    def to_json(self) -> dict[str, object]:
        return {
            "intercept": self.intercept,
            "name_weight": self.name_weight,
            "weights": dict(self.weights),
            "secondary": dict(self.secondary),
            "threshold": self.threshold,
            "unknown_commonness": self.unknown_commonness,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Calibration:
        return cls(
            intercept=float(data["intercept"]),  # type: ignore[arg-type]
            name_weight=float(data["name_weight"]),  # type: ignore[arg-type]
            weights=data["weights"],  # type: ignore[arg-type]
            secondary=data["secondary"],  # type: ignore[arg-type]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            unknown_commonness=float(data["unknown_commonness"]),  # type: ignore[arg-type]
            provenance=data.get("provenance", {}),  # type: ignore[arg-type]
        )


@functools.cache
def shipped_calibration() -> Calibration:
    """The calibration shipped with the package (``calibration.json``)."""
    text = importlib.resources.files("watchlist.matching").joinpath("calibration.json")
    return Calibration.from_json(json.loads(text.read_text(encoding="utf-8")))
