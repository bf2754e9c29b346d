"""Fit the calibrated matcher's weights on the train split of the labelled pairs.

Run: ``.venv/bin/python benchmarks/fit_matcher.py [--write] [--only FEATURE ...]
[--held-out-source ofac|un]``.

Each pair of ``benchmarks/matching_corpus.py`` gives the name score and the name features of
``watchlist.matching.evidence`` (computed by the package's own code, with word frequencies
counted over every name of the lists the pairs come from, as a Screener loading those lists
would); a logistic regression with a small L2 penalty, the name weight kept positive and the
evidence against kept at or below 0 (see ``watchlist.matching.calibration``), is fitted on the
train split by Newton's method, together with negatives mined from screening: the best
candidates of ``--mine`` customer-like names of the train split among the train split's parties
(``customer_screening.py``; ``--mine 0`` leaves them out). The default threshold is then chosen
on the dev split: the lowest threshold with precision at least ``--precision`` (0.97). Printed:
the weights, and recall at precision 0.95 and 0.99 on train and dev. ``--write`` stores them,
with the corpus key, seed and figures, in ``src/watchlist/matching/calibration.json``; the
secondary evidence's weights (not in the pairs) are kept as they are there.
``--only FEATURE ...`` fits only those weights, holding the intercept and the others at the
shipped calibration's: how a new feature gets its weight without moving the rest.
``--keep-threshold`` keeps the shipped default threshold where its dev precision still reaches
``--precision``.
``--held-out-source`` fits without one source's pairs and reports, on that source's test
split, recall at precision 0.95 and 0.99 beside logic-v2 on the same pairs: how the matcher
does on names unlike its training data; it never writes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customer_screening import alerting_share, false_alerts, screened
from matching_corpus import Pair, corpus_key, load_pairs, meta
from matching_eval import list_frequencies, precision_recall, recall_at_precision

from watchlist.matching.calibration import Calibration
from watchlist.matching.evidence import AGAINST, FOR, NAME_FEATURES, name_feature_values
from watchlist.matching.features import name_pair, person_rules
from watchlist.matching.frequency import WordFrequencies
from watchlist.matching.names import prepare
from watchlist.model import EntityKind

CALIBRATION = Path(__file__).resolve().parent.parent / "src/watchlist/matching/calibration.json"
#: The L2 penalty on every weight but the intercept, as a share of the pairs.
PENALTY = 1e-4
COLUMNS = ("name", *NAME_FEATURES)
#: The least name score of the pairs fitted on.
MIN_NAME_SCORE = 0.5
#: Customers of the train split whose best candidates are mined as negatives, and how many
#: candidates each.
MINED_CUSTOMERS = 2000
MINED_PER_CUSTOMER = 3
#: Customers of the dev split screened to report the share alerting (as bench_matching does).
DEV_CUSTOMERS = 800


def feature_rows(pairs: Sequence[Pair], frequencies: WordFrequencies) -> npt.NDArray[np.float64]:
    """One row a pair: the name score, then the name features' values."""
    rows = []
    for pair in pairs:
        kind = EntityKind(pair.kind)
        query, listed = prepare(pair.query), prepare(pair.candidate)
        person = person_rules(kind, kind, query, listed)
        named = name_pair(query, listed, person=person, weak=pair.weak, frequencies=frequencies)
        rows.append((named.score, *name_feature_values(named)))
    return np.array(rows, dtype=np.float64)


def mined_negatives(split: str, count: int) -> list[Pair]:
    """The best candidates (up to ``MINED_PER_CUSTOMER``) of the split's customers among the
    split's own parties, but listed names a customer's name is: negatives as screening meets
    them (see ``customer_screening.py``)."""
    pairs = []
    for number, customer in enumerate(screened(split, count, progress=True)):
        own = [c for c in false_alerts(customer) if c.split == split]
        for candidate in own[:MINED_PER_CUSTOMER]:
            pairs.append(
                Pair(
                    query=customer.name,
                    candidate=candidate.name,
                    same=False,
                    kind=customer.kind,
                    category="mined",
                    source="",
                    split=split,
                    query_party=f"customer:{number}",
                    candidate_party="",
                    weak=candidate.weak,
                )
            )
    return pairs


def customers_alerting(
    split: str,
    count: int,
    intercept: float,
    weights: dict[str, float],
    frequencies: WordFrequencies,
    threshold: float,
) -> float:
    """The share of the split's customers alerting wrongly under the fitted weights (their
    candidates are those the shipped scorer kept: an estimate, exact when nothing changed)."""
    best = []
    for customer in screened(split, count, progress=True):
        candidates = false_alerts(customer)
        pairs = [
            Pair(customer.name, c.name, False, customer.kind, "", "", split, "", "", weak=c.weak)
            for c in candidates
        ]
        scores = (
            probabilities(feature_rows(pairs, frequencies), intercept, weights) if pairs else []
        )
        best.append(max(scores, default=0.0))
    return alerting_share(best, threshold)


