"""The candidate index never loses a hit: its candidates hold every record brute force accepts."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from tests.conftest import LISTS
from tests.scorers import ScoresEveryRecord
from tests.strategies import close_strings
from watchlist import Screener
from watchlist.lists.formats import curated, ofac_csv, un_xml
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.matching import FeatureScorer
from watchlist.matching.align import MERGE_FLOOR
from watchlist.matching.retrieval import (
    _STEP_SIMILARITIES,
    SIMILARITY_STEPS,
    CandidateIndex,
    IndexedRetrieval,
    _ByEnds,
    _letter_signature,
    _similarity_step,
    _sums_over_bits,
    _Table,
    deletions,
)
from watchlist.model import EntityKind, Entry, Party
from watchlist.testing import perturbed, typo

SCORER = FeatureScorer()
DEFAULT = SCORER.default_threshold
Records = list[tuple[str, Entry]]


@pytest.fixture(scope="session")
def full_lists(shared_data: Path) -> tuple[Records, IndexedRetrieval, list[str]]:
    """The full 2024-05-03 SDN and the 2026 UN list, the default scorer's retrieval over
    them (its index weighs words by how common they are in these lists), and real names
    from older versions of the lists to query with."""
    with pytest.warns(UserWarning, match="companion files"):
        sdn = ofac_csv.parse(
            next((shared_data / "ofac_sdn" / "snapshots").glob("sdn_2024-05-03_*.csv")),
            published="2024-05-03",
        )
    un = un_xml.parse(shared_data / "un_sc" / "consolidated_2026-02-27.xml")
    records = [(version.info.id, e) for version in (sdn, un) for e in version.entries]
    old_sdn = ofac_csv.parse(
        shared_data / "ofac_sdn" / "2019-01" / "sdn.csv", published="2019-01-04"
    )
    old_un = un_xml.parse(shared_data / "un_sc" / "consolidated_2015-02-26.xml")
    others = sorted({n.value for v in (old_sdn, old_un) for e in v.entries for n in e.names})
    return records, retrieval_of(records), others


@pytest.fixture(scope="session")
def shipped_lists() -> tuple[Records, IndexedRetrieval]:
    versions = [curated.parse(p) for p in sorted(LISTS.glob("*.toml")) if p.stem != "jurisdictions"]
    records = [(v.info.id, e) for v in versions for e in v.entries]
    return records, retrieval_of(records)


def retrieval_of(records: Records) -> IndexedRetrieval:
    retrieval = SCORER.retrieval(records)
    assert isinstance(retrieval, IndexedRetrieval)
    return retrieval


def accepted(
    records: Records, query: Party, threshold: float, scorer: FeatureScorer = SCORER
) -> set[int]:
    return {i for i, (_, e) in enumerate(records) if scorer.compare(query, e).score >= threshold}


def assert_no_hit_lost(
    retrieval: IndexedRetrieval, records: Records, query: Party, t: float
) -> None:
    """Every record the retrieval's own scorer accepts is a candidate (through every bound
    the scorer gives the index, the commonness of words included)."""
    candidates = retrieval.candidates(query, t)
    if candidates is not None:  # None: the index says this query must be brute-forced
        lost = accepted(records, query, t, retrieval.scorer) - set(candidates)
        assert not lost, [records[i][1].names[0].value for i in lost]


def listed_names(records: Records) -> list[str]:
    return sorted({n.value for _, e in records for n in e.names})


def initials_and_legal_forms(names: list[str]) -> st.SearchStrategy[str]:
    """Names of initials and legal forms, with now and then a listed word among them (what
    lookups of single words find least of)."""
    listed_words = sorted({word for name in names[::50] for word in name.split()})
    parts = st.one_of(
        st.sampled_from("ABCDEHKMNST"),
        st.sampled_from(["LLC", "Ltd", "S.A.", "JSC", "GmbH", "Co."]),
        st.sampled_from(listed_words),
    )
    return st.lists(parts, min_size=1, max_size=5).map(" ".join)


@st.composite
def queries(draw: st.DrawFn, records: Records, others: list[str]) -> Party:
    """A real name from another list or a perturbed listed name, as a name alone or with a
    listed party's evidence (identifier, date of birth, nationality, kind) beside it."""
    names = listed_names(records)
    name = draw(
        st.one_of(
            st.sampled_from(others),
            st.sampled_from(names).flatmap(perturbed),
            st.sampled_from(names).flatmap(lambda n: typo(n, min_word_length=3)),
            st.sampled_from(names).flatmap(lambda n: perturbed(n).flatmap(perturbed)),
            initials_and_legal_forms(names),
        )
    )
    if draw(st.booleans()):
        return Party(name=name, kind=draw(st.sampled_from(EntityKind)))
    _, entry = draw(st.sampled_from(records))
    return Party(
        name=name,
        kind=draw(st.sampled_from(EntityKind)),
        identifiers=entry.identifiers[:1],
        birth_date=entry.birth_dates[0] if entry.birth_dates else None,
        nationalities=entry.nationalities,
    )


