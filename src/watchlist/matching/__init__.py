"""Scoring a query against a listed entry.

A scorer is any object with a ``name`` (recorded in every result), a ``default_threshold``,
and ``compare(party, entry) -> Match``. The :class:`~watchlist.screening.Screener` takes one,
so a better scorer replaces another without touching list loading or screening. The default is
:class:`FeatureScorer`; :func:`compare` uses it on names, parties or entries.
"""

from watchlist.matching.scorer import (
    DEFAULT_THRESHOLD,
    FeatureScorer,
    Scorer,
    TokenAlignmentScorer,
    compare,
)

__all__ = ["DEFAULT_THRESHOLD", "FeatureScorer", "Scorer", "TokenAlignmentScorer", "compare"]
