"""A list over time: its versions, and each entry's in-force intervals.

An entry is in force on day D when one of its designations covers D (``start <= D < end``).
Curated lists state designations. Official lists are published as snapshots, so their
designations are derived: an entry present in the versions published on p_i .. p_j is in
force from p_i until the publication date of the first later version that lacks it; when its
content changes, the old record ends that day (reason ``superseded``) and the new one starts.
An entry that states designations of its own (a curated list, an official listing date) keeps
them, cut to the versions that carry it: a list that drops an entry ends its designation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence

import attrs

from watchlist.errors import ListFormatError, NoCoverageError, StaleListError
from watchlist.model import Designation, EndReason, Entry, ListInfo, ListVersion


@attrs.frozen
class Timeline:
    """Every version of one list, and every record of its entries with when it was in force."""

    info: ListInfo
    #: Oldest first.
    versions: tuple[ListVersion, ...]
    #: Each record of each entry, with its designations; one entry id may have several records.
    records: tuple[Entry, ...]

    @classmethod
    def from_versions(cls, versions: Iterable[ListVersion]) -> Timeline:
        ordered = sorted(versions, key=lambda version: version.published)
        if not ordered:
            msg = "a timeline needs at least one list version"
            raise ValueError(msg)
        info = ordered[-1].info
        for older, newer in itertools.pairwise(ordered):
            if newer.info.id != info.id or older.info.id != info.id:
                msg = f"versions of different lists: {older.info.id!r} and {newer.info.id!r}"
                raise ListFormatError(msg, path=newer.location)
            if older.published == newer.published and older.digest != newer.digest:
                msg = (
                    f"two different versions of {info.id!r} claim the same publication date "
                    f"{newer.published}: {older.location} and {newer.location}"
                )
                raise ListFormatError(msg, path=newer.location)
        unique = [v for i, v in enumerate(ordered) if i == 0 or v.digest != ordered[i - 1].digest]
        return cls(info=info, versions=tuple(unique), records=tuple(_records(unique)))

    @property
    def newest(self) -> ListVersion:
        return self.versions[-1]

    @property
    def coverage_start(self) -> dt.date:
        """The first day the history describes: the oldest version's coverage start."""
        return self.versions[0].info.coverage_start

    def check_covers(self, day: dt.date, *, accept_stale: bool = False) -> None:
        """Raise unless the data describes the list on ``day``."""
        if day < self.coverage_start:
            raise NoCoverageError(
                as_of=day, list_id=self.info.id, coverage_start=self.coverage_start
            )
        age = (day - self.newest.published).days
        if age > self.info.max_age_days and not accept_stale:
            raise StaleListError(
                list_id=self.info.id,
                as_of=day,
                newest=self.newest.published,
                max_age_days=self.info.max_age_days,
            )

    def version_on(self, day: dt.date) -> ListVersion:
        """The version a screener would have used on ``day``: the newest published by then.

        A curated file describes history from its coverage start, so before its first
        publication date its first version is the one that describes the day.
        """
        current = self.versions[0]
        for version in self.versions:
            if version.published > day:
                break
            current = version
        return current

    def in_force(self, day: dt.date) -> Iterator[tuple[Entry, Designation]]:
        """Each entry record in force on ``day``, with the designation that covers it."""
        for record in self.records:
            designation = record.designation_on(day)
            if designation is not None:
                yield record, designation


def _records(versions: Sequence[ListVersion]) -> Iterator[Entry]:
    """Snapshots to records with designations (see the module docstring)."""
    open_records: dict[str, tuple[Entry, ListVersion]] = {}
    oldest = versions[0]

    def close(entry_id: str, end: ListVersion, reason: EndReason) -> Entry:
        entry, first = open_records.pop(entry_id)
        return _bounded(entry, first, first is oldest, end, reason)

    for version in versions:
        present: set[str] = set()
        for entry in version.entries:
            present.add(entry.id)
            previous = open_records.get(entry.id)
            # Versions read together share unchanged records, so identity settles most
            # comparisons without comparing every field.
            if previous is not None and (previous[0] is entry or previous[0] == entry):
                continue
            if previous is not None:
                yield close(entry.id, version, EndReason.SUPERSEDED)
            open_records[entry.id] = (entry, version)
        for entry_id in [entry_id for entry_id in open_records if entry_id not in present]:
            yield close(entry_id, version, EndReason.DELISTED)
    for entry, first in open_records.values():
        yield _bounded(entry, first, first is oldest, None, None)


def _bounded(
    entry: Entry,
    first: ListVersion,
    in_oldest: bool,
    end: ListVersion | None,
    reason: EndReason | None,
) -> Entry:
    """One record, in force only while the versions carrying it were current.

    A record without designations of its own is in force for exactly that presence. A record
    that states designations (a curated list, a listing date) keeps them, cut to its
    presence: no earlier than the first version carrying it (unless that is the oldest version,
    which describes history from the coverage start) and no later than the first that lacks it.
    """
    title = first.info.title
    end_basis = (
        f"{'absent from' if reason == EndReason.DELISTED else 'amended in'} {title} "
        f"as published {end.published.isoformat()}"
        if end
        else None
    )
    if not entry.designations:
        presence = Designation(
            start=first.published,
            basis=f"listed in {title} as published {first.published.isoformat()}",
            source=first.location,
            end=end.published if end else None,
            end_reason=reason,
            end_basis=end_basis,
            end_source=end.location if end else None,
        )
        return attrs.evolve(entry, designations=(presence,))
    bounded = []
    for stated in entry.designations:
        start = stated.start if in_oldest else max(stated.start, first.published)
        if end is not None and (stated.end is None or stated.end > end.published):
            if start >= end.published:
                continue
            bounded.append(
                attrs.evolve(
                    stated,
                    start=start,
                    end=end.published,
                    end_reason=reason,
                    end_basis=end_basis,
                    end_source=end.location,
                )
            )
        elif stated.end is None or start < stated.end:
            bounded.append(attrs.evolve(stated, start=start))
    return attrs.evolve(entry, designations=tuple(bounded))
