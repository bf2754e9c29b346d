"""A party's status across jurisdictions over time: where and since when a query hits.

:meth:`Screener.timeline <watchlist.screening.screener.Screener.timeline>` answers "where and since
when was this party listed?" without screening day by day. The query is matched once against
every record of every list the jurisdictions apply (through the candidate index, as
:meth:`~watchlist.screening.screener.Screener.screen` does); a matching record is then in force in a
jurisdiction where one of its designations meets a range over which the jurisdiction applies
its list. Each such intersection is a :class:`ListedPeriod`, opened and closed by a
:class:`StatusChange` naming the legal event (a designation, a suspension, a removal, a
relisting, an amendment of the record, or the jurisdiction starting or stopping to apply the
list) and its basis.

So on every day of the range a period covers exactly the hits ``screen`` gives that day
(tested on random dates and on every change). Like ``screen`` it fails closed: an unknown
jurisdiction, a day of the range that no list covers, or a list stale at the end of the range
raises rather than draw an empty lane.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence

import attrs

from watchlist._rules import as_of_day, jurisdiction_code, threshold_or, to_date
from watchlist.errors import InputError, NoCoverageError, UnknownJurisdictionError
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.lists.loading import missing_list
from watchlist.lists.timeline import Timeline
from watchlist.model import Designation, EndReason, Entry, ListUse, Match, Party
from watchlist.screening.screener import Screener, as_query, list_use

_DAY = dt.timedelta(days=1)


class StatusEvent(enum.StrEnum):
    """The legal event at a change of a party's status in a jurisdiction."""

    #: The entry was designated (first listed) on the list.
    DESIGNATION = "designation"
    #: The entry was designated again after an earlier designation ended.
    RELISTING = "relisting"
    #: The designation was suspended (say, by a court under a suspension procedure).
    SUSPENSION = "suspension"
    #: The entry was removed from the list (delisted, or absent from a later version).
    REMOVAL = "removal"
    #: The designation expired.
    EXPIRY = "expiry"
    #: The listed record was amended: the query now matches it, no longer does, or still does.
    AMENDMENT = "amendment"
    #: The jurisdiction started applying the list while the entry was on it.
    LIST_APPLIED = "list-applied"
    #: The jurisdiction stopped applying the list while the entry was on it.
    LIST_WITHDRAWN = "list-withdrawn"


_END_EVENTS = {
    EndReason.DELISTED: StatusEvent.REMOVAL,
    EndReason.SUSPENDED: StatusEvent.SUSPENSION,
    EndReason.EXPIRED: StatusEvent.EXPIRY,
    EndReason.SUPERSEDED: StatusEvent.AMENDMENT,
}


@attrs.frozen
class StatusChange:
    """A day on which the query's status in a jurisdiction changed, and why.

    ``day`` is the first day of the new status: a designation's start, or the first day a
    designation no longer applies (intervals are half-open).
    """

    day: dt.date
    jurisdiction: str
    event: StatusEvent
    list_id: str
    entry_id: str
    #: The legal act or decision behind the change, as the list or jurisdiction states it.
    basis: str
    source: str | None
    #: Whether the query hits in the jurisdiction (on any list) the day before, and from
    #: ``day`` on.
    hit_before: bool
    hit_after: bool
    #: Whether this entry of this list hits the day before, and from ``day`` on: they differ,
    #: but for an amendment of a record that the query matches before and after.
    entry_hit_before: bool
    entry_hit_after: bool


@attrs.frozen
class ListedPeriod:
    """An interval ``start <= day < end`` in which the query hits one record of one list in a
    jurisdiction: the record's designation and the jurisdiction's use of the list, together."""

    jurisdiction: str
    list_id: str
    #: The listed record matched, as the list version in force described it.
    entry: Entry
    designation: Designation
    match: Match
    start: dt.date
    #: The first day it no longer hits; ``None`` while it still does.
    end: dt.date | None
    #: The change that opened the period (possibly before the range asked for).
    opened: StatusChange
    #: The change that closed it, or ``None`` when it is still open.
    closed: StatusChange | None

    @property
    def entry_id(self) -> str:
        return self.entry.id

    @property
    def score(self) -> float:
        return self.match.score

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def _periods(values: Iterable[ListedPeriod]) -> tuple[ListedPeriod, ...]:
    return tuple(values)


