"""The UN Security Council XML reader, on the real versions in ../shared/data/un_sc."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from watchlist.dates import DateRange, PartialDate
from watchlist.errors import ListFormatError
from watchlist.lists.formats import un_xml
from watchlist.model import AliasStrength, Coverage, EntityKind, Entry, Identifier, ListVersion

pytestmark = pytest.mark.shared_data

# file: (list id, published, individuals, entities, Taliban records), from un_sc/README.md
REAL_FILES = {
    "consolidated_2015-02-26.xml": ("un-sc-consolidated", "2015-02-26", 621, 422, 138),
    "consolidated_2015-03-13.xml": ("un-sc-consolidated", "2015-03-13", 624, 423, 138),
    "consolidated_2015-03-16.xml": ("un-sc-consolidated", "2015-03-16", 620, 423, 138),
    "consolidated_2015-03-27.xml": ("un-sc-consolidated", "2015-03-27", 622, 424, 140),
    "list1988_taliban_2015-03-27.xml": ("un-sc-1988", "2015-03-27", 135, 5, 140),
    "aqlist1267_legacy_2015-02-19.xml": ("un-sc-1267-legacy", "2015-02-19", 234, 70, 0),
    "consolidated_2018-08-24.xml": ("un-sc-consolidated", "2018-08-24", 701, 397, 140),
    "consolidated_2018-10-29.xml": ("un-sc-consolidated", "2018-10-29", 703, 390, 140),
    "consolidated_2026-02-27.xml": ("un-sc-consolidated", "2026-02-27", 730, 273, 140),
}


@pytest.fixture(scope="module")
def un_dir(shared_data: Path) -> Path:
    return shared_data / "un_sc"


@pytest.fixture(scope="module")
def v2026(un_dir: Path) -> dict[str, Entry]:
    return _by_id(un_xml.parse(un_dir / "consolidated_2026-02-27.xml"))


def _by_id(version: ListVersion) -> dict[str, Entry]:
    return {entry.id: entry for entry in version.entries}


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_files_load_with_the_published_counts(un_dir: Path, name: str) -> None:
    list_id, published, individuals, entities, taliban = REAL_FILES[name]
    path = un_dir / name
    version = un_xml.parse(path)
    kinds = Counter(entry.kind for entry in version.entries)
    assert version.info.id == list_id
    assert version.published == dt.date.fromisoformat(published)
    assert kinds == {EntityKind.PERSON: individuals, EntityKind.ORGANIZATION: entities}
    assert sum(entry.programmes == ("Taliban",) for entry in version.entries) == taliban
    assert version.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert version.rejected == ()
    assert version.info.coverage == Coverage.COMPLETE
    assert version.info.coverage_start == version.published
    assert version.info.max_age_days == un_xml.MAX_AGE_DAYS
    assert all(entry.designations == () for entry in version.entries)


def test_taliban_minister_with_good_alias_and_original_script(v2026: dict[str, Entry]) -> None:
    entry = v2026["TAi.026"]
    assert entry.kind == EntityKind.PERSON
    assert entry.primary_name.value == "AMIR KHAN MOTAQI"
    assert entry.primary_name.strength == AliasStrength.PRIMARY
    names = {name.value: name for name in entry.names}
    assert names["Amir Khan Muttaqi"].strength == AliasStrength.STRONG
    assert names["امیر خان متقی"].script == "Arab"
    assert entry.programmes == ("Taliban",)
    assert entry.birth_dates == (PartialDate(1968),)
    assert entry.nationalities == ("AF",)
    assert entry.remarks is not None
    assert "Listed on 2001-01-25" in entry.remarks
    assert "Date of birth approximately 1968" in entry.remarks


def test_cyrillic_original_script_names(v2026: dict[str, Entry]) -> None:
    person = v2026["QDi.397"]
    names = {name.value: name for name in person.names}
    assert person.primary_name.value == "AYRAT NASIMOVICH VAKHITOV"
    assert names["Айрат Насимович Вахитов"].script == "Cyrl"
    # an alias whose NOTE gives its original script adds that spelling too
    assert names["Салман Булгарский"].strength == AliasStrength.STRONG
    assert person.nationalities == ("RU",)
    assert person.birth_dates == (PartialDate(1977, 3, 27),)
    organisation = v2026["QDe.131"]
    assert organisation.kind == EntityKind.ORGANIZATION
    assert [n.value for n in organisation.names] == ["EMARAT KAVKAZ", "Эмират Кавказ"]


def test_low_quality_aliases_are_weak(un_dir: Path) -> None:
    version = un_xml.parse(un_dir / "consolidated_2015-03-13.xml")
    strengths = Counter(name.strength for entry in version.entries for name in entry.names)
    assert strengths[AliasStrength.PRIMARY] == len(version.entries)
    assert strengths[AliasStrength.WEAK] > 0
    legacy = _by_id(un_xml.parse(un_dir / "aqlist1267_legacy_2015-02-19.xml"))
    names = {name.value: name.strength for name in legacy["QI.A.12.01."].names}
    assert names["Abu Abdallah"] == AliasStrength.WEAK
    assert names["Abd Al-Hadi Al-Iraqi"] == AliasStrength.STRONG


def test_semicolon_packed_aliases_of_2015_are_split(un_dir: Path) -> None:
    entry = _by_id(un_xml.parse(un_dir / "consolidated_2015-03-13.xml"))["IRi.043"]
    assert [name.value for name in entry.names] == [
        "MOHAMMAD BAQER ZOLQADR",
        "Mohammad Bakr Zolqadr",
        "Mohammad Bakr Zolkadr",
        "Mohammad Baqer Zolqadir",
        "Mohammad Baqer Zolqader",
    ]


@pytest.mark.parametrize(
    "name",
    ["consolidated_2015-03-13.xml", "consolidated_2015-03-27.xml",
     "list1988_taliban_2015-03-27.xml"],
)  # fmt: skip
def test_tai_171_of_2015_is_canonicalised(un_dir: Path, name: str) -> None:
    entries = _by_id(un_xml.parse(un_dir / name))
    assert "TAI.171" not in entries
    assert entries["TAi.171"].primary_name.value == "MUHAMMAD OMAR ZADRAN"


def test_the_same_reference_in_2015_and_2018_is_the_same_id(un_dir: Path) -> None:
    old = _by_id(un_xml.parse(un_dir / "consolidated_2015-03-27.xml"))
    new = _by_id(un_xml.parse(un_dir / "consolidated_2018-08-24.xml"))
    assert old["TAi.171"].primary_name == new["TAi.171"].primary_name
    # 'QDi.343.' (trailing full stop) and 'LRi.010 ' (trailing space) in 2015
    assert {"QDi.343", "LRi.010"} <= old.keys()


@pytest.mark.parametrize(
    ("reference", "canonical"),
    [("TAI.171", "TAi.171"), (" QDi.343. ", "QDi.343"), ("tae.014", "TAe.014"),
     ("QI.A.12.01.", "QI.A.12.01.")],
)  # fmt: skip
def test_canonical_reference(reference: str, canonical: str) -> None:
    assert un_xml.canonical_reference(reference) == canonical


def test_listed_on_with_time_zone_offsets(un_dir: Path) -> None:
    entries = _by_id(un_xml.parse(un_dir / "consolidated_2015-03-27.xml"))
    for entry_id in ("TAi.173", "TAe.014"):
        assert "Listed on 2015-03-27" in (entries[entry_id].remarks or "")
        assert entries[entry_id].designations == ()
    assert entries["TAi.173"].primary_name.value == "ABDUL BASIR NOORZAI"


def test_date_of_birth_types(un_dir: Path, v2026: dict[str, Entry]) -> None:
    between = v2026["KPi.066"]
    assert between.birth_dates == (DateRange(PartialDate(1967), PartialDate(1969)),)
    assert v2026["QDi.397"].birth_dates == (PartialDate(1977, 3, 27),)  # EXACT with DATE
    assert v2026["CDi.001"].birth_dates == (PartialDate(1971),)  # EXACT with YEAR
    assert v2026["TAi.026"].birth_dates == (PartialDate(1968),)  # APPROXIMATELY
    # a DATE with a time-zone offset keeps the date as written
    with_offset = _by_id(un_xml.parse(un_dir / "consolidated_2018-10-29.xml"))["SSi.005"]
    assert with_offset.birth_dates == (PartialDate(1960, 1, 1),)
    assert "Listed on 2015-07-01" in (with_offset.remarks or "")


def test_documents_become_identifiers(un_dir: Path) -> None:
    entries = _by_id(un_xml.parse(un_dir / "consolidated_2018-10-29.xml"))
    assert Identifier("passport", "720134834", "GB") in entries["QDi.356"].identifiers
    assert "expires on 27 Jun. 2022" in (entries["QDi.356"].remarks or "")
    yemeni = entries["SOi.008"]
    assert Identifier("passport", "00514146", "YE") in yemeni.identifiers
    assert Identifier("national_id", "1417576", "YE") in yemeni.identifiers


def test_unknown_nationalities_are_kept_in_remarks(un_dir: Path) -> None:
    version = un_xml.parse(un_dir / "consolidated_2015-03-13.xml")
    kept = [e for e in version.entries if "Nationality as published:" in (e.remarks or "")]
    assert kept
    assert any("Possibly Ethiopian" in (e.remarks or "") for e in kept)


def test_explicit_published_date_must_agree_with_the_file(un_dir: Path) -> None:
    path = un_dir / "consolidated_2015-03-16.xml"
    assert un_xml.parse(path, published=dt.date(2015, 3, 16)).published == dt.date(2015, 3, 16)
    with pytest.raises(ListFormatError, match="states it was published 2015-03-16"):
        un_xml.parse(path, published="2015-03-17")


def test_wrong_format_is_rejected(shared_data: Path) -> None:
    xsd = shared_data / "eu_fsf" / "schema_1_1.xsd"
    with pytest.raises(ListFormatError, match="not a UN Security Council list"):
        un_xml.parse(xsd)


# --- bad input, on small files written here ---------------------------------------------------

_INDIVIDUAL = """
  <INDIVIDUAL>
   <DATAID>{dataid}</DATAID>
   <FIRST_NAME>{first}</FIRST_NAME><SECOND_NAME>TEST</SECOND_NAME>
   <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE>
   <REFERENCE_NUMBER>{reference}</REFERENCE_NUMBER>
   <LISTED_ON>{listed}</LISTED_ON>
   <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Abu Test</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>{dob_type}</TYPE_OF_DATE><YEAR>1970</YEAR>
   </INDIVIDUAL_DATE_OF_BIRTH>
  </INDIVIDUAL>"""


def _individual(
    reference: str,
    *,
    first: str = "ALPHA",
    listed: str = "2010-01-01",
    dob_type: str = "EXACT",
    dataid: str = "1",
) -> str:
    return _INDIVIDUAL.format(
        reference=reference, first=first, listed=listed, dob_type=dob_type, dataid=dataid
    )


def _write(tmp_path: Path, *individuals: str, generated: str = "2020-05-04T10:00:00-04:00") -> Path:
    path = tmp_path / "consolidated.xml"
    body = "".join(individuals)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST dateGenerated="{generated}">'
        f"<INDIVIDUALS>{body}\n</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n",
        encoding="utf-8",
    )
    return path


def test_small_file_reads(tmp_path: Path) -> None:
    version = un_xml.parse(_write(tmp_path, _individual("QDi.001"), _individual("QDi.002")))
    assert [entry.id for entry in version.entries] == ["QDi.001", "QDi.002"]
    assert version.published == dt.date(2020, 5, 4)
    assert version.entries[0].names[1].strength == AliasStrength.WEAK


def test_a_name_part_not_available_is_no_part(tmp_path: Path) -> None:
    record = _individual("QDi.001").replace(
        "<SECOND_NAME>TEST</SECOND_NAME>",
        "<SECOND_NAME>NA</SECOND_NAME><THIRD_NAME>TEST</THIRD_NAME><FOURTH_NAME>na</FOURTH_NAME>",
    )
    (entry,) = un_xml.parse(_write(tmp_path, record)).entries
    assert entry.names[0].value == "ALPHA NA TEST"


def test_truncated_file_names_its_line(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "un_sc" / "consolidated_2026-02-27.xml").read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        un_xml.parse(path)
    assert caught.value.path == path
    assert caught.value.line is not None
    assert caught.value.line > 1000


def test_wrong_encoding_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, _individual("QDi.001", first="JOSÉ"))
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        un_xml.parse(path)
    assert caught.value.line == 5


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, _individual("QDi.001"), _individual("QDI.001.", first="BETA"))
    with pytest.raises(ListFormatError, match=r"duplicate entry id 'QDi\.001'") as caught:
        un_xml.parse(path)
    assert caught.value.record == "QDi.001"
    collected = un_xml.parse(path, errors="collect")
    assert [entry.primary_name.value for entry in collected.entries] == ["ALPHA TEST"]
    assert [rejection.record for rejection in collected.rejected] == ["QDi.001"]


def test_empty_list_is_an_error_unless_allowed(tmp_path: Path) -> None:
    path = _write(tmp_path)
    with pytest.raises(ListFormatError, match="no entries"):
        un_xml.parse(path)
    assert un_xml.parse(path, allow_empty=True).entries == ()


def test_missing_reference_number_names_the_record(tmp_path: Path) -> None:
    record = _individual("QDi.002", dataid="4242").replace(
        "<REFERENCE_NUMBER>QDi.002</REFERENCE_NUMBER>", ""
    )
    path = _write(tmp_path, _individual("QDi.001"), record)
    with pytest.raises(ListFormatError, match="no REFERENCE_NUMBER") as caught:
        un_xml.parse(path)
    assert caught.value.record == "4242"
    assert caught.value.line is not None


def test_missing_name_is_rejected_or_collected(tmp_path: Path) -> None:
    nameless = _individual("QDi.002").replace("<SECOND_NAME>TEST</SECOND_NAME>", "")
    path = _write(tmp_path, _individual("QDi.001"), nameless.replace("ALPHA", ""))
    with pytest.raises(ListFormatError, match="has no name") as caught:
        un_xml.parse(path)
    assert caught.value.record == "QDi.002"
    assert caught.value.line == 17  # its REFERENCE_NUMBER line
    collected = un_xml.parse(path, errors="collect")
    assert [entry.id for entry in collected.entries] == ["QDi.001"]
    assert collected.rejected[0].record == "QDi.002"
    assert collected.rejected[0].line == 17


@pytest.mark.parametrize(
    ("change", "message"),
    [({"listed": "27 March 2015"}, "bad LISTED_ON"),
     ({"dob_type": "ROUGHLY"}, "unknown TYPE_OF_DATE"),
     ({"dob_type": "BETWEEN"}, "BETWEEN needs FROM_YEAR and TO_YEAR")],
)  # fmt: skip
def test_bad_fields_name_the_record(tmp_path: Path, change: dict[str, str], message: str) -> None:
    path = _write(tmp_path, _individual("QDi.007", **change))
    with pytest.raises(ListFormatError, match=message) as caught:
        un_xml.parse(path)
    assert caught.value.record == "QDi.007"


def test_missing_date_generated_needs_an_explicit_date(tmp_path: Path) -> None:
    path = _write(tmp_path, _individual("QDi.001")).resolve()
    path.write_text(path.read_text().replace(' dateGenerated="2020-05-04T10:00:00-04:00"', ""))
    with pytest.raises(ListFormatError, match="states no publication date"):
        un_xml.parse(path)
    assert un_xml.parse(path, published=dt.date(2020, 6, 1)).published == dt.date(2020, 6, 1)


def test_missing_file_is_a_list_format_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="cannot read"):
        un_xml.parse(tmp_path / "absent.xml")


def test_bad_errors_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="errors must be"):
        un_xml.parse(_write(tmp_path, _individual("QDi.001")), errors="ignore")  # type: ignore[arg-type]
