"""Reading the UN Security Council list: one version, and the timeline of all real versions.

Run: ``.venv/bin/python benchmarks/bench_un_xml.py [--data ../shared/data] [--repeat 5]``

In one run, side by side, as ratios to a baseline that only walks the same XML
(``xml.etree.ElementTree.iterparse``, every element cleared once read, nothing else done):

- **parse** of ``un_sc/consolidated_2026-02-27.xml`` (1,003 entries, 2 MB) by
  ``watchlist.lists.formats.un_xml.parse``: hardened parsing (defusedxml), entries, SHA-256;
- **timeline** of the seven consolidated versions 2015-2026: each parsed, then
  ``Timeline.from_versions``.

Times are the best of ``--repeat`` runs; the peak of Python allocations (``tracemalloc``) comes
from one more, traced run.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from watchlist.lists.formats import un_xml
from watchlist.lists.timeline import Timeline

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NEWEST = "consolidated_2026-02-27.xml"


def _walk(paths: list[Path]) -> int:
    elements = 0
    for path in paths:
        for _event, element in ET.iterparse(path, events=("end",)):
            elements += 1
            element.clear()
    return elements


def _measure(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    work()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = args.data / "un_sc"
    newest = folder / NEWEST
    versions = sorted(folder.glob("consolidated_*.xml"))

    def timeline() -> Timeline:
        return Timeline.from_versions(un_xml.parse(path) for path in versions)

    rows = [
        ("parse 2026-02-27", lambda: un_xml.parse(newest), lambda: _walk([newest])),
        (f"timeline of {len(versions)} versions", timeline, lambda: _walk(versions)),
    ]
    print(f"{'measurement':<26}{'watchlist':>12}{'baseline':>12}{'ratio':>8}{'peak MiB':>10}")
    for label, work, baseline in rows:
        seconds, peak = _measure(work, args.repeat)
        base_seconds, _base_peak = _measure(baseline, args.repeat)
        print(
            f"{label:<26}{seconds:>11.3f}s{base_seconds:>11.3f}s"
            f"{seconds / base_seconds:>7.1f}x{peak:>10.1f}"
        )
    print("baseline: ElementTree.iterparse over the same files, every element read and cleared")


if __name__ == "__main__":
    main()
