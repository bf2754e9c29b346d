"""Delta re-screening: what the list changes between two dates mean for parties already screened.

When lists change, a bank re-screens its customers against what changed, not against every
entry again. :func:`rescreen` reports, per party, its **new hits** (entries added, or changed
so that they now match, or on a list the jurisdiction started applying) and its **cleared
hits** (entries delisted, suspended or expired, changed so that they no longer match, or on a
list the jurisdiction stopped applying), with the designation and how it ended.

Its answer is exactly the difference between two full screenings: with ``H(D)`` the set of
(list id, entry id) of ``Screener.screen(party, jurisdiction=J, as_of=D)``, the new hits are
``H(to_date) - H(from_date)`` and the cleared hits ``H(from_date) - H(to_date)``. It gets there
by scoring only the entry records that changed; see :func:`rescreen` for why that is exact.

:func:`rescreen_file` does the same for a delimited file of parties, with the input handling,
rejects, formula-safe output and audit record of :func:`watchlist.batch.run.screen_file` (both
run on :class:`watchlist.batch.run.FileRun`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from watchlist._rules import DateInput, check_threshold, date_span, jurisdiction_code
from watchlist.lists.diff import Ending
from watchlist.lists.timeline import Timeline
from watchlist.model import Designation, EndReason, Entry, Hit, HitStatus, ListUse, Party
from watchlist.screening.screener import Screener

if TYPE_CHECKING:
    from watchlist.screening.decisions import DecisionLog


class ChangeKind(enum.StrEnum):
    """Whether a hit appeared or went away between the two dates."""

    NEW = "new"
    CLEARED = "cleared"


class ChangeReason(enum.StrEnum):
    """Why a hit appeared or went away."""

    #: New: the entry was not in force on the first date.
    ADDED = "added"
    #: New or cleared: the entry was in force on both dates, and its record changed so that it
    #: now matches (new) or no longer matches (cleared).
    CHANGED = "changed"
    #: Cleared: the designation ended (the list dropped the entry, or a curated end date).
    DELISTED = "delisted"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    #: Cleared: an amended record ended and no later record of the entry was in force.
    SUPERSEDED = "superseded"
    #: New: the jurisdiction started applying the entry's list between the dates.
    LIST_APPLIED = "list-applied"
    #: Cleared: the jurisdiction stopped applying the entry's list between the dates.
    LIST_NOT_APPLIED = "list-not-applied"


@attrs.frozen
class Change:
    """One hit that is new on the second date, or cleared since the first."""

    kind: ChangeKind
    reason: ChangeReason
    #: The hit on the date it matched: the second date for a new hit, the first for a cleared
    #: one. Its designation gives the basis and dates.
    hit: Hit
    #: The entry's best score on each date, ``None`` where it was not in force in the
    #: jurisdiction that day.
    score_from: float | None
    score_to: float | None
    #: For a cleared hit: how the record that matched stopped being in force (for ``changed``,
    #: the end of the amended record).
    ending: Ending | None = None

    @property
    def list_id(self) -> str:
        return self.hit.list_id

    @property
    def entry_id(self) -> str:
        return self.hit.entry_id

    @property
    def key(self) -> tuple[str, str]:
        """(list id, entry id): what full screenings' hits are compared by."""
        return self.hit.list_id, self.hit.entry_id

    @property
    def designation(self) -> Designation:
        return self.hit.designation

    @property
    def alerts(self) -> bool:
        """Whether the change needs an analyst: every change but a new hit that a valid
        ``cleared`` decision covers."""
        return not (self.kind is ChangeKind.NEW and self.hit.status is HitStatus.CLEARED)


def _changes(values: Iterable[Change]) -> tuple[Change, ...]:
    order = {ChangeKind.NEW: 0, ChangeKind.CLEARED: 1}
    return tuple(
        sorted(values, key=lambda change: (order[change.kind], change.list_id, change.entry_id))
    )


