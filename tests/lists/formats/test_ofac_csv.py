"""The OFAC legacy CSV reader, on the real sets in ../shared/data and on small fixtures."""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.dates import DateRange, PartialDate
from watchlist.errors import IncompleteListWarning, InputError, ListFormatError
from watchlist.lists.formats import ofac_csv
from watchlist.model import (
    AliasStrength,
    Coverage,
    EntityKind,
    Entry,
    Identifier,
    ListVersion,
)

FIXTURES = PROJECT_ROOT / "tests" / "data" / "ofac"
SDN_SET = FIXTURES / "sdn_set"
BAD = FIXTURES / "bad"


def _by_id(version: ListVersion) -> dict[str, Entry]:
    return {entry.id: entry for entry in version.entries}


def _names(entry: Entry, strength: AliasStrength) -> list[str]:
    return [name.value for name in entry.names if name.strength is strength]


def _lone(path: Path, published: str) -> ListVersion:
    """A main file read without its companions, which must warn."""
    with pytest.warns(IncompleteListWarning, match="strong aliases"):
        return ofac_csv.parse(path, published=published)


@pytest.fixture(scope="module")
def fixture_set() -> dict[str, Entry]:
    return _by_id(ofac_csv.parse(SDN_SET / "sdn.csv", published="2024-05-03"))


# --- the real files --------------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("folder", "main", "list_id", "count"),
    [
        ("ofac_sdn/2019-01", "sdn.csv", "us-ofac-sdn", 7379),
        ("ofac_sdn/2021-07", "sdn.csv", "us-ofac-sdn", 8976),
        ("ofac_consolidated_nonsdn/2025-12", "cons_prim.csv", "us-ofac-consolidated", 442),
    ],
)
def test_real_sets_load_whole(
    shared_data: Path, folder: str, main: str, list_id: str, count: int
) -> None:
    path = shared_data / folder / main
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        version = ofac_csv.parse(path, published="2021-07-07")
    assert version.info.id == list_id
    assert len(version.entries) == count
    assert version.rejected == ()
    assert version.published == dt.date(2021, 7, 7)
    assert version.info.coverage is Coverage.COMPLETE
    assert version.info.coverage_start == version.published
    assert version.info.max_age_days == 14
    prefix = "cons_" if main.startswith("cons") else ""
    parts = [
        main,
        f"{prefix}alt.csv",
        f"{prefix}add.csv",
        "cons_comments.csv" if prefix else "sdn_comments.csv",
    ]
    lines = "".join(
        f"{name}\0{hashlib.sha256((path.parent / name).read_bytes()).hexdigest()}\n"
        for name in parts
    )
    assert version.digest == hashlib.sha256(lines.encode()).hexdigest()


@pytest.mark.shared_data
def test_kinds_of_the_2021_set(shared_data: Path) -> None:
    version = ofac_csv.parse(shared_data / "ofac_sdn/2021-07/sdn.csv", published="2021-07-07")
    assert Counter(entry.kind for entry in version.entries) == {
        EntityKind.PERSON: 4620,
        EntityKind.ORGANIZATION: 3673,
        EntityKind.VESSEL: 406,
        EntityKind.AIRCRAFT: 277,
    }


@pytest.mark.shared_data
@pytest.mark.parametrize("folder", ["2019-01", "2021-07"])
def test_taliban_with_its_five_strong_akas(shared_data: Path, folder: str) -> None:
    entries = _by_id(
        ofac_csv.parse(shared_data / "ofac_sdn" / folder / "sdn.csv", published="2021-07-07")
    )
    taliban = entries["6636"]
    assert taliban.kind is EntityKind.ORGANIZATION
    assert taliban.primary_name.value == "TALIBAN"
    assert taliban.primary_name.strength is AliasStrength.PRIMARY
    assert sorted(_names(taliban, AliasStrength.STRONG)) == [
        "ISLAMIC MOVEMENT OF TALIBAN",
        "TAHRIKE ISLAMI'A TALIBAN",
        "TALEBAN",
        "TALIBAN ISLAMIC MOVEMENT",
        "TALIBANO ISLAMI TAHRIK",
    ]
    assert taliban.programmes == ("SDGT",)
    haqqani = entries["15484"]
    assert _names(haqqani, AliasStrength.WEAK) == ["HQN"]
    assert haqqani.programmes == ("FTO", "SDGT")


