"""OpenSanctions datasets in FollowTheMoney (FtM) JSON lines (``entities.ftm.json``).

Each line is one FtM entity: ``{"id", "schema", "properties": {name: [values]}, "datasets",
"last_seen", ...}``. The list id is ``opensanctions-<dataset>``, the dataset being the
``dataset=`` argument, or else the one dataset that every entity of the file names in its
``datasets`` (a file mixing datasets with none in common needs ``dataset=``).

What becomes what:

- **Entries**: entities of the schemas ``Person`` (a person), ``Organization``, ``Company``,
  ``LegalEntity`` and ``PublicBody`` (an organisation), ``Vessel`` (a vessel) and ``Airplane``
  (an aircraft), keeping their FtM ``id``. Other schemas (addresses, ownership and family
  links, ...) describe no listed party of their own and are not read, except ``Sanction``,
  ``Passport`` and ``Identification``, which add to the entity they refer to.
- **Names**: the first ``name`` is the primary name; further ``name``, ``alias`` and
  ``previousName`` values are strong aliases, ``weakAlias`` values weak ones. An entity without
  ``name`` uses its ``firstName``/``middleName``/``lastName``.
- **Dates of birth**: ``birthDate`` (``1975``, ``1975-02`` or ``1975-02-14``).
- **Nationalities**: ``nationality`` and ``citizenship``; for an entity that is not a person,
  ``jurisdiction`` and ``country``. FtM codes are lower-case ISO alpha-2 (``ru``); others (such
  as ``suhh`` for the USSR) are kept in the remarks.
- **Identifiers**: ``passportNumber`` (passport), ``idNumber`` (national_id), ``taxNumber`` and
  ``innCode`` (tax_number), ``registrationNumber`` and ``ogrnCode`` (registration_number),
  ``imoNumber`` (imo); ``Passport`` and ``Identification`` entities add theirs to their
  ``holder``.
- **Sanctions**: each ``Sanction`` entity adds its ``program`` to the programmes of its
  ``entity`` and its ``sourceUrl`` to the sources. Unlike a snapshot of an official list, a
  Sanction states its dates, so they become designations: from ``startDate`` (or, lacking it,
  ``listingDate``) to ``endDate``, which ends it as ``expired`` when the Sanction's ``status``
  speaks of expiry or it has a ``duration`` (a time-limited measure), and as ``delisted``
  otherwise. An entity gets designations only when every Sanction of it has a start date;
  otherwise, and for an entity without Sanctions, the timeline derives its in-force intervals
  from the versions it appears in, and the dates are kept in the remarks.

The publication date is the latest ``last_seen`` of the file's entities (OpenSanctions sets it
to the time of the run that exported the file); a ``published=`` argument must agree with it,
and is needed for a file without ``last_seen``. The jurisdiction is the one ``country`` all its
Sanctions name (``us`` for OFAC's data), else ``ZZ`` (unknown). OpenSanctions republishes each
source daily, so a version is usable for 7 days (``max_age_days``). Coverage is complete: a
dataset holds its whole source.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from watchlist.dates import BirthDate, parse_birth_date
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
    Designation,
    EndReason,
    EntityKind,
    Entry,
    Identifier,
    ListInfo,
    ListVersion,
    Name,
)

LIST_PREFIX = "opensanctions-"
MAX_AGE_DAYS = 7

_KINDS = {
    "Person": EntityKind.PERSON,
    "Organization": EntityKind.ORGANIZATION,
    "Company": EntityKind.ORGANIZATION,
    "LegalEntity": EntityKind.ORGANIZATION,
    "PublicBody": EntityKind.ORGANIZATION,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.AIRCRAFT,
}
_DOCUMENT_SCHEMAS = {"Passport": "passport", "Identification": "national_id"}
_IDENTIFIER_PROPERTIES = (
    ("passportNumber", "passport"),
    ("idNumber", "national_id"),
    ("taxNumber", "tax_number"),
    ("innCode", "tax_number"),
    ("registrationNumber", "registration_number"),
    ("ogrnCode", "registration_number"),
    ("imoNumber", "imo"),
)
_DATASET = re.compile(r"[a-z0-9][a-z0-9_]*")
_ISO2 = re.compile(r"[a-z]{2}")


@attrs.frozen
class _Record:
    """One line of the file: an FtM entity, and where it was."""

    line: int
    id: str
    schema: str
    properties: Mapping[str, list[str]]

    def values(self, name: str) -> list[str]:
        return self.properties.get(name, [])

    def first(self, name: str) -> str | None:
        values = self.values(name)
        return values[0] if values else None


def parse(
    path: Path | str,
    *,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: ErrorMode = "raise",
    dataset: str | None = None,
) -> ListVersion:
    """Read one FollowTheMoney JSON lines file (see the module docstring)."""
    path = Path(path)
    rejections = Rejections(errors)
    digest = file_digest(path)
    parties: dict[str, _Record] = {}
    attachments: list[_Record] = []
    datasets: set[str] | None = None
    last_seen: str | None = None
    for record, raw in _records(path, rejections):
        named = raw.get("datasets")
        if isinstance(named, list):
            datasets = set(named) if datasets is None else datasets & set(named)
        seen = raw.get("last_seen")
        if isinstance(seen, str) and (last_seen is None or seen > last_seen):
            last_seen = seen
        if record.schema in _KINDS:
            if record.id in parties:
                msg = f"duplicate entity id {record.id!r} (first on line {parties[record.id].line})"
                rejections.handle(
                    ListFormatError(msg, path=path, line=record.line, record=record.id)
                )
                continue
            parties[record.id] = record
        elif record.schema == "Sanction" or record.schema in _DOCUMENT_SCHEMAS:
            attachments.append(record)
    dataset = _dataset(dataset, datasets, path)
    stated = _date(last_seen[:10], path, None, "last_seen") if last_seen else None
    day = resolve_published(published, stated, path=path, where="the latest last_seen")
    builders = {entity_id: _Builder(record) for entity_id, record in parties.items()}
    for attachment in attachments:
        try:
            _attach(attachment, builders, path)
        except ListFormatError as error:
            rejections.handle(error)
    entries: list[Entry] = []
    for builder in builders.values():
        try:
            entries.append(builder.entry(path))
        except ListFormatError as error:
            rejections.handle(error)
    check_not_empty(entries, path=path, allow_empty=allow_empty)
    info = ListInfo(
        id=f"{LIST_PREFIX}{dataset}",
        title=f"OpenSanctions dataset {dataset}",
        authority="OpenSanctions",
        jurisdiction=_jurisdiction(attachments),
        coverage=Coverage.COMPLETE,
        coverage_start=day,
        max_age_days=MAX_AGE_DAYS,
        source=f"https://www.opensanctions.org/datasets/{dataset}/",
    )
    return ListVersion(
        info=info,
        published=day,
        digest=digest,
        location=str(path),
        entries=entries,
        rejected=rejections.rejected,
    )


def _records(path: Path, rejections: Rejections) -> Iterator[tuple[_Record, dict[str, Any]]]:
    """Each line as a checked record; a line that is not JSON stops the reading."""
    try:
        with path.open("rb") as stream:
            for number, data in enumerate(stream, start=1):
                if not data.strip():
                    continue
                try:
                    raw = json.loads(data.decode("utf-8"))
                except UnicodeDecodeError:
                    msg = "not UTF-8 text"
                    raise ListFormatError(msg, path=path, line=number) from None
                except json.JSONDecodeError as error:
                    msg = f"not a JSON object: {error.msg} (a truncated or malformed line)"
                    raise ListFormatError(msg, path=path, line=number) from None
                except RecursionError:
                    # Nested deeper than the interpreter's stack: no FtM entity is.
                    msg = "not an FtM entity: JSON nested too deeply to read"
                    raise ListFormatError(msg, path=path, line=number) from None
                try:
                    yield _record(raw, number, path), raw
                except ListFormatError as error:
                    rejections.handle(error)
    except OSError as error:
        msg = f"cannot read list file: {error.strerror or error}"
        raise ListFormatError(msg, path=path) from None


def _record(raw: object, line: int, path: Path) -> _Record:
    if not isinstance(raw, dict):
        msg = "each line must be a JSON object (an FtM entity)"
        raise ListFormatError(msg, path=path, line=line)
    entity_id, schema, properties = raw.get("id"), raw.get("schema"), raw.get("properties", {})
    record = entity_id if isinstance(entity_id, str) else None
    if not record or not isinstance(schema, str) or not schema:
        msg = "an FtM entity needs a string 'id' and 'schema'"
        raise ListFormatError(msg, path=path, line=line, record=record)
    if not isinstance(properties, dict) or not all(
        isinstance(values, list) and all(isinstance(value, str) for value in values)
        for values in properties.values()
    ):
        msg = "'properties' must map each property to a list of strings"
        raise ListFormatError(msg, path=path, line=line, record=record)
    cleaned = {
        name: [text for value in values if (text := " ".join(value.split()))]
        for name, values in properties.items()
    }
    return _Record(line=line, id=record, schema=schema, properties=cleaned)


class _Builder:
    """One party's entity, with what its Sanctions and documents add to it."""

    def __init__(self, record: _Record) -> None:
        self.record = record
        self.programmes: list[str] = []
        self.sources: list[str] = []
        self.identifiers: list[Identifier] = []
        self.remarks: list[str] = []
        self.designations: list[Designation] = []
        self.undated_sanctions = 0

    def entry(self, path: Path) -> Entry:
        record = self.record
        kind = _KINDS[record.schema]
        try:
            names = _names(record)
            if not names:
                msg = f"a {record.schema} needs a name (name, or firstName/lastName)"
                raise ListFormatError(msg, path=path, line=record.line, record=record.id)
            remarks = list(self.remarks)
            nationalities: list[str] = []
            properties = ("nationality", "citizenship")
            if kind is not EntityKind.PERSON:
                properties = ("jurisdiction", "country")
            for name in properties:
                for code in record.values(name):
                    if _ISO2.fullmatch(code.lower()):
                        _add(nationalities, code.upper())
                    else:
                        _add(remarks, f"{name} as published: {code}")
            identifiers = list(self.identifiers)
            for name, identifier_kind in _IDENTIFIER_PROPERTIES:
                for value in record.values(name):
                    _add(identifiers, Identifier(kind=identifier_kind, value=value))
            birth_dates: list[BirthDate] = []
            for text in record.values("birthDate"):
                _add(birth_dates, parse_birth_date(text[:10]))
            designations = self.designations if not self.undated_sanctions else []
            return Entry(
                id=record.id,
                kind=kind,
                names=names,
                programmes=self.programmes,
                birth_dates=birth_dates,
                nationalities=nationalities,
                identifiers=identifiers,
                remarks=join_remarks([*remarks, *record.values("notes")]),
                sources=self.sources,
                designations=designations,
            )
        except InputError as error:
            msg = f"bad {record.schema}: {error}"
            raise ListFormatError(msg, path=path, line=record.line, record=record.id) from None


