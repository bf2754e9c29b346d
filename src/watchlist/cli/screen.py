"""``watchlist screen INPUT.csv``: screen every row of a CSV file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from watchlist.batch import screen_csv
from watchlist.cli._common import add_screening_options, describe_lists, load_screener


def register(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "screen",
        help="screen every row of a CSV file",
        description="Screen every row of a CSV file; every input row is written out with its "
        "outcome (clear, hit or error), the hits and the list versions used.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT.csv", help="UTF-8 CSV file with a header row")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="output CSV")
    parser.add_argument(
        "--name-column", default="name", metavar="COL", help="column holding the name"
    )
    add_screening_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    screener = load_screener(args)
    summary = screen_csv(
        screener,
        args.input,
        args.output,
        jurisdiction=args.jurisdiction,
        as_of=args.as_of or dt.date.today(),
        name_column=args.name_column,
        accept_stale=args.accept_stale,
    )
    lines = [
        f"watchlist: {summary.rows_read} rows read, {summary.rows_screened} screened, "
        f"{summary.rows_with_hits} with hits, {summary.rows_rejected} rejected; "
        f"wrote {args.output}",
        "lists used:",
        *describe_lists(summary.lists_used),
    ]
    print("\n".join(lines), file=sys.stderr)
    return 1 if summary.rows_with_hits else 0
