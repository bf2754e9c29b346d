"""List diffs between two dates: on real OFAC and UN history, on curated lists, field by field."""

from __future__ import annotations

import datetime as dt
import json
import tarfile
from pathlib import Path

import attrs
import pytest

from watchlist import Screener
from watchlist.errors import (
    IncompleteListWarning,
    InputError,
    ListNotFoundError,
    NoCoverageError,
    StaleListError,
)
from watchlist.lists import registry
from watchlist.lists.diff import NOT_APPLIED, ListDiff, diff
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.lists.timeline import Timeline
from watchlist.model import (
    Coverage,
    Designation,
    Entry,
    Identifier,
    ListInfo,
    ListVersion,
    Name,
)


@pytest.fixture(scope="module")
def ofac_timeline(shared_data: Path) -> Timeline:
    versions = []
    for day in ("2022-11-23", "2022-11-30"):
        path = next((shared_data / "ofac_sdn" / "snapshots").glob(f"sdn_{day}_*.csv"))
        with pytest.warns(IncompleteListWarning):
            versions.append(
                registry.read("us-ofac-sdn", path, published=dt.date.fromisoformat(day))
            )
    return Timeline.from_versions(versions)


@pytest.mark.shared_data
def test_ofac_adds_deroji_between_23_and_30_november_2022(ofac_timeline: Timeline) -> None:
    result = diff(ofac_timeline, "2022-11-23", "2022-11-30")
    added = {change.entry_id: change for change in result.added}
    assert "40096" in added
    assert added["40096"].name == "DEROJI, Mufti Hazrat"
    assert added["40096"].after is not None
    assert "SDGT" in added["40096"].after.programmes
    assert result.removed == ()
    assert result.lists == ("us-ofac-sdn",)
    # The same day on both sides compares equal.
    assert not diff(ofac_timeline, "2022-11-30", "2022-11-30").has_changes


@pytest.mark.shared_data
def test_the_un_delists_four_qdi_entries_in_march_2015(shared_data: Path) -> None:
    timeline = Timeline.from_versions(
        registry.read("un-sc-consolidated", shared_data / "un_sc" / f"consolidated_{day}.xml")
        for day in ("2015-02-26", "2015-03-13", "2015-03-16", "2015-03-27")
    )
    result = diff(timeline, "2015-03-13", "2015-03-16")
    assert [change.entry_id for change in result.removed] == [
        "QDi.021", "QDi.027", "QDi.275", "QDi.286"
    ]  # fmt: skip
    for change in result.removed:
        assert change.ending is not None
        assert change.ending.reason == "delisted"
        assert change.ending.date == dt.date(2015, 3, 16)
        assert "2015-03-16" in (change.ending.basis or "")
    assert "MEHSUD" in next(c.name for c in result.removed if c.entry_id == "QDi.286").upper()


def test_kz_ends_the_taliban_on_29_december_2023(screener: Screener) -> None:
    result = diff(screener, "2023-12-01", "2024-01-31", target="KZ")
    assert result.target == "KZ"
    assert result.lists == ("kz-terrorist-organisations", "un-sc-excerpt")
    assert [change.entry_id for change in result.removed] == ["taliban"]
    [taliban] = result.removed
    assert taliban.list_id == "kz-terrorist-organisations"
    assert taliban.ending is not None
    assert (taliban.ending.reason, taliban.ending.date) == ("delisted", dt.date(2023, 12, 29))
    assert result.added == ()
    assert result.changed == ()
    text = result.to_text()
    assert "- kz-terrorist-organisations / taliban: Движение «Талибан»" in text
    assert "delisted on 2023-12-29" in text


def test_a_list_id_target_diffs_that_list_alone(screener: Screener) -> None:
    result = diff(screener, "2023-12-01", "2024-01-31", target="kz-terrorist-organisations")
    assert result.lists == ("kz-terrorist-organisations",)
    assert [change.entry_id for change in result.removed] == ["taliban"]


def test_the_json_has_a_stable_key_order(screener: Screener) -> None:
    result = diff(screener, "2023-12-01", "2024-01-31", target="kz")
    text = result.to_json_text()
    assert text == diff(screener, "2023-12-01", "2024-01-31", target="KZ").to_json_text()
    document = json.loads(text)
    assert list(document) == [
        "target", "from", "to", "lists", "summary", "added", "removed", "changed"
    ]  # fmt: skip
    assert document["summary"] == {"added": 0, "removed": 1, "changed": 0}
    [removed] = document["removed"]
    assert list(removed) == ["list_id", "entry_id", "name", "ending"]
    assert list(removed["ending"]) == ["date", "reason", "basis", "source"]
    assert removed["ending"]["reason"] == "delisted"
    assert removed["ending"]["date"] == "2023-12-29"


