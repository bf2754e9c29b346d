"""The candidate index: screening throughput against the full SDN plus the UN list.

Run: ``.venv/bin/python benchmarks/bench_index.py [--queries 100000] [--workers N]
[--cdist-queries 5000] [--check 300]``.

Lists: the full OFAC SDN of 2024-05-03 and the UN consolidated list of 2026-02-27, from
``../shared/data``, about 40,000 names with aliases. The SDN snapshot of that day has no
companion files, so its aliases come from the nearest ``alt.csv`` in the data (2025-12), for
the entries the snapshot carries (read through links in a temporary directory; aliases of
later entries are reported as rejected, not used).

Queries: real names from other lists and versions (the 2019-01 SDN, the UN list of
2015-02-26), and listed names perturbed as customer records vary them (a letter
changed, words reordered, a middle word dropped, a title added), half and half, in a fixed
random order. In one run, side by side:

- ``Screener.screen_many`` with the index, one worker (one core, end to end: normalise,
  retrieve, score, build results), then with ``--workers`` processes (default: all cores);
- beside them, on one core, ``--ordinary`` ordinary customer names as ``bench_batch.py`` makes
  them (first names and surnames, company names; a few thousand distinct names, so that word
  lookups are mostly cached): the traffic a bank screens most, against the same lists;
- the same queries brute-forced with ``rapidfuzz.process.cdist`` (``fuzz.token_sort_ratio``
  of normalised names against every listed name, all cores) on the first ``--cdist-queries``;
- on the first ``--check`` queries, the fraction whose hits with the index equal the hits of
  the same scorer scoring every record (the index must make that 1.0);
- peak memory: the largest resident set of this process (after building, after screening on one
  core, after starting the workers, for which it pickles the screener) and of a worker process.
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
from pathlib import Path

import attrs
import numpy as np
from bench_batch import ordinary_name
from rapidfuzz import fuzz, process

from watchlist import Party, Screener
from watchlist.lists.formats import ofac_csv, un_xml
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.matching import FeatureScorer, Retrieval
from watchlist.matching.normalize import normalize_name
from watchlist.matching.protocols import Records
from watchlist.matching.retrieval import ScoreEveryRecord
from watchlist.model import ListVersion, ScreeningResult

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
JURISDICTION = "BENCH"
AS_OF = dt.date(2026, 3, 1)
TITLES = ("Mr", "Dr", "Haji", "Mullah", "Sheikh")


@attrs.frozen
class ScoresEveryRecord(FeatureScorer):
    """The default scorer, prepared for the lists as it is, without its candidate index: the
    Screener scores every record with it."""

    def retrieval(self, records: Records) -> Retrieval:
        return ScoreEveryRecord(self.for_records(records), records)


def load() -> tuple[list[ListVersion], list[str]]:
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
    others = sorted({n.value for v in (old_sdn, old_un) for e in v.entries for n in e.names})
    return [sdn, un], others


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


def queries(versions: list[ListVersion], others: list[str], count: int) -> list[str]:
    rng = random.Random(20260301)
    listed = sorted({n.value for v in versions for e in v.entries for n in e.names})
    return [rng.choice(others) if k % 2 else perturb(rng.choice(listed), rng) for k in range(count)]


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


def outcome(result: ScreeningResult) -> tuple[tuple[str, str, float], ...]:
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

    def stop(self) -> str:
        self._running = False
        self._thread.join()
        return f"{self.peak_kb / 1024:.0f} MB" if self.peak_kb else "not measured (no /proc)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cdist-queries", type=int, default=5_000)
    parser.add_argument("--check", type=int, default=300)
    parser.add_argument("--ordinary", type=int, default=20_000)
    args = parser.parse_args()

    started = time.perf_counter()
    versions, others = load()
    names = queries(versions, others, args.queries)
    loaded = time.perf_counter()
    indexed = screener(versions)
    built = time.perf_counter()
    records = sum(len(t.records) for t in indexed.timelines.values())
    listed = sorted({n.value for v in versions for e in v.entries for n in e.names})
    print(f"lists: {records:,} records, {len(listed):,} distinct names; queries: {len(names):,}")
    print(f"parse {loaded - started:.1f} s, build screener and index {built - loaded:.1f} s")
    print(f"peak memory after build: {peak_mb():.0f} MB")

    options = {"jurisdiction": JURISDICTION, "as_of": AS_OF, "accept_stale": True}
    # Results are streamed, as a batch run writes them, and kept only as their hits' ids and
    # scores: the peak memory is the screening's, not that of 100,000 results held at once.
    start = time.perf_counter()
    outcomes = [outcome(r) for r in indexed.screen_many(names, **options)]  # type: ignore[arg-type]
    one_core = len(names) / (time.perf_counter() - start)
    hits = sum(bool(each) for each in outcomes)
    print(f"index, 1 worker: {one_core:,.0f} queries/s ({hits:,} queries with hits)")
    rng = random.Random(20261128)
    customers = [
        Party(name=n, kind=k) for n, k in (ordinary_name(rng) for _ in range(args.ordinary))
    ]
    start = time.perf_counter()
    screened = indexed.screen_many(customers, **options)  # type: ignore[arg-type]
    ordinary_hits = sum(bool(result.hits) for result in screened)
    ordinary = len(customers) / (time.perf_counter() - start)
    print(
        f"index, 1 worker, {len(customers):,} ordinary customer names "
        f"({len({p.name for p in customers}):,} distinct): {ordinary:,.0f} queries/s "
        f"({ordinary_hits:,} with hits)"
    )
    screening_peak = peak_mb()
    print(f"peak memory (this process, build and screening): {screening_peak:.0f} MB")

    workers = WorkerPeaks()
    start = time.perf_counter()
    parallel = [
        outcome(r)
        for r in indexed.screen_many(names, workers=args.workers, **options)  # type: ignore[arg-type]
    ]
    all_cores = len(names) / (time.perf_counter() - start)
    assert parallel == outcomes
    print(
        f"index, {args.workers} workers: {all_cores:,.0f} queries/s (peak memory of a worker: "
        f"{workers.stop()}; of this process, which pickles the screener for them: "
        f"{peak_mb():.0f} MB)"
    )

    sample = names[: args.cdist_queries]
    choices = [normalize_name(name) for name in listed]
    start = time.perf_counter()
    matched = 0
    for first in range(0, len(sample), 500):
        chunk = [normalize_name(name) for name in sample[first : first + 500]]
        scores = process.cdist(
            chunk, choices, scorer=fuzz.token_sort_ratio, score_cutoff=80, dtype=np.uint8,
            workers=-1,
        )  # fmt: skip
        matched += int((scores.max(axis=1) > 0).sum())
    brute = len(sample) / (time.perf_counter() - start)
    print(
        f"rapidfuzz cdist brute force (token_sort_ratio >= 80, all cores): {brute:,.0f} "
        f"queries/s ({matched:,} of {len(sample):,} with a match)"
    )

    every = screener(versions, ScoresEveryRecord())
    check = names[: args.check]
    start = time.perf_counter()
    scored_every = [every.screen(name, **options).hits for name in check]  # type: ignore[arg-type]
    scored_all = len(check) / (time.perf_counter() - start)
    # Whole hits, explanations included.
    equal = sum(
        indexed.screen(name, **options).hits == expected  # type: ignore[arg-type]
        for name, expected in zip(check, scored_every, strict=True)
    )
    print(
        f"FeatureScorer scoring every record, 1 core: {scored_all:,.1f} queries/s; "
        f"hits equal to the index's on {equal}/{len(check)} = {equal / len(check):.3f}"
    )
    print()
    print(f"index 1 core / target 5,000: {one_core / 5000:.2f} (ordinary: {ordinary / 5000:.2f})")
    print(f"index 1 core / scoring every record: {one_core / scored_all:,.0f}x")
    print(f"index {args.workers} workers / cdist brute force: {all_cores / brute:.2f}")
    print(f"peak memory of build and screening / 500 MB: {screening_peak / 500:.2f}")


if __name__ == "__main__":
    sys.exit(main())
