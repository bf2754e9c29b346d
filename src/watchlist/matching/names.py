"""Names prepared once for matching: words with a role, a weight, a variant group and a key.

Preparing a name is the costly part of matching, and every listed name and every query name is
prepared once (the result is cached), so comparing two prepared names only pairs words.

A prepared name holds one or more *spellings*, each a tuple of :class:`Token`:

- one per Cyrillic transliteration scheme, and for Arabic script the Arabic and the Persian
  readings (:func:`~watchlist.matching.normalize.spellings`);
- for a spelling with Arabic particles (``al``, ``bin``, ``abu``, ``abdul`` ...), the same words
  with each particle joined to the word after it, so that "Abd al-Rahman" meets "Abdalrahman"
  and "Al Qaida" meets "Alqaida";
- for a spelling with an Arabic compound name in ``al-Din``, the same words with that name
  written one way (:func:`din_compounds`: Nur al-Din and Nureddine are both ``nuruddin``).

Legal forms written out in words ("joint stock company") are first read as their abbreviation
("jsc"). Each word has a role from ``terms.toml`` (honorific, legal form, generic organisation word,
joining word, particle, first half of a compound name), or is a patronymic (``-ovich``,
``-ovna``, ``-ogly`` ...), an initial (one letter), or an ordinary name word. The role sets its
weight: an ordinary word weighs 1, a title such as "Mullah" 0.2. Low-weight words still count
and are still shown in explanations; nothing is deleted.
"""

from __future__ import annotations

import enum
import functools
import importlib.resources
import re
import tomllib
from collections.abc import Mapping

import attrs

from watchlist.countries import country_code
from watchlist.matching.normalize import normalize_name, spellings
from watchlist.matching.phonetic import phonetic_keys, transliteration_fold
from watchlist.model import script_of


class Role(enum.StrEnum):
    """What a word does in a name; the role sets the word's weight."""

    NAME = "name"
    HONORIFIC = "honorific"
    LEGAL_FORM = "legal form"
    GENERIC = "generic word"
    STOPWORD = "joining word"
    PARTICLE = "particle"
    COMPOUND = "compound-name prefix"
    PATRONYMIC = "patronymic"
    INITIAL = "initial"


#: An organisation's name against its acronym (ISIL, Islamic State of Iraq and the Levant).
ACRONYM_SIMILARITY = 0.9
#: A patronymic counts half: customer records often leave it out.
PATRONYMIC_WEIGHT = 0.5
#: An initial stands for a word, but many words share it.
INITIAL_WEIGHT = 0.5
_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ichna", "ogly", "ogli", "kyzy", "qizi")
#: Scripts written without short vowels: their transliterations are consonant skeletons.
_ABJADS = frozenset({"Arab", "Hebr"})


# The hash is kept: tokens are the keys of the index's caches of word lookups.
@attrs.frozen(cache_hash=True)
class Token:
    """One word of a prepared name."""

    text: str
    role: Role
    weight: float
    #: The first spelling of the word's variant group (``muhammad`` for ``mohammed``), the
    #: country a country's or people's name names (``country:IR`` for ``iranian``), or the word
    #: itself.
    canonical: str
    #: The consonant skeletons of :func:`~watchlist.matching.phonetic.phonetic_keys`.
    keys: tuple[str, ...]
    #: The word with the choices of Cyrillic transliteration schemes written one way
    #: (:func:`~watchlist.matching.phonetic.transliteration_fold`).
    fold: str
    #: Whether the word comes from a script written without short vowels (Arabic, Hebrew).
    abjad: bool
    #: How explanations show the word: ``mullah (honorific)``, or a name word as it is.
    label: str
    #: Whether the word identifies (a name word or a patronymic): what "two name words pair"
    #: counts.
    identifies: bool
    #: Whether the word is a particle or compound-name prefix, joined to the word after it in
    #: a name's joined spelling.
    joins: bool
    #: The member of a closed set of contrasting words the word is (a country, by its ISO
    #: code; a point of the compass), or "": two different members are different words, never
    #: one misspelt (Iran and Iraq, Northern and Southern).
    contrast: str = ""