def _names(record: _Record) -> list[Name]:
    names: list[Name] = []
    given = record.values("name")
    if not given:
        parts = [record.first(key) for key in ("firstName", "middleName", "lastName")]
        given = [" ".join(part for part in parts if part)] if any(parts) else []
    for position, value in enumerate(given):
        strength = AliasStrength.PRIMARY if position == 0 else AliasStrength.STRONG
        _add_name(names, value, strength)
    if not names:
        return names
    aliases = (
        ("alias", AliasStrength.STRONG),
        ("previousName", AliasStrength.STRONG),
        ("weakAlias", AliasStrength.WEAK),
    )
    for key, strength in aliases:
        for value in record.values(key):
            _add_name(names, value, strength)
    return names


def _add_name(names: list[Name], value: str, strength: AliasStrength) -> None:
    if all(name.value != value for name in names):
        names.append(Name(value, strength))


def _attach(record: _Record, builders: Mapping[str, _Builder], path: Path) -> None:
    reference = "entity" if record.schema == "Sanction" else "holder"
    target_id = record.first(reference)
    builder = builders.get(target_id or "")
    if builder is None:
        msg = f"{record.schema} refers to {reference} {target_id!r}, which is not in the file"
        raise ListFormatError(msg, path=path, line=record.line, record=record.id)
    if record.schema in _DOCUMENT_SCHEMAS:
        kind = _DOCUMENT_SCHEMAS[record.schema]
        country = record.first("country")
        for number in record.values("number"):
            identifier = Identifier(
                kind=kind,
                value=number,
                country=country if country and _ISO2.fullmatch(country.lower()) else None,
            )
            _add(builder.identifiers, identifier)
        return
    for program in record.values("program"):
        _add(builder.programmes, program)
    for url in record.values("sourceUrl"):
        _add(builder.sources, url)
    listed = record.first("listingDate")
    start_text = record.first("startDate") or listed
    end_text = record.first("endDate")
    facts = (
        ("listed on", listed),
        ("from", record.first("startDate")),
        ("until", end_text),
        ("by", record.first("authority")),
        ("reason:", record.first("reason")),
    )
    summary = "; ".join(f"{label} {value}" for label, value in facts if value)
    _add(builder.remarks, f"Sanction {record.first('program') or record.id}: {summary}".strip())
    if start_text is None:
        builder.undated_sanctions += 1
        return
    start = _date(start_text, path, record, "startDate")
    end = _date(end_text, path, record, "endDate") if end_text else None
    status = " ".join(record.values("status")).lower()
    expired = "expir" in status or bool(record.values("duration"))
    basis = " ".join(part for part in (record.first("authority"), record.first("program")) if part)
    try:
        designation = Designation(
            start=start,
            basis=basis or f"OpenSanctions Sanction {record.id}",
            source=record.first("sourceUrl"),
            end=end,
            end_reason=(EndReason.EXPIRED if expired else EndReason.DELISTED) if end else None,
            end_basis=f"endDate of Sanction {record.id}" if end else None,
        )
    except InputError as error:
        msg = f"bad Sanction dates: {error.reason}"
        raise ListFormatError(msg, path=path, line=record.line, record=record.id) from None
    _add(builder.designations, designation)


