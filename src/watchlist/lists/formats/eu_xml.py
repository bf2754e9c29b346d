"""The EU Financial Sanctions Files (FSF), XML format 1.1 (``xsdFullSanctionsList_1_1``).

List id ``eu-fsf``: the consolidated list of persons, groups and entities subject to EU
financial sanctions, published by the European Commission.

How the file is read:

- **Publication date**: the date part of the root ``export@generationDate``; a
  ``published=`` argument must agree with it (it is needed only for a file without one).
- **Entry ids** are the ``sanctionEntity@logicalId``, which the XSD describes as the unique,
  stable identifier of a sanctioned entity. The ``euReferenceNumber`` (``EU.3523.13``) and the
  UN reference (``unitedNationId``) are kept in the remarks.
- **Kind** comes from ``subjectType@classificationCode``: ``P`` a person, ``E`` an enterprise.
- **Names**: each ``nameAlias`` is one name, its ``wholeName`` or else its first, middle and
  last names joined. The first alias that is not ``strong="false"`` is the primary name; the
  others are strong aliases, except ``strong="false"``, which are weak. ``nameLanguage`` is kept
  (lower-cased) as the name's language, and the script is detected from the letters.
- **Nationalities**: ``citizenship@countryIso2Code`` (the EU's ``00`` means unknown; a
  ``region`` or description other than ``UNKNOWN`` is then kept in the remarks).
- **Dates of birth**: ``birthdate@birthdate`` (a full date), else ``year`` with
  ``monthOfYear`` and ``dayOfMonth`` as far as given, else ``yearRangeFrom``/``yearRangeTo`` as a
  range. ``circa="true"`` is noted in the remarks. A date in another calendar than the
  Gregorian (``calendarType``) is not converted: it goes to the remarks only.
- **Identifications**: ``passport`` and ``id`` become ``passport`` and ``national_id``
  identifiers, ``fiscalcode`` ``tax_number``, ``regnumber`` ``registration_number``, ``imo``
  ``imo``, any other code itself; a ``latinNumber`` that differs from ``number`` is a second
  identifier. Flags such as ``knownFalse`` go to the remarks.
- **Programmes**: ``regulation@programme`` (``TERR``, ``UKR``...).
- **Listing dates** (``designationDate``) are kept in the remarks ("Listed on 2016-09-21"), not
  as designations: the list is published as snapshots, and the timeline derives each entry's
  in-force intervals from the versions it appears in (see :mod:`watchlist.lists.timeline`), which an
  entry's own designations would override. The exception is a ``delistingDate``, which the
  file states: such an entry carries one designation from its ``designationDate`` to its
  ``delistingDate`` (reason ``delisted``), and one without a ``designationDate`` is rejected.

Coverage is complete from the version's publication date; the EU amends the list several times
a month, so a version is usable for 30 days (``max_age_days``).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from watchlist.dates import BirthDate, DateRange, PartialDate
from watchlist.errors import InputError, ListFormatError
from watchlist.lists._support import (
    ErrorMode,
    Rejections,
    UniqueEntries,
    check_not_empty,
    file_digest,
    join_remarks,
    line_of,
    resolve_published,
)
from watchlist.lists.formats._xml import iter_elements, local_name
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

LIST_ID = "eu-fsf"
MAX_AGE_DAYS = 30
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

_ROOT = "export"
_TAGS = frozenset({"sanctionEntity", _ROOT})
_KINDS = {"P": EntityKind.PERSON, "E": EntityKind.ORGANIZATION}
_IDENTIFIER_KINDS = {
    "passport": "passport",
    "id": "national_id",
    "fiscalcode": "tax_number",
    "regnumber": "registration_number",
    "imo": "imo",
}
_FLAGS = ("knownFalse", "knownExpired", "reportedLost", "revokedByIssuer", "diplomatic")


def parse(
    path: Path | str,
    *,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: ErrorMode = "raise",
) -> ListVersion:
    """Read one EU FSF 1.1 XML file (see the module docstring)."""
    path = Path(path)
    rejections = Rejections(errors)
    digest = file_digest(path)
    unique = UniqueEntries(path, rejections)
    generated: str | None = None
    root_seen = False
    for element in iter_elements(path, _TAGS):
        if local_name(element.tag) == _ROOT:
            root_seen = True
            generated = element.get("generationDate")
            continue
        try:
            entry = _entry(element, path)
        except ListFormatError as error:
            rejections.handle(error)
            continue
        unique.add(entry, needle=f'logicalId="{entry.id}"')
    if not root_seen:
        msg = "not an EU Financial Sanctions File: no export root element"
        raise ListFormatError(msg, path=path)
    check_not_empty(unique.entries, path=path, allow_empty=allow_empty)
    stated = _generation_date(generated, path) if generated else None
    day = resolve_published(published, stated, path=path, where="export@generationDate")
    info = ListInfo(
        id=LIST_ID,
        title="EU consolidated list of persons, groups and entities subject to financial sanctions",
        authority="European Commission",
        jurisdiction="EU",
        coverage=Coverage.COMPLETE,
        coverage_start=day,
        max_age_days=MAX_AGE_DAYS,
        source="https://webgate.ec.europa.eu/fsd/fsf",
    )
    return ListVersion(
        info=info,
        published=day,
        digest=digest,
        location=str(path),
        entries=unique.entries,
        rejected=rejections.rejected,
    )


class _Entity:
    """One sanctionEntity: its children by name, and how to point at it in an error."""

    def __init__(self, element: ET.Element, path: Path) -> None:
        self.element = element
        self.path = path
        self.record = (element.get("logicalId") or "").strip() or None
        self.children: defaultdict[str, list[ET.Element]] = defaultdict(list)
        for child in element:
            self.children[local_name(child.tag)].append(child)

    def error(self, reason: str) -> ListFormatError:
        line = line_of(self.path, f'logicalId="{self.record}"') if self.record else None
        return ListFormatError(reason, path=self.path, line=line, record=self.record)

    def one(self, name: str) -> ET.Element:
        found = self.children.get(name)
        if not found:
            raise self.error(f"sanctionEntity has no {name} element")
        return found[0]


def _entry(element: ET.Element, path: Path) -> Entry:
    entity = _Entity(element, path)
    if entity.record is None:
        raise entity.error("sanctionEntity has no logicalId")
    regulation = entity.one("regulation")
    classification = entity.one("subjectType").get("classificationCode", "")
    if classification not in _KINDS:
        raise entity.error(f"unknown subjectType classificationCode {classification!r}")
    remarks: list[str | None] = []
    listed = _optional_date(entity, element.get("designationDate"), "designationDate")
    delisted = _optional_date(entity, element.get("delistingDate"), "delistingDate")
    if listed is not None:
        remarks.append(f"Listed on {listed.isoformat()}")
    for label, attribute in (("EU reference number", "euReferenceNumber"),
                             ("UN reference", "unitedNationId")):  # fmt: skip
        if value := _attribute(element, attribute):
            remarks.append(f"{label}: {value}")
    remarks.append(_regulation_remark(regulation))
    remarks.append(_attribute(element, "designationDetails"))
    names = _names(entity, remarks)
    nationalities: list[str] = []
    for citizenship in entity.children.get("citizenship", ()):
        code = _country(citizenship)
        if code is None:
            where = _attribute(citizenship, "region") or _attribute(
                citizenship, "countryDescription"
            )
            if where and where.upper() != "UNKNOWN":
                remarks.append(f"Citizenship as published: {where}")
        elif code not in nationalities:
            nationalities.append(code)
    birth_dates: list[BirthDate] = []
    for item in entity.children.get("birthdate", ()):
        birth_date, remark = _birth_date(entity, item)
        if birth_date is not None and birth_date not in birth_dates:
            birth_dates.append(birth_date)
        remarks.append(remark)
    identifiers: list[Identifier] = []
    for item in entity.children.get("identification", ()):
        found, remark = _identification(item)
        identifiers.extend(i for i in found if i not in identifiers)
        remarks.append(remark)
    remarks.extend(_clean(remark.text) for remark in entity.children.get("remark", ()))
    designations: list[Designation] = []
    if delisted is not None:
        if listed is None:
            raise entity.error("a delisted sanctionEntity needs its designationDate")
        designations.append(_delisting(entity, regulation, listed, delisted))
    try:
        return Entry(
            id=entity.record,
            kind=_KINDS[classification],
            names=names,
            programmes=_attribute(regulation, "programme"),
            birth_dates=birth_dates,
            nationalities=nationalities,
            identifiers=identifiers,
            remarks=join_remarks(remarks),
            sources=_regulation_url(regulation),
            designations=designations,
        )
    except InputError as error:
        raise entity.error(f"bad sanctionEntity: {error}") from None


def _names(entity: _Entity, remarks: list[str | None]) -> list[Name]:
    aliases = entity.children.get("nameAlias", ())
    if not aliases:
        raise entity.error("sanctionEntity has no nameAlias")
    names: list[Name] = []
    seen: set[str] = set()
    primary_found = False
    for alias in aliases:
        value = _attribute(alias, "wholeName") or " ".join(
            part
            for key in ("firstName", "middleName", "lastName")
            if (part := _attribute(alias, key))
        )
        for label, key in (("Title", "title"), ("Function", "function")):
            if extra := _attribute(alias, key):
                remarks.append(f"{label}: {extra}")
        if not value or value in seen:
            continue
        seen.add(value)
        strong_text = (alias.get("strong") or "true").strip().lower()
        if strong_text not in ("true", "false", "1", "0"):
            raise entity.error(f"nameAlias strong must be true or false, got {strong_text!r}")
        weak = strong_text in ("false", "0")
        if not weak and not primary_found:
            strength = AliasStrength.PRIMARY
            primary_found = True
        else:
            strength = AliasStrength.WEAK if weak else AliasStrength.STRONG
        language = _attribute(alias, "nameLanguage")
        names.append(Name(value, strength, lang=language.lower() if language else None))
    if not primary_found:
        raise entity.error("sanctionEntity has no named nameAlias that is not strong='false'")
    names.sort(key=lambda name: name.strength != AliasStrength.PRIMARY)
    return names


def _birth_date(entity: _Entity, item: ET.Element) -> tuple[BirthDate | None, str | None]:
    calendar = (item.get("calendarType") or "GREGORIAN").upper()
    try:
        value: BirthDate | None
        if full := _attribute(item, "birthdate"):
            value = PartialDate(*map(int, full[:10].split("-")))
        elif year := _attribute(item, "year"):
            month, day = _attribute(item, "monthOfYear"), _attribute(item, "dayOfMonth")
            value = PartialDate(
                int(year),
                int(month) if month else None,
                int(day) if day and month else None,
            )
        elif (low := _attribute(item, "yearRangeFrom")) and (
            high := _attribute(item, "yearRangeTo")
        ):
            value = DateRange(PartialDate(int(low)), PartialDate(int(high)))
        else:
            value = None
    except (InputError, ValueError, TypeError) as error:
        raise entity.error(f"bad birthdate: {error}") from None
    if value is None:
        return None, None
    if calendar != "GREGORIAN":
        return None, f"Date of birth {value} ({calendar.lower()} calendar)"
    if (item.get("circa") or "").strip().lower() in ("true", "1"):
        return value, f"Date of birth circa {value}"
    return value, None


def _identification(item: ET.Element) -> tuple[list[Identifier], str | None]:
    code = (_attribute(item, "identificationTypeCode") or "other").lower()
    kind = _IDENTIFIER_KINDS.get(code, code)
    country = _country(item)
    found: list[Identifier] = []
    for attribute in ("number", "latinNumber"):
        value = _attribute(item, attribute)
        if value and all(identifier.value != value for identifier in found):
            found.append(Identifier(kind=kind, value=value, country=country))
    details = [flag for flag in _FLAGS if (item.get(flag) or "").lower() in ("true", "1")]
    if not found and (description := _attribute(item, "identificationTypeDescription")):
        details.insert(0, description)
    if issued := _attribute(item, "issuedBy"):
        details.append(f"issued by {issued}")
    if not details:
        return found, None
    label = " ".join(part for part in (code, _attribute(item, "number")) if part)
    return found, f"Identification {label}: {', '.join(details)}"


def _delisting(
    entity: _Entity, regulation: ET.Element, listed: dt.date, delisted: dt.date
) -> Designation:
    basis = _attribute(regulation, "numberTitle") or "EU regulation"
    try:
        return Designation(
            start=listed,
            basis=basis,
            end=delisted,
            end_reason=EndReason.DELISTED,
            end_basis=f"delistingDate {delisted.isoformat()} in the EU Financial Sanctions File",
        )
    except InputError as error:
        raise entity.error(f"bad designation and delisting dates: {error.reason}") from None


def _regulation_remark(regulation: ET.Element) -> str | None:
    title = _attribute(regulation, "numberTitle")
    if not title:
        return None
    details = [
        f"{label} {value}"
        for label, key in (
            ("programme", "programme"),
            ("published", "publicationDate"),
            ("in force from", "entryIntoForceDate"),
        )
        if (value := _attribute(regulation, key))
    ]
    return f"Regulation {title}" + (f" ({', '.join(details)})" if details else "")


def _regulation_url(regulation: ET.Element) -> str | None:
    for child in regulation:
        if local_name(child.tag) == "publicationUrl":
            return _clean(child.text)
    return None


def _optional_date(entity: _Entity, text: str | None, what: str) -> dt.date | None:
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise entity.error(f"bad {what} {text!r}: expected a date such as 2016-09-21") from None


def _generation_date(text: str, path: Path) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        msg = f"bad export generationDate {text!r}: expected a timestamp such as 2024-05-14T17:12"
        raise ListFormatError(msg, path=path) from None


def _country(element: ET.Element) -> str | None:
    code = (_attribute(element, "countryIso2Code") or "").upper()
    if len(code) == 2 and code.isalpha():
        return code
    return None


def _attribute(element: ET.Element, name: str) -> str | None:
    return _clean(element.get(name))


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(text.split()) or None
