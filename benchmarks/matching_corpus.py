"""The labelled name-pair corpus of matching v2, built deterministically from real list files.

Run ``python benchmarks/matching_corpus.py`` to build (or load from the cache) and print counts;
``from matching_corpus import load_pairs`` (with ``benchmarks/`` on ``sys.path``) to use it.

Sources, all read-only under ``../shared/data`` and read here with csv and ElementTree (not the
library's readers, so the corpus does not depend on the code it measures):

- OFAC SDN legacy CSV: every ``sdn.csv`` we have (2019-01, 2021-07 and the four snapshots
  2021-08 … 2024-05), every ``alt.csv`` (2019-01, 2021-07, 2025-12) and the weak ``a.k.a. '…'``
  names in the remarks. One party is one ``ent_num``; a primary name that changed between
  versions keeps both spellings as names of the party. Vessels and aircraft are left out.
- OFAC consolidated (non-SDN) CSV of 2018-04 and 2025-12 (``cons_prim``/``cons_alt``).
- UN Security Council consolidated XML, every version (2015 … 2026) and the 1988 list: one
  party per normalised reference number (``TAI.171`` and ``TAi.171`` are one party), with its
  aliases (``Low`` quality ones marked weak; ``;``-joined alias lists split) and its
  ``NAME_ORIGINAL_SCRIPT``.

Pairs:

- **Positives** (``same``): two names of one party, at most 6 a party (primary against alias,
  alias against alias, original script), each with the variation that separates them
  (``cyrillic``/``arabic``/… script, ``reorder``, ``honorific``, ``legal_form``,
  ``abbreviation``, ``partial``, ``spelling``, ``other``); weak aliases are marked ``weak``.
  UN persons and SDN persons with an equal passport or identity document number are the same
  party across lists (source ``ofac-un``).
- **Negatives**: a query name against a name of a *different* party of the same kind, the same
  list and the same split, in categories ``nearest`` (highest rapidfuzz ``token_sort_ratio``
  among names sharing one of the query's two rarest words), ``shared_surname`` (persons: the same
  surname, another first name), ``conflicting_part`` (the same surname and first name, another
  middle name or patronymic), ``qualifier`` (organisations equal once parenthesised and trailing
  place words are removed: branches by city or country), ``distinctive_word`` (one rare word in
  common) and ``random`` (about a quarter of queries). Left out, and counted: negatives whose two
  names are the same words (no name matcher can separate them) and likely "one person listed
  twice" (a shared birth year and ``token_sort_ratio`` ≥ 80). ``hard`` marks the categories
  conflicting_part, shared_surname, qualifier and distinctive_word.
- **Look-alikes**, the negatives screening meets most: a name that resembles a listed one only
  by chance. ``lookalike``: a party's primary name against the nearest name (``token_sort_ratio``)
  of a different party of the group that shares no word with it. ``customer``: a name made the
  way customers' names are, from the group's own name statistics (a person: the first name of
  one listed person and the surname of another; an organisation: one or two words of other
  organisations' names, each found in several parties' names, and a legal form), against its
  nearest listed name, unless that name holds every one of its words (then the pair's label
  would be a guess). Both come from every group, in proportion to its size
  (``CUSTOMER_SHARE`` of its parties for ``customer``). Screening such names against the whole
  lists is what ``benchmarks/customer_screening.py`` measures.

Split by a stable hash of the party id (linked OFAC/UN persons share the UN party's hash):
train 60 / dev 20 / test 20. Negatives take the query party's split and draw candidates from
that split's parties only, so no party appears in two splits.

The corpus is cached in ``benchmarks/.cache/pairs-<key>.jsonl`` (the key hashes the input files'
sizes and mtimes, ``CODE_VERSION`` and ``SEED``); the first line records the seed and counts.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs
import numpy as np
from rapidfuzz import fuzz, process

SEED = 20261206
#: Bump whenever the pairs this module builds change.
CODE_VERSION = "4"
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CACHE = Path(__file__).resolve().parent / ".cache"
SPLITS = ("train", "dev", "test")
SCRIPTS = frozenset({"cyrillic", "arabic", "hangul", "han", "greek", "ethiopic", "hebrew"})
HARD = frozenset({"conflicting_part", "shared_surname", "qualifier", "distinctive_word"})
MAX_POSITIVES = 6
RANDOM_SHARE = 0.25
#: Customer-like names a group yields, per party of the group.
CUSTOMER_SHARE = 0.5
#: A word of a customer-like organisation's name is one at least this many parties' names have:
#: a word of everyday business names ("trading", "star"), not a listed company's own name.
CUSTOMER_WORD_PARTIES = 5
#: The legal forms a customer-like organisation's name ends with.
CUSTOMER_LEGAL_FORMS = ("llc", "ltd", "limited", "inc", "gmbh", "jsc", "sa", "corp", "ooo", "plc")
#: Look-alikes are found among this many nearest names of a query.
NEAREST = 25

csv.field_size_limit(10**7)


@attrs.frozen
class Pair:
    query: str
    candidate: str
    same: bool
    kind: str  # "person" or "organization", both sides
    category: str  # the variation (positives) or the negative category
    source: str  # "ofac", "un" or "ofac-un"
    split: str  # "train", "dev" or "test"
    query_party: str
    candidate_party: str
    hard: bool = False
    weak: bool = False  # a weak (low-quality) alias on either side
    query_birth_years: tuple[int, ...] = ()
    candidate_birth_years: tuple[int, ...] = ()


@attrs.define
class _Name:
    text: str
    primary: bool = False
    weak: bool = False
    original_script: bool = False
    #: the name this one is a reading of in another script (UN original-script names)
    twin: str = ""
    #: (surname, first name, middle parts) when the list gives the structure
    parts: tuple[str, str, tuple[str, ...]] | None = None


@attrs.define
class _Party:
    pid: str
    list_id: str  # "ofac-sdn", "ofac-cons" or "un": negatives stay within one list
    kind: str
    names: list[_Name] = attrs.field(factory=list)
    birth_years: set[int] = attrs.field(factory=set)
    documents: set[str] = attrs.field(factory=set)
    split_key: str = ""

    @property
    def source(self) -> str:
        return "un" if self.list_id == "un" else "ofac"

    def add(self, name: _Name) -> None:
        text = " ".join(name.text.split())
        if not text or text == "-0-":
            return
        name.text = text
        for known in self.names:
            if known.text == text:
                known.primary |= name.primary
                known.weak &= name.weak
                known.parts = known.parts or name.parts
                known.twin = known.twin or name.twin
                return
        self.names.append(name)


# ---------------------------------------------------------------- words


_WORD = re.compile(r"[^\W_]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()


def words(name: str) -> list[str]:
    """A neutral word split (marks dropped, case folded) used only to label and block pairs."""
    return _WORD.findall(fold(name).replace("'", "").replace("\u2019", ""))


def script(name: str) -> str:
    counts: Counter[str] = Counter()
    for char in name:
        if char.isalpha() and not char.isascii():
            family = unicodedata.name(char, "").split(" ", 1)[0]
            if family == "LATIN":
                continue
            if family in ("CJK", "HIRAGANA", "KATAKANA"):
                family = "han"
            elif family == "HANGUL":
                family = "hangul"
            counts[family.lower()] += 1
    return counts.most_common(1)[0][0] if counts else "latin"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = _wordset(
    """
