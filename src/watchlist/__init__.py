"""watchlist: sanctions and terrorist-list screening, per jurisdiction, as of a date.

>>> from watchlist import Screener
>>> screener = Screener.default()
>>> result = screener.screen("Талибан", jurisdiction="KZ", as_of="2024-06-01")
>>> result.is_hit
False
"""

import importlib.metadata

from watchlist.batch.columns import ColumnMap
from watchlist.batch.rescreen import rescreen_file
from watchlist.batch.run import screen_file
from watchlist.dates import DateRange, PartialDate
from watchlist.errors import (
    DecisionFileError,
    DecisionWarning,
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
from watchlist.lists.jurisdictions import AppliedList, Jurisdiction
from watchlist.lists.store import Store
from watchlist.lists.timeline import Timeline
from watchlist.lists.update import update_lists
from watchlist.matching import FeatureScorer, IndexedScorer, Scorer, compare
from watchlist.matching.normalize import normalize_name
from watchlist.model import (
    AliasStrength,
    Coverage,
    Decision,
    DecisionOutcome,
    Designation,
    EndReason,
    EntityKind,
    Entry,
    FeatureScore,
    Hit,
    HitStatus,
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
from watchlist.screening.decisions import DecisionLog
from watchlist.screening.rescreen import rescreen
from watchlist.screening.screener import Screener
from watchlist.screening.status import (
    JurisdictionStatus,
    ListedPeriod,
    StatusChange,
    StatusEvent,
    StatusTimeline,
)

__all__ = [
    "AliasStrength",
    "AppliedList",
    "ColumnMap",
    "Coverage",
    "DateRange",
    "Decision",
    "DecisionFileError",
    "DecisionLog",
    "DecisionOutcome",
    "DecisionWarning",
    "Designation",
    "EndReason",
    "EntityKind",
    "Entry",
    "FeatureScore",
    "FeatureScorer",
    "Hit",
    "HitStatus",
    "Identifier",
    "IncompleteListWarning",
    "IndexedScorer",
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
    "Scorer",
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
    "__version__",
    "compare",
    "normalize_name",
    "rescreen",
    "rescreen_file",
    "screen_file",
    "update_lists",
]

#: The installed version of watchlist, as every audit record reports it.
__version__ = importlib.metadata.version("watchlist")
