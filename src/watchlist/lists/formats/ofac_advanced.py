"""OFAC's Advanced XML (``SDN_ADVANCED.XML``), in the UN-derived ``sanctions/1.0`` data model.

This is the only OFAC format with real listing dates, alias quality as a flag and names in
their original script. The document is normalised: ``ReferenceValueSets`` name every code
(alias types, party sub-types, feature types, document types, scripts, countries, legal
bases...), ``Locations`` and ``IDRegDocuments`` stand apart from the parties that refer to
them, and ``SanctionsEntries`` (listing events and programmes) come after the parties. The
reader streams the file, keeps a compact record of each party and assembles the entries at
the end.

How it maps to an :class:`~watchlist.model.Entry`:

- ``id`` is the ``Profile`` ID, which OFAC keeps equal to the legacy ``uid``/``ent_num``.
- ``kind`` from ``PartySubType`` (``Vessel``, ``Aircraft``) or else its ``PartyType``
  (``Individual`` a person, ``Entity`` an organisation).
- Names: one per ``DocumentedName`` of each ``Alias``. The ``Primary`` alias gives the
  primary name, a ``LowQuality`` alias weak names, any other strong ones. Latin name parts
  are joined with a ``Last Name`` part first and a comma after it, as in OFAC's other files
  (``MUTTAQI, Amir Khan``). A name whose parts are in another script keeps their documented
  order and carries that script's ISO 15924 code (``ScriptCode``, such as ``Arab``); the
  original-script form of the primary name is a strong name.
- ``Feature``: ``Birthdate`` gives ``birth_dates`` (a period from 1 January to 31 December is
  the year; any other span a range); ``Nationality Country`` and ``Citizenship Country``
  give ISO alpha-2 ``nationalities``; every other feature (place of birth, gender, vessel
  flag, website...) is kept in ``remarks`` as ``Type: value``.
- ``IDRegDocument``: passports, national, tax and registration numbers and IMO numbers
  become ``identifiers`` (the document types are OFAC's legacy names); other documents go
  to ``remarks``.
- ``SanctionsEntry``: each ``SanctionsMeasure`` of type ``Program`` names a programme; the
  earliest ``EntryEvent`` is the listing date, and becomes a
  :class:`~watchlist.model.Designation` starting that day whose basis names the event's
  legal basis. These designations are the entry's own, so a
  :class:`~watchlist.lists.timeline.Timeline` keeps them rather than deriving dates from versions.

The list id comes from the ``list_id`` argument or else from the file: when a sanctions
entry is on the list named ``SDN List`` it is ``us-ofac-sdn``, otherwise
``us-ofac-consolidated``. The publication date is ``DateOfIssue``; a ``published`` argument
is needed only when it is missing and must otherwise agree with it. The digest is the
file's SHA-256.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import attrs

from watchlist.countries import country_code
from watchlist.dates import BirthDate, DateRange, PartialDate
from watchlist.errors import InputError, ListFormatError
from watchlist.lists._support import file_digest, resolve_published
from watchlist.lists.formats import _ofac
from watchlist.lists.formats._xml import iter_elements, local_name
from watchlist.model import (
    AliasStrength,
    Designation,
    EntityKind,
    Entry,
    Identifier,
    ListVersion,
    Name,
    Rejection,
)

__all__ = ["parse"]

_TAGS = frozenset(
    {
        "Sanctions",
        "DateOfIssue",
        "ReferenceValueSets",
        "Location",
        "IDRegDocument",
        "DistinctParty",
        "SanctionsEntry",
    }
)
_SDN_LIST = "SDN List"
_PARTY_KINDS = {
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
    "individual": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
}
_BIRTH_DATE = "birthdate"
_NATIONALITY_FEATURES = frozenset({"nationality country", "citizenship country"})
_LAST_NAME = "last name"


@attrs.frozen
class _Party:
    """What one DistinctParty says, with codes still unresolved where they point forward."""

    profile: str
    kind: EntityKind
    names: tuple[Name, ...]
    birth_dates: tuple[BirthDate, ...]
    nationalities: tuple[str, ...]
    notes: tuple[str, ...]
    identities: tuple[str, ...]


@attrs.frozen
class _Sanction:
    profile: str
    list_name: str
    programmes: tuple[str, ...]
    designation: Designation
    notes: tuple[str, ...]


class _Document:
    """The file being read: its reference values, locations and documents so far."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, dict[str, ET.Element]] = {}
        self.locations: dict[str, tuple[str | None, str]] = {}
        self.documents: dict[str, list[tuple[Identifier | None, str]]] = {}

    def value(self, kind: str, code: str | None, record: str | None) -> str:
        """The text of reference value ``code`` of set ``kind`` (``AliasType``, ``Script``...)."""
        element = self.element(kind, code, record)
        return (element.text or "").strip()

    def element(self, kind: str, code: str | None, record: str | None) -> ET.Element:
        found = self.values.get(kind, {}).get(code or "")
        if found is None:
            msg = f"{kind} {code!r} is not in ReferenceValueSets"
            raise ListFormatError(msg, path=self.path, record=record)
        return found

    def country(self, code: str | None, record: str | None) -> str | None:
        element = self.element("Country", code, record)
        iso2 = (element.get("ISO2") or "").strip()
        return iso2.upper() if len(iso2) == 2 else country_code(element.text)

    def read_values(self, element: ET.Element) -> None:
        for value_set in element:
            for value in value_set:
                code = value.get("ID")
                if code is not None:
                    self.values.setdefault(local_name(value.tag), {})[code] = value

    def read_location(self, element: ET.Element) -> None:
        code = element.get("ID", "")
        country = None
        parts = []
        for child in element:
            tag = local_name(child.tag)
            if tag == "LocationCountry":
                country_id = child.get("CountryID")
                country = self.country(country_id, None)
                name = self.value("Country", country_id, None)
                parts.append(name)
            elif tag == "LocationPart":
                parts[:0] = [
                    (value.text or "").strip()
                    for part_value in child
                    if local_name(part_value.tag) == "LocationPartValue"
                    and part_value.get("Primary", "true") == "true"
                    for value in part_value
                    if local_name(value.tag) == "Value" and (value.text or "").strip()
                ]
        self.locations[code] = (country, ", ".join(parts))

    def read_document(self, element: ET.Element) -> None:
        identity = element.get("IdentityID", "")
        doc_type = self.value("IDRegDocType", element.get("IDRegDocTypeID"), None)
        number = _child_text(element, "IDRegistrationNo") or ""
        country_id = element.get("IssuedBy-CountryID")
        country = self.value("Country", country_id, None) if country_id else None
        kind = _ofac.ID_KINDS.get(doc_type)
        found = _ofac.identifier(kind, number, country) if kind else None
        where = f" ({country})" if country else ""
        note = f"{doc_type} {number}{where}".strip()
        self.documents.setdefault(identity, []).append((found, note))