mullah mulla maulawi maulavi mawlawi mawlavi maulvi moulavi mufti qari qazi haji hajji
alhaj alhajj hajj sheikh shaikh shaykh sheik syed sayed sayyid sayyed seyed mir mirza
sardar dr doctor prof professor general gen colonel col major maj brigadier lieutenant
lt captain capt admiral mr mrs ms sir imam ayatollah hojatoleslam amir emir commander
engineer eng judge minister
"""
)
LEGAL_FORMS = _wordset(
    """
llc ltd limited co company inc incorporated corp corporation sa s a sas sarl srl spa bv
nv ag gmbh kg ohg ooo oao zao pao ao jsc ojsc cjsc pjsc tov pp fze fzco fzc fz llp lp
plc pte pty bhd sdn doo dd ad ead eood as oy ab kft zrt sp zoo sl sau ltda cia eirl sac
saa lda jv est establishment group holding holdings trading
"""
)
STOP = _wordset(
    """
of the and for de del la le el al bin ibn bint abu abd abdul y e i da do dos das van von
der und et on in at
"""
)


def _initials(tokens: Iterable[str]) -> str:
    return "".join(token[0] for token in tokens if token)


def _is_subsequence(short: str, long: str) -> bool:
    position = 0
    for char in long:
        if position < len(short) and char == short[position]:
            position += 1
    return position == len(short)


def _abbreviation(a: list[str], b: list[str]) -> bool:
    """One side has a word made of the initials of the other side's words it lacks."""
    for short, long in ((a, b), (b, a)):
        missing = [t for t in long if t not in short]
        if len(missing) < 2:
            continue
        full = _initials(missing)
        content = _initials(t for t in missing if t not in STOP and t not in LEGAL_FORMS)
        for token in short:
            if len(token) < 2 or token in long or not token.isalpha():
                continue
            if token in (full, content):
                return True
            if (
                len(token) >= 3
                and token[0] == full[0]
                and _is_subsequence(token, full)
                and len(token) >= 0.6 * len(content or full)
            ):
                return True
    return False


