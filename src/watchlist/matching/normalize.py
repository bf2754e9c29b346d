"""The one name-normalisation pipeline, applied identically to listed names and to queries.

The steps, in this order (the order matters: Cyrillic is transliterated before marks are
stripped, or ``й`` would lose its breve and become ``и``):

1. Unicode NFKC, so full-width and compatibility forms become their plain letters;
2. case folding;
3. Cyrillic to Latin, by the table below (close to ICAO Doc 9303 and BGN/PCGN), and the
   Arabic-script alef forms, ta marbuta and ayn to ``a`` and the word الله to ``allah``
   (anyascii drops a bare alef, which would turn امیر, Amir, into ``myr``); the Hebrew letters
   anyascii reads otherwise than names romanise them (bet ``b``, vav ``w``, a final he ``a``:
   נתניהו is ``ntnyhw``, Netanyahu, where anyascii writes ``ntnyhv``);
4. combining marks stripped (``é`` to ``e``, Arabic vowel signs dropped), once the Greek
   digraphs are read as ELOT 743 (the romanisation of Greek passports) reads them: ``ου``
   ``ou``, ``αυ``, ``ευ``, ``ηυ`` ``av``, ``ev``, ``iv`` (``af``, ``ef``, ``if`` before a
   voiceless consonant), ``γ`` before ``γ``, ``ξ``, ``χ`` ``n`` (Ευάγγελος is ``evangelos``,
   where a letter at a time gives ``eyaggelos``); :func:`spellings` also reads Greek as it is
   spoken (``μπ`` b, ``ντ`` d, ``ου`` u: Βλαντίμιρ Πούτιν is also ``vladimir putin``);
5. every other script to Latin, with anyascii (ISC licence), a Hangul syllable or Han character
   at a time: each is one syllable of a name, so 김정은 is ``gim jeong eun`` (Revised
   Romanization) and 习近平 ``xi jin ping`` (pinyin), whose words meet "Kim Jong Un" and
   "Xi Jinping" word by word (the scorer pairs a word with two run together);
6. apostrophes dropped (``O'Brien`` is ``obrien``), and the dots of initialisms (``S.A.``,
   ``L.L.C.`` are ``sa``, ``llc``); every other non-alphanumeric character a space;
7. white space collapsed.

The result is lower-case ASCII letters, digits and single spaces.

Two further steps defeat evasion (issue 17). Before step 1, every Unicode format character
(category Cf: the bidirectional controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F and
U+061C, zero-width spaces and joiners, the word joiner, the soft hyphen, the byte-order mark)
is removed: each is invisible, and one inside a name splits it for the rules above (ال‍له, with
a zero-width joiner, is still Allah). Before step 6, a word written with digits for letters
(leetspeak: ``T4l1b4n``, ``Al-Q4id4``, ``$h4b4b``) is read as letters: 0 as o, 1 as i, 3 as e,
4 as a, 5 as s, 7 as t, @ as a and $ as s. Only a word that mixes letters and digits is read
so, and only if every digit in it is one of those six and it has at least half as many letters
as digits and signs, and not an ordinal: ``1988``, ``A1234567``, ``AB130457``, ``K7F9Q2`` and
``13th`` are left as they are. (Identifiers are never normalised by this module: they are
compared as written, letters and digits only.) :func:`spellings` also reads such a word with 1
as l (``A1-Qaida``), and a name written under a bidirectional override (U+202E, U+202D) as it
is shown on screen as well as in the order it is stored: ``\u202enabilaT`` is shown, and read,
as Taliban.

Cyrillic has no single Latin form: a passport, a list and a bank's core system may each have
used a different scheme. :func:`cyrillic_spellings` gives a Cyrillic name under each scheme
banks meet (ICAO Doc 9303, BGN/PCGN, GOST 7.79-2000 system B, MVD-310, ISO 9's h for х and
the popular "Wikipedia" forms such as ``Dmitry``), so that Хаккани reaches Khakkani, Hakkani
and Xakkani, and й reaches i, y and j. Matching compares every spelling and keeps the best; it never
reverse-transliterates Latin into Cyrillic.

Hangul has two romanisations in common use besides Revised Romanization: McCune-Reischauer
(the North Korean official and most lists' spelling of North Korean names: Kim Jong Un, Choe
Ryong Hae, with its breves dropped) writes ``eo`` and ``eu`` as ``o`` and ``u``, the initial
consonants g, d, b, j as k, t, p, ch, and an initial ``l`` as ``r``. :func:`spellings` gives a
Hangul name in both, and in the mixed form lists also use (``jong un``: the vowels of one, the
consonants of the other); common surname spellings (Kim/Gim, Lee/Yi/Ri, Park/Pak) are variant
groups of the scorer.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    # Ukrainian, Belarusian and Kazakh letters met in names on Central Asian lists.
    "є": "ie", "і": "i", "ї": "i", "ґ": "g", "ў": "u", "ә": "a", "ғ": "g", "қ": "k",
    "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
}  # fmt: skip
# Arabic letters anyascii drops or writes as punctuation, where names romanise them with a
# vowel: alef, ta marbuta and ayn (عبد is Abd, عمر Omar); and the word Allah, whose written
# form has no vowels (الله would become "allh"; Abdullah, Hidayatullah).
_ARABIC_VOWEL_LETTERS = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "i", "ٱ": "a", "ة": "a", "ع": "a", "الله": "allah",
}  # fmt: skip
# Hebrew letters as names romanise them, where anyascii reads them otherwise: bet b (anyascii:
# v), vav w (the vowel letter of o and u, which matching reads as a vowel; anyascii: v), pe p,
# shin sh (anyascii: s; names with sin, Yisrael, are fewer), alef and ayin a (as the Arabic
# alef and ayn); a he ending a word writes a final vowel (משה, Moshe). A letter with a geresh
# writes a sound Hebrew lacks: ג׳ j, ז׳ zh, צ׳ ch.
_HEBREW = {
    "א": "a", "ב": "b", "ו": "w", "פ": "p", "ע": "a", "ש": "sh",
    "ג׳": "j", "ז׳": "zh", "צ׳": "ch", "ג'": "j", "ז'": "zh", "צ'": "ch",
}  # fmt: skip
_HEBREW_LETTER = re.compile("[\u05d0-\u05ea]")
_HEBREW_WITH_GERESH = re.compile("[גזצ][׳']")
_HEBREW_FINAL_HE = re.compile("ה(?![\u0590-\u05ff])")
_CYRILLIC_TABLE = str.maketrans(
    {
        **_CYRILLIC,
        **{k: v for k, v in _ARABIC_VOWEL_LETTERS.items() if len(k) == 1},
        **{k: v for k, v in _HEBREW.items() if len(k) == 1},
    }
)
_ALLAH = "الله"

_CYRILLIC_VOWELS = "аеёиоуыэюяєії"
_BASE = {key: value for key, value in _CYRILLIC.items() if len(key) == 1}


def _scheme(overrides: dict[str, str], *, iotated_e: bool = False) -> tuple[dict[int, str], bool]:
    return str.maketrans({**_BASE, **overrides}), iotated_e


# Each scheme as it differs from the table above. Where a scheme writes "ye" for е at the start
# of a word and after a vowel or a sign (BGN/PCGN, Wikipedia), ``iotated_e`` says so.
_SCHEMES = {
    "ICAO Doc 9303": _scheme({"ъ": "ie"}),
    "BGN/PCGN": _scheme({"й": "y", "ю": "yu", "я": "ya", "ё": "yo"}, iotated_e=True),
    "MVD-310": _scheme({"й": "y", "ю": "yu", "я": "ya"}),
    "GOST 7.79-2000 B": _scheme(
        {"й": "j", "х": "x", "ц": "cz", "щ": "shh", "ю": "yu", "я": "ya", "ё": "yo"}
    ),
    # ISO 9 (GOST 7.79-2000 System A) writes х as h and й as j; its other letters carry marks
    # (ž, č, š, ŝ) that, once stripped, lose what every other scheme keeps, so only those two
    # are taken from it. х as h is also German and informal usage (Hakkani).
    "ISO 9 (h, j)": _scheme({"х": "h", "й": "j", "ю": "yu", "я": "ya"}),
    "Wikipedia": _scheme({"й": "y", "ю": "yu", "я": "ya", "ё": "yo"}, iotated_e=True),
}
_IOTATED_E = re.compile(rf"(?:(?<=[{_CYRILLIC_VOWELS}ъьй])|(?<![^\W\d_]))е")
_GOST_B_SOFT_C = re.compile("ц(?=[еиыйeiyj])")
_ADJECTIVE_ENDING = re.compile(r"(?:ий|ый)\b")
# One syllable a character: Hangul syllables, and CJK ideographs (with extension A).
_SYLLABIC = re.compile("[\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff]")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc\u02bb`\u00b4")
_NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
# Two or more single letters each followed by a dot, standing alone: S.A., L.L.C., H.L.T.
_INITIALISM = re.compile(r"(?<![a-z0-9])(?:[a-z]\.){2,}(?![a-z0-9])")


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(text: str) -> str:
    """A name reduced to lower-case ASCII words by the documented pipeline."""
    return _words(_romanised(text), "i")


def _romanised(text: str) -> str:
    """Steps 1 to 6 of the pipeline but the last: lower-case ASCII, punctuation still in."""
    text = unicodedata.normalize("NFKC", _visible(text)).casefold()
    if _ALLAH in text:
        text = text.replace(_ALLAH, "allah")
    if not text.isascii() and _HEBREW_LETTER.search(text):
        text = _HEBREW_WITH_GERESH.sub(lambda match: _HEBREW[match.group(0)], text)
        text = _HEBREW_FINAL_HE.sub("a", text)
    text = text.translate(_CYRILLIC_TABLE)
    if _SYLLABIC.search(text):
        text = _SYLLABIC.sub(_syllables, text)
    # ASCII has no accents to take off, and nothing to transliterate (most names banks see).
    if not text.isascii():
        text = unicodedata.normalize("NFD", text)
        if _GREEK_LETTER.search(text):
            text = _greek_digraphs(text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    if not text.isascii():
        text = anyascii(text).lower()
    text = text.translate(_APOSTROPHES)
    if "." in text:
        text = _INITIALISM.sub(lambda match: match.group(0).replace(".", ""), text)
    return text


_GREEK_LETTER = re.compile("[\u0370-\u03ff]")
# A vowel letter then υ, read as one sound unless the υ carries a diaeresis (its accent, if
# any, follows it in NFD): αυ, ευ and ηυ are av, ev and iv, or af, ef and if before a voiceless
# consonant or at the end of the word; ου is ou. And γ before γ, ξ or χ is n (Ευάγγελος is
# Evangelos).
_GREEK_U_DIGRAPH = re.compile("([αεηο])υ(?!\u0308)(\u0301?)(?=([θκξπσςτφχψ])?)")
_GREEK_NASAL_G = re.compile("γ(?=[γξχ])")
_GREEK_DIGRAPH_VOWELS = {"α": "a", "ε": "e", "η": "i"}


def _greek_u_digraph(match: re.Match[str]) -> str:
    first, accent, voiceless = match.group(1), match.group(2), match.group(3)
    if first == "ο":
        return "ou" + accent
    at_end = match.end() == len(match.string) or not match.string[match.end()].isalpha()
    return _GREEK_DIGRAPH_VOWELS[first] + ("f" if voiceless or at_end else "v") + accent


def _greek_digraphs(text: str) -> str:
    """Greek ``text`` (NFD, lower case) with the digraphs of ELOT 743, the romanisation of
    Greek passports, read as it reads them: anyascii reads them a letter at a time (Ευάγγελος
    as eyaggelos, Παπανδρέου as papandreoy)."""
    return _GREEK_NASAL_G.sub("n", _GREEK_U_DIGRAPH.sub(_greek_u_digraph, text))


# How Greek says what ELOT 743 spells letter for letter, and how foreign names in Greek are
# read back (Μπαράκ Ομπάμα, Barak Obama; Ντόναλντ, Donald): μπ b, ντ d, γκ g, γι before a
# vowel y, ου u, αι e, ει, οι and υι i (a diaeresis on the second letter keeps the two apart).
_GREEK_SPOKEN = (
    (re.compile("μπ"), "b"),
    (re.compile("ντ"), "d"),
    (re.compile("γκ"), "g"),
    (re.compile("γι(?=[αεηοωυ])"), "y"),
    (re.compile("ου(?!\u0308)"), "u"),
    (re.compile("αι(?!\u0308)"), "e"),
    (re.compile("[εου]ι(?!\u0308)"), "i"),
)


def _greek_spoken(text: str) -> str:
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    for pattern, sound in _GREEK_SPOKEN:
        text = pattern.sub(sound, text)
    return text


def _words(text: str, one: str) -> str:
    """Romanised ``text`` as words: leetspeak read (1 as ``one``), other characters spaces."""
    if _LEET_SIGN.search(text):
        text = _LEET_RUN.sub(functools.partial(_read_leet, one), text)
    return _NON_ALPHANUMERIC.sub(" ", text).strip()


@functools.lru_cache(maxsize=1 << 14)
def cyrillic_spellings(text: str) -> tuple[str, ...]:
    """Every distinct normalised spelling of ``text`` under the Cyrillic schemes above.

    The first is always :func:`normalize_name` of ``text``; a name with no Cyrillic letter has
    only that one.
    """
    default = normalize_name(text)
    folded = unicodedata.normalize("NFKC", _visible(text)).casefold()
    if folded.isascii() or not any("\u0400" <= char <= "\u04ff" for char in folded):
        return (default,)
    spellings = dict.fromkeys([default])
    for name, (table, iotated_e) in _SCHEMES.items():
        variant = _IOTATED_E.sub("ye", folded) if iotated_e else folded
        if name == "GOST 7.79-2000 B":
            variant = _GOST_B_SOFT_C.sub("c", variant)
        if name == "Wikipedia":
            variant = _ADJECTIVE_ENDING.sub("y", variant)
        spellings[normalize_name(variant.translate(table))] = None
    return tuple(spellings)


# Persian, Pashto and Urdu read four Arabic letters as z or s (ضیا الرحمان is Zia-ur-Rahman,
# not Dia); Arabic romanisations write them d, dh, dh and th.
_PERSIAN_READING = str.maketrans({"ض": "z", "ظ": "z", "ذ": "z", "ث": "s"})


# A Hangul syllable is (initial * 21 + vowel) * 28 + final, from U+AC00. Each part's reading in
# Revised Romanization and in McCune-Reischauer (breves and apostrophes dropped); finals as at
# the end of a word, as names are written a syllable apart.
_HANGUL_INITIALS = {
    "revised": [
        "g",
        "kk",
        "n",
        "d",
        "tt",
        "r",
        "m",
        "b",
        "pp",
        "s",
        "ss",
        "-",
        "j",
        "jj",
        "ch",
        "k",
        "t",
        "p",
        "h",
    ],
    "reischauer": [
        "k",
        "kk",
        "n",
        "t",
        "tt",
        "r",
        "m",
        "p",
        "pp",
        "s",
        "ss",
        "-",
        "ch",
        "tch",
        "ch",
        "k",
        "t",
        "p",
        "h",
    ],
}
_HANGUL_VOWELS = {
    "revised": [
        "a",
        "ae",
        "ya",
        "yae",
        "eo",
        "e",
        "yeo",
        "ye",
        "o",
        "wa",
        "wae",
        "oe",
        "yo",
        "u",
        "wo",
        "we",
        "wi",
        "yu",
        "eu",
        "ui",
        "i",
    ],
    "reischauer": [
        "a",
        "ae",
        "ya",
        "yae",
        "o",
        "e",
        "yo",
        "ye",
        "o",
        "wa",
        "wae",
        "oe",
        "yo",
        "u",
        "wo",
        "we",
        "wi",
        "yu",
        "u",
        "ui",
        "i",
    ],
}
_HANGUL_FINALS = [
    "-",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]
# A syllable read as one letter would be taken for an initial: written as names spell them
# (이 is the surname Yi or Lee, 오 Oh, 우 Woo).
_ONE_LETTER_SYLLABLES = {"i": "yi", "o": "oh", "u": "woo", "e": "eh", "a": "ah"}


def _hangul_syllable(char: str, consonants: str, vowels: str) -> str:
    """One Hangul syllable read with the ``consonants`` and ``vowels`` of a scheme."""
    code = ord(char) - 0xAC00
    initial, vowel, final = code // 588, code // 28 % 21, code % 28
    parts = (
        _HANGUL_INITIALS[consonants][initial],
        _HANGUL_VOWELS[vowels][vowel],
        _HANGUL_FINALS[final],
    )
    reading = "".join(part for part in parts if part != "-")
    return f" {_ONE_LETTER_SYLLABLES.get(reading, reading)} "


def _syllables(match: re.Match[str]) -> str:
    char = match.group(0)
    if char >= "\uac00":
        return _hangul_syllable(char, "revised", "revised")
    return f" {anyascii(char).lower()} "


#: The other readings of Hangul: (consonants, vowels) of each. The mixed one is how lists
#: write most North Korean names (Kim Jong Un, Ri Yong Ho).
_HANGUL_READINGS = (("revised", "reischauer"), ("reischauer", "reischauer"))


def _hangul_readings(text: str) -> list[str]:
    """``text`` with its Hangul syllables in each of :data:`_HANGUL_READINGS`."""
    return [
        _HANGUL.sub(functools.partial(_read_syllable, consonants, vowels), text)
        for consonants, vowels in _HANGUL_READINGS
    ]


def _read_syllable(consonants: str, vowels: str, match: re.Match[str]) -> str:
    return _hangul_syllable(match.group(0), consonants, vowels)


@functools.lru_cache(maxsize=1 << 14)
def spellings(text: str) -> tuple[str, ...]:
    """Every distinct normalised spelling of ``text``: :func:`cyrillic_spellings`; for a name
    in Arabic script with ض, ظ, ذ or ث also its Persian reading (z, z, z, s); for a name in
    Greek also its spoken reading (Ντόρα Μπακογιάννη, Dora Bakoyanni, where ELOT 743 writes
    Ntora Mpakogianni); for a name in Hangul also its mixed and McCune-Reischauer readings."""
    found = cyrillic_spellings(text)
    if _GREEK_LETTER.search(text):
        found = tuple(dict.fromkeys((*found, normalize_name(_greek_spoken(text)))))
    if _HANGUL.search(text):
        found = tuple(dict.fromkeys((*found, *map(normalize_name, _hangul_readings(text)))))
    persian = text.translate(_PERSIAN_READING)
    if persian == text:
        return _with_evasions(text, found)
    return _with_evasions(text, tuple(dict.fromkeys((*found, normalize_name(persian)))))


def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a normalised name."""
    return tuple(normalize_name(text).split())


