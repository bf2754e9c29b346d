"""The matcher's shortcuts against the plain computations they stand for.

Scoring takes shortcuts for speed: a cache of word similarities, totals passed in rather than
recomputed, a test on word lengths before looking for words run together, the kinds of the two
parties read once for every pair of names, an ASCII fast path in ``script_of``. Each must give
exactly (not approximately) what the plain computation gives.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from watchlist.matching.align import (
    ABJAD_KEY_SIMILARITY,
    INITIAL_SIMILARITY,
    LEGAL_FORMS_SIMILARITY,
    SIMILARITY_FLOOR,
    TRANSLITERATION_SIMILARITY,
    VARIANT_SIMILARITY,
    align,
    clear_caches,
    may_merge,
    token_similarity,
)
from watchlist.matching.calibration import shipped_calibration
from watchlist.matching.evidence import name_feature_values
from watchlist.matching.features import BestName, best_name, name_pair, person_rules
from watchlist.matching.frequency import WordFrequencies
from watchlist.matching.names import Role, Token, prepare
from watchlist.model import AliasStrength, EntityKind, Name, script_of
from watchlist.testing import any_script_names, made_up_words, person_names


def script_by_character(text: str) -> str:
    """``script_of`` without its fast path: every letter looked up in the Unicode database."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            family = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
            counts["Latn" if family == "LATIN" else "Zyyy"] += 1
    return counts.most_common(1)[0][0] if counts else "Zyyy"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_script_fast_path_agrees_with_the_unicode_database(text: str) -> None:
    assert script_of(text) == script_by_character(text)


def plain_word_similarity(a: Token, b: Token) -> float:
    """Word similarity as the module documentation of ``align`` states it, computed in full."""
    if a.text == b.text:
        return 1.0
    if a.canonical == b.canonical:
        return VARIANT_SIMILARITY
    if (a.role is Role.PARTICLE) != (b.role is Role.PARTICLE):
        return 0.0
    if Role.INITIAL in (a.role, b.role):
        return INITIAL_SIMILARITY if a.text[0] == b.text[0] else 0.0
    similarity = OSA.normalized_similarity(a.text, b.text)
    if a.abjad or b.abjad:
        # y and w may be read as the long vowels i and u they write.
        long_vowels = str.maketrans("yw", "iu")
        read = OSA.normalized_similarity(
            a.text.translate(long_vowels), b.text.translate(long_vowels)
        )
        similarity = max(similarity, read)
    if any(len(key) >= 2 and key in b.keys for key in a.keys):
        if a.abjad or b.abjad:
            similarity = max(similarity, ABJAD_KEY_SIMILARITY)
        else:
            similarity = (1.0 + similarity) / 2
    if similarity >= SIMILARITY_FLOOR:
        if not (a.abjad or b.abjad) and a.fold == b.fold:
            return max(similarity, TRANSLITERATION_SIMILARITY)
        return similarity
    both_legal_forms = a.role is Role.LEGAL_FORM and b.role is Role.LEGAL_FORM
    return LEGAL_FORMS_SIMILARITY if both_legal_forms else 0.0


words = st.one_of(
    any_script_names(max_parts=2), made_up_words(1, 8), st.sampled_from(["ltd", "llc"])
)


@st.composite
def same_skeleton(draw: st.DrawFn) -> tuple[str, str]:
    """Two words with one consonant skeleton and different vowels (Haqqani, Haqaany): their
    edit similarity is anywhere, and the shared skeleton raises it."""
    consonants = draw(st.lists(st.sampled_from("bdfklmnrst"), min_size=2, max_size=5))
    vowels = st.text(alphabet="aeiou", max_size=3)
    a = "".join(draw(vowels) + consonant for consonant in consonants)
    b = "".join(draw(vowels) + consonant for consonant in consonants)
    return a, b


@given(st.one_of(st.tuples(words, words), same_skeleton()))
def test_word_similarity_is_the_documented_one_computed_in_full(names: tuple[str, str]) -> None:
    a, b = names
    clear_caches()
    for first in (t for spelling in prepare(a).spellings for t in spelling):
        for second in (t for spelling in prepare(b).spellings for t in spelling):
            # The same words as from a script without short vowels score by other rules.
            for pair in ((first, second), (attrs.evolve(first, abjad=True), second)):
                expected = plain_word_similarity(*pair)
                assert token_similarity(*pair) == expected  # computed
                assert token_similarity(*pair) == expected  # read from the cache


