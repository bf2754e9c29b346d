"""The OFAC Advanced XML reader, on a fixture written from OFAC's sdn_advanced.xsd."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.dates import DateRange, PartialDate
from watchlist.errors import InputError, ListFormatError
from watchlist.lists.formats import ofac_advanced
from watchlist.lists.timeline import Timeline
from watchlist.model import AliasStrength, EntityKind, Entry, Identifier, ListVersion

FIXTURE = PROJECT_ROOT / "tests" / "data" / "ofac" / "sdn_advanced_sample.xml"
TEXT = FIXTURE.read_text(encoding="utf-8")
BIRTH_PERIOD = re.compile(r"<DatePeriod [^>]*>\s*<Start.*?</DatePeriod>", re.DOTALL)


def _by_id(version: ListVersion) -> dict[str, Entry]:
    return {entry.id: entry for entry in version.entries}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_text(text, encoding="utf-8")
    return path


def _period(first: str, last: str) -> str:
    def point(tag: str, day: str) -> str:
        year, month, date = (int(part) for part in day.split("-"))
        return f"<{tag}><Year>{year}</Year><Month>{month}</Month><Day>{date}</Day></{tag}>"

    flags = 'Approximate="false" YearFixed="true" MonthFixed="true" DayFixed="true"'
    return (
        '<DatePeriod CalendarTypeID="1" YearFixed="true" MonthFixed="true" DayFixed="true">'
        f"<Start {flags}>{point('From', first)}{point('To', first)}</Start>"
        f"<End {flags}>{point('From', last)}{point('To', last)}</End></DatePeriod>"
    )


@pytest.fixture(scope="module")
def version() -> ListVersion:
    return ofac_advanced.parse(FIXTURE)


@pytest.fixture(scope="module")
def entries(version: ListVersion) -> dict[str, Entry]:
    return _by_id(version)


def test_the_file(version: ListVersion) -> None:
    assert version.info.id == "us-ofac-sdn"
    assert version.published == dt.date(2024, 5, 3)
    assert version.info.coverage_start == dt.date(2024, 5, 3)
    assert version.digest == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert [entry.id for entry in version.entries] == ["90001", "6636", "90002"]
    assert version.rejected == ()


def test_individual_with_original_script_and_low_quality_alias(
    entries: dict[str, Entry],
) -> None:
    person = entries["90001"]
    assert person.kind is EntityKind.PERSON
    assert [(n.value, n.strength, n.script) for n in person.names] == [
        ("MUTTAQI, Amir Khan", AliasStrength.PRIMARY, "Latn"),
        ("امیر خان متقی", AliasStrength.STRONG, "Arab"),
        ("MOTAQI, Amir Khan", AliasStrength.STRONG, "Latn"),
        ("Mawlawi Amir Khan", AliasStrength.WEAK, "Latn"),
    ]
    assert person.birth_dates == (PartialDate(1968),)
    assert person.nationalities == ("AF",)
    assert person.identifiers == (Identifier("passport", "OA445890", "AF"),)
    assert person.programmes == ("SDGT",)
    assert person.remarks == (
        "Place of Birth: Zurmat District, Paktia Province, Afghanistan\nGender: Male\n"
        "List: SDN List"
    )


def test_listing_dates_become_designations(entries: dict[str, Entry]) -> None:
    starts = {entry_id: entry.designations for entry_id, entry in entries.items()}
    assert {entry_id: [d.start for d in found] for entry_id, found in starts.items()} == {
        "90001": [dt.date(2001, 1, 25)],
        "6636": [dt.date(2002, 7, 2)],
        "90002": [dt.date(2019, 8, 30)],
    }
    [designation] = entries["6636"].designations
    assert designation.basis == (
        "SDN List: Created under Executive Order 13224 (Terrorism) (EO13224)"
    )
    assert designation.end is None


def test_entity_and_vessel(entries: dict[str, Entry]) -> None:
    taliban = entries["6636"]
    assert taliban.kind is EntityKind.ORGANIZATION
    assert taliban.primary_name.value == "TALIBAN"
    assert [n.value for n in taliban.names if n.strength is AliasStrength.STRONG] == [
        "ISLAMIC MOVEMENT OF TALIBAN",
        "TAHRIKE ISLAMI'A TALIBAN",
        "TALEBAN",
        "TALIBAN ISLAMIC MOVEMENT",
        "TALIBANO ISLAMI TAHRIK",
    ]
    assert taliban.remarks == "Website http://example.org/fixture\nList: SDN List"
    vessel = entries["90002"]
    assert vessel.kind is EntityKind.VESSEL
    assert [n.value for n in vessel.names] == ["ADRIAN DARYA 1", "GRACE 1"]
    assert vessel.identifiers == (Identifier("imo", "9116412"),)
    assert vessel.remarks == "Vessel Flag: Iran\nVessel Type: Crude Oil Tanker\nList: SDN List"


def test_a_timeline_keeps_the_listing_dates(version: ListVersion) -> None:
    timeline = Timeline.from_versions([version])
    on = {
        day: {entry.id for entry, _ in timeline.in_force(day)}
        for day in (dt.date(2019, 8, 29), dt.date(2019, 8, 30))
    }
    assert on == {
        dt.date(2019, 8, 29): {"90001", "6636"},
        dt.date(2019, 8, 30): {"90001", "6636", "90002"},
    }


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("1968-01-01", "1968-12-31", PartialDate(1968)),
        ("1979-04-17", "1979-04-17", PartialDate(1979, 4, 17)),
        ("1979-02-01", "1979-02-28", PartialDate(1979, 2)),
        ("1966-01-01", "1970-12-31", DateRange(PartialDate(1966), PartialDate(1970))),
        ("1970-03-01", "1970-05-31", DateRange(PartialDate(1970, 3), PartialDate(1970, 5))),
        (
            "1970-03-05",
            "1970-05-31",
            DateRange(PartialDate(1970, 3, 5), PartialDate(1970, 5, 31)),
        ),
    ],
)
def test_birth_date_periods(
    tmp_path: Path, first: str, last: str, expected: PartialDate | DateRange
) -> None:
    path = _write(tmp_path, BIRTH_PERIOD.sub(_period(first, last), TEXT, count=1))
    assert _by_id(ofac_advanced.parse(path))["90001"].birth_dates == (expected,)


def test_list_id_from_the_list_names_or_the_argument(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT.replace(">SDN List<", ">Non-SDN Menu-Based Sanctions List<"))
    assert ofac_advanced.parse(path).info.id == "us-ofac-consolidated"
    assert ofac_advanced.parse(FIXTURE, list_id="us-ofac-consolidated").info.id == (
        "us-ofac-consolidated"
    )
    with pytest.raises(InputError, match="list id"):
        ofac_advanced.parse(FIXTURE, list_id="eu-fsf")


def test_published_must_agree_or_stand_in(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match=r"published 2024-05-03 \(DateOfIssue\), not"):
        ofac_advanced.parse(FIXTURE, published="2024-05-02")
    undated = re.sub(r"<DateOfIssue .*?</DateOfIssue>", "", TEXT)
    path = _write(tmp_path, undated)
    with pytest.raises(ListFormatError, match=r"no publication date \(DateOfIssue\)"):
        ofac_advanced.parse(path)
    assert ofac_advanced.parse(path, published="2024-05-03").published == dt.date(2024, 5, 3)


@pytest.mark.parametrize(
    ("old", "new", "record", "message"),
    [
        ('PartySubTypeID="1"', 'PartySubTypeID="99"', "90002", "PartySubType '99' is not in"),
        (
            'AliasTypeID="1403" Primary="true" LowQuality="false">\n            '
            '<DocumentedName ID="62001"',
            'AliasTypeID="1403" Primary="false" LowQuality="false">\n            '
            '<DocumentedName ID="62001"',
            "90002",
            "one primary Latin-script name, found 0",
        ),
        ('<VersionLocation LocationID="702"/>', '<VersionLocation LocationID="7"/>', "90002",
         "LocationID '7'"),
        ('ProfileID="90002" ListID="1550"', 'ProfileID="90003" ListID="1550"', "90002",
         "without a SanctionsEntry"),
        ('<Year>2019</Year><Month>8</Month><Day>30</Day>',
         "<Year>2019</Year><Month>13</Month><Day>30</Day>", "90002", "Date is not a date"),
    ],
)  # fmt: skip
def test_bad_parties_name_the_profile(
    tmp_path: Path, old: str, new: str, record: str, message: str
) -> None:
    assert old in TEXT
    path = _write(tmp_path, TEXT.replace(old, new, 1))
    with pytest.raises(ListFormatError, match=re.escape(message)) as caught:
        ofac_advanced.parse(path)
    assert caught.value.record == record
    assert caught.value.path == path
    collected = ofac_advanced.parse(path, errors="collect")
    assert [entry.id for entry in collected.entries] == ["90001", "6636"]
    assert record in {rejection.record for rejection in collected.rejected}


def test_sanctions_entry_for_an_unknown_profile(tmp_path: Path) -> None:
    extra = (
        '<SanctionsEntry ID="20009" ProfileID="12345" ListID="1550">'
        '<EntryEvent ID="21009" EntryEventTypeID="1">'
        '<Date CalendarTypeID="1"><Year>2020</Year><Month>1</Month><Day>1</Day></Date>'
        "</EntryEvent></SanctionsEntry></SanctionsEntries>"
    )
    path = _write(tmp_path, TEXT.replace("</SanctionsEntries>", extra))
    with pytest.raises(ListFormatError, match="unknown profile") as caught:
        ofac_advanced.parse(path)
    assert caught.value.record == "12345"


def test_duplicate_profile(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT.replace('<Profile ID="90002"', '<Profile ID="6636"'))
    with pytest.raises(ListFormatError, match="duplicate Profile ID 6636"):
        ofac_advanced.parse(path)


def test_empty_list_is_an_error_unless_allowed(tmp_path: Path) -> None:
    empty = re.sub(
        r"<DistinctParties>.*</SanctionsEntries>",
        "<DistinctParties/><ProfileRelationships/><SanctionsEntries/>",
        TEXT,
        flags=re.DOTALL,
    )
    path = _write(tmp_path, empty)
    with pytest.raises(ListFormatError, match="no entries"):
        ofac_advanced.parse(path)
    assert ofac_advanced.parse(path, allow_empty=True).entries == ()


def test_truncated_file(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT[: TEXT.index("<SanctionsEntries>")])
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        ofac_advanced.parse(path)
    assert caught.value.line is not None


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "SDN_ADVANCED.XML"
    path.write_bytes(TEXT.encode("utf-8").replace("متقی".encode(), b"\xe9\xe9"))
    with pytest.raises(ListFormatError, match="malformed XML"):
        ofac_advanced.parse(path)


def test_another_xml_format_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "<sdnList><publshInformation/></sdnList>")
    with pytest.raises(ListFormatError, match="no Sanctions root"):
        ofac_advanced.parse(path)


def test_external_entity_is_rejected(tmp_path: Path) -> None:
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        "<Sanctions><DateOfIssue>&e;</DateOfIssue></Sanctions>"
    )
    with pytest.raises(ListFormatError, match="unsafe XML"):
        ofac_advanced.parse(_write(tmp_path, xxe))
