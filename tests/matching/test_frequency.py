"""Word frequencies counted over the loaded lists."""

from __future__ import annotations

from watchlist.matching.frequency import ENOUGH_NAMES, WordFrequencies


def test_words_are_counted_once_a_name_by_variant_group() -> None:
    frequencies = WordFrequencies.from_names(
        ["Mohammed Ali", "MUHAMMAD Khan", "Mohammed Mohammed Omar", "Rare Name", "Rare Name"]
    )
    assert frequencies.names == 4  # distinct names
    assert frequencies.share("muhammad") == 3 / 4
    assert frequencies.commonness("muhammad") > frequencies.commonness("khan") > 0
    assert frequencies.commonness("unseen") == 0.0
    assert not frequencies.enough


def test_commonness_is_log_linear_between_rare_and_everywhere() -> None:
    names = [f"word{n} common" for n in range(ENOUGH_NAMES * 2)]
    frequencies = WordFrequencies.from_names(names)
    assert frequencies.enough
    assert frequencies.commonness("common") == 1.0
    assert frequencies.commonness("word7") == 0.0


def test_without_lists_every_word_is_assumed_of_average_frequency() -> None:
    assumed = WordFrequencies.unknown(0.2)
    assert assumed.commonness("anything") == assumed.commonness("muhammad") == 0.2
    assert not assumed.enough


def test_a_compound_name_in_al_din_is_counted_as_one_word_too() -> None:
    frequencies = WordFrequencies.from_names(["Nur al-Din Hassan", "Nureddine Omar", "Ali Khan"])
    assert frequencies.share("nuruddin") == 2 / 3
    assert frequencies.share("din") == 1 / 3
