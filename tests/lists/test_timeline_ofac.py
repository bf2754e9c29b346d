"""Real OFAC history: scraped daily copies of sdn.csv become one timeline.

The copies have no companion files and no publication date; each version's date is the one
in its file name (the scrape's commit date, see ofac_sdn/daily/manifest.csv).
"""

from __future__ import annotations

import datetime as dt
import tarfile
from pathlib import Path

import pytest

from watchlist.errors import IncompleteListWarning
from watchlist.lists.formats import ofac_csv
from watchlist.lists.timeline import Timeline
from watchlist.model import EndReason, Entry, ListVersion

pytestmark = pytest.mark.shared_data

DAILY = "ofac_sdn/daily/sdn_daily_2021-08-18_to_2024-05-03.tar.xz"
#: The daily copies around the amendment of uid 23629 on 2021-11-22.
DAILY_FILES = ("sdn_2021-11-18_1846.csv", "sdn_2021-11-22_1849.csv", "sdn_2021-11-23_1848.csv")


def _version(path: Path) -> ListVersion:
    published = dt.date.fromisoformat(path.name.split("_")[1])
    with pytest.warns(IncompleteListWarning):
        return ofac_csv.parse(path, published=published)


def _record_on(timeline: Timeline, entry_id: str, day: dt.date) -> Entry | None:
    found = [entry for entry, _ in timeline.in_force(day) if entry.id == entry_id]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.fixture(scope="session")
def daily_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The few daily copies these tests need, unpacked once from the 840 MB archive."""
    target = tmp_path_factory.mktemp("ofac_daily")
    wanted = {f"./{name}" for name in DAILY_FILES}
    with tarfile.open(shared_data / DAILY) as archive:
        for member in archive:
            if member.name in wanted:
                archive.extract(member, target, filter="data")
                wanted.discard(member.name)
            if not wanted:
                break
    assert not wanted, f"missing from the archive: {sorted(wanted)}"
    return target


def test_deroji_is_listed_between_the_two_snapshots(shared_data: Path) -> None:
    folder = shared_data / "ofac_sdn/snapshots"
    timeline = Timeline.from_versions(
        _version(folder / name) for name in ("sdn_2022-11-30_1848.csv", "sdn_2022-11-23_1846.csv")
    )
    assert _record_on(timeline, "40096", dt.date(2022, 11, 23)) is None
    assert _record_on(timeline, "40096", dt.date(2022, 11, 29)) is None
    deroji = _record_on(timeline, "40096", dt.date(2022, 11, 30))
    assert deroji is not None
    assert deroji.primary_name.value == "DEROJI, Mufti Hazrat"
    [designation] = deroji.designations
    assert designation.start == dt.date(2022, 11, 30)
    assert designation.end is None
    assert _record_on(timeline, "6636", dt.date(2022, 11, 23)) is not None


def test_inayatullah_is_renamed_on_2021_11_22(daily_dir: Path) -> None:
    timeline = Timeline.from_versions(_version(daily_dir / name) for name in DAILY_FILES)
    before = _record_on(timeline, "23629", dt.date(2021, 11, 21))
    after = _record_on(timeline, "23629", dt.date(2021, 11, 22))
    assert before is not None
    assert after is not None
    assert before.primary_name.value == "INAYATULLAH"
    assert after.primary_name.value == "INAYATULLAH, Maulawi"
    [ended] = before.designations
    assert (ended.start, ended.end, ended.end_reason) == (
        dt.date(2021, 11, 18),
        dt.date(2021, 11, 22),
        EndReason.SUPERSEDED,
    )
    # The amendment also added his nationality and moved "Maulawi" from Title to the name.
    assert before.nationalities == ()
    assert after.nationalities == ("AF",)
    assert _record_on(timeline, "23629", dt.date(2021, 11, 23)) == after
