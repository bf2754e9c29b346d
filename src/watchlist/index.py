"""The candidate index: which listed entries a query could possibly hit, without scoring them all.

A :class:`CandidateIndex` is built once over every entry record of every loaded list (every
version, every date, every jurisdiction). For a query it returns the records that could score
at or above a threshold under :class:`~watchlist.matching.FeatureScorer`; the as-of date and
the lists a jurisdiction applies are then cheap filters on those candidates, never a rebuild.
The Screener scores only the candidates, so the results are those of scoring every record.

Why no hit is lost
------------------

The final score is the name score plus the other evidence, kept in [0, 1] and rounded to nine
digits. The evidence adds at most +0.3 (an identifier equal), +0.05 (the same date of birth)
and +0.02 (a shared nationality); the kind only takes away, and a weak alias only lowers the
name score. Every record carrying an identifier value the query carries is a candidate. For
the others a hit needs a name score of at least ``s = threshold - 0.05 [query has a date of
birth] - 0.02 [query has nationalities] - 1e-9``. The name score of an entry is the best over
pairs of a query name and a listed name, so it is enough to find every listed name that could
score ``s`` against some query name. A name scores through one of three paths, each with a
necessary condition the index checks exactly:

1. **Words paired** (:func:`watchlist.matching.align.align`), over every pair of spellings.
   The score is ``T / (P + f * U)`` where ``P`` is the weight of the paired words, ``U`` that of
   the unpaired ones (``P + U`` is the total weight ``W`` of both spellings), ``T <= P``
   (similarities are at most 1) and ``f >= 0.5``; the single-name factor only lowers it. So
   ``score <= A / (A + 0.5 * (W - A))`` where ``A`` is the weight of the words that *could* be
   paired: this is increasing in ``A``, and ``P <= A``. A word can be paired only through a
   pair of similarity above 0 or a merge. Word similarity
   (:func:`watchlist.matching.align.token_similarity`) is above 0 only for: the same text; the
   same variant group (``Token.canonical``); an initial against a word starting with its
   letter; a shared phonetic key of two letters or more; two legal forms; or optimal string
   alignment (OSA) similarity ``1 - d / L >= 0.65`` (``L`` the longer length). The index
   finds listed words through dictionaries of text, canonical spelling, phonetic keys and
   first letters (for listed initials), and, for the edit distance, symmetric deletion
   neighbourhoods: a pair at OSA distance ``d`` becomes equal after at most ``d - (L - n)``
   deletions from the word of length ``n`` (one per substitution, per transposition, and per
   letter the other lacks), and ``d <= floor(0.35 L)``, so at most ``floor(0.35 n)``
   deletions from each side. Listed words longer than :data:`DELETION_LIMIT` letters are
   compared by OSA directly instead. The words found are kept if the scorer's own
   ``token_similarity`` is above 0. A query initial's letter and a legal form's "any other
   legal form" are not looked up (they pair with too much): the query word counts as paired,
   and so does every listed word starting with the initial's letter and every listed legal
   form. A merge (one word against two run
   together, :func:`watchlist.matching.align._with_merges`) needs Levenshtein similarity
   ``>= 0.85`` between the word ``u`` and ``x + y`` (or, with a side in Arabic script, a
   shared phonetic key: the pairs are also kept under the keys of the two run together).
   A Levenshtein alignment of ``u`` with ``x + y`` splits at the end
   of ``x``: ``d = d(u[:p], x) + d(u[p:], y)`` and ``d <= 0.15 * max(|u|, |x| + |y|) <=
   0.176 (|x| + |y|)``, so ``x`` is within ``0.176 |x|`` of a prefix of ``u`` or ``y`` within
   ``0.176 |y|`` of a suffix (mediant): every prefix and suffix of ``u`` is looked up like a
   word, the listed words it finds give the pairs they form in some spelling, and each pair is
   kept if ``Lev(u, x + y) >= 0.85``. Two query words run together against a listed word are
   looked up as one word. A listed spelling is a candidate when its bound reaches ``s``.
   Since also ``P >= T``, ``score <= T / (T + 0.5 U)``: a spelling reached only by a set of
   query words (and the initials and legal forms) scores at most that, with ``T`` at most
   the weights of those words plus one per listed partner (two through a merge), 0.9 times
   an initial and its partner, 0.5 times two legal forms, and ``U`` the weight of the other
   query words. The most common query words (``mohammed``, ``al``) are set aside while that
   bound stays under ``s``: they do not bring spellings in, they only complete the bound of
   the spellings the other words bring. If even no word at all leaves the bound at ``s``
   (a query of initials and legal forms), the query is brute-forced.

2. **Whole names** of organisations (:func:`~watchlist.matching.features.whole_name_similarity`),
   the product of two Levenshtein similarities, so the one of the joined names is at least
   ``s``. At distance ``d`` at least ``max(m, n) - 1 - 2d`` of the two-letter sequences of the
   joined names are shared (an edit breaks at most two), so at least ``(2s - 1) m - 1`` of the
   query's ``m - 1``: any ``m - 1 - that + 1`` of them, the rarest, include a shared one. The
   names found are kept if their whole-name similarity reaches ``s``. Where ``s <= 0.55`` the
   bound says too little and the query is brute-forced.

3. **Acronyms**: an organisation's one-word name among the initials of the other, found by
   dictionaries of both.

Persons listed as persons (and queries of kind person) never use paths 2 and 3. Queries the
index cannot bound (initials and legal forms only, a low threshold for whole names) are
answered with every record, and so are queries to a Screener whose scorer is not the
:class:`~watchlist.matching.FeatureScorer` the bound is derived from.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from watchlist.matching.align import (
    INITIAL_SIMILARITY,
    LEGAL_FORMS_SIMILARITY,
    MERGE_FLOOR,
    PERSON_UNPAIRED_FACTOR,
    SIMILARITY_FLOOR,
    token_similarity,
)
from watchlist.matching.features import (
    BIRTH_DATE_EXACT,
    NATIONALITY_SHARED,
    whole_name_similarity,
)
from watchlist.matching.names import PreparedName, Role, Token, canonical_spelling, prepare
from watchlist.matching.phonetic import phonetic_keys
from watchlist.model import EntityKind, Entry, Identifier, Party

#: Below this many records, scoring every one costs less than looking up candidates.
INDEX_MINIMUM_RECORDS = 1000
#: Listed words up to this length are indexed by their deletion neighbourhoods; longer ones
#: (about one word in twenty) are compared with the query words directly.
DELETION_LIMIT = 11
#: Room for floating-point error in the bounds: a bound this close to the threshold counts.
_EPSILON = 1e-9
#: The share of a word's letters an edit-similar word may differ by (OSA at the floor).
_EDIT_RATIO = 1.0 - SIMILARITY_FLOOR
#: The same for a merge, relative to the two words run together: 0.15 / 0.85.
_MERGE_RATIO = (1.0 - MERGE_FLOOR) / MERGE_FLOOR
#: The share of a query word's piece a merged listed word may differ by: x = r / (1 - r).
_PIECE_RATIO = _MERGE_RATIO / (1.0 - _MERGE_RATIO)
#: Below this share of letter pairs in common, the whole-name path is not bounded.
_WHOLE_NAME_FLOOR = 0.55
#: A letter pair found in at most this many organisations' names is cheap to count.
_CHEAP_POSTINGS = 64
#: How many query words' lookups are kept between queries (most customer names share words).
WORD_CACHE_SIZE = 1 << 16
_WILDCARD_ROLES = (Role.INITIAL, Role.LEGAL_FORM)


def _floor(length: int, ratio: float) -> int:
    return math.floor(length * ratio + _EPSILON)


def deletions(word: str, budget: int) -> set[str]:
    """Every string ``word`` becomes with at most ``budget`` letters deleted (itself included)."""
    found = {word}
    level = {word}
    for _ in range(min(budget, len(word))):
        level = {each[:i] + each[i + 1 :] for each in level for i in range(len(each))}
        found |= level
    return found


def identifier_value(identifier: Identifier) -> str:
    """An identifier's value as the scorer compares it: letters and digits, upper case."""
    return "".join(c for c in identifier.value.upper() if c.isascii() and c.isalnum())


