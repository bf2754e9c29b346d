"""The EU FSF 1.1 XML reader, on a fixture written from the EU's XSD."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.dates import DateRange, PartialDate
from watchlist.errors import ListFormatError
from watchlist.lists.formats import eu_xml
from watchlist.model import AliasStrength, Coverage, EndReason, EntityKind, Entry, Identifier

FIXTURE = PROJECT_ROOT / "tests" / "data" / "eu" / "fsf_2024-05-14.xml"


@pytest.fixture(scope="module")
def entries() -> dict[str, Entry]:
    return {entry.id: entry for entry in eu_xml.parse(FIXTURE).entries}


def test_version_header() -> None:
    version = eu_xml.parse(FIXTURE)
    assert version.info.id == "eu-fsf"
    assert version.info.jurisdiction == "EU"
    assert version.published == dt.date(2024, 5, 14)
    assert version.info.coverage == Coverage.COMPLETE
    assert version.info.coverage_start == version.published
    assert version.info.max_age_days == eu_xml.MAX_AGE_DAYS
    assert version.digest == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert [entry.id for entry in version.entries] == ["101001", "101100", "207", "101300"]


def test_person_with_names_in_several_languages(entries: dict[str, Entry]) -> None:
    person = entries["101001"]
    assert person.kind == EntityKind.PERSON
    assert [(n.value, n.strength, n.lang, n.script) for n in person.names] == [
        ("Ayrat Nasimovich Vakhitov", AliasStrength.PRIMARY, "en", "Latn"),
        ("Айрат Насимович Вахитов", AliasStrength.STRONG, "ru", "Cyrl"),
        ("Salman Bulgarskiy", AliasStrength.STRONG, None, "Latn"),
        ("Salman", AliasStrength.WEAK, None, "Latn"),
    ]
    assert person.nationalities == ("RU",)
    assert person.birth_dates == (PartialDate(1977, 3, 27),)
    assert person.identifiers == (Identifier("passport", "9204514370", "RU"),)
    assert person.programmes == ("AQL",)
    assert person.designations == ()
    remarks = person.remarks or ""
    assert "Listed on 2016-08-05" in remarks
    assert "EU reference number: EU.4117.52" in remarks
    assert "UN reference: QDi.397" in remarks
    assert "May use a fake passport" in remarks


def test_circa_year_and_year_range_birth_dates(entries: dict[str, Entry]) -> None:
    person = entries["101100"]
    assert person.primary_name.value == "Abdul Karim"  # first and last names joined
    assert person.birth_dates == (
        PartialDate(1962),
        DateRange(PartialDate(1960), PartialDate(1964)),
    )
    remarks = person.remarks or ""
    assert "Date of birth circa 1962" in remarks
    assert "Title: General" in remarks
    assert "knownExpired" in remarks
    assert person.nationalities == ()  # the EU's 00 means unknown
    assert person.identifiers == (Identifier("national_id", "12345678", "SY"),)


def test_enterprise_with_bulgarian_translation(entries: dict[str, Entry]) -> None:
    enterprise = entries["207"]
    assert enterprise.kind == EntityKind.ORGANIZATION
    names = {name.value: name for name in enterprise.names}
    assert names["Фронт на великите ислямски източни воини"].lang == "bg"
    assert names["IBDA-C"].strength == AliasStrength.STRONG
    assert enterprise.programmes == ("TERR",)
    assert enterprise.sources == (
        "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:32018R1084",
    )


def test_delisted_entity_states_its_interval(entries: dict[str, Entry]) -> None:
    delisted = entries["101300"]
    (designation,) = delisted.designations
    assert designation.start == dt.date(2014, 7, 31)
    assert designation.end == dt.date(2024, 3, 12)
    assert designation.end_reason == EndReason.DELISTED
    assert delisted.designation_on(dt.date(2024, 5, 14)) is None
    assert delisted.designation_on(dt.date(2020, 1, 1)) is designation
    assert delisted.identifiers == (Identifier("registration_number", "1027700000000", "RU"),)


def test_explicit_published_date_must_agree_with_the_file() -> None:
    assert eu_xml.parse(FIXTURE, published="2024-05-14").published == dt.date(2024, 5, 14)
    with pytest.raises(ListFormatError, match="states it was published 2024-05-14"):
        eu_xml.parse(FIXTURE, published="2024-05-15")


# --- bad input ---------------------------------------------------------------------------------


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "fsf.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_duplicate_logical_ids(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'logicalId="101100"', 'logicalId="101001"')
    with pytest.raises(ListFormatError, match="duplicate entry id '101001'") as caught:
        eu_xml.parse(path)
    assert caught.value.record == "101001"
    assert caught.value.line == 33  # the second record's line
    collected = eu_xml.parse(path, errors="collect")
    assert [entry.id for entry in collected.entries] == ["101001", "207", "101300"]
    assert [rejection.record for rejection in collected.rejected] == ["101001"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('<subjectType code="person" classificationCode="P"/>', "", "no subjectType"),
        ('classificationCode="P"', 'classificationCode="X"', "unknown subjectType"),
        ('designationDate="2016-08-05"', 'designationDate="05/08/2016"', "bad designationDate"),
        ('strong="true" regulationLanguage="en" logicalId="101002"',
         'strong="maybe" regulationLanguage="en" logicalId="101002"', "strong must be"),
        ('birthdate="1977-03-27"', 'birthdate="1977-02-30"', "bad birthdate"),
    ],
)  # fmt: skip
def test_bad_records_name_file_and_record(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(ListFormatError, match=message) as caught:
        eu_xml.parse(path)
    assert caught.value.path == path
    assert caught.value.record == "101001"
    assert caught.value.line == 5
    collected = eu_xml.parse(path, errors="collect")
    assert len(collected.entries) == 3
    assert collected.rejected[0].record == "101001"


def test_delisting_needs_a_designation_date(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'designationDate="2014-07-31" ', "")
    with pytest.raises(ListFormatError, match="needs its designationDate") as caught:
        eu_xml.parse(path)
    assert caught.value.record == "101300"


def test_missing_name_alias(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index('<nameAlias firstName="" middleName="" lastName="" wholeName="Great')
    end = text.index("<address ")
    path = tmp_path / "fsf.xml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ListFormatError, match="no nameAlias") as caught:
        eu_xml.parse(path)
    assert caught.value.record == "207"


def test_empty_list_is_an_error_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text(
        f'<export xmlns="{eu_xml.NAMESPACE}" generationDate="2024-05-14T00:00:00" '
        'globalFileId="1"/>',
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError, match="no entries"):
        eu_xml.parse(path)
    assert eu_xml.parse(path, allow_empty=True).published == dt.date(2024, 5, 14)


def test_truncated_file(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        eu_xml.parse(path)
    assert caught.value.line is not None


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.xml"
    path.write_bytes(FIXTURE.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    with pytest.raises(ListFormatError, match="malformed XML"):
        eu_xml.parse(path)


def test_a_un_file_is_not_an_eu_file(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text('<CONSOLIDATED_LIST dateGenerated="2020-01-01"/>', encoding="utf-8")
    with pytest.raises(ListFormatError, match="not an EU Financial Sanctions File"):
        eu_xml.parse(path)
