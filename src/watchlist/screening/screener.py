"""The Screener: a party against the lists in force in a jurisdiction on a date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from watchlist._rules import as_of_day, check_threshold, jurisdiction_code, threshold_or
from watchlist.errors import (
    InputError,
    ListNotFoundError,
    NoCoverageError,
    UnknownJurisdictionError,
)
from watchlist.lists.jurisdictions import Jurisdiction
from watchlist.lists.loading import is_official, load_directory, missing_list, shipped_lists_dir
from watchlist.lists.store import Store
from watchlist.lists.timeline import Timeline
from watchlist.matching import FeatureScorer, Retrieval, Scorer
from watchlist.matching.protocols import Candidates, Records
from watchlist.matching.retrieval import IndexCache, retrieval_for
from watchlist.model import (
    Designation,
    Entry,
    Hit,
    ListUse,
    ListVersion,
    Party,
    ScreeningResult,
)

if TYPE_CHECKING:
    from watchlist.screening.decisions import DecisionLog
    from watchlist.screening.status import StatusTimeline


def _timelines(items: Mapping[str, Timeline]) -> Mapping[str, Timeline]:
    return MappingProxyType(dict(items))


def _jurisdictions(items: Mapping[str, Jurisdiction]) -> Mapping[str, Jurisdiction]:
    return MappingProxyType(dict(items))


def _optional_path(value: Path | str | None) -> Path | None:
    return None if value is None else Path(value).expanduser()


def default_index_cache_path() -> Path:
    """The per-user cache of candidate indexes: ``$WATCHLIST_INDEX_CACHE``, else
    ``$XDG_CACHE_HOME/watchlist/index``, else ``~/.cache/watchlist/index`` (as the version
    store's default, :func:`~watchlist.lists.store.default_store_path`, for data)."""
    if configured := os.environ.get("WATCHLIST_INDEX_CACHE"):
        return Path(configured).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home).expanduser() / "watchlist" / "index"


