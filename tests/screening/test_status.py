"""Screener.timeline: where and since when a query hits, agreeing with screen on every day."""

from __future__ import annotations

import datetime as dt
import functools

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scorers import ScoresEveryRecord
from tests.strategies import HISTORY_START, list_histories
from watchlist import (
    AppliedList,
    Designation,
    Entry,
    Jurisdiction,
    ListVersion,
    Screener,
    StatusEvent,
    StatusTimeline,
)
from watchlist.errors import InputError, NoCoverageError, StaleListError, UnknownJurisdictionError
from watchlist.matching import FeatureScorer
from watchlist.screening.status import JurisdictionStatus

DAY = dt.timedelta(days=1)
CODES = ("RU", "KZ", "US", "UN")
#: The range of the shipped lists' pictures: every list covers it, none is stale at its end.
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2026, 11, 28)
QUERIES = (
    "Taliban",
    "Талибан",
    "Taliban Movement",
    "Sirajuddin Haqqani",
    "Haqqani Network",
    "Al-Qaida",
    "Muslim Brotherhood",
    "Islamic State",
    "Tehrik-e Taliban Pakistan",
    "Ivan Petrov",
)


@functools.cache
def shipped_timeline(query: str) -> StatusTimeline:
    return Screener.default().timeline(query, jurisdictions=CODES, start=FIRST, end=LAST)


def _hit_keys(screener: Screener, query: str, code: str, day: dt.date) -> set[tuple[str, str]]:
    result = screener.screen(query, jurisdiction=code, as_of=day)
    return {(hit.list_id, hit.entry_id) for hit in result.hits}


def _period_keys(lane: JurisdictionStatus, day: dt.date) -> set[tuple[str, str]]:
    return {(period.list_id, period.entry_id) for period in lane.hits_on(day)}


def _check_day(screener: Screener, timeline: StatusTimeline, code: str, day: dt.date) -> None:
    query = timeline.query.name
    lane = timeline[code]
    result = screener.screen(query, jurisdiction=code, as_of=day, threshold=timeline.threshold)
    assert _period_keys(lane, day) == {(hit.list_id, hit.entry_id) for hit in result.hits}, (
        query,
        code,
        day,
    )
    assert lane.is_hit_on(day) == result.is_hit
    for hit in result.hits:
        periods = [p for p in lane.hits_on(day) if (p.list_id, p.entry) == (hit.list_id, hit.entry)]
        assert any(p.designation == hit.designation for p in periods)
        assert all(p.match == hit.match for p in periods)


def _change_days(timeline: StatusTimeline) -> set[dt.date]:
    """Every day on which a period opens or closes, and the day before, within the range."""
    days = set()
    for lane in timeline.jurisdictions:
        for period in lane.periods:
            for day in (period.start, period.end):
                if day is not None:
                    days.update({day, day - DAY})
    return {day for day in days if timeline.start <= day <= timeline.end}


