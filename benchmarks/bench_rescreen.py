"""Delta re-screening against two full screenings, on a real week of OFAC SDN changes.

Run: ``.venv/bin/python benchmarks/bench_rescreen.py [--customers 100000] [--full-sample 1000]
[--from-file sdn_2022-11-23_1846.csv --to-file sdn_2022-11-30_1848.csv]``

Unpacks two daily copies of OFAC's sdn.csv a week apart from
``../shared/data/ofac_sdn/daily/`` into a temporary directory (never into the repository),
builds a screener for a bank applying the SDN list, and generates ``--customers`` customers:
ordinary names (first names and surnames as banks see them, Latin and Cyrillic) with, one in
twenty, the primary name of a real SDN entry, and the names of the entries that changed that
week among the first rows, so that changes are found. Then, in one run, side by side:

- the delta: :func:`watchlist.screening.rescreen.rescreen` from the first date to the
  second, on every customer;
- the baseline: two full screenings (``Screener.screen_many`` on each date), compared by
  (list, entry) hit sets, which is what the delta replaces.

Full screening is timed on the first ``--full-sample`` customers (default 1,000) and its time
for all customers extrapolated from that (its cost per customer does not depend on the number
of customers); pass ``--full-sample`` equal to ``--customers`` to time it on all of them. The
delta is timed on both, so the ratio on the sample is measured, not estimated. On the sample
the delta's answer is also checked against the difference of the full screenings.

The delta scores each customer against every record of the entries that changed, so its cost
grows with the size of the week's changes: a few entries (the default week, 2022-11-23 to
2022-11-30, four additions) cost almost nothing; a week of some 250 additions (``--from-file
sdn_2022-12-02_0207.csv --to-file sdn_2022-12-09_1845.csv``) costs about as much as scoring
250 records, which full screening with a candidate index can approach.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tarfile
import tempfile
import time
import warnings
from pathlib import Path

from watchlist import ListVersion, Party, Screener
from watchlist.errors import IncompleteListWarning
from watchlist.lists.formats import ofac_csv
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.screening.rescreen import ChangeKind, plan, rescreen
from watchlist.testing import CYRILLIC_WORDS

DAILY = (
    Path(__file__).resolve().parents[2]
    / "shared/data/ofac_sdn/daily/sdn_daily_2021-08-18_to_2024-05-03.tar.xz"
)
FIRST_NAMES = (
    "John", "Mary", "James", "Anna", "Maria", "Ivan", "Olga", "Sergei", "Elena", "Dmitry",
    "Aigerim", "Nurlan", "Aliya", "Yerlan", "Askar", "Dana", "Ahmed", "Fatima", "Mohammed",
    "Aisha", "Carlos", "Sofia", "Jose", "Lucia", "Pierre", "Claire", "Hans", "Greta", "Wei",
    "Mei", "Anh", "Minh",
)  # fmt: skip
SURNAMES = (
    "Smith", "Johnson", "Brown", "Garcia", "Lopez", "Martinez", "Ivanov", "Petrova", "Sidorov",
    "Smirnova", "Kuznetsov", "Sadykova", "Abenov", "Zhakupov", "Iskakov", "Rahman", "Haddad",
    "Dubois", "Martin", "Muller", "Schmidt", "Wang", "Li", "Nguyen", "Tran", "Rossi", "Bianchi",
)  # fmt: skip
JURISDICTION = "BANK"


def unpack(names: tuple[str, ...], target: Path) -> list[Path]:
    wanted = {f"./{name}" for name in names}
    with tarfile.open(DAILY) as archive:
        for member in archive:
            if member.name in wanted:
                archive.extract(member, target, filter="data")
                wanted.discard(member.name)
            if not wanted:
                break
    if wanted:
        raise SystemExit(f"not in {DAILY.name}: {sorted(wanted)}")
    return [target / name for name in names]


def version(path: Path) -> ListVersion:
    with warnings.catch_warnings():
        # The daily copies are sdn.csv alone, without aliases and addresses.
        warnings.simplefilter("ignore", IncompleteListWarning)
        return ofac_csv.parse(path, published=path.name.split("_")[1])


def customers(
    count: int, listed: list[str], changed: list[str], sample: int, seed: int
) -> list[Party]:
    rng = random.Random(seed)
    names = []
    for _ in range(count):
        if rng.random() < 0.05:
            names.append(rng.choice(listed))
        elif rng.random() < 0.1:
            names.append(" ".join(rng.sample(CYRILLIC_WORDS, 2)))
        else:
            names.append(f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}")
    # The week's changed entries, among the customers both measurements see.
    for name in changed:
        names[rng.randrange(min(sample, count))] = name
    return [Party(name=name) for name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--full-sample", type=int, default=1000)
    parser.add_argument("--from-file", default="sdn_2022-11-23_1846.csv")
    parser.add_argument("--to-file", default="sdn_2022-11-30_1848.csv")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        paths = unpack((args.from_file, args.to_file), Path(folder))
        versions = [version(path) for path in paths]
        print(
            f"unpacked and read {len(paths)} daily files in {time.perf_counter() - started:.1f} s"
        )
    first, second = versions[0].published, versions[1].published
    policy = AppliedList("us-ofac-sdn", first, "the bank's sanctions policy", "benchmark")
    jurisdictions = {JURISDICTION: Jurisdiction(code=JURISDICTION, name="A bank", lists=[policy])}
    screener = Screener.from_versions(versions, jurisdictions)

    started = time.perf_counter()
    delta = plan(screener, jurisdiction=JURISDICTION, from_date=first, to_date=second)
    planning = time.perf_counter() - started
    changed = sorted(
        {records[0].record.primary_name.value for records in delta.candidates.values()}
    )
    listed = [entry.primary_name.value for entry in versions[1].entries]
    sample = min(args.full_sample, args.customers)
    parties = customers(args.customers, listed, changed, sample, args.seed)
    print(
        f"OFAC SDN {first} -> {second}: {len(delta.candidates)} entries changed; each customer "
        f"is scored against {delta.records_scored} records instead of "
        f"{len(versions[0].entries)} + {len(versions[1].entries)} "
        f"({delta.records_in_force} records in force on either date); plan {planning:.3f} s"
    )

    def run_delta(rows: list[Party]) -> tuple[float, list[set[tuple[str, str, str]]]]:
        started = time.perf_counter()
        found = [
            {(str(change.kind), change.list_id, change.entry_id) for change in result.changes}
            for result in rescreen(
                screener, rows, jurisdiction=JURISDICTION, from_date=first, to_date=second
            )
        ]
        return time.perf_counter() - started, found

    def run_full(rows: list[Party], day: dt.date) -> tuple[float, list[set[tuple[str, str]]]]:
        started = time.perf_counter()
        found = [
            {(hit.list_id, hit.entry_id) for hit in result.hits}
            for result in screener.screen_many(rows, jurisdiction=JURISDICTION, as_of=day)
        ]
        return time.perf_counter() - started, found

    delta_all, found_all = run_delta(parties)
    delta_sample, found_sample = run_delta(parties[:sample])
    full_from, hits_from = run_full(parties[:sample], first)
    full_to, hits_to = run_full(parties[:sample], second)
    expected = [
        {("new", *key) for key in after - before} | {("cleared", *key) for key in before - after}
        for before, after in zip(hits_from, hits_to, strict=True)
    ]
    same = "yes" if expected == found_sample else "NO"
    changes = sum(len(found) for found in found_all)
    new = sum(1 for found in found_all for kind, *_ in found if kind == ChangeKind.NEW)
    full_sample = full_from + full_to
    full_all = full_sample * args.customers / sample

    print(f"\n{args.customers:,} customers ({changes} changes: {new} new, {changes - new} cleared)")
    print(f"{'':38}{'customers':>11}{'seconds':>10}{'ms/customer':>13}{'speed-up':>10}")

    def line(label: str, rows: int, seconds: float, baseline: float | None = None) -> None:
        ratio = f"{baseline / seconds:>9.0f}x" if baseline is not None else ""
        print(f"{label:38}{rows:>11,}{seconds:>10.2f}{seconds / rows * 1000:>13.3f}{ratio}")

    line("two full screenings (baseline)", sample, full_sample)
    line("delta re-screening", sample, delta_sample, full_sample)
    line("two full screenings (extrapolated)", args.customers, full_all)
    line("delta re-screening", args.customers, delta_all, full_all)
    print(f"\ndelta equals the difference of the full screenings on the sample: {same}")


if __name__ == "__main__":
    main()