def _list_uses(values: Iterable[ListUse]) -> tuple[ListUse, ...]:
    return tuple(values)


@attrs.frozen
class Rescreening:
    """The changes for one party between two dates: new hits first, then cleared ones."""

    query: Party
    jurisdiction: str
    from_date: dt.date
    to_date: dt.date
    threshold: float
    scorer: str
    lists_from: tuple[ListUse, ...] = attrs.field(converter=_list_uses)
    lists_to: tuple[ListUse, ...] = attrs.field(converter=_list_uses)
    changes: tuple[Change, ...] = attrs.field(converter=_changes)

    @property
    def new(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind is ChangeKind.NEW)

    @property
    def cleared(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind is ChangeKind.CLEARED)

    @property
    def alerts(self) -> tuple[Change, ...]:
        """The changes that need an analyst: all but the new hits a decision clears."""
        return tuple(change for change in self.changes if change.alerts)

    # The names a batch run counts by, so that rows with changes are counted as rows with hits.
    @property
    def is_hit(self) -> bool:
        return bool(self.changes)

    @property
    def hits(self) -> tuple[Change, ...]:
        return self.changes


#: One entry of one list: what a hit is keyed by.
_Key = tuple[str, str]


@attrs.frozen
class Candidate:
    """One entry record that can change a party's outcome, with where it is in force."""

    list_id: str
    record: Entry
    #: The designation in force on each date, ``None`` where the record is not in force there
    #: or the jurisdiction does not apply its list.
    on_from: Designation | None
    on_to: Designation | None


@attrs.frozen
class DeltaPlan:
    """The entry records to score for one jurisdiction and pair of dates, computed once.

    ``candidates`` holds, for each entry with a record in force on exactly one of the dates
    (every entry of a list applied on only one of them is such an entry), each of its records
    in force on either date.
    """

    jurisdiction: str
    from_date: dt.date
    to_date: dt.date
    lists_from: tuple[ListUse, ...]
    lists_to: tuple[ListUse, ...]
    #: Candidate records by entry, in the order full screening meets them.
    candidates: Mapping[_Key, tuple[Candidate, ...]]
    #: How each entry's records that stopped being in force ended, for cleared hits.
    endings: Mapping[_Key, Ending]
    #: Where a list stopped being applied between the dates: its id and how it ended.
    not_applied: Mapping[str, Ending]
    #: Records in force on either date, out of which the candidates were chosen.
    records_in_force: int

    @property
    def records_scored(self) -> int:
        """How many records each party is scored against."""
        return sum(len(records) for records in self.candidates.values())


def plan(
    screener: Screener,
    *,
    jurisdiction: str,
    from_date: DateInput,
    to_date: DateInput,
    accept_stale: bool = False,
) -> DeltaPlan:
    """The changed records between the dates; raises as :meth:`Screener.screen` would on either.

    An unknown jurisdiction, a date the lists do not cover or a stale list raises
    (:class:`~watchlist.errors.UnknownJurisdictionError`,
    :class:`~watchlist.errors.NoCoverageError`, :class:`~watchlist.errors.StaleListError`).
    """
    first, second = date_span(from_date, to_date)
    lists_from = screener.lists_for(jurisdiction, first, accept_stale=accept_stale)
    lists_to = screener.lists_for(jurisdiction, second, accept_stale=accept_stale)
    code = jurisdiction_code(jurisdiction)
    applied_from = {use.list_id for use in lists_from}
    applied_to = {use.list_id for use in lists_to}
    candidates: dict[_Key, tuple[Candidate, ...]] = {}
    endings: dict[_Key, Ending] = {}
    in_force = 0
    # Lists and records in the order screening meets them, so that ties fall the same way.
    for list_id in dict.fromkeys(use.list_id for use in (*lists_from, *lists_to)):
        timeline = screener.timelines[list_id]
        by_entry: dict[str, list[Candidate]] = {}
        changed: set[str] = set()
        for record in timeline.records:
            on_from = record.designation_on(first) if list_id in applied_from else None
            on_to = record.designation_on(second) if list_id in applied_to else None
            if on_from is None and on_to is None:
                continue
            in_force += 1
            # A record in force on both dates scores the same on both: it cannot change an
            # outcome by itself, but it decides one together with a changed record of its entry.
            by_entry.setdefault(record.id, []).append(Candidate(list_id, record, on_from, on_to))
            if on_from is None or on_to is None:
                changed.add(record.id)
        for entry_id, found in by_entry.items():
            if entry_id in changed:
                candidates[list_id, entry_id] = tuple(found)
        _record_endings(timeline, changed, first, second, endings)
    not_applied = {
        list_id: _list_ending(screener, code, list_id, first)
        for list_id in applied_from - applied_to
    }
    return DeltaPlan(
        jurisdiction=code,
        from_date=first,
        to_date=second,
        lists_from=lists_from,
        lists_to=lists_to,
        candidates=candidates,
        endings=endings,
        not_applied=not_applied,
        records_in_force=in_force,
    )


