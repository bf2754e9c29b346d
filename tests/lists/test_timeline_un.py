"""Real UN history: the March 2015 consolidated lists become one timeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from watchlist.lists.formats import un_xml
from watchlist.lists.timeline import Timeline
from watchlist.model import Designation, EndReason, Entry

pytestmark = pytest.mark.shared_data

DELISTED = ("QDi.021", "QDi.027", "QDi.275", "QDi.286")
MARCH_13, MARCH_16, MARCH_27 = dt.date(2015, 3, 13), dt.date(2015, 3, 16), dt.date(2015, 3, 27)


@pytest.fixture(scope="module")
def timeline(shared_data: Path) -> Timeline:
    folder = shared_data / "un_sc"
    return Timeline.from_versions(
        un_xml.parse(folder / name)
        for name in (
            "consolidated_2015-03-27.xml",
            "consolidated_2015-03-13.xml",
            "consolidated_2015-03-16.xml",
        )
    )


def _in_force(timeline: Timeline, day: dt.date) -> dict[str, tuple[Entry, Designation]]:
    return {entry.id: (entry, designation) for entry, designation in timeline.in_force(day)}


def test_four_qdi_entries_are_delisted_between_13_and_16_march(timeline: Timeline) -> None:
    before = _in_force(timeline, MARCH_13)
    after = _in_force(timeline, MARCH_16)
    assert set(before) - set(after) == set(DELISTED)
    assert set(after) - set(before) == set()
    for entry_id in DELISTED:
        _entry, designation = before[entry_id]
        assert designation.end == MARCH_16
        assert designation.end_reason == EndReason.DELISTED
    assert before["QDi.286"][0].primary_name.value.startswith("HAKIMULLAH")


def test_27_march_adds_a_taliban_individual_and_entity(timeline: Timeline) -> None:
    before = _in_force(timeline, MARCH_16)
    after = _in_force(timeline, MARCH_27)
    added = set(after) - set(before)
    assert {"TAi.173", "TAe.014"} <= added
    entry, designation = after["TAi.173"]
    assert entry.primary_name.value == "ABDUL BASIR NOORZAI"
    assert designation.start == MARCH_27
    assert designation.end is None
    assert after["TAe.014"][0].primary_name.value == "HAJI BASIR AND ZARJMIL COMPANY HAWALA"
    assert set(before) - set(after) == set()


def test_tai_171_stays_one_entry_through_the_history(timeline: Timeline) -> None:
    for day in (MARCH_13, MARCH_16, MARCH_27):
        assert "TAi.171" in _in_force(timeline, day)
