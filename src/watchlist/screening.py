"""The Screener: a party against the lists in force in a jurisdiction on a date."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from watchlist.dates import to_date, today
from watchlist.errors import (
    InputError,
    ListFormatError,
    ListNotFoundError,
    NoCoverageError,
    UnknownJurisdictionError,
)
from watchlist.index import CandidateIndex
from watchlist.jurisdictions import Jurisdiction, load_jurisdictions
from watchlist.matching import FeatureScorer, Scorer
from watchlist.matching.frequency import WordFrequencies
from watchlist.model import (
    Designation,
    Entry,
    Hit,
    ListUse,
    ListVersion,
    Name,
    Party,
    ScreeningResult,
)
from watchlist.sources import curated, registry
from watchlist.store import Store
from watchlist.timeline import Timeline

if TYPE_CHECKING:
    from watchlist.status_timeline import StatusTimeline

JURISDICTIONS_FILE = "jurisdictions.toml"


def shipped_lists_dir() -> Path:
    """The curated ``lists/`` shipped with watchlist.

    A wheel carries them inside the package; a source checkout (an editable install) has them
    at the top of the repository.
    """
    packaged = Path(str(importlib.resources.files("watchlist"))) / "_lists"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "lists"
    if checkout.is_dir():
        return checkout
    msg = "the shipped lists are missing from this installation"
    raise ListFormatError(msg, path=packaged)


def _timelines(items: Mapping[str, Timeline]) -> Mapping[str, Timeline]:
    return MappingProxyType(dict(items))


def _jurisdictions(items: Mapping[str, Jurisdiction]) -> Mapping[str, Jurisdiction]:
    return MappingProxyType(dict(items))


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
    #: The candidate index over every record of every timeline, for the scorer it is
    #: derived from (see :mod:`watchlist.index`); other scorers score every record. Even
    #: for ten records, looking up candidates costs a tenth of scoring every one.
    _index: CandidateIndex | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_threshold(self.threshold)
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
        if isinstance(self.scorer, FeatureScorer):
            # How common each word is, in the lists loaded: what the scorer weighs it by.
            frequencies = WordFrequencies.from_names(
                name.value for _, record in records for name in record.names
            )
            if frequencies.enough:
                object.__setattr__(self, "scorer", self.scorer.with_frequencies(frequencies))
        if type(self.scorer) is FeatureScorer:
            # Built once, here, so that the screener stays immutable and shareable.
            object.__setattr__(self, "_index", CandidateIndex(records))

    def _candidates(
        self, query: Party, threshold: float
    ) -> dict[int, tuple[Name, ...] | None] | None:
        """The index's candidates for ``query`` at ``threshold`` (see
        :meth:`watchlist.index.CandidateIndex.lookup`); ``None`` when every record must be
        scored (no index, or a query it cannot bound)."""
        if self._index is None:
            return None
        # The index is built for this scorer only, which says what name scores a hit needs.
        scorer = self.scorer
        assert isinstance(scorer, FeatureScorer)
        return self._index.lookup(query, *scorer.name_floors(threshold, query))

    @classmethod
    def default(cls, *, scorer: Scorer | None = None, threshold: float | None = None) -> Screener:
        """A screener over the curated lists shipped with watchlist."""
        return cls.from_directory(shipped_lists_dir(), scorer=scorer, threshold=threshold)

    @classmethod
    def from_directory(
        cls,
        path: Path | str,
        *,
        scorer: Scorer | None = None,
        threshold: float | None = None,
        store: Store | Path | str | None = None,
        jurisdictions: Path | str | None = None,
    ) -> Screener:
        """A screener over every ``*.toml`` list in ``path`` and its ``jurisdictions.toml``.

        ``store`` (a :class:`~watchlist.store.Store` or its directory) adds every list version
        recorded there, such as the official lists' history. ``jurisdictions`` reads the
        jurisdictions from another file instead, say a bank's own, naming official list ids
        such as ``us-ofac-sdn``.
        """
        path = Path(path)
        if not path.is_dir():
            msg = "not a directory of lists"
            raise ListFormatError(msg, path=path)
        versions = [
            curated.parse(file)
            for file in sorted(path.glob("*.toml"))
            if file.name != JURISDICTIONS_FILE
        ]
        if store is not None:
            versions.extend((store if isinstance(store, Store) else Store(store)).load_all())
        jurisdictions_file = path / JURISDICTIONS_FILE if jurisdictions is None else jurisdictions
        return cls.from_versions(
            versions, load_jurisdictions(jurisdictions_file), scorer=scorer, threshold=threshold
        )

    @classmethod
    def from_versions(
        cls,
        versions: Iterable[ListVersion],
        jurisdictions: Mapping[str, Jurisdiction],
        *,
        scorer: Scorer | None = None,
        threshold: float | None = None,
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
        )

    def screen(
        self,
        party: Party | str,
        *,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        threshold: float | None = None,
        accept_stale: bool = False,
    ) -> ScreeningResult:
        """Screen one party; ``as_of`` defaults to today, and is recorded in the result.

        Raises :class:`~watchlist.errors.UnknownJurisdictionError`,
        :class:`~watchlist.errors.NoCoverageError` or :class:`~watchlist.errors.StaleListError`
        rather than answer for a jurisdiction or date the loaded lists do not cover.
        """
        query = _as_query(party)
        day = today() if as_of is None else to_date(as_of)
        threshold = self.threshold if threshold is None else _check_threshold(threshold)
        options = _ScreenOptions(
            jurisdiction=jurisdiction, as_of=day, threshold=threshold, accept_stale=accept_stale
        )
        return options.bind(self).screen(query)

    def screen_many(
        self,
        rows: Iterable[Party | str],
        *,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        threshold: float | None = None,
        accept_stale: bool = False,
        workers: int = 1,
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
        """
        day = today() if as_of is None else to_date(as_of)
        threshold = self.threshold if threshold is None else _check_threshold(threshold)
        if workers < 1:
            msg = f"workers must be at least 1, got {workers}"
            raise InputError(msg, field="workers", value=workers)
        options = _ScreenOptions(
            jurisdiction=jurisdiction, as_of=day, threshold=threshold, accept_stale=accept_stale
        )
        # Bound here, so that an uncovered jurisdiction or date raises before a row is read.
        run = options.bind(self)
        if workers == 1:
            return map(run.screen, rows)
        return _screen_in_processes(self, rows, options, workers)

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
        day = today() if as_of is None else to_date(as_of)
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
        :meth:`screen`. See :mod:`watchlist.status_timeline`.

        Raises as :meth:`screen` would on some day of the range: an unknown jurisdiction, a
        day no list covers, a list stale at the end of the range (unless ``accept_stale``).
        """
        from watchlist.status_timeline import status_timeline

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
            or (code := _jurisdiction_code(jurisdiction)) not in self.jurisdictions
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


def is_official(list_id: str) -> bool:
    """Whether ``list_id`` is an official list, read from the version store (not a curated
    file that should be in the lists directory)."""
    try:
        registry.official_list(list_id)
    except ListFormatError:
        return False
    return True


def missing_list(
    list_id: str, loaded: Iterable[str], *, needed_by: str | None = None
) -> ListNotFoundError:
    """The error for a jurisdiction applying a list with no version loaded, naming the
    command that loads one."""
    from watchlist.update import fix_command

    fix = (
        f"load a version: run `{fix_command(list_id)}` and screen with --store pointing at "
        "that store (in Python: Screener.from_directory(..., store=...))"
    )
    return ListNotFoundError(list_id, loaded, needed_by=needed_by, fix=fix)


def _as_query(party: object) -> Party:
    """A query as screened: a Party, or a name; anything else (None, bytes, a list) is refused
    rather than screened as its ``str()``."""
    if isinstance(party, Party):
        return party
    if isinstance(party, str):
        return Party(name=party)
    msg = f"a party to screen is a str (a name) or a Party, not {type(party).__name__}"
    raise TypeError(msg)


def _jurisdiction_code(jurisdiction: str) -> str:
    return jurisdiction.strip().upper()


def _list_use(timeline: Timeline, day: dt.date) -> ListUse:
    version = timeline.version_on(day)
    return ListUse(
        list_id=timeline.info.id,
        title=timeline.info.title,
        published=version.published,
        digest=version.digest,
        coverage=timeline.info.coverage,
        location=version.location,
    )


def _check_threshold(threshold: float) -> float:
    if not 0.0 < threshold <= 1.0:
        msg = f"the threshold must be in (0, 1], got {threshold}"
        raise InputError(msg, field="threshold", value=threshold)
    return threshold


#: Rows per chunk sent to a worker process: large enough that the cost of sending a chunk and
#: its results between processes is small beside screening it.
CHUNK_SIZE = 256
#: Chunks in flight per worker: enough to keep every worker busy while results are consumed,
#: few enough that memory stays flat however long the input.
CHUNKS_IN_FLIGHT_PER_WORKER = 2


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
            jurisdiction=_jurisdiction_code(self.jurisdiction),
            as_of=self.as_of,
            threshold=self.threshold,
            timelines=timelines,
            lists_used=tuple(_list_use(timeline, self.as_of) for timeline in timelines),
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
        query = _as_query(party)
        screener, day, threshold = self.screener, self.as_of, self.threshold
        candidates = screener._candidates(query, threshold)
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
                if (match := screener.scorer.compare(query, entry)).score >= threshold
            ]
        else:
            hits = self._hits_among(query, candidates)
        hits.sort(key=lambda hit: (-hit.score, hit.list_id, hit.entry_id))
        return ScreeningResult(
            query=query,
            jurisdiction=self.jurisdiction,
            as_of=day,
            threshold=threshold,
            scorer=screener.scorer.name,
            lists_used=self.lists_used,
            hits=hits,
        )

    def _hits_among(
        self, query: Party, candidates: dict[int, tuple[Name, ...] | None]
    ) -> list[Hit]:
        """The hits among the index's candidates: the in-force records of this run's lists, in
        the order scoring every record would meet them, each compared by the names of it
        that could reach a hit."""
        index = self.screener._index
        assert index is not None
        # The index is built for this scorer only.
        scorer = self.screener.scorer
        assert isinstance(scorer, FeatureScorer)
        records, rank = index.records, self._list_ranks
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
            match = scorer.compare(query, entry, listed_names=candidates[position])
            if match.score >= self.threshold:
                hits.append(Hit(list_id=list_id, entry=entry, designation=designation, match=match))
        return hits


class _ScreenerPickler(pickle.Pickler):
    """Pickles a Screener whole: its read-only mappings are sent as plain dicts and re-wrapped."""

    def reducer_override(self, obj: object) -> Any:
        if isinstance(obj, MappingProxyType):
            return _read_only, (dict(obj),)
        return NotImplemented


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _pickle_to(screener: Screener, file: BinaryIO) -> None:
    _ScreenerPickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(screener)


def _pickled(screener: Screener) -> bytes:
    buffer = io.BytesIO()
    _pickle_to(screener, buffer)
    return buffer.getvalue()


#: The screening run of a worker process, set once by :func:`_start_worker`.
_worker_run: _Run | None = None


#: How often a worker process looks whether its parent is still alive, in seconds.
PARENT_CHECK_SECONDS = 0.5


def _start_worker(pickled_screener: str, options: _ScreenOptions, parent: int) -> None:
    # One screener per worker process, set when the process starts, read from the file the
    # parent wrote: the pickle of a screener over the official lists weighs about a hundred
    # megabytes, which neither process then holds in memory as bytes.
    global _worker_run
    # Ctrl-C reaches every process of the terminal's process group: the parent handles it
    # (stopping the pool, removing unfinished output), so a worker ignores it rather than
    # print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    with open(pickled_screener, "rb") as file:
        _worker_run = options.bind(pickle.load(file))


def _die_with_parent(parent: int) -> None:
    """End this worker process as soon as ``parent`` is gone, however it went (even SIGKILL,
    which gives it no chance to stop its pool): no worker outlives the run, and with the last
    worker gone, multiprocessing's resource tracker ends too.

    A watch on the parent's id rather than Linux's ``PR_SET_PDEATHSIG``, which fires when
    the *thread* that started the worker ends, though the parent process lives on.
    """
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="watchlist-parent-watch", daemon=True).start()


def _screen_chunk(parties: list[Party]) -> list[ScreeningResult]:
    assert _worker_run is not None, "worker process started without its screener"
    return [_worker_run.screen(party) for party in parties]


def _screen_in_processes(
    screener: Screener, rows: Iterable[Party | str], options: _ScreenOptions, workers: int
) -> Iterator[ScreeningResult]:
    with tempfile.TemporaryDirectory(prefix="watchlist-") as directory:
        pickled = Path(directory) / "screener.pickle"
        with pickled.open("wb") as file:
            _pickle_to(screener, file)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(pickled), options, os.getpid()),
        )
        # The file stays until the pool has shut down: workers start as chunks arrive.
        yield from _screen_in_pool(pool, rows, workers)


def _screen_in_pool(
    pool: ProcessPoolExecutor, rows: Iterable[Party | str], workers: int
) -> Iterator[ScreeningResult]:
    in_flight: deque[Future[list[ScreeningResult]]] = deque()
    failure: InputError | None = None
    try:
        chunk: list[Party] = []
        for row in rows:
            # Names become Parties here, in the caller's process, so that a blank name stops
            # the stream after the results of every row before it, as it does one by one.
            try:
                chunk.append(_as_query(row))
            except InputError as error:
                failure = error
                break
            if len(chunk) == CHUNK_SIZE:
                in_flight.append(pool.submit(_screen_chunk, chunk))
                chunk = []
                if len(in_flight) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                    yield from in_flight.popleft().result()
        if chunk:
            in_flight.append(pool.submit(_screen_chunk, chunk))
        while in_flight:
            yield from in_flight.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if failure is not None:
        raise failure