def rescreen(
    screener: Screener,
    parties: Iterable[Party | str],
    *,
    jurisdiction: str,
    from_date: DateInput,
    to_date: DateInput,
    threshold: float | None = None,
    accept_stale: bool = False,
    decisions: DecisionLog | None = None,
) -> Iterator[Rescreening]:
    """Per party, in input order, its hits that are new on ``to_date`` or cleared since
    ``from_date``, scoring each party against the changed entry records only.

    With ``decisions``, each new hit is reviewed as :meth:`Screener.screen` reviews hits, as
    of ``to_date``: one a valid ``cleared`` decision covers has the status ``cleared``
    (:attr:`Change.alerts` is false); the others say why an earlier decision lapsed.

    The jurisdiction and both dates are checked when this is called, before a party is read:
    an unknown jurisdiction, a date the lists do not cover or a stale list raises as
    :meth:`Screener.screen` would (``accept_stale`` as there). A blank name raises
    :class:`~watchlist.errors.InputError` when its row is reached.

    Why scoring only changed records is exact. Full screening on day D hits entry (L, e) when
    some record of e in force on D, on a list L the jurisdiction applies on D, scores at
    least the threshold. Call the (list, record) pairs meeting that condition the records in
    force on D. A record in force on both dates is one and the same object on both, and the
    scorer is a function of the party and the record alone, so it scores the same on both
    days: it makes (L, e) a hit on both or on neither. So the outcome for (L, e) can differ
    between the dates only if e has a record in force on exactly one of them; records of
    lists applied on only one date are such records. Only entries with such a record are
    scored, against every record of theirs in force on either date (the unchanged ones
    included, which decide the outcome with the changed ones); every other entry is a hit on
    both dates or on neither, and is neither new nor cleared.
    """
    delta = plan(
        screener,
        jurisdiction=jurisdiction,
        from_date=from_date,
        to_date=to_date,
        accept_stale=accept_stale,
    )
    threshold = screener.threshold if threshold is None else check_threshold(threshold)
    return (rescreen_one(screener, delta, party, threshold, decisions) for party in parties)


