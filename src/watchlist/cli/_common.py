"""Options and output shared by the commands."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from watchlist.dates import to_date
from watchlist.errors import InputError
from watchlist.model import ListUse
from watchlist.screening import Screener


def add_screening_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jurisdiction", required=True, help="jurisdiction code, e.g. RU, KZ, US, UN"
    )
    parser.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="DATE",
        help="screen against the lists as they stood on DATE (2024, 2024-06 or 2024-06-01; "
        "default: today)",
    )
    parser.add_argument(
        "--lists",
        metavar="DIR",
        default=None,
        help="directory of curated lists with jurisdictions.toml (default: the shipped lists)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="minimum score for a hit, in (0, 1] (default: the scorer's documented default)",
    )
    parser.add_argument(
        "--accept-stale",
        action="store_true",
        help="screen even when a list is older than its maximum age (recorded as such)",
    )


def _as_of(text: str) -> object:
    try:
        return to_date(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def load_screener(args: argparse.Namespace) -> Screener:
    if args.lists is None:
        return Screener.default(threshold=args.threshold)
    return Screener.from_directory(args.lists, threshold=args.threshold)


def describe_lists(lists_used: Iterable[ListUse]) -> list[str]:
    return [
        f"  {use.list_id} ({use.coverage}) published {use.published.isoformat()} "
        f"sha256:{use.digest}"
        for use in lists_used
    ]
