"""The public surface is small and deliberate: this test pins it."""

from __future__ import annotations

import watchlist
from watchlist import errors


def test_all_is_sorted_and_complete() -> None:
    assert watchlist.__all__ == sorted(watchlist.__all__)
    for name in watchlist.__all__:
        assert hasattr(watchlist, name), name


def test_every_error_descends_from_watchlist_error() -> None:
    raised = [
        errors.UnknownJurisdictionError,
        errors.NoCoverageError,
        errors.StaleListError,
        errors.ListNotFoundError,
        errors.ListFormatError,
        errors.InputError,
    ]
    assert all(issubclass(error, errors.WatchlistError) for error in raised)
    assert issubclass(errors.UnknownJurisdictionError, LookupError)
    assert issubclass(errors.NoCoverageError, LookupError)
    assert issubclass(errors.ListFormatError, ValueError)
    assert issubclass(errors.InputError, ValueError)


def test_the_package_is_typed() -> None:
    from importlib.resources import files

    assert files("watchlist").joinpath("py.typed").is_file()
