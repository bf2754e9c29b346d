"""The Taliban across Moscow, Almaty and Washington (../shared/facts/scenario.md), as a table.

Each row of the scenario table, for each query spelling and each jurisdiction and date, names
the entry that must be hit, or that nothing may be hit.
"""

from __future__ import annotations

import pytest

from watchlist import Screener

TALIBAN_SPELLINGS = ("Taliban", "Талибан", "Taliban Movement")
DATES = ("2023-06-01", "2024-06-01", "2025-06-01")

RU_FSB = "ru-fsb-terrorist-organisations"
KZ_LIST = "kz-terrorist-organisations"
SDN = "us-ofac-sdn-excerpt"
UN = "un-sc-excerpt"

#: (jurisdiction, as-of date) -> the (list, entry) a Taliban query must hit; None: no hit at all.
TALIBAN_EXPECTED = {
    ("RU", "2023-06-01"): (RU_FSB, "taliban"),
    ("RU", "2024-06-01"): (RU_FSB, "taliban"),
    ("RU", "2025-06-01"): None,  # ban suspended by the Supreme Court on 2025-04-17
    ("KZ", "2023-06-01"): (KZ_LIST, "taliban"),
    ("KZ", "2024-06-01"): None,  # removed from the national list on 2023-12-29
    ("KZ", "2025-06-01"): None,
    ("US", "2023-06-01"): (SDN, "6636"),
    ("US", "2024-06-01"): (SDN, "6636"),
    ("US", "2025-06-01"): (SDN, "6636"),
}

HAQQANI_EXPECTED = {"RU": (UN, "TAi.144"), "KZ": (UN, "TAi.144"), "US": (SDN, "10743")}


@pytest.mark.parametrize("query", TALIBAN_SPELLINGS)
@pytest.mark.parametrize(("jurisdiction", "as_of"), sorted(TALIBAN_EXPECTED))
def test_taliban(screener: Screener, query: str, jurisdiction: str, as_of: str) -> None:
    result = screener.screen(query, jurisdiction=jurisdiction, as_of=as_of)
    found = {(hit.list_id, hit.entry_id) for hit in result.hits}
    expected = TALIBAN_EXPECTED[jurisdiction, as_of]
    if expected is None:
        assert found == set()
    else:
        assert found == {expected}


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("jurisdiction", sorted(HAQQANI_EXPECTED))
def test_sirajuddin_haqqani(screener: Screener, jurisdiction: str, as_of: str) -> None:
    result = screener.screen("Sirajuddin Haqqani", jurisdiction=jurisdiction, as_of=as_of)
    assert HAQQANI_EXPECTED[jurisdiction] in {(hit.list_id, hit.entry_id) for hit in result.hits}


def test_a_hit_names_its_designation_and_the_lists_used(screener: Screener) -> None:
    result = screener.screen("Талибан", jurisdiction="RU", as_of="2024-06-01")
    (hit,) = result.hits
    assert hit.designation.end is not None
    assert hit.designation.end.isoformat() == "2025-04-17"
    assert hit.designation.end_reason == "suspended"
    assert "Supreme Court" in hit.designation.basis
    assert {use.list_id for use in result.lists_used} == {RU_FSB, UN}
    assert all(len(use.digest) == 64 for use in result.lists_used)


def test_a_cleared_query_still_records_what_it_was_screened_against(screener: Screener) -> None:
    result = screener.screen("Taliban", jurisdiction="KZ", as_of="2024-06-01")
    assert not result.is_hit
    assert result.jurisdiction == "KZ"
    assert result.as_of.isoformat() == "2024-06-01"
    assert {use.list_id for use in result.lists_used} == {KZ_LIST, UN}
    assert result.threshold == screener.threshold