@pytest.mark.shared_data
def test_remarks_give_structured_fields(shared_data: Path) -> None:
    entries = _by_id(
        ofac_csv.parse(shared_data / "ofac_sdn/2021-07/sdn.csv", published="2021-07-07")
    )
    barakzai = entries["15007"]
    assert barakzai.primary_name.value == "BARAKZAI, Haji Abdul Sattar"
    assert barakzai.birth_dates == (PartialDate(1964),)
    assert barakzai.identifiers == (
        Identifier("passport", "AM5421691", "PK"),
        Identifier("national_id", "5420250161699", "PK"),
        Identifier("national_id", "585629", "AF"),
    )
    assert barakzai.remarks is not None
    assert "POB Mirmandaw Village" in barakzai.remarks
    assert "Linked To: TALIBAN." in barakzai.remarks
    assert "Address: Kachray Road, Pashtunabad, Quetta, Balochistan Province, Pakistan" in (
        barakzai.remarks
    )


@pytest.mark.shared_data
def test_remarks_continue_in_the_comments_file(shared_data: Path) -> None:
    entries = _by_id(
        ofac_csv.parse(shared_data / "ofac_sdn/2021-07/sdn.csv", published="2021-07-07")
    )
    # The 1,000-character Remarks of 28263 stops inside a weak a.k.a. ("'snowsjo"); the
    # comments file holds the rest ("hn'; Linked To: LAZARUS GROUP.").
    entry = entries["28263"]
    assert "snowsjohn" in _names(entry, AliasStrength.WEAK)
    assert entry.remarks is not None
    assert "snowsjohn'; Linked To: LAZARUS GROUP." in entry.remarks


@pytest.mark.shared_data
def test_deroji_in_the_2022_11_30_snapshot(shared_data: Path) -> None:
    path = shared_data / "ofac_sdn/snapshots/sdn_2022-11-30_1848.csv"
    entries = _by_id(_lone(path, "2022-11-30"))
    assert len(entries) == 11122
    deroji = entries["40096"]
    assert deroji.kind is EntityKind.PERSON
    assert deroji.primary_name.value == "DEROJI, Mufti Hazrat"
    assert deroji.birth_dates == (PartialDate(1979, 4, 17),)
    assert deroji.nationalities == ("PK",)
    # The fourth weak a.k.a., 'ALI, Mufti Hazrat', came with the amendment of 2023-04-11.
    assert _names(deroji, AliasStrength.WEAK) == ["Mufti Hazrat", "AMJAD, Qari", "Mufti Muzahim"]
    assert deroji.remarks is not None
    assert "Linked To: TEHRIK-E TALIBAN PAKISTAN (TTP)." in deroji.remarks


@pytest.mark.shared_data
def test_a_lone_scraped_file_has_its_own_digest(shared_data: Path) -> None:
    path = shared_data / "ofac_sdn/snapshots/sdn_2022-11-23_1846.csv"
    version = _lone(path, "2022-11-23")
    assert version.info.id == "us-ofac-sdn"
    assert version.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(version.entries) == 11118
    assert "40096" not in _by_id(version)


@pytest.mark.shared_data
def test_consolidated_weak_aka_only_in_remarks(shared_data: Path) -> None:
    # The 2018-04 consolidated set has no cons_comments.csv: long remarks may be cut short.
    with pytest.warns(IncompleteListWarning, match=r"long remarks \(comments\)"):
        version = ofac_csv.parse(
            shared_data / "ofac_consolidated_nonsdn/2018-04/cons_prim.csv", published="2018-04-06"
        )
    assert version.info.id == "us-ofac-consolidated"
    assert len(version.entries) == 639
    bim = _by_id(version)["4637"]
    assert _names(bim, AliasStrength.WEAK) == ["BIM"]
    assert _names(bim, AliasStrength.STRONG) == ["BANK SANAD VA MADAN"]


@pytest.mark.shared_data
def test_consolidated_2025_remarks_overflow(shared_data: Path) -> None:
    entries = _by_id(
        ofac_csv.parse(
            shared_data / "ofac_consolidated_nonsdn/2025-12/cons_prim.csv", published="2025-12-19"
        )
    )
    entry = entries["17014"]
    assert "RUSAG" in _names(entry, AliasStrength.WEAK)
    assert Identifier("registration", "1027700342890", "RU") in entry.identifiers


# --- a small complete set written for these tests --------------------------------------------


def test_fixture_set_reads_without_warning(fixture_set: dict[str, Entry]) -> None:
    assert sorted(fixture_set) == ["15484", "40096", "6636", "90001", "90002"]


def test_dates_of_birth_with_circa_months_and_ranges(fixture_set: dict[str, Entry]) -> None:
    assert fixture_set["90001"].birth_dates == (
        DateRange(PartialDate(1966), PartialDate(1970)),
        PartialDate(1962),
        PartialDate(1961, 3),
    )


def test_nationalities_and_unknown_countries(fixture_set: dict[str, Entry]) -> None:
    entry = fixture_set["90001"]
    assert entry.nationalities == ("AF", "PK")
    assert entry.remarks is not None
    assert "alt. nationality Atlantis" in entry.remarks


