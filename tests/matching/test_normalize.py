"""The normalisation pipeline and the Cyrillic transliteration schemes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from watchlist.matching.normalize import cyrillic_spellings, normalize_name, spellings
from watchlist.model import script_of
from watchlist.testing import any_script_names

_NORMALISED = re.compile(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?")


@given(st.text(max_size=40))
def test_normalisation_is_idempotent_and_gives_ascii_words(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert _NORMALISED.fullmatch(once)


@given(any_script_names())
def test_every_spelling_is_already_normalised(name: str) -> None:
    for found in (cyrillic_spellings(name), spellings(name)):
        assert found[0] == normalize_name(name)
        assert all(normalize_name(spelling) == spelling for spelling in found)
        assert len(set(found)) == len(found)


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


def test_hebrew_letters_are_read_as_names_romanise_them() -> None:
    # bet b, vav the vowel letter w, shin sh, alef a, a final he a vowel.
    assert normalize_name("בנימין נתניהו") == "bnymyn ntnyhw"
    assert normalize_name("משה שרון") == "msha shrwn"
    assert normalize_name("אריאל") == "aryal"


def test_greek_digraphs_are_read_as_greek_passports_romanise_them() -> None:
    assert normalize_name("Ευάγγελος Βενιζέλος") == "evangelos venizelos"
    assert normalize_name("Ελευθέριος Παπανδρέου") == "eleftherios papandreou"
    assert normalize_name("Ευφροσύνη") == "effrosyni"  # ευ before a voiceless consonant
    assert normalize_name("Αϋπνία") == "aypnia"  # a diaeresis keeps the letters apart


def test_greek_is_also_read_as_it_is_spoken() -> None:
    assert spellings("Βλαντίμιρ Πούτιν") == ("vlantimir poutin", "vladimir putin")
    assert spellings("Ντόρα Μπακογιάννη") == ("ntora mpakogianni", "dora bakoyanni")
    assert spellings("Μπαράκ Ομπάμα")[1] == "barak obama"
    assert spellings("Αϊδίνης") == ("aidinis",)


def test_script_of() -> None:
    assert script_of("Талибан") == "Cyrl"
    assert script_of("شبکه حقانی") == "Arab"
    assert script_of("Taliban") == "Latn"
    assert script_of("123") == "Zyyy"


# Evasion (issue 17, item 9): format characters, bidirectional overrides, leetspeak.


def test_every_format_character_is_removed() -> None:
    import sys
    import unicodedata

    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) == "Cf":
            assert normalize_name(f"Тали{chr(code)}бан") == "taliban", hex(code)


def test_a_format_character_inside_a_name_does_not_split_it_for_the_rules() -> None:
    # Before, a zero-width joiner broke the word Allah and the Wikipedia -iy ending.
    assert normalize_name("عبد ال\u200dله") == normalize_name("عبد الله") == "abd allah"
    assert "dmitry" in cyrillic_spellings("Дмитри\u200dй")


def test_a_run_under_an_override_is_also_read_as_shown() -> None:
    assert "taliban" in spellings("\u202enabilaT\u202c")
    assert "al qaida" in spellings("Al-\u202eadiaQ\u202c")
    # Stored in reading order under an override, the stored order is still read.
    assert spellings("\u202eTaliban")[0] == "taliban"
    # Arabic under a left-to-right override is shown reversed too.
    assert normalize_name("طالبان") in spellings("\u202d" + "طالبان"[::-1])


def test_leetspeak_words_are_read_as_letters() -> None:
    assert normalize_name("T4l1b4n") == "taliban"
    assert normalize_name("7AL1BAN") == "taliban"
    assert normalize_name("Al-Q4id4") == "al qaida"
    assert normalize_name("$h4b4b") == "shabab"
    assert normalize_name("0s4m4 B1n L4d3n") == "osama bin laden"
    assert "al qaida" in spellings("A1-Qaida")


def test_numbers_and_identifier_like_words_are_not_read_as_leetspeak() -> None:
    for text in ("1988", "A1234567", "AB130457", "K7F9Q2", "B52"):
        assert normalize_name(text) == text.lower()
    assert normalize_name("Unit 731 of 1944") == "unit 731 of 1944"
    assert normalize_name("1st Battalion, 13th Brigade") == "1st battalion 13th brigade"


@given(st.text(alphabet="ab t4l1@$0-579.", max_size=30))
def test_leetspeak_reading_is_idempotent(text: str) -> None:
    for spelling in spellings(text):
        assert normalize_name(spelling) == spelling
        assert _NORMALISED.fullmatch(spelling)