# --- evasion: format characters, bidirectional overrides, leetspeak (issue 17, item 9) ----

#: The format characters (Unicode 15 category Cf; a test checks it covers ``unicodedata``'s).
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
#: A left-to-right (U+202D) or right-to-left (U+202E) override and the text it governs, up to
#: the next bidirectional control (a nested one is not reordered, only removed).
_OVERRIDE = re.compile("([\u202d\u202e])([^\u202a-\u202e\u2066-\u2069]*)")
#: Leetspeak read with 1 as i, or as l.
_LEET = {"i": str.maketrans("013457@$", "oieastas"), "l": str.maketrans("013457@$", "oleastas")}
_LEET_SIGN = re.compile("[0-9@$]")
#: A romanised word holding a digit or sign; tried whole, then split at its signs.
_LEET_RUN = re.compile("[a-z0-9@$]*[0-9@$][a-z0-9@$]*")
_LEET_PART = re.compile("[a-z0-9]*[0-9][a-z0-9]*")
_NOT_LEET_DIGIT = re.compile("[2689]")
_ORDINAL = re.compile("[0-9]+(?:st|nd|rd|th)")


def _visible(text: str) -> str:
    """``text`` without its format characters (invisible: bidirectional controls, zero-width
    spaces and joiners, soft hyphens)."""
    return text if text.isascii() else _FORMAT.sub("", text)


