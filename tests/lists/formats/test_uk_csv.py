"""The UK Sanctions List and OFSI ConList CSV reader, on fixtures with the published headers."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.dates import PartialDate
from watchlist.errors import ListFormatError
from watchlist.lists.formats import uk_csv
from watchlist.model import AliasStrength, Coverage, EntityKind, Entry, Identifier

DATA = PROJECT_ROOT / "tests" / "data" / "uk"
UKSL = DATA / "uksl_2026-10-08.csv"
OFSI_2022 = DATA / "ofsi_conlist_2022_2025-09-01.csv"
OFSI_LEGACY = DATA / "ofsi_conlist_legacy_2020-11-15.csv"


def _by_id(path: Path) -> dict[str, Entry]:
    return {entry.id: entry for entry in uk_csv.parse(path).entries}


def test_uk_sanctions_list_header() -> None:
    version = uk_csv.parse(UKSL)
    assert version.info.id == "gb-uksl"
    assert version.info.jurisdiction == "GB"
    assert version.published == dt.date(2026, 10, 8)
    assert version.info.coverage == Coverage.COMPLETE
    assert version.info.coverage_start == version.published
    assert version.info.max_age_days == uk_csv.MAX_AGE_DAYS
    assert version.digest == hashlib.sha256(UKSL.read_bytes()).hexdigest()
    assert [entry.id for entry in version.entries] == ["AFG0001", "RUS0999", "RUS2176"]


def test_uksl_rows_of_one_unique_id_are_one_entry() -> None:
    entity = _by_id(UKSL)["AFG0001"]
    assert entity.kind == EntityKind.ORGANIZATION
    assert [(name.value, name.strength) for name in entity.names] == [
        ("HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE", AliasStrength.PRIMARY),
        ("صرافی حاجی خيرالله و حاجی ستار", AliasStrength.STRONG),
        ("Haji Khairullah Money Exchange", AliasStrength.STRONG),
        ("Haji Alim Hawala", AliasStrength.WEAK),
    ]
    assert entity.names[1].script == "Arab"
    assert entity.programmes == ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020",)
    remarks = entity.remarks or ""
    assert "Listed on 2012-06-29" in remarks
    assert "UN reference: TAe.010" in remarks
    assert entity.designations == ()


def test_uksl_individual() -> None:
    person = _by_id(UKSL)["RUS0999"]
    assert person.kind == EntityKind.PERSON
    names = {name.value: name for name in person.names}
    assert person.primary_name.value == "Sergei Petrovich IVANOV"
    assert names["Sergey Petrovich IVANOV"].strength == AliasStrength.STRONG  # a variation
    assert names["Сергей Петрович Иванов"].script == "Cyrl"
    assert names["Seryozha"].strength == AliasStrength.WEAK
    assert person.birth_dates == (PartialDate(1975), PartialDate(1975, 2, 14))
    assert person.nationalities == ("RU",)
    assert person.identifiers == (Identifier("passport", "721234567"),)


def test_uksl_ship_with_imo_number() -> None:
    ship = _by_id(UKSL)["RUS2176"]
    assert ship.kind == EntityKind.VESSEL
    assert ship.identifiers == (Identifier("imo", "9826902"),)


def test_ofsi_2022_format() -> None:
    version = uk_csv.parse(OFSI_2022)  # written with a byte-order mark
    assert version.info.id == "gb-ofsi"
    assert version.published == dt.date(2025, 9, 1)
    entries = {entry.id: entry for entry in version.entries}
    assert list(entries) == ["6897", "12703"]
    person = entries["6897"]
    strengths = {name.value: name.strength for name in person.names}
    assert person.primary_name.value == "Aiman Muhammed Rabi AL-ZAWAHIRI"
    assert strengths["Ayman AL-ZAWAHIRI"] == AliasStrength.STRONG
    assert strengths["ABU MOHAMMED"] == AliasStrength.WEAK
    assert strengths["أيمن محمد ربيع الظواهري"] == AliasStrength.STRONG
    assert person.nationalities == ("EG",)  # "Egyptian"
    assert PartialDate(1951, 6, 19) in person.birth_dates
    assert person.identifiers == (Identifier("passport", "1084010"),)
    remarks = person.remarks or ""
    assert "Listed on 2001-10-12" in remarks
    assert "On the UK Sanctions List from 2020-12-31" in remarks
    assert entries["12703"].kind == EntityKind.ORGANIZATION


def test_ofsi_legacy_format_needs_a_date() -> None:
    with pytest.raises(ListFormatError, match="states no publication date"):
        uk_csv.parse(OFSI_LEGACY)
    version = uk_csv.parse(OFSI_LEGACY, published="2020-11-15")
    assert version.info.id == "gb-ofsi"
    assert version.published == dt.date(2020, 11, 15)
    entries = {entry.id: entry for entry in version.entries}
    person = entries["6897"]
    # free-text passport details stay in the remarks; a single number is an identifier
    assert person.identifiers == ()
    assert "(1) 1084010 (Egyptian passport)" in (person.remarks or "")
    assert entries["12004"].identifiers == (Identifier("national_id", "44-5566-77"),)


def test_published_must_agree_with_the_report_date() -> None:
    assert uk_csv.parse(UKSL, published=dt.date(2026, 10, 8)).published == dt.date(2026, 10, 8)
    with pytest.raises(ListFormatError, match="states it was published 2026-10-08"):
        uk_csv.parse(UKSL, published="2026-10-09")


# --- bad input ---------------------------------------------------------------------------------


def _variant(tmp_path: Path, source: Path, old: str, new: str, *, count: int = 1) -> Path:
    text = source.read_text(encoding="utf-8-sig")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")
    return path


def test_truncated_file(tmp_path: Path) -> None:
    data = UKSL.read_bytes()
    cut = data.index(b"RUS0999") + 200
    path = tmp_path / "truncated.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(ListFormatError, match="truncated or malformed row") as caught:
        uk_csv.parse(path)
    assert caught.value.line == 6
    assert caught.value.record == "RUS0999"


def test_unterminated_quote_is_malformed(tmp_path: Path) -> None:
    path = _variant(tmp_path, UKSL, "Haji Alim Hawala", '"Haji Alim Hawala')
    with pytest.raises(ListFormatError, match="malformed CSV"):
        uk_csv.parse(path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.csv"
    path.write_bytes(UKSL.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    with pytest.raises(ListFormatError, match="not UTF-8") as caught:
        uk_csv.parse(path)
    assert caught.value.line == 6  # the first row with a Cyrillic name


def test_two_primary_names_under_one_id_are_a_duplicate(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, UKSL, "KOROLEV PR,,,,,,Alias,Good quality", "KOROLEV II,,,,,,Primary Name,"
    )
    with pytest.raises(ListFormatError, match="duplicate entry id 'RUS2176'") as caught:
        uk_csv.parse(path)
    assert caught.value.record == "RUS2176"
    assert caught.value.line == 10
    collected = uk_csv.parse(path, errors="collect")
    ship = {entry.id: entry for entry in collected.entries}["RUS2176"]
    assert [name.value for name in ship.names] == ["KOROLEV PROSPECT"]
    assert [(r.record, r.line) for r in collected.rejected] == [("RUS2176", 10)]


def test_rows_of_one_id_with_different_kinds_are_a_duplicate(tmp_path: Path) -> None:
    text = UKSL.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[9] = lines[9].replace(",Ship,", ",Entity,")
    path = tmp_path / "kinds.csv"
    path.write_text("".join(lines), encoding="utf-8", newline="")
    with pytest.raises(ListFormatError, match="duplicate entry id 'RUS2176': rows of kind"):
        uk_csv.parse(path)


def test_missing_required_column(tmp_path: Path) -> None:
    path = _variant(tmp_path, UKSL, ",Unique ID,", ",Unique Ref,")
    with pytest.raises(ListFormatError, match=r"lacks the required column.*unique id") as caught:
        uk_csv.parse(path)
    assert caught.value.line == 2


def test_row_without_name_or_with_bad_birth_date(tmp_path: Path) -> None:
    path = _variant(tmp_path, UKSL, ",Seryozha,", ",,")
    with pytest.raises(ListFormatError, match="no name") as caught:
        uk_csv.parse(path)
    assert (caught.value.record, caught.value.line) == ("RUS0999", 8)
    path = _variant(tmp_path, UKSL, "14/02/1975", "1975-02-14")
    with pytest.raises(ListFormatError, match="bad date of birth") as caught:
        uk_csv.parse(path)
    assert caught.value.record == "RUS0999"
    collected = uk_csv.parse(path, errors="collect")
    assert len(collected.entries) == 3
    assert [r.record for r in collected.rejected] == ["RUS0999"]


def test_unknown_kind(tmp_path: Path) -> None:
    path = _variant(tmp_path, UKSL, ",Ship,", ",Aircraft,", count=2)
    with pytest.raises(ListFormatError, match="unknown designation type 'Aircraft'") as caught:
        uk_csv.parse(path)
    assert caught.value.record == "RUS2176"


def test_empty_list_is_an_error_unless_allowed(tmp_path: Path) -> None:
    lines = UKSL.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "empty.csv"
    path.write_text("".join(lines[:2]), encoding="utf-8", newline="")
    with pytest.raises(ListFormatError, match="no entries"):
        uk_csv.parse(path)
    assert uk_csv.parse(path, allow_empty=True).entries == ()


def test_not_a_uk_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text('36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n', encoding="utf-8")
    with pytest.raises(ListFormatError, match="not a UK sanctions CSV") as caught:
        uk_csv.parse(path)
    assert caught.value.line == 1


def test_bad_report_date(tmp_path: Path) -> None:
    path = _variant(tmp_path, UKSL, "Report Date: 08-Oct-2026", "Report Date: 08-Okt-2026")
    with pytest.raises(ListFormatError, match="bad Report Date"):
        uk_csv.parse(path)
