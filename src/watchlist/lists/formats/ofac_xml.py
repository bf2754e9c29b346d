"""OFAC's legacy XML: ``sdn.xml`` (the SDN list) and ``consolidated.xml`` (the non-SDN lists).

Both files share one schema: ``sdnList`` with ``publshInformation`` (OFAC's spelling) giving
``Publish_Date`` (MM/DD/YYYY) and ``Record_Count``, then one ``sdnEntry`` per listed party.
Elements are matched by local name, so the original ``http://tempuri.org/sdnList.xsd``
namespace and the newer ``sanctionslistservice.ofac.treas.gov`` one read alike.

The list id cannot be told from the content (both lists use the same root, namespace and
programme tags), so it comes from the ``list_id`` argument or else the file name: a name
starting ``cons`` (``consolidated.xml``) is ``us-ofac-consolidated``, any other
``us-ofac-sdn``.

The publication date is ``Publish_Date``. A ``published`` argument is needed only for a file
without one; given for a file that has one, it must agree, or a
:class:`~watchlist.errors.ListFormatError` is raised. ``Record_Count``, when present, must equal
the number of entries read (counting rejected ones), which catches a truncated file.

How the fields map to an :class:`~watchlist.model.Entry`: ``uid`` is the id; the primary
name is ``lastName, firstName`` as in OFAC's CSV; ``akaList`` gives strong or weak aliases
by ``category``; ``dateOfBirthList`` gives birth dates, ``nationalityList`` and
``citizenshipList`` ISO alpha-2 nationalities, and ``idList`` identifiers (passports,
national, tax and registration numbers, IMO numbers). ``remarks`` holds the entry's own
remarks, then one labelled line for each fact not structured: title, places of birth,
other ``idList`` items (websites, sanctions notes), names of countries or dates this reader
cannot read, vessel details and addresses.

Digest: the SHA-256 of the file.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from watchlist.countries import country_code
from watchlist.dates import BirthDate
from watchlist.errors import InputError, ListFormatError
from watchlist.lists._support import file_digest, resolve_published
from watchlist.lists.formats import _ofac
from watchlist.lists.formats._xml import iter_elements, local_name, text_of
from watchlist.model import AliasStrength, EntityKind, Entry, Identifier, ListVersion, Rejection

__all__ = ["parse"]

_TAGS = frozenset({"publshInformation", "sdnEntry", "sdnList"})
_KINDS = {
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
}
_STRENGTHS = {"strong": AliasStrength.STRONG, "weak": AliasStrength.WEAK}
_PUBLISH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_VESSEL_LABELS = {
    "callSign": "Call sign",
    "vesselType": "Vessel type",
    "vesselFlag": "Vessel flag",
    "vesselOwner": "Vessel owner",
    "tonnage": "Tonnage",
    "grossRegisteredTonnage": "GRT",
}
_ADDRESS_PARTS = (
    "address1",
    "address2",
    "address3",
    "city",
    "stateOrProvince",
    "postalCode",
    "country",
)


def parse(
    path: Path | str,
    *,
    list_id: str | None = None,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: Literal["raise", "collect"] = "raise",
) -> ListVersion:
    """Read an OFAC legacy XML file (``sdn.xml`` or ``consolidated.xml``).

    A malformed entry raises :class:`~watchlist.errors.ListFormatError` naming the file and
    the entry's uid; with ``errors="collect"`` it is left out and reported in
    ``ListVersion.rejected``. An empty list is an error unless ``allow_empty``.
    """
    path = Path(path)
    if list_id is None:
        consolidated = path.name.lower().startswith("cons")
        list_id = _ofac.CONSOLIDATED_ID if consolidated else _ofac.SDN_ID
    if list_id not in (_ofac.SDN_ID, _ofac.CONSOLIDATED_ID):
        msg = f"not an OFAC legacy XML list id: {list_id!r}"
        raise InputError(msg, field="list_id", value=list_id)
    if errors not in ("raise", "collect"):
        msg = f"errors must be 'raise' or 'collect', got {errors!r}"
        raise InputError(msg, field="errors", value=errors)
    digest = file_digest(path)
    publish_date: dt.date | None = None
    record_count: int | None = None
    entries: list[Entry] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    root_seen = False
    for position, element in enumerate(iter_elements(path, _TAGS), 1):
        tag = local_name(element.tag)
        if tag == "sdnList":
            root_seen = True
        elif tag == "publshInformation":
            publish_date, record_count = _publish_information(element, path)
        else:
            try:
                entry = _entry(element, path, position)
                if entry.id in seen:
                    msg = f"duplicate uid {entry.id}"
                    raise ListFormatError(msg, path=path, record=entry.id)
            except ListFormatError as error:
                if errors == "raise":
                    raise
                rejected.append(Rejection(reason=error.reason, record=error.record))
                continue
            seen.add(entry.id)
            entries.append(entry)
    if not root_seen:
        msg = "not an OFAC legacy XML file: no sdnList root element"
        raise ListFormatError(msg, path=path)
    read = len(entries) + len(rejected)
    if record_count is not None and record_count != read:
        msg = f"Record_Count says {record_count} entries but the file has {read} (truncated?)"
        raise ListFormatError(msg, path=path)
    publish_date = resolve_published(published, publish_date, path=path, where="Publish_Date")
    if not entries and not allow_empty:
        msg = "the list has no entries (an empty OFAC list is never real; allow_empty=True)"
        raise ListFormatError(msg, path=path)
    return ListVersion(
        info=_ofac.list_info(list_id, publish_date),
        published=publish_date,
        digest=digest,
        location=str(path),
        entries=entries,
        rejected=rejected,
    )


def _publish_information(element: ET.Element, path: Path) -> tuple[dt.date | None, int | None]:
    date_text = text_of(element, "Publish_Date")
    count_text = text_of(element, "Record_Count")
    publish_date = None
    if date_text is not None:
        match = _PUBLISH_DATE.fullmatch(date_text)
        try:
            if match is None:
                raise ValueError
            month, day, year = (int(part) for part in match.groups())
            publish_date = dt.date(year, month, day)
        except ValueError:
            msg = f"Publish_Date {date_text!r} is not a MM/DD/YYYY date"
            raise ListFormatError(msg, path=path) from None
    if count_text is not None and not count_text.isdigit():
        msg = f"Record_Count {count_text!r} is not a number"
        raise ListFormatError(msg, path=path)
    return publish_date, int(count_text) if count_text is not None else None


Fields = dict[str, list[ET.Element]]


def _fields(element: ET.Element) -> Fields:
    """An element's children by local name, computed once so that lookups are cheap."""
    found: Fields = {}
    for child in element:
        found.setdefault(local_name(child.tag), []).append(child)
    return found