def _sign(column: str) -> int:
    """+1 for a weight kept at or above 0, -1 at or below 0, 0 for either."""
    if column == "name" or column in FOR:
        return 1
    return -1 if column in AGAINST else 0


def fit(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    held: dict[str, float] | None = None,
) -> tuple[float, dict[str, float]]:
    """The intercept and weights of the logistic regression of ``y`` on ``x``, by Newton's
    method, with every weight whose sign is constrained and comes out wrong fixed at 0 and the
    rest refitted (an active-set method), until none is wrong. ``held`` (``"intercept"`` and
    column names) are kept at their values and not fitted."""
    held = held or {}
    n, width = x.shape
    design = np.hstack([np.ones((n, 1)), x])
    names = ("intercept", *COLUMNS)
    fixed = np.array([name in held for name in names])
    start = np.array([held.get(name, 0.0) for name in names])
    free = ~fixed
    signs = np.array([0, *(_sign(column) for column in COLUMNS)])
    penalty = np.full(width + 1, PENALTY * n)
    penalty[0] = 0.0
    while True:
        weights = np.where(fixed, start, 0.0)
        columns = design[:, free]
        offset = design[:, ~free] @ weights[~free]
        for _ in range(50):
            w = weights[free]
            p = 1.0 / (1.0 + np.exp(-(columns @ w + offset)))
            gradient = columns.T @ (p - y) + penalty[free] * w
            hessian = (columns * (p * (1 - p))[:, None]).T @ columns + np.diag(penalty[free])
            step = np.linalg.solve(hessian, gradient)
            weights[free] = w - step
            if np.abs(step).max() < 1e-9:
                break
        wrong = free & (signs * weights < 0)
        if not wrong.any():
            named = zip(COLUMNS, weights[1:], strict=True)
            return float(weights[0]), {c: float(v) for c, v in named}
        # Fix the most wrong first: fixing one may right the others.
        worst = int(np.argmax(np.where(wrong, -signs * weights, -np.inf)))
        free[worst] = False


def probabilities(
    x: npt.NDArray[np.float64], intercept: float, weights: dict[str, float]
) -> list[float]:
    vector = np.array([weights[c] for c in COLUMNS])
    return [round(1.0 / (1.0 + math.exp(-z)), 9) for z in (intercept + x @ vector)]


def lowest_threshold(scored: list[tuple[float, bool]], precision: float) -> float:
    """The lowest threshold (of the scores met) at which precision is at least
    ``precision``, and stays so at every higher one."""
    best = 1.0
    true_pos = false_pos = 0
    for score, same in sorted(scored, key=lambda item: -item[0]):
        true_pos += same
        false_pos += not same
        if true_pos / (true_pos + false_pos) >= precision:
            best = score
        else:
            break
    return best