def parse(
    path: Path | str,
    *,
    list_id: str | None = None,
    published: dt.date | str | None = None,
    allow_empty: bool = False,
    errors: Literal["raise", "collect"] = "raise",
) -> ListVersion:
    """Read an OFAC Advanced XML file (``SDN_ADVANCED.XML`` or its consolidated twin).

    A malformed party or sanctions entry raises :class:`~watchlist.errors.ListFormatError`
    naming the file and the profile; with ``errors="collect"`` it is left out and reported
    in ``ListVersion.rejected``. An empty list is an error unless ``allow_empty``.
    """
    path = Path(path)
    if list_id is not None and list_id not in (_ofac.SDN_ID, _ofac.CONSOLIDATED_ID):
        msg = f"not an OFAC list id: {list_id!r}"
        raise InputError(msg, field="list_id", value=list_id)
    if errors not in ("raise", "collect"):
        msg = f"errors must be 'raise' or 'collect', got {errors!r}"
        raise InputError(msg, field="errors", value=errors)
    document = _Document(path)
    issued: dt.date | None = None
    parties: dict[str, _Party] = {}
    sanctions: dict[str, list[_Sanction]] = {}
    rejected: list[Rejection] = []
    list_names: set[str] = set()
    root_seen = False

    def reject(error: ListFormatError) -> None:
        if errors == "raise":
            raise error
        rejected.append(Rejection(reason=error.reason, record=error.record))

    for element in iter_elements(path, _TAGS):
        tag = local_name(element.tag)
        try:
            if tag == "Sanctions":
                root_seen = True
            elif tag == "DateOfIssue":
                issued = _date(element, path)
            elif tag == "ReferenceValueSets":
                document.read_values(element)
            elif tag == "Location":
                document.read_location(element)
            elif tag == "IDRegDocument":
                document.read_document(element)
            elif tag == "DistinctParty":
                for party in _parties(element, document):
                    if party.profile in parties:
                        msg = f"duplicate Profile ID {party.profile}"
                        raise ListFormatError(msg, path=path, record=party.profile)
                    parties[party.profile] = party
            else:
                sanction = _sanction(element, document)
                list_names.add(sanction.list_name)
                sanctions.setdefault(sanction.profile, []).append(sanction)
        except ListFormatError as error:
            if tag in ("DistinctParty", "SanctionsEntry"):
                reject(error)
            else:
                raise
    if not root_seen:
        msg = "not an OFAC Advanced XML file: no Sanctions root element"
        raise ListFormatError(msg, path=path)
    issued = resolve_published(published, issued, path=path, where="DateOfIssue")
    entries = []
    for profile, party in parties.items():
        try:
            entries.append(_entry(party, sanctions.pop(profile, []), document))
        except ListFormatError as error:
            reject(error)
    for profile in sanctions:
        reject(ListFormatError("SanctionsEntry for an unknown profile", path=path, record=profile))
    if not entries and not allow_empty:
        msg = "the list has no entries (an empty OFAC list is never real; allow_empty=True)"
        raise ListFormatError(msg, path=path)
    if list_id is None:
        list_id = _ofac.SDN_ID if _SDN_LIST in list_names else _ofac.CONSOLIDATED_ID
    return ListVersion(
        info=_ofac.list_info(list_id, issued),
        published=issued,
        digest=file_digest(path),
        location=str(path),
        entries=entries,
        rejected=rejected,
    )


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local_name(child.tag) == name]


