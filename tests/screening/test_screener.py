from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scorers import ScoresEveryRecord
from tests.strategies import days, entries, names
from watchlist import (
    AppliedList,
    Entry,
    InputError,
    Jurisdiction,
    ListInfo,
    ListVersion,
    NoCoverageError,
    Party,
    Screener,
    ScreeningResult,
    StaleListError,
    UnknownJurisdictionError,
)
from watchlist.lists.timeline import Timeline
from watchlist.matching.retrieval import CachedIndex, IndexedRetrieval
from watchlist.screening.screener import default_index_cache_path

LISTED_QUERIES = ("Taliban", "Haqqani Network", "Amir Khan Muttaqi", "Sirajuddin Haqqani")


def screener_over(*list_entries: Entry, published: dt.date = dt.date(2026, 1, 1)) -> Screener:
    info = ListInfo(
        id="xx-list",
        title="Test list",
        authority="Test",
        jurisdiction="XX",
        coverage="complete",
        coverage_start="1990-01-01",
        max_age_days=365 * 50,
    )
    version = ListVersion(
        info=info, published=published, digest="0" * 64, location="test", entries=list_entries
    )
    jurisdiction = Jurisdiction(
        code="XX",
        name="Test",
        lists=[AppliedList(list_id="xx-list", start="1990-01-01", basis="test", source="test")],
    )
    return Screener.from_versions([version], {"XX": jurisdiction})


def naive_in_force(entry: Entry, day: dt.date) -> bool:
    return any(d.start <= day and (d.end is None or day < d.end) for d in entry.designations)


@given(entry=entries(), day=days)
@settings(max_examples=300)
def test_an_entry_is_hit_exactly_on_the_dates_it_is_in_force(entry: Entry, day: dt.date) -> None:
    screener = screener_over(entry)
    result = screener.screen(entry.names[0].value, jurisdiction="XX", as_of=day)
    assert result.is_hit == naive_in_force(entry, day)


@given(entry=entries(), data=st.data())
def test_every_listed_name_hits_itself_when_in_force(entry: Entry, data: st.DataObject) -> None:
    designation = data.draw(st.sampled_from(entry.designations))
    screener = screener_over(entry)
    for name in entry.names:
        result = screener.screen(name.value, jurisdiction="XX", as_of=designation.start)
        assert [hit.entry_id for hit in result.hits] == [entry.id]


def test_every_shipped_name_hits_itself_when_in_force(screener: Screener) -> None:
    for timeline in screener.timelines.values():
        jurisdiction = next(
            code
            for code, j in screener.jurisdictions.items()
            if any(a.list_id == timeline.info.id for a in j.lists)
        )
        for entry in timeline.records:
            day = max(entry.designations[0].start, timeline.coverage_start, dt.date(2001, 1, 1))
            if entry.designation_on(day) is None:
                continue
            for name in entry.names:
                result = screener.screen(name.value, jurisdiction=jurisdiction, as_of=day)
                hit_ids = {(hit.list_id, hit.entry_id) for hit in result.hits}
                assert (timeline.info.id, entry.id) in hit_ids, (name.value, day)


def perturb(text: str, how: str) -> str:
    if how == "upper":
        return text.upper()
    if how == "whitespace":
        return "  " + "   ".join(text.split()) + "\t"
    if how == "diacritics":
        return "".join(
            unicodedata.normalize("NFC", char + "\u0301") if char in "aeiouAEIOU" else char
            for char in text
        )
    return "".join(f"{char}." if char == " " else char for char in text) + "!"


@given(
    query=st.one_of(st.sampled_from(LISTED_QUERIES), names),
    how=st.sampled_from(["upper", "whitespace", "diacritics", "punctuation"]),
    jurisdiction=st.sampled_from(["RU", "KZ", "US", "UN"]),
)
@settings(max_examples=150, deadline=None)
def test_case_whitespace_diacritics_and_punctuation_do_not_change_the_outcome(
    screener: Screener, query: str, how: str, jurisdiction: str
) -> None:
    def outcome(text: str) -> set[tuple[str, str]]:
        result = screener.screen(text, jurisdiction=jurisdiction, as_of="2024-06-01")
        return {(hit.list_id, hit.entry_id) for hit in result.hits}

    assert outcome(perturb(query, how)) == outcome(query)


