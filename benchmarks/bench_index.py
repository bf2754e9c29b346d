"""Throughput (issue 15): screening against the full SDN plus the UN list, per kind of query.

Run: ``.venv/bin/python benchmarks/bench_index.py [--queries 3000] [--latency 1000]
[--workers 2] [--brute 300] [--check 200]`` (a few minutes on two shared cores).

Lists: the full OFAC SDN of 2024-05-03 and the UN consolidated list of 2026-02-27, from
``../shared/data``, about 40,000 names with aliases. The SDN snapshot of that day has no
companion files, so its aliases come from the nearest ``alt.csv`` in the data (2025-12), for
the entries the snapshot carries (read through links in a temporary directory; aliases of
later entries are reported as rejected, not used).

Queries, from a fixed seed, all distinct (no two of any kind share a normalised name, so no
query is screened from another's cached words), of three kinds, each with the kind of party a
customer record gives (person, organisation, ...):

- **ordinary**: names that are not listed (none normalises to a listed name): two in three as
  ``bench_batch.py`` makes them (first names and surnames of many cultures, in Latin and
  Cyrillic script, and company names; about 1,500 distinct persons, then companies), one in
  three real names from older lists (the 2019-01 SDN, the UN list of 2015-02-26) that are not
  in the current ones;
- **near-hit**: listed names perturbed as customer records vary them (a letter changed, words
  reordered, a middle word dropped, a title added), none normalising to a listed name;
- **exact**: listed names as they are listed.

``--queries`` of each kind are screened for throughput and ``--latency`` more of each for
latency, so that neither measure meets names the other has already screened. Measured, in one
run, side by side:

- per kind, names a second on one core: ``Screener.screen_many`` with one worker, end to end
  (normalise, retrieve candidates, score, build results); the p50 and p99 latency of a single
  ``Screener.screen`` call (each timed with ``perf_counter``); the queries with hits;
- the index build time (constructing the ``Screener``: the candidate index and the scorer
  prepared for the lists); the index written to its on-disk cache and loaded back from it
  (``watchlist.matching._indexcache``, as ``Screener(index_cache=...)`` and each worker
  process load it), the words' caches emptied first as in a new process;
- ``screen_many`` with ``--workers`` processes on the near-hit and ordinary queries together,
  as a ratio to one worker on the same queries (the per-kind runs above), starting the workers
  included (each loads the index from a cache the run writes, not from the pickle); the
  outcomes (each hit's list, entry and score) must be identical;
- peak memory: the largest resident set of this process (``getrusage``) after building, after
  screening on one core and after the workers (for which it writes the index's cache and
  pickles the rest of the screener), and the largest of a worker process (sampled from
  ``/proc``; the index's memory-mapped pages, shared between the workers, are counted in each);
- the brute-force reference: ``rapidfuzz.process.cdist`` of the first ``--brute`` queries of
  each kind, normalised with ``normalize_name`` (not timed), against every listed name, as
  normalised (``fuzz.token_sort_ratio``, ``score_cutoff=80``, ``uint8``, one worker), its
  names a second per core and the ratio of watchlist's to it, per kind;
- the check: on the first ``--check`` queries of each kind, the hits (whole ``Hit`` objects,
  explanations included) of the indexed screener equal those of the same scorer scoring every
  record; the script exits with status 1 if any differ.

It ends with a table of the figures beside the issue's targets, as ratios measured / target
(5,000 ordinary and 2,000 near-hit names a second per core, p50 <= 1 ms, p99 <= 5 ms, peak
<= 500 MB, build <= 3 s, cache load <= 0.5 s, two workers >= 1.8 times one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypedDict

import attrs
import numpy as np
from bench_batch import ordinary_name
from rapidfuzz import fuzz, process

from watchlist import Party, Screener
from watchlist.lists.formats import ofac_csv, un_xml
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.matching import FeatureScorer, Retrieval
from watchlist.matching.names import word_token
from watchlist.matching.normalize import normalize_name
from watchlist.matching.phonetic import phonetic_key
from watchlist.matching.protocols import Records
from watchlist.matching.retrieval import CandidateIndex, IndexedRetrieval, ScoreEveryRecord
from watchlist.model import ListVersion, ScreeningResult

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
JURISDICTION = "BENCH"
AS_OF = dt.date(2026, 3, 1)
TITLES = ("Mr", "Dr", "Haji", "Mullah", "Sheikh")
KINDS = ("ordinary", "near-hit", "exact")
SEED = 20260301
#: The issue's targets.
NAMES_PER_SECOND = {"ordinary": 5000.0, "near-hit": 2000.0}
P50_MS, P99_MS, PEAK_MB, BUILD_S, CACHE_LOAD_S, TWO_WORKERS = 1.0, 5.0, 500.0, 3.0, 0.5, 1.8


class Options(TypedDict):
    jurisdiction: str
    as_of: dt.date
    accept_stale: bool


OPTIONS: Options = {"jurisdiction": JURISDICTION, "as_of": AS_OF, "accept_stale": True}


@attrs.frozen
class ScoresEveryRecord(FeatureScorer):
    """The default scorer, prepared for the lists as it is, without its candidate index: the
    Screener scores every record with it."""

    def retrieval(self, records: Records) -> Retrieval:
        return ScoreEveryRecord(self.for_records(records), records)


Named = tuple[str, str]  # a name and the kind of its party


def names_of(versions: Iterable[ListVersion]) -> list[Named]:
    return sorted({(n.value, str(e.kind)) for v in versions for e in v.entries for n in e.names})


def load() -> tuple[list[ListVersion], list[Named]]:
    """The current lists, and the names (with their kinds) of two older ones."""
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as links:
        warnings.simplefilter("ignore")
        sdn_set = Path(links)
        (sdn_set / "sdn.csv").symlink_to(
            next((DATA / "ofac_sdn" / "snapshots").glob("sdn_2024-05-03_*.csv"))
        )
        (sdn_set / "alt.csv").symlink_to(DATA / "ofac_sdn" / "2025-12_partial" / "alt.csv")
        sdn = ofac_csv.parse(sdn_set / "sdn.csv", published="2024-05-03", errors="collect")
        old_sdn = ofac_csv.parse(DATA / "ofac_sdn" / "2019-01" / "sdn.csv", published="2019-01-04")
    un = un_xml.parse(DATA / "un_sc" / "consolidated_2026-02-27.xml")
    old_un = un_xml.parse(DATA / "un_sc" / "consolidated_2015-02-26.xml")
    return [sdn, un], names_of([old_sdn, old_un])


def perturb(name: str, rng: random.Random) -> str:
    words = name.replace(",", " ").split()
    how = rng.randrange(4)
    if how == 0 and words:
        i = rng.randrange(len(words))
        word = words[i]
        if len(word) >= 3:
            j = rng.randrange(len(word))
            words[i] = word[:j] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[j + 1 :]
    elif how == 1:
        rng.shuffle(words)
    elif how == 2 and len(words) >= 3:
        del words[rng.randrange(1, len(words) - 1)]
    else:
        words.insert(0, rng.choice(TITLES))
    return " ".join(words) or name


class Distinct:
    """Draws queries none of which normalises as another does (or, unless allowed, as a
    listed name does)."""

    def __init__(self, listed: Iterable[Named]) -> None:
        self.listed = {normalize_name(name) for name, _ in listed}
        self.seen: set[str] = set()

    def draw(
        self, count: int, make: Callable[[], Named], *, listed_ok: bool = False
    ) -> list[Party]:
        drawn: list[Party] = []
        for _ in range(count * 50):
            if len(drawn) == count:
                break
            name, kind = make()
            key = normalize_name(name)
            if not key or key in self.seen or (key in self.listed and not listed_ok):
                continue
            self.seen.add(key)
            drawn.append(Party(name=name, kind=kind))
        return drawn


def queries(listed: list[Named], others: list[Named], count: int) -> dict[str, list[Party]]:
    """``count`` distinct queries of each kind, in a fixed random order."""
    rng = random.Random(SEED)
    distinct = Distinct(listed)
    exact = distinct.draw(count, lambda: rng.choice(listed), listed_ok=True)

    def near_hit() -> Named:
        name, kind = rng.choice(listed)
        return perturb(name, rng), kind

    near = distinct.draw(count, near_hit)
    generated = distinct.draw(count - count // 3, lambda: ordinary_name(rng))
    older = distinct.draw(count - len(generated), lambda: rng.choice(others))
    ordinary = generated + older
    rng.shuffle(ordinary)
    return {"ordinary": ordinary, "near-hit": near, "exact": exact}


def screener(versions: list[ListVersion], scorer: FeatureScorer | None = None) -> Screener:
    jurisdiction = Jurisdiction(
        code=JURISDICTION,
        name="The SDN and UN lists",
        lists=[
            AppliedList(list_id=v.info.id, start="2000-01-01", basis="bench", source="bench")
            for v in versions
        ],
    )
    return Screener.from_versions(versions, {JURISDICTION: jurisdiction}, scorer=scorer)


Outcome = tuple[tuple[str, str, float], ...]


def outcome(result: ScreeningResult) -> Outcome:
    """A result's hits as (list, entry, score)."""
    return tuple((hit.list_id, hit.entry_id, hit.score) for hit in result.hits)


