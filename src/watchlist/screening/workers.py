"""``Screener.screen_many`` across worker processes: each gets the screener once, when it
starts, and chunks of rows; it dies with its parent, however the parent ends.

A worker does not get the default scorer's candidate index in the pickle (89 MB for the full
SDN and UN lists, seconds to pickle and to unpickle): it loads it from the index's cache on
disk (:mod:`watchlist.matching._indexcache`), which the parent makes sure exists (the
screener's own, or one written for the run in its temporary directory). The cache's arrays
are memory-mapped, so the workers share their pages. A worker that cannot use the cache
(changed or removed meanwhile) builds the index again, with a warning: never another index.
"""

from __future__ import annotations

import atexit
import gc
import io
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

from watchlist.errors import InputError
from watchlist.matching import FeatureScorer
from watchlist.matching.protocols import Records
from watchlist.matching.retrieval import (
    CachedIndex,
    CandidateIndex,
    IndexCacheMiss,
    IndexedRetrieval,
)
from watchlist.model import Party, ScreeningResult
from watchlist.screening.screener import Screener, _Run, _ScreenOptions, as_query

#: Rows per chunk sent to a worker process: large enough that the cost of sending a chunk and
#: its results between processes is small beside screening it.
CHUNK_SIZE = 256
#: Chunks in flight per worker: enough to keep every worker busy while results are consumed,
#: few enough that memory stays flat however long the input.
CHUNKS_IN_FLIGHT_PER_WORKER = 2
#: The key of the index cache written for one run, in its temporary directory.
RUN_KEY = "run"


class _ScreenerPickler(pickle.Pickler):
    """Pickles a Screener whole: its read-only mappings are sent as plain dicts and re-wrapped."""

    def reducer_override(self, obj: object) -> Any:
        if isinstance(obj, MappingProxyType):
            return _read_only, (dict(obj),)
        return NotImplemented


def _read_only(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


class _WorkerPickler(_ScreenerPickler):
    """Pickles a Screener for a worker process: its candidate index as where it is cached."""

    def __init__(self, file: BinaryIO, retrieval: IndexedRetrieval, cached: CachedIndex) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.retrieval = retrieval
        self.cached = cached

    def reducer_override(self, obj: object) -> Any:
        if obj is self.retrieval:
            return _cached_retrieval, (self.retrieval.scorer, self.retrieval.records, self.cached)
        return super().reducer_override(obj)


_log = logging.getLogger("watchlist.index")


def _cached_retrieval(
    scorer: FeatureScorer, records: Records, cached: CachedIndex
) -> IndexedRetrieval:
    """In a worker process: the retrieval with its index loaded from ``cached``, or built
    again if that cache cannot be used."""
    commonness = scorer.frequencies.commonness
    try:
        index = CandidateIndex.from_cache(records, cached, commonness=commonness)
    except IndexCacheMiss as miss:
        _log.warning(
            "worker process %d: the index cache is not used, the index is built again: %s",
            os.getpid(),
            miss,
        )
        index = CandidateIndex(records, commonness=commonness)
    return IndexedRetrieval(scorer, index)


def _pickle_to(screener: Screener, file: BinaryIO) -> None:
    _ScreenerPickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(screener)


def pickled(screener: Screener) -> bytes:
    """``screener`` pickled whole, for a process that screens with it (a Spark executor)."""
    buffer = io.BytesIO()
    _pickle_to(screener, buffer)
    return buffer.getvalue()


#: The screening run of a worker process, set once by :func:`_start_worker`.
_worker_run: _Run | None = None


#: How often a worker process looks whether its parent is still alive, in seconds.
PARENT_CHECK_SECONDS = 0.5


def _start_worker(pickled_screener: str, options: _ScreenOptions, parent: int) -> None:
    # One screener per worker process, set when the process starts, read from the file the
    # parent wrote: the pickle of a screener over the official lists weighs megabytes even
    # without its index, which neither process then holds in memory as bytes.
    global _worker_run
    # Ctrl-C reaches every process of the terminal's process group: the parent handles it
    # (stopping the pool, removing unfinished output), so a worker ignores it rather than
    # print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Started with Ctrl-C blocked (see _submit): one that came while it started is dropped.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with_parent(parent)
    # The screener's million objects live as long as the process: no collection while they
    # are made (each would walk all those made so far: half the time of unpickling them),
    # none that walks them afterwards (frozen), and at exit nothing frees them one by one (a
    # second or two, which the parent's pool.shutdown waits for).
    gc.disable()
    with open(pickled_screener, "rb") as file:
        _worker_run = options.bind(pickle.load(file))
    gc.freeze()
    gc.enable()
    atexit.register(_exit_at_once)


def _exit_at_once() -> None:
    """The last exit handler of a worker process (atexit runs the latest registered first),
    after the pool's worker loop has returned and multiprocessing has cleaned up: end the
    process without the interpreter's teardown, whose collections and deallocation of the
    screener are all it would do. Its exit status is always 0, which the pool does not read
    (a worker that ends before its work is done breaks the pool, whatever its status)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


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


def screen_in_processes(
    screener: Screener, rows: Iterable[Party | str], options: _ScreenOptions, workers: int
) -> Iterator[ScreeningResult]:
    with tempfile.TemporaryDirectory(prefix="watchlist-") as directory:
        pickled = Path(directory) / "screener.pickle"
        retrieval = screener._retrieval
        with pickled.open("wb") as file:
            if isinstance(retrieval, IndexedRetrieval):
                cached = retrieval.index.cached
                if cached is None or not Path(cached.path).is_dir():
                    # No cache of the screener's own (or it went): one for this run, written
                    # in a second, where pickling the index would take as long and each
                    # worker twice as long to unpickle it.
                    cached = retrieval.index.save_cache(Path(directory) / "index", RUN_KEY)
                _WorkerPickler(file, retrieval, cached).dump(screener)
            else:
                _pickle_to(screener, file)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(pickled), options, os.getpid()),
        )
        # The file stays until the pool has shut down: workers start as chunks arrive.
        yield from _screen_in_pool(pool, rows, workers)


def _submit(pool: ProcessPoolExecutor, chunk: list[Party]) -> Future[list[ScreeningResult]]:
    """``chunk`` sent to the pool, which may start a worker process to take it: with Ctrl-C
    blocked meanwhile, so that the new process starts with it blocked and a Ctrl-C during its
    start (importing, unpickling the screener) prints no traceback of its own; the parent
    receives a Ctrl-C so held back as soon as the submission returns."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return pool.submit(_screen_chunk, chunk)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


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
                chunk.append(as_query(row))
            except InputError as error:
                failure = error
                break
            if len(chunk) == CHUNK_SIZE:
                in_flight.append(_submit(pool, chunk))
                chunk = []
                if len(in_flight) >= workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                    yield from in_flight.popleft().result()
        if chunk:
            in_flight.append(_submit(pool, chunk))
        while in_flight:
            yield from in_flight.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if failure is not None:
        raise failure
