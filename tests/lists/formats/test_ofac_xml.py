"""The OFAC legacy XML reader, on the real 2018 consolidated.xml and on small fixtures."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.dates import DateRange, PartialDate
from watchlist.errors import IncompleteListWarning, InputError, ListFormatError
from watchlist.lists.formats import ofac_csv, ofac_xml
from watchlist.model import (
    AliasStrength,
    Coverage,
    EntityKind,
    Entry,
    Identifier,
    ListVersion,
    Name,
)

FIXTURE = PROJECT_ROOT / "tests" / "data" / "ofac" / "sdn_new_namespace.xml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def _by_id(version: ListVersion) -> dict[str, Entry]:
    return {entry.id: entry for entry in version.entries}


def _name_key(name: Name) -> tuple[str, str]:
    # OFAC's CSV writes the double quotes of names as single quotes; its XML keeps them.
    return name.value.replace('"', "'"), name.strength.value


def _write(tmp_path: Path, text: str, name: str = "sdn.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def consolidated(shared_data: Path) -> ListVersion:
    return ofac_xml.parse(shared_data / "ofac_consolidated_nonsdn/2018-04/consolidated.xml")


@pytest.mark.shared_data
def test_real_consolidated_file(shared_data: Path, consolidated: ListVersion) -> None:
    path = shared_data / "ofac_consolidated_nonsdn/2018-04/consolidated.xml"
    assert consolidated.info.id == "us-ofac-consolidated"
    assert consolidated.published == dt.date(2018, 4, 6)
    assert consolidated.info.coverage is Coverage.COMPLETE
    assert consolidated.info.coverage_start == dt.date(2018, 4, 6)
    assert consolidated.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(consolidated.entries) == 639
    assert consolidated.rejected == ()
    strengths = Counter(name.strength for entry in consolidated.entries for name in entry.names)
    assert strengths == {
        AliasStrength.PRIMARY: 639,
        AliasStrength.STRONG: 1209,
        AliasStrength.WEAK: 46,
    }
    assert Counter(entry.kind for entry in consolidated.entries) == {
        EntityKind.ORGANIZATION: 471,
        EntityKind.PERSON: 94,
        EntityKind.VESSEL: 74,
    }


@pytest.mark.shared_data
def test_real_weak_aka_bim(consolidated: ListVersion) -> None:
    bim = _by_id(consolidated)["4637"]
    assert [(name.value, name.strength) for name in bim.names] == [
        ("BANK OF INDUSTRY AND MINE (OF IRAN)", AliasStrength.PRIMARY),
        ("BANK SANAD VA MADAN", AliasStrength.STRONG),
        ("BIM", AliasStrength.WEAK),
    ]
    assert bim.programmes == ("IRAN",)
    assert bim.remarks is not None
    assert bim.remarks.startswith("all offices worldwide\nAdditional Sanctions Information - ")


@pytest.mark.shared_data
def test_xml_and_csv_of_the_same_day_agree(shared_data: Path, consolidated: ListVersion) -> None:
    with pytest.warns(IncompleteListWarning):
        csv_version = ofac_csv.parse(
            shared_data / "ofac_consolidated_nonsdn/2018-04/cons_prim.csv", published="2018-04-06"
        )
    csv_entries = _by_id(csv_version)
    for entry in consolidated.entries:
        other = csv_entries[entry.id]
        assert entry.kind == other.kind
        assert sorted(map(_name_key, entry.names)) == sorted(map(_name_key, other.names))
        assert entry.birth_dates == other.birth_dates
        assert entry.nationalities == other.nationalities
        assert set(entry.identifiers) == set(other.identifiers)
        assert set(entry.programmes) == set(other.programmes)


def test_newer_namespace_and_every_field() -> None:
    version = ofac_xml.parse(FIXTURE)
    assert version.info.id == "us-ofac-sdn"
    assert version.published == dt.date(2024, 5, 3)
    entries = _by_id(version)
    assert list(entries) == ["15484", "40096", "90002"]
    haqqani = entries["15484"]
    assert haqqani.programmes == ("FTO", "SDGT")
    assert [(n.value, n.strength) for n in haqqani.names[1:]] == [("HQN", AliasStrength.WEAK)]
    deroji = entries["40096"]
    assert deroji.primary_name.value == "DEROJI, Mufti Hazrat"
    assert [n.value for n in deroji.names if n.strength is AliasStrength.WEAK] == [
        "Mufti Hazrat",
        "AMJAD, Qari",
    ]
    assert deroji.birth_dates == (
        PartialDate(1979, 4, 17),
        DateRange(PartialDate(1975), PartialDate(1977)),
    )
    assert deroji.nationalities == ("PK",)
    assert deroji.identifiers == (Identifier("passport", "AB1234567", "PK"),)
    assert deroji.remarks == (
        "POB: Samar Bagh, Lower Dir, Khyber Pakhtunkhwa, Pakistan\n"
        "Citizenship: Atlantis\n"
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, "
        "as amended by Executive Order 13886"
    )
    tanker = entries["90002"]
    assert tanker.kind is EntityKind.VESSEL
    assert tanker.identifiers == (Identifier("imo", "9116412"),)
    assert tanker.remarks == "Call sign: 9BXY1\nVessel type: Crude Oil Tanker\nVessel flag: Iran"


def test_list_id_from_argument_or_file_name(tmp_path: Path) -> None:
    assert ofac_xml.parse(_write(tmp_path, TEXT, "consolidated.xml")).info.id == (
        "us-ofac-consolidated"
    )
    assert ofac_xml.parse(FIXTURE, list_id="us-ofac-consolidated").info.id == (
        "us-ofac-consolidated"
    )
    with pytest.raises(InputError, match="list id"):
        ofac_xml.parse(FIXTURE, list_id="un-sc-consolidated")


def test_published_must_agree_with_the_file() -> None:
    assert ofac_xml.parse(FIXTURE, published="2024-05-03").published == dt.date(2024, 5, 3)
    with pytest.raises(ListFormatError, match=r"published 2024-05-03 \(Publish_Date\), not"):
        ofac_xml.parse(FIXTURE, published="2024-05-04")


def test_missing_publish_date_needs_an_explicit_date(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT.replace("<Publish_Date>05/03/2024</Publish_Date>", ""))
    with pytest.raises(ListFormatError, match=r"no publication date \(Publish_Date\)"):
        ofac_xml.parse(path)
    assert ofac_xml.parse(path, published="2024-05-03").published == dt.date(2024, 5, 3)


def test_bad_publish_date(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT.replace("05/03/2024", "2024-05-03"))
    with pytest.raises(ListFormatError, match="not a MM/DD/YYYY date"):
        ofac_xml.parse(path)


def test_record_count_catches_a_lost_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT.replace("<Record_Count>3<", "<Record_Count>4<"))
    with pytest.raises(ListFormatError, match="Record_Count says 4 entries but the file has 3"):
        ofac_xml.parse(path)


def test_truncated_file_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT[: TEXT.index("<uid>90002</uid>")])
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        ofac_xml.parse(path)
    assert caught.value.path == path
    assert caught.value.line is not None


def test_wrong_encoding_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(TEXT.replace("EXAMPLE TANKER", "CAFÉ TANKER").encode("latin-1"))
    with pytest.raises(ListFormatError, match="malformed XML"):
        ofac_xml.parse(path)


def test_duplicate_uid(tmp_path: Path) -> None:
    path = _write(tmp_path, TEXT.replace("<uid>90002</uid>", "<uid>15484</uid>"))
    with pytest.raises(ListFormatError, match="duplicate uid 15484") as caught:
        ofac_xml.parse(path)
    assert caught.value.record == "15484"
    version = ofac_xml.parse(path, errors="collect")
    assert [entry.id for entry in version.entries] == ["15484", "40096"]
    assert [(r.record, r.reason) for r in version.rejected] == [("15484", "duplicate uid 15484")]


@pytest.mark.parametrize(
    ("old", "new", "record", "message"),
    [
        ("<lastName>EXAMPLE TANKER</lastName>", "", "90002", "sdnEntry without lastName"),
        ("<sdnType>Vessel</sdnType>", "<sdnType>Spaceship</sdnType>", "90002", "sdnType"),
        ("<uid>90002</uid>", "", None, "sdnEntry number 4 has no numeric uid"),
        ("<category>weak</category>", "<category>medium</category>", "15484", "category"),
    ],
)
def test_missing_or_bad_elements_name_the_record(
    tmp_path: Path, old: str, new: str, record: str | None, message: str
) -> None:
    path = _write(tmp_path, TEXT.replace(old, new, 1))
    with pytest.raises(ListFormatError, match=message) as caught:
        ofac_xml.parse(path)
    assert caught.value.record == record
    collected = ofac_xml.parse(path, errors="collect")
    assert len(collected.entries) == 2
    assert [r.record for r in collected.rejected] == [record]


def test_empty_list_is_an_error_unless_allowed(tmp_path: Path) -> None:
    head = TEXT[: TEXT.index("<sdnEntry>")].replace("<Record_Count>3<", "<Record_Count>0<")
    path = _write(tmp_path, head + "</sdnList>\n")
    with pytest.raises(ListFormatError, match="no entries"):
        ofac_xml.parse(path)
    assert ofac_xml.parse(path, allow_empty=True).entries == ()


def test_another_xml_format_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>")
    with pytest.raises(ListFormatError, match="no sdnList root"):
        ofac_xml.parse(path)


def test_billion_laughs_is_rejected(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        "<sdnList><sdnEntry><uid>1</uid><lastName>&lol2;</lastName></sdnEntry></sdnList>"
    )
    with pytest.raises(ListFormatError, match="unsafe XML"):
        ofac_xml.parse(_write(tmp_path, bomb))


def test_external_entity_is_rejected(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n'
        "<sdnList><sdnEntry><uid>1</uid><lastName>&e;</lastName></sdnEntry></sdnList>"
    )
    with pytest.raises(ListFormatError, match="unsafe XML"):
        ofac_xml.parse(_write(tmp_path, xxe))


def test_missing_file_is_a_list_format_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="cannot read"):
        ofac_xml.parse(tmp_path / "sdn.xml")
