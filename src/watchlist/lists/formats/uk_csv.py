"""The UK lists in CSV: the UK Sanctions List (FCDO) and the retired OFSI Consolidated List.

List ids, chosen from the file's first line:

- ``gb-uksl``: the UK Sanctions List CSV. Its first line is ``Report Date: 08-Oct-2026`` (the
  publication date), then the header (``Last Updated,Unique ID,OFSI Group ID,...``).
- ``gb-ofsi``: OFSI's ``ConList.csv``, retired when the UK Sanctions List became the single
  source. The 2022 format starts ``Last Updated,01/09/2025`` (the publication date) and adds
  the non-Latin script and ``Alias Quality`` columns; the older format starts with the header
  (``Name 6,Name 1,...``) and states no date, so ``published=`` must be given for it.

Both files have one row per name: rows sharing a ``Unique ID`` (UKSL) or ``Group ID`` (OFSI)
are one entry, whose id that is. Columns are found by name, case-insensitively, so that
reordered or added columns do not break reading; a missing required column is an error.

- **Names**: ``Name 1`` .. ``Name 5`` then ``Name 6`` (the surname, or the whole name of an
  entity or ship) joined by spaces. The row whose name type (``Name type`` in the UKSL,
  ``Alias Type`` in OFSI) is ``Primary Name`` gives the primary name (the first row if none
  says so); a ``Primary Name Variation`` is a strong alias; an alias is strong unless its
  quality (``Alias strength`` ``Low quality``, ``Alias Quality`` ``Low``) says weak. A
  non-Latin script name is one more name of the row's strength. Two different primary names
  under one id are a duplicate id, an error.
- **Kind**: ``Designation Type`` / ``Group Type``: ``Individual``, ``Entity``, ``Ship``.
- **Dates of birth** ``dd/mm/yyyy``, where ``00`` marks an unknown day or month
  (``00/00/1975`` is 1975).
- **Nationalities**: values separated by ``|`` or numbered ``(1) .. (2) ..`` are mapped to ISO
  alpha-2 codes; unknown values are kept in the remarks.
- **Identifiers**: passport and national identifier numbers, business registration numbers
  and IMO numbers (``IMO9826902`` is ``9826902``). The pre-2022 OFSI ``Passport Details`` and
  ``NI Number`` are free text: a value that is a single number is an identifier, any other
  value goes to the remarks.
- **Listing dates** (``Date Designated``, ``Listed On``) are kept in the remarks ("Listed on
  2024-07-31"), not as designations: the lists are published as snapshots, and the timeline
  derives each entry's in-force intervals from the versions it appears in (see
  :mod:`watchlist.lists.timeline`), which an entry's own designations would override.

Files must be UTF-8 (a byte-order mark is allowed). With ``errors="collect"`` a bad row is
rejected on its own and the entry is built from the rest of its rows.

Coverage is complete from the publication date. The lists change several times a month, so a
version is usable for 30 days (``max_age_days``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import attrs

from watchlist.countries import country_code
from watchlist.dates import BirthDate, PartialDate
from watchlist.errors import InputError, ListFormatError
from watchlist.lists._support import (
    ErrorMode,
    Rejections,
    check_not_empty,
    file_digest,
    join_remarks,
    resolve_published,
)
from watchlist.model import (
    AliasStrength,
    Coverage,
    EntityKind,
    Entry,
    Identifier,
    ListInfo,
    ListVersion,
    Name,
)

UKSL_LIST_ID = "gb-uksl"
OFSI_LIST_ID = "gb-ofsi"
MAX_AGE_DAYS = 30

_REPORT_DATE = re.compile(r"Report Date:\s*(\d{1,2}-[A-Za-z]{3}-\d{4})", re.IGNORECASE)
_LAST_UPDATED = re.compile(r"Last Updated,\s*(\d{1,2}/\d{1,2}/\d{4})\s*,*", re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NUMBERED = re.compile(r"\(\d+\)")
_SINGLE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9\-/]*", re.IGNORECASE)
_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "ship": EntityKind.VESSEL,
}


@attrs.frozen
class _Layout:
    """What differs between the two formats: the list, and the names of the key columns."""

    list_id: str
    title: str
    authority: str
    source: str
    id_column: str
    kind_column: str
    name_type_column: str
    quality_column: str | None
    regime_column: str
    listed_columns: tuple[tuple[str, str], ...]
    nationality_column: str
    dob_column: str
    identifier_columns: tuple[tuple[str, str], ...]
    free_text_identifier_columns: tuple[tuple[str, str], ...]
    remark_columns: tuple[tuple[str, str], ...]
    script_column: str | None

    @property
    def required(self) -> tuple[str, ...]:
        return (self.id_column, "name 6", self.kind_column, self.name_type_column,
                self.regime_column)  # fmt: skip


_UKSL = _Layout(
    list_id=UKSL_LIST_ID,
    title="UK Sanctions List",
    authority="Foreign, Commonwealth & Development Office",
    source="https://www.gov.uk/government/publications/the-uk-sanctions-list",
    id_column="unique id",
    kind_column="designation type",
    name_type_column="name type",
    quality_column="alias strength",
    regime_column="regime name",
    listed_columns=(("date designated", "Listed on"),),
    nationality_column="nationality(/ies)",
    dob_column="d.o.b",
    identifier_columns=(
        ("passport number", "passport"),
        ("national identifier number", "national_id"),
        ("business registration number (s)", "registration_number"),
        ("imo number", "imo"),
    ),
    free_text_identifier_columns=(),
    remark_columns=(
        ("ofsi group id", "OFSI group ID"),
        ("un reference number", "UN reference"),
        ("passport additional information", "Passport"),
        ("national identifier additional information", "National identifier"),
        ("position", "Position"),
        ("other information", "Other information"),
    ),
    script_column="name non-latin script",
)
_OFSI_2022 = _Layout(
    list_id=OFSI_LIST_ID,
    title="Consolidated List of Financial Sanctions Targets in the UK (OFSI, retired)",
    authority="Office of Financial Sanctions Implementation, HM Treasury",
    source="https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets",
    id_column="group id",
    kind_column="group type",
    name_type_column="alias type",
    quality_column="alias quality",
    regime_column="regime",
    listed_columns=(
        ("listed on", "Listed on"),
        ("uk sanctions list date designated", "On the UK Sanctions List from"),
    ),
    nationality_column="nationality",
    dob_column="dob",
    identifier_columns=(
        ("passport number", "passport"),
        ("national identification number", "national_id"),
    ),
    free_text_identifier_columns=(),
    remark_columns=(
        ("passport details", "Passport"),
        ("national identification details", "National identification"),
        ("position", "Position"),
        ("other information", "Other information"),
    ),
    script_column="name non-latin script",
)
_OFSI_LEGACY = attrs.evolve(
    _OFSI_2022,
    quality_column=None,
    listed_columns=(("listed on", "Listed on"),),
    identifier_columns=(),
    free_text_identifier_columns=(("passport details", "passport"), ("ni number", "national_id")),
    remark_columns=(("position", "Position"), ("other information", "Other information")),
    script_column=None,
)
_NAME_PARTS = ("name 1", "name 2", "name 3", "name 4", "name 5", "name 6")


def parse(
    path: Path | str,
    *,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: ErrorMode = "raise",
) -> ListVersion:
    """Read one UK Sanctions List or OFSI ConList CSV file (see the module docstring)."""
    path = Path(path)
    rejections = Rejections(errors)
    digest = file_digest(path)
    text = _decode(path)
    lines = text.splitlines(keepends=True)
    first = lines[0].strip() if lines else ""
    stated: dt.date | None = None
    header_line = 1
    if match := _REPORT_DATE.fullmatch(first.rstrip(",")):
        layout, stated = _UKSL, _report_date(match[1], path)
        header_line = 2
    elif match := _LAST_UPDATED.fullmatch(first):
        layout, stated = _OFSI_2022, _day_month_year(match[1], path=path, line=1)
        header_line = 2
    elif first.lower().startswith("name 6,"):
        layout = _OFSI_LEGACY
    else:
        msg = (
            "not a UK sanctions CSV: expected a first line 'Report Date: dd-Mon-yyyy' (UK "
            "Sanctions List), 'Last Updated,dd/mm/yyyy' or a 'Name 6,...' header (OFSI ConList)"
        )
        raise ListFormatError(msg, path=path, line=1)
    where = "its first line" if stated else "no date line"
    day = resolve_published(published, stated, path=path, where=where)
    groups = _Groups(layout, path, rejections)
    for line, row in _rows(text, header_line, layout, path):
        groups.add(row, line)
    entries: list[Entry] = []
    for entry_id in groups.order:
        try:
            entries.append(groups.entry(entry_id))
        except ListFormatError as error:
            rejections.handle(error)
    check_not_empty(entries, path=path, allow_empty=allow_empty)
    info = ListInfo(
        id=layout.list_id,
        title=layout.title,
        authority=layout.authority,
        jurisdiction="GB",
        coverage=Coverage.COMPLETE,
        coverage_start=day,
        max_age_days=MAX_AGE_DAYS,
        source=layout.source,
    )
    return ListVersion(
        info=info,
        published=day,
        digest=digest,
        location=str(path),
        entries=entries,
        rejected=rejections.rejected,
    )


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        msg = f"not UTF-8 text: byte {data[error.start]:#04x} cannot be decoded"
        raise ListFormatError(msg, path=path, line=line) from None


def _rows(
    text: str, header_line: int, layout: _Layout, path: Path
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row as ``{lower-case column name: stripped value}``, with its first line."""
    stream = io.StringIO(text)
    for _ in range(header_line - 1):
        stream.readline()
    reader = csv.reader(stream, strict=True)
    try:
        header = [column.strip().lower() for column in next(reader, [])]
        if missing := [column for column in layout.required if column not in header]:
            msg = f"the header lacks the required column(s) {', '.join(missing)}"
            raise ListFormatError(msg, path=path, line=header_line)
        line = header_line + reader.line_num
        for fields in reader:
            row_line, line = line, header_line + reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                msg = (
                    f"row has {len(fields)} fields, the header {len(header)}: "
                    "a truncated or malformed row"
                )
                record = _record_of(fields, header, layout)
                raise ListFormatError(msg, path=path, line=row_line, record=record)
            yield (
                row_line,
                {name: value.strip() for name, value in zip(header, fields, strict=True)},
            )
    except csv.Error as error:
        msg = f"malformed CSV: {error}"
        raise ListFormatError(msg, path=path, line=header_line + reader.line_num) from None


