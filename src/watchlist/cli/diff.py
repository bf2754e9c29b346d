"""``watchlist diff TARGET --from D1 --to D2``: what changed on a list or in a jurisdiction.

Exit codes: 0 when nothing changed, 1 when something did, 2 on a usage or data error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from watchlist.cli._common import (
    add_index_cache_options,
    add_list_options,
    load_screener,
    parse_date,
)
from watchlist.lists.diff import diff
from watchlist.lists.store import Store, default_store_path

_EPILOG = """exit status:
  0  compared, nothing changed
  1  compared, entries were added, removed or changed
  2  usage or data error (unknown list or jurisdiction, date not covered, stale or bad list)
"""


def register(commands: Any, _epilog: str) -> None:
    parser = commands.add_parser(
        "diff",
        help="entries added, removed and changed between two dates",
        description="Compare the entries in force on two dates, for one list (an id such as "
        "us-ofac-sdn) or for a jurisdiction (a code such as KZ: every list it applies on "
        "either date). Removed entries say how they ended: delisted, suspended or expired.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", metavar="TARGET", help="a list id or a jurisdiction code")
    parser.add_argument(
        "--from",
        dest="from_date",
        type=parse_date,
        required=True,
        metavar="D1",
        help="the first date (2023-12-01; 2023-12 or 2023 mean their first day)",
    )
    parser.add_argument(
        "--to",
        dest="to_date",
        type=parse_date,
        required=True,
        metavar="D2",
        help="the second date, on or after D1",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json (stable key order) for programs (default: text)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", default=None, help="write to FILE (default: stdout)"
    )
    parser.add_argument(
        "--accept-stale",
        action="store_true",
        help="compare even when a date is past a list's maximum age",
    )
    add_list_options(parser, store_default=f"the per-user store, {default_store_path()}")
    add_index_cache_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    default = Store.default()
    screener = load_screener(args, store=default if default.path.is_dir() else None)
    result = diff(
        screener,
        args.from_date,
        args.to_date,
        target=args.target,
        accept_stale=args.accept_stale,
    )
    text = result.to_json_text() if args.format == "json" else result.to_text()
    if args.output is None:
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if result.has_changes else 0