def peak_mb() -> float:
    """The largest resident set of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class WorkerPeaks:
    """The largest resident set of this process's children (``VmHWM`` in ``/proc``, Linux),
    sampled while a run lasts. ``getrusage`` cannot say: for a child started by fork and exec
    it counts the parent's pages at the fork."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        parent = f"PPid:\t{os.getpid()}\n"
        while self._running:
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    text = status.read_text()
                except OSError:
                    continue
                if parent in text and "VmHWM:" in text:
                    kb = int(text.split("VmHWM:")[1].split()[0])
                    self.peak_kb = max(self.peak_kb, kb)
            time.sleep(0.5)

    def stop(self) -> float | None:
        """The peak in MB, or None where it could not be measured (no ``/proc``)."""
        self._running = False
        self._thread.join()
        return self.peak_kb / 1024 if self.peak_kb else None


@attrs.frozen
class KindFigures:
    per_second: float
    seconds: float
    hits: int
    p50_ms: float
    p99_ms: float
    brute_per_second: float = 0.0


def throughput(indexed: Screener, parties: list[Party]) -> tuple[float, list[Outcome]]:
    """Seconds to screen ``parties`` with one worker, and their outcomes. Results are streamed
    and kept only as outcomes, as a batch run writes them and forgets them."""
    start = time.perf_counter()
    outcomes = [outcome(result) for result in indexed.screen_many(parties, **OPTIONS)]
    return time.perf_counter() - start, outcomes


