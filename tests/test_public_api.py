"""The public surface is small and deliberate: this test pins it."""

from __future__ import annotations

import watchlist
from watchlist import errors

PUBLIC = [
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


def test_the_public_names_are_pinned_and_sorted() -> None:
    assert watchlist.__all__ == PUBLIC
    assert sorted(PUBLIC) == PUBLIC
    for name in PUBLIC:
        assert hasattr(watchlist, name), name


def test_every_error_descends_from_watchlist_error() -> None:
    raised = [
        errors.UnknownJurisdictionError,
        errors.NoCoverageError,
        errors.StaleListError,
        errors.ListNotFoundError,
        errors.ListFormatError,
        errors.InputError,
        errors.StoreError,
        errors.StoreIntegrityError,
        errors.UpdateError,
    ]
    assert all(issubclass(error, errors.WatchlistError) for error in raised)
    assert issubclass(errors.UnknownJurisdictionError, LookupError)
    assert issubclass(errors.NoCoverageError, LookupError)
    assert issubclass(errors.ListFormatError, ValueError)
    assert issubclass(errors.InputError, ValueError)


def test_the_package_is_typed() -> None:
    from importlib.resources import files

    assert files("watchlist").joinpath("py.typed").is_file()
