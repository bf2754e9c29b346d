"""The features of a match: each returns a value in [0, 1] and a sentence saying why.

The name feature pairs the words of every query name with those of every listed name; the name
features of :mod:`watchlist.matching.evidence` then say what the names' structure adds. The
other features are the secondary evidence: dates of birth, nationalities, identifiers, the
kind of party. In each :class:`~watchlist.model.FeatureScore` the ``weight`` is what the
feature adds to the log-odds of the calibrated model (:mod:`watchlist.matching.calibration`),
positive for evidence for and negative for evidence against. A feature with nothing to compare
(no date of birth on one side) is left out rather than scored. Agreement never lowers a score
and disagreement never raises one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import overload

import attrs
from rapidfuzz.distance import Levenshtein

from watchlist.dates import BirthDate, PartialDate
from watchlist.matching.align import align, may_merge
from watchlist.matching.calibration import Calibration
from watchlist.matching.evidence import NAME_FEATURES, NamePair, name_feature_values
from watchlist.matching.frequency import WordFrequencies
from watchlist.matching.names import ACRONYM_SIMILARITY, PreparedName, Token, is_acronym, prepare
from watchlist.model import AliasStrength, EntityKind, FeatureScore, Identifier, Name


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
    AliasStrength.WEAK: "weak alias",
}
_FEATURES = tuple(NAME_FEATURES.items())
#: What an explanation says of each name feature: the first sentence of its documentation.
_FEATURE_SENTENCES = {
    name: " ".join((feature.__doc__ or name).split()).split(": ")[0].rstrip(".")
    for name, feature in _FEATURES
}


@attrs.frozen
class BestName:
    """The pair of a query name and a listed name with the most log-odds, and its evidence."""

    log_odds: float
    query_name: str
    listed_name: Name
    #: The name feature, then each name feature of nonzero value.
    features: tuple[FeatureScore, ...]
    #: Whether any pair of names had words left to compare after normalisation.
    comparable: bool = True


def name_pair(
    query: PreparedName,
    listed: PreparedName,
    *,
    person: bool,
    weak: bool,
    frequencies: WordFrequencies,
    best: _Best | None = None,
) -> NamePair:
    """Two prepared names aligned (``best``: their alignment, if already found)."""
    comparison = _comparison(query, listed, best or _best_alignment(query, listed, person))
    return NamePair(
        query=query,
        listed=listed,
        query_words=comparison.query,
        listed_words=comparison.listed,
        pairs=comparison.pairs,
        score=comparison.score,
        whole=comparison.whole,
        person=person,
        weak=weak,
        frequencies=frequencies,
    )


@overload
def best_name(
    query_names: Sequence[str],
    listed_names: Sequence[Name],
    *,
    query_kind: EntityKind,
    listed_kind: EntityKind,
    calibration: Calibration,
    frequencies: WordFrequencies,
    least_log_odds: None = None,
) -> BestName: ...
@overload
def best_name(
    query_names: Sequence[str],
    listed_names: Sequence[Name],
    *,
    query_kind: EntityKind,
    listed_kind: EntityKind,
    calibration: Calibration,
    frequencies: WordFrequencies,
    least_log_odds: float | None,
) -> BestName | None: ...
def best_name(
    query_names: Sequence[str],
    listed_names: Sequence[Name],
    *,
    query_kind: EntityKind,
    listed_kind: EntityKind,
    calibration: Calibration,
    frequencies: WordFrequencies,
    least_log_odds: float | None = None,
) -> BestName | None:
    """The names compared word by word, and weighed with their name features: the pair of a
    query name and a listed name with the most log-odds (the first such, in order).

    With ``least_log_odds``, a pair whose word alignment shows that no name feature can lift
    it to that many log-odds (:meth:`~watchlist.matching.calibration.Calibration.best_log_odds`)
    is not weighed, and ``None`` says that no pair could: screening needs only the pairs that
    could give a hit, and weighing a pair costs several times aligning it."""
    best: tuple[float, str, Name, NamePair, tuple[float, ...], _Best] | None = None
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
            most = calibration.best_log_odds(result[0])
            if least_log_odds is not None and most < least_log_odds:
                continue
            # No name feature can lift this pair above the best so far; a pair with nothing
            # to compare is the best only if every pair is.
            if best is not None and (most <= best[0] or result[1] < 0):
                continue
            pair = name_pair(
                query,
                listed,
                person=person,
                weak=listed_name.strength is _WEAK,
                frequencies=frequencies,
                best=result,
            )
            values = name_feature_values(pair)
            log_odds = calibration.name_log_odds(pair.score, values)
            if best is None or log_odds > best[0] or best[5][1] < 0 <= result[1]:
                best = (log_odds, query_name, listed_name, pair, values, result)
    if best is None:
        if least_log_odds is not None:
            return None
        msg = "a comparison needs a name on each side"
        raise ValueError(msg)
    log_odds, query_name, listed_name, pair, values, result = best
    name_weight = calibration.name_weight
    sentence = (
        f"{query_name!r} against listed {listed_name.value!r} "
        f"({_STRENGTHS[listed_name.strength]}): "
        f"{_explain(pair.query, pair.listed, result, person=pair.person)} "
        f"({name_weight * pair.score:+.2f})"
    )
    features = [FeatureScore("name", pair.score, name_weight * pair.score, sentence)]
    weights = calibration.ordered_weights
    for (name, _), weight, value in zip(_FEATURES, weights, values, strict=True):
        if value and weight:
            contribution = weight * value
            features.append(
                FeatureScore(
                    name, value, contribution, f"{_FEATURE_SENTENCES[name]} ({contribution:+.2f})"
                )
            )
    comparable = result[1] >= 0
    return BestName(log_odds, query_name, listed_name, tuple(features), comparable)


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


def birth_date_feature(
    query: BirthDate | None, listed: Sequence[BirthDate], weights: Mapping[str, float]
) -> FeatureScore | None:
    """Dates of birth: the same day, compatible (a year or range that holds the other), or
    more than a year apart from every listed date (a conflict)."""
    if query is None or not listed:
        return None
    listed_text = ", ".join(str(each) for each in listed)
    for each in listed:
        if _is_day(query) and _is_day(each) and query == each:
            weight = weights["birth_date_exact"]
            return FeatureScore(
                "birth_date", 1.0, weight, f"{query} is a listed date of birth ({weight:+.2f})"
            )
    for each in listed:
        if query.first_day <= each.last_day and each.first_day <= query.last_day:
            weight = weights["birth_date_compatible"]
            return FeatureScore(
                "birth_date", 0.75, weight,
                f"{query} fits listed date of birth {each} ({weight:+.2f})",
            )  # fmt: skip
    gap = min(_year_gap(query, each) for each in listed)
    if gap <= 1:
        return FeatureScore(
            "birth_date", 0.5, 0.0,
            f"{query} is within a year of listed {listed_text}: neither for nor against",
        )  # fmt: skip
    weight = weights["birth_date_conflict"]
    return FeatureScore(
        "birth_date", 0.0, weight,
        f"{query} is {gap} years from every listed date of birth ({listed_text}) "
        f"({weight:+.2f})",
    )  # fmt: skip


def _is_day(value: BirthDate) -> bool:
    return isinstance(value, PartialDate) and value.day is not None


def _year_gap(a: BirthDate, b: BirthDate) -> int:
    if a.last_day < b.first_day:
        return b.first_day.year - a.last_day.year
    return a.first_day.year - b.last_day.year


def nationality_feature(
    query: Sequence[str], listed: Sequence[str], weights: Mapping[str, float]
) -> FeatureScore | None:
    """Nationalities or countries: one shared, or both known and none shared."""
    if not query or not listed:
        return None
    shared = sorted(set(query) & set(listed))
    if shared:
        weight = weights["nationality_shared"]
        return FeatureScore("nationality", 1.0, weight, f"both {', '.join(shared)} ({weight:+.2f})")
    weight = weights["nationality_conflict"]
    return FeatureScore(
        "nationality", 0.0, weight,
        f"query {', '.join(query)} against listed {', '.join(listed)} ({weight:+.2f})",
    )  # fmt: skip


_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Z]")


def identifier_value(identifier: Identifier) -> str:
    """An identifier's value as compared: its letters and digits, upper case (the candidate
    retrieval looks identifiers up by it)."""
    return _NOT_ALPHANUMERIC.sub("", identifier.value.upper())


def _same_document_kind(a: Identifier, b: Identifier) -> bool:
    return a.kind == b.kind and (a.country is None or b.country is None or a.country == b.country)


def identifier_feature(
    query: Sequence[Identifier], listed: Sequence[Identifier], weights: Mapping[str, float]
) -> FeatureScore | None:
    """Identifiers (passport, national ID, tax number, IMO number): one equal is strong
    evidence; the same kind of document with every number different counts against."""
    comparable = [(q, w) for q in query for w in listed if _same_document_kind(q, w)]
    if not comparable:
        return None
    for q, w in comparable:
        if identifier_value(q) == identifier_value(w):
            weight = weights["identifier_equal"]
            return FeatureScore("identifier", 1.0, weight, f"{q} equals listed {w} ({weight:+.2f})")
    q, w = comparable[0]
    weight = weights["identifier_conflict"]
    return FeatureScore(
        "identifier", 0.0, weight,
        f"{q.kind} numbers differ: query {q.value} against listed {w.value} ({weight:+.2f})",
    )  # fmt: skip


def kind_feature(
    query: EntityKind, listed: EntityKind, weights: Mapping[str, float]
) -> FeatureScore | None:
    """The kind of party: a person against an organisation (or the reverse) counts against."""
    if query is listed or query is EntityKind.UNKNOWN or listed is EntityKind.UNKNOWN:
        return None
    if query is not EntityKind.PERSON and listed is not EntityKind.PERSON:
        return None
    weight = weights["kind_conflict"]
    return FeatureScore(
        "kind", 0.0, weight, f"a {query.value} against a listed {listed.value} ({weight:+.2f})"
    )
