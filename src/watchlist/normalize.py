"""The one name-normalisation pipeline, applied identically to listed names and to queries.

The steps, in this order (the order matters: Cyrillic is transliterated before marks are
stripped, or ``й`` would lose its breve and become ``и``):

1. Unicode NFKC, so full-width and compatibility forms become their plain letters;
2. case folding;
3. Cyrillic to Latin, by the table below (close to ICAO Doc 9303 and BGN/PCGN);
4. combining marks stripped (``é`` to ``e``, Arabic vowel signs dropped);
5. every other script to Latin, with anyascii (ISC licence);
6. apostrophes dropped (``O'Brien`` is ``obrien``), every other non-alphanumeric character a space;
7. white space collapsed.

The result is lower-case ASCII letters, digits and single spaces.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

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
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc\u02bb`\u00b4")
_NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")

_SCRIPT_CODES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "THAI": "Thai",
}


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(text: str) -> str:
    """A name reduced to lower-case ASCII words by the documented pipeline."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_CYRILLIC_TABLE)
    text = "".join(
        char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)
    )
    if not text.isascii():
        text = anyascii(text).lower()
    text = text.translate(_APOSTROPHES)
    return _NON_ALPHANUMERIC.sub(" ", text).strip()


def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a normalised name."""
    return tuple(normalize_name(text).split())


def script_of(text: str) -> str:
    """The ISO 15924 code of the script most letters of ``text`` are in (``Zyyy`` if none)."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            family = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
            counts[_SCRIPT_CODES.get(family, "Zyyy")] += 1
    if not counts:
        return "Zyyy"
    return counts.most_common(1)[0][0]
