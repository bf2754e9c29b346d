"""Matching quality and speed: watchlist against nomenklatura logic-v2 and logic-v1.

Run: ``.venv/bin/python benchmarks/bench_matching.py [--split held-out|dev|all] [--limit N]
[--no-nomenklatura] [--show-errors N]`` (nomenklatura comes with the ``bench`` extra:
``pip install -e .[bench]``). The default is the held-out split; tune only with ``--split dev``
(``--show-errors`` prints the worst errors there, and only there).

Every algorithm scores the same labelled pairs (``benchmarks/matching_pairs.py``: real aliases
from the OFAC SDN and UN lists, and hard negatives from different entries) in one run. Printed:
precision, recall and F1 at each algorithm's default threshold, recall at precision 0.95 and
0.99 (the best recall any threshold gives at that precision), the same per variation kind and
per entity kind, a precision/recall table at thresholds for watchlist (the README's calibration
table), and pairs per second on one core. The first watchlist scorer (token-alignment-v1) runs
too, as the baseline.

Both sides of a pair carry the entity kind (person or organisation) and nothing else: the
benchmark measures name matching. Speed is process time over pairs whose two sides are built
beforehand; nomenklatura is given a fresh entity id per pair, since it caches results by id.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_pairs import Pair, build_pairs

from watchlist.matching import FeatureScorer, TokenAlignmentScorer
from watchlist.matching.align import clear_caches
from watchlist.model import Entry, Party

#: The default thresholds: ours, and yente's documented default for nomenklatura's algorithms.
THRESHOLDS = {"watchlist": FeatureScorer().default_threshold, "token-alignment-v1": 0.80}
NOMENKLATURA_THRESHOLD = 0.7


Prepared = Callable[[Pair, int], Callable[[], float]]


def _watchlist(scorer: FeatureScorer | TokenAlignmentScorer) -> Prepared:
    def prepare(pair: Pair, _number: int) -> Callable[[], float]:
        query = Party(name=pair.query, kind=pair.kind)
        entry = Entry(id="candidate", kind=pair.kind, names=[pair.candidate])
        return lambda: scorer.compare(query, entry).score

    return prepare


def _nomenklatura() -> dict[str, Prepared]:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV1, LogicV2
        from nomenklatura.matching.types import ScoringConfig
    except ImportError as error:
        print(f"nomenklatura is not installed ({error}); install the bench extra", file=sys.stderr)
        return {}
    config = ScoringConfig.defaults()
    schemata = {"person": "Person", "organization": "Organization"}

    def entity(name: str, kind: str, entity_id: str) -> Any:
        made = model.make_entity(schemata[kind])
        made.id = entity_id
        made.add("name", name)
        return made

    def scorer(algorithm: type[LogicV1] | type[LogicV2]) -> Prepared:
        def prepare(pair: Pair, number: int) -> Callable[[], float]:
            # nomenklatura caches results by entity id: every pair needs its own ids.
            query = entity(pair.query, pair.kind, f"q{number}")
            candidate = entity(pair.candidate, pair.kind, f"c{number}")
            return lambda: float(algorithm.compare(query, candidate, config).score)

        return prepare

    return {"nomenklatura logic-v2": scorer(LogicV2), "nomenklatura logic-v1": scorer(LogicV1)}


def _metrics(scored: Sequence[tuple[float, bool]], threshold: float) -> tuple[float, float, float]:
    true_pos = sum(1 for score, same in scored if same and score >= threshold)
    false_pos = sum(1 for score, same in scored if not same and score >= threshold)
    positives = sum(1 for _, same in scored if same)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _recall_at_precision(scored: Sequence[tuple[float, bool]], target: float) -> float:
    """The best recall of any threshold whose precision is at least ``target``."""
    ordered = sorted(scored, key=lambda item: -item[0])
    positives = sum(1 for _, same in ordered if same)
    if not positives:
        return 0.0
    best = 0.0
    true_pos = false_pos = 0
    index = 0
    while index < len(ordered):
        score = ordered[index][0]
        # every pair with the same score is on the same side of any threshold
        while index < len(ordered) and ordered[index][0] == score:
            if ordered[index][1]:
                true_pos += 1
            else:
                false_pos += 1
            index += 1
        if true_pos / (true_pos + false_pos) >= target:
            best = max(best, true_pos / positives)
    return best


def _row(label: str, scored: Sequence[tuple[float, bool]], threshold: float) -> str:
    precision, recall, f1 = _metrics(scored, threshold)
    r95 = _recall_at_precision(scored, 0.95)
    r99 = _recall_at_precision(scored, 0.99)
    return (
        f"  {label:<24} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}"
        f"  R@P.95 {r95:.3f}  R@P.99 {r99:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["held-out", "dev", "all"], default="held-out")
    parser.add_argument("--limit", type=int, default=0, help="sample this many pairs (0: all)")
    parser.add_argument("--no-nomenklatura", action="store_true", help="watchlist only")
    parser.add_argument("--show-errors", type=int, default=0, help="print N worst errors (dev)")
    args = parser.parse_args()

    pairs, skipped = build_pairs()
    print(f"labelled pairs: {len(pairs)} ({sum(p.same for p in pairs)} same party)")
    for reason, count in sorted(skipped.items()):
        print(f"  left out: {count} {reason}")
    if args.split != "all":
        pairs = [pair for pair in pairs if pair.split == args.split]
    if args.limit and len(pairs) > args.limit:
        pairs = random.Random(20261128).sample(pairs, args.limit)
    positives = sum(pair.same for pair in pairs)
    negatives = len(pairs) - positives
    print(f"split {args.split}: {len(pairs)} pairs, {positives} same, {negatives} different")

    algorithms: dict[str, Prepared] = {
        "watchlist": _watchlist(FeatureScorer()),
        "token-alignment-v1": _watchlist(TokenAlignmentScorer()),
        **({} if args.no_nomenklatura else _nomenklatura()),
    }
    results: dict[str, list[float]] = {}
    speed: dict[str, str] = {}
    for name, prepare in algorithms.items():
        # Building the two sides (Party and Entry, or FtM entities) is not timed.
        calls = [prepare(pair, number) for number, pair in enumerate(pairs)]
        started = time.process_time()
        results[name] = [call() for call in calls]
        elapsed = time.process_time() - started
        speed[name] = f"{len(pairs) / elapsed:,.0f} pairs/s"
        if name == "watchlist":
            clear_caches()
            started = time.process_time()
            for call in calls:
                call()
            prepared = len(pairs) / (time.process_time() - started)
            started = time.process_time()
            for call in calls:
                call()
            warm = len(pairs) / (time.process_time() - started)
            speed[name] += (
                f" first pass (each name prepared); {prepared:,.0f} pairs/s names prepared;"
                f" {warm:,.0f} pairs/s names prepared and word similarities cached"
            )

    print("\nOverall (each at its default threshold; R@P = best recall at that precision)")
    for name, scores in results.items():
        threshold = THRESHOLDS.get(name, NOMENKLATURA_THRESHOLD)
        scored = list(zip(scores, (pair.same for pair in pairs), strict=True))
        print(_row(f"{name} @{threshold:.2f}", scored, threshold))

    for attribute in ("variation", "kind"):
        groups: dict[str, list[int]] = defaultdict(list)
        for index, pair in enumerate(pairs):
            groups[getattr(pair, attribute)].append(index)
        print(f"\nBy {attribute}")
        for group, indices in sorted(groups.items()):
            same = sum(pairs[i].same for i in indices)
            print(f" {group}: {same} same, {len(indices) - same} different")
            for name, scores in results.items():
                threshold = THRESHOLDS.get(name, NOMENKLATURA_THRESHOLD)
                scored = [(scores[i], pairs[i].same) for i in indices]
                print(_row(name, scored, threshold))

    print("\nwatchlist at thresholds (calibration table)")
    scored = list(zip(results["watchlist"], (pair.same for pair in pairs), strict=True))
    print("  threshold  precision  recall  F1")
    for threshold in (0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95):
        precision, recall, f1 = _metrics(scored, threshold)
        print(f"  {threshold:9.2f}  {precision:9.3f}  {recall:6.3f}  {f1:.3f}")

    print("\nSpeed (one core, process time, the same pairs)")
    for name, text in speed.items():
        print(f"  {name:<24} {text}")
    baseline = "nomenklatura logic-v2"
    if baseline in results:
        ours = _recall_at_precision(scored, 0.95)
        theirs = _recall_at_precision(
            list(zip(results[baseline], (p.same for p in pairs), strict=True)), 0.95
        )
        ratio = ours / theirs if theirs else float("inf")
        print(f"\nR@P.95 watchlist / logic-v2: {ours:.3f} / {theirs:.3f} = {ratio:.2f}x")

    if args.show_errors and args.split == "dev":
        threshold = THRESHOLDS["watchlist"]
        errors = [
            (abs(score - threshold), score, pair)
            for score, pair in zip(results["watchlist"], pairs, strict=True)
            if (score >= threshold) != pair.same and pair.variation != "no shared word"
        ]
        errors.sort(key=lambda item: -item[0])
        print(f"\nworst {args.show_errors} watchlist errors on dev")
        for _, score, pair in errors[: args.show_errors]:
            label = "MISS" if pair.same else "FALSE"
            print(f"  {label} {score:.2f} {pair.query!r} ~ {pair.candidate!r} [{pair.variation}]")


if __name__ == "__main__":
    main()