def _child_text(element: ET.Element, name: str) -> str | None:
    for child in _children(element, name):
        text = (child.text or "").strip()
        if text:
            return text
    return None


def _date(element: ET.Element, path: Path, record: str | None = None) -> dt.date:
    """A ``Year``/``Month``/``Day`` element (``DateOfIssue``, ``Date``, ``From``, ``To``)."""
    parts = [_child_text(element, name) for name in ("Year", "Month", "Day")]
    try:
        year, month, day = (int(part or "") for part in parts)
        return dt.date(year, month, day)
    except ValueError:
        msg = f"{local_name(element.tag)} is not a date: {'-'.join(p or '?' for p in parts)}"
        raise ListFormatError(msg, path=path, record=record) from None


def _span_to_birth_date(first: dt.date, last: dt.date) -> BirthDate:
    """The partial date or range a span of days means: 1 Jan to 31 Dec 1964 is ``1964``."""
    whole_years = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
    next_day = last + dt.timedelta(days=1)
    whole_months = first.day == 1 and next_day.day == 1
    if whole_years:
        start, end = PartialDate(first.year), PartialDate(last.year)
    elif whole_months:
        start, end = PartialDate(first.year, first.month), PartialDate(last.year, last.month)
    else:
        start = PartialDate(first.year, first.month, first.day)
        end = PartialDate(last.year, last.month, last.day)
    return start if start == end else DateRange(start, end)


def _birth_date(period: ET.Element, path: Path, record: str) -> BirthDate:
    """A ``DatePeriod``: the earliest day its ``Start`` allows to the latest its ``End`` does."""
    bounds: list[dt.date] = []
    for boundary in ("Start", "End"):
        for element in _children(period, boundary):
            bounds.extend(
                _date(point, path, record)
                for name in ("From", "To")
                for point in _children(element, name)
            )
    if not bounds:
        msg = "a Birthdate DatePeriod without Start or End"
        raise ListFormatError(msg, path=path, record=record)
    return _span_to_birth_date(min(bounds), max(bounds))


