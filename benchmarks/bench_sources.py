"""Reading official lists: a cold parse, a reload from the compiled cache, a 308-version timeline.

Run: ``.venv/bin/python benchmarks/bench_sources.py [--data ../shared/data] [--repeat 3]``

In one run, side by side, each beside a plain ``csv.reader`` read of the same files (every row
read into a list, nothing else done), as ratios:

- **cold parse** of the full SDN as published 2024-05-03
  (``ofac_sdn/snapshots/sdn_2024-05-03_*.csv``, about 15k entries) by
  ``watchlist.lists.registry.read``; target 1.0 s;
- **cached reload** of that version from a version store (``Store.load``, which reads the JSON
  compiled cache); target 0.15 s;
- **timeline** of all 308 daily SDN versions (``ofac_sdn/daily/*.tar.xz``, unpacked to a
  temporary directory at run time): ``registry.read_versions`` over the files, then
  ``Timeline.from_versions``; targets 30 s and 1 GB. The scrapes carry the commit date only,
  and 13 days have two scrapes; the later scrape of a day is that day's version, so the
  timeline holds one version per day (the figure says how many);
- **store history**: the same daily versions (the last of each day) recorded in a version store
  with ``Store.add_many``, then reloaded from the store's history cache with ``Store.load``
  and made a timeline, as a Screener over the store would at start-up.

Each measurement runs in a fresh process, so that its peak memory is its own: the peak
resident set (Linux ``VmHWM``, else ``ru_maxrss``; it includes the interpreter and its
imports) from the timed runs, and the peak of Python allocations (``tracemalloc``) from a
second, traced run. Times are the best of ``--repeat`` timed runs, with the modules imported
before the clock starts.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import datetime as dt
import multiprocessing
import resource
import shutil
import sys
import tarfile
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import attrs

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SDN_DAY = dt.date(2024, 5, 3)


@attrs.frozen
class Figure:
    seconds: float
    peak_rss_mb: float
    traced_peak_mb: float
    detail: str


def _csv_rows(paths: list[Path]) -> str:
    rows = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8") as stream:
            rows += len(list(csv.reader(stream)))
    return f"{rows} rows in {len(paths)} file(s)"


def _cold_parse(path: Path) -> str:
    from watchlist.lists import registry

    version = registry.read("us-ofac-sdn", path, published=SDN_DAY)
    return f"{len(version.entries)} entries"


def _cached_reload(store_dir: Path) -> str:
    from watchlist.lists.store import Store

    [version] = Store(store_dir).load("us-ofac-sdn")
    return f"{len(version.entries)} entries"


def _daily_files(daily_dir: Path) -> list[tuple[Path, dt.date]]:
    files = sorted(daily_dir.glob("sdn_*.csv"))
    return [(path, dt.date.fromisoformat(path.name[4:14])) for path in files]


def _timeline(daily_dir: Path) -> str:
    from watchlist.lists import registry
    from watchlist.lists.timeline import Timeline

    files = _daily_files(daily_dir)
    by_day = {}
    for version in registry.read_versions("us-ofac-sdn", files):
        # Files are in scrape order, so the last of a day is that day's version.
        by_day[version.published] = version
    timeline = Timeline.from_versions(by_day.values())
    return (
        f"{len(files)} files read, {len(by_day)} days, {len(timeline.versions)} distinct "
        f"versions, {len(timeline.records)} entry records"
    )


def _peak_rss_mb() -> float:
    """This process's peak resident set. Linux's VmHWM belongs to the process image, so it
    starts afresh in a spawned process; ``ru_maxrss`` may carry the forking parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _last_of_each_day(daily_dir: Path) -> list[tuple[Path, dt.date]]:
    # Files are in scrape order, so the last of a day is that day's version.
    return list({day: (path, day) for path, day in _daily_files(daily_dir)}.values())


def _store_history(daily_dir: Path) -> str:
    from watchlist.lists.store import Store

    store_dir = daily_dir.parent / "history-store"
    # The traced run starts afresh too (the timed run comes first, on no store).
    shutil.rmtree(store_dir, ignore_errors=True)
    store = Store(store_dir)
    versions = store.add_many("us-ofac-sdn", _last_of_each_day(daily_dir))
    store.load("us-ofac-sdn")  # writes the history cache, as the first screening would
    return f"{len(versions)} versions stored, history cached"


