"""What the structure of two names says beyond their word alignment: the name features.

Each feature is a function of a :class:`NamePair` (the best alignment of a query name with a
listed name) returning a value in [0, 1]; its docstring is the explanation users read. The
calibrated model (:mod:`watchlist.matching.calibration`) weighs them, with the name score, into
the log-odds that the two names name the same party. A feature that is 0 adds nothing and is
left out of explanations.

Most features are evidence *against* (a given name on each side that the other lacks, a
qualifier that disagrees); the model keeps their weights at or below 0, so that the candidate
index's bound on the name score stays sound (see :meth:`Calibration.name_floor`).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from watchlist.matching.frequency import WordFrequencies
from watchlist.matching.names import ACRONYM_SIMILARITY, PreparedName, Role, Token, is_acronym
from watchlist.matching.phonetic import korean_syllable


@attrs.frozen
class NamePair:
    """A query name and a listed name as the alignment paired them."""

    query: PreparedName
    listed: PreparedName
    #: The spellings the best alignment used.
    query_words: tuple[Token, ...]
    listed_words: tuple[Token, ...]
    #: (query word, listed word, similarity)
    pairs: tuple[tuple[int, int, float], ...]
    #: The name score of the alignment, in [0, 1].
    score: float
    #: Whether the whole-name comparison of organisations (or an acronym) gave the score.
    whole: bool
    #: Whether the names were compared as persons' names.
    person: bool
    #: Whether the listed name is a weak alias.
    weak: bool
    frequencies: WordFrequencies

    #: The words of each side the alignment left unpaired, and the pairs of two name words
    #: (word, word, similarity): worked out once, from the above.
    unpaired_query: tuple[Token, ...] = attrs.field(init=False)
    unpaired_listed: tuple[Token, ...] = attrs.field(init=False)
    identifying_pairs: tuple[tuple[Token, Token, float], ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        paired_query = {i for i, _, _ in self.pairs}
        paired_listed = {j for _, j, _ in self.pairs}
        query, listed = self.query_words, self.listed_words
        object.__setattr__(
            self,
            "unpaired_query",
            tuple(t for i, t in enumerate(query) if i not in paired_query),
        )
        object.__setattr__(
            self,
            "unpaired_listed",
            tuple(t for j, t in enumerate(listed) if j not in paired_listed),
        )
        object.__setattr__(
            self,
            "identifying_pairs",
            tuple(
                (query[i], listed[j], similarity)
                for i, j, similarity in self.pairs
                if query[i].identifies and listed[j].identifies
            ),
        )


def near_exact(pair: NamePair) -> float:
    """How far the name score is into its last tenth (0.9 to 1): names that agree word for
    word are much stronger evidence than names that agree on most words. Names whose
    countries or parenthesised qualifiers disagree do not agree word for word, whatever the
    words outside them."""
    if conflicting_countries(pair) or conflicting_qualifiers(pair):
        return 0.0
    return near_exact_of(pair.score)


def near_exact_of(name_score: float) -> float:
    """:func:`near_exact` of a name score alone (rounded: 1 - 0.9 is not 0.1 in floating
    point, and a name given whole must be exactly 1)."""
    return round(max(0.0, name_score - 0.9) * 10.0, 9)


def conflicting_names(pair: NamePair) -> float:
    """A name word on each side that the other lacks: a different given name (or, for an
    organisation, a different distinctive word) rather than one left out; or, in a person's
    name, an initial that stands for none of the other side's words left over (Natalya V.
    against Natalya Yuryevna)."""
    query = {t.role for t in pair.unpaired_query}
    listed = {t.role for t in pair.unpaired_listed}
    if Role.NAME in query and Role.NAME in listed:
        return 1.0
    if not pair.person:
        return 0.0
    if Role.INITIAL in query and not listed.isdisjoint(_INITIAL_CONFLICTS):
        return 1.0
    return 1.0 if Role.INITIAL in listed and not query.isdisjoint(_INITIAL_CONFLICTS) else 0.0


#: Words an unpaired initial conflicts with: it would have paired with one it stood for.
_INITIAL_CONFLICTS = frozenset({Role.NAME, Role.PATRONYMIC, Role.INITIAL})


def conflicting_patronymics(pair: NamePair) -> float:
    """A patronymic on each side, and they differ (Ivanovich against Petrovich)."""
    query = any(t.role is Role.PATRONYMIC for t in pair.unpaired_query)
    listed = any(t.role is Role.PATRONYMIC for t in pair.unpaired_listed)
    return 1.0 if query and listed else 0.0


def missing_words(pair: NamePair) -> float:
    """Name words of one side that the other leaves out (up to three): a middle name a
    customer record omits is weak evidence against, a missing surname stronger."""
    missing = sum(t.identifies for t in pair.unpaired_query) + sum(
        t.identifies for t in pair.unpaired_listed
    )
    return min(missing, 3) / 3.0


def one_name_word(pair: NamePair) -> float:
    """Only one name word agrees, where a side has more: "Abu Ali" against "Ali Khan"."""
    if len(pair.identifying_pairs) >= 2:
        return 0.0
    longest = max(
        sum(t.identifies for t in pair.query_words), sum(t.identifies for t in pair.listed_words)
    )
    return 1.0 if longest >= 2 else 0.0


def first_name_missing(pair: NamePair) -> float:
    """A person's name in full order has one name word the other lacks, its first, and all of
    the other's: "Omar Sabawi Ibrahim" against "Sabawi Ibrahim". In Arabic and other name
    chains a child's name is the child's own name followed by the father's, so this is a
    relative as often as the same person. (Not where that word is one syllable, as the surname
    that starts a Korean or Chinese name is.)"""
    if not pair.person:
        return 0.0
    paired_query = {i for i, _, _ in pair.pairs}
    paired_listed = {j for _, j, _ in pair.pairs}
    missing_query = _unpaired_names(pair.query_words, paired_query)
    missing_listed = _unpaired_names(pair.listed_words, paired_listed)
    if bool(missing_query) == bool(missing_listed):
        return 0.0
    longer, words, missing, shorter = (
        (pair.query, pair.query_words, missing_query, pair.listed_words)
        if missing_query
        else (pair.listed, pair.listed_words, missing_listed, pair.query_words)
    )
    # "SURNAME, Given names" does not start with the given name.
    if len(missing) != 1 or "," in longer.value or sum(t.identifies for t in shorter) < 2:
        return 0.0
    first = next(index for index, token in enumerate(words) if token.identifies)
    # A Korean or Chinese name starts with the surname: one syllable left out is a surname.
    if missing[0] != first or korean_syllable(words[first].text):
        return 0.0
    return 1.0


def _unpaired_names(words: tuple[Token, ...], paired: set[int]) -> list[int]:
    return [index for index, token in enumerate(words) if token.identifies and index not in paired]


def misspelt(pair: NamePair) -> float:
    """How far the least similar pair of name words is from the same spelling: names that
    agree only through misspellings are weaker evidence."""
    similarities = [similarity for _, _, similarity in pair.identifying_pairs]
    return 1.0 - min(similarities) if similarities else 0.0


def common_words(pair: NamePair) -> float:
    """How common the rarest agreeing name word is across the loaded lists (0 for a word in
    one name in 10,000, 1 for a word in every name): "Mohammed" agreeing says little. It
    fades as the names near full agreement: a listed name given whole, however common its
    words, is what screening must not let pass."""
    words = [listed.canonical for _, listed, _ in pair.identifying_pairs]
    commonness = min(pair.frequencies.commonness(word) for word in words) if words else 1.0
    return commonness * (1.0 - near_exact(pair))


def conflicting_countries(pair: NamePair) -> float:
    """Each name names a place (a country or a point of the compass), none the same: "X
    Foundation (Kenya)" and "X Foundation (Tanzania)", "Bank of China" and "Bank of Japan",
    the "Northern Area" and "Southern Area" offices are different parties."""
    query, listed = pair.query.places, pair.listed.places
    return 1.0 if query and listed and query.isdisjoint(listed) else 0.0


def conflicting_qualifiers(pair: NamePair) -> float:
    """A parenthesised part on each side, none the same ("X (Eastern Europe)" against
    "X (Holdings)")."""
    query, listed = pair.query.qualifiers, pair.listed.qualifiers
    return 1.0 if query and listed and query.isdisjoint(listed) else 0.0


def conflicting_legal_forms(pair: NamePair) -> float:
    """A legal form on each side and no legal form the same (an LLC against a JSC)."""
    query = {t.canonical for t in pair.query_words if t.role is Role.LEGAL_FORM}
    listed = {t.canonical for t in pair.listed_words if t.role is Role.LEGAL_FORM}
    return 1.0 if query and listed and query.isdisjoint(listed) else 0.0


def conflicting_numbers(pair: NamePair) -> float:
    """Numbers on each side that differ ("Brigade 313" against "Brigade 314")."""
    query, listed = pair.query.numbers, pair.listed.numbers
    return 1.0 if query and listed and query != listed else 0.0


def weak_alias(pair: NamePair) -> float:
    """The listed name is a weak alias ("low quality" on the lists): too vague to identify a
    party alone."""
    return 1.0 if pair.weak else 0.0


def whole_name(pair: NamePair) -> float:
    """The organisations' names agree only compared whole, words run together ("Hizballah"
    against "Hizb Allah")."""
    return 1.0 if pair.whole and not _acronym(pair) else 0.0


def acronym(pair: NamePair) -> float:
    """One organisation's name is the initials of the other's words (IRGC against Islamic
    Revolutionary Guard Corps); the longer the acronym, the more it says: this is the share of
    the most it can say, reached at six letters."""
    if not (pair.whole and _acronym(pair)):
        return 0.0
    letters = len(pair.query.single_word or pair.listed.single_word)
    return min(letters, 6) / 6.0


def short_acronym(pair: NamePair) -> float:
    """The acronym has three letters or fewer (1), or four (0.5): so few letters stand for
    very many names (CRP for Club Rus Plc as much as for anything else)."""
    if not (pair.whole and _acronym(pair)):
        return 0.0
    letters = len(pair.query.single_word or pair.listed.single_word)
    return min(1.0, max(0.0, (5 - letters) / 2))


def _acronym(pair: NamePair) -> bool:
    return pair.score == ACRONYM_SIMILARITY and is_acronym(pair.query, pair.listed)


def organisation_rules(pair: NamePair) -> float:
    """The names were compared as organisations' names (every word counts)."""
    return 0.0 if pair.person else 1.0


