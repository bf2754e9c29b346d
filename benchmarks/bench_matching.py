"""Matching quality and speed: watchlist against nomenklatura logic-v2, side by side.

Run: ``.venv/bin/python benchmarks/bench_matching.py [--split test|dev|train|all]
[--held-out-source] [--limit N] [--no-logic-v2] [--show-errors N]`` (logic-v2 comes with the
``bench`` extra: ``pip install -e .[bench]``). The default is the test split: report it once per
change; tune on ``--split dev`` (``--show-errors`` prints the worst errors, on dev only).

Both algorithms score the labelled pairs of ``benchmarks/matching_corpus.py`` (names of one
party from the OFAC and UN lists against names of different parties, with hard negatives);
logic-v2's scores are cached (``matching_eval.logic_v2_scores``). Printed: recall at precision
0.95 and 0.99, precision and recall at each default threshold (watchlist's default scorer; 0.70
for logic-v2, yente's default), the share of hard negatives over it, the same per category,
source and kind, a calibration table (score bins against the observed share of the same party),
and pairs per second on one core; then (``--customers N``, dev and test) the share of
customer-like names alerting when screened against the whole lists, and the recall left at the
thresholds where 2, 5 and 10% of them alert (``customer_screening.py``). ``--held-out-source``
prints the whole report for OFAC pairs and for UN pairs separately (for a model fitted on the
other source).

Each side of a pair carries its name and the entity kind only: the benchmark measures names.
Two columns for watchlist: ``watchlist`` is the default scorer as a Screener runs it, weighing
words by their frequency in the lists loaded (here, the lists the pairs come from);
``compare()`` is ``watchlist.compare``, without lists, every word of average frequency.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customer_screening import alerting_share, false_alerts, screened
from matching_corpus import Pair, load_pairs, meta
from matching_eval import (
    calibration_table,
    category_rows,
    groups,
    hard_negatives_over,
    list_frequencies,
    logic_v2_scorer,
    logic_v2_scores,
    precision_recall,
    recall_at_precision,
    threshold_for_precision,
)

from watchlist.matching import FeatureScorer, Scorer
from watchlist.model import Entry, Party

#: yente's documented default threshold for nomenklatura's algorithms
LOGIC_V2_THRESHOLD = 0.70
#: The default scorer as a Screener uses it: with the frequencies of the lists loaded (the
#: lists the pairs come from).
WATCHLIST = "watchlist"
#: ``watchlist.compare``: the same scorer without lists, every word of average frequency.
COMPARE = "compare()"
LOGIC_V2 = "logic-v2"


def watchlist_threshold() -> float:
    return float(FeatureScorer().default_threshold)


def _prepared(pairs: Sequence[Pair], scorer: Scorer) -> list[Callable[[], float]]:
    def call(query: Party, entry: Entry) -> Callable[[], float]:
        return lambda: float(scorer.compare(query, entry).score)

    return [
        call(
            Party(name=pair.query, kind=pair.kind),
            Entry(id=f"candidate-{number}", kind=pair.kind, names=[pair.candidate]),
        )
        for number, pair in enumerate(pairs)
    ]


def score_watchlist(pairs: Sequence[Pair], scorer: Scorer) -> tuple[list[float], dict[str, float]]:
    """Scores, and pairs per second: first pass, prepared (names' preparation cached; word
    similarities forgotten where the scorer can), warm (everything cached)."""
    calls = _prepared(pairs, scorer)
    started = time.process_time()
    scores = [call() for call in calls]
    speeds = {"first pass": len(calls) / max(time.process_time() - started, 1e-9)}
    try:
        from watchlist.matching.align import clear_caches
    except ImportError:  # the scorer changed: prepared and warm are the same pass
        clear_caches = None
    if clear_caches is not None:
        clear_caches()
    started = time.process_time()
    for call in calls:
        call()
    speeds["prepared"] = len(calls) / max(time.process_time() - started, 1e-9)
    started = time.process_time()
    for call in calls:
        call()
    speeds["warm"] = len(calls) / max(time.process_time() - started, 1e-9)
    return scores, speeds


def logic_v2_speed(pairs: Sequence[Pair], sample: int = 1000) -> float:
    chosen = random.Random(20261206).sample(list(pairs), min(sample, len(pairs)))
    score = logic_v2_scorer()
    started = time.process_time()
    for number, pair in enumerate(chosen):
        score(pair, number)
    return len(chosen) / max(time.process_time() - started, 1e-9)


def _scored(pairs: Sequence[Pair], scores: Sequence[float]) -> list[tuple[float, bool]]:
    return list(zip(scores, (pair.same for pair in pairs), strict=True))


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "inf"


def report(
    title: str,
    pairs: Sequence[Pair],
    scores: dict[str, list[float]],
    thresholds: dict[str, float],
) -> None:
    same = sum(pair.same for pair in pairs)
    hard = sum(pair.hard for pair in pairs)
    print(
        f"\n=== {title}: {len(pairs)} pairs, {same} same, {len(pairs) - same} different"
        f" ({hard} hard)"
    )
    print("  algorithm     R@P.95 R@P.99  t@P.95  | threshold  precision recall  hard over")
    at95: dict[str, float] = {}
    summary: dict[str, tuple[float, float]] = {}
    for name, algorithm_scores in scores.items():
        scored = _scored(pairs, algorithm_scores)
        r95, r99 = recall_at_precision(scored, 0.95), recall_at_precision(scored, 0.99)
        t95 = threshold_for_precision(scored, 0.95)
        at95[name] = t95 if t95 is not None else float("inf")
        summary[name] = (r95, r99)
        threshold = thresholds[name]
        precision, recall = precision_recall(scored, threshold)
        over = hard_negatives_over(pairs, algorithm_scores, threshold)
        shown = f"{t95:.3f}" if t95 is not None else "  -  "
        print(
            f"  {name:<12} {r95:6.3f} {r99:6.3f}  {shown:>6}  | {threshold:9.2f}"
            f"  {precision:9.3f} {recall:6.3f}  {over:9.3f}"
        )
    if LOGIC_V2 in summary:
        for ours in (WATCHLIST, COMPARE):
            (o95, o99), (t95_, t99) = summary[ours], summary[LOGIC_V2]
            print(f"  {ours} / logic-v2: R@P.95 {_ratio(o95, t95_)}  R@P.99 {_ratio(o99, t99)}")

    names = list(scores)
    print(
        "\n  by category: recall (positives) or share accepted (negatives, lower is better),"
        " at the default threshold / at the threshold of P.95 overall"
    )
    header = "".join(f"  {name:>17}" for name in names)
    print(f"  {'category':<18} {'same':>6} {'diff':>6}{header}")
    default_rows = category_rows(pairs, scores, thresholds)
    p95_rows = category_rows(pairs, scores, at95)
    for (group, n_same, n_diff, at_default), (_, _, _, at_p95) in zip(
        default_rows, p95_rows, strict=True
    ):
        cells = "".join(f"  {at_default[n]:7.3f} / {at_p95[n]:6.3f}" for n in names)
        print(f"  {group:<18} {n_same:6} {n_diff:6}{cells}")

    for attribute in ("source", "kind"):
        print(f"\n  by {attribute}: R@P.95 / R@P.99 / precision and recall at the default")
        for group, indices in groups(pairs, attribute).items():
            subset = [pairs[i] for i in indices]
            cells = []
            for name in names:
                scored = _scored(subset, [scores[name][i] for i in indices])
                precision, recall = precision_recall(scored, thresholds[name])
                cells.append(
                    f"{name} {recall_at_precision(scored, 0.95):.3f}"
                    f" {recall_at_precision(scored, 0.99):.3f} P {precision:.3f} R {recall:.3f}"
                )
            print(f"  {group:<13} n {len(subset):6}  " + "  |  ".join(cells))

    print("\n  calibration: score bin, pairs, mean score, observed share of the same party")
    tables = {name: calibration_table(_scored(pairs, scores[name])) for name in names}
    print("  " + "".join(f"  {name:^30}" for name in names))
    for position, (low, high, *_rest) in enumerate(tables[names[0]]):
        cells = []
        for name in names:
            _, _, count, mean, share = tables[name][position]
            cells.append(f"  [{low:.1f},{high:.1f}) {count:6} {mean:5.2f} {share:5.2f}")
        print("  " + "".join(f"{cell:<32}" for cell in cells))


def customers_report(
    split: str, count: int, pairs: Sequence[Pair], scores: list[float], threshold: float
) -> None:
    """The share of customer-like names alerting when screened against the whole lists, and
    the recall the threshold giving each share keeps (``customer_screening.py``)."""
    best = [max((c.score for c in false_alerts(s)), default=0.0) for s in screened(split, count)]
    print(
        f"\n  screening {len(best)} customer-like names of the {split} split against SDN + UN"
        " (watchlist only: logic-v2 would have to score every listed name)"
    )
    alerting = alerting_share(best, threshold)
    print(f"  alerting at the default threshold {threshold:.2f}: {alerting:.1%}")
    positives = sorted((score for score, pair in zip(scores, pairs, strict=True) if pair.same))
    for share in (0.02, 0.05, 0.10):
        cut = sorted(best, reverse=True)[max(0, int(share * len(best)) - 1)]
        kept = sum(score > cut for score in positives) / max(1, len(positives))
        print(f"  {share:4.0%} of customers alerting: threshold {cut:.3f}, recall {kept:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "dev", "test", "all"], default="test")
    parser.add_argument("--held-out-source", action="store_true", help="report OFAC and UN apart")
    parser.add_argument("--limit", type=int, default=0, help="sample this many pairs (0: all)")
    parser.add_argument("--no-logic-v2", action="store_true", help="watchlist only")
    parser.add_argument("--threshold", type=float, default=None, help="watchlist's threshold")
    parser.add_argument("--show-errors", type=int, default=0, help="print N worst errors (dev)")
    parser.add_argument(
        "--customers", type=int, default=800, help="customers to screen (0: none; dev and test)"
    )
    args = parser.parse_args()

    pairs = load_pairs(None if args.split == "all" else args.split)
    info = meta()
    print(
        f"corpus: seed {info['seed']}, code version {info['code_version']},"
        f" {info['pairs']} pairs in all; split {args.split}: {len(pairs)}"
    )
    if args.limit and len(pairs) > args.limit:
        pairs = random.Random(20261206).sample(pairs, args.limit)

    threshold = args.threshold or watchlist_threshold()
    thresholds = {WATCHLIST: threshold, COMPARE: threshold}
    scores: dict[str, list[float]] = {}
    screening = FeatureScorer().with_frequencies(list_frequencies())
    scores[WATCHLIST], speeds = score_watchlist(pairs, screening)
    scores[COMPARE], _ = score_watchlist(pairs, FeatureScorer())
    if not args.no_logic_v2:
        try:
            scores[LOGIC_V2] = logic_v2_scores(pairs)
            thresholds[LOGIC_V2] = LOGIC_V2_THRESHOLD
        except ImportError as error:
            print(f"logic-v2 left out: nomenklatura is not installed ({error})", file=sys.stderr)

    if args.held_out_source:
        for source in ("ofac", "un"):
            indices = [i for i, pair in enumerate(pairs) if pair.source == source]
            subset = [pairs[i] for i in indices]
            subscores = {name: [values[i] for i in indices] for name, values in scores.items()}
            report(f"{args.split}, source {source} only", subset, subscores, thresholds)
        linked = sum(pair.source == "ofac-un" for pair in pairs)
        print(f"\n({linked} ofac-un pairs, one name from each list, are in neither report)")
    else:
        report(f"split {args.split}", pairs, scores, thresholds)

    if args.customers and args.split in ("dev", "test"):
        customers_report(args.split, args.customers, pairs, scores[WATCHLIST], threshold)

    print("\nSpeed (one core, process time, the same pairs; Party and Entry built beforehand)")
    for label, rate in speeds.items():
        print(f"  watchlist {label:<11} {rate:10,.0f} pairs/s")
    if LOGIC_V2 in scores:
        reference = logic_v2_speed(pairs)
        print(
            f"  logic-v2 (1,000 pairs)  {reference:8,.0f} pairs/s;"
            f" watchlist prepared / logic-v2 = {speeds['prepared'] / reference:.0f}x"
        )

    if args.show_errors:
        if args.split != "dev":
            print("\n--show-errors prints errors on the dev split only", file=sys.stderr)
            return
        threshold = thresholds[WATCHLIST]
        errors = [
            (abs(score - threshold), score, pair)
            for score, pair in zip(scores[WATCHLIST], pairs, strict=True)
            if (score >= threshold) != pair.same
        ]
        errors.sort(key=lambda item: -item[0])
        print(f"\nworst {args.show_errors} watchlist errors on dev at {threshold:.2f}")
        for _, score, pair in errors[: args.show_errors]:
            label = "MISS " if pair.same else "FALSE"
            print(
                f"  {label} {score:.2f} {pair.query!r} ~ {pair.candidate!r}"
                f" [{pair.category}{', weak' if pair.weak else ''}; {pair.query_party}"
                f" / {pair.candidate_party}]"
            )


if __name__ == "__main__":
    main()
