"""How often screening alerts on customers who are not listed, and the negatives that teaches.

Run: ``.venv/bin/python benchmarks/customer_screening.py [--split dev] [--count 800]``.

The customers are the ``customer`` queries of ``benchmarks/matching_corpus.py``: names made
the way customers' names are, from the lists' own name statistics (a listed person's first name
with another's surname; everyday words of organisations' names with a legal form). Each is
screened as a bank would, with the shipped scorer, against the whole OFAC SDN (2024-05-03) and
UN (2026-02-27) lists of ``bench_index.py``; every listed name scoring at least ``FLOOR`` is kept
with its score and the corpus split of its party.

A customer **alerts** at a threshold when a listed name scores at least that, unless the listed
name holds every word of the customer's (but legal forms): then the customer's name *is* a
listed name, and the alert is right. The share of customers alerting is the false-alert rate a
bank meets on names that merely resemble listed ones; pair-level precision cannot show it,
since screening takes the best of tens of thousands of listed names.

``fit_matcher.py --mine`` takes the train split's customers' best candidates among the train
split's parties as negatives (hard-negative mining), and ``bench_matching.py`` reports the
share alerting beside recall. Screening is slow at the low floor (a few names a second), so
results are cached in ``benchmarks/.cache/customers-<key>.json``; the key hashes the corpus
key, the shipped calibration, the split, the count and the floor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_index
from matching_corpus import CACHE, content_words, corpus_key, load_pairs, split_of, words

from watchlist import Party
from watchlist.matching.calibration import shipped_calibration

#: The least score of a listed name kept for a customer.
FLOOR = 0.55
CALIBRATION = Path(__file__).resolve().parents[1] / "src/watchlist/matching/calibration.json"
#: The matcher's code and data: screening results change with any of them, not only with the
#: calibration.
MATCHING = CALIBRATION.parent


@attrs.frozen
class Candidate:
    """A listed name a customer was screened against, and how it scored."""

    name: str
    weak: bool
    score: float
    #: The corpus split of the listed party ("train", "dev" or "test").
    split: str


@attrs.frozen
class Screened:
    name: str
    kind: str
    #: Best first.
    candidates: tuple[Candidate, ...]


def customers(split: str, count: int) -> list[tuple[str, str]]:
    """``count`` distinct customer names (and kinds) of the split, in a fixed random order."""
    found = sorted({(p.query, p.kind) for p in load_pairs(split) if p.category == "customer"})
    random.Random(f"customers:{split}").shuffle(found)
    return found[:count]


def is_listed_name(customer: str, listed: str) -> bool:
    """Whether the listed name holds every word of the customer's name (but legal forms)."""
    own = words(customer)
    needed = set(content_words(own)) or set(own)
    return needed <= set(words(listed))


def _party_split(list_id: str, entry_id: str) -> str:
    if list_id.startswith("un"):
        return split_of(f"un:{entry_id.strip().rstrip('.').upper()}")
    return split_of(f"ofac-sdn:{entry_id}")


def _cache_path(split: str, count: int) -> Path:
    key = hashlib.sha256(f"{corpus_key()}:{split}:{count}:{FLOOR}".encode())
    for path in sorted(MATCHING.iterdir()):
        if path.is_file() and path.suffix in {".py", ".json", ".toml"}:
            key.update(path.name.encode() + path.read_bytes())
    return CACHE / f"customers-{key.hexdigest()[:16]}.json"


def screened(split: str, count: int, *, progress: bool = True) -> list[Screened]:
    """The split's customers screened against the whole lists (cached)."""
    path = _cache_path(split, count)
    if path.exists():
        rows = json.loads(path.read_text("utf-8"))
        return [
            Screened(row["name"], row["kind"], tuple(Candidate(**c) for c in row["candidates"]))
            for row in rows
        ]
    versions, _others = bench_index.load()
    screener = bench_index.screener(versions)
    options = {
        "jurisdiction": bench_index.JURISDICTION,
        "as_of": bench_index.AS_OF,
        "accept_stale": True,
        "threshold": FLOOR,
    }
    started = time.perf_counter()
    found = []
    chosen = customers(split, count)
    for number, (name, kind) in enumerate(chosen, 1):
        result = screener.screen(Party(name=name, kind=kind), **options)  # type: ignore[arg-type]
        found.append(
            Screened(
                name,
                kind,
                tuple(
                    Candidate(
                        hit.match.name.value,
                        hit.match.name.strength.value == "weak",
                        hit.score,
                        _party_split(hit.list_id, hit.entry_id),
                    )
                    for hit in result.hits
                ),
            )
        )
        if progress and number % 100 == 0:
            elapsed = time.perf_counter() - started
            print(
                f"  screened {number}/{len(chosen)} customers in {elapsed:.0f} s", file=sys.stderr
            )
    CACHE.mkdir(exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps([attrs.asdict(s) for s in found], ensure_ascii=False), "utf-8")
    temporary.replace(path)
    return found


def false_alerts(screened_customer: Screened) -> list[Candidate]:
    """The candidates that would alert wrongly: every one but listed names the customer's
    name is."""
    return [
        c
        for c in screened_customer.candidates
        if not is_listed_name(screened_customer.name, c.name)
    ]


def alerting_share(best_scores: list[float], threshold: float) -> float:
    """The share of customers whose best false-alert score reaches the threshold."""
    return sum(score >= threshold for score in best_scores) / max(1, len(best_scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "dev", "test"), default="dev")
    parser.add_argument("--count", type=int, default=800)
    args = parser.parse_args()
    rows = screened(args.split, args.count)
    default = shipped_calibration().threshold
    print(f"{len(rows)} customers of the {args.split} split, screened against SDN + UN")
    print("threshold  alerting  persons  organisations")
    for threshold in sorted({0.6, 0.7, default, 0.8, 0.85, 0.9, 0.95}):
        shares = []
        for kind in (None, "person", "organization"):
            best = [
                max((c.score for c in false_alerts(s)), default=0.0)
                for s in rows
                if kind is None or s.kind == kind
            ]
            shares.append(alerting_share(best, threshold))
        mark = "  (default)" if threshold == default else ""
        print(f"  {threshold:.2f}     {shares[0]:6.1%}   {shares[1]:6.1%}   {shares[2]:6.1%}{mark}")


if __name__ == "__main__":
    main()