@attrs.frozen
class Screener:
    """Screens parties against the lists a jurisdiction applies, as they stood on a date.

    A Screener is immutable once built, so one instance can serve many threads.
    """

    timelines: Mapping[str, Timeline] = attrs.field(converter=_timelines)
    jurisdictions: Mapping[str, Jurisdiction] = attrs.field(converter=_jurisdictions)
    scorer: Scorer = attrs.field(factory=FeatureScorer)
    threshold: float = attrs.field(
        default=attrs.Factory(lambda self: self.scorer.default_threshold, takes_self=True)
    )
    #: Where the default scorer's candidate index is kept on disk between runs (see
    #: :mod:`watchlist.matching._indexcache`), or ``None``: built each time. A cache is
    #: verified whenever it is loaded, and one that cannot be used is built again: with or
    #: without it, the same hits.
    index_cache: Path | None = attrs.field(
        default=None, converter=_optional_path, kw_only=True, eq=False
    )
    #: The scorer's retrieval over every record of every timeline (see
    #: :mod:`watchlist.matching.protocols`): for the default scorer, a candidate index; even
    #: for ten records, looking up candidates costs a tenth of scoring every one.
    _retrieval: Retrieval = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_threshold(self.threshold)
        for jurisdiction in self.jurisdictions.values():
            for applied in jurisdiction.lists:
                if applied.list_id not in self.timelines and not is_official(applied.list_id):
                    # A curated list missing from its directory: the set-up is wrong.
                    raise ListNotFoundError(
                        applied.list_id, self.timelines, needed_by=jurisdiction.code
                    )
        # An official list with no version loaded (say eu-fsf before the first `lists update`)
        # leaves the other jurisdictions usable: screening in those applying it fails closed,
        # in _timelines_for, naming the command that loads it.
        records = [
            (list_id, record)
            for list_id, timeline in self.timelines.items()
            for record in timeline.records
        ]
        # Built once, here, so that the screener stays immutable and shareable; the scorer
        # it holds is the one prepared for these lists, whose scores every result reports.
        cache = None
        if self.index_cache is not None:
            # Keyed by every version of every list, in the order of the records.
            versions = tuple(
                (list_id, tuple(version.digest for version in timeline.versions))
                for list_id, timeline in self.timelines.items()
            )
            cache = IndexCache(self.index_cache, versions)
        retrieval = _retrieval(self.scorer, records, cache)
        object.__setattr__(self, "_retrieval", retrieval)
        object.__setattr__(self, "scorer", retrieval.scorer)

    @classmethod
    def default(
        cls,
        *,
        scorer: Scorer | None = None,
        threshold: float | None = None,
        index_cache: Path | str | None = None,
    ) -> Screener:
        """A screener over the curated lists shipped with watchlist."""
        return cls.from_directory(
            shipped_lists_dir(), scorer=scorer, threshold=threshold, index_cache=index_cache
        )

    @classmethod
    def from_directory(
        cls,
        path: Path | str,
        *,
        scorer: Scorer | None = None,
        threshold: float | None = None,
        store: Store | Path | str | None = None,
        jurisdictions: Path | str | None = None,
        index_cache: Path | str | None = None,
    ) -> Screener:
        """A screener over every ``*.toml`` list in ``path`` and its ``jurisdictions.toml``.

        ``store`` (a :class:`~watchlist.lists.store.Store` or its directory) adds every list
        version recorded there, such as the official lists' history. ``jurisdictions`` reads
        the jurisdictions from another file instead, say a bank's own, naming official list ids
        such as ``us-ofac-sdn``. See :func:`watchlist.lists.loading.load_directory`.
        ``index_cache`` is a directory to keep the candidate index in between runs (say
        :func:`default_index_cache_path`); see :attr:`index_cache`.
        """
        versions, loaded = load_directory(path, store=store, jurisdictions=jurisdictions)
        return cls.from_versions(
            versions, loaded, scorer=scorer, threshold=threshold, index_cache=index_cache
        )

    @classmethod
    def from_versions(
        cls,
        versions: Iterable[ListVersion],
        jurisdictions: Mapping[str, Jurisdiction],
        *,
        scorer: Scorer | None = None,
        threshold: float | None = None,
        index_cache: Path | str | None = None,
    ) -> Screener:
        """A screener over list versions of any format; versions of one list form its history."""
        by_list: dict[str, list[ListVersion]] = {}
        for version in versions:
            by_list.setdefault(version.info.id, []).append(version)
        timelines = {list_id: Timeline.from_versions(group) for list_id, group in by_list.items()}
        scorer = scorer or FeatureScorer()
        return cls(
            timelines=timelines,
            jurisdictions=jurisdictions,
            scorer=scorer,
            threshold=scorer.default_threshold if threshold is None else threshold,
            index_cache=index_cache,
        )

    def screen(
        self,
        party: Party | str,
        *,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        threshold: float | None = None,
        accept_stale: bool = False,
        decisions: DecisionLog | None = None,
    ) -> ScreeningResult:
        """Screen one party; ``as_of`` defaults to today, and is recorded in the result.

        With ``decisions`` (a :class:`~watchlist.screening.decisions.DecisionLog`), each hit
        on a party with a ``customer_id`` carries the decision that covers it, or why the
        latest one no longer does; a hit a valid ``cleared`` decision covers is reported with
        the status ``cleared``, never dropped.

        Raises :class:`~watchlist.errors.UnknownJurisdictionError`,
        :class:`~watchlist.errors.NoCoverageError` or :class:`~watchlist.errors.StaleListError`
        rather than answer for a jurisdiction or date the loaded lists do not cover.
        """
        query = as_query(party)
        day = as_of_day(as_of)
        threshold = threshold_or(self.threshold, threshold)
        options = _ScreenOptions(
            jurisdiction=jurisdiction, as_of=day, threshold=threshold, accept_stale=accept_stale
        )
        result = options.bind(self).screen(query)
        return result if decisions is None else decisions.apply(result)

    def screen_many(
        self,
        rows: Iterable[Party | str],
        *,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        threshold: float | None = None,
        accept_stale: bool = False,
        workers: int = 1,
        decisions: DecisionLog | None = None,
    ) -> Iterator[ScreeningResult]:
        """Screen a stream of parties; one result per row, in input order, as :meth:`screen` gives.

        ``rows`` is read lazily and results are yielded as they are ready, so a stream of any
        length is screened in constant memory. ``as_of`` is resolved once (default: today), so
        a run that crosses midnight screens every row as of the same day.

        Coverage is checked once, when this method is called, rather than on every row: an
        unknown jurisdiction, an uncovered date or a stale list raises here, before anything is
        read. A blank name raises :class:`~watchlist.errors.InputError` when its row is
        reached, as :meth:`screen` would.

        With ``workers`` above 1, rows are screened in that many processes, in chunks; each
        process receives a copy of this screener once, when it starts, and only a bounded
        number of chunks is in flight at a time. Processes are started with ``spawn``, so a
        script that calls this must guard its entry point with ``if __name__ == "__main__":``.

        ``decisions`` are applied as :meth:`screen` applies them, in this process (worker
        processes never read the decisions file).
        """
        day = as_of_day(as_of)
        threshold = threshold_or(self.threshold, threshold)
        if workers < 1:
            msg = f"workers must be at least 1, got {workers}"
            raise InputError(msg, field="workers", value=workers)
        options = _ScreenOptions(
            jurisdiction=jurisdiction, as_of=day, threshold=threshold, accept_stale=accept_stale
        )
        # Bound here, so that an uncovered jurisdiction or date raises before a row is read.
        run = options.bind(self)
        if workers == 1:
            results: Iterator[ScreeningResult] = map(run.screen, rows)
        else:
            # Imported here: the workers module imports this one.
            from watchlist.screening.workers import screen_in_processes

            results = screen_in_processes(self, rows, options, workers)
        return results if decisions is None else map(decisions.apply, results)

    def lists_for(
        self,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        *,
        accept_stale: bool = False,
    ) -> tuple[ListUse, ...]:
        """The list versions a screening in ``jurisdiction`` on ``as_of`` would use.

        Raises as :meth:`screen` does, so a batch can fail once, up front, instead of on
        every row.
        """
        day = as_of_day(as_of)
        options = _ScreenOptions(
            jurisdiction=jurisdiction,
            as_of=day,
            threshold=self.threshold,
            accept_stale=accept_stale,
        )
        return options.bind(self).lists_used

    def timeline(
        self,
        party: Party | str,
        *,
        jurisdictions: Iterable[str] | str,
        start: str | dt.date | dt.datetime,
        end: str | dt.date | dt.datetime | None = None,
        threshold: float | None = None,
        accept_stale: bool = False,
    ) -> StatusTimeline:
        """Where and when ``party`` hits, in each of ``jurisdictions``, from ``start`` to
        ``end`` (both included; ``end`` defaults to today): the periods, with the list, entry,
        designation basis and the legal event at each change. Worked out from the lists'
        designations and versions, not by screening every day; on every day it agrees with
        :meth:`screen`. See :mod:`watchlist.screening.status`.

        Raises as :meth:`screen` would on some day of the range: an unknown jurisdiction, a
        day no list covers, a list stale at the end of the range (unless ``accept_stale``).
        """
        from watchlist.screening.status import status_timeline

        return status_timeline(
            self,
            party,
            jurisdictions=jurisdictions,
            start=start,
            end=end,
            threshold=threshold,
            accept_stale=accept_stale,
        )

    def _timelines_for(
        self, jurisdiction: str, day: dt.date, *, accept_stale: bool
    ) -> tuple[Timeline, ...]:
        # Not a code at all (None, say) is as unknown as a code that is not configured.
        if (
            not isinstance(jurisdiction, str)
            or (code := jurisdiction_code(jurisdiction)) not in self.jurisdictions
        ):
            raise UnknownJurisdictionError(jurisdiction, self.jurisdictions)
        applied = self.jurisdictions[code].lists_on(day)
        list_ids = dict.fromkeys(each.list_id for each in applied)
        if not list_ids:
            raise NoCoverageError(as_of=day, jurisdiction=code)
        for list_id in list_ids:
            if list_id not in self.timelines:
                raise missing_list(list_id, self.timelines, needed_by=code)
        timelines = tuple(self.timelines[list_id] for list_id in list_ids)
        for timeline in timelines:
            timeline.check_covers(day, accept_stale=accept_stale)
        return timelines


