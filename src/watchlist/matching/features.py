"""The features of a match: each returns a score in [0, 1] and a sentence saying why.

The name feature gives the base score. Every other feature is evidence that moves it: its
``weight`` in the :class:`~watchlist.model.FeatureScore` is the amount it adds (positive) or
takes away (negative), and the final score is the name score plus those amounts, kept in
[0, 1]. A feature with nothing to compare (no date of birth on one side) is left out rather
than scored. Agreement never lowers a score and disagreement never raises one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs
from rapidfuzz.distance import Levenshtein

from watchlist.dates import BirthDate, PartialDate
from watchlist.matching.align import align, may_merge
from watchlist.matching.names import PreparedName, Token, prepare
from watchlist.model import AliasStrength, EntityKind, FeatureScore, Identifier, Name

#: An organisation's name against its acronym (ISIL, Islamic State of Iraq and the Levant).
ACRONYM_SIMILARITY = 0.9
#: A weak alias ("low quality" on the lists) is too vague to identify a party alone.
WEAK_ALIAS_FACTOR = 0.9
#: Birth dates: the same day; compatible partial dates or ranges; more than a year apart.
BIRTH_DATE_EXACT = 0.05
BIRTH_DATE_COMPATIBLE = 0.02
BIRTH_DATE_CONFLICT = -0.15
#: Nationality: shared; both known and none shared.
NATIONALITY_SHARED = 0.02
NATIONALITY_CONFLICT = -0.05
#: Identifiers: one equal; same kind (and country) but every value different.
IDENTIFIER_EQUAL = 0.3
IDENTIFIER_CONFLICT = -0.1
#: A person screened against an organisation, or the other way round.
KIND_CONFLICT = -0.2


def person_rules(
    query_kind: EntityKind, listed_kind: EntityKind, query: PreparedName, listed: PreparedName
) -> bool:
    """Whether two names are compared as persons' names (tolerant of missing middle names).

    A side that says it is a person decides; then a side that says it is an organisation,
    vessel or aircraft; with neither kind known, names that carry a legal form or a generic
    organisation word ("LLC", "Movement") are organisations' and others persons'.
    """
    if listed_kind is EntityKind.PERSON or query_kind is EntityKind.PERSON:
        return True
    # Identity tests: an enum's hash is computed in Python, and this runs for every name pair.
    if query_kind is not EntityKind.UNKNOWN or listed_kind is not EntityKind.UNKNOWN:
        return False
    return not (query.looks_like_organisation or listed.looks_like_organisation)


@attrs.frozen
class NameComparison:
    """The best way two prepared names were found to match."""

    score: float
    query: tuple[Token, ...]
    listed: tuple[Token, ...]
    #: (query word, listed word, similarity)
    pairs: tuple[tuple[int, int, float], ...]
    #: Whether the whole-name comparison of organisations gave the score.
    whole: bool


def name_similarity(query: PreparedName, listed: PreparedName, *, person: bool) -> float:
    """The name score of two prepared names: the best over their spellings, in [0, 1].

    Symmetric. For organisations, the whole names (words run together) are also compared by
    Levenshtein similarity, and the better of the two scores kept.
    """
    return compare_names(query, listed, person=person).score


def whole_name_similarity(query: PreparedName, listed: PreparedName) -> float:
    """Two organisations' names compared whole, whatever their word breaks (Hizb Allah against
    Hizballah): the Levenshtein similarity of their distinctive words run together, times that
    of all their words run together. The first alone would ignore "Association" against
    "Organisation"; the second alone would let "Rahat Trading Company" pass for "Roshan
    Trading Company" on the strength of "Trading Company"."""
    return Levenshtein.normalized_similarity(
        query.joined_distinctive, listed.joined_distinctive
    ) * Levenshtein.normalized_similarity(query.joined, listed.joined)


