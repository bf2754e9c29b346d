"""The normalisation pipeline and the Cyrillic transliteration schemes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from watchlist.normalize import cyrillic_spellings, normalize_name, script_of
from watchlist.testing import any_script_names

_NORMALISED = re.compile(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?")


@given(st.text(max_size=40))
def test_normalisation_is_idempotent_and_gives_ascii_words(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert _NORMALISED.fullmatch(once)


@given(any_script_names())
def test_every_spelling_is_already_normalised(name: str) -> None:
    spellings = cyrillic_spellings(name)
    assert spellings[0] == normalize_name(name)
    assert all(normalize_name(spelling) == spelling for spelling in spellings)
    assert len(set(spellings)) == len(spellings)


def test_case_accents_punctuation_and_apostrophes() -> None:
    assert normalize_name("  AL-QA'IDA  ") == "al qaida"
    assert normalize_name("José  MARÍA") == "jose maria"
    assert normalize_name("ＴＡＬＩＢＡＮ") == "taliban"


def test_haqqani_in_cyrillic_reaches_every_scheme() -> None:
    # ../shared/facts/formats.md: Khakkani (ICAO, BGN/PCGN, MVD-310), Hakkani (GOST 7.79 A),
    # Xakkani (GOST 7.79 B).
    assert set(cyrillic_spellings("Хаккани")) == {"khakkani", "hakkani", "xakkani"}


def test_short_i_reaches_i_y_and_j() -> None:
    firsts = {spelling.split()[0] for spelling in cyrillic_spellings("Айрат Вахитов")}
    assert {"airat", "ayrat", "ajrat"} <= firsts


def test_the_schemes_of_the_formats_table() -> None:
    # The rows of ../shared/facts/formats.md ("as produced by the iuliia 0.13 package").
    movement = set(cyrillic_spellings("Движение Талибан"))
    assert {"dvizhenie taliban", "dvizheniye taliban"} <= movement
    emirate = set(cyrillic_spellings("Исламский Эмират Афганистан"))
    assert {"islamskii emirat afganistan", "islamskiy emirat afganistan"} <= emirate
    assert "islamskij emirat afganistan" in emirate
    assert {"biutukaev", "byutukaev"} <= set(cyrillic_spellings("Бютукаев"))


def test_ii_endings_as_the_popular_forms_write_them() -> None:
    assert "yury" in {s.split()[0] for s in cyrillic_spellings("Юрий")}


def test_a_latin_name_has_one_spelling() -> None:
    assert cyrillic_spellings("Sirajuddin Haqqani") == ("sirajuddin haqqani",)


def test_arabic_script_keeps_its_alef() -> None:
    assert normalize_name("امیر خان متقی").split()[0] == "amyr"


def test_script_of() -> None:
    assert script_of("Талибан") == "Cyrl"
    assert script_of("شبکه حقانی") == "Arab"
    assert script_of("Taliban") == "Latn"
    assert script_of("123") == "Zyyy"
