"""The value classes: what is screened, what is listed, and the record of a screening.

Every class is frozen and slotted. Constructors take loose input (ISO strings for dates,
plain strings for names, lists for tuples) and convert it once, at the boundary; what comes
out is always concrete: ``date``, :class:`~watchlist.dates.PartialDate`, tuples, enums.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from watchlist._rules import to_date
from watchlist.dates import BirthDate, DateRange, PartialDate, parse_birth_date
from watchlist.errors import InputError


class EntityKind(enum.StrEnum):
    """What sort of party a name belongs to."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


_KIND_SYNONYMS = {
    "individual": EntityKind.PERSON,
    "natural person": EntityKind.PERSON,
    "entity": EntityKind.ORGANIZATION,
    "organisation": EntityKind.ORGANIZATION,
    "company": EntityKind.ORGANIZATION,
    "legal person": EntityKind.ORGANIZATION,
    "": EntityKind.UNKNOWN,
}


def to_kind(value: str | EntityKind | None) -> EntityKind:
    """An :class:`EntityKind` from its value or a common synonym (``individual``, ``entity``)."""
    if isinstance(value, EntityKind):
        return value
    text = (value or "").strip().lower()
    if text in _KIND_SYNONYMS:
        return _KIND_SYNONYMS[text]
    try:
        return EntityKind(text)
    except ValueError:
        known = ", ".join(kind.value for kind in EntityKind)
        msg = f"unknown kind {value!r}; expected one of {known}"
        raise InputError(msg, field="kind", value=value) from None


class AliasStrength(enum.StrEnum):
    """How much a listed name is worth: the primary name, a strong alias, or a weak one.

    Regulators flag some aliases as weak ("low quality": OFAC's ``a.k.a. 'X'`` in remarks,
    the UN's ``QUALITY Low``): too vague to identify a party on their own.
    """

    PRIMARY = "primary"
    STRONG = "strong"
    WEAK = "weak"


class EndReason(enum.StrEnum):
    """Why a designation stopped being in force."""

    DELISTED = "delisted"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    #: The record was replaced by an amended record of the same listing in a later version.
    SUPERSEDED = "superseded"


class Coverage(enum.StrEnum):
    """Whether a list file holds the whole list or only an excerpt of it."""

    COMPLETE = "complete"
    EXCERPT = "excerpt"


def _optional_date(value: str | dt.date | None) -> dt.date | None:
    return None if value is None else to_date(value)


def _strings(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    return tuple(value.strip() for value in values if value and value.strip())


def _countries(values: Iterable[str] | str | None) -> tuple[str, ...]:
    return tuple(value.upper() for value in _strings(values))


def _stripped(value: object) -> str:
    return str(value).strip()


def _optional_stripped(value: object) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


def _optional_country(value: str | None) -> str | None:
    return value.strip().upper() if value else None


_SCRIPT_CODES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "THAI": "Thai",
}


def script_of(text: str) -> str:
    """The ISO 15924 code of the script most letters of ``text`` are in (``Zyyy`` if none)."""
    if text.isascii():
        # The only ASCII letters are Latin ones: no need to look each character up.
        return "Latn" if any(char.isalpha() for char in text) else "Zyyy"
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            family = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
            counts[_SCRIPT_CODES.get(family, "Zyyy")] += 1
    if not counts:
        return "Zyyy"
    return counts.most_common(1)[0][0]


def _script_of_value(name: Name) -> str:
    return script_of(name.value)


@attrs.frozen
class Name:
    """One name of a party, in one script, with the weight the list gives it."""

    value: str = attrs.field(converter=_stripped)
    strength: AliasStrength = attrs.field(default=AliasStrength.STRONG, converter=AliasStrength)
    script: str = attrs.field(default=attrs.Factory(_script_of_value, takes_self=True))
    lang: str | None = None

    @value.validator
    def _not_blank(self, _attribute: object, value: str) -> None:
        if not value:
            msg = "a name cannot be empty"
            raise InputError(msg, field="name", value=value)


NameInput = Name | str | Mapping[str, Any]


def _name(value: NameInput, strength: AliasStrength) -> Name:
    if isinstance(value, Name):
        return value
    if isinstance(value, str):
        return Name(value, strength)
    fields = dict(value)
    fields.setdefault("strength", strength)
    return Name(**fields)


