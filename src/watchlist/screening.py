"""The Screener: a party against the lists in force in a jurisdiction on a date."""

from __future__ import annotations

import datetime as dt
import importlib.resources
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

import attrs

from watchlist.dates import to_date
from watchlist.errors import (
    InputError,
    ListFormatError,
    ListNotFoundError,
    NoCoverageError,
    UnknownJurisdictionError,
)
from watchlist.jurisdictions import Jurisdiction, load_jurisdictions
from watchlist.matching import Scorer, TokenAlignmentScorer
from watchlist.model import Hit, ListUse, ListVersion, Party, ScreeningResult
from watchlist.sources import curated
from watchlist.timeline import Timeline

JURISDICTIONS_FILE = "jurisdictions.toml"


def shipped_lists_dir() -> Path:
    """The curated ``lists/`` shipped with watchlist.

    A wheel carries them inside the package; a source checkout (an editable install) has them
    at the top of the repository.
    """
    packaged = Path(str(importlib.resources.files("watchlist"))) / "_lists"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "lists"
    if checkout.is_dir():
        return checkout
    msg = "the shipped lists are missing from this installation"
    raise ListFormatError(msg, path=packaged)


def _timelines(items: Mapping[str, Timeline]) -> Mapping[str, Timeline]:
    return MappingProxyType(dict(items))


def _jurisdictions(items: Mapping[str, Jurisdiction]) -> Mapping[str, Jurisdiction]:
    return MappingProxyType(dict(items))


@attrs.frozen
class Screener:
    """Screens parties against the lists a jurisdiction applies, as they stood on a date.

    A Screener is immutable once built, so one instance can serve many threads.
    """

    timelines: Mapping[str, Timeline] = attrs.field(converter=_timelines)
    jurisdictions: Mapping[str, Jurisdiction] = attrs.field(converter=_jurisdictions)
    scorer: Scorer = attrs.field(factory=TokenAlignmentScorer)
    threshold: float = attrs.field(
        default=attrs.Factory(lambda self: self.scorer.default_threshold, takes_self=True)
    )

    def __attrs_post_init__(self) -> None:
        _check_threshold(self.threshold)
        for jurisdiction in self.jurisdictions.values():
            for applied in jurisdiction.lists:
                if applied.list_id not in self.timelines:
                    raise ListNotFoundError(
                        applied.list_id, self.timelines, needed_by=jurisdiction.code
                    )

    @classmethod
    def default(cls, *, scorer: Scorer | None = None, threshold: float | None = None) -> Screener:
        """A screener over the curated lists shipped with watchlist."""
        return cls.from_directory(shipped_lists_dir(), scorer=scorer, threshold=threshold)

    @classmethod
    def from_directory(
        cls, path: Path | str, *, scorer: Scorer | None = None, threshold: float | None = None
    ) -> Screener:
        """A screener over every ``*.toml`` list in ``path`` and its ``jurisdictions.toml``."""
        path = Path(path)
        if not path.is_dir():
            msg = "not a directory of lists"
            raise ListFormatError(msg, path=path)
        versions = [
            curated.parse(file)
            for file in sorted(path.glob("*.toml"))
            if file.name != JURISDICTIONS_FILE
        ]
        return cls.from_versions(
            versions, load_jurisdictions(path / JURISDICTIONS_FILE), scorer=scorer,
            threshold=threshold,
        )  # fmt: skip

    @classmethod
    def from_versions(
        cls,
        versions: Iterable[ListVersion],
        jurisdictions: Mapping[str, Jurisdiction],
        *,
        scorer: Scorer | None = None,
        threshold: float | None = None,
    ) -> Screener:
        """A screener over list versions of any format; versions of one list form its history."""
        by_list: dict[str, list[ListVersion]] = {}
        for version in versions:
            by_list.setdefault(version.info.id, []).append(version)
        timelines = {list_id: Timeline.from_versions(group) for list_id, group in by_list.items()}
        scorer = scorer or TokenAlignmentScorer()
        return cls(
            timelines=timelines,
            jurisdictions=jurisdictions,
            scorer=scorer,
            threshold=scorer.default_threshold if threshold is None else threshold,
        )

    def screen(
        self,
        party: Party | str,
        *,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        threshold: float | None = None,
        accept_stale: bool = False,
    ) -> ScreeningResult:
        """Screen one party; ``as_of`` defaults to today, and is recorded in the result.

        Raises :class:`~watchlist.errors.UnknownJurisdictionError`,
        :class:`~watchlist.errors.NoCoverageError` or :class:`~watchlist.errors.StaleListError`
        rather than answer for a jurisdiction or date the loaded lists do not cover.
        """
        query = party if isinstance(party, Party) else Party(name=party)
        day = dt.date.today() if as_of is None else to_date(as_of)
        threshold = self.threshold if threshold is None else _check_threshold(threshold)
        timelines = self._timelines_for(jurisdiction, day, accept_stale=accept_stale)
        hits = [
            Hit(list_id=timeline.info.id, entry=entry, designation=designation, match=match)
            for timeline in timelines
            for entry, designation in timeline.in_force(day)
            if (match := self.scorer.compare(query, entry)).score >= threshold
        ]
        hits.sort(key=lambda hit: (-hit.score, hit.list_id, hit.entry_id))
        return ScreeningResult(
            query=query,
            jurisdiction=jurisdiction.strip().upper(),
            as_of=day,
            threshold=threshold,
            scorer=self.scorer.name,
            lists_used=[_list_use(timeline, day) for timeline in timelines],
            hits=hits,
        )

    def lists_for(
        self,
        jurisdiction: str,
        as_of: str | dt.date | dt.datetime | None = None,
        *,
        accept_stale: bool = False,
    ) -> tuple[ListUse, ...]:
        """The list versions a screening in ``jurisdiction`` on ``as_of`` would use.

        Raises as :meth:`screen` does, so a batch can fail once, up front, instead of on
        every row.
        """
        day = dt.date.today() if as_of is None else to_date(as_of)
        timelines = self._timelines_for(jurisdiction, day, accept_stale=accept_stale)
        return tuple(_list_use(timeline, day) for timeline in timelines)

    def _timelines_for(
        self, jurisdiction: str, day: dt.date, *, accept_stale: bool
    ) -> tuple[Timeline, ...]:
        code = jurisdiction.strip().upper()
        if code not in self.jurisdictions:
            raise UnknownJurisdictionError(jurisdiction, self.jurisdictions)
        applied = self.jurisdictions[code].lists_on(day)
        list_ids = dict.fromkeys(each.list_id for each in applied)
        if not list_ids:
            raise NoCoverageError(as_of=day, jurisdiction=code)
        timelines = tuple(self.timelines[list_id] for list_id in list_ids)
        for timeline in timelines:
            timeline.check_covers(day, accept_stale=accept_stale)
        return timelines


def _list_use(timeline: Timeline, day: dt.date) -> ListUse:
    version = timeline.version_on(day)
    return ListUse(
        list_id=timeline.info.id,
        title=timeline.info.title,
        published=version.published,
        digest=version.digest,
        coverage=timeline.info.coverage,
        location=version.location,
    )


def _check_threshold(threshold: float) -> float:
    if not 0.0 < threshold <= 1.0:
        msg = f"the threshold must be in (0, 1], got {threshold}"
        raise InputError(msg, field="threshold", value=threshold)
    return threshold