@st.composite
def run_together(draw: st.DrawFn) -> tuple[str, str]:
    """A name, and the same name with two of its words written as one (Abbas Ali, Abbasali)."""
    words = draw(st.lists(made_up_words(3, 6), min_size=3, max_size=5))
    at = draw(st.integers(0, len(words) - 2))
    joined = [*words[:at], words[at] + words[at + 1], *words[at + 2 :]]
    return " ".join(draw(st.permutations(words))), " ".join(joined)


name_pairs = st.one_of(st.tuples(any_script_names(), any_script_names()), run_together())


@given(name_pairs, st.booleans())
def test_cached_word_similarities_give_the_scores_of_fresh_ones(
    names: tuple[str, str], person: bool
) -> None:
    query, listed = (prepare(name).spellings for name in names)
    pairs = [(q, w) for q in query for w in listed]
    clear_caches()
    fresh = [align(q, w, person=person) for q, w in pairs]
    assert [align(q, w, person=person) for q, w in pairs] == fresh
    # Each word pair was computed once, then read back; either order gives the same.
    for q, w in pairs:
        for a in q:
            for b in w:
                assert token_similarity(a, b) == token_similarity(b, a)


@given(st.one_of(st.tuples(person_names(), person_names()), run_together()), st.booleans())
def test_totals_and_the_length_test_passed_in_change_nothing(
    names: tuple[str, str], person: bool
) -> None:
    # Latin names: the length test is stated for them (a word from a script without short
    # vowels meets its romanisation at a lower merge floor).
    query, listed = prepare(names[0]), prepare(names[1])
    for qi, q in enumerate(query.spellings):
        for li, w in enumerate(listed.spellings):
            plain = align(q, w, person=person)
            shortcut = align(
                q,
                w,
                person=person,
                total_weight=query.weights[qi] + listed.weights[li],
                may_merge=may_merge(query.lengths[qi], listed.lengths[li]),
            )
            assert shortcut == plain


kinds = st.sampled_from(list(EntityKind))
listed_names = st.lists(
    st.builds(Name, any_script_names(), st.sampled_from(list(AliasStrength))),
    min_size=1,
    max_size=3,
)


@given(st.lists(any_script_names(), min_size=1, max_size=2), listed_names, kinds, kinds)
def test_best_name_is_the_pair_of_names_with_the_most_log_odds(
    query_names: list[str], listed: list[Name], query_kind: EntityKind, listed_kind: EntityKind
) -> None:
    """best_name skips pairs whose name score cannot beat the best so far: it must still find
    the first pair of most log-odds, every pair weighed in full."""
    calibration = shipped_calibration()
    frequencies = WordFrequencies.unknown(calibration.unknown_commonness)
    best: tuple[float, str, Name] | None = None
    for query_name in query_names:
        for listed_name in listed:
            query, candidate = prepare(query_name), prepare(listed_name.value)
            pair = name_pair(
                query,
                candidate,
                person=person_rules(query_kind, listed_kind, query, candidate),
                weak=listed_name.strength is AliasStrength.WEAK,
                frequencies=frequencies,
            )
            log_odds = calibration.name_log_odds(pair.score, name_feature_values(pair))
            if best is None or log_odds > best[0]:
                best = (log_odds, query_name, listed_name)
    assert best is not None
    found = best_name(
        query_names,
        listed,
        query_kind=query_kind,
        listed_kind=listed_kind,
        calibration=calibration,
        frequencies=frequencies,
    )
    assert (found.log_odds, found.query_name, found.listed_name) == best
    name = found.features[0]
    rules = (
        "(person rules)"
        if person_rules(query_kind, listed_kind, prepare(found.query_name), prepare(name_of(found)))
        else "(organisation rules)"
    )
    assert rules in name.detail or "nothing left to compare" in name.detail
    assert sum(feature.weight for feature in found.features) + calibration.intercept == (
        pytest.approx(found.log_odds)
    )


def name_of(found: BestName) -> str:
    return found.listed_name.value