LEGAL_PHRASES = tuple(
    tuple(phrase.split())
    for phrase in (
        "obshchestvo s ogranichennoi otvetstvennostyu",
        "obshchestvo s ogranichennoy otvetstvennostyu",
        "obshchestvo s ogranichennoj otvetstvennostju",
        "limited liability company",
        "limited liability partnership",
        "closed joint stock company",
        "open joint stock company",
        "public joint stock company",
        "joint stock company",
        "aktsionernoe obshchestvo",
        "aktsionernoye obshchestvo",
        "zakrytoe aktsionernoe obshchestvo",
        "otkrytoe aktsionernoe obshchestvo",
        "publichnoe aktsionernoe obshchestvo",
        "free zone company",
        "free zone establishment",
        "sociedad anonima",
        "private limited",
        "public limited company",
    )
)


def content_words(tokens: list[str]) -> list[str]:
    """The words without legal forms (multi-word ones first)."""
    kept: list[str] = []
    position = 0
    while position < len(tokens):
        for phrase in LEGAL_PHRASES:
            if tuple(tokens[position : position + len(phrase)]) == phrase:
                position += len(phrase)
                break
        else:
            if tokens[position] not in LEGAL_FORMS:
                kept.append(tokens[position])
            position += 1
    return kept


def variation(query: str, candidate: str) -> str:
    """What separates two names of one party."""
    scripts = {script(query), script(candidate)} - {"latin"}
    if scripts:
        return sorted(scripts)[0]
    a, b = words(query), words(candidate)
    if Counter(a) == Counter(b):
        return "reorder"
    sa, sb = set(a), set(b)
    if sa - HONORIFICS and sa - HONORIFICS == sb - HONORIFICS and (sa ^ sb) <= HONORIFICS:
        return "honorific"
    ca, cb = content_words(a), content_words(b)
    if ca and Counter(ca) == Counter(cb):
        return "legal_form"
    if _abbreviation(a, b):
        return "abbreviation"
    if sa <= sb or sb <= sa:
        return "partial"
    if fuzz.token_sort_ratio(" ".join(a), " ".join(b)) >= 75:
        return "spelling"
    return "other"


