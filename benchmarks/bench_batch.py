"""Batch screening: ``watchlist screen`` on a generated file of a million rows.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--rows 1000000] [--workers N]
[--baseline-rows 2000] [--jurisdiction US --as-of 2026-06-01]``

Generates a CSV of ``--rows`` rows in a temporary directory: ordinary names (first names and
surnames as banks see them, in Latin and Cyrillic script) with, one row in twenty, a name from
the shipped lists, half of them with one letter changed. Then, in one run, side by side:

- the baseline: a plain loop calling ``Screener.screen`` on each name of the first
  ``--baseline-rows`` rows, in this process (what a user would write without the batch module);
- ``watchlist screen`` (the real command, in a subprocess) on the whole file, one worker and
  ``--workers`` workers, with rows per second and the ratio to the baseline;
- the same command on the first tenth of the file, to show that peak memory does not grow with
  the input. The batch module holds only the rows in flight; what grows is the matcher's
  caches of normalised names and tokens, which are bounded (``functools.lru_cache``) and fill
  over the first hundred thousand or so distinct names. So the ratio of peak resident memory,
  whole file to a tenth, tends to 1 as the file grows past that.

Peak memory is the largest resident set of any one process of a run (for several workers, the
largest of the parent and the workers), measured by ``getrusage`` in a fresh wrapper process per
run. Screening costs the same per row whatever the file size, so when the full million rows
take too long with the current scorer, run a smaller ``--rows`` and scale.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from watchlist import Screener

FIRST_NAMES = (
    "John", "Mary", "James", "Anna", "Maria", "Ivan", "Olga", "Sergei", "Elena", "Dmitry",
    "Aigerim", "Nurlan", "Aliya", "Yerlan", "Askar", "Dana", "Ahmed", "Fatima", "Mohammed",
    "Aisha", "Omar", "Layla", "Carlos", "Sofia", "Jose", "Lucia", "Pierre", "Claire", "Hans",
    "Greta", "Wei", "Mei", "Anh", "Minh", "Алексей", "Наталья", "Татьяна", "Михаил", "Айгуль",
    "Ержан",
)  # fmt: skip
SURNAMES = (
    "Smith", "Johnson", "Brown", "Garcia", "Lopez", "Martinez", "Ivanov", "Petrova", "Sidorov",
    "Smirnova", "Kuznetsov", "Nurlanovna", "Sadykova", "Abenov", "Zhakupov", "Iskakov", "Khan",
    "Rahman", "Hussein", "Haddad", "Nasser", "Dubois", "Martin", "Muller", "Schmidt", "Wang",
    "Li", "Nguyen", "Tran", "Rossi", "Bianchi", "Иванов", "Петрова", "Смирнов", "Кузнецова",
    "Ахметов", "Сулейменова",
)  # fmt: skip
COMPANY_WORDS = (
    "Acme", "Global", "Blue", "River", "Northern", "Star", "Caspian", "Steppe", "Silk", "Road",
    "Alatau", "Pioneer", "Union", "Trading", "Logistics", "Shipping", "Holdings", "Capital",
    "Construction", "Energy", "Textiles", "Foods",
)  # fmt: skip
LEGAL_FORMS = ("LLC", "Ltd", "GmbH", "JSC", "ТОО", "ООО", "S.A.", "Inc")
LISTED_SHARE = 0.05


def _ordinary_name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.25:
        words = rng.sample(COMPANY_WORDS, rng.randint(1, 3))
        return " ".join([*words, rng.choice(LEGAL_FORMS)]), "organization"
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}", "person"


def _perturbed(name: str, rng: random.Random) -> str:
    letters = [position for position, char in enumerate(name) if char.isalpha()]
    if not letters:
        return name
    position = rng.choice(letters)
    return name[:position] + rng.choice("aeiouyklmn") + name[position + 1 :]


def generate(path: Path, rows: int, screener: Screener, seed: int = 2026) -> None:
    """Write ``rows`` rows of ``id,name,kind`` to ``path``."""
    listed = sorted(
        {
            (name.value, str(entry.kind))
            for timeline in screener.timelines.values()
            for entry in timeline.records
            for name in entry.names
        }
    )
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "name", "kind"])
        for number in range(rows):
            if rng.random() < LISTED_SHARE:
                name, kind = rng.choice(listed)
                if rng.random() < 0.5:
                    name = _perturbed(name, rng)
            else:
                name, kind = _ordinary_name(rng)
            writer.writerow([f"R{number:07d}", name, kind])


#: Run in a fresh process: runs the command given as arguments and prints the peak resident
#: memory (kB on Linux) of the largest process it waited for, the command included.
_MEASURE = """
import resource, subprocess, sys
completed = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.write(completed.stderr.decode()[-2000:] if completed.returncode not in (0, 1) else "")
print(completed.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_command(
    source: Path, output: Path, args: argparse.Namespace, workers: int
) -> tuple[float, float]:
    """Seconds and peak resident memory in MB of ``watchlist screen`` on ``source``."""
    command = [
        sys.executable, "-m", "watchlist", "screen", str(source), "-o", str(output),
        "-j", args.jurisdiction, "--as-of", args.as_of, "--id-column", "id",
        "--kind-column", "kind", "--workers", str(workers), "--quiet",
    ]  # fmt: skip
    started = time.perf_counter()
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    code, peak_kb = measured.stdout.split()
    if code not in {"0", "1"}:
        sys.exit(f"watchlist screen failed ({code}): {measured.stderr}")
    return seconds, int(peak_kb) / 1024


def run_baseline(source: Path, rows: int, screener: Screener, args: argparse.Namespace) -> float:
    """Rows per second of a plain ``Screener.screen`` loop over the first ``rows`` rows."""
    with source.open(encoding="utf-8", newline="") as file:
        names = [row["name"] for _, row in zip(range(rows), csv.DictReader(file), strict=False)]
    as_of = dt.date.fromisoformat(args.as_of)
    started = time.perf_counter()
    for name in names:
        screener.screen(name, jurisdiction=args.jurisdiction, as_of=as_of)
    return len(names) / (time.perf_counter() - started)


def _head(source: Path, target: Path, rows: int) -> None:
    with source.open(encoding="utf-8") as file, target.open("w", encoding="utf-8") as out:
        for _, line in zip(range(rows + 1), file, strict=False):
            out.write(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline-rows", type=int, default=2000)
    parser.add_argument("--jurisdiction", default="US")
    parser.add_argument("--as-of", default="2026-06-01")
    args = parser.parse_args()

    screener = Screener.default()
    with tempfile.TemporaryDirectory(prefix="bench_batch.") as directory:
        folder = Path(directory)
        source = folder / "input.csv"
        started = time.perf_counter()
        generate(source, args.rows, screener)
        size_mb = source.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size_mb:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s; screening in {args.jurisdiction} "
            f"as of {args.as_of} with {screener.scorer.name}, {os.cpu_count()} cores"
        )
        baseline = run_baseline(source, min(args.baseline_rows, args.rows), screener, args)
        print(f"{'run':<40} {'rows':>10} {'seconds':>9} {'rows/s':>9} {'x base':>7} {'peak MB':>8}")
        print(f"{'baseline: Screener.screen loop':<40} {args.baseline_rows:>10,} "
              f"{'':>9} {baseline:>9,.0f} {1.0:>7.2f} {'':>8}")  # fmt: skip
        tenth = folder / "tenth.csv"
        _head(source, tenth, args.rows // 10)
        peaks = {}
        for label, path, rows, workers in [
            ("watchlist screen, 1 worker", source, args.rows, 1),
            (f"watchlist screen, {args.workers} workers", source, args.rows, args.workers),
            ("watchlist screen, 1 worker, 1/10 rows", tenth, args.rows // 10, 1),
        ]:
            seconds, peak = run_command(path, folder / "out.csv", args, workers)
            peaks[label] = peak
            rate = rows / seconds
            print(f"{label:<40} {rows:>10,} {seconds:>9.1f} {rate:>9,.0f} "
                  f"{rate / baseline:>7.2f} {peak:>8.1f}")  # fmt: skip
        whole, part = peaks["watchlist screen, 1 worker"], peaks[label]
        print(f"peak memory, whole file / a tenth of it: {whole / part:.2f} (flat memory: about 1)")
        print("(rates include starting Python and loading the lists, about a second per run)")


if __name__ == "__main__":
    main()