@attrs.frozen
class PreparedName:
    """A name ready to be compared: its spellings, and facts about it the scorer uses."""

    value: str
    spellings: tuple[tuple[Token, ...], ...]
    #: The sum of the word weights of each spelling.
    weights: tuple[float, ...]
    #: For each spelling, its longest word's length and its two shortest words' lengths
    #: added (a large number for a one-word spelling): whether a word of one name could be two
    #: words of the other run together.
    lengths: tuple[tuple[int, int], ...]
    #: Whether each spelling has its particles joined to the following words.
    particles_joined: tuple[bool, ...]
    #: Whether the name has particles at all (and so spellings with them joined).
    has_particles: bool
    #: Whether a legal form or a generic organisation word shows the name is an organisation's.
    looks_like_organisation: bool
    #: The first spelling's words run together: organisations are also compared as whole names
    #: ("Hizb Allah" against "Hizballah").
    joined: str
    #: The same, of the full-weight words only (no legal forms, generic words or particles).
    joined_distinctive: str
    #: The first letters of the first spelling's words, with and without joining words and
    #: particles, and without legal forms and the generic words that end the name, for a name
    #: of two or more words ("isil" for Islamic State of Iraq and the Levant, "ttp" for
    #: Tehrik-e Taliban Pakistan, "mfsl" for Myanma Five Star Line Company Limited).
    initials: frozenset[str]
    #: The name's only word beside its legal forms, if it has one (a possible acronym: "KMZ"
    #: of "JSC KMZ"), or "".
    single_word: str
    #: What sets the name apart from its namesakes: the text of each parenthesised part that
    #: names no country ("(HQN)", "(formerly X)").
    qualifiers: frozenset[str] = frozenset()
    #: The places a parenthesised part or a word of a name of two words or more names, as
    #: :func:`contrast_of` writes them: countries ("X Foundation (Kenya)", "X Foundation
    #: Tanzania branch", "Bank of China") and points of the compass ("... of Northern Area").
    places: frozenset[str] = frozenset()
    #: The words holding a digit ("Brigade 313", "Vessel 2").
    numbers: frozenset[str] = frozenset()


@attrs.frozen
class _Vocabulary:
    roles: Mapping[str, tuple[Role, float]]
    variants: Mapping[str, str]
    #: Legal forms written out, by the folded spelling (:func:`phrase_fold`) of their first
    #: word: each phrase as its folded words and its abbreviation, longest phrase first.
    phrases: _Phrases
    #: The same of the kinds of bodies (``scientific research institute``, NII), which a name
    #: is also read without.
    kinds: _Phrases


_ROLE_SECTIONS = {
    "honorific": Role.HONORIFIC,
    "legal_form": Role.LEGAL_FORM,
    "generic": Role.GENERIC,
    "stopword": Role.STOPWORD,
    "particle": Role.PARTICLE,
    "compound": Role.COMPOUND,
}


@functools.cache
def _vocabulary() -> _Vocabulary:
    package = importlib.resources.files("watchlist.matching")
    terms = tomllib.loads(package.joinpath("terms.toml").read_text(encoding="utf-8"))
    roles: dict[str, tuple[Role, float]] = {}
    # The first section naming a word wins ("as" is a legal form before it is a particle).
    for section, role in _ROLE_SECTIONS.items():
        weight = float(terms[section]["weight"])
        for word in terms[section]["words"]:
            roles.setdefault(word, (role, weight))
    variant_data = tomllib.loads(package.joinpath("variants.toml").read_text(encoding="utf-8"))
    variants: dict[str, str] = {}
    for group in variant_data["groups"]:
        for spelling in group:
            variants.setdefault(spelling, group[0])
    return _Vocabulary(
        roles=roles,
        variants=variants,
        phrases=_phrases(terms["phrases"]),
        kinds=_phrases(terms["kinds"]),
    )


_Phrases = Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]


def _phrases(section: Mapping[str, object]) -> _Phrases:
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, short in section.items():
        folded = tuple(phrase_fold(word) for word in phrase.split())
        found.setdefault(folded[0], []).append((folded, str(short)))
    return {
        first: tuple(sorted(phrases, key=lambda item: -len(item[0])))
        for first, phrases in found.items()
    }


