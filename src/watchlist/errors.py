"""Every error ``watchlist`` raises on purpose.

Screening fails closed: when the library cannot say for certain which lists applied and
what they held, it raises one of these instead of answering "no hits". The tree::

    WatchlistError
    ├── UnknownJurisdictionError (LookupError)  no such jurisdiction is configured
    ├── NoCoverageError (LookupError)           no list version covers the as-of date
    ├── StaleListError                          the newest version is older than the list allows
    ├── ListNotFoundError (LookupError)         a list a jurisdiction needs is not loaded
    ├── ListFormatError (ValueError)            a list file is missing, corrupt or unparseable
    ├── DecisionFileError (ValueError)          a decisions file has a malformed line
    ├── StoreError                              the version store cannot be used safely
    │   └── StoreIntegrityError                 a stored file no longer has its recorded SHA-256
    ├── UpdateError                             a download from a publisher was refused
    └── InputError (ValueError)                 a bad query, date, column or input row

    WatchlistWarning (UserWarning)
    ├── IncompleteListWarning                   a list loaded without some of its parts
    └── DecisionWarning                         a decision names an entry no loaded list has

Each carries its context as attributes, so callers can act on it without parsing messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path


class WatchlistError(Exception):
    """The root of every error ``watchlist`` raises on purpose."""


class UnknownJurisdictionError(WatchlistError, LookupError):
    """The jurisdiction asked for is not configured."""

    def __init__(self, jurisdiction: str, known: Iterable[str]) -> None:
        self.jurisdiction = jurisdiction
        self.known = tuple(sorted(known))
        msg = (
            f"unknown jurisdiction {jurisdiction!r}; known jurisdictions: "
            f"{', '.join(self.known) or '(none)'}"
        )
        super().__init__(msg)


class NoCoverageError(WatchlistError, LookupError):
    """No list version covers the as-of date, so a clear result would be a guess."""

    def __init__(
        self,
        *,
        as_of: dt.date,
        list_id: str | None = None,
        jurisdiction: str | None = None,
        coverage_start: dt.date | None = None,
    ) -> None:
        self.as_of = as_of
        self.list_id = list_id
        self.jurisdiction = jurisdiction
        self.coverage_start = coverage_start
        if list_id is not None:
            msg = (
                f"list {list_id!r} does not cover {as_of.isoformat()}: "
                f"its coverage starts {coverage_start.isoformat() if coverage_start else '?'}"
            )
        else:
            msg = f"jurisdiction {jurisdiction!r} applies no list on {as_of.isoformat()}"
        super().__init__(msg)


class StaleListError(WatchlistError):
    """The newest version of a list is older than its maximum age allows on the as-of date."""

    def __init__(self, *, list_id: str, as_of: dt.date, newest: dt.date, max_age_days: int) -> None:
        self.list_id = list_id
        self.as_of = as_of
        self.newest = newest
        self.max_age_days = max_age_days
        msg = (
            f"list {list_id!r} is stale for {as_of.isoformat()}: its newest version was "
            f"published {newest.isoformat()} and it may be used for {max_age_days} days after; "
            "load a newer version, or pass accept_stale=True (--accept-stale) to screen anyway"
        )
        super().__init__(msg)


class ListNotFoundError(WatchlistError, LookupError):
    """A list that a jurisdiction applies, or that was asked for, is not loaded."""

    def __init__(
        self,
        list_id: str,
        known: Iterable[str],
        *,
        needed_by: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.list_id = list_id
        self.known = tuple(sorted(known))
        self.needed_by = needed_by
        #: What loads the list, when that is known (``watchlist lists update --source ...``).
        self.fix = fix
        reason = f" (applied by jurisdiction {needed_by!r})" if needed_by else ""
        msg = (
            f"list {list_id!r}{reason} is not loaded; loaded lists: "
            f"{', '.join(self.known) or '(none)'}"
        )
        if fix:
            msg += f"; {fix}"
        super().__init__(msg)


class ListFormatError(WatchlistError, ValueError):
    """A list file is missing, corrupt, or does not follow its format."""

    def __init__(
        self,
        reason: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        record: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = Path(path) if path is not None else None
        self.line = line
        self.record = record
        where = str(self.path) if self.path is not None else "<list>"
        if line is not None:
            where += f":{line}"
        if record is not None:
            where += f" (record {record})"
        msg = f"{where}: {reason}"
        super().__init__(msg)


class DecisionFileError(WatchlistError, ValueError):
    """A decisions file (JSON Lines, see :mod:`watchlist.screening.decisions`) is not usable:
    a line that is not a JSON object, an unknown outcome, a missing or bad field."""

    def __init__(self, reason: str, *, path: Path | str, line: int | None = None) -> None:
        self.reason = reason
        self.path = Path(path)
        self.line = line
        where = str(self.path) if line is None else f"{self.path}:{line}"
        msg = f"{where}: {reason}"
        super().__init__(msg)


class StoreError(WatchlistError):
    """The version store cannot be used safely: writable by other users, a symbolic link
    inside it, or locked by another writer for too long."""

    def __init__(self, reason: str, *, path: Path | str) -> None:
        self.reason = reason
        self.path = Path(path)
        msg = f"{self.path}: {reason}"
        super().__init__(msg)


class StoreIntegrityError(StoreError):
    """A stored list file no longer has the SHA-256 recorded when it was added."""

    def __init__(self, *, path: Path | str, recorded: str, actual: str) -> None:
        self.recorded = recorded
        self.actual = actual
        reason = (
            f"the stored list file was changed after it was recorded (recorded sha256:{recorded}, "
            f"now sha256:{actual}); restore the file, or remove its version directory and add "
            "the list again"
        )
        super().__init__(reason, path=path)


class UpdateError(WatchlistError):
    """A list downloaded from its publisher (or a mirror) was refused, and not stored.

    The version store is unchanged: the last good version stays the one screened against.
    ``reason`` says what was refused and why.
    """

    def __init__(self, reason: str, *, list_id: str, url: str | None = None) -> None:
        self.reason = reason
        self.list_id = list_id
        self.url = url
        where = f" from {url}" if url else ""
        msg = f"{list_id}: refused the download{where}: {reason}"
        super().__init__(msg)


class InputError(WatchlistError, ValueError):
    """A query, a date, a parameter or an input row is not usable."""

    def __init__(self, reason: str, *, field: str | None = None, value: object = None) -> None:
        self.reason = reason
        self.field = field
        self.value = value
        msg = f"{field}: {reason}" if field else reason
        super().__init__(msg)


class WatchlistWarning(UserWarning):
    """The root of the warnings ``watchlist`` issues."""


class IncompleteListWarning(WatchlistWarning):
    """A list loaded, but without some of its parts (say ``sdn.csv`` without ``alt.csv``)."""


class DecisionWarning(WatchlistWarning):
    """A recorded decision names a list entry that no loaded list has (a typo, or a list
    not loaded): it can never apply."""
