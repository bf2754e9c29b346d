"""The public surface is small and deliberate: this test pins it."""

from __future__ import annotations

import watchlist
from watchlist import errors

PUBLIC = [
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
        errors.DecisionFileError,
        errors.InputError,
        errors.StoreError,
        errors.StoreIntegrityError,
        errors.UpdateError,
    ]
    assert all(issubclass(error, errors.WatchlistError) for error in raised)
    assert issubclass(errors.UnknownJurisdictionError, LookupError)
    assert issubclass(errors.NoCoverageError, LookupError)
    assert issubclass(errors.ListFormatError, ValueError)
    assert issubclass(errors.DecisionFileError, ValueError)
    assert issubclass(errors.DecisionWarning, errors.WatchlistWarning)
    assert issubclass(errors.InputError, ValueError)


def test_the_package_is_typed() -> None:
    from importlib.resources import files

    assert files("watchlist").joinpath("py.typed").is_file()


def test_the_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    assert watchlist.__version__ == version("watchlist")


def _package_of(module: str) -> str:
    # watchlist.lists.formats.ofac_csv -> watchlist.lists: a top-level part of the architecture.
    return ".".join(module.split(".")[:2])


def test_private_names_stay_inside_their_package() -> None:
    """No module imports another part's private module or name (``watchlist._rules``, the
    rules every part shares, excepted)."""
    import ast
    from pathlib import Path

    root = Path(watchlist.__file__).parent
    crossings = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(("watchlist", *path.relative_to(root).with_suffix("").parts))
        module = module.removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                "watchlist"
            ):
                continue
            imported = node.module or ""
            names = [alias.name for alias in node.names]
            if imported == "watchlist._rules" or (imported, names) == ("watchlist", ["_rules"]):
                continue
            private = any(part.startswith("_") for part in imported.split(".")) or any(
                name.startswith("_") for name in names
            )
            if private and _package_of(imported) != _package_of(module):
                crossings.append(f"{module} imports {imported}: {', '.join(names)}")
    assert crossings == []