@given(
    query=st.one_of(st.sampled_from(LISTED_QUERIES), names),
    low=st.floats(min_value=0.05, max_value=1.0),
    high=st.floats(min_value=0.05, max_value=1.0),
)
@settings(max_examples=100, deadline=None)
def test_raising_the_threshold_never_adds_hits(
    screener: Screener, query: str, low: float, high: float
) -> None:
    low, high = sorted((low, high))

    def hits(threshold: float) -> set[tuple[str, str]]:
        result = screener.screen(query, jurisdiction="US", as_of="2024-06-01", threshold=threshold)
        return {(hit.list_id, hit.entry_id) for hit in result.hits}

    assert hits(high) <= hits(low)


@given(query=st.one_of(st.sampled_from(LISTED_QUERIES), names))
@settings(max_examples=50, deadline=None)
def test_screening_is_deterministic(screener: Screener, query: str) -> None:
    first = screener.screen(query, jurisdiction="RU", as_of="2024-06-01")
    assert screener.screen(query, jurisdiction="RU", as_of="2024-06-01") == first
    assert Screener.default().screen(query, jurisdiction="RU", as_of="2024-06-01") == first


def test_a_party_and_a_plain_name_screen_alike(screener: Screener) -> None:
    by_name = screener.screen("Haqqani Network", jurisdiction="UN", as_of="2024-06-01")
    by_party = screener.screen(
        Party(name="Haqqani Network", kind="organization"), jurisdiction="UN", as_of="2024-06-01"
    )
    assert by_name.hits == by_party.hits
    assert by_party.query.kind == "organization"


def test_an_unknown_jurisdiction_names_the_known_ones(screener: Screener) -> None:
    with pytest.raises(UnknownJurisdictionError) as caught:
        screener.screen("Taliban", jurisdiction="Mars", as_of="2024-06-01")
    assert caught.value.jurisdiction == "Mars"
    assert {"KZ", "RU", "UN", "US"} <= set(caught.value.known)
    assert "KZ" in str(caught.value)


def test_jurisdiction_codes_are_case_insensitive(screener: Screener) -> None:
    assert screener.screen("Taliban", jurisdiction="ru", as_of="2024-06-01").jurisdiction == "RU"


@pytest.mark.parametrize("as_of", ["2024-13-01", "01/06/2024", "soon"])
def test_a_malformed_date_is_an_input_error(screener: Screener, as_of: str) -> None:
    with pytest.raises(InputError, match="as_of"):
        screener.screen("Taliban", jurisdiction="RU", as_of=as_of)


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_an_empty_name_is_an_input_error(screener: Screener, name: str) -> None:
    with pytest.raises(InputError, match="empty"):
        screener.screen(name, jurisdiction="RU", as_of="2024-06-01")


@pytest.mark.parametrize("threshold", [0.0, -0.5, 1.01])
def test_a_threshold_out_of_range_is_an_input_error(screener: Screener, threshold: float) -> None:
    with pytest.raises(InputError, match="threshold"):
        screener.screen("Taliban", jurisdiction="RU", as_of="2024-06-01", threshold=threshold)


def test_a_date_before_any_list_applies_is_not_covered(screener: Screener) -> None:
    with pytest.raises(NoCoverageError) as caught:
        screener.screen("Taliban", jurisdiction="RU", as_of="1990-01-01")
    assert caught.value.jurisdiction == "RU"


def test_a_date_before_a_lists_coverage_is_not_covered() -> None:
    entry = Entry(id="a", kind="person", names=["Anna Example"], designations=[])
    timeline = Timeline.from_versions([screener_over(entry).timelines["xx-list"].newest])
    with pytest.raises(NoCoverageError) as caught:
        timeline.check_covers(dt.date(1989, 12, 31))
    assert caught.value.list_id == "xx-list"
    assert caught.value.coverage_start == dt.date(1990, 1, 1)


def test_a_stale_list_fails_unless_accepted(screener: Screener) -> None:
    newest = max(t.newest.published for t in screener.timelines.values())
    far_future = newest + dt.timedelta(days=5000)
    with pytest.raises(StaleListError) as caught:
        screener.screen("Taliban", jurisdiction="US", as_of=far_future)
    assert caught.value.as_of == far_future
    result = screener.screen("Taliban", jurisdiction="US", as_of=far_future, accept_stale=True)
    assert result.is_hit


def test_lists_for_checks_up_front(screener: Screener) -> None:
    uses = screener.lists_for("KZ", "2024-06-01")
    assert {use.list_id for use in uses} == {"kz-terrorist-organisations", "un-sc-excerpt"}
    with pytest.raises(UnknownJurisdictionError):
        screener.lists_for("XX", "2024-06-01")


# -- the candidate index's cache on disk (issue 15) -------------------------------------------