def compare_names(query: PreparedName, listed: PreparedName, *, person: bool) -> NameComparison:
    """:func:`name_similarity`, with the spellings and word pairs that gave it."""
    return _comparison(query, listed, _best_alignment(query, listed, person))


def _comparison(query: PreparedName, listed: PreparedName, best: _Best) -> NameComparison:
    score, query_index, listed_index, pairs, whole = best
    if query_index < 0:
        return NameComparison(score, (), (), (), whole=whole)
    return NameComparison(
        score, query.spellings[query_index], listed.spellings[listed_index], pairs, whole=whole
    )


_Best = tuple[float, int, int, tuple[tuple[int, int, float], ...], bool]


def _best_alignment(query: PreparedName, listed: PreparedName, person: bool) -> _Best:
    """(score, query spelling, listed spelling, pairs, whether the whole-name score won)."""
    if len(query.spellings) == 1 and len(listed.spellings) == 1:
        # One spelling a side, the common case: no search over spellings.
        score, pairs = align(
            query.spellings[0],
            listed.spellings[0],
            person=person,
            total_weight=query.weights[0] + listed.weights[0],
            may_merge=may_merge(query.lengths[0], listed.lengths[0]),
        )
        best: _Best = (score, 0, 0, pairs, False)
        if score == 1.0:
            return best
    else:
        best = _best_spellings(query, listed, person)
    if not person:
        if query.joined_distinctive and listed.joined_distinctive:
            whole = whole_name_similarity(query, listed)
            if whole > best[0]:
                best = (whole, *best[1:4], True)
        if best[0] < ACRONYM_SIMILARITY and is_acronym(query, listed):
            best = (ACRONYM_SIMILARITY, *best[1:4], True)
    return best


def is_acronym(query: PreparedName, listed: PreparedName) -> bool:
    """Whether one name is the other's acronym of three letters or more (IRGC, Islamic
    Revolutionary Guard Corps; two letters name too many things)."""
    return (len(query.single_word) > 2 and query.single_word in listed.initials) or (
        len(listed.single_word) > 2 and listed.single_word in query.initials
    )


def _best_spellings(query: PreparedName, listed: PreparedName, person: bool) -> _Best:
    """The best alignment over the spellings of two names.

    Spellings with particles joined are tried only when the others leave a particle unpaired:
    only then can "Abd al-Rahman" gain from meeting "Abdulrahman" as abdalrahman. When both
    names have particles, joined spellings meet joined ones and the others the others.
    """
    best: _Best = (-1.0, -1, -1, (), False)
    both_have_particles = query.has_particles and listed.has_particles
    for joined_pass in (False, True):
        if joined_pass and not _particle_left_unpaired(query, listed, best):
            break
        for qi, query_tokens in enumerate(query.spellings):
            query_joined = query.particles_joined[qi]
            for li, listed_tokens in enumerate(listed.spellings):
                listed_joined = listed.particles_joined[li]
                if (query_joined or listed_joined) != joined_pass or (
                    both_have_particles and query_joined != listed_joined
                ):
                    continue
                score, pairs = align(
                    query_tokens,
                    listed_tokens,
                    person=person,
                    total_weight=query.weights[qi] + listed.weights[li],
                    may_merge=may_merge(query.lengths[qi], listed.lengths[li]),
                )
                if score > best[0]:
                    best = (score, qi, li, pairs, False)
                    if score == 1.0:
                        return best
    return best if best[0] >= 0.0 else (0.0, *best[1:4], False)


def _particle_left_unpaired(query: PreparedName, listed: PreparedName, best: _Best) -> bool:
    if best[1] < 0:
        return True
    query_tokens, listed_tokens = query.spellings[best[1]], listed.spellings[best[2]]
    paired_query = paired_listed = 0
    for i, j, _ in best[3]:
        paired_query |= 1 << i
        paired_listed |= 1 << j
    return any(t.joins and not paired_query >> i & 1 for i, t in enumerate(query_tokens)) or any(
        t.joins and not paired_listed >> j & 1 for j, t in enumerate(listed_tokens)
    )