#: The spellings of one Russian (or Ukrainian, Belarusian) sound that transliterations of
#: legal forms differ in, each as one: щ as shch, shh, sch, shc or sh; х as kh, h or x; ц as
#: ts, tz, cz or c; й, ы and the soft vowels' y as y, i or j.
_PHRASE_FOLDS = (
    (re.compile(r"schch|shch|shh|sch|shc|sh"), "s"),
    (re.compile(r"kh|x"), "h"),
    (re.compile(r"ts|tz|cz"), "c"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"i+"), "i"),
    # The y of a soft vowel after a vowel (aktsionernoye, predpriyatiye) is often left out.
    (re.compile(r"(?<=[aeiou])i(?=[aeou])"), ""),
)


def phrase_fold(word: str) -> str:
    """``word`` as legal forms written out are matched: the transliteration variants of one
    Russian word folded into one spelling (``obschestvo``, ``obshchestvo`` and ``obshestvo``;
    ``aktsionernoye`` and ``aktsionernoe``), so that every spelling of a legal form meets its
    abbreviation. Only for finding those phrases: words are compared as they are written."""
    for pattern, replacement in _PHRASE_FOLDS:
        word = pattern.sub(replacement, word)
    return word


def _abbreviate(words: list[str], phrases: _Phrases) -> list[str]:
    """``joint stock company genbank`` as ``jsc genbank``: ``phrases`` written out, shortened
    (the longest phrase starting at each word, in any transliteration :func:`phrase_fold`
    folds together)."""
    folded = [phrase_fold(word) for word in words]
    shortened: list[str] = []
    start = 0
    while start < len(words):
        for phrase, short in phrases.get(folded[start], ()):
            if tuple(folded[start : start + len(phrase)]) == phrase:
                shortened.extend(short.split())
                start += len(phrase)
                break
        else:
            shortened.append(words[start])
            start += 1
    return shortened


def _readings(spelling: str) -> list[tuple[str, ...]]:
    """The words of a spelling with its legal forms abbreviated, and, if it names a kind of
    body written out, also with that abbreviated; and, if it holds an Arabic compound name
    in ``al-Din``, also with that written one way (:func:`din_compounds`)."""
    vocabulary = _vocabulary()
    words = _abbreviate(spelling.split(), vocabulary.phrases)
    kinds = _abbreviate(words, vocabulary.kinds)
    found = [tuple(words)] if kinds == words else [tuple(words), tuple(kinds)]
    compounds = din_compounds(words)
    if compounds != words:
        found.append(tuple(compounds))
    return found


#: The article of an Arabic compound name in ``al-Din`` ("of the faith") as lists write it
#: apart: al and el, assimilated to the d (ad, ed, ud, od), or a bare vowel (Shahab-u-Din).
_DIN_ARTICLES = frozenset({"al", "el", "ul", "ad", "ed", "ud", "od", "a", "e", "u", "o", "i"})
#: ``din`` itself, alone or with its article run into it: din, deen, dine, eddine, uddin,
#: aldin (y for the long i of a word in Arabic script: الدين is aldyn).
_DIN_WORD = re.compile(r"(?:[aeiou]?[ld])?d(?:i|ee|y)ne?")
#: A word ending in ``al-Din`` run together, with at least three letters before it (Nureddine,
#: Safieddine, Jalaluddin, Tajideen, Tajidine, نورالدین as nwraldyn); the single-d endings
#: need a long vowel or a final e, so that Russian surnames (Borodin, Yudin) are left alone.
_DIN_ENDING = re.compile(r"(?P<stem>[a-z]{3,}?)[aeiou]?(?:(?:dd|ld)(?:i|ee|y)ne?|d(?:ee|y)n|dine)")


