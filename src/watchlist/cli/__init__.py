"""The ``watchlist`` command: a thin layer over the library.

Exit codes: 0 when nothing matched (or, for ``diff``, nothing changed), 1 when something
matched (or changed), 2 on a usage or data error.
Only :class:`~watchlist.errors.WatchlistError` is caught (one line on stderr, exit 2); any
other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from watchlist.cli import check, diff, lists, rescreen, screen
from watchlist.errors import WatchlistError

EXIT_CLEAR = 0
EXIT_HITS = 1
EXIT_ERROR = 2

_EPILOG = """exit status:
  0  screened, nothing matched (diff: no changes)
  1  screened, at least one hit (diff: changes found)
  2  usage or data error (unknown jurisdiction, date not covered, stale or bad list, bad input)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watchlist",
        description="Screen names against sanctions and terrorist lists, per jurisdiction, "
        "as of a date.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (check, screen, lists, diff, rescreen):
        module.register(commands, _EPILOG)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except WatchlistError as error:
        print(f"watchlist: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return code