_PERSON = EntityKind.PERSON
_UNKNOWN = EntityKind.UNKNOWN
_WEAK = AliasStrength.WEAK
#: How an explanation names each strength of listed name.
_STRENGTHS = {
    AliasStrength.PRIMARY: "primary name",
    AliasStrength.STRONG: "alias",
    AliasStrength.WEAK: f"weak alias, score x{WEAK_ALIAS_FACTOR}",
}


def name_feature(
    query_names: Sequence[str],
    listed_names: Sequence[Name],
    *,
    query_kind: EntityKind,
    listed_kind: EntityKind,
) -> tuple[FeatureScore, str, Name]:
    """The names compared word by word: the best pair of a query name and a listed name."""
    best: tuple[float, str, Name, PreparedName, PreparedName, bool, _Best] | None = None
    # What the kinds alone decide of person_rules, once for every pair of names.
    by_kind: bool | None = None
    if listed_kind is _PERSON or query_kind is _PERSON:
        by_kind = True
    elif query_kind is not _UNKNOWN or listed_kind is not _UNKNOWN:
        by_kind = False
    for query_name in query_names:
        query = prepare(query_name)
        for listed_name in listed_names:
            listed = prepare(listed_name.value)
            person = (
                by_kind
                if by_kind is not None
                else not (query.looks_like_organisation or listed.looks_like_organisation)
            )
            result = _best_alignment(query, listed, person)
            score = result[0]
            if listed_name.strength is _WEAK:
                score *= WEAK_ALIAS_FACTOR
            if best is None or score > best[0]:
                best = (score, query_name, listed_name, query, listed, person, result)
    if best is None:
        msg = "a comparison needs a name on each side"
        raise ValueError(msg)
    score, query_name, listed_name, query, listed, person, result = best
    strength = _STRENGTHS[listed_name.strength]
    sentence = (
        f"{query_name!r} against listed {listed_name.value!r} ({strength}): "
        f"{_explain(query, listed, result, person=person)}"
    )
    return FeatureScore("name", score, 1.0, sentence), query_name, listed_name


#: Below this name score an explanation counts the word pairs instead of listing them: such a
#: pair is far from any threshold, and screening meets many of them.
ITEMISE_FLOOR = 0.5


def _explain(
    query_name: PreparedName, listed_name: PreparedName, best: _Best, *, person: bool
) -> str:
    rules = "person" if person else "organisation"
    score, query_index, listed_index, pairs, whole = best
    if query_index < 0:
        return "nothing left to compare after normalisation"
    query, listed = query_name.spellings[query_index], listed_name.spellings[listed_index]
    used_query = {i for i, _, _ in pairs}
    used_listed = {j for _, j, _ in pairs}
    if score < ITEMISE_FLOOR:
        left = len(query) + len(listed) - len(used_query) - len(used_listed)
        return f"{len(pairs)} word pairs, {left} words unpaired ({rules} rules)"
    paired = ", ".join(
        [f"{query[i].text}={listed[j].text} {similarity:.2f}" for i, j, similarity in pairs]
    )
    sentence = f"words paired {paired or 'none'}"
    unpaired = [t.label for i, t in enumerate(query) if i not in used_query]
    unpaired += [t.label for j, t in enumerate(listed) if j not in used_listed]
    if unpaired:
        sentence += f"; unpaired {', '.join(unpaired)}"
    if whole:
        sentence += f"; whole names (or an acronym) {score:.2f} alike"
    return f"{sentence} ({rules} rules)"


