"""What changed on a list, or in a jurisdiction, between two dates.

The entries in force on ``from_date`` are compared with those in force on ``to_date``,
keyed by (list id, entry id):

- **added**: in force on the second date only;
- **removed**: in force on the first date only, with how its designation ended (delisted,
  suspended, expired) and on what basis, or that the jurisdiction stopped applying its list;
- **changed**: in force on both, with the fields that differ. Names, birth dates,
  nationalities, identifiers, programmes and sources are compared as sets (what was added,
  what was removed); kind and remarks as before and after.

For a jurisdiction, an entry counts only while the jurisdiction applies its list: a list it
starts applying between the dates brings all its entries in as added. A date on which the
jurisdiction applies no list at all raises :class:`~watchlist.errors.NoCoverageError`.

Dates fail closed as screening does: a date before a list's coverage raises
:class:`~watchlist.errors.NoCoverageError`, a date too long after its newest version raises
:class:`~watchlist.errors.StaleListError` unless ``accept_stale`` is given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from watchlist._rules import DateInput, date_span, jurisdiction_code
from watchlist.errors import InputError, ListNotFoundError, NoCoverageError
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.lists.loading import LoadedLists, missing_list
from watchlist.lists.timeline import Timeline
from watchlist.model import Designation, EndReason, Entry

#: How each compared field reads from an entry: sets of strings, or one optional string.
_SET_FIELDS: dict[str, Callable[[Entry], Iterable[str]]] = {
    "names": lambda entry: (f"{name.value} ({name.strength})" for name in entry.names),
    "birth_dates": lambda entry: (str(value) for value in entry.birth_dates),
    "nationalities": lambda entry: entry.nationalities,
    "identifiers": lambda entry: (str(value) for value in entry.identifiers),
    "programmes": lambda entry: entry.programmes,
    "sources": lambda entry: entry.sources,
}
_SCALAR_FIELDS: dict[str, Callable[[Entry], str | None]] = {
    "kind": lambda entry: entry.kind.value,
    "remarks": lambda entry: entry.remarks,
}
#: Why an entry left a jurisdiction's lists though its own designation did not end.
NOT_APPLIED = "list-not-applied"


@attrs.frozen
class FieldChange:
    """One field that differs between the two dates."""

    field: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    before: str | None = None
    after: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.field in _SCALAR_FIELDS:
            return {"field": self.field, "before": self.before, "after": self.after}
        return {"field": self.field, "added": list(self.added), "removed": list(self.removed)}


@attrs.frozen
class Ending:
    """How an entry stopped being in force between the two dates."""

    date: dt.date | None
    reason: str
    basis: str | None
    source: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "reason": self.reason,
            "basis": self.basis,
            "source": self.source,
        }


@attrs.frozen
class EntryChange:
    """One entry added, removed or changed, with the record in force on each date."""

    list_id: str
    entry_id: str
    before: Entry | None
    after: Entry | None
    changes: tuple[FieldChange, ...] = ()
    #: For a removed entry, how it ended.
    ending: Ending | None = None

    @property
    def name(self) -> str:
        entry = self.after or self.before
        assert entry is not None  # an EntryChange always has one side
        return entry.primary_name.value

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "list_id": self.list_id,
            "entry_id": self.entry_id,
            "name": self.name,
        }
        if self.changes:
            record["changes"] = [change.to_json() for change in self.changes]
        if self.ending is not None:
            record["ending"] = self.ending.to_json()
        return record


def _changes(values: Iterable[EntryChange]) -> tuple[EntryChange, ...]:
    return tuple(sorted(values, key=lambda change: (change.list_id, change.entry_id)))


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class ListDiff:
    """The difference between two dates for one list or one jurisdiction."""

    target: str
    from_date: dt.date
    to_date: dt.date
    #: The lists compared, sorted.
    lists: tuple[str, ...] = attrs.field(converter=_strings)
    added: tuple[EntryChange, ...] = attrs.field(converter=_changes)
    removed: tuple[EntryChange, ...] = attrs.field(converter=_changes)
    changed: tuple[EntryChange, ...] = attrs.field(converter=_changes)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping whose keys always come in the same order."""
        return {
            "target": self.target,
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
            "lists": list(self.lists),
            "summary": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
            },
            "added": [change.to_json() for change in self.added],
            "removed": [change.to_json() for change in self.removed],
            "changed": [change.to_json() for change in self.changed],
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        lines = [
            f"{self.target}: {self.from_date.isoformat()} -> {self.to_date.isoformat()} "
            f"({', '.join(self.lists) or 'no lists'})",
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed",
        ]
        for change in self.added:
            lines.append(f"+ {change.list_id} / {change.entry_id}: {change.name}")
        for change in self.removed:
            lines.append(f"- {change.list_id} / {change.entry_id}: {change.name}")
            if change.ending is not None:
                lines.append(f"    {_describe_ending(change.ending)}")
        for change in self.changed:
            lines.append(f"~ {change.list_id} / {change.entry_id}: {change.name}")
            lines.extend(f"    {_describe_change(field)}" for field in change.changes)
        return "\n".join(lines) + "\n"