thresholds = st.floats(min_value=0.5, max_value=1.0)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(data=st.data(), threshold=thresholds)
def test_no_hit_is_lost_on_the_full_sdn_and_un_lists(
    full_lists: tuple[Records, IndexedRetrieval, list[str]], data: st.DataObject, threshold: float
) -> None:
    records, retrieval, others = full_lists
    query = data.draw(queries(records, others))
    assert_no_hit_lost(retrieval, records, query, threshold)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), threshold=thresholds)
def test_no_hit_is_lost_on_the_shipped_lists(
    shipped_lists: tuple[Records, IndexedRetrieval], data: st.DataObject, threshold: float
) -> None:
    records, retrieval = shipped_lists
    others = listed_names(records)
    query = data.draw(queries(records, others))
    assert_no_hit_lost(retrieval, records, query, threshold)


def test_a_query_touches_few_candidates(
    full_lists: tuple[Records, IndexedRetrieval, list[str]],
) -> None:
    records, retrieval, others = full_lists
    index = retrieval.index
    counts = []
    brute_forced = []
    for name in others[::100]:
        candidates = index.candidates(Party(name=name), 0.8)
        if candidates is None:
            brute_forced.append(name)
        else:
            counts.append(len(candidates))
    counts.sort()
    assert len(records) > 15_000
    assert counts[len(counts) // 2] < 50, counts
    assert counts[len(counts) * 9 // 10] < 500, counts
    assert len(brute_forced) < len(counts) / 20, brute_forced


def test_common_words_do_not_drag_in_every_record_bearing_them(
    full_lists: tuple[Records, IndexedRetrieval, list[str]],
) -> None:
    records, retrieval, _ = full_lists
    index = retrieval.index
    query = Party(name="Mohammed Ali Hassan Ridwanullah")
    with_mohammed = sum(any("MOHAMMED" in n.value.upper() for n in e.names) for _, e in records)
    candidates = index.candidates(query, 0.8)
    assert candidates is not None
    assert len(candidates) < with_mohammed / 4
    assert accepted(records, query, 0.8) <= set(candidates)


def test_common_words_agreeing_need_more_name_to_be_candidates(
    full_lists: tuple[Records, IndexedRetrieval, list[str]],
) -> None:
    """The floors by commonness keep fewer candidates than the floor of the rarest word,
    and lose none of the scorer's hits (the properties above)."""
    _, retrieval, others = full_lists
    fewer = 0
    for name in others[::200]:
        query = Party(name=name, kind=EntityKind.PERSON)
        floors = retrieval.scorer.name_floors_by_commonness(DEFAULT, query)
        by_commonness = retrieval.index.lookup(query, floors[0], floors_by_commonness=floors)
        rarest = retrieval.index.lookup(query, floors[0])
        assert by_commonness is not None
        assert rarest is not None
        assert set(by_commonness) <= set(rarest)
        fewer += len(by_commonness) < len(rarest)
    assert fewer > 0
    assert floors[0] < floors[-1]


def test_a_word_met_through_its_long_vowel_reading_is_found() -> None:
    """ "ali" meets the Arabic-script علیم (alym) only as the reading "alim": the index must
    look words up by their long-vowel readings too (a hit the property tests once lost)."""
    entry = Entry(id="e", kind=EntityKind.PERSON, names=["محمد علیم نورانی"])
    index = CandidateIndex([("list", entry)])
    query = Party(name="ali muhammad")
    score = SCORER.compare(query, entry).score
    assert score > 0.5
    assert index.candidates(query, *SCORER.name_floors(score, query)) == [0]


def test_a_word_met_through_its_transliteration_fold_is_found() -> None:
    """ "pjotr" and "petr" are one transliterated word but 0.6 alike letter for letter, below
    what the edit lookups reach: the index must look words up by their fold too."""
    entry = Entry(id="e", kind=EntityKind.PERSON, names=["AVEN, Petr Olegovich"])
    index = CandidateIndex([("list", entry)])
    query = Party(name="Pjotr Aven")
    score = SCORER.compare(query, entry).score
    assert score > 0.5
    assert index.candidates(query, *SCORER.name_floors(score, query)) == [0]


@pytest.mark.parametrize(
    ("listed", "query"),
    [("MOZAFFARINIA, Reza", "Reza Mozafari Niya"), ("MOZAFARI NIYA, Reza", "Reza Mozaffarinia")],
)
def test_words_run_together_met_through_their_transliteration_folds_are_found(
    listed: str, query: str
) -> None:
    """A word against two run together that are one transliteration (0.83 alike letter for
    letter, under the merge floor), either way round: found by the pairs' and words' folds."""
    entry = Entry(id="e", kind=EntityKind.PERSON, names=[listed])
    index = CandidateIndex([("list", entry)])
    party = Party(name=query)
    score = SCORER.compare(party, entry).score
    assert score > 0.8
    assert index.candidates(party, *SCORER.name_floors(score, party)) == [0]


def test_an_identifier_alone_brings_its_record(
    full_lists: tuple[Records, IndexedRetrieval, list[str]],
) -> None:
    records, retrieval, _ = full_lists
    index = retrieval.index
    position, (_, entry) = next((i, r) for i, r in enumerate(records) if r[1].identifiers)
    query = Party(name="Nobody Whatsoever", identifiers=entry.identifiers[:1])
    candidates = index.candidates(query, 0.6)
    assert candidates is not None
    assert position in candidates


def test_queries_it_cannot_bound_are_left_to_brute_force(
    shipped_lists: tuple[Records, IndexedRetrieval],
) -> None:
    records, retrieval = shipped_lists
    index = retrieval.index
    # A threshold too low for the whole-name bound, and a name of more than 64 words.
    assert index.candidates(Party(name="Taliban Movement"), 0.5) is None
    assert index.candidates(Party(name="Taliban Movement", kind="person"), 0.5) is not None
    assert index.candidates(Party(name=" ".join(["Haqqani"] * 65), kind="person"), 0.8) is None
    # Initials and legal forms alone are looked up by first letter and as legal forms.
    for name in ("A B LLC", "T N K LIMITED", "LLC SP", "M S"):
        candidates = index.candidates(Party(name=name), 0.8)
        assert candidates is not None
        assert accepted(records, Party(name=name), 0.8) <= set(candidates)
    assert index.candidates(Party(name="سراج الدين حقاني"), 0.8) is not None


def test_a_listed_name_of_more_than_64_words_is_a_candidate_of_every_query() -> None:
    words = [f"{letter}{letter}man" for letter in "bcdfghjklmnprstvz"] * 4
    long_entry = Entry(id="long", kind=EntityKind.PERSON, names=[" ".join(words)])
    short_entry = Entry(id="short", kind=EntityKind.PERSON, names=["Sirajuddin Haqqani"])
    index = CandidateIndex([("list", long_entry), ("list", short_entry)])
    assert index.candidates(Party(name="Bbman Ccman"), 0.8) == [0]
    assert index.candidates(Party(name="Sirajuddin Haqqani"), 0.8) == [0, 1]


def test_an_unpickled_index_answers_as_the_original(
    full_lists: tuple[Records, IndexedRetrieval, list[str]],
) -> None:
    """A worker process receives the index pickled, without its Tokens and prepared
    organisation names, and makes them again."""
    _, retrieval, others = full_lists
    index = retrieval.index
    copy = pickle.loads(pickle.dumps(index))
    # The Tokens are made again as they are first read.
    assert [copy._tokens[w] for w in range(len(index._tokens))] == index._tokens
    for name_id in index._organisation_ids.tolist():
        assert copy._organisation(name_id) == index._organisations[name_id]
    for name in others[::400]:
        for kind in (EntityKind.PERSON, EntityKind.ORGANIZATION):
            query = Party(name=name, kind=kind)
            assert copy.lookup(query, 0.75) == index.lookup(query, 0.75)
            floors = retrieval.scorer.name_floors_by_commonness(0.7, query)
            assert copy.lookup(query, floors[0], floors_by_commonness=floors) == index.lookup(
                query, floors[0], floors_by_commonness=floors
            )


def test_deletions_reach_every_string_at_that_many_deletions() -> None:
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}
    assert deletions("ab", 5) == {"ab", "a", "b", ""}


@given(word=st.text(alphabet="abcn", max_size=9), budget=st.integers(0, 4))
def test_deletions_are_the_strings_left_by_deleting_positions(word: str, budget: int) -> None:
    naive = {
        "".join(letter for i, letter in enumerate(word) if i not in dropped)
        for count in range(min(budget, len(word)) + 1)
        for dropped in itertools.combinations(range(len(word)), count)
    }
    assert deletions(word, budget) == naive


@given(
    masks=st.lists(st.integers(0, 2**64 - 1), max_size=20),
    values=st.lists(
        st.tuples(st.floats(0, 2, allow_nan=False), st.floats(0, 2, allow_nan=False)),
        max_size=64,
    ),
)
def test_sums_over_bits_add_the_values_of_each_bit_set(
    masks: list[int], values: list[tuple[float, float]]
) -> None:
    naive = [
        [sum(row[column] for i, row in enumerate(values) if mask >> i & 1) for column in (0, 1)]
        for mask in masks
    ]
    sums = _sums_over_bits(np.array(masks, np.uint64), np.array(values).reshape(-1, 2))
    assert sums.tolist() == [pytest.approx(row) for row in naive]


@given(similarity=st.floats(0, 1, allow_nan=False))
def test_a_similarity_step_is_never_below_the_similarity(similarity: float) -> None:
    step = _similarity_step(similarity)
    assert 0 <= step <= SIMILARITY_STEPS
    assert _STEP_SIMILARITIES[step] >= similarity
    # Rounded up by at most one step (the bound stays tight).
    assert _STEP_SIMILARITIES[step] <= similarity + 1 / SIMILARITY_STEPS + 1e-6


def test_a_similarity_of_1_is_the_last_step_exactly() -> None:
    assert _similarity_step(1.0) == SIMILARITY_STEPS
    assert _STEP_SIMILARITIES[SIMILARITY_STEPS] == 1.0


@given(
    rows=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 1000)), max_size=40),
    keys=st.lists(st.integers(0, 25), unique=True, max_size=10),
)
def test_rows_by_key_say_which_key_each_row_is_of(
    rows: list[tuple[int, int]], keys: list[int]
) -> None:
    table = _Table(1)
    for key, value in rows:
        table.add(key, value)
    table.build()
    (values,), positions = table.rows_by_key(keys)
    (plain,) = table.rows(keys)
    assert values.tolist() == plain.tolist()
    naive = [(k, value) for k, key in enumerate(keys) for row_key, value in rows if row_key == key]
    assert sorted(zip(positions.tolist(), values.tolist(), strict=True)) == sorted(naive)


