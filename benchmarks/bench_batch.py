"""Batch screening: ``watchlist screen`` on a generated file of a million rows.

Run: ``.venv/bin/python benchmarks/bench_batch.py [--rows 1000000] [--real-rows N]
[--workers N] [--baseline-rows 2000] [--jurisdiction US --as-of 2026-06-01] [--lists full]``

Generates a CSV of ``--rows`` rows in a temporary directory: ordinary names (first names and
surnames as banks see them, in Latin and Cyrillic script, and company names) with, one row in
twenty, a name from the shipped lists, half of them with one letter changed. Then, in one run,
side by side:

- the baseline: a plain loop calling ``Screener.screen`` on each name of the first
  ``--baseline-rows`` rows, in this process (what a user would write without the batch module);
- ``watchlist screen`` (the real command, in a subprocess) on the first ``--real-rows`` rows
  (default: all), with one worker and with ``--workers`` workers, in rows per second and as a
  ratio to the baseline, with peak memory and the CPU seconds of all its processes;
- the batch machinery alone on the whole file and on its first tenth: ``screen_file`` (what the
  command runs) with a scorer that matches nothing at no cost, so that reading, accounting and
  writing are measured, not name matching (the index does not serve that scorer, so each row
  still calls it once for each record in force: 142 cheap calls with the shipped lists). Its
  rows per second is the ceiling a faster matcher can reach; the ratio of its peak memory,
  whole file to a tenth, shows whether memory grows with the input (flat: about 1).

Each run's rows are checked against its audit record: every row read and screened.

``--lists full`` screens against the full OFAC SDN (the complete CSV set of 2021-07 in
``../shared/data``) and the UN consolidated list of 2026-02-27 instead of the shipped lists:
both are added to a version store in the temporary directory, applied by a jurisdictions file
there (``-j US``, stale lists accepted), and the command runs with that store and an index
cache written once before the timed runs (``--index-cache``), as a nightly run finds it. With
them, the listed names in the file are theirs, and the baseline screens against them too.

The real command's memory grows a little with the number of distinct names it has seen: the
matcher keeps bounded caches (``functools.lru_cache``) of normalised names and tokens, which
fill over the first hundred thousand or so names. Peak memory is the largest resident set of
any one process of a run (with several workers, the largest of the parent and the workers),
measured by ``getrusage`` in a fresh wrapper process per run (a worker started by fork and
exec is counted with at most the parent's size at that moment, never more than the parent's
own peak). ``--real-rows`` times the real command on fewer rows (its cost per row does not
depend on the file size). The README gives the latest figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from watchlist import Entry, Match, Name, Party, Screener, Store
from watchlist.batch.columns import ColumnMap
from watchlist.batch.run import screen_file, sidecar_paths
from watchlist.lists.loading import shipped_lists_dir

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
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: The jurisdiction of ``--lists full``: the full SDN and UN lists, as a bank may apply them.
FULL_JURISDICTIONS = """\
[jurisdictions.US]
name = "The full SDN and UN lists"
  [[jurisdictions.US.lists]]
  list = "us-ofac-sdn"
  start = 2000-01-01
  basis = "bench"
  source = "bench"
  [[jurisdictions.US.lists]]
  list = "un-sc-consolidated"
  start = 2000-01-01
  basis = "bench"
  source = "bench"
