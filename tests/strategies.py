"""Hypothesis strategies for the test suite (public ones live in ``watchlist.testing``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from watchlist import Designation, EndReason, Entry, Name

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