def din_compounds(words: list[str]) -> list[str]:
    """``words`` with each Arabic compound name in ``al-Din`` written one way, its first half
    and ``uddin``: Nur al-Din, Nur ad-Din, Nur ud Din, Nureddine and Nuruddin are all
    ``nuruddin``, Taj al-Din and Tajideen ``tajuddin``, Safi a-Din and Safieddine
    ``safiuddin``. Lists write these names apart, hyphenated or run together, with the
    article as written (al) or as said (ad, ed, ud), and no spelling of one is close enough to
    another's for word similarity alone."""
    written: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        rest = words[position + 1 : position + 3]
        ending = _DIN_ENDING.fullmatch(word)
        # A word already in al-Din is not the first half of another (Nuruddin Din).
        if ending is None and len(word) >= 2 and role_of(word)[0] is Role.NAME and rest:
            if _DIN_WORD.fullmatch(rest[0]):
                written.append(word + "uddin")
                position += 2
                continue
            if len(rest) == 2 and rest[0] in _DIN_ARTICLES and _DIN_WORD.fullmatch(rest[1]):
                written.append(word + "uddin")
                position += 3
                continue
        written.append(word if ending is None else ending["stem"] + "uddin")
        position += 1
    return written


def role_of(word: str) -> tuple[Role, float]:
    """The role and weight of one normalised word."""
    known = _vocabulary().roles.get(word)
    if known is not None:
        return known
    if len(word) == 1:
        return Role.INITIAL, INITIAL_WEIGHT
    if len(word) > 6 and word.endswith(_PATRONYMIC_ENDINGS):
        return Role.PATRONYMIC, PATRONYMIC_WEIGHT
    return Role.NAME, 1.0


#: The points of the compass, in the words that name them: branches and regions are told apart
#: by them, and several pairs are spelt alike (northern/southern, eastern/western, este/oeste).
_COMPASS = {
    word: point
    for point, words in {
        "north": ("north", "northern", "norte"),
        "south": ("south", "southern", "sur"),
        "east": ("east", "eastern", "este"),
        "west": ("west", "western", "oeste"),
        "northeast": ("northeast", "northeastern"),
        "northwest": ("northwest", "northwestern"),
        "southeast": ("southeast", "southeastern"),
        "southwest": ("southwest", "southwestern"),
    }.items()
    for word in words
}


def contrast_of(word: str) -> str:
    """What closed set of contrasting words ``word`` belongs to, and which member it is
    (``country:IR`` for ``iran``, ``compass:north`` for ``northern``), or ""."""
    point = _COMPASS.get(word)
    if point is not None:
        return f"compass:{point}"
    code = country_code(word)
    return "" if code is None else f"country:{code}"


def canonical_spelling(word: str) -> str:
    """The first spelling of the variant group ``word`` belongs to; for a country's name or
    its people's (Iran, Iranian), the country, as :func:`contrast_of` writes it; or ``word``
    itself."""
    known = _vocabulary().variants.get(word)
    if known is not None:
        return known
    code = country_code(word)
    return word if code is None else f"country:{code}"


@functools.lru_cache(maxsize=1 << 17)
def word_token(text: str, abjad: bool) -> Token:
    """The normalised word ``text`` as a Token, ``abjad`` if it comes from a script written
    without short vowels (cached: a word is one Token however many names it is in)."""
    role, weight = role_of(text)
    return Token(
        text=text,
        role=role,
        weight=weight,
        canonical=canonical_spelling(text),
        keys=phonetic_keys(text),
        fold=transliteration_fold(text),
        abjad=abjad,
        label=text if role is Role.NAME else f"{text} ({role.value})",
        identifies=role is Role.NAME or role is Role.PATRONYMIC,
        joins=role is Role.PARTICLE or role is Role.COMPOUND,
        contrast=contrast_of(text),
    )


_JOINING_ROLES = frozenset({Role.PARTICLE, Role.COMPOUND})


def _joined_particles(words: list[str]) -> list[str]:
    """``abd al rahman`` as ``abdalrahman``: each run of particles joined to the next word."""
    joined: list[str] = []
    pending = ""
    for word in words:
        if role_of(word)[0] in _JOINING_ROLES:
            pending += word
        else:
            joined.append(pending + word)
            pending = ""
    if pending:
        joined.append(pending)
    return joined


def _length_bounds(tokens: tuple[Token, ...]) -> tuple[int, int]:
    lengths = sorted(len(token.text) for token in tokens)
    return lengths[-1], (lengths[0] + lengths[1] if len(lengths) > 1 else 1 << 30)