def _bigrams(text: str) -> list[tuple[str, int]]:
    """The two-letter sequences of ``text``, each numbered by its occurrence (a multiset)."""
    seen: dict[str, int] = {}
    grams = []
    for i in range(len(text) - 1):
        gram = text[i : i + 2]
        count = seen.get(gram, 0)
        seen[gram] = count + 1
        grams.append((gram, count))
    return grams


class _Spelling:
    """One spelling of one listed name, as the bound needs it."""

    __slots__ = ("firsts", "legal", "name", "total", "weights", "words")

    def __init__(self, name: int, words: Sequence[int], tokens: Sequence[Token]) -> None:
        self.name = name
        self.words = tuple(words)
        self.weights = tuple(token.weight for token in tokens)
        self.firsts = tuple(token.text[0] for token in tokens)
        self.legal = sum(1 << j for j, t in enumerate(tokens) if t.role is Role.LEGAL_FORM)
        self.total = sum(self.weights)


def _positions(words: Sequence[int], word: int) -> int:
    """The positions of ``word`` in ``words``, as bits."""
    return sum(1 << j for j, each in enumerate(words) if each == word)


def _score_bound(paired: float, total: float) -> float:
    """The highest name score words of total weight ``paired`` could give, of ``total``."""
    if paired >= total:
        return 1.0
    return paired / (paired + PERSON_UNPAIRED_FACTOR * (total - paired))


