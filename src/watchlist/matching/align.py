"""Pairing the words of two names: the best one-to-one pairing, and the score it gives.

Word similarity (:func:`token_similarity`), in this order:

1. the same word, or two spellings of one variant group (``mohammed``/``muhammad``): 1.0;
2. an initial against a word starting with it: 0.9; against any other word: 0;
3. otherwise the Levenshtein similarity ``1 - distance / longer length``, raised where the two
   words share a consonant skeleton (:func:`~watchlist.matching.phonetic.phonetic_key`): to 0.9
   if either word comes from a script written without short vowels (the Arabic ``hqna`` has
   nothing else to agree on), and half-way to 1 otherwise (``haqqani``/``hakkani`` 0.71 to
   0.86);
4. a similarity under 0.65 counts as 0: different words, not a misspelling.

Each pair ``(i, j)`` is worth ``(w_i + w_j) * sim(i, j)``, where ``w`` is each word's weight;
:func:`best_pairing` finds the one-to-one pairing of largest total worth, whatever the word
order. The name score is then

    score = sum over pairs of (w_i + w_j) * sim(i, j)
            / (sum over pairs of (w_i + w_j) + f * sum of unpaired weights on both sides)

with ``f = 0.5`` for persons once two name words pair (lists carry middle names and
patronymics that customer records leave out, and the other way round) and ``f = 1``
otherwise: for organisations every word counts, since "Pakistani" is what tells "Pakistani
Taliban" from "Taliban". The score is symmetric: swapping the two names does not change it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from watchlist.matching.names import Role, Token

#: Word similarity below this counts as no similarity at all.
SIMILARITY_FLOOR = 0.65
#: An initial against a word it could stand for.
INITIAL_SIMILARITY = 0.9
#: Shared consonant skeleton, where a side was written without short vowels.
ABJAD_KEY_SIMILARITY = 0.9
#: How much an unpaired word of a person's name counts, once two name words pair.
PERSON_UNPAIRED_FACTOR = 0.5
#: Past this many words a side, the pairing is greedy (best pair first) rather than exact.
EXACT_PAIRING_LIMIT = 12

_similarity_cache: dict[tuple[str, str, bool], float] = {}
_CACHE_LIMIT = 1 << 18


def token_similarity(a: Token, b: Token) -> float:
    """The similarity of two words in [0, 1], as the module documentation describes."""
    abjad = a.abjad or b.abjad
    cache_key = (a.text, b.text, abjad)
    cached = _similarity_cache.get(cache_key)
    if cached is not None:
        return cached
    similarity = _similarity(a, b, abjad)
    if len(_similarity_cache) >= _CACHE_LIMIT:
        _similarity_cache.clear()
    _similarity_cache[cache_key] = similarity
    _similarity_cache[(b.text, a.text, abjad)] = similarity
    return similarity


def _similarity(a: Token, b: Token, abjad: bool) -> float:
    if a.text == b.text or a.canonical == b.canonical:
        return 1.0
    if a.role is Role.INITIAL or b.role is Role.INITIAL:
        return INITIAL_SIMILARITY if a.text[0] == b.text[0] else 0.0
    similarity = Levenshtein.normalized_similarity(a.text, b.text)
    if a.key == b.key and len(a.key) >= 2:
        similarity = max(similarity, ABJAD_KEY_SIMILARITY) if abjad else (1.0 + similarity) / 2
    return similarity if similarity >= SIMILARITY_FLOOR else 0.0


Pair = tuple[int, int, float]


def best_pairing(
    worth: Sequence[Sequence[float]],
) -> tuple[float, tuple[Pair, ...]]:
    """The one-to-one pairing of rows with columns of largest total worth.

    ``worth[i][j]`` is what pairing row ``i`` with column ``j`` is worth (0 for a pair not
    worth making). Returns the total and the pairs ``(i, j, worth)``. Exact (dynamic
    programming over the columns used) up to :data:`EXACT_PAIRING_LIMIT` columns; beyond it,
    greedy.
    """
    rows = len(worth)
    columns = len(worth[0]) if rows else 0
    if columns > EXACT_PAIRING_LIMIT or rows > EXACT_PAIRING_LIMIT:
        return _greedy_pairing(worth)
    # states: columns used (bit mask) -> (total worth, pairs so far)
    states: dict[int, tuple[float, tuple[Pair, ...]]] = {0: (0.0, ())}
    for i, row in enumerate(worth):
        options = [(j, value) for j, value in enumerate(row) if value > 0.0]
        if not options:
            continue
        next_states = dict(states)
        for used, (total, pairs) in states.items():
            for j, value in options:
                bit = 1 << j
                if used & bit:
                    continue
                candidate = total + value
                key = used | bit
                best = next_states.get(key)
                if best is None or candidate > best[0]:
                    next_states[key] = (candidate, (*pairs, (i, j, value)))
        states = next_states
    total, pairs = max(states.values(), key=lambda state: state[0])
    return total, pairs


def _greedy_pairing(worth: Sequence[Sequence[float]]) -> tuple[float, tuple[Pair, ...]]:
    candidates = sorted(
        ((value, i, j) for i, row in enumerate(worth) for j, value in enumerate(row) if value > 0),
        reverse=True,
    )
    used_rows: set[int] = set()
    used_columns: set[int] = set()
    pairs: list[Pair] = []
    for value, i, j in candidates:
        if i not in used_rows and j not in used_columns:
            used_rows.add(i)
            used_columns.add(j)
            pairs.append((i, j, value))
    return sum(value for _, _, value in pairs), tuple(pairs)


def align(
    query: tuple[Token, ...], listed: tuple[Token, ...], *, person: bool
) -> tuple[float, tuple[Pair, ...]]:
    """The name score of two word sequences and the pairs ``(query i, listed j, similarity)``."""
    if not query or not listed:
        return 0.0, ()
    similarities = [[token_similarity(q, w) for w in listed] for q in query]
    worth = [
        [(q.weight + w.weight) * similarity for w, similarity in zip(listed, row, strict=True)]
        for q, row in zip(query, similarities, strict=True)
    ]
    total, pairs = best_pairing(worth)
    if not pairs:
        return 0.0, ()
    paired_weight = 0.0
    paired_names = 0
    for i, j, _ in pairs:
        paired_weight += query[i].weight + listed[j].weight
        if query[i].role is Role.NAME and listed[j].role is Role.NAME:
            paired_names += 1
    unpaired = (
        sum(token.weight for token in query) + sum(token.weight for token in listed) - paired_weight
    )
    factor = PERSON_UNPAIRED_FACTOR if person and paired_names >= 2 else 1.0
    score = total / (paired_weight + factor * unpaired)
    return min(1.0, score), tuple((i, j, similarities[i][j]) for i, j, _ in pairs)