def _changes(values: Iterable[StatusChange]) -> tuple[StatusChange, ...]:
    return tuple(values)


def _list_uses(values: Iterable[ListUse]) -> tuple[ListUse, ...]:
    return tuple(values)


@attrs.frozen
class JurisdictionStatus:
    """One jurisdiction's lane: the periods the query hits there, and each change in range."""

    code: str
    name: str
    #: Every period overlapping the range, by start (then list and entry).
    periods: tuple[ListedPeriod, ...] = attrs.field(converter=_periods)
    #: The changes on days of the range (``start <= day <= end``), by day.
    changes: tuple[StatusChange, ...] = attrs.field(converter=_changes)

    def hits_on(self, day: dt.date) -> tuple[ListedPeriod, ...]:
        """The periods in force on ``day``: one for each hit ``screen`` gives that day."""
        return tuple(period for period in self.periods if period.covers(day))

    def is_hit_on(self, day: dt.date) -> bool:
        return any(period.covers(day) for period in self.periods)

    @property
    def ever_hit(self) -> bool:
        return bool(self.periods)


def _lanes(values: Iterable[JurisdictionStatus]) -> tuple[JurisdictionStatus, ...]:
    return tuple(values)


@attrs.frozen
class StatusTimeline:
    """Where and when a query hits, per jurisdiction, over the days ``start`` to ``end``
    (both included), with what an audit needs to reproduce it."""

    query: Party
    start: dt.date
    end: dt.date
    threshold: float
    scorer: str
    jurisdictions: tuple[JurisdictionStatus, ...] = attrs.field(converter=_lanes)
    #: Every list version in use on some day of the range, in some jurisdiction asked for.
    lists_used: tuple[ListUse, ...] = attrs.field(converter=_list_uses)

    def __getitem__(self, code: str) -> JurisdictionStatus:
        for lane in self.jurisdictions:
            if lane.code == jurisdiction_code(code):
                return lane
        raise KeyError(code)

    @property
    def is_hit(self) -> bool:
        """Whether the query hits somewhere on some day of the range."""
        return any(lane.ever_hit for lane in self.jurisdictions)

    @property
    def changes(self) -> tuple[StatusChange, ...]:
        """Every lane's changes, by day, then in the order of the jurisdictions asked for."""
        order = {lane.code: k for k, lane in enumerate(self.jurisdictions)}
        return tuple(
            sorted(
                (change for lane in self.jurisdictions for change in lane.changes),
                key=lambda change: (change.day, order[change.jurisdiction]),
            )
        )


def status_timeline(
    screener: Screener,
    party: Party | str,
    *,
    jurisdictions: Iterable[str] | str,
    start: str | dt.date | dt.datetime,
    end: str | dt.date | dt.datetime | None = None,
    threshold: float | None = None,
    accept_stale: bool = False,
) -> StatusTimeline:
    """See :meth:`Screener.timeline <watchlist.screening.screener.Screener.timeline>`."""
    query = as_query(party)
    first = to_date(start)
    last = as_of_day(end)
    if last < first:
        msg = f"the range ends ({last.isoformat()}) before it starts ({first.isoformat()})"
        raise InputError(msg, field="end", value=last)
    threshold = threshold_or(screener.threshold, threshold)
    resolved = _resolve(screener, jurisdictions)
    applied = {
        jurisdiction.code: _applied_ranges(jurisdiction, first, last) for jurisdiction in resolved
    }
    for jurisdiction in resolved:
        _check_covered(
            screener,
            jurisdiction.code,
            applied[jurisdiction.code],
            first,
            last,
            accept_stale=accept_stale,
        )
    # A list not loaded and not applied within the range (checked above) says nothing.
    applied = {
        code: {list_id: r for list_id, r in ranges.items() if list_id in screener.timelines}
        for code, ranges in applied.items()
    }
    list_ids = dict.fromkeys(list_id for ranges in applied.values() for list_id in ranges)
    matches = _matching_records(screener, query, threshold, list_ids)
    lanes = [
        _lane(screener, jurisdiction, applied[jurisdiction.code], matches, first, last)
        for jurisdiction in resolved
    ]
    return StatusTimeline(
        query=query,
        start=first,
        end=last,
        threshold=threshold,
        scorer=screener.scorer.name,
        jurisdictions=lanes,
        lists_used=_lists_used(screener, applied, first, last),
    )