class CandidateIndex:
    """Every entry record of some lists, indexed by what a query must share with a hit.

    ``records`` are ``(list id, entry)`` pairs; :meth:`candidates` returns positions in them.
    Immutable once built (its caches of word lookups are safe to share between threads: a
    race costs a recomputation).
    """

    def __init__(self, records: Iterable[tuple[str, Entry]]) -> None:
        self.records: tuple[tuple[str, Entry], ...] = tuple(records)
        self._by_identifier: dict[str, list[int]] = {}
        names: dict[str, int] = {}
        self._name_records: list[list[int]] = []
        self._name_values: list[str] = []
        organisation_names: set[int] = set()
        for position, (_, entry) in enumerate(self.records):
            for identifier in entry.identifiers:
                self._by_identifier.setdefault(identifier_value(identifier), []).append(position)
            for name in entry.names:
                name_id = names.get(name.value)
                if name_id is None:
                    name_id = names[name.value] = len(self._name_values)
                    self._name_values.append(name.value)
                    self._name_records.append([])
                if not self._name_records[name_id] or self._name_records[name_id][-1] != position:
                    self._name_records[name_id].append(position)
                if entry.kind is not EntityKind.PERSON:
                    organisation_names.add(name_id)
        self._words: list[str] = []
        #: Each word as a listed Token, for the scorer's word similarity.
        self._tokens: list[Token] = []
        self._word_ids: dict[str, int] = {}
        self._postings: list[list[tuple[int, int]]] = []
        self._spellings: list[_Spelling] = []
        self._partners: list[set[int]] = []
        self._pair_postings: dict[tuple[int, int], list[tuple[int, int]]] = {}
        # Pairs of words by the phonetic keys of the two run together: of names in Arabic
        # script (any query merges with them by key), and of all names (for a query in it).
        self._abjad_pairs: dict[str, set[tuple[int, int]]] = {}
        self._pair_keys: dict[str, set[tuple[int, int]]] = {}
        # Words of names in Arabic script, by phonetic key.
        self._abjad_keys: dict[str, set[int]] = {}
        for name_id, value in enumerate(self._name_values):
            self._add_name(name_id, prepare(value))
        self._by_canonical: dict[str, list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_deletion: dict[str, list[int]] = {}
        self._long_words: list[str] = []
        self._long_ids: list[int] = []
        for word_id, word in enumerate(self._words):
            self._by_canonical.setdefault(canonical_spelling(word), []).append(word_id)
            for key in phonetic_keys(word):
                if len(key) >= 2:
                    self._by_key.setdefault(key, []).append(word_id)
            if len(word) > DELETION_LIMIT:
                self._long_words.append(word)
                self._long_ids.append(word_id)
            else:
                for variant in deletions(word, _floor(len(word), _EDIT_RATIO)):
                    self._by_deletion.setdefault(variant, []).append(word_id)
        self._build_organisation_paths(organisation_names)
        #: The weight of the heaviest listed legal form.
        self._legal_weight = max(
            (t.weight for t in self._tokens if t.role is Role.LEGAL_FORM), default=0.0
        )
        self._start_caches()

    def _start_caches(self) -> None:
        cache = functools.lru_cache(maxsize=WORD_CACHE_SIZE)
        self._edge_words = cache(self._find_edge_words)
        self._merges = cache(self._find_merges)
        self._concats = cache(self._concat_words)

    def __getstate__(self) -> dict[str, object]:
        # The caches are rebuilt where the index is unpickled (a worker process).
        state = dict(self.__dict__)
        for cached in ("_edge_words", "_merges", "_concats"):
            del state[cached]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._start_caches()

    def _word_id(self, token: Token) -> int:
        word = token.text
        word_id = self._word_ids.get(word)
        if word_id is None:
            word_id = self._word_ids[word] = len(self._words)
            self._words.append(word)
            self._tokens.append(token)
            self._postings.append([])
            self._partners.append(set())
        elif token.abjad:
            # From a script without short vowels a word meets more words: keep that one.
            self._tokens[word_id] = token
        return word_id

    def _add_name(self, name_id: int, prepared: PreparedName) -> None:
        for tokens in prepared.spellings:
            spelling_id = len(self._spellings)
            ids = [self._word_id(token) for token in tokens]
            self._spellings.append(_Spelling(name_id, ids, tokens))
            masks: dict[int, int] = {}
            for j, word_id in enumerate(ids):
                masks[word_id] = masks.get(word_id, 0) | 1 << j
            for word_id, mask in masks.items():
                self._postings[word_id].append((spelling_id, mask))
            abjad = tokens[0].abjad
            for x, first in enumerate(ids):
                for y, second in enumerate(ids):
                    if x == y:
                        continue
                    self._partners[first].add(second)
                    pair = (first, second)
                    self._pair_postings.setdefault(pair, []).append(
                        (spelling_id, 1 << x | 1 << y)
                    )
                    for key in phonetic_keys(tokens[x].text + tokens[y].text):
                        self._pair_keys.setdefault(key, set()).add(pair)
                        if abjad:
                            self._abjad_pairs.setdefault(key, set()).add(pair)
            if abjad:
                for token, word_id in zip(tokens, ids, strict=True):
                    for key in token.keys:
                        self._abjad_keys.setdefault(key, set()).add(word_id)

    def _build_organisation_paths(self, organisation_names: set[int]) -> None:
        # Partners by length, to look only at pairs whose joined length a merge allows.
        self._partner_lists = [
            sorted(partners, key=lambda other: len(self._words[other]))
            for partners in self._partners
        ]
        self._partner_lengths = [
            [len(self._words[other]) for other in partners] for partners in self._partner_lists
        ]
        self._partners = []
        self._organisations: dict[int, PreparedName] = {}
        self._by_bigram: dict[tuple[str, int], list[int]] = {}
        self._by_initials: dict[str, list[int]] = {}
        self._by_single_word: dict[str, list[int]] = {}
        for name_id in sorted(organisation_names):
            prepared = prepare(self._name_values[name_id])
            if not prepared.spellings:
                continue
            self._organisations[name_id] = prepared
            if prepared.joined_distinctive:
                for gram in _bigrams(prepared.joined):
                    self._by_bigram.setdefault(gram, []).append(name_id)
            for initials in prepared.initials:
                self._by_initials.setdefault(initials, []).append(name_id)
            if len(prepared.single_word) > 2:
                self._by_single_word.setdefault(prepared.single_word, []).append(name_id)

    # -- words ---------------------------------------------------------------------------

    def _similar_words(self, text: str, budget: int, cutoff: float) -> set[int]:
        """Listed words within OSA similarity ``cutoff`` of ``text`` (a superset of them),
        ``budget`` deletions from ``text`` being enough for the indexed ones."""
        found: set[int] = set()
        # Indexed variants are at most DELETION_LIMIT letters long: a text that stays longer
        # with every deletion it is allowed cannot meet one.
        if len(text) - budget <= DELETION_LIMIT:
            for variant in deletions(text, budget):
                found.update(self._by_deletion.get(variant, ()))
        # A longer listed word is within reach only if the length ratio allows it.
        if self._long_words and len(text) + _EPSILON >= cutoff * (DELETION_LIMIT + 1):
            for _, _, index in process.extract_iter(
                text,
                self._long_words,
                scorer=OSA.normalized_similarity,
                score_cutoff=cutoff - _EPSILON,
            ):
                found.add(self._long_ids[index])
        return found

    def _find_edge_words(self, token: Token) -> frozenset[int]:
        """Listed words the query word ``token`` pairs with at a similarity above 0 (other
        than a legal form against another): found by the lookups, then kept if the scorer's
        own word similarity says so."""
        text = token.text
        found = self._similar_words(text, _floor(len(text), _EDIT_RATIO), SIMILARITY_FLOOR)
        found.update(self._by_canonical.get(canonical_spelling(text), ()))
        for key in phonetic_keys(text):
            if len(key) >= 2:
                found.update(self._by_key.get(key, ()))
        # A listed initial pairs with any word starting with its letter.
        initial = self._word_ids.get(text[0])
        if initial is not None:
            found.add(initial)
        tokens = self._tokens
        return frozenset(w for w in found if token_similarity(token, tokens[w]) > 0)

    def _find_merges(self, text: str, abjad: bool) -> frozenset[tuple[int, int]]:
        """Pairs of listed words (first, second) that, run together, ``text`` merges with."""
        pieces: set[int] = set()
        for p in range(len(text)):
            for piece in (text[: p + 1], text[p:]):
                pieces |= self._similar_words(piece, _floor(len(piece), _PIECE_RATIO), 0.8)
        merges: set[tuple[int, int]] = set()
        words = self._words
        # The Levenshtein similarity floor bounds the joined length.
        low, high = MERGE_FLOOR * len(text) - _EPSILON, len(text) / MERGE_FLOOR + _EPSILON
        for word_id in pieces:
            word = words[word_id]
            lengths = self._partner_lengths[word_id]
            partners = self._partner_lists[word_id]
            start = bisect.bisect_left(lengths, low - len(word))
            end = bisect.bisect_right(lengths, high - len(word))
            for other in partners[start:end]:
                for pair in ((word_id, other), (other, word_id)):
                    joined = words[pair[0]] + words[pair[1]]
                    if Levenshtein.normalized_similarity(text, joined) >= MERGE_FLOOR - _EPSILON:
                        merges.add(pair)
        # Listed names in Arabic script also merge by a shared consonant skeleton.
        by_key = self._pair_keys if abjad else self._abjad_pairs
        for key in phonetic_keys(text):
            merges.update(by_key.get(key, ()))
        return frozenset(merges)

    def _concat_words(self, text: str, abjad: bool) -> frozenset[int]:
        """Listed words two query words run together (``text``) could merge with."""
        found = self._similar_words(text, _floor(len(text), _MERGE_RATIO), MERGE_FLOOR)
        by_key: dict[str, set[int]] | dict[str, list[int]] = (
            self._by_key if abjad else self._abjad_keys
        )
        for key in phonetic_keys(text):
            found.update(by_key.get(key, ()))
        return frozenset(found)

    # -- queries ---------------------------------------------------------------------------

    def candidates(self, query: Party, threshold: float) -> list[int] | None:
        """Positions of the records that could score ``threshold`` or more against ``query``,
        in order; ``None`` when this query cannot be bounded and every record must be scored
        (see the module documentation)."""
        floor = threshold - _EPSILON
        if query.birth_date is not None:
            floor -= BIRTH_DATE_EXACT
        if query.nationalities:
            floor -= NATIONALITY_SHARED
        found: set[int] = set()
        # An identifier equal adds IDENTIFIER_EQUAL: whatever the names, a candidate.
        for identifier in query.identifiers:
            found.update(self._by_identifier.get(identifier_value(identifier), ()))
        names = self.candidate_names(
            query.names, floor, organisations=query.kind is not EntityKind.PERSON
        )
        if names is None:
            return None
        for name_id in names:
            found.update(self._name_records[name_id])
        return sorted(found)

    def candidate_names(
        self, query_names: Sequence[str], floor: float, *, organisations: bool = True
    ) -> set[int] | None:
        """Ids of the listed names that could reach name score ``floor`` against one of
        ``query_names``; ``None`` if that cannot be bounded."""
        names: set[int] = set()
        for value in query_names:
            prepared = prepare(value)
            if not prepared.spellings:
                continue
            for tokens in prepared.spellings:
                if not self._add_word_candidates(tokens, floor, names):
                    return None
            if (
                organisations
                and self._organisations
                and not self._add_organisation_candidates(prepared, floor, names)
            ):
                return None
        return names

    def _add_word_candidates(
        self, tokens: tuple[Token, ...], floor: float, names: set[int]
    ) -> bool:
        """Add the names with a spelling that could reach ``floor`` against ``tokens``;
        False if a spelling no lookup finds could (the query must be brute-forced)."""
        # Initials and legal forms pair with words no lookup finds (any word with the
        # initial's letter, any other legal form): their weight, and the most such pairs
        # can add to the numerator of the score (similarity times the pair's weight).
        wild_weight = 0.0
        wild_reach = 0.0
        wild_mask = 0
        letters: set[str] = set()
        legal = False
        # Per looked-up word: (position, listed words it could pair with, merges, cost).
        looked: list[tuple[int, frozenset[int], frozenset[tuple[int, int]], int]] = []
        for i, token in enumerate(tokens):
            merges = self._merges(token.text, token.abjad)
            if token.role in _WILDCARD_ROLES:
                wild_weight += token.weight
                wild_mask |= 1 << i
                if token.role is Role.INITIAL:
                    wild_reach += INITIAL_SIMILARITY * (token.weight + 1.0)
                    letters.add(token.text[0])
                    # An initial pairs with words starting with its letter (counted below)
                    # and with its own variant group.
                    words = frozenset(
                        self._by_canonical.get(canonical_spelling(token.text), ())
                    )
                else:
                    wild_reach += LEGAL_FORMS_SIMILARITY * (token.weight + self._legal_weight)
                    legal = True
                    words = self._edge_words(token)
            else:
                words = self._edge_words(token)
            cost = sum(len(self._postings[w]) for w in words) + len(merges)
            looked.append((i, words, merges, cost))
        query_weights = [token.weight for token in tokens]
        query_total = sum(query_weights)
        # A spelling reached only by some query words scores at most T / (T + 0.5 U), with T
        # the most those words' pairs can add (each pairs with at most one listed word, two
        # through a merge, of weight at most 1) and U the weight of the query's other words.
        # The most common words are set aside while the spellings only they (and the
        # wildcards) reach stay under ``floor``: they then only complete the spellings the
        # others reach.
        looked.sort(key=lambda each: -each[3])
        reach = wild_reach
        rest = query_total - wild_weight
        common = 0
        for i, _, merges, _ in looked:
            gain = query_weights[i] + (2.0 if merges else 1.0)
            weight_left = 0.0 if wild_mask >> i & 1 else query_weights[i]
            if _score_bound(reach + gain, reach + gain + rest - weight_left) >= floor:
                break
            reach += gain
            rest -= weight_left
            common += 1
        if common == 0 and reach and _score_bound(reach, reach + rest) >= floor:
            return False
        common_words = looked[:common]
        hits: dict[int, list[int]] = {}
        postings = self._postings
        for i, words, merges, _ in looked[common:]:
            bit = 1 << i
            for word_id in words:
                for spelling_id, mask in postings[word_id]:
                    hit = hits.get(spelling_id)
                    if hit is None:
                        hits[spelling_id] = [bit, mask]
                    else:
                        hit[0] |= bit
                        hit[1] |= mask
            for pair in merges:
                for spelling_id, mask in self._pair_postings[pair]:
                    hit = hits.get(spelling_id)
                    if hit is None:
                        hits[spelling_id] = [bit, mask]
                    else:
                        hit[0] |= bit
                        hit[1] |= mask
        set_aside = {i for i, _, _, _ in common_words}
        for i, first in enumerate(tokens):
            for j, second in enumerate(tokens):
                if i == j or (i in set_aside and j in set_aside):
                    continue
                bits = 1 << i | 1 << j
                for word_id in self._concats(first.text + second.text, first.abjad):
                    for spelling_id, mask in postings[word_id]:
                        hit = hits.get(spelling_id)
                        if hit is None:
                            hits[spelling_id] = [bits, mask]
                        else:
                            hit[0] |= bits
                            hit[1] |= mask
        # Two set-aside words run together may pair with one listed word.
        set_aside_concats = [
            (1 << i | 1 << j, concat)
            for i in set_aside
            for j in set_aside
            if i != j
            and (concat := self._concats(tokens[i].text + tokens[j].text, tokens[i].abjad))
        ]
        spellings = self._spellings
        for spelling_id, (query_mask, listed_mask) in hits.items():
            spelling = spellings[spelling_id]
            if spelling.name in names:
                continue
            query_mask |= wild_mask
            listed_words = spelling.words
            for i, words, merges, _ in common_words:
                for j, word_id in enumerate(listed_words):
                    if word_id in words:
                        query_mask |= 1 << i
                        listed_mask |= 1 << j
                for x, y in merges:
                    if x in listed_words and y in listed_words:
                        query_mask |= 1 << i
                        listed_mask |= _positions(listed_words, x) | _positions(listed_words, y)
            for bits, concat in set_aside_concats:
                for j, word_id in enumerate(listed_words):
                    if word_id in concat:
                        query_mask |= bits
                        listed_mask |= 1 << j
            if legal:
                listed_mask |= spelling.legal
            if letters:
                for j, letter in enumerate(spelling.firsts):
                    if letter in letters:
                        listed_mask |= 1 << j
            paired = sum(w for i, w in enumerate(query_weights) if query_mask >> i & 1)
            paired += sum(w for j, w in enumerate(spelling.weights) if listed_mask >> j & 1)
            if _score_bound(paired, max(paired, query_total + spelling.total)) >= floor:
                names.add(spelling.name)
        return True

    def _add_organisation_candidates(
        self, prepared: PreparedName, floor: float, names: set[int]
    ) -> bool:
        organisations = self._organisations
        if len(prepared.single_word) > 2:
            names.update(self._by_initials.get(prepared.single_word, ()))
        for initials in prepared.initials:
            names.update(self._by_single_word.get(initials, ()))
        if not prepared.joined_distinctive:
            return True
        if floor <= _WHOLE_NAME_FLOOR:
            return False
        grams = _bigrams(prepared.joined)
        shared = math.ceil((2 * floor - 1) * len(prepared.joined) - 1 - _EPSILON)
        if shared <= 0:
            return False
        by_bigram = self._by_bigram
        rarest = sorted(grams, key=lambda gram: len(by_bigram.get(gram, ())))
        # A name sharing ``shared`` of the query's pairs shares one among any
        # ``len(grams) - shared + 1`` of them, and ``k`` among ``k - 1`` more: the rarest are
        # counted, then more while they are cheap, each raising the count a name needs.
        counts: dict[int, int] = {}
        looked = 0
        for gram in rarest:
            postings = by_bigram.get(gram, ())
            if looked > len(grams) - shared and len(postings) > _CHEAP_POSTINGS:
                break
            looked += 1
            for name_id in postings:
                counts[name_id] = counts.get(name_id, 0) + 1
        needed = looked - len(grams) + shared
        joined = prepared.joined
        for name_id, count in counts.items():
            if count >= needed and name_id not in names:
                listed = organisations[name_id]
                if Levenshtein.normalized_similarity(
                    joined, listed.joined, score_cutoff=floor
                ) and whole_name_similarity(prepared, listed) >= floor:
                    names.add(name_id)
        return True
