from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchlist import Designation, Entry, ListFormatError, ListInfo, ListVersion
from watchlist.lists.timeline import Timeline

INFO = ListInfo(
    id="xx-snapshots",
    title="Snapshot list",
    authority="Test",
    jurisdiction="XX",
    coverage="complete",
    coverage_start="2020-01-01",
    max_age_days=30,
)
FIRST_DAY = dt.date(2020, 1, 1)


def snapshot(day: dt.date, entries: list[Entry], digest: str | None = None) -> ListVersion:
    return ListVersion(
        info=INFO,
        published=day,
        digest=digest or f"{day.isoformat()}-{len(entries)}-{hash(tuple(entries))}",
        location=f"snapshot-{day}",
        entries=entries,
    )


def entry(entry_id: str, name: str) -> Entry:
    return Entry(id=entry_id, kind="person", names=[name])


#: A history: for each version, for each of three entry ids, absent (None) or a content variant.
histories = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=40),
        st.lists(st.one_of(st.none(), st.sampled_from(["a", "b"])), min_size=3, max_size=3),
    ),
    min_size=1,
    max_size=8,
)


def build(history: list[tuple[int, list[str | None]]]) -> list[ListVersion]:
    versions = []
    day = FIRST_DAY
    for gap, contents in history:
        listed = [
            entry(f"id{i}", f"Name {i} {variant}")
            for i, variant in enumerate(contents)
            if variant is not None
        ]
        versions.append(snapshot(day, listed))
        day += dt.timedelta(days=gap)
    return versions


@given(history=histories, offset=st.integers(min_value=0, max_value=400))
def test_snapshots_agree_with_a_naive_reading_of_the_versions(
    history: list[tuple[int, list[str | None]]], offset: int
) -> None:
    versions = build(history)
    timeline = Timeline.from_versions(versions)
    day = FIRST_DAY + dt.timedelta(days=offset)
    current = [v for v in versions if v.published <= day][-1]
    expected = {(e.id, e.names[0].value) for e in current.entries}
    in_force = {(e.id, e.names[0].value) for e, _ in timeline.in_force(day)}
    assert in_force == expected
    assert timeline.version_on(day).published == current.published


def test_an_entry_leaves_the_day_the_first_version_without_it_is_published() -> None:
    day1, day2, day3 = dt.date(2022, 11, 23), dt.date(2022, 11, 30), dt.date(2022, 12, 7)
    timeline = Timeline.from_versions(
        [
            snapshot(day1, [entry("1", "Old Name")]),
            snapshot(day2, [entry("1", "New Name"), entry("2", "Added")]),
            snapshot(day3, [entry("2", "Added")]),
        ]
    )
    records = {(e.id, e.names[0].value): e.designations[0] for e in timeline.records}
    old = records["1", "Old Name"]
    assert (old.start, old.end, old.end_reason) == (day1, day2, "superseded")
    new = records["1", "New Name"]
    assert (new.start, new.end, new.end_reason) == (day2, day3, "delisted")
    added = records["2", "Added"]
    assert (added.start, added.end) == (day2, None)
    assert "absent from Snapshot list as published 2022-12-07" in (new.end_basis or "")


def test_stated_designations_are_kept() -> None:
    stated = Designation(
        start="2003-02-14", basis="court", end="2025-04-17", end_reason="suspended"
    )
    listed = Entry(id="t", kind="organization", names=["Taliban"], designations=[stated])
    timeline = Timeline.from_versions([snapshot(dt.date(2026, 1, 1), [listed])])
    assert timeline.records == (listed,)


def test_two_different_versions_on_one_day_are_rejected() -> None:
    day = dt.date(2024, 1, 1)
    with pytest.raises(ListFormatError, match="same publication date"):
        Timeline.from_versions(
            [snapshot(day, [entry("1", "A")], "x"), snapshot(day, [entry("1", "B")], "y")]
        )


def test_the_same_version_twice_counts_once() -> None:
    version = snapshot(dt.date(2024, 1, 1), [entry("1", "A")], "same")
    assert len(Timeline.from_versions([version, version]).versions) == 1


def test_stated_designations_end_when_the_entry_leaves_the_list() -> None:
    stated = Designation(start="2001-01-25", basis="listed on 2001-01-25")
    listed = Entry(
        id="TAi.002", kind="person", names=["Mohammad Hassan Akhund"], designations=[stated]
    )
    day1, day2, day3 = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
    timeline = Timeline.from_versions(
        [snapshot(day1, [listed]), snapshot(day2, [listed]), snapshot(day3, [])]
    )
    (record,) = timeline.records
    (designation,) = record.designations
    assert (designation.start, designation.end) == (stated.start, day3)
    assert designation.end_reason == "delisted"
    assert [e.id for e, _ in timeline.in_force(day2)] == ["TAi.002"]
    assert list(timeline.in_force(day3)) == []


def test_a_stated_designation_starts_no_earlier_than_the_first_version_carrying_it() -> None:
    stated = Designation(start="2001-01-25", basis="listed on 2001-01-25")
    listed = Entry(id="x", kind="person", names=["Late Addition"], designations=[stated])
    day1, day2 = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
    timeline = Timeline.from_versions([snapshot(day1, []), snapshot(day2, [listed])])
    (record,) = timeline.records
    assert record.designations[0].start == day2
    assert list(timeline.in_force(day1)) == []
