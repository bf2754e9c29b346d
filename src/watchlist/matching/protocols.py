"""What the screener needs of a scorer, and of the candidate retrieval a scorer may own.

A :class:`Scorer` compares a query with one listed entry. Scoring every record of every list
for every query is correct but slow, so a scorer may also be an :class:`IndexedScorer`: one
that builds, over the records of the loaded lists, a :class:`Retrieval` that finds the
records that could reach a threshold (and is prepared for those lists: the default scorer
weighs words by how common they are in them). The screener uses whatever retrieval the scorer
gives, without knowing its class; a plain :class:`Scorer` gets one that scores every record
(:class:`~watchlist.matching.retrieval.ScoreEveryRecord`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from watchlist.model import Entry, Match, Name, Party

#: Records a retrieval is built over: ``(list id, entry)`` pairs, every version of every list.
Records = Sequence[tuple[str, Entry]]
#: Candidates of a query, by position in the records, each with the names of its entry that
#: could reach the threshold (``None``: every name).
Candidates = Mapping[int, Sequence[Name] | None]


class Scorer(Protocol):
    """What the Screener needs of a scorer: a ``name`` (recorded in every result), a
    ``default_threshold``, and ``compare``."""

    @property
    def name(self) -> str: ...

    @property
    def default_threshold(self) -> float: ...

    def compare(self, query: Party, entry: Entry) -> Match: ...


class Retrieval(Protocol):
    """A scorer's way to the records that could reach a threshold, among those it was built
    over."""

    @property
    def scorer(self) -> Scorer:
        """The scorer, as prepared for these records; every score comes from it."""
        ...

    @property
    def records(self) -> Records: ...

    def candidates(self, query: Party, threshold: float) -> Candidates | None:
        """Every record that could score ``threshold`` against ``query`` (possibly more), or
        ``None`` when every record must be scored."""
        ...

    def match(
        self, query: Party, entry: Entry, listed_names: Sequence[Name] | None, threshold: float
    ) -> Match | None:
        """``scorer.compare(query, entry)`` if it scores at least ``threshold``, else ``None``,
        looking only at ``listed_names`` if given (those :meth:`candidates` said could reach
        the threshold): the same result either way. A retrieval may decide ``None`` without
        building the match."""
        ...


@runtime_checkable
class IndexedScorer(Scorer, Protocol):
    """A scorer that owns its candidate retrieval."""

    def retrieval(self, records: Records) -> Retrieval: ...
