"""Scorers the tests check the screener's retrieval against."""

from __future__ import annotations

import attrs

from watchlist.matching import FeatureScorer, Retrieval
from watchlist.matching.protocols import Records
from watchlist.matching.retrieval import ScoreEveryRecord


@attrs.frozen
class ScoresEveryRecord(FeatureScorer):
    """The default scorer, prepared for the loaded lists as it is, but without its candidate
    index: a Screener scores every record in force with it (the brute-force reference)."""

    def retrieval(self, records: Records) -> Retrieval:
        return ScoreEveryRecord(self.for_records(records), records)