INFO = ListInfo(
    id="test-list",
    title="Test list",
    authority="Tests",
    jurisdiction="XX",
    coverage=Coverage.COMPLETE,
    coverage_start="2020-01-01",
    max_age_days=3650,
)


def _version(published: str, *entries: Entry) -> ListVersion:
    return ListVersion(
        info=INFO, published=published, digest=published, location=published, entries=entries
    )


BEFORE = Entry(
    id="7",
    kind="person",
    names=["DOE, John", Name("JD", "weak")],
    programmes=["SDGT"],
    birth_dates=["1964"],
    nationalities=["AF"],
    identifiers=[Identifier("passport", "A123", "AF")],
    remarks="DOB 1964.",
)
AFTER = Entry(
    id="7",
    kind="person",
    names=["DOE, John", "DOE, Jon"],
    programmes=["SDGT", "IRAN"],
    birth_dates=["1964-05-02"],
    nationalities=["AF", "PK"],
    identifiers=[Identifier("passport", "A123", "AF"), Identifier("national id", "99")],
    remarks="DOB 02 May 1964.",
)


def test_a_changed_entry_lists_its_field_changes() -> None:
    timeline = Timeline.from_versions(
        [_version("2020-01-01", BEFORE), _version("2020-02-01", AFTER)]
    )
    result = diff(timeline, "2020-01-15", "2020-02-15")
    assert (result.added, result.removed) == ((), ())
    [change] = result.changed
    fields = {field.field: field for field in change.changes}
    assert set(fields) == {
        "names", "birth_dates", "nationalities", "identifiers", "programmes", "remarks"
    }  # fmt: skip
    assert fields["names"].added == ("DOE, Jon (strong)",)
    assert fields["names"].removed == ("JD (weak)",)
    assert (fields["birth_dates"].added, fields["birth_dates"].removed) == (
        ("1964-05-02",),
        ("1964",),
    )
    assert fields["nationalities"].added == ("PK",)
    assert fields["identifiers"].added == ("national id 99",)
    assert fields["programmes"].added == ("IRAN",)
    assert (fields["remarks"].before, fields["remarks"].after) == ("DOB 1964.", "DOB 02 May 1964.")
    text = result.to_text()
    assert "~ test-list / 7: DOE, John" in text
    assert "    names: + DOE, Jon (strong); - JD (weak)" in text
    assert "    remarks: 'DOB 1964.' -> 'DOB 02 May 1964.'" in text
    as_json = result.to_json()["changed"][0]["changes"]
    assert {"field": "programmes", "added": ["IRAN"], "removed": []} in as_json
    assert {"field": "remarks", "before": "DOB 1964.", "after": "DOB 02 May 1964."} in as_json


def test_a_removal_after_an_amendment_reports_the_delisting() -> None:
    timeline = Timeline.from_versions(
        [
            _version("2020-01-01", BEFORE),
            _version("2020-02-01", AFTER),
            _version("2020-03-01"),
        ]
    )
    [removed] = diff(timeline, "2020-01-15", "2020-03-15").removed
    assert removed.ending is not None
    assert (removed.ending.reason, removed.ending.date) == ("delisted", dt.date(2020, 3, 1))


def _curated(end: str | None, reason: str | None) -> ListVersion:
    designation = Designation(
        start="2020-01-01", basis="decision 1", source="https://example.com/1", end=end,
        end_reason=reason, end_basis="decision 2" if end else None,
    )  # fmt: skip
    entry = Entry(id="org", kind="organization", names=["An Organisation"],
                  designations=[designation])  # fmt: skip
    return _version("2020-01-01", entry)


@pytest.mark.parametrize("reason", ["delisted", "suspended", "expired"])
def test_a_curated_ending_keeps_its_reason(reason: str) -> None:
    timeline = Timeline.from_versions([_curated("2021-06-01", reason)])
    [removed] = diff(timeline, "2021-01-01", "2021-12-31").removed
    assert removed.ending is not None
    assert (removed.ending.reason, removed.ending.date, removed.ending.basis) == (
        reason,
        dt.date(2021, 6, 1),
        "decision 2",
    )
    assert not diff(timeline, "2021-06-01", "2021-12-31").has_changes