def _stable(key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{SEED}:{key}".encode()).digest()[:8], "big")


def split_of(key: str) -> str:
    bucket = _stable(key) % 100
    return "train" if bucket < 60 else "dev" if bucket < 80 else "test"


# ---------------------------------------------------------------- reading the lists


_YEAR = re.compile(r"\b(1[89]\d\d|20[0-2]\d)\b")
_DOB = re.compile(r"\bDOB ([^;]*)")
_AKA = re.compile(r"a\.k\.a\.,? '([^']+)'")
_DOCUMENT = re.compile(
    r"\b(?:Passport|National ID No\.|Identification Number|Cedula No\.|NIT #|D\.N\.I\.)\s*"
    r"([A-Z0-9][A-Z0-9./ -]{4,20}?)(?=\s*(?:\(|;|$|issued|expires))"
)


def _document_key(number: str) -> str:
    key = re.sub(r"[^0-9A-Z]", "", number.upper())
    return key if len(key) >= 6 and any(c.isdigit() for c in key) else ""


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if row and row[0].strip().isdigit():
                yield [cell.strip() for cell in row]


def _ofac_parts(name: str) -> tuple[str, str, tuple[str, ...]] | None:
    if "," not in name:
        return None
    surname, _, given = name.partition(",")
    given_words = words(given)
    surname_words = words(surname)
    if not given_words or not surname_words:
        return None
    return " ".join(surname_words), given_words[0], tuple(given_words[1:])


def _read_ofac(
    list_id: str, primaries: list[Path], alternates: list[Path], comments: list[Path]
) -> dict[str, _Party]:
    kinds = {"individual": "person", "-0-": "organization", "": "organization"}
    parties: dict[str, _Party] = {}
    remarks: dict[str, list[str]] = defaultdict(list)
    for path in primaries:
        for row in _csv_rows(path):
            if len(row) < 3:
                continue
            kind = kinds.get(row[2])
            if kind is None:
                continue
            pid = f"{list_id}:{row[0]}"
            party = parties.setdefault(pid, _Party(pid, list_id, kind))
            party.add(
                _Name(row[1], primary=True, parts=_ofac_parts(row[1]) if kind == "person" else None)
            )
            if len(row) > 11 and row[11] != "-0-":
                remarks[pid].append(row[11])
    for path in comments:
        for row in _csv_rows(path):
            if len(row) > 1:
                remarks[f"{list_id}:{row[0]}"].append(row[1])
    for path in alternates:
        for row in _csv_rows(path):
            party = parties.get(f"{list_id}:{row[0]}")
            if party is None or len(row) < 4:
                continue
            parts = _ofac_parts(row[3]) if party.kind == "person" else None
            party.add(_Name(row[3], parts=parts))
    for pid, texts in remarks.items():
        party = parties.get(pid)
        if party is None:
            continue
        for text in texts:
            for alias in _AKA.findall(text):
                party.add(_Name(alias, weak=True))
            for dob in _DOB.findall(text):
                party.birth_years.update(int(year) for year in _YEAR.findall(dob))
            for number in _DOCUMENT.findall(text):
                if key := _document_key(number):
                    party.documents.add(key)
    return parties


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""


def _un_ref(ref: str) -> str:
    return ref.strip().rstrip(".").upper()


_ANNOTATION = re.compile(
    r"\s*\((?:previously|formerly) listed as\)|\s*\(nom de guerre\)|\s*\(combat name\)"
    r"|\s*\(birth name\)|\s*\(third\)|\s*\(Tigrinya\)|\s*\(original script\)"
    r"|\s*\(prominently known[^)]*\)|\s*\((?:sub-unit name: )?[^)]*sub-unit name\)"
    r"|\s*\([^)]{40,}\)",
    re.IGNORECASE,
)
_BORN = re.compile(r",?\s+born\b.*$", re.IGNORECASE)
_INNER = re.compile(r"\s*\((?:original script:\s*|sub-unit name:\s*)?([^()]*)\)?\s*$")


def clean_un_name(text: str) -> list[str]:
    """The names in one UN name field: annotations ("(previously listed as)", "born in 1963")
    dropped, and a parenthesised name in another script (or marked "original script") made a
    name of its own."""
    text = _BORN.sub("", _ANNOTATION.sub("", " ".join(text.split()))).strip(" ,;")
    names = [text]
    found = _INNER.search(text) if "(" in text else None
    if found and found.start() > 0:
        outside, inside = text[: found.start()].strip(" ,"), found.group(1).strip(" ,")
        marked = "original script" in found.group(0).casefold()
        if inside and (marked or script(inside) != script(outside)):
            names = [outside, inside]
    return [name for name in names if name]


def _read_un(paths: list[Path]) -> dict[str, _Party]:
    parties: dict[str, _Party] = {}
    for path in paths:
        root = ET.parse(path).getroot()
        for tag, kind, prefix in (
            ("INDIVIDUAL", "person", "INDIVIDUAL"),
            ("ENTITY", "organization", "ENTITY"),
        ):
            for element in root.iter(tag):
                ref = _un_ref(_text(element, "REFERENCE_NUMBER"))
                if not ref:
                    continue
                pid = f"un:{ref}"
                party = parties.setdefault(pid, _Party(pid, "un", kind))
                fields = [
                    _text(element, f)
                    for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
                ]
                present = [field for field in fields if field]
                if not present:
                    continue
                name = " ".join(present)
                parts = None
                if kind == "person" and len(present) >= 2:
                    surname = words(present[-1])
                    given = [w for field in present[:-1] for w in words(field)]
                    if surname and given:
                        parts = (" ".join(surname), given[0], tuple(given[1:]))
                party.add(_Name(name, primary=True, parts=parts))
                for original in clean_un_name(_text(element, "NAME_ORIGINAL_SCRIPT")):
                    scripted = script(original) != "latin"
                    party.add(_Name(original, original_script=scripted, twin=name))
                for alias in element.iter(f"{prefix}_ALIAS"):
                    weak = _text(alias, "QUALITY").casefold() == "low"
                    for piece in _text(alias, "ALIAS_NAME").split(";"):
                        cleaned = clean_un_name(piece)
                        for number, text in enumerate(cleaned):
                            twin = cleaned[1 - number] if len(cleaned) == 2 else ""
                            scripted = script(text) != "latin"
                            party.add(_Name(text, weak=weak, original_script=scripted, twin=twin))
                for dob in element.iter("INDIVIDUAL_DATE_OF_BIRTH"):
                    for field in ("DATE", "YEAR", "FROM_YEAR", "TO_YEAR"):
                        party.birth_years.update(int(y) for y in _YEAR.findall(_text(dob, field)))
                for document in element.iter("INDIVIDUAL_DOCUMENT"):
                    if key := _document_key(_text(document, "NUMBER")):
                        party.documents.add(key)
    return parties


def _inputs() -> dict[str, list[Path]]:
    sdn = DATA / "ofac_sdn"
    cons = DATA / "ofac_consolidated_nonsdn"
    un = DATA / "un_sc"
    return {
        "sdn": [
            sdn / "2019-01" / "sdn.csv",
            sdn / "2021-07" / "sdn.csv",
            *sorted((sdn / "snapshots").glob("sdn_*.csv")),
        ],
        "sdn_alt": [sdn / d / "alt.csv" for d in ("2019-01", "2021-07", "2025-12_partial")],
        "sdn_comments": [
            sdn / d / "sdn_comments.csv" for d in ("2019-01", "2021-07", "2025-12_partial")
        ],
        "cons": [cons / d / "cons_prim.csv" for d in ("2018-04", "2025-12")],
        "cons_alt": [cons / d / "cons_alt.csv" for d in ("2018-04", "2025-12")],
        "cons_comments": [cons / "2025-12" / "cons_comments.csv"],
        "un": [*sorted(un.glob("consolidated_*.xml")), un / "list1988_taliban_2015-03-27.xml"],
    }


def read_parties() -> list[_Party]:
    files = _inputs()
    parties = {
        **_read_ofac("ofac-sdn", files["sdn"], files["sdn_alt"], files["sdn_comments"]),
        **_read_ofac("ofac-cons", files["cons"], files["cons_alt"], files["cons_comments"]),
        **_read_un(files["un"]),
    }
    for party in parties.values():
        party.split_key = party.pid
    return sorted((p for p in parties.values() if p.names), key=lambda p: p.pid)


# ---------------------------------------------------------------- building pairs


def _pair(
    query: _Party,
    qname: _Name,
    candidate: _Party,
    cname: _Name,
    same: bool,
    category: str,
    source: str,
    split: str,
) -> Pair:
    return Pair(
        query=qname.text,
        candidate=cname.text,
        same=same,
        kind=query.kind,
        category=category,
        source=source,
        split=split,
        query_party=query.pid,
        candidate_party=candidate.pid,
        hard=category in HARD,
        weak=qname.weak or cname.weak,
        query_birth_years=tuple(sorted(query.birth_years)),
        candidate_birth_years=tuple(sorted(candidate.birth_years)),
    )


def _positives(party: _Party, skipped: Counter[str]) -> Iterator[Pair]:
    rng = random.Random(_stable(party.pid))
    names = party.names
    primary = next((n for n in names if n.primary), names[0])
    seen: set[tuple[str, ...]] = set()
    distinct: list[_Name] = []
    for name in names:
        key = tuple(words(name.text)) if not name.original_script else (name.text,)
        if key in seen or not key:
            if name is not primary:
                skipped["positive: alias equal to another name but for case and punctuation"] += 1
            continue
        seen.add(key)
        distinct.append(name)
    others = [n for n in distinct if n is not primary]
    with_primary = [(n, primary) for n in others]
    among = [(a, b) for i, a in enumerate(others) for b in others[i + 1 :]]
    rng.shuffle(with_primary)
    rng.shuffle(among)
    # readings in another script first (scarce), then up to 4 against the primary, then
    # aliases among themselves
    scripted = [
        p for p in with_primary + among if _twins(*p) or (p in with_primary and not p[0].twin)
    ]
    scripted = [p for p in scripted if p[0].original_script or p[1].original_script]
    chosen: list[tuple[_Name, _Name]] = scripted[:2]
    chosen += [p for p in with_primary if p not in chosen][
        : 4 - len(chosen) if len(chosen) < 4 else 0
    ]
    for candidate_pair in with_primary + among:
        if len(chosen) >= MAX_POSITIVES:
            break
        if candidate_pair not in chosen:
            chosen.append(candidate_pair)
    split = split_of(party.split_key)
    for alias, other in chosen:
        category = variation(alias.text, other.text)
        untwinned = (alias.original_script and not alias.twin and other is primary) or (
            other.original_script and not other.twin and alias is primary
        )
        if category in SCRIPTS and not _twins(alias, other) and not untwinned:
            # a name in another script against a different name of the party, not its reading
            category = "other"
        yield _pair(party, alias, party, other, True, category, party.source, split)


def _twins(a: _Name, b: _Name) -> bool:
    return bool(a.twin and words(a.twin) == words(b.text)) or bool(
        b.twin and words(b.twin) == words(a.text)
    )


def _linked_positives(parties: list[_Party]) -> Iterator[Pair]:
    """UN and SDN persons with an equal document number: one person on two lists."""
    by_document: dict[str, list[_Party]] = defaultdict(list)
    for party in parties:
        if party.list_id == "ofac-sdn" and party.kind == "person":
            for document in party.documents:
                by_document[document].append(party)
    for party in parties:
        if party.list_id != "un" or party.kind != "person":
            continue
        linked = {p.pid: p for d in party.documents for p in by_document.get(d, [])}
        if len(linked) != 1:  # none, or ambiguous
            continue
        (ofac,) = linked.values()
        ofac.split_key = party.split_key
        un_name = next(n for n in party.names if n.primary)
        ofac_name = next(n for n in ofac.names if n.primary)
        category = variation(un_name.text, ofac_name.text)
        yield _pair(
            party, un_name, ofac, ofac_name, True, category, "ofac-un", split_of(party.split_key)
        )


def _qualifier_key(name: str, places: frozenset[str]) -> tuple[str, bool]:
    """The name without parenthesised parts and trailing place words; whether any was removed."""
    stripped = _PAREN.sub(" ", name)
    tokens = [t for t in words(stripped) if t not in LEGAL_FORMS]
    while len(tokens) > 1 and (tokens[-1] in places or tokens[-1] in ("branch", "office")):
        tokens.pop()
    key = " ".join(tokens)
    return key, key != " ".join(t for t in words(name) if t not in LEGAL_FORMS)


def _places() -> frozenset[str]:
    """City and country words from the lists' own address files."""
    countries: set[str] = set()
    cities: Counter[str] = Counter()
    sdn = DATA / "ofac_sdn"
    for path in [sdn / d / "add.csv" for d in ("2019-01", "2021-07", "2025-12_partial")]:
        for row in _csv_rows(path):
            if len(row) > 4:
                countries.update(w for w in words(row[4]) if len(w) > 2)
                city = re.sub(r"\d", " ", row[3].split(",")[0])
                cities.update(w for w in words(city) if len(w) > 2)
    found = countries | {city for city, count in cities.items() if count >= 3}
    return frozenset(found - STOP - LEGAL_FORMS)


class _Group:
    """The parties of one list, kind and split: where a query's negatives are drawn from."""

    def __init__(self, kind: str, split: str, members: list[_Party], places: frozenset[str]):
        self.kind = kind
        self.split = split
        self.members = members
        self.places = places
        #: every name of the group, with its party's index
        self.entries = [(i, n) for i, p in enumerate(members) for n in p.names]
        self.joined = [" ".join(words(n.text)) for _, n in self.entries]
        self.sorted_words = [tuple(sorted(text.split())) for text in self.joined]
        self.frequency: Counter[str] = Counter()
        for party in members:
            self.frequency.update({w for n in party.names for w in words(n.text)})
        self.by_word: dict[str, list[int]] = defaultdict(list)
        for e, text in enumerate(self.joined):
            for w in set(text.split()):
                self.by_word[w].append(e)
        self.by_surname: dict[str, list[int]] = defaultdict(list)
        self.by_first: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_qualifier: dict[str, list[int]] = defaultdict(list)
        for e, (_, name) in enumerate(self.entries):
            if name.parts:
                self.by_surname[name.parts[0]].append(e)
                self.by_first[name.parts[:2]].append(e)
            if kind == "organization" and not name.original_script:
                key, _removed = _qualifier_key(name.text, places)
                if key:
                    self.by_qualifier[key].append(e)

    def _emit(
        self, index: int, qname: _Name, e: int, category: str, used: set[int], skipped: Counter[str]
    ) -> Pair | None:
        other_index, cname = self.entries[e]
        party, other = self.members[index], self.members[other_index]
        if other_index == index or e in used:
            return None
        query_text = " ".join(words(qname.text))
        if self.sorted_words[e] == tuple(sorted(query_text.split())):
            skipped[f"negative {category}: the same words (parties called alike)"] += 1
            return None
        if (
            party.birth_years & other.birth_years
            and fuzz.token_sort_ratio(query_text, self.joined[e]) >= 80
        ):
            skipped[f"negative {category}: likely one person listed twice"] += 1
            return None
        used.add(e)
        return _pair(party, qname, other, cname, False, category, party.source, self.split)

    def _first(
        self,
        index: int,
        qname: _Name,
        pool: list[int],
        category: str,
        used: set[int],
        skipped: Counter[str],
    ) -> Iterator[Pair]:
        for e in pool[:3]:
            if pair := self._emit(index, qname, e, category, used, skipped):
                yield pair
                return

    def nearest(self, texts: list[str]) -> list[list[int]]:
        """For each text, the names of the group nearest to it, best first."""
        found: list[list[int]] = []
        for start in range(0, len(texts), 512):
            scores = process.cdist(
                texts[start : start + 512],
                self.joined,
                scorer=fuzz.token_sort_ratio,
                dtype=np.uint8,
                workers=-1,
            )
            limit = min(NEAREST, len(self.joined))
            for row in scores:
                best = np.argpartition(-row, limit - 1)[:limit]
                found.append(sorted(best.tolist(), key=lambda e: (-int(row[e]), e)))
        return found

    def lookalikes(self, skipped: Counter[str]) -> Iterator[Pair]:
        """Each party's primary name against the nearest name sharing no word with it."""
        primaries = [next((n for n in p.names if n.primary), p.names[0]) for p in self.members]
        texts = [" ".join(words(n.text)) for n in primaries]
        for index, (qname, text, pool) in enumerate(
            zip(primaries, texts, self.nearest(texts), strict=True)
        ):
            qwords = set(text.split())
            unshared = [
                e
                for e in pool
                if self.entries[e][0] != index and not qwords & set(self.joined[e].split())
            ]
            yield from self._first(index, qname, unshared, "lookalike", set(), skipped)

    def customers(self, skipped: Counter[str]) -> Iterator[Pair]:
        """Names made from the group's own name statistics against their nearest listed name."""
        rng = random.Random(_stable(f"customers:{self.kind}:{self.split}:{len(self.members)}"))
        made = [self._customer_name(rng) for _ in range(int(len(self.members) * CUSTOMER_SHARE))]
        made = [name for name in made if name]
        texts = [" ".join(words(name)) for name in made]
        for number, (name, text, pool) in enumerate(
            zip(made, texts, self.nearest(texts), strict=True)
        ):
            needed = set(content_words(text.split())) or set(text.split())
            for e in pool[:3]:
                if needed <= set(self.joined[e].split()):
                    skipped["negative customer: a listed name holds all its words"] += 1
                    continue
                _, cname = self.entries[e]
                if self.sorted_words[e] == tuple(sorted(text.split())):
                    continue
                customer = _Party(
                    pid=f"customer:{self.kind}:{self.split}:{number}", list_id="", kind=self.kind
                )
                other = self.members[self.entries[e][0]]
                yield _pair(
                    customer, _Name(name), other, cname, False, "customer", other.source,
                    self.split,
                )  # fmt: skip
                break

    def _customer_name(self, rng: random.Random) -> str:
        if self.kind == "person":
            structured = [n.parts for _, n in self.entries if n.parts and n.parts[1]]
            if len(structured) < 2:
                return ""
            first = rng.choice(structured)[1].split()[0]
            surname = rng.choice(structured)[0]
            return f"{first.title()} {surname.title()}"
        content = [
            w
            for _, n in self.entries
            if not n.original_script
            for w in content_words(words(n.text))
            if len(w) > 2 and w not in STOP and self.frequency[w] >= CUSTOMER_WORD_PARTIES
        ]
        if not content:
            return ""
        chosen = [rng.choice(content) for _ in range(rng.randint(1, 2))]
        return " ".join([*chosen, rng.choice(CUSTOMER_LEGAL_FORMS)]).title()

    def negatives(self, index: int, skipped: Counter[str]) -> Iterator[Pair]:
        party = self.members[index]
        rng = random.Random(_stable(f"negatives:{party.pid}"))
        primary = next((n for n in party.names if n.primary), party.names[0])
        queries = [primary]
        aliases = [
            n for n in party.names if n is not primary and not n.weak and not n.original_script
        ]
        if aliases:
            queries.append(rng.choice(aliases))
        scripted = [n for n in party.names if n.original_script]
        if scripted:
            queries.append(rng.choice(scripted))
        used: set[int] = set()

        def mine(pool: Iterable[int]) -> list[int]:
            return [e for e in pool if self.entries[e][0] != index and e not in used]

        for number, qname in enumerate(queries):
            qwords = words(qname.text)
            rare = sorted(
                {w for w in qwords if len(w) > 2 and w not in STOP and self.frequency[w] > 1},
                key=lambda w: (self.frequency[w], w),
            )[:2]
            sharing = sorted(set(mine(e for w in rare for e in self.by_word[w])))
            if sharing:
                ranked = process.extract(
                    " ".join(qwords),
                    [self.joined[e] for e in sharing],
                    scorer=fuzz.token_sort_ratio,
                    limit=5,
                )
                pool = [sharing[position] for _, _, position in ranked]
                yield from self._first(index, qname, pool, "nearest", used, skipped)
            if rare and number == 0:
                pool = mine(self.by_word[rare[0]])
                rng.shuffle(pool)
                yield from self._first(index, qname, pool, "distinctive_word", used, skipped)
            if number == 0 and rng.random() < RANDOM_SHARE and len(self.entries) > 1:
                pool = [rng.randrange(len(self.entries)) for _ in range(3)]
                yield from self._first(index, qname, mine(pool), "random", used, skipped)

        # the hard categories from every name that has them, at most two pairs a category
        emitted: Counter[str] = Counter()
        for qname in party.names:
            found: list[tuple[str, list[int]]] = []
            if self.kind == "person" and qname.parts:
                surname, first, middle = qname.parts
                conflicting = [
                    e
                    for e in mine(self.by_first.get((surname, first), []))
                    if middle
                    and (parts := self.entries[e][1].parts)
                    and parts[2]
                    and parts[2] != middle
                ]
                found.append(("conflicting_part", conflicting))
                surnames = [
                    e
                    for e in mine(self.by_surname.get(surname, []))
                    if (parts := self.entries[e][1].parts) and parts[1] != first
                ]
                found.append(("shared_surname", surnames))
            if self.kind == "organization" and not qname.original_script:
                key, _removed = _qualifier_key(qname.text, self.places)
                found.append(("qualifier", mine(self.by_qualifier.get(key, []))))
            for category, pool in found:
                if emitted[category] >= 2:
                    continue
                rng.shuffle(pool)
                for pair in self._first(index, qname, pool, category, used, skipped):
                    emitted[category] += 1
                    yield pair


def _negatives(parties: list[_Party], skipped: Counter[str]) -> Iterator[Pair]:
    places = _places()
    groups: dict[tuple[str, str, str], list[_Party]] = defaultdict(list)
    for party in parties:
        groups[(party.list_id, party.kind, split_of(party.split_key))].append(party)
    for (_list_id, kind, split), members in sorted(groups.items()):
        group = _Group(kind, split, members, places)
        for index in range(len(members)):
            yield from group.negatives(index, skipped)
        yield from group.lookalikes(skipped)
        yield from group.customers(skipped)


def build_pairs() -> tuple[list[Pair], Counter[str]]:
    skipped: Counter[str] = Counter()
    parties = read_parties()
    linked = list(_linked_positives(parties))  # sets split keys first
    pairs: list[Pair] = []
    for party in parties:
        pairs.extend(_positives(party, skipped))
    pairs.extend(linked)
    pairs.extend(_negatives(parties, skipped))
    return pairs, skipped


# ---------------------------------------------------------------- cache and loading


def corpus_key() -> str:
    digest = hashlib.sha256(f"{CODE_VERSION}:{SEED}".encode())
    for path in sorted(p for paths in _inputs().values() for p in paths) + [
        DATA / "ofac_sdn" / d / "add.csv" for d in ("2019-01", "2021-07", "2025-12_partial")
    ]:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def cache_path() -> Path:
    return CACHE / f"pairs-{corpus_key()}.jsonl"


def _to_json(pair: Pair) -> dict[str, object]:
    return attrs.asdict(pair)


def _from_json(data: dict[str, object]) -> Pair:
    data["query_birth_years"] = tuple(data["query_birth_years"])  # type: ignore[arg-type]
    data["candidate_birth_years"] = tuple(data["candidate_birth_years"])  # type: ignore[arg-type]
    return Pair(**data)  # type: ignore[arg-type]


def _load_all() -> list[Pair]:
    path = cache_path()
    if not path.exists():
        started = time.perf_counter()
        pairs, skipped = build_pairs()
        elapsed = time.perf_counter() - started
        CACHE.mkdir(exist_ok=True)
        temporary = path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            meta = {
                "meta": True,
                "seed": SEED,
                "code_version": CODE_VERSION,
                "pairs": len(pairs),
                "build_seconds": round(elapsed, 1),
                "skipped": dict(sorted(skipped.items())),
            }
            handle.write(json.dumps(meta, ensure_ascii=False) + "\n")
            for pair in pairs:
                handle.write(json.dumps(_to_json(pair), ensure_ascii=False) + "\n")
        temporary.replace(path)
        return pairs
    with path.open(encoding="utf-8") as handle:
        return [_from_json(data) for line in handle if not (data := json.loads(line)).get("meta")]


_LOADED: list[Pair] | None = None


def load_pairs(split: str | None = None) -> list[Pair]:
    """The labelled pairs of one split (``train``, ``dev``, ``test``), or all of them."""
    global _LOADED
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS} or None, not {split!r}")
    if _LOADED is None:
        _LOADED = _load_all()
    return [pair for pair in _LOADED if split is None or pair.split == split]


