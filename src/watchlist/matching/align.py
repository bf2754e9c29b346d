"""Pairing the words of two names: the best one-to-one pairing, and the score it gives.

Word similarity (:func:`token_similarity`), in this order:

1. the same word: 1.0; two spellings of one variant group (``mohammed``/``muhammad``, from
   ``variants.toml``): 0.97, so that the same spelling still ranks first;
2. two different members of a closed set of contrasting words (two countries, Iran and Iraq;
   two points of the compass, Northern and Southern): 0; a particle (al, bin ...) against a
   word that is not one: 0; an initial against a word
   starting with it: 0.9, against any other word: 0;
3. otherwise the edit similarity ``1 - distance / longer length`` (optimal string alignment:
   Levenshtein with swapped neighbours as one edit, Akram/Arkam), raised where the two
   words share a consonant skeleton (:func:`~watchlist.matching.phonetic.phonetic_keys`): to 0.9
   if either word comes from a script written without short vowels (the Arabic ``hqna`` has
   nothing else to agree on), and half-way to 1 otherwise (``haqqani``/``hakkani`` 0.71 to
   0.86); where a side is from such a script, its ``y`` and ``w`` may also be read as the
   long vowels ``i`` and ``u`` they write (ضیا, ``zya``, is Zia); two words equal once the
   choices of Cyrillic transliteration schemes are written one way
   (:func:`~watchlist.matching.phonetic.transliteration_fold`: Pyotr, Pjotr and Petr, Yuri
   and Iurii, Solovyov and Solowjow) are two spellings of one word, however far apart
   their letters: 0.95;
4. a similarity under 0.65 counts as 0: different words, not a misspelling; except that two
   different legal forms (Ltd, LLC) count 0.5.

Each pair ``(i, j)`` is worth ``(w_i + w_j) * sim(i, j)``, where ``w`` is each word's weight;
:func:`best_pairing` finds the one-to-one pairing of largest total worth, whatever the word
order. The name score is then

    score = sum over pairs of (w_i + w_j) * sim(i, j)
            / (sum over pairs of (w_i + w_j) + f * sum of unpaired weights on both sides)

with ``f = 0.5`` for persons once two name words pair and only one side has name words left
over (lists carry middle names and patronymics that customer records leave out, and the other
way round; but a different given name on each side is a different person), and ``f = 1``
otherwise: for organisations every word counts, since "Pakistani" is what tells "Pakistani
Taliban" from "Taliban". A person's names that agree on fewer than two name words score 0.9
times that, unless they agree entirely. A word may also pair with two words of the other name
run together ("Abbasali" and "Abbas Ali"; "Mozaffarinia" and "Mozafari Niya", equal once
transliteration-folded), whether or not the names have as many words. The score is symmetric:
swapping the two names does not change it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import OSA, Levenshtein

from watchlist.matching.names import Role, Token
from watchlist.matching.phonetic import phonetic_keys

#: Word similarity below this counts as no similarity at all.
SIMILARITY_FLOOR = 0.65
#: Two spellings of one variant group: as good as the same word, but not quite, so that the
#: same spelling ranks first.
VARIANT_SIMILARITY = 0.97
#: Two different legal forms (Ltd against LLC).
LEGAL_FORMS_SIMILARITY = 0.5
#: An initial against a word it could stand for.
INITIAL_SIMILARITY = 0.9
#: Shared consonant skeleton, where a side was written without short vowels.
ABJAD_KEY_SIMILARITY = 0.95
#: Two spellings of one word under different Cyrillic transliteration schemes (Pyotr, Petr).
TRANSLITERATION_SIMILARITY = 0.95
#: How much an unpaired word of a person's name counts, once two name words pair.
PERSON_UNPAIRED_FACTOR = 0.5
#: A person's names that agree on one name word only ("Abu Ali" and "Abou Ali", "Talha" and
#: "Ustad Talha") are weak evidence, unless they are the same.
SINGLE_NAME_FACTOR = 0.9
#: Past this many words a side, the pairing is greedy (best pair first) rather than exact.
EXACT_PAIRING_LIMIT = 12

# Word similarities computed so far, by the two words; one cache for pairs where a side is from
# a script without short vowels, one for the rest (the similarity differs, the words may not).
# Keyed by the first word, then the second: no tuple to build on the hot path. Shared by all
# threads (each dict operation is atomic); a race costs at most a recomputation.
_caches: tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]] = ({}, {})
#: How many word similarities the caches keep (about 100 bytes each) before starting again.
CACHE_LIMIT = 1 << 18
_cached = [0]


def clear_caches() -> None:
    """Forget every word similarity computed so far (they are kept to be reused)."""
    for cache in _caches:
        cache.clear()
    _cached[0] = 0


def token_similarity(a: Token, b: Token) -> float:
    """The similarity of two words in [0, 1], as the module documentation describes."""
    row = _cache_row(_caches[a.abjad or b.abjad], a.text)
    cached = row.get(b.text)
    if cached is not None:
        return cached
    return _remember(row, a, b, a.abjad or b.abjad)


def _remember(row: dict[str, float], a: Token, b: Token, abjad: bool) -> float:
    """The similarity of ``a`` and ``b``, stored in ``row`` (``a``'s row of its cache)."""
    similarity = _similarity(a, b, abjad)
    _cached[0] += 1
    if _cached[0] > CACHE_LIMIT:
        clear_caches()
        row = _cache_row(_caches[abjad], a.text)
    row[b.text] = similarity
    return similarity


def _cache_row(cache: dict[str, dict[str, float]], text: str) -> dict[str, float]:
    row = cache.get(text)
    if row is None:
        row = cache[text] = {}
    return row


_NAME = Role.NAME
_PARTICLE = Role.PARTICLE
_INITIAL = Role.INITIAL
_LEGAL_FORM = Role.LEGAL_FORM
_osa_similarity = OSA.normalized_similarity
_levenshtein_similarity = Levenshtein.normalized_similarity
# An edit similarity under 2 * floor - 1 stays under the floor even raised half-way to 1 by a
# shared consonant skeleton; from a script without short vowels, one under the floor is 0.9
# with a shared skeleton and 0 without. Told so, rapidfuzz stops early and gives 0 for them;
# the margin keeps its rounding at the cutoff away from the similarities that count.
_OSA_CUTOFF = 2 * SIMILARITY_FLOOR - 1 - 0.05
_LONG_VOWELS = str.maketrans("yw", "iu")
_OSA_CUTOFF_ABJAD = SIMILARITY_FLOOR - 0.05


def long_vowel_reading(text: str) -> str:
    """``text`` with ``y`` and ``w`` read as the long vowels ``i`` and ``u``: Arabic script
    writes its long vowels with the letters romanised y and w (ضیا is zya and Zia)."""
    return text.translate(_LONG_VOWELS)


def _similarity(a: Token, b: Token, abjad: bool) -> float:
    a_text, b_text = a.text, b.text
    if a_text == b_text:
        return 1.0
    if a.canonical == b.canonical:
        return VARIANT_SIMILARITY
    if a.contrast and b.contrast and a.contrast != b.contrast:
        # Two countries, or two points of the compass: different words (Iran and Iraq).
        return 0.0
    a_role, b_role = a.role, b.role
    if (a_role is _PARTICLE) != (b_role is _PARTICLE):
        # A particle is not a misspelt name ("al" against "ali").
        return 0.0
    if a_role is _INITIAL or b_role is _INITIAL:
        return INITIAL_SIMILARITY if a_text[0] == b_text[0] else 0.0
    similarity = _osa_similarity(
        a_text, b_text, score_cutoff=_OSA_CUTOFF_ABJAD if abjad else _OSA_CUTOFF
    )
    if abjad:
        a_read, b_read = long_vowel_reading(a_text), long_vowel_reading(b_text)
        if (a_read, b_read) != (a_text, b_text):
            similarity = max(
                similarity, _osa_similarity(a_read, b_read, score_cutoff=_OSA_CUTOFF_ABJAD)
            )
    b_keys = b.keys
    for key in a.keys:
        if len(key) >= 2 and key in b_keys:
            similarity = max(similarity, ABJAD_KEY_SIMILARITY) if abjad else (1.0 + similarity) / 2
            break
    if not abjad and a.fold == b.fold:
        # Two transliterations of one Cyrillic spelling, however far apart their letters
        # (Pjotr and Petr, Aleksandr and Alexandr).
        return max(similarity, TRANSLITERATION_SIMILARITY)
    if similarity >= SIMILARITY_FLOOR:
        return similarity
    # Two different legal forms still say the same thing: this is a company.
    return LEGAL_FORMS_SIMILARITY if a_role is b_role is _LEGAL_FORM else 0.0


Pair = tuple[int, int, float]
#: A pair worth making: (row, column, worth, similarity).
Edge = tuple[int, int, float, float]


def best_pairing(worth: Sequence[Sequence[float]]) -> tuple[float, tuple[Pair, ...]]:
    """The one-to-one pairing of rows with columns of largest total worth.

    ``worth[i][j]`` is what pairing row ``i`` with column ``j`` is worth (0 for a pair not
    worth making). Returns the total and the pairs ``(i, j, worth)``. Exact (dynamic
    programming over the columns used) up to :data:`EXACT_PAIRING_LIMIT` pairs worth making
    in one row or column's reach; beyond it, greedy (best pair first).
    """
    edges = [
        (i, j, value, value)
        for i, row in enumerate(worth)
        for j, value in enumerate(row)
        if value > 0
    ]
    total, chosen = _best_edges(edges, forced=False)
    return total, tuple((i, j, value) for i, j, value, _ in chosen)


def _best_edges(edges: list[Edge], *, forced: bool) -> tuple[float, tuple[Edge, ...]]:
    """The best pairing of ``edges``; ``forced`` when no row or column has two of them."""
    if forced:
        return sum(edge[2] for edge in edges), tuple(edges)
    row_count: dict[int, int] = {}
    column_count: dict[int, int] = {}
    for edge in edges:
        row_count[edge[0]] = row_count.get(edge[0], 0) + 1
        column_count[edge[1]] = column_count.get(edge[1], 0) + 1
    # An edge alone in its row and its column is in every best pairing; search the rest.
    alone = [e for e in edges if row_count[e[0]] == 1 and column_count[e[1]] == 1]
    if alone:
        rest = [e for e in edges if row_count[e[0]] > 1 or column_count[e[1]] > 1]
        total, chosen = _best_edges(rest, forced=False) if rest else (0.0, ())
        return total + sum(edge[2] for edge in alone), (*alone, *chosen)
    columns = set(column_count)
    if len(columns) > EXACT_PAIRING_LIMIT:
        return _greedy_edges(edges)
    bits = {column: 1 << position for position, column in enumerate(sorted(columns))}
    by_row: dict[int, list[Edge]] = {}
    for edge in edges:
        by_row.setdefault(edge[0], []).append(edge)
    # states: columns used (bit mask) -> (total worth, edges so far)
    states: dict[int, tuple[float, tuple[Edge, ...]]] = {0: (0.0, ())}
    for row_edges in by_row.values():
        next_states = dict(states)
        for used, (total, chosen) in states.items():
            for edge in row_edges:
                bit = bits[edge[1]]
                if used & bit:
                    continue
                candidate = total + edge[2]
                key = used | bit
                best = next_states.get(key)
                if best is None or candidate > best[0]:
                    next_states[key] = (candidate, (*chosen, edge))
        states = next_states
    best_total, best_chosen = 0.0, ()  # type: tuple[float, tuple[Edge, ...]]
    for total, chosen in states.values():
        if total > best_total:
            best_total, best_chosen = total, chosen
    return best_total, best_chosen


def _greedy_edges(edges: list[Edge]) -> tuple[float, tuple[Edge, ...]]:
    used_rows: set[int] = set()
    used_columns: set[int] = set()
    chosen: list[Edge] = []
    for edge in sorted(edges, key=lambda edge: -edge[2]):
        if edge[0] not in used_rows and edge[1] not in used_columns:
            used_rows.add(edge[0])
            used_columns.add(edge[1])
            chosen.append(edge)
    return sum(edge[2] for edge in chosen), tuple(chosen)


#: A word against two words of the other name run together ("Abbasali" and "Abbas Ali").
MERGE_FLOOR = 0.85
#: A pair of words this similar is not undone for a merge; a weaker one is, where the merge
#: scores better: "Keqiang" pairs with "qiang" at 0.86, and with 李克强's "ke qiang" at 1.
STRONG_PAIR = 0.95
_MERGE_LIMIT = 6


def may_merge(longest: tuple[int, int], other: tuple[int, int]) -> bool:
    """Whether, by the ``(longest word, two shortest words)`` lengths of two spellings, a word
    of one could be two words of the other run together."""
    return longest[0] >= MERGE_FLOOR * other[1] or other[0] >= MERGE_FLOOR * longest[1]


def _with_merges(
    query: tuple[Token, ...], listed: tuple[Token, ...], edges: list[Edge]
) -> tuple[list[Edge], float, float] | None:
    """``edges`` with words run together where that pairs them better, and the new total
    worth and paired weight; ``None`` if no words run together pair better.

    A word left unpaired, or paired with a similarity under :data:`STRONG_PAIR`, is tried
    against every two such words of the other name run together, in either order (so word
    order does not matter), by Levenshtein similarity, or as a transliteration (the word's
    fold equal to the two folds run together); best merges first. A merged word pairs with
    each of the two, sharing its weight between them. A word paired at :data:`MERGE_FLOOR`
    or more is not merged with a particle: the spellings with particles joined meet it
    ("Alnaser" and "Al Naser").
    """
    # Bit masks of the words already paired well enough that no merge can do better, and of
    # those paired well enough to keep unless a merge without a particle does better.
    strong_query = strong_listed = settled_query = settled_listed = 0
    for e in edges:
        if e[3] >= MERGE_FLOOR:
            settled_query |= 1 << e[0]
            settled_listed |= 1 << e[1]
            if e[3] >= STRONG_PAIR:
                strong_query |= 1 << e[0]
                strong_listed |= 1 << e[1]
    open_query = [(i, t.text) for i, t in enumerate(query) if not strong_query >> i & 1]
    open_listed = [(j, t.text) for j, t in enumerate(listed) if not strong_listed >> j & 1]
    # A word from a script without short vowels is shorter than its romanisation, and meets
    # it by consonant skeleton rather than spelling.
    abjad = query[0].abjad or listed[0].abjad
    floor = MERGE_FLOOR * MERGE_FLOOR if abjad else MERGE_FLOOR
    candidates: list[tuple[float, bool, int, int, int]] = []
    for flipped, singles, doubles in (
        (False, open_query, open_listed),
        (True, open_listed, open_query),
    ):
        if not singles or len(doubles) < 2 or len(doubles) > _MERGE_LIMIT:
            continue
        lengths = sorted([len(text) for _, text in doubles])
        shortest_join = lengths[0] + lengths[1]
        settled = settled_listed if flipped else settled_query
        single_tokens, double_tokens = (listed, query) if flipped else (query, listed)
        for u, text in singles:
            particle_free = bool(settled >> u & 1)
            # The similarity floor bounds the lengths of the joined words.
            size = len(text)
            high = size / floor
            if shortest_join > high:
                continue
            low = floor * size
            start, end = text[0], text[-1]
            keys = frozenset(phonetic_keys(text)) if abjad else frozenset()
            fold = single_tokens[u].fold
            # The joined words must start or end as the word does.
            ending: list[tuple[int, str]] | None = None
            for x, first in doubles:
                if first[0] == start:
                    seconds = doubles
                else:
                    if ending is None:
                        ending = [double for double in doubles if double[1][-1] == end]
                    seconds = ending
                first_size = len(first)
                for y, second in seconds:
                    if x == y or not low <= first_size + len(second) <= high:
                        continue
                    if particle_free and (double_tokens[x].joins or double_tokens[y].joins):
                        continue
                    similarity = _levenshtein_similarity(text, first + second)
                    if abjad and not keys.isdisjoint(phonetic_keys(first + second)):
                        similarity = max(similarity, ABJAD_KEY_SIMILARITY)
                    elif not abjad and fold == double_tokens[x].fold + double_tokens[y].fold:
                        similarity = max(similarity, TRANSLITERATION_SIMILARITY)
                    if similarity >= MERGE_FLOOR:
                        candidates.append((similarity, flipped, u, x, y))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (-c[0], c[1], c[2], min(c[3], c[4]), max(c[3], c[4])))
    used: set[tuple[bool, int]] = set()
    merged: list[Edge] = []
    merged_weight = 0.0
    for similarity, flipped, u, x, y in candidates:
        words = {(flipped, u), (not flipped, x), (not flipped, y)}
        if words & used:
            continue
        used |= words
        single = (listed if flipped else query)[u]
        pair_side = query if flipped else listed
        # A word split differently is as good as a variant spelling, not as the same words.
        similarity *= VARIANT_SIMILARITY
        for other in (x, y):
            i, j = (other, u) if flipped else (u, other)
            share = single.weight / 2 + pair_side[other].weight
            merged.append((i, j, share * similarity, similarity))
            merged_weight += share
    # Weak pairs of words now merged give way.
    kept = [e for e in edges if (False, e[0]) not in used and (True, e[1]) not in used]
    total = sum(e[2] for e in kept) + sum(e[2] for e in merged)
    return kept + merged, total, _paired_weight(query, listed, kept) + merged_weight