def _resolve(screener: Screener, codes: Iterable[str] | str) -> list[Jurisdiction]:
    """The jurisdictions asked for, in order, each once; an unknown one raises as in screen."""
    if isinstance(codes, str):
        codes = [codes]
    resolved: dict[str, Jurisdiction] = {}
    for code in codes:
        if (
            not isinstance(code, str)
            or (key := jurisdiction_code(code)) not in screener.jurisdictions
        ):
            raise UnknownJurisdictionError(code, screener.jurisdictions)
        resolved.setdefault(key, screener.jurisdictions[key])
    if not resolved:
        msg = "name at least one jurisdiction"
        raise InputError(msg, field="jurisdictions", value=())
    return list(resolved.values())


@attrs.frozen
class _Range:
    """A stretch over which a jurisdiction applies a list: ``start <= day < end``, merged
    from its overlapping or adjoining items, with the items that opened and closed it."""

    start: dt.date
    end: dt.date | None
    opened_by: AppliedList
    closed_by: AppliedList


def _applied_ranges(
    jurisdiction: Jurisdiction, first: dt.date, last: dt.date
) -> dict[str, list[_Range]]:
    """Each list the jurisdiction applies, with its ranges, in the order the jurisdiction
    names the lists; those outside the range too, which say what hit before it."""
    by_list: dict[str, list[AppliedList]] = {}
    for item in jurisdiction.lists:
        by_list.setdefault(item.list_id, []).append(item)
    ranges: dict[str, list[_Range]] = {}
    for list_id, items in by_list.items():
        merged: list[_Range] = []
        for item in sorted(items, key=lambda each: each.start):
            previous = merged[-1] if merged else None
            if previous is not None and (previous.end is None or item.start <= previous.end):
                if previous.end is not None and (item.end is None or item.end > previous.end):
                    merged[-1] = attrs.evolve(previous, end=item.end, closed_by=item)
                continue
            merged.append(_Range(item.start, item.end, item, item))
        ranges[list_id] = merged
    return ranges


def _meets(applied: _Range, first: dt.date, last: dt.date) -> bool:
    return applied.start <= last and (applied.end is None or applied.end > first)


def _check_covered(
    screener: Screener,
    code: str,
    ranges: dict[str, list[_Range]],
    first: dt.date,
    last: dt.date,
    *,
    accept_stale: bool,
) -> None:
    """Raise, as ``screen`` would on some day of the range, unless every day is covered:
    some list applies, and each list applied is covered and not stale."""
    spans = sorted(
        (max(r.start, first), last + _DAY if r.end is None else min(r.end, last + _DAY))
        for list_ranges in ranges.values()
        for r in list_ranges
        if _meets(r, first, last)
    )
    reached = first
    for span_start, span_end in spans:
        if span_start > reached:
            break
        reached = max(reached, span_end)
    if reached <= last:
        raise NoCoverageError(as_of=reached, jurisdiction=code)
    for list_id, list_ranges in ranges.items():
        if list_id not in screener.timelines:
            # An official list with no version loaded (EU, GB before `lists update`): fail
            # closed as screen does, naming the command that loads it.
            if any(_meets(r, first, last) for r in list_ranges):
                raise missing_list(list_id, screener.timelines, needed_by=code)
            continue
        timeline = screener.timelines[list_id]
        for r in list_ranges:
            if not _meets(r, first, last):
                continue
            # Coverage only grows and staleness only comes with time: the range's first and
            # last days decide for every day between.
            timeline.check_covers(max(r.start, first), accept_stale=accept_stale)
            final = last if r.end is None else min(r.end - _DAY, last)
            timeline.check_covers(final, accept_stale=accept_stale)


