"""The OpenSanctions FollowTheMoney JSON lines reader, on a fixture written from the FtM schema."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.dates import PartialDate
from watchlist.errors import ListFormatError
from watchlist.lists.formats import ftm_json
from watchlist.lists.timeline import Timeline
from watchlist.model import AliasStrength, Coverage, EndReason, EntityKind, Entry, Identifier

FIXTURE = PROJECT_ROOT / "tests" / "data" / "opensanctions" / "us_ofac_sdn_2024-05-03.ftm.json"


@pytest.fixture(scope="module")
def entries() -> dict[str, Entry]:
    return {entry.id: entry for entry in ftm_json.parse(FIXTURE).entries}


def _lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _write(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    path = tmp_path / "entities.ftm.json"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_version_header() -> None:
    version = ftm_json.parse(FIXTURE)
    assert version.info.id == "opensanctions-us_ofac_sdn"
    assert version.info.jurisdiction == "US"
    assert version.published == dt.date(2024, 5, 3)
    assert version.info.coverage == Coverage.COMPLETE
    assert version.info.coverage_start == version.published
    assert version.info.max_age_days == ftm_json.MAX_AGE_DAYS
    assert version.digest == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    # the Address, Sanction and Passport entities are not entries of their own
    assert [entry.id for entry in version.entries] == [
        "ofac-15007", "ofac-6636", "ofac-9001", "ofac-9002", "ofac-9003",
    ]  # fmt: skip
    assert version.rejected == ()


def test_person_with_aliases_and_identifiers(entries: dict[str, Entry]) -> None:
    person = entries["ofac-15007"]
    assert person.kind == EntityKind.PERSON
    assert [(name.value, name.strength) for name in person.names] == [
        ("Haji Abdul Sattar BARAKZAI", AliasStrength.PRIMARY),
        ("Haji Abdul Satar Barakzai", AliasStrength.STRONG),
        ("Haji Abdulasattar", AliasStrength.STRONG),
        ("Haji Satar", AliasStrength.WEAK),
    ]
    assert person.birth_dates == (PartialDate(1964),)
    assert person.nationalities == ("AF",)
    assert person.identifiers == (
        Identifier("passport", "AM5421691"),
        Identifier("national_id", "5420250161699"),
    )
    assert person.programmes == ("SDGT",)
    assert person.sources == ("https://sanctionssearch.ofac.treas.gov/Details.aspx?id=15007",)
    (designation,) = person.designations
    assert designation.start == dt.date(2012, 6, 29)
    assert designation.end is None


def test_sanction_dates_are_designations(entries: dict[str, Entry]) -> None:
    taliban = entries["ofac-6636"]
    assert taliban.programmes == ("SDGT", "TALIBAN")
    starts = {(d.start, d.end, d.end_reason) for d in taliban.designations}
    assert starts == {
        (dt.date(2001, 10, 12), None, None),  # from its listingDate: it has no startDate
        (dt.date(1999, 7, 4), dt.date(2002, 7, 2), EndReason.DELISTED),
    }
    delisted = entries["ofac-9001"].designations[0]
    assert (delisted.end, delisted.end_reason) == (dt.date(2023, 2, 15), EndReason.DELISTED)
    expired = entries["ofac-9002"].designations[0]
    assert (expired.end, expired.end_reason) == (dt.date(2024, 5, 19), EndReason.EXPIRED)


def test_organisation_vessel_and_company_fields(entries: dict[str, Entry]) -> None:
    company = entries["ofac-9001"]
    assert company.kind == EntityKind.ORGANIZATION
    assert company.nationalities == ("AE",)  # from its jurisdiction
    assert set(company.identifiers) == {
        Identifier("registration_number", "FZE-12345"),
        Identifier("tax_number", "100200300400003"),
    }
    vessel = entries["ofac-9002"]
    assert vessel.kind == EntityKind.VESSEL
    assert vessel.identifiers == (Identifier("imo", "9123456"),)
    assert vessel.names[1].value == "STAR OF EXAMPLE"


def test_undated_sanction_leaves_in_force_to_the_timeline(entries: dict[str, Entry]) -> None:
    person = entries["ofac-9003"]
    assert person.designations == ()
    assert person.primary_name.value == "Ivan Petrovich EXAMPLOV"  # from first/middle/last
    assert person.names[1].script == "Cyrl"
    assert person.birth_dates == (PartialDate(1971, 2),)
    assert person.nationalities == ("RU",)
    assert "citizenship as published: suhh" in (person.remarks or "")
    assert person.identifiers == (Identifier("passport", "750123456", "RU"),)  # Passport entity
    timeline = Timeline.from_versions([ftm_json.parse(FIXTURE)])
    in_force = {entry.id for entry, _ in timeline.in_force(dt.date(2024, 5, 3))}
    assert in_force == {"ofac-15007", "ofac-6636", "ofac-9002", "ofac-9003"}
    later = {entry.id for entry, _ in timeline.in_force(dt.date(2024, 5, 20))}
    assert later == {"ofac-15007", "ofac-6636", "ofac-9003"}  # the vessel's measure expired


def test_dataset_keyword_and_published_check(tmp_path: Path) -> None:
    version = ftm_json.parse(FIXTURE, dataset="sanctions", published="2024-05-03")
    assert version.info.id == "opensanctions-sanctions"
    with pytest.raises(ListFormatError, match="states it was published 2024-05-03"):
        ftm_json.parse(FIXTURE, published="2024-05-04")
    lines = _lines()
    lines[0]["datasets"] = ["us_ofac_sdn", "eu_fsf"]
    lines[2]["datasets"] = ["gb_hmt_sanctions"]
    with pytest.raises(ListFormatError, match="pass dataset="):
        ftm_json.parse(_write(tmp_path, lines))


def test_file_without_last_seen_needs_a_date(tmp_path: Path) -> None:
    lines = _lines()
    for line in lines:
        del line["last_seen"]
    path = _write(tmp_path, lines)
    with pytest.raises(ListFormatError, match="states no publication date"):
        ftm_json.parse(path)
    assert ftm_json.parse(path, published="2024-05-03").published == dt.date(2024, 5, 3)


# --- bad input ---------------------------------------------------------------------------------


def test_truncated_file(tmp_path: Path) -> None:
    data = FIXTURE.read_bytes()
    path = tmp_path / "truncated.json"
    path.write_bytes(data[: data.index(b"ofac-9002") + 40])
    with pytest.raises(ListFormatError, match="truncated or malformed line") as caught:
        ftm_json.parse(path)
    assert caught.value.line == 9


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    text = FIXTURE.read_text(encoding="utf-8").replace("Иван Петрович Экзамплов", "José")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ListFormatError, match="not UTF-8") as caught:
        ftm_json.parse(path)
    assert caught.value.line == 11


def test_duplicate_ids(tmp_path: Path) -> None:
    lines = _lines()
    lines.append({**lines[0], "properties": {"name": ["SOMEONE ELSE"]}})
    path = _write(tmp_path, lines)
    with pytest.raises(ListFormatError, match="duplicate entity id 'ofac-15007'") as caught:
        ftm_json.parse(path)
    assert (caught.value.record, caught.value.line) == ("ofac-15007", 14)
    collected = ftm_json.parse(path, errors="collect")
    assert len(collected.entries) == 5
    assert [(r.record, r.line) for r in collected.rejected] == [("ofac-15007", 14)]


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (0, {"properties": {"alias": ["X"]}}, "needs a name"),
        (0, {"id": None}, "needs a string 'id'"),
        (0, {"properties": {"name": "not a list"}}, "list of strings"),
        (1, {"properties": {"entity": ["ofac-0000"], "startDate": ["2012-06-29"]}},
         "not in the file"),
        (1, {"properties": {"entity": ["ofac-15007"], "startDate": ["29.06.2012"]}},
         "bad startDate"),
        (1, {"properties": {"entity": ["ofac-15007"], "startDate": ["2012-06-29"],
                            "endDate": ["2012-01-01"]}}, "bad Sanction dates"),
        (0, {"properties": {"name": ["A"], "birthDate": ["1964-13"]}}, "bad Person"),
    ],
)  # fmt: skip
def test_bad_records_name_line_and_record(
    tmp_path: Path, index: int, change: dict[str, Any], message: str
) -> None:
    lines = _lines()
    lines[index] = {**lines[index], **change}
    path = _write(tmp_path, lines)
    with pytest.raises(ListFormatError, match=message) as caught:
        ftm_json.parse(path)
    assert caught.value.path == path
    assert caught.value.line == index + 1
    collected = ftm_json.parse(path, errors="collect")
    assert collected.rejected[0].line == index + 1


def test_a_line_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text('["not", "an", "entity"]\n', encoding="utf-8")
    with pytest.raises(ListFormatError, match="must be a JSON object") as caught:
        ftm_json.parse(path)
    assert caught.value.line == 1


def test_empty_list_is_an_error_unless_allowed(tmp_path: Path) -> None:
    path = _write(tmp_path, [_lines()[5]])  # only an Address
    with pytest.raises(ListFormatError, match="no entries"):
        ftm_json.parse(path)
    assert ftm_json.parse(path, allow_empty=True).entries == ()
