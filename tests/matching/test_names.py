"""Preparing names: roles, weights, variants, particles, phrases and phonetic keys."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from watchlist.matching.names import Role, canonical_spelling, din_compounds, prepare, role_of
from watchlist.matching.phonetic import (
    central_european_reading,
    east_slavic_reading,
    korean_syllable,
    phonetic_key,
    phonetic_keys,
    transliteration_fold,
)
from watchlist.testing import made_up_words


def test_roles_and_weights() -> None:
    assert role_of("mullah")[0] is Role.HONORIFIC
    assert role_of("ooo")[0] is Role.LEGAL_FORM
    assert role_of("movement")[0] is Role.GENERIC
    assert role_of("al")[0] is Role.PARTICLE
    assert role_of("abdul")[0] is Role.COMPOUND
    assert role_of("nasimovich") == (Role.PATRONYMIC, 0.5)
    assert role_of("k") == (Role.INITIAL, 0.5)
    assert role_of("haqqani") == (Role.NAME, 1.0)
    assert all(role_of(word)[1] < 1.0 for word in ("mullah", "llc", "movement", "of", "bin"))


def test_titles_and_legal_forms_stay_in_the_name() -> None:
    words = [token.text for token in prepare("Mullah Mohammad Omar").spellings[0]]
    assert words == ["mullah", "mohammad", "omar"]
    company = prepare("ООО Ромашка")
    assert company.looks_like_organisation
    assert [token.text for token in company.spellings[0]] == ["ooo", "romashka"]


def test_variant_spellings_share_a_canonical_form() -> None:
    assert canonical_spelling("mohammed") == canonical_spelling("muhammad") == "muhammad"
    assert canonical_spelling("osama") == "usama"
    assert canonical_spelling("qaeda") == "qaida"
    assert canonical_spelling("ooo") == "llc"
    assert canonical_spelling("haqqani") == "haqqani"


def test_particles_are_also_joined_to_the_next_word() -> None:
    spellings = {tuple(t.text for t in s) for s in prepare("Abd al-Rahman").spellings}
    assert spellings == {("abd", "al", "rahman"), ("abdalrahman",)}


def test_legal_forms_written_out_are_abbreviated() -> None:
    words = [t.text for t in prepare("Joint Stock Company Sanatorium Miskhor").spellings[0]]
    assert words == ["jsc", "sanatorium", "miskhor"]
    words = [t.text for t in prepare("Al-Ajnihah Private Joint Stock Corporation").spellings[0]]
    assert words == ["al", "ajnihah", "pjsc"]
    words = [
        t.text for t in prepare("Cytrox Holdings Zartkoruen Mukodo Reszvenytarsasag").spellings[0]
    ]
    assert words == ["cytrox", "holdings", "zrt"]


def test_legal_forms_are_found_in_any_transliteration() -> None:
    for written in [
        "OTKRYTOE AKTSIONERNOE OBSHCHESTVO",
        "OTKRYTOYE AKTSIONERNOYE OBSCHESTVO",
        "Открытое акционерное общество",
    ]:
        assert [t.text for t in prepare(f"{written} Tae Avia").spellings[0]] == [
            "oao",
            "tae",
            "avia",
        ]
    for written in [
        "OBSHESTVO S OGRANICHENNOJ OTVETSTVENNOSTYU",
        "OBSCHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU",
    ]:
        assert prepare(f"{written} Zalog").spellings[0][0].text == "ooo"


def test_the_longest_legal_form_written_out_wins() -> None:
    words = [t.text for t in prepare("Federal State Unitary Enterprise Atomflot").spellings[0]]
    assert words == ["fgup", "atomflot"]
    assert prepare("FSUE Atomflot").spellings[0][0].canonical == "fgup"


def test_a_kind_of_body_written_out_is_read_both_ways() -> None:
    spellings = {
        tuple(t.text for t in s)
        for s in prepare("AO Nauchno-Issledovatelskiy Institut Vektor").spellings
    }
    assert spellings == {
        ("ao", "nauchno", "issledovatelskiy", "institut", "vektor"),
        ("ao", "nii", "vektor"),
    }
    assert prepare("Scientific Research Institute Vektor").spellings[1][0].text == "nii"
    assert prepare("NII Vektor").spellings[0][0].role is Role.GENERIC


def test_a_phrase_is_only_found_whole() -> None:
    assert [t.text for t in prepare("Joint Stock").spellings[0]] == ["joint", "stock"]
    assert [t.text for t in prepare("Open Joint Venture").spellings[0]] == [
        "open",
        "joint",
        "venture",
    ]


def test_titles_in_arabic_script_are_honorifics() -> None:
    for title in ["ملا", "الشيخ", "الدكتور", "مولوي", "حاجي"]:
        assert prepare(f"{title} محمد").spellings[0][0].role is Role.HONORIFIC


def test_a_parenthesised_part_is_also_left_out() -> None:
    spellings = {tuple(t.text for t in s) for s in prepare("HAQQANI NETWORK (HQN)").spellings}
    assert spellings == {("haqqani", "network", "hqn"), ("haqqani", "network")}


def test_cyrillic_names_get_every_scheme() -> None:
    spellings = {s[0].text for s in prepare("Хаккани").spellings}
    assert spellings == {"khakkani", "hakkani", "xakkani"}


def test_phonetic_keys_meet_across_transliterations() -> None:
    assert phonetic_key("mohammed") == phonetic_key("muhammad") == phonetic_key("mhmd")
    assert phonetic_key("haqqani") == phonetic_key("hakkani") == phonetic_key("khakkani")
    assert phonetic_key("usama") == phonetic_key("osama")
    assert phonetic_key("ayrat") == phonetic_key("airat") == phonetic_key("ajrat")
    assert phonetic_key("alexander") == phonetic_key("aleksandr")
    assert phonetic_key("qadhafi") == phonetic_key("gaddafi") == phonetic_key("kadafi")
    assert phonetic_key("haqqani") != phonetic_key("taliban")


def test_central_european_spellings_meet_the_english_transliteration() -> None:
    for spelling, english in [
        ("iwanow", "ivanov"),
        ("jewgeni", "yevgeni"),
        ("chodorkowski", "khodorkovsky"),
        ("kowaltschuk", "kovalchuk"),
        ("chruschtschow", "khrushchov"),
        ("jurij", "yuri"),
        ("dschochar", "dzhokhar"),
        ("cvetkov", "tsvetkov"),
        ("procenko", "protsenko"),
        ("defence", "defense"),
        ("servis", "service"),
    ]:
        assert set(phonetic_keys(spelling)) & set(phonetic_keys(english)), spelling


def test_only_words_with_a_central_european_mark_are_read_again() -> None:
    # English transliteration writes ch for ч and j for дж: without a mark they stay.
    assert central_european_reading("chernov") == "chernov"
    assert central_european_reading("jamal") == "jamal"
    assert central_european_reading("medwedew") == "medvedev"
    assert central_european_reading("szczepan") == "shchepan"


@given(made_up_words(), st.data())
def test_phonetic_key_ignores_vowels_after_the_first_letter(word: str, data: st.DataObject) -> None:
    positions = [i for i, char in enumerate(word) if i > 0 and char in "aeiou"]
    if positions:
        position = data.draw(st.sampled_from(positions))
        vowel = data.draw(st.sampled_from("aeiou"))
        changed = word[:position] + vowel + word[position + 1 :]
        assert phonetic_key(changed) == phonetic_key(word)


def test_romanised_korean_syllables_meet_across_schemes() -> None:
    for spellings in [
        ("gyu", "kyu"),
        ("sou", "su"),
        ("chin", "jin"),
        ("chol", "cheol", "chul"),
        ("song", "sung", "seong"),
        ("choe", "choi"),
        ("kim", "gim"),
        ("tae", "thae"),
    ]:
        (reading,) = {korean_syllable(spelling) for spelling in spellings}
        assert reading, spellings
        assert all(f"ko:{reading}" in phonetic_keys(spelling) for spelling in spellings)
    assert korean_syllable("yong") != korean_syllable("song")


def test_words_of_more_than_one_syllable_have_no_korean_reading() -> None:
    for word in ("mohammed", "omar", "park", "ivanov", "sirajuddin"):
        assert korean_syllable(word) == ""


def test_initials_leave_out_legal_forms_and_the_kinds_of_body_that_end_a_name() -> None:
    initials = prepare("MYANMA FIVE STAR LINE COMPANY LIMITED").initials
    assert initials == {"mfslcl", "mfslc", "mfsl"}  # "company limited" is read as "co ltd"
    # What ends the name is left out one word at a time: CSSC is a shipbuilding corporation.
    assert "cssc" in prepare("CHINA STATE SHIPBUILDING CORPORATION LIMITED").initials
    assert prepare("JSC KMZ").single_word == "kmz"
    assert prepare("KMZ").initials == frozenset()


def test_belarusian_spellings_meet_the_russian_ones() -> None:
    for belarusian, russian in [
        ("halavanau", "golovanov"),
        ("uladzimir", "vladimir"),
        ("siarhei", "sergei"),
        ("hryhoryavich", "grigorievich"),
        ("dzmitry", "dmitry"),
    ]:
        assert set(phonetic_keys(belarusian)) & set(phonetic_keys(russian)), belarusian
    # No mark of the romanisation, no reading: Arabic h stays h.
    assert east_slavic_reading("mahmud") == "mahmud"


def test_a_country_and_its_people_are_one_word() -> None:
    assert canonical_spelling("iranian") == canonical_spelling("iran") == "country:IR"
    assert canonical_spelling("iraq") != canonical_spelling("iran")


def test_transliterations_of_one_cyrillic_spelling_fold_to_one_word() -> None:
    for spellings in [
        ("pyotr", "piotr", "petr"),
        ("semyon", "semen"),
        ("yuri", "yury", "iurii", "yuriy", "jurij"),
        ("natalya", "nataliya", "natalia"),
        ("solovyov", "soloviev", "solovev", "solowjow"),
        ("kiriyenko", "kirienko"),
        ("yegor", "egor"),
        ("vassily", "vasily", "vasiliy"),
        ("khodorkovsky", "hodorkovskiy", "chodorkowski"),
        ("alexei", "aleksey"),
    ]:
        assert len({transliteration_fold(spelling) for spelling in spellings}) == 1, spellings
    assert transliteration_fold("petrov") != transliteration_fold("popov")
    assert transliteration_fold("ivanov") != transliteration_fold("ivanova")


def test_compound_names_in_al_din_are_written_one_way() -> None:
    for written in (
        "nur al din", "nur ad din", "nur ud din", "nur u din", "nur din", "nur eddine",
        "nureddine", "nuruddin", "nuraldin", "nurudeen",
    ):  # fmt: skip
        assert din_compounds(written.split()) == ["nuruddin"], written
    assert din_compounds(["taj", "al", "din", "husayn"]) == ["tajuddin", "husayn"]
    assert din_compounds(["tajideen"]) == din_compounds(["tajidine"]) == ["tajuddin"]
    assert din_compounds(["safieddine"]) == din_compounds(["safi", "a", "din"]) == ["safiuddin"]
    # An Arabic-script word, without its short vowels (نورالدین).
    assert din_compounds(["nwraldyn"]) == ["nwruddin"]


def test_names_that_only_end_like_al_din_are_left_alone() -> None:
    for words in (["borodin"], ["yudin"], ["ivan", "borodin"], ["al", "din"], ["eddine"]):
        assert din_compounds(words) == words


@given(st.lists(st.sampled_from(["nur", "al", "ud", "din", "eddine", "safi", "borodin"])))
def test_writing_compounds_one_way_is_idempotent(words: list[str]) -> None:
    once = din_compounds(words)
    assert din_compounds(once) == once


def test_a_compound_name_is_also_read_written_one_way() -> None:
    spellings = {" ".join(t.text for t in s) for s in prepare("Nur al-Din Hassan").spellings}
    assert "nuruddin hassan" in spellings
    assert "nur al din hassan" in spellings