def _entry_names(values: Iterable[NameInput]) -> tuple[Name, ...]:
    """The first name given is the primary name; the rest default to strong aliases."""
    names = tuple(
        _name(value, AliasStrength.PRIMARY if position == 0 else AliasStrength.STRONG)
        for position, value in enumerate(values)
    )
    if not names:
        msg = "a listed entry needs at least one name"
        raise InputError(msg, field="names")
    return names


def _upper(value: object) -> str:
    return str(value).strip().upper()


def _lower(value: object) -> str:
    return str(value).strip().lower()


@attrs.frozen
class Identifier:
    """A document or registration number: passport, national ID, tax number, IMO number."""

    kind: str = attrs.field(converter=_lower)
    value: str = attrs.field(converter=_stripped)
    country: str | None = attrs.field(default=None, converter=_optional_country)

    def __str__(self) -> str:
        country = f" ({self.country})" if self.country else ""
        return f"{self.kind} {self.value}{country}"


def _identifiers(values: Iterable[Identifier | Mapping[str, Any]] | None) -> tuple[Identifier, ...]:
    return tuple(
        value if isinstance(value, Identifier) else Identifier(**value) for value in values or ()
    )


def _birth_dates(values: Iterable[str | dt.date | BirthDate] | str | None) -> tuple[BirthDate, ...]:
    if values is None:
        return ()
    if isinstance(values, str | dt.date | PartialDate | DateRange):
        values = [values]
    return tuple(parse_birth_date(value) for value in values)


def _optional_birth_date(value: str | dt.date | BirthDate | None) -> BirthDate | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_birth_date(value)


@attrs.frozen
class Party:
    """A counterparty to screen: a name, and whatever else the bank knows of it."""

    name: str = attrs.field(converter=_stripped)
    kind: EntityKind = attrs.field(default=EntityKind.UNKNOWN, converter=to_kind)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    birth_date: BirthDate | None = attrs.field(default=None, converter=_optional_birth_date)
    nationalities: tuple[str, ...] = attrs.field(default=(), converter=_countries)
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_identifiers)
    #: The bank's own identifier of the customer (a batch file's ``--id-column``): what a
    #: recorded decision on a hit is keyed by. It plays no part in matching.
    customer_id: str | None = attrs.field(default=None, converter=_optional_stripped)

    @name.validator
    def _not_blank(self, _attribute: object, value: str) -> None:
        if not value:
            msg = "the name to screen is empty"
            raise InputError(msg, field="name", value=value)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@attrs.frozen
class Designation:
    """One interval during which a listing is in force: ``start <= day < end``."""

    start: dt.date = attrs.field(converter=to_date)
    basis: str
    source: str | None = None
    end: dt.date | None = attrs.field(default=None, converter=_optional_date)
    end_reason: EndReason | None = attrs.field(
        default=None, converter=attrs.converters.optional(EndReason)
    )
    end_basis: str | None = None
    end_source: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            msg = f"designation ends ({self.end}) on or before it starts ({self.start})"
            raise InputError(msg, field="end", value=self.end)
        if (self.end is None) != (self.end_reason is None):
            msg = "a designation has an end date if and only if it has an end reason"
            raise InputError(msg, field="end_reason", value=self.end_reason)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _designations(values: Iterable[Designation]) -> tuple[Designation, ...]:
    return tuple(values)


@attrs.frozen
class Entry:
    """A listed party, as one version of one list describes it."""

    id: str = attrs.field(converter=_stripped)
    kind: EntityKind = attrs.field(converter=to_kind)
    names: tuple[Name, ...] = attrs.field(converter=_entry_names)
    programmes: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    birth_dates: tuple[BirthDate, ...] = attrs.field(default=(), converter=_birth_dates)
    nationalities: tuple[str, ...] = attrs.field(default=(), converter=_countries)
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_identifiers)
    remarks: str | None = None
    sources: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    #: In-force intervals. Curated lists state them; for official lists published as snapshots
    #: the timeline derives them from the versions an entry appears in.
    designations: tuple[Designation, ...] = attrs.field(default=(), converter=_designations)

    @property
    def primary_name(self) -> Name:
        return self.names[0]

    @property
    def content_digest(self) -> str:
        """SHA-256 (hex) of what identifies the listed party: a canonical JSON of the id, kind,
        names (value, strength, script), programmes, dates of birth, nationalities,
        identifiers and designations (each one's start and basis).

        A recorded decision on a hit holds this digest, and stops applying when it changes.
        Remarks and sources are left out on purpose: lists re-word remarks and move source
        links often, and such edits say nothing new about who is listed, so they must not
        reopen every hit an analyst cleared. A new name, date of birth, identifier or
        designation does. A designation's end is left out too: for an official list it is
        worked out from the versions loaded (the first later version without the entry), so a
        screening as of a past day would otherwise give another digest once a newer version is
        stored; an entry whose designation ended is no longer a hit anyway, and a relisting
        adds a designation, which changes the digest.
        """
        content = {
            "id": self.id,
            "kind": str(self.kind),
            "names": [[name.value, str(name.strength), name.script] for name in self.names],
            "programmes": list(self.programmes),
            "birth_dates": [str(birth) for birth in self.birth_dates],
            "nationalities": list(self.nationalities),
            "identifiers": [[i.kind, i.value, i.country] for i in self.identifiers],
            "designations": [[d.start.isoformat(), d.basis] for d in self.designations],
        }
        text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def designation_on(self, day: dt.date) -> Designation | None:
        """The designation in force on ``day``, or ``None``."""
        return next((d for d in self.designations if d.covers(day)), None)