def birth_date_feature(query: BirthDate | None, listed: Sequence[BirthDate]) -> FeatureScore | None:
    """Dates of birth: the same day, compatible (a year or range that holds the other), or
    more than a year apart from every listed date (a conflict)."""
    if query is None or not listed:
        return None
    listed_text = ", ".join(str(each) for each in listed)
    for each in listed:
        if _is_day(query) and _is_day(each) and query == each:
            return FeatureScore(
                "birth_date", 1.0, BIRTH_DATE_EXACT,
                f"{query} is a listed date of birth (+{BIRTH_DATE_EXACT})",
            )  # fmt: skip
    for each in listed:
        if query.first_day <= each.last_day and each.first_day <= query.last_day:
            return FeatureScore(
                "birth_date", 0.75, BIRTH_DATE_COMPATIBLE,
                f"{query} fits listed date of birth {each} (+{BIRTH_DATE_COMPATIBLE})",
            )  # fmt: skip
    gap = min(_year_gap(query, each) for each in listed)
    if gap <= 1:
        return FeatureScore(
            "birth_date", 0.5, 0.0,
            f"{query} is within a year of listed {listed_text}: neither for nor against",
        )  # fmt: skip
    return FeatureScore(
        "birth_date", 0.0, BIRTH_DATE_CONFLICT,
        f"{query} is {gap} years from every listed date of birth ({listed_text}) "
        f"({BIRTH_DATE_CONFLICT})",
    )  # fmt: skip


def _is_day(value: BirthDate) -> bool:
    return isinstance(value, PartialDate) and value.day is not None


def _year_gap(a: BirthDate, b: BirthDate) -> int:
    if a.last_day < b.first_day:
        return b.first_day.year - a.last_day.year
    return a.first_day.year - b.last_day.year


def nationality_feature(query: Sequence[str], listed: Sequence[str]) -> FeatureScore | None:
    """Nationalities or countries: one shared, or both known and none shared."""
    if not query or not listed:
        return None
    shared = sorted(set(query) & set(listed))
    if shared:
        return FeatureScore(
            "nationality", 1.0, NATIONALITY_SHARED,
            f"both {', '.join(shared)} (+{NATIONALITY_SHARED})",
        )  # fmt: skip
    return FeatureScore(
        "nationality", 0.0, NATIONALITY_CONFLICT,
        f"query {', '.join(query)} against listed {', '.join(listed)} ({NATIONALITY_CONFLICT})",
    )  # fmt: skip


_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


def _identifier_value(identifier: Identifier) -> str:
    return _NOT_ALPHANUMERIC.sub("", identifier.value.upper())


def _same_document_kind(a: Identifier, b: Identifier) -> bool:
    return a.kind == b.kind and (a.country is None or b.country is None or a.country == b.country)


def identifier_feature(
    query: Sequence[Identifier], listed: Sequence[Identifier]
) -> FeatureScore | None:
    """Identifiers (passport, national ID, tax number, IMO number): one equal is strong
    evidence; the same kind of document with every number different counts against."""
    comparable = [(q, w) for q in query for w in listed if _same_document_kind(q, w)]
    if not comparable:
        return None
    for q, w in comparable:
        if _identifier_value(q) == _identifier_value(w):
            return FeatureScore(
                "identifier", 1.0, IDENTIFIER_EQUAL,
                f"{q} equals listed {w} (+{IDENTIFIER_EQUAL})",
            )  # fmt: skip
    q, w = comparable[0]
    return FeatureScore(
        "identifier", 0.0, IDENTIFIER_CONFLICT,
        f"{q.kind} numbers differ: query {q.value} against listed {w.value} "
        f"({IDENTIFIER_CONFLICT})",
    )  # fmt: skip


def kind_feature(query: EntityKind, listed: EntityKind) -> FeatureScore | None:
    """The kind of party: a person against an organisation (or the reverse) counts against."""
    if query is listed or query is EntityKind.UNKNOWN or listed is EntityKind.UNKNOWN:
        return None
    if query is not EntityKind.PERSON and listed is not EntityKind.PERSON:
        return None
    return FeatureScore(
        "kind", 0.0, KIND_CONFLICT,
        f"a {query.value} against a listed {listed.value} ({KIND_CONFLICT})",
    )  # fmt: skip