def _record_of(fields: list[str], header: list[str], layout: _Layout) -> str | None:
    position = header.index(layout.id_column)
    return fields[position].strip() or None if position < len(fields) else None


@attrs.define
class _Row:
    line: int
    values: dict[str, str]


class _Groups:
    """Rows gathered by entry id, in the order the ids first appear."""

    def __init__(self, layout: _Layout, path: Path, rejections: Rejections) -> None:
        self.layout = layout
        self.path = path
        self.rejections = rejections
        self.rows: dict[str, list[_Row]] = {}
        self.order: list[str] = []

    def add(self, values: dict[str, str], line: int) -> None:
        entry_id = values[self.layout.id_column]
        if not entry_id:
            msg = f"row has no {self.layout.id_column}"
            self.rejections.handle(ListFormatError(msg, path=self.path, line=line))
            return
        if entry_id not in self.rows:
            self.rows[entry_id] = []
            self.order.append(entry_id)
        self.rows[entry_id].append(_Row(line, values))

    def entry(self, entry_id: str) -> Entry:
        rows = self.rows[entry_id]
        layout = self.layout
        first = rows[0]
        kind_text = first.values[layout.kind_column]
        kind = _KINDS.get(kind_text.lower())
        if kind is None:
            raise self._error(f"unknown {layout.kind_column} {kind_text!r}", entry_id, first)
        names: list[Name] = []
        primary: tuple[str, _Row] | None = None
        remarks: list[str] = []
        birth_dates: list[BirthDate] = []
        nationalities: list[str] = []
        identifiers: list[Identifier] = []
        programmes: list[str] = []
        usable = 0
        for row in rows:
            try:
                row_names, is_primary = self._names(row, entry_id)
                if row.values[layout.kind_column].lower() != kind_text.lower():
                    msg = (
                        f"duplicate entry id {entry_id!r}: rows of kind {kind_text!r} and "
                        f"{row.values[layout.kind_column]!r}"
                    )
                    raise self._error(msg, entry_id, row)
                if is_primary:
                    if primary is not None and primary[0] != row_names[0].value:
                        msg = (
                            f"duplicate entry id {entry_id!r}: two primary names, "
                            f"{primary[0]!r} (line {primary[1].line}) and {row_names[0].value!r}"
                        )
                        raise self._error(msg, entry_id, row)
                    primary = (row_names[0].value, row)
                birth = self._birth_dates(row, entry_id)
            except ListFormatError as error:
                self.rejections.handle(error)
                continue
            usable += 1
            _extend(names, row_names)
            _extend(birth_dates, birth)
            self._details(row, nationalities, identifiers, remarks, programmes)
        if not usable:
            raise self._error("no usable row", entry_id, first)
        names.sort(key=lambda name: name.strength != AliasStrength.PRIMARY)
        if names[0].strength != AliasStrength.PRIMARY:
            names[0] = attrs.evolve(names[0], strength=AliasStrength.PRIMARY)
        try:
            return Entry(
                id=entry_id,
                kind=kind,
                names=names,
                programmes=programmes,
                birth_dates=birth_dates,
                nationalities=nationalities,
                identifiers=identifiers,
                remarks=join_remarks(remarks),
            )
        except InputError as error:
            raise self._error(f"bad entry: {error}", entry_id, first) from None

    def _error(self, reason: str, entry_id: str, row: _Row) -> ListFormatError:
        return ListFormatError(reason, path=self.path, line=row.line, record=entry_id)

    def _names(self, row: _Row, entry_id: str) -> tuple[list[Name], bool]:
        values = row.values
        value = " ".join(part for key in _NAME_PARTS if (part := values.get(key, "")))
        if not values["name 6"] or not value:
            raise self._error("row has no name (Name 6 is empty)", entry_id, row)
        name_type = values[self.layout.name_type_column].lower()
        quality = values.get(self.layout.quality_column or "", "").lower()
        is_primary = name_type in ("primary name", "primary")
        if is_primary:
            strength = AliasStrength.PRIMARY
        elif quality.startswith("low"):
            strength = AliasStrength.WEAK
        elif quality in ("", "good", "good quality", "high", "high quality") or quality.startswith(
            "good"
        ):
            strength = AliasStrength.STRONG
        else:
            raise self._error(f"unknown alias quality {quality!r}", entry_id, row)
        names = [Name(value, strength)]
        if self.layout.script_column and (script := values.get(self.layout.script_column)):
            names.append(Name(script, AliasStrength.STRONG if is_primary else strength))
        return names, is_primary

    def _birth_dates(self, row: _Row, entry_id: str) -> list[BirthDate]:
        found: list[BirthDate] = []
        for text in _split(row.values.get(self.layout.dob_column, "")):
            try:
                found.append(_birth_date(text))
            except InputError as error:
                msg = f"bad date of birth {text!r}: {error.reason}"
                raise self._error(msg, entry_id, row) from None
        return found

    def _details(
        self,
        row: _Row,
        nationalities: list[str],
        identifiers: list[Identifier],
        remarks: list[str],
        programmes: list[str],
    ) -> None:
        values = row.values
        layout = self.layout
        _extend(programmes, [values[layout.regime_column]] if values[layout.regime_column] else [])
        for column, label in layout.listed_columns:
            for text in _split(values.get(column, "")):
                _extend(remarks, [f"{label} {_iso_if_possible(text)}"])
        for text in _split(values.get(layout.nationality_column, "")):
            code = country_code(text)
            if code is None:
                _extend(remarks, [f"Nationality as published: {text}"])
            else:
                _extend(nationalities, [code])
        for column, kind in layout.identifier_columns:
            for text in _split(values.get(column, "")):
                number = (
                    text[3:].strip() if kind == "imo" and text.upper().startswith("IMO") else text
                )
                _extend(identifiers, [Identifier(kind=kind, value=number)])
        for column, kind in layout.free_text_identifier_columns:
            text = values.get(column, "")
            if _SINGLE_NUMBER.fullmatch(text):
                _extend(identifiers, [Identifier(kind=kind, value=text)])
            elif text:
                _extend(remarks, [f"{kind.replace('_', ' ').capitalize()}: {text}"])
        for column, label in layout.remark_columns:
            if text := values.get(column, ""):
                _extend(remarks, [f"{label}: {text}"])


