"""The UN Security Council Consolidated List, in its XML format (``consolidated.xml``).

List ids, chosen from the file's content:

- ``un-sc-consolidated``: the consolidated list, every UN sanctions regime;
- ``un-sc-1988``: the 1988 (Taliban) Committee's own list, in the same schema, when every
  record is on the Taliban regime. It is a different list: read as a version of the
  consolidated list, it would make every non-Taliban entry look delisted;
- ``un-sc-1267-legacy``: the old 1267 Committee "AQList" (2015 and before), the same element
  names with old-style references such as ``QI.A.12.01.``, which are kept as published.

How the file is read:

- **Publication date**: the date part of the root ``dateGenerated`` as written
  (``2015-03-13T16:34:28.092-04:00`` is 2015-03-13, the day in the publisher's time zone).
  A ``published=`` argument must agree with it; it is needed only for a file without
  ``dateGenerated``.
- **Entry ids** are the ``REFERENCE_NUMBER``, canonicalised so that history lines up across
  the years: white space and a trailing full stop are dropped, the regime code is upper-case
  and the kind letter lower-case. ``TAI.171`` (as the 2015 files write it) and ``QDi.343.``
  become ``TAi.171`` and ``QDi.343``, the form the UN has used since.
- **Names**: ``FIRST_NAME`` .. ``FOURTH_NAME`` joined by spaces are the primary name;
  ``NAME_ORIGINAL_SCRIPT`` is a strong name in its own script; each alias is strong, except
  ``QUALITY`` ``Low``, which is weak (``Good``, empty, and the entity qualities ``a.k.a.`` and
  ``f.k.a.`` are strong). 2015 files pack several aliases into one ``ALIAS_NAME`` separated by
  ``;``: they are split. An alias ``NOTE`` of the form ``original script: X`` adds ``X`` as a
  name of the same strength.
- **Dates of birth**: ``EXACT`` gives ``DATE`` (a full date) or ``YEAR``; ``APPROXIMATELY``
  gives ``YEAR`` (kept as that year, with "approximately" in the remarks); ``BETWEEN`` gives
  ``FROM_YEAR``/``TO_YEAR`` as a range. A ``YEAR`` written ``1955-1958`` is a range too.
  Time-zone offsets (``1972-01-01-05:00``) and times are dropped: the date is as written.
- **Nationalities** are mapped to ISO alpha-2 codes by a table of the names and demonyms the
  files use; a value the table does not know (``Possibly Ethiopian``, ``Congolese``) is kept
  in the remarks, never dropped.
- **Documents** become identifiers: ``passport``, ``national_id``, or ``other``; their issuing
  country, date, second type and notes go to the remarks.
- **Listing dates** (``LISTED_ON``) are kept in the remarks ("Listed on 2001-01-25"), not
  as designations: the list is published as snapshots, and the timeline derives each entry's
  in-force intervals from the versions it appears in (see :mod:`watchlist.lists.timeline`), which an
  entry's own designations would override.

Coverage is complete from the version's publication date. The UN amends the list several times
a month, so a version is usable for 30 days (``max_age_days``).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from watchlist.countries import country_code
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
    EntityKind,
    Entry,
    Identifier,
    ListInfo,
    ListVersion,
    Name,
)

LIST_ID = "un-sc-consolidated"
TALIBAN_LIST_ID = "un-sc-1988"
LEGACY_LIST_ID = "un-sc-1267-legacy"
MAX_AGE_DAYS = 30

_TITLES = {
    LIST_ID: "United Nations Security Council Consolidated List",
    TALIBAN_LIST_ID: "United Nations Security Council 1988 (Taliban) Sanctions List",
    LEGACY_LIST_ID: "United Nations Security Council 1267 Committee Al-Qaida Sanctions List "
    "(legacy format)",
}
_SOURCE = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

_ROOT = "CONSOLIDATED_LIST"
_TAGS = frozenset({"INDIVIDUAL", "ENTITY", _ROOT})
_REFERENCE = re.compile(r"([A-Za-z]{2})([IiEe])\.(\d+)\.?")
_LEGACY_REFERENCE = re.compile(r"Q[IE]\.[A-Z]\.\d+\.\d{2}\.?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR_RANGE = re.compile(r"(\d{4})\s*[-/]\s*(\d{4})")
_NAME_FIELDS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
#: What a few records put in a name field they have no part for ("FAIZULLAH KHAN NOORZAI na",
#: TAi.153): in lower case, unlike any part of a name, which the list writes in capitals.
_NOT_AVAILABLE = "na"
_WEAK_QUALITIES = frozenset({"low"})
_STRONG_QUALITIES = frozenset({"good", "", "a.k.a.", "f.k.a."})
_ORIGINAL_SCRIPT_NOTE = re.compile(r"original script:\s*(.+)", re.IGNORECASE)
_DOCUMENT_KINDS = {
    "passport": "passport",
    "numéro de passeport": "passport",
    "número de pasaporte": "passport",
    "national identification number": "national_id",
    "national identification no.": "national_id",
}
_CONSOLIDATED, _LEGACY = "consolidated", "legacy"


def canonical_reference(text: str) -> str:
    """A UN reference number in the form the UN uses today (``TAI.171 `` to ``TAi.171``).

    Old-style 1267 references (``QI.A.12.01.``) are returned stripped, as published.
    """
    text = text.strip()
    match = _REFERENCE.fullmatch(text)
    if match is None:
        return text
    regime, kind, number = match.groups()
    return f"{regime.upper()}{kind.lower()}.{number}"


def parse(
    path: Path | str,
    *,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: ErrorMode = "raise",
) -> ListVersion:
    """Read one UN Security Council list XML file (see the module docstring)."""
    path = Path(path)
    rejections = Rejections(errors)
    digest = file_digest(path)
    unique = UniqueEntries(path, rejections)
    styles: set[str] = set()
    generated: str | None = None
    root_seen = False
    for element in iter_elements(path, _TAGS):
        tag = local_name(element.tag)
        if tag == _ROOT:
            root_seen = True
            generated = element.get("dateGenerated")
            continue
        try:
            entry, style = _entry(element, tag, path)
        except ListFormatError as error:
            rejections.handle(error)
            continue
        styles.add(style)
        unique.add(entry)
    if not root_seen:
        msg = f"not a UN Security Council list: no {_ROOT} root element"
        raise ListFormatError(msg, path=path)
    if len(styles) > 1:
        msg = "the file mixes current (QDi.NNN) and legacy (QI.A.NN.NN.) reference numbers"
        raise ListFormatError(msg, path=path)
    check_not_empty(unique.entries, path=path, allow_empty=allow_empty)
    stated = (
        _date_part(generated, what="dateGenerated", path=path, record=None) if generated else None
    )
    day = resolve_published(published, stated, path=path, where=f"{_ROOT}@dateGenerated")
    list_id = _list_id(unique.entries, styles)
    info = ListInfo(
        id=list_id,
        title=_TITLES[list_id],
        authority="United Nations Security Council",
        jurisdiction="UN",
        coverage=Coverage.COMPLETE,
        coverage_start=day,
        max_age_days=MAX_AGE_DAYS,
        source=_SOURCE,
    )
    return ListVersion(
        info=info,
        published=day,
        digest=digest,
        location=str(path),
        entries=unique.entries,
        rejected=rejections.rejected,
    )


def _list_id(entries: list[Entry], styles: set[str]) -> str:
    if _LEGACY in styles:
        return LEGACY_LIST_ID
    if entries and all(entry.programmes == ("Taliban",) for entry in entries):
        return TALIBAN_LIST_ID
    return LIST_ID


class _Record:
    """The children of one INDIVIDUAL or ENTITY element, by name, with helpers to read them."""

    def __init__(self, element: ET.Element, path: Path) -> None:
        self.path = path
        self.children: defaultdict[str, list[ET.Element]] = defaultdict(list)
        for child in element:
            self.children[local_name(child.tag)].append(child)
        self.record: str | None = self.text("REFERENCE_NUMBER") or self.text("DATAID")

    def text(self, name: str) -> str | None:
        for child in self.children.get(name, ()):
            return _clean(child.text)
        return None

    def values(self, name: str) -> list[str]:
        """The distinct texts of ``<name><VALUE>..</VALUE></name>``, in order."""
        found: list[str] = []
        for child in self.children.get(name, ()):
            for value in child:
                text = _clean(value.text)
                if text and text not in found:
                    found.append(text)
        return found

    def error(self, reason: str) -> ListFormatError:
        line = line_of(self.path, self.record or "")
        return ListFormatError(reason, path=self.path, line=line, record=self.record)


def _entry(element: ET.Element, tag: str, path: Path) -> tuple[Entry, str]:
    record = _Record(element, path)
    reference = record.text("REFERENCE_NUMBER")
    if reference is None:
        raise record.error(f"{tag} has no REFERENCE_NUMBER")
    entry_id = canonical_reference(reference)
    if _REFERENCE.fullmatch(entry_id):
        style = _CONSOLIDATED
    elif _LEGACY_REFERENCE.fullmatch(entry_id):
        style = _LEGACY
    else:
        raise record.error(f"unrecognised REFERENCE_NUMBER {reference!r}")
    record.record = entry_id
    primary = " ".join(
        part for field in _NAME_FIELDS if (part := record.text(field)) and part != _NOT_AVAILABLE
    )
    if not primary:
        raise record.error(f"{tag} has no name: FIRST_NAME to FOURTH_NAME are all empty")
    remarks: list[str | None] = []
    listed_on = record.text("LISTED_ON")
    if listed_on:
        listed = _date_part(listed_on, what="LISTED_ON", path=path, record=entry_id)
        remarks.append(f"Listed on {listed.isoformat()}")
    titles = record.values("TITLE")
    if titles:
        remarks.append(f"Title: {'; '.join(titles)}")
    functions = record.values("DESIGNATION")
    if functions:
        remarks.append(f"Designation: {'; '.join(functions)}")
    nationalities: list[str] = []
    for value in record.values("NATIONALITY"):
        code = country_code(value)
        if code is None:
            remarks.append(f"Nationality as published: {value}")
        elif code not in nationalities:
            nationalities.append(code)
    birth_dates: list[BirthDate] = []
    for item in record.children.get("INDIVIDUAL_DATE_OF_BIRTH", ()):
        birth_date, remark = _birth_date(_Record(item, path), record)
        if birth_date is not None and birth_date not in birth_dates:
            birth_dates.append(birth_date)
        remarks.append(remark)
    identifiers: list[Identifier] = []
    for item in record.children.get("INDIVIDUAL_DOCUMENT", ()):
        identifier, remark = _document(_Record(item, path))
        if identifier is not None and identifier not in identifiers:
            identifiers.append(identifier)
        remarks.append(remark)
    remarks.append(record.text("COMMENTS1"))
    try:
        entry = Entry(
            id=entry_id,
            kind=EntityKind.PERSON if tag == "INDIVIDUAL" else EntityKind.ORGANIZATION,
            names=_names(record, primary, tag),
            programmes=record.text("UN_LIST_TYPE"),
            birth_dates=birth_dates,
            nationalities=nationalities,
            identifiers=identifiers,
            remarks=join_remarks(remarks),
        )
    except InputError as error:
        raise record.error(f"bad {tag}: {error}") from None
    return entry, style


def _names(record: _Record, primary: str, tag: str) -> list[Name]:
    names = [Name(primary, AliasStrength.PRIMARY)]
    seen = {primary}

    def add(value: str, strength: AliasStrength) -> None:
        value = " ".join(value.split())
        if value and value not in seen:
            seen.add(value)
            names.append(Name(value, strength))

    original = record.text("NAME_ORIGINAL_SCRIPT")
    if original:
        add(original, AliasStrength.STRONG)
    for alias in record.children.get(f"{tag}_ALIAS", ()):
        item = _Record(alias, record.path)
        quality = (item.text("QUALITY") or "").lower()
        if quality in _WEAK_QUALITIES:
            strength = AliasStrength.WEAK
        elif quality in _STRONG_QUALITIES:
            strength = AliasStrength.STRONG
        else:
            raise record.error(f"unknown alias QUALITY {item.text('QUALITY')!r}")
        for value in (item.text("ALIAS_NAME") or "").split(";"):
            add(value, strength)
        note = _ORIGINAL_SCRIPT_NOTE.fullmatch(item.text("NOTE") or "")
        if note is not None:
            add(note[1], strength)
    return names


def _birth_date(item: _Record, record: _Record) -> tuple[BirthDate | None, str | None]:
    kind = (item.text("TYPE_OF_DATE") or "").upper()
    note = item.text("NOTE")
    remark = f"Date of birth note: {note}" if note else None
    date_text, year_text = item.text("DATE"), item.text("YEAR")
    from_year, to_year = item.text("FROM_YEAR"), item.text("TO_YEAR")
    try:
        if kind == "BETWEEN" or (from_year and to_year):
            if not (from_year and to_year):
                raise record.error("date of birth BETWEEN needs FROM_YEAR and TO_YEAR")
            return DateRange(_year(from_year), _year(to_year)), remark
        if kind not in ("", "EXACT", "APPROXIMATELY"):
            raise record.error(f"unknown TYPE_OF_DATE {item.text('TYPE_OF_DATE')!r}")
        value: BirthDate | None = None
        if date_text:
            day = _date_part(date_text, what="date of birth", path=record.path,
                             record=record.record)  # fmt: skip
            value = PartialDate(day.year, day.month, day.day)
        elif year_text:
            value = _year_or_range(year_text)
    except InputError as error:
        raise record.error(f"bad date of birth: {error.reason}") from None
    if value is not None and kind == "APPROXIMATELY":
        approximately = f"Date of birth approximately {value}"
        remark = f"{approximately}; {note}" if note else approximately
    return value, remark


def _year(text: str) -> PartialDate:
    if not re.fullmatch(r"\d{4}", text):
        msg = f"expected a year such as 1968, got {text!r}"
        raise InputError(msg, field="date", value=text)
    return PartialDate(int(text))


def _year_or_range(text: str) -> BirthDate:
    match = _YEAR_RANGE.fullmatch(text)
    if match is not None:
        return DateRange(_year(match[1]), _year(match[2]))
    return _year(text)


def _document(item: _Record) -> tuple[Identifier | None, str | None]:
    published_kind = item.text("TYPE_OF_DOCUMENT") or item.text("TYPE_OF_DOCUMENT2")
    kind = _DOCUMENT_KINDS.get((published_kind or "").lower(), "other")
    number = item.text("NUMBER")
    country_text = item.text("ISSUING_COUNTRY") or item.text("COUNTRY_OF_ISSUE")
    country = country_code(country_text)
    details: list[str] = []
    second = item.text("TYPE_OF_DOCUMENT2")
    if second and second != published_kind:
        details.append(second)
    if country_text and country is None:
        details.append(f"issued by {country_text}")
    if city := item.text("CITY_OF_ISSUE"):
        details.append(f"issued in {city}")
    if issued := item.text("DATE_OF_ISSUE"):
        details.append(f"issued on {issued}")
    if note := item.text("NOTE"):
        details.append(note)
    identifier = Identifier(kind=kind, value=number, country=country) if number else None
    if not details and (identifier is not None or published_kind is None):
        return identifier, None
    label = " ".join(part for part in (published_kind or "Document", number) if part)
    remark = f"{label}: {'; '.join(details)}" if details else label
    return identifier, remark


def _date_part(text: str, *, what: str, path: Path, record: str | None) -> dt.date:
    """The calendar date at the start of ``text``, ignoring any time or time-zone offset."""
    match = _ISO_DATE.match(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        msg = f"bad {what} {text!r}: expected a date such as 2015-03-27 or 2015-03-27-04:00"
        line = line_of(path, text) if record else None
        raise ListFormatError(msg, path=path, line=line, record=record) from None


def _clean(text: str | None) -> str | None:
    """Text with its white space collapsed (the files wrap long values), or None if blank."""
    if text is None:
        return None
    return " ".join(text.split()) or None
