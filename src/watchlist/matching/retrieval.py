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

1. **Words paired** (:func:`watchlist.matching.align.align`), over every pair of spellings. The
   score is ``T / (P + f * U)`` where ``P`` is the weight of the paired words, ``U`` that of the
   unpaired ones (``P + U`` is the total weight ``W`` of both spellings), ``T <= P``
   (similarities are at most 1) and ``f >= 0.5``; the single-name factor only lowers it. So
   ``score <= A / (A + f * (W - A))`` where ``A`` is the weight of the words that *could* be
   paired: this is increasing in ``A``, and ``P <= A``. ``f`` is 0.5 only where two name words
   pair, so two pairs at least: where the query words reaching a spelling can make one pair only
   (a query word pairs with one listed word, or two through a merge), ``f = 1``. A word can be
   paired only through a pair of similarity above 0 or a merge. Word similarity
   (:func:`watchlist.matching.align.token_similarity`) is above 0 only for: the same text; the
   same variant group (``Token.canonical``); the same transliteration fold (``Token.fold``); an
   initial against a word starting with its letter; a shared phonetic key of two letters or
   more; two legal forms; or optimal string alignment (OSA) similarity ``1 - d / L >= 0.65``
   (``L`` the longer length), of the words or, where a side is from a script without short
   vowels, of their long-vowel readings (:func:`~watchlist.matching.align.long_vowel_reading`,
   of the same lengths): every listed word is indexed by both, and a query word looks up both.
   The index finds listed words through dictionaries of text, canonical spelling, fold, phonetic
   keys and first letters (for listed initials), and, for the edit distance, symmetric deletion
   neighbourhoods: a pair at OSA distance ``d`` becomes equal after at most ``d - (L - n)``
   deletions from the word of length ``n`` (one per substitution, per transposition, and per
   letter the other lacks), and ``d <= floor(0.35 L)``, so at most ``floor(0.35 n)`` deletions
   from each side. Listed words longer than :data:`DELETION_LIMIT` letters are compared by OSA
   directly instead. The words found are kept if the scorer's own ``token_similarity`` is above
   0. A query initial reaches every listed word starting with its letter, and a query legal form
   every listed legal form, through postings by first letter and of legal forms. A merge (one
   word against two run together, :func:`watchlist.matching.align._with_merges`) needs ``x + y``
   to start or end as the word ``u`` does, and Levenshtein similarity ``>= 0.85`` between ``u``
   and ``x + y`` (or, with a side in Arabic script, a shared phonetic key: the pairs are also
   kept under the keys of the two run together; or, with neither, the fold of ``u`` equal to the
   folds of ``x`` and ``y`` run together: the pairs are also kept under those, and two query
   words run together look up the listed words by fold), so a length within the ratio 0.85.
   Every two words of a listed spelling, run together in either order, are kept by first and by
   last letter and sorted by length: a query word is compared (by Levenshtein) with those of its
   first or last letter, a length within the ratio, and letters close enough: an edit adds at
   most one letter and takes away at most one, so at distance ``d`` the sets of letters two
   strings contain (as bits of a 64-bit mask) differ in at most ``2 d`` bits. Two query words
   run together (``L`` letters) are compared with the listed words the same way where these are
   longer than the deletion limit, and through the deletion neighbourhoods where not: a listed
   word of ``n`` letters within the ratio is at distance at most ``floor(0.15 max(L, n))`` with
   ``n <= min(DELETION_LIMIT, L / 0.85)``, that many deletions from each side, within the word's
   own neighbourhood (``floor(0.35 n)``); the words found are kept if they start or end as the
   joined words do and pass the scorer's Levenshtein test. A spelling no lookup reaches has no
   pair: it scores 0. A spelling a lookup reaches is a candidate when its bound reaches ``s``,
   with ``A`` the weight of the query words some lookup pairs with it and of the words of its
   own the lookups reach, but at most the weight of one listed word per query word (two through
   a merge; a word weighs at most 1). Each pair is worth its weight times its similarity, so
   ``T <= m P`` where ``m`` is the most similar any query word is to any word of the spelling,
   and ``score <= m A / (A + f * (W - A))``: the lookups keep, for each spelling, the scorer's
   own ``token_similarity`` of each query word with the words it reaches, rounded up to a 255th
   (a word listed both from a script without short vowels and not is compared by both its
   Tokens, the larger kept), and take ``m = 1`` wherever a spelling is reached otherwise (an
   initial, a legal form, a merge, two query words run together). The bound is evaluated for
   every spelling reached, all at once, over arrays (numpy). The words of a spelling are the
   bits of a 64-bit mask: a listed spelling of more words is a candidate of every query, and a
   query spelling of more words is brute-forced.

2. **Whole names** of organisations (:func:`~watchlist.matching.features.whole_name_similarity`),
   the product of two Levenshtein similarities, so the one of the joined names is at least
   ``s``. At distance ``d`` at least ``max(m, n) - 1 - 2d`` of the two-letter sequences of the
   joined names are shared (an edit breaks at most two), so at least ``(2s - 1) m - 1`` of the
   query's ``m - 1`` (as multisets). The sequences are counted for every organisation's name
   at once, over arrays; the names sharing that many are kept if their whole-name similarity
   reaches ``s``. Where ``s <= 0.55`` the bound says too little and the query is
   brute-forced.

3. **Acronyms**: an organisation's one-word name among the initials of the other, found by
   dictionaries of both.

Persons listed as persons (and queries of kind person) never use paths 2 and 3. Queries the
index cannot bound (a low threshold for whole names, more than 64 words) are
answered with every record.