def _retrieval(scorer: Scorer, records: Records, cache: IndexCache | None) -> Retrieval:
    """The retrieval ``scorer`` owns over ``records``; for the default scorer's own (not a
    subclass's), with its candidate index read from ``cache`` where it holds a usable one."""
    if (
        cache is None
        or not isinstance(scorer, FeatureScorer)
        or type(scorer).retrieval is not FeatureScorer.retrieval
    ):
        return retrieval_for(scorer, records)
    return scorer.cached_retrieval(records, cache)


def as_query(party: object) -> Party:
    """A query as screened: a Party, or a name; anything else (None, bytes, a list) is refused
    rather than screened as its ``str()``."""
    if isinstance(party, Party):
        return party
    if isinstance(party, str):
        return Party(name=party)
    msg = f"a party to screen is a str (a name) or a Party, not {type(party).__name__}"
    raise TypeError(msg)


def list_use(timeline: Timeline, day: dt.date) -> ListUse:
    """The version of ``timeline`` a screening on ``day`` uses, as its result records it."""
    version = timeline.version_on(day)
    return ListUse(
        list_id=timeline.info.id,
        title=timeline.info.title,
        published=version.published,
        digest=version.digest,
        coverage=timeline.info.coverage,
        location=version.location,
    )


@attrs.frozen
class _ScreenOptions:
    """The parameters of one screening, or of one :meth:`Screener.screen_many` run (sent once
    to each worker)."""

    jurisdiction: str
    as_of: dt.date
    threshold: float
    accept_stale: bool

    def bind(self, screener: Screener) -> _Run:
        """These options resolved against ``screener``'s lists; raises as
        :meth:`Screener.screen` does for a jurisdiction or date the lists do not cover."""
        timelines = screener._timelines_for(
            self.jurisdiction, self.as_of, accept_stale=self.accept_stale
        )
        return _Run(
            screener=screener,
            jurisdiction=jurisdiction_code(self.jurisdiction),
            as_of=self.as_of,
            threshold=self.threshold,
            timelines=timelines,
            lists_used=tuple(list_use(timeline, self.as_of) for timeline in timelines),
        )


