"""A consonant-skeleton key that lets transliterations of one name meet.

Transliteration schemes disagree mostly on vowels (Usama/Osama, Qaida/Qaeda), on how they write
one sound with two letters (Khakkani/Hakkani, Zhukov/Jukov, Tsvetkov/Czvetkov, Qadhafi/Qadafi
for the Arabic dhal), and on doubled
letters (Haqqani/Haqani), and on voicing (Korean Kang-chin/Kang Jin under the two Korean
romanisations; Qaddafi/Gaddafi). The key drops these differences: digraphs become one symbol,
``ch`` and ``j`` one, ``q``, ``g`` and ``k`` one, ``p`` and ``b`` one, ``t`` and ``d`` one,
vowels (and the half-vowels ``w`` and ``y``, which Arabic writes as long vowels) are dropped
except that a word starting with a vowel keeps one ``a``, and runs of one symbol collapse. So
Mohammed, Muhammad and the Arabic-script ``mhmd`` share a key, as do Haqqani, Hakkani, Khakkani
and ``hqna``.

German, Polish and Czech write Slavic names in their own orthographies (Iwanow, Jewgeni,
Chodorkowski, Kowaltschuk, Dmitrij): a word showing one of their marks also has the key of its
reading in the English transliteration (:func:`central_european_reading`).

A Korean name is a surname and given names of one syllable each, so short that their skeletons
say nothing (Gyu and Kyu are ``k``); a word that reads as one romanised Korean syllable also has
the key of its :func:`korean_syllable` reading, which keeps the vowel.

A shared key is evidence, not proof (Hassan and Hussein share one): the scorer counts it
as a near match only where a vowel-less script makes it the best evidence there is, and as
half-way between the spelling similarity and a match elsewhere.
"""

from __future__ import annotations

import functools
import re

# Longest first, so "shch" is not read as "sh" + "ch".
_DIGRAPHS = (
    ("shch", "S"), ("sch", "S"), ("tch", "J"), ("dzh", "J"), ("kh", "H"), ("gh", "g"),
    ("zh", "J"), ("dj", "J"), ("ch", "J"), ("sh", "S"), ("ph", "f"), ("th", "t"), ("dh", "d"),
    ("ts", "Z"), ("tz", "Z"), ("cz", "Z"), ("ck", "k"), ("ou", "u"),
)  # fmt: skip
_DIGRAPH_PATTERN = re.compile("|".join(re.escape(digraph) for digraph, _ in _DIGRAPHS))
_DIGRAPH_MAP = dict(_DIGRAPHS)
_LETTERS = str.maketrans(
    {"q": "k", "h": "H", "c": "k", "w": "a", "j": "J", "e": "a", "i": "a", "o": "a",
     "u": "a", "y": "a", "g": "k", "p": "b", "t": "d"}
)  # fmt: skip
# "j" before a consonant or at the end is the Cyrillic short i of GOST 7.79 (Ajrat = Ayrat);
# a final "h" after a vowel is silent (Hizballah = Hizballa).
_SHORT_I = re.compile(r"j(?![aeiouy])")
# A Latin "x" is "ks" (Alexander = Aleksandr), except in GOST 7.79 B, which writes х as "x":
# phonetic_keys gives both readings.
_SILENT_H = re.compile(r"(?<=[aeiou])h$")
_VOWEL_RUN = re.compile(r"a+")
# The Arabic article joined to a word of at least three more letters.
_ARTICLE = re.compile(r"(?:al|el|ul|ur|ar|as|ash|ad|an|at|az)(?=[a-z]{3})")


@functools.lru_cache(maxsize=1 << 16)
def phonetic_key(token: str, *, short_i: bool = True) -> str:
    """The consonant skeleton of one normalised (lower-case ASCII) word.

    With ``short_i``, a ``j`` before a consonant is the Cyrillic short i (GOST 7.79 B Ajrat);
    without, it is the consonant (Arabic-script ``abdaljbar``, Abdul Jabbar, has no vowels).
    """
    if not token:
        return ""
    text = _SHORT_I.sub("y", token) if short_i else token
    text = _SILENT_H.sub("", text).replace("x", "ks") or token
    if text.endswith("c"):
        # A final "c" is the Slavic ending -ich/-ić with its mark stripped (Petrovic, Jurevic).
        text += "h"
    text = _DIGRAPH_PATTERN.sub(lambda match: _DIGRAPH_MAP[match.group(0)], text)
    # "w" is read as a vowel: Arabic transliteration writes long u with it (akhwnd = akhund).
    text = text.translate(_LETTERS)
    lead = "a" if text[0] == "a" else ""
    skeleton = _VOWEL_RUN.sub("", text)
    collapsed = [symbol for i, symbol in enumerate(skeleton) if i == 0 or skeleton[i - 1] != symbol]
    return lead + "".join(collapsed)


