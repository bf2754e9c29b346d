"""Evaluation helpers for the matching corpus: pure metric functions and cached logic-v2 scores.

``scored`` is a sequence of ``(score, same)`` pairs. A threshold ``t`` accepts every pair with a
score ``>= t``. Ties are always on the same side of a threshold.

``logic_v2_scores(pairs)`` scores pairs with nomenklatura's logic-v2 (the ``bench`` extra), one
FtM entity of the pair's kind a side, each with a fresh id (nomenklatura caches by id). That is
slow (about 7 ms a pair), so scores are cached in ``benchmarks/.cache/logic-v2-<corpus key>.json``,
and a new corpus reuses the scores of any earlier cache for the same (kind, query, candidate).
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matching_corpus import CACHE, Pair, corpus_key, read_parties

if TYPE_CHECKING:
    from watchlist.matching.frequency import WordFrequencies

Scored = Sequence[tuple[float, bool]]


def _steps(scored: Scored) -> list[tuple[float, int, int]]:
    """(threshold, true positives, false positives) at each distinct score, highest first."""
    ordered = sorted(scored, key=lambda item: -item[0])
    steps: list[tuple[float, int, int]] = []
    true_pos = false_pos = 0
    index = 0
    while index < len(ordered):
        score = ordered[index][0]
        while index < len(ordered) and ordered[index][0] == score:
            if ordered[index][1]:
                true_pos += 1
            else:
                false_pos += 1
            index += 1
        steps.append((score, true_pos, false_pos))
    return steps


def threshold_for_precision(scored: Scored, precision: float) -> float | None:
    """The threshold giving the best recall with precision at least ``precision`` (the highest
    such threshold among equals), or None when no threshold reaches it."""
    best: tuple[int, float] | None = None
    for threshold, true_pos, false_pos in _steps(scored):
        reached = true_pos and true_pos / (true_pos + false_pos) >= precision
        if reached and (best is None or true_pos > best[0]):
            best = (true_pos, threshold)
    return None if best is None else best[1]


def recall_at_precision(scored: Scored, precision: float) -> float:
    """The best recall any threshold gives with precision at least ``precision`` (0 if none)."""
    positives = sum(1 for _, same in scored if same)
    if not positives:
        return 0.0
    best = 0
    for _threshold, true_pos, false_pos in _steps(scored):
        if true_pos and true_pos / (true_pos + false_pos) >= precision:
            best = max(best, true_pos)
    return best / positives


def precision_recall(scored: Scored, threshold: float) -> tuple[float, float]:
    """Precision (1.0 when nothing is accepted) and recall at ``threshold``."""
    true_pos = sum(1 for score, same in scored if same and score >= threshold)
    false_pos = sum(1 for score, same in scored if not same and score >= threshold)
    positives = sum(1 for _, same in scored if same)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    return precision, (true_pos / positives if positives else 0.0)


def hard_negatives_over(pairs: Sequence[Pair], scores: Sequence[float], threshold: float) -> float:
    """The share of HARD negatives (different parties, a hard category) scoring >= threshold."""
    hard = [score for pair, score in zip(pairs, scores, strict=True) if not pair.same and pair.hard]
    return sum(score >= threshold for score in hard) / len(hard) if hard else 0.0


def share_over(scores: Sequence[float], threshold: float) -> float:
    return sum(score >= threshold for score in scores) / len(scores) if scores else 0.0


def groups(pairs: Sequence[Pair], attribute: str) -> dict[str, list[int]]:
    """Pair indices by the value of one attribute (category, source, kind, split...)."""
    found: dict[str, list[int]] = defaultdict(list)
    for index, pair in enumerate(pairs):
        found[str(getattr(pair, attribute))].append(index)
    return dict(sorted(found.items()))


def category_rows(
    pairs: Sequence[Pair],
    scores: dict[str, Sequence[float]],
    thresholds: dict[str, float],
    attribute: str = "category",
) -> list[tuple[str, int, int, dict[str, float]]]:
    """Per group: (group, same, different, {algorithm: value}). For a group of positives only
    the value is the recall at the algorithm's threshold; for negatives only, the share accepted
    (lower is better); for a mixed group, the recall at precision 0.95 within the group."""
    rows = []
    for group, indices in groups(pairs, attribute).items():
        same = sum(pairs[i].same for i in indices)
        different = len(indices) - same
        values: dict[str, float] = {}
        for name, algorithm_scores in scores.items():
            threshold = thresholds[name]
            if different == 0 or same == 0:
                values[name] = share_over([algorithm_scores[i] for i in indices], threshold)
            else:
                scored = [(algorithm_scores[i], pairs[i].same) for i in indices]
                values[name] = recall_at_precision(scored, 0.95)
        rows.append((group, same, different, values))
    return rows


def calibration_table(
    scored: Scored, edges: Sequence[float] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
) -> list[tuple[float, float, int, float, float]]:
    """Per score bin [lo, hi) (the last bin closed): (lo, hi, pairs, mean score, share same)."""
    rows = []
    for position, (low, high) in enumerate(itertools.pairwise(edges)):
        last = position == len(edges) - 2
        inside = [(s, same) for s, same in scored if low <= s < high or (last and s == high)]
        if not inside:
            rows.append((low, high, 0, 0.0, 0.0))
            continue
        mean = sum(s for s, _ in inside) / len(inside)
        rows.append((low, high, len(inside), mean, sum(same for _, same in inside) / len(inside)))
    return rows


# ---------------------------------------------------------------- logic-v2


def list_frequencies() -> WordFrequencies:
    """Word frequencies over every name of the lists the pairs come from (the OFAC SDN and
    consolidated lists and the UN list, every version read), as a Screener loading those lists
    counts them (``watchlist.matching.frequency``)."""
    from watchlist.matching.frequency import WordFrequencies

    return WordFrequencies.from_names(name.text for party in read_parties() for name in party.names)


def logic_v2_scorer() -> Callable[[Pair, int], float]:
    """A function scoring one pair with nomenklatura logic-v2 (fresh entity ids per call)."""
    from followthemoney import model
    from nomenklatura.matching import LogicV2
    from nomenklatura.matching.types import ScoringConfig

    config = ScoringConfig.defaults()
    schemata = {"person": "Person", "organization": "Organization"}

    def entity(name: str, kind: str, entity_id: str) -> Any:
        made = model.make_entity(schemata[kind])
        made.id = entity_id
        made.add("name", name)
        return made

    def score(pair: Pair, number: int) -> float:
        query = entity(pair.query, pair.kind, f"q{number}")
        candidate = entity(pair.candidate, pair.kind, f"c{number}")
        return float(LogicV2.compare(query, candidate, config).score)

    return score


def _key(pair: Pair) -> str:
    return f"{pair.kind}\t{pair.query}\t{pair.candidate}"


def _cache_file() -> Path:
    return CACHE / f"logic-v2-{corpus_key()}.json"


def _known_scores() -> dict[str, float]:
    known: dict[str, float] = {}
    for path in sorted(CACHE.glob("logic-v2-*.json"), key=lambda p: p.stat().st_mtime):
        try:
            known.update(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return known


def logic_v2_scores(pairs: Sequence[Pair], *, progress: bool = True) -> list[float]:
    """logic-v2's score for each pair, from the cache where known; new scores are saved."""
    path = _cache_file()
    known = _known_scores()
    missing = [pair for pair in dict.fromkeys(pairs) if _key(pair) not in known]
    if missing:
        score = logic_v2_scorer()
        started = time.perf_counter()
        for number, pair in enumerate(missing):
            known[_key(pair)] = score(pair, number)
            if progress and number and number % 5000 == 0:
                rate = number / (time.perf_counter() - started)
                print(
                    f"  logic-v2: {number}/{len(missing)} pairs, {rate:.0f}/s",
                    file=sys.stderr,
                    flush=True,
                )
            if number and number % 20000 == 0:
                _save(path, known, pairs)
    _save(path, known, pairs)
    return [known[_key(pair)] for pair in pairs]


def _save(path: Path, known: dict[str, float], pairs: Sequence[Pair]) -> None:
    wanted = {_key(pair) for pair in pairs}
    previous: dict[str, float] = {}
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8"))
    merged = {**previous, **{key: value for key, value in known.items() if key in wanted}}
    if merged == previous:
        return
    CACHE.mkdir(exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(merged, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)


def main() -> None:
    """Score the whole corpus with logic-v2 (fills the cache) and print its figures per split."""
    from matching_corpus import SPLITS, load_pairs

    pairs = load_pairs()
    scores = logic_v2_scores(pairs)
    by_pair = dict(zip(map(_key, pairs), scores, strict=True))
    for split in SPLITS:
        scored = [(by_pair[_key(p)], p.same) for p in pairs if p.split == split]
        print(
            f"logic-v2 {split}: R@P.95 {recall_at_precision(scored, 0.95):.3f}"
            f"  R@P.99 {recall_at_precision(scored, 0.99):.3f}  ({len(scored)} pairs)"
        )


if __name__ == "__main__":
    main()
