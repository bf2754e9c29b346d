"""watchlist: sanctions and terrorist-list screening, per jurisdiction, as of a date.

>>> from watchlist import Screener
>>> screener = Screener.default()
>>> result = screener.screen("Талибан", jurisdiction="KZ", as_of="2024-06-01")
>>> result.is_hit
False
"""

from watchlist.dates import DateRange, PartialDate
from watchlist.errors import (
    IncompleteListWarning,
    InputError,
    ListFormatError,
    ListNotFoundError,
    NoCoverageError,
    StaleListError,
    StoreError,
    StoreIntegrityError,
    UnknownJurisdictionError,
    UpdateError,
    WatchlistError,
    WatchlistWarning,
)
from watchlist.jurisdictions import AppliedList, Jurisdiction
from watchlist.matching import compare
from watchlist.model import (
    AliasStrength,
    Coverage,
    Designation,
    EndReason,
    EntityKind,
    Entry,
    FeatureScore,
    Hit,
    Identifier,
    ListInfo,
    ListUse,
    ListVersion,
    Match,
    Name,
    Party,
    Rejection,
    ScreeningResult,
)
from watchlist.normalize import normalize_name
from watchlist.screening import Screener
from watchlist.status_timeline import (
    JurisdictionStatus,
    ListedPeriod,
    StatusChange,
    StatusEvent,
    StatusTimeline,
)
from watchlist.store import Store
from watchlist.timeline import Timeline
from watchlist.update import update_lists

__all__ = [
    "AliasStrength",
    "AppliedList",
    "Coverage",
    "DateRange",
    "Designation",
    "EndReason",
    "EntityKind",
    "Entry",
    "FeatureScore",
    "Hit",
    "Identifier",
    "IncompleteListWarning",
    "InputError",
    "Jurisdiction",
    "JurisdictionStatus",
    "ListFormatError",
    "ListInfo",
    "ListNotFoundError",
    "ListUse",
    "ListVersion",
    "ListedPeriod",
    "Match",
    "Name",
    "NoCoverageError",
    "PartialDate",
    "Party",
    "Rejection",
    "Screener",
    "ScreeningResult",
    "StaleListError",
    "StatusChange",
    "StatusEvent",
    "StatusTimeline",
    "Store",
    "StoreError",
    "StoreIntegrityError",
    "Timeline",
    "UnknownJurisdictionError",
    "UpdateError",
    "WatchlistError",
    "WatchlistWarning",
    "compare",
    "normalize_name",
    "update_lists",
]