def _parties(element: ET.Element, document: _Document) -> Iterable[_Party]:
    path = document.path
    notes = [text for comment in _children(element, "Comment") if (text := comment.text)]
    for profile in _children(element, "Profile"):
        record = profile.get("ID")
        if not record:
            msg = f"a Profile without an ID in DistinctParty {element.get('FixedRef')!r}"
            raise ListFormatError(msg, path=path, record=element.get("FixedRef"))
        subtype = document.element("PartySubType", profile.get("PartySubTypeID"), record)
        party_type = document.value("PartyType", subtype.get("PartyTypeID"), record)
        kind = _PARTY_KINDS.get((subtype.text or "").strip().lower()) or _PARTY_KINDS.get(
            party_type.lower()
        )
        if kind is None:
            msg = f"unknown party type {party_type!r} ({(subtype.text or '').strip()!r})"
            raise ListFormatError(msg, path=path, record=record)
        names: list[Name] = []
        identities = []
        for identity in _children(profile, "Identity"):
            identities.append(identity.get("ID", ""))
            names.extend(_identity_names(identity, document, record))
        primaries = [name for name in names if name.strength is AliasStrength.PRIMARY]
        if len(primaries) != 1:
            msg = f"a profile needs one primary Latin-script name, found {len(primaries)}"
            raise ListFormatError(msg, path=path, record=record)
        names.remove(primaries[0])
        birth_dates: list[BirthDate] = []
        nationalities: list[str] = []
        party_notes = list(notes)
        for feature in _children(profile, "Feature"):
            feature_type = document.value("FeatureType", feature.get("FeatureTypeID"), record)
            for version in _children(feature, "FeatureVersion"):
                _read_feature(
                    feature_type,
                    version,
                    document,
                    record,
                    birth_dates,
                    nationalities,
                    party_notes,
                )
        yield _Party(
            profile=record,
            kind=kind,
            names=(primaries[0], *names),
            birth_dates=tuple(birth_dates),
            nationalities=tuple(nationalities),
            notes=tuple(party_notes),
            identities=tuple(identities),
        )


def _identity_names(identity: ET.Element, document: _Document, record: str) -> list[Name]:
    part_types = {
        group.get("ID", ""): document.value("NamePartType", group.get("NamePartTypeID"), record)
        for groups in _children(identity, "NamePartGroups")
        for master in _children(groups, "MasterNamePartGroup")
        for group in _children(master, "NamePartGroup")
    }
    names = []
    for alias in _children(identity, "Alias"):
        primary = alias.get("Primary") == "true"
        weak = alias.get("LowQuality") == "true"
        for documented in _children(alias, "DocumentedName"):
            parts: list[tuple[str, str]] = []
            scripts = set()
            for part in _children(documented, "DocumentedNamePart"):
                for value in _children(part, "NamePartValue"):
                    text = (value.text or "").strip()
                    if not text:
                        continue
                    group = value.get("NamePartGroupID", "")
                    if group not in part_types:
                        msg = f"NamePartGroupID {group!r} is not in the identity's groups"
                        raise ListFormatError(msg, path=document.path, record=record)
                    parts.append((part_types[group].lower(), text))
                    script_value = document.element("Script", value.get("ScriptID"), record)
                    scripts.add(script_value.get("ScriptCode") or "")
            if not parts:
                continue
            script = scripts.pop() if len(scripts) == 1 else ""
            latin = script in ("", "Latn")
            if weak:
                strength = AliasStrength.WEAK
            elif primary and latin:
                strength = AliasStrength.PRIMARY
            else:
                strength = AliasStrength.STRONG
            value_text = _joined(parts, latin=latin)
            names.append(
                _ofac.name(value_text, strength) if latin else Name(value_text, strength, script)
            )
    return names


def _joined(parts: list[tuple[str, str]], *, latin: bool) -> str:
    """Latin name parts as OFAC's other files write them, ``LAST, Given Names``; parts in
    another script in their documented order, as the original script writes the name."""
    last = [text for kind, text in parts if kind == _LAST_NAME]
    rest = [text for kind, text in parts if kind != _LAST_NAME]
    if latin and last and rest:
        return f"{' '.join(last)}, {' '.join(rest)}"
    return " ".join(text for _kind, text in parts)