def test_identifiers_with_issue_and_expiry_dates(fixture_set: dict[str, Entry]) -> None:
    assert fixture_set["90001"].identifiers == (
        Identifier("passport", "OA123456", "AF"),
        Identifier("national_id", "12345", "PK"),
        Identifier("tax_id", "7707083893", "RU"),
    )
    assert fixture_set["90002"].identifiers == (Identifier("imo", "9116412"),)


def test_names_from_alt_remarks_and_overflow(fixture_set: dict[str, Entry]) -> None:
    entry = fixture_set["90001"]
    assert entry.primary_name.value == "EXAMPLE, Person Fixture"
    assert _names(entry, AliasStrength.STRONG) == ["EXAMPLE, Fixture"]
    assert _names(entry, AliasStrength.WEAK) == ["THE EXAMPLE", "EXAMPLE NAME"]
    assert entry.programmes == ("SDGT", "IRGC")


def test_title_vessel_columns_and_addresses_go_to_remarks(fixture_set: dict[str, Entry]) -> None:
    person, vessel = fixture_set["90001"], fixture_set["90002"]
    assert person.remarks is not None
    assert person.remarks.endswith(
        "Gender Male.\nTitle: Commander\nAddress: 1 Example Street, Kabul, Afghanistan"
    )
    assert vessel.kind is EntityKind.VESSEL
    assert vessel.remarks == (
        "Vessel Registration Identification IMO 9116412; MMSI 422123456.\n"
        "Call sign: 9BXY1\nVessel type: Crude Oil Tanker\nTonnage: 150,000\nGRT: 80,000\n"
        "Vessel flag: Iran"
    )


def test_published_is_required() -> None:
    with pytest.raises(InputError, match="published"):
        ofac_csv.parse(SDN_SET / "sdn.csv")


def test_bad_errors_mode_is_refused() -> None:
    with pytest.raises(InputError, match="errors"):
        ofac_csv.parse(SDN_SET / "sdn.csv", published="2024-05-03", errors="ignore")  # type: ignore[arg-type]


def test_missing_file_is_a_list_format_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="cannot read"):
        ofac_csv.parse(tmp_path / "sdn.csv", published="2024-05-03")


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "record", "message"),
    [
        ("truncated_sdn.csv", 2, "15484", "malformed CSV"),
        ("latin1_sdn.csv", 2, "90003", "not UTF-8"),
        ("duplicate_sdn.csv", 3, "6636", "duplicate ent_num 6636"),
        ("columns_sdn.csv", 2, "15484", "expected 12 columns, found 11"),
    ],
)
def test_bad_files_name_file_line_and_record(
    name: str, line: int, record: str, message: str
) -> None:
    with pytest.raises(ListFormatError, match=message) as caught:
        ofac_csv.parse(BAD / name, published="2024-05-03")
    assert caught.value.path == BAD / name
    assert caught.value.line == line
    assert caught.value.record == record
    assert f"{name}:{line} (record {record})" in str(caught.value)


def test_empty_list_is_an_error_unless_allowed() -> None:
    with pytest.raises(ListFormatError, match="no entries"):
        ofac_csv.parse(BAD / "empty_sdn.csv", published="2024-05-03")
    with pytest.warns(IncompleteListWarning):
        version = ofac_csv.parse(BAD / "empty_sdn.csv", published="2024-05-03", allow_empty=True)
    assert version.entries == ()


@pytest.mark.parametrize(
    ("name", "kept", "rejected"),
    [
        ("duplicate_sdn.csv", ["15484", "6636"], ("6636", 3, "duplicate ent_num")),
        ("columns_sdn.csv", ["6636"], ("15484", 2, "expected 12 columns")),
    ],
)
def test_bad_records_can_be_collected(
    name: str, kept: list[str], rejected: tuple[str, int, str]
) -> None:
    with pytest.warns(IncompleteListWarning):
        version = ofac_csv.parse(BAD / name, published="2024-05-03", errors="collect")
    assert sorted(_by_id(version)) == kept
    [rejection] = version.rejected
    assert (rejection.record, rejection.line) == rejected[:2]
    assert rejected[2] in rejection.reason
    assert rejection.reason.startswith(f"{name}: ")


def test_companion_row_for_an_unknown_entry_is_an_error(tmp_path: Path) -> None:
    for source in SDN_SET.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    alt = (SDN_SET / "alt.csv").read_bytes().removesuffix(b"\x1a")
    (tmp_path / "alt.csv").write_bytes(alt + b'77777,1,"aka","NOBODY",-0- \r\n\x1a')
    with pytest.raises(ListFormatError, match=r"ent_num 77777 is not in sdn\.csv") as caught:
        ofac_csv.parse(tmp_path / "sdn.csv", published="2024-05-03")
    assert caught.value.path == tmp_path / "alt.csv"
    assert caught.value.line == 7