def _describe_ending(ending: Ending) -> str:
    when = f" on {ending.date.isoformat()}" if ending.date else ""
    basis = f": {ending.basis}" if ending.basis else ""
    return f"{ending.reason}{when}{basis}"


def _describe_change(change: FieldChange) -> str:
    if change.field in _SCALAR_FIELDS:
        return f"{change.field}: {change.before!r} -> {change.after!r}"
    parts = [f"+ {value}" for value in change.added] + [f"- {value}" for value in change.removed]
    return f"{change.field}: {'; '.join(parts)}"


def diff(
    source: Timeline | LoadedLists,
    from_date: DateInput,
    to_date: DateInput,
    *,
    target: str | None = None,
    accept_stale: bool = False,
) -> ListDiff:
    """Entries added, removed and changed between two dates.

    ``source`` is one list's :class:`~watchlist.lists.timeline.Timeline`, or a
    :class:`~watchlist.screening.screener.Screener` (any
    :class:`~watchlist.lists.loading.LoadedLists`) with ``target`` naming one of its jurisdictions
    (``KZ``) or one of its lists (``us-ofac-sdn``).
    """
    first, second = date_span(from_date, to_date)
    if isinstance(source, Timeline):
        if target is not None and target != source.info.id:
            msg = f"this timeline is of list {source.info.id!r}, not {target!r}"
            raise InputError(msg, field="target", value=target)
        return _diff_lists(source.info.id, [(source, None)], first, second, accept_stale)
    if target is None:
        msg = "name a jurisdiction or a list to compare"
        raise InputError(msg, field="target")
    code = jurisdiction_code(target)
    if code in source.jurisdictions:
        jurisdiction = source.jurisdictions[code]
        timelines = _applied_timelines(jurisdiction, source.timelines, first, second)
        return _diff_lists(code, timelines, first, second, accept_stale)
    if target in source.timelines:
        return _diff_lists(target, [(source.timelines[target], None)], first, second, accept_stale)
    known = [*source.jurisdictions, *source.timelines]
    raise ListNotFoundError(target, known)


def _applied_timelines(
    jurisdiction: Jurisdiction, timelines: Mapping[str, Timeline], first: dt.date, second: dt.date
) -> list[tuple[Timeline, Jurisdiction]]:
    # As in screening: a day on which the jurisdiction applies no list is not "no entries".
    for day in (first, second):
        if not jurisdiction.lists_on(day):
            raise NoCoverageError(as_of=day, jurisdiction=jurisdiction.code)
    list_ids = dict.fromkeys(
        applied.list_id
        for applied in (*jurisdiction.lists_on(first), *jurisdiction.lists_on(second))
    )
    for list_id in list_ids:
        if list_id not in timelines:
            raise missing_list(list_id, timelines, needed_by=jurisdiction.code)
    return [(timelines[list_id], jurisdiction) for list_id in list_ids]