def _read_feature(
    feature_type: str,
    version: ET.Element,
    document: _Document,
    record: str,
    birth_dates: list[BirthDate],
    nationalities: list[str],
    notes: list[str],
) -> None:
    kind = feature_type.lower()
    if kind == _BIRTH_DATE:
        for period in _children(version, "DatePeriod"):
            birth_date = _birth_date(period, document.path, record)
            if birth_date not in birth_dates:
                birth_dates.append(birth_date)
        return
    locations = []
    for place in _children(version, "VersionLocation"):
        location = document.locations.get(place.get("LocationID", ""))
        if location is None:
            msg = f"LocationID {place.get('LocationID')!r} is not among the Locations"
            raise ListFormatError(msg, path=document.path, record=record)
        locations.append(location)
    if kind in _NATIONALITY_FEATURES and locations:
        for code, place_text in locations:
            if code is None:
                notes.append(f"{feature_type}: {place_text}")
            elif code not in nationalities:
                nationalities.append(code)
        return
    details = [text for detail in _children(version, "VersionDetail") if (text := detail.text)]
    details.extend(place_text for _code, place_text in locations)
    details.extend(
        str(_birth_date(period, document.path, record))
        for period in _children(version, "DatePeriod")
    )
    if details:
        notes.append(f"{feature_type}: {'; '.join(details)}")


def _sanction(element: ET.Element, document: _Document) -> _Sanction:
    record = element.get("ProfileID", "")
    path = document.path
    list_name = document.value("List", element.get("ListID"), record)
    programmes = []
    notes = [f"List: {list_name}"]
    for measure in _children(element, "SanctionsMeasure"):
        measure_type = document.value("SanctionsType", measure.get("SanctionsTypeID"), record)
        comment = _child_text(measure, "Comment")
        if measure_type.lower() == "program" and comment:
            programmes.append(comment)
        elif comment:
            notes.append(f"{measure_type}: {comment}")
    events = []
    for event in _children(element, "EntryEvent"):
        dates = _children(event, "Date")
        if not dates:
            msg = "an EntryEvent without a Date"
            raise ListFormatError(msg, path=path, record=record)
        event_type = document.value("EntryEventType", event.get("EntryEventTypeID"), record)
        basis = event_type
        if event.get("LegalBasisID") is not None:
            legal = document.element("LegalBasis", event.get("LegalBasisID"), record)
            short = legal.get("LegalBasisShortRef")
            text = (legal.text or "").strip()
            basis = f"{event_type} under {text}" + (f" ({short})" if short else "")
        events.append((_date(dates[0], path, record), basis))
    if not events:
        msg = "a SanctionsEntry without an EntryEvent"
        raise ListFormatError(msg, path=path, record=record)
    start, basis = min(events)
    return _Sanction(
        profile=record,
        list_name=list_name,
        programmes=tuple(programmes),
        designation=Designation(start=start, basis=f"{list_name}: {basis}"),
        notes=tuple(notes),
    )


def _entry(party: _Party, sanctions: list[_Sanction], document: _Document) -> Entry:
    record = party.profile
    if not sanctions:
        msg = "a profile without a SanctionsEntry"
        raise ListFormatError(msg, path=document.path, record=record)
    identifiers: list[Identifier] = []
    notes = list(party.notes)
    for identity in party.identities:
        for found, note in document.documents.get(identity, ()):
            if found is None:
                notes.append(note)
            elif found not in identifiers:
                identifiers.append(found)
    programmes: list[str] = []
    for sanction in sanctions:
        programmes.extend(p for p in sanction.programmes if p not in programmes)
        notes.extend(sanction.notes)
    return Entry(
        id=record,
        kind=party.kind,
        names=party.names,
        programmes=programmes,
        birth_dates=party.birth_dates,
        nationalities=party.nationalities,
        identifiers=identifiers,
        remarks="\n".join(notes) or None,
        designations=[sanction.designation for sanction in sanctions],
    )