_T = TypeVar("_T")


def _extend(target: list[_T], values: list[_T]) -> None:
    target.extend(value for value in values if value not in target)


def _split(text: str) -> list[str]:
    """Values joined by ``|`` or numbered ``(1) a (2) b``, stripped, blanks dropped."""
    parts = text.split("|") if "|" in text else _NUMBERED.split(text)
    return [part.strip().rstrip(",;").strip() for part in parts if part.strip()]


def _birth_date(text: str) -> BirthDate:
    match = _DMY.fullmatch(text)
    if match is None:
        msg = "expected dd/mm/yyyy, with 00 for an unknown day or month"
        raise InputError(msg, field="date", value=text)
    day, month, year = (int(group) for group in match.groups())
    return PartialDate(year, month or None, day or None if month else None)


def _iso_if_possible(text: str) -> str:
    """A ``dd/mm/yyyy`` date in ISO form; any other text as it is (it is only a remark)."""
    match = _DMY.fullmatch(text)
    if match is None:
        return text
    day, month, year = (int(group) for group in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return text


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def _report_date(text: str, path: Path) -> dt.date:
    """``08-Oct-2026``, read without the locale (``strptime``'s ``%b`` depends on it)."""
    day, month, year = text.split("-")
    try:
        return dt.date(int(year), _MONTHS[month.lower()], int(day))
    except (KeyError, ValueError):
        msg = f"bad Report Date {text!r}: expected dd-Mon-yyyy such as 08-Oct-2026"
        raise ListFormatError(msg, path=path, line=1) from None


def _day_month_year(text: str, *, path: Path, line: int) -> dt.date:
    match = _DMY.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        day, month, year = (int(group) for group in match.groups())
        return dt.date(year, month, day)
    except ValueError:
        msg = f"bad date {text!r}: expected dd/mm/yyyy"
        raise ListFormatError(msg, path=path, line=line) from None
