"""The scorers: the default, calibrated :class:`FeatureScorer`, and the first,
:class:`TokenAlignmentScorer`.

The first scorer is kept as the baseline the matching benchmark measures improvement against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
from rapidfuzz.distance import Levenshtein

from watchlist.matching.calibration import Calibration, shipped_calibration
from watchlist.matching.features import (
    BestName,
    best_name,
    birth_date_feature,
    identifier_feature,
    kind_feature,
    nationality_feature,
)
from watchlist.matching.frequency import WordFrequencies
from watchlist.matching.normalize import name_tokens
from watchlist.matching.protocols import Records, Retrieval
from watchlist.matching.retrieval import (
    COMMONNESS_STEPS,
    CandidateIndex,
    IndexCache,
    IndexedRetrieval,
    cached_index,
)
from watchlist.model import EntityKind, Entry, FeatureScore, Match, Name, Party

#: Two words closer than this (normalised Levenshtein similarity) count as a misspelling of
#: each other; below it they count as different words.
WORD_SIMILARITY_FLOOR = 0.75
#: A listed person's word the query does not pair counts half: lists carry middle names and
#: patronymics that customer records leave out. For organisations an unpaired word counts
#: fully: "Pakistani" is what tells "Pakistani Taliban" from "Taliban".
UNPAIRED_PERSON_WORD_WEIGHT = 0.5


@attrs.frozen
class TokenAlignmentScorer:
    """Name similarity as the best pairing of query words with listed words.

    Both names go through :func:`~watchlist.matching.normalize.normalize_name`, so case, accents,
    punctuation and Cyrillic script do not matter. Each query word is paired with at most one
    listed word, most similar first, word order ignored; a pair counts by its Levenshtein
    similarity when that is at least 0.75. The score is twice the paired similarity over the
    number of words on both sides (Dice's coefficient on words), where a listed person's words
    left unpaired count half, since lists carry middle names that customer records omit::

        score = 2 * sum(pair similarity) / (query words + listed words - u * unpaired listed)

    with ``u`` 0.5 for persons and 0 otherwise. So "Taliban" scores 1.0 against "Taliban" and
    0.67 against "Pakistani Taliban", "Taliban Movement" 0.80 against "Taliban Islamic
    Movement", and "Sirajuddin Haqqani" 0.89 against "Sirajuddin Jallaloudine Haqqani". An
    entry's score is the best over every query name and every listed name. At the default
    threshold of 0.80 a query must pair nearly every word on both sides to be a hit.
    """

    name: str = "token-alignment-v1"
    default_threshold: float = 0.80

    def compare(self, query: Party, entry: Entry) -> Match:
        best: tuple[float, str, Name, str] | None = None
        unpaired_weight = 1.0 - UNPAIRED_PERSON_WORD_WEIGHT if entry.kind == "person" else 1.0
        for query_name in query.names:
            query_words = name_tokens(query_name)
            for listed in entry.names:
                score, detail = align(query_words, name_tokens(listed.value), unpaired_weight)
                if best is None or score > best[0]:
                    best = (score, query_name, listed, detail)
        assert best is not None  # an Entry always has a name, a Party always has one
        score, query_name, listed, detail = best
        strength = "" if listed.strength == "primary" else f" ({listed.strength} alias)"
        feature = FeatureScore(
            feature="name",
            score=score,
            weight=1.0,
            detail=f"{query_name!r} against listed name {listed.value!r}{strength}: {detail}",
        )
        return Match(score=score, name=listed, query_name=query_name, features=(feature,))


def align(
    query_words: tuple[str, ...], listed_words: tuple[str, ...], unpaired_weight: float = 1.0
) -> tuple[float, str]:
    """The alignment score of two word sequences, and a sentence describing the pairing.

    ``unpaired_weight`` is what each listed word left unpaired counts in the denominator.
    """
    if not query_words or not listed_words:
        return 0.0, "nothing left to compare after normalisation"
    candidates = sorted(
        (
            (Levenshtein.normalized_similarity(q, w), qi, wi)
            for qi, q in enumerate(query_words)
            for wi, w in enumerate(listed_words)
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    used_query: set[int] = set()
    used_listed: set[int] = set()
    pairs: list[tuple[float, int, int]] = []
    for similarity, qi, wi in candidates:
        if similarity < WORD_SIMILARITY_FLOOR:
            break
        if qi in used_query or wi in used_listed:
            continue
        used_query.add(qi)
        used_listed.add(wi)
        pairs.append((similarity, qi, wi))
    unpaired_listed = len(listed_words) - len(pairs)
    denominator = len(query_words) + len(pairs) + unpaired_weight * unpaired_listed
    score = min(1.0, 2 * sum(similarity for similarity, _, _ in pairs) / denominator)
    paired = ", ".join(
        f"{query_words[qi]}={listed_words[wi]} {similarity:.2f}" for similarity, qi, wi in pairs
    )
    detail = (
        f"{len(pairs)} of {len(query_words)} query words paired with "
        f"{len(pairs)} of {len(listed_words)} listed words ({paired or 'none'})"
    )
    return score, detail


#: A scorer's name floors for one threshold and kind of query: through words paired, through
#: whole names, and through words paired by the commonness of the agreeing words.
_Floors = tuple[float, float, tuple[float, ...]]

#: The default threshold of :class:`FeatureScorer`, chosen on the dev split of the labelled
#: pairs (``benchmarks/fit_matcher.py``); the README's table gives precision and recall at it
#: and at other thresholds.
DEFAULT_THRESHOLD = shipped_calibration().threshold


@attrs.frozen
class FeatureScorer:
    """The estimated probability that a query and a listed entry are the same party.

    The name feature (:func:`~watchlist.matching.features.best_name`) pairs the words of
    every query name with those of every listed name, through every transliteration, known
    variant spellings and phonetic keys; the name features
    (:mod:`watchlist.matching.evidence`) say what the names' structure adds (a given name on
    each side that the other lacks, qualifiers that disagree, how common the agreeing words are
    in the loaded lists); dates of birth, nationalities, identifiers and the kind of party are
    the secondary evidence. The calibrated model (:mod:`watchlist.matching.calibration`)
    weighs them all into log-odds, and the score is their probability, in [0, 1].

    ``frequencies`` are those of the loaded lists: the retrieval a
    :class:`~watchlist.screening.screener.Screener` builds over the lists it loads
    (:meth:`retrieval`) sets them (:meth:`for_records`); without them (as in :func:`compare`),
    every word is assumed to be as common as the average agreeing word of the pairs the
    calibration was fitted on. A subclass that scores differently must give its own
    :meth:`retrieval`: the candidate index is bounded by this class's scores.
    """

    calibration: Calibration = attrs.field(factory=shipped_calibration)
    frequencies: WordFrequencies = attrs.field(
        default=attrs.Factory(
            lambda self: WordFrequencies.unknown(self.calibration.unknown_commonness),
            takes_self=True,
        ),
        eq=False,
        repr=False,
    )
    name: str = "watchlist-calibrated-v2"
    #: The floors of :meth:`name_floors` and :meth:`name_floors_by_commonness`, by threshold,
    #: secondary evidence and person rules: a batch has few, each costs sixty bisections.
    _floors: dict[tuple[float, float, bool], _Floors] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    @property
    def default_threshold(self) -> float:
        """The threshold chosen on the dev split of the labelled pairs (see the README)."""
        return self.calibration.threshold

    def with_frequencies(self, frequencies: WordFrequencies) -> FeatureScorer:
        """This scorer, weighing how common words are by ``frequencies``."""
        return attrs.evolve(self, frequencies=frequencies)

    def for_records(self, records: Records) -> FeatureScorer:
        """This scorer, weighing words by how common they are among the names of ``records``
        (when there are enough of them to tell)."""
        frequencies = WordFrequencies.from_names(
            name.value for _, record in records for name in record.names
        )
        return self.with_frequencies(frequencies) if frequencies.enough else self

    def retrieval(self, records: Records) -> Retrieval:
        """The candidate index over ``records`` (:mod:`watchlist.matching.retrieval`), with
        this scorer prepared for them (:meth:`for_records`)."""
        return self._indexed(records, None)

    def cached_retrieval(self, records: Records, cache: IndexCache) -> Retrieval:
        """:meth:`retrieval`, with the candidate index read from ``cache`` where it holds a
        usable one, else built and saved there (the Screener's ``index_cache``)."""
        return self._indexed(records, cache)

    def _indexed(self, records: Records, cache: IndexCache | None) -> Retrieval:
        prepared = self.for_records(records)
        commonness = prepared.frequencies.commonness
        index = (
            CandidateIndex(records, commonness=commonness)
            if cache is None
            else cached_index(
                records,
                cache,
                commonness=commonness,
                calibration=prepared.calibration.to_json(),
            )
        )
        return IndexedRetrieval(prepared, index)

    def name_floors(self, threshold: float, query: Party) -> tuple[float, float]:
        """The least name scores with which a listed name could give ``query`` a score of
        ``threshold``: through words paired, and through organisations' names compared whole
        (the candidate index finds every name that could reach them), leaving aside the
        entries that share an identifier with it."""
        words, whole, _ = self._floors_for(threshold, query)
        return words, whole

    def name_floors_by_commonness(self, threshold: float, query: Party) -> tuple[float, ...]:
        """The first of :meth:`name_floors` for listed names whose agreeing name words are
        all at least ``k / COMMONNESS_STEPS`` common (``k`` from 0 to
        :data:`~watchlist.matching.retrieval.COMMONNESS_STEPS`), by :attr:`frequencies`:
        "Mohammed" agreeing alone needs a higher name score than a rare surname."""
        return self._floors_for(threshold, query)[2]

    def _floors_for(self, threshold: float, query: Party) -> _Floors:
        # A person's name is compared by persons' rules against every listed name.
        most, person = self._secondary_most(query), query.kind is EntityKind.PERSON
        key = (threshold, most, person)
        floors = self._floors.get(key)
        if floors is None:
            calibration = self.calibration
            floors = self._floors[key] = (
                calibration.name_floor(threshold, secondary=most, person=person),
                calibration.name_floor(threshold, secondary=most, whole=True),
                tuple(
                    calibration.name_floor(
                        threshold,
                        secondary=most,
                        person=person,
                        commonness=step / COMMONNESS_STEPS,
                    )
                    for step in range(COMMONNESS_STEPS + 1)
                ),
            )
        return floors

    def _secondary_most(self, query: Party) -> float:
        """The most log-odds the evidence beside the names can add for ``query``, but an
        identifier (the index brings every record sharing one)."""
        secondary = self.calibration.secondary
        most = 0.0
        if query.birth_date is not None:
            most += max(0.0, secondary["birth_date_exact"], secondary["birth_date_compatible"])
        if query.nationalities:
            most += max(0.0, secondary["nationality_shared"])
        return most

    def compare(
        self, query: Party, entry: Entry, *, listed_names: Sequence[Name] | None = None
    ) -> Match:
        """How well ``query`` matches ``entry``, with the explanation. ``listed_names``, if
        given, are the only names of the entry compared (the candidate index passes those
        that could reach a hit)."""
        match = self._scored(query, entry, listed_names, None)
        assert match is not None  # without a threshold, the best pair of names is weighed
        return match

    def match(
        self,
        query: Party,
        entry: Entry,
        threshold: float,
        *,
        listed_names: Sequence[Name] | None = None,
    ) -> Match | None:
        """:meth:`compare` if it scores at least ``threshold``, else ``None``; the same
        result, but a pair of names that cannot reach the threshold, as its word alignment
        shows, is not weighed or explained (most candidates of a screening are such)."""
        return self._scored(query, entry, listed_names, threshold)

    def _scored(
        self,
        query: Party,
        entry: Entry,
        listed_names: Sequence[Name] | None,
        threshold: float | None,
    ) -> Match | None:
        secondary = self._secondary_evidence(query, entry)
        least = None if threshold is None else _least_log_odds(threshold)
        if least is not None:
            least -= sum(feature.weight for feature in secondary)
        best = best_name(
            query.names,
            entry.names if listed_names is None else listed_names,
            query_kind=query.kind,
            listed_kind=entry.kind,
            calibration=self.calibration,
            frequencies=self.frequencies,
            least_log_odds=least,
        )
        if best is None:
            return None
        match = self._match(best, secondary)
        return match if threshold is None or match.score >= threshold else None

    def _secondary_evidence(self, query: Party, entry: Entry) -> list[FeatureScore]:
        """The evidence beside the names: dates of birth, nationalities, identifiers, kind."""
        weights = self.calibration.secondary
        features = []
        # Most queries carry a name only: look at the other evidence when there is some.
        if query.birth_date is not None:
            birth_date = birth_date_feature(query.birth_date, entry.birth_dates, weights)
            if birth_date is not None:
                features.append(birth_date)
        if query.nationalities:
            nationality = nationality_feature(query.nationalities, entry.nationalities, weights)
            if nationality is not None:
                features.append(nationality)
        if query.identifiers:
            identifier = identifier_feature(query.identifiers, entry.identifiers, weights)
            if identifier is not None:
                features.append(identifier)
        # The same kind on both sides, as in most comparisons, is neither for nor against.
        if query.kind is not _UNKNOWN and query.kind is not entry.kind:
            kind = kind_feature(query.kind, entry.kind, weights)
            if kind is not None:
                features.append(kind)
        return features

    def _match(self, best: BestName, secondary: list[FeatureScore]) -> Match:
        calibration = self.calibration
        log_odds = best.log_odds + sum(feature.weight for feature in secondary)
        # Rounded, so that the same evidence gives the same score on every platform's libm.
        # Names with nothing left to compare say nothing whatever else agrees.
        score = round(calibration.probability(log_odds), 9) if best.comparable else 0.0
        calibrated = FeatureScore(
            "calibration",
            score,
            calibration.intercept,
            f"intercept {calibration.intercept:+.2f}, log-odds {log_odds:+.2f} in all, "
            f"probability {score:.3f}"
            if best.comparable
            else "nothing left to compare after normalisation: 0",
        )
        return Match(
            score=score,
            name=best.listed_name,
            query_name=best.query_name,
            features=(*best.features, *secondary, calibrated),
        )


#: How far below its threshold a probability may be and still round up to it (scores are
#: rounded to nine digits), and the room for floating-point error in the log-odds.
_ROUNDING = 1e-9


def _least_log_odds(threshold: float) -> float | None:
    """The least log-odds whose score could reach ``threshold`` (``None``: any could)."""
    least = threshold - _ROUNDING
    if least <= 0.0:
        return None
    # A score of 1 is a probability within the rounding of 1; no log-odds reach 1 itself.
    least = min(least, 1.0 - _ROUNDING)
    return math.log(least / (1.0 - least)) - _ROUNDING


_UNKNOWN = EntityKind.UNKNOWN

Comparable = str | Party | Entry


def _as_party(value: Comparable) -> Party:
    if isinstance(value, Party):
        return value
    if isinstance(value, str):
        return Party(name=value)
    birth_date = value.birth_dates[0] if len(value.birth_dates) == 1 else None
    return Party(
        name=value.names[0].value,
        kind=value.kind,
        aliases=[name.value for name in value.names[1:]],
        birth_date=birth_date,
        nationalities=value.nationalities,
        identifiers=value.identifiers,
    )


def _as_entry(value: Comparable) -> Entry:
    if isinstance(value, Entry):
        return value
    if isinstance(value, str):
        return Entry(id="candidate", kind=EntityKind.UNKNOWN, names=[value])
    return Entry(
        id="candidate",
        kind=value.kind,
        names=list(value.names),
        birth_dates=[value.birth_date] if value.birth_date is not None else [],
        nationalities=value.nationalities,
        identifiers=value.identifiers,
    )


_DEFAULT_SCORER = FeatureScorer()


def compare(query: Comparable, candidate: Comparable) -> Match:
    """How well ``query`` matches ``candidate``, with the explanation, by the default scorer.

    Each side is a name, a :class:`~watchlist.model.Party` or an
    :class:`~watchlist.model.Entry`. An Entry used as the query keeps its date of birth only
    when it lists exactly one.

    >>> match = compare("Sirajuddin Haqqani", "SIRAJUDDIN JALLALOUDINE HAQQANI")
    >>> match.score >= FeatureScorer().default_threshold
    True

    Anything else (None, bytes, a list) is a :class:`TypeError`; an empty name an
    :class:`~watchlist.errors.InputError`; a name of punctuation only scores 0, saying that
    nothing was left to compare.
    """
    for side, value in (("query", query), ("candidate", candidate)):
        if not isinstance(value, str | Party | Entry):
            msg = f"compare: the {side} is a str, Party or Entry, not {type(value).__name__}"
            raise TypeError(msg)
    return _DEFAULT_SCORER.compare(_as_party(query), _as_entry(candidate))
