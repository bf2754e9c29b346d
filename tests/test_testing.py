"""The public Hypothesis strategies of watchlist.testing produce what they promise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from watchlist import Party
from watchlist.dates import DateRange, PartialDate
from watchlist.matching.normalize import cyrillic_spellings
from watchlist.model import script_of
from watchlist.testing import (
    TITLES,
    any_script_names,
    birth_dates,
    partial_dates,
    parties,
    person_names,
    perturbed,
    reordered,
    transliterated,
    typo,
    with_title,
    without_middle_name,
)


@given(person_names(min_parts=2, max_parts=3, script="Cyrl"))
def test_person_names_have_the_asked_parts_and_script(name: str) -> None:
    assert 2 <= len(name.split()) <= 3
    assert script_of(name) == "Cyrl"


@given(st.data())
def test_reordered_keeps_the_words(data: st.DataObject) -> None:
    name = data.draw(person_names())
    assert sorted(data.draw(reordered(name)).split()) == sorted(name.split())


@given(st.data())
def test_without_middle_name_keeps_first_and_last(data: st.DataObject) -> None:
    name = data.draw(person_names(min_parts=3))
    shorter = data.draw(without_middle_name(name)).split()
    words = name.split()
    assert len(shorter) == len(words) - 1
    assert (shorter[0], shorter[-1]) == (words[0], words[-1])


@given(st.data())
def test_typo_changes_exactly_one_letter(data: st.DataObject) -> None:
    name = data.draw(person_names(min_parts=3))
    changed = data.draw(typo(name))
    assert len(changed) == len(name)
    assert sum(a != b for a, b in zip(changed, name, strict=True)) == 1


@given(st.data())
def test_transliterated_is_one_of_the_schemes(data: st.DataObject) -> None:
    name = data.draw(person_names(script="Cyrl"))
    assert data.draw(transliterated(name)) in cyrillic_spellings(name)


@given(st.data())
def test_with_title_and_perturbed(data: st.DataObject) -> None:
    name = data.draw(any_script_names(min_parts=2))
    assert data.draw(with_title(name)).split()[0] in TITLES
    assert data.draw(perturbed(name))


@given(partial_dates())
def test_partial_dates_are_in_range(date: PartialDate) -> None:
    assert 1930 <= date.year <= 2010


@given(birth_dates())
def test_birth_dates_are_partial_dates_or_ranges(date: PartialDate | DateRange) -> None:
    assert date.first_day <= date.last_day


@given(parties())
def test_parties_are_valid_parties(party: Party) -> None:
    assert party.name
    assert all(alias for alias in party.aliases)
