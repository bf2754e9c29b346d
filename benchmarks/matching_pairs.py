"""The labelled name pairs of the matching benchmark, built from real list files only.

Sources (all under ``../shared/data``, read with csv and ElementTree so the benchmark does not
depend on the list readers):

- OFAC SDN legacy CSV of 2021-07 (``ofac_sdn/2021-07/sdn.csv`` and ``alt.csv``): every
  ``aka``/``fka``/``nka`` of a person or organisation against its primary SDN name is a positive
  pair (the same party). Vessels and aircraft are left out.
- UN Security Council Consolidated List of 2026-02-27 (``un_sc/consolidated_2026-02-27.xml``):
  every alias and every ``NAME_ORIGINAL_SCRIPT`` against the primary name (the name parts
  joined in list order) is a positive pair.
- Negatives: for each positive pair's query name, the most similar name of a *different* entry
  of the same list (similarity by rapidfuzz ``token_sort_ratio``, a neutral measure that none of
  the compared matchers uses, among names sharing one of the query's two rarest words). Different
  entries of one list are different parties. A negative whose two names are the same words is
  left out (and counted): no name matcher can separate two parties called alike.

Every pair records where it comes from (list, entry ids, alias number or element), and a
variation kind. Pairs are split by a hash of the query's entry id: 30% are held out, and only
the other 70% (``dev``) may be looked at while tuning.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import attrs
from rapidfuzz import fuzz, process

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OFAC_DIR = SHARED_DATA / "ofac_sdn" / "2021-07"
UN_FILE = SHARED_DATA / "un_sc" / "consolidated_2026-02-27.xml"
HELD_OUT_PERCENT = 30


@attrs.frozen
class ListedName:
    list_id: str
    entry_id: str
    kind: str  # "person" or "organization"
    name: str
    primary: bool
    origin: str  # where in the source file the name is


@attrs.frozen
class Pair:
    query: str
    candidate: str
    same: bool
    kind: str  # the entity kind of both sides
    variation: str
    split: str  # "dev" or "held-out"
    source: str


def _ofac_names() -> Iterator[ListedName]:
    kinds = {"individual": "person", "-0-": "organization"}
    primary: dict[str, tuple[str, str]] = {}
    with (OFAC_DIR / "sdn.csv").open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 3:
                continue
            kind = kinds.get(row[2].strip())
            if kind is None:
                continue
            primary[row[0]] = (row[1].strip(), kind)
            yield ListedName("ofac-sdn-2021-07", row[0], kind, row[1].strip(), True, "sdn.csv")
    with (OFAC_DIR / "alt.csv").open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) < 4 or row[0] not in primary:
                continue
            _, kind = primary[row[0]]
            name = row[3].strip()
            if name and name != "-0-":
                origin = f"alt.csv alt_num {row[1]} ({row[2].strip()})"
                yield ListedName("ofac-sdn-2021-07", row[0], kind, name, False, origin)


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _un_names() -> Iterator[ListedName]:
    root = ET.parse(UN_FILE).getroot()
    for tag, kind, alias_tag in (
        ("INDIVIDUALS/INDIVIDUAL", "person", "INDIVIDUAL_ALIAS"),
        ("ENTITIES/ENTITY", "organization", "ENTITY_ALIAS"),
    ):
        for element in root.iterfind(tag):
            ref = _text(element, "REFERENCE_NUMBER")
            parts = [_text(element, f) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
            parts.append(_text(element, "FOURTH_NAME"))
            name = " ".join(part for part in parts if part)
            if not name:
                continue
            yield ListedName("un-sc-2026-02-27", ref, kind, name, True, "name parts")
            original = _text(element, "NAME_ORIGINAL_SCRIPT")
            if original:
                yield ListedName(
                    "un-sc-2026-02-27", ref, kind, original, False, "NAME_ORIGINAL_SCRIPT"
                )
            for number, alias in enumerate(element.iterfind(alias_tag)):
                alias_name = _text(alias, "ALIAS_NAME")
                if alias_name:
                    quality = _text(alias, "QUALITY") or "unstated"
                    origin = f"{alias_tag} #{number} (quality {quality})"
                    yield ListedName("un-sc-2026-02-27", ref, kind, alias_name, False, origin)


_WORD = re.compile(r"[^\W_]+")


def words(name: str) -> list[str]:
    """A neutral word split (accents dropped, lower case) used only to label and block pairs."""
    folded = "".join(
        char for char in unicodedata.normalize("NFKD", name) if not unicodedata.combining(char)
    )
    return _WORD.findall(folded.casefold())


def _script(name: str) -> str:
    for char in name:
        if char.isalpha() and not char.isascii():
            family = unicodedata.name(char, "").split(" ", 1)[0]
            if family in ("CYRILLIC", "ARABIC"):
                return family.lower()
            if family != "LATIN":
                return "other"
    return "latin"


def variation(query: str, candidate: str) -> str:
    """What kind of variation separates two names."""
    scripts = {_script(query), _script(candidate)} - {"latin"}
    if scripts:
        return f"{sorted(scripts)[0]} script"
    a, b = words(query), words(candidate)
    if a == b:
        return "punctuation or case"
    if Counter(a) == Counter(b):
        return "word order"
    sa, sb = set(a), set(b)
    if sa <= sb or sb <= sa:
        return "missing or extra words"
    if not sa & sb:
        return "no shared word"
    if len(a) == len(b):
        return "spelling"
    return "spelling and words"


def _split(list_id: str, entry_id: str) -> str:
    digest = hashlib.sha256(f"{list_id}:{entry_id}".encode()).digest()
    return "held-out" if digest[0] * 100 // 256 < HELD_OUT_PERCENT else "dev"


def build_pairs() -> tuple[list[Pair], Counter[str]]:
    """All labelled pairs, and counts of what was left out and why."""
    names = [*_ofac_names(), *_un_names()]
    skipped: Counter[str] = Counter()
    by_entry: dict[tuple[str, str], list[ListedName]] = defaultdict(list)
    for name in names:
        by_entry[(name.list_id, name.entry_id)].append(name)
    pairs: list[Pair] = []
    queries: list[ListedName] = []
    for (list_id, entry_id), group in by_entry.items():
        primaries = [name for name in group if name.primary]
        if not primaries:
            continue
        primary = primaries[0]
        for alias in group:
            if alias.primary:
                continue
            if words(alias.name) == words(primary.name) and _script(alias.name) == "latin":
                skipped["alias equal to the primary name but for punctuation"] += 1
                continue
            pairs.append(
                Pair(
                    query=alias.name,
                    candidate=primary.name,
                    same=True,
                    kind=primary.kind,
                    variation=variation(alias.name, primary.name),
                    split=_split(list_id, entry_id),
                    source=f"{list_id} {entry_id}: {alias.origin} against the primary name",
                )
            )
            queries.append(alias)
    pairs.extend(_negatives(names, queries, skipped))
    return pairs, skipped


def _negatives(
    names: list[ListedName], queries: list[ListedName], skipped: Counter[str]
) -> Iterator[Pair]:
    by_list: dict[str, list[ListedName]] = defaultdict(list)
    for name in names:
        if _script(name.name) == "latin":
            by_list[name.list_id].append(name)
    for list_id, listed in by_list.items():
        frequency: Counter[str] = Counter(word for name in listed for word in set(words(name.name)))
        index: dict[str, list[int]] = defaultdict(list)
        for position, name in enumerate(listed):
            for word in set(words(name.name)):
                index[word].append(position)
        joined = [" ".join(words(name.name)) for name in listed]
        for query in queries:
            if query.list_id != list_id or _script(query.name) != "latin":
                continue
            query_words = sorted(
                {word for word in words(query.name) if len(word) > 2},
                key=lambda word: (frequency[word], word),
            )[:2]
            candidates = sorted(
                {
                    position
                    for word in query_words
                    for position in index[word]
                    if listed[position].entry_id != query.entry_id
                    and listed[position].kind == query.kind
                }
            )
            if not candidates:
                continue
            best = process.extractOne(
                " ".join(words(query.name)),
                [joined[position] for position in candidates],
                scorer=fuzz.token_sort_ratio,
            )
            if best is None:
                continue
            other = listed[candidates[best[2]]]
            if sorted(words(other.name)) == sorted(words(query.name)):
                skipped["negative with the same words as its query (two parties called alike)"] += 1
                continue
            yield Pair(
                query=query.name,
                candidate=other.name,
                same=False,
                kind=query.kind,
                variation=variation(query.name, other.name),
                split=_split(list_id, query.entry_id),
                source=(
                    f"{list_id} {query.entry_id} ({query.origin}) against entry "
                    f"{other.entry_id} ({other.origin}): different entries"
                ),
            )