def _paired_weight(query: tuple[Token, ...], listed: tuple[Token, ...], edges: list[Edge]) -> float:
    return sum(query[e[0]].weight + listed[e[1]].weight for e in edges)


def _both_sides_unpaired(
    query: tuple[Token, ...], listed: tuple[Token, ...], edges: list[Edge]
) -> bool:
    """Whether each side has a name word the other lacks: a different given name, not a
    middle name one record left out."""
    paired_query = paired_listed = 0
    for edge in edges:
        paired_query |= 1 << edge[0]
        paired_listed |= 1 << edge[1]
    return any(
        token.role is _NAME and not paired_query >> i & 1 for i, token in enumerate(query)
    ) and any(token.role is _NAME and not paired_listed >> j & 1 for j, token in enumerate(listed))


def align(
    query: tuple[Token, ...],
    listed: tuple[Token, ...],
    *,
    person: bool,
    total_weight: float | None = None,
    may_merge: bool = True,
) -> tuple[float, tuple[Pair, ...]]:
    """The name score of two word sequences and the pairs ``(query i, listed j, similarity)``.

    ``total_weight`` is the sum of every word's weight on both sides, if already known;
    ``may_merge`` False if the word lengths show no word of one side can be two of the other.
    """
    if not query or not listed:
        return 0.0, ()
    # Every word of one spelling comes from the same script.
    abjad = query[0].abjad or listed[0].abjad
    cache = _caches[abjad]
    edges: list[Edge] = []
    forced = True
    used_columns = 0
    # Totals as if the pairing were forced; recomputed below when it is not.
    total = paired_weight = 0.0
    paired_names = 0
    for i, q in enumerate(query):
        row = cache.get(q.text)
        if row is None:
            row = _cache_row(cache, q.text)
        row_edges = 0
        for j, w in enumerate(listed):
            similarity = row.get(w.text)
            if similarity is None:
                similarity = _remember(row, q, w, abjad)
            if similarity:
                pair_weight = q.weight + w.weight
                worth = pair_weight * similarity
                edges.append((i, j, worth, similarity))
                total += worth
                paired_weight += pair_weight
                if q.identifies and w.identifies:
                    paired_names += 1
                row_edges += 1
                bit = 1 << j
                if used_columns & bit:
                    forced = False
                used_columns |= bit
        if row_edges > 1:
            forced = False
    if not forced:
        total, chosen = _best_edges(edges, forced=False)
        paired_weight = 0.0
        paired_names = 0
        for i, j, _, _ in chosen:
            q, w = query[i], listed[j]
            paired_weight += q.weight + w.weight
            paired_names += q.identifies and w.identifies
        edges = list(chosen)
    if total_weight is None:
        total_weight = sum(t.weight for t in query) + sum(t.weight for t in listed)
    best = _scored(query, listed, edges, total, paired_weight, paired_names, person, total_weight)
    if may_merge:
        # A merge needs a word left open on one side and two on the other.
        strong = 0
        for edge in edges:
            if edge[3] >= STRONG_PAIR:
                strong += 1
        open_query, open_listed = len(query) - strong, len(listed) - strong
        if min(open_query, open_listed) >= 1 and max(open_query, open_listed) >= 2:
            merged = _with_merges(query, listed, edges)
            if merged is not None:
                merged_edges, merged_total, merged_weight = merged
                merged_names = sum(
                    query[i].identifies and listed[j].identifies for i, j, _, _ in merged_edges
                )
                with_merges = _scored(
                    query,
                    listed,
                    merged_edges,
                    merged_total,
                    merged_weight,
                    merged_names,
                    person,
                    total_weight,
                )
                if with_merges[0] > best[0]:
                    return with_merges
    return best


def _scored(
    query: tuple[Token, ...],
    listed: tuple[Token, ...],
    edges: list[Edge],
    total: float,
    paired_weight: float,
    paired_names: int,
    person: bool,
    total_weight: float,
) -> tuple[float, tuple[Pair, ...]]:
    """The name score of the pairing ``edges`` (of worth ``total`` and weight
    ``paired_weight``, ``paired_names`` of them two name words), and its pairs."""
    if not edges:
        return 0.0, ()
    unpaired = total_weight - paired_weight
    factor = 1.0
    if person and paired_names >= 2 and not _both_sides_unpaired(query, listed, edges):
        factor = PERSON_UNPAIRED_FACTOR
    score = total / (paired_weight + factor * unpaired)
    if person and paired_names < 2 and score < 1.0:
        score *= SINGLE_NAME_FACTOR
    pairs = tuple([(i, j, similarity) for i, j, _, similarity in edges])
    return score if score < 1.0 else 1.0, pairs