@attrs.frozen
class _Matched:
    """A record that the query matches, and how."""

    entry: Entry
    match: Match


def _matching_records(
    screener: Screener, query: Party, threshold: float, list_ids: Iterable[str]
) -> dict[str, list[_Matched]]:
    """The records of these lists that the query matches, once each, whatever their dates:
    through the scorer's retrieval when it can bound the query (as ``screen`` does), else by
    scoring every record."""
    wanted = set(list_ids)
    found: dict[str, list[_Matched]] = {list_id: [] for list_id in wanted}
    retrieval = screener._retrieval
    candidates = retrieval.candidates(query, threshold)
    if candidates is not None:
        for position, names in candidates.items():
            list_id, entry = retrieval.records[position]
            if list_id in wanted:
                match = retrieval.match(query, entry, names, threshold)
                if match is not None:
                    found[list_id].append(_Matched(entry, match))
        return found
    for list_id in wanted:
        for entry in screener.timelines[list_id].records:
            match = retrieval.match(query, entry, None, threshold)
            if match is not None:
                found[list_id].append(_Matched(entry, match))
    return found


def _lane(
    screener: Screener,
    jurisdiction: Jurisdiction,
    ranges: dict[str, list[_Range]],
    matches: dict[str, list[_Matched]],
    first: dt.date,
    last: dt.date,
) -> JurisdictionStatus:
    code = jurisdiction.code
    spans: list[_Span] = []
    for list_id, list_ranges in ranges.items():
        history = _EntryHistory(screener.timelines[list_id])
        for matched in matches[list_id]:
            for designation in matched.entry.designations:
                for r in list_ranges:
                    span = _intersect(list_id, matched, designation, r, history)
                    if span is not None:
                        spans.append(span)
    spans.sort(key=lambda s: (s.start, s.list_id, s.matched.entry.id))
    # Every span decides what hits after a change, those outside the range too.
    periods = [
        _period(code, span, spans)
        for span in spans
        if span.start <= last and (span.end is None or span.end > first)
    ]
    changes = _changes_in_range(periods, first, last)
    return JurisdictionStatus(code=code, name=jurisdiction.name, periods=periods, changes=changes)


@attrs.frozen
class _Opening:
    event: StatusEvent
    basis: str
    source: str | None


@attrs.frozen
class _Span:
    list_id: str
    matched: _Matched
    designation: Designation
    start: dt.date
    end: dt.date | None
    opening: _Opening
    closing: _Opening | None


class _EntryHistory:
    """Every designation of every record of a list, by entry id: what tells a relisting
    from a first designation, and an amended record from a new one."""

    def __init__(self, timeline: Timeline) -> None:
        self._ends: dict[str, list[Designation]] = {}
        for record in timeline.records:
            for designation in record.designations:
                if designation.end is not None:
                    self._ends.setdefault(record.id, []).append(designation)

    def opening(self, entry_id: str, designation: Designation) -> _Opening:
        ended = self._ends.get(entry_id, [])
        for earlier in ended:
            if earlier.end == designation.start and earlier.end_reason is EndReason.SUPERSEDED:
                basis = earlier.end_basis or "the listed record was amended"
                return _Opening(StatusEvent.AMENDMENT, basis, earlier.end_source)
        relisted = any(
            earlier.end is not None and earlier.end < designation.start for earlier in ended
        )
        event = StatusEvent.RELISTING if relisted else StatusEvent.DESIGNATION
        return _Opening(event, designation.basis, designation.source)