"""


def ordinary_name(rng: random.Random) -> tuple[str, str]:
    """A customer name as banks see them, and its kind: a person, or a company (one in four)."""
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
                name, kind = ordinary_name(rng)
            writer.writerow([f"R{number:07d}", name, kind])


#: Run in a fresh process: runs the command given as arguments and prints the peak resident
#: memory (kB on Linux) of the largest process it waited for, the command included, and the
#: CPU seconds of all of them (the command and its workers).
_MEASURE = """
import resource, subprocess, sys
completed = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.write(completed.stderr.decode()[-2000:] if completed.returncode not in (0, 1) else "")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(completed.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


class NeverMatches:
    """A scorer that matches nothing at no cost, leaving the batch machinery to be measured."""

    name = "never-matches"
    default_threshold = 0.8
    _nothing = Match(score=0.0, name=Name("nothing"), query_name="nothing", features=())

    def compare(self, query: Party, entry: Entry) -> Match:
        return self._nothing


def _measured(command: list[str]) -> tuple[float, float, float]:
    """Seconds, peak resident memory in MB and CPU seconds of ``command``, run in a fresh
    process."""
    started = time.perf_counter()
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    code, peak_kb, cpu = measured.stdout.split()
    if code not in {"0", "1"}:
        sys.exit(f"{' '.join(command[:5])} failed ({code}): {measured.stderr}")
    return seconds, int(peak_kb) / 1024, float(cpu)


def _check_screened(output: Path, rows: int) -> None:
    """Exit unless the audit record of the run that wrote ``output`` says it screened ``rows``."""
    counts = json.loads(sidecar_paths(output)[1].read_text(encoding="utf-8"))["counts"]
    if counts["rows_read"] != rows or counts["rows_screened"] != rows:
        sys.exit(f"expected {rows:,} rows read and screened; the audit record says {counts}")


def run_command(
    source: Path, output: Path, args: argparse.Namespace, workers: int, lists: list[str]
) -> tuple[float, float, float]:
    """Seconds, peak resident memory in MB and CPU seconds of ``watchlist screen`` on
    ``source``, with the list options ``lists``."""
    return _measured([
        sys.executable, "-m", "watchlist", "screen", str(source), "-o", str(output),
        "-j", args.jurisdiction, "--as-of", args.as_of, "--id-column", "id",
        "--kind-column", "kind", "--workers", str(workers), "--quiet", *lists,
    ])  # fmt: skip


def full_lists(folder: Path) -> tuple[Screener, list[str]]:
    """A store in ``folder`` with the full SDN and UN lists, a jurisdictions file applying
    them, their index cached: the screener over them, and the command's options for them."""
    store = Store(folder / "store")
    store.add("us-ofac-sdn", DATA / "ofac_sdn" / "2021-07" / "sdn.csv", "2021-07-01")
    store.add("un-sc-consolidated", DATA / "un_sc" / "consolidated_2026-02-27.xml")
    jurisdictions = folder / "jurisdictions.toml"
    jurisdictions.write_text(FULL_JURISDICTIONS, encoding="utf-8")
    cache = folder / "index-cache"
    screener = Screener.from_directory(
        shipped_lists_dir(), store=store, jurisdictions=jurisdictions, index_cache=cache
    )
    options = ["--store", str(store.path), "--jurisdictions", str(jurisdictions)]
    return screener, [*options, "--index-cache", str(cache), "--accept-stale"]


def run_machinery(
    source: Path, output: Path, args: argparse.Namespace
) -> tuple[float, float, float]:
    """Seconds, peak memory and CPU seconds of ``screen_file`` on ``source`` with
    :class:`NeverMatches`."""
    return _measured([
        sys.executable, __file__, "--machinery", str(source), str(output),
        "--jurisdiction", args.jurisdiction, "--as-of", args.as_of,
    ])  # fmt: skip


def machinery(source: Path, output: Path, args: argparse.Namespace) -> None:
    shipped = Screener.default()
    screener = Screener(
        timelines=shipped.timelines, jurisdictions=shipped.jurisdictions, scorer=NeverMatches()
    )
    screen_file(
        screener,
        source,
        output,
        jurisdiction=args.jurisdiction,
        as_of=dt.date.fromisoformat(args.as_of),
        columns=ColumnMap(id="id", kind="kind"),
    )


def run_baseline(source: Path, rows: int, screener: Screener, args: argparse.Namespace) -> float:
    """Rows per second of a plain ``Screener.screen`` loop over the first ``rows`` rows."""
    with source.open(encoding="utf-8", newline="") as file:
        names = [row["name"] for _, row in zip(range(rows), csv.DictReader(file), strict=False)]
    as_of = dt.date.fromisoformat(args.as_of)
    started = time.perf_counter()
    for name in names:
        screener.screen(name, jurisdiction=args.jurisdiction, as_of=as_of, accept_stale=True)
    return len(names) / (time.perf_counter() - started)


def _head(source: Path, target: Path, rows: int) -> None:
    with source.open(encoding="utf-8") as file, target.open("w", encoding="utf-8") as out:
        for _, line in zip(range(rows + 1), file, strict=False):
            out.write(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--real-rows", type=int, default=None, help="default: --rows")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline-rows", type=int, default=2000)
    parser.add_argument("--jurisdiction", default="US")
    parser.add_argument("--as-of", default="2026-06-01")
    parser.add_argument("--lists", choices=("shipped", "full"), default="shipped")
    parser.add_argument("--machinery", nargs=2, metavar=("INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.machinery:
        machinery(Path(args.machinery[0]), Path(args.machinery[1]), args)
        return

    real_rows = min(args.real_rows or args.rows, args.rows)
    with tempfile.TemporaryDirectory(prefix="bench_batch.") as directory:
        folder = Path(directory)
        screener, lists = Screener.default(), []
        if args.lists == "full":
            screener, lists = full_lists(folder)
        source = folder / "input.csv"
        started = time.perf_counter()
        generate(source, args.rows, screener)
        size_mb = source.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size_mb:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s; screening in {args.jurisdiction} "
            f"as of {args.as_of} with {screener.scorer.name}, {os.cpu_count()} cores"
        )
        baseline_rows = min(args.baseline_rows, args.rows)
        baseline = run_baseline(source, baseline_rows, screener, args)
        print(f"{'run':<44} {'rows':>10} {'seconds':>9} {'rows/s':>9} {'x base':>7} {'peak MB':>8} "
              f"{'CPU s':>7}")  # fmt: skip
        print(f"{'baseline: Screener.screen loop':<44} {baseline_rows:>10,} "
              f"{'':>9} {baseline:>9,.0f} {1.0:>7.2f} {'':>8}")  # fmt: skip
        real = source
        if real_rows < args.rows:
            real = folder / "real.csv"
            _head(source, real, real_rows)
        tenth = folder / "tenth.csv"
        _head(source, tenth, args.rows // 10)
        output = folder / "out.csv"
        peaks = {}
        runs: list[tuple[str, int, Callable[[], tuple[float, float, float]]]] = [
            ("watchlist screen, 1 worker", real_rows,
             lambda: run_command(real, output, args, 1, lists)),
            (f"watchlist screen, {args.workers} workers", real_rows,
             lambda: run_command(real, output, args, args.workers, lists)),
            ("machinery (scorer stubbed), whole file", args.rows,
             lambda: run_machinery(source, output, args)),
            ("machinery (scorer stubbed), first tenth", args.rows // 10,
             lambda: run_machinery(tenth, output, args)),
        ]  # fmt: skip
        seconds_of = {}
        for label, rows, measure in runs:
            seconds, peak, cpu = measure()
            _check_screened(output, rows)
            peaks[label] = peak
            seconds_of[label] = seconds
            rate = rows / seconds
            print(f"{label:<44} {rows:>10,} {seconds:>9.1f} {rate:>9,.0f} "
                  f"{rate / baseline:>7.2f} {peak:>8.1f} {cpu:>7.1f}")  # fmt: skip
        ratio = (
            peaks["machinery (scorer stubbed), whole file"]
            / peaks["machinery (scorer stubbed), first tenth"]
        )
        print(f"machinery peak memory, whole file / first tenth: {ratio:.2f} (flat: about 1)")
        speedup = (
            seconds_of["watchlist screen, 1 worker"]
            / seconds_of[f"watchlist screen, {args.workers} workers"]
        )
        print(
            f"watchlist screen, {args.workers} workers / 1 worker: {speedup:.2f}x (CPU seconds "
            "of all its processes beside the wall time: on a machine others share, the wall "
            "time of several workers depends on the cores left to them)"
        )
        print("(rates include starting Python and loading the lists, about a second per run)")


if __name__ == "__main__":
    main()