def _is_leet(word: str) -> bool:
    """Whether ``word`` (romanised) writes letters with digits: it mixes them, every digit is
    one of 0, 1, 3, 4, 5, 7, it has at least half as many letters as digits and signs, and it
    is not an ordinal number (``1st``, ``13th``: a battalion's number distinguishes it)."""
    signs = sum(not char.isalpha() for char in word)
    letters = len(word) - signs
    return (
        bool(letters)
        and 2 * letters >= signs
        and not _NOT_LEET_DIGIT.search(word)
        and not _ORDINAL.fullmatch(word)
    )


def _read_leet(one: str, match: re.Match[str]) -> str:
    word = match.group(0)
    if _is_leet(word):
        return word.translate(_LEET[one])
    if "@" in word or "$" in word:
        # Not leetspeak whole: its signs are separators (step 6), so each part is tried alone.
        return _LEET_PART.sub(functools.partial(_read_leet, one), word)
    return word


def _displayed(text: str) -> str:
    """``text`` in the order it is shown: a run under a bidirectional override whose letters
    all run the other way is shown reversed (``\u202enabilaT`` is shown as Taliban)."""
    return _OVERRIDE.sub(_shown_run, text)


def _shown_run(match: re.Match[str]) -> str:
    control, run = match.groups()
    kinds = {unicodedata.bidirectional(char) for char in run}
    against = {"L"} if control == "\u202e" else {"R", "AL"}
    along = {"R", "AL"} if control == "\u202e" else {"L"}
    return run[::-1] if kinds & against and not kinds & along else run


def _with_evasions(text: str, found: tuple[str, ...]) -> tuple[str, ...]:
    """``found``, the spellings of ``text``, with its readings as shown under a bidirectional
    override and with 1 as l in leetspeak, where those differ."""
    more: list[str] = []
    if "\u202d" in text or "\u202e" in text:
        more.extend(spellings(_displayed(text)))
    if "1" in text:
        romanised = _romanised(text)
        if "1" in romanised:
            more.append(_words(romanised, "l"))
    if not more:
        return found
    return tuple(dict.fromkeys((*found, *more)))