def latencies_ms(indexed: Screener, parties: list[Party]) -> tuple[float, float]:
    """The p50 and p99 of the time of a single ``Screener.screen`` call, in milliseconds."""
    times = []
    for party in parties:
        start = time.perf_counter()
        indexed.screen(party, **OPTIONS)
        times.append(time.perf_counter() - start)
    p50, p99 = np.percentile(np.array(times) * 1000, [50, 99])
    return float(p50), float(p99)


def brute_force(parties: list[Party], choices: list[str]) -> tuple[float, int]:
    """Names a second of ``rapidfuzz.process.cdist`` on one core, and the queries it matches."""
    normalised = [normalize_name(party.name) for party in parties]
    matched = 0
    start = time.perf_counter()
    for first in range(0, len(normalised), 100):
        scores = process.cdist(
            normalised[first : first + 100], choices, scorer=fuzz.token_sort_ratio,
            score_cutoff=80, dtype=np.uint8, workers=1,
        )  # fmt: skip
        matched += int((scores.max(axis=1) > 0).sum())
    return len(parties) / (time.perf_counter() - start), matched


def ratio(measured: float, target: float, *, at_most: bool = False) -> str:
    """``measured / target``, marked where the target is not met."""
    met = measured <= target if at_most else measured >= target
    return f"{measured / target:.2f}{'' if met else ' *'}"