def _text(fields: Fields, name: str) -> str | None:
    """The stripped text of the first child named ``name``, or None if absent or empty."""
    for child in fields.get(name, ()):
        text = (child.text or "").strip()
        return text or None
    return None


def _items(fields: Fields, list_name: str, item_name: str) -> list[Fields]:
    """The fields of each item of a list child, such as each ``aka`` of ``akaList``."""
    return [
        _fields(item)
        for container in fields.get(list_name, ())
        for item in container
        if local_name(item.tag) == item_name
    ]


def _full_name(fields: Fields) -> str | None:
    last, first = _text(fields, "lastName"), _text(fields, "firstName")
    if last and first:
        return f"{last}, {first}"
    return last or first


def _entry(element: ET.Element, path: Path, position: int) -> Entry:
    fields = _fields(element)
    record = _text(fields, "uid")
    if record is None or not record.isdigit():
        msg = f"sdnEntry number {position} has no numeric uid"
        raise ListFormatError(msg, path=path, record=record)
    primary = _full_name(fields) if _text(fields, "lastName") else None
    kind_text = _text(fields, "sdnType")
    kind = _KINDS.get((kind_text or "").lower())
    if primary is None or kind is None:
        missing = "lastName" if primary is None else f"a known sdnType (got {kind_text!r})"
        msg = f"sdnEntry without {missing}"
        raise ListFormatError(msg, path=path, record=record)
    names = [_ofac.name(primary, AliasStrength.PRIMARY)]
    notes: list[str] = []
    remarks = _text(fields, "remarks")
    title = _text(fields, "title")
    if title:
        notes.append(f"Title: {title}")
    for aka in _items(fields, "akaList", "aka"):
        alias = _full_name(aka)
        category = (_text(aka, "category") or "strong").lower()
        strength = _STRENGTHS.get(category)
        if alias is None or strength is None:
            msg = f"aka {_text(aka, 'uid')} without a name or with category {category!r}"
            raise ListFormatError(msg, path=path, record=record)
        names.append(_ofac.name(alias, strength))
    birth_dates: list[BirthDate] = []
    for item in _items(fields, "dateOfBirthList", "dateOfBirthItem"):
        text = _text(item, "dateOfBirth")
        if text is None:
            continue
        birth_date = _ofac.parse_birth_date(text)
        if birth_date is None:
            notes.append(f"DOB: {text}")
        elif birth_date not in birth_dates:
            birth_dates.append(birth_date)
    notes.extend(
        f"POB: {text}"
        for item in _items(fields, "placeOfBirthList", "placeOfBirthItem")
        if (text := _text(item, "placeOfBirth"))
    )
    nationalities: list[str] = []
    for list_name, item_name in (
        ("nationalityList", "nationality"),
        ("citizenshipList", "citizenship"),
    ):
        for item in _items(fields, list_name, item_name):
            country = _text(item, "country")
            code = country_code(country)
            if code is None:
                notes.append(f"{item_name.capitalize()}: {country}")
            elif code not in nationalities:
                nationalities.append(code)
    identifiers: list[Identifier] = []
    for item in _items(fields, "idList", "id"):
        id_type, number = _text(item, "idType"), _text(item, "idNumber")
        country = _text(item, "idCountry")
        kind_name = _ofac.ID_KINDS.get(id_type or "")
        found = None
        if kind_name and country:
            found = _ofac.identifier(kind_name, number or "", country)
        elif kind_name:
            # Some numbers carry their country in the text: "1026303117642 (Russia)".
            found = _ofac.identifier_from_text(kind_name, number or "")
        if found is None:
            where = f" ({country})" if country else ""
            notes.append(" ".join(part for part in (id_type, number) if part) + where)
        elif found not in identifiers:
            identifiers.append(found)
    for vessel in fields.get("vesselInfo", ()):
        vessel_fields = _fields(vessel)
        notes.extend(
            f"{label}: {text}"
            for tag, label in _VESSEL_LABELS.items()
            if (text := _text(vessel_fields, tag))
        )
    for address in _items(fields, "addressList", "address"):
        parts = [text for part in _ADDRESS_PARTS if (text := _text(address, part))]
        if parts:
            notes.append(f"Address: {', '.join(parts)}")
    if notes:
        remarks = "\n".join([remarks, *notes] if remarks else notes)
    programmes = [
        (program.text or "").strip()
        for container in fields.get("programList", ())
        for program in container
        if local_name(program.tag) == "program"
    ]
    try:
        return Entry(
            id=record,
            kind=kind,
            names=names,
            programmes=programmes,
            birth_dates=birth_dates,
            nationalities=nationalities,
            identifiers=identifiers,
            remarks=remarks,
        )
    except InputError as error:
        msg = f"bad sdnEntry: {error}"
        raise ListFormatError(msg, path=path, record=record) from None