def held_out_report(
    source: str, intercept: float, weights: dict[str, float], frequencies: WordFrequencies
) -> None:
    """Recall at precision 0.95 and 0.99 on the test split of the source left out of the fit,
    beside logic-v2 on the same pairs: how the matcher does on names unlike its training
    data. (The negatives mined from customers may still pair a customer with a name of that
    source: they are negatives only, and few.)"""
    from matching_eval import logic_v2_scores

    held = [p for p in load_pairs("test") if p.source == source]
    x_held = feature_rows(held, frequencies)
    labels = [p.same for p in held]
    ours = list(zip(probabilities(x_held, intercept, weights), labels, strict=True))
    theirs = list(zip(logic_v2_scores(held, progress=False), labels, strict=True))
    print(f"held-out source {source}, test split, {len(held)} pairs (fitted without it):")
    for label, scored in (("watchlist", ours), ("logic-v2", theirs)):
        r95, r99 = recall_at_precision(scored, 0.95), recall_at_precision(scored, 0.99)
        print(f"  {label:<10} recall at precision 0.95 {r95:.3f}, 0.99 {r99:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--held-out-source", choices=("ofac", "un"))
    parser.add_argument("--precision", type=float, default=0.97)
    parser.add_argument(
        "--mine", type=int, default=MINED_CUSTOMERS, help="customers to mine negatives from"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=COLUMNS,
        metavar="FEATURE",
        help="fit only these weights, holding the intercept and every other weight at the "
        "shipped calibration's (a new feature, without moving the rest)",
    )
    parser.add_argument(
        "--keep-threshold",
        action="store_true",
        help="keep the shipped default threshold (its dev precision must still reach "
        "--precision) rather than move it to the lowest that does: users' alert volumes "
        "stay where they were",
    )
    args = parser.parse_args()
    frequencies = list_frequencies()
    train, dev = load_pairs("train"), load_pairs("dev")
    if args.held_out_source:
        train = [p for p in train if args.held_out_source not in p.source]
        dev = [p for p in dev if args.held_out_source not in p.source]
    mined = mined_negatives("train", args.mine) if args.mine else []
    print(f"{len(mined)} negatives mined from {args.mine} train customers")
    x_train, x_dev = feature_rows(train, frequencies), feature_rows(dev, frequencies)
    y_train = np.array([p.same for p in train], dtype=np.float64)
    x_fit = np.vstack([x_train, feature_rows(mined, frequencies)]) if mined else x_train
    y_fit = np.concatenate([y_train, np.zeros(len(mined))])
    # Pairs whose names share almost nothing (most are aliases no name matcher could find,
    # and unrelated names) say nothing about where a threshold should fall, and would pull
    # the name weight towards 0: the model is fitted where decisions are made.
    fitted = x_fit[:, 0] >= MIN_NAME_SCORE
    shipped = Calibration.from_json(json.loads(CALIBRATION.read_text(encoding="utf-8")))
    held: dict[str, float] = {}
    if args.only:
        held = {"intercept": shipped.intercept, "name": shipped.name_weight, **shipped.weights}
        held = {name: weight for name, weight in held.items() if name not in args.only}
    intercept, weights = fit(x_fit[fitted], y_fit[fitted], held)
    print(f"intercept {intercept:+.3f}")
    for column, weight in weights.items():
        print(f"  {column:<24} {weight:+.3f}")
    figures: dict[str, object] = {}
    for split, pairs, x in (("train", train, x_train), ("dev", dev, x_dev)):
        scored = list(
            zip(probabilities(x, intercept, weights), (p.same for p in pairs), strict=True)
        )
        r95, r99 = recall_at_precision(scored, 0.95), recall_at_precision(scored, 0.99)
        figures[split] = {"pairs": len(pairs), "R@P.95": round(r95, 3), "R@P.99": round(r99, 3)}
        print(f"{split}: {len(pairs)} pairs, recall at precision 0.95 {r95:.3f}, 0.99 {r99:.3f}")
    dev_scored = list(
        zip(probabilities(x_dev, intercept, weights), (p.same for p in dev), strict=True)
    )
    lowest = round(lowest_threshold(dev_scored, args.precision), 2)
    # Rounded to two digits: the threshold must keep dev precision after rounding too.
    while precision_recall(dev_scored, lowest)[0] < args.precision and lowest < 1:
        lowest = round(lowest + 0.01, 2)
    threshold = lowest
    if args.keep_threshold:
        threshold = shipped.threshold
        print(f"lowest threshold with dev precision {args.precision}: {lowest}; kept {threshold}")
        if threshold < lowest:
            sys.exit(f"the shipped threshold {threshold} no longer reaches that precision")
    precision, recall = precision_recall(dev_scored, threshold)
    print(f"dev at threshold {threshold}: precision {precision:.3f}, recall {recall:.3f}")
    figures["dev_at_threshold"] = {"precision": round(precision, 3), "recall": round(recall, 3)}
    if args.mine:
        alerting = customers_alerting(
            "dev", DEV_CUSTOMERS, intercept, weights, frequencies, threshold
        )
        print(f"dev customers alerting at threshold {threshold}: {alerting:.1%}")
        figures["dev_at_threshold"]["customers_alerting"] = round(alerting, 3)  # type: ignore[index]
    if args.held_out_source:
        held_out_report(args.held_out_source, intercept, weights, frequencies)
    commonness = COLUMNS.index("common_words")
    if args.write and not args.held_out_source:
        current = json.loads(CALIBRATION.read_text(encoding="utf-8"))
        calibration = Calibration(
            intercept=round(intercept, 4),
            name_weight=round(weights["name"], 4),
            weights={c: round(weights[c], 4) for c in NAME_FEATURES},
            secondary=current["secondary"],
            threshold=threshold,
            unknown_commonness=round(float(x_fit[fitted][:, commonness].mean()), 4),
            provenance={
                "fitted_by": "benchmarks/fit_matcher.py",
                "corpus_key": corpus_key(),
                "corpus_seed": meta()["seed"],
                "fitted_on": "train split",
                "threshold_chosen_on": (
                    f"kept; dev split precision at least {args.precision} from {lowest}"
                    if args.keep_threshold
                    else f"dev split, precision at least {args.precision}"
                ),
                "l2_penalty": PENALTY,
                "min_name_score": MIN_NAME_SCORE,
                "mined_customers": args.mine,
                "mined_with": "the calibration in place before this one",
                **({"refitted_only": sorted(args.only)} if args.only else {}),
                "figures": figures,
                "secondary": current["provenance"].get("secondary", ""),
            },
        )
        CALIBRATION.write_text(json.dumps(calibration.to_json(), indent=2) + "\n", "utf-8")
        print(f"written to {CALIBRATION}")


if __name__ == "__main__":
    sys.exit(main())