#: A parenthesised part of a listed name, usually an acronym or a former name: "HAQQANI
#: NETWORK (HQN)" is also spelt without it, so that "Haqqani Network" meets it whole.
_PARENTHESISED = re.compile(r"\([^()]*\)")


def _qualifiers(value: str) -> frozenset[str]:
    parts = (normalize_name(part) for part in _PARENTHESISED.findall(value))
    return frozenset(text for text in parts if text and country_code(text) is None)


def _places(value: str, words: tuple[Token, ...]) -> frozenset[str]:
    found = {
        f"country:{code}"
        for part in _PARENTHESISED.findall(value)
        if (code := country_code(normalize_name(part))) is not None
    }
    if len(words) > 1:
        found.update(token.contrast for token in words if token.contrast)
    return frozenset(found)


@functools.lru_cache(maxsize=1 << 16)
def prepare(value: str) -> PreparedName:
    """``value`` prepared for matching (cached: each distinct name is prepared once)."""
    abjad = script_of(value) in _ABJADS
    # spelling -> whether its particles are joined to the word after them
    found: dict[tuple[str, ...], bool] = {}
    bare = _PARENTHESISED.sub(" ", value)
    for spelling in (*spellings(value), *(spellings(bare) if bare != value else ())):
        for words in _readings(spelling):
            found.setdefault(words, False)
            found.setdefault(tuple(_joined_particles(list(words))), True)
    kept = [(words, joined) for words, joined in found.items() if words]
    token_spellings = tuple(tuple(word_token(word, abjad) for word in words) for words, _ in kept)
    particles_joined = tuple(joined for _, joined in kept)
    looks_like_organisation = any(
        token.role in (Role.LEGAL_FORM, Role.GENERIC)
        for tokens in token_spellings
        for token in tokens
    )
    first = token_spellings[0] if token_spellings else ()
    joined = "".join(token.text for token in first)
    joined_distinctive = "".join(token.text for token in first if token.weight >= 1.0)
    return PreparedName(
        value=value,
        spellings=token_spellings,
        weights=tuple(sum(token.weight for token in tokens) for tokens in token_spellings),
        particles_joined=particles_joined,
        lengths=tuple(_length_bounds(tokens) for tokens in token_spellings),
        has_particles=any(particles_joined),
        looks_like_organisation=looks_like_organisation,
        joined=joined,
        joined_distinctive=joined_distinctive,
        initials=_initials(first),
        single_word=_single_word(first),
        qualifiers=_qualifiers(value),
        places=_places(value, first),
        numbers=frozenset(t.text for t in first if not t.text.isalpha()),
    )


_NOT_INITIALLED = (
    (),
    (Role.STOPWORD,),
    (Role.STOPWORD, Role.PARTICLE),
    (Role.STOPWORD, Role.PARTICLE, Role.LEGAL_FORM),
)


_ENDING_ROLES = (Role.GENERIC, Role.LEGAL_FORM)


def _initials(words: tuple[Token, ...]) -> frozenset[str]:
    if len(words) < 2:
        return frozenset()
    found = {
        "".join(t.text[0] for t in words if t.role not in skipped) for skipped in _NOT_INITIALLED
    }
    # An acronym may leave out what ends the name, the kind of body and the legal forms, one
    # word at a time from the end: CSSC is China State Shipbuilding Corporation (Limited).
    initialled = [t for t in words if t.role not in _NOT_INITIALLED[2]]
    while initialled and initialled[0].role is Role.LEGAL_FORM:
        del initialled[0]
    while initialled and initialled[-1].role in _ENDING_ROLES:
        initialled.pop()
        found.add("".join(t.text[0] for t in initialled))
    return frozenset(letters for letters in found if len(letters) > 1)


def _single_word(words: tuple[Token, ...]) -> str:
    named = [t for t in words if t.role is not Role.LEGAL_FORM]
    return named[0].text if len(named) == 1 else ""


def is_acronym(query: PreparedName, listed: PreparedName) -> bool:
    """Whether one name is the other's acronym of three letters or more (IRGC, Islamic
    Revolutionary Guard Corps; two letters name too many things)."""
    return (len(query.single_word) > 2 and query.single_word in listed.initials) or (
        len(listed.single_word) > 2 and listed.single_word in query.initials
    )