SETTINGS = [("KZ", "2023-06-01"), ("KZ", "2024-06-01"), ("RU", "2025-06-01"), ("US", "2026-01-15")]
QUERIES = (*LISTED_QUERIES, "Талибан", "Ivan Petrov", "Haqani Network", "Mohammad Omar")


def outcomes(screener: Screener) -> list[ScreeningResult]:
    return [
        screener.screen(query, jurisdiction=jurisdiction, as_of=as_of)
        for jurisdiction, as_of in SETTINGS
        for query in QUERIES
    ]


def cached(screener: Screener) -> CachedIndex | None:
    retrieval = screener._retrieval
    assert isinstance(retrieval, IndexedRetrieval)
    return retrieval.index.cached


def test_an_index_cache_gives_the_hits_of_no_cache(screener: Screener, tmp_path: Path) -> None:
    expected = outcomes(screener)
    assert any(result.is_hit for result in expected)
    built = Screener.default(index_cache=tmp_path / "cache")
    loaded = Screener.default(index_cache=tmp_path / "cache")
    assert cached(screener) is None
    assert cached(built) is not None
    assert cached(loaded) == cached(built)
    assert [each.name for each in (tmp_path / "cache").iterdir()] == [
        Path(cached(built).path).name  # type: ignore[union-attr]
    ]
    assert outcomes(built) == expected
    assert outcomes(loaded) == expected


def test_a_corrupt_index_cache_is_built_again_with_a_warning(
    screener: Screener, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    built = cached(Screener.default(index_cache=tmp_path))
    assert built is not None
    array = next(Path(built.path, "arrays").glob("*.npy"))
    os.chmod(array, 0o600)
    array.write_bytes(array.read_bytes()[:-1] + b"\x01")
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        again = Screener.default(index_cache=tmp_path)
    assert "not used, the index is built again" in caplog.text
    assert outcomes(again) == outcomes(screener)
    # And written anew, whole: the next screener loads it.
    assert cached(again) == built
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        Screener.default(index_cache=tmp_path)
    assert caplog.text == ""


def test_the_index_cache_of_other_lists_is_not_used(
    screener: Screener, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A cache put where another screener's would be (the other lists' index) is refused."""
    other = cached(Screener.default(index_cache=tmp_path / "other"))
    assert other is not None
    entry = screener.screen("Taliban", jurisdiction="RU", as_of="2024-06-01").hits[0].entry
    small = screener_over(entry)
    expected = [small.screen(q, jurisdiction="XX", as_of="2024-06-01").hits for q in QUERIES]
    assert any(expected)
    path = cached(Screener.from_versions(*_versions_of(small), index_cache=tmp_path / "mine"))
    assert path is not None
    shutil.rmtree(path.path)
    shutil.copytree(other.path, path.path)
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        foreign = Screener.from_versions(*_versions_of(small), index_cache=tmp_path / "mine")
    assert "is the cache of other lists" in caplog.text
    assert [foreign.screen(q, jurisdiction="XX", as_of="2024-06-01").hits for q in QUERIES] == (
        expected
    )


def _versions_of(screener: Screener) -> tuple[list[ListVersion], dict[str, Jurisdiction]]:
    versions = [v for timeline in screener.timelines.values() for v in timeline.versions]
    return versions, dict(screener.jurisdictions)


def test_an_index_cache_others_can_write_is_not_used(
    screener: Screener, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        unkept = Screener.default(index_cache=shared)
    assert "writable by its group or by others" in caplog.text
    assert cached(unkept) is None
    assert list(shared.iterdir()) == []
    # Nor a cache whose own directory is: whoever can write it could hide hits.
    kept = cached(Screener.default(index_cache=tmp_path / "private"))
    assert kept is not None
    os.chmod(kept.path, 0o777)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="watchlist.index"):
        again = Screener.default(index_cache=tmp_path / "private")
    assert "writable by its group or by others" in caplog.text
    assert outcomes(again) == outcomes(screener)


def test_a_scorer_with_its_own_retrieval_is_not_cached(tmp_path: Path) -> None:
    every = Screener.default(scorer=ScoresEveryRecord(), index_cache=tmp_path)
    assert not isinstance(every._retrieval, IndexedRetrieval)
    assert list(tmp_path.iterdir()) == []


def test_the_default_index_cache_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHLIST_INDEX_CACHE", str(tmp_path / "configured"))
    assert default_index_cache_path() == tmp_path / "configured"
    monkeypatch.delenv("WATCHLIST_INDEX_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_index_cache_path() == tmp_path / "xdg" / "watchlist" / "index"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_index_cache_path() == tmp_path / "home" / ".cache" / "watchlist" / "index"