# The marks of a German, Polish or Czech spelling of a Slavic name: letters or endings that the
# English transliteration of Cyrillic never writes.
_CENTRAL_EUROPEAN_MARK = re.compile(r"w|sch|cz|ij$")
# Longest first, in one pass: "tsch" is the English "ch" (ч), "dsch" "dzh" (дж), and a "ch" left
# over is "kh" (х).
_CENTRAL_EUROPEAN = {
    "schtsch": "shch", "szcz": "shch", "dsch": "dzh", "tsch": "ch", "sch": "sh", "cz": "ch",
    "ch": "kh",
    "w": "v", "ij": "iy",
}  # fmt: skip
_CENTRAL_EUROPEAN_PATTERN = re.compile(
    "|".join(sorted(map(re.escape, _CENTRAL_EUROPEAN), key=len, reverse=True)) + r"|j(?=[aeiou])"
)


def central_european_reading(token: str) -> str:
    """``token`` read as the English transliteration of Cyrillic writes it, if it shows a mark
    of the German, Polish or Czech spelling of a Slavic name (``w``, ``sch``, ``cz``, a final
    ``ij``): ``w`` is ``v``, ``sch`` ``sh``, ``tsch`` and ``cz`` ``ch``, ``ch`` ``kh``, and a
    ``j`` before a vowel ``y`` (Jewgeni is Yevgeni, Chodorkowski Khodorkovski); otherwise
    ``token`` itself."""
    if not _CENTRAL_EUROPEAN_MARK.search(token):
        return token
    return _CENTRAL_EUROPEAN_PATTERN.sub(
        lambda match: _CENTRAL_EUROPEAN.get(match.group(0), "y"), token
    )


# The marks of the Belarusian (and Ukrainian) romanisation of a name Russian writes otherwise:
# дз (Uladzimir, Dzmitry), a final ў after a vowel (Halavanau, Barsukou), an ia for я or е
# after a consonant (Siarhei, Aliaksandr), and an h for г before l, n or r (Hryhoryavich, Ihnat).
_EAST_SLAVIC_MARK = re.compile(r"dz|[aeio]u$|(?<=[bcdfgklmnprstvz])ia|(?<![kszctpg])h[lnr]")
_EAST_SLAVIC = (
    (re.compile(r"dz"), "d"),
    (re.compile(r"(?<=[aeio])u$"), "v"),
    (re.compile(r"^u(?![aeiouy])"), "v"),
    (re.compile(r"(?<![kszctpg])h"), "g"),
)


def east_slavic_reading(token: str) -> str:
    """``token`` read as the Russian form of a Belarusian or Ukrainian name, if it shows a mark
    of their romanisation (``dz``, a final ``au`` or ``ou``, ``ia`` after a consonant, ``h``
    before ``l``, ``n`` or ``r``): ``dz`` is ``d``, the final ``u`` ``v``, an initial ``u`` before a
    consonant ``v`` and a lone ``h`` ``g`` (Halavanau is Golovanov, Uladzimir Vladimir,
    Siarhei Sergei, Hryhoryavich Grigorievich); otherwise ``token`` itself."""
    if not _EAST_SLAVIC_MARK.search(token):
        return token
    for pattern, replacement in _EAST_SLAVIC:
        token = pattern.sub(replacement, token)
    return token


# The letters and pairs transliterations of one Cyrillic letter write differently: "kh" and
# "h" (х), "x" and "ks", "y", "j" and "i" (й, and the я, ю, ё they begin), a doubled letter,
# and the е or ё written with its iotation ("ie" or "io" once "y" is "i": Yegor, Fyodor).
_FOLD_LETTERS = str.maketrans({"y": "i", "j": "i"})
_FOLD_IOTATED = re.compile(r"i[eo]")
_FOLD_DOUBLED = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=1 << 16)
def transliteration_fold(token: str) -> str:
    """``token`` with the choices that schemes transliterating one Cyrillic spelling make
    differently written one way, so that two transliterations of one name are equal: the
    German, Polish or Czech spelling read as the English one (:func:`central_european_reading`),
    ``kh`` as ``h``, ``x`` as ``ks``, ``y`` and ``j`` as ``i``, doubled letters single, and ``ie``
    or ``io`` (е and ё with their iotation) as ``e``. Pyotr, Piotr and Petr are ``petr``;
    Semyon and Semen ``semen``; Yuri, Yury, Iurii and Jurij ``iuri``; Natalya and Nataliya
    ``natalia``; Solovyov, Soloviev and Solowjow ``solovev``; Kiriyenko and Kirienko
    ``kirenko``."""
    text = central_european_reading(token).replace("kh", "h").replace("x", "ks")
    text = _FOLD_DOUBLED.sub(r"\1", text.translate(_FOLD_LETTERS))
    return _FOLD_DOUBLED.sub(r"\1", _FOLD_IOTATED.sub("e", text))