@given(a=close_strings, b=close_strings)
def test_strings_at_distance_d_differ_in_at_most_2d_letter_bits(a: str, b: str) -> None:
    differing = bin(_letter_signature(a) ^ _letter_signature(b)).count("1")
    assert differing <= 2 * Levenshtein.distance(a, b)


@given(strings=st.lists(close_strings.filter(bool), max_size=30), text=close_strings.filter(bool))
def test_by_ends_finds_every_string_a_merge_allows(strings: list[str], text: str) -> None:
    naive = {
        number
        for number, each in enumerate(strings)
        if (each[0] == text[0] or each[-1] == text[-1])
        and Levenshtein.normalized_similarity(text, each) >= MERGE_FLOOR
    }
    assert _ByEnds((each, number) for number, each in enumerate(strings)).similar(text) == naive


# -- the Screener with the index gives the results of scoring every record ---------------

FULL = "FULL"


@pytest.fixture(scope="session")
def big_screeners(shared_data: Path) -> tuple[Screener, Screener]:
    """Screeners over the shipped lists plus the full SDN and UN lists: with the index, and
    with a scorer of another type, which scores every record."""
    with pytest.warns(UserWarning, match="companion files"):
        sdn = ofac_csv.parse(
            next((shared_data / "ofac_sdn" / "snapshots").glob("sdn_2024-05-03_*.csv")),
            published="2024-05-03",
        )
    un = un_xml.parse(shared_data / "un_sc" / "consolidated_2026-02-27.xml")
    shipped = Screener.default()
    versions = [v for t in shipped.timelines.values() for v in t.versions] + [sdn, un]
    jurisdictions = dict(shipped.jurisdictions)
    jurisdictions[FULL] = Jurisdiction(
        code=FULL,
        name="Both official lists",
        lists=(
            AppliedList(list_id=v.info.id, start="2000-01-01", basis="test", source="test")
            for v in (sdn, un)
        ),
    )
    indexed = Screener.from_versions(versions, jurisdictions)
    brute = Screener.from_versions(versions, jurisdictions, scorer=ScoresEveryRecord())
    return indexed, brute


