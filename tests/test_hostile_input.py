"""Hostile or careless input to the library: values of the wrong type, names with nothing in them.

Issue 17, item 4: a query was ``str()``-converted, so ``screen(None)`` screened the name "None"
and ``jurisdiction=None`` raised ``AttributeError``.
"""

from __future__ import annotations

import pytest

from watchlist import Entry, InputError, Party, Screener, UnknownJurisdictionError, compare

NOT_A_QUERY = [None, b"Taliban", ["Taliban"], ("Taliban",), 5, {"name": "Taliban"}]


def _ids(value: object) -> str:
    return type(value).__name__


@pytest.mark.parametrize("query", NOT_A_QUERY, ids=_ids)
def test_screen_takes_a_name_or_a_party_only(screener: Screener, query: object) -> None:
    with pytest.raises(TypeError, match=type(query).__name__):
        screener.screen(query, jurisdiction="KZ", as_of="2023-06-01")  # type: ignore[arg-type]


@pytest.mark.parametrize("query", NOT_A_QUERY, ids=_ids)
def test_screen_many_takes_names_or_parties_only(screener: Screener, query: object) -> None:
    rows = ["Taliban", query]
    results = screener.screen_many(rows, jurisdiction="KZ", as_of="2023-06-01")  # type: ignore[list-item]
    assert next(results).hits
    with pytest.raises(TypeError, match=type(query).__name__):
        next(results)


@pytest.mark.parametrize("jurisdiction", [None, 7, b"KZ"], ids=_ids)
def test_a_jurisdiction_that_is_not_a_code_is_unknown(
    screener: Screener, jurisdiction: object
) -> None:
    calls = [
        lambda: screener.screen("Taliban", jurisdiction=jurisdiction, as_of="2023-06-01"),
        lambda: screener.screen_many(["Taliban"], jurisdiction=jurisdiction, as_of="2023-06-01"),
        lambda: screener.lists_for(jurisdiction, "2023-06-01"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(UnknownJurisdictionError) as caught:
            call()
        assert caught.value.jurisdiction == jurisdiction
        assert "KZ" in caught.value.known


@pytest.mark.parametrize("value", NOT_A_QUERY, ids=_ids)
def test_compare_takes_names_parties_or_entries_only(value: object) -> None:
    with pytest.raises(TypeError, match=f"query is .*{type(value).__name__}"):
        compare(value, "Taliban")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=f"candidate is .*{type(value).__name__}"):
        compare("Taliban", value)  # type: ignore[arg-type]


def test_compare_still_takes_its_three_kinds() -> None:
    entry = Entry(id="x", kind="organization", names=["Taliban"])
    for query in ("Taliban", Party(name="Taliban"), entry):
        assert compare(query, entry).score == 1.0
        assert compare(entry, query).score == 1.0


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_an_empty_name_is_an_input_error(screener: Screener, name: str) -> None:
    with pytest.raises(InputError, match="empty"):
        compare(name, "Taliban")
    with pytest.raises(InputError, match="empty"):
        screener.screen(name, jurisdiction="KZ", as_of="2023-06-01")


@pytest.mark.parametrize("name", ["!!!", "-.-", "«»", "()"])
def test_a_name_of_punctuation_only_scores_zero_and_says_why(screener: Screener, name: str) -> None:
    match = compare(name, "Taliban")
    assert match.score == 0.0
    assert "nothing left to compare" in match.explanation
    assert screener.screen(name, jurisdiction="KZ", as_of="2023-06-01").hits == ()
