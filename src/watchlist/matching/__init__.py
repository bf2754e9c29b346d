"""Scoring a query against a listed entry, and finding the entries worth scoring.

A scorer is any object with a ``name`` (recorded in every result), a ``default_threshold``,
and ``compare(party, entry) -> Match`` (:class:`Scorer`); one that also builds its own
candidate retrieval over the loaded lists is an :class:`IndexedScorer`. The
:class:`~watchlist.screening.screener.Screener` takes either, so a better scorer replaces
another without touching list loading or screening. The default is :class:`FeatureScorer`;
:func:`compare` uses it on names, parties or entries.
"""

from watchlist.matching.protocols import IndexedScorer, Retrieval, Scorer
from watchlist.matching.scorer import (
    DEFAULT_THRESHOLD,
    FeatureScorer,
    TokenAlignmentScorer,
    compare,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "FeatureScorer",
    "IndexedScorer",
    "Retrieval",
    "Scorer",
    "TokenAlignmentScorer",
    "compare",
]