def same_results(screeners: tuple[Screener, Screener], query: Party | str, **kw: object) -> None:
    indexed, brute = screeners
    with_index = indexed.screen(query, accept_stale=True, **kw)  # type: ignore[arg-type]
    scored_all = brute.screen(query, accept_stale=True, **kw)  # type: ignore[arg-type]
    assert with_index.hits == scored_all.hits
    assert with_index.lists_used == scored_all.lists_used


SCENARIO_QUERIES = (
    "Taliban", "Taleban", "Талибан", "Islamic Emirate of Afghanistan", "Sirajuddin Haqqani",
    "Siraj Haqqani", "Haqqani Network", "Al-Qaida", "Hizballah", "ISIL", "Osama bin Laden",
)  # fmt: skip


@pytest.mark.parametrize("query", SCENARIO_QUERIES)
@pytest.mark.parametrize(
    ("jurisdiction", "as_of"),
    [("RU", "2010-01-01"), ("KZ", "2020-06-01"), ("US", "2024-06-01"), (FULL, "2026-03-01")],
)
def test_the_screener_gives_brute_force_results_on_the_scenario(
    big_screeners: tuple[Screener, Screener], query: str, jurisdiction: str, as_of: str
) -> None:
    assert isinstance(big_screeners[0]._retrieval, IndexedRetrieval)
    same_results(big_screeners, query, jurisdiction=jurisdiction, as_of=as_of)


@SLOW
@given(
    data=st.data(),
    threshold=thresholds,
    as_of=st.dates(dt.date(2026, 2, 27), dt.date(2026, 12, 31)),
)
def test_the_screener_gives_brute_force_results_on_random_queries(
    big_screeners: tuple[Screener, Screener],
    full_lists: tuple[Records, IndexedRetrieval, list[str]],
    data: st.DataObject,
    threshold: float,
    as_of: dt.date,
) -> None:
    records, _, others = full_lists
    query = data.draw(queries(records, others))
    same_results(big_screeners, query, jurisdiction=FULL, as_of=as_of, threshold=threshold)
