"""The list-id registry: format detection, and refusing a file given for the wrong list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from watchlist.errors import IncompleteListWarning, ListFormatError
from watchlist.lists import registry
from watchlist.lists.registry import Format

LISTS = PROJECT_ROOT / "lists"


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("ofac_sdn/snapshots/sdn_2022-11-23_1846.csv", Format.OFAC_CSV),
        ("ofac_sdn/2019-01/sdn.csv", Format.OFAC_CSV),
        ("ofac_consolidated_nonsdn/2018-04/cons_prim.csv", Format.OFAC_CSV),
        ("ofac_consolidated_nonsdn/2018-04/consolidated.xml", Format.OFAC_XML),
        ("un_sc/consolidated_2015-03-13.xml", Format.UN_XML),
        ("un_sc/consolidated_2026-02-27.xml", Format.UN_XML),
        ("un_sc/aqlist1267_legacy_2015-02-19.xml", Format.UN_XML),
    ],
)
def test_real_files_are_recognised(shared_data: Path, relative: str, expected: Format) -> None:
    assert registry.detect_format(shared_data / relative) is expected


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        (
            "sdn_advanced.xml",
            b'<?xml version="1.0"?>\n<!-- OFAC -->\n<Sanctions xmlns="http://www.un.org/'
            b'sanctions/1.0"><DateOfIssue>',
            Format.OFAC_ADVANCED,
        ),
        (
            "eu.xml",
            b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n<export xmlns="http://eu.'
            b'europa.eu/fpi/fsd/export" generationDate="2018-12-21T10:00:00">',
            Format.EU_XML,
        ),
        ("x.xml", b"<fsd:export xmlns:fsd='urn:x'>", Format.EU_XML),
        ("sdn.xml", b"<sdnList><publshInformation>", Format.OFAC_XML),
        (
            "UK_Sanctions_List.csv",
            b"Report Date: 01-Jan-2024\r\nLast Updated,Unique ID",
            Format.UKSL_CSV,
        ),
        ("ConList.csv", b"Last Updated,01/02/2022\r\nName 6,Name 1", Format.OFSI_CSV),
        ("conlist_2020.csv", b"Name 6,Name 1,Name 2,Name 3", Format.OFSI_CSV),
        (
            "entities.ftm.json",
            b'{"id": "NK-1", "schema": "Person", "properties": {}}\n',
            Format.FTM_JSON,
        ),
        ("mine.toml", b'# comment\n[list]\nid = "x"\n', Format.CURATED),
    ],
)
def test_formats_are_sniffed_from_the_first_bytes(
    tmp_path: Path, name: str, head: bytes, expected: Format
) -> None:
    path = tmp_path / name
    path.write_bytes(head)
    assert registry.detect_format(path) is expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"just some text\n"),
        ("other.xml", b"<html><body>"),
        ("data.json", b'{"no": "schema here"}'),
        ("empty.csv", b""),
        ("config.toml", b"[tool]\nx = 1\n"),
    ],
)
def test_an_unknown_file_is_a_list_format_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ListFormatError, match="not a list file watchlist can read") as caught:
        registry.detect_format(path)
    assert caught.value.path == path


def test_a_missing_file_is_a_list_format_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="cannot read list file"):
        registry.detect_format(tmp_path / "absent.csv")


@pytest.mark.shared_data
def test_a_un_file_given_as_the_sdn_is_refused(shared_data: Path) -> None:
    path = shared_data / "un_sc" / "consolidated_2015-03-13.xml"
    with pytest.raises(ListFormatError) as caught:
        registry.read("us-ofac-sdn", path, published=dt.date(2015, 3, 13))
    message = str(caught.value)
    assert "UN Security Council consolidated XML" in message
    assert "not a format of us-ofac-sdn" in message
    assert "OFAC legacy CSV" in message
    assert caught.value.path == path


@pytest.mark.shared_data
def test_an_ofac_csv_given_as_the_un_list_is_refused(shared_data: Path) -> None:
    path = shared_data / "ofac_sdn" / "2019-01" / "sdn.csv"
    with pytest.raises(ListFormatError, match=r"OFAC legacy CSV set .* not a format of un-sc"):
        registry.check_format("un-sc-consolidated", path)


@pytest.mark.shared_data
def test_the_consolidated_csv_is_not_the_sdn(shared_data: Path) -> None:
    path = shared_data / "ofac_consolidated_nonsdn" / "2018-04" / "cons_prim.csv"
    with pytest.raises(ListFormatError, match="us-ofac-consolidated CSV set, not of us-ofac-sdn"):
        registry.check_format("us-ofac-sdn", path)
    assert registry.check_format("us-ofac-consolidated", path) is Format.OFAC_CSV


@pytest.mark.shared_data
def test_a_companion_file_alone_is_refused(shared_data: Path) -> None:
    with pytest.raises(ListFormatError, match="companion file of an OFAC CSV set"):
        registry.check_format("us-ofac-sdn", shared_data / "ofac_sdn" / "2019-01" / "alt.csv")


@pytest.mark.shared_data
def test_an_ofac_set_names_its_companions_in_digest_order(shared_data: Path) -> None:
    main = shared_data / "ofac_sdn" / "2021-07" / "sdn.csv"
    found = registry.companions(main, Format.OFAC_CSV)
    assert list(found) == ["alt.csv", "add.csv", "sdn_comments.csv"]
    lone = shared_data / "ofac_sdn" / "snapshots" / "sdn_2022-11-23_1846.csv"
    assert registry.companions(lone, Format.OFAC_CSV) == {}
    assert registry.main_file_name("us-ofac-sdn", lone, Format.OFAC_CSV) == "sdn.csv"


@pytest.mark.shared_data
def test_the_ofac_csv_needs_a_publication_date(shared_data: Path) -> None:
    path = shared_data / "ofac_sdn" / "snapshots" / "sdn_2022-11-23_1846.csv"
    with pytest.raises(ListFormatError, match="states no publication date"):
        registry.read("us-ofac-sdn", path)


@pytest.mark.shared_data
def test_read_returns_the_version_of_the_list_asked_for(shared_data: Path) -> None:
    path = shared_data / "ofac_sdn" / "snapshots" / "sdn_2022-11-30_1848.csv"
    with pytest.warns(IncompleteListWarning):
        version = registry.read("us-ofac-sdn", path, published=dt.date(2022, 11, 30))
    assert version.info.id == "us-ofac-sdn"
    assert version.published == dt.date(2022, 11, 30)
    assert len(version.entries) == 11122


@pytest.mark.shared_data
def test_a_file_holding_another_list_of_the_same_format_is_refused(shared_data: Path) -> None:
    path = shared_data / "un_sc" / "list1988_taliban_2015-03-27.xml"
    with pytest.raises(ListFormatError, match="holds list 'un-sc-1988', not 'un-sc-consolidated'"):
        registry.read("un-sc-consolidated", path)
    assert registry.read("un-sc-1988", path).info.id == "un-sc-1988"


def test_a_curated_file_is_read_as_the_list_it_names() -> None:
    path = LISTS / "kz-terrorist-organisations.toml"
    assert registry.read("kz-terrorist-organisations", path).info.id == "kz-terrorist-organisations"
    with pytest.raises(ListFormatError, match="holds list 'kz-terrorist-organisations'"):
        registry.read("ru-fsb-terrorist-organisations", path)
    with pytest.raises(ListFormatError, match="states it was published"):
        registry.read("kz-terrorist-organisations", path, published=dt.date(2000, 1, 1))


def test_list_ids_are_documented_and_stable() -> None:
    for list_id in registry.OFFICIAL_LISTS:
        assert f"``{list_id}``" in (registry.__doc__ or "")
    assert set(registry.OFFICIAL_LISTS) >= {
        "us-ofac-sdn", "us-ofac-consolidated", "un-sc-consolidated", "eu-fsf", "gb-uksl",
        "gb-ofsi",
    }  # fmt: skip
    assert registry.official_list("opensanctions-us_ofac_sdn").formats == (Format.FTM_JSON,)


@pytest.mark.parametrize("list_id", ["us-ofac", "opensanctions-", "opensanctions-Bad Name", ""])
def test_an_unknown_list_id_is_refused(list_id: str) -> None:
    with pytest.raises(ListFormatError, match="unknown list id"):
        registry.official_list(list_id)


@pytest.mark.shared_data
@pytest.mark.filterwarnings("ignore::watchlist.errors.IncompleteListWarning")
def test_read_versions_shares_unchanged_records(shared_data: Path) -> None:
    files = [
        (next((shared_data / "ofac_sdn" / "snapshots").glob(f"sdn_{day}_*.csv")), day)
        for day in (dt.date(2022, 11, 23), dt.date(2022, 11, 30))
    ]
    shared = list(registry.read_versions("us-ofac-sdn", files))
    alone = [registry.read("us-ofac-sdn", path, published=day) for path, day in files]
    assert shared == alone
    first = {entry.id: entry for entry in shared[0].entries}
    unchanged = [entry for entry in shared[1].entries if first.get(entry.id) == entry]
    assert len(unchanged) > 11000
    assert all(entry is first[entry.id] for entry in unchanged)


def _ofac_row(ent_num: int, name: str, remarks: str = "-0- ") -> bytes:
    nulls = ",".join(["-0- "] * 7)
    quoted = remarks.replace('"', '""')
    remarks_field = remarks if remarks == "-0- " else f'"{quoted}"'
    return f'{ent_num},"{name}",-0- ,"SDGT",{nulls},{remarks_field}\r\n'.encode()


@pytest.mark.filterwarnings("ignore::watchlist.errors.IncompleteListWarning")
def test_read_versions_equals_read_on_multi_line_records(tmp_path: Path) -> None:
    rows = [
        _ofac_row(1, "ONE, Person", "DOB 1964;\r\nPOB Kabul."),
        _ofac_row(2, "TWO, Person"),
        _ofac_row(3, "THREE, Person", 'a.k.a. "T""HREE".'),
    ]
    first = tmp_path / "sdn_1.csv"
    first.write_bytes(b"".join(rows[:2]) + b"\x1a")
    second = tmp_path / "sdn_2.csv"
    second.write_bytes(b"".join([rows[0], rows[2]]) + b"\x1a")
    files = [(first, dt.date(2024, 1, 1)), (second, dt.date(2024, 1, 2))]
    shared = list(registry.read_versions("us-ofac-sdn", files))
    alone = [registry.read("us-ofac-sdn", path, published=day) for path, day in files]
    assert shared == alone
    assert [entry.id for entry in shared[1].entries] == ["1", "3"]
    assert shared[1].entries[0] is shared[0].entries[0]


@pytest.mark.filterwarnings("ignore::watchlist.errors.IncompleteListWarning")
def test_read_versions_falls_back_to_the_full_readers_errors(tmp_path: Path) -> None:
    good = tmp_path / "sdn_1.csv"
    good.write_bytes(_ofac_row(1, "ONE, Person") + _ofac_row(2, "TWO, Person"))
    duplicate = tmp_path / "sdn_2.csv"
    duplicate.write_bytes(_ofac_row(1, "ONE, Person") + _ofac_row(1, "ONE, Other"))
    files = [(good, dt.date(2024, 1, 1)), (duplicate, dt.date(2024, 1, 2))]
    with pytest.raises(ListFormatError, match="duplicate ent_num 1") as caught:
        list(registry.read_versions("us-ofac-sdn", files))
    assert (caught.value.path, caught.value.line) == (duplicate, 2)


@pytest.mark.parametrize("content", [b"", b"\x1a", b"\r\n\x1a"])
def test_an_empty_ofac_file_is_refused_as_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    assert registry.detect_format(path) is Format.OFAC_CSV
    with pytest.raises(ListFormatError, match="no entries"):
        registry.read("us-ofac-sdn", path, published=dt.date(2024, 1, 1))


DATA = PROJECT_ROOT / "tests" / "data"


@pytest.mark.parametrize(
    ("relative", "list_id", "wrong_id"),
    [
        ("eu/fsf_2024-05-14.xml", "eu-fsf", "gb-uksl"),
        ("uk/uksl_2026-10-08.csv", "gb-uksl", "gb-ofsi"),
        ("uk/ofsi_conlist_2022_2025-09-01.csv", "gb-ofsi", "gb-uksl"),
        ("ofac/sdn_new_namespace.xml", "us-ofac-sdn", "un-sc-consolidated"),
        ("ofac/sdn_advanced_sample.xml", "us-ofac-sdn", "eu-fsf"),
        (
            "opensanctions/us_ofac_sdn_2024-05-03.ftm.json",
            "opensanctions-us_ofac_sdn",
            "us-ofac-sdn",
        ),
    ],
)
def test_every_format_is_read_through_the_registry(
    relative: str, list_id: str, wrong_id: str
) -> None:
    path = DATA / relative
    version = registry.read(list_id, path)
    assert version.info.id == list_id
    assert version.entries
    with pytest.raises(ListFormatError, match=f"not a format of {wrong_id}"):
        registry.read(wrong_id, path)


def test_an_opensanctions_file_must_be_of_the_dataset_named() -> None:
    path = DATA / "opensanctions" / "us_ofac_sdn_2024-05-03.ftm.json"
    with pytest.raises(ListFormatError, match="not 'opensanctions-eu_fsf'"):
        registry.read("opensanctions-eu_fsf", path)