def _intersect(
    list_id: str,
    matched: _Matched,
    designation: Designation,
    applied: _Range,
    history: _EntryHistory,
) -> _Span | None:
    start = max(designation.start, applied.start)
    ends = [end for end in (designation.end, applied.end) if end is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    if designation.start >= applied.start:
        opening = history.opening(matched.entry.id, designation)
    else:
        opening = _Opening(
            StatusEvent.LIST_APPLIED, applied.opened_by.basis, applied.opened_by.source
        )
    closing: _Opening | None = None
    if designation.end is not None and (applied.end is None or designation.end <= applied.end):
        assert designation.end_reason is not None
        closing = _Opening(
            _END_EVENTS[designation.end_reason],
            designation.end_basis or f"designation {designation.end_reason}",
            designation.end_source,
        )
    elif applied.end is not None:
        closing = _Opening(
            StatusEvent.LIST_WITHDRAWN,
            f"no longer applied from {applied.end.isoformat()} "
            f"(it was applied under: {applied.closed_by.basis})",
            applied.closed_by.source,
        )
    return _Span(list_id, matched, designation, start, end, opening, closing)


def _covered_by(spans: Sequence[_Span], day: dt.date) -> Iterator[_Span]:
    return (s for s in spans if s.start <= day and (s.end is None or day < s.end))


def _period(code: str, span: _Span, spans: Sequence[_Span]) -> ListedPeriod:
    entry_id = span.matched.entry.id

    def same_entry(other: _Span) -> bool:
        return other.list_id == span.list_id and other.matched.entry.id == entry_id

    def change(day: dt.date, what: _Opening) -> StatusChange:
        before = list(_covered_by(spans, day - _DAY))
        after = list(_covered_by(spans, day))
        return StatusChange(
            day=day,
            jurisdiction=code,
            event=what.event,
            list_id=span.list_id,
            entry_id=entry_id,
            basis=what.basis,
            source=what.source,
            hit_before=bool(before),
            hit_after=bool(after),
            entry_hit_before=any(map(same_entry, before)),
            entry_hit_after=any(map(same_entry, after)),
        )

    return ListedPeriod(
        jurisdiction=code,
        list_id=span.list_id,
        entry=span.matched.entry,
        designation=span.designation,
        match=span.matched.match,
        start=span.start,
        end=span.end,
        opened=change(span.start, span.opening),
        closed=None if span.end is None or span.closing is None else change(span.end, span.closing),
    )


def _changes_in_range(
    periods: Sequence[ListedPeriod], first: dt.date, last: dt.date
) -> list[StatusChange]:
    """The openings and closings on days of the range that change whether the entry hits
    (and amendments of a record that hits), by day; where an amended record closes one
    period and opens the next of the same entry that day, one change. A designation ending
    the day another of the same entry starts changes nothing, and is not one."""
    found: dict[tuple[dt.date, str, str, StatusEvent], StatusChange] = {}
    for period in periods:
        for change in (period.opened, period.closed):
            if change is None or not first <= change.day <= last:
                continue
            if (
                change.event is StatusEvent.AMENDMENT
                or change.entry_hit_before != change.entry_hit_after
            ):
                found.setdefault(
                    (change.day, change.list_id, change.entry_id, change.event), change
                )
    return sorted(found.values(), key=lambda c: (c.day, c.list_id, c.entry_id))


def _lists_used(
    screener: Screener, applied: dict[str, dict[str, list[_Range]]], first: dt.date, last: dt.date
) -> list[ListUse]:
    uses: dict[tuple[str, dt.date], ListUse] = {}
    for ranges in applied.values():
        for list_id, list_ranges in ranges.items():
            timeline = screener.timelines[list_id]
            for r in list_ranges:
                if not _meets(r, first, last):
                    continue
                for day in _version_days(timeline, r, first, last):
                    use = list_use(timeline, day)
                    uses.setdefault((use.list_id, use.published), use)
    return sorted(uses.values(), key=lambda use: (use.list_id, use.published))


def _version_days(
    timeline: Timeline, applied: _Range, first: dt.date, last: dt.date
) -> Iterator[dt.date]:
    """A day of the range on which each version of the list in use over it is current."""
    start = max(applied.start, first)
    stop = last + _DAY if applied.end is None else min(applied.end, last + _DAY)
    yield start
    for version in timeline.versions:
        if start < version.published < stop:
            yield version.published
