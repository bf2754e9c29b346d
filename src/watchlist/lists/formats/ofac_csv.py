"""OFAC's legacy CSV sets: the SDN list (``sdn.csv``) and the non-SDN consolidated list.

A set is four headerless files: the main file (``sdn.csv`` or ``cons_prim.csv``) with one row
per listed party, ``alt.csv`` with strong aliases (a.k.a., f.k.a., n.k.a.), ``add.csv`` with
addresses, and ``sdn_comments.csv`` with the part of a Remarks field beyond 1,000 characters
(``cons_alt.csv``, ``cons_add.csv`` and ``cons_comments.csv`` for the consolidated list).
Pass the main file; the others are read from beside it. The list id follows the main file's
name: ``cons_prim.csv`` (or any name starting ``cons``) is ``us-ofac-consolidated``, any
other name ``us-ofac-sdn``. A main file under another name (the scraped daily copies are
called ``sdn_2022-11-23_1846.csv``) has no companions: it loads with an
:class:`~watchlist.errors.IncompleteListWarning`, as does a set with a companion missing.

The files carry no publication date, so ``published`` is required.

How the fields map to an :class:`~watchlist.model.Entry`:

- ``id`` is ``ent_num``; the primary name is ``SDN_Name`` as published (``LAST, First``);
  ``SDN_Type`` ``individual`` is a person, ``vessel`` and ``aircraft`` are themselves, and a
  null type is an organisation. Programmes are the ``] [``-joined tags.
- Strong aliases are the ``alt.csv`` rows; weak ones are the ``a.k.a. 'X'`` (and f.k.a.,
  n.k.a.) items inside Remarks, as :class:`~watchlist.model.Name` with strength ``weak``.
- From Remarks: ``DOB`` and ``alt. DOB`` (``circa``, partial dates and ranges) become
  ``birth_dates``; ``nationality`` and ``citizen`` become ISO alpha-2 ``nationalities``;
  passports, national, tax and registration numbers and IMO numbers become ``identifiers``.
  Anything not understood (an unknown country name, an odd date) adds no structured value.
- ``remarks`` keeps the whole published Remarks text (with its overflow from the comments
  file appended), so places of birth, ``Linked To:`` relations and whatever was not
  structured stay readable; then, one per line, the title, the vessel columns and the
  addresses, each labelled (``Title: ...``, ``Vessel flag: ...``, ``Address: ...``).

Encoding: OFAC's specification calls the files ASCII. They are decoded as UTF-8 (which
accepts ASCII unchanged) with no fallback: a byte that is not UTF-8 means the file is not
what OFAC published, and guessing a legacy code page could silently alter names.

Digest: a lone file's SHA-256; for a set, the SHA-256 of the lines ``name\\0sha256\\n`` of
the files read, in the order main, alt, add, comments.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from watchlist._rules import to_date
from watchlist.countries import country_code
from watchlist.dates import BirthDate
from watchlist.errors import IncompleteListWarning, InputError, ListFormatError
from watchlist.lists._support import combined_digest
from watchlist.lists.formats import _ofac
from watchlist.model import (
    AliasStrength,
    EntityKind,
    Entry,
    Identifier,
    ListVersion,
    Name,
    Rejection,
)

__all__ = ["parse"]

_NULL = "-0-"
_SUB = b"\x1a"
_MAIN_COLUMNS = 12
_ALT_COLUMNS = 5
_ADD_COLUMNS = 6
_COMMENT_COLUMNS = 2
_KINDS = {
    "individual": EntityKind.PERSON,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
    None: EntityKind.ORGANIZATION,
}
_VESSEL_LABELS = ("Call sign", "Vessel type", "Tonnage", "GRT", "Vessel flag", "Vessel owner")
_WEAK_PREFIXES = ("a.k.a. ", "f.k.a. ", "n.k.a. ")
# One pass per Remarks item: a date of birth, a nationality or citizenship, or a document.
_ITEM_RE = re.compile(
    r"(?:alt\. )?(?:DOB (?P<dob>.+)|(?:nationality|citizen) (?P<country>.+)|(?P<doc>"
    + "|".join(re.escape(name) for name in sorted(_ofac.ID_KINDS, key=len, reverse=True))
    + r") (?P<number>.+))"
)


def parse(
    path: Path | str,
    *,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: Literal["raise", "collect"] = "raise",
) -> ListVersion:
    """Read an OFAC legacy CSV set from its main file, ``sdn.csv`` or ``cons_prim.csv``.

    ``published`` is the publication date, which the files do not carry. An empty list is
    an error unless ``allow_empty``. A malformed record raises
    :class:`~watchlist.errors.ListFormatError` naming file, line and ``ent_num``; with
    ``errors="collect"`` it is left out and reported in ``ListVersion.rejected`` instead.
    """
    if published is None:
        msg = "OFAC CSV files carry no publication date: pass published=DATE"
        raise InputError(msg, field="published")
    published_on = to_date(published)
    if errors not in ("raise", "collect"):
        msg = f"errors must be 'raise' or 'collect', got {errors!r}"
        raise InputError(msg, field="errors", value=errors)
    path = Path(path)
    reader = _SetReader(path, collect=errors == "collect")
    entries = reader.read()
    if not entries and not allow_empty:
        msg = "the list has no entries (an empty OFAC list is never real; allow_empty=True)"
        raise ListFormatError(msg, path=path)
    reader.warn_if_incomplete()
    return ListVersion(
        info=_ofac.list_info(reader.list_id, published_on),
        published=published_on,
        digest=combined_digest(reader.digests),
        location=str(path),
        entries=entries,
        rejected=reader.rejected,
    )


class _SetReader:
    def __init__(self, path: Path, *, collect: bool) -> None:
        self.path = path
        self.collect = collect
        self.rejected: list[Rejection] = []
        self.digests: list[tuple[str, str]] = []
        name = path.name
        consolidated = name.lower().startswith("cons")
        self.list_id = _ofac.CONSOLIDATED_ID if consolidated else _ofac.SDN_ID
        self.companions: dict[str, Path | None] = {}
        expected = (
            {"cons_prim.csv": ("cons_alt.csv", "cons_add.csv", "cons_comments.csv")}
            if consolidated
            else {"sdn.csv": ("alt.csv", "add.csv", "sdn_comments.csv")}
        )
        names = expected.get(name.lower())
        for role, position in (("alt", 0), ("add", 1), ("comments", 2)):
            companion = None
            if names is not None:
                wanted = names[position].upper() if name.isupper() else names[position]
                candidate = path.with_name(wanted)
                companion = candidate if candidate.is_file() else None
            self.companions[role] = companion

    def read(self) -> list[Entry]:
        rows: dict[str, tuple[int, list[str]]] = {}
        for line, row in self._rows(self.path, _MAIN_COLUMNS):
            record = row[0]
            if record in rows:
                first = rows[record][0]
                reason = f"duplicate ent_num {record} (first on line {first})"
                self._reject(reason, self.path, line, record)
                continue
            rows[record] = (line, row)
        aliases = self._companion("alt", _ALT_COLUMNS, rows)
        addresses = self._companion("add", _ADD_COLUMNS, rows)
        comments = self._companion("comments", _COMMENT_COLUMNS, rows)
        entries = []
        for record, (line, row) in rows.items():
            try:
                overflow = "".join(comments.get(record, ()))
                entries.append(
                    _entry(row, aliases.get(record, ()), addresses.get(record, ()), overflow)
                )
            except InputError as error:
                self._reject(f"bad record: {error}", self.path, line, record)
        return entries

    def warn_if_incomplete(self) -> None:
        missing = [role for role, found in self.companions.items() if found is None]
        if missing:
            what = {"alt": "strong aliases", "add": "addresses", "comments": "long remarks"}
            lacking = ", ".join(f"{what[role]} ({role})" for role in missing)
            warnings.warn(
                f"{self.path}: read without companion files; missing: {lacking}",
                IncompleteListWarning,
                stacklevel=3,
            )

    def _companion(
        self, role: str, columns: int, main: dict[str, tuple[int, list[str]]]
    ) -> dict[str, list[str]]:
        """The rows of a companion file by ``ent_num``: alias names, addresses, or comments."""
        path = self.companions[role]
        found: dict[str, list[str]] = {}
        if path is None:
            return found
        for line, row in self._rows(path, columns):
            record = row[0]
            if record not in main:
                self._reject(f"ent_num {record} is not in {self.path.name}", path, line, record)
                continue
            if role == "alt":
                value = _value(row[3])
                if value is None:
                    self._reject("alias row without a name", path, line, record)
                    continue
            elif role == "add":
                value = ", ".join(part for part in map(_value, row[2:]) if part)
            else:
                value = row[1]
            found.setdefault(record, []).append(value)
        return found

    def _rows(self, path: Path, columns: int) -> Iterator[tuple[int, list[str]]]:
        """Each well-formed row with its line number; bad rows are raised or collected."""
        data = _ofac.read_bytes(path)
        self.digests.append((path.name, _ofac.sha256_of(data)))
        if data.endswith(_SUB):
            data = data[: -len(_SUB)]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            start = data.rfind(b"\n", 0, error.start) + 1
            record = data[start : data.find(b",", start)].decode("ascii", "replace")
            msg = (
                f"not UTF-8 (OFAC publishes ASCII): byte 0x{data[error.start]:02x} "
                f"at offset {error.start}"
            )
            raise ListFormatError(msg, path=path, line=line, record=record or None) from None
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                msg = f"malformed CSV (a truncated file?): {error}"
                record = text.splitlines()[line - 1].partition(",")[0].strip()
                raise ListFormatError(msg, path=path, line=line, record=record or None) from None
            start, line = line, reader.line_num + 1
            if not row:
                continue
            record = row[0].strip()
            if len(row) != columns:
                reason = f"expected {columns} columns, found {len(row)}"
                self._reject(reason, path, start, record or None)
                continue
            if not record.isdigit():
                self._reject(f"ent_num {row[0]!r} is not a number", path, start, record or None)
                continue
            row[0] = record
            yield start, row

    def _reject(self, reason: str, path: Path, line: int, record: str | None) -> None:
        if not self.collect:
            raise ListFormatError(reason, path=path, line=line, record=record)
        self.rejected.append(Rejection(reason=f"{path.name}: {reason}", record=record, line=line))


def _value(field: str) -> str | None:
    text = field.strip()
    return None if text == _NULL or not text else text


def _entry(
    row: Sequence[str], aliases: Sequence[str], addresses: Sequence[str], overflow: str
) -> Entry:
    record, name, kind, programme_field, title = row[0], row[1], row[2], row[3], row[4]
    primary = _value(name)
    if primary is None:
        msg = "the entry has no name"
        raise InputError(msg, field="SDN_Name")
    kind_value = _value(kind)
    entity_kind = _KINDS.get(kind_value.lower() if kind_value else None)
    if entity_kind is None:
        msg = f"unknown SDN_Type {kind_value!r}"
        raise InputError(msg, field="SDN_Type", value=kind_value)
    names = [_ofac.name(primary, AliasStrength.PRIMARY)]
    names.extend(_ofac.name(alias, AliasStrength.STRONG) for alias in aliases)
    remarks_text = _value(row[11])
    if overflow:
        remarks_text = (remarks_text or "") + overflow
    birth_dates: list[BirthDate] = []
    nationalities: list[str] = []
    identifiers: list[Identifier] = []
    if remarks_text is not None:
        _read_remarks(remarks_text, names, birth_dates, nationalities, identifiers)
    extra = []
    title_value = _value(title)
    if title_value is not None:
        extra.append(f"Title: {title_value}")
    for label, field in zip(_VESSEL_LABELS, row[5:11], strict=True):
        value = _value(field)
        if value is not None:
            extra.append(f"{label}: {value}")
    extra.extend(f"Address: {address}" for address in addresses if address)
    if extra:
        remarks_text = "\n".join([remarks_text, *extra] if remarks_text else extra)
    programmes = _value(programme_field)
    return Entry(
        id=record,
        kind=entity_kind,
        names=names,
        programmes=programmes.strip("[]").split("] [") if programmes else (),
        birth_dates=birth_dates,
        nationalities=nationalities,
        identifiers=identifiers,
        remarks=remarks_text,
    )


def _read_remarks(
    text: str,
    names: list[Name],
    birth_dates: list[BirthDate],
    nationalities: list[str],
    identifiers: list[Identifier],
) -> None:
    """Add what the items of a Remarks field say to the entry's structured fields."""
    for raw in text.rstrip(".").split(";"):
        item = raw.strip()
        if item.startswith(_WEAK_PREFIXES):
            alias = item[7:].strip()
            if len(alias) > 1 and alias[0] == alias[-1] == "'":
                alias = alias[1:-1].strip()
            if alias:
                names.append(_ofac.name(alias, AliasStrength.WEAK))
            continue
        match = _ITEM_RE.fullmatch(item)
        if match is None:
            continue
        dob, country, doc = match.group("dob", "country", "doc")
        if dob is not None:
            birth_date = _ofac.parse_birth_date(dob)
            if birth_date is not None and birth_date not in birth_dates:
                birth_dates.append(birth_date)
        elif country is not None:
            code = country_code(country)
            if code is not None and code not in nationalities:
                nationalities.append(code)
        else:
            found = _ofac.identifier_from_text(_ofac.ID_KINDS[doc], match["number"])
            if found is not None and found not in identifiers:
                identifiers.append(found)