def meta() -> dict[str, object]:
    """The first line of the cache: seed, code version, build time, what was left out."""
    load_pairs()
    with cache_path().open(encoding="utf-8") as handle:
        return json.loads(handle.readline())  # type: ignore[no-any-return]


def main() -> None:
    started = time.perf_counter()
    pairs = load_pairs()
    info = meta()
    print(
        f"{len(pairs)} pairs ({sum(p.same for p in pairs)} same), seed {info['seed']},"
        f" code version {info['code_version']}, built in {info['build_seconds']} s,"
        f" loaded in {time.perf_counter() - started:.1f} s; cache {cache_path().name}"
    )
    for reason, count in info["skipped"].items():  # type: ignore[union-attr]
        print(f"  left out: {count} {reason}")
    for attribute in ("split", "source", "kind", "category"):
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for pair in pairs:
            table[getattr(pair, attribute)][pair.split] += 1
            table[getattr(pair, attribute)]["same" if pair.same else "different"] += 1
        print(f"\nby {attribute}:  same  different   train  dev  test")
        for value, counts in sorted(table.items()):
            print(
                f"  {value:<18} {counts['same']:6} {counts['different']:9}"
                f"  {counts['train']:6} {counts['dev']:5} {counts['test']:5}"
            )
    weak = sum(p.weak for p in pairs)
    print(f"\nweak aliases on either side: {weak}; hard negatives: {sum(p.hard for p in pairs)}")


if __name__ == "__main__":
    sys.exit(main())
