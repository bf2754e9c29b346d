"""Hypothesis strategies for property-testing a screening set-up: names, perturbations, parties.

A bank can check its own threshold and lists with them, for example that every listed name
still hits after the ways customer records vary it::

    from hypothesis import given, strategies as st
    from watchlist import compare
    from watchlist.matching import DEFAULT_THRESHOLD
    from watchlist.testing import person_names, typo

    @given(st.data())
    def test_one_typo_still_hits(data):
        name = data.draw(person_names(min_parts=3))
        assert compare(data.draw(typo(name)), name).score >= DEFAULT_THRESHOLD

Requires Hypothesis (installed with the ``test`` extra). Name words are drawn from pools of
common name words in Latin, Cyrillic and Arabic script (or made up from letters), and the
perturbations are those seen between list aliases: transliteration, reordering, a dropped
middle name, one wrong letter, an added title.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from watchlist.dates import BirthDate, DateRange, PartialDate
from watchlist.matching.normalize import cyrillic_spellings
from watchlist.model import EntityKind, Identifier, Party

#: Name words as lists romanise them; none is a title, particle or legal form.
LATIN_WORDS = (
    "amir", "khan", "sirajuddin", "haqqani", "jalaluddin", "ayrat", "vakhitov", "nasimovich",
    "muttaqi", "akhund", "hassan", "omar", "ghulam", "nabi", "bashir", "zarjmil", "ibrahim",
    "salim", "yusuf", "karimov", "petrova", "ivanov", "sergei", "olga", "dmitry", "natalia",
    "fernandez", "garcia", "lopez", "maria", "kowalski", "schmidt", "mueller", "anna", "rossi",
)  # fmt: skip
#: Russian name words in Cyrillic.
CYRILLIC_WORDS = (
    "Айрат", "Насимович", "Вахитов", "Сергей", "Иванов", "Ольга", "Петрова", "Дмитрий",
    "Юрьевич", "Хаккани", "Жуков", "Цветкова", "Щербаков", "Бютукаев", "Наталья", "Алексей",
)  # fmt: skip
#: Name words in Arabic script (Arabic and Persian spellings from the UN list).
ARABIC_WORDS = ("محمد", "حسن", "آخوند", "امیر", "خان", "متقی", "عمر", "غلام", "نبی", "حقانی")
#: Titles and honorifics a record may add to a name.
TITLES = ("Mullah", "Haji", "Maulawi", "Sheikh", "Mufti", "Qari", "Dr", "Mr")

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def name_words(script: str = "Latn") -> st.SearchStrategy[str]:
    """One name word in ``Latn``, ``Cyrl`` or ``Arab`` script, from the pools above."""
    pools = {"Latn": LATIN_WORDS, "Cyrl": CYRILLIC_WORDS, "Arab": ARABIC_WORDS}
    return st.sampled_from(pools[script])


def made_up_words(min_size: int = 4, max_size: int = 10) -> st.SearchStrategy[str]:
    """A word of random Latin letters (not a real name: for properties that must hold for any)."""
    return st.text(alphabet=_LETTERS, min_size=min_size, max_size=max_size)


def person_names(
    *, min_parts: int = 2, max_parts: int = 4, script: str = "Latn"
) -> st.SearchStrategy[str]:
    """A person's name of distinct words in one script."""
    return st.lists(name_words(script), min_size=min_parts, max_size=max_parts, unique=True).map(
        " ".join
    )


def any_script_names(*, min_parts: int = 1, max_parts: int = 4) -> st.SearchStrategy[str]:
    """A name in Latin, Cyrillic or Arabic script, or of made-up Latin words."""
    return st.one_of(
        person_names(min_parts=min_parts, max_parts=max_parts, script="Latn"),
        person_names(min_parts=min_parts, max_parts=max_parts, script="Cyrl"),
        person_names(min_parts=min_parts, max_parts=min(max_parts, 3), script="Arab"),
        st.lists(made_up_words(), min_size=min_parts, max_size=max_parts).map(" ".join),
    )


def transliterated(name: str) -> st.SearchStrategy[str]:
    """``name`` under one of the Cyrillic romanisation schemes (unchanged if not Cyrillic)."""
    return st.sampled_from(cyrillic_spellings(name))


def reordered(name: str) -> st.SearchStrategy[str]:
    """``name`` with its words in another order."""
    return st.permutations(name.split()).map(" ".join)


def without_middle_name(name: str) -> st.SearchStrategy[str]:
    """``name`` less one word that is neither its first nor its last (unchanged if none)."""
    words = name.split()
    if len(words) < 3:
        return st.just(name)
    return st.integers(1, len(words) - 2).map(
        lambda drop: " ".join(word for i, word in enumerate(words) if i != drop)
    )


@st.composite
def typo(draw: st.DrawFn, name: str, min_word_length: int = 4) -> str:
    """``name`` with one letter of one word (of at least ``min_word_length`` letters) replaced.

    Unchanged if no word is long enough.
    """
    words = name.split()
    candidates = [i for i, word in enumerate(words) if len(word) >= min_word_length]
    if not candidates:
        return name
    index = draw(st.sampled_from(candidates))
    word = words[index]
    position = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from(_LETTERS).filter(lambda c: c != word[position].lower()))
    words[index] = word[:position] + letter + word[position + 1 :]
    return " ".join(words)


def with_title(name: str) -> st.SearchStrategy[str]:
    """``name`` with a title or honorific in front ("Mullah", "Haji", "Dr" ...)."""
    return st.sampled_from(TITLES).map(lambda title: f"{title} {name}")


def perturbed(name: str) -> st.SearchStrategy[str]:
    """``name`` varied in one of the ways above."""
    return st.one_of(
        transliterated(name),
        reordered(name),
        without_middle_name(name),
        typo(name),
        with_title(name),
    )


def partial_dates(min_year: int = 1930, max_year: int = 2010) -> st.SearchStrategy[PartialDate]:
    """A date known to the year, the month or the day."""
    return st.dates(dt.date(min_year, 1, 1), dt.date(max_year, 12, 31)).flatmap(
        lambda day: st.sampled_from(
            [
                PartialDate(day.year),
                PartialDate(day.year, day.month),
                PartialDate(day.year, day.month, day.day),
            ]
        )
    )


@st.composite
def birth_dates(draw: st.DrawFn) -> BirthDate:
    """A partial date of birth, or a range of years such as lists give (``1966/1970``)."""
    start = draw(partial_dates())
    if draw(st.booleans()):
        return start
    return DateRange(PartialDate(start.year), PartialDate(start.year + draw(st.integers(1, 5))))


def identifiers() -> st.SearchStrategy[Identifier]:
    """A passport or national ID number."""
    return st.builds(
        Identifier,
        kind=st.sampled_from(["passport", "national id"]),
        value=st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=6, max_size=10),
        country=st.sampled_from([None, "AF", "RU", "KZ", "US"]),
    )


@st.composite
def parties(draw: st.DrawFn, names: st.SearchStrategy[str] | None = None) -> Party:
    """A party to screen: a person's name, and maybe aliases, a birth date, nationalities, IDs."""
    name_strategy = names if names is not None else any_script_names(min_parts=2)
    return Party(
        name=draw(name_strategy),
        kind=draw(st.sampled_from([EntityKind.PERSON, EntityKind.UNKNOWN])),
        aliases=draw(st.lists(name_strategy, max_size=2)),
        birth_date=draw(st.none() | birth_dates()),
        nationalities=draw(st.lists(st.sampled_from(["AF", "PK", "RU", "KZ", "US"]), max_size=2)),
        identifiers=draw(st.lists(identifiers(), max_size=2)),
    )