def cache_figures(indexed: Screener) -> tuple[float, float, float]:
    """The screener's candidate index written to an on-disk cache and loaded back from it
    (``watchlist.matching.retrieval.cached_index``): seconds to write, seconds to load and
    verify (with the listed words' Tokens made again, as a new process makes them), and
    megabytes on disk."""
    retrieval = indexed._retrieval
    assert isinstance(retrieval, IndexedRetrieval)
    index, commonness = retrieval.index, retrieval.scorer.frequencies.commonness
    with tempfile.TemporaryDirectory(prefix="bench-index-cache-") as directory:
        os.chmod(directory, 0o700)
        started = time.perf_counter()
        cached = index.save_cache(Path(directory), "bench")
        word_token.cache_clear()
        phonetic_key.cache_clear()
        saved = time.perf_counter()
        CandidateIndex.from_cache(index.records, cached, commonness=commonness)
        loaded = time.perf_counter()
        size = sum(path.stat().st_size for path in Path(directory).rglob("*") if path.is_file())
    return saved - started, loaded - saved, size / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=3000, help="per kind, for throughput")
    parser.add_argument("--latency", type=int, default=1000, help="per kind, timed one by one")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--brute", type=int, default=300, help="per kind, for rapidfuzz cdist")
    parser.add_argument("--check", type=int, default=200, help="per kind")
    args = parser.parse_args()

    started = time.perf_counter()
    versions, others = load()
    listed = names_of(versions)
    loaded = time.perf_counter()
    drawn = queries(listed, others, args.queries + args.latency)
    made = time.perf_counter()
    indexed = screener(versions)
    build = time.perf_counter() - made
    built_mb = peak_mb()
    records = sum(len(t.records) for t in indexed.timelines.values())
    distinct = len({name for name, _ in listed})
    total = sum(len(each) for each in drawn.values())
    print(
        f"lists: {records:,} records, {distinct:,} distinct names; parsed in "
        f"{loaded - started:.1f} s; {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        f"queries: {total:,} distinct (seed {SEED}; "
        + ", ".join(f"{kind} {len(drawn[kind]):,}" for kind in KINDS)
        + f"), each kind {args.queries:,} for throughput and the rest for latency; "
        f"drawn in {made - loaded:.1f} s"
    )
    print(f"index build (Screener construction): {build:.2f} s; peak memory {built_mb:.0f} MB")
    save_s, load_s, cache_mb = cache_figures(indexed)
    print(
        f"index cache: written in {save_s:.2f} s "
        f"({cache_mb:.0f} MB on disk), loaded and verified in {load_s:.2f} s"
    )
    print()

    figures: dict[str, KindFigures] = {}
    outcomes: dict[str, list[Outcome]] = {}
    for kind in KINDS:
        timed, sampled = drawn[kind][: args.queries], drawn[kind][args.queries :]
        seconds, outcomes[kind] = throughput(indexed, timed)
        p50, p99 = latencies_ms(indexed, sampled)
        hits = sum(bool(each) for each in outcomes[kind])
        figures[kind] = KindFigures(len(timed) / seconds, seconds, hits, p50, p99)
        print(
            f"{kind:>8}, 1 worker: {len(timed) / seconds:,.0f} names/s ({len(timed):,} in "
            f"{seconds:.1f} s, {hits:,} with hits); screen latency on {len(sampled):,}: "
            f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"
        )
    screening_mb = peak_mb()
    print(f"peak memory of this process, build and screening on one core: {screening_mb:.0f} MB")

    mixed = drawn["near-hit"][: args.queries] + drawn["ordinary"][: args.queries]
    one_worker = figures["near-hit"].seconds + figures["ordinary"].seconds
    peaks = WorkerPeaks()
    start = time.perf_counter()
    parallel = [
        outcome(result) for result in indexed.screen_many(mixed, workers=args.workers, **OPTIONS)
    ]
    in_workers = time.perf_counter() - start
    worker_mb = peaks.stop()
    if parallel != outcomes["near-hit"] + outcomes["ordinary"]:
        print(f"{args.workers} workers: outcomes differ from one worker's")
        return 1
    speedup = one_worker / in_workers
    parent_mb = peak_mb()
    worker_text = "not measured (no /proc)" if worker_mb is None else f"{worker_mb:.0f} MB"
    print(
        f"near-hit + ordinary, {args.workers} workers: {len(mixed) / in_workers:,.0f} names/s "
        f"({len(mixed):,} in {in_workers:.1f} s, workers started included), {speedup:.2f}x "
        f"one worker ({one_worker:.1f} s); outcomes identical"
    )
    print(
        f"peak memory: a worker {worker_text} (the index's mapped pages, shared, included); "
        f"this process, which writes the index's cache and pickles the rest for them, "
        f"{parent_mb:.0f} MB"
    )
    print()

    choices = [normalize_name(name) for name in sorted({name for name, _ in listed})]
    for kind in KINDS:
        sample = drawn[kind][: min(args.brute, args.queries)]
        per_second, matched = brute_force(sample, choices)
        figures[kind] = attrs.evolve(figures[kind], brute_per_second=per_second)
        print(
            f"rapidfuzz cdist brute force, {kind:>8}, 1 worker: {per_second:,.1f} names/s "
            f"({matched:,} of {len(sample):,} with token_sort_ratio >= 80); watchlist / brute "
            f"force: {figures[kind].per_second / per_second:.1f}x"
        )
    print()

    every = screener(versions, ScoresEveryRecord())
    equal = checked = 0
    start = time.perf_counter()
    for kind in KINDS:
        check = drawn[kind][: min(args.check, args.queries)]
        same = sum(
            indexed.screen(party, **OPTIONS).hits == every.screen(party, **OPTIONS).hits
            for party in check
        )
        print(f"check, {kind:>8}: hits equal to scoring every record on {same}/{len(check)}")
        equal, checked = equal + same, checked + len(check)
    fraction = equal / checked if checked else 1.0
    print(
        f"check: {equal}/{checked} = {fraction:.3f} (whole hits, explanations included; "
        f"{time.perf_counter() - start:.0f} s)"
    )
    print()

    print("measured / target (* where not met)")
    print(
        f"{'kind':<9} {'names/s/core':>12} {'/ target':>9} {'p50 ms':>7} {'/ 1 ms':>7} "
        f"{'p99 ms':>7} {'/ 5 ms':>7} {'x brute':>8}"
    )
    for kind in KINDS:
        each = figures[kind]
        target = NAMES_PER_SECOND.get(kind)
        to_target = "-" if target is None else ratio(each.per_second, target)
        print(
            f"{kind:<9} {each.per_second:>12,.0f} {to_target:>9} {each.p50_ms:>7.2f} "
            f"{ratio(each.p50_ms, P50_MS, at_most=True):>7} {each.p99_ms:>7.2f} "
            f"{ratio(each.p99_ms, P99_MS, at_most=True):>7} "
            f"{each.per_second / each.brute_per_second:>8.1f}"
        )
    largest = max(parent_mb, worker_mb or 0.0)
    rows = [
        ("peak, one core (MB)", f"{screening_mb:.0f}", f"<= {PEAK_MB:.0f}",
         ratio(screening_mb, PEAK_MB, at_most=True)),
        ("peak, any process (MB)", f"{largest:.0f}", f"<= {PEAK_MB:.0f}",
         ratio(largest, PEAK_MB, at_most=True)),
        ("index build (s)", f"{build:.2f}", f"<= {BUILD_S}", ratio(build, BUILD_S, at_most=True)),
        ("index cache load (s)", f"{load_s:.2f}", f"<= {CACHE_LOAD_S}",
         ratio(load_s, CACHE_LOAD_S, at_most=True)),
        (f"{args.workers} workers / 1", f"{speedup:.2f}", f">= {TWO_WORKERS}",
         ratio(speedup, TWO_WORKERS) if args.workers == 2 else "-"),
        ("check", f"{fraction:.3f}", "= 1.0", ratio(fraction, 1.0)),
    ]  # fmt: skip
    print()
    print(f"{'':<24} {'measured':>9} {'target':>9} {'ratio':>7}")
    for label, measured, target_text, to_target in rows:
        print(f"{label:<24} {measured:>9} {target_text:>9} {to_target:>7}")
    return 0 if fraction == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