def test_the_taliban_picture(screener: Screener) -> None:
    timeline = shipped_timeline("Taliban")
    assert [lane.code for lane in timeline.jurisdictions] == list(CODES)
    (ru,) = timeline["RU"].periods
    assert (ru.list_id, ru.entry_id, ru.start, ru.end) == (
        "ru-fsb-terrorist-organisations",
        "taliban",
        dt.date(2003, 2, 14),
        dt.date(2025, 4, 17),
    )
    assert ru.opened.event is StatusEvent.DESIGNATION
    assert ru.opened.basis.startswith("Supreme Court of the Russian Federation, decision of 14 Feb")
    assert ru.closed is not None
    assert ru.closed.event is StatusEvent.SUSPENSION
    assert "ruling of 17 Apr 2025" in ru.closed.basis
    (kz,) = timeline["KZ"].periods
    assert (kz.start, kz.end) == (dt.date(2005, 3, 15), dt.date(2023, 12, 29))
    assert kz.closed is not None
    assert kz.closed.event is StatusEvent.REMOVAL
    (us,) = timeline["US"].periods
    assert (us.list_id, us.entry_id, us.start, us.end) == (
        "us-ofac-sdn-excerpt",
        "6636",
        dt.date(1999, 7, 4),
        None,
    )
    assert us.closed is None
    assert timeline["US"].changes == ()  # listed before the range and throughout
    # No UN entry is the Taliban movement itself.
    assert timeline["UN"].periods == ()
    assert [(c.day, c.jurisdiction, c.event) for c in timeline.changes] == [
        (dt.date(2003, 2, 14), "RU", StatusEvent.DESIGNATION),
        (dt.date(2005, 3, 15), "KZ", StatusEvent.DESIGNATION),
        (dt.date(2023, 12, 29), "KZ", StatusEvent.REMOVAL),
        (dt.date(2025, 4, 17), "RU", StatusEvent.SUSPENSION),
    ]
    suspension = timeline.changes[-1]
    assert (suspension.hit_before, suspension.hit_after) == (True, False)
    assert timeline.is_hit
    assert {use.list_id for use in timeline.lists_used} == {
        "ru-fsb-terrorist-organisations",
        "kz-terrorist-organisations",
        "us-state-fto",
        "us-ofac-sdn-excerpt",
        "un-sc-excerpt",
    }
    # The scenario's table.
    for day, listed in {
        dt.date(2023, 6, 1): {"RU", "KZ", "US"},
        dt.date(2024, 6, 1): {"RU", "US"},
        dt.date(2025, 6, 1): {"US"},
    }.items():
        assert {lane.code for lane in timeline.jurisdictions if lane.is_hit_on(day)} == listed


@pytest.mark.parametrize("query", QUERIES)
def test_agrees_with_screen_on_every_change_and_the_day_before(
    screener: Screener, query: str
) -> None:
    timeline = shipped_timeline(query)
    days = _change_days(timeline) | {FIRST, LAST}
    for code in CODES:
        for day in sorted(days):
            _check_day(screener, timeline, code, day)
        for change in timeline[code].changes:
            assert change.hit_after == bool(_hit_keys(screener, query, code, change.day))
            if change.day > FIRST:
                before = _hit_keys(screener, query, code, change.day - DAY)
                assert change.hit_before == bool(before)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.sampled_from(QUERIES), day=st.dates(min_value=FIRST, max_value=LAST))
def test_agrees_with_screen_on_random_days(query: str, day: dt.date) -> None:
    screener = Screener.default()
    timeline = shipped_timeline(query)
    for code in CODES:
        _check_day(screener, timeline, code, day)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=list_histories(),
    data=st.data(),
    index=st.booleans(),
)
def test_agrees_with_screen_on_random_list_histories(
    history: tuple[list[ListVersion], dict[str, Jurisdiction], list[str]],
    data: st.DataObject,
    index: bool,
) -> None:
    versions, jurisdictions, pool = history
    scorer = FeatureScorer() if index else ScoresEveryRecord()
    screener = Screener.from_versions(versions, jurisdictions, scorer=scorer)
    first = data.draw(st.dates(min_value=HISTORY_START, max_value=dt.date(2027, 12, 31)))
    last = data.draw(st.dates(min_value=first, max_value=dt.date(2027, 12, 31)))
    query = data.draw(st.sampled_from(pool))
    timeline = screener.timeline(query, jurisdictions=["AA", "bb"], start=first, end=last)
    assert [lane.code for lane in timeline.jurisdictions] == ["AA", "BB"]
    days = _change_days(timeline) | {first, last}
    days |= set(data.draw(st.lists(st.dates(min_value=first, max_value=last), max_size=5)))
    for code in ("AA", "BB"):
        lane = timeline[code]
        for day in sorted(days):
            _check_day(screener, timeline, code, day)
        for change in lane.changes:
            assert first <= change.day <= last
            keys_after = _hit_keys(screener, query, code, change.day)
            assert change.hit_after == bool(keys_after)
            assert change.entry_hit_after == ((change.list_id, change.entry_id) in keys_after)
            if change.day > first:
                keys_before = _hit_keys(screener, query, code, change.day - DAY)
                assert change.entry_hit_before == ((change.list_id, change.entry_id) in keys_before)
            if change.event is not StatusEvent.AMENDMENT:
                # A change row is a change: the entry hits on one side of it only.
                assert change.entry_hit_before != change.entry_hit_after
        # Every day on which an entry starts or stops hitting is a change of the lane.
        changed = {(c.day, c.list_id, c.entry_id) for c in lane.changes}
        for day in sorted(days):
            if first < day:
                before = _period_keys(lane, day - DAY)
                after = _period_keys(lane, day)
                for list_id, entry_id in before ^ after:
                    assert (day, list_id, entry_id) in changed


