"""Scoring a query against a listed entry.

A scorer is any object with a ``name`` (recorded in every result), a ``default_threshold``,
and ``compare(party, entry) -> Match``. The :class:`~watchlist.screening.Screener` takes one,
so a better scorer replaces this one without touching list loading or screening.
"""

from watchlist.matching.scorer import Scorer, TokenAlignmentScorer

__all__ = ["Scorer", "TokenAlignmentScorer"]