The bound is derived from :class:`~watchlist.matching.scorer.FeatureScorer`, which owns this
index through :class:`IndexedRetrieval` (see :mod:`watchlist.matching.protocols`); a scorer
that does not own a retrieval gets :class:`ScoreEveryRecord`.
"""

from __future__ import annotations

import array
import bisect
import functools
import logging
import math
import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from watchlist.matching import _indexcache
from watchlist.matching.align import (
    MERGE_FLOOR,
    PERSON_UNPAIRED_FACTOR,
    SIMILARITY_FLOOR,
    long_vowel_reading,
    token_similarity,
)
from watchlist.matching.features import identifier_value, whole_name_similarity
from watchlist.matching.names import (
    PreparedName,
    Role,
    Token,
    canonical_spelling,
    prepare,
    word_token,
)
from watchlist.matching.phonetic import phonetic_keys, transliteration_fold
from watchlist.matching.protocols import Candidates, IndexedScorer, Records, Retrieval, Scorer
from watchlist.model import EntityKind, Entry, Match, Name, Party

if TYPE_CHECKING:
    from watchlist.matching.scorer import FeatureScorer

#: Listed words up to this length are indexed by their deletion neighbourhoods; longer ones
#: (about one word in twenty) are compared with the query words directly.
DELETION_LIMIT = 11
#: The words of a spelling are the bits of a 64-bit mask (see the module documentation).
MASK_WORDS = 64
#: How finely the commonness of listed words is told apart by the bound (see
#: :meth:`CandidateIndex.lookup`): in steps of 1 / 100, each rounded down.
COMMONNESS_STEPS = 100
#: Room for floating-point error in the bounds: a bound this close to the threshold counts.
_EPSILON = 1e-9
#: The share of a word's letters an edit-similar word may differ by (OSA at the floor).
_EDIT_RATIO = 1.0 - SIMILARITY_FLOOR
#: Below this share of letter pairs in common, the whole-name path is not bounded.
_WHOLE_NAME_FLOOR = 0.55
#: How many query words' lookups are kept between queries (most customer names share words).
WORD_CACHE_SIZE = 1 << 15
#: How many query words' postings (arrays, larger than the lookups) are kept between queries.
POSTINGS_CACHE_SIZE = 1 << 12

_Masks: TypeAlias = npt.NDArray[np.uint64]
#: Spellings and, for each, the positions of its words a lookup reached (as bits).
#: Spellings are kept as numpy's index type: arrays index faster by it than by uint64.
_Postings: TypeAlias = tuple[npt.NDArray[np.intp], _Masks]
_NO_POSTINGS: _Postings = (np.zeros(0, np.intp), np.zeros(0, np.uint64))
#: Postings of a query word's lookup, with, for each spelling, the most similar a word of it
#: can be to the query word (see :data:`SIMILARITY_STEPS`).
_Reach: TypeAlias = tuple[npt.NDArray[np.intp], _Masks, npt.NDArray[np.uint8]]
_NO_REACH: _Reach = (np.zeros(0, np.intp), np.zeros(0, np.uint64), np.zeros(0, np.uint8))
#: How finely the bound tells word similarities apart: in steps of 1 / 255, each rounded up
#: (kept in a byte per spelling reached; 255 is a similarity of 1, or one not known).
SIMILARITY_STEPS = 255
#: Room for floating-point error where a similarity is rounded up to its step.
_STEP_MARGIN = 1e-6
#: The similarity of each step (the last exactly 1).
_STEP_SIMILARITIES = np.arange(SIMILARITY_STEPS + 1, dtype=np.float64) / SIMILARITY_STEPS
_osa_similarity = OSA.normalized_similarity
_levenshtein_similarity = Levenshtein.normalized_similarity
_BITS = np.left_shift(np.uint64(1), np.arange(MASK_WORDS, dtype=np.uint64))


def _floor(length: int, ratio: float) -> int:
    return math.floor(length * ratio + _EPSILON)


def deletions(word: str, budget: int) -> set[str]:
    """Every string ``word`` becomes with at most ``budget`` letters deleted (itself included)."""
    found = {word}
    # Each string with the position of its last deletion: deleting only from there on makes
    # every set of positions once, rather than once per order of its deletions.
    level = [(word, 0)]
    for _ in range(min(budget, len(word))):
        level = [
            (each[:i] + each[i + 1 :], i) for each, start in level for i in range(start, len(each))
        ]
        found.update([text for text, _ in level])
    return found


def _text_hash(text: str) -> int:
    # Stable across processes (an index is pickled to worker processes, where str hashes
    # differ); two texts sharing a hash only bring a word the checks then drop.
    return zlib.crc32(text.encode())


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


_Column: TypeAlias = npt.NDArray[np.uint64]


class _Table:
    """Rows of unsigned 64-bit (or, by ``typecode``, 32-bit) numbers by an integer key (a
    word, a pair of words, a hashed string), kept in arrays sorted by key once built: compact,
    where a dictionary of lists takes several times the memory."""

    def __init__(self, width: int, typecode: str = "Q") -> None:
        # Typecode "I" (32 bits) where every number fits: half the memory.
        self._building = [array.array(typecode) for _ in range(width + 1)]
        self.keys: _Column = np.zeros(0, np.dtype(typecode))
        self._starts: npt.NDArray[np.intp] = np.zeros(1, np.intp)
        self._columns: list[_Column] = [np.zeros(0, np.dtype(typecode)) for _ in range(width)]

    def add(self, key: int, *values: int) -> None:
        for column, value in zip(self._building, (key, *values), strict=True):
            column.append(value)

    def build(self) -> _Table:
        keys, *columns = (np.frombuffer(each, np.dtype(each.typecode)) for each in self._building)
        order = np.argsort(keys, kind="stable")
        self.keys, starts = np.unique(keys[order], return_index=True)
        self._starts = np.append(starts, len(order))
        self._columns = [column[order] for column in columns]
        self._building = []
        return self

    def rows(self, keys: Collection[int]) -> list[_Column]:
        """The rows of every key of ``keys`` (those the table has), column by column."""
        if not keys or not self.keys.size:
            return [column[:0] for column in self._columns]
        wanted = np.fromiter(keys, self.keys.dtype, len(keys))
        found = np.searchsorted(self.keys, wanted)
        # A key past the last is clipped to it, and then unequal.
        found = found[self.keys.take(found, mode="clip") == wanted]
        if not found.size:
            return [column[:0] for column in self._columns]
        starts = self._starts[found]
        lengths = self._starts[found + 1] - starts
        # Each key's rows run from its start: offset the positions of the joined rows.
        rows = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(
            lengths.sum()
        )
        return [column[rows] for column in self._columns]

    def rows_by_key(self, keys: Sequence[int]) -> tuple[list[_Column], npt.NDArray[np.intp]]:
        """:meth:`rows`, and for each row the position in ``keys`` of its key."""
        if not keys or not self.keys.size:
            return [column[:0] for column in self._columns], np.zeros(0, np.intp)
        wanted = np.fromiter(keys, self.keys.dtype, len(keys))
        found = np.searchsorted(self.keys, wanted)
        present = self.keys.take(found, mode="clip") == wanted
        positions = np.flatnonzero(present)
        found = found[present]
        if not found.size:
            return [column[:0] for column in self._columns], np.zeros(0, np.intp)
        starts = self._starts[found]
        lengths = self._starts[found + 1] - starts
        rows = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(
            lengths.sum()
        )
        return [column[rows] for column in self._columns], np.repeat(positions, lengths)

    def postings(self, keys: Collection[int]) -> _Postings:
        """The rows of ``keys`` of a table of postings: spellings and masks, a spelling once
        per key."""
        spellings, masks = self.rows(keys)
        return spellings.astype(np.intp), masks


def _merged(parts: Sequence[_Reach]) -> _Reach:
    """Postings of several lookups as one, each spelling once with its masks joined and the
    most of its similarities."""
    parts = [part for part in parts if part[0].size]
    if not parts:
        return _NO_REACH
    ids = np.concatenate([part[0] for part in parts])
    masks = np.concatenate([part[1] for part in parts])
    steps = np.concatenate([part[2] for part in parts])
    order = np.argsort(ids, kind="stable")
    ids, masks, steps = ids[order], masks[order], steps[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    return (
        ids[starts],
        np.bitwise_or.reduceat(masks, starts),
        np.maximum.reduceat(steps, starts),
    )


def _unknown_similarity(postings: _Postings) -> _Reach:
    """``postings`` as reached by words of any similarity (at most 1)."""
    ids, masks = postings
    return ids, masks, np.full(len(ids), SIMILARITY_STEPS, np.uint8)


def _similarity_step(similarity: float) -> int:
    """``similarity`` (in [0, 1]) rounded up to a step of :data:`SIMILARITY_STEPS`."""
    return min(SIMILARITY_STEPS, math.ceil(similarity * SIMILARITY_STEPS + _STEP_MARGIN))


def _may_reach(
    paired: npt.NDArray[np.float64],
    total: npt.NDArray[np.float64],
    floor: float | npt.NDArray[np.float64],
    unpaired_factor: npt.NDArray[np.float64],
    most_similar: npt.NDArray[np.float64],
) -> npt.NDArray[np.bool_]:
    """Whether words of total weight ``paired``, of ``total``, paired at a similarity of at
    most ``most_similar``, could give a name score of ``floor``: whether
    ``m A / (A + f (W - A)) >= floor`` (``m`` for a spelling paired whole), multiplied out,
    with ``f`` the least factor an unpaired word can count by."""
    return paired * (most_similar - floor) >= (floor * unpaired_factor) * (total - paired)


#: The bits of each byte: row ``b`` holds the eight bits of ``b``, lowest first (as floats, the
#: type they are multiplied with).
_BYTE_BITS = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.float64)
_BYTE = np.uint64(255)


def _sums_over_bits(masks: _Masks, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """For each mask and each column of ``values``, the sum of ``values[i]`` over the mask's
    bits ``i``: a byte at a time, through a table of the 256 sums the byte's eight values can
    make (one row of sums per mask)."""
    # ``take``: numpy indexes rows by a uint64 array ten times faster through it.
    sums: npt.NDArray[np.float64] = np.take(
        _BYTE_BITS[:, : len(values[:8])] @ values[:8], masks & _BYTE, axis=0
    )
    for start in range(8, len(values), 8):
        chunk = values[start : start + 8]
        sums += np.take(
            _BYTE_BITS[:, : len(chunk)] @ chunk, (masks >> np.uint64(start)) & _BYTE, axis=0
        )
    return sums


def _letter_signature(text: str) -> int:
    """The letters ``text`` contains, as bits of a 64-bit mask (letters sharing a bit are one).

    An edit adds at most one letter and takes away at most one, so strings at Levenshtein
    distance ``d`` differ in at most ``2 d`` bits."""
    signature = 0
    for letter in text:
        signature |= 1 << (ord(letter) & 63)
    return signature


#: Strings sorted by length: their lengths, signatures, texts and numbers.
_Bucket: TypeAlias = tuple[list[int], npt.NDArray[np.uint64], list[str], npt.NDArray[np.uint64]]


class _ByEnds:
    """Strings (words, or two words run together) with a number each, by first and by last
    letter, each sorted by length: what a word merges with, by the scorer's rule that the
    two words run together start or end as the word does (:func:`~watchlist.matching.align.
    _with_merges`)."""

    def __init__(self, items: Iterable[tuple[str, int]]) -> None:
        by_first: dict[str, list[tuple[str, int]]] = {}
        by_last: dict[str, list[tuple[str, int]]] = {}
        for text, number in items:
            by_first.setdefault(text[0], []).append((text, number))
            by_last.setdefault(text[-1], []).append((text, number))
        self._by_first = {letter: self._bucket(each) for letter, each in by_first.items()}
        self._by_last = {letter: self._bucket(each) for letter, each in by_last.items()}
        lengths = [len(text) for each in by_first.values() for text, _ in each]
        self._lengths = (min(lengths, default=0), max(lengths, default=0))

    @staticmethod
    def _bucket(items: list[tuple[str, int]]) -> _Bucket:
        items.sort(key=lambda item: len(item[0]))
        texts = [text for text, _ in items]
        return (
            [len(text) for text in texts],
            np.array([_letter_signature(text) for text in texts], np.uint64),
            texts,
            np.array([number for _, number in items], np.uint64),
        )

    def similar(self, text: str) -> set[int]:
        """The numbers of the strings starting or ending as ``text`` does at Levenshtein
        similarity :data:`~watchlist.matching.align.MERGE_FLOOR` or more."""
        found: set[int] = set()
        size = len(text)
        # The similarity floor bounds the length, and the distance (by the longer length),
        # hence the letters that may differ.
        low = math.ceil(MERGE_FLOOR * size - _EPSILON)
        high = math.floor(size / MERGE_FLOOR + _EPSILON)
        if high < self._lengths[0] or low > self._lengths[1]:
            return found
        distance = _floor(high, 1.0 - MERGE_FLOOR)
        signature = np.uint64(_letter_signature(text))
        cutoff = MERGE_FLOOR - _EPSILON
        for bucket in (self._by_first.get(text[0]), self._by_last.get(text[-1])):
            if bucket is None:
                continue
            lengths, signatures, texts, numbers = bucket
            start = bisect.bisect_left(lengths, low)
            end = bisect.bisect_right(lengths, high)
            if start == end:
                continue
            differing = np.bitwise_count(signatures[start:end] ^ signature)
            for k in (np.flatnonzero(differing <= 2 * distance) + start).tolist():
                if _levenshtein_similarity(text, texts[k], score_cutoff=cutoff):
                    found.add(int(numbers[k]))
        return found


class _LoadedTokens(dict[int, Token]):
    """The Tokens of a loaded index's listed words, by word id, each made when first read."""

    def __init__(self, words: list[str], abjad: list[bool]) -> None:
        super().__init__()
        self._words = words
        self._abjad = abjad

    def __missing__(self, word_id: int) -> Token:
        token = self[word_id] = word_token(self._words[word_id], self._abjad[word_id])
        return token