def test_events_name_relisting_amendment_and_the_lists_applied() -> None:
    def version(list_id: str, published: str, *entries: Entry) -> ListVersion:
        info = attrs.evolve(_INFO, id=list_id)
        return ListVersion(info=info, published=published, digest=published,
                           location=f"{list_id}-{published}", entries=entries)  # fmt: skip

    curated = version(
        "curated",
        "2010-01-01",
        Entry(
            id="group",
            kind="organization",
            names=["Red Dawn Front"],
            designations=[
                Designation(start="2001-01-01", basis="decree 1", end="2004-01-01",
                            end_reason="delisted", end_basis="decree 2"),
                Designation(start="2006-01-01", basis="decree 3", end="2008-01-01",
                            end_reason="expired", end_basis="sunset clause"),
            ],
        ),
    )  # fmt: skip
    snapshots = [
        version("snapshots", "2002-01-01", Entry(id="p", kind="person", names=["Red Dawn Front"])),
        version("snapshots", "2003-01-01",
                Entry(id="p", kind="person", names=["Red Dawn Front", "RDF"])),
        version("snapshots", "2005-01-01", Entry(id="p", kind="person", names=["Blue Sky"])),
    ]  # fmt: skip
    jurisdictions = {
        "AA": Jurisdiction(
            code="AA",
            name="A",
            lists=[
                AppliedList("curated", start="2000-01-01", basis="law A", source="a"),
                AppliedList("snapshots", start="2002-06-01", end="2007-01-01", basis="law S",
                            source="s"),
            ],
        ),
    }  # fmt: skip
    screener = Screener.from_versions([curated, *snapshots], jurisdictions)
    timeline = screener.timeline("Red Dawn Front", jurisdictions="AA", start="2000-01-01",
                                 end="2009-12-31")  # fmt: skip
    assert [(c.day.isoformat(), c.list_id, c.event) for c in timeline["AA"].changes] == [
        ("2001-01-01", "curated", StatusEvent.DESIGNATION),
        ("2002-06-01", "snapshots", StatusEvent.LIST_APPLIED),
        ("2003-01-01", "snapshots", StatusEvent.AMENDMENT),
        ("2004-01-01", "curated", StatusEvent.REMOVAL),
        ("2005-01-01", "snapshots", StatusEvent.AMENDMENT),
        ("2006-01-01", "curated", StatusEvent.RELISTING),
        ("2008-01-01", "curated", StatusEvent.EXPIRY),
    ]
    changes = timeline["AA"].changes
    assert changes[1].basis == "law S"
    assert (changes[2].entry_hit_before, changes[2].entry_hit_after) == (True, True)
    # Amended so that the query no longer matches: the entry stops hitting.
    assert (changes[4].entry_hit_before, changes[4].entry_hit_after) == (True, False)
    assert "amended in" in changes[4].basis


_INFO = attrs.evolve(
    Screener.default().timelines["us-state-fto"].info,
    jurisdiction="XX",
    coverage_start=dt.date(2000, 1, 1),
    max_age_days=100_000,
)


def test_a_list_withdrawn_closes_its_periods() -> None:
    info = attrs.evolve(_INFO, id="only")
    entry = Entry(id="e", kind="person", names=["Red Dawn Front"],
                  designations=[Designation(start="2001-01-01", basis="decree")])  # fmt: skip
    other = attrs.evolve(_INFO, id="other")
    versions = [
        ListVersion(info=info, published="2001-01-01", digest="a", location="a", entries=[entry]),
        ListVersion(info=other, published="2001-01-01", digest="b", location="b", entries=[]),
    ]
    jurisdictions = {
        "AA": Jurisdiction(code="AA", name="A", lists=[
            AppliedList("only", start="2000-01-01", end="2005-01-01", basis="law", source="s"),
            AppliedList("other", start="2000-01-01", basis="law 2", source="s"),
        ]),
    }  # fmt: skip
    screener = Screener.from_versions(versions, jurisdictions)
    (period,) = screener.timeline("Red Dawn Front", jurisdictions=["AA"], start="2000",
                                  end="2010").jurisdictions[0].periods  # fmt: skip
    assert period.end == dt.date(2005, 1, 1)
    assert period.closed is not None
    assert period.closed.event is StatusEvent.LIST_WITHDRAWN