def test_a_list_the_jurisdiction_stops_applying_removes_its_entries() -> None:
    timeline = Timeline.from_versions([_curated(None, None)])
    other_info = attrs.evolve(INFO, id="other-list")
    other = Timeline.from_versions([attrs.evolve(_version("2020-01-01", BEFORE), info=other_info)])
    ending = AppliedList(
        list_id="test-list", start="2020-03-01", end="2021-01-01", basis="law", source="https://x"
    )
    lasting = AppliedList(list_id="other-list", start="2019-01-01", basis="law", source="https://y")
    screener = Screener(
        timelines={"test-list": timeline, "other-list": other},
        jurisdictions={"XX": Jurisdiction(code="XX", name="X", lists=[ending, lasting])},
    )
    [removed] = diff(screener, "2020-06-01", "2021-06-01", target="XX").removed
    assert removed.entry_id == "org"
    assert removed.ending is not None
    assert (removed.ending.reason, removed.ending.date) == (NOT_APPLIED, dt.date(2021, 1, 1))
    assert removed.ending.basis == "XX no longer applies the list"
    [added] = diff(screener, "2020-02-01", "2020-06-01", target="XX").added
    assert added.entry_id == "org"
    with pytest.raises(NoCoverageError, match="applies no list on 2018-06-01"):
        diff(screener, "2018-06-01", "2020-06-01", target="XX")


def test_dates_are_checked(screener: Screener) -> None:
    with pytest.raises(InputError, match="before the first"):
        diff(screener, "2024-01-31", "2023-12-01", target="KZ")
    with pytest.raises(ListNotFoundError, match="no-such"):
        diff(screener, "2023-12-01", "2024-01-31", target="no-such")
    with pytest.raises(InputError, match="name a jurisdiction or a list"):
        diff(screener, "2023-12-01", "2024-01-31")
    timeline = Timeline.from_versions([_version("2020-01-01", BEFORE)])
    with pytest.raises(NoCoverageError):
        diff(timeline, "2019-12-01", "2020-01-15")
    with pytest.raises(StaleListError):
        diff(timeline, "2020-01-15", "2040-01-01")
    result = diff(timeline, "2020-01-15", "2040-01-01", accept_stale=True)
    assert isinstance(result, ListDiff)
    assert not result.has_changes


def test_fields_are_reported_in_a_fixed_order() -> None:
    timeline = Timeline.from_versions(
        [_version("2020-01-01", BEFORE), _version("2020-02-01", AFTER)]
    )
    [change] = diff(timeline, "2020-01-15", "2020-02-15").changed
    assert [field.field for field in change.changes] == [
        "names", "birth_dates", "nationalities", "identifiers", "programmes", "remarks"
    ]  # fmt: skip


DAILY = ("sdn_2021-11-18_1846.csv", "sdn_2021-11-22_1849.csv")


@pytest.fixture(scope="module")
def november_2021(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    """Two daily SDN versions, taken out of the archive of 308."""
    target = tmp_path_factory.mktemp("daily")
    [archive] = (shared_data / "ofac_sdn" / "daily").glob("*.tar.xz")
    with tarfile.open(archive) as bundle:
        members = [member for member in bundle if Path(member.name).name in DAILY]
        bundle.extractall(target, members=members, filter="data")
    files = sorted(target.rglob("sdn_*.csv"))
    assert [path.name for path in files] == list(DAILY)
    with pytest.warns(IncompleteListWarning):
        versions = list(
            registry.read_versions(
                "us-ofac-sdn", [(path, dt.date.fromisoformat(path.name[4:14])) for path in files]
            )
        )
    return Timeline.from_versions(versions)


@pytest.mark.shared_data
def test_ofac_renames_inayatullah_on_22_november_2021(november_2021: Timeline) -> None:
    result = diff(november_2021, "2021-11-18", "2021-11-22")
    changed = {change.entry_id: change for change in result.changed}
    names = {field.field: field for field in changed["23629"].changes}["names"]
    assert "INAYATULLAH, Maulawi (primary)" in names.added
    assert changed["23629"].name == "INAYATULLAH, Maulawi"
    assert changed["23629"].before is not None
    assert changed["23629"].before.primary_name.value != "INAYATULLAH, Maulawi"
    removed = {change.entry_id: change for change in result.removed}
    assert removed["2680"].ending is not None
    assert removed["2680"].ending.reason == "delisted"