def _diff_lists(
    target: str,
    timelines: Sequence[tuple[Timeline, Jurisdiction | None]],
    first: dt.date,
    second: dt.date,
    accept_stale: bool,
) -> ListDiff:
    added: list[EntryChange] = []
    removed: list[EntryChange] = []
    changed: list[EntryChange] = []
    for timeline, jurisdiction in timelines:
        list_id = timeline.info.id
        before = _in_force(timeline, jurisdiction, first, accept_stale)
        after = _in_force(timeline, jurisdiction, second, accept_stale)
        for entry_id, record in after.items():
            if entry_id not in before:
                added.append(EntryChange(list_id, entry_id, before=None, after=record))
        records_of: dict[str, list[Entry]] = {}
        if before.keys() - after.keys():
            for entry in timeline.records:
                records_of.setdefault(entry.id, []).append(entry)
        for entry_id, record in before.items():
            if entry_id not in after:
                ending = _ending(records_of[entry_id], timeline, jurisdiction, first, second)
                removed.append(
                    EntryChange(list_id, entry_id, before=record, after=None, ending=ending)
                )
            elif record is not after[entry_id] and (fields := _compare(record, after[entry_id])):
                changed.append(
                    EntryChange(list_id, entry_id, record, after[entry_id], changes=fields)
                )
    return ListDiff(
        target=target,
        from_date=first,
        to_date=second,
        lists=sorted({timeline.info.id for timeline, _ in timelines}),
        added=added,
        removed=removed,
        changed=changed,
    )


def _applies(jurisdiction: Jurisdiction | None, list_id: str, day: dt.date) -> bool:
    if jurisdiction is None:
        return True
    return any(applied.list_id == list_id for applied in jurisdiction.lists_on(day))


def _in_force(
    timeline: Timeline, jurisdiction: Jurisdiction | None, day: dt.date, accept_stale: bool
) -> dict[str, Entry]:
    """The record of each entry in force on ``day`` (the newest, should versions overlap)."""
    if not _applies(jurisdiction, timeline.info.id, day):
        return {}
    timeline.check_covers(day, accept_stale=accept_stale)
    return {entry.id: entry for entry, _designation in timeline.in_force(day)}


def _ending(
    records: list[Entry],
    timeline: Timeline,
    jurisdiction: Jurisdiction | None,
    first: dt.date,
    second: dt.date,
) -> Ending:
    """How an entry (all its ``records``) ended between the dates: the last designation of
    the entry to end in ``(first, second]`` for a reason other than being superseded by an
    amended record, or else the jurisdiction's ceasing to apply the list."""
    endings = [
        designation
        for entry in records
        for designation in entry.designations
        if _ends_between(designation, first, second)
    ]
    if endings:
        last = max(endings, key=lambda designation: designation.end or second)
        return Ending(
            date=last.end,
            reason=str(last.end_reason),
            basis=last.end_basis,
            source=last.end_source,
        )
    applied = _last_applied(jurisdiction, timeline.info.id, first)
    if applied is not None:
        return Ending(
            date=applied.end,
            reason=NOT_APPLIED,
            basis=f"{jurisdiction.code if jurisdiction else ''} no longer applies the list",
            source=applied.source,
        )
    designation = next(
        (found for entry in records if (found := entry.designation_on(first)) is not None), None
    )
    return Ending(
        date=designation.end if designation else None,
        reason=str(designation.end_reason) if designation and designation.end_reason else "",
        basis=designation.end_basis if designation else None,
        source=designation.end_source if designation else None,
    )


def _ends_between(designation: Designation, first: dt.date, second: dt.date) -> bool:
    return (
        designation.end is not None
        and first < designation.end <= second
        and designation.end_reason is not EndReason.SUPERSEDED
    )


def _last_applied(
    jurisdiction: Jurisdiction | None, list_id: str, first: dt.date
) -> AppliedList | None:
    if jurisdiction is None:
        return None
    return next(
        (
            applied
            for applied in jurisdiction.lists_on(first)
            if applied.list_id == list_id and applied.end is not None
        ),
        None,
    )


#: The order in which changed fields are reported.
_FIELD_ORDER = (
    "kind", "names", "birth_dates", "nationalities", "identifiers", "programmes", "remarks",
    "sources",
)  # fmt: skip


def _compare(before: Entry, after: Entry) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    for field in _FIELD_ORDER:
        if field in _SCALAR_FIELDS:
            old, new = _SCALAR_FIELDS[field](before), _SCALAR_FIELDS[field](after)
            if old != new:
                changes.append(FieldChange(field, before=old, after=new))
            continue
        old_set, new_set = set(_SET_FIELDS[field](before)), set(_SET_FIELDS[field](after))
        if old_set != new_set:
            changes.append(
                FieldChange(
                    field,
                    added=tuple(sorted(new_set - old_set)),
                    removed=tuple(sorted(old_set - new_set)),
                )
            )
    return tuple(changes)
