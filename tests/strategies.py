"""Hypothesis strategies for the test suite (public ones live in ``watchlist.testing``)."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import strategies as st

from watchlist import (
    AppliedList,
    Designation,
    EndReason,
    Entry,
    Jurisdiction,
    ListInfo,
    ListVersion,
    Name,
)

#: Dates from before the first lists to after the newest shipped version.
days = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2027, 12, 31))

#: Name words: Latin and Cyrillic letters, as names on the lists are written.
words = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыэюя"),
    min_size=2,
    max_size=10,
)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
#: Strings of few letters, so that two are often a few edits apart ("й" and "y" share a bit
#: of the index's letter signature).
close_strings = st.text(alphabet="abnrsyй", max_size=14)


@st.composite
def designations(draw: st.DrawFn) -> Designation:
    start = draw(days)
    if draw(st.booleans()):
        return Designation(start=start, basis="test basis")
    end = draw(st.dates(min_value=start + dt.timedelta(days=1), max_value=dt.date(2030, 1, 1)))
    return Designation(
        start=start,
        basis="test basis",
        end=end,
        end_reason=draw(st.sampled_from(list(EndReason))),
    )


@st.composite
def entries(draw: st.DrawFn, entry_id: str = "e1") -> Entry:
    return Entry(
        id=entry_id,
        kind=draw(st.sampled_from(["person", "organization"])),
        names=[Name(value) for value in draw(st.lists(names, min_size=1, max_size=3))],
        designations=draw(st.lists(designations(), min_size=1, max_size=3)),
    )


#: The first day the lists of :func:`list_histories` describe.
HISTORY_START = dt.date(1995, 1, 1)


def _snapshot_info(list_id: str) -> ListInfo:
    return ListInfo(
        id=list_id,
        title=f"list {list_id}",
        authority="test",
        jurisdiction="XX",
        coverage="complete",
        coverage_start=HISTORY_START,
        max_age_days=100_000,
    )


@st.composite
def list_histories(
    draw: st.DrawFn,
) -> tuple[list[ListVersion], dict[str, Jurisdiction], list[str]]:
    """Two lists and two jurisdictions over random dates, with names from a small pool (so
    that a query drawn from it hits often): a curated list with stated designations (some
    ended, some overlapping, some relisted), a list published as snapshots whose entries
    appear, change and disappear from version to version, and jurisdictions applying them
    over random, possibly overlapping or adjoining ranges. Returns the versions, the
    jurisdictions and the name pool."""
    pool = draw(st.lists(names, min_size=2, max_size=4, unique=True))
    pick = st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)
    curated_entries = [
        Entry(
            id=f"c{k}",
            kind="organization",
            names=draw(pick),
            designations=draw(st.lists(designations(), min_size=1, max_size=3)),
        )
        for k in range(draw(st.integers(1, 4)))
    ]
    curated = ListVersion(
        info=_snapshot_info("curated"),
        published=draw(days),
        digest="curated",
        location="curated.toml",
        entries=curated_entries,
    )
    published = sorted(draw(st.sets(days, min_size=1, max_size=5)))
    snapshots = []
    for k, day in enumerate(published):
        present = draw(st.sets(st.sampled_from(["s1", "s2", "s3"]), max_size=3))
        entries_now = [
            Entry(id=entry_id, kind="person", names=draw(pick)) for entry_id in sorted(present)
        ]
        snapshots.append(
            ListVersion(
                info=_snapshot_info("snapshots"),
                published=day,
                digest=f"snapshot-{k}",
                location=f"snapshot-{k}.csv",
                entries=entries_now,
            )
        )

    @st.composite
    def applied(draw: st.DrawFn, list_id: str, *, always: bool = False) -> list[AppliedList]:
        if always:
            return [AppliedList(list_id, start=HISTORY_START, basis=f"{list_id} law", source="s")]
        items = []
        for k in range(draw(st.integers(1, 2))):
            start = draw(days)
            end = draw(st.none() | st.dates(min_value=start + dt.timedelta(days=1)))
            items.append(
                AppliedList(list_id, start=start, end=end, basis=f"{list_id} law {k}", source="s")
            )
        return items

    # One list always applies in each jurisdiction, so that every day is covered.
    jurisdictions = {
        "AA": Jurisdiction(
            code="AA",
            name="A",
            lists=[*draw(applied("curated", always=True)), *draw(applied("snapshots"))],
        ),
        "BB": Jurisdiction(
            code="BB",
            name="B",
            lists=[*draw(applied("snapshots", always=True)), *draw(applied("curated"))],
        ),
    }
    return [curated, *snapshots], jurisdictions, pool


#: Customer identifiers, as a bank's files hold them.
customer_ids = st.from_regex(r"C[0-9]{1,6}", fullmatch=True)


@st.composite
def decision_times(draw: st.DrawFn) -> dt.datetime:
    """When a decision was taken: a UTC time, to the second."""
    day = draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 31)))
    seconds = draw(st.integers(0, 86_399))
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)


@st.composite
def entry_changes(draw: st.DrawFn, entry: Entry) -> Entry:
    """``entry`` with its content changed in a way its content digest must see: a name
    added, a programme, a date of birth, a nationality or an identifier."""
    change = draw(st.sampled_from(["name", "programme", "birth", "nationality", "identifier"]))
    if change == "name":
        return attrs.evolve(entry, names=[*entry.names, Name(draw(names) + " extra")])
    if change == "programme":
        return attrs.evolve(entry, programmes=[*entry.programmes, "NEWPROG"])
    if change == "birth":
        return attrs.evolve(entry, birth_dates=[*entry.birth_dates, "1961-02-03"])
    if change == "nationality":
        return attrs.evolve(entry, nationalities=[*entry.nationalities, "ZZ"])
    return attrs.evolve(entry, identifiers=[{"kind": "passport", "value": draw(words) + "99"}])