def _date(text: str, path: Path, record: _Record | None, what: str) -> dt.date:
    """An FtM date (``2014``, ``2014-03``, ``2014-03-17``, or a timestamp) as its first day."""
    try:
        return parse_birth_date(text[:10]).first_day
    except InputError:
        msg = f"bad {what} {text!r}: expected an ISO date such as 2014-03-17"
        line, record_id = (record.line, record.id) if record else (None, None)
        raise ListFormatError(msg, path=path, line=line, record=record_id) from None


def _dataset(given: str | None, datasets: set[str] | None, path: Path) -> str:
    if given is not None:
        if not _DATASET.fullmatch(given):
            msg = f"dataset must be lower-case letters, digits and _, got {given!r}"
            raise ListFormatError(msg, path=path)
        return given
    if datasets is not None and len(datasets) == 1:
        (only,) = datasets
        if _DATASET.fullmatch(only):
            return only
    found = ", ".join(sorted(datasets)) if datasets else "none"
    msg = (
        "cannot tell the dataset: the entities' 'datasets' have no single name in common "
        f"(common: {found}); pass dataset="
    )
    raise ListFormatError(msg, path=path)


def _jurisdiction(attachments: list[_Record]) -> str:
    countries = {
        country.upper()
        for record in attachments
        if record.schema == "Sanction"
        for country in record.values("country")
    }
    if len(countries) == 1:
        (only,) = countries
        if len(only) == 2 and only.isalpha():
            return only
    return "ZZ"


def _add(target: list[Any], value: object) -> None:
    if value not in target:
        target.append(value)