@pytest.mark.parametrize("code", ["XX", "", None, "RU,KZ"])
def test_an_unknown_jurisdiction_fails_closed(screener: Screener, code: str | None) -> None:
    with pytest.raises(UnknownJurisdictionError) as caught:
        screener.timeline("Taliban", jurisdictions=["RU", code], start=FIRST, end=LAST)  # type: ignore[list-item]
    assert caught.value.known == ("EU", "GB", "KZ", "RU", "UN", "US")


def test_no_jurisdiction_is_an_input_error(screener: Screener) -> None:
    with pytest.raises(InputError):
        screener.timeline("Taliban", jurisdictions=[], start=FIRST, end=LAST)


@pytest.mark.parametrize(
    ("code", "start", "end", "uncovered"),
    [
        # Before every list's coverage.
        ("RU", "1990-01-01", "1995-12-31", "1990-01-01"),
        # Partly before it: the first day no list covers.
        ("UN", "1999-01-01", "2024-01-01", "1999-01-01"),
        ("US", "1997-01-01", "2024-01-01", "1997-01-01"),
    ],
)
def test_a_range_outside_the_coverage_fails_closed(
    screener: Screener, code: str, start: str, end: str, uncovered: str
) -> None:
    with pytest.raises(NoCoverageError) as caught:
        screener.timeline("Taliban", jurisdictions=["KZ", code], start=start, end=end)
    assert caught.value.as_of == dt.date.fromisoformat(uncovered)
    # As screen does on that day.
    with pytest.raises(NoCoverageError):
        screener.screen("Taliban", jurisdiction=code, as_of=uncovered)


def test_a_list_covering_less_than_the_jurisdiction_applies_fails_closed() -> None:
    info = attrs.evolve(_INFO, id="late", coverage_start=dt.date(2005, 1, 1))
    versions = [ListVersion(info=info, published="2005-01-01", digest="a", location="a",
                            entries=[])]  # fmt: skip
    jurisdictions = {"AA": Jurisdiction(code="AA", name="A", lists=[
        AppliedList("late", start="2000-01-01", basis="law", source="s")])}  # fmt: skip
    screener = Screener.from_versions(versions, jurisdictions)
    with pytest.raises(NoCoverageError) as caught:
        screener.timeline("x", jurisdictions=["AA"], start="2004-06-01", end="2006-01-01")
    assert caught.value.list_id == "late"
    assert screener.timeline("x", jurisdictions=["AA"], start="2005-01-01", end="2006-01-01")


def test_a_range_ending_past_a_lists_age_is_stale_unless_accepted(screener: Screener) -> None:
    with pytest.raises(StaleListError):
        screener.timeline("Taliban", jurisdictions=["RU"], start=FIRST, end="2030-01-01")
    timeline = screener.timeline(
        "Taliban", jurisdictions=["RU"], start=FIRST, end="2030-01-01", accept_stale=True
    )
    assert timeline["RU"].periods


def test_a_range_ending_before_it_starts_is_an_input_error(screener: Screener) -> None:
    with pytest.raises(InputError):
        screener.timeline("Taliban", jurisdictions=["RU"], start="2024-01-02", end="2024-01-01")


def test_a_range_of_one_day(screener: Screener) -> None:
    timeline = screener.timeline("Taliban", jurisdictions=["RU"], start="2003-02-14",
                                 end="2003-02-14")  # fmt: skip
    assert timeline["RU"].is_hit_on(dt.date(2003, 2, 14))
    assert [c.event for c in timeline.changes] == [StatusEvent.DESIGNATION]


def test_the_result_is_a_frozen_value() -> None:
    timeline = shipped_timeline("Taliban")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        timeline.start = FIRST  # type: ignore[misc]
    assert not hasattr(timeline, "__dict__")
    assert not hasattr(timeline["RU"].periods[0], "__dict__")
    assert hash(timeline["RU"].changes[0])