# A "c" that is not part of "ch" or "ck": "ts" where Slavic Latin alphabets and loanwords from
# Latin write it (Cvetkov, Procenko, cement: Tsvetkov, Protsenko, tsement).
_TS_C = re.compile(r"c(?![hk])")
# A "c" before e, i or y: "s" where English, French and Spanish say it so (Defence/Defense,
# Vicente/Visente).
_SOFT_C = re.compile(r"c(?=[eiy])")


#: A romanised Korean syllable: an initial consonant, a vowel and a final consonant, in the
#: spellings of Revised Romanization, McCune-Reischauer without its marks (ŏ, ŭ and the
#: aspirates' apostrophe dropped, as the lists write it) and the usual English ones.
_KOREAN_SYLLABLE = re.compile(
    "(kk|gg|tt|dd|th|pp|bb|ph|jj|tch|ch|ss|sh|rh|k|g|t|d|p|b|j|s|r|l|h|m|n)?"
    "(yae|yeo|you|yoo|wae|weo|eui|ae|ya|ye|eo|eu|oo|ou|yo|yu|ee|yi|wa|we|oe|oi|wo|wi|ui"
    "|a|e|o|u|i)"
    "(ng|k|g|n|t|d|l|r|m|p|b)?"
)
# Each spelling of a sound as one symbol: the schemes differ on voicing (g/k, d/t, b/p, j/ch),
# on r/l, on aspiration, and on the vowels ㅓ, ㅗ, ㅜ and ㅡ, which lists write o, u, eo or eu
# interchangeably (Song, Sung and Seong are 성; Chol, Chul and Cheol are 철).
_KOREAN_INITIALS = {
    "kk": "k", "gg": "k", "g": "k", "tt": "t", "dd": "t", "th": "t", "d": "t", "pp": "p",
    "bb": "p", "ph": "p", "b": "p", "jj": "c", "tch": "c", "ch": "c", "j": "c", "ss": "s",
    "sh": "s", "rh": "l", "r": "l",
}  # fmt: skip
_KOREAN_VOWELS = {
    "ae": "e", "yae": "ye", "eo": "o", "u": "o", "eu": "o", "oo": "o", "ou": "o", "yeo": "yo",
    "you": "yo", "yoo": "yo", "yu": "yo", "ee": "i", "yi": "i", "wae": "we", "oe": "we", "oi": "we",
    "weo": "wo", "eui": "ui",
}  # fmt: skip
_KOREAN_FINALS = {"g": "k", "d": "t", "r": "l", "b": "p"}


def korean_syllable(token: str) -> str:
    """The reading of ``token`` as one romanised Korean syllable, each sound the schemes spell
    differently written one way (``kyu`` for Gyu and Kyu, ``su`` for Sou and Su, ``con`` for
    Chin and Jin), or "" if it is not one."""
    parts = _KOREAN_SYLLABLE.fullmatch(token)
    if parts is None:
        return ""
    initial, vowel, final = (part or "" for part in parts.groups())
    return (
        _KOREAN_INITIALS.get(initial, initial)
        + _KOREAN_VOWELS.get(vowel, vowel)
        + _KOREAN_FINALS.get(final, final)
    )


def phonetic_keys(token: str) -> tuple[str, ...]:
    """The keys of a word: :func:`phonetic_key`; for a word with an ``x`` also the key with
    ``x`` read as ``kh`` (GOST 7.79 B: Vaxitov is Vakhitov); for a word with a ``j`` also the
    key with ``j`` always a consonant; for a word that starts with the Arabic article, in any
    of its written or assimilated forms, also the key of the rest (``alrhman``, ``urrahman``
    and ``rahman``); for a word in a German, Polish or Czech spelling, also the key of its
    :func:`central_european_reading`, and in a Belarusian or Ukrainian one of its
    :func:`east_slavic_reading`; for a word with a ``c`` (not in ``ch`` or ``ck``), also
    the key with ``c`` read as ``ts``, and before ``e``, ``i`` or ``y`` as ``s``; for a word
    that reads as one Korean syllable, ``ko:`` and its :func:`korean_syllable` reading."""
    keys = [phonetic_key(token)]
    syllable = korean_syllable(token)
    if syllable:
        keys.append(f"ko:{syllable}")
    for reading in (central_european_reading(token), east_slavic_reading(token)):
        if reading != token:
            keys.append(phonetic_key(reading))
    if "x" in token:
        keys.append(phonetic_key(token.replace("x", "kh")))
    if _TS_C.search(token):
        keys.append(phonetic_key(_TS_C.sub("ts", token)))
    if _SOFT_C.search(token):
        keys.append(phonetic_key(_SOFT_C.sub("s", token)))
    if "j" in token:
        keys.append(phonetic_key(token, short_i=False))
    article = _ARTICLE.match(token)
    if article:
        keys.append(phonetic_key(token[article.end() :]))
    return tuple(dict.fromkeys(keys))