class CandidateIndex:
    """Every entry record of some lists, indexed by what a query must share with a hit.

    ``records`` are ``(list id, entry)`` pairs; :meth:`candidates` returns positions in them.
    Immutable once built (its caches of word lookups are safe to share between threads: a
    race costs a recomputation).
    """

    #: Organisation names prepared, by name id (all of them as built; once needed, loaded).
    _organisations: dict[int, PreparedName]
    _cached: CachedIndex | None

    def __init__(
        self,
        records: Iterable[tuple[str, Entry]],
        *,
        commonness: Callable[[str], float] | None = None,
    ) -> None:
        self.records: tuple[tuple[str, Entry], ...] = tuple(records)
        by_identifier: dict[str, list[int]] = {}
        names: dict[str, int] = {}
        name_records: list[list[int]] = []
        #: The name id of each name of each record, in the entry's order.
        self._record_name_ids: list[tuple[int, ...]] = []
        organisation_names: set[int] = set()
        for position, (_, entry) in enumerate(self.records):
            for identifier in entry.identifiers:
                by_identifier.setdefault(identifier_value(identifier), []).append(position)
            self._record_name_ids.append(
                tuple(names.setdefault(name.value, len(names)) for name in entry.names)
            )
            for name_id in self._record_name_ids[-1]:
                if name_id == len(name_records):
                    name_records.append([])
                if not name_records[name_id] or name_records[name_id][-1] != position:
                    name_records[name_id].append(position)
                if entry.kind is not EntityKind.PERSON:
                    organisation_names.add(name_id)
        self._by_identifier = {key: tuple(value) for key, value in by_identifier.items()}
        self._name_values = list(names)
        self._name_records = [np.array(each, np.int32) for each in name_records]
        self._words: list[str] = []
        #: Each word as a listed Token, for the scorer's word similarity.
        self._tokens: list[Token] = []
        self._word_ids: dict[str, int] = {}
        self._build_spellings(commonness)
        #: Whether each word is from a script without short vowels: its Token is made again
        #: from it and the word where the index is loaded (unpickled, or from its cache).
        self._abjad_words = np.array([token.abjad for token in self._tokens], bool)
        self._build_word_lookups()
        self._build_organisation_paths(organisation_names)
        #: Where the index is cached on disk, if it was loaded from or saved to a cache.
        self._cached = None
        self._start_caches()

    def _start_caches(self) -> None:
        #: The positions of the long words whose long-vowel reading is another string.
        self._long_read_differently = [
            k
            for k, (word, reading) in enumerate(
                zip(self._long_words, self._long_readings, strict=True)
            )
            if word != reading
        ]
        words = functools.lru_cache(maxsize=WORD_CACHE_SIZE)
        self._edge_words = words(self._find_edge_words)
        self._merges = words(self._find_merges)
        # Most pairs of query words run together meet no listed word: a small entry each.
        self._concat_postings = words(self._find_concat_postings)
        self._word_postings = functools.lru_cache(maxsize=POSTINGS_CACHE_SIZE)(
            self._find_word_postings
        )

    def _restore_derived(self) -> None:
        """What a loaded index (unpickled, or from its cache) makes again: the word ids and
        the caches; the listed words' Tokens and organisations' names are made when a query
        first needs them (all the Tokens at once cost a new process more than the rest of
        loading the index: their phonetic keys)."""
        self._word_ids = {word: word_id for word_id, word in enumerate(self._words)}
        # Read by word id only, as a list is, once the index is built.
        self._tokens = cast("list[Token]", _LoadedTokens(self._words, self._abjad_words.tolist()))
        self._organisations = {}
        self._cached = None
        self._start_caches()

    def __getstate__(self) -> dict[str, object]:
        # The caches are rebuilt where the index is unpickled (a worker process), and so are
        # the listed words' Tokens and the organisations' prepared names: hundreds of
        # thousands of small objects, which cost the pickling process about 80 MB more at its
        # peak than the few numbers they are made again from.
        state = dict(self.__dict__)
        for derived in (
            "_edge_words", "_merges", "_concat_postings", "_word_postings", "_tokens",
            "_organisations", "_word_ids", "_cached", "_long_read_differently",
        ):  # fmt: skip
            del state[derived]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._restore_derived()

    # -- the cache on disk -----------------------------------------------------------------

    @property
    def cached(self) -> CachedIndex | None:
        """Where this index is cached on disk, if it was loaded from or saved to a cache."""
        return self._cached

    def save_cache(self, directory: Path, key: str) -> CachedIndex:
        """Write this index as the cache ``key`` in ``directory`` (see
        :mod:`watchlist.matching._indexcache`), and say where."""
        fingerprint = _indexcache.records_fingerprint(self.records)
        path = _indexcache.save(self, directory, key, fingerprint)
        return CachedIndex(str(path), key, fingerprint)

    @classmethod
    def from_cache(
        cls,
        records: Iterable[tuple[str, Entry]],
        cached: CachedIndex,
        *,
        commonness: Callable[[str], float] | None = None,
    ) -> CandidateIndex:
        """The index over ``records`` cached where ``cached`` says, verified (each file's
        digest, the records' fingerprint, and with ``commonness`` each word's commonness);
        :class:`IndexCacheMiss` if it cannot be used."""
        index = _indexcache.load(
            tuple(records),
            Path(cached.path),
            cached.key,
            fingerprint=cached.fingerprint,
            commonness=commonness,
        )
        index._cached = cached
        return index

    def _organisation(self, name_id: int) -> PreparedName:
        """The organisation name ``name_id``, prepared (once, when first needed)."""
        prepared = self._organisations.get(name_id)
        if prepared is None:
            prepared = self._organisations[name_id] = prepare(self._name_values[name_id])
        return prepared

    # -- building --------------------------------------------------------------------------

    def _word_id(self, token: Token) -> int:
        word = token.text
        word_id = self._word_ids.get(word)
        if word_id is None:
            word_id = self._word_ids[word] = len(self._words)
            self._words.append(word)
            self._tokens.append(token)
        elif token.abjad:
            # From a script without short vowels a word meets more words: keep that one.
            self._tokens[word_id] = token
        return word_id

    def _build_spellings(self, commonness: Callable[[str], float] | None) -> None:
        """Every spelling of every listed name: its words, their weights, first letters and
        how common they are (by ``commonness`` of their variant group, if given), and the
        postings of its words and of its pairs of words."""
        postings = _Table(2)
        pair_postings = _Table(2)
        # Pairs of words by the (hashed) phonetic keys of the two run together: of all names
        # (for a query in Arabic script), and of names in Arabic script (any query merges
        # with them by key); and the words of names in Arabic script by key.
        pair_keys = _Table(1)
        abjad_pairs = _Table(1)
        # And pairs of words of names not in Arabic script by their transliteration folds run
        # together (Mozaffari Nia meets Mozafariniya).
        pair_folds = _Table(1)
        abjad_keys: dict[str, set[int]] = {}
        # What a query initial pairs with (a word starting with its letter), and a query
        # legal form (another legal form).
        by_letter = _Table(2)
        legal_forms = _Table(2)
        spelling_names: list[int] = []
        spelling_words: list[tuple[Token, ...]] = []
        unbounded: set[int] = set()
        for name_id, value in enumerate(self._name_values):
            for tokens in prepare(value).spellings:
                spelling_id = len(spelling_names)
                spelling_names.append(name_id)
                spelling_words.append(tokens)
                ids = [self._word_id(token) for token in tokens]
                if len(tokens) > MASK_WORDS:
                    unbounded.add(name_id)
                    continue
                masks: dict[int, int] = {}
                for j, word_id in enumerate(ids):
                    masks[word_id] = masks.get(word_id, 0) | 1 << j
                for word_id, mask in masks.items():
                    postings.add(word_id, spelling_id, mask)
                letters: dict[str, int] = {}
                legal = 0
                for j, token in enumerate(tokens):
                    letters[token.text[0]] = letters.get(token.text[0], 0) | 1 << j
                    if token.role is Role.LEGAL_FORM:
                        legal |= 1 << j
                for letter, mask in letters.items():
                    by_letter.add(ord(letter), spelling_id, mask)
                if legal:
                    legal_forms.add(0, spelling_id, legal)
                abjad = tokens[0].abjad
                for x, first in enumerate(ids):
                    for y, second in enumerate(ids):
                        if x == y:
                            continue
                        pair = first << 32 | second
                        pair_postings.add(pair, spelling_id, 1 << x | 1 << y)
                        for key in phonetic_keys(tokens[x].text + tokens[y].text):
                            pair_keys.add(_text_hash(key), pair)
                            if abjad:
                                abjad_pairs.add(_text_hash(key), pair)
                        if not abjad:
                            pair_folds.add(_text_hash(tokens[x].fold + tokens[y].fold), pair)
                if abjad:
                    for token, word_id in zip(tokens, ids, strict=True):
                        for key in token.keys:
                            abjad_keys.setdefault(key, set()).add(word_id)
        self._unbounded_names = frozenset(unbounded)
        self._postings = postings.build()
        self._pair_postings = pair_postings.build()
        self._pair_keys = pair_keys.build()
        self._abjad_pairs = abjad_pairs.build()
        self._pair_folds = pair_folds.build()
        self._joined_pairs = _ByEnds(
            (self._words[pair >> 32] + self._words[pair & 0xFFFFFFFF], pair)
            for pair in self._pair_postings.keys.tolist()
        )
        self._abjad_keys = {key: tuple(sorted(value)) for key, value in abjad_keys.items()}
        self._by_first_letter = by_letter.build()
        self._legal_forms = legal_forms.build().postings((0,))
        self._spelling_names = np.array(spelling_names, np.int32)
        width = min(MASK_WORDS, max((len(t) for t in spelling_words), default=1))
        self._spelling_weights = np.zeros((len(spelling_words), width))
        self._spelling_totals = np.zeros(len(spelling_words))
        # The commonness step of each name word (a word that does not identify cannot be an
        # agreeing name word: the top step, which lowers no spelling's least).
        self._spelling_commonness = np.full(
            (len(spelling_words), width), COMMONNESS_STEPS, np.uint8
        )
        steps: dict[str, int] = {}
        #: The commonness step of each word's variant group (checked where a cache is loaded).
        self._word_steps = steps
        for spelling_id, tokens in enumerate(spelling_words):
            self._spelling_totals[spelling_id] = sum(token.weight for token in tokens)
            for j, token in enumerate(tokens[:MASK_WORDS]):
                self._spelling_weights[spelling_id, j] = token.weight
                if token.identifies:
                    step = steps.get(token.canonical)
                    if step is None:
                        # Rounded down: a step's floor is at most that of the word itself.
                        share = 0.0 if commonness is None else commonness(token.canonical)
                        step = math.floor(share * COMMONNESS_STEPS)
                        step = steps[token.canonical] = min(COMMONNESS_STEPS, max(0, step))
                    self._spelling_commonness[spelling_id, j] = step

    def _build_word_lookups(self) -> None:
        self._by_canonical: dict[str, list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_fold: dict[str, list[int]] = {}
        # The deletion neighbourhoods are the largest part of the index (about a million
        # strings for the SDN and UN lists): kept as hashes.
        deletions_table = _Table(1, "I")
        self._long_words: list[str] = []
        self._long_ids: list[int] = []
        for word_id, word in enumerate(self._words):
            self._by_canonical.setdefault(canonical_spelling(word), []).append(word_id)
            self._by_fold.setdefault(transliteration_fold(word), []).append(word_id)
            for key in phonetic_keys(word):
                if len(key) >= 2:
                    self._by_key.setdefault(key, []).append(word_id)
            if len(word) > DELETION_LIMIT:
                self._long_words.append(word)
                self._long_ids.append(word_id)
            else:
                # A word is also found by its long-vowel reading, which the scorer compares
                # where a side is from a script without short vowels.
                budget = _floor(len(word), _EDIT_RATIO)
                variants = deletions(word, budget)
                reading = long_vowel_reading(word)
                if reading != word:
                    variants |= deletions(reading, budget)
                for variant in variants:
                    deletions_table.add(_text_hash(variant), word_id)
        # Long words by length, to compare a text only with those of a length within reach.
        by_length = sorted(
            zip(self._long_words, self._long_ids, strict=True), key=lambda w: len(w[0])
        )
        self._long_words = [word for word, _ in by_length]
        self._long_readings = [long_vowel_reading(word) for word in self._long_words]
        self._long_ids = [word_id for _, word_id in by_length]
        self._long_lengths = [len(word) for word in self._long_words]
        self._long_words_by_ends = _ByEnds(zip(self._long_words, self._long_ids, strict=True))
        self._deletions = deletions_table.build()

    def _build_organisation_paths(self, organisation_names: set[int]) -> None:
        self._organisations = {}
        by_bigram: dict[tuple[str, int], list[int]] = {}
        self._by_initials: dict[str, list[int]] = {}
        self._by_single_word: dict[str, list[int]] = {}
        for name_id in sorted(organisation_names):
            prepared = prepare(self._name_values[name_id])
            if not prepared.spellings:
                continue
            self._organisations[name_id] = prepared
            if prepared.joined_distinctive:
                for gram in _bigrams(prepared.joined):
                    by_bigram.setdefault(gram, []).append(name_id)
            for initials in prepared.initials:
                self._by_initials.setdefault(initials, []).append(name_id)
            if len(prepared.single_word) > 2:
                self._by_single_word.setdefault(prepared.single_word, []).append(name_id)
        self._by_bigram = {gram: np.array(ids, np.int32) for gram, ids in by_bigram.items()}
        #: The organisation names indexed (those with a spelling).
        self._organisation_ids = np.array(sorted(self._organisations), np.int32)
        # Lengths of the names run together, all and distinctive words (0: not indexed).
        self._joined_lengths = np.zeros((2, len(self._name_values)), np.int32)
        for name_id, prepared in self._organisations.items():
            self._joined_lengths[:, name_id] = (
                len(prepared.joined),
                len(prepared.joined_distinctive),
            )

    # -- words ---------------------------------------------------------------------------

    def _deletion_neighbours(self, text: str, budget: int) -> set[int]:
        """Listed words of at most :data:`DELETION_LIMIT` letters that share a string (its
        hash) with ``text`` once ``text`` loses at most ``budget`` letters and the word at most
        its own deletion budget: necessary for a word that close, not sufficient."""
        # Indexed variants are at most DELETION_LIMIT letters long: a text that stays longer
        # with every deletion it is allowed cannot meet one.
        if len(text) - budget > DELETION_LIMIT:
            return set()
        # Sorted, the hashes are looked up in the order they are stored: fewer cache misses.
        crc32 = zlib.crc32
        (words,) = self._deletions.rows(
            sorted([crc32(variant.encode()) for variant in deletions(text, budget)])
        )
        return set(words.tolist())

    def _similar_words(self, text: str) -> set[int]:
        """Listed words within OSA similarity :data:`~watchlist.matching.align.
        SIMILARITY_FLOOR` of ``text``, or whose long-vowel reading is within it of that of
        ``text`` (:func:`~watchlist.matching.align.long_vowel_reading`)."""
        cutoff = SIMILARITY_FLOOR - _EPSILON
        words = self._words
        reading = long_vowel_reading(text)
        budget = _floor(len(text), _EDIT_RATIO)
        neighbours = self._deletion_neighbours(text, budget)
        if reading != text:
            neighbours |= self._deletion_neighbours(reading, budget)
        found = {
            w
            for w in neighbours
            if _osa_similarity(text, words[w], score_cutoff=cutoff)
            or _osa_similarity(reading, long_vowel_reading(words[w]), score_cutoff=cutoff)
        }
        # A longer listed word is within reach only if the length ratio allows it.
        longest = math.floor(len(text) / SIMILARITY_FLOOR + _EPSILON)
        if longest > DELETION_LIMIT:
            start = bisect.bisect_left(
                self._long_lengths, math.ceil(len(text) * SIMILARITY_FLOOR - _EPSILON)
            )
            end = bisect.bisect_right(self._long_lengths, longest)
            long_ids = self._long_ids
            for _, _, index in process.extract_iter(
                text, self._long_words[start:end], scorer=_osa_similarity, score_cutoff=cutoff
            ):
                found.add(long_ids[start + index])
            # The readings: where neither word has a y or w to read, the comparison above.
            positions: Sequence[int] = range(start, end)
            if reading == text:
                differing = self._long_read_differently
                positions = differing[
                    bisect.bisect_left(differing, start) : bisect.bisect_left(differing, end)
                ]
            readings = self._long_readings
            for _, _, index in process.extract_iter(
                reading,
                [readings[k] for k in positions],
                scorer=_osa_similarity,
                score_cutoff=cutoff,
            ):
                found.add(long_ids[positions[index]])
        return found

    def _find_edge_words(self, token: Token) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Listed words the query word ``token`` pairs with at a similarity above 0 (other
        than a legal form against another), in order: found by the lookups, then kept if the
        scorer's own word similarity says so; and the similarity step of each
        (:func:`_similarity_step`)."""
        text = token.text
        found = self._similar_words(text)
        found.update(self._by_canonical.get(canonical_spelling(text), ()))
        found.update(self._by_fold.get(token.fold, ()))
        # The token's keys are phonetic_keys(text) (word_token makes them so).
        for key in token.keys:
            if len(key) >= 2:
                found.update(self._by_key.get(key, ()))
        # A listed initial pairs with any word starting with its letter.
        initial = self._word_ids.get(text[0])
        if initial is not None:
            found.add(initial)
        tokens = self._tokens
        similar = {}
        for w in found:
            similarity = token_similarity(token, tokens[w])
            if similarity > 0:
                similar[w] = similarity
        words = sorted(similar)
        # The bound's similarity of each: a listed word is one Token in the index (the one
        # from a script without short vowels, if it is listed so anywhere), but the scorer
        # compares the Token of each spelling: for a word also listed from such a script,
        # the larger of its two Tokens' similarities.
        abjad, texts = self._abjad_words, self._words
        steps = []
        for w in words:
            similarity = similar[w]
            if abjad[w]:
                similarity = max(similarity, token_similarity(token, word_token(texts[w], False)))
            steps.append(_similarity_step(similarity))
        return tuple(words), tuple(steps)

    def _find_merges(self, token: Token) -> tuple[int, ...]:
        """Pairs of listed words (first, second; see ``_build_spellings``) that, run
        together, the query word ``token`` merges with."""
        text, abjad = token.text, token.abjad
        merges = self._joined_pairs.similar(text)
        # Listed names in Arabic script also merge by a shared consonant skeleton.
        by_key = self._pair_keys if abjad else self._abjad_pairs
        # A hash shared by another key only brings pairs the bound then weighs.
        (pairs,) = by_key.rows([_text_hash(key) for key in token.keys])
        merges.update(pairs.tolist())
        if not abjad:
            (pairs,) = self._pair_folds.rows([_text_hash(token.fold)])
            merges.update(pairs.tolist())
        return tuple(sorted(merges))

    def _concat_words(self, text: str, abjad: bool, fold: str) -> set[int]:
        """Listed words two query words run together (``text``, their transliteration folds
        run together ``fold``) could merge with."""
        # Listed words within the deletion limit through their neighbourhoods (see the
        # module documentation), longer ones by first and last letter.
        found = self._long_words_by_ends.similar(text)
        size = len(text)
        longest = min(DELETION_LIMIT, _floor(size, 1.0 / MERGE_FLOOR))
        if longest >= math.ceil(MERGE_FLOOR * size - _EPSILON):
            words = self._words
            cutoff = MERGE_FLOOR - _EPSILON
            found.update(
                w
                for w in self._deletion_neighbours(
                    text, _floor(max(size, longest), 1.0 - MERGE_FLOOR)
                )
                if (words[w][0] == text[0] or words[w][-1] == text[-1])
                and _levenshtein_similarity(text, words[w], score_cutoff=cutoff)
            )
        by_key: dict[str, tuple[int, ...]] | dict[str, list[int]] = (
            self._by_key if abjad else self._abjad_keys
        )
        for key in phonetic_keys(text):
            found.update(by_key.get(key, ()))
        if not abjad:
            found.update(self._by_fold.get(fold, ()))
        return found

    def _find_word_postings(self, token: Token) -> _Reach:
        """The spellings the query word ``token`` pairs with a word of, directly or through
        a merge, the positions of those words, and the most similar (as the scorer's
        ``token_similarity`` says) a word of each spelling is to ``token`` (taken as 1
        through an initial, a legal form or a merge)."""
        if token.role is Role.INITIAL:
            # An initial pairs with the words starting with its letter, and with its own
            # variant group.
            words: Collection[int] = self._by_canonical.get(canonical_spelling(token.text), ())
            parts = [_unknown_similarity(self._by_first_letter.postings((ord(token.text[0]),)))]
            parts.append(_unknown_similarity(self._postings.postings(words)))
        else:
            parts = (
                [_unknown_similarity(self._legal_forms)] if token.role is Role.LEGAL_FORM else []
            )
            parts.append(self._similar_postings(*self._edge_words(token)))
        parts.append(_unknown_similarity(self._pair_postings.postings(self._merges(token))))
        return _merged(parts)

    def _similar_postings(self, words: Sequence[int], steps: Sequence[int]) -> _Reach:
        """The postings of ``words`` (sorted), each spelling with the most of the similarity
        ``steps`` of its words among them."""
        if not words:
            return _NO_REACH
        (spellings, masks), keys = self._postings.rows_by_key(words)
        return spellings.astype(np.intp), masks, np.array(steps, np.uint8)[keys]

    def _find_concat_postings(self, text: str, abjad: bool, fold: str) -> _Reach:
        """The spellings with a word two query words run together (``text``; ``fold``, their
        folds run together) merge with."""
        return _merged(
            [_unknown_similarity(self._postings.postings(self._concat_words(text, abjad, fold)))]
        )

    # -- queries ---------------------------------------------------------------------------

    def candidates(
        self, query: Party, name_floor: float, whole_name_floor: float | None = None
    ) -> list[int] | None:
        """Positions of the records with a name that could reach name score ``name_floor``
        (``whole_name_floor`` through organisations' names compared whole, if it differs)
        against ``query``, or sharing an identifier with it, in order; ``None`` when this
        query cannot be bounded and every record must be scored (see the module
        documentation)."""
        found = self.lookup(query, name_floor, whole_name_floor)
        return None if found is None else list(found)

    def lookup(
        self,
        query: Party,
        name_floor: float,
        whole_name_floor: float | None = None,
        *,
        floors_by_commonness: Sequence[float] | None = None,
    ) -> dict[int, tuple[Name, ...] | None] | None:
        """The records with a name that could reach name score ``name_floor`` against
        ``query`` (``whole_name_floor`` through organisations' names compared whole, if it
        differs), or sharing an identifier with it, by position in order, each with those of
        its entry's names that could (``None``: every name, for a record an identifier
        brought); ``None`` when this query cannot be bounded and every record must be scored.

        The scorer says what name score a hit needs
        (:meth:`~watchlist.matching.FeatureScorer.name_floor`); a name outside those found
        scores under it, so the best name of a hit is among them (and the first best, in
        order, as among all the names).

        ``floors_by_commonness``, if given, are the name scores a hit needs where every
        agreeing name word is at least ``k / COMMONNESS_STEPS`` common, for each ``k``
        (:meth:`~watchlist.matching.FeatureScorer.name_floors_by_commonness`, the first
        ``name_floor``): a spelling whose name words the query reaches are all that common
        must reach that floor (the index keeps each word's commonness as built)."""
        floor = name_floor - _EPSILON
        by_commonness = (
            None
            if floors_by_commonness is None
            else np.asarray(floors_by_commonness, np.float64) - _EPSILON
        )
        whole_floor = (name_floor if whole_name_floor is None else whole_name_floor) - _EPSILON
        if floor <= 0.0:
            return None
        # An identifier equal may give a hit whatever the names: a candidate.
        by_identifier: set[int] = set()
        for identifier in query.identifiers:
            by_identifier.update(self._by_identifier.get(identifier_value(identifier), ()))
        names = self.candidate_names(
            query.names,
            floor,
            organisations=query.kind is not EntityKind.PERSON,
            whole_floor=whole_floor,
            by_commonness=by_commonness,
        )
        if names is None:
            return None
        positions = set(by_identifier)
        for name_id in names:
            positions.update(self._name_records[name_id].tolist())
        records, record_name_ids = self.records, self._record_name_ids
        return {
            position: None
            if position in by_identifier
            else tuple(
                name
                for name, name_id in zip(
                    records[position][1].names, record_name_ids[position], strict=True
                )
                if name_id in names
            )
            for position in sorted(positions)
        }

    def candidate_names(
        self,
        query_names: Sequence[str],
        floor: float,
        *,
        organisations: bool = True,
        whole_floor: float | None = None,
        by_commonness: npt.NDArray[np.float64] | None = None,
    ) -> set[int] | None:
        """Ids of the listed names that could reach name score ``floor`` against one of
        ``query_names`` (``whole_floor`` compared whole, if it differs; ``by_commonness``
        words paired, by how common, as :meth:`lookup` says); ``None`` if that cannot be
        bounded."""
        names: set[int] = set()
        for value in query_names:
            prepared = prepare(value)
            if not prepared.spellings:
                continue
            names |= self._unbounded_names
            for tokens in prepared.spellings:
                if not self._add_word_candidates(tokens, floor, names, by_commonness):
                    return None
            if (
                organisations
                and self._organisation_ids.size
                and not self._add_organisation_candidates(
                    prepared, floor if whole_floor is None else whole_floor, names
                )
            ):
                return None
        return names

    def _add_word_candidates(
        self,
        tokens: tuple[Token, ...],
        floor: float,
        names: set[int],
        by_commonness: npt.NDArray[np.float64] | None,
    ) -> bool:
        """Add the names with a spelling that could reach ``floor`` against ``tokens``;
        False if the query has too many words to be bounded (it must be brute-forced)."""
        if len(tokens) > MASK_WORDS:
            return False
        # What each query word, and each two run together, reaches: (postings, query words).
        reaches = [(self._word_postings(token), 1 << i) for i, token in enumerate(tokens)]
        # Two query words run together may pair with one listed word.
        reaches.extend(
            (
                self._concat_postings(
                    first.text + second.text, first.abjad, first.fold + second.fold
                ),
                1 << i | 1 << j,
            )
            for i, first in enumerate(tokens)
            for j, second in enumerate(tokens)
            if i != j
        )
        reaches = [each for each in reaches if each[0][0].size]
        if not reaches:
            return True
        spellings: npt.NDArray[np.intp]
        if len(reaches) == 1:
            # One lookup reached anything (most names): its spellings, each once, as they are.
            (spellings, listed_bits, steps), bits = reaches[0]
            reached = np.full(len(spellings), bits, np.uint64)
        else:
            reached = np.zeros(len(self._spelling_names), np.uint64)
            listed = np.zeros(len(self._spelling_names), np.uint64)
            most = np.zeros(len(self._spelling_names), np.uint8)
            for (ids, masks, similar), bits in reaches:
                # Each spelling appears once in ``ids``, so the updates do not collide.
                reached[ids] |= np.uint64(bits)
                listed[ids] |= masks
                most[ids] = np.maximum(most[ids], similar)
            # Compared first: numpy finds the nonzero of 64-bit numbers eight times slower.
            spellings = np.flatnonzero(reached != 0)
            reached, listed_bits, steps = reached[spellings], listed[spellings], most[spellings]
        # The most similar any pair of words can be: every pair's worth is at most that
        # share of its weight (see the module documentation).
        most_similar = _STEP_SIMILARITIES[steps]
        # For each spelling, the weight of the query words reached, and how many listed words
        # they may pair with: one a query word, or two through a merge, of weight <= 1.
        query_paired, most_listed = _sums_over_bits(
            reached,
            np.array([(token.weight, 2.0 if self._merges(token) else 1.0) for token in tokens]),
        ).T
        query_total = sum(token.weight for token in tokens)
        totals = query_total + self._spelling_totals[spellings]
        # First with each listed word reached counted 1 (a word weighs at most 1): cheap, and
        # most spellings a common word reaches stop there.
        # Unpaired words count half only once two name words pair: two pairs at least.
        factors = np.where(most_listed >= 2.0, PERSON_UNPAIRED_FACTOR, 1.0)
        upper = query_paired + np.minimum(np.bitwise_count(listed_bits), most_listed)
        kept = _may_reach(upper, totals, floor, factors, most_similar)
        spellings, listed_bits, factors = spellings[kept], listed_bits[kept], factors[kept]
        most_similar = most_similar[kept]
        if not spellings.size:
            return True
        # Up to the last listed word reached, not every spelling's width.
        width = int(np.bitwise_or.reduce(listed_bits)).bit_length()
        paired_listed = (listed_bits[:, None] & _BITS[:width]) != 0
        paired = query_paired[kept] + np.minimum(
            (paired_listed * self._spelling_weights.take(spellings, axis=0)[:, :width]).sum(axis=1),
            most_listed[kept],
        )
        floors: float | npt.NDArray[np.float64] = floor
        if by_commonness is not None:
            # The least commonness of the name words reached: the agreeing ones are among them.
            least = np.where(
                paired_listed,
                self._spelling_commonness.take(spellings, axis=0)[:, :width],
                COMMONNESS_STEPS,
            ).min(axis=1)
            floors = by_commonness[least]
        reaching = _may_reach(paired, totals[kept], floors, factors, most_similar)
        names.update(self._spelling_names[spellings[reaching]].tolist())
        return True

    def _add_organisation_candidates(
        self, prepared: PreparedName, floor: float, names: set[int]
    ) -> bool:
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
        postings = [self._by_bigram[gram] for gram in grams if gram in self._by_bigram]
        if not postings:
            return True
        sharing = np.flatnonzero(np.bincount(np.concatenate(postings)) >= shared)
        # Both similarities reach ``floor``, so both length ratios do.
        within = np.ones(len(sharing), bool)
        for listed_lengths, size in zip(
            self._joined_lengths[:, sharing],
            (len(prepared.joined), len(prepared.joined_distinctive)),
            strict=True,
        ):
            within &= listed_lengths >= math.ceil(floor * size - _EPSILON)
            within &= listed_lengths <= math.floor(size / floor + _EPSILON)
        joined = prepared.joined
        for name_id in sharing[within].tolist():
            if name_id not in names:
                listed = self._organisation(name_id)
                if (
                    Levenshtein.normalized_similarity(joined, listed.joined, score_cutoff=floor)
                    and whole_name_similarity(prepared, listed) >= floor
                ):
                    names.add(name_id)
        return True


#: An index cache that cannot be used: absent, incomplete, corrupt, not private, or for other
#: lists, records or scorer (see :mod:`watchlist.matching._indexcache`).
IndexCacheMiss = _indexcache.CacheMiss

_log = logging.getLogger("watchlist.index")


@attrs.frozen
class CachedIndex:
    """Where a candidate index is cached on disk: its directory, its key and the fingerprint
    of the records it indexes (what a worker process needs to load it, verified)."""

    path: str
    key: str
    fingerprint: str


@attrs.frozen
class IndexCache:
    """Where to keep the candidate index (``directory``, in which each cache has its own
    directory, by key), and the list versions it is built over: each list id with the
    SHA-256 digests of its versions, in the order of the records."""

    directory: Path = attrs.field(converter=Path)
    lists: tuple[tuple[str, tuple[str, ...]], ...]


def cached_index(
    records: Records,
    cache: IndexCache,
    *,
    commonness: Callable[[str], float] | None,
    calibration: object,
) -> CandidateIndex:
    """The candidate index over ``records``, from ``cache`` where it holds a usable one, else
    built and saved there (see :mod:`watchlist.matching._indexcache`). A cache that cannot
    be used is never used: it is rebuilt, with a warning logged (``watchlist.index``)."""
    key = _indexcache.cache_key(cache.lists, calibration)
    records = tuple(records)
    fingerprint = _indexcache.records_fingerprint(records)
    cached = CachedIndex(str(_indexcache.cache_path(cache.directory, key)), key, fingerprint)
    path = Path(cached.path)
    writable = True
    if path.exists():
        try:
            return CandidateIndex.from_cache(records, cached, commonness=commonness)
        except IndexCacheMiss as miss:
            _log.warning("the index cache is not used, the index is built again: %s", miss)
            writable = not path.is_symlink() and _indexcache.private(cache.directory)
            if writable:
                _indexcache.remove(path)
    index = CandidateIndex(records, commonness=commonness)
    if writable and _indexcache.private(cache.directory):
        try:
            index._cached = index.save_cache(cache.directory, key)
        except OSError as error:
            # A cache that cannot be written (a read-only directory) only costs a build.
            _log.warning("the index cache cannot be written in %s: %s", cache.directory, error)
    return index


def retrieval_for(scorer: Scorer, records: Records) -> Retrieval:
    """The retrieval ``scorer`` owns over ``records``, or one that scores every record."""
    if isinstance(scorer, IndexedScorer):
        return scorer.retrieval(records)
    return ScoreEveryRecord(scorer, records)


@attrs.frozen
class ScoreEveryRecord:
    """The retrieval of a scorer that owns none: every record is scored."""

    scorer: Scorer
    records: Records

    def candidates(self, query: Party, threshold: float) -> Candidates | None:
        """Always ``None``: every record is scored."""
        return None

    def match(
        self, query: Party, entry: Entry, listed_names: Sequence[Name] | None, threshold: float
    ) -> Match | None:
        match = self.scorer.compare(query, entry)
        return match if match.score >= threshold else None


@attrs.frozen
class IndexedRetrieval:
    """:class:`CandidateIndex` over the records, for a :class:`FeatureScorer`, which says what
    name score a hit needs (:meth:`FeatureScorer.name_floors`)."""

    scorer: FeatureScorer
    index: CandidateIndex

    @property
    def records(self) -> tuple[tuple[str, Entry], ...]:
        return self.index.records

    def candidates(self, query: Party, threshold: float) -> Candidates | None:
        return self.index.lookup(
            query,
            *self.scorer.name_floors(threshold, query),
            floors_by_commonness=self.scorer.name_floors_by_commonness(threshold, query),
        )

    def match(
        self, query: Party, entry: Entry, listed_names: Sequence[Name] | None, threshold: float
    ) -> Match | None:
        return self.scorer.match(query, entry, threshold, listed_names=listed_names)