NameFeature = Callable[[NamePair], float]

#: The name features, in the order of the calibration's weights, by name.
NAME_FEATURES: dict[str, NameFeature] = {
    "near_exact": near_exact,
    "conflicting_names": conflicting_names,
    "conflicting_patronymics": conflicting_patronymics,
    "missing_words": missing_words,
    "one_name_word": one_name_word,
    "first_name_missing": first_name_missing,
    "misspelt": misspelt,
    "common_words": common_words,
    "conflicting_countries": conflicting_countries,
    "conflicting_qualifiers": conflicting_qualifiers,
    "conflicting_legal_forms": conflicting_legal_forms,
    "conflicting_numbers": conflicting_numbers,
    "weak_alias": weak_alias,
    "whole_name": whole_name,
    "acronym": acronym,
    "short_acronym": short_acronym,
    "organisation_rules": organisation_rules,
}

#: Features that are evidence only against: their weights are fitted at or below 0.
AGAINST = frozenset(
    {
        "conflicting_names",
        "conflicting_patronymics",
        "missing_words",
        "one_name_word",
        "first_name_missing",
        "misspelt",
        "common_words",
        "conflicting_countries",
        "conflicting_qualifiers",
        "conflicting_legal_forms",
        "conflicting_numbers",
        "weak_alias",
        "whole_name",
        "short_acronym",
    }
)
#: Features that are evidence only for: weights at or above 0.
FOR = frozenset({"near_exact"})


#: Features of the words paired: they say nothing of names compared whole or as an acronym.
WORD_FEATURES = frozenset(
    {
        "conflicting_names",
        "conflicting_patronymics",
        "missing_words",
        "one_name_word",
        "first_name_missing",
        "misspelt",
        "common_words",
    }
)


def name_feature_values(pair: NamePair) -> tuple[float, ...]:
    """The value of every name feature, in :data:`NAME_FEATURES` order; for names compared
    whole or as an acronym, the features of the words paired are 0."""
    if pair.whole:
        return tuple(
            0.0 if name in WORD_FEATURES else feature(pair)
            for name, feature in NAME_FEATURES.items()
        )
    return tuple(feature(pair) for feature in NAME_FEATURES.values())