def rescreen_one(
    screener: Screener,
    delta: DeltaPlan,
    party: Party | str,
    threshold: float,
    decisions: DecisionLog | None = None,
) -> Rescreening:
    """One party's changes under a :func:`plan`, new hits reviewed against ``decisions``."""
    query = party if isinstance(party, Party) else Party(name=party)
    changes = []
    for key, records in delta.candidates.items():
        best_from: tuple[float, Hit] | None = None
        best_to: tuple[float, Hit] | None = None
        for candidate in records:
            match = screener.scorer.compare(query, candidate.record)
            for day, designation in ((0, candidate.on_from), (1, candidate.on_to)):
                if designation is None:
                    continue
                best = best_from if day == 0 else best_to
                # The first record met keeps a tie, as the first hit of full screening would.
                if best is None or match.score > best[0]:
                    hit = Hit(candidate.list_id, candidate.record, designation, match)
                    if day == 0:
                        best_from = (match.score, hit)
                    else:
                        best_to = (match.score, hit)
        hit_from = best_from is not None and best_from[0] >= threshold
        hit_to = best_to is not None and best_to[0] >= threshold
        if hit_from == hit_to:
            continue
        score_from = None if best_from is None else best_from[0]
        score_to = None if best_to is None else best_to[0]
        if hit_to:
            assert best_to is not None
            changes.append(
                Change(
                    kind=ChangeKind.NEW,
                    reason=_new_reason(delta, key, best_from),
                    hit=best_to[1]
                    if decisions is None
                    else decisions.review(best_to[1], query, delta.to_date),
                    score_from=score_from,
                    score_to=score_to,
                )
            )
        else:
            assert best_from is not None
            reason, ending = _cleared_reason(delta, key, best_from[1], best_to)
            changes.append(
                Change(
                    kind=ChangeKind.CLEARED,
                    reason=reason,
                    hit=best_from[1],
                    score_from=score_from,
                    score_to=score_to,
                    ending=ending,
                )
            )
    return Rescreening(
        query=query,
        jurisdiction=delta.jurisdiction,
        from_date=delta.from_date,
        to_date=delta.to_date,
        threshold=threshold,
        scorer=screener.scorer.name,
        lists_from=delta.lists_from,
        lists_to=delta.lists_to,
        changes=changes,
    )


def _new_reason(delta: DeltaPlan, key: _Key, before: tuple[float, Hit] | None) -> ChangeReason:
    if key[0] not in {use.list_id for use in delta.lists_from}:
        return ChangeReason.LIST_APPLIED
    return ChangeReason.ADDED if before is None else ChangeReason.CHANGED


def _cleared_reason(
    delta: DeltaPlan, key: _Key, before: Hit, after: tuple[float, Hit] | None
) -> tuple[ChangeReason, Ending]:
    if key[0] in delta.not_applied:
        return ChangeReason.LIST_NOT_APPLIED, delta.not_applied[key[0]]
    if after is not None:
        ended = before.designation
        return ChangeReason.CHANGED, Ending(
            date=ended.end,
            reason=str(ended.end_reason) if ended.end_reason else "",
            basis=ended.end_basis,
            source=ended.end_source,
        )
    ending = delta.endings[key]
    return ChangeReason(ending.reason), ending


def _record_endings(
    timeline: Timeline, entry_ids: set[str], first: dt.date, second: dt.date,
    endings: dict[_Key, Ending],
) -> None:  # fmt: skip
    """How each entry in ``entry_ids`` ended between the dates, should it have.

    The last designation of the entry to end in ``(first, second]`` for a reason other than
    an amendment says how; an amended record whose successor ended says how the successor did.
    """
    if not entry_ids:
        return
    last: dict[str, Designation] = {}
    for record in timeline.records:
        if record.id not in entry_ids:
            continue
        for designation in record.designations:
            if designation.end is None or not first < designation.end <= second:
                continue
            kept = last.get(record.id)
            if kept is None or _ending_rank(designation) > _ending_rank(kept):
                last[record.id] = designation
    for entry_id, designation in last.items():
        endings[timeline.info.id, entry_id] = Ending(
            date=designation.end,
            reason=str(designation.end_reason),
            basis=designation.end_basis,
            source=designation.end_source,
        )


def _ending_rank(designation: Designation) -> tuple[bool, dt.date]:
    assert designation.end is not None
    return designation.end_reason is not EndReason.SUPERSEDED, designation.end


def _list_ending(screener: Screener, code: str, list_id: str, first: dt.date) -> Ending:
    applied = next(
        each for each in screener.jurisdictions[code].lists_on(first) if each.list_id == list_id
    )
    return Ending(
        date=applied.end,
        reason=str(ChangeReason.LIST_NOT_APPLIED),
        basis=f"{code} no longer applies the list",
        source=applied.source,
    )