@attrs.frozen
class ListInfo:
    """What a list is: who publishes it, for which jurisdiction, and how far it can be trusted."""

    id: str
    title: str
    authority: str
    jurisdiction: str = attrs.field(converter=_upper)
    coverage: Coverage = attrs.field(converter=Coverage)
    #: The first day the list's data describes; earlier dates raise NoCoverageError.
    coverage_start: dt.date = attrs.field(converter=to_date)
    #: How many days after its newest version the list may be used before it is stale.
    max_age_days: int = attrs.field(validator=attrs.validators.ge(0))
    source: str | None = None


def _entries(values: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(values)


@attrs.frozen
class Rejection:
    """A source record a reader could not use, kept so that nothing is dropped silently."""

    reason: str
    record: str | None = None
    line: int | None = None


def _rejections(values: Iterable[Rejection]) -> tuple[Rejection, ...]:
    return tuple(values)


@attrs.frozen
class ListVersion:
    """One published version of a list: its entries exactly as published, with its digest."""

    info: ListInfo
    published: dt.date = attrs.field(converter=to_date)
    #: SHA-256 of the file (or files) the version was read from, in hex.
    digest: str
    #: Where the version was read from.
    location: str
    entries: tuple[Entry, ...] = attrs.field(converter=_entries)
    #: Records rejected by a reader run with ``errors="collect"``; empty otherwise.
    rejected: tuple[Rejection, ...] = attrs.field(default=(), converter=_rejections)


@attrs.frozen
class FeatureScore:
    """One feature's contribution to a match, with a sentence saying why."""

    feature: str
    score: float
    weight: float
    detail: str


def _features(values: Iterable[FeatureScore]) -> tuple[FeatureScore, ...]:
    return tuple(values)


@attrs.frozen
class Match:
    """How well a query matches one listed entry, and why."""

    score: float
    #: The listed name that gave the best score.
    name: Name
    #: The query name (the party's name or one of its aliases) that gave it.
    query_name: str
    features: tuple[FeatureScore, ...] = attrs.field(converter=_features)

    @property
    def explanation(self) -> str:
        return "; ".join(f"{f.feature} {f.score:.2f}: {f.detail}" for f in self.features)


@attrs.frozen
class ListUse:
    """The exact list version a screening used: enough to reproduce and audit it."""

    list_id: str
    title: str
    published: dt.date
    digest: str
    coverage: Coverage
    location: str


class DecisionOutcome(enum.StrEnum):
    """What an analyst decided about a hit: a false positive, a true match, or neither any more."""

    #: A false positive: the hit is reported as cleared while the decision applies.
    CLEARED = "cleared"
    #: A true match: the hit keeps alerting, with the decision attached.
    CONFIRMED = "confirmed"
    #: The earlier decision for the same customer, list and entry is withdrawn.
    REVOKED = "revoked"


class HitStatus(enum.StrEnum):
    """Whether a hit alerts, or is covered by an analyst's ``cleared`` decision."""

    ALERT = "alert"
    CLEARED = "cleared"


def _datetime_utc(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            msg = f"not an ISO date and time: {value!r}"
            raise InputError(msg, field="decided_at", value=value) from None
    if not isinstance(value, dt.datetime):
        msg = f"not a date and time: {value!r}"
        raise InputError(msg, field="decided_at", value=value)
    if value.tzinfo is None:
        msg = f"a decision's time needs its UTC offset: {value.isoformat()}"
        raise InputError(msg, field="decided_at", value=value)
    return value.astimezone(dt.UTC)


def _required(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            msg = f"a decision needs a non-empty {field}"
            raise InputError(msg, field=field, value=value)

    return check


def _digest_or_empty(field: str) -> Any:
    def check(instance: Decision, _attribute: object, value: str) -> None:
        if instance.outcome is DecisionOutcome.REVOKED and not value:
            return
        if len(value) != 64 or any(char not in "0123456789abcdef" for char in value):
            msg = f"{field} must be a SHA-256 in lower-case hex (64 characters), got {value!r}"
            raise InputError(msg, field=field, value=value)

    return check


@attrs.frozen
class Decision:
    """An analyst's decision on one hit: customer, list entry, the data both had, and why.

    Keyed by (``customer_id``, ``list_id``, ``entry_id``). It covers the hit only while the
    customer's data (``customer_digest``, see :func:`watchlist.screening.decisions.customer_digest`)
    and the entry's content (:attr:`Entry.content_digest`) are the ones decided on, and before
    ``expires`` (a day, compared with the screening's as-of date).
    """

    customer_id: str = attrs.field(converter=_stripped, validator=_required("customer_id"))
    list_id: str = attrs.field(converter=_stripped, validator=_required("list_id"))
    entry_id: str = attrs.field(converter=_stripped, validator=_required("entry_id"))
    outcome: DecisionOutcome = attrs.field(converter=DecisionOutcome)
    decided_by: str = attrs.field(converter=_stripped, validator=_required("decided_by"))
    decided_at: dt.datetime = attrs.field(converter=_datetime_utc)
    reason: str = attrs.field(converter=_stripped, validator=_required("reason"))
    customer_digest: str = attrs.field(
        default="", converter=_lower, validator=_digest_or_empty("customer_digest")
    )
    entry_digest: str = attrs.field(
        default="", converter=_lower, validator=_digest_or_empty("entry_digest")
    )
    expires: dt.date | None = attrs.field(default=None, converter=_optional_date)
    #: The line of the decision file it was read from (0 when not read from a file).
    line: int = attrs.field(default=0, eq=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.customer_id, self.list_id, self.entry_id


@attrs.frozen
class Hit:
    """A listed entry, in force on the as-of date, that the query matched at or above threshold.

    Screened with decisions, a hit carries the ``decision`` that applies to it (a valid
    ``cleared`` one makes its :attr:`status` ``cleared``), or in ``lapsed`` why the latest
    decision on it no longer applies (the entry or the customer's data changed, it expired,
    it was revoked).
    """

    list_id: str
    entry: Entry
    designation: Designation
    match: Match
    decision: Decision | None = None
    lapsed: str | None = None

    @property
    def status(self) -> HitStatus:
        if self.decision is not None and self.decision.outcome is DecisionOutcome.CLEARED:
            return HitStatus.CLEARED
        return HitStatus.ALERT

    @property
    def entry_id(self) -> str:
        return self.entry.id

    @property
    def matched_name(self) -> Name:
        return self.match.name

    @property
    def score(self) -> float:
        return self.match.score


def _list_uses(values: Iterable[ListUse]) -> tuple[ListUse, ...]:
    return tuple(values)


def _hits(values: Iterable[Hit]) -> tuple[Hit, ...]:
    return tuple(values)


@attrs.frozen
class ScreeningResult:
    """The audit record of one screening: the query, the parameters, the lists used, the hits."""

    query: Party
    jurisdiction: str
    as_of: dt.date
    threshold: float
    scorer: str
    lists_used: tuple[ListUse, ...] = attrs.field(converter=_list_uses)
    hits: tuple[Hit, ...] = attrs.field(converter=_hits)

    @property
    def is_hit(self) -> bool:
        """Whether anything matched, cleared hits included."""
        return bool(self.hits)

    @property
    def alerts(self) -> tuple[Hit, ...]:
        """The hits that alert: every hit but those a valid ``cleared`` decision covers."""
        return tuple(hit for hit in self.hits if hit.status is HitStatus.ALERT)

    @property
    def cleared(self) -> tuple[Hit, ...]:
        """The hits a valid ``cleared`` decision covers."""
        return tuple(hit for hit in self.hits if hit.status is HitStatus.CLEARED)