@attrs.frozen
class _Run:
    """A screener with the lists, date and threshold of one screening resolved: what every row
    of a batch shares, worked out once rather than for each row."""

    screener: Screener
    jurisdiction: str
    as_of: dt.date
    threshold: float
    timelines: tuple[Timeline, ...]
    lists_used: tuple[ListUse, ...]
    #: Every record in force on the day, found when a row first needs them all (a scorer
    #: the index does not serve, or a query it cannot bound), then kept for the run.
    _in_force: list[tuple[tuple[str, Entry, Designation], ...]] = attrs.field(
        init=False, factory=list, eq=False, repr=False
    )
    #: Each list's place in the run's order: hits are met in it, as scoring every record would.
    _list_ranks: dict[str, int] = attrs.field(init=False, eq=False, repr=False)

    @_list_ranks.default
    def _ranks(self) -> dict[str, int]:
        return {timeline.info.id: k for k, timeline in enumerate(self.timelines)}

    def screen(self, party: Party | str) -> ScreeningResult:
        """As :meth:`Screener.screen` with this run's parameters."""
        query = as_query(party)
        day, threshold = self.as_of, self.threshold
        retrieval = self.screener._retrieval
        candidates = retrieval.candidates(query, threshold)
        if candidates is None:
            if not self._in_force:
                self._in_force.append(
                    tuple(
                        (timeline.info.id, entry, designation)
                        for timeline in self.timelines
                        for entry, designation in timeline.in_force(day)
                    )
                )
            hits = [
                Hit(list_id=list_id, entry=entry, designation=designation, match=match)
                for list_id, entry, designation in self._in_force[0]
                if (match := retrieval.match(query, entry, None, threshold)) is not None
            ]
        else:
            hits = self._hits_among(query, retrieval, candidates)
        hits.sort(key=lambda hit: (-hit.score, hit.list_id, hit.entry_id))
        return ScreeningResult(
            query=query,
            jurisdiction=self.jurisdiction,
            as_of=day,
            threshold=threshold,
            scorer=retrieval.scorer.name,
            lists_used=self.lists_used,
            hits=hits,
        )

    def _hits_among(self, query: Party, retrieval: Retrieval, candidates: Candidates) -> list[Hit]:
        """The hits among the retrieval's candidates: the in-force records of this run's lists,
        in the order scoring every record would meet them, each compared by the names of it
        that could reach a hit."""
        records, rank = retrieval.records, self._list_ranks
        chosen = sorted(
            (p for p in candidates if records[p][0] in rank),
            key=lambda p: (rank[records[p][0]], p),
        )
        hits = []
        for position in chosen:
            list_id, entry = records[position]
            designation = entry.designation_on(self.as_of)
            if designation is None:
                continue
            match = retrieval.match(query, entry, candidates[position], self.threshold)
            if match is not None:
                hits.append(Hit(list_id=list_id, entry=entry, designation=designation, match=match))
        return hits