def _history_reload(daily_dir: Path) -> str:
    from watchlist.lists.store import Store
    from watchlist.lists.timeline import Timeline

    versions = Store(daily_dir.parent / "history-store").load("us-ofac-sdn")
    timeline = Timeline.from_versions(versions)
    return f"{len(versions)} versions reloaded, timeline of {len(timeline.records)} records"


def _run(task: Callable[[Path], str], argument: Path, traced: bool) -> tuple[float, float, str]:
    warnings.simplefilter("ignore")  # the lone sdn.csv files warn that aliases are missing
    # Imported before the clock starts: the figures are for reading, not for starting Python.
    import watchlist.lists.formats.ofac_csv
    import watchlist.lists.store
    import watchlist.lists.timeline  # noqa: F401

    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    detail = task(argument)
    seconds = time.perf_counter() - start
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    else:
        peak = _peak_rss_mb()
    return seconds, peak, detail


def measure(task: Callable[[Path], str], argument: Path, repeat: int) -> Figure:
    """The best time of ``repeat`` runs and the peaks, each run in a fresh process."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=context, max_tasks_per_child=1
    ) as pool:
        timed = [pool.submit(_run, task, argument, False).result() for _ in range(repeat)]
        traced = pool.submit(_run, task, argument, True).result()
    best = min(timed)
    return Figure(
        seconds=best[0],
        peak_rss_mb=max(run[1] for run in timed),
        traced_peak_mb=traced[1],
        detail=best[2],
    )


def _csv_of(path: Path) -> str:
    return _csv_rows([path])


def _csv_of_dir(directory: Path) -> str:
    return _csv_rows([path for path, _day in _daily_files(directory)])


def _prepare_store(snapshot: Path, store_dir: Path) -> None:
    from watchlist.lists.store import Store

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Store(store_dir).add("us-ofac-sdn", snapshot, published=SDN_DAY)


def _report(name: str, figure: Figure, baseline: Figure, target: str) -> list[str]:
    return [
        f"{name}: {figure.detail}",
        f"  watchlist {figure.seconds:8.3f} s   csv.reader {baseline.seconds:8.3f} s   "
        f"ratio {figure.seconds / baseline.seconds:6.2f}x   target {target}",
        f"  peak RSS  {figure.peak_rss_mb:8.1f} MB  csv.reader {baseline.peak_rss_mb:8.1f} MB  "
        f"ratio {figure.peak_rss_mb / baseline.peak_rss_mb:6.2f}x",
        f"  tracemalloc peak {figure.traced_peak_mb:8.1f} MB  csv.reader "
        f"{baseline.traced_peak_mb:8.1f} MB  "
        f"ratio {figure.traced_peak_mb / baseline.traced_peak_mb:6.2f}x",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/data")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    args = parser.parse_args()
    snapshot = next((args.data / "ofac_sdn" / "snapshots").glob(f"sdn_{SDN_DAY}_*.csv"))
    archive = next((args.data / "ofac_sdn" / "daily").glob("*.tar.xz"))
    lines = [f"python {sys.version.split()[0]}; best of {args.repeat} runs, fresh process each"]
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as scratch:
        store_dir = Path(scratch) / "store"
        # In a child process too, so that the parent stays small for the children it spawns.
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            pool.submit(_prepare_store, snapshot, store_dir).result()
        single_csv = measure(_csv_of, snapshot, args.repeat)
        lines += _report(
            "cold parse, SDN 2024-05-03",
            measure(_cold_parse, snapshot, args.repeat),
            single_csv,
            "<= 1.0 s",
        )
        lines += _report(
            "cached reload, SDN 2024-05-03",
            measure(_cached_reload, store_dir, args.repeat),
            single_csv,
            "<= 0.15 s",
        )
        daily_dir = Path(scratch) / "daily"
        with tarfile.open(archive) as bundle:
            bundle.extractall(daily_dir, filter="data")
        daily_csv = measure(_csv_of_dir, daily_dir, 1)
        lines += _report(
            "timeline, 308 daily SDN versions",
            measure(_timeline, daily_dir, 1),
            daily_csv,
            "<= 30 s and <= 1 GB",
        )
        lines += _report(
            "store: add_many of the last version of each day (copies, parse, history cache)",
            measure(_store_history, daily_dir, 1),
            daily_csv,
            "(none)",
        )
        lines += _report(
            "store: reload that history from its cache, and build its timeline",
            measure(_history_reload, daily_dir, args.repeat),
            daily_csv,
            "(none)",
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
